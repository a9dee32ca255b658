#!/usr/bin/env python3
"""One epoch of SGD for the linear classifier (x w + b): ./lin-train.py lin-param-0 lin-param-1 > log-1

The model is models.LINEAR; SGD, the loop over the samples, is common.sgd_epoch.
"""
import common
import models

if __name__ == '__main__':
    common.run(lambda: common.train(models.LINEAR))
