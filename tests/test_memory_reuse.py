"""A training step written the tutorial's way does not page its memory in anew every step.

The MLP's gradient of w1 and the temporary `lr * grad` are 1.9 MB each; freed in the wrong
order, glibc hands them back to the operating system and the next step takes them back a page
at a time (about 900 page faults a step, several times the arithmetic's cost). nn.py asks
malloc to keep freed memory (allocator.py); this counts the page faults of such steps.
"""

import os
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.linux  # see conftest.py: glibc's malloc, and page faults

STEPS = """
import resource
import numpy
import nn

rng = numpy.random.default_rng(0)
params = [rng.normal(0, 0.03, (784, 300)), numpy.zeros(300), rng.normal(0, 0.05, (300, 10)),
          numpy.zeros(10)]
images, labels = rng.random((300, 784)), rng.integers(0, 10, 300)


def step(img, label, lr=0.1):
    g = nn.Graph()
    w1, b1, w2, b2 = [g.var(p) for p in params]
    x = g.var(img)
    y = g.var(nn.one_hot(label, 10))
    score = g.add(g.mul(g.logistic(g.add(g.mul(x, w1), b1)), w2), b2)
    loss = g.cross_entropy(score, y)
    nn.forward(g)
    nn.backward(g)
    for v in (w1, b1, w2, b2):
        v.value -= lr * v.grad


for i in range(20):  # the first steps may grow the heap
    step(images[i], labels[i])
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for i in range(20, 300):
    step(images[i], labels[i])
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 280)
"""


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='glibc malloc only')
def test_a_tutorial_style_mlp_step_takes_no_new_pages():
    result = subprocess.run(
        [sys.executable, '-c', STEPS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )
    assert float(result.stdout) < 20  # without allocator.keep_freed_memory(): about 900
