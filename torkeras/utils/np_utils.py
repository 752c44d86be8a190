"""Numpy utilities: to_categorical, normalize (Keras 2.2.4 ``keras/utils/np_utils.py``)."""
import numpy as np


def to_categorical(y, num_classes=None, dtype="float32"):
    """Convert a class vector (integers) to a one-hot matrix.

    Args:
        y: class vector with values from 0 to num_classes - 1.
        num_classes: total number of classes (default ``max(y) + 1``). Keras 1's ``nb_classes``
            positional argument is the same parameter.
        dtype: output dtype (default ``'float32'``).

    Returns:
        Array of shape ``y.shape (trailing 1 dropped) + (num_classes,)``.

    Example:
        >>> to_categorical([0, 2], 3)
    """
    y = np.array(y, dtype="int")
    input_shape = y.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    y = y.ravel()
    if y.size and y.min() < 0:
        raise ValueError("to_categorical: class indices must be >= 0. Received %d" % (y.min(),))
    if not num_classes:
        num_classes = int(np.max(y)) + 1 if y.size else 0
    elif y.size and y.max() >= num_classes:
        raise ValueError("to_categorical: class index %d is out of range for num_classes=%d."
                         % (y.max(), num_classes))
    n = y.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), y] = 1
    return np.reshape(categorical, input_shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Normalize an array to unit ``order``-norm along ``axis``."""
    l2 = np.atleast_1d(np.linalg.norm(x, order, axis))
    l2[l2 == 0] = 1
    return x / np.expand_dims(l2, axis)


# Keras 1.2.2 helpers (torkeras.legacy.objects).
from ..legacy.objects import (accuracy, binary_logloss, categorical_probas_to_classes,  # noqa: E402,F401
                              conv_input_length, conv_output_length, convert_kernel,
                              multiclass_logloss, probas_to_classes)
