"""Keras 2.2.4 `keras.layers.wrappers` (being written)."""


def _builtin_objects():
    return []
