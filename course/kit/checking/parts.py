"""The parts of this handout and the check of each: what the handout's manifest says, which check
a part gets, and which other parts its check may need.

check-data/handout.json, written when the handout was made, lists the parts (name, title,
files, section, points, task) and the node types' cases; check-data/expected.npz holds the
numbers the solution computed: values, gradients, parameters, error rates, averages.
"""

import functools
import importlib
import json
import os

import numpy

from . import cases, nodes, scripts, tasks
from .verdict import PartError

DATA = 'check-data'


@functools.cache
def manifest(root):
    """The handout's manifest, check-data/handout.json, as a dict."""
    with open(os.path.join(root, DATA, 'handout.json'), encoding='utf-8') as f:
        return json.load(f)


@functools.cache
def expected(root):
    """{key: array} of check-data/expected.npz."""
    with numpy.load(os.path.join(root, DATA, 'expected.npz'), allow_pickle=False) as z:
        return {name: z[name] for name in z.files}


def warm(root, names):
    """Load what every check reads, before the checks' processes are forked from this one: the
    manifest, the expected numbers, and the modules of the handout that are no student's file
    (plumbing, mnist; matplotlib for plot_logs). Each child then starts with them."""
    manifest(root)
    expected(root)
    importlib.import_module('mnist')
    for name in ('dataset', 'logs', 'options', 'paramfile'):
        importlib.import_module(f'plumbing.{name}')
    if 'plot_logs' in names:
        importlib.import_module('plumbing.plotting')


def order(names):
    """The parts in the order they are checked: forward cases first, then backward (add's and
    sub's first: the others' cases of a node used twice need one of them), then the rest,
    whose end-to-end runs need nn.py's parts."""

    def rank(name):
        kind, _, node_type = name.partition(':')
        if kind == 'forward':
            return (0, 0)
        if kind == 'backward':
            return (1, 0 if node_type in cases.COMBINERS else 1)
        return (2, ['avg_loss', 'plot_logs', 'sgd', 'error_rate'].index(name))

    return sorted(names, key=rank)  # sorted is stable: the manifest's order stays


def needs(name, chosen):
    """The chosen parts whose verdict the check of `name` uses."""
    kind, _, node_type = name.partition(':')
    if kind == 'forward':
        wanted = []
    elif kind == 'backward':
        wanted = [f'forward:{node_type}'] + [
            f'{p}:{c}' for c in cases.COMBINERS for p in ('forward', 'backward')
        ]
    elif name in ('sgd', 'error_rate'):
        types = scripts.TRAIN_TYPES['mlp']
        wanted = [f'{p}:{t}' for t in types for p in ('forward', 'backward')]
    else:
        wanted = ['avg_loss'] if name == 'plot_logs' else []
    return [p for p in wanted if p in chosen and p != name]


def modules(name):
    """The student's modules that the check of part `name` imports, in the order it does."""
    kind = name.partition(':')[0]
    if kind in ('forward', 'backward'):
        return ['nn']
    return {'avg_loss': ['avg_loss'], 'plot_logs': ['avg_loss', 'plot_logs']}.get(name, [])


def check(name, root, failing, folder):
    """Check the part `name` of the handout at `root`: None or a note if it passes; PartError,
    or the stub's NotImplementedError, if not. `failing`: the parts that do not pass; `folder`:
    a temporary folder for the files the scripts write."""
    kind, _, node_type = name.partition(':')
    if kind == 'import':  # a module of the student's, imported alone, before the parts
        student_module(node_type)
        return None
    data = os.path.join(root, DATA)
    info, numbers = manifest(root), expected(root)
    if kind in ('forward', 'backward'):
        nn = student_module('nn')
        node_cases = [dict(c, vars=[numbers[f'{node_type}/{c["name"]}/var{i}']
                                    for i in range(c['vars'])])
                      for c in info['cases'][node_type]]  # fmt: skip
        if kind == 'forward':
            return nodes.check_forward(nn, node_type, node_cases, numbers)
        gradcheck = student_module('gradcheck')
        return nodes.check_backward(nn, gradcheck, node_type, node_cases, numbers, failing)
    mnist, logs = os.path.join(data, 'mnist'), os.path.join(data, 'logs')
    if name == 'sgd':
        return scripts.check_sgd(root, mnist, numbers, failing, folder, student_nn)
    if name == 'error_rate':
        params = os.path.join(data, 'params')
        return scripts.check_error_rate(root, mnist, numbers, failing, params, student_nn)
    if name == 'avg_loss':
        student_module('avg_loss')
        return tasks.check_average(root, logs, numbers)
    if name == 'plot_logs':
        student_module('plot_logs')
        return tasks.check_plot(root, logs, numbers, failing, folder)
    raise PartError(f'this checker does not know the part {name!r}')


def student_nn():
    """The student's nn.py, imported: the scripts' checks import it only once they need it."""
    return student_module('nn')


def student_module(name):
    """The module `name` of the handout (nn, avg_loss, ...), imported; PartError, naming its file,
    if it cannot be."""
    try:
        return importlib.import_module(name)
    except (NotImplementedError, KeyboardInterrupt):
        raise
    except SyntaxError as e:
        raise PartError(
            f'{name}.py does not import: {type(e).__name__}: {e.msg} (line {e.lineno})'
        ) from None
    except BaseException as e:
        raise PartError(f'{name}.py does not import: {type(e).__name__}: {e}') from None
