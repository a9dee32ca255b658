#!/usr/bin/env python3
"""The test error rate of the MLP:  ./mlp-test.py mlp-param-5

The fraction of the 10,000 test images whose highest score is not their label. With several
files (./mlp-test.py mlp-param-{1..5}), one line each: the file and its error rate. --dev
measures on the dev set instead (the last 10,000 training images, for files trained with --dev).
"""

# first: from here on, a user's mistake or Ctrl-C is one line on stderr; numpy is checked
from plumbing import dataset, options, paramfile

import nn

args = options.test('mlp')  # PARAM [PARAM ...], --dev, --data
files = paramfile.load_all(args)  # [(path, params)], every file checked first
test_set = dataset.test_batches(args)  # 1,000 images at a time: a batch of rows

for path, params in files:
    wrong = total = 0
    for img, label in test_set:
        g = nn.Graph()
        w1 = g.var(params['w1'])
        b1 = g.var(params['b1'])
        w2 = g.var(params['w2'])
        b2 = g.var(params['b2'])
        x = g.var(img)
        score = g.add(g.mul(g.logistic(g.add(g.mul(x, w1), b1)), w2), b2)
        nn.forward(g)  # no backward: testing needs no gradient
        wrong += (score.value.argmax(axis=1) != label).sum()  # argmax: the highest score
        total += len(label)
    rate = wrong / total
    print(f'{rate:.4f}' if len(files) == 1 else f'{path} {rate:.4f}')
