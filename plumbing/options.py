"""The scripts' command lines, with argparse: every option checked, errors on one line.

args = options.train('linear', lr=0.01)   # lin-train.py's options: args.lr, args.seed, ...
args = options.test('linear')              # lin-test.py's: args.params, args.dev, args.data
"""

import argparse
import math

DEV_SIZE = 10000  # with --dev, the last 10,000 training images are held out as a dev set


class Parser(argparse.ArgumentParser):
    """argparse, with errors on one line."""

    def error(self, message):
        self.exit(2, f'{self.prog}: error: {message} (see --help)\n')


def number(kind, low):
    """An argparse type: a finite `kind` (int or float) that is at least (int) or above `low`."""

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                '{!r} is not {}'.format(text, 'a whole number' if kind is int else 'a number')
            ) from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f'{text!r} is not a finite number')
        if value < low or (kind is float and value == low):
            raise argparse.ArgumentTypeError(
                '{!r} must be {} {}'.format(text, 'at least' if kind is int else 'above', low)
            )
        return value

    return parse


def data_option(parser):
    """--data DIR, for every script that reads MNIST."""
    parser.add_argument(
        '--data',
        metavar='DIR',
        help='folder of the MNIST files (default: $MNIST_DIR, else data/ beside the scripts)',
    )


def train(model, lr, argv=None):
    """The options of lin-train.py (model 'linear') and mlp-train.py ('mlp'), checked.

    args.model is the model; args.param_in is None with --init.
    """
    p = Parser(
        usage='%(prog)s [options] PARAM_IN PARAM_OUT > LOG\n       %(prog)s --init PARAM_OUT',
        description=f'One epoch of per-sample SGD on the {model} model: every training image '
        'once, in a shuffled order; writes the parameters to PARAM_OUT and the loss of '
        'each sample, one per line, to stdout.',
    )
    p.add_argument('param_in', nargs='?', metavar='PARAM_IN', help='parameters to start from')
    p.add_argument('param_out', nargs='?', metavar='PARAM_OUT', help='where to write the result')
    p.add_argument('--init', metavar='PARAM_OUT', help='write initial parameters and stop')
    p.add_argument(
        '--lr', type=number(float, 0), default=lr, help='learning rate (default: %(default)s)'
    )
    p.add_argument(
        '--seed',
        type=number(int, 0),
        default=0,
        help='seed of the shuffled order (with the epoch) and of --init (default: 0)',
    )
    p.add_argument(
        '--limit',
        type=number(int, 1),
        metavar='N',
        help='train on the first N samples of the shuffled order only',
    )
    p.add_argument(
        '--batch-size',
        type=number(int, 1),
        default=1,
        metavar='B',
        help='samples per SGD step; the step follows their mean gradient (default: 1)',
    )
    p.add_argument(
        '--dev',
        action='store_true',
        help=f'hold out the last {DEV_SIZE:,} training images as a dev set',
    )
    p.add_argument(
        '--overwrite',
        action='store_true',
        help='write PARAM_OUT even over a result '
        'of another epoch, model or options (refused without it)',
    )
    if model == 'mlp':
        p.add_argument(
            '--hidden',
            type=number(int, 1),
            help='with --init: hidden units (default: 300); after it, PARAM_IN has its own',
        )
    data_option(p)
    args = p.parse_args(argv)
    if args.init and (args.param_in or args.param_out):
        p.error('--init takes one file and no PARAM_IN, PARAM_OUT')
    if not args.init and not args.param_out:
        p.error('give PARAM_IN and PARAM_OUT, or --init PARAM_OUT')
    if getattr(args, 'hidden', None) and not args.init:
        p.error(f'--hidden goes with --init: {args.param_in} has its hidden units already')
    if model == 'mlp' and args.hidden is None:
        args.hidden = 300
    args.model, args.prog = model, p.prog
    return args


def test(model, argv=None):
    """The options of lin-test.py and mlp-test.py, checked; args.model is the model."""
    p = Parser(
        usage='%(prog)s [options] PARAM [PARAM ...]',
        description=f'The error rate (fraction misclassified) of the {model} model on the 10,000 '
        'test images. With several files, one line each: the file and its error rate.',
    )
    p.add_argument('params', nargs='+', metavar='PARAM', help='parameter files to test')
    p.add_argument(
        '--dev',
        action='store_true',
        help='measure on the dev set (the last '
        f'{DEV_SIZE:,} training images) instead; for files trained with --dev',
    )
    data_option(p)
    args = p.parse_args(argv)
    args.model, args.prog = model, p.prog
    return args
