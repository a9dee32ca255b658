"""showgraph.py: a graph as a listing and as Graphviz DOT, and its command line."""

import numpy
from conftest import run

import nn
import showgraph


def small_graph():
    g = nn.Graph()
    w = g.var(numpy.zeros((4, 3)))
    x = g.var(numpy.ones(4), requires_grad=False)
    loss = g.cross_entropy(g.mul(x, w), g.var(nn.one_hot(1, 3), requires_grad=False))
    nn.forward(g)
    return g, {w: 'w', x: 'x', loss: 'loss'}


def test_listing_shows_id_type_children_and_shape():
    g, names = small_graph()
    lines = showgraph.listing(g, names).splitlines()
    assert lines[0].split() == ['id', 'type', 'children', 'value', 'gradient']
    assert lines[1].split() == ['0', 'var', 'w', '-', '4x3', 'yes']
    assert lines[2].split() == ['1', 'var', 'x', '-', '4', 'not', 'needed']
    assert lines[3].split() == ['2', 'mul', '1', '0', '3', 'yes']
    assert lines[6].split() == ['5', 'cross-entropy', 'loss', '4', '3', 'scalar', 'yes']


def test_dot_has_a_node_per_node_and_an_edge_per_child():
    g, names = small_graph()
    dot = showgraph.to_dot(g, names)
    assert dot.startswith('digraph {') and dot.rstrip().endswith('}')
    assert dot.count('[label=') == len(g.nodes)
    assert dot.count('->') == sum(len(n.children) for n in g.nodes)
    assert 'n1 -> n2;' in dot and 'n0 -> n2;' in dot and '"2: mul\\nvalue [0, 0, 0]"' in dot
    assert 'n3 [label="3: var\\nvalue [0, 1, 0]", style=dashed];' in dot  # needs no gradient
    assert 'n0 [label="0: var w (4x3)\\nvalue norm 0"];' in dot  # too big to show in full


def test_showgraph_command(tmp_path):
    out = run('showgraph.py', 'linear', check=0).stdout
    assert [line.split()[1] for line in out.splitlines()[1:]] == [
        'var',
        'var',
        'var',
        'var',
        'mul',
        'add',
        'logsoftmax',
        'cross-entropy',
    ]
    assert '784x10' in out
    dot = run('showgraph.py', 'mlp', '--dot', check=0).stdout
    assert dot.count('[label=') == 13
    run('showgraph.py', 'mlp', '--png', tmp_path / 'mlp.png', check=0)
    assert (tmp_path / 'mlp.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
