"""Automatic differentiation on computation graphs, as in the tutorial "Computation Graphs".

A graph is a list of nodes in the order they were created. Each node has a type, the children
it reads, a value, and a gradient grad = dL/dvalue, where L is the loss. forward(graph) computes
the values front to back, backward(graph) the gradients back to front:

    g = Graph()
    a = g.var(1)
    b = g.var(2)
    c = g.add(a, b)
    forward(g)
    print(c.value)  # => 3.0

Values are float numpy arrays: a number (), a row (n,) such as an image, or a batch of rows
(m, n), one row per sample. Each node type is a builder in Graph, a case in forward and a case
in backward, in the same order in all three: the tutorial's types first, then the ones a student
reaches for next. To add one, see the README's "Adding a node type".

What is not the lesson lives in modules of its own, named where they are used: checks.py
refuses what cannot be computed, naming the node; numerics.py computes a few formulas accurately
at extreme values, or fast; formulas.py holds each type's formulas for the tools that show them.
"""

import numpy

import checks
import numerics

# None, or a function that watches the numbers flow (showgraph's trace and page): forward calls
# trace(n) when it has computed n.value, add_grad calls trace(n, i, delta) when n's child i has
# received delta (its gradient so far is n.children[i].grad).
trace = None


class ComputeNode:
    """One computation: its type, an id for debugging, and the children it reads.

    value is set by forward; grad, dL/dvalue (of value's shape), by backward. requires_grad
    False tells backward that nobody wants this node's gradient (the input image, say).
    """

    def __init__(self, type, id, *children):
        self.type = type
        self.id = id
        self.children = list(children)
        self.value = None
        self.grad = None
        self.requires_grad = True

    def __repr__(self):
        return f'ComputeNode({self.type!r}, {self.id}, children={[c.id for c in self.children]})'


class Graph:
    """The nodes of a computation, in the order they were created. A node is built from nodes
    that exist, so children come before their parents: nodes is already a topological order."""

    def __init__(self):
        self.nodes = []

    def var(self, value, requires_grad=True):
        """A leaf holding value: a parameter, or with requires_grad=False an input, such as an
        image, whose gradient nobody needs. forward makes value a float array: see checks.py."""
        a = ComputeNode('var', len(self.nodes))
        a.value = value
        a.requires_grad = requires_grad
        self.nodes.append(a)
        return a

    def node(self, type, *children):
        """A new node of type reading children, appended; its id is its place in nodes. It needs
        a gradient if one of its children does. ValueError if a child is not a node of this graph.
        """
        checks.children(self, type, children)
        v = ComputeNode(type, len(self.nodes), *children)
        v.requires_grad = any(c.requires_grad for c in children)
        self.nodes.append(v)
        return v

    def add(self, a, b):
        """a + b. Shapes: two alike; a batch (m, n) and a row (n,) added to each of its rows (a
        bias), in either order; a scalar () and any value."""
        return self.node('add', a, b)

    def mul(self, a, b):
        """The matrix product a @ b (x A in the tutorial's letters): a row (n,) or a batch of rows
        (m, n) times a matrix (n, k), giving (k,) or (m, k). A vector b is refused:
        v.reshape(-1, 1) is the matrix of a vector v; for numbers, or entry by entry, use emul."""
        return self.node('mul', a, b)

    def logistic(self, a):
        """1 / (1 + e^-a), entry by entry: 0 at -inf, 1 at +inf. Shapes: any, kept."""
        return self.node('logistic', a)

    def logsoftmax(self, a):
        """log softmax(a) = a - log sum_j e^a_j, over each row: log probabilities from scores.
        Shapes: a row (n,) or a batch of rows (m, n), n >= 1, kept. A score of -inf is a class of
        probability 0; a score of +inf, or a row of -inf only, gives nan."""
        return self.node('logsoftmax', a)

    def cross_entropy(self, pred, gold):
        """-sum_i gold_i log softmax(pred)_i: one number per row (a scalar for a row). Shapes: pred
        and gold alike, a row (n,) or a batch (m, n); each row of gold a distribution (entries
        >= 0 summing to 1), or forward refuses it. A class of weight 0 adds 0, even at -inf."""
        logprob = self.logsoftmax(pred)
        return self.node('cross-entropy', logprob, gold)

    # Beyond the tutorial: the types a student reaches for next.

    def sub(self, a, b):
        """a - b. Shapes: as for add."""
        return self.node('sub', a, b)

    def emul(self, a, b):
        """The product a * b, entry by entry. Shapes: as for add."""
        return self.node('emul', a, b)

    def sum(self, a):
        """The sum of all entries of a: a scalar. Shapes: any."""
        return self.node('sum', a)

    def tanh(self, a):
        """tanh(a), entry by entry. Shapes: any, kept."""
        return self.node('tanh', a)

    def relu(self, a):
        """max(a, 0), entry by entry. Shapes: any, kept."""
        return self.node('relu', a)

    def squared_error(self, pred, gold):
        """sum_i (pred_i - gold_i)^2: one number per row (a scalar for a row). Shapes: pred and
        gold alike, a row (n,) or a batch of rows (m, n)."""
        return self.node('squared-error', pred, gold)


def forward(graph):
    """Compute every node's value from its children's, in the order of graph.nodes.

    The gradients of the old values are dropped. Errors name the node: shapes that its type does
    not take (see its builder), a var whose value is not numbers, an unknown type.
    """
    checks.graph(graph, 'forward')
    for n in graph.nodes:
        n.grad = None
        checks.inputs(n)  # a var's value made a float array; others, their children's shapes
        if n.type == 'var':
            pass  # its value was set by g.var, or by the caller
        elif n.type == 'add':
            n.value = n.children[0].value + n.children[1].value
        elif n.type == 'mul':
            n.value = n.children[0].value @ n.children[1].value
        elif n.type == 'logistic':
            n.value = numerics.logistic(n.children[0].value)  # 1 / (1 + e^-a), in both tails
        elif n.type == 'logsoftmax':
            n.value = numerics.logsoftmax(n.children[0].value)  # a - log sum_j e^a_j
        elif n.type == 'cross-entropy':
            n.value = (-1) * numerics.rowdot(n.children[0].value, n.children[1].value)
        # beyond the tutorial
        elif n.type == 'sub':
            n.value = n.children[0].value - n.children[1].value
        elif n.type == 'emul':
            n.value = n.children[0].value * n.children[1].value
        elif n.type == 'sum':
            n.value = numpy.sum(n.children[0].value)
        elif n.type == 'tanh':
            n.value = numpy.tanh(n.children[0].value)
        elif n.type == 'relu':
            n.value = numpy.maximum(n.children[0].value, 0)
        elif n.type == 'squared-error':
            n.value = numpy.sum((n.children[0].value - n.children[1].value) ** 2, axis=-1)
        else:  # the tutorial prints and goes on; a value left stale is worse than a stop
            raise ValueError(f'unknown node type {n.type!r} (node {n.id})')
        if trace:
            trace(n)


def backward(graph, loss=None):
    """Compute dL/dnode for every node that needs one, where L is loss, by default the last node.

    Goes over graph.nodes in reverse, so a node's gradient is complete before it is passed on.
    Each call starts afresh from the seed dL/dL: ones, unless the caller set loss.grad after
    forward (see checks.seed). For a batch, the gradients are those of the sum of the rows' losses.
    Afterwards each gradient is an array of its own, of its node's shape and a float dtype.
    """
    loss = checks.loss(graph, loss)
    seed = checks.seed(loss)  # dL/dL = 1, unless the caller set loss.grad
    for n in graph.nodes:  # each call starts afresh: backward twice gives the same gradients
        n.grad = seed if n is loss else None
    for n in reversed(graph.nodes):
        if n.grad is None:
            continue  # not on a path to the loss, or nobody needs its gradient
        c = n.children
        if n.type == 'var':
            pass  # a leaf: nothing to pass on
        elif n.type == 'add':
            add_grad(n, 0, n.grad)  # dL/da = dL/dn
            add_grad(n, 1, n.grad)  # dL/db = dL/dn
        elif n.type == 'mul':
            if c[0].requires_grad:  # dL/dx costs as much as the forward product: only if needed
                add_grad(n, 0, n.grad @ c[1].value.T)  # dL/dx = dL/dn A^T
            add_grad(n, 1, numerics.transpose_mul(c[0].value, n.grad))  # dL/dA = x^T dL/dn
        elif n.type == 'logistic':
            add_grad(n, 0, n.grad * numerics.logistic_slope(c[0].value))  # dL/da = dL/dn s (1 - s)
        elif n.type == 'logsoftmax':
            # dL/da = dL/dn - softmax(a) sum_i (dL/dn)_i
            add_grad(n, 0, n.grad - numpy.exp(n.value) * n.grad.sum(axis=-1, keepdims=True))
        elif n.type == 'cross-entropy':
            # n.grad[..., None]: the loss is one number per row, against each of its columns
            add_grad(n, 0, -c[1].value * n.grad[..., None])  # dL/dlogprob = -gold dL/dn
            add_grad(n, 1, -c[0].value * n.grad[..., None])  # dL/dgold = -logprob dL/dn
        # beyond the tutorial
        elif n.type == 'sub':
            add_grad(n, 0, n.grad)  # dL/da = dL/dn
            add_grad(n, 1, -n.grad)  # dL/db = -dL/dn
        elif n.type == 'emul':
            add_grad(n, 0, n.grad * c[1].value)  # dL/da = dL/dn * b
            add_grad(n, 1, n.grad * c[0].value)  # dL/db = dL/dn * a
        elif n.type == 'sum':
            add_grad(n, 0, numpy.full(c[0].value.shape, n.grad))  # dL/da_i = dL/dn
        elif n.type == 'tanh':
            add_grad(n, 0, n.grad * numerics.tanh_slope(c[0].value))  # dL/da = dL/dn (1 - t^2)
        elif n.type == 'relu':
            add_grad(n, 0, n.grad * (c[0].value > 0))  # dL/da = dL/dn [a > 0]
        elif n.type == 'squared-error':
            twice_diff = 2 * (c[0].value - c[1].value) * n.grad[..., None]
            add_grad(n, 0, twice_diff)  # dL/dpred = 2 (pred - gold) dL/dn
            add_grad(n, 1, -twice_diff)  # dL/dgold = -2 (pred - gold) dL/dn
        else:
            raise ValueError(f'unknown node type {n.type!r} (node {n.id})')


def init_grad(n):
    """Give n a zero gradient to add to with +=, unless it has one: the tutorial's, for a
    backward written its way (nn.backward uses add_grad, which does the same and more)."""
    if n.grad is None:
        n.grad = numpy.zeros_like(n.value)


def add_grad(n, i, delta):
    """Add delta, one contribution to dL/dchild, to the gradient of n's child i: the tutorial's
    init_grad(child); child.grad += delta, for a child that needs a gradient.

    A node used by several parents, or twice by one, gets the sum of their contributions. A
    delta broadcast over the rows of a batch (a bias's) is first summed over them. The first
    contribution is kept as it is rather than added to zeros (for the MLP's 784 x 300 matrix that
    saves two passes over its memory each step), except n's own gradient or a view of an array,
    which add passes on: they are copied, so that no two gradients are one array.
    """
    child = n.children[i]
    if not child.requires_grad:
        return
    if type(delta) is not numpy.ndarray or delta.shape != child.value.shape:
        delta = checks.delta(n, i, delta)  # a bias's, summed over the rows; or a mistake
    if child.grad is None:  # the first: n's own gradient (add passes it on) or a view is copied
        child.grad = delta.copy() if delta is n.grad or delta.base is not None else delta
    else:
        child.grad = child.grad + delta
    if trace:
        trace(n, i, delta)


def one_hot(label, n):
    """A row of n zeros with a one at index label: the gold distribution of a class. For an
    array of B labels (a batch), B such rows: a (B, n) matrix. ValueError unless every label is
    a whole number 0..n-1 (numpy would take -1 as the last class)."""
    labels = checks.labels(label, n)  # whole numbers 0..n-1: one label, or a batch's array
    if isinstance(labels, numpy.ndarray):
        return numpy.eye(n)[labels]  # row k of the identity for each label k
    v = numpy.zeros(n)
    v[labels] = 1.0
    return v
