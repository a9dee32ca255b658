#!/usr/bin/env python3
"""See a computation graph: a listing of its nodes, Graphviz DOT, or a picture.

    ./showgraph.py linear              # the listing of the linear classifier's graph
    ./showgraph.py mlp --dot > mlp.dot # for Graphviz: dot -Tpng mlp.dot > mlp.png
    ./showgraph.py mlp --png mlp.png   # drawn with matplotlib

In your own code, after nn.forward(g) (so that values have shapes):

    print(showgraph.listing(g, {w: 'w', b: 'b'}))
"""
import sys

import numpy

from plumbing import atomic, errors, options, paramfile
import nn


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
    lines = ['{:>3}  {:<20} {:<10} {:<10} {}'.format('id', 'type', 'children', 'value', 'gradient')]
    for n in graph.nodes:
        children = ' '.join(str(c.id) for c in n.children) or '-'
        lines.append('{:>3}  {:<20} {:<10} {:<10} {}'.format(
            n.id, label(n, names), children, shape(n), 'yes' if n.requires_grad else 'not needed'))
    return '\n'.join(lines)


def to_dot(graph, names=None):
    """The graph in Graphviz's DOT language; each edge points from a child to its parent."""
    names = names or {}
    lines = ['digraph {', '  rankdir=BT;', '  node [shape=box, fontname="Helvetica"];']
    for n in graph.nodes:
        style = '' if n.requires_grad else ', style=dashed'
        lines.append('  n{} [label="{}: {}\\n{}"{}];'.format(n.id, n.id, label(n, names), shape(n), style))
    for n in graph.nodes:
        for c in n.children:
            lines.append('  n{} -> n{};'.format(c.id, n.id))
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


def draw(graph, out, names=None, title=None):
    """A picture of the graph, inputs on the left, the loss on the right, into PNG file `out`."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    names = names or {}
    place = layout(graph)
    columns = [x for x, _ in place.values()]
    rows = [y for _, y in place.values()]
    fig, ax = plt.subplots(figsize=(1.4 * (max(columns) - min(columns) + 1.3),
                                    1.2 * (max(rows) - min(rows) + 1)))
    boxes = {}
    for n, (x, y) in place.items():
        boxes[n] = ax.text(x, y, '{}: {}\n{}'.format(n.id, label(n, names), shape(n)),
                           ha='center', va='center', fontsize=9, bbox=dict(
                               boxstyle='round', facecolor='white' if n.requires_grad else '0.92',
                               edgecolor='0.3', linestyle='-' if n.requires_grad else '--'))
    for n in graph.nodes:
        for c in n.children:  # an arrow from each child to its parent, box border to border
            ax.annotate('', xy=place[n], xytext=place[c], arrowprops=dict(
                arrowstyle='->', color='0.35', patchA=boxes[c].get_bbox_patch(),
                patchB=boxes[n].get_bbox_patch()))
    ax.set_xlim(min(columns) - 0.6, max(columns) + 0.6)
    ax.set_ylim(min(rows) - 0.6, max(rows) + 0.6)
    ax.axis('off')
    if title:
        ax.set_title(title)
    with atomic.output_file(out) as f:
        fig.savefig(f, format='png', dpi=100, bbox_inches='tight', metadata={'Software': None})
    plt.close(fig)


def example(model):
    """The graph that lin-train.py or mlp-train.py builds, run forward on one image; names too."""
    import mnist
    images, labels = mnist.load('test')
    params = paramfile.initial(model, 300, numpy.random.default_rng(0))
    g = nn.Graph()
    p = {name: g.var(value) for name, value in params.items()}
    x = g.var(images[0], requires_grad=False)
    y = g.var(nn.one_hot(labels[0], 10), requires_grad=False)
    if model == 'linear':
        score = g.add(g.mul(x, p['w']), p['b'])
    else:
        score = g.add(g.mul(g.logistic(g.add(g.mul(x, p['w1']), p['b1'])), p['w2']), p['b2'])
    g.cross_entropy(score, y)
    nn.forward(g)
    names = {v: k for k, v in p.items()}
    names.update({x: 'x', y: 'y', g.nodes[-1]: 'loss'})
    return g, names


def main():
    parser = options.Parser(usage='%(prog)s {linear,mlp} [--dot | --png FILE]',
                           description='Show the graph that the train scripts build for a model.')
    parser.add_argument('model', choices=['linear', 'mlp'])
    parser.add_argument('--dot', action='store_true', help='print Graphviz DOT instead')
    parser.add_argument('--png', metavar='FILE', help='draw the graph into FILE with matplotlib')
    args = parser.parse_args()
    g, names = example(args.model)
    if args.png:
        draw(g, args.png, names, 'The {} graph'.format(
            'linear classifier' if args.model == 'linear' else 'MLP'))
    else:
        sys.stdout.write(to_dot(g, names) if args.dot else listing(g, names) + '\n')


if __name__ == '__main__':
    errors.in_one_line()
    main()
