"""Keras 2.2.4 `keras.layers.normalization` (being written)."""


def _builtin_objects():
    return []
