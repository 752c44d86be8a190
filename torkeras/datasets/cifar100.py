"""CIFAR-100 small images (``keras.datasets.cifar100``)."""
import os

from ..utils._get_file import get_file
from .cifar import finish, load_batch

DIRNAME = "cifar-100-python"
ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"


def load_data(label_mode="fine"):
    """Load CIFAR-100: 50,000 training and 10,000 test 32x32 colour images of 100 classes.

    Args:
        label_mode: ``'fine'`` (100 classes) or ``'coarse'`` (20 super-classes).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images, ``(n, 32, 32, 3)`` when
        ``K.image_data_format()`` is ``'channels_last'`` else ``(n, 3, 32, 32)``; int64 labels of
        shape ``(n, 1)``.

    Raises:
        ValueError: ``label_mode`` is neither ``'fine'`` nor ``'coarse'``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode='coarse')  # doctest: +SKIP
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode=%r'
                         % (label_mode,))
    path = get_file(DIRNAME, origin=ORIGIN, untar=True)
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=label_mode + "_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=label_mode + "_labels")

    return finish(x_train, y_train, x_test, y_test)
