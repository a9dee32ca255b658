#!/usr/bin/env python3
"""Plot training loss and test error per epoch, one labelled line per model (the tutorial's
Figures 1 and 2):

    ./plot_logs.py fig.png --loss linear log-{1..20} --error linear errors.txt

--loss LABEL LOG...: the average loss of each log (as avg_loss.py computes it), on the left.
--error LABEL FILE...: error rates as the test scripts print them, one per line, either just
the rate or the parameter file and its rate, on the right. Repeat an option to overlay models.
An epoch is the number that ends the name of the log or parameter file (log-7, lin-param-7),
else its place in the list.
"""
import argparse
import os
import re

import matplotlib
matplotlib.use('Agg')  # draw to files; no display needed
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator, PercentFormatter  # noqa: E402

import avg_loss  # noqa: E402
from plumbing import atomic  # noqa: E402
from plumbing import errors  # noqa: E402
from plumbing import logs  # noqa: E402
from plumbing import options  # noqa: E402


def epoch_of(name, place):
    """The number that ends a file's name (log-7 -> 7), else its place in the list."""
    m = re.search(r'(\d+)$', os.path.basename(name))
    return int(m.group(1)) if m else place


def loss_points(logs):
    """[(epoch, average loss)] of the logs."""
    return sorted((epoch_of(path, i), avg_loss.average(path)) for i, path in enumerate(logs, 1))


def error_points(files):
    """[(epoch, error rate)] from files of lines 'RATE' or 'PARAM_FILE RATE'."""
    points = []
    for path in files:
        lines = logs.read_lines(path)
        if not lines:
            raise errors.Failure('{}: no error rates in it'.format(path))
        for number, line in enumerate(lines, 1):
            fields = line.split()
            try:
                rate = float(fields[-1])
                if len(fields) > 2 or not 0 <= rate <= 1:
                    raise ValueError
            except (ValueError, IndexError):
                raise errors.Failure('{}: line {}: {!r} is not an error rate (RATE or PARAM_FILE '
                                     'RATE, RATE from 0 to 1)'.format(path, number, line)) from None
            name = fields[0] if len(fields) == 2 else path
            points.append((epoch_of(name, len(points) + 1), rate))
    return sorted(points)


def plot(out, losses, errors, title=None, error_axis='test error rate'):
    """Draw the loss series (left) and the error series (right) into the PNG file `out`."""
    panels = [(series, ylabel) for series, ylabel in (
        (losses, 'average training loss (cross entropy)'), (errors, error_axis)) if series]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4), squeeze=False)
    for ax, (series, ylabel) in zip(axes[0], panels):
        for label, points in series:
            x, y = zip(*points)
            ax.plot(x, y, marker='o', markersize=3, label=label)
        ax.set_xlabel('epoch')
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if series is errors:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    with atomic.output_file(out) as f:
        fig.savefig(f, format='png', dpi=100, metadata={'Software': None})
    plt.close(fig)


def main():
    parser = options.Parser(usage='%(prog)s OUT.png [--loss LABEL LOG ...] [--error LABEL FILE ...]',
                           description=__doc__.split('\n\n', 1)[1],
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('out', metavar='OUT.png', help='the figure to write')
    parser.add_argument('--loss', nargs='+', action='append', default=[], metavar=('LABEL', 'LOG'),
                        help='a series of training logs, one per epoch')
    parser.add_argument('--error', nargs='+', action='append', default=[],
                        metavar=('LABEL', 'FILE'), help='files of test error rates')
    parser.add_argument('--title', help='a title above the figure')
    parser.add_argument('--error-axis', default='test error rate', metavar='TEXT',
                        help='the label of the error axis (default: %(default)s)')
    args = parser.parse_args()
    if not args.loss and not args.error:
        parser.error('nothing to plot: give --loss or --error')
    for option, series in (('--loss', args.loss), ('--error', args.error)):
        for s in series:
            if len(s) < 2:
                parser.error('{} {}: give a label and at least one file'.format(option, s[0]))
    losses = [(s[0], loss_points(s[1:])) for s in args.loss]
    errors = [(s[0], error_points(s[1:])) for s in args.error]
    plot(args.out, losses, errors, args.title, args.error_axis)


if __name__ == '__main__':
    errors.in_one_line()
    main()
