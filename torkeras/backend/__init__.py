"""The Keras ``K`` API over torch tensors.

``import torkeras.backend as K`` gives Keras 2.2.4's backend functions (``K.mean``, ``K.epsilon``,
``K.variable``, ``K.function``...). Variables are ``torch.nn.Parameter``s, so a variable assigned
to a layer attribute (``self.W = K.variable(...)``, Keras 1 style) becomes a weight of that layer.
Devices are decided only in :mod:`torkeras.backend.device`.

``K.backend()`` returns ``'pytorch'``: old scripts test ``K.backend() == 'tensorflow'`` before using
TensorFlow itself (sessions, ``tf.*`` ops) or ``== 'theano'`` for Theano-only code, and neither
branch would run here.
"""
import collections
import contextlib
import weakref

import numpy as np
import torch
from torch import nn

from . import config, device as _device_mod  # noqa: F401
from ._ops import *  # noqa: F401,F403
from ._ops import __all__ as _ops_all
from ._ops import symbolic_aware
from ._ops_graph import (LEARNING_PHASE, SymbolicTensor, _clear_learning_phase,  # noqa: F401
                         phase_scope)
from ._ops_math import _torch_dtype
from ._ops_random import random_normal as _random_normal, random_uniform as _random_uniform
from .config import (epsilon, floatx, image_data_format, image_dim_ordering,  # noqa: F401
                     normalize_data_format, set_epsilon, set_floatx, set_image_data_format,
                     set_image_dim_ordering)
from .device import device, get_device, set_device, set_num_threads  # noqa: F401

_UID_PREFIXES = collections.defaultdict(int)
_MANUAL_INIT = [False]


def backend():
    """Name of the backend: ``'pytorch'`` (see the module docstring for why not ``'tensorflow'``)."""
    return "pytorch"


def get_uid(prefix=""):
    """Per-prefix counter starting at 1, as Keras uses for layer names (``dense_1``)."""
    _UID_PREFIXES[prefix] += 1
    return _UID_PREFIXES[prefix]


def reset_uids():
    _UID_PREFIXES.clear()


def clear_session():
    """Reset layer-name counters and the learning phase (there is no graph to destroy on torch)."""
    reset_uids()
    _clear_learning_phase()


def manual_variable_initialization(value):
    """Accepted for compatibility: torch variables hold their value from creation, so there is no
    separate initialization step to switch off (loading weights afterwards overwrites them either
    way)."""
    _MANUAL_INIT[0] = bool(value)


def get_session():
    raise RuntimeError("K.get_session(): torkeras runs on PyTorch and has no TensorFlow session. "
                       "Use K.get_value/K.set_value on variables and K.function to evaluate layers.")


def set_session(session):
    raise RuntimeError("K.set_session(): torkeras runs on PyTorch and has no TensorFlow session to "
                       "set. Device choice: torkeras.backend.set_device('cuda').")


@contextlib.contextmanager
def name_scope(name):
    """Context manager kept for old code; torch has no graph names, so it only validates ``name``."""
    if not isinstance(name, str):
        raise TypeError("K.name_scope: `name` must be a string. Received %r" % (name,))
    yield name


def _as_array(value, dtype):
    if isinstance(value, torch.Tensor):
        return value.detach().to(_torch_dtype(dtype)).clone()
    return torch.as_tensor(np.array(value, dtype=dtype))


def variable(value, dtype=None, name=None, constraint=None):
    """A variable holding ``value``: a ``torch.nn.Parameter`` (trainable when it is a float).

    Assigned to an attribute of a layer, it becomes one of the layer's weights.

    Args:
        value: numpy array, number or tensor (copied).
        dtype: Keras dtype name (default ``K.floatx()``).
        name: optional name (used as the weight name in saved files).
        constraint: optional constraint applied after each optimizer step when it is a layer weight.

    Example:
        >>> v = K.variable(np.zeros((2, 3)), name='W')
        >>> K.get_value(v).shape
        (2, 3)
    """
    dtype = dtype or floatx()
    t = _as_array(value, dtype).to(get_device())
    v = nn.Parameter(t, requires_grad=t.is_floating_point())
    if name is not None:
        v._keras_name = name
    if constraint is not None:
        v._keras_constraint = constraint
    return v


def constant(value, dtype=None, shape=None, name=None):
    """A tensor (not a variable) of ``value``, broadcast to ``shape`` when given."""
    arr = np.asarray(value, dtype=dtype or floatx())
    if shape is not None:
        arr = np.broadcast_to(arr, tuple(shape)).copy()
    return torch.tensor(arr, device=get_device())


def zeros(shape, dtype=None, name=None):
    """A variable of zeros."""
    return variable(np.zeros(tuple(shape)), dtype=dtype, name=name)


def ones(shape, dtype=None, name=None):
    """A variable of ones."""
    return variable(np.ones(tuple(shape)), dtype=dtype, name=name)


def eye(size, dtype=None, name=None):
    """A variable holding the ``size x size`` identity matrix."""
    return variable(np.eye(size), dtype=dtype, name=name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    """A variable of samples uniform in ``[low, high)``."""
    return variable(_random_uniform(shape, low, high, dtype=dtype, seed=seed), dtype=dtype, name=name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    """A variable of normal samples with mean ``mean`` and standard deviation ``scale``."""
    return variable(_random_normal(shape, mean, scale, dtype=dtype, seed=seed), dtype=dtype, name=name)


def get_value(x):
    """The value of a variable or tensor as numpy (Python numbers pass through)."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, SymbolicTensor) or hasattr(x, "_keras_history"):
        raise TypeError("K.get_value(%r): the value is symbolic; evaluate it with K.function." % (x,))
    if hasattr(x, "numpy"):
        return x.numpy()
    return x


def eval(x):
    """The value of ``x`` as numpy (as :func:`get_value`)."""
    return get_value(x)


def batch_get_value(ops):
    return [get_value(x) for x in ops]


def _check_variable(x, what):
    if not isinstance(x, torch.Tensor):
        raise TypeError("%s expects a variable (a tensor such as model.optimizer.lr or a layer weight). "
                        "Received %r" % (what, type(x).__name__))


def set_value(x, value):
    """Assign ``value`` (numpy array or number) to the variable ``x`` in place."""
    _check_variable(x, "set_value")
    with torch.no_grad():
        x.copy_(torch.as_tensor(np.asarray(value), dtype=x.dtype, device=x.device).reshape(x.shape))


def batch_set_value(tuples):
    for x, v in tuples:
        set_value(x, v)


def _assign(x, new_x, what):
    _check_variable(x, what)
    with torch.no_grad():
        x.copy_(torch.as_tensor(new_x, dtype=x.dtype, device=x.device).reshape(x.shape))
    return x


@symbolic_aware
def update(x, new_x):
    """Assign ``new_x`` to the variable ``x`` (now, or when K.function runs if ``new_x`` is symbolic)."""
    return _assign(x, new_x, "update")


@symbolic_aware
def update_add(x, increment):
    """``x += increment`` on a variable."""
    return _assign(x, x.detach() + torch.as_tensor(increment, device=x.device), "update_add")


@symbolic_aware
def update_sub(x, decrement):
    """``x -= decrement`` on a variable."""
    return _assign(x, x.detach() - torch.as_tensor(decrement, device=x.device), "update_sub")


_DEBIAS = weakref.WeakKeyDictionary()


@symbolic_aware
def moving_average_update(x, value, momentum):
    """Exponential moving average of ``value`` into ``x``, zero-debiased as Keras 2.2.4's TF backend.

    A hidden biased average ``b`` starts at 0: ``b -= (b - value) * (1 - momentum)``, then
    ``x = b / (1 - momentum ** t)`` at step ``t``.
    """
    _check_variable(x, "moving_average_update")
    with torch.no_grad():
        state = _DEBIAS.get(x)
        if state is None:
            state = [torch.zeros_like(x.detach()), 0]
            _DEBIAS[x] = state
        biased = state[0]
        biased.sub_((biased - torch.as_tensor(value, dtype=x.dtype, device=x.device))
                    * (1.0 - momentum))
        state[1] += 1
        x.copy_(biased / (1.0 - momentum ** state[1]))
    return x


def count_params(x):
    """Number of scalars in ``x``."""
    return int(np.prod(tuple(int(d) for d in x.shape)))


@symbolic_aware
def print_tensor(x, message=""):
    """Print ``message`` and the value of ``x``; returns ``x``."""
    print(message, x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x)
    return x


__all__ = list(_ops_all) + [
    "backend", "get_uid", "reset_uids", "clear_session", "manual_variable_initialization",
    "get_session", "set_session", "name_scope", "variable", "constant", "zeros", "ones", "eye",
    "random_uniform_variable", "random_normal_variable", "get_value", "batch_get_value",
    "set_value", "batch_set_value", "update", "update_add", "update_sub", "moving_average_update",
    "count_params", "print_tensor", "eval", "epsilon", "set_epsilon", "floatx", "set_floatx",
    "image_data_format", "set_image_data_format", "image_dim_ordering", "set_image_dim_ordering",
    "normalize_data_format", "device", "get_device", "set_device",
]

# Keras 1.2.2 convolution-family names and call forms (border_mode=, dim_ordering=, 'th' kernels),
# kept in torkeras.legacy: they replace the plain Keras 2 functions of the same names.
from ..legacy import backend_ops as _backend_ops  # noqa: E402
globals().update(_backend_ops.backend_functions())
__all__ += [_n for _n in _backend_ops.__all__ if _n not in __all__]
