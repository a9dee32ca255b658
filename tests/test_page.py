"""The web page of showgraph.py (--html, showgraph.html), as a file: what it holds and where it
may be written. tests/test_browser.py opens it in a browser."""

import html.parser
import json
import re

from plumbing.errors import UserError

import numpy
import pytest
from conftest import assert_fails, random_graph, run

import nn
import showgraph
from graphview import examples, page


def read_data(text):
    """The JSON that a page holds, read strictly: a NaN or Infinity, which JSON lacks, fails."""
    found = re.findall(r'<script type="application/json" id="data">(.*?)</script>', text, re.S)
    assert len(found) == 1
    return json.loads(found[0], parse_constant=lambda name: pytest.fail(f'{name} in the JSON'))


def number(x):
    """An entry of the page's JSON as a float ('inf', '-inf' and 'nan' are strings there)."""
    return float(x)


def assert_rounded(entries, true, digits):
    """entries are true's, to `digits` significant digits (exactly, for digits=None)."""
    true = numpy.asarray(true, float).ravel()
    got = numpy.array([number(x) for x in entries])
    assert got.shape == true.shape
    if digits is None:
        numpy.testing.assert_array_equal(got, true)
    else:
        expected = [float(f'{x:.{digits}g}') for x in true]
        numpy.testing.assert_array_equal(got, expected)


def assert_value(record, true):
    """A value of the page's JSON is the array `true`: its shape, and its entries in full if it
    is small; else rounded, with its norm."""
    true = numpy.asarray(true)
    assert record['shape'] == list(true.shape)
    if true.size <= 6:
        assert_rounded(record['data'], true, None)
        assert 'norm' not in record
    else:
        assert_rounded(record['data'], true, page.DIGITS)
        assert number(record['norm']) == numpy.linalg.norm(true.astype(float))


def assert_page_holds_the_steps(data, g):
    """Each step of the page's JSON is one of steps(g), in order, with the same numbers."""
    done = showgraph.steps(g)
    assert len(data['steps']) == len(done)
    for step, s in zip(data['steps'], done, strict=True):
        if isinstance(s, showgraph.Value):
            assert step == {'kind': 'value', 'node': s.node.id, 'value': step['value']}
            assert_value(data['values'][step['value']], s.value)
        else:
            assert (step['kind'], step['parent'], step['child'], step['arg'], step['formula']) == (
                'contribution',
                s.parent.id,
                s.child.id,
                s.arg,
                s.formula,
            )
            assert_value(data['values'][step['delta']], s.delta)
            assert_value(data['values'][step['total']], s.total)
    assert data['loss'] == g.nodes[-1].id
    assert_value(data['values'][data['seed']], numpy.ones(numpy.shape(g.nodes[-1].value)))
    assert [n['id'] for n in data['nodes']] == [n.id for n in g.nodes]
    assert [n['children'] for n in data['nodes']] == [[c.id for c in n.children] for n in g.nodes]


@pytest.mark.parametrize('name', ['first', 'twice', 'small-linear', 'small-mlp', 'linear'])
def test_the_page_holds_the_numbers_of_the_steps(tmp_path, name):
    g, names = examples.EXAMPLES[name]()
    showgraph.html(g, str(tmp_path / 'g.html'), names, name)
    data = read_data((tmp_path / 'g.html').read_text())
    assert_page_holds_the_steps(data, g)
    assert [n['name'] for n in data['nodes']] == [names.get(n) for n in g.nodes]
    assert data['title'] == name


@pytest.mark.parametrize('seed', range(3))
def test_the_page_of_a_random_graph_holds_the_numbers_of_its_steps(seed):
    g = random_graph(numpy.random.default_rng(seed))
    data = read_data(showgraph.html(g).text)
    assert_page_holds_the_steps(data, g)
    places = [(n['column'], n['row']) for n in data['nodes']]
    assert len(set(places)) == len(places)  # no two boxes in one place


def test_a_value_given_twice_is_kept_once_and_big_ones_are_rounded():
    g, names = examples.linear()
    data = read_data(page.page(g, names))
    first = [s for s in data['steps'] if s['kind'] == 'contribution'][-1]  # to w, 784x10
    assert first['child'] == 0 and first['delta'] == first['total']  # its first contribution
    w = data['values'][first['delta']]
    assert w['shape'] == [784, 10]
    assert all(float(f'{x:.{page.DIGITS}g}') == x for x in w['data'])  # rounded already
    assert len(data['values']) < 2 * len(data['steps'])  # one value for the delta and total


def test_numbers_that_json_lacks_are_written_as_strings():
    g = nn.Graph()
    a = g.var(numpy.array([numpy.inf, -numpy.inf, 1.0]))
    g.sum(g.emul(a, g.var(numpy.array([0.0, 1.0, 2.0]))))
    with numpy.errstate(invalid='ignore'):  # inf * 0
        data = read_data(page.page(g, {a: 'a'}))
    assert data['values'][data['steps'][0]['value']]['data'] == ['inf', '-inf', 1.0]
    assert 'nan' in data['values'][data['steps'][2]['value']]['data']  # inf * 0


class Elements(html.parser.HTMLParser):
    """The start tags of a page, and the texts in each kind of element, as a browser reads them
    (escapes such as &amp; undone)."""

    def __init__(self):
        super().__init__()
        self.tags, self.texts = [], {}
        self.open = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.open = tag

    def handle_endtag(self, tag):
        self.open = None

    def handle_data(self, data):
        self.texts.setdefault(self.open, []).append(data)


NASTY = '</script><script>alert(1)</script> <!-- "quoted" & \\ \u2028 &amp;'


def test_names_and_titles_cannot_break_out_of_the_page():
    g = nn.Graph()
    a = g.var(1.0)
    g.add(a, a)
    text = page.page(g, {a: NASTY}, NASTY)
    elements = Elements()
    elements.feed(text)
    assert elements.tags.count('script') == 2  # the data and the program: nothing else
    assert 'alert' not in ''.join(elements.texts['script'][1])
    assert elements.texts['title'] == [NASTY]
    data = read_data(text)
    assert data['title'] == NASTY and data['nodes'][0]['name'] == NASTY
    json_text = re.search(r'id="data">(.*?)</script>', text, re.S).group(1)
    assert not set('<>&\u2028') & set(json_text)


def test_the_page_needs_nothing_else():
    text = page.page(*examples.twice())
    # no address to fetch anything from: the one address is the name of SVG's namespace
    assert re.findall(r'\w+://[^\s\'"]*', text) == ['http://www.w3.org/2000/svg']
    assert "default-src 'none'" in text  # and the browser is told to fetch nothing
    assert '{{' not in text  # every part put in


def test_without_a_file_name_html_is_a_page_that_jupyter_shows_inline():
    g, names = examples.twice()
    shown = showgraph.html(g, names=names)
    frame = shown._repr_html_()
    srcdoc = re.fullmatch(r'<iframe srcdoc="([^"]*)" [^>]*></iframe>', frame).group(1)
    assert html.unescape(srcdoc) == shown.text == page.page(g, names)


def test_the_command_writes_a_page(tmp_path):
    run('showgraph.py', 'twice', '--html', tmp_path / 'twice.html', check=0)
    assert read_data((tmp_path / 'twice.html').read_text())['title'].startswith('twice: ')
    run('showgraph.py', '--html', tmp_path / 'first.html', check=0)  # the first example
    assert read_data((tmp_path / 'first.html').read_text())['title'].startswith('first: ')
    run('showgraph.py', 'twice', '--html', tmp_path / 'first.html', check=0)  # a page: replaced
    assert read_data((tmp_path / 'first.html').read_text())['title'].startswith('twice: ')


@pytest.mark.parametrize(
    'name, content, words',
    [
        ('notes.html', b'my notes', ['notes.html: exists and its content is not HTML']),
        ('graph.py', None, ["graph.py: a page's name ends in .html"]),
        ('graph', None, ["graph: a page's name ends in .html"]),
    ],
)
def test_a_file_that_is_not_a_page_is_never_replaced(tmp_path, name, content, words):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    assert_fails(run('showgraph.py', 'twice', '--html', name, cwd=tmp_path), *words)
    assert [p.name for p in tmp_path.iterdir()] == ([name] if content is not None else [])
    if content is not None:
        assert (tmp_path / name).read_bytes() == content
    with pytest.raises(UserError):
        showgraph.html(examples.twice()[0], str(tmp_path / name))


def test_a_page_with_a_byte_order_mark_is_a_page(tmp_path):
    (tmp_path / 'g.html').write_bytes(b'\xef\xbb\xbf\n<!doctype html><p>old')
    showgraph.html(examples.twice()[0], str(tmp_path / 'g.html'))
    assert read_data((tmp_path / 'g.html').read_text())['steps']


def test_the_mlp_page_stays_small():
    # 784x300 and 300x10 weights, their gradients: 4 digits an entry and each array once
    g, names = examples.mlp()
    size = len(page.page(g, names).encode())
    assert size < 5_000_000, size
