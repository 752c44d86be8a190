"""Fashion-MNIST clothing images (``keras.datasets.fashion_mnist``)."""
import gzip
import os

import numpy as np

from ..utils._get_file import get_file

BASE = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]

_LABELS_MAGIC = 2049  # IDX: unsigned bytes, 1 dimension
_IMAGES_MAGIC = 2051  # IDX: unsigned bytes, 3 dimensions


def _read_idx(path, magic, header_len):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    header = np.frombuffer(raw[:header_len], dtype=">u4") if len(raw) >= header_len else None
    if header is None or int(header[0]) != magic:
        raise ValueError("%r is not a gzipped IDX file of the expected kind (magic number %d); delete it "
                         "so that it is downloaded again." % (path, magic))
    data = np.frombuffer(raw, np.uint8, offset=header_len)
    if data.size != int(np.prod(header[1:])):
        raise ValueError("%r is truncated: its header announces %s values, it holds %d; delete it so "
                         "that it is downloaded again." % (path, " x ".join(map(str, header[1:])),
                                                           data.size))
    return data


def load_data():
    """Load Fashion-MNIST: 60,000 training and 10,000 test 28x28 grey-scale images of 10 classes.

    The four gzipped IDX files are cached in ``~/.keras/datasets/fashion-mnist/``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays (read-only views, as in Keras),
        images of shape ``(n, 28, 28)``, labels of shape ``(n,)``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()  # doctest: +SKIP
    """
    dirname = os.path.join("datasets", "fashion-mnist")
    paths = [get_file(fname, origin=BASE + fname, cache_subdir=dirname) for fname in FILES]
    y_train = _read_idx(paths[0], _LABELS_MAGIC, 8)
    x_train = _read_idx(paths[1], _IMAGES_MAGIC, 16).reshape(len(y_train), 28, 28)
    y_test = _read_idx(paths[2], _LABELS_MAGIC, 8)
    x_test = _read_idx(paths[3], _IMAGES_MAGIC, 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
