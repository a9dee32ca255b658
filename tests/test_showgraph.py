"""showgraph.py: a graph as a listing and as Graphviz DOT, and its command line."""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy
import pytest
from conftest import run

import nn
import showgraph
from graphview import listing


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


# --- Names that DOT and matplotlib would read as their own syntax -------------------------------

# a quote, a backslash before a letter, at the end and before a quote, a line break, DOT's own
# punctuation and keywords, HTML, mathtext, and letters beyond ASCII
NAMES = ['w "bias"', 'C:\\new', 'end\\', '\\"', 'two\nlines', 'n0 -> n1; }', '<b>&amp;', '$x$ ü']


def graph_with_names():
    g = nn.Graph()
    nodes = [g.var(float(i)) for i in range(len(NAMES))]
    total = nodes[0]
    for n in nodes[1:]:
        total = g.add(total, n)
    nn.forward(g)
    nn.backward(g)
    return g, dict(zip(nodes, NAMES, strict=True))


STRING = r'"((?:[^"\\]|\\.)*)"'  # a DOT string: anything but a quote, or an escaped character
STATEMENTS = [
    r'digraph \{',
    r'  rankdir=BT;',
    r'  node \[shape=box, fontname="Helvetica"\];',
    rf'  n(\d+) \[label={STRING}(, style=dashed)?\];',
    r'  n(\d+) -> n(\d+);',
    r'\}',
]


def dot_labels(dot):
    """{node id: label text, as drawn} of DOT as to_dot writes it, read back statement by
    statement; AssertionError for a statement outside that grammar, and for an escape other
    than the three to_dot writes (\\\\, \\" and \\n) or an & that does not start &amp;."""
    unescape = {'\\': '\\', '"': '"', 'n': '\n'}
    labels = {}
    for line in dot.splitlines():
        m = next(filter(None, (re.fullmatch(s, line) for s in STATEMENTS)), None)
        assert m, line
        if 'label=' in line:
            text = m.group(2)
            assert not re.search('&(?!amp;)', text), text  # Graphviz reads &lt; as <
            text = re.sub(r'\\(.)', lambda e: unescape[e.group(1)], text)
            labels[int(m.group(1))] = text.replace('&amp;', '&')
    return labels


def test_dot_escapes_names_and_reads_back_as_written():
    g, names = graph_with_names()
    dot = showgraph.to_dot(g, names)
    labels = dot_labels(dot)
    assert labels == {n.id: '\n'.join(listing.box(n, names)) for n in g.nodes}
    assert labels[0].startswith('0: var w "bias"\n') and labels[1].startswith('1: var C:\\new\n')
    assert labels[4] == '4: var two\nlines\nvalue 4\ngrad 1'
    assert listing.dot_string('a"b\\c\nd&') == '"a\\"b\\\\c\\nd&amp;"'


def test_a_label_that_is_no_dot_is_refused_by_the_grammar_check():
    with pytest.raises(AssertionError):  # the inner quote ends the string
        dot_labels('digraph {\n  n0 [label="w "bias""];\n}')
    with pytest.raises(KeyError):  # \l would be a line break
        dot_labels('digraph {\n  n0 [label="C:\\\\new\\l"];\n}')
    with pytest.raises(AssertionError):  # Graphviz would draw &lt; as <
        dot_labels('digraph {\n  n0 [label="&lt;"];\n}')


@pytest.mark.skipif(
    not shutil.which('dot'), reason='Graphviz is not installed (apt-get install graphviz)'
)
def test_graphviz_draws_each_name_as_it_is():
    g, names = graph_with_names()
    dot = showgraph.to_dot(g, names)
    svg = subprocess.run(['dot', '-Tsvg'], input=dot, capture_output=True, text=True, check=True)
    drawn = {}
    for node in ET.fromstring(svg.stdout).iter('{http://www.w3.org/2000/svg}g'):
        if node.get('class') == 'node':
            title = node.find('{http://www.w3.org/2000/svg}title').text
            texts = [t.text for t in node.iter('{http://www.w3.org/2000/svg}text')]
            drawn[int(title[1:])] = texts
    assert drawn == {n.id: '\n'.join(listing.box(n, names)).split('\n') for n in g.nodes}


def test_matplotlib_draws_dollars_as_they_are(tmp_path):
    g, names = graph_with_names()
    names[g.nodes[0]] = 'cost $\\frac{1$'  # unescaped, mathtext would refuse it: no \frac{a}{b}
    showgraph.draw(g, str(tmp_path / 'g.png'), names, 'a $ title $')
    assert (tmp_path / 'g.png').read_bytes().startswith(b'\x89PNG')
