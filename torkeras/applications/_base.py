"""Machinery shared by the ``torkeras.applications`` models (private).

Argument checks with Keras 2.2.4's messages (``keras_applications`` 1.0.6), the image input, the
optional global pooling, source-input lookup for ``input_tensor``, the temporary switch to
``channels_last`` for the models that only exist in that format, and ImageNet weight loading through
:func:`torkeras.utils._get_file.get_file`.
"""
import contextlib
import functools
import os
import types
import warnings

from .. import backend as K
from .. import layers
from ..utils._get_file import get_file

WEIGHTS_CACHE_SUBDIR = "models"
_INJECTED = ("backend", "layers", "models", "utils")


def keras_modules_injection(base_fun):
    """Decorator Keras 2.2.4 put on every application function to pass its own modules along.

    torkeras's models always build with torkeras's modules, so the wrapper accepts the keyword
    arguments ``backend``, ``layers``, ``models`` and ``utils`` only when they *are* torkeras's
    modules (under either the ``torkeras`` or the aliased ``keras`` name) and refuses other modules
    rather than ignoring them.

    Args:
        base_fun: the function to wrap.

    Returns:
        The wrapped function.

    Example:
        >>> @keras_modules_injection
        ... def build(*args, **kwargs):
        ...     return VGG16(*args, **kwargs)
    """
    @functools.wraps(base_fun)
    def wrapper(*args, **kwargs):
        for key in _INJECTED:
            if key not in kwargs:
                continue
            value = kwargs.pop(key)
            if not (isinstance(value, types.ModuleType)
                    and value.__name__ == "torkeras." + key):
                raise ValueError(
                    "%s: the keyword argument %r must be torkeras's own `%s` module (torkeras "
                    "builds its applications with its own layers). Received: %r. Remove the "
                    "argument." % (base_fun.__name__, key, key, value))
        return base_fun(*args, **kwargs)
    return wrapper


def check_arguments(weights, include_top, classes, pooling):
    """Keras's checks of ``weights`` and ``classes``, plus a check of ``pooling``."""
    if not (weights is None or isinstance(weights, (str, os.PathLike))):
        raise TypeError("The `weights` argument should be either `None` (random initialization), "
                        "`imagenet` (pre-training on ImageNet), or the path to the weights file "
                        "to be loaded. Received: weights=%r (a %s)." % (weights,
                                                                         type(weights).__name__))
    if not (weights in (None, "imagenet") or os.path.exists(weights)):
        raise ValueError("The `weights` argument should be either `None` (random initialization), "
                         "`imagenet` (pre-training on ImageNet), or the path to the weights file "
                         "to be loaded. Received: weights=%r, which is not an existing file."
                         % (weights,))
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, '
                         '`classes` should be 1000. Received: classes=%r.' % (classes,))
    if pooling not in (None, "avg", "max"):
        raise ValueError("`pooling` must be None, 'avg' or 'max'. Received: pooling=%r."
                         % (pooling,))
    if include_top and pooling is not None:
        warnings.warn("`pooling=%r` has no effect when `include_top=True` (Keras applies it only "
                      "to the headless model)." % (pooling,))


def prepare_input(weights, include_top, classes, pooling, input_tensor, input_shape, default_size,
                  min_size, require_flatten):
    """Check the arguments, settle the input shape (Keras's rules) and return the image input."""
    from .imagenet_utils import _obtain_input_shape
    check_arguments(weights, include_top, classes, pooling)
    input_shape = _obtain_input_shape(input_shape, default_size=default_size, min_size=min_size,
                                      data_format=K.image_data_format(),
                                      require_flatten=require_flatten, weights=weights)
    return image_input(input_tensor, input_shape)


def classify_or_pool(x, include_top, pooling, classes, dense_name="predictions",
                     avg_name="avg_pool"):
    """The usual head: global average pooling + softmax ``Dense`` when ``include_top``, else
    the optional global pooling."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name=avg_name)(x)
        return layers.Dense(classes, activation="softmax", name=dense_name)(x)
    return global_pool(x, pooling)


def image_input(input_tensor, input_shape):
    """The model's input: ``Input(shape=input_shape)``, or ``input_tensor`` when given."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not hasattr(input_tensor, "_keras_history"):
        raise TypeError("`input_tensor` must be a Keras tensor (the output of `Input()` or of a "
                        "layer). Received: %r (a %s). torkeras has no symbolic backend tensors to "
                        "wrap: build `Input(shape=...)` and pass that."
                        % (input_tensor, type(input_tensor).__name__))
    return input_tensor


def get_source_inputs(tensor):
    """The ``Input`` tensors that ``tensor`` is computed from, in first-visit order."""
    found = []
    seen = set()
    stack = [tensor]
    while stack:
        t = stack.pop()
        layer, node_index, _ = t._keras_history
        node = layer._inbound_nodes[node_index]
        if not node.inbound_layers:
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
            continue
        stack.extend(reversed(node.input_tensors))
    return found


def model_inputs(input_tensor, img_input):
    """What ``Model(inputs, ...)`` takes: the sources of ``input_tensor``, else ``img_input``."""
    if input_tensor is None:
        return img_input
    return get_source_inputs(input_tensor)


def global_pool(x, pooling, avg_name=None, max_name=None):
    """Keras's headless-model pooling: ``'avg'``, ``'max'`` or None (``x`` unchanged)."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def channel_axis():
    """The channel axis of a 4-D image batch in the current data format (1 or 3)."""
    return 1 if K.image_data_format() == "channels_first" else 3


@contextlib.contextmanager
def channels_last_only(family):
    """Build in ``channels_last`` with Keras's warning when the config says ``channels_first``."""
    if K.image_data_format() == "channels_last":
        yield
        return
    warnings.warn('The %s is only available for the input data format "channels_last" '
                  '(width, height, channels). However your settings specify the default data '
                  'format "channels_first" (channels, width, height). You should set '
                  '`image_data_format="channels_last"` in your Keras config located at '
                  '~/.keras/keras.json. The model being returned right now will expect inputs '
                  'to follow the "channels_last" data format.' % (family,))
    K.set_image_data_format("channels_last")
    try:
        yield
    finally:
        K.set_image_data_format("channels_first")


def load_weights(model, weights, fname=None, origin=None, file_hash=None, md5_hash=None):
    """Load ``weights`` into ``model``: ImageNet (``fname`` from ``origin``) or a file path."""
    if weights == "imagenet":
        path = get_file(fname, origin, cache_subdir=WEIGHTS_CACHE_SUBDIR, file_hash=file_hash,
                        md5_hash=md5_hash)
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model


def correct_pad(inputs, kernel_size):
    """Zero padding ``((top, bottom), (left, right))`` that makes a strided 'valid' convolution of
    ``kernel_size`` line up as TensorFlow's 'same' would (Keras applications' helper)."""
    first = 2 if K.image_data_format() == "channels_first" else 1
    size = K.int_shape(inputs)[first:first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    odd = [0 if n is None else n % 2 for n in size]
    # An even size loses one row/column at the top/left; an odd one keeps both sides equal.
    return ((half[0] - 1 + odd[0], half[0]), (half[1] - 1 + odd[1], half[1]))
