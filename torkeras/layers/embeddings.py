"""Keras 2.2.4 `keras.layers.embeddings` (being written)."""


def _builtin_objects():
    return []
