"""The tutorial's two models: the shapes of their parameters, their start, and their graph.

This is all that differs between lin-train.py and mlp-train.py (and between the test scripts).
"""
import collections

import numpy

Model = collections.namedtuple('Model', 'name lr shapes init score')


def linear_shapes(hidden):
    """{name: shape} of the linear classifier's parameters (it has no hidden layer)."""
    return {'w': (784, 10), 'b': (10,)}


def linear_init(shapes, rng):
    """All zeros: the loss of a linear classifier has one minimum, no symmetry to break."""
    return {name: numpy.zeros(shape) for name, shape in shapes.items()}


def linear_score(g, p, x):
    """The tutorial's linear classifier: x w + b, ten scores, one per digit."""
    return g.add(g.mul(x, p['w']), p['b'])


def mlp_shapes(hidden):
    """{name: shape} of the MLP's parameters, with `hidden` hidden units."""
    return {'w1': (784, hidden), 'b1': (hidden,), 'w2': (hidden, 10), 'b2': (10,)}


def mlp_init(shapes, rng):
    """Random matrices, so that hidden units differ, with variance 1 / fan-in; zero biases."""
    return {name: rng.normal(0, 1 / numpy.sqrt(shape[0]), shape) if len(shape) == 2
            else numpy.zeros(shape) for name, shape in shapes.items()}


def mlp_score(g, p, x):
    """The tutorial's MLP: logistic(x w1 + b1) w2 + b2."""
    return g.add(g.mul(g.logistic(g.add(g.mul(x, p['w1']), p['b1'])), p['w2']), p['b2'])


LINEAR = Model('linear', 0.01, linear_shapes, linear_init, linear_score)
MLP = Model('mlp', 0.1, mlp_shapes, mlp_init, mlp_score)
