"""Keras 2.2.4 `keras.layers.recurrent` (being written)."""


def _builtin_objects():
    return []
