#!/usr/bin/env python3
"""How a parameter file was made: ./param-info.py lin-param-3 [more files]

Prints each file's record (model, shapes, epoch, options, checksums of its input file and of
the training data) as JSON, one field per line.
"""
import json

import requires
requires.require('numpy')  # which common imports: one line, not a traceback, if it is missing

import common  # noqa: E402


def main():
    parser = common.Parser(usage='%(prog)s PARAM [PARAM ...]', description=__doc__.split('\n\n')[1])
    parser.add_argument('params', nargs='+', metavar='PARAM')
    for path in parser.parse_args().params:
        record = dict(file=path, **common.read_params(path)[1])
        fields = ['  {}: {}'.format(json.dumps(k), json.dumps(record[k], sort_keys=True))
                  for k in sorted(record)]
        print('{\n' + ',\n'.join(fields) + '\n}')


if __name__ == '__main__':
    common.run(main)
