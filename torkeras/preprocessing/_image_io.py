"""Image files and arrays for ``keras.preprocessing.image``: load_img, img_to_array, array_to_img,
save_img, list_pictures, and the decoder the directory iterator uses.

PNG and JPEG files are decoded and encoded with ``torchvision.io``; colour conversion follows PIL's
rules exactly (grey ``L = (19595 R + 38470 G + 7471 B + 32768) >> 16``, alpha dropped or set to 255),
and ``'nearest'`` resizing uses torch's ``nearest-exact``, which picks the same pixels as PIL's
NEAREST. PIL (Pillow, a dependency of torchvision) is used where torchvision cannot do the job: the
PIL ``Image`` objects that ``load_img``/``array_to_img`` return (Keras's contract), BMP/PPM/TIFF files,
PIL's other resampling filters, and saving formats other than PNG and JPEG.
"""
import io
import os
import re
import tempfile
import warnings

import numpy as np
import torch

from ._image_ops import to_uint8_scaled

COLOR_MODES = ('grayscale', 'rgb', 'rgba')
INTERPOLATIONS = ('nearest', 'bilinear', 'bicubic', 'lanczos', 'box', 'hamming')
DATA_FORMATS = ('channels_first', 'channels_last')
_TORCHVISION_FORMATS = ('.png', '.jpg', '.jpeg')


def _pil_image():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("This keras.preprocessing.image function needs Pillow (PIL Images are its "
                          "input or output). Install it with `pip install Pillow`.")
    return Image


def check_choice(owner, name, value, choices):
    if value not in choices:
        raise ValueError("`%s`: `%s` must be one of %s. Received: %s=%r"
                         % (owner, name, ", ".join(repr(c) for c in choices), name, value))


def _resolve_color_mode(owner, grayscale, color_mode):
    if grayscale is True:
        warnings.warn("grayscale is deprecated. Please use color_mode = \"grayscale\"")
        color_mode = 'grayscale'
    check_choice(owner, "color_mode", color_mode, COLOR_MODES)
    return color_mode


def _target_wh(owner, target_size):
    if target_size is None:
        return None
    if len(target_size) != 2 or not all(int(v) == v and v > 0 for v in target_size):
        raise ValueError("`%s`: `target_size` must be None or (height, width) with positive integers. "
                         "Received: target_size=%r" % (owner, target_size))
    return int(target_size[1]), int(target_size[0])


def _pil_resample(Image, interpolation):
    names = {'nearest': 'NEAREST', 'bilinear': 'BILINEAR', 'bicubic': 'BICUBIC', 'lanczos': 'LANCZOS',
             'box': 'BOX', 'hamming': 'HAMMING'}
    resampling = getattr(Image, 'Resampling', Image)
    return getattr(resampling, names[interpolation])


def load_img(path, grayscale=False, color_mode='rgb', target_size=None, interpolation='nearest'):
    """Load an image file as a PIL Image.

    Args:
        path: path to the image file.
        grayscale: deprecated; same as ``color_mode='grayscale'``.
        color_mode: ``'grayscale'``, ``'rgb'`` or ``'rgba'``.
        target_size: ``None`` (keep the size) or ``(height, width)``.
        interpolation: resampling filter when resizing: ``'nearest'``, ``'bilinear'``, ``'bicubic'``,
            ``'lanczos'``, ``'box'`` or ``'hamming'``.

    Returns:
        A PIL Image (needs Pillow).

    Example:
        >>> img = load_img('cat.jpg', target_size=(224, 224))
        >>> x = img_to_array(img)
    """
    color_mode = _resolve_color_mode("load_img", grayscale, color_mode)
    check_choice("load_img", "interpolation", interpolation, INTERPOLATIONS)
    size = _target_wh("load_img", target_size)
    Image = _pil_image()
    img = Image.open(path)
    wanted = {'grayscale': 'L', 'rgba': 'RGBA', 'rgb': 'RGB'}[color_mode]
    if img.mode != wanted:
        img = img.convert(wanted)
    if size is not None and img.size != size:
        img = img.resize(size, _pil_resample(Image, interpolation))
    return img


def img_to_array(img, data_format=None, dtype=None):
    """A 3-D array from a PIL Image (or anything ``np.asarray`` reads as 2-D or 3-D).

    Args:
        img: the image.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default: the backend's).
        dtype: array dtype (default: the backend's floatx).

    Returns:
        Array ``(height, width, channels)`` or ``(channels, height, width)``.

    Example:
        >>> x = img_to_array(load_img('cat.png'))
    """
    from ..backend import config
    data_format = config.image_data_format() if data_format is None else data_format
    check_choice("img_to_array", "data_format", data_format, DATA_FORMATS)
    x = np.asarray(img, dtype=config.floatx() if dtype is None else dtype)
    if x.ndim == 2:
        x = x.reshape((1,) + x.shape if data_format == 'channels_first' else x.shape + (1,))
    elif x.ndim == 3:
        if data_format == 'channels_first':
            x = x.transpose(2, 0, 1)
    else:
        raise ValueError("img_to_array: unsupported image shape %s; expected a 2-D or 3-D image."
                         % (x.shape,))
    return x


def _hwc_pixels(owner, x, data_format, scale, dtype):
    """uint8 (height, width, channels) pixels of a 3-D array, as Keras's array_to_img computes them."""
    from ..backend import config
    data_format = config.image_data_format() if data_format is None else data_format
    check_choice(owner, "data_format", data_format, DATA_FORMATS)
    x = np.asarray(x, dtype=config.floatx() if dtype is None else dtype)
    if x.ndim != 3:
        raise ValueError("%s: expected an image array of rank 3 (single image). Got an array with "
                         "shape %s." % (owner, x.shape))
    if data_format == 'channels_first':
        x = x.transpose(1, 2, 0)
    if x.shape[2] not in (1, 3, 4):
        raise ValueError("%s: unsupported channel number %d; expected 1, 3 or 4." % (owner, x.shape[2]))
    return to_uint8_scaled(x) if scale else x.astype('uint8')


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL Image from a 3-D array.

    Args:
        x: the array, with 1, 3 or 4 channels.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default: the backend's).
        scale: rescale values to [0, 255] (shift so the minimum is >= 0, divide by the maximum).
        dtype: dtype the array is read as first (default: the backend's floatx).

    Returns:
        A PIL Image, mode ``'L'``, ``'RGB'`` or ``'RGBA'`` (needs Pillow).

    Example:
        >>> img = array_to_img(np.random.rand(8, 8, 3))
    """
    pixels = _hwc_pixels("array_to_img", x, data_format, scale, dtype)
    Image = _pil_image()
    if pixels.shape[2] == 1:
        return Image.fromarray(pixels[:, :, 0], 'L')
    return Image.fromarray(pixels, 'RGBA' if pixels.shape[2] == 4 else 'RGB')


def _file_format(path, file_format):
    if file_format is not None:
        return str(file_format).lower()
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError("save_img: `file_format` is required when `path` is a file object.")
    return os.path.splitext(os.fspath(path))[1].lower().lstrip('.')


def _encode(pixels, fmt, kwargs):
    """Encoded bytes of uint8 HWC ``pixels`` in ``fmt`` (torchvision for PNG/JPEG, PIL otherwise)."""
    if fmt in ('jpg', 'jpeg') and pixels.shape[2] == 4:
        warnings.warn('The JPG format does not support RGBA images, converting to RGB.')
        pixels = pixels[:, :, :3]
    chw = torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1)))
    if fmt == 'png' and pixels.shape[2] in (1, 3) and not kwargs:
        from torchvision.io import encode_png
        return encode_png(chw).numpy().tobytes()
    if fmt in ('jpg', 'jpeg') and set(kwargs) <= {'quality'}:
        from torchvision.io import encode_jpeg
        return encode_jpeg(chw, quality=int(kwargs.get('quality', 75))).numpy().tobytes()
    Image = _pil_image()
    mode = {1: 'L', 3: 'RGB', 4: 'RGBA'}[pixels.shape[2]]
    img = Image.fromarray(pixels[:, :, 0] if mode == 'L' else pixels, mode)
    buf = io.BytesIO()
    img.save(buf, format={'jpg': 'JPEG', 'tif': 'TIFF'}.get(fmt, fmt.upper()), **kwargs)
    return buf.getvalue()


def _atomic_write(path, data):
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Save a 3-D array as an image file (written atomically).

    Args:
        path: file path, or a writable binary file object (then ``file_format`` is required).
        x: the array, with 1, 3 or 4 channels.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default: the backend's).
        file_format: ``'png'``, ``'jpeg'``, ... (default: from the file extension).
        scale: rescale values to [0, 255] as :func:`array_to_img`.
        **kwargs: encoder options (``quality`` for JPEG; others are passed to PIL's ``Image.save``).

    Example:
        >>> save_img('out.png', np.random.rand(8, 8, 3))
    """
    pixels = _hwc_pixels("save_img", x, data_format, scale, None)
    fmt = _file_format(path, file_format)
    data = _encode(pixels, fmt, kwargs)
    if hasattr(path, 'write'):
        path.write(data)
    else:
        _atomic_write(path, data)


def list_pictures(directory, ext='jpg|jpeg|bmp|png|ppm'):
    """Paths of the pictures under ``directory`` (recursively) whose extension matches ``ext``."""
    return [os.path.join(root, f)
            for root, _, files in os.walk(directory) for f in files
            if re.match(r'([\w]+\.(?:' + ext + '))', f.lower())]


def _pil_gray(rgb):
    """PIL's RGB -> L conversion on a uint8 (3, H, W) tensor."""
    r, g, b = (rgb[i].to(torch.int32) for i in range(3))
    return ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16).to(torch.uint8).unsqueeze(0)


def _decode_torchvision(path, color_mode):
    """uint8 (C, H, W) pixels as PIL would give them, or None when torchvision cannot be exact."""
    from torchvision.io import ImageReadMode, decode_image, read_file
    if color_mode == 'rgba' or not path.lower().endswith(_TORCHVISION_FORMATS):
        return None
    try:
        pixels = decode_image(read_file(path), mode=ImageReadMode.RGB)
    except RuntimeError:
        # Not decodable by torchvision (e.g. a CMYK JPEG): PIL takes over (it raises if it cannot).
        return None
    if pixels.dtype != torch.uint8:
        return None
    return _pil_gray(pixels) if color_mode == 'grayscale' else pixels


def load_array(path, color_mode, target_size, interpolation, data_format):
    """float32 3-D array of an image file, equal to ``img_to_array(load_img(...), data_format)``."""
    size = _target_wh("load_img", target_size)
    pixels = _decode_torchvision(path, color_mode)
    if pixels is not None and size is not None and tuple(pixels.shape[2:0:-1]) != size:
        if interpolation != 'nearest':
            pixels = None
        else:
            pixels = torch.nn.functional.interpolate(pixels.unsqueeze(0).float(), size=size[::-1],
                                                     mode='nearest-exact')[0]
    if pixels is None:
        img = load_img(path, color_mode=color_mode, target_size=target_size,
                       interpolation=interpolation)
        x = img_to_array(img, data_format=data_format, dtype='float32')
        if hasattr(img, 'close'):
            img.close()
        return x
    x = pixels.to(torch.float32).numpy()
    return x if data_format == 'channels_first' else np.ascontiguousarray(x.transpose(1, 2, 0))
