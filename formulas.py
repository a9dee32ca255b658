"""Each node type's formulas, as data: the tools that show a graph (showgraph's trace and page)
write with them what nn.py computes, and gradcheck takes its list of node types from here.

FORMULAS[type] = (value, gradients): how the node's value follows from its children's, where
{0} and {1} stand for the children, and for each child in order, the gradient it receives, in
the letters of the comment on its line in nn.backward: a, b, x, A, pred, gold, logprob for the
children, n for the node itself, s and t for its value. A test checks that every gradient here
is the comment of its line in nn.backward, and that nn.forward, nn.backward, this table,
gradcheck and tests/extremes.py know the same node types, in the same order.
"""

FORMULAS = {
    'var': ('given', ()),
    'add': ('{0} + {1}', ('dL/da = dL/dn', 'dL/db = dL/dn')),
    'mul': ('{0} @ {1}', ('dL/dx = dL/dn A^T', 'dL/dA = x^T dL/dn')),
    'logistic': ('logistic({0})', ('dL/da = dL/dn s (1 - s)',)),
    'logsoftmax': ('logsoftmax({0})', ('dL/da = dL/dn - softmax(a) sum_i (dL/dn)_i',)),
    'cross-entropy': ('-{0} . {1}', ('dL/dlogprob = -gold dL/dn', 'dL/dgold = -logprob dL/dn')),
    'sub': ('{0} - {1}', ('dL/da = dL/dn', 'dL/db = -dL/dn')),
    'emul': ('{0} * {1}', ('dL/da = dL/dn * b', 'dL/db = dL/dn * a')),
    'sum': ('sum({0})', ('dL/da_i = dL/dn',)),
    'tanh': ('tanh({0})', ('dL/da = dL/dn (1 - t^2)',)),
    'relu': ('relu({0})', ('dL/da = dL/dn [a > 0]',)),
    'squared-error': (
        'sum(({0} - {1})^2)',
        ('dL/dpred = 2 (pred - gold) dL/dn', 'dL/dgold = -2 (pred - gold) dL/dn'),
    ),
}


def node_types():
    """The node types nn.py knows, in the order of its forward and backward cases."""
    return list(FORMULAS)
