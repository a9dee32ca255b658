"""Errors a user can cause end a script with one line on stderr, not a traceback.

`import plumbing`, the first line of every script, calls in_one_line() when the program is one of
the project's scripts (not when the tests or a notebook import a module). From then on, even while
numpy and matplotlib are still being imported:

- a UserError (a wrong file, a bad option, a learning rate that blows up) or a damaged data file
  (mnist.DataError) prints `prog: error: MESSAGE` and exits with status 2;
- Ctrl-C prints `prog: interrupted; no output file written` and ends the script as Ctrl-C ends a
  program that does not catch it, so that a shell loop of scripts stops too (see die_of);
- a closed standard output (`| head -1`) ends it silently, as it ends any Unix tool.

By then the temporary files are gone: the `with` blocks that made them removed them on the way
out (plumbing.atomic). Anything else is a bug in the scripts and keeps its traceback.
"""

import contextlib
import os
import signal
import sys

# the scripts: in this folder, bench/ and tests/ (a test program would be in none of them)
ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
SCRIPT_FOLDERS = {ROOT, os.path.join(ROOT, 'bench'), os.path.join(ROOT, 'tests')}


class UserError(Exception):
    """Something the user can fix; the message names the file or option and the problem."""


def running_a_script():
    """Whether the program is a script of this project, run as `./lin-train.py` or `python ...`."""
    script = getattr(sys.modules['__main__'], '__file__', None)  # none in a notebook or a shell
    return bool(script) and os.path.dirname(os.path.realpath(script)) in SCRIPT_FOLDERS


def in_one_line():
    """Report the user's errors in one line from here on (see the module's docstring)."""
    sys.excepthook = report
    if sys.stdout:  # a closed output is then noticed at the next line, not at the very end
        sys.stdout.reconfigure(line_buffering=True)


def report(kind, error, traceback):
    """sys.excepthook: one line and an exit status for what the user can fix, else a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
    mnist = sys.modules.get('mnist')  # not imported here: it imports numpy, perhaps missing
    if issubclass(kind, UserError) or (mnist and issubclass(kind, mnist.DataError)):
        message = f'error: {error}'
    elif issubclass(kind, KeyboardInterrupt):
        message = 'interrupted; no output file written'
    elif issubclass(kind, BrokenPipeError):
        message = None  # whoever closed it wanted no more output, and is told nothing either
    else:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        return sys.__excepthook__(kind, error, traceback)
    # what was printed before the error is kept (unless stdout is closed or full)
    with contextlib.suppress(OSError):
        sys.stdout.flush()
    if message:
        print(f'{os.path.basename(sys.argv[0])}: {message}', file=sys.stderr, flush=True)
    if issubclass(kind, KeyboardInterrupt):
        die_of('SIGINT', 130)
    if issubclass(kind, BrokenPipeError):
        die_of('SIGPIPE', 1)
    os._exit(2)  # sys.exit cannot end the program from an excepthook


def die_of(name, status):
    """End the process by the signal `name` (SIGINT, SIGPIPE) with its default action.

    A shell tells how a program ended: bash stops a loop such as `for i in ...; do ./lin-train.py
    ... > log-$i; done` when the program it waits for is killed by SIGINT, and goes on when it
    exits, even with status 130, as a program that handled Ctrl-C as a request of its own. So a
    script that caught Ctrl-C to clean up must then die of it. Windows has no such signals: there
    the script exits with `status`, 130 for Ctrl-C as its shells expect.
    """
    if sys.platform != 'win32':
        signum = getattr(signal, name)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    os._exit(status)
