"""Backend math: reductions, elementwise functions, comparisons and shape functions.

Keras 2.2.4 names, signatures and defaults (``keras/backend/tensorflow_backend.py``), over torch
tensors. Functions only; :mod:`torkeras.backend._ops` re-exports them with symbolic dispatch.
"""
import builtins

import numpy as np
import torch

from .config import floatx

__all__ = [
    "is_tensor", "cast_to_floatx", "to_tensor", "dtype", "abs", "clip", "mean", "sum", "max", "min",
    "prod", "var", "std", "any", "all", "cumsum", "cumprod", "square", "sqrt", "pow", "sign", "log",
    "exp", "logsumexp", "sin", "cos", "round", "maximum", "minimum", "argmax", "argmin", "equal",
    "not_equal", "greater", "greater_equal", "less", "less_equal", "cast", "zeros_like", "ones_like",
    "identity", "dot", "batch_dot", "int_shape", "ndim", "shape", "reshape", "flatten",
    "batch_flatten", "transpose", "permute_dimensions", "expand_dims", "squeeze", "concatenate",
    "stack", "repeat", "repeat_elements", "tile", "arange", "reverse", "slice", "gather", "one_hot",
    "switch", "is_sparse", "to_dense", "get_variable_shape",
]


def _torch_dtype(dtype):
    """A torch dtype from a Keras dtype name (``'float32'``), numpy dtype or torch dtype."""
    if dtype is None:
        dtype = floatx()
    if isinstance(dtype, torch.dtype):
        return dtype
    if isinstance(dtype, np.dtype) or (isinstance(dtype, type) and issubclass(dtype, np.generic)):
        dtype = np.dtype(dtype).name
    result = getattr(torch, str(dtype), None)
    if not isinstance(result, torch.dtype):
        raise TypeError("Unknown dtype %r: expected a torch dtype or a name such as 'float32'." % (dtype,))
    return result


def is_tensor(x):
    """Whether ``x`` is a torch tensor (a Keras variable or tensor)."""
    return isinstance(x, torch.Tensor)


def to_tensor(x, dtype=None, device=None):
    """``x`` as a torch tensor; float numpy arrays and Python floats become ``floatx()``."""
    if isinstance(x, torch.Tensor):
        if dtype is not None and x.dtype != dtype:
            x = x.to(dtype)
        return x
    if dtype is None and isinstance(x, (float, np.floating)) or (
            isinstance(x, np.ndarray) and x.dtype.kind == "f"):
        dtype = getattr(torch, floatx())
    return torch.as_tensor(x, dtype=dtype, device=device)


def _t(x, like=None):
    """A tensor from a tensor, numpy array or number (on ``like``'s device)."""
    if isinstance(x, torch.Tensor):
        return x
    return to_tensor(x, device=None if like is None else like.device)


def cast_to_floatx(x):
    """A numpy array of ``x`` in ``floatx()``."""
    return np.asarray(x, dtype=floatx())


def dtype(x):
    """The dtype of ``x`` as a Keras string, e.g. ``'float32'``."""
    if hasattr(x, "_keras_shape") and isinstance(getattr(x, "dtype", None), str):
        return x.dtype
    return str(x.dtype).replace("torch.", "")


def abs(x):
    return torch.abs(x)


def clip(x, min_value, max_value):
    """Element-wise clipping; ``max_value < min_value`` clips everything to ``min_value`` (Keras)."""
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    if min_value is None:
        min_value = -np.inf
    if max_value is None:
        max_value = np.inf
    return torch.clamp(x, min_value, max_value)


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def _floaty(x):
    """Booleans and integers averaged as ``floatx()`` (Keras casts bools before mean/var)."""
    if not x.is_floating_point():
        return x.to(getattr(torch, floatx()))
    return x


def _reduce(op, x, axis, keepdims):
    """Apply a torch reduction ``op(x, dim, keepdim)`` over ``axis`` (None, int, list or tuple)."""
    if axis is None:
        out = op(x.reshape(-1), 0, False)
        return out.reshape([1] * x.dim()) if keepdims else out
    axes = _axis(axis)
    if isinstance(axes, tuple):
        axes = sorted((a % x.dim() for a in axes), reverse=True)
        for a in axes:
            x = op(x, a, keepdims)
        return x
    return op(x, axes, keepdims)


def _reduce_all_or_axes(whole, over_axes, x, axis, keepdims):
    """``whole(x)`` for a plain full reduction, else ``over_axes(x, dim=..., keepdim=...)``."""
    if axis is None and not keepdims:
        return whole(x)
    dims = _axis(axis) if axis is not None else tuple(range(x.dim()))
    return over_axes(x, dim=dims, keepdim=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (None: all axes; an int or a list); booleans count as 0/1."""
    return _reduce_all_or_axes(torch.mean, torch.mean, _floaty(x), axis, keepdims)


def sum(x, axis=None, keepdims=False):
    return _reduce_all_or_axes(torch.sum, torch.sum, x, axis, keepdims)


def max(x, axis=None, keepdims=False):
    return _reduce_all_or_axes(torch.max, torch.amax, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    return _reduce_all_or_axes(torch.min, torch.amin, x, axis, keepdims)


def prod(x, axis=None, keepdims=False):
    return _reduce(lambda t, d, k: torch.prod(t, dim=d, keepdim=k), x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance (``mean(square(x - mean(x)))``, as Keras; not torch's unbiased default)."""
    x = _floaty(x)
    m = mean(x, axis, keepdims=True)
    return mean(torch.square(x - m), axis, keepdims)


def std(x, axis=None, keepdims=False):
    """Population standard deviation: ``sqrt(var(x))``."""
    return torch.sqrt(var(x, axis, keepdims))


def any(x, axis=None, keepdims=False):
    return _reduce(lambda t, d, k: torch.any(t, dim=d, keepdim=k), x.bool(), axis, keepdims)


def all(x, axis=None, keepdims=False):
    return _reduce(lambda t, d, k: torch.all(t, dim=d, keepdim=k), x.bool(), axis, keepdims)


def cumsum(x, axis=0):
    return torch.cumsum(x, dim=axis)


def cumprod(x, axis=0):
    return torch.cumprod(x, dim=axis)


def square(x):
    return torch.square(x)


def sqrt(x):
    """Square root of ``x`` clipped to ``[0, inf)`` first (negative inputs give 0, as in Keras)."""
    return torch.sqrt(torch.clamp(x, min=0.0))


def pow(x, a):
    return torch.pow(x, a)


def sign(x):
    return torch.sign(x)


def log(x):
    return torch.log(x)


def exp(x):
    return torch.exp(x)


def sin(x):
    return torch.sin(x)


def cos(x):
    return torch.cos(x)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    return _reduce(lambda t, d, k: torch.logsumexp(t, dim=d, keepdim=k), x, axis, keepdims)


def round(x):
    """Round half to even (as TF)."""
    return torch.round(x)


def _pair(x, y):
    """``x`` and ``y`` as tensors (numbers and arrays placed on the other argument's device)."""
    return (_t(x, y if isinstance(y, torch.Tensor) else None),
            _t(y, x if isinstance(x, torch.Tensor) else None))


def maximum(x, y):
    return torch.maximum(*_pair(x, y))


def minimum(x, y):
    return torch.minimum(*_pair(x, y))


def argmax(x, axis=-1):
    return torch.argmax(x, dim=axis)


def argmin(x, axis=-1):
    return torch.argmin(x, dim=axis)


def equal(x, y):
    return torch.eq(x, y)


def not_equal(x, y):
    return torch.ne(x, y)


def greater(x, y):
    return torch.gt(x, y)


def greater_equal(x, y):
    return torch.ge(x, y)


def less(x, y):
    return torch.lt(x, y)


def less_equal(x, y):
    return torch.le(x, y)


def cast(x, dtype):
    """``x`` converted to ``dtype`` (a Keras dtype name such as ``'float32'``, ``'int32'``, ``'bool'``)."""
    return _t(x).to(_torch_dtype(dtype))


def zeros_like(x, dtype=None, name=None):
    return torch.zeros_like(x, dtype=None if dtype is None else _torch_dtype(dtype))


def ones_like(x, dtype=None, name=None):
    return torch.ones_like(x, dtype=None if dtype is None else _torch_dtype(dtype))


def identity(x, name=None):
    """A new tensor with the value of ``x`` (a copy: later updates of ``x`` do not show in it)."""
    return x.clone()


def dot(x, y):
    """Keras's N-D dot: contracts the last axis of ``x`` with the second-to-last axis of ``y``.

    ``(2, 3, 4) . (4, 5) -> (2, 3, 5)``; ``(2, 3) . (7, 3, 4) -> (2, 7, 4)`` (as Theano's dot).
    """
    if x.dim() <= 2 and y.dim() <= 2:
        return torch.matmul(x, y)
    return torch.tensordot(x, y, dims=([x.dim() - 1], [y.dim() - 2 if y.dim() >= 2 else 0]))


def _batch_dot_axes(axes, x_ndim, y_ndim):
    if axes is None:
        # Keras 2.2.4 used [x_ndim - 1, y_ndim - 2], which for a 2-D y names the batch axis and
        # only worked by accident; Keras 2.3 / tf-keras use the last axis of a 2-D y.
        return (x_ndim - 1, y_ndim - 1 if y_ndim == 2 else y_ndim - 2)
    if isinstance(axes, int):
        axes = (axes, axes)
    if not isinstance(axes, (list, tuple)) or len(axes) != 2 or not builtins.all(
            isinstance(a, (int, np.integer)) for a in axes):
        raise ValueError("batch_dot: `axes` must be None, an int or a pair of ints (one axis of x, "
                         "one of y). Multiple target dimensions are not supported. Received: axes=%r"
                         % (axes,))
    a0 = int(axes[0]) + x_ndim if axes[0] < 0 else int(axes[0])
    a1 = int(axes[1]) + y_ndim if axes[1] < 0 else int(axes[1])
    if not (0 < a0 < x_ndim and 0 < a1 < y_ndim):
        raise ValueError("batch_dot: axes=%r out of range for x of rank %d and y of rank %d (axis 0 is "
                         "the batch axis and cannot be contracted)." % (axes, x_ndim, y_ndim))
    return a0, a1


def batch_dot(x, y, axes=None):
    """Batchwise dot product with Keras 2.2.4's semantics.

    Axis ``axes[0]`` of ``x`` is contracted with axis ``axes[1]`` of ``y`` for each sample. As in
    Keras 2.2.4, the lower-rank input is padded with trailing unit axes and every axis other than
    the last two is a batch axis of the product (so ``batch_dot`` of ``(b, n, k)`` and
    ``(b, n, k, d)`` with ``axes=[2, 2]`` is ``(b, n, d)``; Keras 2.3+/tf-keras changed this to an
    outer product over the extra axes). A result of rank 1 becomes ``(batch, 1)``.

    Differences from 2.2.4, where 2.2.4 gave wrong numbers: negative axes are counted from the end;
    ``axes=None`` with a 2-D ``y`` contracts the last axes; contracting an axis that is not one of
    the last two of the padded rank raises a ValueError (2.2.4 silently contracted another one).

    Args:
        x, y: tensors of rank >= 2 with the same batch size.
        axes: None, an int (same axis for both), or ``(axis_x, axis_y)``.

    Example:
        >>> batch_dot(K.ones((32, 20, 1)), K.ones((32, 30, 20)), axes=(1, 2)).shape
        torch.Size([32, 1, 30])
    """
    x_ndim, y_ndim = x.dim(), y.dim()
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError("batch_dot: both inputs need rank >= 2 (batch axis first). Received shapes "
                         "%s and %s." % (tuple(x.shape), tuple(y.shape)))
    a0, a1 = _batch_dot_axes(axes, x_ndim, y_ndim)
    if x.shape[a0] != y.shape[a1]:
        raise ValueError("batch_dot: cannot contract axis %d of x (size %d) with axis %d of y (size "
                         "%d); x shape %s, y shape %s." % (a0, x.shape[a0], a1, y.shape[a1],
                                                          tuple(x.shape), tuple(y.shape)))
    if x_ndim == 2 and y_ndim == 2:
        return torch.sum(x * y, dim=1, keepdim=True)
    n = builtins.max(x_ndim, y_ndim)
    if a0 < n - 2 or a1 < n - 2:
        raise ValueError("batch_dot: axes=%r on shapes %s and %s: Keras 2.2.4 can only contract one "
                         "of the last two axes of its (padded, rank %d) inputs; it silently contracted "
                         "another axis here. Move the axis with K.permute_dimensions first."
                         % (axes, tuple(x.shape), tuple(y.shape), n))
    xp = x.reshape(tuple(x.shape) + (1,) * (n - x_ndim))
    yp = y.reshape(tuple(y.shape) + (1,) * (n - y_ndim))
    if a0 != n - 1:
        xp = xp.transpose(-1, -2)
    if a1 == n - 1:
        yp = yp.transpose(-1, -2)
    if xp.shape[-1] != yp.shape[-2]:
        raise ValueError("batch_dot: shapes %s and %s with axes=%r are not supported by Keras 2.2.4's "
                         "batch_dot (the padded inputs %s and %s do not multiply)."
                         % (tuple(x.shape), tuple(y.shape), axes, tuple(xp.shape), tuple(yp.shape)))
    out = torch.matmul(xp, yp)
    diff = builtins.abs(x_ndim - y_ndim)
    if diff:
        first = x_ndim + y_ndim - 3 if x_ndim > y_ndim else x_ndim - 1
        drop = list(range(first, first + diff))
        if drop[-1] >= out.dim() or builtins.any(out.shape[a] != 1 for a in drop):
            raise ValueError("batch_dot: shapes %s and %s with axes=%r are not supported by Keras "
                             "2.2.4's batch_dot (its product %s has no unit axes %s to drop)."
                             % (tuple(x.shape), tuple(y.shape), axes, tuple(out.shape), drop))
        out = out.reshape([d for i, d in enumerate(out.shape) if i not in drop])
    if out.dim() == 1:
        out = out.unsqueeze(1)
    return out


def int_shape(x):
    """The shape of ``x`` as a tuple of ints (``None`` for the batch axis of a Keras tensor)."""
    if hasattr(x, "_keras_shape"):
        return x._keras_shape
    return tuple(x.shape)


def get_variable_shape(x):
    return int_shape(x)


def ndim(x):
    """The rank of ``x``."""
    if hasattr(x, "_keras_shape"):
        return None if x._keras_shape is None else len(x._keras_shape)
    return x.dim()


def shape(x):
    """The shape of ``x`` (a ``torch.Size``; index it for a dimension: ``K.shape(x)[0]``)."""
    return x.shape


def reshape(x, shape):
    return torch.reshape(x, tuple(int(d) for d in shape))


def flatten(x):
    return torch.reshape(x, (-1,))


def batch_flatten(x):
    """``(batch, d1, d2...)`` -> ``(batch, d1 * d2 * ...)``."""
    return torch.reshape(x, (x.shape[0], -1))


def transpose(x):
    """Reverse the order of all axes."""
    return x.permute(*reversed(range(x.dim())))


def permute_dimensions(x, pattern):
    return x.permute(*pattern)


def expand_dims(x, axis=-1):
    return torch.unsqueeze(x, axis)


def squeeze(x, axis):
    return torch.squeeze(x, axis)


def concatenate(tensors, axis=-1):
    return torch.cat(list(tensors), dim=axis)


def stack(x, axis=0):
    return torch.stack(list(x), dim=axis)


def repeat(x, n):
    """``(samples, dim)`` -> ``(samples, n, dim)``."""
    if x.dim() != 2:
        raise ValueError("repeat: expected a 2-D tensor (samples, dim). Received shape %s."
                         % (tuple(x.shape),))
    return x.unsqueeze(1).expand(x.shape[0], n, x.shape[1])


def repeat_elements(x, rep, axis):
    """Repeat each element ``rep`` times along ``axis`` (``np.repeat``): [1, 2] -> [1, 1, 2, 2]."""
    return torch.repeat_interleave(x, int(rep), dim=axis)


def tile(x, n):
    """Tile ``x`` ``n`` times (an int for 1-D, else one count per axis)."""
    if isinstance(n, int):
        n = [n]
    n = [int(v) for v in n]
    if len(n) != x.dim():
        raise ValueError("tile: `n` needs one count per axis of x (rank %d). Received n=%r."
                         % (x.dim(), n))
    return x.repeat(*n)


def arange(start, stop=None, step=1, dtype="int32"):
    """``[start, stop)`` with ``step``; ``arange(5)`` is ``[0, 5)``."""
    if stop is None:
        start, stop = 0, start
    return torch.arange(start, stop, step, dtype=_torch_dtype(dtype))


def reverse(x, axes):
    if isinstance(axes, int):
        axes = [axes]
    return torch.flip(x, dims=list(axes))


def slice(x, start, size):
    """``x[start[0]:start[0] + size[0], ...]`` (a size of -1 runs to the end)."""
    if len(start) != x.dim() or len(size) != x.dim():
        raise ValueError("slice: `start` and `size` need one entry per axis of x (rank %d). "
                         "Received start=%r, size=%r." % (x.dim(), start, size))
    index = tuple(builtins.slice(int(b), None if int(s) == -1 else int(b) + int(s))
                  for b, s in zip(start, size))
    return x[index]


def gather(reference, indices):
    """Rows of ``reference`` at integer ``indices`` (any shape): ``reference[indices]``."""
    indices = _t(indices, reference)
    if indices.is_floating_point():
        raise TypeError("gather: `indices` must be integers. Received dtype %s." % (indices.dtype,))
    return reference[indices.long()]


def one_hot(indices, num_classes):
    """One-hot float tensor ``indices.shape + (num_classes,)``; out-of-range indices give zeros."""
    indices = _t(indices)
    classes = torch.arange(int(num_classes), device=indices.device)
    return (indices.long().unsqueeze(-1) == classes).to(getattr(torch, floatx()))


def switch(condition, then_expression, else_expression):
    """``then_expression`` where ``condition`` holds, else ``else_expression``.

    A scalar condition picks one whole expression (callables are called only for that branch); a
    condition of lower rank selects along the leading axes (``(batch,)`` picks samples).
    """
    condition = _t(condition)
    if condition.dim() == 0:
        chosen = then_expression if bool(condition) else else_expression
        return chosen() if callable(chosen) else chosen
    if callable(then_expression):
        then_expression = then_expression()
    if callable(else_expression):
        else_expression = else_expression()
    then_expression = _t(then_expression, condition)
    else_expression = _t(else_expression, condition)
    if condition.dim() > then_expression.dim():
        raise ValueError("switch: the rank of `condition` (%d) must not exceed the rank of "
                         "`then_expression` (%d)." % (condition.dim(), then_expression.dim()))
    condition = condition.bool().reshape(tuple(condition.shape) + (1,) * (
        then_expression.dim() - condition.dim()))
    return torch.where(condition, then_expression, else_expression)


def is_sparse(tensor):
    return isinstance(tensor, torch.Tensor) and tensor.is_sparse


def to_dense(tensor):
    return tensor.to_dense() if is_sparse(tensor) else tensor
