"""What nn.py refuses, and why: each error names the node, its type and what it takes.

nn.py calls these at the points where a mistake would otherwise give a numpy traceback that
names no node, or worse, a silently wrong number: a child that is not a node of the graph
(Graph.node), a value that is not numbers or shapes a type does not take (forward), a loss from
elsewhere or a seed of the wrong shape (backward), a contribution of the wrong shape (add_grad),
a label that is no class (one_hot).

The values nn.py computes with are float arrays. A var's value becomes one at forward:

    bool, integers (signed or not)   float64: exact for every bool and integer up to 2**53
    float16                          float32: arithmetic in float16 loses too much
    float32, float64, longdouble     kept as they are (the same array)
    complex                          TypeError: nn.py differentiates real numbers only
    strings, bytes, objects, times   TypeError: not numbers

A number or a (nested) list is made an array first, and more than two axes are refused. A
caller's own array of integers (or float16) that needs a gradient gets a warning: nn.py computes
with a copy, so an SGD step on w.value would not reach the caller's array.
"""

import warnings

import numpy

# --- Graph and nodes -----------------------------------------------------------------------------


def in_graph(graph, n):
    """Whether n is a node of graph: the node at its own id there."""
    i = getattr(n, 'id', None)
    return type(i) is int and 0 <= i < len(graph.nodes) and graph.nodes[i] is n


def children(graph, node_type, nodes):
    """ValueError unless each of `nodes` is a node of graph: a child from another graph would keep
    that graph's gradients, and a plain value (g.add(a, 2.0)) is no node at all."""
    for c in nodes:  # in_graph(graph, c), the fast way: this runs for every node built
        try:
            known = c.id >= 0 and graph.nodes[c.id] is c
        except (AttributeError, IndexError, TypeError):  # no node at all, or of a bigger graph
            known = False
        if not known:
            raise ValueError(
                f'node {len(graph.nodes)} ({node_type}): its child {c!r} is not a node of this '
                'graph; make a value a node with g.var(value), in this graph'
            )


def graph(g, caller):
    """TypeError unless g is a graph: forward(c) with a node c is an easy slip."""
    if not isinstance(getattr(g, 'nodes', None), list):
        raise TypeError(f'{caller}: give it the graph (g = Graph()), not {g!r}')


def loss(g, n):
    """The loss backward starts from: n, or by default the last node of g; an error if there is
    none, or if n is not a node of g."""
    graph(g, 'backward')
    if not g.nodes:
        raise ValueError('backward: the graph has no nodes; build a loss and run forward first')
    if n is None:
        return g.nodes[-1]  # the tutorial's: the loss is the last node built
    if not in_graph(g, n):
        raise ValueError(f'backward: the loss {n!r} is not a node of this graph')
    return n


def seed(n):
    """The gradient backward starts from, dL/dL: loss.grad as the caller set it after forward,
    else 1; as a new float array of the loss's shape (never the caller's own array). A number
    stands for every row of a batch loss. An error if the loss has no value, or if loss.grad is
    not numbers or not of the loss's shape."""
    if n.value is None:
        raise ValueError(
            f'node {n.id} ({n.type}): has no value; run forward(g) before backward(g)'
        )
    value = n.value
    if n.grad is None and type(value) is numpy.float64:  # one sample's loss: the common case
        return numpy.array(1.0)
    value = numpy.asarray(value)
    try:
        grad = numpy.array(1.0 if n.grad is None else n.grad, dtype=value.dtype)
    except (TypeError, ValueError):
        raise TypeError(
            f'node {n.id} ({n.type}): loss.grad {n.grad!r} is not a number or an array of numbers'
        ) from None
    if grad.shape == value.shape:
        return grad
    if grad.ndim == 0:
        return numpy.full(value.shape, grad)
    raise ValueError(
        f'node {n.id} ({n.type}): loss.grad has shape {grad.shape} and the loss {value.shape}; '
        "set it to a number or an array of the loss's shape"
    )


# --- Values and shapes, at forward ---------------------------------------------------------------


def inputs(n):
    """Before forward computes n: a var's value made a float array (see the module's docstring);
    for another type, its children's shapes checked, if the type has a rule (a type new to nn.py
    has none until it gets a case here)."""
    t = n.type  # one call per node, dispatched here, rather than two: this runs for every node
    if t == 'var':
        v = n.value  # a float64 or float32 array of at most two axes, the common case, passes
        floats = v.dtype is F64 or v.dtype is F32 if type(v) is numpy.ndarray else False
        if not floats or v.ndim > 2:
            n.value = leaf_value(n)
    elif t in ('add', 'sub', 'emul'):
        elementwise(n)
    elif t == 'mul':
        matmul(n)
    elif t == 'logsoftmax':
        rows(n)
    elif t == 'cross-entropy':
        gold_rows(n)
    elif t == 'squared-error':
        alike_rows(n)


# numpy gives every float64 array the same dtype object, and every float32 array another
F64, F32 = numpy.dtype(numpy.float64), numpy.dtype(numpy.float32)


def leaf_value(n):
    """A var's value as a float array of at most two axes, or an error that says what to give."""
    if n.value is None:
        raise ValueError(
            f'node {n.id} (var): has no value; give it one with g.var(value), or set its .value, '
            'before forward(g)'
        )
    try:
        value = numpy.asarray(n.value)
    except ValueError:  # a ragged list
        value = numpy.asarray(n.value, dtype=object)
    kind = value.dtype.kind
    if kind in 'biu':
        value = copied(n, value, numpy.float64)
    elif kind == 'f' and value.itemsize < 4:
        value = copied(n, value, numpy.float32)
    elif kind == 'c':
        raise TypeError(
            f'node {n.id} (var): its value {n.value!r} is complex; nn.py differentiates real '
            'numbers: give the real and imaginary parts as two vars'
        )
    elif kind != 'f':
        raise TypeError(
            f'node {n.id} (var): its value {n.value!r} is not a real number or an array of them '
            f'(dtype {value.dtype}); give floats, e.g. numpy.asarray(value, dtype=float)'
        )
    if value.ndim > 2:
        refuse(n, 'a number (), a row (n,) or a batch of rows (m, n)')
    return value


def copied(n, value, dtype):
    """value as a new array of dtype; a warning if it is the caller's array and needs a gradient:
    the gradient is the copy's, and w.value -= lr * w.grad would change the copy, not the array
    that the next step's g.var(param_w) reads again, which would never learn."""
    if isinstance(n.value, numpy.ndarray) and n.requires_grad:
        warnings.warn(
            f'node {n.id} (var): your {value.dtype} array is used as a {numpy.dtype(dtype)} '
            "copy; its gradient is the copy's, and w.value -= lr * w.grad changes the copy, not "
            'your array: give a parameter as floats, e.g. numpy.zeros((784, 10)), or '
            'astype(float); an input, such as an image, with g.var(x, requires_grad=False)',
            stacklevel=5,  # copied, leaf_value, inputs, forward: the line that called forward
        )
    return value.astype(dtype)


def elementwise(n):
    """add, sub, emul: two alike, a batch (m, n) and a row (n,), or a scalar and any value."""
    a, b = n.children[0].value.shape, n.children[1].value.shape
    if a != b and a[1:] != b and b[1:] != a and a and b:  # not alike, no bias, no scalar
        refuse(
            n,
            'two values of the same shape, a batch of rows (m, n) and a row (n,) for each of its '
            'rows, or a scalar () and any value',
        )


def matmul(n):
    """mul: a row (n,) or a batch of rows (m, n) times a matrix (n, k)."""
    x, w = n.children[0].value, n.children[1].value
    if x.ndim == 0 or w.ndim == 0:
        refuse(
            n,
            'a row or a batch of rows times a matrix; for a product of numbers, or one '
            'entry by entry, use g.emul(a, b)',
        )
    if w.ndim != 2 or x.shape[-1] != w.shape[0]:
        refuse(
            n,
            'a row (n,) or a batch of rows (m, n) times a matrix (n, k) (a vector v is the matrix '
            'v.reshape(-1, 1))',
        )


def rows(n):
    """logsoftmax: a row (n,) or a batch of rows (m, n), with n >= 1."""
    shape = n.children[0].value.shape
    if not shape or not shape[-1]:
        refuse(n, 'a row (n,) or a batch of rows (m, n), n >= 1')


def alike_rows(n):
    """squared-error: two rows (n,) or two batches of rows (m, n) of one shape."""
    a, b = n.children[0].value.shape, n.children[1].value.shape
    if a != b or not a:
        refuse(n, 'two rows (n,) or two batches of rows (m, n) of the same shape')


def gold_rows(n):
    """cross-entropy: as alike_rows; and a gold that the graph computes (not a var) must be a
    probability distribution in each row, entries >= 0 summing to 1. That is where the slip
    g.cross_entropy(y, score), its arguments swapped, shows: a loss from scores as gold means
    nothing. A var's gold, such as one_hot's, is taken as it is: checking it would cost every
    training step more than a tenth of the linear classifier's arithmetic (bench/bench.py)."""
    alike_rows(n)
    gold = n.children[1]
    if gold.type != 'var' and not is_distribution(gold.value):
        raise ValueError(
            f'node {n.id} (cross-entropy): its gold, node {gold.id} ({gold.type}), is not a '
            'probability distribution in each row (entries >= 0 summing to 1); the arguments are '
            'g.cross_entropy(score, gold), e.g. g.cross_entropy(score, g.var(one_hot(label, 10)))'
        )


def is_distribution(rows):
    """Whether each row's entries are >= 0 and sum to 1 (to 1e-6, for rounding)."""
    return bool((rows >= 0).all() and (abs(rows.sum(axis=-1) - 1) <= 1e-6).all())


def refuse(n, takes):
    """Raise the ValueError of node n, whose children's shapes its type does not take."""
    values = [c.value for c in n.children] if n.children else [n.value]
    shapes = ' and '.join(str(numpy.shape(v)) for v in values)
    raise ValueError(
        f'node {n.id} ({n.type}): cannot take shape{"s" if len(values) > 1 else ""} {shapes}; '
        f'{n.type} takes {takes}'
    )


# --- Gradients and labels ------------------------------------------------------------------------


def delta(n, i, d):
    """A contribution d to the gradient of n's child i, as a float array of the child's shape:
    summed over the axes that broadcasting added (a bias added to every row of a batch receives
    the sum of the rows' gradients). ValueError, naming both nodes, if it cannot be."""
    child, d = n.children[i], numpy.asarray(d)
    shape = numpy.shape(child.value)
    if d.dtype.kind != 'f':
        d = d.astype(numpy.float64)
    if d.shape == shape:
        return d
    added = d.ndim - len(shape)  # leading axes that broadcasting added
    if added >= 0 and all(s in (1, t) for s, t in zip(shape, d.shape[added:], strict=True)):
        d = d.sum(axis=tuple(range(added)))
        return d.sum(
            axis=tuple(k for k, s in enumerate(shape) if s == 1 != d.shape[k]), keepdims=True
        )
    raise ValueError(
        f'node {n.id} ({n.type}): passes a gradient of shape {d.shape} to its child {i}, node '
        f"{child.id}, whose value has shape {shape}; a gradient has its node's shape"
    )


def labels(label, n):
    """label as an array of whole numbers 0..n-1 (classes), or a ValueError naming the first
    that is not one (numpy would take -1 as the last class, and 2.5 as 2)."""
    if isinstance(label, (int, numpy.integer)) and label is not True and 0 <= label < n:
        return label  # one class, as a training step gives it: no array needed to check it
    found = numpy.asarray(label)
    good = found.dtype.kind in 'iuf' and (found >= 0) & (found < n) & (found % 1 == 0)
    if not numpy.all(good):
        bad = found[~good][0] if numpy.ndim(good) else found  # the first that is no class
        raise ValueError(f'one_hot: label {bad.tolist()!r} is not a class 0..{n - 1}')
    return found.astype(numpy.intp)
