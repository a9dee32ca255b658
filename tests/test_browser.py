"""The page of showgraph.py in a real browser: Debian's chromium, driven by playwright.

Every example, random graphs and a graph of a student's own file: each step's numbers on the
page are checked against the steps' own, Back against Next, the slider and the keys too, with no
JavaScript error. Skipped, saying why, where playwright or chromium is missing: `make .venv`
installs playwright, `apt-get install chromium` (as root) the browser; .ci/run does both.

    PYTHONPATH=. python3 tests/test_browser.py   # figures/page-twice.png, the README's picture
"""

import io
import math
import os
import re
import shutil

import numpy
import pytest
from conftest import ROOT, random_graph, run

import nn
import showgraph
from graphview import examples, ownfile
from graphview.trace import node as node_text
from showgraph import Value


def playwright():
    """playwright's sync_playwright, or None: imported only when a browser is wanted (it takes a
    sixth of a second, which any run of the suite would otherwise pay at collection)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # the tests say so, and skip
        return None
    return sync_playwright


# A browser for tests: no sandbox (chromium needs that as root), no GPU, nothing fetched or synced
# in the background
FLAGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
]


def chromium():
    """The path of a chromium to drive, or None."""
    return shutil.which('chromium') or shutil.which('chromium-browser')


@pytest.fixture(scope='session')
def browser():
    """One headless chromium for the session (playwright gives it a fresh profile)."""
    sync_playwright = playwright()
    if sync_playwright is None:
        pytest.skip('playwright is not installed: make .venv (or pip install -r requirements.txt)')
    if chromium() is None:
        pytest.skip('no chromium found: apt-get install chromium (as root), then make test')
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium(), args=FLAGS)
        yield launched
        launched.close()


class Tab:
    """A page of the browser that keeps what went wrong in it: JavaScript errors, errors on the
    console, and every address it asked for."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={'width': 1280, 'height': 800})
        self.problems, self.requests = [], []
        self.page.on('pageerror', lambda error: self.problems.append(str(error)))
        self.page.on('console', lambda m: m.type == 'error' and self.problems.append(m.text))
        self.page.on('request', lambda request: self.requests.append(request.url))

    def open(self, path):
        """Open the file `path`, as a student does."""
        self.url = 'file://' + str(path)
        self.page.goto(self.url)
        return self.page


@pytest.fixture
def tab(browser):
    """A new tab; at the end, no error in it, and nothing fetched but the page."""
    opened = Tab(browser)
    yield opened
    opened.page.close()
    assert opened.problems == []
    assert set(opened.requests) <= {getattr(opened, 'url', None)}


# What the page shows at its position: its words, each number in the panel (with the role it
# has: value, arg, grad, delta, total), each box's lines and classes, the marked arrows.
SNAPSHOT = """() => {
  const text = (id) => document.getElementById(id).textContent;
  return {
    position: text('position'),
    slider: Number(document.getElementById('slider').value),
    panel: ['where', 'what', 'numbers', 'total'].map(text),
    shows: [...document.querySelectorAll('#panel [data-shows]')]
      .map((e) => [e.dataset.shows, e.textContent]),
    boxes: [...document.querySelectorAll('#graph .box')].map((g) => [
      Number(g.dataset.node), g.getAttribute('class'),
      [...g.querySelectorAll('tspan')].map((t) => t.textContent)]),
    arrows: [...document.querySelectorAll('#graph .edge')].filter((e) => e.classList.length > 1)
      .map((e) => [Number(e.dataset.parent), Number(e.dataset.arg), e.getAttribute('class')]),
  };
}"""

# The snapshot now, then after each of `times` clicks on the button `id`: in one call to the
# page, a hundred times faster than a call a click (real clicks and keys: test_slider_keys...)
CLICKS = (
    """([id, times]) => {
  const snapshot = """
    + SNAPSHOT
    + """;
  const shots = [snapshot()];
  for (let i = 0; i < times; i++) {
    document.getElementById(id).click();
    shots.push(snapshot());
  }
  return shots;
}"""
)

NUMBER = r'-?(?:inf|nan|\d+(?:\.\d*)?(?:e[+-]\d+)?)'


def rounds_to(shown, true, largest=0.0):
    """Whether `shown` is `true` written with 4 significant digits; or 0 for a rounding error,
    an entry under 1e-12 of the largest, as the trace shows it."""
    if not math.isfinite(true):
        return shown == true or (math.isnan(shown) and math.isnan(true))
    if shown == 0:
        return true == 0 or abs(true) < 1e-12 * largest
    return abs(shown - true) <= 0.5 * 10 ** (math.floor(math.log10(abs(true))) - 3) * (1 + 1e-9)


def skeleton(shape):
    """'[[#, #], [#, #]]': how a value of `shape` is written, # for each number."""
    if not shape:
        return '#'
    return '[' + ', '.join([skeleton(shape[1:])] * shape[0]) + ']'


def assert_shows(text, true):
    """The text of a value on the page is the array `true`: in full if it has up to 6 numbers,
    else '<784x10, norm 44.27> [0.5, 0.5, 0.5, 0.5, …]'."""
    true = numpy.asarray(true, float)
    if true.size <= 6:
        assert re.sub(NUMBER, '#', text) == skeleton(true.shape), text
        largest = numpy.abs(true).max(initial=0)
        shown = [float(x) for x in re.findall(NUMBER, text)]
        for s, t in zip(shown, true.ravel(), strict=True):
            assert rounds_to(s, t, largest), (text, true)
    else:
        m = re.fullmatch(r'<(\S+), norm (\S+)> \[(.*), …\]', text)
        assert m, text
        assert m.group(1) == 'x'.join(map(str, true.shape))
        assert rounds_to(float(m.group(2)), numpy.linalg.norm(true))
        first = [float(x) for x in m.group(3).split(', ')]
        largest = numpy.abs(true).max()
        for s, t in zip(first, true.ravel()[:4], strict=True):
            assert rounds_to(s, t, largest), (text, t)


def state(done, p):
    """({node: value}, {node: gradient}) after the first p steps, as the page shows them: the
    loss has its seed, dL/dL = 1, once backward has begun."""
    values, grads = {}, {}
    for s in done[:p]:
        if isinstance(s, Value):
            values[s.node] = s.value
        else:
            grads[s.child] = s.total
    computed = [s for s in done if isinstance(s, Value)]
    if p > len(computed):
        grads.setdefault(computed[-1].node, numpy.ones(numpy.shape(computed[-1].value)))
    return values, grads


def assert_box(lines, n, names, final, value, grad):
    """A box's lines: its id, type and name (and the shape of a big value, `final`), then its
    value and its gradient as far as the steps have got, in full if small, as norms if big."""
    big = numpy.size(final) > 6
    shape = 'x'.join(map(str, numpy.shape(final)))
    label = n.type + (' ' + names[n] if n in names else '')
    assert lines[0] == f'{n.id}: {label}' + (f' ({shape})' if big else '')
    parts = re.split(r'\n(?=grad )', '\n'.join(lines[1:])) if len(lines) > 1 else []
    wanted = [(what, v) for what, v in (('value', value), ('grad', grad)) if v is not None]
    for part, (what, v) in zip(parts, wanted, strict=True):
        body = ' '.join(part.removeprefix(what + ' ').split())  # a matrix's rows on one line
        if big:
            assert rounds_to(float(body.removeprefix('norm ')), numpy.linalg.norm(v)), body
        else:
            assert_shows(body, v)


def check_every_step(page, g, names):
    """Steps through the whole page with Next, checking every number and mark against the
    steps of g; then back with Back, which must show each position as Next did."""
    done = showgraph.steps(g)
    size = len(done)
    final, _ = state(done, size)
    snapshots = page.evaluate(CLICKS, ['next', size])
    for p, shot in enumerate(snapshots):
        assert shot['position'] == f'step {p} of {size}' and shot['slider'] == p
        values, grads = state(done, p)
        marks = {}
        for node, classes, lines in shot['boxes']:
            n = g.nodes[node]
            assert_box(lines, n, names, final[n], values.get(n), grads.get(n))
            marks[n] = [kind for kind in classes.split() if kind not in ('box', 'input')]
            assert ('input' in classes.split()) == (not n.requires_grad)  # dashed
        if p == 0:
            assert shot['shows'] == [] and shot['arrows'] == [] and not any(marks.values())
            continue
        s = done[p - 1]
        if isinstance(s, Value):
            n = s.node
            wanted = [('arg', values[c]) for c in n.children] + [('value', s.value)]
            assert {m: k for m, k in marks.items() if k} == {n: ['current']}
            feeding = [[n.id, i, 'edge feeding'] for i, _ in enumerate(n.children)]
            assert sorted(shot['arrows']) == feeding
            assert shot['panel'][0] == f'Forward, step {p} of {size}: {node_text(n, names)}'
        else:
            wanted = [('grad', grads[s.parent]), ('delta', s.delta), ('total', s.total)]
            assert shot['arrows'] == [[s.parent.id, s.arg, 'edge passing']]
            assert {m: k for m, k in marks.items() if k} == {
                s.parent: ['giving'],
                s.child: ['receiving'],
            }
            assert shot['panel'][0].startswith(f'Backward, step {p} of {size}: ')
            assert f'node {s.child.id} += {s.formula} = ' in shot['panel'][2]
        assert [role for role, _ in shot['shows']] == [role for role, _ in wanted]
        for (_, text), (_, true) in zip(shot['shows'], wanted, strict=True):
            assert_shows(text, true)
    assert page.evaluate(CLICKS, ['back', size]) == snapshots[::-1]  # Back undoes Next


@pytest.mark.parametrize('name', ['first', 'twice', 'small-linear', 'small-mlp', 'linear', 'mlp'])
def test_every_step_of_every_example(tab, tmp_path, name):
    g, names = examples.EXAMPLES[name]()
    showgraph.html(g, str(tmp_path / 'g.html'), names, name)
    page = tab.open(tmp_path / 'g.html')
    assert page.title() == name and page.text_content('h1') == name
    check_every_step(page, g, names)


@pytest.mark.parametrize('seed', range(2))
def test_every_step_of_a_random_graph(tab, tmp_path, seed):
    g = random_graph(numpy.random.default_rng(seed))
    showgraph.html(g, str(tmp_path / 'g.html'))
    check_every_step(tab.open(tmp_path / 'g.html'), g, {})


def test_the_graph_of_a_students_own_file(tab, tmp_path):
    (tmp_path / 'mine.py').write_text(
        'import numpy\nimport nn\n\ng = nn.Graph()\n'
        'W = g.var(numpy.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]]))\n'
        'x = g.var(numpy.array([1.0, -1.0, 2.0]), requires_grad=False)\n'
        'h = g.relu(g.mul(x, W))\nloss = g.sum(g.emul(h, h))\n'
    )
    run('showgraph.py', 'mine.py', '--html', 'mine.html', cwd=tmp_path, check=0)
    g, names, _ = ownfile.load(str(tmp_path / 'mine.py'))
    assert sorted(names.values()) == ['W', 'h', 'loss', 'x']
    page = tab.open(tmp_path / 'mine.html')
    assert page.title() == 'mine.py'
    check_every_step(page, g, names)


def test_names_are_shown_as_they_are(tab, tmp_path):
    g = nn.Graph()
    names = ['</script><b>bold</b>', 'C:\\new "x" & y', '<!-- -->\u2028']
    nodes = [g.var(1.0), g.var(2.0)]
    nodes.append(g.add(*nodes))
    named = dict(zip(nodes, names, strict=True))
    showgraph.html(g, str(tmp_path / 'g.html'), named, names[0])
    page = tab.open(tmp_path / 'g.html')
    assert page.text_content('h1') == names[0] and page.title() == names[0]
    assert page.evaluate('document.querySelectorAll("b, script").length') == 2  # the page's own
    check_every_step(page, g, named)


def test_numbers_json_lacks_are_shown_as_the_trace_shows_them(tab, tmp_path):
    g = nn.Graph()
    a = g.var(numpy.array([numpy.inf, -numpy.inf, 1.0, 2.0, 3.0, 4.0, 5.0]))
    g.sum(g.logistic(a))
    showgraph.html(g, str(tmp_path / 'g.html'), {a: 'a'})
    page = tab.open(tmp_path / 'g.html')
    page.click('#next')
    assert page.text_content('[data-shows="value"]') == '<7, norm inf> [inf, -inf, 0, 0, …]'
    page.click('#back')
    check_every_step(page, g, {a: 'a'})


def test_slider_keys_and_the_whole_value(tab, tmp_path):
    g, names = examples.mlp()
    showgraph.html(g, str(tmp_path / 'g.html'), names, 'mlp')
    page = tab.open(tmp_path / 'g.html')
    size = len(showgraph.steps(g))

    def at():
        return page.evaluate(SNAPSHOT)['slider']

    keys = [('ArrowRight', 1), ('ArrowRight', 2), ('End', size), ('ArrowLeft', size - 1)]
    for key, position in [*keys, ('Home', 0)]:
        page.keyboard.press(key)
        assert at() == position, key
    page.keyboard.press('Tab')  # to Back, with a focus that shows
    assert page.evaluate('document.activeElement.id') == 'back'
    outline = page.evaluate('getComputedStyle(document.activeElement).outlineWidth')
    assert float(outline.removesuffix('px')) >= 3
    page.keyboard.press('Tab')  # to the slider, which steps with the same keys, once each
    page.keyboard.press('ArrowRight')
    assert at() == 1
    page.keyboard.press('End')
    assert at() == size
    page.keyboard.press('Tab')  # to Next, which Enter presses
    page.keyboard.press('Home')
    page.keyboard.press('Enter')
    assert at() == 1
    page.eval_on_selector('#slider', '(s) => { s.value = 3; s.dispatchEvent(new Event("input")) }')
    assert at() == 3
    # step 1 computes w1, 784x300: its button opens every entry, and Escape closes it
    page.keyboard.press('Home')
    page.keyboard.press('ArrowRight')
    page.click('button.big[data-shows="value"]')
    assert page.is_visible('#whole')
    text = page.text_content('#whole-text')
    assert text.count('\n') == 783  # a row a line
    shown = numpy.array([float(x) for x in re.findall(NUMBER, text)])
    true = g.nodes[0].value.ravel()
    assert shown.shape == true.shape
    unit = 0.5 * 10.0 ** (numpy.floor(numpy.log10(numpy.abs(true))) - 3)
    assert (numpy.abs(shown - true) <= unit * (1 + 1e-9)).all()
    page.keyboard.press('Escape')
    assert not page.is_visible('#whole')
    assert page.evaluate('document.activeElement.dataset.shows') == 'value'  # focus is back


def screenshot(page):
    """The page as an array of RGB pixels, 0 to 1."""
    from matplotlib import image

    return image.imread(io.BytesIO(page.screenshot()), format='png')[..., :3]


def test_the_page_is_drawn(tab, tmp_path):
    g, names = examples.twice()
    showgraph.html(g, str(tmp_path / 'g.html'), names)
    page = tab.open(tmp_path / 'g.html')
    page.keyboard.press('End')  # the last step: an orange arrow
    pixels = screenshot(page)
    ink = (pixels < 0.5).all(axis=-1).mean()  # dark pixels: text and lines
    assert pixels.std() > 0.05 and 0.01 < ink < 0.5
    orange = (numpy.abs(pixels - numpy.array([0xC0, 0x39, 0x0B]) / 255) < 0.1).all(axis=-1)
    assert orange.sum() > 500


def test_jupyter_shows_the_page_in_the_notebook(tab):
    g, names = examples.twice()
    tab.page.set_content(showgraph.html(g, names=names)._repr_html_())
    frame = tab.page.frame_locator('iframe')
    frame.locator('#next').click()
    assert frame.locator('#position').text_content() == 'step 1 of 4'
    assert frame.locator('[data-shows="value"]').text_content() == '3'


if __name__ == '__main__':  # the README's screenshot: twice, at its last step
    import tempfile

    g, names = examples.twice()
    with tempfile.TemporaryDirectory() as folder, playwright()() as p:
        path = os.path.join(folder, 'twice.html')
        showgraph.html(g, path, names, 'twice: ' + examples.twice.__doc__.rstrip('.'))
        browser = p.chromium.launch(executable_path=chromium(), args=FLAGS)
        page = browser.new_page(viewport={'width': 1100, 'height': 560})
        page.goto('file://' + path)
        page.keyboard.press('End')
        page.screenshot(path=os.path.join(ROOT, 'figures', 'page-twice.png'), full_page=True)
        browser.close()
