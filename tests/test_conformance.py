"""Registry-driven conformance (DESIGN rule 7): every registered object, plugin objects included.

Layers: config round trip through JSON, `.h5` round trip with identical predictions, repr.
Other kinds: config round trip through JSON where the object has a config, and lookup by name.
"""
import json

import numpy as np
import pytest
import torch

import torkeras as keras
from torkeras import _registry
from torkeras.engine.training import Model
from torkeras.layers import InputLayer
from torkeras.models import Sequential, load_model

# Constructor arguments and input shape (without batch axis) for built-in layers that need them.
LAYER_EXAMPLES = {
    "Dense": (dict(units=3, activation="tanh", kernel_regularizer="l2",
                   kernel_constraint="max_norm"), (4,)),
    "Activation": (dict(activation="tanh"), (4,)),
    "Dropout": (dict(rate=0.3, noise_shape=None, seed=1), (4,)),
    "Flatten": (dict(), (2, 3)),
    "Reshape": (dict(target_shape=(3, 2)), (6,)),
    "Permute": (dict(dims=(2, 1)), (2, 3)),
    "RepeatVector": (dict(n=2), (4,)),
    "Lambda": (dict(function=keras.activations.tanh), (4,)),
    "Masking": (dict(mask_value=0.5), (2, 3)),
    "ActivityRegularization": (dict(l1=0.01, l2=0.02), (4,)),
    "SpatialDropout1D": (dict(rate=0.5), (3, 4)),
    "SpatialDropout2D": (dict(rate=0.5, data_format="channels_first"), (2, 3, 4)),
    "SpatialDropout3D": (dict(rate=0.5), (2, 2, 3, 4)),
}
SKIP_LAYERS = {"InputLayer": "is the input of every model below", "Sequential": "a model (tests/test_engine.py)",
               "Model": "the functional API (not available yet)"}


def _layer_names():
    out = []
    for name in _registry.LAYERS.names(include_aliases=False):
        if name in SKIP_LAYERS:
            continue
        out.append(name)
    return out


def _make(name):
    cls = _registry.LAYERS.get(name)
    kwargs, shape = LAYER_EXAMPLES.get(name, ({}, (4,)))
    return cls(**kwargs), shape


@pytest.mark.parametrize("name", _layer_names())
def test_layer_conformance(name, tmp_path):
    layer, shape = _make(name)
    model = Sequential([InputLayer(input_shape=shape), layer])
    x = np.random.RandomState(0).rand(5, *shape).astype("float32")
    ref = model.predict(x)
    # config round trip through JSON
    cfg = layer.get_config()
    again = type(layer).from_config(json.loads(json.dumps(cfg)))
    assert again.get_config() == cfg
    assert keras.layers.deserialize(json.loads(json.dumps(keras.layers.serialize(layer)))).name == layer.name
    # .h5 round trip
    model.compile("sgd", "mse")
    path = str(tmp_path / ("%s.h5" % name))
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x), ref, rtol=1e-6, atol=1e-7)
    assert type(loaded.layers[0]) is type(layer)
    # repr names the class and the Keras name
    text = repr(layer)
    assert type(layer).__name__ in text and layer.name in text


def test_every_layer_is_covered():
    missing = [n for n in _registry.LAYERS.names(include_aliases=False)
               if n not in LAYER_EXAMPLES and n not in SKIP_LAYERS
               and _registry.LAYERS.origin(n) == "torkeras"]
    assert not missing, "add constructor examples for %s" % missing


KINDS = ["activations", "losses", "metrics", "initializers", "regularizers", "constraints",
         "optimizers", "callbacks"]


def _objects():
    for kind in KINDS:
        reg = _registry.ALL[kind]
        for name in reg.names(include_aliases=False):
            yield kind, name


@pytest.mark.parametrize("kind,name", list(_objects()), ids=["%s-%s" % o for o in _objects()])
def test_object_conformance(kind, name):
    reg = _registry.ALL[kind]
    obj = reg.get(name)
    module = getattr(keras, kind)
    if kind in ("activations", "losses", "metrics"):
        if isinstance(obj, type):
            pytest.skip("class-based %s" % kind)
        assert module.get(name) is obj
        assert module.serialize(obj) in reg.names()
        x = torch.rand(3, 4)
        y = torch.randint(0, 4, (3,)).float() if "sparse" in name else torch.rand(3, 4)
        out = obj(x) if kind == "activations" else obj(y, x)
        assert isinstance(out, torch.Tensor)
        return
    if kind == "callbacks":
        assert issubclass(obj, keras.callbacks.Callback)
        return
    if not isinstance(obj, type):
        instance = obj()          # initializer / regularizer preset functions
    elif kind == "optimizers":
        instance = obj()
    else:
        try:
            instance = obj()
        except TypeError:
            pytest.skip("%s needs constructor arguments" % name)
    cfg = module.serialize(instance)
    again = module.deserialize(json.loads(json.dumps(cfg)))
    assert type(again) is type(instance)
    assert again.get_config() == instance.get_config()
    assert type(instance).__name__ in repr(instance) or hasattr(instance, "get_config")
