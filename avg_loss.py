#!/usr/bin/env python3
"""The average loss of each training log: ./avg_loss.py log-1 [log-2 ...]

With one log, prints just the number; with several, one line each: the log and its average.
"""
import math

from plumbing import requires
requires.require('numpy')  # one line, not a traceback, if it is missing

from plumbing import errors, logs, options  # noqa: E402
from plumbing.errors import Failure  # noqa: E402


def average(path):
    """The mean of a log's losses, one number per line; Failure naming the file and line if not."""
    losses = []
    for number, line in enumerate(logs.read_lines(path), 1):
        try:
            losses.append(float(line))
        except ValueError:
            raise Failure('{}: line {}: {!r} is not a number'.format(path, number, line)) from None
        if not math.isfinite(losses[-1]):
            raise Failure('{}: line {}: the loss is {}'.format(path, number, line.strip()))
    if not losses:
        raise Failure('{}: no losses in it'.format(path))
    return math.fsum(losses) / len(losses)


def main():
    parser = options.Parser(usage='%(prog)s LOG [LOG ...]', description=__doc__.split('\n\n')[1])
    parser.add_argument('logs', nargs='+', metavar='LOG', help='logs written by the train scripts')
    logs = parser.parse_args().logs
    averages = [average(path) for path in logs]  # all checked before anything is printed
    for path, value in zip(logs, averages):
        print('{:.6f}'.format(value) if len(logs) == 1 else '{} {:.6f}'.format(path, value))


if __name__ == '__main__':
    errors.in_one_line()
    main()
