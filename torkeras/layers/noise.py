"""Keras 2.2.4 `keras.layers.noise` (being written)."""


def _builtin_objects():
    return []
