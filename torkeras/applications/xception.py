"""Xception (``keras.applications.xception``): Chollet, "Xception: Deep Learning with Depthwise
Separable Convolutions" (https://arxiv.org/abs/1610.02357), as in Keras 2.2.4 (channels_last
only: with a channels_first config Keras warned and built channels_last, and so does torkeras)."""
from .. import layers
from ..engine.training import Model
from . import _base
from ._base import keras_modules_injection  # noqa: F401  (Keras exported the decorator)
from .imagenet_utils import decode_predictions  # noqa: F401
from .imagenet_utils import _preprocess_tf as preprocess_input  # noqa: F401

_RELEASE = "https://github.com/fchollet/deep-learning-models/releases/download/v0.4/"
TF_WEIGHTS_PATH = _RELEASE + "xception_weights_tf_dim_ordering_tf_kernels.h5"
TF_WEIGHTS_PATH_NO_TOP = _RELEASE + "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"
_FILES = {True: ("xception_weights_tf_dim_ordering_tf_kernels.h5", TF_WEIGHTS_PATH,
                 "0a58e3b7378bc2990ea3b43d5981f1f6"),
          False: ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5", TF_WEIGHTS_PATH_NO_TOP,
                  "b0042744bf5b25fce3cb969f33bebb97")}


def _sepconv_bn(x, filters, prefix, index, act_before=True):
    """[ReLU] -> SeparableConv2D 3x3 -> BN, named ``<prefix>_sepconv<index>[_act|_bn]``."""
    name = "%s_sepconv%d" % (prefix, index)
    if act_before:
        x = layers.Activation("relu", name=name + "_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(name=name + "_bn")(x)


def _shortcut(x, filters):
    residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization()(residual)


def _entry_block(x, filters1, filters2, block, first_act=True):
    """Two separable convolutions + strided max pooling, added to a strided 1x1 shortcut."""
    residual = _shortcut(x, filters2)
    prefix = "block%d" % block
    x = _sepconv_bn(x, filters1, prefix, 1, act_before=first_act)
    x = _sepconv_bn(x, filters2, prefix, 2)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=prefix + "_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000):
    """Build Xception as Keras 2.2.4 did.

    Args:
        include_top: include ``avg_pool`` and the ``predictions`` classifier.
        weights: None, ``'imagenet'`` (downloads Keras's file) or the path of a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: optional shape without the batch axis; at least 71x71; default
            ``(None, None, 3)``.
        pooling: with ``include_top=False``: None, ``'avg'`` or ``'max'``.
        classes: number of classes of the top.

    Returns:
        A ``Model`` named ``'xception'``.

    Example:
        >>> model = Xception(weights=None, input_shape=(71, 71, 3), classes=5)
        >>> model.output_shape
        (None, 5)
    """
    _base.check_arguments(weights, include_top, classes, pooling)
    with _base.channels_last_only("Xception model"):
        img_input = _base.prepare_input(weights, include_top, classes, pooling, input_tensor,
                                        input_shape, 299, 71, require_flatten=False)
        x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
        x = layers.BatchNormalization(name="block1_conv1_bn")(x)
        x = layers.Activation("relu", name="block1_conv1_act")(x)
        x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
        x = layers.BatchNormalization(name="block1_conv2_bn")(x)
        x = layers.Activation("relu", name="block1_conv2_act")(x)
        x = _entry_block(x, 128, 128, 2, first_act=False)
        x = _entry_block(x, 256, 256, 3)
        x = _entry_block(x, 728, 728, 4)
        for i in range(8):
            residual = x
            for j in (1, 2, 3):
                x = _sepconv_bn(x, 728, "block%d" % (i + 5), j)
            x = layers.add([x, residual])
        x = _entry_block(x, 728, 1024, 13)
        x = layers.SeparableConv2D(1536, (3, 3), padding="same", use_bias=False,
                                   name="block14_sepconv1")(x)
        x = layers.BatchNormalization(name="block14_sepconv1_bn")(x)
        x = layers.Activation("relu", name="block14_sepconv1_act")(x)
        x = layers.SeparableConv2D(2048, (3, 3), padding="same", use_bias=False,
                                   name="block14_sepconv2")(x)
        x = layers.BatchNormalization(name="block14_sepconv2_bn")(x)
        x = layers.Activation("relu", name="block14_sepconv2_act")(x)
        x = _base.classify_or_pool(x, include_top, pooling, classes)
        model = Model(_base.model_inputs(input_tensor, img_input), x, name="xception")
        fname, origin, file_hash = _FILES[bool(include_top)]
        return _base.load_weights(model, weights, fname, origin, file_hash=file_hash)


# Names Keras 1.2.2's module had (its own layer imports and weight URLs), kept so that
# old imports from this module resolve.
from ..layers import (Activation, BatchNormalization, Conv2D, Dense, GlobalAveragePooling2D,
                      Input, MaxPooling2D, SeparableConv2D, merge)  # noqa: E402,F401
from ._base import get_source_inputs  # noqa: E402,F401
