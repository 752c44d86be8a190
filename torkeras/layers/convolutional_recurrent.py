"""Keras 2.2.4 `keras.layers.convolutional_recurrent` (being written)."""


def _builtin_objects():
    return []
