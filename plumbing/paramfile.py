"""Parameter files: the parameters of a model as an .npz, with a record of how they were made.

    paramfile.init(args)                        # --init: the parameters of epoch 0
    params, record = paramfile.start(args)      # in a training script: PARAM_IN's, checked
    ... one epoch of SGD on params ...
    paramfile.finish(args, params, record, log) # PARAM_OUT, whole or not at all

A file holds one array per parameter and `record`, a JSON text: the model, the epoch, the
options, the SHA-256 of the input file and of the data. From it, the scripts refuse a file of the
other model, and refuse to write over a result that a slip would destroy (see check_overwrite).
"""

import hashlib
import io
import json
import os
import sys
import time
import zipfile

from plumbing import atomic
from plumbing.errors import UserError

import numpy


def shapes(model, hidden=None):
    """{name: shape} of the parameters of `model`: 'linear', or 'mlp' with `hidden` units."""
    if model == 'linear':
        return {'w': (784, 10), 'b': (10,)}
    return {'w1': (784, hidden), 'b1': (hidden,), 'w2': (hidden, 10), 'b2': (10,)}


def initial(model, hidden, rng):
    """The parameters of epoch 0. The linear classifier starts from zeros, as in the tutorial:
    its loss has one minimum and no symmetry to break. The MLP's matrices start random, so that
    its hidden units differ, with variance 1 / fan-in so that scores start small; biases zero."""
    return {
        name: rng.normal(0, 1 / numpy.sqrt(shape[0]), shape)
        if model == 'mlp' and len(shape) == 2
        else numpy.zeros(shape)
        for name, shape in shapes(model, hidden).items()
    }


# --- Reading ------------------------------------------------------------------------------------


def read(path):
    """(params, record) from a parameter file of any model; UserError if it is not one."""
    try:
        with open(path, 'rb') as f:
            start = f.read(4)
        if start != b'PK\x03\x04':  # every .npz is a zip file, and starts so
            raise UserError(
                '{}: not a parameter file ({})'.format(
                    path, 'empty' if not start else 'not an .npz archive'
                )
            )
        with numpy.load(path, allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
    except FileNotFoundError:
        raise UserError(f'{path}: no such file') from None
    except IsADirectoryError:
        raise UserError(f'{path}: is a folder, not a parameter file') from None
    except PermissionError:
        raise UserError(f'{path}: permission denied') from None
    except UserError:
        raise
    except Exception as e:  # numpy.load fails in many ways on a damaged .npz
        raise UserError(f'{path}: not a parameter file ({str(e) or type(e).__name__})') from None
    try:
        record = json.loads(str(arrays.pop('record')))
        record['model'], int(record['epoch'])
    except (KeyError, ValueError, TypeError):
        raise UserError(f'{path}: not a parameter file of these scripts (no record)') from None
    return arrays, record


def load(path, model):
    """(params, record) from a parameter file of `model`, checked; UserError if it is not one."""
    arrays, record = read(path)
    if record['model'] != model:
        raise UserError(
            '{}: holds parameters of the {} model, not of the {} model'.format(
                path, record['model'], model
            )
        )
    expected = shapes(model, record.get('hidden'))
    found = {name: a.shape for name, a in arrays.items()}
    if found != expected:
        raise UserError(
            f'{path}: parameters {describe(found)} do not fit the {model} model '
            f'({describe(expected)} expected)'
        )
    for name, a in arrays.items():
        if a.dtype != numpy.float64 or not numpy.isfinite(a).all():
            raise UserError(f'{path}: parameter {name} is not all finite float64 numbers')
    return arrays, record


def load_all(args):
    """[(path, params)] of every file a test script is given, all checked before any is used."""
    loaded = []
    for path in args.params:
        params, record = load(path, args.model)
        if args.dev and not record.get('dev_held_out'):
            raise UserError(
                f'{path}: was trained on the dev images, so its dev error means nothing; '
                'train with --dev from the start'
            )
        loaded.append((path, params))
    return loaded


def describe(shapes):
    """'b 10, w 784x10': parameter shapes for a message."""
    return ', '.join(
        '{} {}'.format(name, 'x'.join(map(str, s))) for name, s in sorted(shapes.items())
    )


def sha256(path):
    """The SHA-256 of a file's bytes, as `sha256sum` prints it."""
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


# --- Writing ------------------------------------------------------------------------------------


def write(path, params, record):
    """Write params and their record to `path` atomically, the same bytes for the same numbers.

    numpy.savez stamps each entry with the current time; a fixed date keeps runs comparable.
    """
    arrays = dict(params, record=numpy.array(json.dumps(record, sort_keys=True)))
    with atomic.output_file(path) as f, zipfile.ZipFile(f, 'w') as z:
        for name, a in arrays.items():
            buffer = io.BytesIO()
            numpy.lib.format.write_array(buffer, a, allow_pickle=False)
            z.writestr(
                zipfile.ZipInfo(name + '.npy', date_time=(1980, 1, 1, 0, 0, 0)), buffer.getvalue()
            )


def check_overwrite(path, record, overwrite=False):
    """UserError if writing a file of `record` to `path` would destroy another result.

    A file there may be replaced only by the same step made again: the same model, epoch and
    options (re-running an epoch over its own earlier output). Anything else is kept: a file
    that is not a parameter file (a log, say), the other model's, an earlier or later epoch
    (swapped arguments), another chain's (other options), or trained parameters under --init.
    With `overwrite` (the option --overwrite), it is replaced all the same. An empty file holds no
    result: the shell's `> lin-param-2`, typed for a log, makes one.
    """
    if overwrite or not os.path.isfile(path) or os.path.getsize(path) == 0:
        return
    try:
        _, old = read(path)
    except UserError:
        raise UserError(
            f'{path}: exists and is not a parameter file; not writing over it (give '
            'another name, or --overwrite)'
        ) from None
    same = [old.get(k) == record[k] for k in ('model', 'epoch', 'options', 'hidden')]
    if all(same):
        return
    source = (old.get('input') or {}).get('file')
    made = 'by --init' if old['epoch'] == 0 else f'from {source}'
    raise UserError(
        '{}: holds epoch {} of the {} model, made {}{}; this run would write {} of the {} '
        'model over it (give another name, or --overwrite)'.format(
            path,
            old['epoch'],
            old['model'],
            made,
            ', with other options' if all(same[:2]) else '',
            'epoch {}'.format(record['epoch']) if record['epoch'] else 'initial parameters',
            record['model'],
        )
    )


def record_options(args, epoch):
    """The options that decide a file's numbers, as its record keeps them."""
    if epoch == 0:
        return {'seed': args.seed}
    return {
        'lr': args.lr,
        'seed': args.seed,
        'limit': args.limit,
        'batch_size': args.batch_size,
        'dev': args.dev,
    }


# --- A training script's start and finish --------------------------------------------------------


def init(args):
    """Write the first parameters of the model to the file of --init, with their record."""
    hidden = getattr(args, 'hidden', None)
    record = {
        'model': args.model,
        'hidden': hidden,
        'shapes': shapes(args.model, hidden),
        'epoch': 0,
        'made_by': args.prog + ' --init',
        'options': record_options(args, 0),
        'input': None,
        'data': None,
        'dev_held_out': True,
    }
    check_overwrite(args.init, record, args.overwrite)
    write(args.init, initial(args.model, hidden, numpy.random.default_rng(args.seed)), record)
    print(
        f'{args.prog}: initial {args.model} parameters '
        f'({describe(shapes(args.model, hidden))}) -> {args.init}',
        file=sys.stderr,
    )


def start(args):
    """(params, record) for one epoch of training: PARAM_IN's parameters, and the record of the
    file this epoch will make.

    Every check is made here, before any training: PARAM_IN is a file of this model (not trained
    on the dev images, with --dev), and PARAM_OUT can be written without destroying a result.
    """
    if not os.path.lexists(args.param_in):  # the tutorial's first command, in a new folder
        raise UserError(
            f'{args.param_in}: no such file; to start from the first parameters, make it with '
            f'./{args.prog} --init {args.param_in}'
        )
    params, old = load(args.param_in, args.model)
    if args.dev and not old.get('dev_held_out'):
        raise UserError(
            f'{args.param_in}: was trained on the dev images; --dev needs a chain trained with '
            '--dev from the start'
        )
    atomic.check_output(args.param_out, args.param_in)
    epoch, hidden = old['epoch'] + 1, old.get('hidden')
    record = {
        'model': args.model,
        'hidden': hidden,
        'shapes': shapes(args.model, hidden),
        'epoch': epoch,
        'made_by': args.prog,
        'options': record_options(args, epoch),
        'input': {'file': args.param_in, 'sha256': sha256(args.param_in)},
        'dev_held_out': args.dev,
    }
    check_overwrite(args.param_out, record, args.overwrite)
    return params, record


def finish(args, params, record, log):
    """Write the trained params to PARAM_OUT with their record, and say so on stderr.

    UserError, and no file, if a parameter is not finite: the last steps overflowed.
    """
    average = log.close()
    for name, value in params.items():
        if not numpy.isfinite(value).all():
            raise UserError(
                f'parameter {name} overflowed; try a smaller --lr (no parameter file written)'
            )
    seconds = time.time() - log.started
    write(args.param_out, params, dict(record, samples=log.count, average_loss=average))
    print(
        '{}: epoch {}: {:,} samples, average loss {:.4f}, {:.1f} s -> {}'.format(
            args.prog, record['epoch'], log.count, average, seconds, args.param_out
        ),
        file=sys.stderr,
    )
