#!/usr/bin/env python3
"""Every node type of nn.py at extreme inputs, against exact references: the worst errors.

    $ python3 tests/extremes.py

Inputs reach magnitude 1e3, tails like -40 where the logistic is 4e-18, and +-inf where the
math has a limit. The references never use nn.py's formulas: sums and products are computed
exactly with fractions, everything with exp or log from the textbook definitions (1 / (1 +
e^-a), s (1 - s), 1 - tanh^2, ...) in 1,100-digit decimals, enough for 1 - tanh(1000)^2, which
is 1e-869; at +-inf the reference is the limit.

The error is relative: |nn - exact| / |exact|, where |exact| is at least the smallest normal
float, 2.2e-308 (below it floats are spaced 4.9e-324 apart whatever the formula). Two kinds of
value are measured otherwise: a log-probability (logsoftmax, cross-entropy) by its absolute
error when it is within 1 of 0, as that is the relative error of the probability it stands for;
and a gradient of logsoftmax, whose entries are differences of the upstream gradient's entries,
relative to that upstream gradient's size (sum |dL/dn|).
"""

import decimal
import fractions
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# first: one line if numpy is missing; Ctrl-C one line, a closed output (| head) none
from plumbing import errors

import numpy

import nn

D = decimal.Context(prec=1100, Emin=-(10**6), Emax=10**6)
TINY = numpy.finfo(float).tiny
INF = float('inf')
TAILS = [
    -INF,
    -1e3,
    -745.0,
    -709.0,
    -40.0,
    -30.0,
    -1.0,
    -1e-300,
    0.0,
    1e-300,
    1.0,
    30.0,
    40.0,
    709.0,
    1e3,
    INF,
]
BIG = [1e3, -1e3, 999.5, -0.125, 1e-300, 3.0]  # magnitudes up to 1e3, and a tiny one


def dec(x):
    return D.create_decimal(float(x))


def run(build, *values, upstream=None):
    """(value, gradients of the vars) of the graph build(g, *vars) at `values`, seeded with
    `upstream` (ones by default)."""
    g = nn.Graph()
    leaves = [g.var(numpy.array(v, dtype=float)) for v in values]
    loss = build(g, *leaves)
    with numpy.errstate(invalid='ignore'):  # cross-entropy's 0 * -inf, which it leaves out
        nn.forward(g)
    if upstream is not None:
        loss.grad = numpy.array(upstream, dtype=float)
    nn.backward(g)
    return loss.value, [v.grad for v in leaves]


def relative(got, exact, floor=TINY):
    """The worst |got - exact| / max(|exact|, floor) over the entries of got, in order, and of
    the list `exact` (numbers, fractions or decimals); exact infinities must be matched."""
    got = numpy.ravel(got)
    assert len(got) == len(exact), (got.shape, len(exact))
    worst = 0.0
    for x, e in zip(got.tolist(), exact, strict=True):
        if float(e) in (INF, -INF):
            error = 0.0 if x == float(e) else INF
        elif x != x or x in (INF, -INF):
            error = INF
        else:
            exact_e = fractions.Fraction(str(e) if isinstance(e, decimal.Decimal) else e)
            error = float(
                abs(fractions.Fraction(x) - exact_e) / max(abs(exact_e), fractions.Fraction(floor))
            )
        worst = max(worst, error)
    return worst


# --- Exact references ----------------------------------------------------------------------------


def logistic_exact(a):
    if a in (INF, -INF):
        return (dec(1) if a > 0 else dec(0)), dec(0)
    s = D.divide(1, D.add(1, D.exp(-dec(a))))
    return s, D.multiply(s, D.subtract(1, s))  # s (1 - s)


def tanh_exact(a):
    if a in (INF, -INF):
        return dec(1 if a > 0 else -1), dec(0)
    e = D.exp(D.multiply(2, dec(a)))
    t = D.divide(D.subtract(e, 1), D.add(e, 1))
    return t, D.subtract(1, D.multiply(t, t))  # 1 - t^2


def logsoftmax_exact(a, upstream):
    """log softmax(a) of a row, and dL/da = dL/dn - softmax(a) sum(dL/dn)."""
    lse = D.ln(sum((D.exp(dec(x)) for x in a), dec(0)))
    logp = [dec(x) - lse for x in a]
    total = sum((dec(u) for u in upstream), dec(0))
    return logp, [dec(u) - D.exp(lp) * total for u, lp in zip(upstream, logp, strict=True)]


def frac(x):
    return fractions.Fraction(float(x))


# --- The cases: (node type, measure, [(value error, gradient error)]) ----------------------------


def elementwise_unary(name, exact):
    errors = []
    for a in TAILS:
        value, (grad,) = run(lambda g, x: getattr(g, name)(x), a)
        v, d = exact(a)
        errors.append((relative(value, [v]), relative(grad, [d])))
    return errors


def relu_errors():
    errors = []
    for a in TAILS:
        value, (grad,) = run(lambda g, x: g.relu(x), a)
        errors.append((relative(value, [max(a, 0.0)]), relative(grad, [1.0 if a > 0 else 0.0])))
    return errors


def binary_errors(name, op, da, db):
    """Element-wise a op b over every pair of BIG, and its gradients da(a, b), db(a, b)."""
    errors = []
    a = numpy.array([[x] * len(BIG) for x in BIG])  # every pair, as a batch
    b = numpy.array([BIG] * len(BIG))
    value, (ga, gb) = run(lambda g, x, y: getattr(g, name)(x, y), a, b)
    pairs = list(zip(a.ravel(), b.ravel(), strict=True))
    errors.append(
        (
            relative(value, [op(frac(x), frac(y)) for x, y in pairs]),
            max(
                relative(ga, [da(frac(x), frac(y)) for x, y in pairs]),
                relative(gb, [db(frac(x), frac(y)) for x, y in pairs]),
            ),
        )
    )
    return errors


def sum_errors():
    a = numpy.array([BIG, BIG[::-1]])
    value, (grad,) = run(lambda g, x: g.sum(x), a, upstream=-0.75)
    return [(relative(value, [sum(frac(x) for x in a.ravel())]), relative(grad, [-0.75] * a.size))]


def mul_errors():
    rng = numpy.random.default_rng(11)
    x = numpy.array(BIG)
    w = rng.choice([-1, 1], (6, 3)) * numpy.array([1e3, 1.5, 1e-300, 7.0, 999.0, 0.5])[:, None]
    up = numpy.array([1e3, -0.5, 2.0])
    value, (gx, gw) = run(lambda g, u, v: g.mul(u, v), x, w, upstream=up)
    exact = [sum(frac(x[i]) * frac(w[i, j]) for i in range(6)) for j in range(3)]
    exact_gx = [sum(frac(up[j]) * frac(w[i, j]) for j in range(3)) for i in range(6)]
    exact_gw = [frac(x[i]) * frac(up[j]) for i in range(6) for j in range(3)]
    return [(relative(value, exact), max(relative(gx, exact_gx), relative(gw, exact_gw)))]


def squared_error_errors():
    p, t = numpy.array([BIG, BIG]), numpy.array([BIG[::-1], [0.0] * len(BIG)])
    value, (gp, gt) = run(lambda g, u, v: g.squared_error(u, v), p, t)
    exact = [
        sum((frac(x) - frac(y)) ** 2 for x, y in zip(pr, tr, strict=True))
        for pr, tr in zip(p, t, strict=True)
    ]
    diff = [2 * (frac(x) - frac(y)) for x, y in zip(p.ravel(), t.ravel(), strict=True)]
    return [(relative(value, exact), max(relative(gp, diff), relative(gt, [-d for d in diff])))]


LOGSOFTMAX_ROWS = [
    [1e3, -1e3],
    [1e3, 999.0],
    [1e3, 960.0],
    [-1e3, -1e3 + 1e-3, -999.0],
    [40.0, 0.0],
    [0.0, -INF],
    [-INF, 0.0, 1.0],
    [3.0, 1.0, 0.2, -0.5],
]


def logsoftmax_errors():
    errors = []
    for a in LOGSOFTMAX_ROWS:
        for k in range(len(a)):
            up = [0.0] * len(a)
            up[k] = -1.0  # what cross-entropy sends for gold class k
            value, (grad,) = run(lambda g, x: g.logsoftmax(x), a, upstream=up)
            logp, exact_grad = logsoftmax_exact(a, up)
            errors.append(
                (
                    relative(value, logp, floor=1.0),
                    relative(grad, exact_grad, floor=sum(abs(u) for u in up)),
                )
            )
    return errors


def cross_entropy_errors():
    errors = []
    for a in LOGSOFTMAX_ROWS:
        for k in range(len(a)):
            gold = nn.one_hot(k, len(a))
            value, (grad, _) = run(lambda g, x, y: g.cross_entropy(x, y), a, gold)
            logp, exact_grad = logsoftmax_exact(a, -gold)
            errors.append(
                (relative(value, [-logp[k]], floor=1.0), relative(grad, exact_grad, floor=1.0))
            )
    return errors


# {node type: (what it is measured on, a function giving [(value error, gradient error)])}, in
# the order of formulas.py
CASES = {
    'var': (
        'finite TAILS',
        lambda: [
            (0.0, relative(run(lambda g, x: x, TAILS[1:-1])[1][0], [1.0] * (len(TAILS) - 2)))
        ],
    ),
    'add': (
        'all pairs of BIG',
        lambda: binary_errors('add', lambda x, y: x + y, lambda x, y: 1, lambda x, y: 1),
    ),
    'mul': ('BIG times a matrix', mul_errors),
    'logistic': ('TAILS', lambda: elementwise_unary('logistic', logistic_exact)),
    'logsoftmax': ('LOGSOFTMAX_ROWS', logsoftmax_errors),
    'cross-entropy': ('LOGSOFTMAX_ROWS', cross_entropy_errors),
    'sub': (
        'all pairs of BIG',
        lambda: binary_errors('sub', lambda x, y: x - y, lambda x, y: 1, lambda x, y: -1),
    ),
    'emul': (
        'all pairs of BIG',
        lambda: binary_errors('emul', lambda x, y: x * y, lambda x, y: y, lambda x, y: x),
    ),
    'sum': ('BIG', sum_errors),
    'tanh': ('TAILS', lambda: elementwise_unary('tanh', tanh_exact)),
    'relu': ('TAILS', relu_errors),
    'squared-error': ('BIG', squared_error_errors),
}


def measure():
    """{node type: (measured on, worst value error, worst gradient error)}."""
    measured = {}
    for name, (on, errors_of) in CASES.items():
        errors = errors_of()
        measured[name] = (on, max(e[0] for e in errors), max(e[1] for e in errors))
    return measured


def main():
    print('node type       inputs                value error  gradient error')
    for name, (on, value, grad) in measure().items():
        print(f'{name:<15} {on:<21} {value:.1e}      {grad:.1e}')
    print(
        'relative errors; a log-probability within 1 of 0 by its absolute error, and the '
        "gradient of\nlogsoftmax relative to sum |dL/dn| (see this file's docstring). Inputs:"
    )
    for name in ('TAILS', 'BIG', 'LOGSOFTMAX_ROWS'):
        print(f'  {name} = {globals()[name]}')


if __name__ == '__main__':
    errors.in_one_line()  # a mistake or Ctrl-C: one line, not a traceback
    main()
