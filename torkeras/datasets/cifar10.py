"""CIFAR-10 small images (``keras.datasets.cifar10``)."""
import os

import numpy as np

from ..utils._get_file import get_file
from .cifar import finish, load_batch

DIRNAME = "cifar-10-batches-py"
ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"


def load_data():
    """Load CIFAR-10: 50,000 training and 10,000 test 32x32 colour images of 10 classes.

    The archive is cached as ``~/.keras/datasets/cifar-10-batches-py.tar.gz`` and extracted to
    ``~/.keras/datasets/cifar-10-batches-py/`` (``data_batch_1`` ... ``data_batch_5``,
    ``test_batch``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape ``(n, 32, 32, 3)`` when
        ``K.image_data_format()`` is ``'channels_last'`` (a transposed view), else ``(n, 3, 32, 32)``;
        labels of shape ``(n, 1)``, uint8 for training and int64 for test (as in Keras).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = cifar10.load_data()  # doctest: +SKIP
    """
    path = get_file(DIRNAME, origin=ORIGIN, untar=True)
    batches = [load_batch(os.path.join(path, "data_batch_%d" % i)) for i in range(1, 6)]
    x_train = np.concatenate([np.asarray(x, dtype="uint8") for x, _ in batches])
    y_train = np.concatenate([np.asarray(y, dtype="uint8") for _, y in batches])
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))

    return finish(x_train, y_train, x_test, y_test)
