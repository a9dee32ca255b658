"""The train and test scripts, run as a user runs them: the tutorial's commands, bad input,
interrupted runs and reproducibility."""
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import numpy
import pytest

import mnist
import nn
from plumbing import errors, logs, paramfile
from conftest import ROOT, assert_fails, run


def sha(path):
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()


@pytest.fixture(scope='module')
def trained(tmp_path_factory, small_data):
    """lin-param-0..2 and mlp-param-0..1 with their logs, trained on the small data folder."""
    d = tmp_path_factory.mktemp('trained')
    data = ['--data', small_data]
    run('lin-train.py', '--init', d / 'lin-param-0', check=0)
    for e in (1, 2):
        with open(d / 'log-{}'.format(e), 'w') as log:
            run('lin-train.py', d / 'lin-param-{}'.format(e - 1), d / 'lin-param-{}'.format(e),
                *data, stdout=log, check=0)
    run('mlp-train.py', '--init', d / 'mlp-param-0', '--hidden', 16, check=0)
    with open(d / 'mlp-log-1', 'w') as log:
        run('mlp-train.py', d / 'mlp-param-0', d / 'mlp-param-1', *data, stdout=log, check=0)
    return d


# --- The tutorial's commands -------------------------------------------------------------------

@pytest.mark.parametrize('script, usage', [
    ('lin-train.py', 'lin-train.py [options] PARAM_IN PARAM_OUT > LOG'),
    ('mlp-train.py', 'mlp-train.py [options] PARAM_IN PARAM_OUT > LOG'),
    ('lin-test.py', 'lin-test.py [options] PARAM [PARAM ...]'),
    ('mlp-test.py', 'mlp-test.py [options] PARAM [PARAM ...]'),
])
def test_help_shows_the_tutorials_usage(script, usage):
    result = run(script, '--help', check=0)
    assert usage in result.stdout


def test_scripts_are_executable_with_a_shebang():
    for script in ('lin-train.py', 'lin-test.py', 'mlp-train.py', 'mlp-test.py',
                   'avg_loss.py', 'plot_logs.py', 'param-info.py', 'gradcheck.py'):
        path = os.path.join(ROOT, script)
        assert os.access(path, os.X_OK), script
        assert open(path).readline() == '#!/usr/bin/env python3\n', script


def test_init_writes_exactly_the_path_given(trained):
    params, record = paramfile.load(trained / 'lin-param-0', 'linear')
    assert not os.path.exists(str(trained / 'lin-param-0') + '.npz')
    assert record['epoch'] == 0 and not params['w'].any()
    params, record = paramfile.load(trained / 'mlp-param-0', 'mlp')
    assert params['w1'].shape == (784, 16) and record['hidden'] == 16


def test_an_epoch_logs_one_loss_per_sample_and_chains(trained):
    logs = [(trained / 'log-{}'.format(e)).read_text().splitlines() for e in (1, 2)]
    assert [len(log) for log in logs] == [300, 300]
    losses = [[float(line) for line in log] for log in logs]
    assert losses[0][0] == pytest.approx(numpy.log(10), rel=1e-5)  # zero weights: uniform
    assert numpy.mean(losses[1]) < numpy.mean(losses[0])
    records = [paramfile.load(trained / 'lin-param-{}'.format(e), 'linear')[1]
               for e in (1, 2)]
    assert [r['epoch'] for r in records] == [1, 2]
    assert records[1]['input']['sha256'] == sha(trained / 'lin-param-1')


def test_the_order_depends_on_seed_and_epoch(trained, small_data, tmp_path):
    params, record = paramfile.load(trained / 'lin-param-1', 'linear')
    logs = {}
    for epoch, seed in ((1, 0), (4, 0), (1, 7)):  # the input's epoch: the run's is one more
        paramfile.write(tmp_path / 'p', params, dict(record, epoch=epoch))
        out = run('lin-train.py', tmp_path / 'p', tmp_path / 'q{}-{}'.format(epoch, seed),
                  '--data', small_data,
                  '--limit', 50, '--seed', seed, check=0).stdout
        logs[epoch, seed] = out.splitlines()
    assert logs[1, 0] == (trained / 'log-2').read_text().splitlines()[:50]  # --limit: a prefix
    assert logs[4, 0] != logs[1, 0] and logs[1, 7] != logs[1, 0]


def test_test_script_prints_the_error_rate_of_one_file(trained, small_data):
    out = run('lin-test.py', trained / 'lin-param-2', '--data', small_data, check=0).stdout
    rate = float(out)
    params, _ = paramfile.load(trained / 'lin-param-2', 'linear')
    images, labels = mnist.load('test', str(small_data))
    scores = images[numpy.arange(200)] @ params['w'] + params['b']
    by_hand = numpy.mean(scores.argmax(1) != labels)
    assert out == '{:.4f}\n'.format(by_hand) and 0 < rate < 0.5


def test_test_script_prints_one_line_per_file(trained, small_data):
    files = [trained / 'lin-param-{}'.format(e) for e in (0, 1, 2)]
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
    result = run('lin-train.py', tmp_path / 'p0', tmp_path / 'p1', '--data', small_data,
                 '--limit', 70, '--batch-size', 32, check=0)
    losses = [float(v) for v in result.stdout.split()]
    assert len(losses) == 70  # batches of 32, 32 and 6, one loss per sample
    record = paramfile.load(tmp_path / 'p1', 'linear')[1]
    assert record['options']['batch_size'] == 32 and record['samples'] == 70


def test_batch_steps_follow_the_mean_gradient(tmp_path, small_data):
    run('mlp-train.py', '--init', tmp_path / 'p0', '--hidden', 5, check=0)
    run('mlp-train.py', tmp_path / 'p0', tmp_path / 'p1', '--data', small_data, '--limit', 8,
        '--batch-size', 8, '--lr', 0.5, check=0)
    start, _ = paramfile.load(tmp_path / 'p0', 'mlp')
    after, _ = paramfile.load(tmp_path / 'p1', 'mlp')
    images, labels = mnist.load('train', str(small_data))
    order = numpy.random.default_rng([0, 1]).permutation(300)[:8]  # seed 0, epoch 1
    # by hand: the mean of the eight per-sample gradients at the start
    grads = {k: 0 for k in start}
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


# --- Bad input: one line on stderr naming the file and the problem, exit status 2 ----------------

@pytest.fixture
def lin0(tmp_path):
    run('lin-train.py', '--init', tmp_path / 'lin-param-0', check=0)
    return tmp_path / 'lin-param-0'


def random_bytes(path):
    path.write_bytes(numpy.random.default_rng(0).bytes(3000))


def truncated(path, source):
    path.write_bytes(source.read_bytes()[:1000])


@pytest.mark.parametrize('make, words', [
    (None, ['no such file']),
    (lambda p, src: p.write_bytes(b''), ['not a parameter file (empty)']),
    (truncated, ['not a parameter file (File is not a zip file)']),
    (lambda p, src: random_bytes(p), ['not a parameter file (not an .npz archive)']),
    (lambda p, src: p.write_bytes(src.read_bytes()[:-30]), ['not a parameter file']),
    (lambda p, src: numpy.savez(open(p, 'wb'), w=numpy.zeros(3)), ['no record']),
    (lambda p, src: numpy.savez(open(p, 'wb'), w=numpy.zeros(3), record='{"model": "linear"}'),
     ['no record']),
])
def test_a_bad_parameter_file(tmp_path, lin0, make, words):
    bad = tmp_path / 'bad-param'
    if make:
        make(bad, lin0)
    for script, args in (('lin-train.py', [bad, tmp_path / 'out']), ('lin-test.py', [bad])):
        assert_fails(run(script, *args), bad, *words)
    assert not (tmp_path / 'out').exists()


def test_parameters_of_the_other_model_are_refused(tmp_path, lin0):
    run('mlp-train.py', '--init', tmp_path / 'mlp-param-0', '--hidden', 4, check=0)
    assert_fails(run('mlp-train.py', lin0, tmp_path / 'out'), lin0, 'linear model, not of the mlp')
    assert_fails(run('mlp-test.py', lin0), 'holds parameters of the linear model')
    assert_fails(run('lin-train.py', tmp_path / 'mlp-param-0', tmp_path / 'out'), 'mlp model')
    assert_fails(run('lin-test.py', tmp_path / 'mlp-param-0'), 'mlp model, not of the linear')


def test_parameters_whose_shapes_do_not_fit(tmp_path, lin0):
    params, record = paramfile.load(lin0, 'linear')
    for name, arrays in (('wide', dict(w=numpy.zeros((784, 11)), b=numpy.zeros(10))),
                         ('missing', dict(w=numpy.zeros((784, 10)))),
                         ('nan', dict(w=numpy.full((784, 10), numpy.nan), b=numpy.zeros(10)))):
        paramfile.write(tmp_path / name, arrays, record)
        words = (['not all finite'] if name == 'nan' else
                 ['do not fit the linear model', 'b 10, w 784x10'])
        assert_fails(run('lin-test.py', tmp_path / name), tmp_path / name, *words)


@pytest.mark.parametrize('script, option, value, words', [
    ('lin-train.py', '--lr', '-1', ["'-1' must be above 0"]),
    ('lin-train.py', '--lr', '0', ["'0' must be above 0"]),
    ('lin-train.py', '--lr', 'nan', ["'nan' is not a finite number"]),
    ('lin-train.py', '--lr', 'inf', ["'inf' is not a finite number"]),
    ('lin-train.py', '--lr', 'fast', ["'fast' is not a number"]),
    ('lin-train.py', '--limit', '0', ['--limit', "'0' must be at least 1"]),
    ('lin-train.py', '--limit', '2.5', ["'2.5' is not a whole number"]),
    ('lin-train.py', '--batch-size', '0', ['--batch-size', 'at least 1']),
    ('lin-train.py', '--seed', '-3', ['--seed', 'at least 0']),
    ('mlp-train.py', '--hidden', '0', ['--hidden', "'0' must be at least 1"]),
])
def test_options_out_of_range(tmp_path, lin0, script, option, value, words):
    assert_fails(run(script, lin0, tmp_path / 'out', option, value), *words)
    assert not (tmp_path / 'out').exists()


def test_wrong_number_of_files(tmp_path, lin0):
    assert_fails(run('lin-train.py', lin0), 'give PARAM_IN and PARAM_OUT')
    assert_fails(run('lin-train.py', '--init', tmp_path / 'x', lin0), '--init takes one file')
    assert_fails(run('lin-test.py'), 'required: PARAM')
    assert_fails(run('lin-train.py', lin0, tmp_path / 'a', tmp_path / 'b'), 'unrecognized')


@pytest.mark.parametrize('out, words', [
    ('no-such-folder/lin-param-1', ['no-such-folder/lin-param-1: no-such-folder does not exist']),
    ('lin-param-0/lin-param-1', ['lin-param-0/lin-param-1: lin-param-0 is not a folder']),
    ('/proc/lin-param-1', ['/proc/lin-param-1', 'cannot write in /proc']),
    ('.', ['is a folder']),
])
def test_an_output_that_cannot_be_written(tmp_path, lin0, out, words):
    before = sha(lin0)
    result = run('lin-train.py', lin0, out, '--limit', 10, cwd=tmp_path)
    assert_fails(result, *words)
    assert result.stdout == '' and sha(lin0) == before  # refused before any training


def test_the_output_may_not_be_the_input(lin0):
    before = sha(lin0)
    assert_fails(run('lin-train.py', lin0, lin0, '--limit', 10), 'is the input file')
    assert sha(lin0) == before


def test_bad_data_folder(tmp_path, lin0, small_data):
    assert_fails(run('lin-train.py', lin0, tmp_path / 'out', '--data', tmp_path / 'none'),
                 tmp_path / 'none' / 'train-images-idx3-ubyte', 'no such file')
    (tmp_path / 'd').mkdir()
    for f in os.listdir(small_data):
        (tmp_path / 'd' / f).write_bytes((small_data / f).read_bytes()[:500])
    assert_fails(run('lin-test.py', lin0, '--data', tmp_path / 'd'), 't10k-', 'cannot be read')
    env = dict(os.environ, MNIST_DIR=str(tmp_path / 'd'))
    assert_fails(run('lin-train.py', lin0, tmp_path / 'out', env=env), 'train-', 'cannot be read')
    assert not (tmp_path / 'out').exists()


def test_a_loss_that_blows_up_stops_the_epoch_without_writing(tmp_path, lin0, small_data):
    result = run('lin-train.py', lin0, tmp_path / 'out', '--lr', '1e308', '--data', small_data)
    # the weights overflow at step 1, so at sample 2 the gold class's score is -inf against
    # +inf: the loss is +inf (it was nan while 0 * -inf of the other classes counted)
    assert_fails(result, 'the loss became inf at sample 2', 'smaller --lr', 'no parameter file')
    assert result.stdout.count('\n') == 0  # the losses of the block that blew up are not logged
    assert not (tmp_path / 'out').exists()
    assert [f for f in os.listdir(tmp_path) if f.startswith('.')] == []  # no temporary left


def test_parameters_that_overflow_after_the_last_loss_are_not_written(tmp_path, lin0):
    params, record = paramfile.load(lin0, 'linear')
    params['w'][3, 4] = numpy.inf  # the last step overflowed, after the last loss was printed
    args = options_for(tmp_path / 'out')
    log = logs.LossLog(open(os.devnull, 'w'))
    log.write(1.0)
    with pytest.raises(errors.Failure, match='parameter w overflowed; try a smaller --lr'):
        paramfile.finish(args, params, record, log)
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0']


def options_for(out):
    from plumbing import options
    return options.train('linear', 0.01, ['in', str(out)])


# --- Nothing lost ------------------------------------------------------------------------------

def test_a_full_disk_leaves_no_file_and_says_so(tmp_path, lin0, monkeypatch):
    def full(fd):
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(os, 'fsync', full)
    params, record = paramfile.load(lin0, 'linear')
    with pytest.raises(errors.Failure, match='out: cannot write: No space left on device'):
        paramfile.write(tmp_path / 'out', params, record)
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0']


def test_a_full_disk_under_the_log_says_so(tmp_path, lin0, small_data):
    with open('/dev/full', 'w') as full:
        result = run('lin-train.py', lin0, tmp_path / 'out', '--data', small_data, stdout=full)
    assert_fails(result, 'cannot write the losses to standard output: No space left on device')
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0']


def test_a_closed_stdout_is_one_line_and_no_file(tmp_path, lin0):
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'lin-train.py'), lin0,
                             tmp_path / 'out', '--limit', '5000'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read()
    assert proc.wait() == 2
    assert err.splitlines() == ['lin-train.py: error: standard output was closed']
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0']


def start_epoch(lin0, out, log):
    """A full linear epoch in the background, once it has printed some losses."""
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'lin-train.py'), lin0, out,
                             '--overwrite'],
                            stdout=open(log, 'w'), stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while os.path.getsize(log) < 10000 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None and os.path.getsize(log) >= 10000, 'the epoch did not start'
    return proc


def test_killed_with_sigkill_mid_epoch_leaves_old_output_and_input_intact(tmp_path, lin0):
    out = tmp_path / 'lin-param-1'
    out.write_bytes(b'an older lin-param-1')
    before = sha(lin0)
    proc = start_epoch(lin0, out, tmp_path / 'log')
    proc.kill()
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == b'an older lin-param-1' and sha(lin0) == before
    partial = [f for f in os.listdir(tmp_path) if f.endswith('.partial')]
    assert all(f.startswith('.lin-param-1.') for f in partial)  # only a hidden temporary


def test_ctrl_c_ends_the_run_with_one_line(tmp_path, lin0):
    proc = start_epoch(lin0, tmp_path / 'lin-param-1', tmp_path / 'log')
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert err.splitlines() == ['lin-train.py: interrupted; no output file written']
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0', 'log']


# --- Same input, same output, and where it came from --------------------------------------------

def test_two_runs_give_identical_files_and_logs(tmp_path, small_data):
    for run_dir in ('a', 'b'):
        d = tmp_path / run_dir
        d.mkdir()
        run('mlp-train.py', '--init', 'p0', '--hidden', 8, '--seed', 3, cwd=d, check=0)
        with open(d / 'log', 'w') as log:
            run('mlp-train.py', 'p0', 'p1', '--data', small_data, '--seed', 5,
                cwd=d, stdout=log, check=0)
    for name in ('p0', 'p1', 'log'):
        assert (tmp_path / 'a' / name).read_bytes() == (tmp_path / 'b' / name).read_bytes()
    run('mlp-train.py', '--init', tmp_path / 'other', '--hidden', 8, '--seed', 4, check=0)
    assert (tmp_path / 'other').read_bytes() != (tmp_path / 'a' / 'p0').read_bytes()


def test_every_file_records_how_it_was_made(trained, small_data):
    out = run('param-info.py', trained / 'lin-param-2', check=0).stdout
    record = json.loads(out)
    assert record['model'] == 'linear' and record['shapes'] == {'w': [784, 10], 'b': [10]}
    assert record['epoch'] == 2 and record['made_by'] == 'lin-train.py'
    assert record['options'] == dict(lr=0.01, seed=0, limit=None, batch_size=1, dev=False)
    parent = trained / 'lin-param-1'
    assert record['input'] == dict(file=str(parent), sha256=sha(parent))
    # each data file's SHA-256, as `sha256sum FILE` prints it
    assert record['data'] == {name: sha(small_data / name) for name in (
        'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte')}
    assert record['samples'] == 300
    log = [float(v) for v in (trained / 'log-2').read_text().split()]
    assert record['average_loss'] == pytest.approx(numpy.mean(log), rel=1e-5)
    init = json.loads(run('param-info.py', trained / 'mlp-param-0', check=0).stdout)
    assert init['epoch'] == 0 and init['options'] == {'seed': 0} and init['hidden'] == 16
    assert_fails(run('param-info.py', trained / 'nothing'), 'no such file')


# --- Progress ----------------------------------------------------------------------------------

def test_progress_shows_on_a_terminal_and_not_in_a_log(tmp_path, lin0):
    import pty
    terminal, stderr_side = pty.openpty()
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'lin-train.py'), lin0,
                             tmp_path / 'p1', '--limit', '3000'],
                            stdout=subprocess.DEVNULL, stderr=stderr_side)
    os.close(stderr_side)
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
    text = shown.decode()
    for done in ('1,000', '2,000', '3,000'):
        assert '\r{}/3,000 samples, '.format(done) in text
    assert '/s, ' in text and ' s left' in text
    quiet = run('lin-train.py', lin0, tmp_path / 'p2', '--limit', 3000, check=0)
    assert quiet.stderr.count('\n') == 1 and '\r' not in quiet.stderr  # only the summary line


# --- Slips that must not destroy a result --------------------------------------------------------

@pytest.fixture(scope='module')
def chain(tmp_path_factory, small_data):
    """lin-param-0..2 of a short chain (100 samples an epoch), for the overwrite tests."""
    d = tmp_path_factory.mktemp('chain')
    run('lin-train.py', '--init', d / 'lin-param-0', check=0)
    for e in (1, 2):
        run('lin-train.py', d / 'lin-param-{}'.format(e - 1), d / 'lin-param-{}'.format(e),
            '--data', small_data, '--limit', 100, check=0)
    return d


def refused(result, path, words):
    """The run refused to write over `path`, in one line saying what it holds, and kept it."""
    line = assert_fails(result, path, *words)
    assert 'give another name, or --overwrite' in line
    return line


def test_swapped_arguments_do_not_overwrite_an_earlier_epoch(chain, small_data):
    before = sha(chain / 'lin-param-1')
    result = run('lin-train.py', chain / 'lin-param-2', chain / 'lin-param-1', '--data',
                 small_data, '--limit', 100)
    refused(result, chain / 'lin-param-1', [
        'holds epoch 1 of the linear model, made from {}'.format(chain / 'lin-param-0'),
        'this run would write epoch 3 of the linear model over it'])
    assert result.stdout == '' and sha(chain / 'lin-param-1') == before


def test_init_does_not_overwrite_trained_parameters(chain):
    before = sha(chain / 'lin-param-2')
    refused(run('lin-train.py', '--init', chain / 'lin-param-2'), chain / 'lin-param-2',
            ['holds epoch 2 of the linear model',
             'would write initial parameters of the linear model over it'])
    assert sha(chain / 'lin-param-2') == before
    run('lin-train.py', '--init', chain / 'lin-param-0', check=0)  # the same --init again: fine


def test_hidden_goes_with_init_only(chain, tmp_path):
    run('mlp-train.py', '--init', tmp_path / 'm0', '--hidden', 4, check=0)
    assert_fails(run('mlp-train.py', tmp_path / 'm0', tmp_path / 'm1', '--hidden', 30),
                 '--hidden goes with --init: {} has its hidden units already'.format(tmp_path / 'm0'))


def test_another_model_or_chain_is_not_overwritten(chain, small_data, tmp_path):
    run('mlp-train.py', '--init', tmp_path / 'mlp-param-0', '--hidden', 4, check=0)
    refused(run('lin-train.py', '--init', tmp_path / 'mlp-param-0'), tmp_path / 'mlp-param-0',
            ['holds epoch 0 of the mlp model'])
    before = sha(chain / 'lin-param-2')
    refused(run('lin-train.py', chain / 'lin-param-1', chain / 'lin-param-2', '--data',
                small_data, '--limit', 100, '--lr', 0.5),
            chain / 'lin-param-2', ['holds epoch 2 of the linear model', 'with other options'])
    assert sha(chain / 'lin-param-2') == before


def test_a_file_that_is_not_parameters_is_not_overwritten(chain, small_data, tmp_path):
    log = tmp_path / 'log-1'
    log.write_text('2.30259\n')
    refused(run('lin-train.py', chain / 'lin-param-0', log, '--data', small_data),
            log, ['exists and is not a parameter file'])
    assert log.read_text() == '2.30259\n'


def test_rerunning_an_epoch_over_its_own_output_is_allowed(chain, small_data, tmp_path):
    again = run('lin-train.py', chain / 'lin-param-1', chain / 'lin-param-2', '--data',
                small_data, '--limit', 100, check=0)
    assert 'epoch 2: 100 samples' in again.stderr
    forced = run('lin-train.py', chain / 'lin-param-2', chain / 'lin-param-1', '--data',
                 small_data, '--limit', 100, '--overwrite', check=0)
    assert paramfile.read(chain / 'lin-param-1')[1]['epoch'] == 3 and forced.returncode == 0
    run('lin-train.py', chain / 'lin-param-0', chain / 'lin-param-1', '--data', small_data,
        '--limit', 100, '--overwrite', check=0)  # put the chain back as it was


# --- A run that diverges is not written --------------------------------------------------------

def test_a_loss_that_diverges_but_stays_finite_is_refused(tmp_path, lin0, small_data):
    result = run('lin-train.py', lin0, tmp_path / 'out', '--lr', '1e300', '--data', small_data)
    assert_fails(result, 'the loss diverged', 'on average over samples 1-300 of the epoch',
                 'try a smaller --lr', 'no parameter file written')
    assert not (tmp_path / 'out').exists()


@pytest.mark.parametrize('script', ['lin-train.py', 'mlp-train.py'])
def test_a_large_but_sound_learning_rate_still_trains(tmp_path, script):
    run(script, '--init', tmp_path / 'p0', *(['--hidden', 30] if script == 'mlp-train.py' else []),
        check=0)
    result = run(script, tmp_path / 'p0', tmp_path / 'p1', '--lr', 1, '--limit', 5000, check=0)
    losses = [float(v) for v in result.stdout.split()]
    assert len(losses) == 5000 and numpy.mean(losses) < logs.DIVERGED / 10


def test_a_terminal_without_a_log_gets_a_hint(tmp_path, lin0, small_data):
    import pty
    terminal, side = pty.openpty()
    result = subprocess.run([sys.executable, os.path.join(ROOT, 'lin-train.py'), lin0,
                             tmp_path / 'p1', '--data', small_data, '--limit', '5'],
                            stdout=side, stderr=subprocess.PIPE, text=True)
    os.close(side)
    os.close(terminal)
    assert result.returncode == 0
    hint = ('lin-train.py: printing one loss per sample to the terminal; to keep them in a log, '
            'run the command again with > log-N (N the epoch) at its end')
    lines = result.stderr.splitlines()
    assert lines[0] == hint and lines[1] == hint  # before the losses, and after: it scrolls away
    quiet = run('lin-train.py', lin0, tmp_path / 'p2', '--data', small_data, '--limit', 5)
    assert 'keep them in a log' not in quiet.stderr
