"""The tutorial's snippets, as it writes them, give what it says they give."""

import numpy
import pytest

import nn
from nn import ComputeNode, Graph, backward, forward, init_grad, one_hot


def test_compute_node_as_the_tutorial_builds_it():
    a = ComputeNode('var', 0)
    b = ComputeNode('var', 1)
    c = ComputeNode('add', 2, a, b)
    assert (c.type, c.id, c.children, c.value, c.grad) == ('add', 2, [a, b], None, None)


def test_first_example_gives_3():
    g = Graph()
    a = g.var(1)
    b = g.var(2)
    c = g.add(a, b)
    forward(g)
    assert c.value == 3
    assert [n.id for n in g.nodes] == [0, 1, 2]


def test_graph_var_add_and_mul_as_the_tutorial_writes_them():
    g = Graph()
    x = g.var(numpy.array([1.0, 2.0]))
    w = g.var(numpy.array([[1.0, 0.0, -1.0], [0.5, 2.0, 3.0]]))
    b = g.var(numpy.array([0.0, 1.0, 0.0]))
    score = g.add(g.mul(x, w), b)
    forward(g)
    assert [n.type for n in g.nodes] == ['var', 'var', 'var', 'mul', 'add']
    assert score.value.tolist() == [2.0, 5.0, 5.0]  # mul is the matrix product x @ w


def tutorial_backward(graph):
    """The tutorial's backward, verbatim (it uses the tutorial's init_grad)."""
    for n in reversed(graph.nodes):
        if n.type == 'var':
            # do nothing
            pass
        elif n.type == 'add':
            init_grad(n.children[0])
            init_grad(n.children[1])
            n.children[0].grad += n.grad
            n.children[1].grad += n.grad
        elif n.type == 'mul':
            init_grad(n.children[0])
            init_grad(n.children[1])
            n.children[0].grad += n.grad @ n.children[1].value.T
            n.children[1].grad += numpy.outer(n.children[0].value, n.grad)
        else:
            print(f'unknown node type: {n.type}')


def test_tutorial_backward_and_init_grad_agree_with_nn_backward():
    rng = numpy.random.default_rng(1)
    g = Graph()
    x = g.var(rng.normal(size=5))
    w = g.var(rng.normal(size=(5, 3)))
    b = g.var(rng.normal(size=3))
    score = g.add(g.mul(x, w), b)
    forward(g)
    upstream = rng.normal(size=3)
    score.grad = upstream.copy()
    tutorial_backward(g)
    theirs = [n.grad.copy() for n in (x, w, b)]
    score.grad = upstream.copy()
    backward(g)
    for mine, tutorial in zip((x.grad, w.grad, b.grad), theirs, strict=True):
        numpy.testing.assert_allclose(mine, tutorial)


def test_init_grad_as_the_tutorial_writes_it():
    n = ComputeNode('var', 0)
    n.value = numpy.ones((2, 3))
    init_grad(n)
    assert n.grad.shape == (2, 3) and not n.grad.any()
    n.grad += 5
    init_grad(n)  # keeps what was accumulated
    assert (n.grad == 5).all()


def test_linear_classification_snippet():
    rng = numpy.random.default_rng(2)
    param_w, param_b = rng.normal(size=(784, 10)) * 0.01, numpy.zeros(10)
    img, label = rng.uniform(size=784), 3

    g = nn.Graph()
    w = g.var(param_w)
    b = g.var(param_b)
    x = g.var(img)
    y = g.var(nn.one_hot(label, 10))
    score = g.add(g.mul(x, w), b)
    loss = g.cross_entropy(score, y)

    nn.forward(g)
    nn.backward(g)
    assert loss.value > 0 and numpy.ndim(loss.value) == 0
    assert w.grad.shape == (784, 10) and b.grad.shape == (10,)
    # cross_entropy first computes the log probability with a logsoftmax node
    assert g.nodes[-2].type == 'logsoftmax' and loss.type == 'cross-entropy'
    # the tutorial's forward case: (-1) * numpy.dot(logprob, gold)
    assert loss.value == pytest.approx((-1) * numpy.dot(g.nodes[-2].value, y.value))


def test_mlp_snippet():
    rng = numpy.random.default_rng(3)
    param_w1, param_b1 = rng.normal(size=(784, 30)) * 0.05, numpy.zeros(30)
    param_w2, param_b2 = rng.normal(size=(30, 10)) * 0.1, numpy.zeros(10)
    img, label = rng.uniform(size=784), 7

    g = nn.Graph()
    w1 = g.var(param_w1)
    b1 = g.var(param_b1)
    w2 = g.var(param_w2)
    b2 = g.var(param_b2)
    x = g.var(img)
    y = g.var(nn.one_hot(label, 10))
    score = g.add(g.mul(g.logistic(g.add(g.mul(x, w1), b1)), w2), b2)
    loss = g.cross_entropy(score, y)

    nn.forward(g)
    nn.backward(g)
    assert loss.value > 0
    for p in (w1, b1, w2, b2):
        assert p.grad.shape == p.value.shape and numpy.isfinite(p.grad).all()


def test_one_hot():
    assert one_hot(3, 5).tolist() == [0, 0, 0, 1, 0]
    assert one_hot(numpy.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]  # a batch
