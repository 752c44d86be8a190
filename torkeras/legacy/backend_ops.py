"""Keras 1.2.2 convolution-family ``keras.backend`` functions and call forms, over the Keras 2 ones.

Keras-1-only names (keras/backend/tensorflow_backend.py @ 1.2.2), each computed by the Keras 2
function it equals:

* ``atrous_conv2d(x, kernel, rate, border_mode, dim_ordering, ...)``: ``conv2d(...,
  dilation_rate=(rate, rate))``.
* ``deconv2d(x, kernel, output_shape, strides, border_mode, dim_ordering, ...)``: Keras 1 kernels
  are ``(rows, cols, in, out)`` (the layer's ``W``), Keras 2's ``conv2d_transpose`` takes
  ``(rows, cols, out, in)``: ``conv2d_transpose(x, kernel.permute(0, 1, 3, 2), output_shape, ...)``.
* ``asymmetric_temporal_padding(x, left_pad, right_pad)``: ``temporal_padding(x, (left, right))``.
* ``asymmetric_spatial_2d_padding(x, top_pad, bottom_pad, left_pad, right_pad, dim_ordering)``:
  ``spatial_2d_padding(x, ((top, bottom), (left, right)), data_format)``.

Keras 1.2.2 call forms of names Keras 2 kept (:data:`CALL_FORMS`), recognised by a Keras-1 keyword
(``border_mode``, ``dim_ordering``, ``stride``, ``image_shape``, ``volume_shape``, ``filter_shape``,
``filter_dilation``), a ``'th'``/``'tf'``/``'default'`` where Keras 2 has ``data_format``, or a
Keras-1 padding (an int for ``temporal_padding``, flat ints for ``spatial_2d/3d_padding``). They
warn once with the Keras 2 call (an error under ``TORKERAS_STRICT=1``), as layer spellings do:

* ``conv1d(x, kernel, stride, border_mode, image_shape, filter_shape)``: always channels_last.
* ``conv2d(x, kernel, strides, border_mode, dim_ordering, image_shape, filter_shape,
  filter_dilation)``, ``conv3d(x, kernel, strides, border_mode, dim_ordering, volume_shape,
  filter_shape)``, ``separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides,
  border_mode, dim_ordering)``: with ``dim_ordering='th'`` Keras 1 kernels are Theano-shaped,
  ``(out, in, rows, cols)`` (depthwise ``(depth_multiplier, in, rows, cols)``), and are permuted to
  Keras 2's layout (TF backend: no flip).
* ``pool2d``/``pool3d(x, pool_size, strides, border_mode, dim_ordering, pool_mode)``,
  ``resize_images(X, height_factor, width_factor, dim_ordering)``, ``resize_volumes``,
  ``temporal_padding(x, padding=1)``, ``spatial_2d_padding(x, padding=(1, 1), dim_ordering)``,
  ``spatial_3d_padding(x, padding=(1, 1, 1), dim_ordering)``.

``image_shape``, ``volume_shape`` and ``filter_shape`` were shape hints the TensorFlow backend of
Keras 1.2.2 ignored; they are accepted and dropped.

Example:
    >>> K.conv2d(x_th, W_th, border_mode='same', dim_ordering='th')   # Keras 1.2.2 custom layer
"""
import functools

import torch

from . import keras1
from ..backend import _ops_conv
from ..backend._ops_graph import symbolic_aware
from ..backend.config import image_dim_ordering

__all__ = ["atrous_conv2d", "deconv2d", "asymmetric_temporal_padding",
           "asymmetric_spatial_2d_padding"]

_ORDERING = {"th": "channels_first", "tf": "channels_last"}
_HINTS = ("image_shape", "volume_shape", "filter_shape")
_RENAMES = (("border_mode", "padding"), ("stride", "strides"), ("filter_dilation", "dilation_rate"),
            ("dim_ordering", "data_format"))


def _data_format(fn, dim_ordering):
    """Keras 1.2.2 ``dim_ordering`` ('th', 'tf' or 'default') as a Keras 2 ``data_format``."""
    if dim_ordering == "default":
        dim_ordering = image_dim_ordering()
    if dim_ordering not in _ORDERING:
        raise ValueError("%s: `dim_ordering` must be 'th', 'tf' or 'default'. Received dim_ordering=%r"
                         % (fn, dim_ordering))
    return _ORDERING[dim_ordering]


def _th_kernel(kernel, data_format):
    """A Theano-shaped Keras 1 kernel ``(out, in, k...)`` in Keras 2's ``(k..., in, out)`` layout."""
    if data_format != "channels_first":
        return kernel
    n = kernel.dim()
    return kernel.permute(*range(2, n), 1, 0)


def _pair(fn, name, value):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError("%s: `%s` must be a tuple of 2 ints. Received %s=%r" % (fn, name, name, value))
    return tuple(value)


# ---------------------------------------------------------------------------- Keras-1-only names
def atrous_conv2d(x, kernel, rate=1, border_mode="valid", dim_ordering="default", image_shape=None,
                  filter_shape=None):
    """Dilated 2-D convolution (Keras 1.2.2): ``conv2d`` with ``dilation_rate=(rate, rate)``.

    Args:
        x: 4-D input in ``dim_ordering``.
        kernel: ``(rows, cols, in, out)`` for 'tf', ``(out, in, rows, cols)`` for 'th'.
        rate: positive int, the dilation.
        border_mode: 'valid' or 'same'.
        dim_ordering: 'th', 'tf' or 'default' (``K.image_dim_ordering()``).
        image_shape, filter_shape: ignored shape hints (as Keras 1.2.2's TensorFlow backend).

    Example:
        >>> K.atrous_conv2d(K.ones((1, 7, 7, 2)), K.ones((3, 3, 2, 4)), rate=2).shape
        torch.Size([1, 3, 3, 4])
    """
    data_format = _data_format("atrous_conv2d", dim_ordering)
    if not keras1._is_int(rate) or rate < 1:
        raise ValueError("atrous_conv2d: `rate` must be a positive int. Received rate=%r" % (rate,))
    return _ops_conv.conv2d(x, _th_kernel(kernel, data_format), (1, 1), border_mode, data_format,
                            (rate, rate))


def deconv2d(x, kernel, output_shape, strides=(1, 1), border_mode="valid", dim_ordering="default",
             image_shape=None, filter_shape=None):
    """Transposed 2-D convolution (Keras 1.2.2): ``conv2d_transpose`` with the kernel's last two
    axes swapped.

    Args:
        x: 4-D input in ``dim_ordering``.
        kernel: ``(rows, cols, in, out)`` for 'tf', ``(out, in, rows, cols)`` for 'th' (Keras 1's
            ``Deconvolution2D.W``; ``in`` is ``x``'s channels).
        output_shape: the full output shape in ``dim_ordering`` (batch may be None).
        strides: tuple of 2 ints.
        border_mode: 'valid' or 'same'.
        dim_ordering: 'th', 'tf' or 'default'.
        image_shape, filter_shape: ignored shape hints.

    Example:
        >>> K.deconv2d(K.ones((1, 3, 3, 2)), K.ones((3, 3, 2, 4)), (1, 6, 6, 4), (2, 2), 'same').shape
        torch.Size([1, 6, 6, 4])
    """
    data_format = _data_format("deconv2d", dim_ordering)
    if not isinstance(kernel, torch.Tensor) or kernel.dim() != 4:
        raise ValueError("deconv2d: `kernel` must be a 4-D tensor. Received %r"
                         % (getattr(kernel, "shape", kernel),))
    kernel = _th_kernel(kernel, data_format).permute(0, 1, 3, 2)
    return _ops_conv.conv2d_transpose(x, kernel, output_shape, strides, border_mode, data_format)


def asymmetric_temporal_padding(x, left_pad=1, right_pad=1):
    """Zero-pad the middle axis of a 3-D tensor by ``left_pad`` before and ``right_pad`` after.

    Example:
        >>> K.asymmetric_temporal_padding(K.ones((1, 3, 2)), 0, 2).shape
        torch.Size([1, 5, 2])
    """
    return _ops_conv.temporal_padding(x, (left_pad, right_pad))


def asymmetric_spatial_2d_padding(x, top_pad=1, bottom_pad=1, left_pad=1, right_pad=1,
                                  dim_ordering="default"):
    """Zero-pad the rows (top, bottom) and columns (left, right) of a 4-D tensor.

    Example:
        >>> K.asymmetric_spatial_2d_padding(K.ones((1, 2, 2, 1)), 1, 0, 0, 2, 'tf').shape
        torch.Size([1, 3, 4, 1])
    """
    data_format = _data_format("asymmetric_spatial_2d_padding", dim_ordering)
    return _ops_conv.spatial_2d_padding(x, ((top_pad, bottom_pad), (left_pad, right_pad)),
                                        data_format)


# ---------------------------------------------------------------------------- Keras-1 call forms
def _bind(fn, names, args, kwargs):
    """``{name: value}`` of a call with Keras 1.2.2 parameter ``names`` (unknown keywords kept)."""
    if len(args) > len(names):
        raise TypeError("%s (Keras 1.2.2 form %s) takes at most %d positional arguments; received %d."
                        % (fn, ", ".join(names), len(names), len(args)))
    bound = dict(zip(names, args))
    for key, value in kwargs.items():
        if key in bound:
            raise TypeError("%s got multiple values for argument `%s`." % (fn, key))
        bound[key] = value
    return bound


def _keras1_position(args, index):
    return len(args) > index and isinstance(args[index], str) and args[index] in (
        "th", "tf", "default")


def _conv_form(fn, names, ordering_index, markers):
    """Converter of a Keras 1.2.2 convolution or pooling call (``names``: its 1.2.2 parameters)."""
    def convert(args, kwargs):
        if not (set(kwargs) & markers) and not (
                ordering_index is not None and _keras1_position(args, ordering_index)):
            return None
        bound = _bind(fn, names, args, kwargs)
        old = sorted((set(kwargs) & markers) | ({"dim_ordering"} if ordering_index is not None
                                                  and _keras1_position(args, ordering_index)
                                                  else set()))
        for hint in _HINTS:
            bound.pop(hint, None)
        for old_name, new_name in _RENAMES:
            if old_name in bound and new_name in bound:
                raise TypeError("%s received both the Keras 1 argument `%s` and the Keras 2 argument "
                                "`%s`; pass only `%s`." % (fn, old_name, new_name, new_name))
        new = {}
        for old_name, new_name in _RENAMES[:3]:
            if old_name in bound:
                new[new_name] = bound.pop(old_name)
        if "data_format" in bound:
            pass   # a Keras 2 data_format keyword: Keras 2 kernel layout
        elif "dim_ordering" in names:
            data_format = _data_format(fn, bound.pop("dim_ordering", "default"))
            for name in ("kernel", "depthwise_kernel", "pointwise_kernel"):
                if name in bound:
                    bound[name] = _th_kernel(bound[name], data_format)
            new["data_format"] = data_format
        else:
            new["data_format"] = "channels_last"   # Keras 1.2.2 conv1d: (batch, steps, channels)
        bound.update(new)
        return bound, old
    return convert


def _padding_form(fn, rank):
    def convert(args, kwargs):
        names = ("x", "padding") + (("dim_ordering",) if rank > 1 else ())
        padding = args[1] if len(args) > 1 else kwargs.get("padding")
        flat = keras1._is_int(padding) if rank == 1 else (
            isinstance(padding, (tuple, list)) and len(padding) == rank
            and all(keras1._is_int(p) for p in padding))
        if not flat and "dim_ordering" not in kwargs and not _keras1_position(args, 2):
            return None
        bound = _bind(fn, names, args, kwargs)
        old = ["padding as %s" % ("an int" if rank == 1 else "%d ints" % rank)] if flat else []
        if rank > 1 and "dim_ordering" in bound:
            if "data_format" in bound:
                raise TypeError("%s received both `dim_ordering` and `data_format`; pass only "
                                "`data_format`." % fn)
            value = bound.pop("dim_ordering")
            if value in ("channels_first", "channels_last", None):   # Keras 2 positional
                bound["data_format"] = value
            else:
                old.append("dim_ordering")
                bound["data_format"] = _data_format(fn, value)
        if flat:
            bound["padding"] = (tuple((p, p) for p in padding) if rank > 1
                                else (padding, padding))
        return bound, old
    return convert


def _resize_form(fn, names):
    def convert(args, kwargs):
        index = len(names) - 1
        if "dim_ordering" not in kwargs and not _keras1_position(args, index):
            return None
        bound = _bind(fn, names, args, kwargs)
        if "data_format" in bound:
            raise TypeError("%s received both `dim_ordering` and `data_format`; pass only "
                            "`data_format`." % fn)
        bound["data_format"] = _data_format(fn, bound.pop("dim_ordering", "default"))
        return bound, ["dim_ordering"]
    return convert


_CONV_MARKERS = {"border_mode", "dim_ordering", "filter_dilation"} | set(_HINTS)
#: Keras 2 name -> converter of its Keras 1.2.2 call form (None: not a Keras-1 call).
CALL_FORMS = {
    "conv1d": _conv_form("conv1d", ("x", "kernel", "stride", "border_mode", "image_shape",
                                    "filter_shape"), None, _CONV_MARKERS | {"stride"}),
    "conv2d": _conv_form("conv2d", ("x", "kernel", "strides", "border_mode", "dim_ordering",
                                    "image_shape", "filter_shape", "filter_dilation"), 4,
                         _CONV_MARKERS),
    "conv3d": _conv_form("conv3d", ("x", "kernel", "strides", "border_mode", "dim_ordering",
                                    "volume_shape", "filter_shape"), 4, _CONV_MARKERS),
    "separable_conv2d": _conv_form("separable_conv2d", ("x", "depthwise_kernel", "pointwise_kernel",
                                                        "strides", "border_mode", "dim_ordering"),
                                   5, _CONV_MARKERS),
    "pool2d": _conv_form("pool2d", ("x", "pool_size", "strides", "border_mode", "dim_ordering",
                                    "pool_mode"), 4, _CONV_MARKERS),
    "pool3d": _conv_form("pool3d", ("x", "pool_size", "strides", "border_mode", "dim_ordering",
                                    "pool_mode"), 4, _CONV_MARKERS),
    "resize_images": _resize_form("resize_images", ("x", "height_factor", "width_factor",
                                                    "dim_ordering")),
    "resize_volumes": _resize_form("resize_volumes", ("x", "depth_factor", "height_factor",
                                                      "width_factor", "dim_ordering")),
    "temporal_padding": _padding_form("temporal_padding", 1),
    "spatial_2d_padding": _padding_form("spatial_2d_padding", 2),
    "spatial_3d_padding": _padding_form("spatial_3d_padding", 3),
}


def accepting_keras1_forms(name, fn):
    """``fn`` (a Keras 2 backend function) that also takes its Keras 1.2.2 call form."""
    convert = CALL_FORMS[name]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        found = convert(args, kwargs)
        if found is None:
            return fn(*args, **kwargs)
        bound, old = found
        keras1._report(name, old, (), {k: v for k, v in bound.items() if k != "x"})
        return fn(**bound)
    return wrapper


def backend_functions():
    """``{name: function}`` that :mod:`torkeras.backend` exports from here: the Keras-1-only names
    and the Keras 2 names of :data:`CALL_FORMS` that also take their Keras 1.2.2 form (all of them
    accepting symbolic arguments)."""
    found = {name: symbolic_aware(globals()[name]) for name in __all__}
    for name in CALL_FORMS:
        found[name] = symbolic_aware(accepting_keras1_forms(name, getattr(_ops_conv, name)))
    return found
