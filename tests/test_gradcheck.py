"""gradcheck.py, the finite-difference check of backward: it catches what is wrong, never passes
what it cannot check, and reports every node type."""

import math

import numpy as np
import pytest

import formulas
import gradcheck
import nn
from nn import Graph


def wrong_backward(monkeypatch, factor):
    """Make every contribution backward passes `factor` times what it should be."""
    right = nn.add_grad
    monkeypatch.setattr(nn, 'add_grad', lambda n, i, delta: right(n, i, factor * delta))


def test_a_case_not_written_yet_is_not_checked_and_the_others_are(monkeypatch):
    # a handout's stub for the backward of tanh: the other types are still checked
    right = nn.backward

    def backward(graph, loss=None):
        if any(n.type == 'tanh' for n in graph.nodes):
            raise NotImplementedError('backward of tanh: add_grad(n, 0, dL/da), from n.grad')
        right(graph, loss)

    monkeypatch.setattr(nn, 'backward', backward)
    report = gradcheck.self_check()
    stubbed = [r for r in report if r[0] == 'tanh']
    assert len(stubbed) == 2 and all(r[2] is None for r in stubbed)
    assert gradcheck.verdict(stubbed[0][3]) == (
        'NOT CHECKED: not written yet: backward of tanh: add_grad(n, 0, dL/da), from n.grad'
    )
    assert all(gradcheck.verdict(r[3]) == 'ok' for r in report if r[0] != 'tanh')


def test_the_checker_catches_a_wrong_gradient(monkeypatch):
    g = Graph()
    a = g.var(np.array([0.5, -1.0, 2.0]))
    g.sum(g.tanh(a))
    right = gradcheck.check(g)[0][1]
    wrong_backward(monkeypatch, 1.1)
    node, wrong = gradcheck.check(g)[0]
    assert right < 1e-6 and gradcheck.passes(right)
    assert wrong == pytest.approx(0.21 / 1.21, rel=1e-6) and node is a  # 1.1 twice: tanh, sum
    assert not gradcheck.passes(wrong)


def test_a_point_that_is_not_finite_cannot_be_checked_and_never_passes(monkeypatch):
    g = Graph()
    a = g.var(np.array([np.inf, 2.0]))
    g.sum(g.emul(a, a))
    with np.errstate(invalid='ignore'):
        [(node, error)] = gradcheck.check(g)
        assert node is a and math.isnan(error) and not gradcheck.passes(error)  # was 0.0, "ok"
        wrong_backward(monkeypatch, 3.0)  # wrong by a factor of 3 there: still not passed
        [(node, error)] = gradcheck.check(g)
    assert math.isnan(error) and not gradcheck.passes(error)
    assert gradcheck.verdict(error) == 'NOT CHECKED: a number is not finite'


def test_a_loss_that_is_not_finite_cannot_be_checked():
    g = Graph()
    a = g.var(np.array([1.0, 2.0]))
    b = g.var(np.array([1e308, 1.0]))
    g.sum(g.emul(g.emul(a, b), b))  # 1e616 overflows; the gradient of a is still finite
    with np.errstate(over='ignore', invalid='ignore'):
        results = dict(gradcheck.check(g))
    assert math.isnan(results[a]) and math.isnan(results[b])


def test_a_var_that_is_not_finite_cannot_be_checked_though_the_loss_is(monkeypatch):
    g = Graph()
    a, b = g.var(np.array([1.0, 2.0])), g.var(np.array([np.inf]))
    g.add(g.sum(a), g.sum(g.logistic(b)))  # L = 3 + 1; at inf, a difference quotient is 0
    wrong_backward(monkeypatch, 3.0)  # and 3 times backward's 0 is 0 too
    results = gradcheck.check(g)
    assert [node for node, _ in results] == [b, a]  # what cannot be checked comes first
    assert math.isnan(results[0][1]) and not gradcheck.passes(results[0][1])


def test_float32_values_are_checked_in_float64_and_put_back():
    rng = np.random.default_rng(7)
    g = Graph()
    a = g.var(rng.normal(size=(3, 4)).astype(np.float32))
    b = g.var(rng.normal(size=4).astype(np.float32))
    g.sum(g.logistic(g.add(a, b)))
    before = a.value.copy()
    results = gradcheck.check(g)
    assert {node for node, _ in results} == {a, b}
    assert max(error for _, error in results) < 1e-8  # in float32: 0.9 here, 0.03 in the issue
    assert a.value.dtype == np.float32 and (a.value == before).all()
    assert a.grad.dtype == np.float32 and a.grad.shape == (3, 4)  # backward's, at the values


def test_every_node_type_has_a_case_on_a_row_and_on_a_batch():
    for rows in (None, 3):
        names = list(gradcheck.cases(rows, np.random.default_rng(0)))
        assert [n for n in names if ',' not in n] == formulas.node_types()
        assert {'add, bias', 'sub, bias', 'emul, bias'} < set(names)


def test_the_command_checks_every_case_in_float64(monkeypatch, capsys):
    monkeypatch.setattr('sys.argv', ['gradcheck.py'])
    assert gradcheck.main() == 0
    lines = capsys.readouterr().out.splitlines()
    checks = 2 * (len(formulas.node_types()) + 3)  # each type and the 3 biases, row and batch
    assert lines[0] == 'checked in float64 (values of other dtypes are cast for the check)'
    assert len(lines) == 2 + checks + 2 and all(line.endswith(' ok') for line in lines[2:-2])
    assert lines[-2] == (
        f'node types: the {len(formulas.node_types())} of formulas.py; one missing there is not '
        'checked (README: Adding a node type)'
    )
    assert lines[-1].startswith(f'{checks} checks, worst error ')
    assert lines[-1].endswith(', 0 over 1e-06 or not checked')


def test_a_type_without_a_builder_or_a_forward_case_is_reported_not_checked(monkeypatch, capsys):
    monkeypatch.setitem(formulas.FORMULAS, 'softplus', ('softplus({0})', ('dL/da = ...',)))
    monkeypatch.setattr('sys.argv', ['gradcheck.py'])
    assert gradcheck.main() == 1
    out = capsys.readouterr().out
    assert (
        'softplus         row          -                            - NOT CHECKED: ValueError: '
        "unknown node type 'softplus' (node 1); give the type a case in gradcheck.cases"
    ) in out.splitlines()
    assert out.splitlines()[-1].endswith(', 2 over 1e-06 or not checked')


def test_the_loss_can_be_named_when_nodes_were_built_after_it():
    g = Graph()
    p = g.var(np.array([1.0, 2.0]))
    loss = g.sum(g.emul(p, p))
    g.tanh(p)  # a prediction, built after the loss: not the last node's gradient is wanted
    [(node, error)] = gradcheck.check(g, loss=loss)
    assert node is p and error < gradcheck.TOLERANCE
    assert p.grad.tolist() == [2.0, 4.0]  # as backward(g, loss) left it
    with pytest.raises(ValueError, match='is not a node of this graph'):
        gradcheck.check(g, loss=Graph().var(1.0))
