"""The checks of a node type's forward and backward case in nn.py.

forward: on each case of the type alone, n.value against the value the solution computed when
the handout was made (stored in check-data/expected.npz).

backward: on each case, the gradients of the vars, against finite differences (gradcheck.py)
when the forward cases that the graph needs pass; otherwise against the gradients the solution
computed, with the node values set by hand, so that an unfinished forward does not fail the
backward. The cases include a node used twice.
"""

import numpy

from . import cases
from .verdict import PartError, calling, close, how_wrong, relative_error

VALUE_TOLERANCE = 1e-8  # values: numpy's rounding, whichever way a student writes a formula
GRADIENT_TOLERANCE = 1e-6  # gradcheck.TOLERANCE: finite differences are that accurate here


def check_forward(nn, node_type, node_cases, expected):
    """None if forward computes every case's value of node_type right; PartError otherwise."""
    for case in node_cases:
        if cases.types_in(case) != {node_type}:
            continue  # a case with a combiner tests its backward
        where = f'on {cases.describe(case)}'
        g, nodes = cases.build(nn, case)
        calling(f'{where}, forward', nn.forward, g)
        for k, n in enumerate(nodes[len(case['vars']) :], len(case['vars'])):
            want = expected[f'{node_type}/{case["name"]}/value{k}']
            got = n.value
            if got is None:
                raise PartError(f'{where}, node {k} has no value: forward must set n.value')
            if numpy.shape(got) != want.shape:
                raise PartError(
                    f'{where}, node {k} has a value of shape {numpy.shape(got)}, where it should '
                    f'be {want.shape}'
                )
            if not close(want, got, VALUE_TOLERANCE):
                raise PartError(
                    f'{where}, node {k} has the value {brief(got)}, where it should be '
                    f'{brief(want)}{how_wrong(want, got)}'
                )
    return None


def check_backward(nn, gradcheck, node_type, node_cases, expected, failing):
    """None (or a note) if backward's case of node_type gives every var its gradient; PartError
    otherwise. `failing`: the parts that do not pass, which decide how each case is checked."""
    combiner = next(
        (c for c in cases.COMBINERS if c == node_type or f'backward:{c}' not in failing), None
    )
    note = None
    for case in node_cases:
        name = case['name']
        if name.startswith('twice') and not name.endswith('-' + str(combiner)):
            if combiner is None and note is None:
                note = 'a node used twice is not checked yet: it needs backward of add or sub'
            continue
        finite = not any(f'forward:{t}' in failing for t in cases.types_in(case))
        check = by_differences if finite else by_expected
        try:
            check(nn, gradcheck, node_type, case, expected)
        except PartError as wrong:
            if not cases.uses_twice(case):
                raise
            # the cases of single use come first, and passed
            raise PartError(
                f"{wrong}; here a node is used twice (see the tutorial's question on +=, in "
                'section 1.2)'
            ) from None
    return note


def by_differences(nn, gradcheck, node_type, case, expected):
    """Check a case's gradients against finite differences, with gradcheck.check."""
    where = f'on {cases.describe(case)}'
    g, _ = cases.build(nn, case)
    seed = expected[f'{node_type}/{case["name"]}/seed']
    results = calling(f'{where}, forward or backward', gradcheck.check, g, seed)
    for var, error in results:
        if not gradcheck.passes(error):
            want = expected[f'{node_type}/{case["name"]}/grad{var.id}']
            problem = gradient_problem(var, want) or rows_alone(nn, node_type, case, expected)
            raise PartError(
                f"{where}, node {var.id}'s gradient differs from finite differences by "
                f'{error:.2g} (relative error){problem}'
            )


def by_expected(nn, gradcheck, node_type, case, expected):
    """Check a case's gradients against the solution's, the node values set by hand."""
    where = f'on {cases.describe(case)}'
    g, nodes = cases.build(nn, case)
    key = f'{node_type}/{case["name"]}'
    for k, n in enumerate(nodes[len(case['vars']) :], len(case['vars'])):
        n.value = expected[f'{key}/value{k}'].copy()
    nodes[-1].grad = expected[f'{key}/seed'].copy()
    calling(f'{where}, backward', nn.backward, g)
    for var in nodes[: len(case['vars'])]:
        want = expected[f'{key}/grad{var.id}']
        if var.grad is None or numpy.shape(var.grad) != want.shape:
            raise PartError(
                f"{where}, node {var.id}'s gradient is wrong{gradient_problem(var, want)}"
            )
        if not close(want, var.grad, GRADIENT_TOLERANCE):
            problem = how_wrong(want, var.grad) or rows_alone(nn, node_type, case, expected)
            raise PartError(
                f"{where}, node {var.id}'s gradient differs from the solution's by "
                f'{relative_error(want, var.grad):.2g} (relative error; finite differences need '
                f'the forward cases, which do not pass yet){problem}'
            )


def rows_alone(nn, node_type, case, expected):
    """': each row alone ...' if `case` is one node on a batch of rows, and backward gives each
    row the solution's gradients when it is that node's only row, which the batch did not get:
    the rows are mixed, as a sum over the whole batch mixes them. '' otherwise."""
    key, arity = f'{node_type}/{case["name"]}', len(case['vars'])
    rows = {numpy.shape(v)[0] if numpy.ndim(v) == 2 else 0 for v in case['vars']}
    if len(case['ops']) != 1 or len(rows) != 1 or min(rows) < 2:
        return ''
    value, seed = expected[f'{key}/value{arity}'], expected[f'{key}/seed']
    if numpy.shape(value)[:1] != (min(rows),):
        return ''  # not a value per row (sum's, of the whole batch)
    for i in range(min(rows)):
        g, found = cases.build(nn, dict(case, vars=[v[i] for v in case['vars']]))
        found[-1].value, found[-1].grad = numpy.array(value[i]), numpy.array(seed[i])
        try:
            nn.backward(g)
        except Exception:
            return ''
        for k, var in enumerate(found[:arity]):
            want = expected[f'{key}/grad{k}'][i]
            if var.grad is None or not close(want, var.grad, GRADIENT_TOLERANCE):
                return ''
    return (
        ': each of its rows, given alone, gets the right gradient, and the batch does not: is '
        'something summed over the whole batch where it should be over each row (axis=-1, '
        'keepdims=True)?'
    )


def gradient_problem(var, want):
    """': it is ...' for a var's gradient that is missing, of the wrong shape or recognisably
    wrong against the right one `want`; '' otherwise."""
    if var.grad is None:
        return ': it has none (backward passed it nothing)'
    if numpy.shape(var.grad) != want.shape:
        return f': it has shape {numpy.shape(var.grad)}, its value {want.shape}'
    return how_wrong(want, var.grad)


def brief(value):
    """A value for a message: a few numbers, or its shape and first numbers."""
    flat = numpy.ravel(numpy.asarray(value, dtype=float))
    text = ', '.join(f'{v:.4g}' for v in flat[:4]) + (', ...' if flat.size > 4 else '')
    return text if numpy.ndim(value) == 0 else f'[{text}]'
