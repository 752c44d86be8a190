"""Keras 1.2.2 preprocessing helpers that Keras 2 dropped: ``image.apply_transform`` and
``text.maketrans`` (re-exported from :mod:`torkeras.preprocessing.image` / ``.text``)."""
import numpy as np
import torch

__all__ = ["apply_transform", "maketrans"]

#: Keras 1 ``keras.preprocessing.text.maketrans``: Python 3's ``str.maketrans``.
maketrans = str.maketrans


def apply_transform(x, transform_matrix, channel_axis=0, fill_mode="nearest", cval=0.):
    """Apply a 3x3 homogeneous ``transform_matrix`` to every channel of one image, with
    nearest-neighbour sampling (Keras 1.2.2: ``scipy.ndimage.affine_transform`` with ``order=0``).

    The output pixel ``(i, j)`` takes the input at ``transform_matrix[:2, :2] @ (i, j) +
    transform_matrix[:2, 2]``, rounded to the nearest pixel.

    Args:
        x: 3-D image array.
        transform_matrix: 3x3 array (e.g. from ``transform_matrix_offset_center``).
        channel_axis: the channel axis of ``x`` (Keras 1 default 0, channels first).
        fill_mode: ``'constant'``, ``'nearest'``, ``'reflect'`` or ``'wrap'``.
        cval: value outside the image for ``'constant'``.

    Returns:
        The transformed image (same shape and dtype).

    Example:
        >>> shifted = apply_transform(img, np.array([[1, 0, 2], [0, 1, 0], [0, 0, 1.]]), 2)
    """
    from ..preprocessing import _image_ops
    _image_ops.check_fill_mode("apply_transform", fill_mode)
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError("apply_transform: expected a 3-D image. Received an array of shape %s."
                         % (x.shape,))
    matrix = np.asarray(transform_matrix, dtype=np.float64)
    if matrix.shape != (3, 3):
        raise ValueError("apply_transform: transform_matrix must be 3x3. Received shape %s."
                         % (matrix.shape,))
    planes = torch.from_numpy(np.ascontiguousarray(np.rollaxis(x, channel_axis, 0), dtype=np.float64))
    _, h, w = planes.shape
    ii = torch.arange(h, dtype=torch.float64).view(h, 1)
    jj = torch.arange(w, dtype=torch.float64).view(1, w)
    rows = (float(matrix[0, 2]) + ii * float(matrix[0, 0])) + jj * float(matrix[0, 1])
    cols = (float(matrix[1, 2]) + ii * float(matrix[1, 0])) + jj * float(matrix[1, 1])
    r0, r1, _, wr1, r_out = _image_ops._axis_taps(rows, h, fill_mode)
    c0, c1, _, wc1, c_out = _image_ops._axis_taps(cols, w, fill_mode)
    r = torch.where(wr1 >= 0.5, r1, r0)   # nearest pixel: floor(coordinate + 0.5)
    c = torch.where(wc1 >= 0.5, c1, c0)
    out = planes.reshape(planes.shape[0], -1)[:, (r * w + c).reshape(-1)].reshape(-1, h, w)
    if fill_mode == "constant":
        out = torch.where((r_out | c_out).unsqueeze(0), torch.full_like(out, float(cval)), out)
    out = _image_ops._cast_like(out.numpy(), x.dtype)
    return np.rollaxis(out, 0, channel_axis + 1)
