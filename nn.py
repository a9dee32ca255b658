"""Automatic differentiation on computation graphs, as in the tutorial "Computation Graphs".

A graph is a list of nodes in the order they were created; each node has a `type`, its
`children` (the nodes it takes its arguments from), a `value` and a `grad` (dL/dnode).
`forward(graph)` fills in the values front to back, `backward(graph)` the gradients back to front.

    g = Graph()
    a = g.var(1)
    b = g.var(2)
    c = g.add(a, b)
    forward(g)
    print(c.value)  # => 3

Values are numpy arrays: a row vector such as an image, or a batch of rows (one row per sample);
`mul` is the matrix product `@`. Each node type has a builder in `Graph`, a case in `forward`
and a case in `backward`, in the same order in all three: the tutorial's types first, then the
ones a student reaches for next. To add a type, add all three, and a case to gradcheck.py.
"""
import numpy

import allocator

allocator.keep_freed_memory()  # big arrays freed each step are reused, not paged in anew

# None, or a function to watch the numbers flow (showgraph.py --trace): trace(n) after forward
# computes n.value, trace(n, delta) after add_grad adds delta to n.grad.
trace = None


class ComputeNode:
    """One computation: its `type`, an `id` for debugging, and the `children` it reads.

    `value` is set by `forward`, `grad` (the gradient of the loss with respect to `value`,
    with the same shape) by `backward`. `requires_grad` False tells `backward` that nobody
    wants this node's gradient (the input image, say), so it is not computed.
    """

    def __init__(self, type, id, *children):
        self.type = type
        self.id = id
        self.children = list(children)
        self.value = None
        self.grad = None
        self.requires_grad = True

    def __repr__(self):
        return 'ComputeNode({!r}, {}, children={})'.format(
            self.type, self.id, [c.id for c in self.children])


class Graph:
    """The nodes of a computation, in creation order.

    Children exist before their parents, so `nodes` is already a topological order.
    """

    def __init__(self):
        self.nodes = []

    def node(self, type, *children):
        """Append a new node of `type` reading `children`; its id is its place in `nodes`.

        It needs a gradient if one of its children does; backward skips the others.
        """
        v = ComputeNode(type, len(self.nodes), *children)
        v.requires_grad = any([c.requires_grad for c in children])  # a list: faster than (...)
        self.nodes.append(v)
        return v

    def var(self, value, requires_grad=True):
        """A leaf holding `value`: a parameter, or (with requires_grad=False) an input."""
        a = ComputeNode('var', len(self.nodes))
        a.value = value
        a.requires_grad = requires_grad
        self.nodes.append(a)
        return a

    def add(self, a, b):
        """a + b; a vector b is added to every row of a batch a (a bias)."""
        return self.node('add', a, b)

    def mul(self, a, b):
        """The matrix product a @ b: a row vector (or a batch of rows) a times a matrix b."""
        return self.node('mul', a, b)

    def logistic(self, a):
        """The logistic function 1 / (1 + exp(-a)), element-wise."""
        return self.node('logistic', a)

    def logsoftmax(self, a):
        """log softmax(a) over the last axis: log probabilities from scores."""
        return self.node('logsoftmax', a)

    def cross_entropy(self, pred, gold):
        """-sum_i gold_i log softmax(pred)_i: one number per row (a scalar for a row vector)."""
        logprob = self.logsoftmax(pred)
        return self.node('cross-entropy', logprob, gold)

    # Beyond the tutorial: the types a student reaches for next.

    def sub(self, a, b):
        """a - b, broadcasting like add."""
        return self.node('sub', a, b)

    def emul(self, a, b):
        """The element-wise product a * b, broadcasting like add."""
        return self.node('emul', a, b)

    def sum(self, a):
        """The sum of all entries of a, a scalar."""
        return self.node('sum', a)

    def tanh(self, a):
        """tanh(a), element-wise."""
        return self.node('tanh', a)

    def relu(self, a):
        """max(a, 0), element-wise."""
        return self.node('relu', a)

    def squared_error(self, pred, gold):
        """sum_i (pred_i - gold_i)^2: one number per row (a scalar for a row vector)."""
        return self.node('squared-error', pred, gold)


def forward(graph):
    """Compute the value of every node from its children's, in the order of graph.nodes.

    Gradients of the old values are dropped, the loss's too: `backward` seeds it anew.
    """
    for n in graph.nodes:
        n.grad = None
        if n.type == 'var':
            pass  # set when the node was made, or by the caller before this call
        elif n.type == 'add':
            n.value = n.children[0].value + n.children[1].value
        elif n.type == 'mul':
            n.value = n.children[0].value @ n.children[1].value
        elif n.type == 'logistic':
            # equal to 1 / (1 + exp(-a)), but exp cannot overflow for very negative a
            n.value = 0.5 + 0.5 * numpy.tanh(0.5 * n.children[0].value)
        elif n.type == 'logsoftmax':
            # log softmax(a)_i = a_i - log sum_j exp(a_j); logaddexp.reduce takes that log of a
            # sum without computing exp(a_j), which overflows for scores over 709
            a = n.children[0].value
            n.value = a - numpy.logaddexp.reduce(a, axis=-1, keepdims=True)
        elif n.type == 'cross-entropy':
            # the tutorial's numpy.dot; vecdot takes it row by row for a batch
            n.value = (-1) * numpy.vecdot(n.children[0].value, n.children[1].value)
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
        else:
            # the tutorial prints and goes on; a value silently left stale is worse than a stop
            raise ValueError('unknown node type {!r} (node {})'.format(n.type, n.id))
        if trace: trace(n)  # for showgraph.py --trace: the value just computed


def backward(graph):
    """Compute dL/dnode for every node that needs it, where L is the last node (the loss).

    Goes over graph.nodes in reverse, so a node's gradient is complete before it is passed on
    to its children. Each call starts afresh: the gradients of an earlier call are dropped, so
    calling backward twice gives the same gradients twice, and after changing a var's value,
    `forward(g); backward(g)` gives the gradients at the new value. The loss's gradient is the
    seed: ones (dL/dL = 1) unless the caller set loss.grad after the last forward. For a batch,
    the loss is one number per row and the gradients are those of their sum.
    """
    *rest, loss = graph.nodes
    for n in rest:
        n.grad = None
    if loss.grad is None:
        loss.grad = numpy.ones(numpy.shape(loss.value))  # ones_like, without its slow dispatch
    for n in reversed(graph.nodes):
        if n.grad is None:
            continue  # no path to the loss, or nobody needs it
        c = n.children
        if n.type == 'var':
            pass  # a leaf: nothing to pass on
        elif n.type == 'add':
            if c[0].requires_grad: add_grad(c[0], sum_to(n.grad, c[0]))  # dL/da = dL/dn
            if c[1].requires_grad: add_grad(c[1], sum_to(n.grad, c[1]))  # dL/db = dL/dn
        elif n.type == 'mul':
            if c[0].requires_grad: add_grad(c[0], n.grad @ c[1].value.T)              # dL/dx = dL/dn A^T
            if c[1].requires_grad: add_grad(c[1], transpose_mul(c[0].value, n.grad))  # dL/dA = x^T dL/dn
        elif n.type == 'logistic':
            if c[0].requires_grad: add_grad(c[0], n.grad * n.value * (1 - n.value))  # dL/da = dL/dn s (1 - s)
        elif n.type == 'logsoftmax':
            # dL/da = dL/dn - softmax(a) sum_i (dL/dn)_i, with softmax(a) = exp(n)
            if c[0].requires_grad:
                add_grad(c[0], n.grad - numpy.exp(n.value) * n.grad.sum(axis=-1, keepdims=True))
        elif n.type == 'cross-entropy':
            per_row = n.grad[..., None]  # one number per row, against each column
            if c[0].requires_grad: add_grad(c[0], -c[1].value * per_row)  # dL/dlogprob = -gold dL/dn
            if c[1].requires_grad: add_grad(c[1], -c[0].value * per_row)  # dL/dgold = -logprob dL/dn
        # beyond the tutorial
        elif n.type == 'sub':
            if c[0].requires_grad: add_grad(c[0], sum_to(n.grad, c[0]))   # dL/da = dL/dn
            if c[1].requires_grad: add_grad(c[1], sum_to(-n.grad, c[1]))  # dL/db = -dL/dn
        elif n.type == 'emul':
            if c[0].requires_grad: add_grad(c[0], sum_to(n.grad * c[1].value, c[0]))  # dL/da = dL/dn * b
            if c[1].requires_grad: add_grad(c[1], sum_to(n.grad * c[0].value, c[1]))  # dL/db = dL/dn * a
        elif n.type == 'sum':
            if c[0].requires_grad: add_grad(c[0], numpy.full_like(c[0].value, n.grad))  # dL/da_i = dL/dn
        elif n.type == 'tanh':
            if c[0].requires_grad: add_grad(c[0], n.grad * (1 - n.value ** 2))  # dL/da = dL/dn (1 - t^2)
        elif n.type == 'relu':
            if c[0].requires_grad: add_grad(c[0], n.grad * (c[0].value > 0))  # dL/da = dL/dn [a > 0]
        elif n.type == 'squared-error':
            twice_diff = 2 * (c[0].value - c[1].value) * n.grad[..., None]
            if c[0].requires_grad: add_grad(c[0], twice_diff)   # dL/dpred = 2 (pred - gold) dL/dn
            if c[1].requires_grad: add_grad(c[1], -twice_diff)  # dL/dgold = -2 (pred - gold) dL/dn
        else:
            raise ValueError('unknown node type {!r} (node {})'.format(n.type, n.id))


def init_grad(n):
    """Give n a zero gradient to accumulate into with `+=`, unless it has one (the tutorial's)."""
    if n.grad is None:
        n.grad = numpy.zeros_like(n.value)


def add_grad(n, delta):
    """Accumulate one parent's contribution `delta` into n.grad: `init_grad(n); n.grad += delta`.

    A node used by several parents gets the sum of their contributions. The first one is taken
    as it is rather than added to zeros: for the MLP's 784 x 300 matrix that saves two passes
    over its memory each step. So a gradient may be the very array of another node's (add
    passes its own on): it is never changed in place, and a second contribution makes a new sum.
    """
    if n.grad is None:
        n.grad = delta
    else:
        n.grad = n.grad + delta
    if trace: trace(n, delta)  # for showgraph.py --trace: a contribution; n.grad, the total so far


def sum_to(grad, n):
    """grad summed over the axes that broadcasting added to n's value (grad itself if none).

    A bias b added to every row of a batch receives the sum of the rows' gradients.
    """
    shape = numpy.shape(n.value)
    if grad.shape == shape:
        return grad
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    return grad.sum(axis=tuple(i for i, d in enumerate(shape) if d == 1), keepdims=True)


def transpose_mul(x, g):
    """x^T g: the outer product for a row vector x, the matrix product for a batch of rows.

    numpy.dot, not @: for a row x, that is a column (n x 1) times a row (1 x k), which numpy.dot
    hands to BLAS and @ does not. Same numbers as numpy.outer, 2 to 3 times as fast here (784 x
    10 and 784 x 300): the outer product is the biggest array a training step writes.
    """
    if x.ndim == 1:
        x, g = x[None, :], g[None, :]  # rows as 1 x n matrices: x^T g = (n x 1)(1 x k)
    return numpy.dot(x.T, g)


def one_hot(label, n):
    """A vector of n zeros with a one at index `label`: the gold distribution of a class.

    For an array of B labels (a batch), B such vectors: a B x n matrix.
    """
    if isinstance(label, (int, numpy.integer)):  # one label: the common case, kept fast
        v = numpy.zeros(n)
        v[label] = 1.0
        return v
    label = numpy.asarray(label)
    v = numpy.zeros(label.shape + (n,))
    numpy.put_along_axis(v, label[..., None], 1.0, axis=-1)
    return v
