"""MNIST handwritten digits (``keras.datasets.mnist``)."""
import numpy as np

from ..utils._get_file import get_file

ORIGIN = "https://s3.amazonaws.com/img-datasets/mnist.npz"
FILE_HASH = "8a61469f7ea1b51cbae51d4f78837e45"


def load_data(path="mnist.npz"):
    """Load MNIST: 60,000 training and 10,000 test 28x28 grey-scale digit images.

    Args:
        path: file name in the cache (``~/.keras/datasets/``, or ``$KERAS_HOME/datasets/``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays, images of shape ``(n, 28, 28)``,
        labels of shape ``(n,)`` with digits 0-9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
    """
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        x_train, y_train = f["x_train"], f["y_train"]
        x_test, y_test = f["x_test"], f["y_test"]
    return (x_train, y_train), (x_test, y_test)
