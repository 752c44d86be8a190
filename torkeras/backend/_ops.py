"""Keras backend math (``keras.backend`` functions) over torch tensors.

Functions only; classes hold state elsewhere. Every function takes and returns torch tensors
(numpy arrays and Python numbers are converted where Keras accepted them).
"""
import numpy as np
import torch

from .config import epsilon, floatx

__all__ = [
    "is_tensor", "cast_to_floatx", "to_tensor", "abs", "clip", "mean", "sum", "square", "sqrt",
    "log", "exp", "maximum", "minimum", "argmax", "equal", "cast", "round", "softmax", "relu",
    "sigmoid", "hard_sigmoid", "tanh", "elu", "selu", "softplus", "softsign", "l2_normalize",
    "dot", "int_shape", "ndim", "shape", "reshape", "flatten", "batch_flatten", "pow", "sign",
    "max", "min", "prod", "std", "var", "any", "all", "zeros_like", "ones_like", "transpose",
    "permute_dimensions", "expand_dims", "squeeze", "concatenate", "stack", "repeat",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
    "not_equal", "greater", "greater_equal", "less", "less_equal", "logsumexp", "dtype",
    "in_top_k", "random_normal", "random_uniform", "truncated_normal", "random_binomial",
]

def is_tensor(x):
    return isinstance(x, torch.Tensor)


def to_tensor(x, dtype=None, device=None):
    if isinstance(x, torch.Tensor):
        if dtype is not None and x.dtype != dtype:
            x = x.to(dtype)
        return x
    if dtype is None and isinstance(x, (float, np.floating)) or (
            isinstance(x, np.ndarray) and x.dtype.kind == "f"):
        dtype = getattr(torch, floatx())
    return torch.as_tensor(x, dtype=dtype, device=device)


def cast_to_floatx(x):
    return np.asarray(x, dtype=floatx())


def dtype(x):
    return str(x.dtype).replace("torch.", "")


def abs(x):
    return torch.abs(x)


def clip(x, min_value, max_value):
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


def mean(x, axis=None, keepdims=False):
    if not x.is_floating_point():
        x = x.to(getattr(torch, floatx()))
    if axis is None:
        return x.mean() if not keepdims else x.mean().reshape([1] * x.dim())
    return torch.mean(x, dim=_axis(axis), keepdim=keepdims)


def sum(x, axis=None, keepdims=False):
    if axis is None:
        return x.sum() if not keepdims else x.sum().reshape([1] * x.dim())
    return torch.sum(x, dim=_axis(axis), keepdim=keepdims)


def max(x, axis=None, keepdims=False):
    if axis is None:
        return x.max() if not keepdims else x.max().reshape([1] * x.dim())
    return torch.amax(x, dim=_axis(axis), keepdim=keepdims)


def min(x, axis=None, keepdims=False):
    if axis is None:
        return x.min() if not keepdims else x.min().reshape([1] * x.dim())
    return torch.amin(x, dim=_axis(axis), keepdim=keepdims)


def prod(x, axis=None, keepdims=False):
    if axis is None:
        return x.prod()
    return torch.prod(x, dim=axis, keepdim=keepdims)


def var(x, axis=None, keepdims=False):
    if axis is None:
        return x.var(unbiased=False)
    return torch.var(x, dim=_axis(axis), keepdim=keepdims, unbiased=False)


def std(x, axis=None, keepdims=False):
    return torch.sqrt(var(x, axis, keepdims))


def any(x, axis=None, keepdims=False):
    x = x.bool()
    if axis is None:
        return x.any()
    return torch.any(x, dim=axis, keepdim=keepdims)


def all(x, axis=None, keepdims=False):
    x = x.bool()
    if axis is None:
        return x.all()
    return torch.all(x, dim=axis, keepdim=keepdims)


def square(x):
    return torch.square(x)


def sqrt(x):
    return torch.sqrt(torch.clamp(x, min=0.0))


def pow(x, a):
    return torch.pow(x, a)


def sign(x):
    return torch.sign(x)


def log(x):
    return torch.log(x)


def logsumexp(x, axis=None, keepdims=False):
    if axis is None:
        return torch.logsumexp(x.reshape(-1), 0)
    return torch.logsumexp(x, dim=axis, keepdim=keepdims)


def exp(x):
    return torch.exp(x)


def maximum(x, y):
    return torch.maximum(to_tensor(x), to_tensor(y))


def minimum(x, y):
    return torch.minimum(to_tensor(x), to_tensor(y))


def argmax(x, axis=-1):
    return torch.argmax(x, dim=axis)


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
    if isinstance(dtype, str):
        dtype = getattr(torch, dtype)
    return x.to(dtype)


def round(x):
    return torch.round(x)


def zeros_like(x, dtype=None):
    return torch.zeros_like(x, dtype=dtype)


def ones_like(x, dtype=None):
    return torch.ones_like(x, dtype=dtype)


def softmax(x, axis=-1):
    return torch.softmax(x, dim=axis)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras 2.2.4's options (TF backend order of operations).

    ``x`` above ``threshold`` passes, the rest becomes ``alpha * (x - threshold)``; when ``max_value``
    is given the positive part is clipped to ``[0, max_value]`` before the negative part is added.
    """
    if alpha == 0.0 and max_value is None and threshold == 0.0:
        return torch.relu(x)
    if alpha != 0.0 and max_value is None and threshold == 0.0:
        return torch.nn.functional.leaky_relu(x, alpha)
    if threshold != 0.0:
        out = torch.where(x > threshold, x, torch.zeros_like(x))
    else:
        out = torch.relu(x)
    if max_value is not None:
        out = torch.clamp(out, 0.0, max_value)
    if alpha != 0.0:
        out = out - alpha * torch.relu(threshold - x)
    return out


def sigmoid(x):
    return torch.sigmoid(x)


def hard_sigmoid(x):
    """Keras 1/2 hard sigmoid: clip(0.2 * x + 0.5, 0, 1) (not torch's slope 1/6)."""
    return torch.clamp(x * 0.2 + 0.5, 0.0, 1.0)


def tanh(x):
    return torch.tanh(x)


def elu(x, alpha=1.0):
    return torch.nn.functional.elu(x, alpha=alpha)


def selu(x):
    return torch.selu(x)


def softplus(x):
    return torch.nn.functional.softplus(x)


def softsign(x):
    return torch.nn.functional.softsign(x)


def l2_normalize(x, axis=None):
    if axis is None:
        square_sum = torch.sum(torch.square(x))
    else:
        square_sum = torch.sum(torch.square(x), dim=axis, keepdim=True)
    # tf.nn.l2_normalize: x * rsqrt(max(sum(x**2), 1e-12))
    return x * torch.rsqrt(torch.clamp(square_sum, min=1e-12))


def dot(x, y):
    if x.dim() <= 2 and y.dim() <= 2:
        return torch.matmul(x, y)
    return torch.tensordot(x, y, dims=([x.dim() - 1], [y.dim() - 2 if y.dim() >= 2 else 0]))


def int_shape(x):
    if hasattr(x, "_keras_shape"):
        return x._keras_shape
    return tuple(x.shape)


def ndim(x):
    return x.dim()


def shape(x):
    return x.shape


def reshape(x, shape):
    return torch.reshape(x, tuple(shape))


def flatten(x):
    return torch.reshape(x, (-1,))


def batch_flatten(x):
    return torch.reshape(x, (x.shape[0], -1))


def transpose(x):
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
    """(samples, dim) -> (samples, n, dim)."""
    return x.unsqueeze(1).expand(x.shape[0], n, x.shape[1])


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Keras 2.2.4 TF backend: renormalise, clip to [eps, 1-eps], -sum(target * log(output))."""
    if from_logits:
        return -torch.sum(target * torch.log_softmax(output, dim=axis), dim=axis)
    output = output / torch.sum(output, dim=axis, keepdim=True)
    eps = epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    return -torch.sum(target * torch.log(output), dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Keras 2.2.4 TF backend: log of clipped probabilities fed to softmax cross-entropy."""
    if axis != -1 and axis != output.dim() - 1:
        output = output.movedim(axis, -1)
    if not from_logits:
        eps = epsilon()
        output = torch.log(torch.clamp(output, eps, 1.0 - eps))
    logp = torch.log_softmax(output, dim=-1)
    target = target.reshape(logp.shape[:-1]).long()
    return -torch.gather(logp, -1, target.unsqueeze(-1)).squeeze(-1)


def binary_crossentropy(target, output, from_logits=False):
    """Keras 2.2.4 TF backend: clip, convert to logits, sigmoid cross-entropy with logits.

    A saturated prediction costs ``-log(1e-7)`` (about 16.1), not torch's ``BCELoss`` cap of 100.
    """
    if not from_logits:
        eps = epsilon()
        output = torch.clamp(output, eps, 1.0 - eps)
        output = torch.log(output / (1.0 - output))
    if target.dtype != output.dtype:
        target = target.to(output.dtype)
    # max(x, 0) - x * z + log(1 + exp(-|x|)), as one fused torch kernel.
    return torch.nn.functional.binary_cross_entropy_with_logits(output, target, reduction="none")


def in_top_k(predictions, targets, k):
    """Whether ``predictions[..., targets]`` is among the ``k`` largest values of its row.

    TF semantics: classes tied with the k-th value all count as in the top k, and a non-finite
    prediction for the target is never in the top k.

    Args:
        predictions: float tensor ``(..., classes)``.
        targets: integer class indices, shape ``predictions.shape[:-1]``.
        k: number of top elements to consider.

    Returns:
        A bool tensor of shape ``predictions.shape[:-1]``.
    """
    targets = targets.reshape(predictions.shape[:-1]).long()
    target_values = torch.gather(predictions, -1, targets.unsqueeze(-1))
    n_larger = torch.sum(predictions > target_values, dim=-1)
    return (n_larger < k) & torch.isfinite(target_values.squeeze(-1))


def _torch_dtype(dtype):
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


def _random_setup(shape, dtype, seed, device):
    """Shape tuple, (sampling dtype, result dtype), device and generator for the random functions."""
    shape = tuple(int(d) for d in shape)
    dtype = _torch_dtype(dtype)
    if device is None:
        from .device import get_device
        device = get_device()
    device = torch.device(device)
    generator = None
    if seed is not None:
        generator = torch.Generator(device=device)
        generator.manual_seed(int(seed))
    # half-precision samples are drawn in float32 and rounded (erfinv and friends need float32).
    sample_dtype = dtype if dtype in (torch.float32, torch.float64) else torch.float32
    return shape, sample_dtype, dtype, device, generator


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, device=None):
    """A tensor of normal samples. ``seed`` gives the same values on every call; without it the
    global torch RNG is used (``torch.manual_seed`` reproduces runs).

    ``device`` defaults to the backend's current device.
    """
    shape, sdt, dt, device, gen = _random_setup(shape, dtype, seed, device)
    out = torch.empty(shape, dtype=sdt, device=device)
    out.normal_(float(mean), float(stddev), generator=gen)
    return out.to(dt)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None, device=None):
    """A tensor of samples uniform in ``[minval, maxval)`` (see :func:`random_normal` for seeds)."""
    shape, sdt, dt, device, gen = _random_setup(shape, dtype, seed, device)
    out = torch.empty(shape, dtype=sdt, device=device)
    out.uniform_(float(minval), float(maxval), generator=gen)
    return out.to(dt)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, device=None):
    """Normal samples restricted to ``mean +- 2 * stddev`` (TF's truncated normal: the std of the
    result is about ``0.8796 * stddev``). See :func:`random_normal` for seeds and devices."""
    shape, sdt, dt, device, gen = _random_setup(shape, dtype, seed, device)
    mean, stddev = float(mean), float(stddev)
    if stddev == 0.0:
        return torch.full(shape, mean, dtype=dt, device=device)
    # Redraw the samples beyond two standard deviations until none is left (as TF does).
    out = torch.empty(shape, dtype=sdt, device=device).normal_(generator=gen)
    while True:
        outside = torch.abs(out) > 2.0
        n_outside = int(outside.sum())
        if n_outside == 0:
            break
        out[outside] = torch.empty(n_outside, dtype=sdt, device=device).normal_(generator=gen)
    return (out * stddev + mean).to(dt)


def random_binomial(shape, p=0.0, dtype=None, seed=None, device=None):
    """A tensor of 0/1 values, 1 with probability ``p`` (``uniform <= p``, as Keras)."""
    shape, sdt, dt, device, gen = _random_setup(shape, dtype, seed, device)
    u = torch.empty(shape, dtype=sdt, device=device).uniform_(0.0, 1.0, generator=gen)
    return (u <= p).to(dt)
