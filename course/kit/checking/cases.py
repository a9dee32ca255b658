"""The small graphs on which the checker tries each node type, of generated shapes.

A case is a graph written as data, so that the handout can store it and the checker rebuild it
with the student's nn.py: the values of its vars, then its operations, each a node type and the
places of its children among the nodes before it. The last node is the output; backward starts
from it, with the upstream gradient `seed` that the handout stores beside the case.

    cases = node_cases('logistic', 1, rng)   # when the handout is made, from the solution
    g, nodes = build(nn, cases[0])           # in the checker, with the student's nn.py
    describe(cases[0])                       # 'logistic(a) with a (4,)'

The cases, in the order they are tried: the tutorial's first example (add); a row; a batch; a
batch and a bias row (add, sub, emul); a node given one node as both children (add(a, a)); and
a node used twice, by two nodes of the type whose outputs a third node adds or subtracts.
"""

import numpy

# Types whose second child may be a row added to each row of a batch (a bias)
BIAS = ('add', 'sub', 'emul')
# Types whose two children can be one node: add(a, a), mul(A, A) for a square A, ...
SELF = ('add', 'sub', 'emul', 'mul', 'cross-entropy')
# The nodes that add up the two uses of a node used twice: the checker takes the first whose
# backward passes, so that one unfinished part does not fail another
COMBINERS = ('add', 'sub')


def node_cases(node_type, arity, rng):
    """[case] for node_type with `arity` children: {'name', 'vars': [arrays], 'ops'}."""
    n, m = int(rng.integers(2, 6)), int(rng.integers(2, 5))
    m += m == n  # rows not as many as columns: a value per row against the columns would pass
    k = n + int(rng.integers(1, 3))  # mul's matrix is not square: a missing transpose shows

    def value(kind, shape):
        if kind == 'dist':  # a probability distribution in each row: cross-entropy's gold
            return rng.dirichlet(numpy.ones(shape[-1]), shape[:-1] or None)
        if kind == 'logprob':
            return numpy.log(value('dist', shape))
        # away from 0, so that relu's kink is never within a finite difference's step
        return rng.choice([-1, 1], shape) * rng.uniform(0.2, 2, shape)

    def shapes(rows):
        """The shapes of the children, with `rows` rows (None: a single row)."""
        lead = () if rows is None else (rows,)
        if node_type == 'mul':
            return [(*lead, n), (n, k)]
        return [(*lead, n)] * arity

    kinds = ['logprob', 'dist'] if node_type == 'cross-entropy' else ['any'] * arity

    def single(name, rows):
        values = [value(kind, s) for kind, s in zip(kinds, shapes(rows), strict=True)]
        return {'name': name, 'vars': values, 'ops': [[node_type, list(range(arity))]]}

    cases = []
    if node_type == 'add':  # the tutorial's first example: 1 + 2
        cases.append({'name': 'tutorial', 'vars': [numpy.array(1.0), numpy.array(2.0)],
                      'ops': [['add', [0, 1]]]})  # fmt: skip
    cases += [single('row', None), single('batch', m)]
    if node_type in BIAS:
        cases.append({'name': 'bias', 'vars': [value('any', (m, n)), value('any', (n,))],
                      'ops': [[node_type, [0, 1]]]})  # fmt: skip
    if node_type in SELF and arity == 2:
        shape = (n, n) if node_type == 'mul' else (n,) if node_type == 'cross-entropy' else (m, n)
        kind = 'dist' if node_type == 'cross-entropy' else 'any'
        cases.append({'name': 'self', 'vars': [value(kind, shape)], 'ops': [[node_type, [0, 0]]]})
    for shared in range(arity):
        for combiner in COMBINERS:
            cases.append(twice(node_type, shared, combiner, kinds, shapes(m), value))
    return cases


def twice(node_type, shared, combiner, kinds, shapes, value):
    """The case where child `shared` of two nodes of node_type is one var, the first; the
    combiner adds (or subtracts) their outputs."""
    one = value(kinds[shared], shapes[shared])
    others = [[value(kinds[i], shapes[i]) for i in range(len(kinds)) if i != shared] for _ in 'ab']
    values, ops = [one, *others[0], *others[1]], []
    arity = len(kinds)
    for use in range(2):
        fresh = iter(range(1 + use * (arity - 1), 1 + (use + 1) * (arity - 1)))
        ops.append([node_type, [0 if i == shared else next(fresh) for i in range(arity)]])
    nodes = len(values)
    ops.append([combiner, [nodes, nodes + 1]])
    return {'name': f'twice{shared}-{combiner}', 'vars': values, 'ops': ops}


def build(nn, case):
    """(graph, its nodes) of a case, built with the nn module given: g.var for each value, then
    g.node(type, *children) for each operation (every builder comes down to g.node)."""
    g = nn.Graph()
    nodes = [g.var(numpy.array(v, dtype=float)) for v in case['vars']]
    for node_type, children in case['ops']:
        nodes.append(g.node(node_type, *[nodes[i] for i in children]))
    return g, nodes


def describe(case):
    """The case as an expression and the shapes of its vars: 'add(a, a) with a (3, 4)'."""
    names = 'abcdefghij'
    exprs = list(names[: len(case['vars'])])
    for node_type, children in case['ops']:
        exprs.append('{}({})'.format(node_type, ', '.join(exprs[i] for i in children)))
    shapes = [
        f'{name} = {v:g}' if numpy.ndim(v) == 0 else f'{name} {numpy.shape(v)}'
        for name, v in zip(names, case['vars'], strict=False)
    ]
    return f'{exprs[-1]} with {", ".join(shapes)}'


def uses_twice(case):
    """Whether a var of the case is a child of two nodes, or twice a child of one."""
    children = [i for _, kids in case['ops'] for i in kids]
    return any(children.count(i) > 1 for i in range(len(case['vars'])))


def types_in(case):
    """The node types of a case's operations."""
    return {node_type for node_type, _ in case['ops']}
