"""Each part is checked in a process of its own, with limits on time and memory, so that an
endless loop, a crash or a runaway allocation in one part costs that part and nothing more.

    results = check_parts(root, parts, names, timeout=30, memory_mb=1024)

A child process imports the student's code, never the parent: the parent only starts children,
reads their verdicts (a line of JSON each) and stops a child that outlives its time, with every
process it started (its own session). On Linux a child also dies with its parent, and the
parent adopts the processes left behind by the child's (a daemon, forked twice into a session
of its own): they are killed when the part ends.
"""

import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time

from . import parts
from .verdict import PartError

MAX_VERDICT = 100_000  # bytes: a verdict is a line, not a flood


def check_parts(root, manifest_parts, names, timeout, memory_mb, deadline=None):
    """{name: (status, message)} for each part of `names` and those their checks need, checked
    in order; status is 'passed', 'failed', 'not written', 'stopped' or 'not checked'.
    `deadline` (time.monotonic()): the part running then is stopped, and the parts not started
    are not checked."""
    chosen = [p['name'] for p in manifest_parts]
    wanted, todo = set(), list(names)
    while todo:  # the parts named, what their checks need, what that needs, ...
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo += parts.needs(name, chosen)
    results, failing = {}, set()
    adopt_orphans()
    parts.warm(root, wanted)
    # each module of the student's imported once first: one that loops or crashes as it is
    # imported fails all its parts at once, rather than costing each part its time
    broken = {}
    for module in dict.fromkeys(m for n in sorted(wanted) for m in parts.modules(n)):
        if deadline is not None and time.monotonic() >= deadline:
            break
        status, message = check_one(root, f'import:{module}', set(), timeout, memory_mb, deadline)
        if status == 'stopped':
            broken[module] = (status, f'importing {module}.py was {message}')
        elif status != 'passed':
            broken[module] = (status, message)
    for name in parts.order([n for n in chosen if n in wanted]):
        problem = next((broken[m] for m in parts.modules(name) if m in broken), None)
        if problem:
            results[name] = problem
        elif deadline is not None and time.monotonic() >= deadline:
            results[name] = ('not checked', 'the time for the whole check ran out first')
        else:
            results[name] = check_one(root, name, failing, timeout, memory_mb, deadline)
        if results[name][0] != 'passed':
            failing.add(name)
    return results


def check_one(root, name, failing, timeout, memory_mb, deadline=None):
    """(status, message) of one part, checked in a child process stopped after `timeout` s or at
    `deadline` (time.monotonic()), whichever comes first."""
    left = timeout if deadline is None else min(timeout, deadline - time.monotonic())
    context = multiprocessing.get_context()
    reader, writer = context.Pipe(duplex=False)
    # made and removed here: a child killed for its time would leave its own behind
    folder = tempfile.mkdtemp(prefix='check-')
    child = context.Process(
        target=child_main,
        args=(root, name, sorted(failing), memory_mb, writer, folder),
        daemon=True,
    )
    child.start()
    writer.close()
    verdict, timed_out = None, False
    try:
        if reader.poll(max(left, 0)):  # a verdict, or the end of the pipe: the child died
            verdict = json.loads(reader.recv_bytes(MAX_VERDICT).decode())
        else:
            timed_out = True
    except (EOFError, OSError, ValueError):
        pass  # the child died before its verdict, or sent something else
    finally:
        stop(child)
        kill_children()  # what the part started and left behind, adopted: this has no other
        shutil.rmtree(folder, ignore_errors=True)
    if verdict is not None:
        known = ('passed', 'failed', 'not written')
        if isinstance(verdict, list) and len(verdict) == 2 and verdict[0] in known:
            return verdict[0], str(verdict[1])[:2000]
        return ('failed', 'the check sent a verdict that is not one')  # the student's code did?
    if timed_out and left < timeout:
        return ('stopped', 'stopped when the time for the whole check ran out')
    if timed_out:
        return ('stopped', f'stopped after {timeout:g} s: an endless loop, or far too slow?')
    code = child.exitcode
    how = f'signal {-code}' if code is not None and code < 0 else f'exit status {code}'
    return ('failed', f'the check crashed ({how}) before it could say anything')


def stop(child):
    """Kill the child and every process it started (they share its session), then reap it."""
    if child.pid is not None and hasattr(os, 'killpg'):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
    child.kill()
    child.join()


def adopt_orphans():
    """On Linux, make this process the parent of the processes that its descendants leave
    behind when they end (PR_SET_CHILD_SUBREAPER), whatever session they started: so that
    kill_children() finds them. Elsewhere, nothing."""
    if sys.platform.startswith('linux'):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


def kill_children(keep=()):
    """On Linux, kill and reap the child processes of this one but those of `keep` (pids), until
    none is left: those killed leave theirs to this one, if adopt_orphans() was called."""
    while sys.platform.startswith('linux'):
        found = []
        for name in os.listdir('/proc'):
            with (
                contextlib.suppress(OSError, IndexError, ValueError),
                open(f'/proc/{name}/stat') as f,  # pid (name) state ppid ...
            ):
                if int(f.read().rsplit(')', 1)[1].split()[1]) == os.getpid():
                    found.append(int(name))
        found = [pid for pid in found if pid not in keep]
        if not found:
            return
        for pid in found:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in found:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def child_main(root, name, failing, memory_mb, writer, folder):
    """In the child: limits, quiet output, the part's check (its files in `folder`), its verdict
    as a line of JSON."""
    isolate(memory_mb)
    sys.path.insert(0, root)  # the student's modules from the handout checked: nn, avg_loss, ...
    try:
        note = parts.check(name, root, set(failing), folder)
        verdict = ('passed', note or '')
    except NotImplementedError as e:
        verdict = ('not written', str(e) or 'NotImplementedError')
    except PartError as e:
        verdict = ('failed', str(e))
    except MemoryError:
        verdict = ('failed', f'ran out of memory (the limit is {memory_mb:,} MB)')
    except RecursionError:
        verdict = ('failed', 'a recursion too deep (a function that calls itself forever?)')
    except BaseException as e:  # SystemExit, or a bug of the checker's own
        verdict = ('failed', f'{type(e).__name__}: {e}'[:500])
    writer.send_bytes(json.dumps(verdict).encode())
    os._exit(0)  # no atexit handler of the student's runs after the verdict


def isolate(memory_mb):
    """A session of its own (so that it is stopped whole), death with the parent, a memory
    limit, and no output on the terminal: the student's prints would cut the report's lines."""
    if hasattr(os, 'setsid'):
        os.setsid()
    if sys.platform.startswith('linux'):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    try:
        import resource
    except ImportError:  # Windows: no limits but time
        resource = None
    if resource is not None:
        limit = memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
