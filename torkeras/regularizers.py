"""Built-in weight regularizers (Keras 2.2.4 ``keras.regularizers``).

A regularizer maps a weight tensor to a scalar penalty tensor that the training engine adds to the
loss (and to the reported ``loss``, as Keras does). ``l2(λ)`` adds ``λ * sum(w ** 2)``, with no 1/2.

Example:
    >>> from torkeras import regularizers
    >>> regularizers.l2(0.5)(torch.tensor([1.0, 2.0]))
    tensor(2.5000)
"""
import math
import numbers

import numpy as np
import torch

from ._registry import REGULARIZERS
from .utils.generic_utils import deserialize_keras_object, get_instance, serialize_keras_object

__all__ = ["Regularizer", "L1L2", "l1", "l2", "l1_l2", "serialize", "deserialize", "get"]


class Regularizer(object):
    """Base class of regularizers: ``regularizer(weight)`` returns a scalar penalty tensor.

    Example:
        >>> class SumOfWeights(Regularizer):
        ...     def __call__(self, x):
        ...         return 0.01 * x.sum()
    """

    def __call__(self, x):
        return torch.zeros((), dtype=x.dtype, device=x.device)

    # Keras-1 API (keras/regularizers.py @ 1.1.2; a no-op kept by 1.2.2): a Keras-1 custom layer binds
    # the regularizer to a weight, then appends it to ``self.regularizers``, which the layer reads
    # once built (engine/base_layer.py). Keras 2 passes ``regularizer=`` to ``add_weight`` instead.
    def set_param(self, p):
        """Bind this regularizer to the weight ``p`` (Keras-1 API); stored as ``self.p``.

        Args:
            p: the weight (an ``add_weight`` or ``K.variable`` result) the penalty applies to.

        Example:
            >>> self.W_regularizer.set_param(self.W)
            >>> self.regularizers.append(self.W_regularizer)
        """
        self.p = p

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join("%s=%r" % kv for kv in self.get_config().items())
        return "%s(%s)" % (type(self).__name__, args)


def _penalty_factor(name, value):
    """A non-negative finite factor, rounded to float32 as Keras stores it (``K.cast_to_floatx``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError("`L1L2`: `%s` must be a non-negative number. Received: %s=%r"
                        % (name, name, value))
    if not math.isfinite(value) or value < 0:
        raise ValueError("`L1L2`: `%s` must be a non-negative finite number. Received: %s=%r"
                         % (name, name, value))
    return float(np.float32(value))


class L1L2(Regularizer):
    """Penalty ``sum(l1 * abs(w)) + sum(l2 * w ** 2)``.

    Factors are stored as float32 values, as Keras does (so ``get_config()`` of ``l2(0.01)`` reads
    ``0.009999999776482582``, exactly what Keras 2.2.4 writes to files).

    Args:
        l1: L1 factor (>= 0).
        l2: L2 factor (>= 0).

    Example:
        >>> L1L2(l1=0.1, l2=0.1)(torch.tensor([-2.0]))
        tensor(0.6000)
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _penalty_factor("l1", l1)
        self.l2 = _penalty_factor("l2", l2)

    def __call__(self, x):
        penalty = None
        if self.l1:
            penalty = self.l1 * torch.sum(torch.abs(x))
        if self.l2:
            l2_term = self.l2 * torch.sum(torch.square(x))
            penalty = l2_term if penalty is None else penalty + l2_term
        if penalty is None:
            return torch.zeros((), dtype=x.dtype, device=x.device)
        return penalty

    def get_config(self):
        return {"l1": float(self.l1), "l2": float(self.l2)}


def l1(l=0.01):  # noqa: E741  (Keras's argument name)
    """L1 penalty ``l * sum(abs(w))``.

    Args:
        l: the factor.

    Returns:
        An :class:`L1L2` regularizer.

    Example:
        >>> l1(0.1)(torch.tensor([-2.0, 1.0]))
        tensor(0.3000)
    """
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741
    """L2 penalty ``l * sum(w ** 2)`` (no 1/2 factor).

    Args:
        l: the factor.

    Returns:
        An :class:`L1L2` regularizer.

    Example:
        >>> l2(0.1)(torch.tensor([-2.0, 1.0]))
        tensor(0.5000)
    """
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):
    """L1 plus L2 penalty.

    Args:
        l1: the L1 factor.
        l2: the L2 factor.

    Returns:
        An :class:`L1L2` regularizer.

    Example:
        >>> l1_l2(0.1, 0.1)(torch.tensor([-2.0]))
        tensor(0.6000)
    """
    return L1L2(l1=l1, l2=l2)


def _tf_l1(l1=0.01):
    # tf.keras 2.x / Keras 3 write `L1` with config {'l1': ...}.
    return L1L2(l1=l1)


def _tf_l2(l2=0.01):
    # tf.keras 2.x / Keras 3 write `L2` with config {'l2': ...}.
    return L1L2(l2=l2)


def serialize(regularizer):
    """``{'class_name', 'config'}`` for ``regularizer`` (l1/l2/l1_l2 serialize as L1L2).

    Example:
        >>> serialize(l2(0.5))
        {'class_name': 'L1L2', 'config': {'l1': 0.0, 'l2': 0.5}}
    """
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from a ``{'class_name', 'config'}`` dict (or a name).

    Example:
        >>> deserialize({'class_name': 'L1L2', 'config': {'l1': 0.0, 'l2': 0.5}}).l2
        0.5
    """
    return deserialize_keras_object(config, REGULARIZERS, custom_objects=custom_objects,
                                    printable_module_name="regularizer")


def get(identifier):
    """Keras's regularizer lookup: None -> None, a name -> a new instance with default factors
    (``'l2'`` gives ``l2(0.01)``), a dict -> deserialized, a callable -> itself. A name bound to a
    plain function in ``custom_objects`` gives that function.

    Raises:
        UnknownObjectError: (a ValueError) for an unknown name, listing close matches.
        ValueError: for anything else.

    Example:
        >>> get('l1_l2').get_config()['l1'] > 0
        True
    """
    return get_instance(identifier, deserialize, Regularizer, 'regularizer', 'l2')


def _builtin_objects():
    """``(object, name, aliases)`` for every built-in regularizer (used by the plugin manager)."""
    return [(L1L2, "L1L2", ()), (l1, "l1", ()), (l2, "l2", ()), (l1_l2, "l1_l2", ()),
            (_tf_l1, "L1", ()), (_tf_l2, "L2", ())]


# Keras 1.2.2 names (implemented in torkeras.legacy.objects; they return Keras 2 L1L2 objects).
from .legacy.objects import (ActivityRegularizer, EigenvalueRegularizer,  # noqa: E402,F401
                             L1L2Regularizer, WeightRegularizer, activity_l1, activity_l1l2,
                             activity_l2, l1l2)
