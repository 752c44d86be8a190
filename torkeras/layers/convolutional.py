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

This module is the public home of all these layers. Conv1D/2D/3D and the shared helpers live in
``_conv_base.py``, the transposed convolutions in ``_conv_transpose.py``, the depthwise and
separable ones in ``_conv_separable.py``; UpSampling, ZeroPadding and Cropping are defined here.
"""

import torch.nn.functional as F

from ..backend._ops_conv import bilinear_axis, bilinear_axis_weights, repeat_axes
from ..engine.base_layer import InputSpec, Layer
from ..legacy import keras1
from ._conv_base import (Conv1D, Conv2D, Conv3D, _data_format_arg, _int_tuple, _pair_tuple,
                         _positive_int)
from ._conv_separable import DepthwiseConv2D, SeparableConv1D, SeparableConv2D
from ._conv_transpose import Conv2DTranspose, Conv3DTranspose
# Keras 2.2.4 re-exported the pooling layers and (lazily below) the Keras-1 atrous convolutions here.
from .pooling import (AveragePooling1D, AveragePooling2D, AveragePooling3D,  # noqa: F401
                      MaxPooling1D, MaxPooling2D, MaxPooling3D)


def __getattr__(name):
    if name in ("AtrousConvolution1D", "AtrousConvolution2D", "AtrousConv1D", "AtrousConv2D"):
        from ..legacy import layers as legacy_layers
        return getattr(legacy_layers, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


__all__ = [
    "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv1D",
    "SeparableConv2D", "DepthwiseConv2D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D",
    "Convolution1D", "Convolution2D", "Convolution3D", "SeparableConvolution1D",
    "SeparableConvolution2D", "Convolution2DTranspose", "Deconvolution2D", "Deconv2D",
    "Deconvolution3D", "Deconv3D",
]


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


class _UpSampling(_Spatial):
    def _new_length(self, i, n):
        return n * self.size[i]

    def call(self, inputs):
        return repeat_axes(inputs, self._spatial_axes(), self.size)

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
            key = (x.shape[axis], self.size[i], x.device, x.dtype)
            if key not in self._bilinear_cache:
                self._bilinear_cache[key] = bilinear_axis_weights(x, axis, self.size[i])
            x = bilinear_axis(x, axis, self.size[i], self._bilinear_cache[key])
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
