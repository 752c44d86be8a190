"""InceptionV3 (``keras.applications.inception_v3``): Szegedy et al., "Rethinking the Inception
Architecture for Computer Vision" (https://arxiv.org/abs/1512.00567), as in Keras 2.2.4."""
from .. import layers
from ..engine.training import Model
from . import _base
from ._base import keras_modules_injection  # noqa: F401  (Keras exported the decorator)
from .imagenet_utils import decode_predictions  # noqa: F401
from .imagenet_utils import _preprocess_tf as preprocess_input  # noqa: F401

_RELEASE = "https://github.com/fchollet/deep-learning-models/releases/download/v0.5/"
WEIGHTS_PATH = _RELEASE + "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = _RELEASE + "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
_FILES = {True: ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5", WEIGHTS_PATH,
                 "9a0d58056eeedaa3f26cb7ebd46da564"),
          False: ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", WEIGHTS_PATH_NO_TOP,
                  "bcbd6486424b2319ff4ef7d526e38f63")}


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Convolution (no bias) + BatchNormalization (no scale) + ReLU.

    Args:
        x: input tensor.
        filters: number of filters.
        num_row: kernel height.
        num_col: kernel width.
        padding: ``'same'`` or ``'valid'``.
        strides: convolution strides.
        name: when given, the layers are ``name + '_conv'``, ``name + '_bn'`` and ``name``.

    Returns:
        The output tensor.

    Example:
        >>> y = conv2d_bn(x, 64, 3, 3)   # doctest: +SKIP
    """
    conv_name = None if name is None else name + "_conv"
    bn_name = None if name is None else name + "_bn"
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=conv_name)(x)
    x = layers.BatchNormalization(axis=_base.channel_axis(), scale=False, name=bn_name)(x)
    return layers.Activation("relu", name=name)(x)


def _avg_branch(x, filters):
    branch = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(branch, filters, 1, 1)


def _block_35(x, pool_filters, name):
    """Mixed 0-2: 1x1, 5x5, double 3x3 and pooled branches."""
    b1 = conv2d_bn(x, 64, 1, 1)
    b5 = conv2d_bn(x, 48, 1, 1)
    b5 = conv2d_bn(b5, 64, 5, 5)
    b3 = conv2d_bn(x, 64, 1, 1)
    b3 = conv2d_bn(b3, 96, 3, 3)
    b3 = conv2d_bn(b3, 96, 3, 3)
    bp = _avg_branch(x, pool_filters)
    return layers.concatenate([b1, b5, b3, bp], axis=_base.channel_axis(), name=name)


def _block_17(x, width, name):
    """Mixed 4-7: factorized 7x7 branches of ``width`` inner filters."""
    b1 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(x, width, 1, 1)
    b7 = conv2d_bn(b7, width, 1, 7)
    b7 = conv2d_bn(b7, 192, 7, 1)
    bd = conv2d_bn(x, width, 1, 1)
    bd = conv2d_bn(bd, width, 7, 1)
    bd = conv2d_bn(bd, width, 1, 7)
    bd = conv2d_bn(bd, width, 7, 1)
    bd = conv2d_bn(bd, 192, 1, 7)
    bp = _avg_branch(x, 192)
    return layers.concatenate([b1, b7, bd, bp], axis=_base.channel_axis(), name=name)


def _block_8(x, i):
    """Mixed 9-10: expanded 3x3 branches."""
    axis = _base.channel_axis()
    b1 = conv2d_bn(x, 320, 1, 1)
    b3 = conv2d_bn(x, 384, 1, 1)
    b3 = layers.concatenate([conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)], axis=axis,
                            name="mixed9_%d" % i)
    bd = conv2d_bn(x, 448, 1, 1)
    bd = conv2d_bn(bd, 384, 3, 3)
    bd = layers.concatenate([conv2d_bn(bd, 384, 1, 3), conv2d_bn(bd, 384, 3, 1)], axis=axis)
    bp = _avg_branch(x, 192)
    return layers.concatenate([b1, b3, bd, bp], axis=axis, name="mixed%d" % (9 + i))


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    """Build InceptionV3 as Keras 2.2.4 did.

    Args:
        include_top: include ``avg_pool`` and the ``predictions`` classifier.
        weights: None, ``'imagenet'`` (downloads Keras's file) or the path of a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: optional shape without the batch axis; at least 75x75. Keras 2.2.4 did not
            require a static shape here, so the default is ``(None, None, 3)``.
        pooling: with ``include_top=False``: None, ``'avg'`` or ``'max'``.
        classes: number of classes of the top.

    Returns:
        A ``Model`` named ``'inception_v3'``.

    Example:
        >>> model = InceptionV3(weights=None, input_shape=(75, 75, 3), classes=10)
        >>> model.output_shape
        (None, 10)
    """
    img_input = _base.prepare_input(weights, include_top, classes, pooling, input_tensor,
                                    input_shape, 299, 75, require_flatten=False)
    axis = _base.channel_axis()
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for i, pool_filters in enumerate((32, 64, 64)):
        x = _block_35(x, pool_filters, "mixed%d" % i)
    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    bd = conv2d_bn(x, 64, 1, 1)
    bd = conv2d_bn(bd, 96, 3, 3)
    bd = conv2d_bn(bd, 96, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, bd, bp], axis=axis, name="mixed3")
    for i, width in enumerate((128, 160, 160, 192)):
        x = _block_17(x, width, "mixed%d" % (4 + i))
    b3 = conv2d_bn(x, 192, 1, 1)
    b3 = conv2d_bn(b3, 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(b7, 192, 1, 7)
    b7 = conv2d_bn(b7, 192, 7, 1)
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, b7, bp], axis=axis, name="mixed8")
    for i in range(2):
        x = _block_8(x, i)
    x = _base.classify_or_pool(x, include_top, pooling, classes)
    model = Model(_base.model_inputs(input_tensor, img_input), x, name="inception_v3")
    fname, origin, file_hash = _FILES[bool(include_top)]
    return _base.load_weights(model, weights, fname, origin, file_hash=file_hash)


# Names Keras 1.2.2's module had (its own layer imports and weight URLs), kept so that
# old imports from this module resolve.
from ..layers import (AveragePooling2D, BatchNormalization, Convolution2D, Dense, Flatten,
                      Input, MaxPooling2D, merge)  # noqa: E402,F401
from ._base import get_source_inputs  # noqa: E402,F401
_RELEASE_K1 = "https://github.com/fchollet/deep-learning-models/releases/download/v0.2/"
TH_WEIGHTS_PATH = _RELEASE_K1 + "inception_v3_weights_th_dim_ordering_th_kernels.h5"
TH_WEIGHTS_PATH_NO_TOP = (_RELEASE_K1
                          + "inception_v3_weights_th_dim_ordering_th_kernels_notop.h5")
TF_WEIGHTS_PATH = _RELEASE_K1 + "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
TF_WEIGHTS_PATH_NO_TOP = (_RELEASE_K1
                          + "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5")
