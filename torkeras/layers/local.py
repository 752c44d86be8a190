"""Keras 2.2.4 `keras.layers.local` (being written)."""


def _builtin_objects():
    return []
