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

Values are numpy arrays of numbers: a scalar (), a row vector (n,) such as an image, or a batch
of rows (m, n), one row per sample; `mul` is the matrix product `@`. Each builder's docstring
says which shapes its type takes; `forward` refuses others with a ValueError that names the
node, its type and the shapes. Each node type has a builder in `Graph`, a case in `forward`
and a case in `backward`, in the same order in all three: the tutorial's types first, then the
ones a student reaches for next. To add a type, add all three (the forward case checks the
shapes its builder's docstring allows), and a case to gradcheck.py and to tests/extremes.py.
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
        return f'ComputeNode({self.type!r}, {self.id}, children={[c.id for c in self.children]})'


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
        for c in children:  # a child from elsewhere would keep old gradients: backward skips it
            if not in_graph(self, c):
                raise ValueError(
                    f'node {len(self.nodes)} ({type}): its child {c!r} is not a node of this '
                    'graph; make a value a node with g.var(value), in this graph'
                )
        v = ComputeNode(type, len(self.nodes), *children)
        v.requires_grad = any([c.requires_grad for c in children])  # noqa: C419  # a list: faster than (...)
        self.nodes.append(v)
        return v

    def var(self, value, requires_grad=True):
        """A leaf holding `value`: a parameter, or (with requires_grad=False) an input.

        Shapes: a number (), a row (n,) or a batch of rows (m, n), of any numeric dtype.
        `forward` makes a number or a list a numpy array; it refuses None (ValueError: give the
        var a value first), more axes (ValueError) and what is not numbers (TypeError).
        """
        a = ComputeNode('var', len(self.nodes))
        a.value = value
        a.requires_grad = requires_grad
        self.nodes.append(a)
        return a

    def add(self, a, b):
        """a + b.

        Shapes, in either order: two alike; a batch of rows (m, n) and a row (n,) added to each
        of its rows (a bias); a scalar () and any value.
        """
        return self.node('add', a, b)

    def mul(self, a, b):
        """The matrix product a @ b.

        Shapes: a row (n,) or a batch of rows (m, n) times a matrix (n, k), giving (k,) or
        (m, k). A vector b is refused: v.reshape(-1, 1) is the matrix of a vector v.
        """
        return self.node('mul', a, b)

    def logistic(self, a):
        """The logistic function 1 / (1 + exp(-a)), element-wise: 0 at -inf, 1 at +inf.

        Shapes: any (a scalar, a row or a batch), kept.
        """
        return self.node('logistic', a)

    def logsoftmax(self, a):
        """log softmax(a) over the last axis: log probabilities from scores.

        Shapes: a row (n,) or a batch of rows (m, n), n >= 1, kept. A score of -inf is a class
        of probability 0, log probability -inf; a score of +inf, or a row of -inf only, is nan.
        """
        return self.node('logsoftmax', a)

    def cross_entropy(self, pred, gold):
        """-sum_i gold_i log softmax(pred)_i: one number per row (a scalar for a row vector).

        Shapes: pred and gold alike, a row (n,) or a batch of rows (m, n). A class that gold
        gives weight 0 adds 0, even if its score is -inf (numpy warns of the invalid 0 * -inf,
        which forward then leaves out).
        """
        logprob = self.logsoftmax(pred)
        return self.node('cross-entropy', logprob, gold)

    # Beyond the tutorial: the types a student reaches for next.

    def sub(self, a, b):
        """a - b. Shapes: as for add."""
        return self.node('sub', a, b)

    def emul(self, a, b):
        """The element-wise product a * b. Shapes: as for add."""
        return self.node('emul', a, b)

    def sum(self, a):
        """The sum of all entries of a, a scalar. Shapes: any."""
        return self.node('sum', a)

    def tanh(self, a):
        """tanh(a), element-wise. Shapes: any, kept."""
        return self.node('tanh', a)

    def relu(self, a):
        """max(a, 0), element-wise. Shapes: any, kept."""
        return self.node('relu', a)

    def squared_error(self, pred, gold):
        """sum_i (pred_i - gold_i)^2: one number per row (a scalar for a row vector).

        Shapes: pred and gold alike, a row (n,) or a batch of rows (m, n).
        """
        return self.node('squared-error', pred, gold)


def forward(graph):
    """Compute the value of every node from its children's, in the order of graph.nodes.

    Gradients of the old values are dropped, the loss's too: `backward` seeds it anew. A node
    whose children's shapes its type does not take (see its builder) is a ValueError naming it.
    """
    check_graph(graph, 'forward')
    for n in graph.nodes:
        n.grad = None
        if n.type == 'var':
            # set when the node was made, or by the caller before this call
            if type(n.value) is not numpy.ndarray or n.value.ndim > 2:
                n.value = leaf_value(n)  # g.var(1): a number becomes an array; None is refused
        elif n.type == 'add':
            check_elementwise(n)
            n.value = n.children[0].value + n.children[1].value
        elif n.type == 'mul':
            check_matmul(n)
            n.value = n.children[0].value @ n.children[1].value
        elif n.type == 'logistic':
            # 1 / (1 + e) for a >= 0, e / (1 + e) for a < 0, with e = exp(-|a|) <= 1: exp cannot
            # overflow, and neither tail is a difference of nearby numbers that rounds to 0
            e = numpy.exp(-numpy.abs(n.children[0].value))
            n.value = numpy.where(n.children[0].value >= 0, 1, e) / (1 + e)
        elif n.type == 'logsoftmax':
            # log softmax(a)_i = a_i - log sum_j exp(a_j); logaddexp.reduce takes that log of a
            # sum without computing exp(a_j), which overflows for scores over 709
            check_rows(n)
            a = n.children[0].value
            n.value = a - numpy.logaddexp.reduce(a, axis=-1, keepdims=True)
        elif n.type == 'cross-entropy':
            # the tutorial's numpy.dot; vecdot takes it row by row for a batch
            check_alike_rows(n)
            n.value = (-1) * numpy.vecdot(n.children[0].value, n.children[1].value)
            # nan from 0 * -inf, a class of score -inf that gold gives weight 0: left out, it adds
            # 0 (where() on every call would cost a third of a linear step's checks and fixes)
            if has_nan(n.value):
                logprob, gold = n.children[0].value, n.children[1].value
                n.value = (-1) * numpy.vecdot(numpy.where(gold, logprob, 0.0), gold)
        # beyond the tutorial
        elif n.type == 'sub':
            check_elementwise(n)
            n.value = n.children[0].value - n.children[1].value
        elif n.type == 'emul':
            check_elementwise(n)
            n.value = n.children[0].value * n.children[1].value
        elif n.type == 'sum':
            n.value = numpy.sum(n.children[0].value)
        elif n.type == 'tanh':
            n.value = numpy.tanh(n.children[0].value)
        elif n.type == 'relu':
            n.value = numpy.maximum(n.children[0].value, 0)
        elif n.type == 'squared-error':
            check_alike_rows(n)
            n.value = numpy.sum((n.children[0].value - n.children[1].value) ** 2, axis=-1)
        else:
            # the tutorial prints and goes on; a value silently left stale is worse than a stop
            raise ValueError(f'unknown node type {n.type!r} (node {n.id})')
        if trace:
            trace(n)  # for showgraph.py --trace: the value just computed


def backward(graph, loss=None):
    """Compute dL/dnode for every node that needs it, where L is `loss`, by default the last node.

    Goes over graph.nodes in reverse, so a node's gradient is complete before it is passed on
    to its children. Each call starts afresh: the gradients of an earlier call are dropped, so
    calling backward twice gives the same gradients twice, and after changing a var's value,
    `forward(g); backward(g)` gives the gradients at the new value. The loss's gradient is the
    seed: ones (dL/dL = 1) unless the caller set loss.grad after the last forward. For a batch,
    the loss is one number per row and the gradients are those of their sum. The seed may be any
    number (it then stands for every row) or an array of the loss's shape. Every gradient has its
    node's shape and a floating dtype: the loss's own, float64 for an integer loss. A node built
    after the loss (a prediction, say) gets no gradient: give the loss, backward(g, loss), when it
    is not the last node.
    """
    check_graph(graph, 'backward')
    if not graph.nodes:
        raise ValueError('backward: the graph has no nodes; build a loss and run forward first')
    if loss is None:
        loss = graph.nodes[-1]  # the tutorial's: the loss is the last node built
    elif not in_graph(graph, loss):
        raise ValueError(f'backward: the loss {loss!r} is not a node of this graph')
    for n in graph.nodes:
        if n is not loss:
            n.grad = None
    loss.grad = seed(loss)
    for n in reversed(graph.nodes):
        if n.grad is None:
            continue  # no path to the loss, or nobody needs it
        c = n.children
        if n.type == 'var':
            pass  # a leaf: nothing to pass on
        elif n.type == 'add':
            if c[0].requires_grad:
                add_grad(c[0], sum_to(n.grad, c[0]))  # dL/da = dL/dn
            if c[1].requires_grad:
                add_grad(c[1], sum_to(n.grad, c[1]))  # dL/db = dL/dn
        elif n.type == 'mul':
            if c[0].requires_grad:
                add_grad(c[0], n.grad @ c[1].value.T)  # dL/dx = dL/dn A^T
            if c[1].requires_grad:
                add_grad(c[1], transpose_mul(c[0].value, n.grad))  # dL/dA = x^T dL/dn
        elif n.type == 'logistic':
            # s (1 - s) is e / (1 + e)^2 with e = exp(-|a|): 1 - s would round to 0 for a > 37,
            # where s (1 - s) is still a float (4e-18 at 40)
            if c[0].requires_grad:
                e = numpy.exp(-numpy.abs(c[0].value))
                add_grad(c[0], n.grad * e / (1 + e) ** 2)  # dL/da = dL/dn s (1 - s)
        elif n.type == 'logsoftmax':
            # dL/da = dL/dn - softmax(a) sum_i (dL/dn)_i, with softmax(a) = exp(n)
            if c[0].requires_grad:
                add_grad(c[0], n.grad - numpy.exp(n.value) * n.grad.sum(axis=-1, keepdims=True))
        elif n.type == 'cross-entropy':
            per_row = n.grad[..., None]  # one number per row, against each column
            if c[0].requires_grad:
                add_grad(c[0], -c[1].value * per_row)  # dL/dlogprob = -gold dL/dn
            if c[1].requires_grad:
                add_grad(c[1], -c[0].value * per_row)  # dL/dgold = -logprob dL/dn
        # beyond the tutorial
        elif n.type == 'sub':
            if c[0].requires_grad:
                add_grad(c[0], sum_to(n.grad, c[0]))  # dL/da = dL/dn
            if c[1].requires_grad:
                add_grad(c[1], sum_to(-n.grad, c[1]))  # dL/db = -dL/dn
        elif n.type == 'emul':
            if c[0].requires_grad:
                add_grad(c[0], sum_to(n.grad * c[1].value, c[0]))  # dL/da = dL/dn * b
            if c[1].requires_grad:
                add_grad(c[1], sum_to(n.grad * c[0].value, c[1]))  # dL/db = dL/dn * a
        elif n.type == 'sum':
            # full, not full_like(a): an integer a would round the gradient to integers
            if c[0].requires_grad:
                add_grad(c[0], numpy.full(c[0].value.shape, n.grad))  # dL/da_i = dL/dn
        elif n.type == 'tanh':
            # 1 - t^2 is 4e / (1 + e)^2 with e = exp(-2|a|): 1 - t^2 loses digits as |t| nears 1,
            # and all of them for |a| > 19
            if c[0].requires_grad:
                e = numpy.exp(-2 * numpy.abs(c[0].value))
                add_grad(c[0], n.grad * 4 * e / (1 + e) ** 2)  # dL/da = dL/dn (1 - t^2)
        elif n.type == 'relu':
            if c[0].requires_grad:
                add_grad(c[0], n.grad * (c[0].value > 0))  # dL/da = dL/dn [a > 0]
        elif n.type == 'squared-error':
            twice_diff = 2 * (c[0].value - c[1].value) * n.grad[..., None]
            if c[0].requires_grad:
                add_grad(c[0], twice_diff)  # dL/dpred = 2 (pred - gold) dL/dn
            if c[1].requires_grad:
                add_grad(c[1], -twice_diff)  # dL/dgold = -2 (pred - gold) dL/dn
        else:
            raise ValueError(f'unknown node type {n.type!r} (node {n.id})')


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
    if trace:
        trace(n, delta)  # for showgraph.py --trace: a contribution; n.grad, the total so far


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
    if x.ndim == 1:  # a row x is a 1 x n matrix: x^T g = (n x 1)(1 x k)
        return numpy.dot(x[:, None], g[None, :])
    return numpy.dot(x.T, g)


def seed(loss):
    """The gradient backward starts from: loss.grad (ones if None) as a float array of the loss's
    shape. A number stands for every row; ValueError if there is no value or the shapes differ.
    """
    if loss.value is None:
        raise ValueError(
            f'node {loss.id} ({loss.type}): has no value; run forward(g) before backward(g)'
        )
    value = numpy.asarray(loss.value)
    dtype = value.dtype if value.dtype.kind == 'f' else numpy.float64
    # dL/dL = 1 unless the caller set it; a Python number, having no shape, becomes an array
    try:
        grad = numpy.asarray(1.0 if loss.grad is None else loss.grad, dtype)
    except (TypeError, ValueError):
        raise TypeError(
            f'node {loss.id} ({loss.type}): loss.grad {loss.grad!r} is not a number or an array '
            'of numbers'
        ) from None
    if grad.shape == value.shape:
        return grad
    if grad.ndim == 0:
        return numpy.full(value.shape, grad)
    raise ValueError(
        f'node {loss.id} ({loss.type}): loss.grad has shape {grad.shape} and the loss '
        f'{value.shape}; set it to a number '
        "or an array of the loss's shape"
    )


def in_graph(graph, n):
    """Whether n is a node of graph: the node at its own id there."""
    return isinstance(n, ComputeNode) and n.id < len(graph.nodes) and graph.nodes[n.id] is n


def check_graph(graph, caller):
    """TypeError unless `graph` is a Graph: forward(c) with a node c is an easy slip."""
    if not isinstance(graph, Graph):
        raise TypeError(f'{caller}: give it the graph (g = Graph()), not {graph!r}')


# Shape checks of forward: each raises a ValueError naming the node, its type and the shapes.


def leaf_value(n):
    """A var's value as a numpy array of numbers with at most two axes, or an error saying why
    not."""
    if n.value is None:
        raise ValueError(
            f'node {n.id} (var): has no value; give it one with g.var(value), or set '
            'its .value, before forward(g)'
        )
    value = numpy.asarray(n.value)
    if value.dtype.kind not in 'iuf':
        raise TypeError(
            f'node {n.id} (var): its value {n.value!r} is not a real number or an array of them'
        )
    if value.ndim > 2:
        refuse(n, 'a number (), a row (n,) or a batch of rows (m, n)')
    return value


def check_elementwise(n):
    """add, sub, emul: two alike, a batch (m, n) and a row (n,), or a scalar and any value."""
    a, b = n.children[0].value.shape, n.children[1].value.shape
    if a != b and a[1:] != b and b[1:] != a and a and b:  # not alike, no bias, no scalar
        refuse(
            n,
            'two values of the same shape, a batch of rows (m, n) and a row (n,) for '
            'each of its rows, or a scalar () and any value',
        )


def check_matmul(n):
    """mul: a row (n,) or a batch of rows (m, n) times a matrix (n, k)."""
    x, w = n.children[0].value, n.children[1].value
    if w.ndim != 2 or x.ndim == 0 or x.shape[-1] != w.shape[0]:
        refuse(
            n,
            'a row (n,) or a batch of rows (m, n) times a matrix (n, k) '
            '(a vector v is the matrix v.reshape(-1, 1))',
        )


def check_rows(n):
    """logsoftmax: a row (n,) or a batch of rows (m, n), with n >= 1."""
    shape = n.children[0].value.shape
    if not shape or not shape[-1]:
        refuse(n, 'a row (n,) or a batch of rows (m, n), n >= 1')


def check_alike_rows(n):
    """cross-entropy, squared-error: two rows (n,) or two batches of rows (m, n) of one shape."""
    a, b = n.children[0].value.shape, n.children[1].value.shape
    if a != b or not a:
        refuse(n, 'two rows (n,) or two batches of rows (m, n) of the same shape')


def refuse(n, takes):
    """Raise the ValueError of node n, whose children's shapes its type does not take."""
    values = [c.value for c in n.children] if n.children else [n.value]
    shapes = ' and '.join(str(numpy.shape(v)) for v in values)
    raise ValueError(
        'node {} ({}): cannot take shape{} {}; {} takes {}'.format(
            n.id, n.type, 's' if len(values) > 1 else '', shapes, n.type, takes
        )
    )


def has_nan(x):
    """Whether a number or an array holds a nan, the one value not equal to itself."""
    return x != x if x.ndim == 0 else (x != x).any()


def one_hot(label, n):
    """A vector of n zeros with a one at index `label`: the gold distribution of a class.

    For an array of B labels (a batch), B such vectors: a B x n matrix. ValueError unless every
    label is a whole number in 0..n-1 (numpy would take -1 as the last class).
    """
    if isinstance(label, (int, numpy.integer)) and label is not True and 0 <= label < n:  # fast
        v = numpy.zeros(n)
        v[label] = 1.0
        return v
    labels = numpy.asarray(label)
    good = labels.dtype.kind in 'iuf' and (labels >= 0) & (labels < n) & (labels % 1 == 0)
    if not numpy.all(good):
        bad = labels[~good][0] if numpy.ndim(good) else labels  # the first that is no class
        raise ValueError(f'one_hot: label {bad.tolist()!r} is not a class 0..{n - 1}')
    v = numpy.zeros((*labels.shape, n))
    numpy.put_along_axis(v, labels.astype(int)[..., None], 1.0, axis=-1)
    return v
