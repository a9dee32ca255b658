"""nn.py as the lesson promises it: under 150 lines of code, and each node type everywhere it must
be, in one order: a builder, a forward case, a backward case whose formulas are formulas.py's,
a case in gradcheck and one in tests/extremes.py.

These tests read nn.py's source: they check what the tools may not depend on.
"""

import ast
import inspect
import io
import os
import re
import tokenize

import extremes
import numpy
from conftest import ROOT

import formulas
import gradcheck
import nn

TYPES = formulas.node_types()


def lines_of_code(path):
    """The lines of a Python file that hold a token which is not a comment or in a docstring."""
    with open(path) as f:
        source = f.read()
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, 'body', None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and body:
            first = body[0]
            constant = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            if constant and isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    code = set()
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (*skip, tokenize.ENDMARKER):
            code.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docstrings)
    return len(code)


# The tutorial promises the library in under 150 lines; nn.py keeps that promise with the node
# types it comes with. A type that a student adds, as the README shows, brings its own few lines.
SHIPPED_TYPES = 12
LINES_PER_ADDED_TYPE = 10


def test_nn_py_holds_at_most_150_lines_of_code():
    added = len(TYPES) - SHIPPED_TYPES
    assert lines_of_code(os.path.join(ROOT, 'nn.py')) <= 150 + LINES_PER_ADDED_TYPE * added


def test_lines_of_code_count_neither_comments_nor_docstrings(tmp_path):
    path = tmp_path / 'm.py'
    path.write_text('"""Doc\n\nstring."""\n\n# a comment\nx = 1  # code\n\n\ndef f():\n'
                    '    """Doc."""\n    return (1,\n            2)\n')  # fmt: skip
    assert lines_of_code(path) == 4  # x = 1, def f, and the two lines of the return


def cases(function):
    """[(type, [its lines])] of the `n.type == '...'` cases of nn.forward or nn.backward."""
    lines = inspect.getsource(function).splitlines()
    found = []
    for line in lines:
        case = re.match(r"\s+(?:el)?if n\.type == '([^']+)':", line)
        if case:
            found.append((case.group(1), []))
        elif found and not line.strip().startswith('else:'):
            found[-1][1].append(line)
    return found


def written_formulas(case_lines):
    """{child index: formula} of a backward case: the comment on each add_grad(n, i, ...) call's
    line, or on the comment line just above it."""
    found, above = {}, None
    for line in case_lines:
        comment = re.search(r'#\s*(dL/d\S+ = .*?)\s*$', line)
        call = re.search(r'add_grad\(n, (\d+),', line)
        if call:
            found[int(call.group(1))] = comment.group(1) if comment else above
        above = comment.group(1) if comment and line.strip().startswith('#') else None
    return found


def test_forward_backward_and_formulas_know_the_same_types_in_one_order():
    assert [t for t, _ in cases(nn.forward)] == TYPES
    assert [t for t, _ in cases(nn.backward)] == TYPES


def test_each_backward_formula_is_the_comment_on_its_line():
    for node_type, lines in cases(nn.backward):
        gradients = formulas.FORMULAS[node_type][1]
        assert written_formulas(lines) == dict(enumerate(gradients)), node_type


def test_each_type_but_var_has_its_builder_and_its_value_formula():
    for node_type in TYPES[1:]:
        builder = getattr(nn.Graph, node_type.replace('-', '_'))
        assert builder.__doc__, node_type
        value, gradients = formulas.FORMULAS[node_type]
        assert value.count('{') == len(gradients), node_type  # one {k} per child


def test_gradcheck_and_extremes_cover_the_same_types_in_one_order():
    names = gradcheck.cases(None, numpy.random.default_rng(0))
    assert [name for name in names if ',' not in name] == TYPES
    assert list(extremes.CASES) == TYPES


def test_the_check_of_comments_sees_a_formula_that_differs():
    lines = [
        "            add_grad(n, 0, n.grad)  # dL/da = dL/dn",
        '            # dL/db = -dL/dn',
        '            add_grad(n, 1, -n.grad)',
    ]  # fmt: skip
    assert written_formulas(lines) == {0: 'dL/da = dL/dn', 1: 'dL/db = -dL/dn'}
    assert written_formulas(lines[:1] + lines[2:]) == {0: 'dL/da = dL/dn', 1: None}
