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

This file is the command and the name to import; the pieces are in graphview/, one concern a
module.
"""

import argparse
import sys

# first: one line if no numpy
from plumbing import errors, options

import nn
from graphview.examples import EXAMPLES, TRACED
from graphview.listing import listing, to_dot
from graphview.picture import draw, figure_format
from graphview.trace import Contribution, Value, steps, trace

__all__ = ['Contribution', 'Value', 'draw', 'listing', 'steps', 'to_dot', 'trace']


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
