"""plot_logs.py: loss and error per epoch into a figure for slides; mistaken arguments refused."""

import codecs
import contextlib
import importlib
import io
import os
import subprocess
import sys

from plumbing.errors import UserError

import pytest
from conftest import assert_fails, run


@pytest.fixture(scope='module')
def plot_logs():
    """plot_logs, imported when a test asks for it: it loads matplotlib, half a second, which
    every run of the suite would pay at collection, even `pytest -k one_hot`."""
    return importlib.import_module('plot_logs')


def main(plot_logs, cwd, *args):
    """./plot_logs.py args, run in this process with plot_logs.main(): its exit status and what it
    says on stderr, as the script's one-line report writes them (plumbing.errors.report), without
    the second that a new process takes to import matplotlib. The command itself, with its one
    line and exit status, is run as a process by a few tests below."""
    saved = sys.argv, os.getcwd()
    sys.argv = ['plot_logs.py', *map(str, args)]
    stderr = io.StringIO()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stderr(stderr):
            plot_logs.main()
        code = 0
    except UserError as e:
        stderr.write(f'plot_logs.py: error: {e}\n')
        code = 2
    except SystemExit as e:  # argparse's errors, already written
        code = e.code
    finally:
        sys.argv = saved[0]
        os.chdir(saved[1])
    return subprocess.CompletedProcess(args, code, '', stderr.getvalue())


def write_log(path, losses):
    path.write_text(''.join(f'{v}\n' for v in losses))
    return path


def series(epochs, value=0.1):
    """One labelled series of (epoch, value) points, as loss_points and error_points give."""
    return [('linear', [(e, value / e) for e in epochs])]


def test_epochs_come_from_the_names_in_any_order(plot_logs, tmp_path):
    paths = [write_log(tmp_path / f'log-{e}', [e, e + 2]) for e in (10, 2, 1)]
    assert plot_logs.loss_points(paths) == [(1, 2.0), (2, 3.0), (10, 11.0)]
    table = tmp_path / 'errors.txt'
    table.write_text('runs/lin-param-12 0.0790\nruns/lin-param-3 0.0850\n')
    single = tmp_path / 'lin-error-7'  # as make writes them: one bare rate, the epoch in the name
    single.write_text('0.0801\n')
    assert plot_logs.error_points([table, single]) == [(3, 0.085), (7, 0.0801), (12, 0.079)]


def test_the_epoch_is_the_number_before_an_extension(plot_logs, tmp_path):
    # in the order of the shell's log-*.txt: 1, 10, 2
    paths = [write_log(tmp_path / f'log-{e}.txt', [e]) for e in (1, 10, 2)]
    assert plot_logs.loss_points(paths) == [(1, 1.0), (2, 2.0), (10, 10.0)]
    assert plot_logs.loss_points([write_log(tmp_path / 'mlp-log-5.csv', [0.5])]) == [(5, 0.5)]
    assert plot_logs.loss_points([write_log(tmp_path / 'log7', [0.7])]) == [(7, 0.7)]
    assert plot_logs.loss_points([write_log(tmp_path / 'mlp300-log-3', [0.3])]) == [(3, 0.3)]
    table = tmp_path / 'errors.txt'
    table.write_text('runs/lin-param-7.npz 0.0700\nruns/lin-param-12.npz 0.0650\n')
    assert plot_logs.error_points([table]) == [(7, 0.07), (12, 0.065)]
    fig = plot_logs.figure([('linear', plot_logs.loss_points(paths))], [])
    assert list(fig.axes[0].get_lines()[0].get_xdata()) == [1, 2, 10]


NO_EPOCH = '; name each file for its epoch, as log-7, log-7.txt or lin-param-7.npz'


@pytest.mark.parametrize(
    'read, message',
    [
        (
            lambda plot_logs: plot_logs.loss_points(['log-1', 'a']),
            'a: no epoch number at the end of the name a' + NO_EPOCH,
        ),
        (
            lambda plot_logs: plot_logs.error_points(['table']),
            "table: line 2: '0.0790' is a rate without the parameter file whose epoch it is; in a "
            'file of several rates, give each as PARAM_FILE RATE, as lin-test.py prints them for '
            'several files',
        ),
        (
            lambda plot_logs: plot_logs.error_points(['named']),
            'named: line 1: no epoch number at the end of the name best-param' + NO_EPOCH,
        ),
        (
            lambda plot_logs: plot_logs.error_points(['rate']),
            'rate: no epoch number at the end of the name rate' + NO_EPOCH,
        ),
        (  # a log converted from UTF-16 and named for it: epoch 1, not 16
            lambda plot_logs: plot_logs.loss_points(['log-1', 'log-1-utf16']),
            'log-1-utf16: which number of the name log-1-utf16 is its epoch? the last, 16, is '
            'part of a word' + NO_EPOCH,
        ),
    ],
    ids=[
        'log',
        'bare rate among several',
        'parameter file',
        'file of one bare rate',
        'two numbers',
    ],
)
def test_a_file_whose_name_gives_no_epoch_is_refused(
    plot_logs, tmp_path, monkeypatch, read, message
):
    monkeypatch.chdir(tmp_path)
    write_log(tmp_path / 'log-1', [1.0])
    write_log(tmp_path / 'a', [2.0])
    (tmp_path / 'table').write_text('lin-param-1 0.0862\n0.0790\n')
    (tmp_path / 'named').write_text('best-param 0.0790\n')
    (tmp_path / 'rate').write_text('0.0790\n')
    write_log(tmp_path / 'log-1-utf16', [1.0])
    with pytest.raises(UserError) as refusal:
        read(plot_logs)
    assert str(refusal.value) == message


def test_a_log_shorter_than_the_others_of_its_series_is_refused(plot_logs, tmp_path):
    for name, count in (('log-1', 300), ('short-log-2', 100), ('log-3', 300)):
        write_log(tmp_path / name, [1.0] * count)
    result = run(
        'plot_logs.py', 'c.png', '--loss', 'linear', 'log-1', 'short-log-2', 'log-3', cwd=tmp_path
    )
    assert result.returncode == 2 and result.stderr == (
        'plot_logs.py: error: short-log-2: 100 losses, where log-1 of the same series has 300: '
        'an epoch cut short (interrupted, or its output closed) would be plotted as a whole one; '
        'run that epoch again\n'
    )
    assert not (tmp_path / 'c.png').exists()


def test_an_error_table_saved_by_windows_powershell_is_read(plot_logs, tmp_path):
    table = tmp_path / 'lin-errors.txt'  # PowerShell 5.1's > : UTF-16LE with its mark, CRLF
    text = 'lin-param-1 0.0862\r\nlin-param-2 0.0790\r\n'
    table.write_bytes(codecs.BOM_UTF16_LE + text.encode('utf-16-le'))
    assert plot_logs.error_points([table]) == [(1, 0.0862), (2, 0.079)]


def test_plot_draws_both_panels_into_a_png(plot_logs, tmp_path):
    lin = [write_log(tmp_path / f'lin-log-{e}', [1 / e, 2 / e]) for e in range(1, 6)]
    mlp = [write_log(tmp_path / f'mlp-log-{e}', [0.5 / e]) for e in range(1, 3)]
    table = tmp_path / 'errors.txt'
    table.write_text(''.join(f'lin-param-{e} {0.1 / e}\n' for e in range(1, 6)))
    out = tmp_path / 'fig.png'
    run(
        'plot_logs.py',
        out,
        '--loss',
        'linear',
        *lin,
        '--loss',
        'MLP',
        *mlp,
        '--error',
        'linear',
        table,
        '--title',
        'Figure',
        check=0,
    )
    import matplotlib.image

    image = matplotlib.image.imread(out)
    assert image.shape[:2] == (630, 1800)  # two panels side by side
    run('plot_logs.py', tmp_path / 'one.png', '--loss', 'linear', *lin, check=0, cwd=tmp_path)
    assert matplotlib.image.imread(tmp_path / 'one.png').shape[:2] == (630, 900)


@pytest.mark.parametrize(
    'name, start',
    [('fig.png', b'\x89PNG\r\n\x1a\n'), ('fig.pdf', b'%PDF-'), ('fig.svg', b'<?xml')],
)
def test_the_figure_has_the_format_its_name_says_and_the_same_bytes_again(
    plot_logs, tmp_path, name, start
):
    out = tmp_path / name
    plot_logs.plot(str(out), series(range(1, 6)), series(range(1, 6)), 'Figure')
    first = out.read_bytes()
    assert first.startswith(start)
    assert b'CreationDate' not in first and b'<dc:date>' not in first
    plot_logs.plot(str(out), series(range(1, 6)), series(range(1, 6)), 'Figure')  # replaced
    assert out.read_bytes() == first


def test_png_for_slides_at_150_dpi(plot_logs, tmp_path):
    import PIL.Image

    plot_logs.plot(str(tmp_path / 'fig.png'), series(range(1, 6)), [])
    with PIL.Image.open(tmp_path / 'fig.png') as image:
        assert image.size == (900, 630) and image.info['dpi'] == pytest.approx((150, 150), 0.01)


@pytest.mark.parametrize(
    'first, last, ticks',
    [
        (1, 20, [1, 5, 10, 15, 20]),
        (1, 5, [1, 2, 3, 4, 5]),
        (1, 2, [1, 2]),
        (1, 1, [1]),
        (10, 20, [10, 12, 14, 16, 18, 20]),
        (1, 21, [1, 5, 10, 15, 21]),
        (0, 100, [0, 20, 40, 60, 80, 100]),
    ],
)
def test_epoch_ticks_are_whole_and_include_the_first_and_the_last(plot_logs, first, last, ticks):
    assert plot_logs.epoch_ticks(first, last) == ticks


def test_both_panels_share_their_epoch_axis(plot_logs):
    # the error table has epoch 0 (the untrained parameters) and 5 epochs; the losses 20
    fig = plot_logs.figure(series(range(1, 21)), [('linear', [(e, 0.1) for e in range(6)])])
    fig.canvas.draw()
    for ax in fig.axes:
        assert list(ax.get_xticks()) == [0, 5, 10, 15, 20]
        assert [t.get_text() for t in ax.get_xticklabels()] == ['0', '5', '10', '15', '20']
        low, high = ax.get_xlim()
        assert low < 0 and high > 20
    assert fig.axes[0].get_xlim() == fig.axes[1].get_xlim()
    assert fig.axes[1].get_lines()[0].get_ydata()[0] == pytest.approx(10)  # 0.1 as 10 %


def test_a_label_that_starts_with_an_underscore_is_in_the_legend(plot_logs):
    # matplotlib leaves such labels out of a legend it makes from the lines' own labels
    fig = plot_logs.figure([*series(range(1, 3)), ('_baseline', [(1, 2.0), (2, 1.0)])], [])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ['linear', '_baseline']


@pytest.mark.parametrize(
    'args, words',
    [
        ([], ['nothing to plot']),
        (['--loss', 'linear'], ['--loss linear: give a label and at least one file']),
        (['--error', 'x', 'EMPTY'], ['EMPTY', 'no error rates in it']),
        (['--error', 'x', 'BAD'], ['BAD', "line 2: 'lin-param-2 zero' is not an error rate"]),
        (['--error', 'x', 'BIG'], ['BIG', 'line 1', 'RATE from 0 to 1']),
        (['--loss', 'x', 'MISSING'], ['MISSING', 'No such file']),
    ],
)
def test_bad_plot_input(plot_logs, tmp_path, args, words):
    (tmp_path / 'EMPTY').write_text('')
    (tmp_path / 'BAD').write_text('lin-param-1 0.1\nlin-param-2 zero\n')
    (tmp_path / 'BIG').write_text('7.5\n')
    args = [str(tmp_path / a) if a in ('EMPTY', 'BAD', 'BIG', 'MISSING') else a for a in args]
    words = [str(tmp_path / w) if w in ('EMPTY', 'BAD', 'BIG', 'MISSING') else w for w in words]
    # in a folder of its own: a file named like a label (x) in the project's would change it
    assert_fails(main(plot_logs, tmp_path, tmp_path / 'fig.png', *args), *words)
    assert not (tmp_path / 'fig.png').exists()


@pytest.mark.parametrize(
    'out, args, words',
    [
        (
            'fig.png',
            ['--loss', 'log-1', 'log-2'],
            [
                '--loss log-1: the label is the name of a file; give a label first, '
                'e.g. --loss linear log-1 ...'
            ],
        ),
        ('fig.png', ['--error', 'errors.txt', 'errors.txt'], ['--error errors.txt: the label is']),
        (
            'log-2',
            ['--loss', 'linear', 'log-1'],
            ["log-2: a figure's name ends in .png, .pdf or .svg; give it first"],
        ),
        ('fig.jpg', ['--loss', 'linear', 'log-1'], ["fig.jpg: a figure's name ends in .png"]),
        (
            'log-2.png',
            ['--loss', 'linear', 'log-1'],
            ['log-2.png: exists and its content is not PNG; not replacing it'],
        ),
        ('fig.png', ['--loss', 'linear', 'log-1'], ['fig.png: exists and its content is not PNG']),
        ('fig.svg', ['--loss', 'linear', 'log-1'], ['fig.svg: exists and its content is not SVG']),
    ],
)
def test_a_forgotten_label_or_figure_name_is_refused_and_nothing_written(
    plot_logs, tmp_path, out, args, words
):
    for name in ('log-1', 'log-2', 'log-2.png'):
        write_log(tmp_path / name, [1.0, 2.0])
    (tmp_path / 'errors.txt').write_text('0.1\n')
    (tmp_path / 'fig.png').write_bytes(b'%PDF-1.4 a PDF, not a PNG')
    (tmp_path / 'fig.svg').write_bytes(b'\x89PNG\r\n\x1a\n a PNG, not an SVG')
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert_fails(main(plot_logs, tmp_path, out, *args), *words)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_plot_into_a_missing_folder(plot_logs, tmp_path):
    log = write_log(tmp_path / 'log-1', [1.0])
    assert_fails(
        run('plot_logs.py', tmp_path / 'no' / 'fig.png', '--loss', 'a', log, cwd=tmp_path),
        'does not exist',
    )


def test_two_files_of_one_epoch_in_a_series_are_refused(plot_logs, tmp_path):
    one = write_log(tmp_path / 'log-1', [1.0])
    (tmp_path / 'b32').mkdir()
    other = write_log(tmp_path / 'b32' / 'lin-b32-log-1', [2.0])
    result = run('plot_logs.py', tmp_path / 'f.png', '--loss', 'linear', one, other, cwd=tmp_path)
    assert_fails(result, f'{one} and {other}: both are of epoch 1; give one file per epoch')
    assert not (tmp_path / 'f.png').exists()


def test_one_log_given_twice_in_a_series_is_refused(plot_logs, tmp_path):
    log = write_log(tmp_path / 'log-1', [1.0])
    with pytest.raises(UserError, match='both are of epoch 1; give one file per epoch'):
        plot_logs.loss_points([log, log])


def test_one_label_given_twice_is_refused(plot_logs, tmp_path):
    paths = [write_log(tmp_path / f'log-{e}', [1.0]) for e in (1, 2)]
    result = run(
        'plot_logs.py',
        tmp_path / 'f.png',
        '--loss',
        'linear',
        paths[0],
        '--loss',
        'linear',
        paths[1],
    )
    assert_fails(result, '--loss linear: the label is given twice')
    assert not (tmp_path / 'f.png').exists()


@pytest.mark.parametrize(
    'option, text, what',
    [
        ('--loss', r'$\foo$', r'(Unknown symbol: \foo)'),
        ('--title', '$x_$', '(incomplete)'),
        ('--error-axis', 'rate $^$', '(incomplete)'),
    ],
)
def test_a_label_or_title_that_is_not_math_text_is_refused_in_one_line(
    plot_logs, tmp_path, option, text, what
):
    log = write_log(tmp_path / 'log-1', [1.0])
    args = ['--loss', text, log] if option == '--loss' else ['--loss', 'a', log, option, text]
    result = main(plot_logs, tmp_path, tmp_path / 'f.png', *args)
    assert_fails(result, f"{option} '{text}': between $ signs is math", what, r'write \$ for')
    assert not (tmp_path / 'f.png').exists()


def test_a_dollar_sign_alone_or_escaped_and_math_that_can_be_drawn_are_taken(plot_logs, tmp_path):
    log = write_log(tmp_path / 'log-1', [1.0])
    for text in ('cost $5', r'\$5 and \$6', '$x^2$'):
        plot_logs.check_text('--loss', text)  # what main() checks before it reads anything
    label = r'cost \$5, $\eta = 0.01$'
    result = run('plot_logs.py', tmp_path / 'f.png', '--loss', label, log, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / 'f.png').read_bytes().startswith(b'\x89PNG')
