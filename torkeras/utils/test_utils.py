"""Keras module path ``keras.utils.test_utils``: data and helpers Keras used in its own tests.

``get_test_data`` draws from the global NumPy RNG as Keras 2.2.4 did (seed it for repeatable data).
``layer_test`` (Keras's layer test harness) is importable and raises when called.

Example:
    >>> (x_train, y_train), (x_test, y_test) = get_test_data(num_train=100, num_test=20)
"""
import functools

import numpy as np

from .. import backend as K
from ..engine import Input, Model, Sequential  # noqa: F401  (Keras imported them here)
from ..models import model_from_json  # noqa: F401  (Keras 1.2.2 imported it here)
from ._unsupported import unsupported

__all__ = ["get_test_data", "keras_test", "layer_test"]


def get_test_data(num_train=1000, num_test=500, input_shape=(10,), output_shape=(2,),
                  classification=True, num_classes=2):
    """Random train/test data a model can learn.

    Args:
        num_train: number of training samples.
        num_test: number of test samples.
        input_shape: shape of one input sample.
        output_shape: shape of one target (regression only).
        classification: True: integer labels in ``[0, num_classes)`` and inputs drawn around the
            label; False: float targets of ``output_shape`` drawn around a per-sample location.
        num_classes: number of classes.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``.

    Example:
        >>> (x, y), _ = get_test_data(num_train=10, num_test=2, input_shape=(3,))
        >>> x.shape, y.shape
        ((10, 3), (10,))
    """
    samples = num_train + num_test
    x = np.zeros((samples,) + tuple(input_shape), dtype=np.float32)
    if classification:
        y = np.random.randint(0, num_classes, size=(samples,))
        for i in range(samples):
            x[i] = np.random.normal(loc=y[i], scale=0.7, size=input_shape)
    else:
        centers = np.random.random((samples,))
        y = np.zeros((samples,) + tuple(output_shape), dtype=np.float32)
        for i in range(samples):
            x[i] = np.random.normal(loc=centers[i], scale=0.7, size=input_shape)
            y[i] = np.random.normal(loc=centers[i], scale=0.7, size=output_shape)
    return (x[:num_train], y[:num_train]), (x[num_train:], y[num_train:])


def keras_test(func):
    """Decorator (Keras 1.2.2-2.1): run ``func``, then ``K.clear_session()``.

    Example:
        >>> @keras_test
        ... def test_something(): ...
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        output = func(*args, **kwargs)
        K.clear_session()
        return output
    return wrapper


layer_test = unsupported("keras.utils.test_utils.layer_test",
                         "Test layers with your own assertions (build a Model around the layer and "
                         "compare predict() with the expected output).")
