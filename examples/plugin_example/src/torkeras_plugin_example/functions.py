"""The ``swish`` activation and the ``smooth_l1`` loss: plain functions of torch tensors."""
from torkeras import backend as K


def swish(x):
    """Swish activation: ``x * sigmoid(x)`` (Ramachandran et al., 2017).

    Example:
        >>> model.add(Dense(64, activation='swish'))
    """
    return x * K.sigmoid(x)


def smooth_l1(y_true, y_pred):
    """Smooth L1 (Huber with delta 1) loss, averaged over the last axis.

    ``0.5 * d**2`` where ``|d| < 1``, else ``|d| - 0.5``, with ``d = y_pred - y_true``.

    Example:
        >>> model.compile(optimizer='sgd', loss='smooth_l1')
    """
    diff = K.abs(y_pred - y_true)
    small = K.cast(K.less(diff, 1.0), K.dtype(diff))
    loss = small * 0.5 * K.square(diff) + (1.0 - small) * (diff - 0.5)
    return K.mean(loss, axis=-1)
