"""The parts a teacher can leave to the students: their names, files, points and tasks, and
where each one is in the project's code (transform.py finds it there with the ast module).

    parts = catalogue()            # {name: Part}, in the order --list shows them
    chosen = resolve('default')    # or 'all', or 'backward:mul,sgd'

A node type has two parts, its case in nn.forward (`forward:mul`) and in nn.backward
(`backward:mul`); the scripts' tasks are `sgd` (the SGD step of lin-train.py and mlp-train.py),
`error_rate` (the count in lin-test.py and mlp-test.py), `avg_loss` (avg_loss.average) and
`plot_logs` (plot_logs.draw_panel). Both scripts of a task are one part: their code is the
same, so one would give the other away.
"""

import dataclasses

from plumbing.errors import UserError

import formulas


@dataclasses.dataclass(frozen=True)
class Part:
    """A part: its name, what the report calls it, the files its stubs are in, the tutorial's
    sections to read ('section 1.2', 'sections 1.2 and 2'), its points, the one-line task of its
    stub, and where it is (see transform.py): ('case', function, node type), ('function', name),
    ('step',) or ('count',)."""

    name: str
    title: str
    files: tuple
    section: str
    points: int
    task: str
    where: tuple

    def manifest(self):
        """What the handout's checker knows of the part."""
        return {
            'name': self.name,
            'title': self.title,
            'files': list(self.files),
            'section': self.section,
            'points': self.points,
            'task': self.task,
        }


# The node types that the tutorial's sections 1.1 and 1.2 do not show, and the section that
# brings each in: the MLP's logistic, the linear classifier's cross-entropy and its logsoftmax
BROUGHT_IN = {'logistic': '2', 'logsoftmax': '2', 'cross-entropy': '2'}

DEFAULT = [
    'forward:logistic',
    'backward:mul',
    'backward:logistic',
    'backward:logsoftmax',
    'backward:cross-entropy',
    'sgd',
    'error_rate',
    'avg_loss',
    'plot_logs',
]


def catalogue():
    """{name: Part} of every part that can be chosen: forward cases, backward cases (every node
    type but var, whose cases do nothing), then the scripts' tasks."""
    types = formulas.node_types()[1:]
    found = [forward(t) for t in types] + [backward(t) for t in types]
    found += [
        Part('sgd', 'the SGD step', ('lin-train.py', 'mlp-train.py'), 'section 2', 2,
             'sgd: move each parameter against its gradient by lr, in place (its .value), '
             'lr / B for a batch of B rows', ('step',)),
        Part('error_rate', 'the test error rate', ('lin-test.py', 'mlp-test.py'), 'section 2', 1,
             'error rate: add to wrong the images of this batch whose highest score is not '
             'their label, and to total its images', ('count',)),
        Part('avg_loss', 'the average of a log', ('avg_loss.py',), 'section 2', 1,
             'avg_loss: return the average of the losses', ('function', 'average')),
        Part('plot_logs', 'the plot per epoch', ('plot_logs.py',), 'section 2', 2,
             'plot_logs: draw each series as a line on ax (epochs on x, values times scale on y) '
             'and label both axes, as the docstring says', ('function', 'draw_panel')),
    ]  # fmt: skip
    return {p.name: p for p in found}


def forward(node_type):
    """The part of node_type's case in nn.forward."""
    builder = node_type.replace('-', '_')
    return Part(
        f'forward:{node_type}',
        f'forward of {node_type}',
        ('nn.py',),
        sections('1.1', node_type),
        1,
        f"forward of {node_type}: set n.value from its children's values, as the docstring of "
        f'Graph.{builder} says',
        ('case', 'forward', node_type),
    )


def backward(node_type):
    """The part of node_type's case in nn.backward."""
    wanted = [f.split(' = ')[0] for f in formulas.FORMULAS[node_type][1]]  # 'dL/dx', 'dL/dA'
    calls = ' and '.join(f'add_grad(n, {i}, {w})' for i, w in enumerate(wanted))
    return Part(
        f'backward:{node_type}',
        f'backward of {node_type}',
        ('nn.py',),
        sections('1.2', node_type),
        2,
        f'backward of {node_type}: {calls}, from n.grad = dL/dn',
        ('case', 'backward', node_type),
    )


def sections(method, node_type):
    """The tutorial's sections for a part of node_type: the method's (forward 1.1, backward
    1.2), and the one that brings the type in, if another."""
    if node_type in BROUGHT_IN:
        return f'sections {method} and {BROUGHT_IN[node_type]}'
    return f'section {method}'


def resolve(text):
    """[Part] of a --parts value: 'default', 'all', or names separated by commas. UserError
    naming an unknown part."""
    known = catalogue()
    if text == 'all':
        return list(known.values())
    names = DEFAULT if text == 'default' else [n.strip() for n in text.split(',') if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UserError(
            f'--parts: no part {unknown[0]!r}; the parts are listed by --list (forward:TYPE, '
            'backward:TYPE, sgd, error_rate, avg_loss, plot_logs)'
        )
    if not names:
        raise UserError('--parts: no part given')
    return [p for p in known.values() if p.name in names]  # the catalogue's order, no repeats
