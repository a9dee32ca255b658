"""What a check says: a part passes, or fails with the first thing that is wrong, in one line.

    raise PartError('on logistic(a) with a (4,), node 0's gradient differs ...')

A check returns a note (or None) when its part passes, and raises PartError when it does not. A
NotImplementedError, the stub's, is let through: the runner reports the part as not written.
"""

import re

import numpy


class PartError(Exception):
    """A part that runs but gives a wrong result; the message says what is wrong (a verdict on
    the student's code, not an error of the checker's)."""


def relative_error(want, got):
    """|got - want| / max(|got|, |want|) over whole arrays (norms): 0 when both are 0, nan when
    a number is not finite, as gradcheck.py measures."""
    want, got = numpy.asarray(want, dtype=float), numpy.asarray(got, dtype=float)
    if not (numpy.isfinite(want).all() and numpy.isfinite(got).all()):
        return float('nan')
    scale = max(numpy.linalg.norm(want), numpy.linalg.norm(got))
    return float(numpy.linalg.norm(got - want) / scale) if scale > 0 else 0.0


def close(want, got, tolerance):
    """Whether got has want's shape and is within `tolerance` of it (relative error)."""
    return numpy.shape(want) == numpy.shape(got) and relative_error(want, got) <= tolerance


def how_wrong(want, got):
    """What a wrong array seems to be, as ': it is ...' to add to a message, or ''."""
    want, got = numpy.asarray(want, dtype=float), numpy.asarray(got, dtype=float)
    if got.shape != want.shape:
        return ''
    if got.ndim == 2 and got.shape[0] == got.shape[1] and close(want.T, got, 1e-6):
        return ': it is the transpose of the right one'
    norm = float(numpy.vdot(want, want))
    if norm == 0 or not numpy.isfinite(got).all():
        return ''
    factor = float(numpy.vdot(want, got)) / norm
    if abs(factor - 1) > 1e-6 and close(factor * want, got, 1e-6):
        if abs(factor + 1) < 1e-6:
            return ': it is the right one times -1 (a sign?)'
        if abs(factor) < 1e-9:
            return ': it is 0'
        return f': it is {factor:.3g} times the right one'
    return ''


def numbers(values, digits=4):
    """A short list of numbers for a message: [1, 2, 3] or [0.2346, ...]."""
    shown = [float(f'{v:.{digits}g}') for v in list(values)[:6]]
    text = ', '.join(f'{v:g}' for v in shown)
    return f'[{text}{", ..." if len(values) > 6 else ""}]'


def calling(what, function, *args):
    """function(*args), the student's code run; what it raises becomes the PartError of
    `raised`, but the stub's NotImplementedError and Ctrl-C, which go through."""
    try:
        return function(*args)
    except (NotImplementedError, KeyboardInterrupt):
        raise
    except Exception as e:
        raise raised(what, e) from None


def raised(what, error, hint=''):
    """PartError for an exception that the student's code raised: its type and message, and
    `hint`, or what the shapes in a ValueError's message seem to say."""
    if isinstance(error, MemoryError):
        return PartError(f'{what} ran out of memory (over the limit of ./check.py --memory)')
    text = str(error).strip().splitlines()[0] if str(error).strip() else ''
    if not hint and isinstance(error, ValueError):
        hint = shape_hint(text)
    return PartError(f'{what} raised {type(error).__name__}: {text[:300]}{hint}')


def shape_hint(text):
    """What the shapes named in an error's message (numpy's, nn.py's) seem to say, as ' (...)',
    or ''."""
    shapes = [tuple(map(int, s.split(','))) for s in re.findall(r'\((\d+(?:, ?\d+)*),?\)', text)]
    for a in shapes:
        for b in shapes:
            if len(a) == 2 and b == a[:1] and a[1] != a[0]:
                return (
                    f' (a value per row, of shape {b}, meets a batch of rows {a}: numpy pairs its '
                    f'{b[0]} numbers with the {a[1]} columns, not with the rows; a value per row '
                    f'needs an axis for the columns, shape ({a[0]}, 1))'
                )
            rows = b[0] // a[0] if len(a) == len(b) == 2 else 0
            if rows > 1 and b == (rows * a[0], rows * a[1]):
                return (
                    f' ({b} is {rows} times {a} on both axes, as numpy.outer makes it of a batch '
                    f'of {rows} rows, which it flattens into one long row: the formula must hold '
                    "for a batch too, where the tutorial's x^T dL/dg (its equation 4) is a matrix "
                    'product)'
                )
    if 'mismatch' in text or 'shape' in text:
        return ' (the shapes do not fit: is a transpose missing, or are the factors swapped?)'
    return ''
