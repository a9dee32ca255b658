"""The train and test scripts run as a user runs them: the tutorial's commands, chained epochs,
batches, reproducible files and the record of how each was made."""

import ast
import json
import os
import subprocess
import sys

from plumbing import logs, paramfile

import numpy
import pytest
from conftest import ROOT, assert_fails, run, sha

import mnist
import nn


@pytest.fixture(scope='module')
def trained(tmp_path_factory, small_data):
    """lin-param-0..2 and mlp-param-0..1 with their logs, trained on the small data folder."""
    d = tmp_path_factory.mktemp('trained')
    data = ['--data', small_data]
    run('lin-train.py', '--init', d / 'lin-param-0', check=0)
    for e in (1, 2):
        with open(d / f'log-{e}', 'w') as log:
            run(
                'lin-train.py',
                d / f'lin-param-{e - 1}',
                d / f'lin-param-{e}',
                *data,
                stdout=log,
                check=0,
            )
    run('mlp-train.py', '--init', d / 'mlp-param-0', '--hidden', 16, check=0)
    with open(d / 'mlp-log-1', 'w') as log:
        run('mlp-train.py', d / 'mlp-param-0', d / 'mlp-param-1', *data, stdout=log, check=0)
    return d


@pytest.mark.parametrize(
    'script, usage',
    [
        ('lin-train.py', 'lin-train.py [options] PARAM_IN PARAM_OUT > LOG'),
        ('mlp-train.py', 'mlp-train.py [options] PARAM_IN PARAM_OUT > LOG'),
        ('lin-test.py', 'lin-test.py [options] PARAM [PARAM ...]'),
        ('mlp-test.py', 'mlp-test.py [options] PARAM [PARAM ...]'),
    ],
)
def test_help_shows_the_tutorials_usage(script, usage):
    result = run(script, '--help', check=0)
    assert usage in result.stdout


def test_scripts_are_executable_with_a_shebang():
    for script in (
        'lin-train.py',
        'lin-test.py',
        'mlp-train.py',
        'mlp-test.py',
        'avg_loss.py',
        'plot_logs.py',
        'param-info.py',
        'gradcheck.py',
    ):
        path = os.path.join(ROOT, script)
        assert os.access(path, os.X_OK), script
        with open(path) as f:
            assert f.readline() == '#!/usr/bin/env python3\n', script


def test_init_writes_exactly_the_path_given(trained):
    params, record = paramfile.load(trained / 'lin-param-0', 'linear')
    assert not os.path.exists(str(trained / 'lin-param-0') + '.npz')
    assert record['epoch'] == 0 and not params['w'].any()
    params, record = paramfile.load(trained / 'mlp-param-0', 'mlp')
    assert params['w1'].shape == (784, 16) and record['hidden'] == 16


@pytest.mark.parametrize('script', ['lin-train.py', 'mlp-train.py'])
def test_the_training_script_shows_where_init_stops(script):
    # the script's own text says that --init ends it; the modules it calls do not end it
    with open(os.path.join(ROOT, script)) as f:
        tree = ast.parse(f.read())
    stops = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and 'exit' in ast.unparse(n)]
    init = [n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == 'args.init']
    assert [ast.unparse(s) for s in stops] == ['sys.exit()'] and init[0].body[-1].value in stops
    for module in ('paramfile', 'dataset', 'logs', 'atomic', 'progress'):
        with open(os.path.join(ROOT, 'plumbing', module + '.py')) as f:
            assert 'exit(' not in f.read(), module


def test_an_epoch_logs_one_loss_per_sample_and_chains(trained):
    log_lines = [(trained / f'log-{e}').read_text().splitlines() for e in (1, 2)]
    assert [len(lines) for lines in log_lines] == [300, 300]
    losses = [[float(line) for line in lines] for lines in log_lines]
    assert losses[0][0] == pytest.approx(numpy.log(10), rel=1e-5)  # zero weights: uniform
    assert numpy.mean(losses[1]) < numpy.mean(losses[0])
    records = [paramfile.load(trained / f'lin-param-{e}', 'linear')[1] for e in (1, 2)]
    assert [r['epoch'] for r in records] == [1, 2]
    assert records[1]['input']['sha256'] == sha(trained / 'lin-param-1')


def test_the_order_depends_on_seed_and_epoch(trained, small_data, tmp_path):
    params, record = paramfile.load(trained / 'lin-param-1', 'linear')
    outputs = {}
    for epoch, seed in ((1, 0), (4, 0), (1, 7)):  # the input's epoch: the run's is one more
        paramfile.write(tmp_path / 'p', params, dict(record, epoch=epoch))
        out = run(
            'lin-train.py',
            tmp_path / 'p',
            tmp_path / f'q{epoch}-{seed}',
            '--data',
            small_data,
            '--limit',
            50,
            '--seed',
            seed,
            check=0,
        ).stdout
        outputs[epoch, seed] = out.splitlines()
    assert outputs[1, 0] == (trained / 'log-2').read_text().splitlines()[:50]  # --limit: a prefix
    assert outputs[4, 0] != outputs[1, 0] and outputs[1, 7] != outputs[1, 0]


def test_test_script_prints_the_error_rate_of_one_file(trained, small_data):
    out = run('lin-test.py', trained / 'lin-param-2', '--data', small_data, check=0).stdout
    rate = float(out)
    params, _ = paramfile.load(trained / 'lin-param-2', 'linear')
    images, labels = mnist.load('test', str(small_data))
    scores = images[numpy.arange(200)] @ params['w'] + params['b']
    by_hand = numpy.mean(scores.argmax(1) != labels)
    assert out == f'{by_hand:.4f}\n' and 0 < rate < 0.5


def test_test_script_prints_one_line_per_file(trained, small_data):
    files = [trained / f'lin-param-{e}' for e in (0, 1, 2)]
    lines = run('lin-test.py', *files, '--data', small_data, check=0).stdout.splitlines()
    assert [line.split()[0] for line in lines] == [str(f) for f in files]
    assert float(lines[0].split()[1]) > float(lines[2].split()[1])


def test_mlp_scripts_read_the_architecture_from_the_file(trained, small_data):
    assert len((trained / 'mlp-log-1').read_text().splitlines()) == 300
    rate = float(run('mlp-test.py', trained / 'mlp-param-1', '--data', small_data, check=0).stdout)
    assert 0 <= rate < 0.9
    params, record = paramfile.load(trained / 'mlp-param-1', 'mlp')
    assert params['w1'].shape == (784, 16) and record['epoch'] == 1


def test_a_full_linear_epoch_on_the_real_data(tmp_path):
    run('lin-train.py', '--init', tmp_path / 'p0', check=0)
    with open(tmp_path / 'log', 'w') as log:
        result = run('lin-train.py', tmp_path / 'p0', tmp_path / 'p1', stdout=log, check=0)
    assert len((tmp_path / 'log').read_text().splitlines()) == 60000
    assert 'epoch 1: 60,000 samples' in result.stderr
    rate = float(run('lin-test.py', tmp_path / 'p1', check=0).stdout)
    assert rate < 0.10  # 8.6% after one epoch at the default rate


def test_limit_and_batch_size(tmp_path, small_data):
    run('lin-train.py', '--init', tmp_path / 'p0', check=0)
    result = run(
        'lin-train.py',
        tmp_path / 'p0',
        tmp_path / 'p1',
        '--data',
        small_data,
        '--limit',
        70,
        '--batch-size',
        32,
        check=0,
    )
    losses = [float(v) for v in result.stdout.split()]
    assert len(losses) == 70  # batches of 32, 32 and 6, one loss per sample
    record = paramfile.load(tmp_path / 'p1', 'linear')[1]
    assert record['options']['batch_size'] == 32 and record['samples'] == 70


def test_batch_steps_follow_the_mean_gradient(tmp_path, small_data):
    run('mlp-train.py', '--init', tmp_path / 'p0', '--hidden', 5, check=0)
    run(
        'mlp-train.py',
        tmp_path / 'p0',
        tmp_path / 'p1',
        '--data',
        small_data,
        '--limit',
        8,
        '--batch-size',
        8,
        '--lr',
        0.5,
        check=0,
    )
    start, _ = paramfile.load(tmp_path / 'p0', 'mlp')
    after, _ = paramfile.load(tmp_path / 'p1', 'mlp')
    images, labels = mnist.load('train', str(small_data))
    order = numpy.random.default_rng([0, 1]).permutation(300)[:8]  # seed 0, epoch 1
    # by hand: the mean of the eight per-sample gradients at the start
    grads = dict.fromkeys(start, 0)
    for i in order:
        g = nn.Graph()
        p = {k: g.var(v.copy()) for k, v in start.items()}
        hidden = g.logistic(g.add(g.mul(g.var(images[i]), p['w1']), p['b1']))
        g.cross_entropy(g.add(g.mul(hidden, p['w2']), p['b2']), g.var(nn.one_hot(labels[i], 10)))
        nn.forward(g)
        nn.backward(g)
        for k in grads:
            grads[k] = grads[k] + p[k].grad / 8
    for k in start:
        numpy.testing.assert_allclose(after[k], start[k] - 0.5 * grads[k], atol=1e-12)


def test_two_runs_give_identical_files_and_logs(tmp_path, small_data):
    for run_dir in ('a', 'b'):
        d = tmp_path / run_dir
        d.mkdir()
        run('mlp-train.py', '--init', 'p0', '--hidden', 8, '--seed', 3, cwd=d, check=0)
        with open(d / 'log', 'w') as log:
            run(
                'mlp-train.py',
                'p0',
                'p1',
                '--data',
                small_data,
                '--seed',
                5,
                cwd=d,
                stdout=log,
                check=0,
            )
    for name in ('p0', 'p1', 'log'):
        assert (tmp_path / 'a' / name).read_bytes() == (tmp_path / 'b' / name).read_bytes()
    run('mlp-train.py', '--init', tmp_path / 'other', '--hidden', 8, '--seed', 4, check=0)
    assert (tmp_path / 'other').read_bytes() != (tmp_path / 'a' / 'p0').read_bytes()


def test_every_file_records_how_it_was_made(trained, small_data):
    out = run('param-info.py', trained / 'lin-param-2', check=0).stdout
    record = json.loads(out)
    assert record['model'] == 'linear' and record['shapes'] == {'w': [784, 10], 'b': [10]}
    assert record['epoch'] == 2 and record['made_by'] == 'lin-train.py'
    assert record['options'] == {
        'lr': 0.01,
        'seed': 0,
        'limit': None,
        'batch_size': 1,
        'dev': False,
    }
    parent = trained / 'lin-param-1'
    assert record['input'] == {'file': str(parent), 'sha256': sha(parent)}
    # each data file's SHA-256, as `sha256sum FILE` prints it
    assert record['data'] == {
        name: sha(small_data / name)
        for name in ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte')
    }
    assert record['samples'] == 300
    log = [float(v) for v in (trained / 'log-2').read_text().split()]
    assert record['average_loss'] == pytest.approx(numpy.mean(log), rel=1e-5)
    init = json.loads(run('param-info.py', trained / 'mlp-param-0', check=0).stdout)
    assert init['epoch'] == 0 and init['options'] == {'seed': 0} and init['hidden'] == 16
    assert_fails(run('param-info.py', trained / 'nothing'), 'no such file')


def on_a_terminal(*args, losses_too=False):
    """What ./lin-train.py args shows on a pseudo-terminal as its stderr (and its stdout too, with
    losses_too); the script must succeed."""
    import pty

    terminal, side = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, 'lin-train.py'), *map(str, args)],
        stdout=side if losses_too else subprocess.DEVNULL,
        stderr=side,
    )
    os.close(side)
    shown = b''
    while True:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the terminal closes when the script ends
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait() == 0
    return shown


@pytest.mark.linux  # a pseudo-terminal
def test_progress_shows_on_a_terminal_and_not_in_a_log(tmp_path, lin0):
    text = on_a_terminal(lin0, tmp_path / 'p1', '--limit', 3000).decode()
    for done in ('1,000', '2,000', '3,000'):
        assert f'\r{done}/3,000 samples, ' in text
    assert '/s, ' in text and ' s left' in text
    quiet = run('lin-train.py', lin0, tmp_path / 'p2', '--limit', 3000, check=0)
    assert quiet.stderr.count('\n') == 1 and '\r' not in quiet.stderr  # only the summary line
    # the losses on the terminal too: the progress line would run into them, so it is not shown
    shown = on_a_terminal(lin0, tmp_path / 'p3', '--limit', 30, losses_too=True)
    assert b'/30 samples, ' not in shown and b'2.30259' in shown  # the losses, no progress


@pytest.mark.parametrize('script', ['lin-train.py', 'mlp-train.py'])
def test_a_large_but_sound_learning_rate_still_trains(tmp_path, script):
    run(
        script,
        '--init',
        tmp_path / 'p0',
        *(['--hidden', 30] if script == 'mlp-train.py' else []),
        check=0,
    )
    result = run(script, tmp_path / 'p0', tmp_path / 'p1', '--lr', 1, '--limit', 5000, check=0)
    losses = [float(v) for v in result.stdout.split()]
    assert len(losses) == 5000 and numpy.mean(losses) < logs.DIVERGED / 10


@pytest.mark.linux  # a pseudo-terminal
def test_a_terminal_without_a_log_gets_a_hint(tmp_path, lin0, small_data):
    import pty

    terminal, side = pty.openpty()
    result = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, 'lin-train.py'),
            lin0,
            tmp_path / 'p1',
            '--data',
            small_data,
            '--limit',
            '5',
        ],
        stdout=side,
        stderr=subprocess.PIPE,
        check=False,
        text=True,
    )
    os.close(side)
    os.close(terminal)
    assert result.returncode == 0
    hint = (
        'lin-train.py: printing one loss per sample to the terminal; to keep them in a log, '
        'run the command again with > log-N (N the epoch) at its end'
    )
    lines = result.stderr.splitlines()
    assert lines[0] == hint and lines[1] == hint  # before the losses, and after: it scrolls away
    quiet = run('lin-train.py', lin0, tmp_path / 'p2', '--data', small_data, '--limit', 5)
    assert 'keep them in a log' not in quiet.stderr
