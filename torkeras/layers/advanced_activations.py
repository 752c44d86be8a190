"""Keras 2.2.4 `keras.layers.advanced_activations` (being written)."""


def _builtin_objects():
    return []
