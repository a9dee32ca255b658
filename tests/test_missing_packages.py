"""A missing package: one line naming it and the install command, exit 2, no traceback."""

import os
import subprocess
import sys

import pytest
from conftest import ROOT, assert_fails

INSTALL = 'run: make .venv && . .venv/bin/activate (or python3 -m pip install -r requirements.txt'


@pytest.fixture(scope='module')
def bare_python(tmp_path_factory):
    """The Python of a fresh virtual environment: the standard library and nothing else."""
    folder = tmp_path_factory.mktemp('bare-venv')
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', folder], check=True)
    return str(folder / 'bin' / 'python')


def run_with(python, script, *args, **env):
    return subprocess.run(
        [python, os.path.join(ROOT, script), *args],
        check=False,
        capture_output=True,
        text=True,
        env=dict(os.environ, **env),
        timeout=60,
    )


@pytest.mark.parametrize(
    'script',
    [
        'avg_loss.py',
        'plot_logs.py',
        'param-info.py',
        'lin-train.py',
        'mlp-train.py',
        'lin-test.py',
        'mlp-test.py',
        'showgraph.py',
        'gradcheck.py',
        'bench/bench.py',
        'bench/against.py',
        'tests/extremes.py',
    ],
)
def test_without_numpy(bare_python, script):
    result = run_with(bare_python, script, 'param-1')
    prog = os.path.basename(script)
    assert_fails(result, prog + ': error: numpy is not installed for ' + bare_python, INSTALL)


def fake_matplotlib(folder, error):
    """A folder to put first on PYTHONPATH, where importing matplotlib raises `error`."""
    (folder / 'matplotlib').mkdir()
    (folder / 'matplotlib' / '__init__.py').write_text('raise ' + error)
    return str(folder)


def test_without_matplotlib(tmp_path):
    # what Python raises for a package it does not find
    path = fake_matplotlib(
        tmp_path, "ModuleNotFoundError('No module named matplotlib', name='matplotlib')"
    )
    result = run_with(sys.executable, 'plot_logs.py', 'f.png', '--loss', 'a', 'b', PYTHONPATH=path)
    assert_fails(result, 'plot_logs.py: error: matplotlib is not installed for', INSTALL)


def test_a_broken_matplotlib_is_named_with_its_problem(tmp_path):
    path = fake_matplotlib(tmp_path, "ImportError('libpng16.so.16: cannot open shared object')")
    result = run_with(sys.executable, 'plot_logs.py', 'f.png', '--loss', 'a', 'b', PYTHONPATH=path)
    assert_fails(
        result,
        'plot_logs.py: error: matplotlib cannot be imported '
        '(libpng16.so.16: cannot open shared object)',
        INSTALL,
    )
