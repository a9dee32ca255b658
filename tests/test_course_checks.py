"""The checker's verdicts on what a wrong part gives, in-process: a figure's panels read back,
an array that is a sign, a factor or a transpose away from the right one, an average that is
off by a loss."""

import os

import numpy
import pytest
from conftest import ROOT

import nn
from course.kit.checking import scripts, standin, tasks
from course.kit.checking.verdict import PartError, how_wrong, shape_hint

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
        (lambda ax: [ax.plot([e for e, _ in p], [100 * v for _, v in p]) for _, p in SERIES],
         "in the right panel (error), the line of 'linear' has no label"),
    ],
    ids=['axes swapped', 'not in percent', 'epochs as places', 'y label', 'x label', 'extra',
         'no label'],
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


def error(compute):
    """The message of the ValueError that compute() raises."""
    with pytest.raises(ValueError) as e:
        compute()
    return str(e.value)


def gradient_of_batch_mul(delta, tutorials_way):
    """mul's backward of x (3, 4) and A (4, 5), passing delta(x, dL/dn) to A: by add_grad, or
    the tutorial's way, init_grad(A); A.grad += delta."""
    g = nn.Graph()
    x, a = g.var(numpy.ones((3, 4))), g.var(numpy.ones((4, 5)))
    n = g.mul(x, a)
    nn.forward(g)
    n.grad = numpy.ones((3, 5))
    if tutorials_way:
        nn.init_grad(a)
        a.grad += delta(x.value, n.grad)
    else:
        nn.add_grad(n, 1, delta(x.value, n.grad))


@pytest.mark.parametrize('tutorials_way', [False, True], ids=['add_grad', 'init_grad and +='])
def test_numpy_outer_of_a_batch_is_named_and_not_taken_for_a_transpose(tutorials_way):
    text = error(lambda: gradient_of_batch_mul(numpy.outer, tutorials_way))
    assert shape_hint(text) == (
        ' ((12, 15) is 3 times (4, 5) on both axes, as numpy.outer makes it of a batch of 3 rows, '
        'which it flattens into one long row: the formula must hold for a batch too, where the '
        "tutorial's x^T dL/dg (its equation 4) is a matrix product)"
    )


def per_row_gradient_to_a_batch():
    """cross-entropy's backward passing its gradient, one number per row, to its batch."""
    g = nn.Graph()
    n = g.node('cross-entropy', g.var(numpy.ones((3, 5))), g.var(numpy.full((3, 5), 0.2)))
    nn.forward(g)
    n.grad = numpy.ones(3)
    nn.add_grad(n, 0, n.grad)


@pytest.mark.parametrize(
    'compute',
    [lambda: -numpy.ones((3, 5)) * numpy.ones(3), per_row_gradient_to_a_batch],
    ids=['numpy', 'add_grad'],
)
def test_a_value_per_row_against_a_batch_is_named_as_such(compute):
    assert shape_hint(error(compute)) == (
        ' (a value per row, of shape (3,), meets a batch of rows (3, 5): numpy pairs its 3 '
        'numbers with the 5 columns, not with the rows; a value per row needs an axis for the '
        'columns, shape (3, 1))'
    )


def test_factors_that_do_not_fit_may_be_a_missing_transpose():
    text = error(lambda: numpy.ones((3, 4)) @ numpy.ones((3, 5)))
    assert shape_hint(text) == (
        ' (the shapes do not fit: is a transpose missing, or are the factors swapped?)'
    )


def test_a_highest_score_taken_over_the_images_not_in_each_is_named_and_no_other_error():
    scores, labels = numpy.ones((7, 10)), numpy.arange(7)
    with pytest.raises(ValueError) as over_images:
        numpy.not_equal(scores.argmax(axis=0), labels)
    assert scripts.per_class(over_images.value) == (
        ' ((10,) is a number per class, where one per image is wanted: the argmax must be per '
        "row, axis=1 (or -1), each image's highest score)"
    )
    with pytest.raises(ValueError) as other:
        numpy.ones(3) + numpy.ones(4)
    assert scripts.per_class(other.value) == ''


def test_an_average_off_by_a_loss_is_named():
    losses = [0.5, 1.5, 2.5, 0.25]
    assert 'the sum over one loss fewer' in tasks.off_by(losses, sum(losses) / 3)
    assert 'the mean without the first loss' in tasks.off_by(losses, numpy.mean(losses[1:]))
    assert tasks.off_by(losses, sum(losses[1:]) / len(losses)) == (
        ': that is the sum without the first loss, over all of them; every line of a log is one '
        'loss'
    )
    assert 'the sum without the last loss, over all' in tasks.off_by(losses, sum(losses[:-1]) / 4)
    assert tasks.off_by(losses, 7.0) == ''


def test_an_sgd_step_that_replaces_a_parameters_array_is_told_to_change_it_in_place(
    tmp_path, small_data
):
    # w.value = w.value - ...: w's var holds a new array, and param_w, read by the next step's
    # g.var(param_w) and saved by the script, stays as it was
    with open(os.path.join(ROOT, 'lin-train.py')) as f:
        right = f.read()
    assert right.count('w.value -= step * w.grad') == 1
    (tmp_path / 'lin-train.py').write_text(
        right.replace('w.value -= step * w.grad', 'w.value = w.value - step * w.grad')
    )
    job = scripts.STANDIN_RUNS[0]
    (tmp_path / 'a').mkdir()
    (tmp_path / 'b').mkdir()
    _, want = scripts.train(ROOT, job, standin.module(), str(small_data), str(tmp_path / 'a'))
    stand_in = standin.module()
    first, got = scripts.train(str(tmp_path), job, stand_in, str(small_data), str(tmp_path / 'b'))
    assert stand_in.replaced() == {(784, 10)} and (got['w'] == first['w']).all()
    expected = {f'sgd/{name}': value for name, value in want.items()}
    with pytest.raises(PartError) as wrong:
        scripts.compare_steps(job, first, got, expected, 'sgd', 'a stand-in for nn.py',
                              replaced=stand_in.replaced())  # fmt: skip
    assert str(wrong.value) == (
        'lin-train.py --limit 20 (linear), with a stand-in for nn.py: w after 20 samples differs '
        "from the solution's by 1 (relative error): it did not change: the step gave w.value "
        "another array instead of changing its own in place, and the next step's "
        'g.var(param_w) reads param_w, still the first one (so does the file the script '
        'writes): the step must change it in place (w.value -= ...)'
    )
