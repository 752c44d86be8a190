"""Built-in loss functions (Keras 2.2.4 ``keras.losses``; ``keras.objectives`` is an alias).

Every loss is ``loss(y_true, y_pred)`` on torch tensors and returns one value per sample: it
reduces the last axis only. Sample weights, masks and the batch mean are the training engine's
business. Probabilities are clipped to ``[K.epsilon(), 1 - K.epsilon()]`` exactly where Keras clips
them, so saturated predictions give Keras's values (e.g. ``-log(1e-7)``), not torch's.

Example:
    >>> from torkeras import losses
    >>> losses.get('mse')(torch.zeros(2, 3), torch.ones(2, 3))
    tensor([1., 1.])
"""
import math

import torch

from . import backend as K
from ._registry import LOSSES
from .activations import _deserialize_function
from .utils.generic_utils import serialize_keras_object

__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge", "logcosh",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
           "kullback_leibler_divergence", "poisson", "cosine_proximity", "mse", "MSE", "mae", "MAE",
           "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "cosine", "serialize", "deserialize", "get"]

_LOG2 = math.log(2.0)


def mean_squared_error(y_true, y_pred):
    """Mean over the last axis of ``(y_pred - y_true) ** 2``.

    Args:
        y_true: targets, same shape as ``y_pred``.
        y_pred: predictions.

    Returns:
        Tensor of shape ``y_pred.shape[:-1]``.

    Example:
        >>> mean_squared_error(torch.zeros(1, 2), torch.tensor([[1.0, 3.0]]))
        tensor([5.])
    """
    return torch.mean(torch.square(y_pred - y_true), dim=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean over the last axis of ``abs(y_pred - y_true)``.

    Example:
        >>> mean_absolute_error(torch.zeros(1, 2), torch.tensor([[1.0, -3.0]]))
        tensor([2.])
    """
    return torch.mean(torch.abs(y_pred - y_true), dim=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)))`` over the last axis.

    Example:
        >>> mean_absolute_percentage_error(torch.tensor([[2.0]]), torch.tensor([[1.0]]))
        tensor([50.])
    """
    diff = torch.abs((y_true - y_pred) / torch.clamp(torch.abs(y_true), min=K.epsilon()))
    return 100.0 * torch.mean(diff, dim=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean over the last axis of ``(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)) ** 2``.

    Example:
        >>> mean_squared_logarithmic_error(torch.zeros(1, 1), torch.full((1, 1), math.e - 1))
        tensor([1.0000])
    """
    eps = K.epsilon()
    first_log = torch.log(torch.clamp(y_pred, min=eps) + 1.0)
    second_log = torch.log(torch.clamp(y_true, min=eps) + 1.0)
    return torch.mean(torch.square(first_log - second_log), dim=-1)


def squared_hinge(y_true, y_pred):
    """Mean over the last axis of ``max(1 - y_true * y_pred, 0) ** 2``; targets are -1 or 1
    (Keras 2.2.4 does not convert 0/1 labels).

    Example:
        >>> squared_hinge(torch.tensor([[1.0, -1.0]]), torch.tensor([[0.5, 0.5]]))
        tensor([1.2500])
    """
    return torch.mean(torch.square(torch.clamp(1.0 - y_true * y_pred, min=0.0)), dim=-1)


def hinge(y_true, y_pred):
    """Mean over the last axis of ``max(1 - y_true * y_pred, 0)``; targets are -1 or 1.

    Example:
        >>> hinge(torch.tensor([[1.0, -1.0]]), torch.tensor([[0.5, 0.5]]))
        tensor([1.])
    """
    return torch.mean(torch.clamp(1.0 - y_true * y_pred, min=0.0), dim=-1)


def categorical_hinge(y_true, y_pred):
    """``max(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1)`` over the last axis.

    Example:
        >>> categorical_hinge(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.3, 0.9]]))
        tensor([0.4000])
    """
    pos = torch.sum(y_true * y_pred, dim=-1)
    neg = torch.amax((1.0 - y_true) * y_pred, dim=-1)
    return torch.clamp(neg - pos + 1.0, min=0.0)


def logcosh(y_true, y_pred):
    """Mean over the last axis of ``log(cosh(y_pred - y_true))``, computed stably as
    ``x + softplus(-2x) - log(2)``.

    About ``x ** 2 / 2`` for small errors and ``abs(x) - log(2)`` for large ones.

    Example:
        >>> logcosh(torch.zeros(1, 1), torch.zeros(1, 1))
        tensor([0.])
    """
    x = y_pred - y_true
    return torch.mean(x + torch.nn.functional.softplus(-2.0 * x) - _LOG2, dim=-1)


def categorical_crossentropy(y_true, y_pred):
    """Crossentropy of one-hot (or soft) targets and predicted probabilities.

    Predictions are renormalised to sum to 1 along the last axis and clipped to
    ``[eps, 1 - eps]`` (TF backend of Keras 2.2.4). They are probabilities, not logits.

    Example:
        >>> categorical_crossentropy(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]]))
        tensor([0.6931])
    """
    return K.categorical_crossentropy(y_true, y_pred)


def sparse_categorical_crossentropy(y_true, y_pred):
    """Crossentropy of integer class targets and predicted probabilities.

    ``y_true`` holds class indices (any numeric dtype), shape ``y_pred.shape[:-1]`` or that plus a
    trailing 1. Predictions are clipped to ``[eps, 1 - eps]`` and renormalised.

    Example:
        >>> sparse_categorical_crossentropy(torch.tensor([1.0]), torch.tensor([[0.5, 0.5]]))
        tensor([0.6931])
    """
    return K.sparse_categorical_crossentropy(y_true, y_pred)


def binary_crossentropy(y_true, y_pred):
    """Mean over the last axis of the binary crossentropy of targets and probabilities.

    Predictions are clipped to ``[eps, 1 - eps]`` and converted to logits (Keras 2.2.4 TF backend):
    a fully wrong saturated prediction costs about 16.1.

    Example:
        >>> binary_crossentropy(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.5, 0.5]]))
        tensor([0.6931])
    """
    return torch.mean(K.binary_crossentropy(y_true, y_pred), dim=-1)


def kullback_leibler_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred))`` over the last axis, both clipped to ``[eps, 1]``.

    Example:
        >>> kullback_leibler_divergence(torch.tensor([[0.5, 0.5]]), torch.tensor([[0.5, 0.5]]))
        tensor([0.])
    """
    eps = K.epsilon()
    y_true = torch.clamp(y_true, eps, 1.0)
    y_pred = torch.clamp(y_pred, eps, 1.0)
    return torch.sum(y_true * torch.log(y_true / y_pred), dim=-1)


def poisson(y_true, y_pred):
    """Mean over the last axis of ``y_pred - y_true * log(y_pred + eps)``.

    Example:
        >>> poisson(torch.tensor([[0.0]]), torch.tensor([[2.0]]))
        tensor([2.])
    """
    return torch.mean(y_pred - y_true * torch.log(y_pred + K.epsilon()), dim=-1)


def cosine_proximity(y_true, y_pred):
    """Negative cosine similarity along the last axis: ``-sum(l2n(y_true) * l2n(y_pred))``.

    Keras 2.1+ sums (Keras 1 and 2.0 took the mean, which divides by the last dimension).

    Example:
        >>> cosine_proximity(torch.tensor([[1.0, 0.0]]), torch.tensor([[2.0, 0.0]]))
        tensor([-1.])
    """
    y_true = K.l2_normalize(y_true, axis=-1)
    y_pred = K.l2_normalize(y_pred, axis=-1)
    return -torch.sum(y_true * y_pred, dim=-1)


# Keras's aliases (module attributes; the registry aliases come from _builtin_objects).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_proximity

_ALIASES = {
    "mean_squared_error": ("mse", "MSE"),
    "mean_absolute_error": ("mae", "MAE"),
    "mean_absolute_percentage_error": ("mape", "MAPE"),
    "mean_squared_logarithmic_error": ("msle", "MSLE"),
    "kullback_leibler_divergence": ("kld", "KLD"),
    "cosine_proximity": ("cosine",),
}

_LOSS_FUNCTIONS = (mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
                   mean_squared_logarithmic_error, squared_hinge, hinge, categorical_hinge, logcosh,
                   categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy,
                   kullback_leibler_divergence, poisson, cosine_proximity)


def serialize(loss):
    """The name Keras writes for ``loss`` (a function's ``__name__``, so ``mse`` gives
    ``'mean_squared_error'``), or a ``{'class_name', 'config'}`` dict for loss objects.

    Example:
        >>> serialize(mse)
        'mean_squared_error'
    """
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """The loss for ``name`` (string or ``{'class_name', 'config'}`` dict).

    Args:
        name: e.g. ``'categorical_crossentropy'`` or ``'mse'``.
        custom_objects: dict of extra name -> loss, consulted first.

    Example:
        >>> deserialize('mse') is mean_squared_error
        True
    """
    return _deserialize_function(name, LOSSES, custom_objects, "loss function")


def get(identifier):
    """Keras's loss lookup: None -> None, a name or dict -> the registered loss, a callable -> itself.

    Raises:
        UnknownObjectError: (a ValueError) for an unknown name, listing close matches.
        ValueError: for anything else.

    Example:
        >>> get('MAE') is mean_absolute_error
        True
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret loss function identifier: %r. Expected a name such as "
                     "'mse', a callable loss(y_true, y_pred), or None." % (identifier,))


def _builtin_objects():
    """``(object, name, aliases)`` for every built-in loss (used by the plugin manager)."""
    return [(fn, fn.__name__, _ALIASES.get(fn.__name__, ())) for fn in _LOSS_FUNCTIONS]
