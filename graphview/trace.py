"""The numbers flowing through forward and backward: the steps, as data, and the --trace text
written from them.

    done = steps(g)                        # runs nn.forward and nn.backward on g
    print('\\n'.join(trace(g, {a: 'a'})))  # the same, as the lines of ./showgraph.py --trace

The text is written from the steps alone, so it stays the same whatever way nn reports them.
"""

import collections
import inspect
import re

import numpy

import nn
from graphview.listing import numbers

# How a trace writes each type's value from its children's ({0}, {1}); nn.forward computes it.
NOTATION = {
    'add': '{0} + {1}',
    'mul': '{0} @ {1}',
    'logistic': 'logistic({0})',
    'logsoftmax': 'logsoftmax({0})',
    'cross-entropy': '-{0} . {1}',
    'sub': '{0} - {1}',
    'emul': '{0} * {1}',
    'sum': 'sum({0})',
    'tanh': 'tanh({0})',
    'relu': 'relu({0})',
    'squared-error': 'sum(({0} - {1})^2)',
}


class Value(collections.namedtuple('Value', 'node value')):
    """A step of forward: `node` has computed `value` (a copy)."""


class Contribution(collections.namedtuple('Contribution', 'child parent formula delta total arg')):
    """A step of backward: `parent` adds `delta` to the gradient of `child`, which is now
    `total` (copies). `formula` is delta's in nn.backward, with node ids for its letters:
    'dL/dnode4 node0^T' where nn.py says 'dL/dx = dL/dn A^T'. `arg` is the child's place among
    the parent's children: g.add(a, a) passes two contributions to a, for arg 0 and arg 1."""


def steps(graph):
    """Run nn.forward and nn.backward on graph; what they did, in order: a Value for each node
    forward computes, then a Contribution for each gradient backward passes to a child.

    nn.trace hands over the numbers as they are computed; each formula is the comment on the
    line of nn.backward that computed the contribution.
    """
    done = []

    def watch(n, delta=None):
        if delta is None:
            done.append(Value(n, numpy.copy(n.value)))
        else:
            parent, formula = contributor(inspect.currentframe().f_back)
            done.append(
                Contribution(
                    child=n,
                    parent=parent,
                    formula=formula,
                    delta=numpy.copy(delta),
                    total=numpy.copy(n.grad),
                    arg=argument(parent, n, done),
                )
            )

    old, nn.trace = nn.trace, watch
    try:
        nn.forward(graph)
        nn.backward(graph)
    finally:
        nn.trace = old
    return done


def argument(parent, child, done):
    """The place among parent's children of the child that a new contribution goes to: backward
    passes to the children in order, so the k-th contribution from parent to a child that it
    reads several times (g.add(a, a)) is for the child's k-th place. None if there is no parent.
    """
    if parent is None:
        return None
    places = [i for i, c in enumerate(parent.children) if c is child]
    k = sum(isinstance(s, Contribution) and s.parent is parent and s.child is child for s in done)
    return places[k] if k < len(places) else None


def gradients(done):
    """{node: its gradient after backward}, from the steps alone: the running total of the last
    contribution that each node received; for the loss, the last node forward computed, the seed
    that backward starts from, dL/dL = 1. A node's gradient is complete before it passes it on,
    so this is also the gradient that each of its contributions was computed from."""
    values = [s for s in done if isinstance(s, Value)]
    found = {values[-1].node: numpy.ones(numpy.shape(values[-1].value))} if values else {}
    for s in done:
        if isinstance(s, Contribution):
            found[s.child] = s.total
    return found


def contributor(frame):
    """(parent, formula) of the contribution that add_grad, running in `frame`, was called for:
    the node whose case in nn.backward called it, and the formula of that call, with ids."""
    while frame is not None and frame.f_code is not nn.backward.__code__:
        frame = frame.f_back
    if frame is None:
        return None, '?'  # add_grad called from elsewhere
    parent = frame.f_locals['n']
    lines, first = inspect.getsourcelines(nn.backward)
    written = case_formulas(lines, frame.f_lineno - first)
    child = re.search(r'add_grad\(c\[(\d)\]', lines[frame.f_lineno - first])
    formula = written.get(int(child.group(1))) if child else None
    if formula is None:
        return parent, '?'
    symbols = {re.match(r'dL/d(\w+)', f).group(1): parent.children[i] for i, f in written.items()}
    symbols['n'] = parent

    def ids(m):  # 'dL/dn' -> 'dL/dnode4', 'A' -> 'node0'; other words stay
        n = symbols.get(m.group(2))
        return m.group(0) if n is None else f'{m.group(1)}node{n.id}'

    right = formula.split(' = ', 1)[1].split(', ')[0]  # ', with ...' explains, is no formula
    return parent, re.sub(r'(dL/d|\b)([A-Za-z]\w*)', ids, right)


def case_formulas(lines, index):
    """{child index: 'dL/da = dL/dn'}: the formulas in the comments of the case of nn.backward
    that holds lines[index], each for the child of the add_grad call on or below it."""
    top = index
    while 'n.type ==' not in lines[top]:
        top -= 1
    depth = len(lines[top]) - len(lines[top].lstrip())
    found, pending = {}, None
    for line in lines[top + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) <= depth:
            break  # the next case
        comment = re.search(r'#\s*(dL/d\w+ = .*?)\s*$', line)
        pending = comment.group(1) if comment else pending
        call = re.search(r'add_grad\(c\[(\d)\]', line)
        if call and pending:
            found[int(call.group(1))], pending = pending, None
    return found


def formula(n, args):
    """How n's value follows from its children's, shown as args: '1 + 2', 'logistic([0, 0])'."""
    if n.type in NOTATION:
        return NOTATION[n.type].format(*args)
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
    more than a few numbers show as their shape and norm. All numbers come from the steps.
    """
    names = names or {}
    done = steps(graph)
    grads = gradients(done)
    lines, values = ['forward, in the order of graph.nodes:'], {}
    for step in done:
        if isinstance(step, Value):
            n, values[step.node] = step.node, step.value
            args = [numbers(values[c]) for c in n.children]
            lines.append(
                '  {} = {}{}'.format(
                    node(n, names), formula(n, args) + ' = ' if args else '', numbers(step.value)
                )
            )
    lines.append(f'backward, in reverse order, from the loss L = node {graph.nodes[-1].id}:')
    parent = None
    for step in done:
        if isinstance(step, Contribution):
            if step.parent is not parent:
                parent = step.parent
                lines.append(
                    f'  {node(parent, names)}, dL/dnode{parent.id} = {numbers(grads[parent])}:'
                )
            delta, total = numbers(step.delta), numbers(step.total)
            lines.append(f'    node {step.child.id} += {step.formula} = {delta} -> {total}')
    lines.append("the vars' gradients, as backward leaves them:")
    for n in graph.nodes:
        if not n.children:
            grad = numbers(grads.get(n)) if n.requires_grad else 'none (requires_grad=False)'
            lines.append(f'  {node(n, names)}: grad = {grad}')
    return lines
