"""Convolution machinery: argument checks, Keras <-> torch layout helpers, the ``_Conv`` base class
and Conv1D / Conv2D / Conv3D.

Private module: the public home of these layers is :mod:`torkeras.layers.convolutional` (its
docstring describes layouts and ``'same'`` padding).
"""
import numpy as np
import torch
import torch.nn.functional as F

from .. import activations, backend as K
from ..backend._ops_conv import (conv_padding, from_channels_first as _from_torch,
                                 kernel_to_torch as _kernel_to_torch, to_channels_first as _to_torch)
from ._common import kernel_bias_config, set_kernel_bias_options
from ..engine.base_layer import InputSpec, Layer
from ..legacy import keras1

_CONV_FN = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


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
        found = conv_padding(spatial, self.kernel_size, self.strides, self.dilation_rate,
                             self.padding)
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
