"""mnist.py on the shipped data (the checks of data/README.md) and on damaged files."""

import gzip
import hashlib
import os
import tracemalloc

import numpy
import pytest
from conftest import ROOT, assert_fails, run, write_idx

import mnist


def test_the_shipped_files_are_the_real_mnist():
    train_images, train_labels = mnist.load('train')
    test_images, test_labels = mnist.load('test')
    assert (len(train_images), len(test_images)) == (60000, 10000)
    assert train_labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert test_labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert numpy.bincount(train_labels).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]
    pixels = train_images.pixels / 255.0
    assert pixels.mean() == pytest.approx(0.1307, abs=5e-5)
    assert pixels.std() == pytest.approx(0.3081, abs=5e-5)
    md5 = {
        'train-images-idx3-ubyte': '6bbc9ace898e44ae57da46a324031adb',
        'train-labels-idx1-ubyte': 'a25bea736e30d166cdddb491f175f624',
        't10k-images-idx3-ubyte': '2646ac647ad5339dbf082846283269ea',
        't10k-labels-idx1-ubyte': '27ae3e4e09519cfbb04c329615203637',
    }
    for name, digest in md5.items():
        with gzip.open(os.path.join(ROOT, 'data', name + '.gz')) as f:
            assert hashlib.md5(f.read()).hexdigest() == digest


def test_images_are_784_floats_in_0_1_and_labels_digits():
    images, labels = mnist.load('test')
    first = images[0]
    assert first.shape == (784,) and first.dtype == numpy.float64
    assert first.min() == 0.0 and first.max() == 1.0
    assert images[[3, 1]].shape == (2, 784)
    assert labels.dtype.kind == 'i' and set(labels.tolist()) == set(range(10))


def test_another_folder_by_argument_or_environment(small_data, monkeypatch):
    assert len(mnist.load('train', str(small_data))[1]) == 300  # gzipped images, plain labels
    monkeypatch.setenv('MNIST_DIR', str(small_data))
    _images, labels = mnist.load('test')
    assert len(labels) == 200 and labels[:5].tolist() == [7, 2, 1, 0, 4]


def damaged(tmp_path, small_data, which_file, content):
    """A copy of small_data with one file replaced by `content` (bytes), or removed (None)."""
    for f in os.listdir(small_data):
        (tmp_path / f).write_bytes((small_data / f).read_bytes())
    path = tmp_path / which_file
    if content is None:
        path.unlink()
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    'which_file, content, message',
    [
        ('train-labels-idx1-ubyte', None, 'no such file'),
        ('train-labels-idx1-ubyte', b'', 'magic number missing'),
        (
            'train-labels-idx1-ubyte',
            b'\x00\x00\x0d\x01\x00\x00\x00\x01\x05',
            'magic number 00000d01',
        ),
        ('train-labels-idx1-ubyte', b'\x00\x00\x08\x01\x00\x00', 'header cut short'),
        ('train-labels-idx1-ubyte', b'\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02', 'file has fewer'),
        ('train-labels-idx1-ubyte', b'\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02', 'file has more'),
        ('train-images-idx3-ubyte.gz', b'\x1f\x8b\x08\x00garbage', 'cannot be read'),
        ('train-images-idx3-ubyte.gz', b'PK\x03\x04 not gzip', 'not an IDX file'),
    ],
)
def test_a_damaged_file_is_an_error_naming_it(tmp_path, small_data, which_file, content, message):
    path = damaged(tmp_path, small_data, which_file, content)
    with pytest.raises(mnist.DataError) as e:
        mnist.load('train', str(tmp_path))
    assert str(path) in str(e.value) and message in str(e.value)


def test_a_truncated_gzip_is_an_error(tmp_path, small_data):
    whole = (small_data / 'train-images-idx3-ubyte.gz').read_bytes()
    path = damaged(tmp_path, small_data, 'train-images-idx3-ubyte.gz', whole[: len(whole) // 2])
    with pytest.raises(mnist.DataError, match='cannot be read') as e:
        mnist.load('train', str(tmp_path))
    assert str(path) in str(e.value)


def test_counts_shapes_and_labels_are_checked(tmp_path, small_data):
    damaged(tmp_path, small_data, 'train-labels-idx1-ubyte', b'')
    write_idx(tmp_path / 'train-labels-idx1-ubyte', numpy.zeros(299), gzipped=False)
    with pytest.raises(mnist.DataError, match='299 labels for 300 images'):
        mnist.load('train', str(tmp_path))
    write_idx(tmp_path / 'train-labels-idx1-ubyte', numpy.full(300, 10), gzipped=False)
    with pytest.raises(mnist.DataError, match='labels must be digits 0-9'):
        mnist.load('train', str(tmp_path))
    write_idx(tmp_path / 'train-images-idx3-ubyte.gz', numpy.zeros((300, 27, 27)))
    with pytest.raises(mnist.DataError, match='not 28x28'):
        mnist.load('train', str(tmp_path))


# --- Headers that lie about the sizes (issue 11, case 8) -----------------------------------------


def header(ndim, sizes, byteorder='big'):
    return bytes([0, 0, 8, ndim]) + b''.join(s.to_bytes(4, byteorder) for s in sizes)


def labels_little_endian(small_data):
    labels = (small_data / 'train-labels-idx1-ubyte').read_bytes()[8:]
    return header(1, [len(labels)], 'little') + labels  # 300 labels, said as 738,263,040


def images_little_endian(small_data):
    with gzip.open(small_data / 'train-images-idx3-ubyte.gz') as f:
        pixels = f.read()[16:]
    return gzip.compress(header(3, [300, 28, 28], 'little') + pixels)


def two_to_the_31_images(small_data):  # 2^31 x 28 x 28 bytes: 1.5 TiB
    return gzip.compress(header(3, [2**31, 28, 28]) + bytes(5 * 784))


def sizes_whose_product_overflows_int64(small_data):
    return header(3, [2**32 - 1] * 3) + bytes(100)


@pytest.mark.parametrize(
    'which_file, make, words',
    [
        (
            'train-labels-idx1-ubyte',
            labels_little_endian,
            [
                'the header says 738,263,040 bytes of data',
                'fewer, 300; read little-endian, its sizes '
                '(300,) would fit: IDX sizes are big-endian',
            ],
        ),
        (
            'train-images-idx3-ubyte.gz',
            images_little_endian,
            ['fewer, 235,200; read little-endian, its sizes (300, 28, 28) would fit'],
        ),
        (
            'train-images-idx3-ubyte.gz',
            two_to_the_31_images,
            [
                'the header says 1,683,627,180,032 bytes of data (shape (2147483648, 28, 28)), '
                'the file has fewer, 3,920'
            ],
        ),
        (
            'train-images-idx3-ubyte.gz',
            sizes_whose_product_overflows_int64,
            ['the header says 79,228,162,458,924,105,385,300,197,375 bytes', 'fewer, 100'],
        ),
    ],
)
def test_a_header_that_lies_about_the_sizes_ends_the_scripts_with_one_line(
    tmp_path, small_data, which_file, make, words
):
    folder = tmp_path / 'data'
    folder.mkdir()
    path = damaged(folder, small_data, which_file, make(small_data))
    run('lin-train.py', '--init', tmp_path / 'p0', check=0)
    for script, args in (
        ('lin-train.py', [tmp_path / 'p0', tmp_path / 'p1']),
        ('lin-test.py', [tmp_path / 'p0', '--dev']),
    ):  # --dev: the train files
        result = run(script, *args, '--data', folder)
        assert_fails(result, f'{script}: error: {path}: ', *words)
    assert not (tmp_path / 'p1').exists()


def test_a_header_of_2_to_the_31_images_allocates_nothing_for_them(tmp_path, small_data):
    path = tmp_path / 'images'
    path.write_bytes(two_to_the_31_images(small_data))
    tracemalloc.start()
    try:
        with pytest.raises(mnist.DataError, match='the file has fewer'):
            mnist.read_idx(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**23  # the 4 MiB read buffer and little else (numpy reports to tracemalloc)
