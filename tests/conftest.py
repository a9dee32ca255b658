"""Helpers for the tests: run a script as a user would, write small IDX files, a random graph."""

import gzip
import hashlib
import os
import subprocess
import sys
import time

import numpy
import pytest

import formulas
import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pytest_configure(config):
    config.addinivalue_line(
        'markers', "linux: needs Linux (/proc, /dev/full, glibc, ptys, the grader's sandbox)"
    )


def pytest_collection_modifyitems(config, items):
    """Elsewhere than Linux (macOS, Windows), the tests marked linux skip, and say why."""
    if sys.platform != 'linux':
        for item in items:
            if 'linux' in item.keywords:
                item.add_marker(pytest.mark.skip(reason='needs Linux: /proc, /dev/full, glibc'))


def run(script, *args, cwd=None, env=None, stdout=None, check=None):
    """Run ./script with args; returns the CompletedProcess (text). check=0 asserts success."""
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, script), *map(str, args)],
        check=False,
        cwd=cwd,
        env=env,
        stdout=stdout or subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
    )
    if check is not None:
        assert result.returncode == check, result.stderr
    return result


def assert_fails(result, *words):
    """Exit status 2, one line on stderr containing every word, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert 'Traceback' not in result.stderr
    for w in words:
        assert str(w) in lines[0], lines[0]
    return lines[0]


def sha(path):
    """The SHA-256 of a file's bytes."""
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def refused(result, path, words):
    """The run refused to write over `path`, in one line saying what it holds, and kept it."""
    line = assert_fails(result, path, *words)
    assert 'give another name, or --overwrite' in line
    return line


def tree(folder):
    """{path: sha256} of every file under folder."""
    found = {}
    for top, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(top, name)
            found[os.path.relpath(path, folder)] = sha(path)
    return found


def start_epoch(lin0, out, log):
    """A full linear epoch in the background, once it has printed some losses."""
    with open(log, 'w') as log_file:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, 'lin-train.py'), lin0, out, '--overwrite'],
            stdout=log_file,
            stderr=subprocess.PIPE,
            text=True,
        )
    deadline = time.time() + 60
    while os.path.getsize(log) < 10000 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None and os.path.getsize(log) >= 10000, 'the epoch did not start'
    return proc


def write_idx(path, array, gzipped=True):
    """An IDX file of uint8 `array`, gzipped or not."""
    array = numpy.asarray(array, numpy.uint8)
    header = bytes([0, 0, 8, array.ndim]) + numpy.array(array.shape, '>u4').tobytes()
    data = header + array.tobytes()
    with open(path, 'wb') as f:
        f.write(gzip.compress(data) if gzipped else data)


def random_graph(rng):
    """A graph of every node type on vectors of 3, its nodes picked at random (often twice). A
    type that takes vectors alike (most do, and one new to nn.py likely does) is built from its
    builder and the number of children formulas.py gives it."""

    g = nn.Graph()
    pool = [g.var(rng.normal(size=3)) for _ in range(3)]
    m = g.var(rng.normal(size=(3, 3)))

    def pick():
        return pool[rng.integers(len(pool))]

    last = ('cross-entropy', 'squared-error', 'sum')  # built below, after the others
    for kind in rng.permutation([t for t in formulas.node_types()[1:] if t not in last] * 2):
        if kind == 'mul':
            pool.append(g.mul(pick(), m))
        else:
            arity = len(formulas.FORMULAS[kind][1])
            pool.append(getattr(g, kind.replace('-', '_'))(*[pick() for _ in range(arity)]))
    ce = g.cross_entropy(pick(), g.var(nn.one_hot(1, 3), requires_grad=False))
    se = g.squared_error(pick(), g.var(rng.normal(size=3)))
    g.add(g.add(ce, se), g.sum(pool[-1]))
    return g


@pytest.fixture(scope='session')
def small_data(tmp_path_factory):
    """A data folder of 300 training and 200 test images taken from the real MNIST."""
    import mnist

    folder = tmp_path_factory.mktemp('small-mnist')
    for which, count in (('train', 300), ('test', 200)):
        images, labels = mnist.load(which)
        image_file, label_file = mnist.FILES[which]
        write_idx(folder / (image_file + '.gz'), images.pixels[:count].reshape(count, 28, 28))
        write_idx(folder / label_file, labels[:count], gzipped=False)
    return folder


@pytest.fixture
def lin0(tmp_path):
    run('lin-train.py', '--init', tmp_path / 'lin-param-0', check=0)
    return tmp_path / 'lin-param-0'


def make_handout(tmp_path_factory, name, parts):
    """A handout of `parts` ('all', 'default' or names), made in-process: (folder, zip)."""
    from course import catalogue, handout

    folder = tmp_path_factory.mktemp('handouts') / name
    handout.make(str(folder), catalogue.resolve(parts), str(folder) + '.zip')
    return folder, folder.with_suffix('.zip')


@pytest.fixture(scope='session')
def handout_all(tmp_path_factory):
    """A handout with every part left to the student."""
    return make_handout(tmp_path_factory, 'all', 'all')


@pytest.fixture(scope='session')
def handout_logistic(tmp_path_factory):
    """A small handout: the logistic's forward and backward, and the average of a log."""
    return make_handout(
        tmp_path_factory, 'logistic', 'forward:logistic,backward:logistic,avg_loss'
    )


def handout_copy(handout, target):
    """A copy of a handout folder to check a submission in (check.py --submission writes
    into it), without the data set, which the checker does not read."""
    import shutil

    shutil.copytree(handout, target, ignore=shutil.ignore_patterns('data', '__pycache__'))
    return target


def check(folder, *args, timeout=300, container=True, env=None):
    """Run the handout's ./check.py with args; the CompletedProcess (text). `container`: as
    Gradescope's run_autograder runs it, where --submission is allowed; `env`: variables set."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1', **(env or {}))
    if container:
        env['CHECK_IN_A_CONTAINER'] = '1'
    return subprocess.run(
        [sys.executable, 'check.py', *map(str, args)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


def report(result):
    """{part: (score, max, message)} from the lines of ./check.py's report."""
    found = {}
    for line in result.stdout.splitlines()[:-1]:
        name, points, message = line.split(maxsplit=2)
        score, most = points.split('/')
        found[name] = (int(score), int(most), message)
    return found
