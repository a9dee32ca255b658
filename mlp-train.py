#!/usr/bin/env python3
"""One epoch of SGD for the MLP (logistic(x w1 + b1) w2 + b2): ./mlp-train.py mlp-param-0 mlp-param-1 > log-1

The model is models.MLP; SGD, the loop over the samples, is common.sgd_epoch.
"""
import common
import models

if __name__ == '__main__':
    common.run(lambda: common.train(models.MLP))
