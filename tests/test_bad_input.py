"""Bad input to the train and test scripts: one line on stderr naming the file and the problem,
exit status 2, no traceback, and no file written."""

import os
import subprocess
import sys

from plumbing import errors, logs, paramfile

import numpy
import pytest
from conftest import ROOT, assert_fails, run, sha


def savez(path, **arrays):
    """An .npz at exactly `path` (numpy.savez given a name would add .npz to it)."""
    with open(path, 'wb') as f:
        numpy.savez(f, **arrays)


def random_bytes(path):
    path.write_bytes(numpy.random.default_rng(0).bytes(3000))


def truncated(path, source):
    path.write_bytes(source.read_bytes()[:1000])


def options_for(out):
    from plumbing import options

    return options.train('linear', 0.01, ['in', str(out)])


@pytest.mark.parametrize(
    'make, words',
    [
        (None, ['no such file']),
        (lambda p, src: p.write_bytes(b''), ['not a parameter file (empty)']),
        (truncated, ['not a parameter file (File is not a zip file)']),
        (lambda p, src: random_bytes(p), ['not a parameter file (not an .npz archive)']),
        (lambda p, src: p.write_bytes(src.read_bytes()[:-30]), ['not a parameter file']),
        (lambda p, src: savez(p, w=numpy.zeros(3)), ['no record']),
        (
            lambda p, src: savez(p, w=numpy.zeros(3), record='{"model": "linear"}'),
            ['no record'],
        ),
    ],
)
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
    _params, record = paramfile.load(lin0, 'linear')
    for name, arrays in (
        ('wide', {'w': numpy.zeros((784, 11)), 'b': numpy.zeros(10)}),
        ('missing', {'w': numpy.zeros((784, 10))}),
        ('nan', {'w': numpy.full((784, 10), numpy.nan), 'b': numpy.zeros(10)}),
    ):
        paramfile.write(tmp_path / name, arrays, record)
        words = (
            ['not all finite']
            if name == 'nan'
            else ['do not fit the linear model', 'b 10, w 784x10']
        )
        assert_fails(run('lin-test.py', tmp_path / name), tmp_path / name, *words)


@pytest.mark.parametrize(
    'script, option, value, words',
    [
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
    ],
)
def test_options_out_of_range(tmp_path, lin0, script, option, value, words):
    assert_fails(run(script, lin0, tmp_path / 'out', option, value), *words)
    assert not (tmp_path / 'out').exists()


def test_wrong_number_of_files(tmp_path, lin0):
    assert_fails(run('lin-train.py', lin0), 'give PARAM_IN and PARAM_OUT')
    assert_fails(run('lin-train.py', '--init', tmp_path / 'x', lin0), '--init takes one file')
    assert_fails(run('lin-test.py'), 'required: PARAM')
    assert_fails(run('lin-train.py', lin0, tmp_path / 'a', tmp_path / 'b'), 'unrecognized')


@pytest.mark.parametrize(
    'out, words',
    [
        (
            'no-such-folder/lin-param-1',
            ['no-such-folder/lin-param-1: no-such-folder does not exist'],
        ),
        ('lin-param-0/lin-param-1', ['lin-param-0/lin-param-1: lin-param-0 is not a folder']),
        pytest.param(
            '/proc/lin-param-1',
            ['/proc/lin-param-1', 'cannot write in /proc'],
            marks=pytest.mark.linux,
        ),
        ('.', ['is a folder']),
    ],
)
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
    assert_fails(
        run('lin-train.py', lin0, tmp_path / 'out', '--data', tmp_path / 'none'),
        tmp_path / 'none' / 'train-images-idx3-ubyte',
        'no such file',
    )
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
    # errstate: LossLog silences numpy's warnings for the script, not for the other tests here
    with open(os.devnull, 'w') as devnull, numpy.errstate():
        log = logs.LossLog(devnull)
        log.write(1.0)
        with pytest.raises(errors.UserError, match='parameter w overflowed; try a smaller --lr'):
            paramfile.finish(args, params, record, log)
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0']


def test_a_loss_that_diverges_but_stays_finite_is_refused(tmp_path, lin0, small_data):
    result = run('lin-train.py', lin0, tmp_path / 'out', '--lr', '1e300', '--data', small_data)
    assert_fails(
        result,
        'the loss diverged',
        'on average over samples 1-300 of the epoch',
        'try a smaller --lr',
        'no parameter file written',
    )
    assert not (tmp_path / 'out').exists()


def test_a_full_disk_leaves_no_file_and_says_so(tmp_path, lin0, monkeypatch):
    def full(fd):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(os, 'fsync', full)
    params, record = paramfile.load(lin0, 'linear')
    with pytest.raises(errors.UserError, match='out: cannot write: No space left on device'):
        paramfile.write(tmp_path / 'out', params, record)
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0']


@pytest.mark.linux  # /dev/full
def test_a_full_disk_under_the_log_says_so(tmp_path, lin0, small_data):
    with open('/dev/full', 'w') as full:
        result = run('lin-train.py', lin0, tmp_path / 'out', '--data', small_data, stdout=full)
    assert_fails(result, 'cannot write the losses to standard output: No space left on device')
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0']


def test_a_closed_stdout_says_to_send_the_log_to_a_file_and_writes_nothing(tmp_path, lin0):
    proc = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ROOT, 'lin-train.py'),
            lin0,
            tmp_path / 'out',
            '--limit',
            '5000',
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read()
    assert proc.wait() == 2
    assert err.splitlines() == [
        'lin-train.py: error: standard output was closed before the epoch ended (no parameter '
        'file written); send the losses to a file with > log-N (N the epoch) at the end of the '
        'command, and look at that file: head log-N'
    ]
    assert sorted(os.listdir(tmp_path)) == ['lin-param-0']


@pytest.mark.parametrize(
    'script, first', [('lin-train.py', 'lin-param-0'), ('mlp-train.py', 'm0')]
)
def test_the_first_epoch_in_a_new_folder_says_how_to_make_its_input(tmp_path, script, first):
    result = run(script, first, 'lin-param-1', cwd=tmp_path)
    assert result.stderr == (
        f'{script}: error: {first}: no such file; to start from the first parameters, make it '
        f'with ./{script} --init {first}\n'
    )
    assert result.returncode == 2 and os.listdir(tmp_path) == []
