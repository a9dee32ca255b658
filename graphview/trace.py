"""The numbers flowing through forward and backward: the steps, as data, and the --trace text
written from them.

    done = steps(g)                        # runs nn.forward and nn.backward on g
    print('\\n'.join(trace(g, {a: 'a'})))  # the same, as the lines of ./showgraph.py --trace

The text is written from the steps alone; the steps come from the events that nn.py reports.
"""

import collections
import re

import numpy

import formulas
import nn
from graphview.listing import numbers


class Value(collections.namedtuple('Value', 'node value')):
    """A step of forward: `node` has computed `value` (a copy)."""


class Contribution(collections.namedtuple('Contribution', 'child parent formula delta total arg')):
    """A step of backward: `parent` adds `delta` to the gradient of `child`, which is now
    `total` (copies). `formula` is delta's, as formulas.py writes it, with node ids for its
    letters: 'dL/dnode4 node0' for a formula 'dL/dx = dL/dn w'. `arg` is the child's
    place among the parent's children: g.add(a, a) passes two contributions to a, arg 0 and 1."""


def steps(graph, loss=None):
    """Run nn.forward and nn.backward(graph, loss) on graph; what they did, in order: a Value for
    each node forward computes, then a Contribution for each gradient backward passes to a child.

    nn.trace hands over each event as it happens: forward calls it with the node it computed,
    add_grad with the parent, the child's place and the contribution.
    """
    done = []

    def watch(n, i=None, delta=None):
        if i is None:
            done.append(Value(n, numpy.copy(n.value)))
        else:
            child = n.children[i]
            done.append(
                Contribution(
                    child=child,
                    parent=n,
                    formula=gradient_formula(n, i),
                    delta=numpy.copy(delta),
                    total=numpy.copy(child.grad),
                    arg=i,
                )
            )

    old, nn.trace = nn.trace, watch
    try:
        nn.forward(graph)
        nn.backward(graph, loss)
    finally:
        nn.trace = old
    return done


def gradient_formula(n, i):
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


def loss_value(done, loss=None):
    """The Value of the loss among the steps: of the last node forward computed, unless `loss`
    (the node given to backward) is given; None if forward computed nothing."""
    values = [s for s in done if isinstance(s, Value) and loss in (None, s.node)]
    return values[-1] if values else None


def gradients(done, loss=None):
    """{node: its gradient after backward}, from the steps alone: the running total of the last
    contribution that each node received; for the loss (the last node forward computed, unless
    given), backward's seed dL/dL = 1. A node's gradient is complete before it passes it on,
    so this is also the gradient that each of its contributions was computed from."""
    start = loss_value(done, loss)
    found = {} if start is None else {start.node: numpy.ones(numpy.shape(start.value))}
    for s in done:
        if isinstance(s, Contribution):
            found[s.child] = s.total
    return found


def formula(n, args):
    """How n's value follows from its children's, shown as args: '1 + 2', 'logistic([0, 0])'."""
    if n.type in formulas.FORMULAS:
        return formulas.FORMULAS[n.type][0].format(*args)
    return '{}({})'.format(n.type, ', '.join(args))  # a type new to nn.py


def node(n, names):
    """'node 2 add(0, 1)', 'node 0 var a': a node, as a trace names it."""
    children = '({})'.format(', '.join(str(c.id) for c in n.children)) if n.children else ''
    return 'node {} {}{}{}'.format(n.id, n.type, children, ' ' + names[n] if n in names else '')


def trace(graph, names=None, loss=None):
    """Run forward and backward(graph, loss) on graph; the lines that say what they did, step by
    step.

    Forward: each node and its value, 'node 2 add(0, 1) = 1 + 2 = 3'. Backward, under each
    node that passes its gradient on: each contribution to a child, with its formula and the
    child's running total, 'node 0 += dL/dnode2 = 1 -> 1'. Then the vars' gradients. Values of
    more than a few numbers show as their shape and norm. All numbers come from the steps.
    """
    names = names or {}
    done = steps(graph, loss)
    grads = gradients(done, loss)
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
    loss_id = (graph.nodes[-1] if loss is None else loss).id
    lines.append(f'backward, in reverse order, from the loss L = node {loss_id}:')
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
