"""Gradients: each node type's against finite differences, and what backward promises beyond the
tutorial: a node used twice, the seed, starting afresh, batches, and gradients that are arrays
of their own."""

import numpy
import pytest

import gradcheck
from nn import Graph, backward, forward, one_hot

CASES = [
    (name, shape)
    for shape, rows in (('row', None), ('batch of 3', 3))
    for name in gradcheck.cases(rows, numpy.random.default_rng(0))
]


@pytest.fixture(scope='module')
def self_check():
    """{(case, input shape): worst relative error}, computed once for every case."""
    return {(name, shape): error for name, shape, _, error in gradcheck.self_check()}


@pytest.mark.parametrize('name, shape', CASES, ids=[f'{n} ({s})' for n, s in CASES])
def test_every_node_types_gradient_matches_finite_differences(self_check, name, shape):
    assert self_check[name, shape] < 1e-6


def test_a_node_used_twice_gets_both_contributions():
    g = Graph()
    a = g.var(numpy.array([1.0, 2.0]))
    g.sum(g.add(g.emul(a, a), a))  # L = sum(a^2 + a), dL/da = 2a + 1
    forward(g)
    backward(g)
    assert a.grad.tolist() == [3.0, 5.0]


def test_add_of_a_node_to_itself():
    g = Graph()
    a = g.var(numpy.array(1.5))
    g.add(a, a)
    forward(g)
    backward(g)
    assert a.grad == 2 and g.nodes[-1].grad == 1  # the seed is not changed by its children


def test_sub_of_a_node_from_itself_sends_each_argument_its_own_gradient():
    g = Graph()
    a = g.var(numpy.array([2.0, -1.0]))
    g.sum(g.sub(a, a))  # dL/da = 1 - 1
    forward(g)
    backward(g)
    assert a.grad.tolist() == [0.0, 0.0]


def test_backward_seeds_the_loss_with_ones_unless_set():
    g = Graph()
    a = g.var(numpy.array([1.0, 2.0]))
    loss = g.squared_error(a, g.var(numpy.zeros(2)))
    forward(g)
    backward(g)
    assert a.grad.tolist() == [2.0, 4.0]
    forward(g)
    loss.grad = numpy.array(0.5)
    backward(g)
    assert a.grad.tolist() == [1.0, 2.0]


def linear_snippet():
    rng = numpy.random.default_rng(5)
    g = Graph()
    w = g.var(rng.normal(size=(6, 3)))
    b = g.var(rng.normal(size=3))
    x = g.var(rng.normal(size=6))
    y = g.var(one_hot(2, 3))
    loss = g.cross_entropy(g.add(g.mul(x, w), b), y)
    return g, w, loss


@pytest.mark.parametrize(
    'seed', [1.0, 1, numpy.float32(1), numpy.int64(1), numpy.array(1.0), True]
)
def test_a_scalar_seed_of_any_numeric_kind(seed):
    g, w, loss = linear_snippet()
    forward(g)
    backward(g)
    expected = w.grad.copy()
    forward(g)
    loss.grad = seed
    backward(g)
    numpy.testing.assert_array_equal(w.grad, expected)
    assert loss.grad.dtype == numpy.float64 and loss.grad.shape == ()


def test_a_scalar_seed_stands_for_every_row_of_a_batch_loss():
    g = Graph()
    a = g.var(numpy.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    loss = g.squared_error(a, g.var(numpy.zeros((3, 2))))
    forward(g)
    loss.grad = 0.5
    backward(g)
    assert a.grad.tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    forward(g)
    loss.grad = numpy.ones(2)
    with pytest.raises(ValueError) as e:
        backward(g)
    assert str(e.value) == (
        'node 2 (squared-error): loss.grad has shape (2,) and the loss (3,); set it to a number '
        "or an array of the loss's shape"
    )


def test_a_seed_that_is_not_a_number_is_named():
    g = Graph()
    loss = g.sum(g.var(numpy.ones(3)))
    forward(g)
    loss.grad = 'x'
    with pytest.raises(TypeError, match=r"^node 1 \(sum\): loss.grad 'x' is not a number"):
        backward(g)


def test_backward_twice_gives_the_same_gradients():
    g = Graph()
    a = g.var(numpy.array([0.3, -0.2]))
    g.sum(g.logistic(g.emul(a, a)))
    forward(g)
    backward(g)
    first = a.grad.copy()
    backward(g)
    numpy.testing.assert_array_equal(a.grad, first)


def test_forward_after_changing_a_var_gives_new_values_and_gradients():
    g = Graph()
    a = g.var(numpy.array([1.0, 2.0]))
    s = g.sum(g.emul(a, a))
    forward(g)
    backward(g)
    a.value = numpy.array([3.0, -1.0])
    forward(g)
    assert s.value == 10.0 and a.grad is None and s.grad is None  # old gradients are dropped
    backward(g)
    assert a.grad.tolist() == [6.0, -2.0]


def test_inputs_that_need_no_gradient_get_none_and_change_nothing_else():
    rng = numpy.random.default_rng(4)
    w_value, img = rng.normal(size=(6, 3)), rng.normal(size=6)
    grads = []
    for needs in (True, False):
        g = Graph()
        w = g.var(w_value)
        x = g.var(img, requires_grad=needs)
        y = g.var(one_hot(1, 3), requires_grad=needs)
        g.cross_entropy(g.mul(x, w), y)
        forward(g)
        backward(g)
        grads.append(w.grad)
        assert (x.grad is None) == (not needs) and (y.grad is None) == (not needs)
    numpy.testing.assert_array_equal(*grads)


def test_unknown_node_type_is_an_error_naming_type_and_id():
    g = Graph()
    a = g.var(numpy.ones(2))
    g.node('softsign', a)
    with pytest.raises(ValueError, match=r"unknown node type 'softsign' \(node 1\)"):
        forward(g)
    g.nodes[1].value = numpy.ones(2)
    with pytest.raises(ValueError, match=r"'softsign' \(node 1\)"):
        backward(g)


def test_a_chain_of_10000_nodes_runs_forward_and_backward():
    g = Graph()
    a = g.var(numpy.array([0.5]))
    v = a
    for _ in range(10000):
        v = g.tanh(v)
    assert len(g.nodes) == 10001
    forward(g)
    backward(g)
    expected, t = 1.0, 0.5  # d/da of tanh applied 10000 times: the product of (1 - tanh^2)
    for _ in range(10000):
        t = numpy.tanh(t)
        expected *= 1 - t * t
    assert a.grad[0] == pytest.approx(expected, rel=1e-9)


def test_batch_gradient_is_the_sum_of_the_rows_gradients():
    rng = numpy.random.default_rng(5)
    w_value, b_value = rng.normal(size=(4, 3)), rng.normal(size=3)
    xs, labels = rng.normal(size=(5, 4)), [0, 2, 1, 1, 0]

    def grads(x_value, y_value):
        g = Graph()
        w, b = g.var(w_value), g.var(b_value)
        loss = g.cross_entropy(g.add(g.mul(g.var(x_value), w), b), g.var(y_value))
        forward(g)
        backward(g)
        return loss.value, w.grad, b.grad

    batch = grads(xs, one_hot(numpy.array(labels), 3))
    rows = [grads(x, one_hot(k, 3)) for x, k in zip(xs, labels, strict=True)]
    numpy.testing.assert_allclose(batch[0], [r[0] for r in rows])
    numpy.testing.assert_allclose(batch[1], sum(r[1] for r in rows))
    numpy.testing.assert_allclose(batch[2], sum(r[2] for r in rows))


def test_a_bias_receives_the_sum_of_the_rows_gradients_in_either_order():
    batch, bias = numpy.ones((2, 3)), numpy.array([1.0, 2.0, 3.0])
    for first, second in ((batch, bias), (bias, batch)):
        g = Graph()
        a, b = g.var(first), g.var(second)
        g.sum(g.sub(a, b))
        forward(g)
        backward(g)
        assert g.nodes[-2].value.shape == (2, 3)
        assert a.grad.shape == a.value.shape and b.grad.shape == b.value.shape
        assert a.grad.sum() == 6 and b.grad.sum() == -6


def test_per_sample_sgd_through_the_graph_lowers_the_loss():
    rng = numpy.random.default_rng(6)
    centers = rng.normal(size=(3, 4)) * 3
    labels = rng.integers(0, 3, 60)
    xs = centers[labels] + rng.normal(size=(60, 4))

    g = Graph()
    w, b = g.var(numpy.zeros((4, 3))), g.var(numpy.zeros(3))
    x, y = g.var(xs[0], requires_grad=False), g.var(one_hot(0, 3), requires_grad=False)
    loss = g.cross_entropy(g.add(g.mul(x, w), b), y)

    def average_loss():
        total = 0.0
        for xi, k in zip(xs, labels, strict=True):
            x.value, y.value = xi, one_hot(k, 3)
            forward(g)
            total += loss.value
        return total / len(xs)

    before = average_loss()
    for step in range(300):
        i = step % len(xs)
        x.value, y.value = xs[i], one_hot(labels[i], 3)
        forward(g)
        backward(g)
        for p in (w, b):
            p.value -= 0.05 * p.grad
    after = average_loss()
    assert before == pytest.approx(numpy.log(3)) and after < 0.25 * before


def test_backward_from_a_loss_that_is_not_the_last_node():
    g = Graph()
    w = g.var(numpy.array([[1.0, -1.0], [0.5, 2.0]]))
    score = g.mul(g.var(numpy.array([1.0, 2.0])), w)
    loss = g.cross_entropy(score, g.var(one_hot(0, 2)))
    g.logsoftmax(score)  # a prediction, built after the loss
    forward(g)
    backward(g, loss)
    # dL/dscore = softmax(score) - gold, score = [2, 3]; dL/dw = x^T dL/dscore
    p = numpy.exp([2.0, 3.0]) / numpy.exp([2.0, 3.0]).sum()
    numpy.testing.assert_allclose(w.grad, numpy.outer([1.0, 2.0], p - [1.0, 0.0]), rtol=1e-12)
    assert g.nodes[-1].grad is None  # no path from the prediction to the loss


# --- Each gradient is an array of its own --------------------------------------------------------


def test_the_children_of_add_and_add_itself_get_gradients_of_their_own():
    g = Graph()
    a, b = g.var(numpy.array([1.0, 2.0])), g.var(numpy.array([3.0, 4.0]))
    s = g.add(a, b)
    g.sum(s)
    forward(g)
    backward(g)
    assert not numpy.shares_memory(a.grad, b.grad)
    assert not numpy.shares_memory(a.grad, s.grad) and not numpy.shares_memory(b.grad, s.grad)
    a.grad *= 0.5  # what gradient clipping and weight decay do, in place
    assert a.grad.tolist() == [0.5, 0.5] and b.grad.tolist() == [1.0, 1.0]
    assert s.grad.tolist() == [1.0, 1.0]


def test_a_seed_the_caller_set_stays_the_callers():
    g = Graph()
    a, b = g.var(numpy.array([1.0, 2.0])), g.var(numpy.array([3.0, 4.0]))
    loss = g.add(a, b)
    forward(g)
    buffer = numpy.array([1.0, 2.0])
    loss.grad = buffer
    backward(g)
    assert a.grad.tolist() == [1.0, 2.0] and loss.grad is not buffer
    buffer[:] = 100.0  # the caller refills its buffer for the next step
    assert a.grad.tolist() == [1.0, 2.0] and b.grad.tolist() == [1.0, 2.0]
    assert loss.grad.tolist() == [1.0, 2.0]
    for n in (a, b):
        assert not numpy.shares_memory(n.grad, buffer)
