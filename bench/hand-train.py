#!/usr/bin/env python3
"""The same epoch as lin-train.py, written by hand in numpy without a graph, for bench.py.

    bench/hand-train.py PARAM_IN PARAM_OUT > LOG

Same data, same shuffled order (seed 0), same steps, losses printed the same way; the
parameters are saved with numpy.savez. No checks: a yardstick, not a tool.
"""

import os
import sys

import numpy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import mnist

lr = 0.01
with numpy.load(sys.argv[1]) as z:
    w, b = z['w'].copy(), z['b'].copy()
epoch = 1
images, labels = mnist.load('train')
order = numpy.random.default_rng([0, epoch]).permutation(len(labels))
for start in range(0, len(order), 1000):
    rows = order[start : start + 1000]
    xs, ks = images[rows], labels[rows]
    losses = []
    for x, k in zip(xs, ks, strict=True):
        s = x @ w + b
        s = s - s.max()
        logprob = s - numpy.log(numpy.exp(s).sum())
        d = numpy.exp(logprob)  # dL/ds = softmax(s) - one_hot(k)
        d[k] -= 1
        w -= lr * numpy.outer(x, d)
        b -= lr * d
        losses.append(-logprob[k])
    sys.stdout.write(''.join(f'{v:.6g}\n' for v in losses))
numpy.savez(sys.argv[2], w=w, b=b)
