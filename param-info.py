#!/usr/bin/env python3
"""How a parameter file was made: ./param-info.py lin-param-3 [more files]

Prints each file's record (model, shapes, epoch, options, checksums of its input file and of
the training data) as JSON.
"""
import json
import sys

import common


def main():
    parser = common.Parser(usage='%(prog)s PARAM [PARAM ...]', description=__doc__.split('\n\n')[1])
    parser.add_argument('params', nargs='+', metavar='PARAM')
    for path in parser.parse_args().params:
        record = common.read_params(path)[1]
        print(json.dumps(dict(file=path, **record), indent=2, sort_keys=True))


if __name__ == '__main__':
    common.run(main)
