"""The README's promises: its two commands first, its Python example runs as shown."""
import doctest
import os
import re

from conftest import ROOT

README = open(os.path.join(ROOT, 'README.md')).read()


def test_readme_starts_with_the_two_commands():
    first_block = re.search(r'```sh\n(.*?)```', README, re.S).group(1).splitlines()
    assert README.index('```sh') < 100 and len(first_block) == 2
    assert first_block[0].startswith('python3 -m pip install -r requirements.txt && make -j2')
    assert first_block[1].startswith('python3 -m pip install -r requirements.txt && python3 -m pytest -q')
    ci = open(os.path.join(ROOT, '.ci', 'run')).read()
    assert 'pip install' in ci and '-r requirements.txt' in ci and 'python3 -m pytest -q' in ci


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
