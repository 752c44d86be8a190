"""InceptionResNetV2 (``keras.applications.inception_resnet_v2``): Szegedy et al., "Inception-v4,
Inception-ResNet and the Impact of Residual Connections on Learning"
(https://arxiv.org/abs/1602.07261), as in Keras 2.2.4."""
from .. import backend as K
from .. import layers
from ..engine.training import Model
from . import _base
from ._base import keras_modules_injection  # noqa: F401  (Keras exported the decorator)
from .imagenet_utils import decode_predictions  # noqa: F401
from .imagenet_utils import _preprocess_tf as preprocess_input  # noqa: F401

BASE_WEIGHT_URL = "https://github.com/fchollet/deep-learning-models/releases/download/v0.7/"
_FILES = {True: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
                 "e693bd0210a403b3192acc6073ad2e96"),
          False: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                  "d19885ff4a710c122648d3b5c3b684e4")}
_BLOCK_TYPES = ("block35", "block17", "block8")


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu",
              use_bias=False, name=None):
    """Convolution, then BatchNormalization (no scale) unless ``use_bias``, then ``activation``.

    Args:
        x: input tensor.
        filters: number of filters.
        kernel_size: kernel size.
        strides: convolution strides.
        padding: ``'same'`` or ``'valid'``.
        activation: activation name, or None for none.
        use_bias: give the convolution a bias and skip the BatchNormalization.
        name: the convolution's name; the others are ``name + '_bn'`` and ``name + '_ac'``.

    Returns:
        The output tensor.

    Example:
        >>> y = conv2d_bn(x, 32, 3, strides=2, padding='valid')   # doctest: +SKIP
    """
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias,
                      name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_base.channel_axis(), scale=False,
                                      name=None if name is None else name + "_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else name + "_ac")(x)
    return x


def _scaled_residual(inputs, scale):
    return inputs[0] + inputs[1] * scale


def _first_shape(input_shapes):
    return input_shapes[0]


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """One Inception-ResNet block: branches, concatenation, 1x1 projection, scaled residual sum.

    Args:
        x: input tensor.
        scale: factor applied to the residual branch before it is added to ``x``.
        block_type: ``'block35'``, ``'block17'`` or ``'block8'``.
        block_idx: index used in the layer names (``block35_1_mixed``, ``block35_1``...).
        activation: activation after the sum, or None.

    Returns:
        The block's output tensor.

    Example:
        >>> y = inception_resnet_block(x, 0.17, 'block35', 1)   # doctest: +SKIP
    """
    if block_type == "block35":
        b0 = conv2d_bn(x, 32, 1)
        b1 = conv2d_bn(conv2d_bn(x, 32, 1), 32, 3)
        b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 32, 1), 48, 3), 64, 3)
        branches = [b0, b1, b2]
    elif block_type == "block17":
        b0 = conv2d_bn(x, 192, 1)
        b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 128, 1), 160, [1, 7]), 192, [7, 1])
        branches = [b0, b1]
    elif block_type == "block8":
        b0 = conv2d_bn(x, 192, 1)
        b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 224, [1, 3]), 256, [3, 1])
        branches = [b0, b1]
    else:
        raise ValueError('Unknown Inception-ResNet block type. Expects "block35", "block17" or '
                         '"block8", but got: %s' % (block_type,))
    name = "%s_%s" % (block_type, block_idx)
    axis = _base.channel_axis()
    mixed = layers.Concatenate(axis=axis, name=name + "_mixed")(branches)
    up = conv2d_bn(mixed, K.int_shape(x)[axis], 1, activation=None, use_bias=True,
                   name=name + "_conv")
    x = layers.Lambda(_scaled_residual, output_shape=_first_shape,
                      arguments={"scale": scale}, name=name)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=name + "_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                      pooling=None, classes=1000):
    """Build InceptionResNetV2 as Keras 2.2.4 did.

    Args:
        include_top: include ``avg_pool`` and the ``predictions`` classifier.
        weights: None, ``'imagenet'`` (downloads Keras's file) or the path of a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: optional shape without the batch axis; at least 75x75; default
            ``(None, None, 3)`` (Keras 2.2.4 did not require a static shape here).
        pooling: with ``include_top=False``: None, ``'avg'`` or ``'max'``.
        classes: number of classes of the top.

    Returns:
        A ``Model`` named ``'inception_resnet_v2'``.

    Example:
        >>> model = InceptionResNetV2(weights=None, include_top=False, pooling='avg',
        ...                           input_shape=(75, 75, 3))
        >>> model.output_shape
        (None, 1536)
    """
    img_input = _base.prepare_input(weights, include_top, classes, pooling, input_tensor,
                                    input_shape, 299, 75, require_flatten=False)
    axis = _base.channel_axis()
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    # Mixed 5b (Inception-A)
    b0 = conv2d_bn(x, 96, 1)
    b1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    bp = conv2d_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)
    x = layers.Concatenate(axis=axis, name="mixed_5b")([b0, b1, b2, bp])
    for idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=idx)
    # Mixed 6a (Reduction-A)
    b0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_6a")([b0, b1, bp])
    for idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=idx)
    # Mixed 7a (Reduction-B)
    b0 = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_7a")([b0, b1, b2, bp])
    for idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    x = _base.classify_or_pool(x, include_top, pooling, classes)
    model = Model(_base.model_inputs(input_tensor, img_input), x, name="inception_resnet_v2")
    fname, file_hash = _FILES[bool(include_top)]
    return _base.load_weights(model, weights, fname, BASE_WEIGHT_URL + fname, file_hash=file_hash)
