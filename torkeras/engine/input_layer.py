"""InputLayer and Input: the entry point of a model."""
from .base_layer import Layer, _shape_tuple
from ..legacy import keras1


class InputLayer(Layer):
    """Layer that marks a model's input; it holds no weights.

    Args:
        input_shape: shape without batch axis.
        batch_size: optional fixed batch size.
        batch_input_shape: shape with batch axis.
        dtype: input dtype (default ``'float32'``).
        sparse: must be False (sparse inputs are not supported).
        name: layer name (default ``input_N``).

    Example:
        >>> InputLayer(input_shape=(784,))
    """

    @keras1.legacy_interface("InputLayer")
    def __init__(self, input_shape=None, batch_size=None, batch_input_shape=None, dtype=None,
                 input_tensor=None, sparse=False, name=None, ragged=False, optional=False, **kwargs):
        if input_tensor is not None:
            raise ValueError("InputLayer: `input_tensor` is not supported by torkeras (no symbolic "
                             "tensors); pass input_shape or batch_input_shape instead.")
        if sparse:
            raise ValueError("InputLayer: sparse=True is not supported by torkeras; pass a dense array.")
        if ragged:
            raise ValueError("InputLayer: ragged=True (a tf.keras ragged input) is not supported by "
                             "torkeras; pass dense, padded arrays.")
        if optional:
            raise ValueError("InputLayer: optional=True (a Keras 3 optional input) is not supported "
                             "by torkeras.")
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError("InputLayer %r: pass `input_shape` or `batch_input_shape`." % (name,))
            batch_input_shape = (batch_size,) + _shape_tuple(input_shape)
        if name is None:
            from .. import backend as K
            name = "input_%d" % K.get_uid("input")
        super(InputLayer, self).__init__(name=name, dtype=dtype,
                                         batch_input_shape=batch_input_shape, **kwargs)
        self.sparse = False
        self.built = True
        self._keras_input_shape = self.batch_input_shape
        self._keras_output_shape = self.batch_input_shape

    def get_config(self):
        return {"batch_input_shape": list(self.batch_input_shape), "dtype": self.dtype,
                "sparse": self.sparse, "name": self.name}


def __getattr__(name):
    # Keras 2.2.4 defined Input here and imported Node; torkeras keeps both in engine/network.py,
    # which imports this module, so they load on first use.
    if name in ("Input", "Node"):
        from . import network
        return getattr(network, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
