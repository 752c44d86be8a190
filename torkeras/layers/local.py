"""Locally-connected layers (Keras 2.2.4 ``keras/layers/local.py``): convolutions whose weights
are not shared between positions.

Weights keep Keras 2.2.4's layout, so files load unchanged:

* LocallyConnected1D: kernel ``(output_length, kernel_size * input_dim, filters)``, bias
  ``(output_length, filters)``; each patch is flattened in ``(kernel_position, channel)`` order.
* LocallyConnected2D: kernel ``(output_rows * output_cols, kh * kw * input_channels, filters)``
  (rows of the kernel run over output positions row by row), bias ``(output_rows, output_cols,
  filters)``. A patch is flattened as ``(kh, kw, channels)`` for channels_last data and as
  ``(channels, kh, kw)`` for channels_first data (the order Keras's ``local_conv2d`` reads it).
  With channels_first data Keras adds the bias array *reshaped* (not transposed) to
  ``(filters, rows, cols)``; torkeras does the same so saved models give the same numbers.
"""
from ..backend._ops_conv import local_matmul, local_patches
from ._common import kernel_bias_config, set_kernel_bias_options
from ..engine.base_layer import InputSpec, Layer
from ..legacy import keras1
from .pooling import _normalize_data_format, _normalize_padding, _normalize_tuple, conv_output_length

__all__ = ["LocallyConnected1D", "LocallyConnected2D"]


def _positive_int(layer, name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("`%s`: `%s` must be a positive integer. Received: %s=%r"
                         % (layer, name, name, value))
    return value


class _LocallyConnected(Layer):
    _rank = None

    def __init__(self, filters, kernel_size, strides, padding, data_format, activation, use_bias,
                 kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                 activity_regularizer, kernel_constraint, bias_constraint, **kwargs):
        cls = self.__class__.__name__
        # tf.keras's ``implementation`` (absent from Keras 2.2.4): 1 is Keras 2.2.4's algorithm and
        # weight layout; 2 and 3 store other layouts and are rejected.
        implementation = kwargs.pop("implementation", 1)
        if implementation != 1:
            raise ValueError("`%s`: only implementation=1 (Keras 2.2.4's weight layout) is "
                             "supported. Received: implementation=%r" % (cls, implementation))
        super(_LocallyConnected, self).__init__(**kwargs)
        self.filters = _positive_int(cls, "filters", filters)
        self.kernel_size = _normalize_tuple(cls, "kernel_size", kernel_size, self._rank)
        self.strides = _normalize_tuple(cls, "strides", strides, self._rank)
        if not isinstance(padding, str) or padding.lower() != "valid":
            raise ValueError("`%s`: only padding='valid' is supported (as in Keras 2.2.4). "
                             "Received: padding=%r" % (cls, padding))
        self.padding = _normalize_padding(cls, padding)
        self.data_format = _normalize_data_format(cls, data_format)
        set_kernel_bias_options(self, activation, use_bias, kernel_initializer, bias_initializer,
                                kernel_regularizer, bias_regularizer, activity_regularizer,
                                kernel_constraint, bias_constraint)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _make_weights(self, kernel_shape, bias_shape):
        self.kernel_shape = kernel_shape
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape,
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=bias_shape,
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None

    def _check_length(self, input_shape, n, i):
        if n is not None and n < self.kernel_size[i]:
            raise ValueError("`%s` layer %r: input shape %s is smaller than kernel_size=%r."
                             % (self.__class__.__name__, self.name, tuple(input_shape),
                                self.kernel_size))

    def _base_config(self):
        return {
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
        }

    def _tail_config(self):
        return kernel_bias_config(self)


class LocallyConnected1D(_LocallyConnected):
    """Locally-connected layer for 1D inputs: like Conv1D, but with unshared weights.

    Args:
        filters: number of output filters.
        kernel_size: integer or tuple of 1 integer, length of the window.
        strides: integer or tuple of 1 integer, stride of the window.
        padding: only ``'valid'`` (as in Keras 2.2.4).
        data_format: only channels_last (``(batch, steps, channels)``) data: Keras 2.2.4 always
            read it that way and does not save the argument; ``'channels_first'`` is rejected.
        activation: activation function (default linear).
        use_bias: whether to add a bias per output position and filter.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: as for Dense.

    Weights:
        kernel ``(output_length, kernel_size * input_dim, filters)``, bias
        ``(output_length, filters)``.

    Input shape:
        3D tensor ``(batch, steps, input_dim)`` with known ``steps``.

    Output shape:
        3D tensor ``(batch, new_steps, filters)``.

    Example:
        >>> model.add(LocallyConnected1D(64, 3, input_shape=(10, 32)))   # -> (None, 8, 64)
    """
    _rank = 1

    @keras1.legacy_interface("LocallyConnected1D")
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        if data_format is not None and data_format != "channels_last":
            raise ValueError("`LocallyConnected1D`: Keras 2.2.4 reads its input as (batch, steps, "
                             "channels) whatever data_format says; only data_format=None or "
                             "'channels_last' is accepted. Received: data_format=%r"
                             % (data_format,))
        super(LocallyConnected1D, self).__init__(
            filters, kernel_size, strides, padding, "channels_last", activation, use_bias,
            kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint, **kwargs)

    def build(self, input_shape):
        input_dim = input_shape[2]
        if input_dim is None or input_shape[1] is None:
            raise ValueError("`LocallyConnected1D` layer %r: the steps and channel axes of the "
                             "input must be known. Found shape: %s" % (self.name,
                                                                      tuple(input_shape)))
        self._check_length(input_shape, input_shape[1], 0)
        length = conv_output_length(input_shape[1], self.kernel_size[0], self.padding,
                                    self.strides[0])
        self._make_weights((length, self.kernel_size[0] * input_dim, self.filters),
                           (length, self.filters))
        self.input_spec = InputSpec(ndim=3, axes={2: input_dim})
        self.built = True

    def compute_output_shape(self, input_shape):
        length = conv_output_length(input_shape[1], self.kernel_size[0], self.padding,
                                    self.strides[0])
        return (input_shape[0], length, self.filters)

    def call(self, inputs):
        patches = local_patches(inputs, self.kernel_size, self.strides, (self.kernel.shape[0],),
                                True)
        out = local_matmul(patches, self.kernel)
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out)

    def get_config(self):
        config = self._base_config()
        config.update(self._tail_config())
        base = super(LocallyConnected1D, self).get_config()
        base.update(config)
        return base


class LocallyConnected2D(_LocallyConnected):
    """Locally-connected layer for 2D inputs: like Conv2D, but with unshared weights.

    Args:
        filters: number of output filters.
        kernel_size: integer or tuple of 2 integers, height and width of the window.
        strides: integer or tuple of 2 integers.
        padding: only ``'valid'`` (as in Keras 2.2.4).
        data_format: ``'channels_last'`` or ``'channels_first'`` (default
            ``K.image_data_format()``).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as for Conv2D.

    Weights:
        kernel ``(out_rows * out_cols, kh * kw * channels, filters)`` (patch order: see the module
        docstring), bias ``(out_rows, out_cols, filters)``.

    Input shape:
        4D tensor ``(batch, rows, cols, channels)`` (channels_last) or ``(batch, channels, rows,
        cols)`` (channels_first), with known rows and cols.

    Output shape:
        4D tensor ``(batch, new_rows, new_cols, filters)`` or ``(batch, filters, new_rows,
        new_cols)``.

    Example:
        >>> model.add(LocallyConnected2D(64, (3, 3), input_shape=(32, 32, 3)))  # -> (None, 30, 30, 64)
    """
    _rank = 2

    @keras1.legacy_interface("LocallyConnected2D")
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super(LocallyConnected2D, self).__init__(
            filters, kernel_size, strides, padding, data_format, activation, use_bias,
            kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint, **kwargs)

    def _dims(self, input_shape):
        if self.data_format == "channels_last":
            return input_shape[1], input_shape[2], input_shape[3]
        return input_shape[2], input_shape[3], input_shape[1]

    def build(self, input_shape):
        rows, cols, channels = self._dims(input_shape)
        if rows is None or cols is None or channels is None:
            raise ValueError("`LocallyConnected2D` layer %r: the spatial and channel axes of the "
                             "input should be fully defined, but the layer received the input "
                             "shape %s" % (self.name, tuple(input_shape)))
        self._check_length(input_shape, rows, 0)
        self._check_length(input_shape, cols, 1)
        self.output_row = conv_output_length(rows, self.kernel_size[0], self.padding,
                                             self.strides[0])
        self.output_col = conv_output_length(cols, self.kernel_size[1], self.padding,
                                             self.strides[1])
        self._make_weights((self.output_row * self.output_col,
                            self.kernel_size[0] * self.kernel_size[1] * channels, self.filters),
                           (self.output_row, self.output_col, self.filters))
        axis = -1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(ndim=4, axes={axis: channels})
        self.built = True

    def compute_output_shape(self, input_shape):
        rows, cols, _ = self._dims(input_shape)
        rows = conv_output_length(rows, self.kernel_size[0], self.padding, self.strides[0])
        cols = conv_output_length(cols, self.kernel_size[1], self.padding, self.strides[1])
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters, rows, cols)
        return (input_shape[0], rows, cols, self.filters)

    def call(self, inputs):
        oh, ow = self.output_row, self.output_col
        patches = local_patches(inputs, self.kernel_size, self.strides, (oh, ow),
                                self.data_format == "channels_last")
        out = local_matmul(patches, self.kernel).reshape(inputs.shape[0], oh, ow, self.filters)
        if self.data_format == "channels_first":
            out = out.permute(0, 3, 1, 2)
            if self.bias is not None:
                # Keras (2.2.4 and tf.keras) *reshapes* the (rows, cols, filters) bias to
                # (filters, rows, cols) here, it does not transpose it: kept for identical numbers.
                out = out + self.bias.reshape(self.filters, oh, ow)
        elif self.bias is not None:
            out = out + self.bias
        return self.activation(out)

    def get_config(self):
        config = self._base_config()
        config["data_format"] = self.data_format
        config.update(self._tail_config())
        base = super(LocallyConnected2D, self).get_config()
        base.update(config)
        return base


def _builtin_objects():
    return [(LocallyConnected1D, "LocallyConnected1D", ()),
            (LocallyConnected2D, "LocallyConnected2D", ())]
