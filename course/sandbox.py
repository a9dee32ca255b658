"""One submission's check: in a temporary copy of the teacher's handout, with the submission's
part files only, in a process of its own with limits, inside bubblewrap where it works.

    files = submission.pristine(handout)  # the handout as it was made, or UserError
    results, notes = check_submission(files, 'submissions/alice.zip', limits, hide=[...])

The copy is the teacher's handout (its checker and data) as course/handout.py made it, checked
against its manifest, not the student's, without the data set the checker does not use. The
checker (check.py --json -) runs with:

- limits on every process (setrlimit, inherited): address space (memory), CPU seconds, the size
  of a file written, no core dumps; its own process group, killed whole when it ends or its
  time is up, and on Linux the processes it leaves behind, which the grader adopts (see stop);
  the checker adds a time and memory limit for each part, and does the same for each;
- with bubblewrap (`bwrap`): the whole system read-only, the copy too; a private /tmp of at
  most 256 MB, the one place to write; the folders of `hide` (the other submissions) replaced
  by empty ones; no network (a namespace of its own), no other process visible, no capability
  (so no remount), a session of its own, and death with the grader;
- without it: the copy is writable and is the working folder, and nothing else is isolated:
  the student's code runs as the grader's user and could read or write what that user can.

The checker's report comes back on its standard output, a file outside the copy, read up to
1 MB; the code it checks runs in the same sandbox and could write one of its own in its place.
"""

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

from course.kit.checking import processes, submission

TMP_SIZE = 256 * 1024 * 1024  # bytes of the sandbox's /tmp
MAX_FILE_WRITTEN = 64 * 1024 * 1024  # bytes, RLIMIT_FSIZE
MAX_REPORT = 1_000_000  # bytes of the checker's output read back
LIMITED = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'limited.py')


RUNNING = set()  # the checks' processes, stopped at once if the grader is interrupted
STOPPING = threading.Event()  # and none started after that
ADOPTED = threading.Lock()  # held to start a check, or to kill what the ended ones left


def stop(process):
    """Kill a check's processes, once it ended or ran out of time: its process group, and on
    Linux, every process that the checks which ended left behind, which the grader adopted
    (processes.adopt_orphans: grade.py calls it); then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    with ADOPTED:
        RUNNING.discard(process)
        processes.kill_children(keep={p.pid for p in RUNNING})


def stop_all():
    """Kill every check that is running, with all its processes, and start no other: the
    grader stops."""
    STOPPING.set()
    for process in list(RUNNING):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@functools.cache
def bwrap():
    """The path of a bubblewrap that works here (it may be installed and refused: no user
    namespaces for this user), or None."""
    path = shutil.which('bwrap')
    if not path:
        return None
    try:  # the Python of the check, in the sandbox of a check
        probe = subprocess.run(
            [path, *isolation([]), '--', sys.executable, '-c', 'import numpy'],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


def isolation(hide):
    """bwrap's options, but the copy's: read-only system, private /tmp, hidden folders, no
    network, no capabilities."""
    options = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc']
    options += ['--size', str(TMP_SIZE), '--tmpfs', '/tmp']
    for folder in hide:
        options += ['--tmpfs', os.path.abspath(folder)]
    # the Python that runs the check, with its packages, even where /tmp or a hidden folder
    # holds it (a project cloned into /tmp): read-only, as the rest
    for folder in sorted({sys.prefix, sys.base_prefix, sys.exec_prefix}):
        options += ['--ro-bind', folder, folder]
    options += ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL']
    return options


def environment(home):
    """The variables the checker runs with, and no other (no secret of the grader's)."""
    return {
        'PATH': os.pathsep.join([os.path.dirname(sys.executable), '/usr/bin', '/bin']),
        'HOME': home,
        'TMPDIR': home,
        'MPLCONFIGDIR': os.path.join(home, 'matplotlib'),
        'MPLBACKEND': 'Agg',
        'OPENBLAS_NUM_THREADS': '1',  # one core per submission: the grader runs several at once
        'PYTHONDONTWRITEBYTECODE': '1',
        'LANG': 'C.UTF-8',
    }


def limited(command, memory_mb, cpu_seconds):
    """The command, run through course/limited.py: the limits of every process of the check."""
    size = MAX_FILE_WRITTEN // (1024 * 1024)
    return [sys.executable, LIMITED, str(memory_mb), str(int(cpu_seconds)), str(size), '--',
            *command]  # fmt: skip


def check_submission(files, source, limits, hide=(), sandbox=True):
    """({part: (score, message)} or None, notes) of one submission, a folder or a zip, checked
    in a copy of the handout whose `files` submission.pristine() read.

    `limits`: {'timeout': seconds per part, 'total': seconds for the whole check, 'memory':
    MB}. The temporary copy is removed afterwards, whatever happens."""
    manifest = json.loads(files[submission.MARK])
    names = sorted({name for part in manifest['parts'] for name in part['files']})
    work = tempfile.mkdtemp(prefix='grade-')
    try:
        copy = os.path.join(work, 'handout')
        submission.write_files(files, copy)
        notes = submission.take_parts(source, names, copy)
        report, problem = run_check(copy, work, limits, hide, sandbox)
        if problem:
            notes.append(problem)
        return (scores(manifest, report) if report else None), notes
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_check(copy, work, limits, hide, sandbox):
    """(the checker's report as a dict, or None; what went wrong, or None)."""
    checker = [
        sys.executable, 'check.py', '--json', '-', '--timeout', str(limits['timeout']),
        '--total-timeout', str(limits['total']), '--memory', str(limits['memory']),
    ]  # fmt: skip
    wrapper = bwrap() if sandbox else None
    if wrapper:
        command = [wrapper, *isolation(hide), '--ro-bind', copy, copy, '--clearenv']
        for name, value in environment('/tmp').items():
            command += ['--setenv', name, value]
        command += ['--chdir', copy, '--', *checker]
        env = None
    else:
        home = os.path.join(copy, '.home')
        os.makedirs(home)
        command, env = checker, environment(home)
    out_path, err_path = os.path.join(work, 'report.json'), os.path.join(work, 'stderr.txt')
    wall = limits['total'] + 30  # the checker stops at 'total'; this, if it does not
    if STOPPING.is_set():
        return None, 'the grader was stopped'
    with open(out_path, 'wb') as out, open(err_path, 'wb') as err:
        with ADOPTED:  # started and known as running at once, for stop()
            process = subprocess.Popen(
                limited(command, limits['memory'], wall),
                cwd=copy,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
            RUNNING.add(process)
        try:
            process.wait(timeout=wall)
        except subprocess.TimeoutExpired:
            return None, f'the check was stopped after {wall:g} s'
        finally:
            stop(process)
    with open(out_path, 'rb') as f:
        data = f.read(MAX_REPORT + 1)
    if len(data) > MAX_REPORT:
        return None, f'the check wrote over {MAX_REPORT:,} bytes; its report is not read'
    try:
        return json.loads(data.decode()), None
    except (UnicodeDecodeError, ValueError):
        with open(err_path, 'rb') as f:
            last = (f.read(20_000).decode(errors='replace').strip().splitlines() or ['?'])[-1]
        return None, f'the check gave no report (exit status {process.returncode}): {last[:200]}'


def scores(manifest, report):
    """{part: (score, message)} from the checker's report (its tests are named 'PART: title'),
    each score a number from 0 to the part's points; a part missing from it scores 0."""
    tests = {}
    for test in (report.get('tests') if isinstance(report, dict) else None) or []:
        if isinstance(test, dict):
            tests.setdefault(str(test.get('name', '')).split(': ', 1)[0], test)
    found = {}
    for part in manifest['parts']:
        test = tests.get(part['name'])
        if test is None:
            found[part['name']] = (0, "not in the check's report")
            continue
        try:
            score = min(max(float(test.get('score', 0)), 0), part['points'])
        except (TypeError, ValueError):
            score = 0
        found[part['name']] = (score, str(test.get('output', ''))[:500])
    return found
