"""Global Keras settings: floatx, epsilon, image_data_format (Keras 2.2.4 backend/common.py)."""
_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def floatx():
    """Default float type as a string, ``'float32'``."""
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError("set_floatx: unknown floatx type %r; expected 'float16', 'float32' or 'float64'."
                         % (value,))
    _FLOATX = str(value)


def epsilon():
    """The fuzz factor used in numeric expressions (1e-7, as in Keras)."""
    return _EPSILON


def set_epsilon(e):
    global _EPSILON
    _EPSILON = float(e)


def image_data_format():
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("set_image_data_format: expected 'channels_last' or 'channels_first'. "
                         "Received %r" % (data_format,))
    _IMAGE_DATA_FORMAT = str(data_format)


def image_dim_ordering():
    """Keras-1 getter: ``'tf'`` for channels_last, ``'th'`` for channels_first."""
    return "th" if _IMAGE_DATA_FORMAT == "channels_first" else "tf"


def set_image_dim_ordering(dim_ordering):
    if dim_ordering not in ("tf", "th"):
        raise ValueError("set_image_dim_ordering: expected 'tf' or 'th'. Received %r" % (dim_ordering,))
    set_image_data_format("channels_first" if dim_ordering == "th" else "channels_last")


def normalize_data_format(value):
    if value is None:
        value = image_data_format()
    data_format = value.lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of 'channels_first', 'channels_last'. "
                         "Received: %r" % (value,))
    return data_format
