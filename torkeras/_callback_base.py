"""The ``Callback`` base class and the helpers the built-in callbacks share.

Private module: the public home of these names is :mod:`torkeras.callbacks`.
"""
import os
import warnings

import numpy as np
import torch

from . import backend as K
from .utils._progbar import to_float


def _epoch_value(value):
    """An epoch-level log value as a plain number when it is a 0-dim tensor / NumPy scalar."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.detach())
    return value


def _check_mode(owner, mode):
    if mode not in ("auto", "min", "max"):
        # Keras's text, which names the received value; 'auto', 'min' and 'max' are accepted.
        warnings.warn("%s mode %s is unknown, fallback to auto mode." % (owner, mode),
                      RuntimeWarning, stacklevel=3)
        return "auto"
    return mode


def _lr_value(model):
    """Keras's ``K.get_value(model.optimizer.lr)``: a NumPy scalar."""
    value = K.get_value(model.optimizer.lr)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


class Callback(object):
    """Base class of callbacks.

    Attributes:
        params: dict of training parameters (``batch_size``, ``epochs``, ``steps``, ``samples``,
            ``verbose``, ``do_validation``, ``metrics``).
        model: the model being trained.
        validation_data: the validation arrays, when the loop provides them.

    ``on_epoch_end`` logs hold ``loss`` and the metrics (``acc``...), plus ``val_*`` when
    validating; ``on_batch_begin`` logs hold ``batch`` and ``size``; ``on_batch_end`` logs also
    hold ``loss`` and the metrics (possibly as 0-dim torch tensors).

    Example:
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(epoch, logs['loss'])
    """

    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params = {}

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass


def _monitored(logs, monitor, what):
    """The monitored value as a float, or None with Keras's warning when it was not logged."""
    value = logs.get(monitor)
    if value is None:
        warnings.warn("%s conditioned on metric `%s` which is not available. Available metrics "
                      "are: %s" % (what, monitor, ",".join(str(k) for k in logs.keys())),
                      RuntimeWarning, stacklevel=3)
        return None
    return to_float(value)


def _as_path(filepath, owner):
    if isinstance(filepath, os.PathLike):
        filepath = os.fspath(filepath)
    if not isinstance(filepath, str):
        raise TypeError("%s: `filepath` must be a string (it may hold {epoch} and log-key fields). "
                        "Received: %r" % (owner, filepath))
    return filepath
