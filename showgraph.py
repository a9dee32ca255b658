#!/usr/bin/env python3
"""See a computation graph: a listing of its nodes, Graphviz DOT, a picture, the numbers flowing
through forward and backward, step by step, or a web page that steps through them on the graph.

    ./showgraph.py linear                # the listing of the linear classifier's graph
    ./showgraph.py mlp --dot > mlp.dot   # for Graphviz: dot -Tpng mlp.dot > mlp.png
    ./showgraph.py mlp --draw mlp.svg    # drawn with matplotlib, into .png, .pdf or .svg
    ./showgraph.py --trace twice         # forward and backward on g.add(a, a), step by step
    ./showgraph.py --trace               # ... on each small example
    ./showgraph.py twice --html g.html   # a page to open in a browser: Next, Back, the numbers
    ./showgraph.py mygraph.py --html g.html   # the same for the graph that your file builds

In your own code, after nn.forward(g) and nn.backward(g):

    print(showgraph.listing(g, {w: 'w', b: 'b'}))
    print('\n'.join(showgraph.trace(g, {w: 'w'})))   # runs forward and backward itself
    showgraph.html(g, 'graph.html', {w: 'w'})        # so does the page; in Jupyter: html(g)

This file is the command and the name to import; the pieces are in graphview/, one concern a
module.
"""

import argparse
import sys

# first: one line if no numpy
from plumbing import errors, options
from plumbing.errors import UserError

import nn
from graphview import ownfile, page
from graphview.examples import EXAMPLES, TRACED
from graphview.listing import listing, to_dot
from graphview.page import html
from graphview.picture import draw, figure_format
from graphview.trace import Contribution, Value, steps, trace

__all__ = ['Contribution', 'Value', 'draw', 'html', 'listing', 'steps', 'to_dot', 'trace']


def main():
    parser = options.Parser(
        usage='%(prog)s EXAMPLE|FILE.py [--dot | --draw FILE | --html FILE]\n'
        '       %(prog)s [EXAMPLE|FILE.py] --trace',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Show a computation graph: a listing of its nodes, Graphviz DOT, a picture,\n'
        'the numbers that forward and backward compute, step by step, or a web page that\n'
        'steps through them on the graph. The graph is an example, or the one your FILE.py\n'
        'builds.',
        epilog='examples:\n'
        + ''.join(
            '  {:<14}{}\n'.format(name, f.__doc__.rstrip('.')) for name, f in EXAMPLES.items()
        )
        + '--trace with no EXAMPLE traces {}; --html with none pages {}.\n'.format(
            ', '.join(TRACED), TRACED[0]
        )
        + 'FILE.py: a Python file that builds a graph (g = nn.Graph() ...); its node names are\n'
        'its variables. It runs first, as python3 FILE.py would run it.',
    )
    parser.add_argument(
        'graph',
        nargs='?',
        metavar='EXAMPLE|FILE.py',
        help='the graph to show: an example (see below), or your file that builds one',
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
    show.add_argument(
        '--html',
        metavar='FILE',
        help='write a web page into FILE (.html) that steps through forward and backward',
    )
    args = parser.parse_args()
    if args.graph is not None and args.graph not in EXAMPLES and not args.graph.endswith('.py'):
        parser.error(
            f'argument EXAMPLE|FILE.py: invalid choice: {args.graph!r} (choose from '
            f'{", ".join(EXAMPLES)}, or give a Python file, FILE.py)'
        )
    if args.draw is not None:
        figure_format(args.draw)  # before any work
    if args.html is not None:
        page.check_output(args.html)
    if args.trace and args.graph is None:
        for name in TRACED:
            g, names = EXAMPLES[name]()
            gap = '' if name == TRACED[0] else '\n'
            print(f'{gap}# {name}: {EXAMPLES[name].__doc__}')
            print('\n'.join(trace(g, names)))
        return
    if args.graph is None and args.html is None:
        parser.error('give an EXAMPLE or a FILE.py, or --trace alone to trace the small ones')
    g, names, title, loss = load(args.graph or TRACED[0])
    if args.trace:
        print(f'# {title}')
        print('\n'.join(trace(g, names, loss)))
    elif args.html is not None:
        html(g, args.html, names, title.rstrip('.'), loss)
    elif args.draw is not None:
        draw(g, args.draw, names, title.split(': ', 1)[-1].rstrip('.'))
    else:
        sys.stdout.write(to_dot(g, names) if args.dot else listing(g, names) + '\n')


def load(graph):
    """(graph, names, title, loss) of an example, or of the graph that a Python file builds,
    after forward and backward: 'twice: A node used twice ...', 'mygraph.py'; loss is the node the
    file gave backward, or None for the last node."""
    loss = None
    if graph in EXAMPLES:
        g, names = EXAMPLES[graph]()
        title = f'{graph}: {EXAMPLES[graph].__doc__}'
    else:
        g, names, loss = ownfile.load(graph)
        title = graph
    try:
        nn.forward(g)
        nn.backward(g, loss)
    except (ValueError, TypeError) as e:  # nn's errors name the node and what is wrong with it
        raise UserError(f'{graph}: forward and backward on its graph: {e}') from None
    return g, names, title, loss


if __name__ == '__main__':
    errors.in_one_line()
    main()
