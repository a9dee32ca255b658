#!/usr/bin/env python3
"""One epoch of SGD for the linear classifier:  ./lin-train.py lin-param-0 lin-param-1 > log-1

Reads the parameters w and b from lin-param-0, takes one SGD step per training image (every
image once, in a shuffled order), prints each image's loss, one per line, and writes the new
parameters to lin-param-1. `./lin-train.py --init lin-param-0` writes the first parameters:
zeros. `./lin-train.py --help` lists the options: learning rate, seed, batch size, ...
"""

import sys

# first: from here on, a user's mistake or Ctrl-C is one line on stderr; numpy is checked
from plumbing import dataset, logs, options, paramfile

import nn

args = options.train('linear', lr=0.01)  # PARAM_IN PARAM_OUT, --lr, --seed, ...
if args.init:  # --init PARAM_OUT: write the first parameters (zeros), and stop
    paramfile.init(args)
    sys.exit()
params, record = paramfile.start(args)  # PARAM_IN's parameters; every file checked first
param_w, param_b = params['w'], params['b']
lr = args.lr
log = logs.LossLog()  # the losses, on stdout

for img, label in dataset.shuffled(args, record):
    g = nn.Graph()
    w = g.var(param_w)
    b = g.var(param_b)
    x = g.var(img, requires_grad=False)  # data, not parameters: nobody needs dL/dx or dL/dy
    y = g.var(nn.one_hot(label, 10), requires_grad=False)
    score = g.add(g.mul(x, w), b)
    loss = g.cross_entropy(score, y)

    nn.forward(g)
    nn.backward(g)  # w.grad = dL/dw, b.grad = dL/db
    # SGD: a small step against the gradient. With --batch-size, the loss is one number per
    # row, backward gives the gradient of their sum, and the step follows their mean.
    step = lr / loss.value.size  # loss.value.size: 1 for one sample, the rows for a batch
    w.value -= step * w.grad  # w.value is param_w: the step changes it in place
    b.value -= step * b.grad
    log.write(loss.value)

paramfile.finish(args, params, record, log)  # PARAM_OUT, written whole or not at all
