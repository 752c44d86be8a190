"""Keras 2.2.4 module path ``keras.legacy.interfaces``: the Keras-1 argument decorators.

Custom layers written against Keras 2.0-2.2 decorate their ``__init__`` with these
(``@interfaces.legacy_dense_support``) so that Keras-1 spellings keep working. Each
``legacy_<kind>_support`` here applies the row of :data:`torkeras.legacy.keras1.TABLE` for the
matching built-in class (the same conversions Keras's decorator made), so warnings, ``TypeError`` on
duplicates and ``TORKERAS_STRICT`` behave as for the built-in layers. The ``*_preprocessor``
functions keep Keras's calling convention ``(args, kwargs) -> (args, kwargs, converted)`` with
``args[0]`` the object.

``legacy_add_weight_support`` and ``legacy_get_updates_support`` (Keras-1 orders of
``add_weight``/``get_updates``) are refused when applied: torkeras's ``add_weight`` and optimizers
take only the Keras-2 arguments. ``legacy_lambda_support`` has no conversions (as in Keras) and does
not check the number of positional arguments.

Example:
    >>> from keras.legacy import interfaces
    >>> class MyDense(Dense):
    ...     @interfaces.legacy_dense_support
    ...     def __init__(self, units, **kwargs):
    ...         super(MyDense, self).__init__(units, **kwargs)
"""
import functools
import warnings

import numpy as np

from . import keras1
from ..errors import LegacyArgumentError

__all__ = ["generate_legacy_interface", "generate_legacy_method_interface",
           "raise_duplicate_arg_error"]


def raise_duplicate_arg_error(old_arg, new_arg):
    """Raise Keras's ``TypeError`` for an old and a new argument name given together."""
    raise TypeError("For the `%s` argument, the layer received both the legacy keyword argument `%s` "
                    "and the Keras 2 keyword argument `%s`. Stick to the latter!"
                    % (new_arg, old_arg, new_arg))


def _short(value):
    text = '"%s"' % value if isinstance(value, str) else (
        "array" if isinstance(value, np.ndarray) else str(value))
    return text if len(text) <= 10 or isinstance(value, str) else text[:10] + "..."


def _warn_update(object_name, args, kwargs):
    parts = [_short(a) for a in args] + ["%s=%s" % (k, _short(v)) for k, v in kwargs.items()]
    message = "Update your `%s` call to the Keras 2 API: `%s(%s)`" % (object_name, object_name,
                                                                      ", ".join(parts))
    if keras1.strict():
        raise LegacyArgumentError(message + " (TORKERAS_STRICT=1 makes Keras-1 spellings errors).")
    warnings.warn(message, stacklevel=3)


def generate_legacy_interface(allowed_positional_args=None, conversions=None, preprocessor=None,
                              value_conversions=None, object_type="class"):
    """Build a decorator that translates Keras-1 arguments, as Keras 2.2.4's did.

    Args:
        allowed_positional_args: names of the positional arguments allowed (None: no check).
        conversions: list of ``(old_name, new_name)`` keyword renames.
        preprocessor: ``fn(args, kwargs) -> (args, kwargs, converted)`` run first (``args`` include
            the object for methods and constructors).
        value_conversions: ``{kwarg: {old_value: new_value}}``, applied before the renames.
        object_type: ``'class'`` (messages name the object's class) or ``'method'`` (the function).

    Returns:
        A decorator.

    Example:
        >>> legacy_my_support = generate_legacy_interface(['units'], [('output_dim', 'units')])
    """
    if object_type not in ("class", "method"):
        raise ValueError("generate_legacy_interface: `object_type` must be 'class' or 'method'. "
                         "Received: %r" % (object_type,))
    conversions = list(conversions or [])
    value_conversions = dict(value_conversions or {})

    def legacy_support(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            name = type(args[0]).__name__ if object_type == "class" and args else func.__name__
            converted = []
            if preprocessor is not None:
                args, kwargs, converted = preprocessor(args, kwargs)
                converted = list(converted)
            if allowed_positional_args is not None and len(args) > len(allowed_positional_args) + 1:
                raise TypeError("`%s` can accept only %d positional arguments %s, but you passed the "
                                "following positional arguments: %s"
                                % (name, len(allowed_positional_args), tuple(allowed_positional_args),
                                   list(args[1:])))
            for key, mapping in value_conversions.items():
                if key in kwargs and kwargs[key] in mapping:
                    kwargs[key] = mapping[kwargs[key]]
            for old, new in conversions:
                if old in kwargs:
                    value = kwargs.pop(old)
                    if new in kwargs:
                        raise_duplicate_arg_error(old, new)
                    kwargs[new] = value
                    converted.append((new, old))
            if converted:
                _warn_update(name, args[1:], kwargs)
            return func(*args, **kwargs)
        wrapper._original_function = func
        return wrapper
    return legacy_support


generate_legacy_method_interface = functools.partial(generate_legacy_interface, object_type="method")


def _table_support(table_name):
    """The decorator of :data:`keras1.TABLE` row ``table_name`` (None: the method's own name)."""
    def decorator(func):
        return keras1.legacy_interface(table_name or func.__name__)(func)
    return decorator


def _refuse(name, reason):
    """A Keras name we cannot honour: raises when applied (decorators) or called (preprocessors)."""
    def refuse(*args, **kwargs):
        raise LegacyArgumentError("`keras.legacy.interfaces.%s` is not supported by torkeras: %s"
                                  % (name, reason))
    refuse.__name__ = name
    return refuse


#: Keras 2.2.4 decorator name -> the TABLE row with the same conversions.
_SUPPORT_ROWS = {
    "legacy_dense_support": "Dense", "legacy_dropout_support": "Dropout",
    "legacy_embedding_support": "Embedding", "legacy_pooling1d_support": "MaxPooling1D",
    "legacy_prelu_support": "PReLU", "legacy_gaussiannoise_support": "GaussianNoise",
    "legacy_recurrent_support": "LSTM", "legacy_gaussiandropout_support": "GaussianDropout",
    "legacy_pooling2d_support": "MaxPooling2D", "legacy_pooling3d_support": "MaxPooling3D",
    "legacy_global_pooling_support": "GlobalAveragePooling2D",
    "legacy_upsampling1d_support": "UpSampling1D", "legacy_upsampling2d_support": "UpSampling2D",
    "legacy_upsampling3d_support": "UpSampling3D", "legacy_conv1d_support": "Conv1D",
    "legacy_conv2d_support": "Conv2D", "legacy_separable_conv2d_support": "SeparableConv2D",
    "legacy_deconv2d_support": "Conv2DTranspose", "legacy_conv3d_support": "Conv3D",
    "legacy_convlstm2d_support": "ConvLSTM2D", "legacy_batchnorm_support": "BatchNormalization",
    "legacy_zeropadding2d_support": "ZeroPadding2D", "legacy_zeropadding3d_support": "ZeroPadding3D",
    "legacy_cropping2d_support": "Cropping2D", "legacy_cropping3d_support": "Cropping3D",
    "legacy_spatialdropout1d_support": "SpatialDropout1D",
    "legacy_spatialdropoutNd_support": "SpatialDropout2D",
    "legacy_model_constructor_support": "Model", "legacy_input_support": "InputLayer",
    "legacy_lambda_support": "Lambda",
    "legacy_generator_methods_support": None,   # fit_generator / evaluate_generator / ...
}
globals().update({name: _table_support(row) for name, row in _SUPPORT_ROWS.items()})
legacy_add_weight_support = _refuse(
    "legacy_add_weight_support", "Layer.add_weight takes the Keras 2 order add_weight(name, shape, ...).")
legacy_get_updates_support = _refuse(
    "legacy_get_updates_support", "Optimizer.get_updates takes the Keras 2 arguments (loss, params).")


def _keras_preprocessor(table_name, pre):
    """Keras's preprocessor convention (``args[0]`` is the object) over a TABLE preprocessor."""
    def preprocessor(args, kwargs):
        rest, kwargs, converted = pre(table_name, tuple(args[1:]), dict(kwargs))
        return (args[0],) + tuple(rest), kwargs, converted
    preprocessor.__name__ = pre.__name__
    return preprocessor


#: Keras 2.2.4 preprocessor name -> TABLE row whose preprocessor makes the same structural change.
_PREPROCESSOR_ROWS = {
    "recurrent_args_preprocessor": "LSTM", "conv1d_args_preprocessor": "Conv1D",
    "conv2d_args_preprocessor": "Conv2D", "separable_conv2d_args_preprocessor": "SeparableConv2D",
    "deconv2d_args_preprocessor": "Conv2DTranspose", "conv3d_args_preprocessor": "Conv3D",
    "convlstm2d_args_preprocessor": "ConvLSTM2D", "zeropadding2d_args_preprocessor": "ZeroPadding2D",
    "generator_methods_args_preprocessor": "fit_generator",
}
globals().update({name: _keras_preprocessor(row, keras1.TABLE[row]["preprocess"])
                  for name, row in _PREPROCESSOR_ROWS.items()})


# Keras-1 arguments these handled are rejected or dropped by the TABLE rows themselves (Embedding
# ``dropout``, BatchNormalization ``mode``); the stand-alone functions have no exact equivalent.
embedding_kwargs_preprocessor = _refuse(
    "embedding_kwargs_preprocessor", "use the Embedding layer itself (it handles `dropout`).")
batchnorm_args_preprocessor = _refuse(
    "batchnorm_args_preprocessor", "use the BatchNormalization layer itself (it handles `mode`).")
add_weight_args_preprocessing = _refuse(
    "add_weight_args_preprocessing", "Layer.add_weight takes the Keras 2 argument order.")
get_updates_arg_preprocessing = _refuse(
    "get_updates_arg_preprocessing", "Optimizer.get_updates takes the Keras 2 arguments.")
