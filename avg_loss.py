#!/usr/bin/env python3
"""The average loss of each training log: ./avg_loss.py log-1 [log-2 ...]

With one log, prints just the number; with several, one line each: the log and its average.
"""

import math

from plumbing import errors, logs, options
from plumbing.errors import UserError


def average(path):
    """The mean of a log's losses, one number per line; UserError naming the file and line
    if not."""
    losses = []
    for number, line in enumerate(logs.read_lines(path), 1):
        try:
            losses.append(float(line))
        except ValueError:
            raise UserError(f'{path}: line {number}: {line!r} is not a number') from None
        if not math.isfinite(losses[-1]):
            raise UserError(f'{path}: line {number}: the loss is {line.strip()}')
    if not losses:
        raise UserError(f'{path}: no losses in it')
    return math.fsum(losses) / len(losses)


def main():
    parser = options.Parser(usage='%(prog)s LOG [LOG ...]', description=__doc__.split('\n\n')[1])
    parser.add_argument('logs', nargs='+', metavar='LOG', help='logs written by the train scripts')
    logs = parser.parse_args().logs
    averages = [average(path) for path in logs]  # all checked before anything is printed
    for path, value in zip(logs, averages, strict=True):
        print(f'{value:.6f}' if len(logs) == 1 else f'{path} {value:.6f}')


if __name__ == '__main__':
    errors.in_one_line()
    main()
