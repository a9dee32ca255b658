"""How nn.py computes a few formulas: accurately at extreme values, where the textbook's formula
overflows or rounds to 0, and fast, where numpy's obvious call is slow. Each says why.

tests/extremes.py measures every node type against exact references at inputs up to 1e3 and at
+-inf; bench/bench.py measures the speed. Importing this module also asks the C library to keep
the memory freed at each step (allocator.py), since a training step frees and allocates the same
big arrays every time.
"""

import numpy

import allocator

allocator.keep_freed_memory()


def logistic(a):
    """1 / (1 + e^-a), as 1 / (1 + e) for a >= 0 and e / (1 + e) for a < 0, with e = e^-|a| <= 1:
    e cannot overflow, and neither tail is a difference of nearby numbers rounded to 0."""
    e = numpy.exp(-numpy.abs(a))
    return numpy.where(a >= 0, 1, e) / (1 + e)


def logistic_slope(a):
    """s (1 - s) for s = logistic(a), as e / (1 + e)^2 with e = e^-|a|: 1 - s rounds to 0 for
    a > 37, where s (1 - s) is still a float (4e-18 at 40)."""
    e = numpy.exp(-numpy.abs(a))
    return e / (1 + e) ** 2


def tanh_slope(a):
    """1 - t^2 for t = tanh(a), as 4e / (1 + e)^2 with e = e^-2|a|: 1 - t^2 loses digits as |t|
    nears 1, and all of them for |a| > 19."""
    e = numpy.exp(-2 * numpy.abs(a))
    return 4 * e / (1 + e) ** 2


def logsoftmax(a):
    """a - log sum_j e^a_j over the last axis. numpy.logaddexp.reduce takes that log of a sum
    without computing e^a_j, which overflows for scores over 709."""
    return a - numpy.logaddexp.reduce(a, axis=-1, keepdims=True)


def rowdot(logprob, gold):
    """logprob . gold: the tutorial's numpy.dot for a row, vecdot row by row for a batch. A class
    of score -inf (log probability -inf) that gold gives weight 0 adds 0, where 0 * -inf would
    make it nan."""
    dot = numpy.dot(logprob, gold) if logprob.ndim == 1 else numpy.vecdot(logprob, gold)
    nan = dot != dot  # a nan is the one value not equal to itself
    if nan.any() if nan.ndim else nan:  # rare: where() on every call would cost more
        dot = numpy.vecdot(numpy.where(gold == 0, 0.0, logprob), gold)
    return dot


def transpose_mul(x, g):
    """x^T g: the outer product for a row x, the matrix product for a batch of rows. numpy.dot
    of a column (n x 1) and a row (1 x k) goes to BLAS, where numpy.outer and @ do not: the same
    numbers, 2 to 3 times as fast for the largest array a training step writes (784 x 300)."""
    if x.ndim == 1:
        return numpy.dot(x[:, None], g[None, :])
    return numpy.dot(x.T, g)
