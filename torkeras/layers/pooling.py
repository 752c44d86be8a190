"""Pooling layers (Keras 2.2.4 ``keras/layers/pooling.py`` behaviour, TensorFlow numerics).

* ``'same'`` padding is TensorFlow's: the output has ``ceil(length / stride)`` steps and the total
  padding ``P`` is split ``P // 2`` before and ``P - P // 2`` after (the extra cell goes at the end).
* Max pooling ignores padded cells; average pooling **excludes padded cells from the divisor**
  (TensorFlow's ``avg_pool`` with ``SAME``), unlike torch's default ``count_include_pad=True``.
* Data stays channels-last at the layer boundary: the NHWC tensor is viewed as NCHW with
  ``permute`` (torch's channels_last memory format, no copy) for the torch kernel and viewed back.
"""
import numpy as np
import torch

from .. import backend as K
from ..backend._ops_conv import pool_channels_first
from ..engine.base_layer import InputSpec, Layer
from ..legacy import keras1

__all__ = [
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
    "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
    "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D",
]


# ---------------------------------------------------------------------------- argument helpers
def _normalize_tuple(layer, name, value, n):
    """An int or a sequence of ``n`` positive ints -> tuple of ``n`` ints (Keras conv_utils)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            values = None
        if (values is None or len(values) != n
                or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                           for v in values)):
            raise ValueError("`%s`: the `%s` argument must be an integer or a tuple of %d integers. "
                             "Received: %s=%r" % (layer, name, n, name, value))
        values = tuple(int(v) for v in values)
    if any(v <= 0 for v in values):
        raise ValueError("`%s`: every entry of `%s` must be a positive integer. Received: %s=%r"
                         % (layer, name, name, value))
    return values


def _normalize_padding(layer, value, allowed=("valid", "same")):
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError("`%s`: `padding` must be one of %s. Received: padding=%r"
                         % (layer, " or ".join(repr(a) for a in allowed), value))
    return value.lower()


def _normalize_data_format(layer, value):
    if value is not None and (not isinstance(value, str)
                              or value.lower() not in ("channels_last", "channels_first")):
        raise ValueError("`%s`: `data_format` must be 'channels_last' or 'channels_first' (or None "
                         "for K.image_data_format()). Received: data_format=%r" % (layer, value))
    return K.normalize_data_format(value)


def conv_output_length(length, window, padding, stride):
    """Output length of a pooling/conv window (Keras ``conv_utils.conv_output_length``)."""
    if length is None:
        return None
    if padding == "same":
        out = length
    else:  # valid
        out = length - window + 1
    return (out + stride - 1) // stride


def _pool(x, pool_size, strides, padding, data_format, mode):
    """Pool a Keras tensor with 1, 2 or 3 spatial axes in either data format."""
    nsp = len(pool_size)
    if nsp == 1:
        # One spatial axis: pool as 2-D with a dummy trailing axis of size 1.
        if data_format == "channels_last":
            x4 = x.unsqueeze(2).permute(0, 3, 1, 2)
        else:
            x4 = x.unsqueeze(3)
        out = pool_channels_first(x4, pool_size + (1,), strides + (1,), padding, mode)
        if data_format == "channels_last":
            return out.squeeze(3).permute(0, 2, 1)
        return out.squeeze(3)
    if data_format == "channels_last":
        to_cf = (0, nsp + 1) + tuple(range(1, nsp + 1))
        back = (0,) + tuple(range(2, nsp + 2)) + (1,)
        return pool_channels_first(x.permute(to_cf), pool_size, strides, padding, mode).permute(back)
    return pool_channels_first(x, pool_size, strides, padding, mode)


# ---------------------------------------------------------------------------- windowed pooling
class _Pooling(Layer):
    """Shared machinery of Max/AveragePooling1D/2D/3D."""
    _rank = None
    _mode = None

    def __init__(self, pool_size, strides, padding, data_format, **kwargs):
        super(_Pooling, self).__init__(**kwargs)
        cls = self.__class__.__name__
        if strides is None:
            strides = pool_size
        self.pool_size = _normalize_tuple(cls, "pool_size", pool_size, self._rank)
        self.strides = _normalize_tuple(cls, "strides", strides, self._rank)
        self.padding = _normalize_padding(cls, padding)
        self.data_format = _normalize_data_format(cls, data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _spatial_axes(self):
        if self.data_format == "channels_first":
            return list(range(2, self._rank + 2))
        return list(range(1, self._rank + 1))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for i, axis in enumerate(self._spatial_axes()):
            shape[axis] = conv_output_length(shape[axis], self.pool_size[i], self.padding,
                                             self.strides[i])
        return tuple(shape)

    def build(self, input_shape):
        for i, axis in enumerate(self._spatial_axes()):
            n = input_shape[axis]
            if n is not None and self.padding == "valid" and n < self.pool_size[i]:
                raise ValueError(
                    "`%s` layer %r: with padding='valid' every spatial axis must be at least as "
                    "long as the pool; axis %d has %d but pool_size=%r (input shape %s)."
                    % (self.__class__.__name__, self.name, axis, n, self.pool_size,
                       tuple(input_shape)))
        self.built = True

    def call(self, inputs):
        return _pool(inputs, self.pool_size, self.strides, self.padding, self.data_format,
                     self._mode)

    def get_config(self):
        config = {"pool_size": self.pool_size, "padding": self.padding, "strides": self.strides,
                  "data_format": self.data_format}
        base = super(_Pooling, self).get_config()
        base.update(config)
        return base


_POOL_DOC = """{title} operation for {what} data.

    Args:
        pool_size: integer or tuple of {n} integers, size of the pooling window.
        strides: integer or tuple of {n} integers, or None (default: ``pool_size``).
        padding: ``'valid'`` or ``'same'`` (TensorFlow semantics: the extra padded cell goes at
            the end{avgnote}).
        data_format: ``'channels_last'`` (default{dfdefault}) or ``'channels_first'``.

    Input shape:
        channels_last: ``(batch, {sp}, channels)``; channels_first: ``(batch, channels, {sp})``.

    Output shape:
        Same rank; each spatial axis becomes ``ceil(n / stride)`` ('same') or
        ``floor((n - pool) / stride) + 1`` ('valid').

    Example:
        >>> layer = {name}({example})
        >>> layer(torch.zeros({shape})).shape
        torch.Size({oshape})
    """


class MaxPooling1D(_Pooling):
    _rank, _mode = 1, "max"

    @keras1.legacy_interface("MaxPooling1D")
    def __init__(self, pool_size=2, strides=None, padding="valid", data_format="channels_last",
                 **kwargs):
        super(MaxPooling1D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pooling):
    _rank, _mode = 1, "avg"

    @keras1.legacy_interface("AveragePooling1D")
    def __init__(self, pool_size=2, strides=None, padding="valid", data_format="channels_last",
                 **kwargs):
        super(AveragePooling1D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(_Pooling):
    _rank, _mode = 2, "max"

    @keras1.legacy_interface("MaxPooling2D")
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super(MaxPooling2D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(_Pooling):
    _rank, _mode = 2, "avg"

    @keras1.legacy_interface("AveragePooling2D")
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super(AveragePooling2D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling3D(_Pooling):
    _rank, _mode = 3, "max"

    @keras1.legacy_interface("MaxPooling3D")
    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super(MaxPooling3D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling3D(_Pooling):
    _rank, _mode = 3, "avg"

    @keras1.legacy_interface("AveragePooling3D")
    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super(AveragePooling3D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


_SPATIAL = {1: "steps", 2: "rows, cols", 3: "dim1, dim2, dim3"}
_WHAT = {1: "temporal (1D)", 2: "spatial (2D)", 3: "spatial or spatio-temporal (3D)"}
_EX = {1: ("pool_size=2", "(4, 6, 3)", "[4, 3, 3]"),
       2: ("pool_size=(2, 2), padding='same'", "(4, 5, 5, 3)", "[4, 3, 3, 3]"),
       3: ("pool_size=2", "(4, 4, 4, 4, 3)", "[4, 2, 2, 2, 3]")}
for _cls in (MaxPooling1D, AveragePooling1D, MaxPooling2D, AveragePooling2D, MaxPooling3D,
             AveragePooling3D):
    _r = _cls._rank
    _cls.__doc__ = _POOL_DOC.format(
        title="Max pooling" if _cls._mode == "max" else "Average pooling", what=_WHAT[_r], n=_r,
        sp=_SPATIAL[_r], name=_cls.__name__, example=_EX[_r][0], shape=_EX[_r][1],
        oshape=_EX[_r][2],
        avgnote=("; padded cells are not counted in the average" if _cls._mode == "avg" else
                 "; padded cells never win the max"),
        dfdefault="" if _r == 1 else ": ``K.image_data_format()``")


# ---------------------------------------------------------------------------- global pooling
class _GlobalPooling(Layer):
    _rank = None

    def __init__(self, data_format, **kwargs):
        # ``keepdims`` is a tf.keras argument (absent from Keras 2.2.4): accepted so tf.keras files
        # load, written to the config only when True.
        keepdims = kwargs.pop("keepdims", False)
        super(_GlobalPooling, self).__init__(**kwargs)
        if not isinstance(keepdims, bool):
            raise TypeError("`%s`: `keepdims` must be a bool. Received: keepdims=%r"
                            % (self.__class__.__name__, keepdims))
        self.keepdims = keepdims
        self.data_format = _normalize_data_format(self.__class__.__name__, data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _axes(self):
        if self.data_format == "channels_last":
            return tuple(range(1, self._rank + 1))
        return tuple(range(2, self._rank + 2))

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return tuple(1 if i in self._axes() else d for i, d in enumerate(input_shape))
        if self.data_format == "channels_last":
            return (input_shape[0], input_shape[-1])
        return (input_shape[0], input_shape[1])

    def get_config(self):
        base = super(_GlobalPooling, self).get_config()
        base["data_format"] = self.data_format
        if self.keepdims:
            base["keepdims"] = True
        return base


class _GlobalMax(_GlobalPooling):
    def call(self, inputs):
        return torch.amax(inputs, dim=self._axes(), keepdim=self.keepdims)


class _GlobalAverage(_GlobalPooling):
    def call(self, inputs):
        return torch.mean(inputs, dim=self._axes(), keepdim=self.keepdims)


class GlobalMaxPooling1D(_GlobalMax):
    _rank = 1

    @keras1.legacy_interface("GlobalMaxPooling1D")
    def __init__(self, data_format="channels_last", **kwargs):
        super(GlobalMaxPooling1D, self).__init__(data_format, **kwargs)


class GlobalAveragePooling1D(_GlobalAverage):
    """Global average pooling over time; masked steps are left out of the average.

    Args:
        data_format: ``'channels_last'`` (default, ``(batch, steps, features)``) or
            ``'channels_first'`` (``(batch, features, steps)``).
        keepdims: tf.keras's option (not in Keras 2.2.4): keep the steps axis with size 1.

    With a mask ``(batch, steps)`` (e.g. from ``Embedding(mask_zero=True)``) the output is
    ``sum(x * mask) / sum(mask)`` over the steps, as Keras 2.2.4 computes it (a row whose mask is
    all zeros gives NaN, as in Keras). The output carries no mask.

    Input shape:
        3D tensor, see ``data_format``.

    Output shape:
        2D tensor ``(batch, features)``.

    Example:
        >>> GlobalAveragePooling1D()(torch.ones(2, 5, 3)).shape
        torch.Size([2, 3])
    """
    _rank = 1

    @keras1.legacy_interface("GlobalAveragePooling1D")
    def __init__(self, data_format="channels_last", **kwargs):
        super(GlobalAveragePooling1D, self).__init__(data_format, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        steps_axis = 1 if self.data_format == "channels_last" else 2
        if mask is None:
            return torch.mean(inputs, dim=steps_axis, keepdim=self.keepdims)
        m = mask.to(inputs.dtype)
        if m.dim() != 2 or tuple(m.shape) != (inputs.shape[0], inputs.shape[steps_axis]):
            raise ValueError("`GlobalAveragePooling1D` layer %r: the mask must have shape (batch, "
                             "steps) = %s; received a mask of shape %s."
                             % (self.name, (inputs.shape[0], inputs.shape[steps_axis]),
                                tuple(mask.shape)))
        m = m.unsqueeze(2) if steps_axis == 1 else m.unsqueeze(1)
        return (torch.sum(inputs * m, dim=steps_axis, keepdim=self.keepdims)
                / torch.sum(m, dim=steps_axis, keepdim=self.keepdims))

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalMaxPooling2D(_GlobalMax):
    _rank = 2

    @keras1.legacy_interface("GlobalMaxPooling2D")
    def __init__(self, data_format=None, **kwargs):
        super(GlobalMaxPooling2D, self).__init__(data_format, **kwargs)


class GlobalAveragePooling2D(_GlobalAverage):
    _rank = 2

    @keras1.legacy_interface("GlobalAveragePooling2D")
    def __init__(self, data_format=None, **kwargs):
        super(GlobalAveragePooling2D, self).__init__(data_format, **kwargs)


class GlobalMaxPooling3D(_GlobalMax):
    _rank = 3

    @keras1.legacy_interface("GlobalMaxPooling3D")
    def __init__(self, data_format=None, **kwargs):
        super(GlobalMaxPooling3D, self).__init__(data_format, **kwargs)


class GlobalAveragePooling3D(_GlobalAverage):
    _rank = 3

    @keras1.legacy_interface("GlobalAveragePooling3D")
    def __init__(self, data_format=None, **kwargs):
        super(GlobalAveragePooling3D, self).__init__(data_format, **kwargs)


_GLOBAL_DOC = """Global {what} pooling over the {sp} axes.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'`` (default {dfdefault}).
        keepdims: tf.keras's option (not in Keras 2.2.4): keep the pooled axes with size 1.

    Input shape:
        channels_last: ``(batch, {spn}, channels)``; channels_first: ``(batch, channels, {spn})``.

    Output shape:
        2D tensor ``(batch, channels)``.

    Example:
        >>> {name}()(torch.ones({shape})).shape
        torch.Size([2, 3])
    """
for _cls in (GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling2D, GlobalMaxPooling3D,
             GlobalAveragePooling3D):
    _r = _cls._rank
    _cls.__doc__ = _GLOBAL_DOC.format(
        what="max" if issubclass(_cls, _GlobalMax) else "average", sp=_WHAT[_r], spn=_SPATIAL[_r],
        dfdefault="'channels_last'" if _r == 1 else "``K.image_data_format()``", name=_cls.__name__,
        shape=str((2,) + (4,) * _r + (3,)))

# Keras's other names for the same classes.
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (GlobalMaxPooling1D, GlobalMaxPooling2D,
                                                     GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)


def _builtin_objects():
    return [
        (MaxPooling1D, "MaxPooling1D", ("MaxPool1D",)),
        (MaxPooling2D, "MaxPooling2D", ("MaxPool2D",)),
        (MaxPooling3D, "MaxPooling3D", ("MaxPool3D",)),
        (AveragePooling1D, "AveragePooling1D", ("AvgPool1D",)),
        (AveragePooling2D, "AveragePooling2D", ("AvgPool2D",)),
        (AveragePooling3D, "AveragePooling3D", ("AvgPool3D",)),
        (GlobalMaxPooling1D, "GlobalMaxPooling1D", ("GlobalMaxPool1D",)),
        (GlobalMaxPooling2D, "GlobalMaxPooling2D", ("GlobalMaxPool2D",)),
        (GlobalMaxPooling3D, "GlobalMaxPooling3D", ("GlobalMaxPool3D",)),
        (GlobalAveragePooling1D, "GlobalAveragePooling1D", ("GlobalAvgPool1D",)),
        (GlobalAveragePooling2D, "GlobalAveragePooling2D", ("GlobalAvgPool2D",)),
        (GlobalAveragePooling3D, "GlobalAveragePooling3D", ("GlobalAvgPool3D",)),
    ]
