"""Errors a user can cause end a script with one line on stderr, not a traceback.

    errors.in_one_line()     # first thing in a script

Then a UserError (a wrong file, a bad option, a learning rate that blows up) or a damaged data file
(mnist.DataError) prints `prog: error: MESSAGE` and exits with status 2; Ctrl-C prints one line
and exits with 130. Anything else is a bug in the scripts and keeps its traceback.
"""

import contextlib
import os
import sys

import mnist


class UserError(Exception):
    """Something the user can fix; the message names the file or option and the problem."""


def in_one_line():
    """Report the user's errors in one line from here on (see the module's docstring)."""
    sys.excepthook = report


def report(kind, error, traceback):
    """sys.excepthook: one line and an exit status for what the user can fix, else a traceback."""
    if issubclass(kind, (UserError, mnist.DataError)):
        message, status = f'error: {error}', 2
    elif issubclass(kind, KeyboardInterrupt):
        message, status = 'interrupted; no output file written', 130
    elif issubclass(kind, BrokenPipeError):
        message, status = 'error: standard output was closed', 2
    else:
        return sys.__excepthook__(kind, error, traceback)
    # what was printed before the error is kept; a closed or full stdout is said below
    with contextlib.suppress(OSError):
        sys.stdout.flush()
    print(f'{os.path.basename(sys.argv[0])}: {message}', file=sys.stderr, flush=True)
    os._exit(status)  # sys.exit cannot end the program from an excepthook
