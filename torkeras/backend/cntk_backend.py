"""``keras.backend.cntk_backend``: the ``K`` API, plus the CNTK backend's own helpers.

Everything ``torkeras.backend`` exports is here under the same name. CNTK-only names:

* ``b_any``: Python's builtin ``any`` (Keras's CNTK backend binds it under that name).
* ``classification_error(target, output, axis=-1)``: computed as Keras 2.2.4's CNTK backend did,
  which despite the name is the fraction of samples whose ``argmax`` matches (an accuracy).
* ``get_num_dynamic_axis(x)`` / ``has_seq_axis(x)``: CNTK keeps the batch (and sequence) axes
  outside a tensor's static shape as "dynamic axes"; torch tensors have none (every axis, batch
  included, is in ``x.shape``), so these answer 0 and False, as Keras's code did for any object
  without ``dynamic_axes``.
* ``pad(x, pad_info, data_format, num_dynamic_axis)``: zero padding of the spatial axes, for
  ``num_dynamic_axis=0`` (the batch axis in the shape, which is always the case on torch).
* ``ConvertToBatch``, ``ConvertToStatic``, ``LambdaFunc``, ``ReshapeBatch`` (CNTK ``UserFunction``
  classes), ``dev`` (the CNTK device), ``grad_parameter_dict`` (CNTK's gradient bookkeeping) and
  ``NAME_SCOPE_STACK`` (names of open ``name_scope``s; torkeras keeps none): CNTK objects that do
  not exist here; importing works, using them raises ``UnsupportedError`` naming them.

Example:
    >>> import keras.backend.cntk_backend as C
    >>> target, output = K.constant([[0, 1], [1, 0]]), K.constant([[.2, .8], [.3, .7]])
    >>> float(C.classification_error(target, output))
    0.5
"""
import builtins

import torch
import torch.nn.functional as F

from ..utils._unsupported import unsupported_names
from ._ops_math import _torch_dtype
from ._per_backend import UnsupportedValue, public_api
from .config import floatx

globals().update(public_api())

_NO_CNTK = "torkeras runs on PyTorch; CNTK objects do not exist here."
_USER_FUNCTIONS = unsupported_names(
    "keras.backend.cntk_backend", ["ConvertToBatch", "ConvertToStatic", "LambdaFunc",
                                   "ReshapeBatch"],
    "They are CNTK UserFunction classes (batch/static axis conversion, debugging hooks); torch "
    "tensors need no axis conversion: use K.reshape, or a Lambda layer for a debugging hook.")
ConvertToBatch = _USER_FUNCTIONS["ConvertToBatch"]
ConvertToStatic = _USER_FUNCTIONS["ConvertToStatic"]
LambdaFunc = _USER_FUNCTIONS["LambdaFunc"]
ReshapeBatch = _USER_FUNCTIONS["ReshapeBatch"]
dev = UnsupportedValue("keras.backend.cntk_backend.dev",
                       _NO_CNTK + " For the torch device use torkeras.backend.get_device().")
grad_parameter_dict = UnsupportedValue(
    "keras.backend.cntk_backend.grad_parameter_dict",
    _NO_CNTK + " Gradients come from K.gradients (torch autograd).")
NAME_SCOPE_STACK = UnsupportedValue(
    "keras.backend.cntk_backend.NAME_SCOPE_STACK",
    "torkeras's K.name_scope keeps no stack of names (torch has no graph names).")

b_any = builtins.any


def classification_error(target, output, axis=-1):
    """Fraction of samples where ``argmax(output)`` equals ``argmax(target)`` (Keras 2.2.4 CNTK).

    Keras's CNTK function always took the argmax over the last axis; here ``axis`` (default -1) is
    used.

    Args:
        target: one-hot targets.
        output: predictions, same shape.
        axis: the class axis.

    Returns:
        A scalar tensor of ``K.floatx()`` dtype.

    Example:
        >>> classification_error(K.constant([[0, 1]]), K.constant([[.1, .9]]))
        tensor(1.)
    """
    target, output = torch.as_tensor(target), torch.as_tensor(output)
    same = torch.argmax(output, dim=axis) == torch.argmax(target, dim=axis)
    return same.to(_torch_dtype(floatx())).mean()


def get_num_dynamic_axis(x):
    """Number of CNTK dynamic axes of ``x``: 0 for torch tensors (see the module docstring)."""
    return len(getattr(x, "dynamic_axes", ()))


def has_seq_axis(x):
    """Whether ``x`` has a CNTK sequence axis: False for torch tensors (see the module doc)."""
    return len(getattr(x, "dynamic_axes", ())) > 1


def pad(x, pad_info, data_format, num_dynamic_axis):
    """Zero-pad the spatial axes of ``x`` as Keras 2.2.4's CNTK helper.

    Args:
        x: tensor ``(batch, spatial..., channels)`` or ``(batch, channels, spatial...)``.
        pad_info: one ``(before, after)`` pair per spatial axis.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        num_dynamic_axis: must be 0 (torch tensors hold the batch axis in their shape; see
            :func:`get_num_dynamic_axis`).

    Returns:
        The padded tensor.

    Example:
        >>> pad(K.ones((1, 2, 2, 1)), ((1, 1), (0, 0)), 'channels_last', 0).shape
        torch.Size([1, 4, 2, 1])
    """
    if num_dynamic_axis != 0:
        raise ValueError("cntk_backend.pad: num_dynamic_axis=%r, but torch tensors have no CNTK "
                         "dynamic axes (their batch axis is part of the shape): pass 0."
                         % (num_dynamic_axis,))
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("cntk_backend.pad: `data_format` must be 'channels_last' or "
                         "'channels_first'. Received %r" % (data_format,))
    pattern = [tuple(int(v) for v in p) for p in pad_info]
    pattern = [(0, 0)] + pattern if data_format == "channels_first" else pattern + [(0, 0)]
    pattern = [(0, 0)] + pattern
    if len(pattern) != x.dim():
        raise ValueError("cntk_backend.pad: %d padding pairs for a tensor of rank %d (shape %s); "
                         "give one pair per spatial axis."
                         % (len(pad_info), x.dim(), tuple(x.shape)))
    flat = [v for before_after in reversed(pattern) for v in before_after]
    return F.pad(x, flat)


__all__ = sorted(public_api()) + [
    "b_any", "classification_error", "get_num_dynamic_axis", "has_seq_axis", "pad", "dev",
    "grad_parameter_dict", "NAME_SCOPE_STACK", "ConvertToBatch", "ConvertToStatic", "LambdaFunc",
    "ReshapeBatch"]
