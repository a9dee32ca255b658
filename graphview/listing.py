"""A graph as text: a listing of its nodes, and Graphviz DOT; how a value is written in them.

    print(listing(g, {w: 'w', b: 'b'}))      # after nn.forward(g), so that values have shapes
    open('g.dot', 'w').write(to_dot(g))      # for Graphviz: dot -Tpng g.dot > g.png

`names` maps nodes to labels, and is optional everywhere.
"""

import numpy

SMALL = 6  # a value of up to 6 numbers is shown in full; a bigger one by its shape and norm


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
        text = dot_string('\n'.join(box(n, names)))
        style = '' if n.requires_grad else ', style=dashed'
        lines.append(f'  n{n.id} [label={text}{style}];')
    for n in graph.nodes:
        for c in n.children:
            lines.append(f'  n{c.id} -> n{n.id};')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def dot_string(text):
    """text as a quoted DOT string, drawn as it is: a quote is escaped, so that it does not end
    the string; a backslash is doubled, so that 'C:\\new' is not drawn as 'C:' and 'ew'; each line
    break becomes DOT's own, \\n; and & becomes &amp;, since Graphviz reads '&amp;' as '&'."""
    for plain, escaped in (('&', '&amp;'), ('\\', '\\\\'), ('"', '\\"'), ('\n', '\\n')):
        text = text.replace(plain, escaped)
    return f'"{text}"'
