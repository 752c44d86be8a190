"""Transposed convolutions: Conv2DTranspose and Conv3DTranspose.

Private module: the public home of these layers is :mod:`torkeras.layers.convolutional`.
"""
from ..backend._ops_conv import conv_transpose_channels_first, transpose_plan
from ..legacy import keras1
from ._conv_base import (_Conv, _from_torch, _int_tuple, _kernel_to_torch, _only_one_group,
                         _to_torch, deconv_length)


class _ConvTranspose(_Conv):
    """Transposed convolution: the gradient of a TF convolution whose input has the output's size."""

    def _init_transpose(self, output_padding):
        cls = self.__class__.__name__
        _only_one_group(cls, self.groups)
        if output_padding is not None:
            output_padding = _int_tuple(cls, "output_padding", output_padding, self.rank, minimum=0)
            for s, d, p in zip(self.strides, self.dilation_rate, output_padding):
                if p >= max(s, d):
                    raise ValueError("`%s`: each `output_padding` must be smaller than its stride. "
                                     "Received: output_padding=%r, strides=%r"
                                     % (cls, output_padding, self.strides))
        self.output_padding = output_padding

    def _kernel_shape(self, input_dim):
        return self.kernel_size + (self.filters, input_dim)

    def _out_lengths(self, spatial):
        pads = self.output_padding or (None,) * self.rank
        return [deconv_length(n, s, k, self.padding, p, d) for n, s, k, p, d in
                zip(spatial, self.strides, self.kernel_size, pads, self.dilation_rate)]

    def compute_output_shape(self, input_shape):
        return self._with_spatial(input_shape, self._out_lengths(self._spatial(input_shape)),
                                  self.filters)

    def _plan(self, spatial):
        """How torch computes TF's transposed convolution for this input size (cached)."""
        found = self._pad_cache.get(spatial)
        if found is None:
            found = transpose_plan(spatial, self._out_lengths(spatial), self.kernel_size,
                                   self.strides, self.dilation_rate, self.padding)
            self._pad_cache[spatial] = found
        return found

    def call(self, inputs):
        x = _to_torch(inputs, self.rank, self._channels_last)
        y = conv_transpose_channels_first(x, _kernel_to_torch(self.kernel, self.rank), self.bias,
                                          self.strides, self.dilation_rate,
                                          self._plan(tuple(x.shape[2:])))
        return _from_torch(self._finish(y), self.rank, self._channels_last)

    def get_config(self):
        config = super(_ConvTranspose, self).get_config()
        config["output_padding"] = self.output_padding
        return config


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2D convolution ("deconvolution"), Keras/TensorFlow output-size rules.

    Args:
        filters: positive integer, number of output channels.
        kernel_size: integer or tuple of 2 integers.
        strides: integer or tuple of 2 integers.
        padding: ``'valid'`` or ``'same'``. Output size: valid ``in * s + max(k - s, 0)``, same
            ``in * s``; with ``output_padding`` ``(in - 1) * s + k - 2 * pad + output_padding``
            (pad = k // 2 for same). 'same' crops ``(k - s) // 2`` at the start, as TensorFlow does.
        output_padding: None, or integer / tuple of 2 integers smaller than the strides.
        data_format, dilation_rate, activation, use_bias, initializers, regularizers,
        constraints: as for Conv2D.

    Input shape:
        4D tensor ``(batch, rows, cols, channels)`` (or channels_first).

    Output shape:
        4D tensor ``(batch, new_rows, new_cols, filters)``; kernel ``(kh, kw, filters, channels)``.

    Example:
        >>> model.add(Conv2DTranspose(16, 3, strides=2, padding='same', input_shape=(7, 7, 32)))
    """

    @keras1.legacy_interface("Conv2DTranspose")
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv2DTranspose, self).__init__(
            2, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)
        self._init_transpose(output_padding)


class Conv3DTranspose(_ConvTranspose):
    """Transposed 3D convolution, Keras/TensorFlow output-size rules (see Conv2DTranspose).

    Args:
        filters: positive integer, number of output channels.
        kernel_size, strides: integer or tuple of 3 integers.
        padding: ``'valid'`` or ``'same'``.
        output_padding: None, or integer / tuple of 3 integers smaller than the strides.
        data_format, activation, use_bias, initializers, regularizers, constraints: as for Conv3D.
        dilation_rate: accepted from tf.keras files (Keras 2.2.4 has no such argument here and
            omits it from the config; written only when it is not 1).

    Input shape:
        5D tensor ``(batch, d1, d2, d3, channels)`` (or channels_first).

    Output shape:
        5D tensor ``(batch, new_d1, new_d2, new_d3, filters)``; kernel ``(k1, k2, k3, filters, channels)``.

    Example:
        >>> model.add(Conv3DTranspose(4, 3, strides=2, input_shape=(4, 4, 4, 8)))
    """

    @keras1.legacy_interface("Conv3DTranspose")
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", output_padding=None,
                 data_format=None, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 dilation_rate=(1, 1, 1), **kwargs):
        super(Conv3DTranspose, self).__init__(
            3, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)
        self._init_transpose(output_padding)

    def get_config(self):
        config = super(Conv3DTranspose, self).get_config()
        if config.get("dilation_rate") == (1, 1, 1):
            del config["dilation_rate"]
        return config
