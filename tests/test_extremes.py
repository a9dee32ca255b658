"""Every node type's value and gradient at extreme inputs against exact references.

The measurements are those of `python3 tests/extremes.py` (read its docstring for how each is
made); here each must stay within a few units of the last place.
"""

import extremes
import numpy
import pytest

import gradcheck

MEASURED = extremes.measure()
ROUNDING = 2 * numpy.finfo(float).eps  # 4.4e-16: a few roundings of one result
# A log-probability is a difference of two numbers the size of the scores: computed from scores
# of size 1e3, it cannot be closer than the spacing of floats near 1e3, 1.1e-13, without
# carrying the scores to more digits than float64 holds.
SCORES_1E3 = numpy.spacing(1e3)
BOUND = dict.fromkeys(gradcheck.node_types(), ROUNDING)
BOUND.update({'logsoftmax': SCORES_1E3, 'cross-entropy': SCORES_1E3})


def test_every_node_type_is_measured():
    assert list(MEASURED) == gradcheck.node_types()


@pytest.mark.parametrize('node_type', gradcheck.node_types())
def test_value_and_gradient_at_the_extremes(node_type):
    _on, value_error, gradient_error = MEASURED[node_type]
    assert value_error <= BOUND[node_type] and gradient_error <= BOUND[node_type], MEASURED[
        node_type
    ]


def test_the_measure_sees_the_old_faults():
    assert extremes.relative([0.0], [extremes.logistic_exact(-40.0)[0]]) == 1.0  # the old 0
    assert extremes.relative([float('nan')], [0.0]) == float('inf')
    assert extremes.relative([-float('inf')], [float('inf')]) == float('inf')
    assert extremes.relative([5e-324], [0.0]) < 1e-15  # below the normal floats: absolute
