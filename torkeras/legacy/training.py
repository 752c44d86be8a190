"""Keras 1.2.2 helpers of ``keras.engine.training`` that Keras-1 scripts imported.

``make_batches``, ``batch_shuffle``, ``slice_X``, ``check_array_lengths`` and
``weighted_objective`` are real; the input-standardizing internals are importable and raise
:class:`~torkeras.utils._unsupported.UnsupportedError` (torkeras's ``Model`` methods check inputs
themselves).
"""
import torch

from ..engine.training_utils import batch_shuffle, make_batches  # noqa: F401
from ..utils._unsupported import unsupported_names

__all__ = ["make_batches", "batch_shuffle", "slice_X", "check_array_lengths",
           "weighted_objective"] + [
    "standardize_input_data", "standardize_sample_or_class_weights", "standardize_class_weights",
    "standardize_sample_weights", "standardize_weights", "check_loss_and_target_compatibility",
    "collect_metrics"]


def slice_X(X, start=None, stop=None):
    """``X[start:stop]``, or each array of a list sliced; ``start`` may be an index list/array.

    Example:
        >>> slice_X([x, y], 0, 32)
    """
    if hasattr(start, "__len__") and hasattr(start, "shape"):
        start = start.tolist()
    if isinstance(X, list):
        if hasattr(start, "__len__"):
            return [x[start] for x in X]
        return [x[start:stop] for x in X]
    if hasattr(start, "__len__"):
        return X[start]
    return X[start:stop]


def check_array_lengths(inputs, targets, weights):
    """Raise ValueError unless all input, target and sample-weight arrays have one sample count.

    Example:
        >>> check_array_lengths([x], [y], [w])
    """
    counts = {}
    for what, arrays in (("input arrays (x)", inputs), ("target arrays (y)", targets),
                         ("sample_weight arrays", weights)):
        lengths = {a.shape[0] for a in arrays}
        if len(lengths) != 1:
            raise ValueError("All %s should have the same number of samples. Got: %s"
                             % (what, sorted(lengths)))
        counts[what] = lengths.pop()
    x, y, w = counts["input arrays (x)"], counts["target arrays (y)"], counts["sample_weight arrays"]
    if x != y:
        raise ValueError("Input arrays should have the same number of samples as target arrays. "
                         "Found %d input samples and %d target samples." % (x, y))
    if x != w:
        raise ValueError("Sample_weight arrays should have the same number of samples as input "
                         "arrays. Found %d input samples and %d sample weights." % (x, w))


def weighted_objective(fn):
    """``fn(y_true, y_pred)`` -> ``weighted(y_true, y_pred, weights, mask=None)``: the mean of the
    per-sample losses times ``weights`` (normalised by the fraction of non-zero weights), with masked
    entries zeroed and the rest rescaled by ``1 / mean(mask)`` (Keras 1.2.2).

    Example:
        >>> weighted_mse = weighted_objective(mean_squared_error)
    """
    def weighted(y_true, y_pred, weights, mask=None):
        score = fn(y_true, y_pred)
        if mask is not None:
            mask = mask.to(score.dtype)
            score = score * mask / torch.mean(mask)
        weight_ndim = weights.dim() if weights is not None else 0
        if score.dim() > weight_ndim:
            score = torch.mean(score, dim=list(range(weight_ndim, score.dim())))
        if weights is not None:
            score = score * weights
            score = score / torch.mean((weights != 0).to(score.dtype))
        return torch.mean(score)
    weighted.__name__ = getattr(fn, "__name__", "weighted")
    return weighted


globals().update(unsupported_names(
    "keras.engine.training",
    ["standardize_input_data", "standardize_sample_or_class_weights", "standardize_class_weights",
     "standardize_sample_weights", "standardize_weights", "check_loss_and_target_compatibility",
     "collect_metrics"],
    "The Model methods (fit, evaluate, predict, *_on_batch) check and slice their inputs themselves."))
