"""The Makefile's epoch chain, shortened: every figure and error rate, and nothing redone."""

import os
import subprocess
import sys

from conftest import ROOT

QUICK = ['LIN_EPOCHS=2', 'MLP_EPOCHS=2', 'LIMIT=300', 'HIDDEN=8']


def make(runs, *args):
    return subprocess.run(
        ['make', '-C', ROOT, 'RUNS=' + str(runs), 'PYTHON=' + sys.executable, *QUICK, *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_chain_leaves_figures_and_error_rates_and_reruns_nothing(tmp_path):
    from plumbing.plotting import pyplot  # here: matplotlib takes half a second to load

    runs = tmp_path / 'runs'
    first = make(runs, '-j2')
    assert first.returncode == 0, first.stderr
    for figure in ('figure-1-linear', 'figure-2-mlp', 'figure-3-dev', 'figure-4-batch'):
        assert pyplot.imread(runs / (figure + '.png')).shape[:2] == (630, 1800)
    table = (runs / 'errors.txt').read_text().split('\n')[:-1]
    names = [line.split()[0] for line in table]
    assert names == [
        'lin-error-1',
        'lin-error-2',
        'mlp-error-1',
        'mlp-error-2',
        'lin-dev-error-1',
        'lin-dev-error-2',
        'lin-dev-dev-error-1',
        'lin-dev-dev-error-2',
        'lin-b32-error-1',
        'lin-b32-error-2',
    ]
    assert all(0 < float(line.split()[1]) < 1 for line in table)
    assert '== lin: epoch 2 of 2' in first.stderr  # progress, for a person watching
    assert len((runs / 'lin-log-2').read_text().splitlines()) == 300
    assert not [f for f in os.listdir(runs) if 'partial' in f]

    dry = make(runs, '-n').stdout  # everything is up to date: nothing would run
    assert not [line for line in dry.splitlines() if '.py' in line], dry
    (runs / 'mlp-log-2').unlink()
    again = make(runs)
    assert again.returncode == 0, again.stderr
    redone = [line for line in again.stdout.splitlines() if 'train.py' in line]
    assert len(redone) == 1 and 'mlp-param-1' in redone[0] and 'mlp-param-2' in redone[0]
