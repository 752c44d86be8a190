"""MobileNetV2 (``keras.applications.mobilenet_v2``): Sandler et al., "MobileNetV2: Inverted
Residuals and Linear Bottlenecks" (https://arxiv.org/abs/1801.04381), as in Keras 2.2.4
(channels_last only; ImageNet weights for alpha 0.35, 0.5, 0.75, 1.0, 1.3, 1.4 at 96-224 pixels)."""
import numpy as np

from .. import backend as K
from .. import layers
from ..engine.training import Model
from . import _base
from ._base import keras_modules_injection  # noqa: F401  (Keras exported the decorator)
from .imagenet_utils import _obtain_input_shape, decode_predictions  # noqa: F401
from .mobilenet import _check_imagenet, _default_size, _rows_cols

BASE_WEIGHT_PATH = ("https://github.com/JonathanCMitchell/mobilenet_v2_keras/"
                    "releases/download/v1.1/")
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
# (filters, stride, expansion) of inverted residual blocks 0..16
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6),
           (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6),
           (160, 1, 6), (160, 1, 6), (320, 1, 6))


def preprocess_input(x):
    """Scale images from [0, 255] to [-1, 1) as Keras 2.2.4's MobileNetV2 did (``x / 128 - 1``).

    A NumPy float array is changed in place; the result is float32.

    Args:
        x: NumPy array (or torch tensor) of images.

    Returns:
        The preprocessed images as float32.

    Example:
        >>> float(preprocess_input(np.full((1, 2, 2, 3), 128.0)).max())
        0.0
    """
    if hasattr(x, "_keras_history"):
        raise TypeError("preprocess_input was called on the Keras tensor %r. Wrap it in a layer "
                        "instead: Lambda(preprocess_input)(x)." % (x,))
    if isinstance(x, np.ndarray) and not issubclass(x.dtype.type, np.floating):
        raise TypeError("MobileNetV2's preprocess_input divides the array in place, which an "
                        "integer array (dtype %s) cannot hold: pass x.astype('float32')." % x.dtype)
    x /= 128.
    x -= 1.
    return x.astype(np.float32) if isinstance(x, np.ndarray) else x.float()


def _make_divisible(v, divisor, min_value=None):
    """``v`` rounded to the nearest multiple of ``divisor`` (at least ``min_value``), never more
    than 10% below ``v``."""
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def _bn(x, name):
    return layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=name)(x)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """Expand (1x1), depthwise 3x3, project (1x1); residual add when shapes allow."""
    in_channels = K.int_shape(inputs)[-1]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = "block_%d_" % block_id
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                          activation=None, name=prefix + "expand")(x)
        x = _bn(x, prefix + "expand_BN")
        x = layers.ReLU(6., name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_base.correct_pad(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)
    x = _bn(x, prefix + "depthwise_BN")
    x = layers.ReLU(6., name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                      activation=None, name=prefix + "project")(x)
    x = _bn(x, prefix + "project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


def MobileNetV2(input_shape=None, alpha=1.0, depth_multiplier=1, include_top=True,
                weights="imagenet", input_tensor=None, pooling=None, classes=1000):
    """Build MobileNetV2 as Keras 2.2.4 did.

    Args:
        input_shape: optional shape without the batch axis; at least 32x32; default
            ``(224, 224, 3)`` (a square 96/128/160/192/224 input, or such an ``input_tensor``,
            picks that default size).
        alpha: width multiplier (filter counts rounded to multiples of 8).
        depth_multiplier: must be 1 with ImageNet weights (Keras's check; the blocks themselves
            use a depth multiplier of 1, as in Keras 2.2.4).
        include_top: include global average pooling and the ``Logits`` classifier.
        weights: None, ``'imagenet'`` (downloads the file for this alpha and size) or the path of
            a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        pooling: with ``include_top=False``: None, ``'avg'`` or ``'max'``.
        classes: number of classes of the top.

    Returns:
        A ``Model`` named ``'mobilenetv2_<alpha>_<rows>'``.

    Example:
        >>> model = MobileNetV2(weights=None, input_shape=(32, 32, 3), classes=10)
        >>> model.output_shape
        (None, 10)
    """
    _base.check_arguments(weights, include_top, classes, pooling)
    if input_shape is not None and input_tensor is not None:
        # Keras 2.2.4's check (it always compared axis 2 of the tensor with input_shape[1])
        if K.int_shape(_base.image_input(input_tensor, None))[2] != input_shape[1]:
            raise ValueError("input_shape %s and input_tensor %r do not meet the same shape "
                             "requirements." % (input_shape, input_tensor))
    if input_shape is None and input_tensor is not None:
        shape = K.int_shape(_base.image_input(input_tensor, None))
        default_size = _default_size(shape[1:], _SIZES)
    else:
        default_size = _default_size(input_shape, _SIZES)
    input_shape = _obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        rows = _check_imagenet(depth_multiplier, alpha, _ALPHAS, rows, cols, _SIZES)
    with _base.channels_last_only("MobileNet family of models"):
        img_input = _base.image_input(input_tensor, input_shape)
        x = layers.ZeroPadding2D(padding=_base.correct_pad(img_input, 3),
                                 name="Conv1_pad")(img_input)
        x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                          padding="valid", use_bias=False, name="Conv1")(x)
        x = _bn(x, "bn_Conv1")
        x = layers.ReLU(6., name="Conv1_relu")(x)
        for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
            x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                    expansion=expansion, block_id=block_id)
        last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
        x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
        x = _bn(x, "Conv_1_bn")
        x = layers.ReLU(6., name="out_relu")(x)
        if include_top:
            x = layers.GlobalAveragePooling2D()(x)
            x = layers.Dense(classes, activation="softmax", use_bias=True, name="Logits")(x)
        else:
            x = _base.global_pool(x, pooling)
        model = Model(_base.model_inputs(input_tensor, img_input), x,
                      name="mobilenetv2_%0.2f_%s" % (alpha, rows))
        name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_%s_%s%s.h5" % (
            alpha, rows, "" if include_top else "_no_top")
        return _base.load_weights(model, weights, name, BASE_WEIGHT_PATH + name)
