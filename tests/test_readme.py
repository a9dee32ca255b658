"""The README's promises: its two commands first, its Python example runs as shown."""
import doctest
import os
import re
import subprocess

from conftest import ROOT

README = open(os.path.join(ROOT, 'README.md')).read()


def test_readme_starts_with_the_two_commands():
    first_block = re.search(r'```sh\n(.*?)```', README, re.S).group(1).splitlines()
    assert README.index('```sh') < 100 and len(first_block) == 2
    assert first_block[0].split('#')[0].split() == ['make', '-j2']
    assert first_block[1].split('#')[0].split() == ['make', 'test']
    ci = open(os.path.join(ROOT, '.ci', 'run')).read()
    assert ci.splitlines()[-1] == 'make test'


def test_make_test_makes_the_venv_then_runs_pytest_with_its_python():
    # -n prints what would run; -B as on a fresh clone, where .venv does not exist yet
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHON', 'MAKEFLAGS', 'MAKELEVEL')}
    dry = subprocess.run(['make', '-nB', 'test'], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert dry[0] == 'python3 -m venv .venv'
    assert '.venv/bin/python -m pip install --quiet -r requirements.txt' in dry
    assert dry[-1].endswith(' .venv/bin/python -m pytest -q')


def test_the_python_example_runs_as_shown():
    examples = re.findall(r'```python\n(.*?)```', README, re.S)
    assert examples and '>>> print(c.value)\n3' in examples[0]
    for text in examples:
        test = doctest.DocTestParser().get_doctest(text, {}, 'README', 'README.md', 0)
        result = doctest.DocTestRunner().run(test)
        assert result.failed == 0 and result.attempted > 5


def test_the_figures_it_shows_are_committed():
    for path in re.findall(r'\]\((figures/[^)]+)\)', README):
        assert os.path.exists(os.path.join(ROOT, path)), path
