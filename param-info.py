#!/usr/bin/env python3
"""How a parameter file was made: ./param-info.py lin-param-3 [more files]

Prints each file's record (model, shapes, epoch, options, checksums of its input file and of
the training data) as JSON, one field per line.
"""

import json

from plumbing import options, paramfile


def main():
    parser = options.Parser(
        usage='%(prog)s PARAM [PARAM ...]', description=__doc__.split('\n\n')[1]
    )
    parser.add_argument('params', nargs='+', metavar='PARAM')
    for path in parser.parse_args().params:
        record = dict(file=path, **paramfile.read(path)[1])
        fields = [
            f'  {json.dumps(k)}: {json.dumps(record[k], sort_keys=True)}' for k in sorted(record)
        ]
        print('{\n' + ',\n'.join(fields) + '\n}')


if __name__ == '__main__':
    main()
