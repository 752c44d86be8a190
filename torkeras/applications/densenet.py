"""DenseNet121/169/201 (``keras.applications.densenet``): Huang et al., "Densely Connected
Convolutional Networks" (https://arxiv.org/abs/1608.06993), as in Keras 2.2.4."""
from .. import backend as K
from .. import layers
from ..engine.training import Model
from . import _base
from ._base import keras_modules_injection  # noqa: F401  (Keras exported the decorator)
from .imagenet_utils import decode_predictions  # noqa: F401
from .imagenet_utils import preprocess_input as _imagenet_preprocess

BASE_WEIGTHS_PATH = ("https://github.com/keras-team/keras-applications/"
                     "releases/download/densenet/")
_HASHES = {  # (blocks) -> (top hash, no-top hash)
    (6, 12, 24, 16): ("densenet121", "9d60b8095a5708f2dcce2bca79d332c7",
                      "30ee3e1110167f948a6b9946edeeb738"),
    (6, 12, 32, 32): ("densenet169", "d699b8f76981ab1b30698df4c175e90b",
                      "b8c4d4c20dd625c148057b9ff1c1176b"),
    (6, 12, 48, 32): ("densenet201", "1ceb130c1ea1b78c3bf6114dbdfd8807",
                      "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
DENSENET121_WEIGHT_PATH = BASE_WEIGTHS_PATH + "densenet121_weights_tf_dim_ordering_tf_kernels.h5"
DENSENET121_WEIGHT_PATH_NO_TOP = (BASE_WEIGTHS_PATH
                                  + "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5")
DENSENET169_WEIGHT_PATH = BASE_WEIGTHS_PATH + "densenet169_weights_tf_dim_ordering_tf_kernels.h5"
DENSENET169_WEIGHT_PATH_NO_TOP = (BASE_WEIGTHS_PATH
                                  + "densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5")
DENSENET201_WEIGHT_PATH = BASE_WEIGTHS_PATH + "densenet201_weights_tf_dim_ordering_tf_kernels.h5"
DENSENET201_WEIGHT_PATH_NO_TOP = (BASE_WEIGTHS_PATH
                                  + "densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5")


def _bn_relu(x, name, sep="_"):
    x = layers.BatchNormalization(axis=_base.channel_axis(), epsilon=1.001e-5,
                                  name=name + sep + "bn")(x)
    return layers.Activation("relu", name=name + sep + "relu")(x)


def conv_block(x, growth_rate, name):
    """A dense layer: BN-ReLU-1x1 conv (4 * growth_rate), BN-ReLU-3x3 conv, concatenated to ``x``.

    Args:
        x: input tensor.
        growth_rate: filters added by the block.
        name: layer-name prefix (``conv2_block1`` gives ``conv2_block1_0_bn``...).

    Returns:
        The concatenation of ``x`` and the new features.

    Example:
        >>> y = conv_block(x, 32, name='conv2_block1')   # doctest: +SKIP
    """
    x1 = _bn_relu(x, name + "_0")
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(x1)
    x1 = _bn_relu(x1, name + "_1")
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=name + "_2_conv")(x1)
    return layers.Concatenate(axis=_base.channel_axis(), name=name + "_concat")([x, x1])


def dense_block(x, blocks, name):
    """``blocks`` conv blocks of growth rate 32, named ``<name>_block<i>``.

    Args:
        x: input tensor.
        blocks: number of conv blocks.
        name: layer-name prefix.

    Returns:
        The output tensor.

    Example:
        >>> y = dense_block(x, 6, name='conv2')   # doctest: +SKIP
    """
    for i in range(blocks):
        x = conv_block(x, 32, name="%s_block%d" % (name, i + 1))
    return x


def transition_block(x, reduction, name):
    """BN-ReLU, 1x1 conv to ``reduction`` times the channels, 2x2 average pooling.

    Args:
        x: input tensor.
        reduction: channel compression factor.
        name: layer-name prefix.

    Returns:
        The output tensor.

    Example:
        >>> y = transition_block(x, 0.5, name='pool2')   # doctest: +SKIP
    """
    x = _bn_relu(x, name)
    channels = K.int_shape(x)[_base.channel_axis()]
    x = layers.Conv2D(int(channels * reduction), 1, use_bias=False, name=name + "_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000):
    """Build a DenseNet with four dense blocks of ``blocks`` conv blocks each.

    Args:
        blocks: four integers; ``[6, 12, 24, 16]`` is DenseNet121, ``[6, 12, 32, 32]``
            DenseNet169, ``[6, 12, 48, 32]`` DenseNet201 (ImageNet weights exist only for these).
        include_top: include ``avg_pool`` and the ``fc1000`` classifier.
        weights: None, ``'imagenet'`` (downloads Keras's file) or the path of a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: optional shape without the batch axis; at least 32x32; default
            ``(224, 224, 3)``.
        pooling: with ``include_top=False``: None, ``'avg'`` (layer ``avg_pool``) or ``'max'``
            (layer ``max_pool``).
        classes: number of classes of the top.

    Returns:
        A ``Model`` named ``'densenet121'``, ``'densenet169'``, ``'densenet201'`` or
        ``'densenet'``.

    Example:
        >>> model = DenseNet([2, 2, 2, 2], weights=None, input_shape=(32, 32, 3), classes=10)
        >>> model.name
        'densenet'
    """
    _base.check_arguments(weights, include_top, classes, pooling)
    known = _HASHES.get(tuple(blocks))
    if weights == "imagenet" and known is None:
        raise ValueError("ImageNet weights exist only for DenseNet121/169/201 (blocks [6, 12, 24, "
                         "16], [6, 12, 32, 32], [6, 12, 48, 32]). Received: blocks=%r." % (blocks,))
    img_input = _base.prepare_input(weights, include_top, classes, pooling, input_tensor,
                                    input_shape, 224, 32, require_flatten=include_top)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1/conv")(x)
    x = _bn_relu(x, "conv1", sep="/")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, n in enumerate(blocks):
        x = dense_block(x, n, name="conv%d" % (i + 2))
        if i < 3:
            x = transition_block(x, 0.5, name="pool%d" % (i + 2))
    x = layers.BatchNormalization(axis=_base.channel_axis(), epsilon=1.001e-5, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = _base.classify_or_pool(x, include_top, pooling, classes, dense_name="fc1000")
    else:
        x = _base.global_pool(x, pooling, avg_name="avg_pool", max_name="max_pool")
    model_name = "densenet" if known is None else known[0]
    model = Model(_base.model_inputs(input_tensor, img_input), x, name=model_name)
    if weights != "imagenet":
        return _base.load_weights(model, weights)
    fname = "%s_weights_tf_dim_ordering_tf_kernels%s.h5" % (model_name,
                                                             "" if include_top else "_notop")
    return _base.load_weights(model, weights, fname, BASE_WEIGTHS_PATH + fname,
                              file_hash=known[1] if include_top else known[2])


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    """DenseNet121: :func:`DenseNet` with blocks ``[6, 12, 24, 16]`` (same arguments)."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling,
                    classes)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    """DenseNet169: :func:`DenseNet` with blocks ``[6, 12, 32, 32]`` (same arguments)."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    """DenseNet201: :func:`DenseNet` with blocks ``[6, 12, 48, 32]`` (same arguments)."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes)


def preprocess_input(x, data_format=None):
    """Preprocess images for DenseNet: ``imagenet_utils.preprocess_input`` in mode ``'torch'``.

    Args:
        x: NumPy array or torch tensor of images in [0, 255].
        data_format: ``'channels_last'``, ``'channels_first'`` or None (the config's).

    Returns:
        The images scaled to [0, 1] and normalized per channel with ImageNet statistics.

    Example:
        >>> y = preprocess_input(np.full((1, 2, 2, 3), 255.0))
    """
    return _imagenet_preprocess(x, data_format, mode="torch")
