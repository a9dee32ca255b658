"""What nn.py computes with and what it refuses: values of every dtype, shapes each node type
takes, calls out of order and slips, each refusal an error that names the node."""

import numpy as np
import pytest

from nn import Graph, backward, forward, one_hot

# --- Values and dtypes: computed in floats, or refused -------------------------------------------


def test_raw_pixel_bytes_are_computed_in_floats_not_wrapped_around_at_256():
    g = Graph()
    pred = g.var(np.array([200, 3], np.uint8))
    gold = g.var(np.array([0, 4], np.uint8))
    loss = g.squared_error(pred, gold)
    copied = r'^node [01] \(var\): your uint8 array is used as a float64 copy'
    with pytest.warns(UserWarning, match=copied):
        forward(g)
    assert loss.value == 40001  # 200^2 + 1^2; uint8 arithmetic gave 65
    backward(g)
    assert pred.grad.tolist() == [400.0, -2.0]  # uint8 gave [144, 254]
    assert gold.grad.tolist() == [-400.0, 2.0]
    assert pred.value.dtype == np.float64 and pred.grad.dtype == np.float64


@pytest.mark.filterwarnings('ignore:node .* copy; its gradient is the copy')  # said below
def test_boolean_arrays_are_zeros_and_ones():
    g = Graph()
    m = g.var(np.array([True, True, False]))
    total = g.add(m, m)
    difference = g.sub(m, m)
    s = g.logistic(m)
    g.sum(g.add(g.add(total, difference), s))
    forward(g)
    assert total.value.tolist() == [2.0, 2.0, 0.0]  # a logical or gave [True, True, False]
    assert difference.value.tolist() == [0.0, 0.0, 0.0]  # numpy refused - on bools
    np.testing.assert_allclose(s.value, 1 / (1 + np.exp([-1.0, -1.0, 0.0])), rtol=1e-15)
    backward(g)
    assert m.grad.dtype == np.float64 and m.grad.shape == (3,)


@pytest.mark.filterwarnings('ignore:node .* copy; its gradient is the copy')  # said below
@pytest.mark.parametrize(
    'dtype, result',
    [
        (np.bool_, np.float64),
        (np.int8, np.float64),
        (np.int64, np.float64),
        (np.uint8, np.float64),
        (np.uint64, np.float64),
        (np.float16, np.float32),
        (np.float32, np.float32),
        (np.float64, np.float64),
        (np.longdouble, np.longdouble),
    ],
)
def test_a_var_of_each_real_dtype_becomes_a_float_array(dtype, result):
    g = Graph()
    a = g.var(np.array([1, 0, 1], dtype))
    g.sum(g.tanh(a))
    forward(g)
    backward(g)
    assert a.value.dtype == result and a.grad.dtype == result


def test_an_integer_parameter_is_a_warning_that_steps_would_not_reach_it():
    param_w = np.zeros((3, 2), dtype=int)  # the student's zeros, of integers
    g = Graph()
    w = g.var(param_w)
    g.sum(g.mul(g.var(np.ones(3), requires_grad=False), w))
    with pytest.warns(UserWarning) as warned:
        forward(g)
    assert str(warned[0].message) == (
        "node 0 (var): your int64 array is used as a float64 copy; its gradient is the copy's, "
        'and w.value -= lr * w.grad changes the copy, not your array: give a parameter as floats, '
        'e.g. numpy.zeros((784, 10)), or astype(float); an input, such as an image, with '
        'g.var(x, requires_grad=False)'
    )
    assert warned[0].filename == __file__  # it points at the call of forward
    backward(g)
    w.value -= 0.1 * w.grad
    assert not param_w.any()  # what it warns of: the step went to the copy


def test_numbers_lists_and_data_that_needs_no_gradient_are_copied_without_a_word(recwarn):
    g = Graph()
    g.add(g.var(1), g.var([2, 3]))
    g.sum(g.var(np.zeros(3, np.uint8), requires_grad=False))
    forward(g)
    assert not recwarn.list


def test_float32_and_float64_arrays_are_used_as_they_are_not_copied():
    for dtype in (np.float32, np.float64):
        value = np.ones(3, dtype)
        g = Graph()
        a = g.var(value)
        g.sum(a)
        forward(g)
        assert a.value is value  # so that w.value -= lr * w.grad changes the caller's array


@pytest.mark.filterwarnings('ignore:node .* copy; its gradient is the copy')  # said below
def test_numbers_and_lists_become_arrays_and_integers_get_float_gradients():
    g = Graph()
    a = g.var(1)
    b = g.var([2, 3])
    c = g.var(np.array([4, 5]))
    g.sum(g.emul(g.add(a, b), c))
    forward(g)
    assert g.nodes[-1].value == 4 * 3 + 5 * 4
    g.nodes[-1].grad = 0.5  # an integer gradient would round this to 0
    backward(g)
    assert a.grad.tolist() == 4.5 and b.grad.tolist() == [2.0, 2.5]
    assert c.grad.tolist() == [1.5, 2.0]
    for n in g.nodes:
        assert n.grad.dtype == np.float64 and n.grad.shape == np.shape(n.value)


def test_float32_values_keep_float32_gradients():
    g = Graph()
    a = g.var(np.array([[0.5, -1.0]], dtype=np.float32))
    g.sum(g.tanh(g.logistic(a)))
    forward(g)
    backward(g)
    assert a.grad.dtype == np.float32 and g.nodes[-1].grad.dtype == np.float32


@pytest.mark.parametrize(
    'value, message',
    [
        (
            'abc',
            "node 0 (var): its value 'abc' is not a real number or an array of them (dtype <U3)",
        ),
        (
            np.array([b'ab']),
            "node 0 (var): its value array([b'ab'], dtype='|S2') is not a real number",
        ),
        (np.array([1, 2], dtype=object), 'node 0 (var): its value array([1, 2], dtype=object)'),
        (
            np.array(['2026-11-30'], 'datetime64[D]'),
            "node 0 (var): its value array(['2026-11-30'], dtype='datetime64[D]') is not a real",
        ),
        ([1, 'a'], "node 0 (var): its value [1, 'a'] is not a real number"),
        ([[1, 2], [3]], 'node 0 (var): its value [[1, 2], [3]] is not a real number'),
    ],
)
def test_a_var_of_what_is_not_numbers_is_refused_saying_what_to_give(value, message):
    g = Graph()
    g.var(value)
    with pytest.raises(TypeError) as e:
        forward(g)
    assert str(e.value).startswith(message), str(e.value)
    assert str(e.value).endswith('give floats, e.g. numpy.asarray(value, dtype=float)')


@pytest.mark.parametrize('value', [[1, 2j], np.array([1.0 + 0j]), np.complex64(1)])
def test_a_complex_var_is_refused_with_what_to_do_instead(value):
    g = Graph()
    g.var(value)
    with pytest.raises(TypeError) as e:
        forward(g)
    assert str(e.value).startswith('node 0 (var): its value ')
    assert str(e.value).endswith(
        'is complex; nn.py differentiates real numbers: give the real and imaginary parts as '
        'two vars'
    )


def test_a_var_of_three_axes_is_refused():
    g = Graph()
    g.var(np.ones((2, 2, 2)))
    with pytest.raises(ValueError) as e:
        forward(g)
    assert str(e.value) == (
        'node 0 (var): cannot take shape (2, 2, 2); var takes a number (), a row (n,) or a batch '
        'of rows (m, n)'
    )


def test_a_var_never_given_a_value_is_named_by_forward():
    g = Graph()
    w = g.var(np.ones((4, 3)))
    x = g.var(None)
    g.mul(x, w)
    with pytest.raises(ValueError) as e:  # was numpy's matmul error
        forward(g)
    assert str(e.value) == (
        'node 1 (var): has no value; give it one with g.var(value), or set its .value, before '
        'forward(g)'
    )


# --- Shapes each type takes ----------------------------------------------------------------------


def test_squared_error_refuses_a_column_against_a_row():
    g = Graph()
    p = g.var(np.array([[1.0], [2.0], [3.0]]))
    t = g.var(np.array([1.0, 2.0, 3.0]))
    g.squared_error(p, t)
    with pytest.raises(ValueError) as e:  # it broadcast to [5, 2, 5] and gave p a (3, 3) gradient
        forward(g)
    assert str(e.value) == (
        'node 2 (squared-error): cannot take shapes (3, 1) and (3,); squared-error takes two rows '
        '(n,) or two batches of rows (m, n) of the same shape'
    )


def test_add_refuses_a_column_against_a_row():
    g = Graph()
    a, b = g.var(np.ones((3, 1))), g.var(np.array([1.0, 2.0, 3.0]))
    g.add(a, b)
    with pytest.raises(ValueError) as e:
        forward(g)
    assert str(e.value) == (
        'node 2 (add): cannot take shapes (3, 1) and (3,); add takes two values of the same '
        'shape, a batch of rows (m, n) and a row (n,) for each of its rows, or a scalar () and '
        'any value'
    )


@pytest.mark.parametrize('rows', [4, 3])  # (3, 4) failed in backward, (3, 3) gave m a scalar grad
def test_mul_refuses_a_vector_on_the_right_at_forward(rows):
    g = Graph()
    m = g.var(np.ones((3, rows)))
    v = g.var(np.ones(rows))
    g.mul(m, v)
    with pytest.raises(ValueError) as e:
        forward(g)
    assert str(e.value) == (
        f'node 2 (mul): cannot take shapes (3, {rows}) and ({rows},); mul takes a row (n,) or a '
        'batch of rows (m, n) times a matrix (n, k) (a vector v is the matrix v.reshape(-1, 1))'
    )


def test_mul_by_the_column_the_message_suggests():
    g = Graph()
    m = g.var(np.arange(12.0).reshape(3, 4))
    v = g.var(np.ones(4).reshape(-1, 1))
    g.sum(g.mul(m, v))
    forward(g)
    backward(g)
    assert g.nodes[-2].value.tolist() == [[6.0], [22.0], [38.0]]
    assert m.grad.tolist() == [[1.0] * 4] * 3
    assert v.grad.tolist() == [[12.0], [15.0], [18.0], [21.0]]


@pytest.mark.parametrize('a, b', [(2.0, 3.0), (2.0, np.ones((2, 2))), (np.ones(2), 3.0)])
def test_mul_of_numbers_points_to_emul(a, b):
    g = Graph()
    g.mul(g.var(a), g.var(b))
    with pytest.raises(ValueError) as e:
        forward(g)
    assert str(e.value).startswith('node 2 (mul): cannot take shapes ')
    assert str(e.value).endswith(
        'mul takes a row or a batch of rows times a matrix; for a product of numbers, or one '
        'entry by entry, use g.emul(a, b)'
    )


@pytest.mark.parametrize('shape', [(), (2, 0)])
def test_logsoftmax_needs_a_class(shape):
    g = Graph()
    g.logsoftmax(g.var(np.zeros(shape)))
    with pytest.raises(ValueError) as e:
        forward(g)
    assert str(e.value) == (
        f'node 1 (logsoftmax): cannot take shape {shape}; logsoftmax takes a row (n,) or a batch '
        'of rows (m, n), n >= 1'
    )


def test_cross_entropy_with_its_arguments_swapped_is_refused():
    g = Graph()
    w, b = g.var(np.ones((4, 3))), g.var(np.zeros(3))
    x, y = g.var(np.array([1.0, -2.0, 0.5, 0.0])), g.var(one_hot(1, 3))
    score = g.add(g.mul(x, w), b)
    g.cross_entropy(y, score)  # gave a loss of 0.0 with zero parameters, and no word
    with pytest.raises(ValueError) as e:
        forward(g)
    assert str(e.value) == (
        'node 7 (cross-entropy): its gold, node 5 (add), is not a probability distribution in '
        'each row (entries >= 0 summing to 1); the arguments are g.cross_entropy(score, gold), '
        'e.g. g.cross_entropy(score, g.var(one_hot(label, 10)))'
    )


def test_cross_entropy_takes_a_gold_that_the_graph_computes_if_it_is_a_distribution():
    g = Graph()
    teacher = g.logsoftmax(g.var(np.array([[2.0, 0.0, -1.0]])))
    soft = g.add(g.emul(g.var(0.0), teacher), g.var(np.array([[0.25, 0.5, 0.25]])))
    loss = g.cross_entropy(g.var(np.array([[1.0, 1.0, 1.0]])), soft)
    forward(g)
    np.testing.assert_allclose(loss.value, [np.log(3)], rtol=1e-15)


# --- one_hot -------------------------------------------------------------------------------------


@pytest.mark.parametrize('label', [-1, 10, 2.5, float('nan'), -10, True])
def test_one_hot_refuses_a_label_outside_0_to_n_minus_1(label):
    with pytest.raises(ValueError, match=r'^one_hot: label .* is not a class 0\.\.9$'):
        one_hot(label, 10)  # -1 gave class 9


def test_one_hot_takes_every_class_numpy_integers_and_a_batch():
    assert [one_hot(k, 3).tolist() for k in (0, np.int64(1), 2)] == np.eye(3).tolist()
    assert one_hot(np.array([2, 0, 2]), 3).tolist() == [[0, 0, 1], [1, 0, 0], [0, 0, 1]]
    with pytest.raises(ValueError, match=r'^one_hot: label 3 is not a class 0\.\.2$'):
        one_hot(np.array([2, 3]), 3)


# --- Calls out of order, and slips ---------------------------------------------------------------


def linear_graph():
    g = Graph()
    w, b = g.var(np.ones((6, 3))), g.var(np.zeros(3))
    loss = g.cross_entropy(g.add(g.mul(g.var(np.ones(6)), w), b), g.var(one_hot(2, 3)))
    return g, loss


def test_backward_before_forward_names_the_loss_and_what_to_do():
    g, _ = linear_graph()
    with pytest.raises(ValueError) as e:  # was: bad operand type for unary -: 'NoneType'
        backward(g)
    assert str(e.value) == (
        'node 7 (cross-entropy): has no value; run forward(g) before backward(g)'
    )


def test_backward_on_an_empty_graph():
    with pytest.raises(ValueError) as e:
        backward(Graph())
    assert str(e.value) == ('backward: the graph has no nodes; build a loss and run forward first')


def test_a_child_from_another_graph_or_not_a_node_is_refused():
    g0 = Graph()
    w = g0.var(np.ones((3, 2)))  # made once, outside the loop of graphs: its grad would pile up
    g = Graph()
    x = g.var(np.ones(3))
    with pytest.raises(ValueError) as e:
        g.mul(x, w)
    assert str(e.value) == (
        "node 1 (mul): its child ComputeNode('var', 0, children=[]) is not a node of this graph; "
        'make a value a node with g.var(value), in this graph'
    )
    for other in (2.0, 'x', None):
        with pytest.raises(ValueError, match=rf'^node 1 \(add\): its child {other!r} is not a '):
            g.add(x, other)


def test_forward_and_backward_name_a_slip_in_their_arguments():
    g = Graph()
    c = g.add(g.var(1.0), g.var(2.0))
    with pytest.raises(TypeError, match=r'^forward: give it the graph \(g = Graph\(\)\), not '):
        forward(c)
    forward(g)
    with pytest.raises(TypeError, match=r'^backward: give it the graph'):
        backward(c, g)
    other = Graph()
    elsewhere = other.var(1.0)
    for loss in (3.0, elsewhere):
        with pytest.raises(
            ValueError, match=r'^backward: the loss .* is not a node of this graph'
        ):
            backward(g, loss)


def test_a_gradient_of_the_wrong_shape_from_a_new_node_type_is_named():
    import nn

    g = Graph()
    a = g.var(np.ones((2, 3)))
    n = g.node('identity', a)
    n.value = a.value
    g.nodes[1].grad = np.ones((3, 2))
    with pytest.raises(ValueError) as e:
        nn.add_grad(n, 0, np.ones((3, 2)))  # a transpose too many
    assert str(e.value) == (
        'node 1 (identity): passes a gradient of shape (3, 2) to its child 0, node 0, whose value '
        "has shape (2, 3); a gradient has its node's shape"
    )
