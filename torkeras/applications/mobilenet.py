"""MobileNet (``keras.applications.mobilenet``): Howard et al., "MobileNets: Efficient
Convolutional Neural Networks for Mobile Vision Applications" (https://arxiv.org/abs/1704.04861),
as in Keras 2.2.4 (channels_last only; ``ReLU(6.)`` layers; ImageNet weights for alpha 0.25, 0.5,
0.75, 1.0 at 128, 160, 192 or 224 pixels)."""
import warnings

from .. import backend as K
from .. import layers
from ..engine.training import Model
from . import _base
from ._base import keras_modules_injection  # noqa: F401  (Keras exported the decorator)
from .imagenet_utils import _obtain_input_shape, decode_predictions  # noqa: F401
from .imagenet_utils import _preprocess_tf as preprocess_input  # noqa: F401

BASE_WEIGHT_PATH = "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/"
_ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
_SIZES = (128, 160, 192, 224)

# (pointwise filters, strides) of depthwise blocks 1..13
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def _default_size(input_shape, sizes):
    """The input size named by a square ``input_shape`` among ``sizes``, else 224."""
    if input_shape is None:
        return 224
    rows, cols = (input_shape[1], input_shape[2]) if K.image_data_format() == "channels_first" \
        else (input_shape[0], input_shape[1])
    return rows if rows == cols and rows in sizes else 224


def _check_imagenet(depth_multiplier, alpha, alphas, rows, cols, sizes):
    """Keras's checks of ``depth_multiplier``, ``alpha`` and the input size for ImageNet weights;
    returns the row count that names the weight file."""
    if depth_multiplier != 1:
        raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1. "
                         "Received: depth_multiplier=%r." % (depth_multiplier,))
    if alpha not in alphas:
        raise ValueError("If imagenet weights are being loaded, alpha can be one of %s only. "
                         "Received: alpha=%r." % (", ".join("`%s`" % a for a in alphas), alpha))
    if rows != cols or rows not in sizes:
        if rows is None:
            warnings.warn("MobileNet shape is undefined. Weights for input shape (224, 224) will "
                          "be loaded.")
            return 224
        raise ValueError("If imagenet weights are being loaded, input must have a static square "
                         "shape (one of %s). Input shape provided = %s"
                         % (", ".join("(%d, %d)" % (s, s) for s in sizes), (rows, cols)))
    return rows


def _rows_cols(input_shape):
    if K.image_data_format() == "channels_last":
        return input_shape[0], input_shape[1]
    return input_shape[1], input_shape[2]


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    """First layer: pad, strided convolution, BN, ReLU6 (``conv1*`` layers)."""
    x = layers.ZeroPadding2D(padding=((0, 1), (0, 1)), name="conv1_pad")(inputs)
    x = layers.Conv2D(int(filters * alpha), kernel, padding="valid", use_bias=False,
                      strides=strides, name="conv1")(x)
    x = layers.BatchNormalization(axis=-1, name="conv1_bn")(x)
    return layers.ReLU(6., name="conv1_relu")(x)


def _depthwise_conv_block(inputs, pointwise_conv_filters, alpha, depth_multiplier=1,
                          strides=(1, 1), block_id=1):
    """Depthwise 3x3 + BN + ReLU6, then pointwise 1x1 + BN + ReLU6 (``conv_dw_<id>``...)."""
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="conv_pad_%d" % block_id)(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                               depth_multiplier=depth_multiplier, strides=strides,
                               use_bias=False, name="conv_dw_%d" % block_id)(x)
    x = layers.BatchNormalization(axis=-1, name="conv_dw_%d_bn" % block_id)(x)
    x = layers.ReLU(6., name="conv_dw_%d_relu" % block_id)(x)
    x = layers.Conv2D(int(pointwise_conv_filters * alpha), (1, 1), padding="same",
                      use_bias=False, strides=(1, 1), name="conv_pw_%d" % block_id)(x)
    x = layers.BatchNormalization(axis=-1, name="conv_pw_%d_bn" % block_id)(x)
    return layers.ReLU(6., name="conv_pw_%d_relu" % block_id)(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True,
              weights="imagenet", input_tensor=None, pooling=None, classes=1000):
    """Build MobileNet (v1) as Keras 2.2.4 did.

    Args:
        input_shape: optional shape without the batch axis; at least 32x32; default
            ``(224, 224, 3)`` (a square 128/160/192/224 input picks that default size).
        alpha: width multiplier: each layer has ``int(filters * alpha)`` filters.
        depth_multiplier: depthwise convolutions' depth multiplier (resolution multiplier in the
            paper).
        dropout: dropout rate before the classifier.
        include_top: include the classifier (``reshape_1``, ``dropout``, ``conv_preds``,
            ``act_softmax``, ``reshape_2``).
        weights: None, ``'imagenet'`` (downloads Keras's file for this alpha and size) or the path
            of a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        pooling: with ``include_top=False``: None, ``'avg'`` or ``'max'``.
        classes: number of classes of the top.

    Returns:
        A ``Model`` named ``'mobilenet_<alpha>_<rows>'``.

    Example:
        >>> model = MobileNet(weights=None, alpha=0.25, input_shape=(32, 32, 3), classes=10)
        >>> model.output_shape
        (None, 10)
    """
    _base.check_arguments(weights, include_top, classes, pooling)
    input_shape = _obtain_input_shape(input_shape, default_size=_default_size(input_shape, _SIZES),
                                      min_size=32, data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        rows = _check_imagenet(depth_multiplier, alpha, (0.25, 0.5, 0.75, 1.0), rows, cols,
                               _SIZES)
    with _base.channels_last_only("MobileNet family of models"):
        img_input = _base.image_input(input_tensor, input_shape)
        x = _conv_block(img_input, 32, alpha, strides=(2, 2))
        for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
            x = _depthwise_conv_block(x, filters, alpha, depth_multiplier,
                                      strides=(stride, stride), block_id=block_id)
        if include_top:
            x = layers.GlobalAveragePooling2D()(x)
            x = layers.Reshape((1, 1, int(1024 * alpha)), name="reshape_1")(x)
            x = layers.Dropout(dropout, name="dropout")(x)
            x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
            x = layers.Activation("softmax", name="act_softmax")(x)
            x = layers.Reshape((classes,), name="reshape_2")(x)
        else:
            x = _base.global_pool(x, pooling)
        model = Model(_base.model_inputs(input_tensor, img_input), x,
                      name="mobilenet_%0.2f_%s" % (alpha, rows))
        name = "mobilenet_%s_%d_tf%s.h5" % (_ALPHA_TEXT.get(alpha), rows or 0,
                                            "" if include_top else "_no_top")
        return _base.load_weights(model, weights, name, BASE_WEIGHT_PATH + name)
