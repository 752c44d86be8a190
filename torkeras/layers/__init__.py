"""Keras layers. ``torkeras.layers.deserialize`` resolves class names through the layer registry."""
from ..engine.base_layer import Layer  # noqa: F401
from ..engine.input_spec import InputSpec  # noqa: F401
from ..engine.input_layer import InputLayer  # noqa: F401
from ..engine import Input  # noqa: F401
from .core import (Activation, ActivityRegularization, Dense, Dropout, Flatten,  # noqa: F401
                   Lambda, Masking, Permute, RepeatVector, Reshape, SpatialDropout1D,
                   SpatialDropout2D, SpatialDropout3D)
from .convolutional import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .local import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .embeddings import *  # noqa: F401,F403
from .noise import *  # noqa: F401,F403
from .advanced_activations import *  # noqa: F401,F403
from .merge import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .cudnn_recurrent import *  # noqa: F401,F403
from .convolutional_recurrent import *  # noqa: F401,F403
from .wrappers import *  # noqa: F401,F403
from ..legacy.layers import (AtrousConv1D, AtrousConv2D, AtrousConvolution1D,  # noqa: F401
                             AtrousConvolution2D, Merge, MergeModuleShim as _MergeModuleShim)
from ..legacy._old_layers import (ConvRecurrent2D, Highway, MaxoutDense,  # noqa: F401
                                  ParametricSoftplus, SReLU, TimeDistributedDense,
                                  time_distributed_dense)
from .. import _registry
from ..utils.generic_utils import deserialize_keras_object, serialize_keras_object


def serialize(layer):
    """``{'class_name': ..., 'config': ...}`` for a layer."""
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """Instantiate a layer (or model) from ``{'class_name', 'config'}`` through the registry."""
    return deserialize_keras_object(config, _registry.LAYERS, custom_objects=custom_objects,
                                    printable_module_name="layer")


def get(identifier):
    if isinstance(identifier, Layer):
        return identifier
    if isinstance(identifier, str):
        return _registry.LAYERS.get(identifier)
    return deserialize(identifier)


_FAMILIES = ("core", "convolutional", "pooling", "local", "normalization", "embeddings", "noise",
             "advanced_activations", "merge", "recurrent", "cudnn_recurrent",
             "convolutional_recurrent", "wrappers")


def _builtin_objects():
    import importlib
    from ..engine.sequential import Sequential
    from ..engine.training import Model
    objects = []
    for family in _FAMILIES:
        objects.extend(importlib.import_module("torkeras.layers." + family)._builtin_objects())
    objects.extend(importlib.import_module("torkeras.legacy.layers")._builtin_objects())
    return objects + [(InputLayer, "InputLayer", ()), (Sequential, "Sequential", ()),
                                      (Model, "Model", ("Functional",))]


# Keras 1 ``merge(...)`` function and Keras 2 ``keras.layers.merge`` module under one name.
merge = _MergeModuleShim(merge)
