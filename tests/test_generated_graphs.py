"""Generated cases for every node type: shapes its builder accepts, values up to 1e3 in size,
inputs of every real dtype, and random graphs of every type.

For each, backward's gradients must match central differences, have their node's shape and a
floating dtype; shapes outside the rules must be refused by forward, naming node and shapes;
values of any real dtype must give what their float64 copies give; and after backward, no two
gradients may be one array, nor any gradient an array the caller passed in.
"""

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import formulas
import nn

SETTINGS = settings(max_examples=40, deadline=None)
BIG = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)  # 0, +-1e3, tiny ones too


@st.composite
def inputs(draw, node_type):
    """The shapes of the inputs of a node of `node_type`, as its builder's docstring allows them:
    scalars (), rows (n,), batches (m, n) with m = 1 among them, biases, and scalars with any.
    """
    m, n, k = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    row_or_batch = draw(st.sampled_from([(n,), (m, n)]))
    any_shape = draw(st.sampled_from([(), (n,), (m, n)]))
    if node_type in ('add', 'sub', 'emul'):
        return draw(
            st.sampled_from(
                [
                    [any_shape, any_shape],
                    [(m, n), (n,)],
                    [(n,), (m, n)],
                    [any_shape, ()],
                    [(), any_shape],
                ]
            )
        )
    if node_type == 'mul':
        return [row_or_batch, (n, k)]
    if node_type in ('cross-entropy', 'squared-error'):
        return [row_or_batch, row_or_batch]
    if node_type == 'logsoftmax':
        return [row_or_batch]
    # var, logistic, tanh, relu, sum, and a type new to nn.py: its inputs alike, any shape
    return [any_shape] * max(1, len(formulas.FORMULAS[node_type][1]))


def build(g, node_type, leaves):
    """A graph whose last node is of `node_type`, reading `leaves`."""
    if node_type == 'var':
        return leaves[0]
    if node_type == 'cross-entropy':
        return g.cross_entropy(*leaves)
    return getattr(g, node_type.replace('-', '_'))(*leaves)


def numeric_gradient(g, v, seed):
    """dL/dv by central differences, L = sum(seed * last value), each entry moved by +-h with
    h = 1e-5 max(1, |entry|), and by +-h/2: (4 D(h/2) - D(h)) / 3 cancels the h^2 term of the
    error (Richardson). The change of the last value is summed after the subtraction, so that
    the parts of L that the entry does not move cancel exactly."""
    last, numeric = g.nodes[-1], numpy.zeros_like(v.value)

    def difference(i, h):
        old = v.value[i]
        changes = []
        for x in (old + h, old - h):
            v.value[i] = x
            nn.forward(g)
            changes.append(numpy.copy(last.value))
        v.value[i] = old
        return numpy.sum(seed * (changes[0] - changes[1])) / ((old + h) - (old - h))

    for i in numpy.ndindex(v.value.shape):
        h = 1e-5 * max(1.0, abs(v.value[i]))
        numeric[i] = (4 * difference(i, h / 2) - difference(i, h)) / 3
    nn.forward(g)
    return numeric


def assert_gradients_match(g, leaves, seed):
    """Backward against central differences. The tolerance allows for the rounding of values
    up to size^2 (a product of two entries of size up to 1e3) over a step of 1e-5."""
    last = g.nodes[-1]
    nn.forward(g)
    last.grad = seed
    nn.backward(g)
    analytic = [v.grad for v in leaves]
    size = max([1.0] + [float(numpy.max(numpy.abs(v.value))) for v in leaves if v.value.size])
    atol = 1e-9 * float(numpy.sum(numpy.abs(seed))) * size**2 + 1e-12
    for v, grad in zip(leaves, analytic, strict=True):
        numpy.testing.assert_allclose(
            grad,
            numeric_gradient(g, v, seed),
            rtol=1e-4,
            atol=atol,
            err_msg=f'node {v.id} of {last.type}',
        )


TYPES = formulas.node_types()


@pytest.mark.parametrize('node_type', TYPES)
@SETTINGS
@given(data=st.data())
def test_gradients_match_central_differences_with_their_nodes_shapes(node_type, data):
    shapes = data.draw(inputs(node_type), label='shapes')
    values = [data.draw(hnp.arrays(numpy.float64, s, elements=BIG), label='value') for s in shapes]
    if node_type == 'relu':  # its kink at 0 is no place for a difference quotient
        values = [numpy.where(numpy.abs(x) < 0.01, 0.5, x) for x in values]
    g = nn.Graph()
    leaves = [g.var(x) for x in values]
    last = build(g, node_type, leaves)
    nn.forward(g)
    seed = data.draw(
        hnp.arrays(numpy.float64, numpy.shape(last.value), elements=st.floats(-2, 2)), label='seed'
    )
    last.grad = seed
    nn.backward(g)
    for n in g.nodes:
        assert n.grad.shape == numpy.shape(n.value) and n.grad.dtype.kind == 'f', n
    assert_gradients_match(g, leaves, seed)


def test_the_comparison_catches_a_gradient_off_by_one_percent(monkeypatch):
    g = nn.Graph()
    a, b = g.var(numpy.array([[0.5, -2.0]])), g.var(numpy.array([3.0, 1e3]))
    g.squared_error(g.logistic(g.add(a, b)), g.var(numpy.array([[0.2, 0.1]])))
    assert_gradients_match(g, [a, b], numpy.array([1.5]))
    right = nn.add_grad
    monkeypatch.setattr(nn, 'add_grad', lambda n, i, delta: right(n, i, 1.01 * delta))
    with pytest.raises(AssertionError, match='node 0 of squared-error'):
        assert_gradients_match(g, [a, b], numpy.array([1.5]))


# --- Shapes outside the rules are refused --------------------------------------------------------

SHAPES = st.sampled_from([(), (1,), (2,), (3,), (1, 2), (2, 1), (2, 2), (3, 2), (2, 3)])


def accepts(node_type, a, b):
    """The rule of each builder's docstring, written out for two input shapes a and b."""
    if node_type in ('add', 'sub', 'emul'):
        bias = (len(a) == 2 and b == a[1:]) or (len(b) == 2 and a == b[1:])
        return a == b or bias or a == () or b == ()
    if node_type == 'mul':
        return len(a) in (1, 2) and len(b) == 2 and a[-1] == b[0]
    return a == b and len(a) in (1, 2)  # cross-entropy, squared-error


@pytest.mark.parametrize(
    'node_type', ['add', 'sub', 'emul', 'mul', 'cross-entropy', 'squared-error']
)
@settings(max_examples=60, deadline=None)
@given(a=SHAPES, b=SHAPES)
def test_forward_refuses_shapes_outside_the_rules_naming_node_and_shapes(node_type, a, b):
    g = nn.Graph()
    g.var(0.0)  # so that the node refused is not node 2
    x, y = g.var(numpy.ones(a)), g.var(numpy.ones(b))
    last = build(g, node_type, [x, y])
    if accepts(node_type, a, b):
        nn.forward(g)
        nn.backward(g)
        assert x.grad.shape == a and y.grad.shape == b
    elif node_type == 'cross-entropy' and a == ():  # its logsoftmax refuses first
        with pytest.raises(ValueError, match=r'^node 3 \(logsoftmax\): cannot take shape \(\); '):
            nn.forward(g)
    else:
        with pytest.raises(ValueError) as e:
            nn.forward(g)
        assert str(e.value).startswith(
            f'node {last.id} ({node_type}): cannot take shapes {a} and {b}; {node_type} takes '
        ), str(e.value)


@settings(max_examples=30, deadline=None)
@given(shape=SHAPES)
def test_logsoftmax_refuses_a_scalar_and_takes_rows_and_batches(shape):
    g = nn.Graph()
    g.logsoftmax(g.var(numpy.zeros(shape)))
    if shape:
        nn.forward(g)
        numpy.testing.assert_allclose(numpy.exp(g.nodes[-1].value).sum(axis=-1), 1)
    else:
        with pytest.raises(ValueError, match=r'^node 1 \(logsoftmax\): cannot take shape \(\); '):
            nn.forward(g)


# --- Every real dtype, through every node type ---------------------------------------------------

DTYPES = [numpy.bool_, numpy.int8, numpy.int16, numpy.int32, numpy.int64, numpy.uint8,
          numpy.uint16, numpy.uint32, numpy.uint64, numpy.float16, numpy.float32, numpy.float64,
          numpy.longdouble]  # fmt: skip


def entries(dtype):
    """Entries that `dtype` holds exactly, small enough that float32 keeps 4 digits of results."""
    if dtype is numpy.bool_:
        return st.booleans()
    if numpy.issubdtype(dtype, numpy.unsignedinteger):
        return st.integers(0, 30)
    if numpy.issubdtype(dtype, numpy.integer):
        return st.integers(-30, 30)
    return st.integers(-120, 120).map(lambda k: k / 4)  # quarters: exact in float16 too


@pytest.mark.filterwarnings('ignore:node .* copy; its gradient is the copy')  # of arrays of ints
@pytest.mark.parametrize('node_type', TYPES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_real_dtype_gives_what_its_float64_copy_gives(node_type, data):
    dtype = data.draw(st.sampled_from(DTYPES), label='dtype')
    shapes = data.draw(inputs(node_type), label='shapes')
    values = [
        data.draw(hnp.arrays(dtype, s, elements=entries(dtype)), label='value') for s in shapes
    ]
    if node_type == 'cross-entropy':  # gold: one class per row, in the dtype too
        hot = numpy.zeros(shapes[1], dtype)
        hot[..., 0] = 1
        values[1] = hot
    results = []
    for kind in (dtype, numpy.float64):
        g = nn.Graph()
        leaves = [g.var(v if kind is dtype else v.astype(numpy.float64)) for v in values]
        last = build(g, node_type, leaves)
        nn.forward(g)
        nn.backward(g)
        results.append([last.value] + [v.grad for v in leaves])
        for n in g.nodes:
            for x in (n.value, n.grad):
                assert x.dtype.kind == 'f' and x.dtype.itemsize >= 4, (node_type, dtype, n)
    single = numpy.result_type(dtype, numpy.float32) == numpy.float32  # float16, float32
    tolerance = {'rtol': 1e-4, 'atol': 1e-3} if single else {'rtol': 1e-12, 'atol': 1e-12}
    for got, reference in zip(*results, strict=True):
        numpy.testing.assert_allclose(
            numpy.asarray(got, numpy.float64), reference, **tolerance, err_msg=str(dtype)
        )


# --- Each gradient an array of its own, in random graphs -----------------------------------------

UNARY = ['logistic', 'tanh', 'relu']
BINARY = ['add', 'sub', 'emul']


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_no_two_gradients_are_one_array_nor_the_callers(data):
    rows = data.draw(st.sampled_from([None, 2]), label='rows')
    shape = (3,) if rows is None else (rows, 3)
    g = nn.Graph()
    nodes = [g.var(numpy.linspace(-1, 1, 3) + k) for k in range(2)]
    nodes.append(g.mul(nodes[0], g.var(numpy.eye(3))))
    if rows:
        nodes = [g.add(g.var(numpy.ones(shape)), n) for n in nodes]  # rows, and a bias
    for _ in range(data.draw(st.integers(1, 8), label='steps')):
        kind = data.draw(st.sampled_from(UNARY + BINARY), label='type')
        a = data.draw(st.sampled_from(nodes), label='a')
        if kind in BINARY:  # the same node twice, now and then
            nodes.append(getattr(g, kind)(a, data.draw(st.sampled_from(nodes), label='b')))
        else:
            nodes.append(getattr(g, kind)(a))
    last = g.squared_error(nodes[-1], g.var(numpy.zeros(shape)))
    nn.forward(g)
    seed = numpy.full(numpy.shape(last.value), 0.5)
    last.grad = seed
    nn.backward(g)
    grads = [n for n in g.nodes if n.grad is not None]
    theirs = [seed] + [n.value for n in g.nodes if n.type == 'var']
    for i, n in enumerate(grads):
        for m in grads[i + 1 :]:
            assert not numpy.shares_memory(n.grad, m.grad), (n, m)
        for x in theirs:
            assert not numpy.shares_memory(n.grad, x), n
