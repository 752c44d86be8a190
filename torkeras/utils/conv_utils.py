"""Shape helpers of convolutional layers (``keras.utils.conv_utils``, Keras 2.2.4).

Lengths follow Keras's formulas for each padding mode: ``'valid'``, ``'same'`` (TensorFlow's SAME),
``'causal'`` (Conv1D) and ``'full'`` (the Theano mode, kept for the arithmetic only: torkeras layers
do not accept ``padding='full'``).

Example:
    >>> from torkeras.utils import conv_utils
    >>> conv_utils.conv_output_length(28, 3, 'valid', 1)
    26
    >>> conv_utils.normalize_tuple(3, 2, 'kernel_size')
    (3, 3)
"""
import numpy as np

from ..backend.config import normalize_data_format  # noqa: F401  (Keras 2.2.4: K.normalize_data_format)

__all__ = ["normalize_tuple", "normalize_padding", "normalize_data_format", "convert_kernel",
           "conv_output_length", "conv_input_length", "deconv_length"]

_LENGTH_PADDINGS = ("valid", "same", "causal", "full")


def normalize_tuple(value, n, name):
    """Turn an int or an iterable of ``n`` ints into a tuple of ``n`` ints.

    Args:
        value: an int, or an iterable of ints.
        n: length of the tuple to return.
        name: name of the argument (for the error message), e.g. ``'strides'``.

    Returns:
        A tuple of ``n`` ints.

    Raises:
        ValueError: ``value`` is not an int or an iterable of ``n`` ints.

    Example:
        >>> normalize_tuple((2, 1), 2, 'strides')
        (2, 1)
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    expected = "The `%s` argument must be a tuple of %d integers. Received: %r" % (name, n, value)
    try:
        items = tuple(value)
    except TypeError:
        raise ValueError(expected)
    if len(items) != n:
        raise ValueError(expected)
    for item in items:
        try:
            int(item)
        except (TypeError, ValueError):
            raise ValueError("%s including element %r of type %s" % (expected, item, type(item)))
    return items


def normalize_padding(value):
    """Lower-case ``value`` and check it is ``'valid'``, ``'same'`` or ``'causal'``.

    Args:
        value: the padding string.

    Returns:
        The lower-cased padding.

    Raises:
        ValueError: another value (``'full'`` was Theano-only and torkeras has no Theano backend).

    Example:
        >>> normalize_padding('SAME')
        'same'
    """
    padding = value.lower() if isinstance(value, str) else value
    if padding not in ("valid", "same", "causal"):
        raise ValueError('The `padding` argument must be one of "valid", "same" (or "causal" for '
                         'Conv1D). Received: %r' % (value,))
    return padding


def convert_kernel(kernel):
    """Flip a convolution kernel between the Theano and TensorFlow conventions.

    Reverses every spatial axis (all axes but the last two); applying it twice gives the kernel back.

    Args:
        kernel: array of rank 3, 4 or 5 in Keras layout (spatial axes, input channels, filters).

    Returns:
        A new array.

    Raises:
        ValueError: the kernel's rank is not 3, 4 or 5.

    Example:
        >>> convert_kernel(np.arange(4.).reshape(2, 2, 1, 1))[:, :, 0, 0]
        array([[3., 2.],
               [1., 0.]])
    """
    kernel = np.asarray(kernel)
    if not 3 <= kernel.ndim <= 5:
        raise ValueError("convert_kernel: expected a kernel of rank 3, 4 or 5. Received shape %s"
                         % (kernel.shape,))
    spatial = (slice(None, None, -1),) * (kernel.ndim - 2)
    return np.copy(kernel[spatial + (slice(None), slice(None))])


def _check_length_padding(fn, padding, allowed=_LENGTH_PADDINGS):
    if padding not in allowed:
        raise ValueError("%s: `padding` must be one of %s. Received: padding=%r"
                         % (fn, ", ".join(repr(p) for p in allowed), padding))


def _dilated(kernel, dilation):
    return kernel + (kernel - 1) * (dilation - 1)


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """Output length of a convolution along one axis.

    Args:
        input_length: int or None (unknown length gives None).
        filter_size: kernel length.
        padding: ``'valid'``, ``'same'``, ``'causal'`` or ``'full'``.
        stride: int.
        dilation: dilation rate.

    Returns:
        The output length, or None.

    Example:
        >>> conv_output_length(10, 3, 'same', 2)
        5
    """
    _check_length_padding("conv_output_length", padding)
    if input_length is None:
        return None
    k = _dilated(filter_size, dilation)
    if padding == "valid":
        length = input_length - k + 1
    elif padding == "full":
        length = input_length + k - 1
    else:
        length = input_length
    return (length + stride - 1) // stride


def _pad_of(padding, kernel):
    return {"same": kernel // 2, "valid": 0, "full": kernel - 1}[padding]


def conv_input_length(output_length, filter_size, padding, stride):
    """Input length of a convolution along one axis, from its output length.

    Args:
        output_length: int or None.
        filter_size: kernel length.
        padding: ``'valid'``, ``'same'`` or ``'full'``.
        stride: int.

    Returns:
        The input length, or None.

    Example:
        >>> conv_input_length(26, 3, 'valid', 1)
        28
    """
    _check_length_padding("conv_input_length", padding, ("valid", "same", "full"))
    if output_length is None:
        return None
    return (output_length - 1) * stride - 2 * _pad_of(padding, filter_size) + filter_size


def deconv_length(dim_size, stride_size, kernel_size, padding, output_padding, dilation=1):
    """Output length of a transposed convolution along one axis.

    Args:
        dim_size: input length (int or None).
        stride_size: stride.
        kernel_size: kernel length.
        padding: ``'valid'``, ``'same'`` or ``'full'``.
        output_padding: int, or None to infer it.
        dilation: dilation rate.

    Returns:
        The output length, or None.

    Example:
        >>> deconv_length(4, 2, 3, 'valid', None)
        9
    """
    _check_length_padding("deconv_length", padding, ("valid", "same", "full"))
    if dim_size is None:
        return None
    k = _dilated(kernel_size, dilation)
    if output_padding is None:
        if padding == "valid":
            return dim_size * stride_size + max(k - stride_size, 0)
        if padding == "full":
            return dim_size * stride_size - (stride_size + k - 2)
        return dim_size * stride_size
    return (dim_size - 1) * stride_size + k - 2 * _pad_of(padding, k) + output_padding
