"""A web page that steps through forward and backward on the drawn graph, with its numbers:

    showgraph.html(g, 'graph.html', {w: 'w'})   # after forward and backward; open it in a browser
    showgraph.html(g)                           # in Jupyter: the page, shown in the notebook

The page is one file that needs nothing else: page.html, with page.css and page.js of this folder
inside it, and the graph and its steps as JSON (see `data`). It runs steps(g), so the numbers it
shows are those of ./showgraph.py --trace.
"""

import html as markup
import json
import math
import os
import re

from plumbing import atomic
from plumbing.errors import UserError

import numpy

from graphview.listing import SMALL
from graphview.picture import layout
from graphview.trace import Value, formula, loss_value, steps

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = 4  # significant digits of the entries of big values: the page shows 4, as the trace
EXTENSIONS = ('.html', '.htm')


def data(graph, names=None, title='A computation graph', loss=None):
    """What the page shows, as JSON-ready data: runs steps(graph) and reads only what it returns.

    {'title': str, 'loss': the loss's id, 'seed': the value backward starts from (dL/dL = 1),
     'nodes': [{'id', 'type', 'name' (or None), 'children': [ids], 'needs_grad',
                'formula': how its value follows from its children's, 'relu({0})' (None for a
                var),
                'column', 'row': its place in the picture}],
     'steps': [{'kind': 'value', 'node': id, 'value': v}
               or {'kind': 'contribution', 'parent': id, 'child': id, 'arg': the child's place,
                   'formula': 'dL/dnode2', 'delta': v, 'total': v}],
     'values': [{'shape': [...], 'data': [entries, row by row], 'norm' (of a big value)}]}

    where v is an index into 'values' (a value given twice is kept once). Entries are numbers,
    or the strings 'inf', '-inf', 'nan'; those of big values are rounded to DIGITS digits.
    """
    names = names or {}
    done = steps(graph, loss)
    values, seen = [], {}

    def index(v):  # v's place in values, added if new
        v = numpy.asarray(v)
        key = (v.shape, v.dtype.str, v.tobytes())
        if key not in seen:
            seen[key] = len(values)
            values.append(value(v))
        return seen[key]

    start = loss_value(done, loss)
    places = layout(graph)
    return {
        'title': title,
        'loss': None if start is None else start.node.id,
        'seed': None if start is None else index(numpy.ones(numpy.shape(start.value))),
        'nodes': [node(n, names, places[n]) for n in graph.nodes],
        'steps': [step(s, index) for s in done],
        'values': values,
    }


def node(n, names, place):
    """A node of the page's data (see `data`); place is its (column, row)."""
    # the formula with {0}, {1} ... for the children, which the page fills with ids or values
    letters = [f'{{{i}}}' for i, _ in enumerate(n.children)]
    return {
        'id': n.id,
        'type': n.type,
        'name': names.get(n),
        'children': [c.id for c in n.children],
        'needs_grad': n.requires_grad,
        'formula': formula(n, letters) if n.children else None,
        'column': place[0],
        'row': place[1],
    }


def step(s, index):
    """A step of the page's data (see `data`); index(array) is the array's place in 'values'."""
    if isinstance(s, Value):
        return {'kind': 'value', 'node': s.node.id, 'value': index(s.value)}
    return {
        'kind': 'contribution',
        'parent': s.parent.id,
        'child': s.child.id,
        'arg': s.arg,
        'formula': s.formula,
        'delta': index(s.delta),
        'total': index(s.total),
    }


def value(v):
    """{'shape', 'data'} of the array v, with its 'norm' if it is big (more than SMALL numbers);
    a big value's entries rounded to DIGITS significant digits, to keep the page small."""
    entries = v.astype(float).ravel().tolist()
    if v.size <= SMALL:
        return {'shape': list(v.shape), 'data': [entry(x) for x in entries]}
    rounded = [entry(float(f'{x:.{DIGITS}g}')) for x in entries]
    norm = float(numpy.linalg.norm(v.astype(float)))
    return {'shape': list(v.shape), 'data': rounded, 'norm': entry(norm)}


def entry(x):
    """A number for JSON, which has no inf and nan: those become the strings 'inf', '-inf' and
    'nan' (the page reads them back)."""
    return x if math.isfinite(x) else str(x)


def page(graph, names=None, title='A computation graph', loss=None):
    """The page's HTML: page.html with the style, the script and the data put in."""
    parts = {name: read(name) for name in ('page.html', 'page.css', 'page.js')}
    # JSON inside <script>: a '</script>' in a name would end the element, so every <, > and &
    # is written as its \\u escape, which JSON reads back as the same character
    text = json.dumps(data(graph, names, title, loss), ensure_ascii=False, separators=(',', ':'))
    for character in '<>&\u2028\u2029':
        text = text.replace(character, f'\\u{ord(character):04x}')
    fill = {
        'title': markup.escape(title),
        'style': parts['page.css'],
        'script': parts['page.js'],
        'data': text,
    }
    # one pass: what is put in is not searched for {{...}} again
    return re.sub(r'\{\{(\w+)\}\}', lambda m: fill[m.group(1)], parts['page.html'])


def read(name):
    """The text of a file of this folder."""
    with open(os.path.join(HERE, name), encoding='utf-8') as f:
        return f.read()


class Page:
    """A page, kept as its HTML text (`.text`); Jupyter shows it inline, in an iframe."""

    def __init__(self, text):
        self.text = text

    def _repr_html_(self):
        """The page in an iframe of its own, so that its style and script stay in it."""
        srcdoc = markup.escape(self.text, quote=True)
        return (
            f'<iframe srcdoc="{srcdoc}" title="the graph, step by step" '
            'style="width: 100%; height: 720px; border: 1px solid #888"></iframe>'
        )


def html(graph, out=None, names=None, title=None, loss=None):
    """The page of graph (see `data`) into the file `out` (.html), replaced whole or not at all;
    without `out`, a Page, which Jupyter shows in the notebook. Runs forward and backward(graph,
    loss): give the loss as to backward if nodes were built after it."""
    if out is not None:
        check_output(out)  # before the work
    text = page(graph, names, title or 'A computation graph', loss)
    if out is None:
        return Page(text)
    with atomic.output_file(out) as f:
        f.write(text.encode('utf-8'))
    return None


def check_output(out):
    """UserError unless `out` is named .html (or .htm) and is new or holds a page already: a file
    of another kind (a script, given by mistake) is never replaced."""
    if os.path.splitext(out)[1].lower() not in EXTENSIONS:
        raise UserError(f"{out}: a page's name ends in .html; e.g. --html graph.html")
    if os.path.isfile(out):
        try:
            with open(out, 'rb') as f:
                start = f.read(100)
        except OSError as e:
            raise UserError(f'{out}: {e.strerror}') from None
        start = start.lstrip(b'\xef\xbb\xbf \t\r\n').lower()  # after a byte-order mark, spaces
        if not start.startswith((b'<!doctype html', b'<html')):
            raise UserError(f'{out}: exists and its content is not HTML; not replacing it')
