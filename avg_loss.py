#!/usr/bin/env python3
"""The average loss of each training log: ./avg_loss.py log-1 [log-2 ...]

With one log, prints just the number; with several, one line each: the log and its average.
A log with fewer losses than another is said on stderr: it may be an epoch cut short.
"""

import math
import os
import sys

from plumbing import logs, options


def average(losses):
    """The mean of the losses, summed exactly (math.fsum): 60,000 of them, in any order."""
    return math.fsum(losses) / len(losses)


def main():
    parser = options.Parser(usage='%(prog)s LOG [LOG ...]', description=__doc__.split('\n\n')[1])
    parser.add_argument('logs', nargs='+', metavar='LOG', help='logs written by the train scripts')
    paths = parser.parse_args().logs
    losses = {path: logs.read_losses(path) for path in paths}  # all read before any is printed
    for path, count, longest, most in logs.shorter_logs({p: len(v) for p, v in losses.items()}):
        print(
            f'{os.path.basename(sys.argv[0])}: warning: {path}: {count:,} losses, where {longest} '
            f"has {most:,}; if its epoch was cut short, this is not the epoch's average",
            file=sys.stderr,
        )
    for path in paths:
        value = average(losses[path])
        print(f'{value:.6f}' if len(paths) == 1 else f'{path} {value:.6f}')


if __name__ == '__main__':
    main()
