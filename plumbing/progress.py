"""Samples done, samples per second and time left, on stderr when it is a terminal (not a log)
and the losses go elsewhere (to a log: on the terminal, they would run into the line)."""

import sys
import time


class Progress:
    """p = Progress(60000); p.update(done) now and then; p.done() at the end."""

    def __init__(self, total):
        self.total, self.start = total, time.time()
        self.shown = sys.stderr.isatty() and not sys.stdout.isatty()

    def update(self, done):
        if self.shown:
            rate = done / max(time.time() - self.start, 1e-9)
            left = (self.total - done) / rate
            sys.stderr.write(
                f'\r{done:,}/{self.total:,} samples, {rate:,.0f}/s, {left:.0f} s left  '
            )
            sys.stderr.flush()

    def done(self):
        if self.shown:
            sys.stderr.write('\r' + ' ' * 60 + '\r')
