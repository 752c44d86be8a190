"""Keras 2.2.4 `keras.layers.cudnn_recurrent` (being written)."""


def _builtin_objects():
    return []
