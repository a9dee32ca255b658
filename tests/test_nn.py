"""nn.py against the tutorial: its snippets as written, each gradient against finite
differences."""

import numpy
import pytest

import gradcheck
import nn
from nn import ComputeNode, Graph, backward, forward, init_grad, one_hot

# --- The tutorial's snippets, as written -------------------------------------------------------


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
    assert g.nodes[-2].type == 'logsoftmax' and loss.type == 'cross-entropy'
    # the tutorial's forward case: -(logprob . gold)
    assert loss.value == pytest.approx(-numpy.dot(g.nodes[-2].value, y.value))


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


# --- Every gradient against finite differences -------------------------------------------------

SELF_CHECK = gradcheck.self_check()


@pytest.mark.parametrize(
    'name, shape, worst, error', SELF_CHECK, ids=[f'{r[0]} ({r[1]})' for r in SELF_CHECK]
)
def test_gradient_matches_finite_differences(name, shape, worst, error):
    assert error < 1e-6


def test_every_node_type_is_checked_on_a_row_and_a_batch():
    types = gradcheck.node_types()
    assert types[:2] == ['var', 'add'] and 'cross-entropy' in types and len(types) == 12
    for shape in ('row', 'batch of 3'):
        assert {name.split(',')[0] for name, s, *_ in SELF_CHECK if s == shape} == set(types)


def test_the_checker_catches_a_wrong_gradient(monkeypatch):
    g = Graph()
    a = g.var(numpy.array([0.5, -1.0, 2.0]))
    g.sum(g.tanh(a))
    right = gradcheck.check(g)[0][1]
    monkeypatch.setattr(nn, 'add_grad', lambda n, delta: setattr(n, 'grad', 1.1 * delta))
    node, wrong = gradcheck.check(g)[0]
    assert right < 1e-6 and wrong > 0.05 and node is a


# --- Library behaviour the tutorial leaves open ------------------------------------------------


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

    batch = grads(xs, numpy.stack([one_hot(k, 3) for k in labels]))
    rows = [grads(x, one_hot(k, 3)) for x, k in zip(xs, labels, strict=True)]
    numpy.testing.assert_allclose(batch[0], [r[0] for r in rows])
    numpy.testing.assert_allclose(batch[1], sum(r[1] for r in rows))
    numpy.testing.assert_allclose(batch[2], sum(r[2] for r in rows))


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


def test_self_check_command_passes_and_reports_a_type_with_no_case(monkeypatch, capsys):
    monkeypatch.setattr('sys.argv', ['gradcheck.py'])
    assert gradcheck.main() == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith('30 checks, worst error') and '0 over 1e-06' in out
    monkeypatch.setattr(gradcheck, 'node_types', lambda: ['var', 'add', 'softplus'])
    assert gradcheck.main() == 1
    assert (
        "node type 'softplus' has no case in gradcheck.cases: add one" in capsys.readouterr().out
    )
