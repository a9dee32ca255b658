#!/usr/bin/env python3
"""Plot training loss and test error per epoch, one labelled line per model (the tutorial's
Figures 1 and 2):

    ./plot_logs.py fig.png --loss linear log-{1..20} --error linear errors.txt

--loss LABEL LOG...: the average loss of each log (as avg_loss.py computes it), on the left.
--error LABEL FILE...: error rates as the test scripts print them, one per line, either just
the rate or the parameter file and its rate, on the right. Repeat an option to overlay models.
An epoch is the number that ends the name of the log or parameter file, before any extension
(log-7, log-7.txt, lin-param-7.npz). The logs of a series must have as many losses each: a
shorter one is an epoch cut short, refused. Both panels show the same epochs. The figure's format
is the one its name ends in: .png (150 dpi), .pdf or .svg (for slides); a file of another kind is
never replaced.
"""

import argparse
import os
import re

from plumbing import atomic, logs, options
from plumbing.errors import UserError
from plumbing.plotting import pyplot as plt

from matplotlib import cbook, mathtext
from matplotlib.ticker import MaxNLocator

import avg_loss


def epoch_of(name, where):
    """The number that ends a file's name, before any extension: 7 for log-7, log-7.txt and
    lin-param-7.npz. UserError, naming `where` (the file, or its line that gives the name), if
    there is none: a place in a list of files is no epoch (a shell lists log-10 before log-2);
    and if that number is stuck to letters while the name holds another (log-1-utf16: 1 or 16?).
    """
    base = os.path.basename(name)
    m = re.search(r'(\d+)(\.[A-Za-z]\w*)*$', base)
    how = 'name each file for its epoch, as log-7, log-7.txt or lin-param-7.npz'
    if not m:
        raise UserError(f'{where}: no epoch number at the end of the name {base}; {how}')
    stuck = m.start() > 0 and base[m.start() - 1].isalpha()
    if stuck and re.search(r'\d', base[: m.start()]):
        raise UserError(
            f'{where}: which number of the name {base} is its epoch? the last, {m.group(1)}, is '
            f'part of a word; {how}'
        )
    return int(m.group(1))


def loss_points(paths):
    """[(epoch, average loss)] of a series of logs; UserError if one has fewer losses than
    another (an epoch cut short would be plotted as a whole one)."""
    losses = [(path, logs.read_losses(path)) for path in paths]
    shorter = logs.shorter_logs({path: len(v) for path, v in losses})
    if shorter:
        path, count, longest, most = shorter[0]
        raise UserError(
            f'{path}: {count:,} losses, where {longest} of the same series has {most:,}: an epoch '
            'cut short (interrupted, or its output closed) would be plotted as a whole one; run '
            'that epoch again'
        )
    return one_per_epoch([(epoch_of(path, path), avg_loss.average(v), path) for path, v in losses])


def one_per_epoch(points):
    """[(epoch, value)] sorted, from [(epoch, value, file)]; UserError if two are of one epoch."""
    seen = {}
    for epoch, _, name in points:
        if epoch in seen:
            raise UserError(
                f'{seen[epoch]} and {name}: both are of epoch {epoch}; give one file per epoch '
                'in a series'
            )
        seen[epoch] = name
    return sorted((epoch, value) for epoch, value, _ in points)


def error_points(paths):
    """[(epoch, error rate)] from files of lines 'PARAM_FILE RATE', as the test scripts print
    them for several files, or of one line 'RATE' in a file named for its epoch (lin-error-7)."""
    points = []
    for path in paths:
        lines = logs.read_lines(path)
        if not lines:
            raise UserError(f'{path}: no error rates in it')
        for number, line in enumerate(lines, 1):
            fields, where = line.split(), f'{path}: line {number}'
            try:
                rate = float(fields[-1])
                if len(fields) > 2 or not 0 <= rate <= 1:
                    raise ValueError
            except (ValueError, IndexError):
                raise UserError(
                    f'{where}: {line!r} is not an error rate (RATE or PARAM_FILE RATE, RATE '
                    'from 0 to 1)'
                ) from None
            if len(fields) == 2:
                name = fields[0]
            elif len(lines) == 1:
                name, where = path, path
            else:
                raise UserError(
                    f'{where}: {line!r} is a rate without the parameter file whose epoch it is; '
                    'in a file of several rates, give each as PARAM_FILE RATE, as lin-test.py '
                    'prints them for several files'
                )
            points.append((epoch_of(name, where), rate, name))
    return one_per_epoch(points)


def epoch_ticks(first, last):
    """Whole epochs for the x axis, the first and the last among them: 1, 5, 10, 15, 20."""
    if first == last:
        return [first]
    inner = MaxNLocator(nbins=5, integer=True, steps=[1, 2, 5, 10]).tick_values(first, last)
    gap = (inner[1] - inner[0]) / 3  # a tick closer to an end would crowd the end's label
    return [first] + [int(t) for t in inner if first + gap <= t <= last - gap] + [last]


def draw_panel(ax, series, ylabel, scale=1):
    """Draw each (label, points) of `series` on the matplotlib Axes `ax` as one line, labelled
    `label`: the points' epochs on the x axis, their values times `scale` on the y axis (scale
    100 shows error rates in percent). Label the x axis 'epoch' and the y axis `ylabel`.
    `points` is [(epoch, value)], sorted by epoch, as loss_points and error_points give."""
    for label, points in series:
        x, y = zip(*points, strict=True)
        ax.plot(x, [scale * v for v in y], marker='o', label=label)
    ax.set_xlabel('epoch')
    ax.set_ylabel(ylabel)


def figure(loss_series, error_series, title=None, error_axis='test error rate'):
    """The loss series (left panel) and the error series (right panel), as a Figure. The panels
    share their epoch axis (sharex): the same range and ticks, whatever epochs each one has."""
    # error rates in percent: the ticks read 8.6, 8.4 ..., not 0.086 or 8.60%
    panels = [
        (series, ylabel, scale)
        for series, ylabel, scale in (
            (loss_series, 'average training loss (cross entropy)', 1),
            (error_series, error_axis + ' (%)', 100),
        )
        if series
    ]
    fig, axes = plt.subplots(
        1, len(panels), figsize=(6 * len(panels), 4.2), squeeze=False, sharex=True
    )
    for ax, (series, ylabel, scale) in zip(axes[0], panels, strict=True):
        draw_panel(ax, series, ylabel, scale)
        ax.yaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))  # 8.6, not 8.75 or 8.50
        # lines and labels given: found by itself, a label such as _baseline would be left out
        ax.legend(ax.get_lines(), [label for label, _ in series])
    epochs = [x for series, _, _ in panels for _, points in series for x, _ in points]
    axes[0, 0].set_xticks(epoch_ticks(min(epochs), max(epochs)))  # on both panels: shared
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# Large type and thick lines, to read from the back of a room; no top and right frame.
STYLE = {
    'font.size': 13,
    'figure.titlesize': 15,
    'lines.linewidth': 2.2,
    'lines.markersize': 5,
    'axes.spines.top': False,
    'axes.spines.right': False,
    'axes.grid': True,
    'grid.alpha': 0.3,
    'legend.frameon': False,
    'pdf.fonttype': 42,  # TrueType in PDFs: slide software shows it better than Type 3
    'svg.hashsalt': 'plot_logs',
}  # the same ids in every SVG, so reruns give the same bytes

# What a figure file of each format starts with, and its metadata that would change from run to
# run (or from one matplotlib to the next), left out so that a rerun writes the same bytes.
FORMATS = {
    '.png': (b'\x89PNG\r\n\x1a\n', {'Software': None}),
    '.pdf': (b'%PDF-', {'CreationDate': None}),
    '.svg': ((b'<?xml', b'<svg'), {'Date': None}),
}


def check_output(out):
    """The extension of the figure `out`; UserError if it is not one of FORMATS or if `out` holds
    a file that is not a figure of its format (a log, say, given first by mistake)."""
    extension = os.path.splitext(out)[1].lower()
    if extension not in FORMATS:
        raise UserError(
            f"{out}: a figure's name ends in .png, .pdf or .svg; give it first, "
            'e.g. ./plot_logs.py figure.png --loss linear log-1 ...'
        )
    if os.path.isfile(out):
        try:
            with open(out, 'rb') as f:
                start = f.read(8)
        except OSError as e:
            raise UserError(f'{out}: {e.strerror}') from None
        if not start.startswith(FORMATS[extension][0]):
            raise UserError(
                f'{out}: exists and its content is not {extension[1:].upper()}; not replacing it'
            )
    return extension


def check_text(option, text):
    """UserError if `text` (a label, a title) holds $...$ that matplotlib cannot draw as math:
    savefig would fail on it with a page of parser output."""
    if cbook.is_math_text(text):
        try:
            mathtext.MathTextParser('path').parse(text)
        except ValueError as e:
            last = str(e).strip().splitlines()[-1]  # e.g. ParseFatalException: Unknown symbol...
            what = last.split(': ', 1)[-1].split(',')[0]
            what = 'incomplete' if what.startswith('Expected') else what  # a list of grammar
            raise UserError(
                f"{option} '{text}': between $ signs is math for matplotlib, and this is not "
                f'({what}); write \\$ for a dollar sign'
            ) from None


def plot(out, loss_series, error_series, title=None, error_axis='test error rate'):
    """Draw the loss and error series into the figure file `out`, of the format its extension
    names (.png, .pdf or .svg)."""
    extension = check_output(out)
    with plt.rc_context(STYLE):
        fig = figure(loss_series, error_series, title, error_axis)
        with atomic.output_file(out) as f:
            fig.savefig(f, format=extension[1:], dpi=150, metadata=FORMATS[extension][1])
    plt.close(fig)


def main():
    parser = options.Parser(
        usage='%(prog)s OUT.png [--loss LABEL LOG ...] [--error LABEL FILE ...]',
        description=__doc__.split('\n\n', 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument('out', metavar='OUT.png', help='the figure to write: .png, .pdf or .svg')
    parser.add_argument(
        '--loss',
        nargs='+',
        action='append',
        default=[],
        metavar=('LABEL', 'LOG'),
        help='a series of training logs, one per epoch',
    )
    parser.add_argument(
        '--error',
        nargs='+',
        action='append',
        default=[],
        metavar=('LABEL', 'FILE'),
        help='files of test error rates',
    )
    parser.add_argument('--title', help='a title above the figure')
    parser.add_argument(
        '--error-axis',
        default='test error rate',
        metavar='TEXT',
        help='the label of the error axis (default: %(default)s)',
    )
    args = parser.parse_args()
    if not args.loss and not args.error:
        parser.error('nothing to plot: give --loss or --error')
    for option, series in (('--loss', args.loss), ('--error', args.error)):
        for s in series:
            if len(s) < 2:
                parser.error(f'{option} {s[0]}: give a label and at least one file')
            if os.path.isfile(s[0]):  # the label forgotten: the first file would be taken for it
                raise UserError(
                    f'{option} {s[0]}: the label is the name of a file; give a label first, '
                    f'e.g. {option} linear {s[0]} ...'
                )
        labels = [s[0] for s in series]
        for label in labels:
            if labels.count(label) > 1:  # two series the legend could not tell apart
                raise UserError(
                    f'{option} {label}: the label is given twice; give each series its own, '
                    'or all its files after one label'
                )
    texts = [('--title', args.title or ''), ('--error-axis', args.error_axis)]
    texts += [(f'--{o}', s[0]) for o in ('loss', 'error') for s in getattr(args, o)]
    for option, text in texts:
        check_text(option, text)
    check_output(args.out)  # before the logs are read: a mistake shows at once
    loss_series = [(s[0], loss_points(s[1:])) for s in args.loss]
    error_series = [(s[0], error_points(s[1:])) for s in args.error]
    plot(args.out, loss_series, error_series, args.title, args.error_axis)


if __name__ == '__main__':
    main()
