#!/usr/bin/env python3
"""The test error rate of the linear classifier (x w + b): ./lin-test.py lin-param-5

The model is models.LINEAR; the error rate is common.error_rate.
"""
import common
import models

if __name__ == '__main__':
    common.run(lambda: common.test(models.LINEAR))
