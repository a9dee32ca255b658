"""avg_loss.py: the average loss of each training log, and one line for a log it cannot read."""

import codecs
import subprocess

from plumbing import logs
from plumbing.errors import UserError

import numpy
import pytest
from conftest import assert_fails, run

import avg_loss

TEXT = '0.5\n1.5\n2.5\n0.25\n'  # its average: 1.1875


def write_log(path, losses):
    path.write_text(''.join(f'{v}\n' for v in losses))
    return path


def test_average_of_one_log_is_just_the_number(tmp_path):
    log = write_log(tmp_path / 'log-1', [0.5, 1.5, 2.5, 0.25])
    assert run('avg_loss.py', log, check=0).stdout == '1.187500\n'


def test_blank_lines_at_the_end_of_a_log_are_not_losses(tmp_path):
    log = tmp_path / 'log-1'
    log.write_text('0.5\n1.5\n\n  \n')  # as an editor may save it
    assert run('avg_loss.py', log, check=0).stdout == '1.000000\n'
    log.write_text('0.5\n\n1.5\n')  # a blank line among the losses is still refused
    assert run('avg_loss.py', log).returncode == 2


def test_average_of_several_logs_one_line_each(tmp_path):
    rng = numpy.random.default_rng(0)
    paths = [write_log(tmp_path / f'log-{e}', rng.uniform(0, 3, 1000)) for e in (1, 2)]
    lines = run('avg_loss.py', *paths, check=0).stdout.splitlines()
    for line, log in zip(lines, paths, strict=True):
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
    (tmp_path / 'bin').write_bytes(numpy.random.default_rng(0).bytes(3000))
    assert_fails(
        run('avg_loss.py', 'bin', cwd=tmp_path), 'avg_loss.py: error: bin: not a text file'
    )


def test_a_log_cut_within_a_line_is_refused(tmp_path):
    (tmp_path / 'log-2').write_text('2.30259\n2.1')
    result = run('avg_loss.py', 'log-2', cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == (
        'avg_loss.py: error: log-2: line 2 has no line end: the log was cut off (an epoch '
        'interrupted, or a full disk?); run that epoch again\n'
    )


def test_a_log_with_fewer_losses_than_another_is_said_on_stderr(tmp_path):
    write_log(tmp_path / 'log-1', [1.0] * 300)
    write_log(tmp_path / 'short-log-2', [3.0] * 100)
    result = run('avg_loss.py', 'log-1', 'short-log-2', cwd=tmp_path, check=0)
    assert result.stdout == 'log-1 1.000000\nshort-log-2 3.000000\n'
    assert result.stderr == (
        'avg_loss.py: warning: short-log-2: 100 losses, where log-1 has 300; if its epoch was '
        "cut short, this is not the epoch's average\n"
    )


@pytest.mark.parametrize(
    'data',
    [
        codecs.BOM_UTF8 + TEXT.encode(),  # Notepad; PowerShell's -Encoding utf8
        codecs.BOM_UTF16_LE + TEXT.replace('\n', '\r\n').encode('utf-16-le'),  # PowerShell 5.1 >
        codecs.BOM_UTF16_BE + TEXT.encode('utf-16-be'),
        TEXT.replace('\n', '\r\n').encode(),  # Windows line ends
    ],
    ids=['utf-8 with BOM', 'utf-16le with BOM, CRLF', 'utf-16be with BOM', 'CRLF'],
)
def test_logs_saved_by_windows_tools_are_read(tmp_path, data):
    (tmp_path / 'log-1').write_bytes(data)
    assert avg_loss.average(logs.read_losses(tmp_path / 'log-1')) == 1.1875


CONVERT = (
    '; convert it to UTF-8 (iconv -f {0} -t UTF-8 log-1 > log-1.txt) or save it as UTF-8 in an '
    'editor'
)


@pytest.mark.parametrize(
    'data, seems',
    [
        (
            TEXT.encode('utf-16-le'),
            'UTF-16LE text without a byte-order mark' + CONVERT.format('UTF-16LE'),
        ),
        (
            TEXT.encode('utf-16-be'),
            'UTF-16BE text without a byte-order mark' + CONVERT.format('UTF-16BE'),
        ),
        # a no-break space, as a Windows editor may write it
        (
            TEXT.replace('1.5', '1.5\xa0').encode('cp1252'),
            'not UTF-8 text (Windows-1252 or Latin-1?)' + CONVERT.format('WINDOWS-1252'),
        ),
    ],
    ids=['utf-16le', 'utf-16be', 'windows-1252'],
)
def test_a_log_in_another_encoding_is_named_with_how_to_convert_it(
    tmp_path, monkeypatch, data, seems
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'log-1').write_bytes(data)
    with pytest.raises(UserError) as refusal:
        logs.read_losses('log-1')
    assert str(refusal.value) == f'log-1: {seems}'
    convert = seems.split('(')[-1].split(')')[0]  # the command the message gives
    subprocess.run(['bash', '-c', convert], check=True)
    assert avg_loss.average(logs.read_losses('log-1.txt')) == 1.1875
