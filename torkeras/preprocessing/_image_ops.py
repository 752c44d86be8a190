"""Array-level image transforms of ``keras.preprocessing.image`` (affine, flips, channel and brightness
shifts), on torch and numpy.

The affine transform composes Keras's matrices exactly (keras_preprocessing 1.0.5
``apply_affine_transform``: rotation, then shift, shear and zoom, each right-multiplied, then moved to
the image centre ``(h/2 + 0.5, w/2 + 0.5)``) and resamples every channel the way
``scipy.ndimage.affine_transform(order=1)`` does: the matrix maps output indices to input coordinates,
bilinear weights ``1 - f`` and ``1 - (1 - f)``, and scipy's boundary modes. torchvision's ``affine``
cannot be used for this: it only fills with a constant and centres the image differently.
"""
import numpy as np
import torch

FILL_MODES = ('constant', 'nearest', 'reflect', 'wrap')


def check_fill_mode(owner, fill_mode):
    if fill_mode not in FILL_MODES:
        raise ValueError("`%s`: `fill_mode` must be one of %s. Received: fill_mode=%r"
                         % (owner, ", ".join(repr(m) for m in FILL_MODES), fill_mode))


def transform_matrix_offset_center(matrix, x, y):
    """Move a 3x3 homogeneous ``matrix`` so that it acts around the centre of an ``x`` by ``y`` image."""
    o_x = float(x) / 2 + 0.5
    o_y = float(y) / 2 + 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return np.dot(np.dot(offset_matrix, matrix), reset_matrix)


def _compose(theta, tx, ty, shear, zx, zy):
    """Keras's product rotation . shift . shear . zoom (None when every part is the identity)."""
    matrix = None

    def chain(current, nxt):
        return nxt if current is None else np.dot(current, nxt)

    if theta != 0:
        t = np.deg2rad(theta)
        matrix = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    if tx != 0 or ty != 0:
        matrix = chain(matrix, np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        matrix = chain(matrix, np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        matrix = chain(matrix, np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    return matrix


def _reflect_index(idx, n):
    """Half-sample symmetric extension (``dcba|abcd|dcba``) of integer indices."""
    period = 2 * n
    idx = torch.remainder(idx, period)
    return torch.where(idx >= n, period - 1 - idx, idx)


def _mirror_index(idx, n):
    """Whole-sample symmetric extension, as scipy uses for the taps just past a border."""
    if n == 1:
        return torch.zeros_like(idx)
    period = 2 * n - 2
    idx = torch.remainder(idx, period)
    return torch.where(idx >= n, period - idx, idx)


def _wrap_coordinate(c, n):
    """scipy's ``'wrap'``: coordinates outside ``[0, n - 1]`` repeat with period ``n - 1``."""
    if n == 1:
        return torch.zeros_like(c)
    sz = float(n - 1)
    low = c + sz * (torch.trunc(-c / sz) + 1)
    high = c - sz * torch.trunc(c / sz)
    return torch.where(c < 0, low, torch.where(c > n - 1, high, c))


def _axis_taps(c, n, fill_mode):
    """Indices of the two taps along one axis, their weights, and the points outside (constant mode)."""
    outside = None
    if fill_mode == 'constant':
        outside = (c < 0) | (c > n - 1)
        c = torch.where(outside, torch.zeros_like(c), c)
    elif fill_mode == 'nearest':
        c = torch.clamp(c, 0, n - 1)
    elif fill_mode == 'wrap':
        c = _wrap_coordinate(c, n)
    start = torch.floor(c)
    w0 = 1.0 - (c - start)
    w1 = 1.0 - w0
    i0 = start.long()
    i1 = i0 + 1
    if fill_mode == 'reflect':
        i0, i1 = _reflect_index(i0, n), _reflect_index(i1, n)
    else:
        i0, i1 = _mirror_index(i0, n), _mirror_index(i1, n)
    return i0, i1, w0, w1, outside


def _resample(planes, matrix, offset, fill_mode, cval):
    """Bilinear resampling of ``planes`` (C, H, W float64) at ``matrix @ (i, j) + offset``."""
    _, h, w = planes.shape
    ii = torch.arange(h, dtype=torch.float64).view(h, 1)
    jj = torch.arange(w, dtype=torch.float64).view(1, w)
    # scipy accumulates from the offset: (offset + i * m0) + j * m1 (the order decides boundary cases)
    rows = (float(offset[0]) + ii * float(matrix[0, 0])) + jj * float(matrix[0, 1])
    cols = (float(offset[1]) + ii * float(matrix[1, 0])) + jj * float(matrix[1, 1])
    r0, r1, wr0, wr1, r_out = _axis_taps(rows, h, fill_mode)
    c0, c1, wc0, wc1, c_out = _axis_taps(cols, w, fill_mode)
    flat = planes.reshape(planes.shape[0], -1)

    def tap(r, c):
        return flat[:, (r * w + c).reshape(-1)].reshape(-1, h, w)

    out = tap(r0, c0) * wr0 * wc0
    out = out + tap(r0, c1) * wr0 * wc1
    out = out + tap(r1, c0) * wr1 * wc0
    out = out + tap(r1, c1) * wr1 * wc1
    if fill_mode == 'constant':
        out = torch.where((r_out | c_out).unsqueeze(0), torch.full_like(out, float(cval)), out)
    return out


def _cast_like(values, dtype):
    """float64 results to ``dtype``; integer types round half away from zero and saturate (as scipy)."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        values = np.where(values > 0, np.floor(values + 0.5), np.ceil(values - 0.5))
        values = np.clip(values, info.min, info.max)
    return values.astype(dtype)


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=0, col_axis=1,
                           channel_axis=2, fill_mode='nearest', cval=0.):
    """Apply rotation, shift, shear and zoom to one image (a 3-D array).

    Args:
        x: the image, 3-D.
        theta: rotation angle in degrees.
        tx: shift along the row axis, in pixels.
        ty: shift along the column axis, in pixels.
        shear: shear angle in degrees.
        zx: zoom along the row axis.
        zy: zoom along the column axis.
        row_axis, col_axis, channel_axis: axes of ``x``.
        fill_mode: ``'constant'``, ``'nearest'``, ``'reflect'`` or ``'wrap'``: how points outside the
            input are filled.
        cval: the value outside the input for ``fill_mode='constant'``.

    Returns:
        The transformed image (same shape and dtype); ``x`` itself when nothing is to be done.

    Example:
        >>> rotated = apply_affine_transform(img, theta=30, fill_mode='constant')
    """
    check_fill_mode("apply_affine_transform", fill_mode)
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError("apply_affine_transform: expected a 3-D image (rows, columns and channels). "
                         "Received an array of shape %s." % (x.shape,))
    matrix = _compose(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    planes = torch.from_numpy(np.ascontiguousarray(np.rollaxis(x, channel_axis, 0), dtype=np.float64))
    out = _resample(planes, matrix[:2, :2], matrix[:2, 2], fill_mode, cval).numpy()
    return np.rollaxis(_cast_like(out, x.dtype), 0, channel_axis + 1)


def flip_axis(x, axis):
    """``x`` reversed along ``axis``."""
    x = np.asarray(x).swapaxes(axis, 0)
    x = x[::-1, ...]
    return x.swapaxes(0, axis)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest', cval=0.):
    """Rotate by a random angle in ``[-rg, rg)`` degrees.

    As in Keras 2.2.4, only ``channel_axis`` reaches the transform: the centre is taken from axes 0
    and 1 of ``x``. For images whose channels come first that is not the image centre.
    """
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest', cval=0.):
    """Shift by random fractions ``[-hrg, hrg)`` of the height and ``[-wrg, wrg)`` of the width.

    The centre is taken from axes 0 and 1 of ``x``, as in Keras 2.2.4 (see :func:`random_rotation`).
    """
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest', cval=0.):
    """Shear by a random angle in ``[-intensity, intensity)`` degrees (centre as :func:`random_rotation`)."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest', cval=0.):
    """Zoom rows and columns by two random factors in ``zoom_range`` (centre as :func:`random_rotation`)."""
    if len(zoom_range) != 2:
        raise ValueError("random_zoom: `zoom_range` should be a tuple or list of two floats. "
                         "Received: %s" % (zoom_range,))
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add ``intensity`` to every channel, clipped to the image's original [min, max]."""
    x = np.rollaxis(x, channel_axis, 0)
    min_x, max_x = np.min(x), np.max(x)
    x = np.stack([np.clip(channel + intensity, min_x, max_x) for channel in x], axis=0)
    return np.rollaxis(x, 0, channel_axis + 1)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """Channel shift by a random intensity in ``[-intensity_range, intensity_range)``."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def to_uint8_scaled(x):
    """Keras's ``array_to_img(scale=True)`` pixel values: shift to >= 0, divide by max, times 255."""
    x = np.array(x, dtype='float32')
    x = x + max(-np.min(x), 0)
    x_max = np.max(x)
    if x_max != 0:
        x /= x_max
    x *= 255
    return x.astype('uint8')


def apply_brightness_shift(x, brightness, channel_axis=2):
    """Scale brightness by ``brightness`` exactly as Keras 2.2.4 did through PIL.

    Keras converted the image to 8 bits (rescaled to [0, 255], see :func:`to_uint8_scaled`),
    blended it with black (``ImageEnhance.Brightness``: each byte times the factor in single precision,
    truncated and clipped to [0, 255]; an alpha channel is kept) and converted back to float32. The
    result is in [0, 255] whatever the input range was.

    Args:
        x: one image, 3-D, with 1, 3 or 4 channels on ``channel_axis``.
        brightness: the factor (1 keeps the image).
        channel_axis: the channel axis (Keras 2.2.4 always assumed the last one).

    Returns:
        float32 array of ``x``'s shape.
    """
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[channel_axis] not in (1, 3, 4):
        raise ValueError("apply_brightness_shift: expected one image with 1, 3 or 4 channels on axis "
                         "%d. Received an array of shape %s." % (channel_axis, x.shape))
    hwc = np.moveaxis(x, channel_axis, -1)
    pixels = to_uint8_scaled(hwc)
    scaled = np.float32(brightness) * pixels.astype(np.float32)
    out = np.trunc(np.clip(scaled, 0, 255)).astype('uint8')
    if pixels.shape[-1] == 4:
        out[..., 3] = pixels[..., 3]
    return np.moveaxis(out.astype('float32'), -1, channel_axis)


def random_brightness(x, brightness_range):
    """Brightness shift by a random factor in ``brightness_range`` (see :func:`apply_brightness_shift`)."""
    if len(brightness_range) != 2:
        raise ValueError("random_brightness: `brightness_range` should be a tuple or list of two "
                         "floats. Received: %s" % (brightness_range,))
    u = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, u)
