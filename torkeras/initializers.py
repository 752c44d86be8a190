"""Built-in weight initializers (Keras 2.2.4 ``keras.initializers``).

An initializer is called with a shape in Keras layout (kernels ``(..., in, out)``) and returns a
new CPU ``torch.Tensor`` of ``dtype`` (default ``K.floatx()``, i.e. float32); layers move it to
their device. A seeded initializer returns the same values on every call. An unseeded one draws
from torch's global RNG, so ``torch.manual_seed`` reproduces a run.

Example:
    >>> from torkeras import initializers
    >>> w = initializers.get('glorot_uniform')((784, 64))
    >>> float(w.abs().max()) <= (6 / (784 + 64)) ** 0.5
    True
"""
import math
import numbers

import numpy as np
import torch

from . import backend as K
from ._registry import INITIALIZERS
from .backend._ops import _torch_dtype
from .utils.generic_utils import deserialize_keras_object, get_instance, serialize_keras_object

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
           "TruncatedNormal", "VarianceScaling", "Orthogonal", "Identity", "lecun_uniform",
           "lecun_normal", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
           "zero", "zeros", "one", "ones", "constant", "uniform", "random_uniform", "normal",
           "random_normal", "truncated_normal", "identity", "orthogonal",
           "serialize", "deserialize", "get"]

_CPU = torch.device("cpu")
# Standard deviation of a unit normal truncated to [-2, 2] (scipy.stats.truncnorm(-2, 2).std()).
_TRUNCATED_STD = 0.87962566103423978


def _check_number(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError("`%s`: `%s` must be a number. Received: %s=%r" % (owner, name, name, value))
    if not math.isfinite(value):
        raise ValueError("`%s`: `%s` must be finite. Received: %s=%r" % (owner, name, name, value))
    return value


def _check_seed(owner, seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError("`%s`: `seed` must be an integer or None. Received: seed=%r" % (owner, seed))
    return None if seed is None else int(seed)


def _shape_tuple(owner, shape):
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError("`%s`: the shape must be a tuple of integers. Received: %r" % (owner, shape))
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0:
            raise ValueError("`%s`: the shape must be fully known, with non-negative integer "
                             "dimensions. Received: %r" % (owner, shape))
    return tuple(int(d) for d in dims)


def _compute_fans(shape):
    """``(fan_in, fan_out)`` for a weight shape in Keras layout (Keras 2.2.4 rules).

    2-D ``(in, out)``; 3/4/5-D convolution kernels ``(*receptive, in, out)`` multiply by the
    receptive field size; any other rank uses ``sqrt(prod(shape))`` for both.
    """
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    if len(shape) in (3, 4, 5):
        receptive = float(np.prod(shape[:-2]))
        return shape[-2] * receptive, shape[-1] * receptive
    size = math.sqrt(float(np.prod(shape)))
    return size, size


class Initializer(object):
    """Base class of initializers: ``initializer(shape, dtype=None)`` returns a new tensor.

    Subclasses implement ``__call__`` and ``get_config`` (Keras's keys); ``from_config`` builds an
    instance from that dict (a ``dtype`` key written by tf.keras is ignored).

    Example:
        >>> class Halves(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return torch.full(shape, 0.5)
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError("%s must implement __call__(shape, dtype=None)."
                                  % type(self).__name__)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)

    def __repr__(self):
        args = ", ".join("%s=%r" % kv for kv in self.get_config().items())
        return "%s(%s)" % (type(self).__name__, args)


class Zeros(Initializer):
    """Fills with 0.

    Example:
        >>> Zeros()((2, 3)).sum()
        tensor(0.)
    """

    def __call__(self, shape, dtype=None):
        return torch.zeros(_shape_tuple("Zeros", shape), dtype=_torch_dtype(dtype), device=_CPU)


class Ones(Initializer):
    """Fills with 1.

    Example:
        >>> Ones()((2,))
        tensor([1., 1.])
    """

    def __call__(self, shape, dtype=None):
        return torch.ones(_shape_tuple("Ones", shape), dtype=_torch_dtype(dtype), device=_CPU)


class Constant(Initializer):
    """Fills with ``value``.

    Args:
        value: a number, or an array with as many elements as the shape (reshaped to it) or
            broadcastable to it.

    Example:
        >>> Constant(0.1)((2,))
        tensor([0.1000, 0.1000])
    """

    def __init__(self, value=0):
        if isinstance(value, (np.ndarray, np.generic)):
            value = value.tolist()
        try:
            np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError("`Constant`: `value` must be a number or an array of numbers. "
                            "Received: value=%r" % (value,))
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple("Constant", shape)
        arr = np.asarray(self.value, dtype=np.float64)
        if arr.ndim and arr.size == int(np.prod(shape)) and arr.shape != shape:
            arr = arr.reshape(shape)
        try:
            arr = np.broadcast_to(arr, shape)
        except ValueError:
            raise ValueError("`Constant`: value of shape %s cannot fill a weight of shape %s."
                             % (arr.shape, shape))
        return torch.tensor(arr, dtype=_torch_dtype(dtype), device=_CPU)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """Normal samples with the given mean and standard deviation.

    Args:
        mean: mean of the values.
        stddev: standard deviation (>= 0).
        seed: integer; the same seed gives the same values.

    Example:
        >>> RandomNormal(stddev=0.01, seed=1)((3, 2)).shape
        torch.Size([3, 2])
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = _check_number("RandomNormal", "mean", mean)
        self.stddev = _check_number("RandomNormal", "stddev", stddev)
        if stddev < 0:
            raise ValueError("`RandomNormal`: `stddev` must be non-negative. Received: stddev=%r"
                             % (stddev,))
        self.seed = _check_seed("RandomNormal", seed)

    def __call__(self, shape, dtype=None):
        return K.random_normal(_shape_tuple("RandomNormal", shape), self.mean, self.stddev,
                               dtype=_torch_dtype(dtype), seed=self.seed, device=_CPU)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """Uniform samples in ``[minval, maxval)``.

    Args:
        minval: lower bound.
        maxval: upper bound (not below ``minval``).
        seed: integer; the same seed gives the same values.

    Example:
        >>> float(RandomUniform(-1, 1, seed=0)((100,)).abs().max()) <= 1
        True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = _check_number("RandomUniform", "minval", minval)
        self.maxval = _check_number("RandomUniform", "maxval", maxval)
        if minval > maxval:
            raise ValueError("`RandomUniform`: `minval` must be less than or equal to `maxval`. "
                             "Received: minval=%r, maxval=%r" % (minval, maxval))
        self.seed = _check_seed("RandomUniform", seed)

    def __call__(self, shape, dtype=None):
        return K.random_uniform(_shape_tuple("RandomUniform", shape), self.minval, self.maxval,
                                dtype=_torch_dtype(dtype), seed=self.seed, device=_CPU)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(Initializer):
    """Normal samples redrawn when further than two standard deviations from the mean.

    The values' standard deviation is therefore about ``0.88 * stddev`` (as TF's).

    Args:
        mean: mean of the values.
        stddev: standard deviation of the normal before truncation (>= 0).
        seed: integer; the same seed gives the same values.

    Example:
        >>> w = TruncatedNormal(stddev=1.0, seed=3)((1000,))
        >>> float(w.abs().max()) <= 2
        True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = _check_number("TruncatedNormal", "mean", mean)
        self.stddev = _check_number("TruncatedNormal", "stddev", stddev)
        if stddev < 0:
            raise ValueError("`TruncatedNormal`: `stddev` must be non-negative. Received: stddev=%r"
                             % (stddev,))
        self.seed = _check_seed("TruncatedNormal", seed)

    def __call__(self, shape, dtype=None):
        return K.truncated_normal(_shape_tuple("TruncatedNormal", shape), self.mean, self.stddev,
                                  dtype=_torch_dtype(dtype), seed=self.seed, device=_CPU)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


_MODES = ("fan_in", "fan_out", "fan_avg")
# tf.keras writes 'truncated_normal' for Keras 2.2.4's 'normal'; 'untruncated_normal' is its
# plain normal, which Keras 2.2.4 cannot express.
_DISTRIBUTIONS = {"normal": "normal", "truncated_normal": "normal", "uniform": "uniform",
                  "untruncated_normal": "untruncated_normal"}


class VarianceScaling(Initializer):
    """Samples scaled to the weight's fans (the family behind glorot, he and lecun).

    ``n`` is ``fan_in``, ``fan_out`` or their mean (each at least 1). ``'normal'`` draws a normal
    truncated at two standard deviations with std ``sqrt(scale / n) / 0.87962566`` (so the
    values' std is ``sqrt(scale / n)``, Keras >= 2.2.0); ``'uniform'`` draws in ``[-limit, limit]``
    with ``limit = sqrt(3 * scale / n)``.

    Args:
        scale: positive scaling factor.
        mode: ``'fan_in'``, ``'fan_out'`` or ``'fan_avg'``.
        distribution: ``'normal'`` or ``'uniform'`` (tf.keras's ``'truncated_normal'`` means
            ``'normal'``; ``'untruncated_normal'`` draws a plain normal with std ``sqrt(scale / n)``).
        seed: integer; the same seed gives the same values.

    Example:
        >>> init = VarianceScaling(scale=2.0, mode='fan_in', distribution='uniform')
        >>> float(init((50, 10)).abs().max()) <= (6 / 50) ** 0.5
        True
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="normal", seed=None):
        _check_number("VarianceScaling", "scale", scale)
        if scale <= 0.0:
            raise ValueError("`VarianceScaling`: `scale` must be a positive float. Received: scale=%r"
                             % (scale,))
        if not isinstance(mode, str) or mode.lower() not in _MODES:
            raise ValueError("`VarianceScaling`: `mode` must be one of %s. Received: mode=%r"
                             % (", ".join(repr(m) for m in _MODES), mode))
        if not isinstance(distribution, str) or distribution.lower() not in _DISTRIBUTIONS:
            raise ValueError("`VarianceScaling`: `distribution` must be 'normal' or 'uniform' (or "
                             "tf.keras's 'truncated_normal' / 'untruncated_normal'). Received: "
                             "distribution=%r" % (distribution,))
        self.scale = scale
        self.mode = mode.lower()
        self.distribution = _DISTRIBUTIONS[distribution.lower()]
        self.seed = _check_seed("VarianceScaling", seed)

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple("VarianceScaling", shape)
        fan_in, fan_out = _compute_fans(shape)
        if self.mode == "fan_in":
            n = max(1.0, fan_in)
        elif self.mode == "fan_out":
            n = max(1.0, fan_out)
        else:
            n = max(1.0, (fan_in + fan_out) / 2.0)
        variance = self.scale / n
        dtype = _torch_dtype(dtype)
        if self.distribution == "normal":
            return K.truncated_normal(shape, 0.0, math.sqrt(variance) / _TRUNCATED_STD,
                                      dtype=dtype, seed=self.seed, device=_CPU)
        if self.distribution == "untruncated_normal":
            return K.random_normal(shape, 0.0, math.sqrt(variance), dtype=dtype, seed=self.seed,
                                   device=_CPU)
        limit = math.sqrt(3.0 * variance)
        return K.random_uniform(shape, -limit, limit, dtype=dtype, seed=self.seed, device=_CPU)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


class Orthogonal(Initializer):
    """A random orthogonal matrix (Saxe et al.), for 2-D or larger shapes.

    The shape is viewed as ``(prod(shape[:-1]), shape[-1])``; the SVD of a standard normal matrix
    of that shape gives the orthogonal factor, times ``gain``. Computed with NumPy as Keras does: a
    seeded Orthogonal gives Keras 2.2.4's exact values (without touching NumPy's global RNG).

    Args:
        gain: multiplicative factor.
        seed: integer; the same seed gives the same values.

    Example:
        >>> q = Orthogonal(seed=0)((4, 4))
        >>> bool(torch.allclose(q @ q.T, torch.eye(4), atol=1e-5))
        True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = _check_number("Orthogonal", "gain", gain)
        self.seed = _check_seed("Orthogonal", seed)

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple("Orthogonal", shape)
        if len(shape) < 2:
            raise ValueError("`Orthogonal`: the weight must be at least 2-D. Received shape %s"
                             % (shape,))
        flat_shape = (int(np.prod(shape[:-1])), shape[-1])
        if self.seed is not None:
            a = np.random.RandomState(self.seed).normal(0.0, 1.0, flat_shape)
        else:
            a = torch.randn(flat_shape, dtype=torch.float64).numpy()
        u, _, v = np.linalg.svd(a, full_matrices=False)
        q = u if u.shape == flat_shape else v
        q = self.gain * q.reshape(shape)
        return torch.tensor(q, dtype=_torch_dtype(dtype), device=_CPU)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """The identity matrix times ``gain``, for 2-D shapes.

    A non-square shape whose long side is a multiple of the short side gets identity blocks
    stacked along the long side.

    Args:
        gain: multiplicative factor.

    Example:
        >>> Identity(gain=2.0)((2, 2))
        tensor([[2., 0.],
                [0., 2.]])
    """

    def __init__(self, gain=1.0):
        self.gain = _check_number("Identity", "gain", gain)

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple("Identity", shape)
        if len(shape) != 2:
            raise ValueError("`Identity`: the identity initializer works only for 2-D weights. "
                             "Received shape %s" % (shape,))
        rows, cols = shape
        short = min(rows, cols)
        if short == 0 or max(rows, cols) % short != 0:
            raise ValueError("`Identity`: the long side of the shape must be a multiple of the "
                             "short side. Received shape %s" % (shape,))
        eye = torch.eye(short, dtype=_torch_dtype(dtype), device=_CPU)
        q = eye.repeat(rows // short, cols // short)
        return q * self.gain

    def get_config(self):
        return {"gain": self.gain}


def lecun_uniform(seed=None):
    """LeCun uniform: uniform in ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``.

    Args:
        seed: integer seed, or None.

    Returns:
        A :class:`VarianceScaling` initializer.

    Example:
        >>> lecun_uniform().get_config()['mode']
        'fan_in'
    """
    return VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=seed)


def lecun_normal(seed=None):
    """LeCun normal: truncated normal with std ``sqrt(1 / fan_in)``.

    Args:
        seed: integer seed, or None.

    Returns:
        A :class:`VarianceScaling` initializer.

    Example:
        >>> lecun_normal().get_config()['distribution']
        'normal'
    """
    return VarianceScaling(scale=1.0, mode="fan_in", distribution="normal", seed=seed)


def glorot_normal(seed=None):
    """Glorot (Xavier) normal: truncated normal with std ``sqrt(2 / (fan_in + fan_out))``.

    Args:
        seed: integer seed, or None.

    Returns:
        A :class:`VarianceScaling` initializer.

    Example:
        >>> glorot_normal().get_config()['mode']
        'fan_avg'
    """
    return VarianceScaling(scale=1.0, mode="fan_avg", distribution="normal", seed=seed)


def glorot_uniform(seed=None):
    """Glorot (Xavier) uniform, Keras's default kernel initializer: uniform in
    ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    Args:
        seed: integer seed, or None.

    Returns:
        A :class:`VarianceScaling` initializer.

    Example:
        >>> glorot_uniform(seed=1)((3, 5)).shape
        torch.Size([3, 5])
    """
    return VarianceScaling(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed)


def he_normal(seed=None):
    """He normal: truncated normal with std ``sqrt(2 / fan_in)``.

    Args:
        seed: integer seed, or None.

    Returns:
        A :class:`VarianceScaling` initializer.

    Example:
        >>> he_normal().get_config()['scale']
        2.0
    """
    return VarianceScaling(scale=2.0, mode="fan_in", distribution="normal", seed=seed)


def he_uniform(seed=None):
    """He uniform: uniform in ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``.

    Args:
        seed: integer seed, or None.

    Returns:
        A :class:`VarianceScaling` initializer.

    Example:
        >>> he_uniform().get_config()['distribution']
        'uniform'
    """
    return VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=seed)


# Keras 2.2.4's compatibility aliases.
zero = zeros = Zeros
one = ones = Ones
constant = Constant
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
identity = Identity
orthogonal = Orthogonal


def serialize(initializer):
    """``{'class_name', 'config'}`` for ``initializer`` (presets serialize as VarianceScaling).

    Example:
        >>> serialize(glorot_uniform())['class_name']
        'VarianceScaling'
    """
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from a ``{'class_name', 'config'}`` dict (or a name).

    Args:
        config: e.g. ``{'class_name': 'RandomNormal', 'config': {'stddev': 0.1}}``.
        custom_objects: dict of extra name -> initializer class or function, consulted first.

    Example:
        >>> deserialize({'class_name': 'Constant', 'config': {'value': 3}}).value
        3
    """
    return deserialize_keras_object(config, INITIALIZERS, custom_objects=custom_objects,
                                    printable_module_name="initializer")


def get(identifier):
    """Keras's initializer lookup: a name -> a new instance (``'glorot_uniform'`` gives a
    VarianceScaling), a dict -> deserialized, a callable -> itself, an Initializer class -> an
    instance, None -> None. A name bound to a plain function in ``custom_objects`` (e.g. a saved
    ``my_init(shape, dtype=None)``) gives that function, not the result of calling it.

    Raises:
        UnknownObjectError: (a ValueError) for an unknown name, listing close matches.
        ValueError: for anything else.

    Example:
        >>> type(get('zero')).__name__
        'Zeros'
    """
    return get_instance(identifier, deserialize, Initializer, 'initializer', 'glorot_uniform')


# tf.keras 2.x / Keras 3 write the presets as classes ('GlorotUniform', config {'seed': None}).
_ALIASES = {
    "Zeros": ("zeros", "zero"),
    "Ones": ("ones", "one"),
    "Constant": ("constant",),
    "RandomNormal": ("random_normal", "normal"),
    "RandomUniform": ("random_uniform", "uniform"),
    "TruncatedNormal": ("truncated_normal",),
    "VarianceScaling": ("variance_scaling",),
    "Orthogonal": ("orthogonal",),
    "Identity": ("identity",),
    "lecun_uniform": ("LecunUniform",),
    "lecun_normal": ("LecunNormal",),
    "glorot_normal": ("GlorotNormal",),
    "glorot_uniform": ("GlorotUniform",),
    "he_normal": ("HeNormal",),
    "he_uniform": ("HeUniform",),
}


def _builtin_objects():
    """``(object, name, aliases)`` for every built-in initializer (used by the plugin manager)."""
    objects = (Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
               Orthogonal, Identity, lecun_uniform, lecun_normal, glorot_normal, glorot_uniform,
               he_normal, he_uniform)
    return [(obj, obj.__name__, _ALIASES[obj.__name__]) for obj in objects]
