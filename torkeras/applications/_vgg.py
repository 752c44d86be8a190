"""The VGG16/VGG19 builder behind ``vgg16.py`` and ``vgg19.py`` (private)."""
from .. import layers
from ..engine.training import Model
from . import _base

_FILTERS = (64, 128, 256, 512, 512)
_RELEASE = "https://github.com/fchollet/deep-learning-models/releases/download/v0.1/"

_DOC = """Build the {upper} network ({convs} convolutions, 3 fully connected layers).

    Args:
        include_top: include the three fully connected layers (``flatten``, ``fc1``, ``fc2``,
            ``predictions``).
        weights: None (random initialization), ``'imagenet'`` (downloads Keras's file into
            ``~/.keras/models``) or the path of a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: optional shape without the batch axis; defaults to ``(224, 224, 3)``
            (``(3, 224, 224)`` for channels_first); at least 32x32. With ``include_top`` and
            ImageNet weights it must be the default.
        pooling: with ``include_top=False``: None (4-D output), ``'avg'`` or ``'max'`` (global
            pooling, 2-D output).
        classes: number of classes of the top (1000 with ImageNet weights).

    Returns:
        A ``Model`` named ``'{name}'``.

    Example:
        >>> model = {upper}(include_top=False, weights=None, input_shape=(32, 32, 3))
        >>> model.output_shape
        (None, 1, 1, 512)
    """


def urls(name):
    """Keras's weight URLs for ``name``: tf top, tf no-top (Keras 2) and th top, th no-top (the
    Theano files Keras 1.2.2 named)."""
    return tuple(_RELEASE + "%s_weights_%s_dim_ordering_%s_kernels%s.h5" % (name, k, k, top)
                 for k in ("tf", "th") for top in ("", "_notop"))


def make_vgg(name, convs_per_block, hashes):
    """The public ``VGG16``/``VGG19`` function: ``hashes`` are the md5 of the top/no-top files."""
    top_url, notop_url = urls(name)[:2]
    files = {True: (top_url.rsplit("/", 1)[1], top_url, hashes[0]),
             False: (notop_url.rsplit("/", 1)[1], notop_url, hashes[1])}

    def vgg(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
            pooling=None, classes=1000):
        return build_vgg(name, convs_per_block, files, include_top, weights, input_tensor,
                         input_shape, pooling, classes)
    vgg.__name__ = vgg.__qualname__ = name.upper()
    vgg.__module__ = "torkeras.applications." + name
    vgg.__doc__ = _DOC.format(upper=name.upper(), name=name, convs=sum(convs_per_block))
    return vgg


def build_vgg(name, convs_per_block, files, include_top, weights, input_tensor, input_shape,
              pooling, classes):
    """A VGG network: five blocks of 3x3 convolutions and max pooling, then the classifier.

    ``files`` maps ``include_top`` to ``(file name, url, md5 hash)`` of the ImageNet weights.
    """
    img_input = _base.prepare_input(weights, include_top, classes, pooling, input_tensor,
                                    input_shape, 224, 32, require_flatten=include_top)
    x = img_input
    for block, (filters, n) in enumerate(zip(_FILTERS, convs_per_block), start=1):
        for i in range(1, n + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name="block%d_conv%d" % (block, i))(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name="block%d_pool" % block)(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation="softmax", name="predictions")(x)
    else:
        x = _base.global_pool(x, pooling)
    model = Model(_base.model_inputs(input_tensor, img_input), x, name=name)
    fname, origin, file_hash = files[bool(include_top)]
    return _base.load_weights(model, weights, fname, origin, file_hash=file_hash)
