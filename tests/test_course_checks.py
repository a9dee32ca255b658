"""The checker's verdicts on what a wrong part gives, in-process: a figure's panels read back,
an array that is a sign, a factor or a transpose away from the right one, an average that is
off by a loss."""

import numpy
import pytest

from course.kit.checking import tasks
from course.kit.checking.verdict import PartError, how_wrong

SERIES = [('linear', [(1, 0.086), (2, 0.079), (3, 0.078)]), ('MLP', [(1, 0.04), (3, 0.024)])]


def check(draw, ylabel='test error rate (%)', scale=100):
    """What the checker says of the panel that draw(ax) draws: None if it passes."""
    from plumbing.plotting import pyplot  # here: collecting the tests loads no matplotlib

    fig, ax = pyplot.subplots()
    draw(ax)
    try:
        tasks.check_panel(ax, 'in the right panel (error)', SERIES, ylabel, scale)
        return None
    except PartError as e:
        return str(e)
    finally:
        pyplot.close(fig)


def right(ax, x=lambda p: [e for e, _ in p], y=lambda p: [100 * v for _, v in p]):
    for label, points in SERIES:
        ax.plot(x(points), y(points), label=label)
    ax.set_xlabel('epoch')
    ax.set_ylabel('test error rate (%)')


def test_the_right_panel_passes():
    assert check(right) is None


@pytest.mark.parametrize(
    'draw, words',
    [
        (lambda ax: right(ax, x=lambda p: [100 * v for _, v in p], y=lambda p: [e for e, _ in p]),
         "has x = [8.6, 7.9, 7.8], where the epochs are [1, 2, 3]: those are the values; are x "
         'and y swapped?'),
        (lambda ax: right(ax, y=lambda p: [v for _, v in p]),
         'the values times 100 (in percent) are wanted'),
        (lambda ax: right(ax, x=lambda p: list(range(1, len(p) + 1))),
         "the line of 'MLP' has x = [1, 2], where the epochs are [1, 3]"),
        (lambda ax: (right(ax), ax.set_ylabel('error')),
         "the y axis is labelled 'error', not 'test error rate (%)'"),
        (lambda ax: (right(ax), ax.set_xlabel('')), "the x axis is labelled '', not as epochs"),
        (lambda ax: (right(ax), ax.plot([1], [1])), '3 lines are drawn; there are 2 series'),
    ],
    ids=['axes swapped', 'not in percent', 'epochs as places', 'y label', 'x label', 'extra'],
)  # fmt: skip
def test_a_wrong_panel_fails_saying_what_is_wrong(draw, words):
    assert words in check(draw)


@pytest.mark.parametrize(
    'got, says',
    [
        (lambda w: -w, ': it is the right one times -1 (a sign?)'),
        (lambda w: 2 * w, ': it is 2 times the right one'),
        (lambda w: w.T, ': it is the transpose of the right one'),
        (lambda w: 0 * w, ': it is 0'),
        (lambda w: w + 1, ''),
    ],
)
def test_a_wrong_array_is_named_for_what_it_is(got, says):
    want = numpy.array([[1.0, 2.0], [-3.0, 0.5]])
    assert how_wrong(want, got(want)) == says


def test_an_average_off_by_a_loss_is_named():
    losses = [0.5, 1.5, 2.5, 0.25]
    assert 'the sum over one loss fewer' in tasks.off_by(losses, sum(losses) / 3)
    assert 'the mean without the first loss' in tasks.off_by(losses, numpy.mean(losses[1:]))
    assert tasks.off_by(losses, 7.0) == ''
