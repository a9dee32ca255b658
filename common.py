"""What the train and test scripts share: their options, parameter files, SGD and the error rate.

The scripts differ only in their model (models.py). Errors a user can cause (a wrong file, a bad
option, a learning rate that blows up) end a script with one line on stderr and exit status 2.
"""
import argparse
import contextlib
import hashlib
import io
import json
import math
import os
import sys
import tempfile
import time
import zipfile

import numpy

import mnist
import nn

DEV_SIZE = 10000  # with --dev, the last 10,000 training images are held out as a dev set
BLOCK = 1000      # images are scaled to floats, and losses printed, a block at a time


class Failure(Exception):
    """Something the user can fix; the message names the file or option and the problem."""


def run(main):
    """Run main(), turning a Failure or Ctrl-C into one line on stderr and an exit status."""
    prog = os.path.basename(sys.argv[0])
    try:
        main()
        return
    except (Failure, mnist.DataError) as e:
        message, status = 'error: {}'.format(e), 2
    except KeyboardInterrupt:
        message, status = 'interrupted; no output file written', 130
    except BrokenPipeError:
        message, status = 'error: standard output was closed', 2
    try:
        sys.stdout.flush()  # what was printed before the error is kept
    except OSError:  # but a closed or full stdout must not add a traceback at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    print('{}: {}'.format(prog, message), file=sys.stderr)
    sys.exit(status)


# --- Options -----------------------------------------------------------------------------------

class Parser(argparse.ArgumentParser):
    """argparse, with errors on one line."""

    def error(self, message):
        self.exit(2, '{}: error: {} (see --help)\n'.format(self.prog, message))


def number(kind, low):
    """An argparse type: a finite `kind` (int or float) that is at least (int) or above `low`."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError('{!r} is not a number'.format(text)) from None
        if not math.isfinite(value) or value < low or (kind is float and value == low):
            raise argparse.ArgumentTypeError('{!r} must be {} {}'.format(
                text, 'at least' if kind is int else 'above', low))
        return value
    return parse


def data_option(parser):
    """--data DIR, for every script that reads MNIST."""
    parser.add_argument('--data', metavar='DIR', help='folder of the MNIST files '
                        '(default: $MNIST_DIR, else data/ beside the scripts)')


def train_parser(model, prog):
    """The options of lin-train.py and mlp-train.py."""
    p = Parser(prog=prog, usage='{0} [options] PARAM_IN PARAM_OUT > LOG\n'
               '       {0} --init PARAM_OUT'.format(prog),
               description='One epoch of per-sample SGD on the {} model: every training image '
               'once, in a shuffled order; writes the parameters to PARAM_OUT and the loss of '
               'each sample, one per line, to stdout.'.format(model.name))
    p.add_argument('param_in', nargs='?', metavar='PARAM_IN', help='parameters to start from')
    p.add_argument('param_out', nargs='?', metavar='PARAM_OUT', help='where to write the result')
    p.add_argument('--init', metavar='PARAM_OUT', help='write initial parameters and stop')
    p.add_argument('--lr', type=number(float, 0), default=model.lr,
                   help='learning rate (default: %(default)s)')
    p.add_argument('--seed', type=number(int, 0), default=0,
                   help='seed of the shuffled order (with the epoch) and of --init (default: 0)')
    p.add_argument('--limit', type=number(int, 1), metavar='N',
                   help='train on the first N samples of the shuffled order only')
    p.add_argument('--batch-size', type=number(int, 1), default=1, metavar='B',
                   help='samples per SGD step; the step follows their mean gradient (default: 1)')
    p.add_argument('--dev', action='store_true',
                   help='hold out the last {:,} training images as a dev set'.format(DEV_SIZE))
    if model.name == 'mlp':
        p.add_argument('--hidden', type=number(int, 1), default=300,
                       help='with --init: hidden units (default: %(default)s)')
    data_option(p)
    return p


def test_parser(model, prog):
    """The options of lin-test.py and mlp-test.py."""
    p = Parser(prog=prog, usage='{} [options] PARAM [PARAM ...]'.format(prog),
               description='The error rate (fraction misclassified) of the {} model on the 10,000 '
               'test images. With several files, one line each: the file and its error rate.'
               .format(model.name))
    p.add_argument('params', nargs='+', metavar='PARAM', help='parameter files to test')
    p.add_argument('--dev', action='store_true', help='measure on the dev set (the last '
                   '{:,} training images) instead; for files trained with --dev'.format(DEV_SIZE))
    data_option(p)
    return p


# --- Files -------------------------------------------------------------------------------------

def read_lines(path):
    """The lines of a text file (a log, a list of error rates); Failure if it cannot be read."""
    try:
        with open(path) as f:
            return f.read().splitlines()
    except OSError as e:
        raise Failure('{}: {}'.format(path, e.strerror)) from None
    except UnicodeDecodeError:
        raise Failure('{}: not a text file'.format(path)) from None


def sha256(path):
    """The SHA-256 of a file's bytes, to record which file a run started from."""
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_params(path):
    """(params, record) from a parameter file of any model; Failure if it is not one."""
    try:
        with open(path, 'rb') as f:
            start = f.read(4)
        if start != b'PK\x03\x04':  # every .npz is a zip file, and starts so
            raise Failure('{}: not a parameter file ({})'.format(
                path, 'empty' if not start else 'not an .npz archive'))
        with numpy.load(path, allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
    except FileNotFoundError:
        raise Failure('{}: no such file'.format(path)) from None
    except IsADirectoryError:
        raise Failure('{}: is a folder, not a parameter file'.format(path)) from None
    except PermissionError:
        raise Failure('{}: permission denied'.format(path)) from None
    except Failure:
        raise
    except Exception as e:  # numpy.load fails in many ways on a damaged .npz
        raise Failure('{}: not a parameter file ({})'.format(
            path, str(e) or type(e).__name__)) from None
    try:
        record = json.loads(str(arrays.pop('record')))
        record['model'], int(record['epoch'])
    except (KeyError, ValueError, TypeError):
        raise Failure('{}: not a parameter file of these scripts (no record)'.format(path)) from None
    return arrays, record


def load_params(path, model):
    """(params, record) from a parameter file of `model`, checked; Failure if it is not one."""
    arrays, record = read_params(path)
    kind, hidden = record['model'], record.get('hidden')
    if kind != model.name:
        raise Failure('{}: holds parameters of the {} model, not of the {} model'.format(
            path, kind, model.name))
    shapes = model.shapes(hidden)
    found = {name: a.shape for name, a in arrays.items()}
    if found != shapes:
        raise Failure('{}: parameters {} do not fit the {} model ({} expected)'.format(
            path, describe(found), model.name, describe(shapes)))
    for name, a in arrays.items():
        if a.dtype != numpy.float64 or not numpy.isfinite(a).all():
            raise Failure('{}: parameter {} is not all finite float64 numbers'.format(path, name))
    return arrays, record


def describe(shapes):
    """'b 10, w 784x10': parameter shapes for a message."""
    return ', '.join('{} {}'.format(name, 'x'.join(map(str, s))) for name, s in sorted(shapes.items()))


def write_params(f, params, record):
    """Write params and their record to the open file f as an .npz, the same bytes every time.

    numpy.savez stamps each entry with the current time; a fixed date keeps runs comparable.
    """
    arrays = dict(params, record=numpy.array(json.dumps(record, sort_keys=True)))
    with zipfile.ZipFile(f, 'w') as z:
        for name, a in arrays.items():
            buffer = io.BytesIO()
            numpy.lib.format.write_array(buffer, a, allow_pickle=False)
            z.writestr(zipfile.ZipInfo(name + '.npy', date_time=(1980, 1, 1, 0, 0, 0)),
                       buffer.getvalue())


@contextlib.contextmanager
def output_file(path, input_path=None):
    """A file to write `path` through: a temporary file beside it, renamed to `path` once the
    block completes, removed if it fails. Checked first, before any work is done.

    Killed at any moment, a run leaves `path` as it was (or absent) or complete, never half.
    """
    folder = os.path.dirname(path) or '.'
    if not os.path.isdir(folder):
        raise Failure('{}: folder {} does not exist'.format(path, folder))
    if os.path.isdir(path):
        raise Failure('{}: is a folder'.format(path))
    if input_path and os.path.exists(path) and os.path.samefile(path, input_path):
        raise Failure('{}: is the input file; write the output elsewhere'.format(path))
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix='.{}.'.format(os.path.basename(path)),
                                         suffix='.partial')
    except OSError as e:
        raise Failure('{}: cannot write in {}: {}'.format(path, folder, e.strerror)) from None
    try:
        with os.fdopen(fd, 'wb') as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BrokenPipeError:  # stdout, not this file: run() reports it
        os.unlink(temporary)
        raise
    except OSError as e:  # a full disk, say
        os.unlink(temporary)
        raise Failure('{}: cannot write: {}'.format(path, e.strerror)) from None
    except BaseException:
        os.unlink(temporary)
        raise


# --- Training ----------------------------------------------------------------------------------

def train(model, argv=None):
    """lin-train.py and mlp-train.py: --init, or one epoch from PARAM_IN to PARAM_OUT."""
    prog = os.path.basename(sys.argv[0])
    args = train_parser(model, prog).parse_args(argv)
    if args.init:
        if args.param_in:
            raise Failure('--init takes one file and no PARAM_IN, PARAM_OUT')
        return init(model, args, prog)
    if not args.param_out:
        raise Failure('give PARAM_IN and PARAM_OUT, or --init PARAM_OUT (see --help)')
    params, record = load_params(args.param_in, model)
    source = dict(file=args.param_in, sha256=sha256(args.param_in))  # as read, not as after the epoch
    if args.dev and not record.get('dev_held_out'):
        raise Failure('{}: was trained on the dev images; --dev needs a chain trained with --dev '
                      'from the start'.format(args.param_in))
    with output_file(args.param_out, args.param_in) as f:
        images, labels = mnist.load('train', args.data)
        data = dict(train_sha256=mnist.checksum('train', args.data))
        if args.dev:
            images, labels = split_dev(images, labels, args.data)[0]
        epoch = record['epoch'] + 1
        # the order depends on the epoch too, so that chained epochs see different orders
        order = numpy.random.default_rng([args.seed, epoch]).permutation(len(labels))
        order = order[:args.limit]
        start = time.time()
        with numpy.errstate(all='ignore'):  # overflow is caught below, in one clearer line
            losses = sgd_epoch(model, params, images, labels, order, args.lr, args.batch_size)
        average = float(numpy.mean(losses))
        for name, value in params.items():
            if not numpy.isfinite(value).all():
                raise Failure('parameter {} overflowed; try a smaller --lr (no parameter file '
                              'written)'.format(name))
        write_params(f, params, dict(
            model=model.name, hidden=record.get('hidden'), shapes=model.shapes(record.get('hidden')),
            epoch=epoch, made_by=prog, samples=len(order), average_loss=average,
            options=dict(lr=args.lr, seed=args.seed, limit=args.limit,
                         batch_size=args.batch_size, dev=args.dev),
            input=source, data=data, dev_held_out=args.dev))
    print('{}: epoch {}: {:,} samples, average loss {:.4f}, {:.1f} s -> {}'.format(
        prog, epoch, len(order), average, time.time() - start, args.param_out), file=sys.stderr)


def init(model, args, prog):
    """Write the initial parameters (epoch 0) to args.init."""
    hidden = getattr(args, 'hidden', None)
    shapes = model.shapes(hidden)
    with output_file(args.init) as f:
        params = model.init(shapes, numpy.random.default_rng(args.seed))
        write_params(f, params, dict(
            model=model.name, hidden=hidden, shapes=shapes, epoch=0, made_by=prog + ' --init',
            options=dict(seed=args.seed), input=None, data=None, dev_held_out=True))
    print('{}: initial {} parameters ({}) -> {}'.format(
        prog, model.name, describe(shapes), args.init), file=sys.stderr)


def split_dev(images, labels, data):
    """((train images, labels), (dev images, labels)): the dev set is the last DEV_SIZE."""
    if len(labels) <= DEV_SIZE:
        raise Failure('{}: {:,} training images, too few to hold out {:,} for a dev set'.format(
            mnist.paths('train', data)[0], len(labels), DEV_SIZE))
    keep = len(labels) - DEV_SIZE
    return ((mnist.Images(images.pixels[:keep]), labels[:keep]),
            (mnist.Images(images.pixels[keep:]), labels[keep:]))


def sgd_epoch(model, params, images, labels, order, lr, batch_size=1, out=None):
    """SGD over images[order], updating params in place; print each sample's loss to `out`.

    The graph is the tutorial's, built once: each step puts new values in the input vars x and
    y and runs forward and backward again (building it anew per sample gives the same numbers,
    only slower). With batch_size B, x holds B rows, the loss is one number per row, and the
    step follows the mean of their gradients. Returns the losses; Failure if one is not finite.
    The parameters' grads hold lr times the gradient afterwards (see the seed below).
    """
    out = out or sys.stdout
    g = nn.Graph()
    p = {name: g.var(value) for name, value in params.items()}
    x = g.var(None, requires_grad=False)  # nobody needs the gradient of the image
    y = g.var(None, requires_grad=False)
    loss = g.cross_entropy(model.score(g, p, x), y)

    gold = numpy.eye(10)
    losses = numpy.empty(len(order))
    progress = Progress(len(order))
    block = batch_size * max(1, BLOCK // batch_size)  # whole batches, so none straddles two
    for start in range(0, len(order), block):
        rows = order[start:start + block]
        xs, ys = images[rows], gold[labels[rows]]  # scale a block at once, not each sample
        for i in range(0, len(rows), batch_size):
            if batch_size == 1:
                x.value, y.value = xs[i], ys[i]  # a row vector, as in the tutorial
            else:
                x.value, y.value = xs[i:i + batch_size], ys[i:i + batch_size]
            nn.forward(g)
            n = loss.value.size
            losses[start + i:start + i + n] = loss.value
            # Seeding with lr/n instead of ones scales every gradient by it on the way down (the
            # chain rule is linear), so the step is one subtraction: v.value -= lr/n * v.grad
            # would make one more pass over each matrix and allocate a temporary as big.
            loss.grad = numpy.full(n, lr / n) if batch_size > 1 else numpy.array(lr)
            nn.backward(g)
            for v in p.values():
                v.value -= v.grad
        done = losses[start:start + len(rows)]
        if not numpy.isfinite(done).all():
            bad = int(numpy.flatnonzero(~numpy.isfinite(done))[0])
            raise Failure('the loss became {} at sample {:,} of the epoch; try a smaller --lr '
                          '(no parameter file written)'.format(done[bad], start + bad + 1))
        write_losses(out, done)
        progress.update(start + len(rows))
    progress.done()
    return losses


def write_losses(out, losses):
    """Print the losses one per line, flushed, so that a log is complete to its last block."""
    try:
        out.write(''.join('{:.6g}\n'.format(v) for v in losses))
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as e:  # a full disk under the log, say
        raise Failure('cannot write the losses to standard output: {}'.format(e.strerror)) from None


class Progress:
    """Samples done, samples per second and time left, on stderr when it is a terminal."""

    def __init__(self, total):
        self.total, self.start = total, time.time()
        self.shown = sys.stderr.isatty()

    def update(self, done):
        if self.shown:
            rate = done / max(time.time() - self.start, 1e-9)
            sys.stderr.write('\r{:,}/{:,} samples, {:,.0f}/s, {:.0f} s left  '.format(
                done, self.total, rate, (self.total - done) / rate))
            sys.stderr.flush()

    def done(self):
        if self.shown:
            sys.stderr.write('\r' + ' ' * 60 + '\r')


# --- Testing -----------------------------------------------------------------------------------

def error_rate(model, params, images, labels):
    """The fraction of images whose highest score is not their label, through the nn graph."""
    g = nn.Graph()
    p = {name: g.var(value, requires_grad=False) for name, value in params.items()}
    x = g.var(None, requires_grad=False)
    score = model.score(g, p, x)
    wrong = 0
    for start in range(0, len(labels), BLOCK):
        x.value = images[start:start + BLOCK]  # a batch of rows: one forward for 1,000 images
        nn.forward(g)
        wrong += int(numpy.sum(score.value.argmax(axis=1) != labels[start:start + BLOCK]))
    return wrong / len(labels)


def test(model, argv=None):
    """lin-test.py and mlp-test.py: the error rate of each parameter file."""
    prog = os.path.basename(sys.argv[0])
    args = test_parser(model, prog).parse_args(argv)
    loaded = []
    for path in args.params:  # check them all before the data is read
        params, record = load_params(path, model)
        if args.dev and not record.get('dev_held_out'):
            raise Failure('{}: was trained on the dev images, so its dev error means nothing; '
                          'train with --dev from the start'.format(path))
        loaded.append((path, params))
    if args.dev:
        images, labels = split_dev(*mnist.load('train', args.data), args.data)[1]
    else:
        images, labels = mnist.load('test', args.data)
    for path, params in loaded:
        rate = error_rate(model, params, images, labels)
        print('{:.4f}'.format(rate) if len(loaded) == 1 else '{} {:.4f}'.format(path, rate))
