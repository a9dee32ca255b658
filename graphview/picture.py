"""A graph drawn with matplotlib, inputs on the left and the loss on the right, into a PNG, PDF
or SVG file:

    draw(g, 'g.pdf', {w: 'w'})    # after nn.forward(g) and nn.backward(g): boxes show the numbers

Only draw needs matplotlib, and imports it: the rest of showgraph runs without it.
"""

import os

from plumbing import atomic, errors

from graphview.listing import box

FORMATS = ('png', 'pdf', 'svg')  # of a picture, from its file name


def layout(graph):
    """{node: (column, row)}: each operation in a column after its children's, in row 0; each
    var in the column just before its first use, in rows 1, -1, 2, -2 ... (above, below), as is
    an operation that finds row 0 of its column taken, so that no two nodes share a place."""
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
    place, middle, taken = {}, set(), {}
    for n in graph.nodes:
        if n.children and column[n] not in middle:
            middle.add(column[n])
            place[n] = (column[n], 0)
        else:
            k = taken[column[n]] = taken.get(column[n], 0) + 1
            place[n] = (column[n], (k + 1) // 2 * (1 if k % 2 else -1))
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
    place = {n: (1.3 * x, y) for n, (x, y) in layout(graph).items()}  # columns 1.3 apart
    # a $ escaped: matplotlib would take the text between two for mathematics (mathtext)
    texts = {n: '\n'.join(box(n, names, rows=True)).replace('$', r'\$') for n in graph.nodes}
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
        ax.set_title(title.replace('$', r'\$'))
    metadata = {'png': {'Software': None}, 'pdf': {'CreationDate': None}, 'svg': {'Date': None}}
    with atomic.output_file(out) as f:
        fig.savefig(f, format=kind, dpi=200, bbox_inches='tight', metadata=metadata[kind])
    plt.close(fig)
