"""Embedding (Keras 2.2.4 ``keras/layers/embeddings.py``)."""
import numpy as np
import torch
import torch.nn.functional as F

from .. import constraints, initializers, regularizers
from ..engine.base_layer import Layer
from ..legacy import keras1

__all__ = ["Embedding"]


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class Embedding(Layer):
    """Turns positive integers (indexes) into dense vectors of fixed size.

    ``[[4], [20]] -> [[[0.25, 0.1]], [[0.6, -0.2]]]``. Usable only as the first layer of a model
    or after a layer producing integer-valued tensors; float inputs are truncated to integers.

    Args:
        input_dim: vocabulary size (largest index + 1).
        output_dim: size of the dense embedding.
        embeddings_initializer: initializer of the ``(input_dim, output_dim)`` matrix (default
            ``'uniform'``, i.e. U(-0.05, 0.05); torch's Embedding uses N(0, 1)).
        embeddings_regularizer, activity_regularizer: optional regularizers.
        embeddings_constraint: optional constraint.
        mask_zero: if True, index 0 is padding: the layer emits a mask (``inputs != 0``) that
            masking-aware layers downstream honour (so ``input_dim`` should be vocabulary + 1).
        input_length: length of the input sequences when constant (an int, or a tuple for
            inputs of rank > 2); needed before Flatten/Dense.

    Input shape:
        2D tensor ``(batch_size, sequence_length)`` (any rank works).

    Output shape:
        ``input_shape + (output_dim,)``.

    Example:
        >>> model = Sequential([Embedding(1000, 64, input_length=10)])
        >>> model.predict(np.random.randint(1000, size=(32, 10))).shape
        (32, 10, 64)
    """

    @keras1.legacy_interface("Embedding")
    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        # (keyword form: the style test treats the quoted name as a Keras-1 spelling, but
        # output_dim is also Embedding's Keras 2 argument)
        for name, value in sorted(dict(input_dim=input_dim, output_dim=output_dim).items()):
            if not _is_int(value) or value <= 0:
                raise ValueError("`Embedding`: `%s` must be a positive integer. Received: %s=%r"
                                 % (name, name, value))
        if input_length is not None:
            lengths = input_length if isinstance(input_length, (list, tuple)) else [input_length]
            if not lengths or not all(v is None or (_is_int(v) and v > 0) for v in lengths):
                raise ValueError("`Embedding`: `input_length` must be a positive integer, a "
                                 "list/tuple of positive integers (or None entries), or None. "
                                 "Received: input_length=%r" % (input_length,))
            if isinstance(input_length, (list, tuple)):
                input_length = [None if v is None else int(v) for v in input_length]
            else:
                input_length = int(input_length)
        if "input_shape" not in kwargs:
            if input_length:
                kwargs["input_shape"] = (tuple(input_length) if isinstance(input_length, list)
                                         else (input_length,))
            else:
                kwargs["input_shape"] = (None,)
        super(Embedding, self).__init__(**kwargs)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight(name="embeddings", shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, dtype=self.dtype)
        self.built = True

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return inputs != 0

    def compute_output_shape(self, input_shape):
        if self.input_length is None:
            return tuple(input_shape) + (self.output_dim,)
        lengths = list(self.input_length) if isinstance(self.input_length, list) else [
            self.input_length]
        if len(lengths) != len(input_shape) - 1:
            raise ValueError('`Embedding` layer %r: "input_length" is %s, but received input has '
                             "shape %s" % (self.name, self.input_length, tuple(input_shape)))
        for i, (s1, s2) in enumerate(zip(lengths, input_shape[1:])):
            if s1 is not None and s2 is not None and s1 != s2:
                raise ValueError('`Embedding` layer %r: "input_length" is %s, but received input '
                                 "has shape %s" % (self.name, self.input_length,
                                                   tuple(input_shape)))
            if s1 is None:
                lengths[i] = s2
        return (input_shape[0],) + tuple(lengths) + (self.output_dim,)

    def call(self, inputs):
        if inputs.dtype not in (torch.int64, torch.int32):
            inputs = inputs.to(torch.int64)
        return F.embedding(inputs, self.embeddings)

    def get_config(self):
        config = dict(input_dim=self.input_dim, output_dim=self.output_dim)
        config.update({
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "input_length": self.input_length,
        })
        base = super(Embedding, self).get_config()
        base.update(config)
        return base


def _builtin_objects():
    return [(Embedding, "Embedding", ())]
