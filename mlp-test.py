#!/usr/bin/env python3
"""The test error rate of the MLP (logistic(x w1 + b1) w2 + b2): ./mlp-test.py mlp-param-5

The model is models.MLP; the error rate is common.error_rate.
"""
import common
import models

if __name__ == '__main__':
    common.run(lambda: common.test(models.MLP))
