#!/usr/bin/env python3
"""How much the graph costs: per-sample SGD through nn.py against a hand-written numpy loop.

    python3 bench/bench.py            # about two minutes
    python3 bench/bench.py --quick    # fewer samples, for a look

Both run the same steps (same samples, order and initial parameters) in this one process; the
losses must agree. Each is timed in alternating rounds and the fastest round kept, since this
machine is shared: compare the ratios, not the microseconds, across runs.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import common  # noqa: E402
import mnist  # noqa: E402
import models  # noqa: E402


# --- The hand-written loop: what a student writes without a graph --------------------------------

def linear_step(p, x, k, lr):
    s = x @ p['w'] + p['b']
    s = s - s.max()
    logprob = s - numpy.log(numpy.exp(s).sum())
    d = numpy.exp(logprob)  # dL/ds = softmax(s) - one_hot(k)
    d[k] -= 1
    p['w'] -= lr * numpy.outer(x, d)
    p['b'] -= lr * d
    return -logprob[k]


def mlp_step(p, x, k, lr):
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
    return -logprob[k]


def hand_sgd(step, params, images, labels, order, lr):
    """The same loop as common.sgd_epoch (images scaled a block at a time), steps by hand."""
    losses = numpy.empty(len(order))
    for start in range(0, len(order), common.BLOCK):
        rows = order[start:start + common.BLOCK]
        xs, ks = images[rows], labels[rows]
        for j in range(len(rows)):
            losses[start + j] = step(params, xs[j], ks[j], lr)
    return losses


def graph_sgd(model, params, images, labels, order, lr, batch_size=1):
    with open(os.devnull, 'w') as out:
        return common.sgd_epoch(model, params, images, labels, order, lr, batch_size, out)


# --- Measurements ------------------------------------------------------------------------------

def compare(model, step, samples, rounds, images, labels):
    """Microseconds per sample of graph and hand-written SGD (best round), checked equal."""
    shapes = model.shapes(300 if model is models.MLP else None)
    start = model.init(shapes, numpy.random.default_rng(0))
    order = numpy.random.default_rng(1).permutation(len(labels))[:samples]
    best = {'graph': float('inf'), 'hand': float('inf')}
    results = {}
    for _ in range(rounds):
        for name in ('graph', 'hand'):
            params = {k: v.copy() for k, v in start.items()}
            t = time.perf_counter()
            if name == 'graph':
                losses = graph_sgd(model, params, images, labels, order, model.lr)
            else:
                losses = hand_sgd(step, params, images, labels, order, model.lr)
            best[name] = min(best[name], (time.perf_counter() - t) / samples * 1e6)
            results[name] = losses, params
    (graph_losses, graph_params), (hand_losses, hand_params) = results['graph'], results['hand']
    numpy.testing.assert_allclose(graph_losses, hand_losses, rtol=1e-7, atol=1e-10)
    for k in start:
        numpy.testing.assert_allclose(graph_params[k], hand_params[k], rtol=1e-7, atol=1e-10)
    return best['graph'], best['hand'], float(numpy.max(numpy.abs(graph_losses - hand_losses)))


def epoch_peak_memory():
    """Peak resident memory (MB) of a full `lin-train.py` epoch, run as a user runs it."""
    with tempfile.TemporaryDirectory() as d:
        p0, p1 = os.path.join(d, 'p0'), os.path.join(d, 'p1')
        script = os.path.join(ROOT, 'lin-train.py')
        subprocess.run([sys.executable, script, '--init', p0], check=True, stderr=subprocess.DEVNULL)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        subprocess.run([sys.executable, script, p0, p1], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far
    return max(peak, before) / 1024, seconds


def test_set_seconds(model, rounds):
    """Seconds of compute to evaluate the 10,000 test images (data already loaded)."""
    images, labels = mnist.load('test')
    params = model.init(model.shapes(300 if model is models.MLP else None), numpy.random.default_rng(0))
    best = float('inf')
    for _ in range(rounds):
        t = time.perf_counter()
        common.error_rate(model, params, images, labels)
        best = min(best, time.perf_counter() - t)
    return best


def batch_epochs(images, labels, samples, batch_sizes):
    """Seconds per full epoch (extrapolated from `samples`) of the linear model by batch size."""
    order = numpy.random.default_rng(1).permutation(len(labels))[:samples]
    out = {}
    for b in batch_sizes:
        params = models.linear_init(models.linear_shapes(None), None)
        t = time.perf_counter()
        graph_sgd(models.LINEAR, params, images, labels, order, models.LINEAR.lr, b)
        out[b] = (time.perf_counter() - t) / samples * len(labels)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true', help='fewer samples and rounds')
    args = parser.parse_args()
    n_linear, n_mlp, rounds = (3000, 300, 2) if args.quick else (20000, 3000, 3)
    images, labels = mnist.load('train')
    print('per-sample SGD, float64, one process; best of {} alternating rounds'.format(rounds))
    print('{:<8} {:>8} {:>12} {:>12} {:>7}  {}'.format(
        'model', 'samples', 'graph us', 'hand us', 'ratio', 'largest loss difference'))
    for model, step, n in ((models.LINEAR, linear_step, n_linear), (models.MLP, mlp_step, n_mlp)):
        graph, hand, diff = compare(model, step, n, rounds, images, labels)
        name = model.name if model is models.LINEAR else 'mlp-300'
        print('{:<8} {:>8,} {:>12.1f} {:>12.1f} {:>7.2f}  {:.1e}'.format(name, n, graph, hand, graph / hand, diff))
    peak, seconds = epoch_peak_memory()
    print('full lin-train.py epoch: peak resident memory {:.0f} MB, {:.1f} s wall'.format(peak, seconds))
    for model in (models.LINEAR, models.MLP):
        print('{}-test: 10,000 test images in {:.3f} s of compute'.format(
            model.name[:3], test_set_seconds(model, rounds)))
    epochs = batch_epochs(images, labels, n_linear, (1, 32))
    print('linear epoch by batch size: {}'.format(', '.join(
        '{}: {:.1f} s'.format(b, s) for b, s in epochs.items())) +
        ', speed-up {:.1f}x'.format(epochs[1] / epochs[32]))


if __name__ == '__main__':
    main()
