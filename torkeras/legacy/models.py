"""Keras 2.0-2.1 module path ``keras.legacy.models``: helpers for Sequential models that start with
the Keras-1 ``Merge`` of models.

``legacy_sequential_layers`` is :func:`torkeras.legacy.layers.keras1_flattened_layers` (the layer
order Keras 1 and 2.0-2.1 used for the weights of such models; nested merges are expanded
recursively, where Keras 2.1 expanded one level).

Example:
    >>> from keras.legacy.models import needs_legacy_support
    >>> needs_legacy_support(model)
    False
"""
from .layers import Merge
from .layers import keras1_flattened_layers as legacy_sequential_layers  # noqa: F401

__all__ = ["needs_legacy_support", "legacy_sequential_layers"]


def needs_legacy_support(model):
    """True when the first layer of ``model`` is a Keras-1 ``Merge``.

    Example:
        >>> needs_legacy_support(Sequential([Dense(2, input_dim=3)]))
        False
    """
    return bool(model.layers) and isinstance(model.layers[0], Merge)
