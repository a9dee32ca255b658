"""The checks of the scripts' parts: the SGD step of lin-train.py and mlp-train.py, and the error
rate of lin-test.py and mlp-test.py.

Each script runs end to end, as a student runs it, on the check's small data set and a small
--limit, in this process (runpy) so that nn can be the stand-in (standin.py) or nn.py:

1. with the stand-in, whose made-up gradients and scores check the script's own part alone,
   against what the solution's scripts made of the same numbers when the handout was made;
2. with the student's nn.py, if the parts of nn.py that the model needs pass: the parameters
   after the steps, and the error rate of a parameter file, against the solution's.
"""

import contextlib
import io
import os
import re
import runpy
import sys

import numpy

from . import standin
from .verdict import PartError, raised, relative_error

# (what, script, --init options, training options); the steps are few, the data is small
STANDIN_RUNS = [
    ('linear', 'lin-train.py', [], ['--limit', '20']),
    ('linear in batches of 4', 'lin-train.py', [], ['--limit', '24', '--batch-size', '4']),
    ('mlp', 'mlp-train.py', ['--hidden', '8'], ['--limit', '20']),
]
REAL_RUNS = [
    ('linear', 'lin-train.py', [], ['--limit', '60']),
    ('mlp', 'mlp-train.py', ['--hidden', '8'], ['--limit', '60']),
]
# The test scripts and the parameter files (check-data/params/) they are run on
TEST_RUNS = [('lin-test.py', 'lin-param-1'), ('mlp-test.py', 'mlp-param-1')]
# The node types of each model's graph, to train it and to test it: the end-to-end runs need
# their parts to pass
TRAIN_TYPES = {
    'lin': ['add', 'mul', 'logsoftmax', 'cross-entropy'],
    'mlp': ['add', 'mul', 'logistic', 'logsoftmax', 'cross-entropy'],
}
TEST_TYPES = {'lin': ['add', 'mul'], 'mlp': ['add', 'mul', 'logistic']}
CLASSES = 10  # an image's scores: one per digit
SGD_TOLERANCE = 1e-9  # the same arithmetic in another order: rounding only
REAL_TOLERANCE = 1e-6  # a student's backward may round otherwise, over 60 steps


def run(root, script, args, nn=None):
    """Run `root/script args` in this process, with `nn` as the module nn if given; (stdout,
    stderr). What the script raises is raised here, but SystemExit, which ends --init: PartError
    if its status is not 0."""
    saved = sys.argv, sys.modules.get('nn')
    sys.argv = [script, *map(str, args)]
    if nn is not None:
        sys.modules['nn'] = nn
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            runpy.run_path(os.path.join(root, script), run_name='__main__')
    except SystemExit as e:
        if e.code not in (None, 0):
            last = (err.getvalue().strip().splitlines() or [f'exit status {e.code}'])[-1]
            raise PartError(f'{script} {" ".join(map(str, args))} ended with: {last}') from None
    finally:
        sys.argv = saved[0]
        if saved[1] is None:
            sys.modules.pop('nn', None)
        else:
            sys.modules['nn'] = saved[1]
    return out.getvalue(), err.getvalue()


def params(path):
    """{name: array} of a parameter file."""
    with numpy.load(path, allow_pickle=False) as z:
        return {name[:-4] if name.endswith('.npy') else name: z[name] for name in z.files
                if name != 'record'}  # fmt: skip


def train(root, job, nn, data, folder):
    """Run a training job: --init, then one epoch; (first parameters, trained parameters)."""
    _, script, init, options = job
    first, out = os.path.join(folder, 'param-0'), os.path.join(folder, 'param-1')
    run(root, script, ['--init', first, *init, '--overwrite'], nn)
    try:
        run(root, script, [first, out, *options, '--data', data, '--overwrite'], nn)
    except (NotImplementedError, PartError, KeyboardInterrupt):
        raise
    except Exception as e:
        raise raised(f'{script} {" ".join(options)}', e) from None
    if not os.path.exists(out):
        raise PartError(f'{script} {" ".join(options)} wrote no parameter file')
    return params(first), params(out)


def check_sgd(root, data, expected, failing, folder, nn_module):
    """None (or a note) if the SGD step of both training scripts is right; PartError otherwise."""
    for i, job in enumerate(STANDIN_RUNS):
        nn = standin.module()
        first, got = train(root, job, nn, data, folder)
        key = f'sgd/standin/{i}'
        compare_steps(
            job, first, got, expected, key, 'a stand-in for nn.py', replaced=nn.replaced()
        )
    waiting = needs(failing, [job[1][:3] for job in REAL_RUNS])
    if waiting:
        return f'not yet run with your nn.py, which needs {waiting} to pass'
    for i, job in enumerate(REAL_RUNS):
        first, got = train(root, job, nn_module(), data, folder)
        compare_steps(job, first, got, expected, f'sgd/real/{i}', 'your nn.py', REAL_TOLERANCE)
    return None


def compare_steps(job, first, got, expected, key, nn_name, tolerance=SGD_TOLERANCE, replaced=()):
    """PartError, naming the parameter and how it is off, unless got is the solution's.
    `replaced`: the shapes of the parameters whose array a step replaced (the stand-in's)."""
    what, script, _, options = job
    steps = int(options[1])
    for name in sorted(got):
        want = expected[f'{key}/{name}']
        error = relative_error(want, got[name])
        if got[name].shape == want.shape and error <= tolerance:
            continue
        moved, right = got[name] - first[name], want - first[name]
        problem = ''
        others = [k for k in sorted(got) if (got[k] != first[k]).any()]
        if not moved.any() and got[name].shape in replaced:
            problem = (
                f': it did not change: the step gave {name}.value another array instead of '
                f"changing its own in place, and the next step's g.var(param_{name}) reads "
                f'param_{name}, still the first one (so does the file the script writes): the '
                f'step must change it in place ({name}.value -= ...)'
            )
        elif not moved.any() and others:
            moving = ', '.join(others)
            problem = f': it did not change, while {moving} did: the step must move {name} too'
        elif not moved.any():
            problem = (
                ': it did not change; the step must change the parameter arrays in place, '
                'since they are what the script saves'
            )
        elif numpy.vdot(right, right) > 0:
            factor = float(numpy.vdot(right, moved) / numpy.vdot(right, right))
            if relative_error(factor * right, moved) < 1e-6:
                problem = (
                    ': it moved up the gradient, not down'
                    if abs(factor + 1) < 1e-6
                    else f': it moved {factor:.3g} times as far as it should'
                )
                if '--batch-size' in options:
                    problem += (
                        ' (for a batch of B rows, the loss is one number per row and backward '
                        'gives the gradient of their sum: the step is lr / B)'
                    )
        raise PartError(
            f'{script} {" ".join(options)} ({what}), with {nn_name}: {name} after {steps} '
            f"samples differs from the solution's by {error:.2g} (relative error){problem}"
        )


def check_error_rate(root, data, expected, failing, params_folder, nn_module):
    """None (or a note) if both test scripts print the right error rate; PartError otherwise."""
    for script, param_file in TEST_RUNS:
        rate(root, script, param_file, standin.module(), data, params_folder, expected,
             'error_rate/standin', 'a stand-in for nn.py (made-up scores)')  # fmt: skip
    waiting = needs(failing, [script[:3] for script, _ in TEST_RUNS], testing=True)
    if waiting:
        return f'not yet run with your nn.py, which needs {waiting} to pass'
    for script, param_file in TEST_RUNS:
        rate(root, script, param_file, nn_module(), data, params_folder, expected,
             'error_rate/real', 'your nn.py')  # fmt: skip
    return None


def rate(root, script, param_file, nn, data, params_folder, expected, key, nn_name):
    """Run a test script on a parameter file; PartError unless it prints the solution's rate."""
    path = os.path.join(params_folder, param_file)
    try:
        out, _ = run(root, script, [path, '--data', data], nn)
    except (NotImplementedError, PartError, KeyboardInterrupt):
        raise
    except Exception as e:
        raise raised(f'{script} {param_file}', e, per_class(e)) from None
    want = float(expected[f'{key}/{script}'])
    images = int(expected['test_images'])
    where = f"{script} {param_file}, with {nn_name} on the check's {images:,} test images"
    try:
        got = float(out.split()[-1])
    except (ValueError, IndexError):
        raise PartError(f'{where}, printed {out.strip()[:80]!r}, not an error rate') from None
    if abs(got - want) > 1e-4:
        problem = ''
        if abs(got - (1 - want)) <= 1e-4:
            problem = ': that is the rate of right answers'
        elif got > 1:
            problem = ': a rate is at most 1; is total the number of images?'
        raise PartError(f'{where}, printed {got:.4f} where the rate is {want:.4f}{problem}')


def per_class(error):
    """' (...)' for a ValueError that meets a number per class, (10,), with a number per image
    of a batch: the highest score taken over the images, not in each one. '' otherwise."""
    shapes = re.findall(r'\((\d+),\)', str(error))
    if not isinstance(error, ValueError) or str(CLASSES) not in shapes or len(set(shapes)) < 2:
        return ''
    return (
        f' (({CLASSES},) is a number per class, where one per image is wanted: the argmax must be '
        "per row, axis=1 (or -1), each image's highest score)"
    )


def needs(failing, models, testing=False):
    """The parts of nn.py that the models' graphs need and that do not pass, as 'a, b', or ''."""
    types = []
    for model in models:
        types += [t for t in (TEST_TYPES if testing else TRAIN_TYPES)[model] if t not in types]
    phases = ('forward',) if testing else ('forward', 'backward')
    waiting = [f'{p}:{t}' for p in phases for t in types if f'{p}:{t}' in failing]
    return ', '.join(waiting)
