"""A stand-in for nn.py, to check a script's own part alone: its numbers are made up.

The training and test scripts build their graphs with nn.Graph, run nn.forward and nn.backward,
and then do their own part: the SGD step, or counting the wrong answers. With this module in
nn's place, each node's value and each parameter's gradient is drawn from a seeded random
stream instead of computed. So the step and the count can be checked before (and whether or
not) nn.py's forward and backward are done: the handout stores what the solution's scripts make
of the same made-up numbers. The shapes are nn.py's, and a loss is positive, as a loss is.

    nn = standin.module(seed=0)    # sys.modules['nn'] = nn, then run the script
    nn.replaced()                  # the shapes of the parameters whose array a step replaced

A parameter's var keeps the array it was given (`given`): the step must change that array in
place, since the next step's g.var(param_w) reads it, and the script saves it. A step that
gives w.value another array leaves it as it was; the stand-in sees that after the step.
"""

import types

import numpy


class Node:
    """A node: its type, children, value and gradient, as nn.ComputeNode has them."""

    def __init__(self, graph, type_, children, value=None, requires_grad=True):
        self.type, self.children, self.value, self.grad = type_, list(children), value, None
        self.requires_grad, self.given = requires_grad, value
        self.id = len(graph.nodes)
        graph.nodes.append(self)


class Graph:
    """The builders the scripts use, recording the graph as nn.Graph does."""

    def __init__(self):
        self.nodes = []

    def var(self, value, requires_grad=True):
        """A leaf holding value, kept as it is: a parameter's array is the script's."""
        return Node(self, 'var', (), value, requires_grad)

    def node(self, type_, *children):
        """A node of type_ reading children."""
        return Node(self, type_, children)

    def add(self, a, b):
        """a + b, as far as shapes go."""
        return self.node('add', a, b)

    def mul(self, a, b):
        """a @ b, as far as shapes go."""
        return self.node('mul', a, b)

    def logistic(self, a):
        """logistic(a), as far as shapes go."""
        return self.node('logistic', a)

    def cross_entropy(self, pred, gold):
        """A logsoftmax node, then a cross-entropy node: one number per row."""
        return self.node('cross-entropy', self.node('logsoftmax', pred), gold)


def shape(n):
    """The shape of n's value, from its children's, as nn.forward would make it."""
    kids = [numpy.shape(c.value) for c in n.children]
    if n.type == 'mul':
        return kids[0][:-1] + kids[1][1:]
    if n.type == 'add':
        return numpy.broadcast_shapes(*kids)
    if n.type == 'cross-entropy':
        return kids[0][:-1]
    return kids[0]


def module(seed=0):
    """A fresh module with nn's names for the scripts, its random stream started at `seed`."""
    rng = numpy.random.default_rng(seed)
    stepped, found = [], set()  # the graph of the last backward; the shapes of arrays replaced

    def look():
        """Add to `found` the parameters whose value the step after the last backward replaced
        by another array, of moved values."""
        params = [n for g in stepped for n in g.nodes if n.type == 'var' and n.requires_grad]
        for n in params:
            other = n.value is not n.given and numpy.shape(n.value) == numpy.shape(n.given)
            if other and not numpy.array_equal(n.value, n.given):
                found.add(numpy.shape(n.given))
        stepped.clear()

    def forward(graph):
        """Each node a made-up value of its shape; a var's made an array."""
        look()
        for n in graph.nodes:
            n.grad = None
            if n.type == 'var':
                if not isinstance(n.value, numpy.ndarray):
                    n.value = n.given = numpy.asarray(n.value, dtype=float)
            else:
                n.value = rng.uniform(0.5, 2.5, shape(n))

    def backward(graph, loss=None):
        """Each var that requires a gradient a made-up one of its shape."""
        for n in graph.nodes:
            n.grad = None
            if n.type == 'var' and n.requires_grad:
                n.grad = rng.normal(0, 1, numpy.shape(n.value))
        stepped.append(graph)

    def replaced():
        """The shapes of the parameters whose array a step replaced, instead of changing it."""
        look()
        return found

    def one_hot(label, n):
        """nn.one_hot: rows of the identity."""
        return numpy.eye(n)[label]

    nn = types.ModuleType('nn', 'A stand-in for nn.py: made-up values and gradients.')
    nn.Graph, nn.forward, nn.backward, nn.one_hot = Graph, forward, backward, one_hot
    nn.replaced = replaced
    return nn
