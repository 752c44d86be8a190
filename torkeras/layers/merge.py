"""Keras 2.2.4 `keras.layers.merge` (being written)."""


def _builtin_objects():
    return []
