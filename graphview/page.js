// The page's program, plain JavaScript that any current browser runs from disk.
//
// The graph and the steps that forward and backward took are the JSON of the script element
// "data" (graphview/page.py says what it holds). This draws the graph as SVG and then shows one
// position at a time: position 0 is before forward; position p has done steps 1 to p, and shows
// step p, on the graph and in words. Every number shown is one of the data's.
'use strict';

const DATA = JSON.parse(document.getElementById('data').textContent);
const NODES = DATA.nodes;
const STEPS = DATA.steps;
const FORWARD = STEPS.filter((s) => s.kind === 'value').length; // forward's steps come first
const SMALL = 6; // a value of up to 6 numbers is shown in full, as ./showgraph.py --trace does
const FEW = 4; // a big value shows its first 4 entries
const SVG = 'http://www.w3.org/2000/svg';
const FONT = 20; // the size of the graph's text in pixels, as page.css says
const LINE = 1.3 * FONT; // a line of text in a box
const PAD = 10; // inside a box, around its text
const SMALLEST_SCALE = 0.8; // a wide graph shrinks to fit the window, down to this, then scrolls

// The fill of each node type (the text is black on all of them).
const COLORS = {
  var: '#ffffff',
  add: '#cfe3ff',
  sub: '#aac8f0',
  mul: '#c5eec5',
  emul: '#9edcab',
  logistic: '#fff0a8',
  tanh: '#ffe07a',
  relu: '#f5d39c',
  sum: '#e1cff5',
  logsoftmax: '#ffc9a3',
  'cross-entropy': '#f8b9cf',
  'squared-error': '#eea2bd',
};
const OTHER = '#dddddd'; // a type new to nn.py
const BLUE = '#0b4fd6'; // forward: the node computed, the arrows from its children
const ORANGE = '#c0390b'; // backward: the arrow along which a gradient is passed

// --- Numbers, written as the trace writes them ----------------------------------------------

// A number of the data: JSON has no inf and nan, so page.py writes them as strings.
function number(x) {
  return typeof x === 'string' ? { inf: Infinity, '-inf': -Infinity, nan: NaN }[x] : x;
}

// x with 4 significant digits as Python's '{:.4g}' writes it: 3, 0.3333, 1.5e-05, 1.235e+05.
function fmt(x) {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0'; // -0 too
  const [digits, power] = x.toExponential(3).split('e');
  const e = Number(power);
  if (e < -4 || e >= 4) {
    return trim(digits) + 'e' + (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(2, '0');
  }
  return trim(x.toFixed(3 - e));
}

// Without the zeros that end a fraction, nor its point then: '2.500' -> '2.5', '3.000' -> '3'.
function trim(text) {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

// The values of the data, by index: shape, entries (numbers), norm (of a big one), and the
// largest size of an entry, below 1e-12 of which an entry shows as 0 (a rounding error, as in
// the trace). Math.max of a nan is nan, and then no entry shows as 0, as in the trace.
const VALUES = DATA.values.map((v) => {
  const data = v.data.map(number);
  let largest = 0;
  for (const x of data) largest = Math.max(largest, Math.abs(x));
  return { shape: v.shape, data, norm: number(v.norm), largest, big: data.length > SMALL };
});

// An entry of v as the trace writes it.
function entry(v, x) {
  return fmt(Math.abs(x) < 1e-12 * v.largest ? 0 : x);
}

function shapeText(shape) {
  return shape.length ? shape.join('x') : 'scalar';
}

// Every entry of v, nested as the trace writes it: '3', '[0.5, -1]', '[[1, 2], [3, 4]]'; with
// rows, a matrix has a row a line.
function full(v, rows = false) {
  function part(axis, at) {
    if (axis === v.shape.length) return entry(v, v.data[at]);
    const stride = v.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const parts = [];
    for (let i = 0; i < v.shape[axis]; i++) parts.push(part(axis + 1, at + i * stride));
    return '[' + parts.join(rows && axis === 0 && v.shape.length > 1 ? ',\n ' : ', ') + ']';
  }
  return part(0, 0);
}

// A big value in brief: '<784x10, norm 44.27> [0.5, 0.5, 0.5, 0.5, ...]'.
function brief(v) {
  const first = v.data.slice(0, FEW).map((x) => entry(v, x));
  return `<${shapeText(v.shape)}, norm ${fmt(v.norm)}> [${first.join(', ')}, \u2026]`;
}

// --- Names of nodes ----------------------------------------------------------------------------

function label(n) {
  return n.type + (n.name === null ? '' : ' ' + n.name);
}

// 'node 2 add(0, 1)', 'node 0 var a': a node, as the trace names it.
function nodeText(n) {
  const children = n.children.length ? `(${n.children.join(', ')})` : '';
  return `node ${n.id} ${n.type}${children}${n.name === null ? '' : ' ' + n.name}`;
}

// The formula of n's value, its children's in place of {0}, {1} ...: 'node0 + node1'.
function formulaOf(n, child) {
  return n.formula.replace(/\{(\d+)\}/g, (_, i) => child(Number(i)));
}

// --- Where the steps have got to ---------------------------------------------------------------

// {value: {node id: value index}, grad: {...}} after the first p steps. Once backward has begun,
// the loss has its seed, dL/dL = 1; each other gradient is the last running total received.
function state(p) {
  const value = {};
  const grad = {};
  for (const s of STEPS.slice(0, p)) {
    if (s.kind === 'value') value[s.node] = s.value;
    else grad[s.child] = s.total;
  }
  if (p > FORWARD && !(DATA.loss in grad)) grad[DATA.loss] = DATA.seed;
  return { value, grad };
}

const END = state(STEPS.length);

// The lines of n's box at a state, as ./showgraph.py --draw has them: id, type and name (and
// the shape of a big value), then its value and its gradient as far as the steps have got: in
// full if small, a matrix a row a line; else their norms.
function boxLines(n, now) {
  const last = VALUES[END.value[n.id]];
  const lines = [`${n.id}: ${label(n)}` + (last.big ? ` (${shapeText(last.shape)})` : '')];
  for (const [what, k] of [['value', now.value[n.id]], ['grad', now.grad[n.id]]]) {
    if (k === undefined) continue;
    const v = VALUES[k];
    const indent = '],\n' + ' '.repeat(what.length + 2) + '[';
    const text = last.big ? `norm ${fmt(v.norm)}` : full(v).split('], [').join(indent);
    lines.push(...`${what} ${text}`.split('\n'));
  }
  return lines;
}

// --- The picture -------------------------------------------------------------------------------

const svg = document.getElementById('graph');
const boxes = {}; // node id -> its <g>
const edges = {}; // 'parent-arg' -> the <path> from that child to the parent

// An SVG element with its attributes, put into parent.
function make(tag, attributes, parent) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  parent.appendChild(element);
  return element;
}

// The width of a character of the boxes' monospace font, measured; an estimate where the page
// is not shown (in a notebook's collapsed output, say).
function characterWidth() {
  const text = make('text', {}, svg);
  text.textContent = 'M'.repeat(40);
  const width = text.getComputedTextLength() / 40;
  text.remove();
  return width > 0 ? width : 0.6 * FONT;
}

// Draws the graph: a box per node in the column and row that page.py computed (operations in
// row 0, each var above or below, in the column before its first use), as big as the most text
// it holds at any step; an arrow from each child to its parent.
function draw() {
  const defs = make('defs', {}, svg);
  const heads = [['arrow', '#555'], ['arrow-feeding', BLUE], ['arrow-passing', ORANGE]];
  for (const [id, color] of heads) {
    const marker = make('marker', {
      id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 5, markerHeight: 5,
      orient: 'auto-start-reverse',
    }, defs);
    make('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: color }, marker);
  }
  const edgeLayer = make('g', {}, svg);
  const boxLayer = make('g', {}, svg); // after the arrows: over their ends
  const charWidth = characterWidth();
  const size = {};
  const states = Array.from({ length: STEPS.length + 1 }, (_, p) => state(p));
  for (const n of NODES) {
    let chars = 0;
    let lines = 0;
    for (const now of states) {
      const text = boxLines(n, now);
      chars = Math.max(chars, ...text.map((line) => line.length));
      lines = Math.max(lines, text.length);
    }
    size[n.id] = { w: chars * charWidth + 2 * PAD, h: lines * LINE + 2 * PAD };
  }
  // each column as wide as its widest box, each row as high as its highest; row 1 above row 0
  const middle = {};
  let left = 20;
  for (const column of [...new Set(NODES.map((n) => n.column))].sort((a, b) => a - b)) {
    const widest = Math.max(...NODES.filter((n) => n.column === column).map((n) => size[n.id].w));
    middle[column] = left + widest / 2;
    left += widest + 70;
  }
  const centre = {};
  let top = 10;
  for (const row of [...new Set(NODES.map((n) => n.row))].sort((a, b) => b - a)) {
    const highest = Math.max(...NODES.filter((n) => n.row === row).map((n) => size[n.id].h));
    centre[row] = top + highest / 2;
    top += highest + 50;
  }
  const place = {};
  for (const n of NODES) place[n.id] = { x: middle[n.column], y: centre[n.row], ...size[n.id] };
  svg.dataset.width = left - 50;
  svg.dataset.height = top - 40;
  svg.setAttribute('viewBox', `0 0 ${svg.dataset.width} ${svg.dataset.height}`);
  for (const n of NODES) {
    n.children.forEach((c, arg) => {
      // g.add(a, a): two arrows from a, bent apart
      const twins = n.children.filter((d) => d === c).length;
      const before = n.children.slice(0, arg).filter((d) => d === c).length;
      const path = make('path', {
        class: 'edge', 'marker-end': 'url(#arrow)', 'data-parent': n.id, 'data-arg': arg,
        d: curve(place[c], place[n.id], 0.4 * (before - (twins - 1) / 2)),
      }, edgeLayer);
      edges[`${n.id}-${arg}`] = path;
    });
  }
  for (const n of NODES) {
    const { x, y, w, h } = place[n.id];
    const kind = n.needs_grad ? 'box' : 'box input';
    const g = make('g', { class: kind, 'data-node': n.id }, boxLayer);
    make('rect', {
      x: x - w / 2, y: y - h / 2, width: w, height: h, rx: n.type === 'var' ? 16 : 3,
      fill: COLORS[n.type] || OTHER,
    }, g);
    make('text', { x: x - w / 2 + PAD, y: y - h / 2 + PAD }, g);
    boxes[n.id] = g;
  }
  fit();
}

// The path of an arrow from box a to box b: a curve bent by `bend` (to part twins), arched over
// the boxes between when both are in row 0 and not next to each other; from border to border.
function curve(a, b, bend) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  let offset = bend * length;
  if (a.y === b.y && Math.abs(dx) > 1.5 * Math.max(a.w, b.w) + 70) offset -= 2.2 * a.h;
  // the control point, off the middle of the line by offset, at a right angle to it
  const cx = (a.x + b.x) / 2 + (dy / length) * offset;
  const cy = (a.y + b.y) / 2 - (dx / length) * offset;
  const start = border(a, cx, cy, 0);
  const end = border(b, cx, cy, 6); // room for the arrow's head
  return `M ${start.x} ${start.y} Q ${cx} ${cy} ${end.x} ${end.y}`;
}

// Where the line from the middle of box b towards (x, y) leaves it, `gap` further on.
function border(b, x, y, gap) {
  const dx = x - b.x;
  const dy = y - b.y;
  const t = Math.min(b.w / 2 / Math.abs(dx), b.h / 2 / Math.abs(dy)); // x / 0 is Infinity
  const length = Math.hypot(dx, dy) || 1;
  return { x: b.x + dx * t + (gap * dx) / length, y: b.y + dy * t + (gap * dy) / length };
}

// The picture at its size, smaller to fit the window down to SMALLEST_SCALE; beyond, it scrolls.
function fit() {
  const width = Number(svg.dataset.width);
  const room = document.getElementById('picture').clientWidth || width;
  const scale = Math.max(SMALLEST_SCALE, Math.min(1, room / width));
  svg.setAttribute('width', width * scale);
  svg.setAttribute('height', Number(svg.dataset.height) * scale);
}

// --- The legend --------------------------------------------------------------------------------

// A swatch and words for each node type of the graph, for the dashed box and the two colors.
function legend() {
  const entry = (shape, attributes, words) => {
    const item = document.createElement('span');
    const swatch = make('svg', { width: 44, height: 26, 'aria-hidden': 'true' }, item);
    make(shape, attributes, swatch);
    item.append(words);
    document.getElementById('legend').appendChild(item);
  };
  const box = { x: 2, y: 2, width: 40, height: 22, stroke: '#333', 'stroke-width': 2 };
  const line = { x1: 2, y1: 13, x2: 42, y2: 13 };
  const seen = new Set();
  for (const n of NODES) {
    if (seen.has(n.type)) continue;
    seen.add(n.type);
    const fill = COLORS[n.type] || OTHER;
    const rx = n.type === 'var' ? 9 : 2;
    const words = n.formula === null ? 'a value given' : formulaOf(n, (i) => 'abcdefgh'[i]);
    entry('rect', { ...box, fill, rx }, `${n.type}: ${words}`);
  }
  entry('rect', { ...box, fill: '#fff', rx: 9, 'stroke-dasharray': '7 4' }, 'needs no gradient');
  entry('line', { ...line, stroke: BLUE, 'stroke-width': 5 }, 'forward: a value computed');
  entry('line', { ...line, stroke: ORANGE, 'stroke-width': 8 }, 'backward: a gradient passed');
}

// --- One position ------------------------------------------------------------------------------

let position = 0;
const slider = document.getElementById('slider');
const whole = document.getElementById('whole');

// An element for value k in the panel: its numbers if it is small; else a button with its
// shape, norm and first entries, which opens the whole value. `role` says which number it is.
function valueElement(k, role, title) {
  const v = VALUES[k];
  const element = document.createElement(v.big ? 'button' : 'span');
  element.className = v.big ? 'big' : 'number';
  element.textContent = v.big ? brief(v) : full(v);
  element.dataset.shows = role;
  if (v.big) {
    element.type = 'button';
    element.title = 'show every entry';
    element.addEventListener('click', () => {
      const heading = `${title}: ${shapeText(v.shape)}, norm ${fmt(v.norm)}`;
      document.getElementById('whole-title').textContent = heading;
      document.getElementById('whole-text').textContent = full(v, true);
      whole.showModal();
    });
  }
  return element;
}

// Fills a paragraph of the panel with texts and elements, in order.
function say(id, ...parts) {
  document.getElementById(id).replaceChildren(...parts);
}

// Marks an arrow as 'feeding' (forward) or 'passing' (backward), drawn over the others.
function mark(path, kind) {
  path.classList.add(kind);
  path.setAttribute('marker-end', `url(#arrow-${kind})`);
  path.parentNode.appendChild(path);
}

// Shows position p: the boxes with their numbers so far, the step's node or edge, its words.
function go(p) {
  position = Math.max(0, Math.min(STEPS.length, p));
  slider.value = position;
  const where = `step ${position} of ${STEPS.length}`;
  document.getElementById('position').textContent = where;
  slider.setAttribute('aria-valuetext', where); // what a screen reader says of the slider
  const now = state(position);
  for (const n of NODES) {
    const text = boxes[n.id].querySelector('text');
    text.replaceChildren();
    boxLines(n, now).forEach((line, i) => {
      make('tspan', { x: text.getAttribute('x'), dy: i ? LINE : FONT }, text).textContent = line;
    });
  }
  const marked = ['current', 'feeding', 'passing', 'giving', 'receiving'];
  for (const element of svg.querySelectorAll(marked.map((kind) => '.' + kind).join(', '))) {
    element.classList.remove(...marked);
  }
  for (const path of Object.values(edges)) path.setAttribute('marker-end', 'url(#arrow)');
  say('numbers');
  say('total');
  if (position === 0) {
    say('where', 'Before forward: nothing computed yet.');
    say('what', 'Next (\u2192) runs forward, node by node in the order of graph.nodes; then '
      + 'backward, one contribution to a gradient at a time, in reverse order.');
    return;
  }
  const s = STEPS[position - 1];
  const pass = `${s.kind === 'value' ? 'Forward' : 'Backward'}, ${where}`;
  let shown;
  if (s.kind === 'value') {
    const n = NODES[s.node];
    shown = boxes[n.id];
    shown.classList.add('current');
    n.children.forEach((_, arg) => mark(edges[`${n.id}-${arg}`], 'feeding'));
    say('where', `${pass}: ${nodeText(n)}`);
    const value = valueElement(s.value, 'value', `the value of node ${n.id}`);
    if (n.formula === null) {
      say('what', 'A var: its value is given, and forward takes it as it is.');
      say('numbers', `node ${n.id} = `, value);
    } else {
      // the formula twice: with the children's ids, then with their values
      say('what', `node ${n.id} = ${formulaOf(n, (i) => 'node' + n.children[i])}`);
      const child = (i) => n.children[i];
      const parts = n.formula.split(/\{(\d+)\}/).map((part, i) => (i % 2
        ? valueElement(now.value[child(part)], 'arg', `the value of node ${child(part)}`)
        : part));
      say('numbers', '= ', ...parts, ' = ', value);
    }
  } else {
    shown = edges[`${s.parent}-${s.arg}`];
    mark(shown, 'passing');
    boxes[s.parent].classList.add('giving');
    boxes[s.child].classList.add('receiving');
    say('where', `${pass}: ${nodeText(NODES[s.parent])} passes its gradient on to node `
      + `${s.child}, its argument ${s.arg}`);
    const grad = `dL/dnode${s.parent}`;
    say('what', `${grad} = `, valueElement(now.grad[s.parent], 'grad', grad));
    say('numbers', `node ${s.child} += ${s.formula} = `,
      valueElement(s.delta, 'delta', `what node ${s.parent} passes to node ${s.child}`));
    const total = `dL/dnode${s.child} so far`;
    say('total', `${total}: `, valueElement(s.total, 'total', total));
  }
  centre(shown);
}

// Scrolls the picture, and only the picture, to bring element to its middle (if it is bigger than
// its frame): the controls and the panel stay where they are.
function centre(element) {
  const picture = document.getElementById('picture');
  const box = element.getBoundingClientRect();
  const frame = picture.getBoundingClientRect();
  picture.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
  picture.scrollTop += box.top + box.height / 2 - (frame.top + frame.height / 2);
}

// --- Controls ----------------------------------------------------------------------------------

document.getElementById('title').textContent = DATA.title;
slider.max = STEPS.length;
draw();
legend();
go(0);

document.getElementById('next').addEventListener('click', () => go(position + 1));
document.getElementById('back').addEventListener('click', () => go(position - 1));
slider.addEventListener('input', () => go(Number(slider.value)));
window.addEventListener('resize', fit);
document.addEventListener('keydown', (event) => {
  // the slider moves itself with these keys, and says so with 'input'; a dialog has its own
  if (event.target === slider || whole.open || event.altKey || event.ctrlKey || event.metaKey) {
    return;
  }
  const keys = { ArrowRight: position + 1, ArrowLeft: position - 1, Home: 0, End: STEPS.length };
  if (!(event.key in keys)) return;
  event.preventDefault();
  go(keys[event.key]);
});
