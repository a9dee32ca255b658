#!/usr/bin/env python3
"""One epoch of SGD for the MLP:  ./mlp-train.py mlp-param-0 mlp-param-1 > log-1

Reads the parameters w1, b1, w2 and b2 from mlp-param-0, takes one SGD step per training image
(every image once, in a shuffled order), prints each image's loss, one per line, and writes the
new parameters to mlp-param-1. `./mlp-train.py --init mlp-param-0` writes the first parameters:
random matrices, 300 hidden units (--hidden). `./mlp-train.py --help` lists the options.
"""

import sys

# first: from here on, a user's mistake or Ctrl-C is one line on stderr; numpy is checked
from plumbing import dataset, logs, options, paramfile

import nn

args = options.train('mlp', lr=0.1)  # PARAM_IN PARAM_OUT, --lr, --seed, ...
if args.init:  # --init PARAM_OUT: write the first parameters (random matrices), and stop
    paramfile.init(args)
    sys.exit()
params, record = paramfile.start(args)  # PARAM_IN's parameters; every file checked first
param_w1, param_b1, param_w2, param_b2 = params['w1'], params['b1'], params['w2'], params['b2']
lr = args.lr
log = logs.LossLog()  # the losses, on stdout

for img, label in dataset.shuffled(args, record):
    g = nn.Graph()
    w1 = g.var(param_w1)
    b1 = g.var(param_b1)
    w2 = g.var(param_w2)
    b2 = g.var(param_b2)
    x = g.var(img, requires_grad=False)  # data, not parameters: nobody needs dL/dx or dL/dy
    y = g.var(nn.one_hot(label, 10), requires_grad=False)
    score = g.add(g.mul(g.logistic(g.add(g.mul(x, w1), b1)), w2), b2)
    loss = g.cross_entropy(score, y)

    nn.forward(g)
    nn.backward(g)  # w1.grad = dL/dw1, ... b2.grad = dL/db2
    # SGD: a small step against the gradient. With --batch-size, the loss is one number per
    # row, backward gives the gradient of their sum, and the step follows their mean.
    step = lr / loss.value.size  # loss.value.size: 1 for one sample, the rows for a batch
    w1.value -= step * w1.grad  # w1.value is param_w1: the step changes it in place
    b1.value -= step * b1.grad
    w2.value -= step * w2.grad
    b2.value -= step * b2.grad
    log.write(loss.value)

paramfile.finish(args, params, record, log)  # PARAM_OUT, written whole or not at all
