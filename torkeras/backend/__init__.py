"""The Keras ``K`` API over torch tensors.

``import torkeras.backend as K`` gives Keras's backend functions (``K.mean``, ``K.epsilon``,
``K.set_value``...). Devices are decided only in :mod:`torkeras.backend.device`.
"""
import collections

import numpy as np
import torch

from . import config, device as _device_mod  # noqa: F401
from ._ops import *  # noqa: F401,F403
from ._ops import __all__ as _ops_all
from .config import (epsilon, floatx, image_data_format, image_dim_ordering,  # noqa: F401
                     normalize_data_format, set_epsilon, set_floatx, set_image_data_format,
                     set_image_dim_ordering)
from .device import device, get_device, set_device, set_num_threads  # noqa: F401

_UID_PREFIXES = collections.defaultdict(int)
_LEARNING_PHASE = [None]


def backend():
    """Name of the backend: ``'pytorch'``."""
    return "pytorch"


def get_uid(prefix=""):
    """Per-prefix counter starting at 1, as Keras uses for layer names (``dense_1``)."""
    _UID_PREFIXES[prefix] += 1
    return _UID_PREFIXES[prefix]


def reset_uids():
    _UID_PREFIXES.clear()


def clear_session():
    """Reset layer-name counters (Keras 2 semantics; there is no graph to destroy on torch)."""
    reset_uids()


def learning_phase():
    """0 (test) or 1 (train) when set with :func:`set_learning_phase`, else 0."""
    return 0 if _LEARNING_PHASE[0] is None else _LEARNING_PHASE[0]


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError("set_learning_phase: expected 0 or 1. Received %r" % (value,))
    _LEARNING_PHASE[0] = value


def variable(value, dtype=None, name=None, constraint=None):
    """A tensor holding ``value`` (a torch tensor plays the role of a Keras variable)."""
    if dtype is None:
        dtype = floatx()
    t = torch.tensor(np.asarray(value, dtype=dtype), device=get_device())
    if name is not None:
        t._keras_name = name
    return t


def constant(value, dtype=None, shape=None, name=None):
    if dtype is None:
        dtype = floatx()
    arr = np.asarray(value, dtype=dtype)
    if shape is not None:
        arr = np.broadcast_to(arr, shape).copy()
    return torch.tensor(arr, device=get_device())


def zeros(shape, dtype=None, name=None):
    return torch.zeros(tuple(shape), dtype=getattr(torch, dtype or floatx()), device=get_device())


def ones(shape, dtype=None, name=None):
    return torch.ones(tuple(shape), dtype=getattr(torch, dtype or floatx()), device=get_device())


def get_value(x):
    """The value of a variable as numpy (Python numbers pass through)."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if hasattr(x, "numpy"):
        return x.numpy()
    return x


def batch_get_value(xs):
    return [get_value(x) for x in xs]


def set_value(x, value):
    """Assign ``value`` to the tensor ``x`` in place."""
    if not isinstance(x, torch.Tensor):
        raise TypeError("set_value expects a tensor variable (e.g. model.optimizer.lr). Received %r"
                        % (type(x).__name__,))
    with torch.no_grad():
        x.copy_(torch.as_tensor(np.asarray(value), dtype=x.dtype, device=x.device).reshape(x.shape))


def batch_set_value(tuples):
    for x, v in tuples:
        set_value(x, v)


def count_params(x):
    return int(np.prod(tuple(x.shape)))


def eval(x):
    return get_value(x)


__all__ = list(_ops_all) + [
    "backend", "get_uid", "reset_uids", "clear_session", "learning_phase", "set_learning_phase",
    "variable", "constant", "zeros", "ones", "get_value", "batch_get_value", "set_value",
    "batch_set_value", "count_params", "eval", "epsilon", "set_epsilon", "floatx", "set_floatx",
    "image_data_format", "set_image_data_format", "image_dim_ordering", "set_image_dim_ordering",
    "device", "get_device", "set_device",
]
