"""Data for the tutorial examples: real handwritten digits, found offline.

Order: Keras's cache ``~/.keras/datasets/mnist.npz`` (or ``$KERAS_HOME/datasets``); else an MNIST
folder in IDX format named by ``TORKERAS_MNIST_DIR`` (or ``../shared/data/mnist`` next to this
repository, which holds the 10,000-digit MNIST test set); else scikit-learn's 8x8 digits (1,797 real
digits shipped inside scikit-learn), scaled up to 28x28. Prints which one it used.
"""
import gzip
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def _keras_cache():
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(base, "datasets", "mnist.npz")


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _idx_dir():
    candidates = [os.environ.get("TORKERAS_MNIST_DIR"),
                  os.path.join(HERE, "..", "..", "shared", "data", "mnist")]
    for c in candidates:
        if c and os.path.isfile(os.path.join(c, "t10k-images-idx3-ubyte.gz")):
            return c
    return None


def load_data(max_train=None):
    """Return ``(x_train, y_train), (x_test, y_test), source`` with images of shape (n, 28, 28)."""
    path = _keras_cache()
    if os.path.isfile(path):
        with np.load(path) as f:
            (x_train, y_train), (x_test, y_test) = (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
        source = "MNIST from %s" % path
    elif _idx_dir():
        d = _idx_dir()
        images = _read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"))
        labels = _read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
        split = int(len(images) * 0.8)
        x_train, y_train = images[:split], labels[:split]
        x_test, y_test = images[split:], labels[split:]
        source = ("MNIST IDX files from %s (%d digits to train, %d to test)"
                  % (os.path.abspath(d), split, len(images) - split))
    else:
        try:
            from sklearn.datasets import load_digits
        except ImportError:
            raise SystemExit("No digits found: put mnist.npz in ~/.keras/datasets, set "
                             "TORKERAS_MNIST_DIR to an MNIST IDX folder, or `pip install scikit-learn`.")
        digits = load_digits()
        small = (digits.images / 16.0 * 255.0).astype(np.uint8)
        big = np.kron(small, np.ones((1, 3, 3), dtype=np.uint8))
        images = np.pad(big, ((0, 0), (2, 2), (2, 2)))
        labels = digits.target
        rng = np.random.RandomState(0)
        order = rng.permutation(len(images))
        images, labels = images[order], labels[order]
        x_train, y_train = images[:1500], labels[:1500]
        x_test, y_test = images[1500:], labels[1500:]
        source = "scikit-learn 8x8 digits scaled to 28x28 (1,500 to train, 297 to test)"
    if max_train:
        x_train, y_train = x_train[:max_train], y_train[:max_train]
    print("Data: %s" % source)
    return (x_train, y_train), (x_test, y_test), source
