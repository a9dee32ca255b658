"""The README's promises: its two commands first; its examples run as shown."""

import doctest
import os
import re
import subprocess
import sys
import sysconfig

from conftest import ROOT
from test_node_types import SHIPPED_TYPES

import formulas

with open(os.path.join(ROOT, 'README.md')) as readme:
    README = readme.read()


def test_readme_starts_with_the_two_commands():
    first_block = re.search(r'```sh\n(.*?)```', README, re.S).group(1).splitlines()
    assert README.index('```sh') < 100 and len(first_block) == 2
    assert first_block[0].split('#')[0].split() == ['make', '-j2']
    assert first_block[1].split('#')[0].split() == ['make', 'test']
    with open(os.path.join(ROOT, '.ci', 'run')) as f:
        ci = f.read()
    assert ci.splitlines()[-1] == 'make test'


def test_make_test_makes_the_venv_then_runs_pytest_with_its_python():
    # -n prints what would run; -B as on a fresh clone, where .venv does not exist yet
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHON', 'MAKEFLAGS', 'MAKELEVEL')}
    dry = subprocess.run(
        ['make', '-nB', 'test'], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert dry[0] == 'python3 -m venv .venv'
    assert '.venv/bin/python -m pip install --quiet -r requirements.txt' in dry
    assert '.venv/bin/python -m ruff check .' in dry
    assert dry[-1].endswith(' .venv/bin/python -m pytest -q -n auto')


def test_the_python_example_runs_as_shown():
    examples = [text for text in re.findall(r'```python\n(.*?)```', README, re.S) if '>>>' in text]
    assert examples and '>>> print(c.value)\n3' in examples[0]
    for text in examples:
        test = doctest.DocTestParser().get_doctest(text, {}, 'README', 'README.md', 0)
        result = doctest.DocTestRunner().run(test)
        assert result.failed == 0 and result.attempted > 5


def test_the_code_it_quotes_is_the_code_of_the_file_it_names():
    # a quote is a ```python block without >>>, after a line naming its file and lines:
    # From `lin-train.py`, lines 20-38:
    quotes = re.findall(r'From `([^`]+)`, lines (\d+)-(\d+):\n+```python\n(.*?)```', README, re.S)
    assert quotes
    for path, first, last, text in quotes:
        with open(os.path.join(ROOT, path)) as f:
            lines = f.read().splitlines(keepends=True)
        assert ''.join(lines[int(first) - 1 : int(last)]) == text, path


def test_its_table_of_node_types_gives_the_formulas_of_formulas_py():
    rows = re.findall(r'^\| `([a-z-]+)` \| `g\.\w+\(.*?\)` \| .*? \| (.*?) \|$', README, re.M)
    shown = [node_type for node_type, _ in rows]
    # every type nn.py comes with, in its order; a type a student adds needs no row
    assert len(shown) >= SHIPPED_TYPES
    assert [t for t in formulas.node_types() if t in shown] == shown
    for node_type, backward in rows[1:]:
        assert backward == ', '.join(formulas.FORMULAS[node_type][1]), node_type


def test_the_figures_it_shows_are_committed():
    for path in re.findall(r'\]\((figures/[^)]+)\)', README):
        assert os.path.exists(os.path.join(ROOT, path)), path


def test_no_placeholder_is_left_for_a_number_to_be_measured():
    # a figure written as {NAME} until measured; every figure in the README is a measured one
    assert re.findall(r'\{[A-Z][A-Z_]*\}', README) == []


def console_commands(text):
    """[[command, expected error or None]] of every ```console block of `text`, in order.

    A command goes on to the next line after a backslash; the lines after it are its output.
    An output line 'PROG: error: ...' shows a command that fails on purpose.
    """
    commands = []
    for block in re.findall(r'```console\n(.*?)```', text, re.S):
        for line in block.splitlines():
            if line.startswith('$ '):
                commands.append([line[2:], None])
            elif commands[-1][0].endswith('\\'):
                commands[-1][0] += '\n' + line
            elif re.match(r'\S+: error: ', line):
                commands[-1][1] = line
    return commands


def test_console_commands_are_read_with_continuations_and_errors():
    text = '```console\n$ a \\\n  b\nout\n$ c\nc: error: no\n```\n```sh\n$ d\n```\n'
    assert console_commands(text) == [['a \\\n  b', None], ['c', 'c: error: no']]


def test_every_console_block_runs_as_written_in_one_empty_folder(tmp_path, small_data):
    # As a reader runs them: in the project folder (the scripts beside what they write) with
    # .venv activated (python3 is the Python running the tests), on 300 training images.
    for name in os.listdir(ROOT):
        if name.endswith('.py'):
            os.symlink(os.path.join(ROOT, name), tmp_path / name)
    env = dict(
        os.environ,
        MNIST_DIR=str(small_data),
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH'],
    )
    commands = console_commands(README)
    assert len(commands) > 15 and sum(error is not None for _, error in commands) == 4
    for command, error in commands:
        code = re.sub(r'\s#.*', '', command)  # without its comments
        for name in re.findall(r'>\s*([^\s;$&]+)', code):  # the reader's results must stay
            assert name == '/dev/null' or not (tmp_path / name).exists(), (command, name)
        result = subprocess.run(
            ['bash', '-e', '-o', 'pipefail', '-c', command],
            check=False,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert 'Traceback' not in result.stderr, (command, result.stderr)
        if error:  # fails on purpose: exit status 2 and the message shown, to its sixth word
            assert result.returncode == 2, (command, result.stderr)
            assert result.stderr.startswith(' '.join(error.split()[:6])), (command, result.stderr)
        else:
            assert result.returncode == 0, (command, result.stderr)


def test_the_commands_without_make_run_as_written(tmp_path, small_data):
    # The macOS and Linux block, in a new folder beside the scripts, on 300 training images and
    # with 3 epochs for 20. Its venv gets no pip of its own and finds the packages of the venv
    # running the tests (PYTHONPATH), so that its `pip install` runs offline, in a second.
    block = re.search(r'On macOS \(in zsh, its shell\) or Linux:\n\n```sh\n(.*?)```', README, re.S)
    *commands, tests = [re.sub(r'\s+#.*', '', line) for line in block.group(1).splitlines()]
    with open(os.path.join(ROOT, 'Makefile')) as f:
        assert ' -m pytest -q -n auto\n' in f.read() and tests == 'python -m pytest -q -n auto'
    assert commands[0] == 'python3 -m venv .venv'
    commands[0] += ' --without-pip'
    for name in os.listdir(ROOT):
        if name.endswith('.py') or name == 'requirements.txt':
            os.symlink(os.path.join(ROOT, name), tmp_path / name)
    env = dict(
        os.environ,
        MNIST_DIR=str(small_data),
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH'],
        PYTHONPATH=sysconfig.get_paths()['purelib'],
    )
    result = subprocess.run(
        ['bash', '-e', '-c', '\n'.join(commands).replace('20', '3')],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert 'Requirement already satisfied: numpy' in result.stdout  # pip ran in the new venv
    assert (tmp_path / '.venv' / 'bin' / 'python').exists()
    assert len((tmp_path / 'lin-errors.txt').read_text().splitlines()) == 3
    assert len((tmp_path / 'log-3').read_text().splitlines()) == 300
    assert (tmp_path / 'figure-1.png').read_bytes().startswith(b'\x89PNG')
