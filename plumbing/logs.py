"""Training logs: one loss per line, written as training goes; read back to be averaged.

    log = logs.LossLog()        # on stdout, which the shell sends to a file: > log-1
    log.write(loss.value)       # each sample's loss (or each row's, for a batch)
    average = log.close()

    losses = logs.read_losses('log-1')   # the losses of a log, checked
    lines = logs.read_lines('errors.txt')  # any text file a user or another tool made

A loss that is not finite, or that has clearly diverged, ends the run with a UserError that says
to lower the learning rate; the block of losses where it happened is not written.
"""

import codecs
import math
import os
import re
import sys
import time

from plumbing.errors import UserError

import numpy

BLOCK = 1000  # losses are printed, and checked, a block at a time
# The average cross entropy of 1,000 samples starts at log 10 = 2.3 and falls as the model
# learns. At --lr 1, a hundred times the default, it stays under 50 (measured over a full epoch:
# at most 14 for the linear model, 48 for the MLP). Over 1,000 the steps are blowing the
# parameters up, and the file would be useless.
DIVERGED = 1000.0


def read_text(path):
    """The text of a file a person or another tool made: UTF-8, with or without a byte-order mark
    (Notepad's), or UTF-16 with one (`> log-1` in Windows PowerShell 5.1), with any line ends.
    UserError naming the file otherwise, with what it seems to hold and how to convert it."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as e:
        raise UserError(f'{path}: {e.strerror}') from None
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        text = data.decode('utf-16' if utf16 else 'utf-8-sig')  # either drops its byte-order mark
    except UnicodeDecodeError:
        text = None
    if text is None or CONTROL.search(text):
        raise UserError(f'{path}: {undecodable(path, data)}')
    return text


# characters of no text (NUL, escape, ...), as opposed to tab and line ends
CONTROL = re.compile(r'[\x00-\x08\x0e-\x1f\x7f]')


def undecodable(path, data):
    """What the bytes of a file that is not text seem to be, and how to convert them if text."""
    for order, zeros in (('LE', data[1::2]), ('BE', data[::2])):
        if len(data) % 2 == 0 and not zeros.strip(b'\0'):  # ASCII letters of 2 bytes each
            seems, encoding = f'UTF-16{order} text without a byte-order mark', f'UTF-16{order}'
            break
    else:
        if CONTROL.search(data.decode('latin-1')):
            return 'not a text file'
        seems, encoding = 'not UTF-8 text (Windows-1252 or Latin-1?)', 'WINDOWS-1252'
    return (
        f'{seems}; convert it to UTF-8 (iconv -f {encoding} -t UTF-8 {path} > {path}.txt) or '
        'save it as UTF-8 in an editor'
    )


def read_lines(path):
    """The lines of a text file (a log, a list of error rates); UserError if it cannot be read."""
    return read_text(path).splitlines()


def read_losses(path):
    """The losses of a training log, one number per line; UserError naming the file and line
    if the log has none, has one that is not a finite number, or was cut off within a line."""
    text = read_text(path)
    lines = text.splitlines()
    while lines and not lines[-1].strip():  # blank lines at the end: an editor's, say
        lines.pop()
    if not lines:
        raise UserError(f'{path}: no losses in it')
    if not text.endswith(('\n', '\r')):  # the training scripts end every line
        raise UserError(
            f'{path}: line {len(lines):,} has no line end: the log was cut off (an epoch '
            'interrupted, or a full disk?); run that epoch again'
        )
    losses = []
    for number, line in enumerate(lines, 1):
        try:
            losses.append(float(line))
        except ValueError:
            raise UserError(f'{path}: line {number}: {line!r} is not a number') from None
        if not math.isfinite(losses[-1]):
            raise UserError(f'{path}: line {number}: the loss is {line.strip()}')
    return losses


def shorter_logs(counts):
    """[(path, losses, longest path, its losses)] for each log of `counts` ({path: losses}) that
    has fewer losses than the longest. The epochs of one chain have the same number of samples,
    so such a log is an epoch cut short (interrupted, say) or a log of another kind of run."""
    longest = max(counts, key=counts.get)
    return [(p, n, longest, counts[longest]) for p, n in counts.items() if n < counts[longest]]


class LossLog:
    """Losses printed one per line to `out` (stdout), checked and flushed a block at a time."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.block, self.count, self.total = [], 0, 0.0
        self.started = time.time()  # for the epoch's time in paramfile.finish
        # numpy would warn of each overflow on the way to a nan loss: flush says it in one line
        numpy.seterr(over='ignore', invalid='ignore', divide='ignore')
        self.hint()

    def hint(self):
        """On a terminal, say where the losses should go: the shell's > log-N forgotten."""
        if self.out.isatty():
            print(
                f'{os.path.basename(sys.argv[0])}: printing one loss per sample to the terminal; '
                'to keep them in a log, run the command again with > log-N (N the epoch) at its '
                'end',
                file=sys.stderr,
            )

    def write(self, loss):
        """Add a loss: a number, or one number per row of a batch."""
        if isinstance(loss, numpy.ndarray) and loss.ndim:  # a batch (numpy.ndim is slow)
            self.block.extend(loss.tolist())
        else:
            self.block.append(float(loss))
        if len(self.block) >= BLOCK:
            self.flush()

    def flush(self):
        """Check the block of losses and print it."""
        block, first = self.block, self.count + 1
        if not block:
            return
        bad = [v for v in block if not math.isfinite(v)]
        if bad:
            raise UserError(
                f'the loss became {bad[0]} at sample {first + block.index(bad[0]):,} of the '
                'epoch; try a smaller --lr (no parameter file written)'
            )
        average = math.fsum(block) / len(block)
        if average > DIVERGED:
            raise UserError(
                f'the loss diverged: {average:.3g} on average over samples '
                f'{first:,}-{first + len(block) - 1:,} of the epoch; try a smaller --lr (no '
                'parameter file written)'
            )
        try:
            self.out.write(''.join(f'{v:.6g}\n' for v in block))
            self.out.flush()
        except BrokenPipeError:  # | head -3: the losses would be lost, and the epoch with them
            raise UserError(
                'standard output was closed before the epoch ended (no parameter file written); '
                'send the losses to a file with > log-N (N the epoch) at the end of the command, '
                'and look at that file: head log-N'
            ) from None
        except OSError as e:  # a full disk under the log, say
            raise UserError(f'cannot write the losses to standard output: {e.strerror}') from None
        self.count += len(block)
        self.total += math.fsum(block)
        self.block = []

    def close(self):
        """Print what is left; the average loss of all samples."""
        self.flush()
        self.hint()  # again: the first scrolled away with the losses
        return self.total / self.count if self.count else float('nan')
