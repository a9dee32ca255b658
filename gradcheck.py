#!/usr/bin/env python3
"""Check the gradients of `nn.backward` against finite differences.

On any graph you build:

    import gradcheck
    for node, error in gradcheck.check(g):    # worst first
        print(node, error)

Or, with no arguments, check every node type of nn.py on a row vector and on a batch:

    $ python3 gradcheck.py

Both check in float64, whatever the vars hold: float32 keeps 7 digits, so a value moved by 1e-6
moves in its last few digits only, and the difference quotient is mostly rounding: a right
float32 backward would look wrong, with errors of 0.03 and more.
"""

import argparse
import inspect
import re
import sys

# first: it says if numpy is missing
from plumbing import errors

import numpy

import nn

TOLERANCE = 1e-6


def check(graph, seed=None, eps=1e-6):
    """[(var node, relative error)] for every var that requires a gradient, worst first.

    The loss is L = sum(seed * last node's value), seed ones by default (what backward seeds).
    Each entry of each var is moved by +-eps and dL/dv is estimated as (L(v+eps) - L(v-eps))
    / (2 eps); the error is |numeric - backward| / max(|numeric|, |backward|) over the whole
    array (0 where both are 0). It is all done in float64: each var's value (float32, integer,
    a number) is replaced by a float64 copy for the check, and put back afterwards.
    """
    last = graph.nodes[-1]
    leaves = [v for v in graph.nodes if v.type == 'var' and v.value is not None]
    originals = [v.value for v in leaves]
    for v in leaves:
        v.value = numpy.array(v.value, dtype=numpy.float64)  # a copy, moved entry by entry below

    def loss():
        nn.forward(graph)
        return numpy.sum(last.value if seed is None else seed * last.value)

    loss()
    if seed is not None:
        last.grad = numpy.array(seed, dtype=float)
    nn.backward(graph)
    wanted = [v for v in graph.nodes if v.type == 'var' and v.requires_grad]
    # read them all now: each forward below drops the gradients
    analytics = [v.grad if v.grad is not None else numpy.zeros_like(v.value) for v in wanted]
    results = []
    for v, analytic in zip(wanted, analytics, strict=True):
        numeric = numpy.zeros_like(v.value)
        for i in numpy.ndindex(v.value.shape):
            old = v.value[i]
            v.value[i] = old + eps
            plus = loss()
            v.value[i] = old - eps
            minus = loss()
            v.value[i] = old
            numeric[i] = (plus - minus) / (2 * eps)
        scale = max(numpy.linalg.norm(numeric), numpy.linalg.norm(analytic))
        error = numpy.linalg.norm(numeric - analytic) / scale if scale > 0 else 0.0
        results.append((v, float(error)))
    for v, value in zip(leaves, originals, strict=True):
        v.value = value
    loss()  # leave the graph as backward left it, at the original values
    if seed is not None:
        last.grad = numpy.array(seed, dtype=float)
    nn.backward(graph)
    return sorted(results, key=lambda r: -r[1])


def node_types():
    """The node types that nn.forward knows, in its order (read from its source)."""
    return re.findall(r"n\.type == '([^']+)'", inspect.getsource(nn.forward))


def cases(rows, rng):
    """{description: graph} with one node of each type last; rows=None for a single row vector.

    Inputs are random floats kept away from 0, so that relu's kink is not straddled.
    """

    def var(*shape):
        return g.var(rng.choice([-1, 1], shape) * rng.uniform(0.2, 2, shape))

    shape = (4,) if rows is None else (rows, 4)
    builders = {
        'var': lambda: var(*shape),
        'add': lambda: g.add(var(*shape), var(*shape)),
        'add, bias': lambda: g.add(var(*shape), var(4)),
        'sub': lambda: g.sub(var(*shape), var(*shape)),
        'sub, bias': lambda: g.sub(var(*shape), var(4)),
        'mul': lambda: g.mul(var(*shape), var(4, 3)),
        'emul': lambda: g.emul(var(*shape), var(*shape)),
        'emul, bias': lambda: g.emul(var(*shape), var(4)),
        'sum': lambda: g.sum(var(*shape)),
        'logistic': lambda: g.logistic(var(*shape)),
        'tanh': lambda: g.tanh(var(*shape)),
        'relu': lambda: g.relu(var(*shape)),
        'logsoftmax': lambda: g.logsoftmax(var(*shape)),
        'cross-entropy': lambda: g.cross_entropy(
            var(*shape), g.var(rng.dirichlet(numpy.ones(4), rows))
        ),
        'squared-error': lambda: g.squared_error(var(*shape), var(*shape)),
    }
    graphs = {}
    for name, build in builders.items():
        g = nn.Graph()
        build()
        graphs[name] = g
    return graphs


def self_check(rng=None):
    """[(description, shape of input, worst var node, its error)] for every case of every type."""
    rng = rng or numpy.random.default_rng(0)
    report = []
    for rows in (None, 3):
        for name, g in cases(rows, rng).items():
            nn.forward(g)
            seed = rng.uniform(-1, 1, numpy.shape(g.nodes[-1].value))  # any upstream gradient
            worst, error = check(g, seed)[0]
            shape = 'row' if rows is None else f'batch of {rows}'
            report.append((name, shape, worst, error))
    return report


def main():
    parser = argparse.ArgumentParser(
        description='Check the backward of every node type in nn.py against finite differences.',
        usage='python3 gradcheck.py',
    )
    parser.parse_args()
    report = self_check()
    checked = {name.split(',')[0] for name, *_ in report}
    missing = [t for t in node_types() if t not in checked]
    print('checked in float64 (values of other dtypes are cast for the check)')
    print('{:<16} {:<12} {:<28} {}'.format('node type', 'input', 'worst var', 'relative error'))
    for name, shape, node, error in report:
        where = f'node {node.id} {numpy.shape(node.value)}'
        verdict = 'ok' if error < TOLERANCE else 'WRONG'
        print(f'{name:<16} {shape:<12} {where:<28} {error:.1e} {verdict}')
    bad = [r for r in report if r[3] >= TOLERANCE]
    for t in missing:
        print(f'node type {t!r} has no case in gradcheck.cases: add one')
    print(
        '{} checks, worst error {:.1e}, {} over {:g}{}'.format(
            len(report),
            max(r[3] for r in report),
            len(bad),
            TOLERANCE,
            f', {len(missing)} node types unchecked' if missing else '',
        )
    )
    return 1 if bad or missing else 0


if __name__ == '__main__':
    errors.in_one_line()
    sys.exit(main())
