"""Ctrl-C and a closed output: one line or none, no traceback, no temporary file left, and a
death by the signal that a shell loop understands."""

import os
import select
import signal
import subprocess
import sys

from plumbing import paramfile

import pytest
from conftest import ROOT, run, start_epoch

# Started with Ctrl-C ignored (nohup, or a shell's trap '' INT), a process and its children stay
# deaf to it, whatever they do: the tests of what Ctrl-C does cannot run there.
DEAF = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
deaf_to_ctrl_c = pytest.mark.skipif(DEAF, reason='these tests were started with SIGINT ignored')

INTERRUPTED = 'interrupted; no output file written'

pytestmark = pytest.mark.linux  # see conftest.py
fcntl = pytest.importorskip('fcntl', reason='no fcntl: not a POSIX system')


@deaf_to_ctrl_c
def test_ctrl_c_ends_an_epoch_with_one_line_and_dies_of_sigint(tmp_path, lin0):
    proc = start_epoch(lin0, tmp_path / 'lin-param-1', tmp_path / 'log')
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGINT
    assert err.splitlines() == [f'lin-train.py: {INTERRUPTED}']
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0', 'log']  # no temporary file left


@deaf_to_ctrl_c
def test_ctrl_c_in_the_readmes_epoch_loop_stops_the_loop(tmp_path):
    # The README's loop, each epoch on 2,000 images. log-2 is a pipe of 4 KB that is never
    # read: its epoch writes losses (8 KB at least) until the pipe is full, then waits, so it is
    # still running, deterministically, when Ctrl-C comes.
    run('lin-train.py', '--init', tmp_path / 'lin-param-0', check=0)
    os.mkfifo(tmp_path / 'log-2')
    reader = os.open(tmp_path / 'log-2', os.O_RDONLY | os.O_NONBLOCK)
    fcntl.fcntl(reader, fcntl.F_SETPIPE_SZ, 4096)
    loop = (
        f'for i in 1 2 3; do {sys.executable} {ROOT}/lin-train.py lin-param-$((i-1)) '
        'lin-param-$i --limit 2000 > log-$i; done'
    )
    # in a session of its own: the loop and its epoch are a process group, as in a terminal
    shell = subprocess.Popen(
        ['bash', '-c', loop],
        cwd=tmp_path,
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert select.select([reader], [], [], 120)[0], 'epoch 2 did not start'
        os.killpg(shell.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, err = shell.communicate(timeout=30)
    finally:
        os.close(reader)
    assert shell.returncode == -signal.SIGINT  # the shell stopped the loop and died of it too
    assert err.splitlines()[-1] == f'lin-train.py: {INTERRUPTED}'
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0', 'lin-param-1', 'log-1', 'log-2']
    record = paramfile.load(tmp_path / 'lin-param-1', 'linear')[1]
    assert record['epoch'] == 1 and record['samples'] == 2000
    assert len((tmp_path / 'log-1').read_text().splitlines()) == 2000


# Every script of the README, as it is run there; each imports numpy first thing.
SCRIPTS = [
    ('lin-train.py', 'lin-param-0', 'lin-param-1'),
    ('mlp-train.py', '--init', 'mlp-param-0'),
    ('lin-test.py', 'lin-param-1'),
    ('mlp-test.py', 'mlp-param-1'),
    ('avg_loss.py', 'log-1'),
    ('plot_logs.py', 'f.png', '--loss', 'linear', 'log-1'),
    ('param-info.py', 'lin-param-1'),
    ('showgraph.py', '--trace'),
    ('gradcheck.py',),
    ('bench/bench.py',),
    ('bench/against.py', '.'),
    ('tests/extremes.py',),
]


@deaf_to_ctrl_c
@pytest.mark.parametrize('script', SCRIPTS, ids=[s[0] for s in SCRIPTS])
def test_ctrl_c_while_numpy_is_imported_is_one_line(tmp_path, script):
    # A numpy whose import is interrupted, as by Ctrl-C in the second it takes
    (tmp_path / 'numpy').mkdir()
    (tmp_path / 'numpy' / '__init__.py').write_text(
        'import os, signal\nos.kill(os.getpid(), signal.SIGINT)\n'
    )
    result = run(*script, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert result.returncode == -signal.SIGINT
    assert result.stderr == f'{os.path.basename(script[0])}: {INTERRUPTED}\n'
    assert sorted(os.listdir(tmp_path)) == ['numpy']


@deaf_to_ctrl_c
def test_ctrl_c_in_the_benchmark_is_one_line():
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, 'bench', 'bench.py'), '--quick'],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().startswith(('AMD', 'Intel'))  # the machine: it is running
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGINT
    assert err == f'bench.py: {INTERRUPTED}\n'


def test_on_windows_ctrl_c_is_exit_status_130():
    # Windows has no death by SIGINT: its shells take status 130 for Ctrl-C
    code = "import sys; sys.platform = 'win32'; from plumbing import errors; errors.die_of("
    code += "'SIGINT', 130)"
    result = subprocess.run([sys.executable, '-c', code], cwd=ROOT, check=False)
    assert result.returncode == 130


@pytest.mark.parametrize(
    'script',
    [
        ('tests/extremes.py',),
        ('bench/bench.py', '--quick'),
        ('showgraph.py', '--trace', 'first'),
        ('avg_loss.py', 'log-1'),
    ],
    ids=lambda s: s[0],
)
def test_a_closed_output_ends_a_script_silently(tmp_path, script):
    (tmp_path / 'log-1').write_text('0.5\n')
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, script[0]), *script[1:]],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # as `| head -1` does, here before the first line
    err = proc.stderr.read()
    assert proc.wait() == -signal.SIGPIPE and err == b''
