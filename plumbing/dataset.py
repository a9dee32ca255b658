"""The samples a script goes over: the shuffled training images of an epoch, or the test set.

    for img, label in dataset.shuffled(args, record): ...   # one epoch of training
    for img, label in dataset.test_batches(args): ...       # the test set, 1,000 rows at a time

Images come from mnist.py as 784 floats in [0, 1]; with --dev, the last DEV_SIZE training images
are held out: training skips them, and test_batches gives them instead of the test set.
"""

from plumbing.errors import UserError
from plumbing.options import DEV_SIZE
from plumbing.progress import Progress

import numpy

import mnist

BLOCK = 1000  # images are scaled to floats a block at a time, not one by one


def training_set(args):
    """(images, labels) to train on, and {file: SHA-256} of the files read (for the record)."""
    images, labels = mnist.load('train', args.data)
    checksums = mnist.checksums('train', args.data)
    if args.dev:
        images, labels = split_dev(images, labels, args.data)[0]
    return images, labels, checksums


def split_dev(images, labels, data):
    """((train images, labels), (dev images, labels)): the dev set is the last DEV_SIZE."""
    if len(labels) <= DEV_SIZE:
        raise UserError(
            '{}: {:,} training images, too few to hold out {:,} for a dev set'.format(
                mnist.paths('train', data)[0], len(labels), DEV_SIZE
            )
        )
    keep = len(labels) - DEV_SIZE
    return (
        (mnist.Images(images.pixels[:keep]), labels[:keep]),
        (mnist.Images(images.pixels[keep:]), labels[keep:]),
    )


def shuffled(args, record):
    """(img, label) of every training image once, in an order drawn from --seed and the epoch
    (so that chained epochs see different orders); only the first --limit. With --batch-size B,
    img is B rows and label B digits. Records the data's checksums in `record`; shows progress.
    """
    images, labels, record['data'] = training_set(args)
    order = numpy.random.default_rng([args.seed, record['epoch']]).permutation(len(labels))
    order = order[: args.limit]
    b = args.batch_size
    block = b * max(1, BLOCK // b)  # whole batches, so that none straddles two blocks
    progress = Progress(len(order))
    for start in range(0, len(order), block):
        rows = order[start : start + block]
        xs, ks = images[rows], labels[rows]
        for i in range(0, len(rows), b):
            yield (xs[i], ks[i]) if b == 1 else (xs[i : i + b], ks[i : i + b])
        progress.update(start + len(rows))
    progress.done()


def test_batches(args):
    """[(img, label)]: the test set (--dev: the dev set) as batches of BLOCK rows and digits."""
    if args.dev:
        images, labels = split_dev(*mnist.load('train', args.data), args.data)[1]
    else:
        images, labels = mnist.load('test', args.data)
    return [(images[i : i + BLOCK], labels[i : i + BLOCK]) for i in range(0, len(labels), BLOCK)]
