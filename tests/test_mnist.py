"""mnist.py on the shipped data (the checks of data/README.md) and on damaged files."""
import hashlib
import gzip
import os

import numpy
import pytest

import mnist
from conftest import ROOT, write_idx


def test_the_shipped_files_are_the_real_mnist():
    train_images, train_labels = mnist.load('train')
    test_images, test_labels = mnist.load('test')
    assert (len(train_images), len(test_images)) == (60000, 10000)
    assert train_labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert test_labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert numpy.bincount(train_labels).tolist() == [
        5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    pixels = train_images.pixels / 255.0
    assert pixels.mean() == pytest.approx(0.1307, abs=5e-5)
    assert pixels.std() == pytest.approx(0.3081, abs=5e-5)
    md5 = {'train-images-idx3-ubyte': '6bbc9ace898e44ae57da46a324031adb',
           'train-labels-idx1-ubyte': 'a25bea736e30d166cdddb491f175f624',
           't10k-images-idx3-ubyte': '2646ac647ad5339dbf082846283269ea',
           't10k-labels-idx1-ubyte': '27ae3e4e09519cfbb04c329615203637'}
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
    images, labels = mnist.load('test')
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


@pytest.mark.parametrize('which_file, content, message', [
    ('train-labels-idx1-ubyte', None, 'no such file'),
    ('train-labels-idx1-ubyte', b'', 'magic number missing'),
    ('train-labels-idx1-ubyte', b'\x00\x00\x0d\x01\x00\x00\x00\x01\x05', 'magic number 00000d01'),
    ('train-labels-idx1-ubyte', b'\x00\x00\x08\x01\x00\x00', 'header cut short'),
    ('train-labels-idx1-ubyte', b'\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02', 'file has fewer'),
    ('train-labels-idx1-ubyte', b'\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02', 'file has more'),
    ('train-images-idx3-ubyte.gz', b'\x1f\x8b\x08\x00garbage', 'cannot be read'),
    ('train-images-idx3-ubyte.gz', b'PK\x03\x04 not gzip', 'not an IDX file'),
])
def test_a_damaged_file_is_an_error_naming_it(tmp_path, small_data, which_file, content, message):
    path = damaged(tmp_path, small_data, which_file, content)
    with pytest.raises(mnist.DataError) as e:
        mnist.load('train', str(tmp_path))
    assert str(path) in str(e.value) and message in str(e.value)


def test_a_truncated_gzip_is_an_error(tmp_path, small_data):
    whole = (small_data / 'train-images-idx3-ubyte.gz').read_bytes()
    path = damaged(tmp_path, small_data, 'train-images-idx3-ubyte.gz', whole[:len(whole) // 2])
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
