"""``keras.backend.theano_backend``: the ``K`` API, plus the Theano backend's own helpers.

Everything ``torkeras.backend`` exports is here under the same name. Theano-only names:

* ``pattern_broadcast(x, broadcastable)``: Theano marks axes as broadcastable in a tensor's type;
  torch broadcasts any size-1 axis, so this checks the pattern against ``x`` and returns ``x``.
* ``ctc_interleave_blanks`` / ``ctc_create_skip_idxs``: the label helpers of Keras's Theano CTC
  (keras/backend/theano_backend.py @ 2.2.4), plain index math, implemented on torch.
* ``ctc_update_log_p`` / ``ctc_path_probs`` / ``ctc_cost``: the steps of Keras's Theano CTC
  recursion (a ``theano.scan`` with its own probability smoothing); they raise, use
  ``K.ctc_batch_cost``.
* ``is_explicit_shape`` (Keras 1.2.2, from :mod:`torkeras.legacy.backend_compat`).
* ``NAME_SCOPE_STACK``: Theano's list of open ``name_scope`` names; ``K.name_scope`` keeps no stack
  on torch, so it is an :class:`~torkeras.backend._per_backend.UnsupportedValue` (use raises).

Example:
    >>> import keras.backend.theano_backend as KTH
    >>> KTH.ctc_interleave_blanks(K.constant([3, 5], 'int64'))
    tensor([-1,  3, -1,  5, -1])
"""
import torch

from ..legacy.backend_compat import is_explicit_shape  # noqa: F401
from ..utils._unsupported import unsupported_names
from ._per_backend import UnsupportedValue, public_api

globals().update(public_api())

NAME_SCOPE_STACK = UnsupportedValue(
    "keras.backend.theano_backend.NAME_SCOPE_STACK",
    "torkeras's K.name_scope keeps no stack of names (torch has no graph names).")

_CTC_STEPS = unsupported_names(
    "keras.backend.theano_backend", ["ctc_update_log_p", "ctc_path_probs", "ctc_cost"],
    "They are steps of Keras's Theano-only CTC recursion; use K.ctc_batch_cost(y_true, y_pred, "
    "input_length, label_length) for the CTC loss.")
ctc_update_log_p = _CTC_STEPS["ctc_update_log_p"]
ctc_path_probs = _CTC_STEPS["ctc_path_probs"]
ctc_cost = _CTC_STEPS["ctc_cost"]


def pattern_broadcast(x, broadcastable):
    """``x``, after checking Theano's broadcastable pattern against it.

    Args:
        x: tensor.
        broadcastable: one bool per axis of ``x``; True axes must have size 1.

    Returns:
        ``x`` (torch broadcasts every size-1 axis already).

    Raises:
        ValueError: the pattern's length is not ``x``'s rank, or an axis marked True is not size 1
            (Theano raises at run time then too).

    Example:
        >>> pattern_broadcast(K.zeros((1, 3)), (True, False)).shape
        torch.Size([1, 3])
    """
    pattern = tuple(bool(b) for b in broadcastable)
    if len(pattern) != x.dim():
        raise ValueError("pattern_broadcast: `broadcastable` has %d entries but `x` has rank %d "
                         "(shape %s)." % (len(pattern), x.dim(), tuple(x.shape)))
    bad = [axis for axis, flag in enumerate(pattern) if flag and x.shape[axis] != 1]
    if bad:
        raise ValueError("pattern_broadcast: axes %s are marked broadcastable but do not have "
                         "size 1 (shape %s)." % (bad, tuple(x.shape)))
    return x


def ctc_interleave_blanks(Y):
    """``Y`` (1D labels) with the blank ``-1`` before, between and after them: length ``2n + 1``.

    Example:
        >>> ctc_interleave_blanks(torch.tensor([3, 5]))
        tensor([-1,  3, -1,  5, -1])
    """
    Y = torch.as_tensor(Y)
    out = torch.full((2 * Y.shape[0] + 1,), -1, dtype=Y.dtype, device=Y.device)
    out[1::2] = Y
    return out


def ctc_create_skip_idxs(Y):
    """Indices ``i`` (odd, ``i < len(Y) - 2``) of an interleaved label sequence where the CTC path
    may skip the blank after ``Y[i]``, i.e. ``Y[i] != Y[i + 2]``.

    Args:
        Y: 1D interleaved labels (from :func:`ctc_interleave_blanks`).

    Example:
        >>> ctc_create_skip_idxs(ctc_interleave_blanks(torch.tensor([3, 3, 5])))
        tensor([3])
    """
    Y = torch.as_tensor(Y)
    skip = torch.arange((Y.shape[0] - 3) // 2, device=Y.device) * 2 + 1
    return skip[Y[skip] != Y[skip + 2]]


__all__ = sorted(public_api()) + [
    "NAME_SCOPE_STACK", "pattern_broadcast", "ctc_interleave_blanks", "ctc_create_skip_idxs",
    "ctc_update_log_p", "ctc_path_probs", "ctc_cost", "is_explicit_shape"]
