"""Built-in activation functions (Keras 2.2.4 ``keras.activations``).

Each activation is a function of a torch tensor. Strings resolve through ``custom_objects``, the
active ``custom_object_scope``, then the activation registry.

Example:
    >>> from torkeras import activations
    >>> activations.get('relu')(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
"""
import inspect

import torch

from . import backend as K
from ._registry import ACTIVATIONS
from .utils.generic_utils import deserialize_keras_object, lookup_custom, serialize_keras_object

__all__ = ["softmax", "elu", "selu", "softplus", "softsign", "relu", "tanh", "sigmoid",
           "hard_sigmoid", "exponential", "linear", "serialize", "deserialize", "get"]


def softmax(x, axis=-1):
    """Softmax along ``axis``.

    Args:
        x: tensor of rank 2 or more.
        axis: the axis normalised to sum to 1 (Keras 2.2.4 used the last axis for 2-D input
            whatever ``axis`` said; torkeras honours ``axis``).

    Returns:
        A tensor of the same shape, non-negative, summing to 1 along ``axis``.

    Raises:
        ValueError: ``x`` is 1-D (as in Keras).

    Example:
        >>> softmax(torch.zeros(2, 4))[0]
        tensor([0.2500, 0.2500, 0.2500, 0.2500])
    """
    if x.dim() < 2:
        raise ValueError("Cannot apply softmax to a tensor that is 1D (or 0D): softmax normalises "
                         "along an axis of a batch of rows. Received input of shape %s. Reshape it "
                         "to (1, n) first." % (tuple(x.shape),))
    return torch.softmax(x, dim=axis)


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Args:
        x: input tensor.
        alpha: scale of the negative section.

    Example:
        >>> elu(torch.tensor([-1.0, 1.0]))
        tensor([-0.6321,  1.0000])
    """
    return K.elu(x, alpha)


def selu(x):
    """Scaled exponential linear unit: ``scale * elu(x, alpha)`` with the SELU constants.

    Args:
        x: input tensor.

    Example:
        >>> selu(torch.tensor([1.0]))
        tensor([1.0507])
    """
    return K.selu(x)


def softplus(x):
    """Softplus, ``log(exp(x) + 1)``.

    Args:
        x: input tensor.

    Example:
        >>> softplus(torch.tensor([0.0]))
        tensor([0.6931])
    """
    return K.softplus(x)


def softsign(x):
    """Softsign, ``x / (abs(x) + 1)``.

    Args:
        x: input tensor.

    Example:
        >>> softsign(torch.tensor([1.0]))
        tensor([0.5000])
    """
    return K.softsign(x)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit.

    With the defaults, ``max(x, 0)``. Otherwise ``max_value`` for ``x >= max_value``, ``x`` for
    ``threshold < x < max_value`` and ``alpha * (x - threshold)`` below the threshold.

    Args:
        x: input tensor.
        alpha: slope of the part below ``threshold``.
        max_value: saturation value, or None for none.
        threshold: where the function switches from the negative to the linear part.

    Example:
        >>> relu(torch.tensor([-2.0, 3.0, 8.0]), alpha=0.5, max_value=6.0)
        tensor([-1.,  3.,  6.])
    """
    return K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def tanh(x):
    """Hyperbolic tangent.

    Args:
        x: input tensor.

    Example:
        >>> tanh(torch.tensor([0.0]))
        tensor([0.])
    """
    return torch.tanh(x)


def sigmoid(x):
    """Logistic sigmoid, ``1 / (1 + exp(-x))``.

    Args:
        x: input tensor.

    Example:
        >>> sigmoid(torch.tensor([0.0]))
        tensor([0.5000])
    """
    return torch.sigmoid(x)


def hard_sigmoid(x):
    """Keras's piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)`` (torch's slope is 1/6).

    Args:
        x: input tensor.

    Example:
        >>> hard_sigmoid(torch.tensor([-3.0, 0.0, 1.0]))
        tensor([0.0000, 0.5000, 0.7000])
    """
    return K.hard_sigmoid(x)


def exponential(x):
    """Exponential, ``exp(x)``.

    Args:
        x: input tensor.

    Example:
        >>> exponential(torch.tensor([0.0]))
        tensor([1.])
    """
    return torch.exp(x)


def linear(x):
    """Identity: returns ``x`` unchanged (the activation of ``None``).

    Args:
        x: input tensor.

    Example:
        >>> linear(torch.tensor([-1.0]))
        tensor([-1.])
    """
    return x


def serialize(activation):
    """The name Keras writes for ``activation`` (its ``__name__``; objects with ``get_config``
    give a ``{'class_name', 'config'}`` dict).

    Example:
        >>> serialize(relu)
        'relu'
    """
    name = getattr(activation, "__name__", None)
    if name is not None:
        return name
    return serialize_keras_object(activation)


def _deserialize_function(identifier, registry, custom_objects, printable_module_name):
    """Resolve a function-valued object (activation, loss, metric) from a name or a dict.

    Accepts a name, ``{'class_name': name, 'config': {}}``, and the Keras 3 / tf-keras form
    ``{'class_name': 'function', 'config': name}``. A class found under the name is instantiated
    from the config; a plain function takes no config.
    """
    if not isinstance(identifier, dict):
        return deserialize_keras_object(identifier, registry, custom_objects=custom_objects,
                                        printable_module_name=printable_module_name)
    if "class_name" not in identifier:
        raise ValueError("Improper config format for %s: expected {'class_name': ..., 'config': ...}. "
                         "Received %r" % (printable_module_name, identifier))
    name = identifier["class_name"]
    config = identifier.get("config") or {}
    if name == "function" and isinstance(config, str):
        name, config = config, {}
    obj = lookup_custom(name, custom_objects)
    if obj is None:
        obj = registry.get(name)
    if inspect.isclass(obj):
        return deserialize_keras_object({"class_name": name, "config": config}, registry,
                                        custom_objects=custom_objects,
                                        printable_module_name=printable_module_name)
    if config:
        raise ValueError("The %s %r is a function and takes no config, but the config %r was given. "
                         "Pass the name alone, or register a class with get_config/from_config."
                         % (printable_module_name, name, config))
    return obj


def deserialize(name, custom_objects=None):
    """The activation function for ``name`` (a string or a ``{'class_name', 'config'}`` dict).

    Args:
        name: e.g. ``'relu'``.
        custom_objects: dict of extra name -> function, consulted first.

    Example:
        >>> deserialize('tanh') is tanh
        True
    """
    return _deserialize_function(name, ACTIVATIONS, custom_objects, "activation function")


def get(identifier):
    """Keras's activation lookup: None -> :func:`linear`, a name or dict -> the registered
    function, a callable -> itself.

    Raises:
        UnknownObjectError: (a ValueError) for an unknown name, listing close matches.
        ValueError: for anything else.

    Example:
        >>> get(None) is linear
        True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret activation function identifier: %r. Expected a name such "
                     "as 'relu', a callable, or None." % (identifier,))


def _builtin_objects():
    """``(object, name, aliases)`` for every built-in activation (used by the plugin manager)."""
    return [(fn, fn.__name__, ()) for fn in (softmax, elu, selu, softplus, softsign, relu, tanh,
                                             sigmoid, hard_sigmoid, exponential, linear)]


def __getattr__(name):
    # keras.activations.Layer (Keras 2.2.4 imported it there); lazy: the engine imports activations
    if name == "Layer":
        from .engine.base_layer import Layer
        return Layer
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
