#!/usr/bin/env python3
"""What the graph costs: SGD loops through nn.py against the same loop written by hand in numpy.

    python3 bench/bench.py            # about 3 minutes
    python3 bench/bench.py --quick    # fewer samples and rounds, for a look

Three loops run the same steps (same samples, order and initial parameters) in this process:
- tutorial: the tutorial's snippet as written, a new graph per sample, vars at their defaults,
  and `w.value -= lr * w.grad`;
- script: the loop of lin-train.py or mlp-train.py, read from the script's own text and run;
- hand: the same SGD written by hand in numpy, no graph.
Their losses must agree to 1e-12. Each round runs all three, one after the other; a ratio is
graph time / hand time within one round, and the report gives the median over the rounds with
the smallest and largest. The machine may be shared: single timings move, ratios less so.
Then a whole lin-train.py epoch as a process against bench/hand-train.py, the same epoch by hand.
"""

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# first: one line if numpy is missing; Ctrl-C one line, a closed output (| head) none
from plumbing import paramfile

import numpy

import checks
import mnist
import nn

ROOT = sys.path[0]  # the project's folder, put first above

# --- The tutorial's way: the snippet as written ------------------------------------------------


def tutorial_linear(params, samples, lr):
    param_w, param_b = params['w'], params['b']
    losses = []
    for img, label in samples:
        g = nn.Graph()
        w = g.var(param_w)
        b = g.var(param_b)
        x = g.var(img)
        y = g.var(nn.one_hot(label, 10))
        score = g.add(g.mul(x, w), b)
        loss = g.cross_entropy(score, y)
        nn.forward(g)
        nn.backward(g)
        w.value -= lr * w.grad
        b.value -= lr * b.grad
        losses.append(loss.value)
    return losses


def tutorial_mlp(params, samples, lr):
    param_w1, param_b1, param_w2, param_b2 = params['w1'], params['b1'], params['w2'], params['b2']
    losses = []
    for img, label in samples:
        g = nn.Graph()
        w1 = g.var(param_w1)
        b1 = g.var(param_b1)
        w2 = g.var(param_w2)
        b2 = g.var(param_b2)
        x = g.var(img)
        y = g.var(nn.one_hot(label, 10))
        score = g.add(g.mul(g.logistic(g.add(g.mul(x, w1), b1)), w2), b2)
        loss = g.cross_entropy(score, y)
        nn.forward(g)
        nn.backward(g)
        w1.value -= lr * w1.grad
        b1.value -= lr * b1.grad
        w2.value -= lr * w2.grad
        b2.value -= lr * b2.grad
        losses.append(loss.value)
    return losses


# --- The scripts' own loop, taken from their text ----------------------------------------------


def script_loop(script):
    """A function (params, samples, lr) -> losses running the `for` loop of a training script."""
    with open(os.path.join(ROOT, script)) as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('for img, label in'))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] and lines[i][0] != ' ')
    body = '\n'.join(['for img, label in samples:', *lines[start + 1 : end]])
    code = compile(body, script, 'exec')

    def run(params, samples, lr):
        losses = []
        names = {'param_' + k: v for k, v in params.items()}
        exec(
            code,
            dict(
                names,
                nn=nn,
                numpy=numpy,
                samples=samples,
                lr=lr,
                log=argparse.Namespace(write=losses.append),
            ),
        )
        return losses

    return run


# --- By hand: what a student writes without a graph ---------------------------------------------


def hand_linear(p, samples, lr):
    losses = []
    for x, k in samples:
        s = x @ p['w'] + p['b']
        s = s - s.max()
        logprob = s - numpy.log(numpy.exp(s).sum())
        d = numpy.exp(logprob)  # dL/ds = softmax(s) - one_hot(k)
        d[k] -= 1
        p['w'] -= lr * numpy.outer(x, d)
        p['b'] -= lr * d
        losses.append(-logprob[k])
    return losses


def hand_mlp(p, samples, lr):
    losses = []
    for x, k in samples:
        h = 1 / (1 + numpy.exp(-(x @ p['w1'] + p['b1'])))
        s = h @ p['w2'] + p['b2']
        s = s - s.max()
        logprob = s - numpy.log(numpy.exp(s).sum())
        d = numpy.exp(logprob)
        d[k] -= 1
        dz = (p['w2'] @ d) * h * (1 - h)
        p['w2'] -= lr * numpy.outer(h, d)
        p['b2'] -= lr * d
        p['w1'] -= lr * numpy.outer(x, dz)
        p['b1'] -= lr * dz
        losses.append(-logprob[k])
    return losses


# --- Measurements ------------------------------------------------------------------------------


def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def compare(model, loops, samples, rounds, lr):
    """{loop name: (ratios to hand, page faults per step)}, the losses checked equal."""
    start = paramfile.initial(model, 300, numpy.random.default_rng(0))
    seconds = {name: [] for name in loops}
    pf = {name: [] for name in loops}
    for r in range(rounds):
        results = {}
        names = list(loops)[r % len(loops) :] + list(loops)[: r % len(loops)]  # each goes first
        for name in names:
            loop = loops[name]
            params = {k: v.copy() for k, v in start.items()}
            f, t = faults(), time.perf_counter()
            losses = loop(params, samples, lr)
            seconds[name].append(time.perf_counter() - t)
            pf[name].append((faults() - f) / len(samples))
            results[name] = numpy.array(losses, dtype=float)
        for name, losses in results.items():
            difference = numpy.max(numpy.abs(losses - results['hand']))
            assert difference <= 1e-12, f'{model} {name}: losses differ by {difference:.1e}'
    return {
        name: (
            [s / h for s, h in zip(seconds[name], seconds['hand'], strict=True)],
            statistics.median(seconds[name]) / len(samples) * 1e6,
            statistics.median(pf[name]),
        )
        for name in loops
    }


PEAK = f"""import runpy, sys
sys.argv = sys.argv[1:]
sys.path.insert(0, {ROOT!r})
runpy.run_path(sys.argv[0], run_name='__main__')
with open('/proc/self/status') as status:
    print(next(line for line in status if line.startswith('VmHWM')), file=sys.stderr)
"""


def epoch_process(rounds):
    """[lin-train.py seconds / hand-train.py seconds] per round, and lin-train.py's peak MB."""
    ratios = []
    with tempfile.TemporaryDirectory() as d:
        p0, p1 = os.path.join(d, 'p0'), os.path.join(d, 'p1')
        commands = {
            'graph': ['lin-train.py', p0, p1, '--overwrite'],
            'hand': ['bench/hand-train.py', p0, p1 + '.npz'],
        }
        subprocess.run(
            [sys.executable, os.path.join(ROOT, 'lin-train.py'), '--init', p0],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        # the peak as the epoch's own process sees it (VmHWM): a child's ru_maxrss would count
        # the memory of this process, which it starts as a copy of
        report = subprocess.run(
            [sys.executable, '-c', PEAK, os.path.join(ROOT, 'lin-train.py'), p0, p1],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        ).stderr
        peak = int(report.split('VmHWM:')[1].split()[0]) / 1024
        for r in range(rounds):
            took = {}
            for name in ('graph', 'hand') if r % 2 == 0 else ('hand', 'graph'):
                script, *args = commands[name]
                t = time.perf_counter()
                subprocess.run(
                    [sys.executable, os.path.join(ROOT, script), *args],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                took[name] = time.perf_counter() - t
            ratios.append(took['graph'] / took['hand'])
    return ratios, peak


def batch_epochs(images, labels, order, batch_sizes, rounds):
    """{B: seconds of a linear epoch (extrapolated) with batches of B rows, median of rounds}."""
    loop = script_loop('lin-train.py')
    took = {b: [] for b in batch_sizes}
    for _ in range(rounds):
        for b in batch_sizes:
            samples = (
                [(images[k], labels[k]) for k in order]
                if b == 1
                # rows, as the script
                else [
                    (images[order[i : i + b]], labels[order[i : i + b]])
                    for i in range(0, len(order), b)
                ]
            )
            params = paramfile.initial('linear', None, None)
            t = time.perf_counter()
            loop(params, samples, 0.01 * b)
            took[b].append((time.perf_counter() - t) / len(order) * len(labels))
    return {b: statistics.median(s) for b, s in took.items()}


# --- What three of nn.py's promises cost a step ------------------------------------------------


def per_call(stmt, names, rounds, number=200000):
    """Microseconds of one run of `stmt`, the median of `rounds` timings."""
    timer = timeit.Timer(stmt, globals=names)
    return statistics.median(timer.timeit(number) / number * 1e6 for _ in range(rounds))


def promises(model, params, img, label, step_us, rounds):
    """Lines that say what a tutorial-style step pays for the trace hook left off, for gradients
    of their own, and what it would pay to check a var's gold: each operation timed alone, times
    how often one step does it (counted by running a step with a hook that counts)."""
    counts = {'value': 0, 'grad': 0}
    copies = []

    def count(n, i=None, delta=None):
        counts['value' if i is None else 'grad'] += 1
        if i is not None and n.type in ('add', 'sub') and delta is n.grad:
            copies.append(delta)  # what add_grad copied: n's own gradient, passed on

    nn.trace = count
    try:
        (tutorial_linear if model == 'linear' else tutorial_mlp)(params, [(img, label)], 0.0)
    finally:
        nn.trace = None
    hook = per_call('if trace: trace(n)', {'trace': None, 'n': None}, rounds)
    checks_per_step = counts['value'] + counts['grad']
    copy = sum(per_call('d.copy()', {'d': d}, rounds, 100000) for d in copies)
    gold = nn.one_hot(label, 10)
    check = per_call('is_distribution(gold)', {'is_distribution': checks.is_distribution,
                                                'gold': gold}, rounds, 50000)  # fmt: skip
    nodes = counts['value']
    return [
        f'  the trace hook, off: {checks_per_step} checks a step of {nodes} nodes, '
        f'{hook * 1000:.0f} ns each: {hook * checks_per_step / nodes * 1000:.0f} ns per node',
        f'  gradients of their own: {len(copies)} copies a step '
        f'({", ".join(str(d.size) for d in copies)} floats): {copy:.2f} us, '
        f'{copy / step_us:.1%} of the step',
        f"  a var's gold checked to be a distribution (not done): {check:.2f} us, "
        f'{check / step_us:.1%} of the step',
    ]


# The tutorial-style loop may take at most this many times as long as the hand-written one: the
# graph's Python shows next to the linear classifier's small products, not next to the MLP's.
TARGETS = {'linear': 1.5, 'mlp': 1.1}


def spread(ratios):
    return f'{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})'


def machine():
    """The CPU, Python, numpy and its BLAS: what the figures were measured with."""
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(
                line.split(':', 1)[1].strip() for line in f if line.startswith('model name')
            )
    except (OSError, StopIteration):
        pass
    blas = numpy.show_config(mode='dicts')['Build Dependencies']['blas']
    return '{}, {} cores; Python {}, numpy {}, BLAS {} {}'.format(
        cpu,
        os.cpu_count(),
        platform.python_version(),
        numpy.__version__,
        blas.get('name'),
        blas.get('version'),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true', help='fewer samples and rounds')
    args = parser.parse_args()
    n_linear, n_mlp, rounds = (2000, 200, 3) if args.quick else (10000, 1000, 7)
    print(machine())
    if hasattr(os, 'getloadavg'):  # a shared machine: other work moves the figures
        print('load average at the start: {:.2f}, {:.2f}, {:.2f}'.format(*os.getloadavg()))
    images, labels = mnist.load('train')
    order = numpy.random.default_rng(1).permutation(len(labels))
    print(
        'SGD steps in one process, float64: ratio to hand-written numpy, median (min-max) '
        f'of {rounds} interleaved rounds'
    )
    print(
        '{:<8} {:<10} {:>8} {:>16} {:>8} {:>12}'.format(
            'model', 'loop', 'samples', 'ratio', 'us/step', 'page faults'
        )
    )
    cases = (
        ('linear', 0.01, n_linear, tutorial_linear, 'lin-train.py', hand_linear),
        ('mlp', 0.1, n_mlp, tutorial_mlp, 'mlp-train.py', hand_mlp),
    )
    costs, verdicts = [], []
    for model, lr, n, tutorial, script, hand in cases:
        samples = [(images[i], labels[i]) for i in order[:n]]
        loops = {'tutorial': tutorial, 'script': script_loop(script), 'hand': hand}
        results = compare(model, loops, samples, rounds, lr)
        start = paramfile.initial(model, 300, numpy.random.default_rng(0))
        costs.append(f'{model} (a tutorial-style step: {results["tutorial"][1]:.1f} us):')
        costs += promises(model, start, *samples[0], results['tutorial'][1], rounds)
        for name, (ratios, us, pf) in results.items():
            print(
                '{:<8} {:<10} {:>8,} {:>16} {:>8.1f} {:>12.1f}'.format(
                    model if model == 'linear' else 'mlp-300',
                    name,
                    n,
                    spread(ratios) if name != 'hand' else '1',
                    us,
                    pf,
                )
            )
        ratio, target = statistics.median(results['tutorial'][0]), TARGETS[model]
        verdicts.append(
            f'{model}: {ratio:.2f} {"<=" if ratio <= target else ">"} {target}, '
            + ('met' if ratio <= target else 'NOT MET')
        )
    print(f'targets, tutorial loop / hand (median): {"; ".join(verdicts)}')
    print("what nn.py's promises cost a tutorial-style step, medians of timings alone:")
    print('\n'.join(costs))
    epochs = batch_epochs(images, labels, order[:n_linear], (1, 32), rounds)
    print(
        'lin-train.py loop, one epoch by batch size: {}; speed-up {:.1f}x'.format(
            ', '.join(f'{b}: {s:.2f} s' for b, s in epochs.items()), epochs[1] / epochs[32]
        )
    )
    ratios, peak = epoch_process(max(3, rounds // 2))
    print(
        f'whole lin-train.py epoch / bench/hand-train.py epoch, as processes: {spread(ratios)}; '
        f'lin-train.py peak resident memory {peak:.0f} MB'
    )
    if hasattr(os, 'getloadavg'):
        print('load average at the end: {:.2f}, {:.2f}, {:.2f}'.format(*os.getloadavg()))


if __name__ == '__main__':
    main()
