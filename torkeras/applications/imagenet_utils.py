"""ImageNet preprocessing and prediction decoding (``keras.applications.imagenet_utils``).

Follows Keras 2.2.4 (``keras_applications`` 1.0.6): ``preprocess_input`` in the modes ``'caffe'``
(RGB to BGR, minus the ImageNet channel means), ``'tf'`` (scale to [-1, 1]) and ``'torch'`` (scale to
[0, 1], minus the means, divided by the standard deviations); ``decode_predictions`` reads the class
index ``imagenet_class_index.json`` through ``get_file`` (cached in ``~/.keras/models``).

Differences from Keras, each an error where Keras went on silently: an unknown ``mode`` raises
(Keras treated it as ``'caffe'``); symbolic inputs are refused with how to wrap the call in a
``Lambda`` layer (inside a layer the input is a torch tensor, which is supported).
"""
import json
import warnings

import numpy as np
import torch

from .. import backend as K
from ._base import get_file, keras_modules_injection  # noqa: F401  (Keras exported the decorator)

CLASS_INDEX = None
CLASS_INDEX_PATH = ("https://s3.amazonaws.com/deep-learning-models/"
                    "image-models/imagenet_class_index.json")
_CLASS_INDEX_FILE = "imagenet_class_index.json"
_CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_MODES = ("caffe", "tf", "torch")
_CAFFE_MEAN = (103.939, 116.779, 123.68)       # BGR order
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def _channel_axis(ndim, data_format):
    return (0 if ndim == 3 else 1) if data_format == "channels_first" else ndim - 1


def _stats(mode):
    if mode == "torch":
        return 255.0, _TORCH_MEAN, _TORCH_STD
    return None, _CAFFE_MEAN, None


def _per_channel(values, ndim, axis):
    shape = [1] * ndim
    shape[axis] = len(values)
    return np.asarray(values).reshape(shape)


def _preprocess_numpy(x, data_format, mode):
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(K.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format)
    scale, mean, std = _stats(mode)
    if scale is not None:
        x /= scale
    else:
        x = np.flip(x, axis=axis)    # RGB -> BGR (a view, as Keras's [..., ::-1])
    x -= _per_channel(mean, x.ndim, axis).astype(x.dtype)
    if std is not None:
        x /= _per_channel(std, x.ndim, axis).astype(x.dtype)
    return x


def _preprocess_torch(x, data_format, mode):
    if not x.is_floating_point():
        x = x.to(getattr(torch, K.floatx()))
    if mode == "tf":
        return x / 127.5 - 1.0
    axis = _channel_axis(x.dim(), data_format)
    scale, mean, std = _stats(mode)
    if scale is not None:
        x = x / scale
    else:
        x = torch.flip(x, dims=(axis,))
    x = x - torch.as_tensor(_per_channel(mean, x.dim(), axis), dtype=x.dtype, device=x.device)
    if std is not None:
        x = x / torch.as_tensor(_per_channel(std, x.dim(), axis), dtype=x.dtype, device=x.device)
    return x


def preprocess_input(x, data_format=None, mode="caffe"):
    """Preprocess a batch of images (or one image) the way an ImageNet model expects.

    NumPy float arrays are changed in place where the dtype allows (as in Keras: pass
    ``np.copy(x)`` to keep the original); integer arrays are converted to ``K.floatx()`` first.

    Args:
        x: NumPy array or torch tensor, 3-D (one image) or 4-D (a batch), 3 channels.
        data_format: ``'channels_last'`` or ``'channels_first'``; None means
            ``K.image_data_format()``.
        mode: ``'caffe'`` (RGB to BGR, then subtract the ImageNet means per channel, no scaling),
            ``'tf'`` (scale to [-1, 1]) or ``'torch'`` (scale to [0, 1], subtract the means and
            divide by the standard deviations per channel).

    Returns:
        The preprocessed array or tensor.

    Example:
        >>> x = np.random.uniform(0, 255, (2, 224, 224, 3))
        >>> x = preprocess_input(x, mode='tf')   # now in [-1, 1]
    """
    if data_format is None:
        data_format = K.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Unknown data_format %s: expected 'channels_first' or 'channels_last'."
                         % (data_format,))
    if mode not in _MODES:
        raise ValueError("preprocess_input: `mode` must be one of 'caffe', 'tf', 'torch'. "
                         "Received: mode=%r." % (mode,))
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    if isinstance(x, torch.Tensor):
        return _preprocess_torch(x, data_format, mode)
    if hasattr(x, "_keras_history"):
        raise TypeError("preprocess_input was called on the Keras tensor %r. Wrap it in a layer "
                        "instead: Lambda(lambda t: preprocess_input(t, mode=%r))(x)." % (x, mode))
    raise TypeError("preprocess_input expects a NumPy array or a torch tensor. Received: a %s."
                    % (type(x).__name__,))


def _preprocess_tf(x, data_format=None):
    """Scale images from [0, 255] to [-1, 1] (``preprocess_input`` in mode ``'tf'``).

    The ``preprocess_input`` of InceptionV3, InceptionResNetV2, Xception, MobileNet and NASNet.

    Args:
        x: NumPy array or torch tensor of images.
        data_format: checked as in :func:`preprocess_input` (the scaling ignores it).

    Returns:
        The preprocessed images.

    Example:
        >>> float(_preprocess_tf(np.full((1, 2, 2, 3), 255.0)).max())
        1.0
    """
    return preprocess_input(x, data_format=data_format, mode="tf")


def _class_index():
    global CLASS_INDEX
    if CLASS_INDEX is None:
        path = get_file(_CLASS_INDEX_FILE, CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash=_CLASS_INDEX_HASH)
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


def decode_predictions(preds, top=5):
    """Turn ImageNet predictions into ``(class_name, class_description, score)`` tuples.

    The class index is downloaded once (``imagenet_class_index.json`` in ``~/.keras/models``,
    or ``$KERAS_HOME/models``) and kept in ``CLASS_INDEX``.

    Args:
        preds: NumPy array of shape ``(samples, 1000)``.
        top: how many of the best guesses to return per sample.

    Returns:
        One list per sample of ``top`` tuples, best first.

    Example:
        >>> decode_predictions(model.predict(x), top=3)[0]   # doctest: +SKIP
        [('n02504458', 'African_elephant', 0.82), ...]
    """
    if isinstance(preds, torch.Tensor):
        preds = preds.detach().cpu().numpy()
    shape = getattr(preds, "shape", None)
    if shape is None or len(shape) != 2 or shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array of "
                         "shape (samples, 1000)). Found array with shape: %s"
                         % (shape if shape is not None else type(preds).__name__,))
    index = _class_index()
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        rows = [tuple(index[str(i)]) + (pred[i],) for i in best]
        rows.sort(key=lambda r: r[2], reverse=True)
        results.append(rows)
    return results


def _obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                        weights=None):
    """Validate a model's ``input_shape`` (or choose the default) with Keras 2.2.4's rules.

    Args:
        input_shape: None or the user's shape (no batch axis).
        default_size: the model's default height/width.
        min_size: the smallest height/width the model accepts.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        require_flatten: True when the top needs a static shape (``include_top``).
        weights: None, ``'imagenet'`` or a path.

    Returns:
        A shape tuple (may contain None).

    Example:
        >>> _obtain_input_shape(None, 224, 32, 'channels_last', True)
        (224, 224, 3)
    """
    first = data_format == "channels_first"
    if input_shape is not None:
        if not isinstance(input_shape, (tuple, list)):
            raise ValueError("`input_shape` must be a tuple of three integers. Received: "
                             "input_shape=%r." % (input_shape,))
        input_shape = tuple(input_shape)
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was "
                          "passed an input_shape with %s input channels." % (channels,))
    else:
        channels = 3
    default_shape = ((channels, default_size, default_size) if first
                     else (default_size, default_size, channels))
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError("When setting`include_top=True` and loading `imagenet` weights, "
                             "`input_shape` should be %s. Received: input_shape=%s."
                             % (default_shape, input_shape))
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers. Received: "
                             "input_shape=%s." % (input_shape,))
        channels = input_shape[0] if first else input_shape[-1]
        if channels != 3 and weights == "imagenet":
            raise ValueError("The input must have 3 channels; got `input_shape=%s`"
                             % (input_shape,))
        spatial = input_shape[1:] if first else input_shape[:2]
        if any(n is not None and n < min_size for n in spatial):
            raise ValueError("Input size must be at least %dx%d; got `input_shape=%s`"
                             % (min_size, min_size, input_shape))
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         "Got `input_shape=%s`" % (input_shape,))
    return input_shape
