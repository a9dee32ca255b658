#!/usr/bin/env python3
"""Check the gradients of `nn.backward` against finite differences.

On any graph you build:

    import gradcheck
    for node, error in gradcheck.check(g):    # worst first; nan: could not be checked
        print(node, error)

Or, with no arguments, check every node type of nn.py on a row vector and on a batch:

    $ python3 gradcheck.py

Both check in float64, whatever the vars hold: float32 keeps 7 digits, so a value moved by 1e-6
moves in its last few digits only, and the difference quotient is mostly rounding: a right
float32 backward would look wrong, with errors of 0.03 and more.

A check needs finite numbers: where the loss, a var's value, backward's gradient or a difference
quotient is not finite (a var holding inf, say), the error is nan, which never passes.
"""

import argparse
import math
import sys

# first: it says if numpy is missing
from plumbing import errors

import numpy

import checks
import formulas
import nn

TOLERANCE = 1e-6


def check(graph, seed=None, eps=1e-6, loss=None):
    """[(var node, relative error)] for every var that requires a gradient, worst first.

    The loss is L = sum(seed * loss's value), seed ones by default (what backward seeds), loss
    the last node by default, as for backward: give it if nodes were built after it.
    Each entry of each var is moved by +-eps and dL/dv is estimated as (L(v+eps) - L(v-eps))
    / (2 eps); the error is |numeric - backward| / max(|numeric|, |backward|) over the whole
    array (0 where both are 0), or nan where any of these numbers, or the var's value, is not
    finite: such a gradient cannot be checked, and nan comes first. It is all done in float64:
    each var's value (float32, integer, a number) is replaced by a float64 copy for the check,
    and put back afterwards.
    """
    last = graph.nodes[-1] if loss is None else checks.loss(graph, loss)
    leaves = [v for v in graph.nodes if v.type == 'var' and v.value is not None]
    originals = [v.value for v in leaves]
    for v in leaves:
        v.value = numpy.array(v.value, dtype=numpy.float64)  # a copy, moved entry by entry below

    def loss():
        nn.forward(graph)
        return numpy.sum(last.value if seed is None else seed * last.value)

    finite = math.isfinite(loss())
    if seed is not None:
        last.grad = numpy.array(seed, dtype=float)
    nn.backward(graph, last)
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
            with numpy.errstate(invalid='ignore'):  # inf - inf: nan, which is reported below
                numeric[i] = (plus - minus) / (2 * eps)
        # at a value that is not finite, moving it by eps moves nothing: no estimate there
        checkable = finite and numpy.isfinite(v.value).all()
        results.append((v, relative_error(numeric, analytic) if checkable else math.nan))
    for v, value in zip(leaves, originals, strict=True):
        v.value = value
    loss()  # leave the graph as backward left it, at the original values
    if seed is not None:
        last.grad = numpy.array(seed, dtype=float)
    nn.backward(graph, last)
    return sorted(results, key=lambda r: -math.inf if math.isnan(r[1]) else -r[1])


def relative_error(numeric, analytic):
    """|numeric - analytic| / max(|numeric|, |analytic|) (norms; 0 if both are 0), or nan if
    either holds a number that is not finite."""
    if not (numpy.isfinite(numeric).all() and numpy.isfinite(analytic).all()):
        return math.nan
    scale = max(numpy.linalg.norm(numeric), numpy.linalg.norm(analytic))
    return float(numpy.linalg.norm(numeric - analytic) / scale) if scale > 0 else 0.0


def passes(error):
    """Whether a relative error passes the check: below TOLERANCE, and so never nan."""
    return error < TOLERANCE


def cases(rows, rng):
    """{description: graph} with one node of each type last; rows=None for a single row vector.

    Inputs are random floats kept away from 0, so that relu's kink is not straddled. A type
    with no case of its own below is built from its builder (its type, '-' read as '_') on as
    many inputs of one shape as formulas.py gives it children: a type that works entry by entry
    needs no case here.
    """

    def var(*shape):
        return g.var(rng.choice([-1, 1], shape) * rng.uniform(0.2, 2, shape))

    shape = (4,) if rows is None else (rows, 4)
    builders = {
        'add, bias': lambda: g.add(var(*shape), var(4)),
        'sub, bias': lambda: g.sub(var(*shape), var(4)),
        'mul': lambda: g.mul(var(*shape), var(4, 3)),
        'emul, bias': lambda: g.emul(var(*shape), var(4)),
        'cross-entropy': lambda: g.cross_entropy(
            var(*shape), g.var(rng.dirichlet(numpy.ones(4), rows))
        ),
    }
    graphs = {}
    for name in formulas.node_types() + [name for name in builders if ', ' in name]:
        g = nn.Graph()
        if name in builders:
            builders[name]()
        elif name == 'var':
            var(*shape)
        else:
            inputs = [var(*shape) for _ in formulas.FORMULAS[name][1]]
            build = getattr(g, name.replace('-', '_'), None)  # a type with no builder yet:
            build(*inputs) if build else g.node(name, *inputs)  # forward will say what is missing
        graphs[name] = g
    return dict(sorted(graphs.items(), key=lambda item: order(item[0])))


def order(name):
    """Where a case is listed: by its type's place in formulas.py, a variant after its type."""
    return formulas.node_types().index(name.split(',')[0]), name


def self_check(rng=None):
    """[(description, shape of input, worst var node, its error)] for every case of every type.

    A case that cannot even run forward (a new type whose default case does not fit it), or
    that reaches a case of forward or backward not written yet (a handout's stub, which raises
    NotImplementedError), is reported with node None and the error's message in place of a
    number: the other types are still checked.
    """
    rng = rng or numpy.random.default_rng(0)
    report = []
    for rows in (None, 3):
        shape = 'row' if rows is None else f'batch of {rows}'
        for name, g in cases(rows, rng).items():
            try:
                nn.forward(g)
                seed = rng.uniform(-1, 1, numpy.shape(g.nodes[-1].value))  # any upstream gradient
                worst, error = check(g, seed)[0]
            except NotImplementedError as e:
                report.append((name, shape, None, f'not written yet: {e}'))
                continue
            except (TypeError, ValueError) as e:
                report.append((name, shape, None, f'{type(e).__name__}: {e}'))
                continue
            report.append((name, shape, worst, error))
    return report


def verdict(error):
    """'ok', 'WRONG', or why the case could not be checked."""
    if isinstance(error, str) and error.startswith('not written yet'):
        return f'NOT CHECKED: {error}'
    if isinstance(error, str):
        return f'NOT CHECKED: {error}; give the type a case in gradcheck.cases'
    if math.isnan(error):
        return 'NOT CHECKED: a number is not finite'
    return 'ok' if passes(error) else 'WRONG'


def main():
    parser = argparse.ArgumentParser(
        description='Check the backward of every node type in nn.py against finite differences.',
        usage='python3 gradcheck.py',
    )
    parser.parse_args()
    report = self_check()
    print('checked in float64 (values of other dtypes are cast for the check)')
    print('{:<16} {:<12} {:<28} {}'.format('node type', 'input', 'worst var', 'relative error'))
    for name, shape, node, error in report:
        where = '-' if node is None else f'node {node.id} {numpy.shape(node.value)}'
        number = '-' if isinstance(error, str) else f'{error:.1e}'
        print(f'{name:<16} {shape:<12} {where:<28} {number} {verdict(error)}')
    types = formulas.node_types()
    print(
        f'node types: the {len(types)} of formulas.py; one missing there is not checked '
        '(README: Adding a node type)'
    )
    numbers = [e for *_, e in report if not isinstance(e, str) and not math.isnan(e)]
    bad = [r for r in report if verdict(r[3]) != 'ok']
    print(
        f'{len(report)} checks, worst error {max(numbers):.1e}, '
        f'{len(bad)} over {TOLERANCE:g} or not checked'
    )
    return 1 if bad else 0


if __name__ == '__main__':
    errors.in_one_line()
    sys.exit(main())
