"""Keras 2.2.4 `keras.layers.pooling` (being written)."""


def _builtin_objects():
    return []
