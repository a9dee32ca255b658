"""The handout's check-data/: the data and the numbers the checker compares with, computed from
the project's complete code (the solution) when the handout is made.

    write(folder, parts, rng)   # folder/check-data/...: mnist/, logs/, params/, expected.npz

- mnist/: 300 training and 1,200 test images of MNIST (two test batches of the scripts' 1,000);
- logs/: three linear and two MLP training logs, and two error tables, made up and known;
- params/: the parameter files that the solution's lin-train.py and mlp-train.py write after
  60 samples: what the student's scripts must write, and what the test scripts are run on;
- expected.npz: each case's vars, values, seed and gradients, as the solution's nn.py computes
  them; the parameters after the SGD runs of checking/scripts.py, with the stand-in for nn and
  with nn.py; the test scripts' error rates; the logs' averages.

The expected numbers reveal no code: they are what a right part gives, on these inputs only.
"""

import gzip
import io
import os
import tempfile
import zipfile

from plumbing import paramfile

import numpy

import formulas
import mnist
import nn
from course.kit.checking import cases, scripts, standin, tasks

TRAIN_IMAGES, TEST_IMAGES = 300, 1200
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(folder, parts, rng):
    """Write check-data/ for the chosen parts into `folder`; the node types' cases, as the
    manifest lists them: {type: [{'name', 'vars' (how many), 'ops'}]}."""
    data = os.path.join(folder, 'check-data')
    small = os.path.join(data, 'mnist')
    os.makedirs(small)
    small_mnist(small)
    numbers = {'test_images': numpy.array(TEST_IMAGES)}
    names = {p.name for p in parts}
    types = [
        t for t in formulas.node_types() if f'forward:{t}' in names or f'backward:{t}' in names
    ]
    listed = {}
    for node_type in types:
        arity = len(formulas.FORMULAS[node_type][1])
        found = cases.node_cases(node_type, arity, rng)
        listed[node_type] = [
            {'name': c['name'], 'vars': len(c['vars']), 'ops': c['ops']} for c in found
        ]
        for case in found:
            numbers.update(solve(node_type, case, rng))
    if names & {'sgd', 'error_rate'}:
        numbers.update(script_numbers(small, os.path.join(data, 'params')))
    if names & {'avg_loss', 'plot_logs'}:
        numbers.update(known_logs(os.path.join(data, 'logs'), rng))
    save_npz(os.path.join(data, 'expected.npz'), numbers)
    return listed


def solve(node_type, case, rng):
    """{key: array} of a case: its vars, every node's value, the seed, the vars' gradients."""
    key = f'{node_type}/{case["name"]}'
    g, nodes = cases.build(nn, case)
    nn.forward(g)
    seed = rng.uniform(-1, 1, numpy.shape(nodes[-1].value))
    nodes[-1].grad = seed.copy()
    nn.backward(g)
    found = {f'{key}/seed': seed}
    for k, n in enumerate(nodes):
        if n.type == 'var':
            found[f'{key}/var{k}'] = numpy.asarray(case['vars'][k], dtype=float)
            found[f'{key}/grad{k}'] = n.grad
        else:
            found[f'{key}/value{k}'] = numpy.asarray(n.value)
    return found


def script_numbers(small, params):
    """{key: array}: the solution's scripts on the small data set, with the stand-in for nn
    and with nn.py; the parameter files of the nn.py runs are kept in `params`."""
    found = {}
    os.makedirs(params)
    with tempfile.TemporaryDirectory(prefix='expected-') as work:
        for i, job in enumerate(scripts.STANDIN_RUNS):
            _, got = scripts.train(ROOT, job, standin.module(), small, work)
            found.update({f'sgd/standin/{i}/{k}': v for k, v in got.items()})
        for i, job in enumerate(scripts.REAL_RUNS):
            _, got = scripts.train(ROOT, job, nn, small, work)
            found.update({f'sgd/real/{i}/{k}': v for k, v in got.items()})
            # its record names the file it was trained from: a temporary path, each time another
            values, record = paramfile.read(os.path.join(work, 'param-1'))
            record['input']['file'] = f'{job[1][:3]}-param-0'
            paramfile.write(os.path.join(params, f'{job[1][:3]}-param-1'), values, record)
    for script, param_file in scripts.TEST_RUNS:
        path = os.path.join(params, param_file)
        for key, module in (('standin', standin.module()), ('real', nn)):
            out, _ = scripts.run(ROOT, script, [path, '--data', small], module)
            found[f'error_rate/{key}/{script}'] = numpy.array(float(out.split()[-1]))
    return found


def known_logs(folder, rng):
    """{key: array}: the averages of made-up logs, which are written to `folder` with two
    error tables. Each log's last loss is far from its mean, so that leaving it out shows."""
    import avg_loss

    os.makedirs(folder)
    found = {'avg_loss/short': numpy.array(avg_loss.average(tasks.SHORT))}
    for model, epochs, start in (('lin', 3, 0.45), ('mlp', 2, 0.35)):
        for e in range(1, epochs + 1):
            losses = [*(start / e * rng.lognormal(0, 0.8, 49)), 3.0 + e]
            with open(os.path.join(folder, f'{model}-log-{e}'), 'w') as f:
                f.write(''.join(f'{v:.6g}\n' for v in losses))
            written = [float(f'{v:.6g}') for v in losses]
            found[f'avg_loss/log/{model}-log-{e}'] = numpy.array(avg_loss.average(written))
    for model, rates in (
        ('lin', {1: 0.0862, 2: 0.0790, 3: 0.0781}),
        ('mlp', {1: 0.0399, 3: 0.0240}),
    ):
        with open(os.path.join(folder, f'{model}-errors.txt'), 'w') as f:
            f.write(''.join(f'{model}-param-{e} {r:.4f}\n' for e, r in rates.items()))
        found.update({f'plot/{model}-error-{e}': numpy.array(r) for e, r in rates.items()})
    return found


def small_mnist(folder):
    """The first images and labels of MNIST's training and test files, as gzipped IDX files."""
    for which, count in (('train', TRAIN_IMAGES), ('test', TEST_IMAGES)):
        images, labels = mnist.load(which)
        image_file, label_file = mnist.FILES[which]
        write_idx(
            os.path.join(folder, image_file + '.gz'), images.pixels[:count].reshape(-1, 28, 28)
        )
        write_idx(os.path.join(folder, label_file + '.gz'), labels[:count])


def write_idx(path, array):
    """A gzipped IDX file of uint8 `array`, the same bytes each time (no date in the gzip)."""
    array = numpy.asarray(array, numpy.uint8)
    header = bytes([0, 0, 8, array.ndim]) + numpy.array(array.shape, '>u4').tobytes()
    with (
        open(path, 'wb') as f,
        gzip.GzipFile(fileobj=f, mode='wb', compresslevel=6, mtime=0) as z,  # 9: 2x the time
    ):
        z.write(header + array.tobytes())


def save_npz(path, arrays):
    """An .npz of `arrays` that numpy.load reads, compressed, with a fixed date in each entry."""
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            numpy.lib.format.write_array(buffer, numpy.asarray(arrays[name]), allow_pickle=False)
            z.writestr(zipfile.ZipInfo(name + '.npy', date_time=(1980, 1, 1, 0, 0, 0)),
                       buffer.getvalue(), zipfile.ZIP_DEFLATED)  # fmt: skip
