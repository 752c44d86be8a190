"""Built-in weight constraints (Keras 2.2.4 ``keras.constraints``).

A constraint maps a weight tensor to its constrained value; the training engine writes the result
back into the parameter after each optimizer step. Norms are taken over ``axis`` (an int or a list
of ints) with Keras's epsilon placement: ``w * desired / (epsilon + norm)``.

Example:
    >>> from torkeras import constraints
    >>> constraints.max_norm(1.0)(torch.tensor([[3.0], [4.0]])).flatten()
    tensor([0.6000, 0.8000])
"""
import numbers

import torch

from . import backend as K
from ._registry import CONSTRAINTS
from .utils.generic_utils import deserialize_keras_object, get_instance, serialize_keras_object

__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm", "non_neg",
           "unit_norm", "min_max_norm", "maxnorm", "nonneg", "unitnorm", "serialize", "deserialize",
           "get"]


def _check_axis(owner, axis):
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
        return int(axis)
    if isinstance(axis, (list, tuple)) and axis and all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axis):
        return [int(a) for a in axis]  # a list, as JSON gives it back
    raise TypeError("`%s`: `axis` must be an integer or a non-empty list of integers. Received: "
                    "axis=%r" % (owner, axis))


def _check_norm_bound(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError("`%s`: `%s` must be a number. Received: %s=%r" % (owner, name, name, value))
    if value < 0:
        raise ValueError("`%s`: `%s` is a norm and must be non-negative. Received: %s=%r"
                         % (owner, name, name, value))
    return value


def _norms(w, axis):
    dims = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return torch.sqrt(torch.sum(torch.square(w), dim=dims, keepdim=True))


class Constraint(object):
    """Base class of constraints: ``constraint(w)`` returns the constrained tensor (here: ``w``).

    Example:
        >>> class Clip(Constraint):
        ...     def __call__(self, w):
        ...         return w.clamp(-1, 1)
    """

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join("%s=%r" % kv for kv in self.get_config().items())
        return "%s(%s)" % (type(self).__name__, args)


class MaxNorm(Constraint):
    """Rescales weight vectors whose norm along ``axis`` exceeds ``max_value``.

    Args:
        max_value: largest allowed norm.
        axis: axis (or list of axes) the norm is computed over. For a Dense kernel ``(in, out)``,
            ``axis=0`` constrains each unit's incoming weights; for a channels-last Conv2D kernel
            use ``[0, 1, 2]``.

    Example:
        >>> MaxNorm(2.0)(torch.tensor([[3.0, 0.1], [4.0, 0.0]]))[:, 0]
        tensor([1.2000, 1.6000])
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = _check_norm_bound("MaxNorm", "max_value", max_value)
        self.axis = _check_axis("MaxNorm", axis)

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = torch.clamp(norms, 0.0, self.max_value)
        return w * (desired / (K.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero (as ``w * (w >= 0)``, so they become -0.0, as in Keras).

    Example:
        >>> bool(torch.equal(NonNeg()(torch.tensor([-1.0, 2.0])), torch.tensor([0.0, 2.0])))
        True
    """

    def __call__(self, w):
        return w * torch.ge(w, 0.0).to(w.dtype)


class UnitNorm(Constraint):
    """Divides weight vectors by their norm along ``axis`` (plus epsilon).

    Args:
        axis: axis (or list of axes) the norm is computed over.

    Example:
        >>> UnitNorm()(torch.tensor([[3.0], [4.0]])).flatten()
        tensor([0.6000, 0.8000])
    """

    def __init__(self, axis=0):
        self.axis = _check_axis("UnitNorm", axis)

    def __call__(self, w):
        return w / (K.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the norm of weight vectors into ``[min_value, max_value]``.

    The new norm is ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``: ``rate=1``
    enforces the bounds strictly, smaller rates move towards them gradually.

    Args:
        min_value: smallest allowed norm.
        max_value: largest allowed norm.
        rate: enforcement rate in ``[0, 1]``.
        axis: axis (or list of axes) the norm is computed over.

    Example:
        >>> MinMaxNorm(1.0, 2.0)(torch.tensor([[0.3], [0.4]])).flatten()
        tensor([0.6000, 0.8000])
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _check_norm_bound("MinMaxNorm", "min_value", min_value)
        self.max_value = _check_norm_bound("MinMaxNorm", "max_value", max_value)
        if min_value > max_value:
            raise ValueError("`MinMaxNorm`: `min_value` must not exceed `max_value`. Received: "
                             "min_value=%r, max_value=%r" % (min_value, max_value))
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
            raise TypeError("`MinMaxNorm`: `rate` must be a number in [0, 1]. Received: rate=%r"
                            % (rate,))
        if not 0.0 <= rate <= 1.0:
            raise ValueError("`MinMaxNorm`: `rate` must be in [0, 1] (1 enforces the bounds "
                             "strictly). Received: rate=%r" % (rate,))
        self.rate = rate
        self.axis = _check_axis("MinMaxNorm", axis)

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (self.rate * torch.clamp(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (K.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


# Keras 2.2.4's aliases (the last three are its "legacy aliases").
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm
maxnorm = max_norm
nonneg = non_neg
unitnorm = unit_norm


def serialize(constraint):
    """``{'class_name', 'config'}`` for ``constraint``.

    Example:
        >>> serialize(MaxNorm(3))
        {'class_name': 'MaxNorm', 'config': {'max_value': 3, 'axis': 0}}
    """
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from a ``{'class_name', 'config'}`` dict (or a name).

    Example:
        >>> deserialize({'class_name': 'UnitNorm', 'config': {'axis': 1}}).axis
        1
    """
    return deserialize_keras_object(config, CONSTRAINTS, custom_objects=custom_objects,
                                    printable_module_name="constraint")


def get(identifier):
    """Keras's constraint lookup: None -> None, a name -> a new instance with default arguments,
    a dict -> deserialized, a callable -> itself. A name bound to a plain function in
    ``custom_objects`` gives that function.

    Raises:
        UnknownObjectError: (a ValueError) for an unknown name, listing close matches.
        ValueError: for anything else.

    Example:
        >>> get('nonneg')
        NonNeg()
    """
    return get_instance(identifier, deserialize, Constraint, 'constraint', 'max_norm')


def _builtin_objects():
    """``(object, name, aliases)`` for every built-in constraint (used by the plugin manager)."""
    return [(MaxNorm, "MaxNorm", ("max_norm", "maxnorm")),
            (NonNeg, "NonNeg", ("non_neg", "nonneg")),
            (UnitNorm, "UnitNorm", ("unit_norm", "unitnorm")),
            (MinMaxNorm, "MinMaxNorm", ("min_max_norm",))]
