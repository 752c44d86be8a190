"""Convolution layers (Keras 2.2.4 ``keras/layers/convolutional.py`` behaviour).

Conv1D/2D/3D, Conv2DTranspose/Conv3DTranspose, SeparableConv1D/2D, DepthwiseConv2D, UpSampling1D/2D/3D,
ZeroPadding1D/2D/3D and Cropping1D/2D/3D, with Keras's other names for them.

Weights stay in Keras layout (Conv2D kernel ``(kh, kw, in, out)``, transposed kernels
``(kh, kw, out, in)``, depthwise kernels ``(kh, kw, in, depth_multiplier)`` whose output channel
``i * depth_multiplier + m`` reads input channel ``i``); each call takes a permuted view for torch.
Channels-last data (the default) is handed to torch as a permuted view, which torch runs in its
channels_last memory format, and the result is permuted back: no copies between layers.

``'same'`` padding is TensorFlow's: ``ceil(in / stride)`` outputs, the odd padding pixel at the end
(bottom/right). Where that is asymmetric the input is padded explicitly for its size.
"""

import numpy as np
import torch
import torch.nn.functional as F

from .. import activations, backend as K, constraints, initializers, regularizers
from ._common import kernel_bias_config, set_kernel_bias_options
from ..engine.base_layer import InputSpec, Layer
from ..legacy import keras1

__all__ = [
    "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv1D",
    "SeparableConv2D", "DepthwiseConv2D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D",
    "Convolution1D", "Convolution2D", "Convolution3D", "SeparableConvolution1D",
    "SeparableConvolution2D", "Convolution2DTranspose", "Deconvolution2D", "Deconv2D",
    "Deconvolution3D", "Deconv3D",
]

_CONV_FN = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T_FN = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


# ---------------------------------------------------------------------------- argument checks
def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _positive_int(layer, name, value):
    if not _is_int(value) or value <= 0:
        raise ValueError("`%s`: `%s` must be a positive integer. Received: %s=%r"
                         % (layer, name, name, value))
    return int(value)


def _int_tuple(layer, name, value, n, minimum=1):
    """An int or n ints (each >= minimum) -> tuple of n ints."""
    what = "an integer >= %d or a tuple/list of %d such integers" % (minimum, n)
    if _is_int(value):
        values = (int(value),) * n
    elif isinstance(value, (tuple, list)):
        if len(value) != n or not all(_is_int(v) for v in value):
            raise ValueError("`%s`: `%s` must be %s. Received: %s=%r" % (layer, name, what, name, value))
        values = tuple(int(v) for v in value)
    else:
        raise TypeError("`%s`: `%s` must be %s. Received: %s=%r" % (layer, name, what, name, value))
    if any(v < minimum for v in values):
        raise ValueError("`%s`: `%s` must be %s. Received: %s=%r" % (layer, name, what, name, value))
    return values


def _padding_arg(layer, value, allowed):
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError("`%s`: `padding` must be one of %s. Received: padding=%r"
                         % (layer, ", ".join(repr(a) for a in allowed), value))
    return value.lower()


def _data_format_arg(layer, value):
    if value is None:
        value = K.image_data_format()
    if value not in ("channels_last", "channels_first"):
        raise ValueError("`%s`: `data_format` must be 'channels_last' or 'channels_first'. "
                         "Received: data_format=%r" % (layer, value))
    return value


def _pair_tuple(layer, name, value, n):
    """Per-axis (before, after) pairs: an int, n ints (symmetric) or n pairs -> n pairs of ints >= 0."""
    what = ("an integer, a tuple of %d integers, or a tuple of %d (before, after) pairs of "
            "non-negative integers" % (n, n))
    if _is_int(value):
        pairs = ((int(value), int(value)),) * n
    elif isinstance(value, (tuple, list)) and len(value) == n:
        pairs = []
        for v in value:
            if _is_int(v):
                pairs.append((int(v), int(v)))
            elif isinstance(v, (tuple, list)) and len(v) == 2 and all(_is_int(u) for u in v):
                pairs.append((int(v[0]), int(v[1])))
            else:
                raise ValueError("`%s`: `%s` must be %s. Received: %s=%r" % (layer, name, what, name, value))
        pairs = tuple(pairs)
    else:
        raise ValueError("`%s`: `%s` must be %s. Received: %s=%r" % (layer, name, what, name, value))
    if any(v < 0 for p in pairs for v in p):
        raise ValueError("`%s`: `%s` must be %s. Received: %s=%r" % (layer, name, what, name, value))
    return pairs


# ---------------------------------------------------------------------------- shape arithmetic
def conv_output_length(length, kernel, padding, stride, dilation=1):
    """Output length of a convolution (Keras ``conv_utils.conv_output_length``)."""
    if length is None:
        return None
    k = (kernel - 1) * dilation + 1
    if padding in ("same", "causal"):
        out = length
    else:
        out = length - k + 1
    return (out + stride - 1) // stride


def deconv_length(length, stride, kernel, padding, output_padding, dilation=1):
    """Output length of a transposed convolution (Keras ``conv_utils.deconv_length``)."""
    if length is None:
        return None
    k = (kernel - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(k - stride, 0)
        return length * stride
    pad = k // 2 if padding == "same" else 0
    return (length - 1) * stride + k - 2 * pad + output_padding


def _same_pads(length, kernel, stride, dilation):
    """TensorFlow 'SAME': (before, after) padding, the odd pixel after."""
    k = (kernel - 1) * dilation + 1
    out = -(-length // stride)
    total = max((out - 1) * stride + k - length, 0)
    return total // 2, total - total // 2


def _to_torch(x, rank, channels_last):
    """NHWC (or NCHW) tensor -> NCHW view (channels_last memory format when the data is NHWC)."""
    if channels_last:
        return x.permute(0, rank + 1, *range(1, rank + 1))
    return x


def _from_torch(y, rank, channels_last):
    if channels_last:
        return y.permute(0, *range(2, rank + 2), 1)
    return y


def _kernel_to_torch(kernel, rank):
    """Keras ``(k..., a, b)`` -> torch ``(b, a, k...)`` (a permuted view)."""
    return kernel.permute(rank + 1, rank, *range(rank))


def _check_strides_dilation(layer, strides, dilation):
    if any(s != 1 for s in strides) and any(d != 1 for d in dilation):
        raise ValueError("`%s`: `strides` > 1 together with `dilation_rate` > 1 is not supported (Keras "
                         "and TensorFlow reject it). Received: strides=%r, dilation_rate=%r"
                         % (layer, strides, dilation))


# ---------------------------------------------------------------------------- convolutions
class _Conv(Layer):
    """Base of the n-D convolutions: argument checks, padding, bias and activation."""

    _transposed = False

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, groups=1,
                 _allowed_padding=("valid", "same"), **kwargs):
        super(_Conv, self).__init__(**kwargs)
        cls = self.__class__.__name__
        self.rank = rank
        self.filters = None if filters is None else _positive_int(cls, "filters", filters)
        self.kernel_size = _int_tuple(cls, "kernel_size", kernel_size, rank)
        self.strides = _int_tuple(cls, "strides", strides, rank)
        self.padding = _padding_arg(cls, padding, _allowed_padding)
        self.data_format = _data_format_arg(cls, data_format)
        self.dilation_rate = _int_tuple(cls, "dilation_rate", dilation_rate, rank)
        _check_strides_dilation(cls, self.strides, self.dilation_rate)
        self.groups = _positive_int(cls, "groups", groups)
        if self.filters is not None and self.filters % self.groups:
            raise ValueError("`%s`: `filters` must be a multiple of `groups`. Received: filters=%d, "
                             "groups=%d" % (cls, self.filters, self.groups))
        set_kernel_bias_options(self, activation, use_bias, kernel_initializer, bias_initializer,
                                kernel_regularizer, bias_regularizer, activity_regularizer,
                                kernel_constraint, bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)
        self._channels_last = self.data_format == "channels_last"
        self._relu = self.activation is activations.relu
        self._linear = self.activation is activations.linear
        self._pad_cache = {}

    # -- shapes
    def _channel_axis(self):
        return -1 if self._channels_last else 1

    def _input_channels(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError("Input 0 is incompatible with layer %s: expected ndim=%d, found ndim=%d "
                             "(input shape %s)" % (self.name, self.rank + 2, len(input_shape),
                                                   tuple(input_shape)))
        dim = input_shape[self._channel_axis()]
        if dim is None:
            raise ValueError("`%s` layer %r: the channel dimension of the inputs should be defined. "
                             "Found `None` (input shape %s)." % (self.__class__.__name__, self.name,
                                                                 tuple(input_shape)))
        return int(dim)

    def _spatial(self, input_shape):
        return tuple(input_shape[1:-1]) if self._channels_last else tuple(input_shape[2:])

    def _with_spatial(self, input_shape, space, channels):
        if self._channels_last:
            return (input_shape[0],) + tuple(space) + (channels,)
        return (input_shape[0], channels) + tuple(space)

    def compute_output_shape(self, input_shape):
        space = [conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                 zip(self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate)]
        return self._with_spatial(input_shape, space, self._out_channels(input_shape))

    def _out_channels(self, input_shape):
        return self.filters

    def _check_output_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        if any(d is not None and d <= 0 for d in out[1:]):
            raise ValueError("`%s` layer %r: input shape %s is too small for kernel_size=%r, "
                             "dilation_rate=%r, padding=%r (output shape would be %s)."
                             % (self.__class__.__name__, self.name, tuple(input_shape),
                                self.kernel_size, self.dilation_rate, self.padding, out))

    # -- weights
    def build(self, input_shape):
        input_dim = self._input_channels(input_shape)
        if input_dim % self.groups:
            raise ValueError("`%s` layer %r: the number of input channels (%d) must be a multiple of "
                             "`groups` (%d)." % (self.__class__.__name__, self.name, input_dim,
                                                 self.groups))
        self._check_output_shape(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self._kernel_shape(input_dim),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): input_dim})
        self.built = True

    def _kernel_shape(self, input_dim):
        return self.kernel_size + (input_dim // self.groups, self.filters)

    def _add_bias(self, size):
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(size,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None

    # -- math
    def _padding_for(self, spatial):
        """(torch padding argument, explicit F.pad list or None) for this input size."""
        found = self._pad_cache.get(spatial)
        if found is not None:
            return found
        if self.padding == "valid":
            found = (0, None)
        elif self.padding == "causal":
            found = (0, [(self.kernel_size[0] - 1) * self.dilation_rate[0], 0])
        else:
            pads = [_same_pads(n, k, s, d) for n, k, s, d in
                    zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
            if all(a == b for a, b in pads):
                found = (tuple(a for a, _ in pads), None)
            else:
                flat = []
                for a, b in reversed(pads):
                    flat.extend((a, b))
                found = (0, flat)
        self._pad_cache[spatial] = found
        return found

    def _finish(self, y):
        """Activation (in place for relu: the conv output is not needed by its backward)."""
        if self._linear:
            return y
        if self._relu:
            return torch.relu_(y)
        return self.activation(y)

    def _torch_kernel(self):
        return _kernel_to_torch(self.kernel, self.rank)

    def call(self, inputs):
        x = _to_torch(inputs, self.rank, self._channels_last)
        padding, explicit = self._padding_for(tuple(x.shape[2:]))
        if explicit is not None:
            x = F.pad(x, explicit)
        y = _CONV_FN[self.rank](x, self._torch_kernel(), self.bias, self.strides, padding,
                                self.dilation_rate, self.groups)
        return _from_torch(self._finish(y), self.rank, self._channels_last)

    # -- config
    def get_config(self):
        config = {
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
        }
        config.update(kernel_bias_config(self))
        if self.groups != 1:   # tf.keras's grouped convolution; absent from Keras 2.2.4 configs
            config["groups"] = self.groups
        base = super(_Conv, self).get_config()
        base.update(config)
        return base


def _only_one_group(layer, groups):
    if groups != 1:
        raise ValueError("`%s`: only `groups=1` is supported (tf.keras writes `groups` into every "
                         "convolution config; grouped convolutions exist for Conv1D/2D/3D). "
                         "Received: groups=%r" % (layer, groups))


class Conv1D(_Conv):
    """1D convolution over a sequence (temporal convolution).

    Args:
        filters: positive integer, number of output channels.
        kernel_size: integer or tuple of 1 integer, length of the convolution window.
        strides: integer or tuple of 1 integer, stride of the window.
        padding: ``'valid'``, ``'same'`` (TensorFlow's rule) or ``'causal'`` (left padding so
            that ``output[t]`` does not depend on ``input[t + 1:]``; channels_last only).
        data_format: ``'channels_last'`` (default: ``(batch, steps, channels)``) or
            ``'channels_first'``.
        dilation_rate: integer or tuple of 1 integer; > 1 requires strides 1.
        activation: activation function or name (default linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers (default glorot_uniform, zeros).
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
        groups: tf.keras grouped convolution (input and output channels divisible by it).

    Input shape:
        3D tensor ``(batch, steps, channels)`` (channels_first: ``(batch, channels, steps)``).

    Output shape:
        3D tensor ``(batch, new_steps, filters)``; kernel of shape ``(kernel_size, channels, filters)``.

    Example:
        >>> model.add(Conv1D(32, 3, padding='causal', input_shape=(100, 8)))
    """

    @keras1.legacy_interface("Conv1D")
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        if padding == "causal" and data_format != "channels_last":
            raise ValueError("`Conv1D`: causal padding needs `data_format='channels_last'` (temporal "
                             "data). Received: data_format=%r" % (data_format,))
        super(Conv1D, self).__init__(
            1, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, _allowed_padding=("valid", "same", "causal"), **kwargs)


class Conv2D(_Conv):
    """2D convolution over images.

    Args:
        filters: positive integer, number of output channels.
        kernel_size: integer or tuple of 2 integers (height, width) of the window.
        strides: integer or tuple of 2 integers.
        padding: ``'valid'`` or ``'same'`` (TensorFlow's rule: the odd padding pixel goes to the
            bottom/right).
        data_format: ``'channels_last'`` ``(batch, rows, cols, channels)`` or ``'channels_first'``;
            default ``K.image_data_format()``.
        dilation_rate: integer or tuple of 2 integers; > 1 requires strides 1.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as for Conv1D.
        groups: tf.keras grouped convolution.

    Input shape:
        4D tensor ``(batch, rows, cols, channels)`` (channels_first: ``(batch, channels, rows, cols)``).

    Output shape:
        4D tensor ``(batch, new_rows, new_cols, filters)``; kernel ``(kh, kw, channels, filters)``.

    Example:
        >>> model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
    """

    @keras1.legacy_interface("Conv2D")
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv2D, self).__init__(
            2, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)


class Conv3D(_Conv):
    """3D convolution over volumes.

    Args:
        filters: positive integer, number of output channels.
        kernel_size: integer or tuple of 3 integers (depth, height, width).
        strides, padding, data_format, dilation_rate, activation, use_bias, initializers,
        regularizers, constraints, groups: as for Conv2D, with 3 spatial axes.

    Input shape:
        5D tensor ``(batch, d1, d2, d3, channels)`` (channels_first: ``(batch, channels, d1, d2, d3)``).

    Output shape:
        5D tensor ``(batch, new_d1, new_d2, new_d3, filters)``; kernel ``(k1, k2, k3, channels, filters)``.

    Example:
        >>> model.add(Conv3D(8, 3, input_shape=(16, 16, 16, 1)))
    """

    @keras1.legacy_interface("Conv3D")
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv3D, self).__init__(
            3, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)


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
        """Per axis: (torch padding, torch output_padding, crop start, crop length, end zeros)."""
        found = self._pad_cache.get(spatial)
        if found is not None:
            return found
        torch_pad, torch_outpad, crops = [], [], []
        exact = True
        for n, out, k, s, d in zip(spatial, self._out_lengths(spatial), self.kernel_size,
                                   self.strides, self.dilation_rate):
            full = (n - 1) * s + (k - 1) * d + 1
            start = _same_pads(out, k, s, d)[0] if self.padding == "same" else 0
            extra = out - (full - 2 * start)
            if 0 <= extra < max(s, d):
                torch_pad.append(start)
                torch_outpad.append(extra)
            else:
                exact = False
            crops.append((start, out, full))
        found = (tuple(torch_pad), tuple(torch_outpad)) if exact else (None, crops)
        self._pad_cache[spatial] = found
        return found

    def call(self, inputs):
        x = _to_torch(inputs, self.rank, self._channels_last)
        pad, second = self._plan(tuple(x.shape[2:]))
        fn = _CONV_T_FN[self.rank]
        kernel = _kernel_to_torch(self.kernel, self.rank)
        if pad is not None:
            y = fn(x, kernel, self.bias, self.strides, pad, second, 1, self.dilation_rate)
            return _from_torch(self._finish(y), self.rank, self._channels_last)
        y = fn(x, kernel, None, self.strides, 0, 0, 1, self.dilation_rate)
        for axis, (start, out, full) in enumerate(second):
            stop = min(start + out, full)
            y = y.narrow(axis + 2, start, stop - start)
            if start + out > full:
                widths = [0, 0] * (self.rank - 1 - axis) + [0, start + out - full]
                y = F.pad(y, widths)
        if self.bias is not None:
            y = y + self.bias.view((1, -1) + (1,) * self.rank)
        y = y if self._linear else self.activation(y)
        return _from_torch(y, self.rank, self._channels_last)

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


def _depthwise_to_torch(kernel, rank):
    """Keras ``(k..., in, dm)`` -> torch ``(in * dm, 1, k...)``; channel ``i * dm + m`` (TF order)."""
    flat = kernel.reshape(kernel.shape[:rank] + (-1,))
    return flat.permute(rank, *range(rank)).unsqueeze(1)


class _DepthwiseMixin(object):
    def _init_depthwise(self, depth_multiplier, depthwise_initializer, depthwise_regularizer,
                        depthwise_constraint):
        cls = self.__class__.__name__
        _only_one_group(cls, self.groups)
        self.depth_multiplier = _positive_int(cls, "depth_multiplier", depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def _add_depthwise(self, input_dim):
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (input_dim, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)

    def _depthwise(self, inputs, bias):
        x = _to_torch(inputs, self.rank, self._channels_last)
        padding, explicit = self._padding_for(tuple(x.shape[2:]))
        if explicit is not None:
            x = F.pad(x, explicit)
        return _CONV_FN[self.rank](x, _depthwise_to_torch(self.depthwise_kernel, self.rank), bias,
                                   self.strides, padding, self.dilation_rate, x.shape[1])

    def _depthwise_config(self, config):
        for key in ("kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            del config[key]
        config["depth_multiplier"] = self.depth_multiplier
        config["depthwise_initializer"] = initializers.serialize(self.depthwise_initializer)
        config["depthwise_regularizer"] = regularizers.serialize(self.depthwise_regularizer)
        config["depthwise_constraint"] = constraints.serialize(self.depthwise_constraint)
        return config


class _SeparableConv(_DepthwiseMixin, _Conv):
    """Depthwise convolution (strides, padding, dilation) followed by a 1x1 pointwise convolution."""

    def __init__(self, rank, filters, kernel_size, strides, padding, data_format, dilation_rate,
                 depth_multiplier, activation, use_bias, depthwise_initializer, pointwise_initializer,
                 bias_initializer, depthwise_regularizer, pointwise_regularizer, bias_regularizer,
                 activity_regularizer, depthwise_constraint, pointwise_constraint, bias_constraint,
                 allowed_padding=("valid", "same"), **kwargs):
        super(_SeparableConv, self).__init__(
            rank, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, bias_constraint=bias_constraint,
            _allowed_padding=allowed_padding, **kwargs)
        self._init_depthwise(depth_multiplier, depthwise_initializer, depthwise_regularizer,
                             depthwise_constraint)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        input_dim = self._input_channels(input_shape)
        self._check_output_shape(input_shape)
        self._add_depthwise(input_dim)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (input_dim * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): input_dim})
        self.built = True

    def call(self, inputs):
        y = self._depthwise(inputs, None)
        y = _CONV_FN[self.rank](y, _kernel_to_torch(self.pointwise_kernel, self.rank), self.bias)
        return _from_torch(self._finish(y), self.rank, self._channels_last)

    def get_config(self):
        config = self._depthwise_config(super(_SeparableConv, self).get_config())
        config["pointwise_initializer"] = initializers.serialize(self.pointwise_initializer)
        config["pointwise_regularizer"] = regularizers.serialize(self.pointwise_regularizer)
        config["pointwise_constraint"] = constraints.serialize(self.pointwise_constraint)
        return config


_SEPARABLE_DOC = """Depthwise separable {rank}D convolution: a depthwise convolution, then a 1x1 one.

    Args:
        filters: positive integer, number of output channels.
        kernel_size, strides, dilation_rate: integer or tuple of {rank} integers (the depthwise
            step's window, stride and dilation).
        padding: {padding}.
        data_format: {data_format}.
        depth_multiplier: depthwise output channels per input channel.
        activation, use_bias: as for Conv{rank}D.
        depthwise_initializer, pointwise_initializer, bias_initializer: initializers.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer.
        depthwise_constraint, pointwise_constraint, bias_constraint.

    Input shape:
        {ndim}D tensor ``(batch, {axes}, channels)`` (or channels_first).

    Output shape:
        {ndim}D tensor ``(batch, {new_axes}, filters)``. Weights: depthwise_kernel
        ``({kernel}, channels, depth_multiplier)``, pointwise_kernel ``({ones}, channels *
        depth_multiplier, filters)``, bias ``(filters,)``.

    Example:
        >>> {example}
    """


class SeparableConv1D(_SeparableConv):
    __doc__ = _SEPARABLE_DOC.format(
        rank=1, padding="``'valid'``, ``'same'`` or ``'causal'``",
        data_format="``'channels_last'`` (default) or ``'channels_first'``", ndim=3, axes="steps",
        new_axes="new_steps", kernel="k", ones="1",
        example="model.add(SeparableConv1D(16, 3, depth_multiplier=2, input_shape=(20, 4)))")

    @keras1.legacy_interface("SeparableConv1D")
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        if padding == "causal" and data_format != "channels_last":
            raise ValueError("`SeparableConv1D`: causal padding needs `data_format='channels_last'`. "
                             "Received: data_format=%r" % (data_format,))
        super(SeparableConv1D, self).__init__(
            1, filters, kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier,
            activation, use_bias, depthwise_initializer, pointwise_initializer, bias_initializer,
            depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer,
            depthwise_constraint, pointwise_constraint, bias_constraint,
            allowed_padding=("valid", "same", "causal"), **kwargs)


class SeparableConv2D(_SeparableConv):
    __doc__ = _SEPARABLE_DOC.format(
        rank=2, padding="``'valid'`` or ``'same'``",
        data_format="default ``K.image_data_format()``", ndim=4, axes="rows, cols",
        new_axes="new_rows, new_cols", kernel="kh, kw", ones="1, 1",
        example="model.add(SeparableConv2D(32, (3, 3), input_shape=(28, 28, 3)))")

    @keras1.legacy_interface("SeparableConv2D")
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super(SeparableConv2D, self).__init__(
            2, filters, kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier,
            activation, use_bias, depthwise_initializer, pointwise_initializer, bias_initializer,
            depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer,
            depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


class DepthwiseConv2D(_DepthwiseMixin, _Conv):
    """Depthwise 2D convolution: each input channel convolved with its own ``depth_multiplier`` filters.

    Args:
        kernel_size: integer or tuple of 2 integers.
        strides: integer or tuple of 2 integers.
        padding: ``'valid'`` or ``'same'``.
        depth_multiplier: output channels per input channel; output channel ``i * depth_multiplier
            + m`` comes from input channel ``i``.
        data_format: default ``K.image_data_format()``.
        dilation_rate: integer or tuple of 2 integers (Keras 2.2.4 forwards it to Conv2D).
        activation, use_bias: as for Conv2D.
        depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
        activity_regularizer, depthwise_constraint, bias_constraint.

    Input shape:
        4D tensor ``(batch, rows, cols, channels)`` (or channels_first).

    Output shape:
        4D tensor ``(batch, new_rows, new_cols, channels * depth_multiplier)``; depthwise_kernel
        ``(kh, kw, channels, depth_multiplier)``, bias ``(channels * depth_multiplier,)``.

    Example:
        >>> model.add(DepthwiseConv2D(3, depth_multiplier=2, input_shape=(28, 28, 8)))
    """

    @keras1.legacy_interface("DepthwiseConv2D")
    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, dilation_rate=(1, 1), **kwargs):
        super(DepthwiseConv2D, self).__init__(
            2, None, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        self._init_depthwise(depth_multiplier, depthwise_initializer, depthwise_regularizer,
                             depthwise_constraint)

    def _out_channels(self, input_shape):
        c = input_shape[self._channel_axis()]
        return None if c is None else c * self.depth_multiplier

    def build(self, input_shape):
        input_dim = self._input_channels(input_shape)
        self._check_output_shape(input_shape)
        self._add_depthwise(input_dim)
        self._add_bias(input_dim * self.depth_multiplier)
        self.input_spec = InputSpec(ndim=4, axes={self._channel_axis(): input_dim})
        self.built = True

    def call(self, inputs):
        return _from_torch(self._finish(self._depthwise(inputs, self.bias)), 2, self._channels_last)

    def get_config(self):
        config = self._depthwise_config(super(DepthwiseConv2D, self).get_config())
        del config["filters"]
        return config


# ---------------------------------------------------------------------------- resampling layers
class _Spatial(Layer):
    """Base of UpSampling / ZeroPadding / Cropping: rank, data_format and input spec."""

    def __init__(self, rank, data_format, **kwargs):
        super(_Spatial, self).__init__(**kwargs)
        self.rank = rank
        self.data_format = _data_format_arg(self.__class__.__name__, data_format)
        self._channels_last = self.data_format == "channels_last"
        self.input_spec = InputSpec(ndim=rank + 2)

    def _spatial_axes(self):
        return list(range(1, self.rank + 1)) if self._channels_last else \
            list(range(2, self.rank + 2))

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for i, axis in enumerate(self._spatial_axes()):
            if out[axis] is not None:
                out[axis] = self._new_length(i, out[axis])
        return tuple(out)

    def build(self, input_shape):
        out = self.compute_output_shape(input_shape)
        if any(d is not None and d <= 0 for d in out[1:]):
            raise ValueError("`%s` layer %r: input shape %s leaves nothing (output shape %s)."
                             % (self.__class__.__name__, self.name, tuple(input_shape), out))
        self.built = True

    def get_config(self):
        config = super(_Spatial, self).get_config()
        config["data_format"] = self.data_format
        return config


def _bilinear_weights(n, factor):
    """TF1 ``resize_bilinear`` (align_corners=False, no half-pixel centres), as Keras 2.2.4 calls it:
    source = out * (n / (n * factor)) in float32; lerp between floor and min(floor + 1, n - 1)."""
    scale = np.float32(n) / np.float32(n * factor)
    src = np.arange(n * factor, dtype=np.float32) * scale
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    return torch.from_numpy(lo), torch.from_numpy(hi), torch.from_numpy(src - lo)


class _UpSampling(_Spatial):
    def _new_length(self, i, n):
        return n * self.size[i]

    def call(self, inputs):
        x = inputs
        shape = list(x.shape)
        axes = self._spatial_axes()
        # One copy: view each spatial axis as (n, 1), broadcast to (n, factor), then merge.
        view, expand, final = [], [], []
        for d, n in enumerate(shape):
            if d in axes:
                f = self.size[axes.index(d)]
                view += [n, 1]
                expand += [n, f]
                final.append(n * f)
            else:
                view.append(n)
                expand.append(n)
                final.append(n)
        return x.reshape(view).expand(expand).reshape(final)

    def get_config(self):
        config = super(_UpSampling, self).get_config()
        config["size"] = self.size
        return config


class UpSampling1D(_UpSampling):
    """Repeats each time step ``size`` times.

    Args:
        size: positive integer, upsampling factor.

    Input shape:
        3D tensor ``(batch, steps, features)``.

    Output shape:
        3D tensor ``(batch, steps * size, features)``.

    Example:
        >>> model.add(UpSampling1D(2, input_shape=(10, 4)))
    """

    @keras1.legacy_interface("UpSampling1D")
    def __init__(self, size=2, **kwargs):
        super(UpSampling1D, self).__init__(1, "channels_last", **kwargs)
        self.size = (_positive_int("UpSampling1D", "size", size),)

    def get_config(self):
        config = super(UpSampling1D, self).get_config()
        config["size"] = self.size[0]
        del config["data_format"]
        return config


class UpSampling2D(_UpSampling):
    """Repeats rows and columns (``'nearest'``) or interpolates them (``'bilinear'``).

    Args:
        size: integer or tuple of 2 positive integers (row and column factors).
        data_format: default ``K.image_data_format()``.
        interpolation: ``'nearest'`` or ``'bilinear'``. Bilinear follows Keras 2.2.4 on
            TensorFlow (``tf.image.resize_bilinear``: no half-pixel centres; tf-keras 2.x uses
            half-pixel centres and gives other numbers).

    Input shape:
        4D tensor ``(batch, rows, cols, channels)`` (or channels_first).

    Output shape:
        4D tensor ``(batch, rows * size[0], cols * size[1], channels)``.

    Example:
        >>> model.add(UpSampling2D((2, 2), input_shape=(7, 7, 16)))
    """

    @keras1.legacy_interface("UpSampling2D")
    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super(UpSampling2D, self).__init__(2, data_format, **kwargs)
        self.size = _int_tuple("UpSampling2D", "size", size, 2)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError("`UpSampling2D`: `interpolation` must be 'nearest' or 'bilinear'. "
                             "Received: interpolation=%r" % (interpolation,))
        self.interpolation = interpolation
        self._bilinear_cache = {}

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super(UpSampling2D, self).call(inputs)
        x = inputs
        # width first, then height (the order of TensorFlow's kernel)
        for i in (1, 0):
            axis = self._spatial_axes()[i]
            n = x.shape[axis]
            key = (n, self.size[i], x.device, x.dtype)
            if key not in self._bilinear_cache:
                lo, hi, frac = _bilinear_weights(n, self.size[i])
                shape = [1] * x.dim()
                shape[axis] = -1
                self._bilinear_cache[key] = (lo.to(x.device), hi.to(x.device),
                                             frac.to(x.device, x.dtype).view(shape))
            lo, hi, frac = self._bilinear_cache[key]
            a = x.index_select(axis, lo)
            b = x.index_select(axis, hi)
            x = a + (b - a) * frac
        return x

    def get_config(self):
        config = super(UpSampling2D, self).get_config()
        config["interpolation"] = self.interpolation
        return config


class UpSampling3D(_UpSampling):
    """Repeats each of the three spatial axes by its factor.

    Args:
        size: integer or tuple of 3 positive integers.
        data_format: default ``K.image_data_format()``.

    Input shape:
        5D tensor ``(batch, d1, d2, d3, channels)`` (or channels_first).

    Output shape:
        5D tensor ``(batch, d1 * size[0], d2 * size[1], d3 * size[2], channels)``.

    Example:
        >>> model.add(UpSampling3D(2, input_shape=(4, 4, 4, 2)))
    """

    @keras1.legacy_interface("UpSampling3D")
    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super(UpSampling3D, self).__init__(3, data_format, **kwargs)
        self.size = _int_tuple("UpSampling3D", "size", size, 3)


class _ZeroPadding(_Spatial):
    def _new_length(self, i, n):
        return n + sum(self.padding[i])

    def call(self, inputs):
        widths = []
        axes = self._spatial_axes()
        for d in reversed(range(1, inputs.dim())):
            widths.extend(self.padding[axes.index(d)] if d in axes else (0, 0))
        return F.pad(inputs, widths)

    def get_config(self):
        config = super(_ZeroPadding, self).get_config()
        config["padding"] = self.padding
        return config


class ZeroPadding1D(_ZeroPadding):
    """Pads the time axis with zeros.

    Args:
        padding: integer (both ends) or tuple of 2 integers ``(left, right)``.

    Input shape:
        3D tensor ``(batch, steps, features)``.

    Output shape:
        3D tensor ``(batch, left + steps + right, features)``.

    Example:
        >>> model.add(ZeroPadding1D((1, 2), input_shape=(10, 4)))
    """

    @keras1.legacy_interface("ZeroPadding1D")
    def __init__(self, padding=1, **kwargs):
        super(ZeroPadding1D, self).__init__(1, "channels_last", **kwargs)
        self.padding = (_int_tuple("ZeroPadding1D", "padding", padding, 2, minimum=0),)

    def get_config(self):
        config = super(ZeroPadding1D, self).get_config()
        config["padding"] = self.padding[0]
        del config["data_format"]
        return config


class ZeroPadding2D(_ZeroPadding):
    """Pads rows and columns with zeros.

    Args:
        padding: integer, tuple of 2 integers (symmetric rows, cols), or
            ``((top, bottom), (left, right))``.
        data_format: default ``K.image_data_format()``.

    Input shape:
        4D tensor ``(batch, rows, cols, channels)`` (or channels_first).

    Output shape:
        4D tensor ``(batch, padded_rows, padded_cols, channels)``.

    Example:
        >>> model.add(ZeroPadding2D(((1, 0), (1, 0)), input_shape=(28, 28, 1)))
    """

    @keras1.legacy_interface("ZeroPadding2D")
    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super(ZeroPadding2D, self).__init__(2, data_format, **kwargs)
        self.padding = _pair_tuple("ZeroPadding2D", "padding", padding, 2)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes with zeros.

    Args:
        padding: integer, tuple of 3 integers, or 3 ``(before, after)`` pairs.
        data_format: default ``K.image_data_format()``.

    Input shape:
        5D tensor ``(batch, d1, d2, d3, channels)`` (or channels_first).

    Output shape:
        5D tensor with each spatial axis grown by its padding.

    Example:
        >>> model.add(ZeroPadding3D(1, input_shape=(4, 4, 4, 2)))
    """

    @keras1.legacy_interface("ZeroPadding3D")
    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super(ZeroPadding3D, self).__init__(3, data_format, **kwargs)
        self.padding = _pair_tuple("ZeroPadding3D", "padding", padding, 3)


class _Cropping(_Spatial):
    def _new_length(self, i, n):
        return n - sum(self.cropping[i])

    def call(self, inputs):
        x = inputs
        for (start, end), axis in zip(self.cropping, self._spatial_axes()):
            if start or end:
                x = x.narrow(axis, start, x.shape[axis] - start - end)
        return x

    def get_config(self):
        config = super(_Cropping, self).get_config()
        config["cropping"] = self.cropping
        return config


class Cropping1D(_Cropping):
    """Crops the time axis (a view, no copy).

    Args:
        cropping: integer or tuple of 2 integers ``(start, end)``.

    Input shape:
        3D tensor ``(batch, steps, features)``.

    Output shape:
        3D tensor ``(batch, steps - start - end, features)``.

    Example:
        >>> model.add(Cropping1D((1, 1), input_shape=(10, 4)))
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super(Cropping1D, self).__init__(1, "channels_last", **kwargs)
        self.cropping = (_int_tuple("Cropping1D", "cropping", cropping, 2, minimum=0),)

    def get_config(self):
        config = super(Cropping1D, self).get_config()
        config["cropping"] = self.cropping[0]
        del config["data_format"]
        return config


class Cropping2D(_Cropping):
    """Crops rows and columns (a view, no copy).

    Args:
        cropping: integer, tuple of 2 integers, or ``((top, bottom), (left, right))``.
        data_format: default ``K.image_data_format()``.

    Input shape:
        4D tensor ``(batch, rows, cols, channels)`` (or channels_first).

    Output shape:
        4D tensor ``(batch, cropped_rows, cropped_cols, channels)``.

    Example:
        >>> model.add(Cropping2D(((2, 2), (4, 4)), input_shape=(28, 28, 3)))
    """

    @keras1.legacy_interface("Cropping2D")
    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super(Cropping2D, self).__init__(2, data_format, **kwargs)
        self.cropping = _pair_tuple("Cropping2D", "cropping", cropping, 2)


class Cropping3D(_Cropping):
    """Crops the three spatial axes (a view, no copy).

    Args:
        cropping: integer, tuple of 3 integers, or 3 ``(start, end)`` pairs.
        data_format: default ``K.image_data_format()``.

    Input shape:
        5D tensor ``(batch, d1, d2, d3, channels)`` (or channels_first).

    Output shape:
        5D tensor with each spatial axis shrunk by its cropping.

    Example:
        >>> model.add(Cropping3D(1, input_shape=(6, 6, 6, 2)))
    """

    @keras1.legacy_interface("Cropping3D")
    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super(Cropping3D, self).__init__(3, data_format, **kwargs)
        self.cropping = _pair_tuple("Cropping3D", "cropping", cropping, 3)


# Keras's other names for the same classes.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
Convolution2DTranspose = Conv2DTranspose
Deconvolution2D = Deconv2D = Conv2DTranspose
Deconvolution3D = Deconv3D = Conv3DTranspose


def _builtin_objects():
    return [
        (Conv1D, "Conv1D", ("Convolution1D",)),
        (Conv2D, "Conv2D", ("Convolution2D",)),
        (Conv3D, "Conv3D", ("Convolution3D",)),
        (Conv2DTranspose, "Conv2DTranspose", ("Convolution2DTranspose", "Deconvolution2D",
                                              "Deconv2D")),
        (Conv3DTranspose, "Conv3DTranspose", ("Deconvolution3D", "Deconv3D")),
        (SeparableConv1D, "SeparableConv1D", ("SeparableConvolution1D",)),
        (SeparableConv2D, "SeparableConv2D", ("SeparableConvolution2D",)),
        (DepthwiseConv2D, "DepthwiseConv2D", ()),
        (UpSampling1D, "UpSampling1D", ()),
        (UpSampling2D, "UpSampling2D", ()),
        (UpSampling3D, "UpSampling3D", ()),
        (ZeroPadding1D, "ZeroPadding1D", ()),
        (ZeroPadding2D, "ZeroPadding2D", ()),
        (ZeroPadding3D, "ZeroPadding3D", ()),
        (Cropping1D, "Cropping1D", ()),
        (Cropping2D, "Cropping2D", ()),
        (Cropping3D, "Cropping3D", ()),
    ]
