"""Depthwise and separable convolutions: DepthwiseConv2D, SeparableConv1D and SeparableConv2D.

Private module: the public home of these layers is :mod:`torkeras.layers.convolutional`.
"""
import torch.nn.functional as F

from .. import constraints, initializers, regularizers
from ..backend._ops_conv import depthwise_kernel_to_torch as _depthwise_to_torch
from ..engine.base_layer import InputSpec
from ..legacy import keras1
from ._conv_base import (_CONV_FN, _Conv, _from_torch, _kernel_to_torch, _only_one_group,
                         _positive_int, _to_torch)


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
