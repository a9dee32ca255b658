"""Every node type's value and gradient at extreme inputs against exact references.

The measurements are those of `python3 tests/extremes.py` (read its docstring for how each is
made); here each must stay within a few units of the last place.
"""

import decimal

import extremes
import numpy as np
import pytest

import formulas
from nn import Graph, backward, forward

ROUNDING = 2 * np.finfo(float).eps  # 4.4e-16: a few roundings of one result
# A log-probability is a difference of two numbers the size of the scores: computed from scores
# of size 1e3, it cannot be closer than the spacing of floats near 1e3, 1.1e-13, without
# carrying the scores to more digits than float64 holds.
SCORES_1E3 = np.spacing(1e3)
BOUND = dict.fromkeys(formulas.node_types(), ROUNDING)
BOUND.update({'logsoftmax': SCORES_1E3, 'cross-entropy': SCORES_1E3})


@pytest.fixture(scope='module')
def measured():
    """{node type: (measured on, worst value error, worst gradient error)}, measured once."""
    return extremes.measure()


def test_every_node_type_is_measured_in_the_order_of_formulas(measured):
    assert list(measured) == formulas.node_types()


@pytest.mark.parametrize('node_type', formulas.node_types())
def test_value_and_gradient_at_the_extremes(measured, node_type):
    _on, value_error, gradient_error = measured[node_type]
    assert value_error <= BOUND[node_type], measured[node_type]
    assert gradient_error <= BOUND[node_type], measured[node_type]


def test_the_measure_sees_the_old_faults():
    assert extremes.relative([0.0], [extremes.logistic_exact(-40.0)[0]]) == 1.0  # the old 0
    assert extremes.relative([float('nan')], [0.0]) == float('inf')
    assert extremes.relative([-float('inf')], [float('inf')]) == float('inf')
    assert extremes.relative([5e-324], [0.0]) < 1e-15  # below the normal floats: absolute


def exact_logistic(a):
    """1 / (1 + e^-a) and s (1 - s), to 60 digits."""
    with decimal.localcontext(decimal.Context(prec=60)):
        s = 1 / (1 + (-decimal.Decimal(a)).exp())
        return s, s * (1 - s)


@pytest.mark.parametrize('a', [-40.0, -30.0, 30.0, 40.0, -700.0])
def test_logistic_is_accurate_in_both_tails(a):
    g = Graph()
    x = g.var(np.array([a]))
    g.sum(g.logistic(x))
    forward(g)
    backward(g)
    value, slope = exact_logistic(a)
    assert abs(g.nodes[1].value[0] - float(value)) <= 2.3e-16 * float(value)  # was 0 at -40
    assert abs(x.grad[0] - float(slope)) <= 4.5e-16 * float(slope)  # was 0 at +40


def test_logistic_at_minus_40():
    g = Graph()
    g.logistic(g.var(np.array(-40.0)))
    forward(g)
    assert g.nodes[-1].value == 4.248354255291589e-18  # the float nearest 1 / (1 + e^40)


def test_logistic_and_tanh_at_infinity_and_their_slopes_there():
    g = Graph()
    x = g.var(np.array([-np.inf, np.inf]))
    g.sum(g.add(g.logistic(x), g.tanh(x)))
    forward(g)
    backward(g)
    assert g.nodes[1].value.tolist() == [0.0, 1.0] and g.nodes[2].value.tolist() == [-1.0, 1.0]
    assert x.grad.tolist() == [0.0, 0.0]


def test_cross_entropy_with_a_class_of_score_minus_inf():
    g = Graph()
    score = g.var(np.array([[0.0, -np.inf, 0.0], [2.0, -np.inf, 1.0]]))
    gold = g.var(np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), requires_grad=False)
    loss = g.cross_entropy(score, gold)
    # numpy sees 0 * -inf, which forward then leaves out (whatever another test set numpy to do)
    with np.errstate(invalid='warn'), pytest.warns(RuntimeWarning, match='invalid value'):
        forward(g)
    backward(g)
    # a class of probability 0 that gold gives weight 0 adds 0 (0 * -inf made it nan)
    np.testing.assert_allclose(loss.value, [np.log(2), np.log(1 + np.e)], rtol=1e-15)
    p = np.exp(1) / (1 + np.exp(1))
    np.testing.assert_allclose(score.grad, [[-0.5, 0, 0.5], [p, 0, -p]], rtol=1e-15)
    assert g.nodes[-2].value[0, 1] == -np.inf
