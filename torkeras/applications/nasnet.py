"""NASNet-A (``keras.applications.nasnet``): Zoph et al., "Learning Transferable Architectures for
Scalable Image Recognition" (https://arxiv.org/abs/1707.07012), as in Keras 2.2.4: NASNetLarge
(331x331) and NASNetMobile (224x224), channels_last only."""
from .. import backend as K
from .. import layers
from ..engine.training import Model
from . import _base
from ._base import keras_modules_injection  # noqa: F401  (Keras exported the decorator)
from .imagenet_utils import _obtain_input_shape, decode_predictions  # noqa: F401
from .imagenet_utils import _preprocess_tf as preprocess_input  # noqa: F401

BASE_WEIGHTS_PATH = "https://github.com/titu1994/Keras-NASNet/releases/download/v1.2/"
NASNET_MOBILE_WEIGHT_PATH = BASE_WEIGHTS_PATH + "NASNet-mobile.h5"
NASNET_MOBILE_WEIGHT_PATH_NO_TOP = BASE_WEIGHTS_PATH + "NASNet-mobile-no-top.h5"
NASNET_LARGE_WEIGHT_PATH = BASE_WEIGHTS_PATH + "NASNet-large.h5"
NASNET_LARGE_WEIGHT_PATH_NO_TOP = BASE_WEIGHTS_PATH + "NASNet-large-no-top.h5"
_FILES = {  # (default_size, include_top) -> (cache name, url, md5)
    (224, True): ("nasnet_mobile.h5", NASNET_MOBILE_WEIGHT_PATH,
                  "020fb642bf7360b370c678b08e0adf61"),
    (224, False): ("nasnet_mobile_no_top.h5", NASNET_MOBILE_WEIGHT_PATH_NO_TOP,
                   "1ed92395b5b598bdda52abe5c0dbfd63"),
    (331, True): ("nasnet_large.h5", NASNET_LARGE_WEIGHT_PATH, "11577c9a518f0070763c2b964a382f17"),
    (331, False): ("nasnet_large_no_top.h5", NASNET_LARGE_WEIGHT_PATH_NO_TOP,
                   "d81d89dc07e6e56530c4e77faddd61b5"),
}


def _bn(x, name):
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)(x)


def _conv1x1(x, filters, name):
    return layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False,
                         name=name, kernel_initializer="he_normal")(x)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Two ReLU-SeparableConv2D-BN units; the first may be strided (with correcting padding)."""
    x = layers.Activation("relu")(ip)
    pad = "same"
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=_base.correct_pad(x, kernel_size),
                                 name="separable_conv_1_pad_%s" % block_id)(x)
        pad = "valid"
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides,
                               name="separable_conv_1_%s" % block_id, padding=pad, use_bias=False,
                               kernel_initializer="he_normal")(x)
    x = _bn(x, "separable_conv_1_bn_%s" % block_id)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, name="separable_conv_2_%s" % block_id,
                               padding="same", use_bias=False, kernel_initializer="he_normal")(x)
    return _bn(x, "separable_conv_2_bn_%s" % block_id)


def _adjust_block(p, ip, filters, block_id=None):
    """Match the previous cell's output ``p`` to ``ip``'s size (factorized reduction) or width."""
    if p is None:
        return ip
    p_shape, ip_shape = K.int_shape(p), K.int_shape(ip)
    if p_shape[-2] != ip_shape[-2]:
        p = layers.Activation("relu", name="adjust_relu_1_%s" % block_id)(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                     name="adjust_avg_pool_1_%s" % block_id)(p)
        p1 = _conv1x1(p1, filters // 2, "adjust_conv_1_%s" % block_id)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                     name="adjust_avg_pool_2_%s" % block_id)(p2)
        p2 = _conv1x1(p2, filters // 2, "adjust_conv_2_%s" % block_id)
        p = layers.concatenate([p1, p2], axis=-1)
        return _bn(p, "adjust_bn_%s" % block_id)
    if p_shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(p, filters, "adjust_conv_projection_%s" % block_id)
        return _bn(p, "adjust_bn_%s" % block_id)
    return p


def _relu_conv_bn(ip, filters, kind, block_id):
    h = layers.Activation("relu")(ip)
    h = _conv1x1(h, filters, "%s_conv_1_%s" % (kind, block_id))
    return _bn(h, "%s_bn_1_%s" % (kind, block_id))


def _avg3(x, strides, name):
    return layers.AveragePooling2D((3, 3), strides=strides,
                                   padding="same" if strides == (1, 1) else "valid", name=name)(x)


def _normal_a_cell(ip, p, filters, block_id=None):
    """Normal cell: five two-input blocks, concatenated with the adjusted previous output."""
    p = _adjust_block(p, ip, filters, block_id)
    h = _relu_conv_bn(ip, filters, "normal", block_id)
    x1 = layers.add([_separable_conv_block(h, filters, (5, 5), block_id="normal_left1_%s" % block_id),
                     _separable_conv_block(p, filters, block_id="normal_right1_%s" % block_id)],
                    name="normal_add_1_%s" % block_id)
    x2 = layers.add([_separable_conv_block(p, filters, (5, 5), block_id="normal_left2_%s" % block_id),
                     _separable_conv_block(p, filters, (3, 3), block_id="normal_right2_%s" % block_id)],
                    name="normal_add_2_%s" % block_id)
    x3 = layers.add([_avg3(h, (1, 1), "normal_left3_%s" % block_id), p],
                    name="normal_add_3_%s" % block_id)
    x4 = layers.add([_avg3(p, (1, 1), "normal_left4_%s" % block_id),
                     _avg3(p, (1, 1), "normal_right4_%s" % block_id)],
                    name="normal_add_4_%s" % block_id)
    x5 = layers.add([_separable_conv_block(h, filters, block_id="normal_left5_%s" % block_id), h],
                    name="normal_add_5_%s" % block_id)
    x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1, name="normal_concat_%s" % block_id)
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    """Reduction cell: halves the spatial size."""
    p = _adjust_block(p, ip, filters, block_id)
    h = _relu_conv_bn(ip, filters, "reduction", block_id)
    h3 = layers.ZeroPadding2D(padding=_base.correct_pad(h, 3),
                              name="reduction_pad_1_%s" % block_id)(h)
    s2 = (2, 2)
    x1 = layers.add([_separable_conv_block(h, filters, (5, 5), strides=s2,
                                           block_id="reduction_left1_%s" % block_id),
                     _separable_conv_block(p, filters, (7, 7), strides=s2,
                                           block_id="reduction_right1_%s" % block_id)],
                    name="reduction_add_1_%s" % block_id)
    x2 = layers.add([layers.MaxPooling2D((3, 3), strides=s2, padding="valid",
                                         name="reduction_left2_%s" % block_id)(h3),
                     _separable_conv_block(p, filters, (7, 7), strides=s2,
                                           block_id="reduction_right2_%s" % block_id)],
                    name="reduction_add_2_%s" % block_id)
    x3 = layers.add([_avg3(h3, s2, "reduction_left3_%s" % block_id),
                     _separable_conv_block(p, filters, (5, 5), strides=s2,
                                           block_id="reduction_right3_%s" % block_id)],
                    name="reduction_add3_%s" % block_id)
    x4 = layers.add([x2, _avg3(x1, (1, 1), "reduction_left4_%s" % block_id)])
    x5 = layers.add([_separable_conv_block(x1, filters, (3, 3),
                                           block_id="reduction_left4_%s" % block_id),
                     layers.MaxPooling2D((3, 3), strides=s2, padding="valid",
                                         name="reduction_right5_%s" % block_id)(h3)],
                    name="reduction_add4_%s" % block_id)
    x = layers.concatenate([x2, x3, x4, x5], axis=-1, name="reduction_concat_%s" % block_id)
    return x, ip


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
           skip_reduction=True, filter_multiplier=2, include_top=True, weights=None,
           input_tensor=None, pooling=None, classes=1000, default_size=None):
    """Build a NASNet-A network (Keras 2.2.4's generic builder behind NASNetLarge/Mobile).

    Args:
        input_shape: optional shape without the batch axis; at least 32x32; default
            ``default_size`` square. Must be static with ImageNet weights.
        penultimate_filters: filters of the last cells (a multiple of 24): 4032 for NASNet-A
            (6 @ 4032), 1056 for NASNet-A (4 @ 1056).
        num_blocks: normal cells between reductions.
        stem_block_filters: filters of the stem convolution.
        skip_reduction: whether the cells after a reduction skip its output.
        filter_multiplier: filter growth at each reduction.
        include_top: include global average pooling and the ``predictions`` classifier.
        weights: None, ``'imagenet'`` (only with ``default_size`` 224 or 331) or a file path.
        input_tensor: optional Keras tensor to use as the image input.
        pooling: with ``include_top=False``: None, ``'avg'`` or ``'max'``.
        classes: number of classes of the top.
        default_size: default input size (None means 331).

    Returns:
        A ``Model`` named ``'NASNet'``.

    Example:
        >>> model = NASNet((32, 32, 3), penultimate_filters=240, num_blocks=1,
        ...                stem_block_filters=8, classes=10)
        >>> model.output_shape
        (None, 10)
    """
    _base.check_arguments(weights, include_top, classes, pooling)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError("When specifying the input shape of a NASNet and loading `ImageNet` "
                         "weights, the input_shape argument must be static (no None entries). "
                         "Got: `input_shape=%s`." % (input_shape,))
    if default_size is None:
        default_size = 331
    if weights == "imagenet" and default_size not in (224, 331):
        raise ValueError("ImageNet weights can only be loaded with NASNetLarge or NASNetMobile "
                         "(default_size 331 or 224). Received: default_size=%r." % (default_size,))
    input_shape = _obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    with _base.channels_last_only("NASNet family of models"):
        img_input = _base.image_input(input_tensor, input_shape)
        if penultimate_filters % 24 != 0:
            raise ValueError("For NASNet-A models, the value of `penultimate_filters` needs to be "
                             "divisible by 24. Current value: %d" % penultimate_filters)
        filters = penultimate_filters // 24
        x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid",
                          use_bias=False, name="stem_conv1", kernel_initializer="he_normal")(img_input)
        x = _bn(x, "stem_bn1")
        p = None
        x, p = _reduction_a_cell(x, p, filters // filter_multiplier ** 2, block_id="stem_1")
        x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
        for stage in range(3):
            width = filters * filter_multiplier ** stage
            if stage:
                x, p0 = _reduction_a_cell(x, p, width, block_id="reduce_%d" % (stage * num_blocks))
                p = p if skip_reduction else p0
            for i in range(num_blocks):
                block = stage * num_blocks + i + (1 if stage else 0)
                x, p = _normal_a_cell(x, p, width, block_id="%d" % block)
        x = layers.Activation("relu")(x)
        if include_top:
            x = layers.GlobalAveragePooling2D()(x)
            x = layers.Dense(classes, activation="softmax", name="predictions")(x)
        else:
            x = _base.global_pool(x, pooling)
        model = Model(_base.model_inputs(input_tensor, img_input), x, name="NASNet")
        if weights != "imagenet":
            return _base.load_weights(model, weights)
        fname, origin, md5 = _FILES[(default_size, bool(include_top))]
        return _base.load_weights(model, weights, fname, origin, file_hash=md5)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000):
    """NASNet-A (6 @ 4032) for 331x331 images: :func:`NASNet` with Keras's Large settings.

    Example:
        >>> model = NASNetLarge(weights=None, include_top=False, input_shape=(32, 32, 3))
    """
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=331)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                 pooling=None, classes=1000):
    """NASNet-A (4 @ 1056) for 224x224 images: :func:`NASNet` with Keras's Mobile settings.

    Example:
        >>> model = NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)
    """
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=224)
