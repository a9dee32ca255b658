#!/usr/bin/env python3
"""What nn.trace costs when it is off: forward + backward of the tutorial's linear snippet.

    python3 notes/hook-cost.py OLD_NN.py [NEW_NN.py]

Loads both versions of nn.py in one process, builds the tutorial's graph (w 784x10) in each,
and times many short rounds of 200 forward+backward steps, alternating old and new so that both
see the same machine load (it is shared). Prints the median time per step of each, and the median of the paired
differences.
"""
import importlib.util
import statistics
import sys
import time

import numpy


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def snippet(nn, rng):
    """The tutorial's linear snippet, as written (every var wants its gradient)."""
    g = nn.Graph()
    w = g.var(rng.normal(0, 0.01, (784, 10)))
    b = g.var(numpy.zeros(10))
    x = g.var(rng.random(784))
    y = g.var(nn.one_hot(3, 10))
    score = g.add(g.mul(x, w), b)
    g.cross_entropy(score, y)
    return g


def per_step(nn, g, steps):
    start = time.perf_counter()
    for _ in range(steps):
        nn.forward(g)
        nn.backward(g)
    return (time.perf_counter() - start) / steps * 1e6


def main():
    old = load(sys.argv[1], 'nn_old')
    new = load(sys.argv[2] if len(sys.argv) > 2 else 'nn.py', 'nn_new')
    assert getattr(new, 'trace', None) is None  # off
    graphs = {m: snippet(m, numpy.random.default_rng(0)) for m in (old, new)}
    times = {old: [], new: []}
    for _ in range(401):
        for m in (old, new) if len(times[old]) % 2 else (new, old):
            times[m].append(per_step(m, graphs[m], 200))
    diffs = [n - o for o, n in zip(times[old], times[new])]
    print('forward+backward per step, median of {} rounds of 200 steps'.format(len(diffs)))
    print('  before the hook: {:.2f} us'.format(statistics.median(times[old])))
    print('  with the hook:   {:.2f} us'.format(statistics.median(times[new])))
    print('  paired difference: {:+.2f} us (median)'.format(statistics.median(diffs)))


if __name__ == '__main__':
    main()
