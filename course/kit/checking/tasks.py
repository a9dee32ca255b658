"""The checks of the tutorial's implementation tasks: averaging a log (avg_loss.py) and plotting
per epoch (plot_logs.py), against known logs and error tables in check-data/logs/.

avg_loss: average() on a short list and on each known log, then ./avg_loss.py on two logs, end
to end; the averages are the solution's, stored when the handout was made.

plot_logs: plot_logs.figure() on known series, and the lines of each panel read back from the
matplotlib Figure: one per series, its label, x = the epochs, y = the values (error rates in
percent), the axes' labels. Then ./plot_logs.py end to end, if avg_loss passes.
"""

import os

import numpy

from . import scripts
from .verdict import PartError, calling, numbers

SHORT = [0.5, 1.5, 2.5, 0.25]  # a list whose every entry counts, the last most of all
LOSS_LABEL = 'average training loss (cross entropy)'
ERROR_LABEL = 'test error rate (%)'


def check_average(root, logs, expected):
    """None if avg_loss.average and ./avg_loss.py give the solution's averages; PartError
    otherwise."""
    from plumbing import logs as read

    import avg_loss

    lists = [('average(' + numbers(SHORT) + ')', SHORT, float(expected['avg_loss/short']))]
    for name in sorted(os.listdir(logs)):
        if name.startswith(('lin-log-', 'mlp-log-')):
            losses = read.read_losses(os.path.join(logs, name))
            what = f'the average of {name} ({len(losses)} losses)'
            lists.append((what, losses, float(expected[f'avg_loss/log/{name}'])))
    for what, losses, want in lists:
        got = calling(what, avg_loss.average, list(losses))
        if not isinstance(got, (int, float, numpy.floating, numpy.integer)):
            raise PartError(f'{what} is {got!r}, not a number')
        if abs(got - want) > 1e-9 * max(1, abs(want)):
            raise PartError(f'{what} is {got:.6g}, where it is {want:.6g}{off_by(losses, got)}')
    paths = [os.path.join(logs, f'lin-log-{e}') for e in (1, 2)]
    out, _ = scripts.run(root, 'avg_loss.py', paths)
    printed = [line.split()[-1] for line in out.splitlines()]
    wanted = [f'{float(expected[f"avg_loss/log/lin-log-{e}"]):.6f}' for e in (1, 2)]
    if printed != wanted:
        raise PartError(f'./avg_loss.py lin-log-1 lin-log-2 printed {printed}, not {wanted}')
    return None


def off_by(losses, got):
    """What a wrong average seems to be, as ': that is ...', or ''."""
    v = numpy.asarray(losses, dtype=float)
    if len(v) < 2:
        return ''
    guesses = [
        (v[:-1].sum() / (len(v) - 1), 'the mean without the last loss'),
        (v[1:].sum() / (len(v) - 1), 'the mean without the first loss'),
        (v[:-1].sum() / len(v), 'the sum without the last loss, over all of them'),
        (v[1:].sum() / len(v), 'the sum without the first loss, over all of them'),
        (v.sum() / (len(v) - 1), 'the sum over one loss fewer than there are'),
        (v.sum() / (len(v) + 1), 'the sum over one loss more than there are'),
        (v.sum(), 'the sum, not the mean'),
    ]
    for value, what in guesses:
        if abs(value - got) <= 1e-9 * max(1, abs(value)):
            return f': that is {what}; every line of a log is one loss'
    return ''


def series(expected):
    """(loss series, error series), as plot_logs.figure takes them, from the stored numbers."""
    loss = [
        ('linear', [(e, float(expected[f'avg_loss/log/lin-log-{e}'])) for e in (1, 2, 3)]),
        ('MLP', [(e, float(expected[f'avg_loss/log/mlp-log-{e}'])) for e in (1, 2)]),
    ]
    error = [
        ('linear', [(e, float(expected[f'plot/lin-error-{e}'])) for e in (1, 2, 3)]),
        ('MLP', [(e, float(expected[f'plot/mlp-error-{e}'])) for e in (1, 3)]),  # epoch 2 left out
    ]
    return loss, error


def check_plot(root, logs, expected, failing, folder):
    """None (or a note) if plot_logs draws each series right; PartError otherwise."""
    import plot_logs

    loss, error = series(expected)
    fig = calling('plot_logs.figure(loss series, error series)', plot_logs.figure, loss, error)
    if len(fig.axes) != 2:
        raise PartError(f'the figure has {len(fig.axes)} panels (axes), not 2: loss and error')
    panels = [('left', 'loss', loss, LOSS_LABEL, 1), ('right', 'error', error, ERROR_LABEL, 100)]
    for ax, (side, kind, drawn, ylabel, scale) in zip(fig.axes, panels, strict=True):
        check_panel(ax, f'in the {side} panel ({kind})', drawn, ylabel, scale)
    if 'avg_loss' in failing:
        return 'not yet run end to end: ./plot_logs.py needs avg_loss to pass'
    out = os.path.join(folder, 'figure.png')
    args = [out, '--loss', 'linear', *[os.path.join(logs, f'lin-log-{e}') for e in (1, 2, 3)]]
    args += ['--error', 'linear', os.path.join(logs, 'lin-errors.txt')]
    scripts.run(root, 'plot_logs.py', args)
    with open(out, 'rb') as f:
        if not f.read(8).startswith(b'\x89PNG'):
            raise PartError('./plot_logs.py figure.png ... wrote no PNG')
    return None


def check_panel(ax, where, drawn, ylabel, scale):
    """PartError unless ax has one line per series: its label, x the epochs, y the values."""
    lines = ax.get_lines()
    if len(lines) != len(drawn):
        raise PartError(f'{where}, {len(lines)} lines are drawn; there are {len(drawn)} series')
    for line, (label, points) in zip(lines, drawn, strict=True):
        epochs = [e for e, _ in points]
        values = [scale * v for _, v in points]
        x, y = list(map(float, line.get_xdata())), list(map(float, line.get_ydata()))
        what = f'{where}, the line of {label!r}'
        if line.get_label().startswith('_'):  # matplotlib's name of a line without a label
            raise PartError(f'{what} has no label')
        if line.get_label() != label:
            raise PartError(f'{what} is labelled {line.get_label()!r}')
        if len(x) != len(epochs) or not numpy.allclose(x, epochs):
            problem = ''
            if len(x) == len(epochs) and numpy.allclose(numpy.abs(numpy.subtract(x, epochs)), 1):
                problem = ': shifted by one; each point is at the epoch it gives'
            elif len(x) == len(epochs) and numpy.allclose(x, values):
                problem = ': those are the values; are x and y swapped?'
            raise PartError(f'{what} has x = {numbers(x)}, where the epochs are {epochs}{problem}')
        if len(y) != len(values) or not numpy.allclose(y, values, rtol=1e-9):
            problem = ''
            if (
                scale != 1
                and len(y) == len(values)
                and numpy.allclose(numpy.multiply(y, scale), values)
            ):
                problem = f': the values times {scale} (in percent) are wanted'
            raise PartError(
                f'{what} has y = {numbers(y)}, where the values are {numbers(values)}{problem}'
            )
    if 'epoch' not in ax.get_xlabel().lower():
        raise PartError(f'{where}, the x axis is labelled {ax.get_xlabel()!r}, not as epochs')
    if ax.get_ylabel() != ylabel:
        raise PartError(f'{where}, the y axis is labelled {ax.get_ylabel()!r}, not {ylabel!r}')
