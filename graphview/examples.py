"""The example graphs of ./showgraph.py: each function returns (graph, {node: name}).

EXAMPLES maps the command's names to them; TRACED are those that --trace alone traces.
"""

from plumbing import paramfile

import numpy

import nn


def first():
    """The tutorial's first example: c = a + b, with a = 1 and b = 2."""
    g = nn.Graph()
    a = g.var(1)
    b = g.var(2)
    g.add(a, b)
    return g, {a: 'a', b: 'b'}


def twice():
    """A node used twice: c = g.add(a, a), with a = 3."""
    g = nn.Graph()
    a = g.var(3)
    g.add(a, a)
    return g, {a: 'a'}


def small_linear():
    """The linear classifier on a 3-pixel image, 2 classes."""
    g = nn.Graph()
    p = {
        'w': g.var(numpy.array([[1.0, -1.0], [2.0, 0.0], [0.0, 1.0]])),
        'b': g.var(numpy.array([0.0, 1.0])),
    }
    return small_example(g, p, linear_score)


def small_mlp():
    """An MLP of 2 logistic units on a 3-pixel image, 2 classes."""
    g = nn.Graph()
    p = {
        'w1': g.var(numpy.array([[1.0, -1.0], [2.0, 0.0], [0.0, 1.0]])),
        'b1': g.var(numpy.array([-1.0, -1.0])),
        'w2': g.var(numpy.array([[1.0, -1.0], [2.0, 1.0]])),
        'b2': g.var(numpy.array([0.0, 1.5])),
    }
    return small_example(g, p, mlp_score)


def linear_score(g, p, x):
    """The tutorial's linear classifier, as lin-train.py builds it: x w + b."""
    return g.add(g.mul(x, p['w']), p['b'])


def mlp_score(g, p, x):
    """The tutorial's MLP, as mlp-train.py builds it: logistic(x w1 + b1) w2 + b2."""
    return g.add(g.mul(g.logistic(g.add(g.mul(x, p['w1']), p['b1'])), p['w2']), p['b2'])


def small_example(g, p, score):
    """The loss of a model (its score function) with parameters p, as the train scripts build it,
    on the image x = [0, 0.5, 1] of class 0 of 2; names too."""
    x = g.var(numpy.array([0.0, 0.5, 1.0]), requires_grad=False)
    y = g.var(nn.one_hot(0, 2), requires_grad=False)
    g.cross_entropy(score(g, p, x), y)
    names = {v: k for k, v in p.items()}
    names.update({x: 'x', y: 'y'})
    return g, names


def linear():
    """The linear classifier that lin-train.py builds, on one MNIST image."""
    return mnist_example('linear', linear_score)


def mlp():
    """The MLP that mlp-train.py builds (300 hidden units), on one MNIST image."""
    return mnist_example('mlp', mlp_score)


def mnist_example(model, score):
    """The graph that lin-train.py or mlp-train.py builds, on the first test image; names too."""
    import mnist

    images, labels = mnist.load('test')
    params = paramfile.initial(model, 300, numpy.random.default_rng(0))
    g = nn.Graph()
    p = {name: g.var(value) for name, value in params.items()}
    x = g.var(images[0], requires_grad=False)
    y = g.var(nn.one_hot(labels[0], 10), requires_grad=False)
    g.cross_entropy(score(g, p, x), y)
    names = {v: k for k, v in p.items()}
    names.update({x: 'x', y: 'y', g.nodes[-1]: 'loss'})
    return g, names


EXAMPLES = {
    'linear': linear,
    'mlp': mlp,
    'first': first,
    'twice': twice,
    'small-linear': small_linear,
    'small-mlp': small_mlp,
}
TRACED = ['first', 'twice', 'small-linear', 'small-mlp']  # by --trace alone
