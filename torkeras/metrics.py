"""Built-in metrics (Keras 2.2.4 ``keras.metrics``): accuracies plus the losses re-exported.

Every metric is ``metric(y_true, y_pred)`` on torch tensors and returns one value per sample
(Keras 2.2.4's top-k accuracies returned the batch mean instead; the engine's batch mean of ours
is the same number). ``'acc'`` / ``'accuracy'`` are resolved by the training engine from the
output shape and the loss, not looked up here.

Example:
    >>> from torkeras import metrics
    >>> metrics.categorical_accuracy(torch.tensor([[0., 1.]]), torch.tensor([[0.2, 0.8]]))
    tensor([1.])
"""
import torch

from . import backend as K
from ._registry import METRICS
from .activations import _deserialize_function
from .losses import (MAE, MAPE, MSE, MSLE, KLD, binary_crossentropy, categorical_crossentropy,  # noqa: F401
                     categorical_hinge, cosine, cosine_proximity, hinge, kld,
                     kullback_leibler_divergence, logcosh, mae, mape, mean_absolute_error,
                     mean_absolute_percentage_error, mean_squared_error,
                     mean_squared_logarithmic_error, mse, msle, poisson,
                     sparse_categorical_crossentropy, squared_hinge)
from .losses import _builtin_objects as _loss_objects
# Keras 1.2.2 batch-wise metrics (torkeras.legacy.objects), registered below.
from .legacy.objects import (f1score, fbeta_score, fmeasure, fscore,  # noqa: F401
                             matthews_correlation, precision, recall)
from .legacy.objects import _metric_objects as _keras1_metric_objects
from .utils.generic_utils import serialize_keras_object

__all__ = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
           "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "hinge", "logcosh", "squared_hinge",
           "categorical_hinge", "categorical_crossentropy", "sparse_categorical_crossentropy",
           "binary_crossentropy", "kullback_leibler_divergence", "poisson", "cosine_proximity",
           "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "cosine",
           "serialize", "deserialize", "get"]


def _float_dtype(t):
    return t.dtype if t.is_floating_point() else getattr(torch, K.floatx())


def _class_targets(y_true, y_pred):
    """Sparse targets shaped like ``y_pred.shape[:-1]`` (accepts a trailing axis of size 1)."""
    return y_true.reshape(y_pred.shape[:-1])


def binary_accuracy(y_true, y_pred):
    """Mean over the last axis of ``y_true == round(y_pred)``.

    Rounds half to even as Keras's ``K.round`` does, so a prediction of exactly 0.5 counts as 0.

    Example:
        >>> binary_accuracy(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.7, 0.5]]))
        tensor([1.])
    """
    matches = torch.eq(y_true, torch.round(y_pred))
    return torch.mean(matches.to(_float_dtype(y_pred)), dim=-1)


def categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` along the last axis (ties: first index).

    Example:
        >>> categorical_accuracy(torch.tensor([[0., 1.]]), torch.tensor([[0.6, 0.4]]))
        tensor([0.])
    """
    matches = torch.eq(torch.argmax(y_true, dim=-1), torch.argmax(y_pred, dim=-1))
    return matches.to(_float_dtype(y_pred))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the class index ``y_true`` equals ``argmax(y_pred)`` along the last axis.

    ``y_true`` may be float or integer, shape ``y_pred.shape[:-1]`` or that plus a trailing 1.

    Example:
        >>> sparse_categorical_accuracy(torch.tensor([[1.0]]), torch.tensor([[0.2, 0.8]]))
        tensor([1.])
    """
    predicted = torch.argmax(y_pred, dim=-1)
    matches = torch.eq(_class_targets(y_true, y_pred), predicted.to(y_true.dtype))
    return matches.to(_float_dtype(y_pred))


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the true class (argmax of ``y_true``) is among the ``k`` highest predictions.

    Classes tied with the k-th highest value count as in the top k (TF's ``in_top_k``).

    Args:
        y_true: one-hot targets ``(..., classes)``.
        y_pred: scores ``(..., classes)``.
        k: how many top predictions count.

    Example:
        >>> top_k_categorical_accuracy(torch.tensor([[0., 0., 1.]]),
        ...                            torch.tensor([[0.5, 0.3, 0.2]]), k=2)
        tensor([0.])
    """
    hits = K.in_top_k(y_pred, torch.argmax(y_true, dim=-1), k)
    return hits.to(_float_dtype(y_pred))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the class index ``y_true`` is among the ``k`` highest predictions.

    Args:
        y_true: class indices, shape ``y_pred.shape[:-1]`` or that plus a trailing 1.
        y_pred: scores ``(..., classes)``.
        k: how many top predictions count.

    Example:
        >>> sparse_top_k_categorical_accuracy(torch.tensor([2.0]), torch.tensor([[0.5, 0.3, 0.2]]), k=3)
        tensor([1.])
    """
    hits = K.in_top_k(y_pred, _class_targets(y_true, y_pred), k)
    return hits.to(_float_dtype(y_pred))


_ACCURACIES = (binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
               top_k_categorical_accuracy, sparse_top_k_categorical_accuracy)


def serialize(metric):
    """The name Keras writes for ``metric`` (a function's ``__name__``), or a
    ``{'class_name', 'config'}`` dict for metric objects.

    Example:
        >>> serialize(mse)
        'mean_squared_error'
    """
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """The metric for ``config`` (string or ``{'class_name', 'config'}`` dict).

    Example:
        >>> deserialize('categorical_accuracy') is categorical_accuracy
        True
    """
    return _deserialize_function(config, METRICS, custom_objects, "metric function")


def get(identifier):
    """Keras's metric lookup: a name or dict -> the registered metric, a callable -> itself.

    ``'acc'``/``'accuracy'`` are not names here: the training engine picks binary, categorical or
    sparse accuracy from the output and the loss.

    Raises:
        UnknownObjectError: (a ValueError) for an unknown name, listing close matches.
        ValueError: for None or anything else (as Keras 2.2.4).

    Example:
        >>> get('mae') is mean_absolute_error
        True
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret metric function identifier: %r. Expected a name such as "
                     "'mae', or a callable metric(y_true, y_pred)." % (identifier,))


def _builtin_objects():
    """``(object, name, aliases)`` for the accuracies and the losses (with their aliases)."""
    return ([(fn, fn.__name__, ()) for fn in _ACCURACIES] + list(_loss_objects())
            + _keras1_metric_objects())
