"""avg_loss.py: the average loss of each training log, and one line for a log it cannot read."""

import numpy
import pytest
from conftest import assert_fails, run


def write_log(path, losses):
    path.write_text(''.join(f'{v}\n' for v in losses))
    return path


def test_average_of_one_log_is_just_the_number(tmp_path):
    log = write_log(tmp_path / 'log-1', [0.5, 1.5, 2.5, 0.25])
    assert run('avg_loss.py', log, check=0).stdout == '1.187500\n'


def test_average_of_several_logs_one_line_each(tmp_path):
    rng = numpy.random.default_rng(0)
    logs = [write_log(tmp_path / f'log-{e}', rng.uniform(0, 3, 1000)) for e in (1, 2)]
    lines = run('avg_loss.py', *logs, check=0).stdout.splitlines()
    for line, log in zip(lines, logs, strict=True):
        name, value = line.split()
        assert name == str(log)
        assert float(value) == pytest.approx(numpy.loadtxt(log).mean(), abs=1e-6)


def test_average_reads_the_training_scripts_logs(tmp_path, small_data):
    run('lin-train.py', '--init', tmp_path / 'p0', check=0)
    with open(tmp_path / 'log-1', 'w') as log:
        result = run(
            'lin-train.py',
            tmp_path / 'p0',
            tmp_path / 'p1',
            '--data',
            small_data,
            stdout=log,
            check=0,
        )
    average = float(run('avg_loss.py', tmp_path / 'log-1', check=0).stdout)
    assert f'average loss {average:.4f}' in result.stderr


@pytest.mark.parametrize(
    'content, words',
    [
        ('0.5\n1.5\nnan-ish\n', ["line 3: 'nan-ish' is not a number"]),
        ('0.5\n\n1.0\n', ["line 2: '' is not a number"]),
        ('0.5\ninf\n', ['line 2: the loss is inf']),
        ('', ['no losses in it']),
    ],
)
def test_a_bad_log_names_the_file_and_line(tmp_path, content, words):
    log = tmp_path / 'log-7'
    log.write_text(content)
    good = write_log(tmp_path / 'log-1', [1.0])
    result = run('avg_loss.py', good, log)
    assert_fails(result, log, *words)
    assert result.stdout == ''  # nothing printed when one of the logs is bad


def test_missing_or_binary_log(tmp_path):
    assert_fails(run('avg_loss.py', tmp_path / 'none'), tmp_path / 'none', 'No such file')
    (tmp_path / 'bin').write_bytes(b'\xff\xfe\x00\x81')
    assert_fails(run('avg_loss.py', tmp_path / 'bin'), 'not a text file')
