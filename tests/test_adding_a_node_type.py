"""The README's recipe for a new node type, followed to the letter in a copy of the project: with
`square` added as it says, the library's tests, the course kit's that list the node types, and
gradcheck.py pass; without a piece, they fail.
"""

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

import formulas

# The tests of nn.py and of what reads its node types: the rest run the scripts on MNIST, which
# a new node type does not change.
LIBRARY_TESTS = [
    'tests/test_node_types.py',
    'tests/test_tutorial_snippets.py',
    'tests/test_gradients.py',
    'tests/test_accepted_values.py',
    'tests/test_extreme_values.py',
    'tests/test_generated_graphs.py',
    'tests/test_gradcheck.py',
    'tests/test_trace.py',
    # and what a student who followed the recipe runs too: the README's table, this very file
    'tests/test_readme.py::test_its_table_of_node_types_gives_the_formulas_of_formulas_py',
    'tests/test_adding_a_node_type.py',
]
# The course kit's tests that count or list the node types' parts: the new type's two parts are
# in the catalogue, a handout of every part has their stubs, and the checker passes them on the
# project's code
COURSE_TESTS = [
    f'tests/test_course_{name}'
    for name in (
        'transform.py::test_every_part_is_found_once_in_each_of_its_files_and_its_stub_parses',
        'transform.py::test_every_part_of_the_catalogue_is_described_for_the_list',
        'handout.py::test_every_part_unwritten_scores_0_each_stopped_by_its_own_stub',
        'handout.py::test_the_complete_project_checked_as_a_submission_scores_full_marks',
        'handout.py::test_the_handout_holds_no_answer_no_cache_no_history_and_no_tests',
        'handout.py::test_the_list_names_every_part_and_the_default_ones',
    )
]


# The tests that draw many generated cases for each type run for the new type only: the others'
# are the suite's own, unchanged by the recipe; so are the pictures and the command line of
# test_trace.py, which no node type changes.
GENERATED = ('central_differences', 'every_real_dtype', 'refuses_shapes', 'no_two_gradients')
UNCHANGED = ('picture', 'png_is_drawn', 'bad_command_lines', 'trace_alone', 'big_graph')
NEW_OR_ANY = 'square or not (' + ' or '.join(GENERATED + UNCHANGED) + ')'


def recipe():
    """The ```python blocks of the README's section 'Adding a node type', in order, without the
    indentation of the list item they stand in (the fence's)."""
    with open(os.path.join(ROOT, 'README.md')) as f:
        readme = f.read()
    section = readme.split('## Adding a node type', 1)[1].split('\n## ', 1)[0]
    blocks = re.findall(r'^( *)```python\n(.*?)\n *```', section, re.S | re.M)
    return ['\n'.join(line[len(fence) :] for line in b.split('\n')) for fence, b in blocks]


def after(lines, pattern, start=0):
    """The index just past the piece of `relu` that starts at the first line matching `pattern`
    from `start`: past the lines indented deeper than it, or ending its parenthesis."""
    first = next(i for i in range(start, len(lines)) if re.search(pattern, lines[i]))
    depth = len(lines[first]) - len(lines[first].lstrip())
    end = first + 1
    while (
        end < len(lines)
        and lines[end].strip()
        and (len(lines[end]) - len(lines[end].lstrip()) > depth)
    ):
        end += 1
    return end


def insert(path, pattern, block, nth=1, indent=''):
    """Put `block` (indented by `indent`) into the file at `path`, after the nth piece that starts
    with a line matching `pattern`."""
    with open(path) as f:
        lines = f.read().split('\n')
    at = 0
    for _ in range(nth):
        at = after(lines, pattern, at)
    text = textwrap.indent(block, indent).split('\n')
    lines[at:at] = ([''] if pattern.startswith('def ') else []) + text
    with open(path, 'w') as f:
        f.write('\n'.join(lines))


@pytest.fixture
def copy(tmp_path):
    """The project's files in a folder of their own, the data set linked, not copied; skipped in
    a project that has the recipe's type already (a student who followed it)."""
    if 'square' in formulas.FORMULAS:
        pytest.skip('square is in this project already: the recipe was followed here')
    target = tmp_path / 'project'
    skip = shutil.ignore_patterns('.git', '.venv', 'runs', 'quick', '__pycache__', 'data', '*.pyc')
    shutil.copytree(ROOT, target, ignore=skip)
    os.symlink(os.path.join(ROOT, 'data'), target / 'data')
    return target


def follow(copy, blocks, leave_out=None):
    """Apply the recipe's blocks to the copy, as the README says, but the piece `leave_out`."""
    builder, forward, backward, formula, extreme, exact = blocks
    pieces = [
        ('builder', 'nn.py', r'    def relu\(', builder, 1),
        ('forward', 'nn.py', r"elif n\.type == 'relu':", forward, 1),
        ('backward', 'nn.py', r"elif n\.type == 'relu':", backward, 2),
        ('formulas', 'formulas.py', r"^    'relu': ", formula, 1),
        ('extremes', 'tests/extremes.py', r"^    'relu': ", extreme, 1),
        ('exact', 'tests/extremes.py', r'^def tanh_exact\(', exact, 1),
    ]
    for name, path, pattern, block, nth in pieces:
        if name != leave_out:
            insert(copy / path, pattern, block, nth)


def run(copy, *command):
    return subprocess.run(
        [sys.executable, *command],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE='1'),
        timeout=600,
    )


def test_the_recipe_has_its_five_pieces_and_the_helper_of_the_fifth():
    blocks = recipe()
    assert len(blocks) == 6
    assert blocks[0].startswith('    def square(self, a):')
    assert "n.type == 'square'" in blocks[1] and "n.type == 'square'" in blocks[2]
    assert blocks[3].startswith("    'square': (") and blocks[4].startswith("    'square': (")


def test_a_type_added_as_the_readme_says_passes_the_library_and_course_tests_and_gradcheck(copy):
    follow(copy, recipe())
    checked = run(copy, 'gradcheck.py')
    assert checked.returncode == 0, checked.stdout + checked.stderr
    squares = [line for line in checked.stdout.splitlines() if line.startswith('square ')]
    assert len(squares) == 2 and all(line.endswith(' ok') for line in squares), squares
    assert checked.stdout.splitlines()[-1].startswith('32 checks, ')
    tests = run(copy, '-m', 'pytest', '-v', '-p', 'no:cacheprovider', '-k', NEW_OR_ANY,
                *LIBRARY_TESTS, *COURSE_TESTS)  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-3000:]
    ran = [line for line in tests.stdout.splitlines() if ' PASSED' in line]
    assert len([line for line in ran if 'square' in line]) >= 4  # its own generated cases ran
    listed = run(copy, 'course/handout.py', '--list').stdout
    assert '  forward:square ' in listed and '  backward:square ' in listed


def test_a_type_whose_formulas_are_left_out_fails_the_tests(copy):
    follow(copy, recipe(), leave_out='formulas')
    tests = run(copy, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_node_types.py')
    assert tests.returncode == 1
    assert 'test_forward_backward_and_formulas_know_the_same_types_in_one_order' in tests.stdout
