"""./showgraph.py mygraph.py: the graph that a student's own file builds, from any folder."""

import textwrap

from plumbing.errors import UserError

import pytest
from conftest import assert_fails, run

import showgraph
from graphview import ownfile

MINE = """\
import nn

other = nn.Graph()  # not the one: the graph is g
g = nn.Graph()
a = g.var(2.0)
b = g.var(3.0)
product = g.emul(a, b)
print('built')  # goes to stderr: stdout is showgraph's
"""


def write(folder, text, name='mygraph.py'):
    (folder / name).write_text(textwrap.dedent(text))
    return name


def test_the_listing_of_a_file_outside_the_project_with_its_names(tmp_path):
    result = run('showgraph.py', write(tmp_path, MINE), cwd=tmp_path, check=0)
    assert [line.split()[:3] for line in result.stdout.splitlines()[1:]] == [
        ['0', 'var', 'a'],
        ['1', 'var', 'b'],
        ['2', 'emul', 'product'],
    ]
    assert result.stderr == 'built\n'


def test_trace_dot_draw_and_html_work_on_it_too(tmp_path):
    name = write(tmp_path, MINE)
    trace = run('showgraph.py', name, '--trace', cwd=tmp_path, check=0).stdout
    assert trace.splitlines()[0] == '# mygraph.py'
    assert '  node 2 emul(0, 1) product = 2 * 3 = 6' in trace
    assert '  node 0 var a: grad = 3' in trace
    dot = run('showgraph.py', name, '--dot', cwd=tmp_path, check=0).stdout
    assert dot.startswith('digraph {') and 'var product' not in dot and 'emul product' in dot
    run('showgraph.py', name, '--draw', 'g.png', cwd=tmp_path, check=0)
    run('showgraph.py', name, '--html', 'g.html', cwd=tmp_path, check=0)
    assert (tmp_path / 'g.png').exists() and (tmp_path / 'g.html').exists()


# The README: if you build something after the loss (a prediction, say), name the loss
AFTER = """\
from nn import *
import numpy as np
g = Graph()
p = g.var(np.array([1.0, 2.0]))
loss = g.sum(g.emul(p, p))
pred = g.tanh(p)  # built after the loss
forward(g)
backward(g, loss)
"""


def test_the_loss_the_file_gave_backward_is_the_one_shown(tmp_path):
    name = write(tmp_path, AFTER)
    trace = run('showgraph.py', name, '--trace', cwd=tmp_path, check=0).stdout
    assert 'backward, in reverse order, from the loss L = node 2:' in trace
    assert trace.endswith('  node 0 var p: grad = [2, 4]\n')  # d/dp sum(p * p) = 2p
    graph, _, loss = ownfile.load(str(tmp_path / name))
    assert loss is graph.nodes[2]
    page = showgraph.page.data(graph, loss=loss)
    assert page['loss'] == 2 and page['values'][page['seed']]['shape'] == []


def test_without_g_the_last_graph_and_the_first_name_of_each_node(tmp_path):
    name = write(
        tmp_path,
        """\
        from nn import Graph
        first = Graph()
        second = Graph()
        x = second.var(1.0)
        y = z = second.logistic(x)
        _hidden = x
        """,
    )
    graph, names, _ = ownfile.load(str(tmp_path / name))
    assert list(names.values()) == ['x', 'y'] and graph.nodes[1].type == 'logistic'


def test_it_can_import_its_own_modules(tmp_path):
    parts = 'import nn\n\ndef build():\n    g = nn.Graph()\n    return g, g.var(1.0)\n'
    write(tmp_path, parts, 'parts.py')
    name = write(tmp_path, 'from parts import build\n\ng, one = build()\n')
    assert run('showgraph.py', name, '--trace', cwd=tmp_path, check=0).stdout.endswith(
        'node 0 var one: grad = 1\n'
    )


ERRORS = [
    (
        'import nn\ng = nn.Graph()\na = g.var(1.0)\ng.mul(a, a)\nnn.forward(g)\n',
        ['mygraph.py, line 5: ValueError: node 1 (mul): cannot take shapes () and ()'],
    ),
    ('x = 1\nif x\n    pass\n', ['mygraph.py, line 2: SyntaxError: ']),
    ('import nn\nx = nn.Graph(\n', ['mygraph.py, line 2: SyntaxError: ']),
    ('raise KeyError("w")\n', ["mygraph.py, line 1: KeyError: 'w'"]),
    ('import nn\nx = 1\n', ['mygraph.py: builds no graph: no global variable holds']),
    ('import sys\n\nsys.exit(0)\n', ['mygraph.py, line 3: exited (sys.exit(0)) before']),
    (
        'import nn\ng = nn.Graph()\ng.mul(g.var(1.0), g.var(2.0))\n',  # built, never run
        ['mygraph.py: forward and backward on its graph: node 2 (mul): cannot take shapes'],
    ),
    ('import nn\ng = nn.Graph()\n', ['mygraph.py: forward and backward on its graph: ']),
]


@pytest.mark.parametrize('text, words', ERRORS)
def test_an_error_in_the_file_is_one_line_with_its_place(tmp_path, monkeypatch, text, words):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, text)
    with pytest.raises(UserError) as caught:
        showgraph.load('mygraph.py')
    message = str(caught.value)
    assert '\n' not in message and 'showgraph' not in message  # nothing of showgraph's own
    for w in words:
        assert w in message


@pytest.mark.parametrize('text, words', ERRORS[:2])
def test_the_command_says_it_in_one_line_with_no_traceback(tmp_path, text, words):
    assert_fails(run('showgraph.py', write(tmp_path, text), cwd=tmp_path), *words)


def test_a_file_that_is_not_there(tmp_path):
    assert_fails(run('showgraph.py', 'nothere.py', cwd=tmp_path), 'nothere.py: no such file')
    with pytest.raises(UserError):
        ownfile.load(str(tmp_path / 'nothere.py'))
