"""Training logs: one loss per line, written as training goes; read back to be averaged.

    log = logs.LossLog()        # on stdout, which the shell sends to a file: > log-1
    log.write(loss.value)       # each sample's loss (or each row's, for a batch)
    average = log.close()

A loss that is not finite, or that has clearly diverged, ends the run with a UserError that says
to lower the learning rate; the block of losses where it happened is not written.
"""

import math
import os
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


def read_lines(path):
    """The lines of a text file (a log, a list of error rates); UserError if it cannot be read."""
    try:
        with open(path) as f:
            return f.read().splitlines()
    except OSError as e:
        raise UserError(f'{path}: {e.strerror}') from None
    except UnicodeDecodeError:
        raise UserError(f'{path}: not a text file') from None


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
