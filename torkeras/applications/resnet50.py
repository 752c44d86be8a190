"""ResNet50 (``keras.applications.resnet50``): He et al., "Deep Residual Learning for Image
Recognition" (https://arxiv.org/abs/1512.03385), with Keras 2.2.4's layer names (``res2a_branch2a``,
``bn2a_branch2a``...) and the ``conv1_pad``/``pool1_pad`` padding layers Keras 2.2.0 introduced."""
import warnings

from .. import layers
from ..engine.training import Model
from . import _base
from ._base import keras_modules_injection  # noqa: F401  (Keras exported the decorator)
from .imagenet_utils import decode_predictions, preprocess_input  # noqa: F401

_RELEASE = "https://github.com/fchollet/deep-learning-models/releases/download/v0.2/"
WEIGHTS_PATH = _RELEASE + "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_PATH_NO_TOP = _RELEASE + "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
_FILES = {True: ("resnet50_weights_tf_dim_ordering_tf_kernels.h5", WEIGHTS_PATH,
                 "a7b3fe01876f51b976af0dea6bc144eb"),
          False: ("resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", WEIGHTS_PATH_NO_TOP,
                  "a268eb855778b3df3c7506639542a6af")}


def _bottleneck(input_tensor, kernel_size, filters, stage, block, strides=None):
    """Main path 1x1 -> kxk -> 1x1 (+BN); shortcut is a strided 1x1 conv when ``strides`` is set."""
    bn_axis = _base.channel_axis()
    conv = "res%d%s_branch" % (stage, block)
    bn = "bn%d%s_branch" % (stage, block)
    f1, f2, f3 = filters
    first = {} if strides is None else {"strides": strides}
    x = layers.Conv2D(f1, (1, 1), kernel_initializer="he_normal", name=conv + "2a",
                      **first)(input_tensor)
    x = layers.BatchNormalization(axis=bn_axis, name=bn + "2a")(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(f2, kernel_size, padding="same", kernel_initializer="he_normal",
                      name=conv + "2b")(x)
    x = layers.BatchNormalization(axis=bn_axis, name=bn + "2b")(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(f3, (1, 1), kernel_initializer="he_normal", name=conv + "2c")(x)
    x = layers.BatchNormalization(axis=bn_axis, name=bn + "2c")(x)
    shortcut = input_tensor
    if strides is not None:
        shortcut = layers.Conv2D(f3, (1, 1), strides=strides, kernel_initializer="he_normal",
                                 name=conv + "1")(input_tensor)
        shortcut = layers.BatchNormalization(axis=bn_axis, name=bn + "1")(shortcut)
    x = layers.add([x, shortcut])
    return layers.Activation("relu")(x)


def identity_block(input_tensor, kernel_size, filters, stage, block):
    """Residual block whose shortcut is the input itself.

    Args:
        input_tensor: input Keras tensor.
        kernel_size: kernel size of the middle convolution.
        filters: the three convolutions' filter counts.
        stage: stage number, used in layer names (``res<stage><block>_branch2a``...).
        block: block letter, used in layer names.

    Returns:
        The block's output tensor.

    Example:
        >>> y = identity_block(x, 3, [64, 64, 256], stage=2, block='b')   # doctest: +SKIP
    """
    return _bottleneck(input_tensor, kernel_size, filters, stage, block)


def conv_block(input_tensor, kernel_size, filters, stage, block, strides=(2, 2)):
    """Residual block with a 1x1 convolution (and BN) on the shortcut.

    Args:
        input_tensor: input Keras tensor.
        kernel_size: kernel size of the middle convolution.
        filters: the three convolutions' filter counts.
        stage: stage number, used in layer names.
        block: block letter, used in layer names.
        strides: strides of the first main-path convolution and of the shortcut.

    Returns:
        The block's output tensor.

    Example:
        >>> y = conv_block(x, 3, [128, 128, 512], stage=3, block='a')   # doctest: +SKIP
    """
    return _bottleneck(input_tensor, kernel_size, filters, stage, block, strides=strides)


_STAGES = ((2, (64, 64, 256), "abc", (1, 1)), (3, (128, 128, 512), "abcd", (2, 2)),
           (4, (256, 256, 1024), "abcdef", (2, 2)), (5, (512, 512, 2048), "abc", (2, 2)))


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000):
    """Build ResNet50 as Keras 2.2.4 did.

    Args:
        include_top: include ``avg_pool`` and the ``fc1000`` classifier.
        weights: None, ``'imagenet'`` (downloads Keras's file) or the path of a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: optional shape without the batch axis; default ``(224, 224, 3)``; at least
            32x32 (Keras 2.2.4's rule).
        pooling: with ``include_top=False``: None (4-D output, with Keras's warning that the
            output shape changed in Keras 2.2.0), ``'avg'`` or ``'max'``.
        classes: number of classes of the top.

    Returns:
        A ``Model`` named ``'resnet50'``.

    Example:
        >>> model = ResNet50(weights=None, include_top=False, pooling='avg',
        ...                  input_shape=(32, 32, 3))
        >>> model.output_shape
        (None, 2048)
    """
    img_input = _base.prepare_input(weights, include_top, classes, pooling, input_tensor,
                                    input_shape, 224, 32, require_flatten=include_top)
    x = layers.ZeroPadding2D(padding=(3, 3), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, (7, 7), strides=(2, 2), padding="valid", kernel_initializer="he_normal",
                      name="conv1")(x)
    x = layers.BatchNormalization(axis=_base.channel_axis(), name="bn_conv1")(x)
    x = layers.Activation("relu")(x)
    x = layers.ZeroPadding2D(padding=(1, 1), name="pool1_pad")(x)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for stage, filters, blocks, strides in _STAGES:
        x = conv_block(x, 3, filters, stage=stage, block=blocks[0], strides=strides)
        for block in blocks[1:]:
            x = identity_block(x, 3, filters, stage=stage, block=block)
    if not include_top and pooling is None:
        warnings.warn("The output shape of `ResNet50(include_top=False)` has been changed since "
                      "Keras 2.2.0.")
    x = _base.classify_or_pool(x, include_top, pooling, classes, dense_name="fc1000")
    model = Model(_base.model_inputs(input_tensor, img_input), x, name="resnet50")
    fname, origin, md5 = _FILES[bool(include_top)]
    return _base.load_weights(model, weights, fname, origin, md5_hash=md5)


# Names Keras 1.2.2's module had (its own layer imports and weight URLs), kept so that
# old imports from this module resolve.
from ..layers import (Activation, AveragePooling2D, BatchNormalization, Convolution2D, Dense,
                      Flatten, Input, MaxPooling2D, ZeroPadding2D, merge)  # noqa: E402,F401
from ._base import get_source_inputs  # noqa: E402,F401
TF_WEIGHTS_PATH = WEIGHTS_PATH
TF_WEIGHTS_PATH_NO_TOP = WEIGHTS_PATH_NO_TOP
TH_WEIGHTS_PATH = _RELEASE + "resnet50_weights_th_dim_ordering_th_kernels.h5"
TH_WEIGHTS_PATH_NO_TOP = _RELEASE + "resnet50_weights_th_dim_ordering_th_kernels_notop.h5"
