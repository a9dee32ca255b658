"""Read MNIST from its IDX files, gzipped or not.

    images, labels = mnist.load('train')   # 60,000 of each; mnist.load('test'): 10,000
    images[0]                              # the first image: 784 floats in [0, 1]
    labels[0]                              # its digit, 5

The files are read from the folder given, else from $MNIST_DIR, else from data/ beside this
file. A file that is missing or not what it should be raises DataError, whose message names it.
"""

import gzip
import hashlib
import math
import os
import zlib

import numpy

FILES = {
    'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
}
DEFAULT_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')


class DataError(Exception):
    """A data file that is missing or damaged; the message names the file and the problem."""


class Images:
    """Images as 784-long float vectors in [0, 1], indexed like an array: images[i], images[rows].

    They are kept as the file's bytes and scaled when indexed: 60,000 images take 47 MB so,
    and 376 MB as floats.
    """

    def __init__(self, pixels):
        self.pixels = pixels  # (count, 784) uint8

    def __len__(self):
        return len(self.pixels)

    def __getitem__(self, index):
        return self.pixels[index] / 255.0


def folder(name=None):
    """The folder to read: `name`, else $MNIST_DIR, else data/ beside this file."""
    return name or os.environ.get('MNIST_DIR') or DEFAULT_FOLDER


def paths(which, data=None):
    """The paths of the image and label files of `which` ('train' or 'test'), .gz or not."""
    found = []
    for name in FILES[which]:
        path = os.path.join(folder(data), name)
        if not os.path.exists(path) and os.path.exists(path + '.gz'):
            path += '.gz'
        found.append(path)
    return found


def read_idx(path):
    """The array in an IDX file of bytes, gunzipped if need be, its header checked against it.

    Nothing is allocated from the header's word: a damaged one may declare a terabyte. The data
    is read as it comes, and must be exactly as long as the header's sizes say.
    """
    try:
        with open(path, 'rb') as raw:
            gzipped = raw.read(2) == b'\x1f\x8b'
        with (gzip.open if gzipped else open)(path, 'rb') as f:
            magic = f.read(4)
            if len(magic) < 4 or magic[:3] != b'\x00\x00\x08' or magic[3] not in (1, 3):
                raise DataError(
                    '{}: not an IDX file of bytes (magic number {})'.format(
                        path, magic.hex() or 'missing'
                    )
                )
            header = f.read(4 * magic[3])
            if len(header) < 4 * magic[3]:
                raise DataError(f'{path}: header cut short')
            shape = tuple(int(d) for d in numpy.frombuffer(header, '>u4'))
            size = math.prod(shape)
            data = bytearray()
            while len(data) <= size:  # one byte more than said tells a file that is too long
                # 4 MiB at a time: gzip copies through a buffer as big as the read
                chunk = f.read(min(2**22, size + 1 - len(data)))
                if not chunk:
                    break
                data += chunk
            if len(data) != size:
                raise DataError(
                    f'{path}: the header says {size:,} bytes of data (shape {shape}), the file '
                    f'has {more_or_fewer(data, size, header)}'
                )
            return numpy.frombuffer(data, numpy.uint8).reshape(shape)
    except FileNotFoundError:
        raise DataError(f'{path}: no such file') from None
    except IsADirectoryError:
        raise DataError(f'{path}: is a folder, not a data file') from None
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f'{path}: cannot be read: {e}') from None


def more_or_fewer(data, size, header):
    """What read_idx says of data that is not `size` bytes long, with a hint if the header's
    sizes were written little-endian (IDX is big-endian)."""
    if len(data) > size:
        return 'more'
    swapped = tuple(int(d) for d in numpy.frombuffer(header, '<u4'))
    if math.prod(swapped) == len(data):
        return (
            f'fewer, {len(data):,}; read little-endian, its sizes {swapped} would fit: IDX sizes '
            'are big-endian'
        )
    return f'fewer, {len(data):,}'


def load(which, data=None):
    """(images, labels) of `which`, 'train' or 'test': Images and an int array of digits 0-9."""
    image_path, label_path = paths(which, data)
    pixels, labels = read_idx(image_path), read_idx(label_path)
    if pixels.ndim != 3 or pixels.shape[1:] != (28, 28):
        raise DataError(f'{image_path}: images of shape {pixels.shape[1:]}, not 28x28')
    if labels.ndim != 1:
        raise DataError(f'{label_path}: not a label file (shape {labels.shape})')
    if len(pixels) != len(labels):
        raise DataError(
            f'{label_path}: {len(labels)} labels for {len(pixels)} images in {image_path}'
        )
    if len(labels) == 0 or labels.max() > 9:
        raise DataError(f'{label_path}: labels must be digits 0-9')
    return Images(pixels.reshape(len(pixels), 784)), labels.astype(numpy.intp)


def checksums(which, data=None):
    """{file name: SHA-256} of the image and label files of `which`, as `sha256sum` prints it."""
    found = {}
    for path in paths(which, data):
        with open(path, 'rb') as f:
            found[os.path.basename(path)] = hashlib.sha256(f.read()).hexdigest()
    return found
