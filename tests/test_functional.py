"""The functional API: Input, Model(inputs, outputs), shared layers, nested models, configs."""
import json
import warnings

import numpy as np
import pytest
import torch

import torkeras as keras
from torkeras import backend as K
from torkeras.layers import Activation, Dense, Dropout, Input, Lambda
from torkeras.legacy import keras1
from torkeras.models import Model, Sequential, load_model, model_from_json


def rand(*shape):
    return np.random.RandomState(sum(shape)).rand(*shape).astype("float32")


def two_io_model():
    a = Input(shape=(4,), name="a")
    b = Input(shape=(3,), name="b")
    h = Dense(5, activation="relu", name="h")(a)
    out1 = Dense(2, name="out1")(h)
    out2 = Activation("softmax", name="out2")(Dense(2, name="g")(b))
    return Model(inputs=[a, b], outputs=[out1, out2])


def test_input_returns_symbolic_tensor():
    x = Input(shape=(4,))
    assert x.shape == (None, 4) and K.int_shape(x) == (None, 4)
    y = Dense(3)(x)
    assert K.int_shape(y) == (None, 3)
    with pytest.raises(ValueError, match="Lambda"):
        Dense(3)(x + 1)
    with pytest.raises(ValueError, match="shape"):
        Input()


def test_single_io_matches_sequential():
    x = Input(shape=(4,))
    y = Dense(3, activation="tanh")(Dense(6)(x))
    model = Model(x, y)
    seq = Sequential([Dense(6, input_shape=(4,)), Dense(3, activation="tanh")])
    seq.set_weights(model.get_weights())
    data = rand(10, 4)
    np.testing.assert_allclose(model.predict(data), seq.predict(data), rtol=1e-6)
    assert model.input_shape == (None, 4) and model.output_shape == (None, 3)
    assert isinstance(model, torch.nn.Module) and len(list(model.parameters())) == 4


def test_multi_io_training_names_and_weights():
    model = two_io_model()
    model.compile("adam", loss={"out1": "mse", "out2": "categorical_crossentropy"},
                  loss_weights={"out1": 1.0, "out2": 0.5}, metrics={"out2": ["accuracy"]})
    assert model.metrics_names == ["loss", "out1_loss", "out2_loss", "out2_acc"]
    x = [rand(16, 4), rand(16, 3)]
    y = [rand(16, 2), keras.utils.to_categorical(np.arange(16) % 2, 2)]
    hist = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25)
    assert set(hist.history) == {"loss", "out1_loss", "out2_loss", "out2_acc", "val_loss",
                                 "val_out1_loss", "val_out2_loss", "val_out2_acc"}
    loss, l1, l2, acc = model.evaluate(x, y, verbose=0, batch_size=16)
    assert loss == pytest.approx(l1 + 0.5 * l2, rel=1e-5)
    # dict inputs by input-layer name
    p = model.predict({"a": x[0], "b": x[1]})
    assert [a.shape for a in p] == [(16, 2), (16, 2)]


def test_shared_layer_and_layer_order():
    a = Input(shape=(3,), name="a")
    b = Input(shape=(3,), name="b")
    shared = Dense(2, name="shared")
    model = Model([a, b], [shared(a), shared(b)])
    assert [l.name for l in model.layers] == ["a", "b", "shared"]
    assert len(shared._inbound_nodes) == 2
    xa, xb = rand(5, 3), rand(6, 3)[:5]
    pa, pb = model.predict([xa, xb])
    np.testing.assert_allclose(pa, xa @ shared.get_weights()[0] + shared.get_weights()[1], rtol=1e-5)
    np.testing.assert_allclose(pb, xb @ shared.get_weights()[0] + shared.get_weights()[1], rtol=1e-5)
    clone = Model.from_config(json.loads(json.dumps(model.get_config())))
    clone.set_weights(model.get_weights())
    for u, v in zip(clone.predict([xa, xb]), model.predict([xa, xb])):
        np.testing.assert_allclose(u, v)


def test_config_json_and_h5_round_trip(tmp_path):
    model = two_io_model()
    model.compile("sgd", ["mse", "categorical_crossentropy"], metrics=["accuracy"])
    x = [rand(8, 4), rand(8, 3)]
    cfg = model.get_config()
    assert cfg["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert cfg["output_layers"] == [["out1", 0, 0], ["out2", 0, 0]]
    h = [l for l in cfg["layers"] if l["name"] == "h"][0]
    assert h["inbound_nodes"] == [[["a", 0, 0, {}]]]
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    for u, v in zip(clone.predict(x), model.predict(x)):
        np.testing.assert_allclose(u, v)
    path = str(tmp_path / "f.h5")
    model.save(path)
    loaded = load_model(path)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    for u, v in zip(loaded.predict(x), model.predict(x)):
        np.testing.assert_array_equal(u, v)
    assert loaded.metrics_names == model.metrics_names


def test_keras1_style_config_with_three_element_nodes():
    model = two_io_model()
    cfg = model.get_config()
    for layer in cfg["layers"]:
        layer["inbound_nodes"] = [[e[:3] for e in node] for node in layer["inbound_nodes"]]
    clone = Model.from_config(cfg)
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]


def test_nested_models():
    inner_in = Input(shape=(4,))
    inner = Model(inner_in, Dense(3, name="inner_dense")(inner_in), name="inner")
    x = Input(shape=(4,))
    seq = Sequential([Dense(4, input_shape=(3,), name="seq_dense")], name="seq")
    y = seq(inner(x))
    outer = Model(x, Dense(1, name="head")(y))
    data = rand(6, 4)
    manual = seq.predict(inner.predict(data)) @ outer.get_layer("head").get_weights()[0] + \
        outer.get_layer("head").get_weights()[1]
    np.testing.assert_allclose(outer.predict(data), manual, rtol=1e-5)
    assert len(outer.trainable_weights) == 6
    outer.compile("sgd", "mse")
    outer.fit(data, rand(6, 1), verbose=0)
    clone = Model.from_config(json.loads(json.dumps(outer.get_config())))
    clone.set_weights(outer.get_weights())
    np.testing.assert_allclose(clone.predict(data), outer.predict(data), rtol=1e-6)


def test_keras1_model_input_output_spelling():
    keras1._reset_warnings_for_tests()
    x = Input(shape=(2,))
    y = Dense(1)(x)
    with pytest.warns(UserWarning, match=r"Model.*inputs="):
        model = Model(input=x, output=y)
    assert model.output_shape == (None, 1)
    with pytest.raises(TypeError, match="both the legacy"):
        Model(input=x, inputs=x, outputs=y)


def test_graph_errors():
    a = Input(shape=(3,))
    b = Input(shape=(3,))
    y = Dense(2)(a)
    with pytest.raises(ValueError, match="Graph disconnected"):
        Model(b, y)
    with pytest.raises(TypeError, match="Input"):
        Model(np.zeros((2, 3)), y)
    d = Dense(2)
    d(Input(shape=(3,)))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        d(Input(shape=(5,)))
    with pytest.raises(ValueError, match="expected min_ndim=2"):
        Dense(2)(Input(batch_shape=(None,)))


def test_lambda_infers_output_shape_and_dropout_in_graph():
    x = Input(shape=(6,))
    y = Lambda(lambda t: t[:, :2] * 2.0)(x)
    assert K.int_shape(y) == (None, 2)
    z = Dropout(0.5)(y)
    model = Model(x, z)
    data = rand(4, 6)
    np.testing.assert_allclose(model.predict(data), data[:, :2] * 2.0, rtol=1e-6)


def test_get_layer_and_layer_io_attributes():
    model = two_io_model()
    h = model.get_layer("h")
    assert h.input_shape == (None, 4) and h.output_shape == (None, 5)
    assert model.get_layer(index=0).name == "a"
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("nope")


def test_incompatible_shapes_name_both_layers():
    from torkeras.layers import Add
    x = Input(shape=(4,))
    a = Dense(3, name="left")(x)
    b = Dense(5, name="right")(x)
    with pytest.raises(ValueError, match=r"left \(output shape \(None, 3\)\).*right \(output shape "
                                         r"\(None, 5\)\)"):
        Add(name="sum")([a, b])


def test_lambda_on_a_list_with_a_tuple_output_shape():
    # Keras 2.2.4 takes the batch size from the first input's shape
    a, b = Input(shape=(3,)), Input(shape=(3,))
    out = Lambda(lambda t: t[0] + t[1], output_shape=(3,))([a, b])
    assert keras.backend.int_shape(out) == (None, 3)
    model = Model([a, b], out)
    x = np.ones((2, 3), dtype="float32")
    np.testing.assert_array_equal(model.predict([x, 2 * x]), 3 * x)
