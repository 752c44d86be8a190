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
    # convolutional
    "Conv1D": (dict(filters=3, kernel_size=3, padding="causal"), (9, 2)),
    "Conv2D": (dict(filters=4, kernel_size=3, strides=2, padding="same", activation="relu"), (8, 8, 3)),
    "Conv3D": (dict(filters=2, kernel_size=2), (4, 4, 4, 2)),
    "Conv2DTranspose": (dict(filters=3, kernel_size=3, strides=2, padding="same", output_padding=1),
                        (4, 4, 2)),
    "Conv3DTranspose": (dict(filters=2, kernel_size=2, strides=2), (2, 2, 2, 3)),
    "SeparableConv1D": (dict(filters=3, kernel_size=3, depth_multiplier=2), (8, 2)),
    "SeparableConv2D": (dict(filters=3, kernel_size=3, padding="same"), (6, 6, 2)),
    "DepthwiseConv2D": (dict(kernel_size=3, depth_multiplier=2), (6, 6, 2)),
    "UpSampling1D": (dict(size=3), (4, 2)),
    "UpSampling2D": (dict(size=(2, 3), interpolation="bilinear"), (3, 4, 2)),
    "UpSampling3D": (dict(size=2), (2, 2, 2, 1)),
    "ZeroPadding1D": (dict(padding=(1, 2)), (4, 2)),
    "ZeroPadding2D": (dict(padding=((1, 0), (0, 2))), (3, 4, 2)),
    "ZeroPadding3D": (dict(padding=1), (2, 2, 2, 1)),
    "Cropping1D": (dict(cropping=(1, 2)), (6, 2)),
    "Cropping2D": (dict(cropping=((1, 0), (0, 2))), (4, 5, 2)),
    "Cropping3D": (dict(cropping=1), (3, 3, 3, 1)),
    # pooling, local, normalization, embeddings, noise, advanced activations
    "MaxPooling1D": (dict(pool_size=2, strides=1, padding="same"), (5, 3)),
    "MaxPooling2D": (dict(pool_size=(2, 2), strides=(2, 1), padding="same"), (5, 4, 3)),
    "MaxPooling3D": (dict(pool_size=2, padding="same"), (3, 4, 3, 2)),
    "AveragePooling1D": (dict(pool_size=3, strides=2, padding="same"), (6, 2)),
    "AveragePooling2D": (dict(pool_size=(3, 3), strides=(2, 2), padding="same"), (5, 4, 2)),
    "AveragePooling3D": (dict(pool_size=(2, 2, 2), padding="valid"), (4, 4, 4, 2)),
    "GlobalMaxPooling1D": (dict(), (5, 3)),
    "GlobalMaxPooling2D": (dict(data_format="channels_first"), (3, 4, 4)),
    "GlobalMaxPooling3D": (dict(), (3, 3, 3, 2)),
    "GlobalAveragePooling1D": (dict(), (5, 3)),
    "GlobalAveragePooling2D": (dict(), (4, 4, 3)),
    "GlobalAveragePooling3D": (dict(), (3, 3, 3, 2)),
    "LocallyConnected1D": (dict(filters=3, kernel_size=2, strides=1, activation="tanh"), (5, 2)),
    "LocallyConnected2D": (dict(filters=2, kernel_size=(2, 2), kernel_regularizer="l2"), (4, 4, 3)),
    "BatchNormalization": (dict(momentum=0.9, epsilon=1e-3, gamma_regularizer="l2",
                                moving_variance_initializer="ones"), (4,)),
    "Embedding": (dict(input_dim=10, output_dim=3, input_length=4), (4,)),
    "GaussianNoise": (dict(stddev=0.1), (4,)),
    "GaussianDropout": (dict(rate=0.2), (4,)),
    "AlphaDropout": (dict(rate=0.2), (4,)),
    "LeakyReLU": (dict(alpha=0.2), (4,)),
    "PReLU": (dict(alpha_initializer="ones", shared_axes=[1]), (3, 4)),
    "ELU": (dict(alpha=0.5), (4,)),
    "ThresholdedReLU": (dict(theta=0.5), (4,)),
    "Softmax": (dict(axis=-1), (4,)),
    "ReLU": (dict(max_value=6.0, negative_slope=0.1, threshold=0.0), (4,)),
    # Keras-1 legacy layers
    "AtrousConvolution1D": (dict(nb_filter=3, filter_length=3, atrous_rate=2), (9, 2)),
    "AtrousConvolution2D": (dict(nb_filter=2, nb_row=3, nb_col=3, atrous_rate=(2, 2),
                                 border_mode="same"), (7, 7, 2)),
    # Keras 1.2.2 layers removed in Keras 2 (torkeras/legacy/_old_layers.py)
    "Highway": (dict(activation="tanh", W_regularizer="l2"), (4,)),
    "MaxoutDense": (dict(output_dim=3, nb_feature=2), (4,)),
    "TimeDistributedDense": (dict(output_dim=3, activation="relu"), (5, 4)),
    "ParametricSoftplus": (dict(alpha_init=0.3, shared_axes=[1]), (3, 4)),
    "SReLU": (dict(), (3, 4)),
    # recurrent and wrappers
    "RNN": (dict(cell=keras.layers.LSTMCell(3), return_sequences=True), (5, 4)),
    "SimpleRNN": (dict(units=3, activation="relu", kernel_regularizer="l2", go_backwards=True), (5, 4)),
    "GRU": (dict(units=3, reset_after=True, recurrent_activation="sigmoid", return_sequences=True,
                 recurrent_constraint="max_norm"), (5, 4)),
    "LSTM": (dict(units=3, unit_forget_bias=False, implementation=2, dropout=0.2,
                  recurrent_dropout=0.1), (5, 4)),
    "CuDNNGRU": (dict(units=3, return_sequences=True), (5, 4)),
    "CuDNNLSTM": (dict(units=3, go_backwards=True), (5, 4)),
    "ConvLSTM2D": (dict(filters=2, kernel_size=(3, 3), padding="same", return_sequences=True),
                   (3, 5, 5, 1)),
    "ConvRNN2D": (dict(cell=keras.layers.ConvLSTM2DCell(2, (3, 3), strides=2), go_backwards=True),
                  (3, 5, 5, 1)),
    "TimeDistributed": (dict(layer=keras.layers.Dense(2, activation="tanh")), (5, 4)),
    "Bidirectional": (dict(layer=keras.layers.GRU(2, return_sequences=True), merge_mode="ave"), (5, 4)),
}
SKIP_LAYERS = {"InputLayer": "is the input of every model below", "Sequential": "a model (tests/test_engine.py)",
               "Model": "a model (tests/test_functional.py)"}
for _merge in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"):
    SKIP_LAYERS[_merge] = "a merge layer: tested in a functional model by test_merge_layer_conformance"
SKIP_LAYERS["Merge"] = "Keras-1 Merge: tests/test_keras1_merge.py"
for _cell in ("SimpleRNNCell", "GRUCell", "LSTMCell", "StackedRNNCells", "ConvLSTM2DCell"):
    SKIP_LAYERS[_cell] = "an RNN cell: covered through RNN(cell) and the golden tests"


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
    # fresh copies of nested layers (a layer instance can belong to one wrapper only)
    kwargs = {k: (keras.layers.deserialize(keras.layers.serialize(v))
                  if isinstance(v, keras.layers.Layer) else v) for k, v in kwargs.items()}
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


MERGE_EXAMPLES = {
    "Add": dict(), "Subtract": dict(), "Multiply": dict(), "Average": dict(), "Maximum": dict(),
    "Minimum": dict(), "Concatenate": dict(axis=-1), "Dot": dict(axes=1, normalize=True),
}


@pytest.mark.parametrize("name", sorted(MERGE_EXAMPLES))
def test_merge_layer_conformance(name, tmp_path):
    from torkeras.layers import Input
    cls = _registry.LAYERS.get(name)
    layer = cls(**MERGE_EXAMPLES[name])
    a, b = Input(shape=(4,)), Input(shape=(4,))
    model = Model([a, b], layer([a, b]))
    x = [np.random.RandomState(1).rand(5, 4).astype("float32"),
         np.random.RandomState(2).rand(5, 4).astype("float32")]
    ref = model.predict(x)
    cfg = layer.get_config()
    assert type(layer).from_config(json.loads(json.dumps(cfg))).get_config() == cfg
    model.compile("sgd", "mse")
    path = str(tmp_path / ("%s.h5" % name))
    model.save(path)
    np.testing.assert_allclose(load_model(path).predict(x), ref, rtol=1e-6, atol=1e-7)
    assert name in repr(layer)
