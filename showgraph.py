#!/usr/bin/env python3
"""See a computation graph: a listing of its nodes, Graphviz DOT, a picture, or the numbers
flowing through forward and backward, step by step.

    ./showgraph.py linear                # the listing of the linear classifier's graph
    ./showgraph.py mlp --dot > mlp.dot   # for Graphviz: dot -Tpng mlp.dot > mlp.png
    ./showgraph.py mlp --draw mlp.svg    # drawn with matplotlib, into .png, .pdf or .svg
    ./showgraph.py --trace twice         # forward and backward on g.add(a, a), step by step
    ./showgraph.py --trace               # ... on each small example

In your own code, after nn.forward(g) (so that values have shapes):

    print(showgraph.listing(g, {w: 'w', b: 'b'}))
    print('\n'.join(showgraph.trace(g, {w: 'w'})))   # runs forward and backward itself
"""

import argparse
import collections
import os
import re
import sys

# first: one line if no numpy
from plumbing import atomic, errors, options, paramfile

import numpy

import formulas
import nn

SMALL = 6  # a value of up to 6 numbers is shown in full; a bigger one by its shape and norm
FORMATS = ('png', 'pdf', 'svg')  # of a picture, from its file name


def label(n, names):
    """'var w', 'mul' ...: the type and, for a named node, its name."""
    return n.type + (' ' + names[n] if n in names else '')


def shape(n):
    """'784x10', 'scalar', or '-' before forward has run."""
    if n.value is None:
        return '-'
    return 'x'.join(map(str, numpy.shape(n.value))) or 'scalar'


def listing(graph, names=None):
    """One line per node, in order: id, type (and name), children's ids, value shape, grad."""
    names = names or {}
    lines = [
        '{:>3}  {:<20} {:<10} {:<10} {}'.format('id', 'type', 'children', 'value', 'gradient')
    ]
    for n in graph.nodes:
        children = ' '.join(str(c.id) for c in n.children) or '-'
        lines.append(
            '{:>3}  {:<20} {:<10} {:<10} {}'.format(
                n.id,
                label(n, names),
                children,
                shape(n),
                'yes' if n.requires_grad else 'not needed',
            )
        )
    return '\n'.join(lines)


def numbers(v):
    """'3', '[0.5, -1]', '[[1, 2], [3, 4]]' for a value of a few numbers; else its shape and
    norm, '<784x10, norm 1.5>'; '-' for none."""
    if v is None:
        return '-'
    v = numpy.asarray(v)
    if v.size > SMALL:
        return '<{}, norm {:.4g}>'.format('x'.join(map(str, v.shape)), numpy.linalg.norm(v))
    if v.ndim == 0:
        return f'{v + 0.0:.4g}'  # + 0.0 turns -0 into 0
    v = numpy.where(abs(v) < 1e-12 * abs(v).max(initial=0), 0.0, v)  # rounding errors show as 0
    return '[{}]'.format(', '.join(numbers(row) for row in v))


def box(n, names, rows=False):
    """The lines of n's box in a picture: its id and type, then its value and gradient as far as
    forward and backward have run: in full if small (rows=True: a matrix a row a line), else
    their norms, with the shape after the type."""
    big = n.value is not None and numpy.size(n.value) > SMALL
    lines = [f'{n.id}: {label(n, names)}' + (f' ({shape(n)})' if big else '')]
    for what, v in (('value', n.value), ('grad', n.grad)):
        if v is not None:
            text = f'norm {numpy.linalg.norm(v):.4g}' if big else numbers(v)
            if rows:  # a matrix a row a line
                text = text.replace('], [', '],\n' + ' ' * len(what) + '  [')
            lines += f'{what} {text}'.splitlines()
    return lines


def to_dot(graph, names=None):
    """The graph in Graphviz's DOT language; each edge points from a child to its parent.

    Each box shows the node's value and gradient as far as forward and backward have run.
    """
    names = names or {}
    lines = ['digraph {', '  rankdir=BT;', '  node [shape=box, fontname="Helvetica"];']
    for n in graph.nodes:
        style = '' if n.requires_grad else ', style=dashed'
        lines.append('  n{} [label="{}"{}];'.format(n.id, '\\n'.join(box(n, names)), style))
    for n in graph.nodes:
        for c in n.children:
            lines.append(f'  n{c.id} -> n{n.id};')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def layout(graph):
    """{node: (x, y)}: operations in the middle row, each after its children; each var in
    the column just before its first use, above or below."""
    column, parents = {}, {}
    for n in graph.nodes:  # children come first, so their columns are known
        column[n] = 1 + max((column[c] for c in n.children), default=-1)
        for c in n.children:
            parents.setdefault(c, []).append(n)
    for n in graph.nodes:
        if not n.children:
            column[n] = min((column[p] for p in parents.get(n, [])), default=1) - 1
    for n in graph.nodes:  # re-place operations, now that the vars have their columns
        if n.children:
            column[n] = 1 + max(column[c] for c in n.children)
    place, taken = {}, {}
    for n in graph.nodes:
        if n.children:
            place[n] = (1.3 * column[n], 0)
        else:
            k = taken[column[n]] = taken.get(column[n], 0) + 1
            place[n] = (1.3 * column[n], (k + 1) // 2 * (1 if k % 2 else -1))
    return place


def figure_format(path):
    """'png', 'pdf' or 'svg': a picture's format, from its file name; UserError for any other."""
    extension = os.path.splitext(path)[1].lower()
    if extension[1:] not in FORMATS:
        raise errors.UserError(
            '{}: unknown figure format {}; name the file .png, .pdf or .svg'.format(
                path, repr(extension) if extension else '(no extension)'
            )
        )
    return extension[1:]


def draw(graph, out, names=None, title=None):
    """A picture of the graph, inputs on the left, the loss on the right, into the file `out`:
    PNG (200 dpi), PDF or SVG, as its name ends. Boxes show what `box` says."""
    kind = figure_format(out)
    from plumbing.plotting import pyplot as plt  # here: only a picture needs matplotlib

    from matplotlib.transforms import Bbox

    names = names or {}
    place = layout(graph)
    texts = {n: '\n'.join(box(n, names, rows=True)) for n in graph.nodes}
    # a column as wide as the widest box, a row as high as the highest (a character of 9-point
    # monospace is 0.075 by 0.15 inch), so that no two boxes overlap
    wide = 0.075 * max(len(line) for t in texts.values() for line in t.splitlines()) + 0.3
    high = 0.15 * max(t.count('\n') + 1 for t in texts.values()) + 0.4
    columns = [x for x, _ in place.values()]
    rows = [y for _, y in place.values()]
    fig = plt.figure(
        figsize=(
            max(wide, 1.4) / 1.3 * (max(columns) - min(columns) + 1.2),
            max(high, 1.2) * (max(rows) - min(rows) + 1.2),
        )
    )
    ax = fig.add_axes((0, 0, 1, 1))
    boxes = {}
    for n, (x, y) in place.items():
        boxes[n] = ax.text(
            x,
            y,
            texts[n],
            ha='center',
            va='center',
            fontsize=9,
            family='monospace',
            multialignment='left',
            bbox={
                'boxstyle': 'round',
                'facecolor': 'white' if n.requires_grad else '0.92',
                'edgecolor': '0.3',
                'linestyle': '-' if n.requires_grad else '--',
            },
        )
    for n in graph.nodes:
        for i, c in enumerate(n.children):  # an arrow from each child to its parent, box to box
            twins = n.children.count(c)  # g.add(a, a): two arrows, bent apart
            bend = 0.4 * (n.children[:i].count(c) - (twins - 1) / 2)
            ax.annotate(
                '',
                xy=place[n],
                xytext=place[c],
                arrowprops={
                    'arrowstyle': '->',
                    'color': '0.35',
                    'connectionstyle': f'arc3,rad={bend}',
                    'patchA': boxes[c].get_bbox_patch(),
                    'patchB': boxes[n].get_bbox_patch(),
                },
            )
    ax.set_xlim(min(columns) - 0.6, max(columns) + 0.6)
    ax.set_ylim(min(rows) - 0.6, max(rows) + 0.6)
    ax.axis('off')
    # no margin beyond the boxes: cut the limits to them, and the size with them (same scale)
    fig.canvas.draw()
    used = Bbox.union([b.get_bbox_patch().get_window_extent() for b in boxes.values()])
    used = used.transformed(ax.transData.inverted()).padded(0.1)
    (x0, x1), (y0, y1), (w, h) = ax.get_xlim(), ax.get_ylim(), fig.get_size_inches()
    fig.set_size_inches(w * used.width / (x1 - x0), h * used.height / (y1 - y0))
    ax.set_xlim(used.x0, used.x1)
    ax.set_ylim(used.y0, used.y1)
    if title:
        ax.set_title(title)
    metadata = {'png': {'Software': None}, 'pdf': {'CreationDate': None}, 'svg': {'Date': None}}
    with atomic.output_file(out) as f:
        fig.savefig(f, format=kind, dpi=200, bbox_inches='tight', metadata=metadata[kind])
    plt.close(fig)


# --- Watching the numbers flow -----------------------------------------------------------------


class Value(collections.namedtuple('Value', 'node value')):
    """A step of forward: `node` has computed `value` (a copy)."""


class Contribution(collections.namedtuple('Contribution', 'child parent arg formula delta total')):
    """A step of backward: `parent` adds `delta` to the gradient of `child`, its argument number
    `arg`, whose gradient is now `total` (copies). `formula` is delta's, from formulas.py, with
    node ids for its letters: 'dL/dnode4 node0^T' where formulas.py says 'dL/dx = dL/dn A^T'."""


def steps(graph):
    """Run nn.forward and nn.backward on graph; what they did, in order: a Value for each node
    forward computes, then a Contribution for each gradient backward passes to a child.

    nn.trace hands over each event as it happens: a value computed, a contribution added.
    """
    done = []

    def watch(n, i=None, delta=None):
        if i is None:
            done.append(Value(n, numpy.copy(n.value)))
        else:
            child = n.children[i]
            done.append(
                Contribution(child, n, i, formula(n, i), numpy.copy(delta), numpy.copy(child.grad))
            )

    old, nn.trace = nn.trace, watch
    try:
        nn.forward(graph)
        nn.backward(graph)
    finally:
        nn.trace = old
    return done


def formula(n, i):
    """The gradient that n passes to its child i, as formulas.py writes it, with node ids for its
    letters ('dL/dnode2' for dL/dn); '?' for a type that formulas.py does not know."""
    if n.type not in formulas.FORMULAS:
        return '?'
    written = formulas.FORMULAS[n.type][1]
    symbols = {re.match(r'dL/d(\w+)', f).group(1): n.children[k] for k, f in enumerate(written)}
    symbols['n'] = n

    def ids(m):  # 'dL/dn' -> 'dL/dnode4', 'A' -> 'node0'; other words stay
        node = symbols.get(m.group(2))
        return m.group(0) if node is None else f'{m.group(1)}node{node.id}'

    return re.sub(r'(dL/d|\b)([A-Za-z]\w*)', ids, written[i].split(' = ', 1)[1])


def value_formula(n, args):
    """How n's value follows from its children's, shown as args: '1 + 2', 'logistic([0, 0])'."""
    if n.type in formulas.FORMULAS:
        return formulas.FORMULAS[n.type][0].format(*args)
    return '{}({})'.format(n.type, ', '.join(args))  # a type new to nn.py


def node(n, names):
    """'node 2 add(0, 1)', 'node 0 var a': a node, as a trace names it."""
    children = '({})'.format(', '.join(str(c.id) for c in n.children)) if n.children else ''
    return 'node {} {}{}{}'.format(n.id, n.type, children, ' ' + names[n] if n in names else '')


def trace(graph, names=None):
    """Run forward and backward on graph; the lines that say what they did, step by step.

    Forward: each node and its value, 'node 2 add(0, 1) = 1 + 2 = 3'. Backward, under each
    node that passes its gradient on: each contribution to a child, with its formula and the
    child's running total, 'node 0 += dL/dnode2 = 1 -> 1'. Then the vars' gradients. Values of
    more than a few numbers show as their shape and norm.
    """
    names = names or {}
    done = steps(graph)
    lines, values = ['forward, in the order of graph.nodes:'], {}
    for step in done:
        if isinstance(step, Value):
            n, values[step.node] = step.node, step.value
            args = [numbers(values[c]) for c in n.children]
            lines.append(
                '  {} = {}{}'.format(
                    node(n, names),
                    value_formula(n, args) + ' = ' if args else '',
                    numbers(step.value),
                )
            )
    lines.append(f'backward, in reverse order, from the loss L = node {graph.nodes[-1].id}:')
    parent = None
    for step in done:
        if isinstance(step, Contribution):
            if step.parent is not parent:
                parent = step.parent
                lines.append(
                    f'  {node(parent, names)}, dL/dnode{parent.id} = {numbers(parent.grad)}:'
                )
            delta, total = numbers(step.delta), numbers(step.total)
            lines.append(f'    node {step.child.id} += {step.formula} = {delta} -> {total}')
    lines.append("the vars' gradients, as backward leaves them:")
    for n in graph.nodes:
        if not n.children:
            grad = numbers(n.grad) if n.requires_grad else 'none (requires_grad=False)'
            lines.append(f'  {node(n, names)}: grad = {grad}')
    return lines


# --- The examples ------------------------------------------------------------------------------


def first():
    """The tutorial's first example: c = a + b, with a = 1 and b = 2."""
    g = nn.Graph()
    a = g.var(1)
    b = g.var(2)
    g.add(a, b)
    return g, {a: 'a', b: 'b'}


def twice():
    """A node used twice: c = g.add(a, a), with a = 3."""
    g = nn.Graph()
    a = g.var(3)
    g.add(a, a)
    return g, {a: 'a'}


def small_linear():
    """The linear classifier on a 3-pixel image, 2 classes."""
    g = nn.Graph()
    p = {
        'w': g.var(numpy.array([[1.0, -1.0], [2.0, 0.0], [0.0, 1.0]])),
        'b': g.var(numpy.array([0.0, 1.0])),
    }
    return small_example(g, p, linear_score)


def small_mlp():
    """An MLP of 2 logistic units on a 3-pixel image, 2 classes."""
    g = nn.Graph()
    p = {
        'w1': g.var(numpy.array([[1.0, -1.0], [2.0, 0.0], [0.0, 1.0]])),
        'b1': g.var(numpy.array([-1.0, -1.0])),
        'w2': g.var(numpy.array([[1.0, -1.0], [2.0, 1.0]])),
        'b2': g.var(numpy.array([0.0, 1.5])),
    }
    return small_example(g, p, mlp_score)


def linear_score(g, p, x):
    """The tutorial's linear classifier, as lin-train.py builds it: x w + b."""
    return g.add(g.mul(x, p['w']), p['b'])


def mlp_score(g, p, x):
    """The tutorial's MLP, as mlp-train.py builds it: logistic(x w1 + b1) w2 + b2."""
    return g.add(g.mul(g.logistic(g.add(g.mul(x, p['w1']), p['b1'])), p['w2']), p['b2'])


def small_example(g, p, score):
    """The loss of a model (its score function) with parameters p, as the train scripts build it,
    on the image x = [0, 0.5, 1] of class 0 of 2; names too."""
    x = g.var(numpy.array([0.0, 0.5, 1.0]), requires_grad=False)
    y = g.var(nn.one_hot(0, 2), requires_grad=False)
    g.cross_entropy(score(g, p, x), y)
    names = {v: k for k, v in p.items()}
    names.update({x: 'x', y: 'y'})
    return g, names


def linear():
    """The linear classifier that lin-train.py builds, on one MNIST image."""
    return mnist_example('linear', linear_score)


def mlp():
    """The MLP that mlp-train.py builds (300 hidden units), on one MNIST image."""
    return mnist_example('mlp', mlp_score)


def mnist_example(model, score):
    """The graph that lin-train.py or mlp-train.py builds, on the first test image; names too."""
    import mnist

    images, labels = mnist.load('test')
    params = paramfile.initial(model, 300, numpy.random.default_rng(0))
    g = nn.Graph()
    p = {name: g.var(value) for name, value in params.items()}
    x = g.var(images[0], requires_grad=False)
    y = g.var(nn.one_hot(labels[0], 10), requires_grad=False)
    g.cross_entropy(score(g, p, x), y)
    names = {v: k for k, v in p.items()}
    names.update({x: 'x', y: 'y', g.nodes[-1]: 'loss'})
    return g, names


EXAMPLES = {
    'linear': linear,
    'mlp': mlp,
    'first': first,
    'twice': twice,
    'small-linear': small_linear,
    'small-mlp': small_mlp,
}
TRACED = ['first', 'twice', 'small-linear', 'small-mlp']  # by --trace alone


def main():
    parser = options.Parser(
        usage='%(prog)s EXAMPLE [--dot | --draw FILE]\n       %(prog)s [EXAMPLE] --trace',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Show a computation graph: a listing of its nodes, Graphviz DOT, a picture,\n'
        'or the numbers that forward and backward compute, step by step.',
        epilog='examples:\n'
        + ''.join(
            '  {:<14}{}\n'.format(name, f.__doc__.rstrip('.')) for name, f in EXAMPLES.items()
        )
        + '--trace with no EXAMPLE traces {}.'.format(', '.join(TRACED)),
    )
    parser.add_argument(
        'example',
        nargs='?',
        choices=EXAMPLES,
        metavar='EXAMPLE',
        help='the graph to show (see below)',
    )
    show = parser.add_mutually_exclusive_group()
    show.add_argument(
        '--trace',
        action='store_true',
        help='run forward and backward and print each value, then each contribution to a gradient',
    )
    show.add_argument('--dot', action='store_true', help='print Graphviz DOT instead')
    show.add_argument(
        '--draw',
        '--png',
        metavar='FILE',
        help='draw the graph into FILE with matplotlib: .png (200 dpi), .pdf or .svg',
    )
    args = parser.parse_args()
    if args.draw is not None:
        figure_format(args.draw)  # before any work
    if args.trace:
        for name in [args.example] if args.example else TRACED:
            g, names = EXAMPLES[name]()
            print(
                '{}# {}: {}'.format(
                    '' if name == TRACED[0] or args.example else '\n', name, EXAMPLES[name].__doc__
                )
            )
            print('\n'.join(trace(g, names)))
        return
    if args.example is None:
        parser.error('give an EXAMPLE, or --trace alone to trace the small ones')
    g, names = EXAMPLES[args.example]()
    nn.forward(g)
    nn.backward(g)
    if args.draw is not None:
        draw(g, args.draw, names, EXAMPLES[args.example].__doc__.rstrip('.'))
    else:
        sys.stdout.write(to_dot(g, names) if args.dot else listing(g, names) + '\n')


if __name__ == '__main__':
    errors.in_one_line()
    main()
