"""Backend convolution family: convolutions (plain, transposed, separable, depthwise, locally
connected), pooling, resizing and zero padding (Keras 2.2.4 TF-backend semantics over torch).

Kernels keep Keras's layout whatever the data format: ``(spatial..., in, out)`` for convolutions,
``(spatial..., out, in)`` for transposed ones, ``(spatial..., in, depth_multiplier)`` for depthwise
ones (output channel ``i * depth_multiplier + m`` reads input channel ``i``). ``'same'`` padding is
TensorFlow's: ``ceil(size / stride)`` outputs, the odd padding cell after (bottom/right).

This module is also the one home of the shape and padding arithmetic the convolution, pooling,
upsampling and locally connected layers share (:func:`same_pads`, :func:`pool_channels_first`,
:func:`transpose_plan`, :func:`bilinear_weights`...). Keras 1.2.2 spellings of these functions
(``border_mode``, ``dim_ordering``, ``'th'`` kernels) are translated in
:mod:`torkeras.legacy.backend_ops`.
"""
import math
import numbers

import numpy as np
import torch
import torch.nn.functional as F

from .config import image_data_format

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv2d_transpose", "conv3d_transpose", "separable_conv1d",
    "separable_conv2d", "depthwise_conv2d", "pool2d", "pool3d", "local_conv1d", "local_conv2d",
    "resize_images", "resize_volumes", "temporal_padding", "spatial_2d_padding",
    "spatial_3d_padding",
]

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX = {2: F.max_pool2d, 3: F.max_pool3d}
_AVG = {2: F.avg_pool2d, 3: F.avg_pool3d}


# ---------------------------------------------------------------------------- shared arithmetic
def same_pads(length, kernel, stride, dilation=1):
    """TensorFlow 'SAME' padding ``(before, after)`` of one axis, the odd cell after."""
    k = (kernel - 1) * dilation + 1
    out = -(-length // stride)
    total = max((out - 1) * stride + k - length, 0)
    return total // 2, total - total // 2


def to_channels_first(x, rank, channels_last):
    """``(batch, *spatial, channels)`` -> a ``(batch, channels, *spatial)`` view (no copy)."""
    if channels_last:
        return x.permute(0, rank + 1, *range(1, rank + 1))
    return x


def from_channels_first(y, rank, channels_last):
    """Inverse of :func:`to_channels_first`."""
    if channels_last:
        return y.permute(0, *range(2, rank + 2), 1)
    return y


def kernel_to_torch(kernel, rank):
    """Keras ``(k..., a, b)`` -> torch ``(b, a, k...)`` (a permuted view)."""
    return kernel.permute(rank + 1, rank, *range(rank))


def depthwise_kernel_to_torch(kernel, rank):
    """Keras ``(k..., in, dm)`` -> torch ``(in * dm, 1, k...)``; channel ``i * dm + m`` (TF order)."""
    flat = kernel.reshape(tuple(kernel.shape[:rank]) + (-1,))
    return flat.permute(rank, *range(rank)).unsqueeze(1)


def conv_padding(spatial, kernel, strides, dilation, padding):
    """``(torch padding argument, explicit F.pad list or None)`` for 'valid', 'same' or 'causal'."""
    if padding == "valid":
        return 0, None
    if padding == "causal":
        return 0, [(kernel[0] - 1) * dilation[0], 0]
    pads = [same_pads(n, k, s, d) for n, k, s, d in zip(spatial, kernel, strides, dilation)]
    if all(a == b for a, b in pads):
        return tuple(a for a, _ in pads), None
    flat = []
    for a, b in reversed(pads):   # F.pad lists the last axis first
        flat.extend((a, b))
    return 0, flat


def pool_channels_first(x, pool_size, strides, padding, mode):
    """Pool a ``(batch, channels, *spatial)`` tensor (2 or 3 spatial axes) as TensorFlow does.

    'same' padding is ignored by max pooling and not counted by average pooling.

    Args:
        x: torch tensor, channels on axis 1 (any memory format).
        pool_size, strides: tuples with one entry per spatial axis.
        padding: 'valid' or 'same'.
        mode: 'max' or 'avg'.
    """
    nsp = len(pool_size)
    spatial = tuple(x.shape[2:])
    pads = [(0, 0)] * nsp
    if padding == "same":
        pads = [same_pads(n, k, s) for n, k, s in zip(spatial, pool_size, strides)]
    if all(a == 0 and b == 0 for a, b in pads):
        if mode == "max":
            return _MAX[nsp](x, pool_size, strides)
        return _AVG[nsp](x, pool_size, strides)
    if all(a == b for a, b in pads):
        sym = tuple(a for a, _ in pads)
        if mode == "max":
            return _MAX[nsp](x, pool_size, strides, padding=sym)
        return _AVG[nsp](x, pool_size, strides, padding=sym, count_include_pad=False)
    flat = []
    for a, b in reversed(pads):
        flat.extend((a, b))
    if mode == "max":
        return _MAX[nsp](F.pad(x, flat, value=-math.inf), pool_size, strides)
    sums = _AVG[nsp](F.pad(x, flat), pool_size, strides, divisor_override=1)
    ones = torch.ones((1, 1) + spatial, dtype=x.dtype, device=x.device)
    counts = _AVG[nsp](F.pad(ones, flat), pool_size, strides, divisor_override=1)
    return sums / counts


def transpose_plan(spatial, out_lengths, kernel, strides, dilation, padding):
    """How to compute a TF transposed convolution of ``spatial`` inputs into ``out_lengths``.

    TF's result is the full transposed convolution cropped from the forward convolution's 'same'
    padding before (0 for 'valid'), zero-filled where the output is longer. Returns
    ``(torch padding, torch output_padding)`` when torch's symmetric arguments give exactly that,
    else ``(None, [(start, out, full) per axis])`` for :func:`conv_transpose_channels_first`.
    """
    torch_pad, torch_outpad, crops = [], [], []
    exact = True
    for n, out, k, s, d in zip(spatial, out_lengths, kernel, strides, dilation):
        full = (n - 1) * s + (k - 1) * d + 1
        start = same_pads(out, k, s, d)[0] if padding == "same" else 0
        extra = out - (full - 2 * start)
        if 0 <= extra < max(s, d):
            torch_pad.append(start)
            torch_outpad.append(extra)
        else:
            exact = False
        crops.append((start, out, full))
    if exact:
        return tuple(torch_pad), tuple(torch_outpad)
    return None, crops


def conv_transpose_channels_first(x, kernel, bias, strides, dilation, plan):
    """Transposed convolution of a channels-first ``x`` with a torch-layout ``kernel``
    ``(in, out, k...)`` following a :func:`transpose_plan`; ``bias`` (or None) is added."""
    rank = x.dim() - 2
    fn = _CONV_T[rank]
    pad, second = plan
    if pad is not None:
        return fn(x, kernel, bias, strides, pad, second, 1, dilation)
    y = fn(x, kernel, None, strides, 0, 0, 1, dilation)
    for axis, (start, out, full) in enumerate(second):
        stop = min(start + out, full)
        y = y.narrow(axis + 2, start, stop - start)
        if start + out > full:
            y = F.pad(y, [0, 0] * (rank - 1 - axis) + [0, start + out - full])
    if bias is not None:
        y = y + bias.view((1, -1) + (1,) * rank)
    return y


def bilinear_weights(n, factor):
    """TF1 ``resize_bilinear`` (align_corners=False, no half-pixel centres), as Keras 2.2.4 calls it:
    source = out * (n / (n * factor)) in float32; lerp between floor and min(floor + 1, n - 1).

    Returns ``(lo, hi, frac)`` torch tensors of length ``n * factor`` (on the CPU)."""
    scale = np.float32(n) / np.float32(n * factor)
    src = np.arange(n * factor, dtype=np.float32) * scale
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    return torch.from_numpy(lo), torch.from_numpy(hi), torch.from_numpy(src - lo)


def bilinear_axis_weights(x, axis, factor):
    """:func:`bilinear_weights` for ``x``'s ``axis``, on ``x``'s device, ``frac`` in ``x``'s dtype
    shaped to broadcast along ``axis``."""
    lo, hi, frac = bilinear_weights(x.shape[axis], factor)
    shape = [1] * x.dim()
    shape[axis] = -1
    return lo.to(x.device), hi.to(x.device), frac.to(x.device, x.dtype).view(shape)


def bilinear_axis(x, axis, factor, weights=None):
    """Upsample ``x`` along ``axis`` by ``factor`` as TF1 ``resize_bilinear`` (``weights``: the
    :func:`bilinear_axis_weights` of this axis, when the caller caches them)."""
    lo, hi, frac = weights if weights is not None else bilinear_axis_weights(x, axis, factor)
    a = x.index_select(axis, lo)
    b = x.index_select(axis, hi)
    return a + (b - a) * frac


def repeat_axes(x, axes, factors):
    """Repeat every element ``factors[i]`` times along ``axes[i]`` (nearest upsampling), one copy."""
    view, expand, final = [], [], []
    for d, n in enumerate(x.shape):
        if d in axes:
            f = factors[axes.index(d)]
            view += [n, 1]
            expand += [n, f]
            final.append(n * f)
        else:
            view.append(n)
            expand.append(n)
            final.append(n)
    return x.reshape(view).expand(expand).reshape(final)


def local_patches(inputs, kernel_size, strides, out_lengths, channels_last):
    """``(batch, prod(out_lengths), features)`` patches of a locally connected layer, features
    flattened as Keras slices them: ``(k..., channels)`` channels_last, ``(channels, k...)``
    channels_first."""
    rank = len(kernel_size)
    first = 1 if channels_last else 2
    p = inputs
    for i in range(rank):
        p = p.unfold(first + i, kernel_size[i], strides[i]).narrow(first + i, 0, out_lengths[i])
    # now (batch, [C,] out..., [C,] k...) with the window axes appended last
    if channels_last:   # (b, out..., C, k...) -> (b, out..., k..., C)
        p = p.permute(0, *range(1, rank + 1), *range(rank + 2, 2 * rank + 2), rank + 1)
    else:               # (b, C, out..., k...) -> (b, out..., C, k...)
        p = p.permute(0, *range(2, rank + 2), 1, *range(rank + 2, 2 * rank + 2))
    return p.reshape(inputs.shape[0], int(np.prod(out_lengths)), -1)


def local_matmul(patches, kernel):
    """``patches (batch, P, K)`` x ``kernel (P, K, F)`` -> ``(batch, P, F)``."""
    return torch.bmm(patches.transpose(0, 1), kernel).transpose(0, 1)


# ---------------------------------------------------------------------------- argument checks
def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _ints(fn, name, value, n, minimum=1):
    """``value`` (an int or a sequence of ``n`` ints, each >= ``minimum``) as a tuple of ``n``."""
    what = "an int or a tuple of %d ints, each >= %d" % (n, minimum)
    if _is_int(value):
        out = (int(value),) * n
    elif isinstance(value, (tuple, list)) and len(value) == n and all(_is_int(v) for v in value):
        out = tuple(int(v) for v in value)
    else:
        raise ValueError("%s: `%s` must be %s. Received %s=%r" % (fn, name, what, name, value))
    if any(v < minimum for v in out):
        raise ValueError("%s: `%s` must be %s. Received %s=%r" % (fn, name, what, name, value))
    return out


def _data_format(fn, value):
    if value is None:
        return image_data_format()
    if not isinstance(value, str) or value.lower() not in ("channels_first", "channels_last"):
        raise ValueError("%s: `data_format` must be 'channels_last' or 'channels_first' (or None for "
                         "K.image_data_format()). Received data_format=%r" % (fn, value))
    return value.lower()


def _padding(fn, value, allowed=("valid", "same")):
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError("%s: `padding` must be one of %s. Received padding=%r"
                         % (fn, ", ".join(repr(a) for a in allowed), value))
    return value.lower()


def _rank(fn, name, t, ndim, layout):
    if not isinstance(t, torch.Tensor):
        raise TypeError("%s: `%s` must be a tensor. Received %r" % (fn, name, type(t).__name__))
    if t.dim() != ndim:
        raise ValueError("%s: `%s` must be %d-D %s. Received shape %s"
                         % (fn, name, ndim, layout, tuple(t.shape)))


def _channels(x, rank, data_format):
    return x.shape[1] if data_format == "channels_first" else x.shape[rank + 1]


def _check_strides_dilation(fn, strides, dilation):
    if any(s != 1 for s in strides) and any(d != 1 for d in dilation):
        raise ValueError("%s: `strides` > 1 together with `dilation_rate` > 1 is not supported (Keras "
                         "and TensorFlow reject it). Received strides=%r, dilation_rate=%r"
                         % (fn, strides, dilation))


def _check_in_channels(fn, name, kernel, axis, channels):
    if kernel.shape[axis] != channels:
        raise ValueError("%s: `%s` has %d input channels (axis %d of shape %s) but the input has %d."
                         % (fn, name, kernel.shape[axis], axis, tuple(kernel.shape), channels))


# ---------------------------------------------------------------------------- convolutions
def _conv_args(fn, x, strides, padding, data_format, dilation_rate, rank, allowed=("valid", "same")):
    """Checked ``(data_format, padding, strides, dilation)`` of a convolution of ``x``."""
    data_format = _data_format(fn, data_format)
    padding = _padding(fn, padding, allowed)
    strides = _ints(fn, "strides", strides, rank)
    dilation = _ints(fn, "dilation_rate", dilation_rate, rank)
    _check_strides_dilation(fn, strides, dilation)
    _rank(fn, "x", x, rank + 2, "(batch, spatial..., channels) or channels_first")
    return data_format, padding, strides, dilation


def _conv(fn, x, kernel, strides, padding, data_format, dilation_rate, rank):
    data_format, padding, strides, dilation = _conv_args(
        fn, x, strides, padding, data_format, dilation_rate, rank,
        ("valid", "same", "causal") if rank == 1 else ("valid", "same"))
    _rank(fn, "kernel", kernel, rank + 2, "(spatial..., in_channels, out_channels)")
    _check_in_channels(fn, "kernel", kernel, rank, _channels(x, rank, data_format))
    last = data_format == "channels_last"
    xc = to_channels_first(x, rank, last)
    pad, explicit = conv_padding(tuple(xc.shape[2:]), tuple(kernel.shape[:rank]), strides, dilation,
                                 padding)
    if explicit is not None:
        xc = F.pad(xc, explicit)
    out = _CONV[rank](xc, kernel_to_torch(kernel, rank), None, strides, pad, dilation)
    return from_channels_first(out, rank, last)


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """1-D convolution (cross-correlation, as TensorFlow).

    Args:
        x: ``(batch, steps, channels)`` (``(batch, channels, steps)`` channels_first).
        kernel: ``(width, in_channels, filters)``.
        strides: int.
        padding: 'valid', 'same' or 'causal' (left padding only).
        data_format: default ``K.image_data_format()``.
        dilation_rate: int.

    Example:
        >>> K.conv1d(K.ones((1, 10, 3)), K.ones((3, 3, 4))).shape
        torch.Size([1, 8, 4])
    """
    return _conv("conv1d", x, kernel, strides, padding, data_format, dilation_rate, 1)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    """2-D convolution of ``x`` (NHWC, or NCHW channels_first) with a ``(rows, cols, in, out)`` kernel.

    Example:
        >>> K.conv2d(K.ones((1, 5, 5, 3)), K.ones((3, 3, 3, 8)), padding='same').shape
        torch.Size([1, 5, 5, 8])
    """
    return _conv("conv2d", x, kernel, strides, padding, data_format, dilation_rate, 2)


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1, 1)):
    """3-D convolution of ``x`` (NDHWC, or NCDHW channels_first) with a ``(d, h, w, in, out)`` kernel.

    Example:
        >>> K.conv3d(K.ones((1, 4, 4, 4, 2)), K.ones((2, 2, 2, 2, 5))).shape
        torch.Size([1, 3, 3, 3, 5])
    """
    return _conv("conv3d", x, kernel, strides, padding, data_format, dilation_rate, 3)


def _output_shape(fn, output_shape, x, rank, data_format, filters):
    """The spatial output lengths from Keras's full ``output_shape`` (batch may be None)."""
    if isinstance(output_shape, (torch.Tensor, np.ndarray)):
        output_shape = [int(v) for v in np.asarray(output_shape.tolist()).reshape(-1)]
    if (not isinstance(output_shape, (tuple, list)) or len(output_shape) != rank + 2
            or not all(_is_int(v) for v in output_shape[1:])
            or not (output_shape[0] is None or _is_int(output_shape[0]))):
        raise ValueError("%s: `output_shape` must be a tuple of %d ints (batch may be None), in the "
                         "layout of `data_format`. Received output_shape=%r"
                         % (fn, rank + 2, output_shape))
    shape = list(output_shape)
    if shape[0] is not None and shape[0] != x.shape[0]:
        raise ValueError("%s: `output_shape` batch size %d differs from the input's %d. Received "
                         "output_shape=%r" % (fn, shape[0], x.shape[0], output_shape))
    channels = shape[1] if data_format == "channels_first" else shape[-1]
    spatial = shape[2:] if data_format == "channels_first" else shape[1:-1]
    if channels != filters:
        raise ValueError("%s: `output_shape` has %d channels but the kernel makes %d (axis -2 of the "
                         "kernel, Keras layout (spatial..., out, in)). Received output_shape=%r"
                         % (fn, channels, filters, output_shape))
    return [int(v) for v in spatial]


def _conv_transpose(fn, x, kernel, output_shape, strides, padding, data_format, dilation_rate, rank):
    data_format, padding, strides, dilation = _conv_args(fn, x, strides, padding, data_format,
                                                         dilation_rate, rank)
    _rank(fn, "kernel", kernel, rank + 2, "(spatial..., out_channels, in_channels)")
    _check_in_channels(fn, "kernel", kernel, rank + 1, _channels(x, rank, data_format))
    out = _output_shape(fn, output_shape, x, rank, data_format, kernel.shape[rank])
    last = data_format == "channels_last"
    xc = to_channels_first(x, rank, last)
    ksize = tuple(kernel.shape[:rank])
    for n, o, k, s, d in zip(xc.shape[2:], out, ksize, strides, dilation):
        k_eff = (k - 1) * d + 1
        expected = -(-o // s) if padding == "same" else -(-(o - k_eff + 1) // s)
        if expected != n:
            raise ValueError("%s: `output_shape` %r does not fit the input %s: a %r convolution with "
                             "kernel %s, strides %s and dilation %s maps it to spatial size %d, not "
                             "the input's %d." % (fn, tuple(output_shape), tuple(x.shape), padding,
                                                  ksize, strides, dilation, expected, n))
    plan = transpose_plan(tuple(xc.shape[2:]), out, ksize, strides, dilation, padding)
    y = conv_transpose_channels_first(xc, kernel_to_torch(kernel, rank), None, strides, dilation, plan)
    return from_channels_first(y, rank, last)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """2-D transposed convolution (the gradient of :func:`conv2d` with respect to its input).

    Args:
        x: 4-D input.
        kernel: ``(rows, cols, out_channels, in_channels)``.
        output_shape: the full output shape in the layout of ``data_format`` (batch may be None);
            the ``padding`` convolution with these ``strides`` must map it back to ``x``'s size.
        strides: tuple of 2 ints.
        padding: 'valid' or 'same'.
        data_format: default ``K.image_data_format()``.
        dilation_rate: tuple of 2 equal ints (Keras uses ``atrous_conv2d_transpose``: no strides then).

    Example:
        >>> K.conv2d_transpose(K.ones((1, 3, 3, 2)), K.ones((3, 3, 4, 2)), (1, 6, 6, 4),
        ...                    strides=(2, 2), padding='same').shape
        torch.Size([1, 6, 6, 4])
    """
    dilation = _ints("conv2d_transpose", "dilation_rate", dilation_rate, 2)
    if dilation[0] != dilation[1]:
        raise ValueError("conv2d_transpose: the 2 entries of `dilation_rate` must be equal (Keras uses "
                         "tf.nn.atrous_conv2d_transpose). Received dilation_rate=%r"
                         % (dilation_rate,))
    return _conv_transpose("conv2d_transpose", x, kernel, output_shape, strides, padding,
                           data_format, dilation, 2)


def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding="valid", data_format=None):
    """3-D transposed convolution; ``kernel`` is ``(d, h, w, out_channels, in_channels)``.

    Example:
        >>> K.conv3d_transpose(K.ones((1, 2, 2, 2, 1)), K.ones((2, 2, 2, 3, 1)), (1, 4, 4, 4, 3),
        ...                    strides=(2, 2, 2)).shape
        torch.Size([1, 4, 4, 4, 3])
    """
    return _conv_transpose("conv3d_transpose", x, kernel, output_shape, strides, padding,
                           data_format, 1, 3)


def _depthwise(fn, x, depthwise_kernel, strides, padding, data_format, dilation_rate, rank):
    """Depthwise convolution: channels-first result and whether the input was channels_last."""
    data_format, padding, strides, dilation = _conv_args(fn, x, strides, padding, data_format,
                                                         dilation_rate, rank)
    _rank(fn, "depthwise_kernel", depthwise_kernel, rank + 2,
          "(spatial..., in_channels, depth_multiplier)")
    channels = _channels(x, rank, data_format)
    _check_in_channels(fn, "depthwise_kernel", depthwise_kernel, rank, channels)
    last = data_format == "channels_last"
    xc = to_channels_first(x, rank, last)
    pad, explicit = conv_padding(tuple(xc.shape[2:]), tuple(depthwise_kernel.shape[:rank]), strides,
                                 dilation, padding)
    if explicit is not None:
        xc = F.pad(xc, explicit)
    y = _CONV[rank](xc, depthwise_kernel_to_torch(depthwise_kernel, rank), None, strides, pad,
                    dilation, channels)
    return y, last


def _separable(fn, x, depthwise_kernel, pointwise_kernel, strides, padding, data_format,
               dilation_rate, rank):
    _rank(fn, "pointwise_kernel", pointwise_kernel, rank + 2, "(1..., in * depth_multiplier, out)")
    y, last = _depthwise(fn, x, depthwise_kernel, strides, padding, data_format, dilation_rate, rank)
    if tuple(pointwise_kernel.shape[:rank]) != (1,) * rank:
        raise ValueError("%s: `pointwise_kernel` must be 1x1 (shape (1..., in * depth_multiplier, "
                         "out)). Received shape %s" % (fn, tuple(pointwise_kernel.shape)))
    _check_in_channels(fn, "pointwise_kernel", pointwise_kernel, rank, y.shape[1])
    y = _CONV[rank](y, kernel_to_torch(pointwise_kernel, rank))
    return from_channels_first(y, rank, last)


def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                     data_format=None, dilation_rate=1):
    """1-D depthwise convolution followed by a pointwise (1x1) one.

    Args:
        x: 3-D input.
        depthwise_kernel: ``(width, in_channels, depth_multiplier)``.
        pointwise_kernel: ``(1, in_channels * depth_multiplier, filters)``.
        strides, dilation_rate: ints (not both > 1).
        padding: 'valid' or 'same'.
        data_format: default ``K.image_data_format()``.

    Example:
        >>> K.separable_conv1d(K.ones((1, 8, 2)), K.ones((3, 2, 2)), K.ones((1, 4, 5))).shape
        torch.Size([1, 6, 5])
    """
    return _separable("separable_conv1d", x, depthwise_kernel, pointwise_kernel, strides, padding,
                      data_format, dilation_rate, 1)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    """2-D depthwise convolution followed by a pointwise (1x1) one.

    Args:
        depthwise_kernel: ``(rows, cols, in_channels, depth_multiplier)``.
        pointwise_kernel: ``(1, 1, in_channels * depth_multiplier, filters)``.

    Example:
        >>> K.separable_conv2d(K.ones((1, 5, 5, 2)), K.ones((3, 3, 2, 1)), K.ones((1, 1, 2, 4))).shape
        torch.Size([1, 3, 3, 4])
    """
    return _separable("separable_conv2d", x, depthwise_kernel, pointwise_kernel, strides, padding,
                      data_format, dilation_rate, 2)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """2-D depthwise convolution: output channel ``i * depth_multiplier + m`` reads input channel ``i``.

    Args:
        depthwise_kernel: ``(rows, cols, in_channels, depth_multiplier)``.

    Example:
        >>> K.depthwise_conv2d(K.ones((1, 5, 5, 2)), K.ones((3, 3, 2, 3))).shape
        torch.Size([1, 3, 3, 6])
    """
    y, last = _depthwise("depthwise_conv2d", x, depthwise_kernel, strides, padding, data_format,
                         dilation_rate, 2)
    return from_channels_first(y, 2, last)


# ---------------------------------------------------------------------------- pooling
def _pool(fn, x, pool_size, strides, padding, data_format, pool_mode, rank):
    data_format = _data_format(fn, data_format)
    padding = _padding(fn, padding)
    if pool_mode not in ("max", "avg"):
        raise ValueError("%s: `pool_mode` must be 'max' or 'avg'. Received pool_mode=%r"
                         % (fn, pool_mode))
    pool_size = _ints(fn, "pool_size", pool_size, rank)
    strides = _ints(fn, "strides", strides, rank)
    _rank(fn, "x", x, rank + 2, "(batch, spatial..., channels) or channels_first")
    last = data_format == "channels_last"
    out = pool_channels_first(to_channels_first(x, rank, last), pool_size, strides, padding, pool_mode)
    return from_channels_first(out, rank, last)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    """2-D max or average pooling with TF's 'same' rule (padding ignored by max, not counted by avg).

    Example:
        >>> K.pool2d(K.ones((1, 4, 4, 3)), (2, 2), strides=(2, 2)).shape
        torch.Size([1, 2, 2, 3])
    """
    return _pool("pool2d", x, pool_size, strides, padding, data_format, pool_mode, 2)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None, pool_mode="max"):
    """3-D max or average pooling (as :func:`pool2d`).

    Example:
        >>> K.pool3d(K.ones((1, 4, 4, 4, 3)), (2, 2, 2), strides=(2, 2, 2), pool_mode='avg').shape
        torch.Size([1, 2, 2, 2, 3])
    """
    return _pool("pool3d", x, pool_size, strides, padding, data_format, pool_mode, 3)


# ---------------------------------------------------------------------------- locally connected
def _local(fn, inputs, kernel, kernel_size, strides, out_lengths, data_format):
    rank = len(out_lengths)
    kernel_size = _ints(fn, "kernel_size", kernel_size, rank)
    strides = _ints(fn, "strides", strides, rank)
    _rank(fn, "inputs", inputs, rank + 2, "(batch, spatial..., channels) or channels_first")
    _rank(fn, "kernel", kernel, 3, "(output_items, feature_dim, filters)")
    last = data_format == "channels_last"
    spatial = tuple(inputs.shape[1:-1]) if last else tuple(inputs.shape[2:])
    channels = _channels(inputs, rank, data_format)
    features = int(np.prod(kernel_size)) * channels
    if kernel.shape[0] != int(np.prod(out_lengths)) or kernel.shape[1] != features:
        raise ValueError("%s: `kernel` must have shape (%d, %d, filters) (output positions %s, "
                         "kernel_size %s x %d input channels). Received shape %s"
                         % (fn, int(np.prod(out_lengths)), features, tuple(out_lengths), kernel_size,
                            channels, tuple(kernel.shape)))
    for n, o, k, s in zip(spatial, out_lengths, kernel_size, strides):
        if (o - 1) * s + k > n:
            raise ValueError("%s: %d output positions with kernel_size %s and strides %s need an input "
                             "of at least %d along each axis; the input has spatial shape %s."
                             % (fn, o, kernel_size, strides, (o - 1) * s + k, spatial))
    out = local_matmul(local_patches(inputs, kernel_size, strides, out_lengths, last), kernel)
    out = out.reshape((inputs.shape[0],) + tuple(out_lengths) + (kernel.shape[2],))
    return out if last else to_channels_first(out, rank, True)


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    """1-D convolution with unshared weights (Keras ``LocallyConnected1D``).

    Keras 2.2.4 slices the input as ``(batch, steps, channels)`` whatever ``data_format`` says
    (tf.keras later honoured channels_first), so ``data_format=None`` means channels_last here and
    ``'channels_first'`` is refused rather than given either version's numbers silently.

    Args:
        inputs: ``(batch, steps, channels)``.
        kernel: ``(output_length, kernel_size * channels, filters)``, features ordered (k, channels).
        kernel_size: tuple of 1 int.
        strides: tuple of 1 int.

    Returns:
        ``(batch, output_length, filters)``.

    Example:
        >>> K.local_conv1d(K.ones((2, 6, 3)), K.ones((4, 9, 5)), (3,), (1,)).shape
        torch.Size([2, 4, 5])
    """
    if data_format is not None and _data_format("local_conv1d", data_format) != "channels_last":
        raise ValueError("local_conv1d: data_format='channels_first' is not supported: Keras 2.2.4 "
                         "ignored it (and tf.keras honours it), so its meaning depends on the version. "
                         "Transpose the input to (batch, steps, channels) and pass "
                         "data_format='channels_last'.")
    _rank("local_conv1d", "kernel", kernel, 3, "(output_length, feature_dim, filters)")
    return _local("local_conv1d", inputs, kernel, kernel_size, strides, (kernel.shape[0],),
                  "channels_last")


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """2-D convolution with unshared weights (Keras ``LocallyConnected2D``, without bias).

    Args:
        inputs: 4-D input.
        kernel: ``(output_row * output_col, feature_dim, filters)``; features ordered
            ``(kh, kw, channels)`` for channels_last, ``(channels, kh, kw)`` for channels_first.
        kernel_size, strides: tuples of 2 ints.
        output_shape: ``(output_row, output_col)``.
        data_format: default ``K.image_data_format()``.

    Example:
        >>> K.local_conv2d(K.ones((1, 4, 4, 2)), K.ones((9, 8, 3)), (2, 2), (1, 1), (3, 3)).shape
        torch.Size([1, 3, 3, 3])
    """
    data_format = _data_format("local_conv2d", data_format)
    out = _ints("local_conv2d", "output_shape", output_shape, 2)
    return _local("local_conv2d", inputs, kernel, kernel_size, strides, out, data_format)


# ---------------------------------------------------------------------------- resizing, padding
def _factors(fn, names, values):
    for name, value in zip(names, values):
        if not _is_int(value) or value < 1:
            raise ValueError("%s: `%s` must be a positive integer. Received %s=%r"
                             % (fn, name, name, value))
    return tuple(int(v) for v in values)


def resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    """Upsample the rows and columns of a 4-D tensor by integer factors.

    Args:
        x: 4-D tensor.
        height_factor, width_factor: positive integers.
        data_format: 'channels_last' or 'channels_first' (None: ``K.image_data_format()``).
        interpolation: 'nearest' or 'bilinear'. Bilinear is Keras 2.2.4's
            ``tf.image.resize_bilinear`` (no half-pixel centres; tf-keras 2.x gives other numbers).

    Example:
        >>> K.resize_images(K.ones((1, 2, 3, 4)), 2, 3, 'channels_last').shape
        torch.Size([1, 4, 9, 4])
    """
    fn = "resize_images"
    data_format = _data_format(fn, data_format)
    factors = _factors(fn, ("height_factor", "width_factor"), (height_factor, width_factor))
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError("resize_images: `interpolation` must be 'nearest' or 'bilinear' (Keras "
                         "2.2.4's methods). Received interpolation=%r" % (interpolation,))
    _rank(fn, "x", x, 4, "(batch, rows, cols, channels) or channels_first")
    axes = [2, 3] if data_format == "channels_first" else [1, 2]
    if interpolation == "nearest":
        return repeat_axes(x, axes, factors)
    for axis, factor in ((axes[1], factors[1]), (axes[0], factors[0])):   # width first, as TF
        x = bilinear_axis(x, axis, factor)
    return x


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Repeat the depth, rows and columns of a 5-D tensor by integer factors (nearest).

    Example:
        >>> K.resize_volumes(K.ones((1, 2, 2, 2, 3)), 2, 1, 3, 'channels_last').shape
        torch.Size([1, 4, 2, 6, 3])
    """
    fn = "resize_volumes"
    data_format = _data_format(fn, data_format)
    factors = _factors(fn, ("depth_factor", "height_factor", "width_factor"),
                       (depth_factor, height_factor, width_factor))
    _rank(fn, "x", x, 5, "(batch, depth, rows, cols, channels) or channels_first")
    axes = [2, 3, 4] if data_format == "channels_first" else [1, 2, 3]
    return repeat_axes(x, axes, factors)


def _pad_pairs(fn, padding, n):
    """``padding`` as ``n`` pairs of non-negative ints."""
    ok = isinstance(padding, (tuple, list)) and len(padding) == n and all(
        isinstance(p, (tuple, list)) and len(p) == 2 and all(_is_int(v) and v >= 0 for v in p)
        for p in padding)
    if not ok:
        raise ValueError("%s: `padding` must be a tuple of %d pairs of non-negative ints, e.g. %r. "
                         "Received padding=%r" % (fn, n, ((1, 1),) * n, padding))
    return [tuple(int(v) for v in p) for p in padding]


def _zero_pad(fn, x, pairs, data_format):
    rank = len(pairs)
    _rank(fn, "x", x, rank + 2, "(batch, spatial..., channels) or channels_first")
    first = 2 if data_format == "channels_first" else 1
    widths = []
    for d in reversed(range(1, x.dim())):
        widths.extend(pairs[d - first] if first <= d < first + rank else (0, 0))
    return F.pad(x, widths)


def temporal_padding(x, padding=(1, 1)):
    """Zero-pad the middle axis of a 3-D tensor: ``padding = (before, after)``.

    Example:
        >>> K.temporal_padding(K.ones((1, 3, 2)), (1, 2)).shape
        torch.Size([1, 6, 2])
    """
    if not (isinstance(padding, (tuple, list)) and len(padding) == 2):
        raise ValueError("temporal_padding: `padding` must be a tuple of 2 non-negative ints. "
                         "Received padding=%r" % (padding,))
    pairs = _pad_pairs("temporal_padding", (tuple(padding),), 1)
    return _zero_pad("temporal_padding", x, pairs, "channels_last")


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Zero-pad rows and columns of a 4-D tensor: ``((top, bottom), (left, right))``.

    Example:
        >>> K.spatial_2d_padding(K.ones((1, 2, 2, 1)), ((1, 0), (0, 2))).shape
        torch.Size([1, 3, 4, 1])
    """
    data_format = _data_format("spatial_2d_padding", data_format)
    return _zero_pad("spatial_2d_padding", x, _pad_pairs("spatial_2d_padding", padding, 2),
                     data_format)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Zero-pad depth, rows and columns of a 5-D tensor: three ``(before, after)`` pairs.

    Example:
        >>> K.spatial_3d_padding(K.ones((1, 2, 2, 2, 1))).shape
        torch.Size([1, 4, 4, 4, 1])
    """
    data_format = _data_format("spatial_3d_padding", data_format)
    return _zero_pad("spatial_3d_padding", x, _pad_pairs("spatial_3d_padding", padding, 3),
                     data_format)
