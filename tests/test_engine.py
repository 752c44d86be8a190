"""Layer base class, Sequential and the training loop (Keras 2.2.4 semantics)."""
import json

import numpy as np
import pytest
import torch

import torkeras as keras
from torkeras import backend as K
from torkeras.layers import Activation, Dense, Dropout, Flatten, Reshape
from torkeras.models import Sequential, model_from_json


def small_data(n=64, d=8, classes=3, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, d).astype("float32")
    y = keras.utils.to_categorical(rng.randint(0, classes, n), classes)
    return x, y


def mlp(d=8, classes=3, hidden=16):
    model = Sequential()
    model.add(Dense(hidden, input_shape=(d,), activation="relu"))
    model.add(Dense(classes, activation="softmax"))
    return model


def test_layer_names_follow_keras_counters():
    K.clear_session()
    a, b = Dense(2), Dense(3)
    assert (a.name, b.name) == ("dense_1", "dense_2")
    assert Activation("relu").name == "activation_1"


def test_layer_is_module_with_keras_weights():
    layer = Dense(4, input_dim=3)
    layer._build_for((None, 3))
    assert isinstance(layer, torch.nn.Module)
    assert [tuple(w.shape) for w in layer.get_weights()] == [(3, 4), (4,)]
    assert layer.count_params() == 16
    assert layer.weight_names() == ["%s/kernel:0" % layer.name, "%s/bias:0" % layer.name]
    assert len(list(layer.parameters())) == 2
    w = [np.arange(12, dtype="float32").reshape(3, 4), np.ones(4, "float32")]
    layer.set_weights(w)
    out = layer(torch.ones(2, 3)).detach().numpy()
    np.testing.assert_allclose(out, np.ones((2, 3)) @ w[0] + 1)


def test_set_weights_errors_name_layer_and_shapes():
    layer = Dense(4, input_dim=3)
    layer._build_for((None, 3))
    with pytest.raises(ValueError, match="expecting 2 weights"):
        layer.set_weights([np.zeros((3, 4))])
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(4, 3\)"):
        layer.set_weights([np.zeros((4, 3)), np.zeros(4)])


def test_unknown_layer_kwarg_is_type_error():
    with pytest.raises(TypeError, match="not understood.*foo"):
        Dense(3, foo=1)


def test_bad_units_value_error():
    with pytest.raises(ValueError, match="units.*Received: units=0"):
        Dense(0)


def test_trainable_flag_moves_weights():
    model = mlp()
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 2
    assert len(model.non_trainable_weights) == 2
    model.compile("sgd", "mse")
    before = model.layers[0].get_weights()[0].copy()
    x, y = small_data()
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(before, model.layers[0].get_weights()[0])


def test_sequential_shapes_and_config_round_trip():
    model = Sequential()
    model.add(Dense(6, input_shape=(4,)))
    model.add(Reshape((2, 3)))
    model.add(Flatten())
    model.add(Dropout(0.5))
    assert model.input_shape == (None, 4)
    assert model.output_shape == (None, 6)
    assert model.layers[1].output_shape == (None, 2, 3)
    cfg = model.get_config()
    assert cfg["layers"][0]["config"]["batch_input_shape"] == [None, 4]
    clone = Sequential.from_config(json.loads(json.dumps(cfg)))
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    clone2 = model_from_json(model.to_json())
    assert clone2.output_shape == (None, 6)
    # Keras 2.0-2.2.2 list-style config
    clone3 = Sequential.from_config(cfg["layers"])
    assert clone3.input_shape == (None, 4)


def test_deferred_build_from_data():
    model = Sequential()
    model.add(Dense(3))
    model.compile("sgd", "mse")
    x = np.zeros((5, 7), "float32")
    model.fit(x, np.zeros((5, 3), "float32"), verbose=0)
    assert model.input_shape == (None, 7)


def test_pop_and_unique_names():
    model = mlp()
    with pytest.raises(ValueError, match="unique names"):
        model.add(Dense(2, name=model.layers[0].name))
    model.pop()
    assert len(model.layers) == 1
    with pytest.raises(TypeError, match="instance of class Layer"):
        model.add("dense")


def test_fit_history_keys_and_aliases():
    x, y = small_data()
    model = mlp()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=16, epochs=3, verbose=0, validation_split=0.25)
    h = hist.history
    assert set(h) == {"loss", "acc", "val_loss", "val_acc"}
    assert h["accuracy"] is h["acc"] and h["val_accuracy"] is h["val_acc"]
    assert len(h["loss"]) == 3 and all(isinstance(v, float) for v in h["loss"])
    assert hist.epoch == [0, 1, 2]
    assert model.metrics_names == ["loss", "acc"]


def test_validation_split_takes_last_fraction_before_shuffle():
    x, y = small_data(n=40)
    model = mlp()
    model.compile("sgd", "categorical_crossentropy")
    seen = {}

    class Grab(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen["val"] = self.validation_data

    model.fit(x, y, epochs=1, verbose=0, validation_split=0.25, callbacks=[Grab()])
    np.testing.assert_array_equal(seen["val"][0], x[30:])
    np.testing.assert_array_equal(seen["val"][1], y[30:])


def test_epoch_loss_is_sample_weighted_mean_of_batches_and_last_partial_batch_kept():
    x, y = small_data(n=10)
    model = mlp()
    model.compile(optimizer=keras.optimizers.SGD(lr=0.0), loss="categorical_crossentropy")
    sizes = []

    class Sizes(keras.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            sizes.append(logs["size"])

    hist = model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False, callbacks=[Sizes()])
    assert sizes == [4, 4, 2]
    # lr=0: the epoch loss equals the evaluation loss (size-weighted batch means)
    np.testing.assert_allclose(hist.history["loss"][0], model.evaluate(x, y, verbose=0,
                                                                       batch_size=4), rtol=1e-6)


def test_evaluate_matches_numpy_crossentropy():
    x, y = small_data()
    model = mlp()
    model.compile("sgd", "categorical_crossentropy", metrics=["acc"])
    p = model.predict(x)
    p = np.clip(p / p.sum(-1, keepdims=True), 1e-7, 1 - 1e-7)
    expected = -(y * np.log(p)).sum(-1).mean()
    loss, acc = model.evaluate(x, y, verbose=0, batch_size=len(x))
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    np.testing.assert_allclose(acc, (p.argmax(-1) == y.argmax(-1)).mean(), rtol=1e-6)


def test_accuracy_resolution_binary_sparse_categorical():
    rng = np.random.RandomState(1)
    x = rng.rand(20, 4).astype("float32")
    m = Sequential([Dense(1, input_shape=(4,), activation="sigmoid")])
    m.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    yb = rng.randint(0, 2, (20, 1))
    acc = m.evaluate(x, yb, verbose=0)[1]
    assert acc == pytest.approx(((m.predict(x) > 0.5) == yb).mean())
    m2 = Sequential([Dense(3, input_shape=(4,), activation="softmax")])
    m2.compile("sgd", "sparse_categorical_crossentropy", metrics=["acc"])
    ys = rng.randint(0, 3, (20,))
    acc2 = m2.evaluate(x, ys, verbose=0)[1]
    assert acc2 == pytest.approx((m2.predict(x).argmax(-1) == ys).mean())


def test_sample_weight_and_class_weight():
    x, y = small_data(n=8)
    model = mlp()
    model.compile(keras.optimizers.SGD(lr=0.0), "categorical_crossentropy")
    per_sample = []
    p = np.clip(model.predict(x), 1e-7, 1 - 1e-7)
    per_sample = -(y * np.log(p / p.sum(-1, keepdims=True))).sum(-1)
    sw = np.array([1, 0, 2, 0, 1, 1, 0, 3], "float32")
    got = model.evaluate(x, y, sample_weight=sw, verbose=0, batch_size=8)
    expected = (per_sample * sw).mean() / (sw != 0).mean()
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    cw = {0: 1.0, 1: 2.0, 2: 0.5}
    hist = model.fit(x, y, class_weight=cw, batch_size=8, epochs=1, verbose=0)
    w = np.array([cw[c] for c in y.argmax(-1)])
    np.testing.assert_allclose(hist.history["loss"][0], (per_sample * w).mean() / (w != 0).mean(),
                               rtol=1e-5)
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(x, y, class_weight={0: 1.0}, epochs=1, verbose=0)


def test_regularizer_penalty_is_in_reported_loss():
    x, y = small_data()
    model = Sequential([Dense(3, input_shape=(8,), activation="softmax",
                              kernel_regularizer=keras.regularizers.l2(0.1))])
    model.compile("sgd", "categorical_crossentropy")
    base = Sequential([Dense(3, input_shape=(8,), activation="softmax")])
    base.compile("sgd", "categorical_crossentropy")
    base.set_weights(model.get_weights())
    penalty = 0.1 * (model.get_weights()[0] ** 2).sum()
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0, batch_size=64),
                               base.evaluate(x, y, verbose=0, batch_size=64) + penalty, rtol=1e-5)


def test_wrong_input_shape_error_before_training():
    model = mlp()
    model.compile("adam", "mse")
    with pytest.raises(ValueError, match=r"expected dense_\d+_input to have shape \(8,\) but got "
                                         r"array with shape \(5,\)"):
        model.fit(np.zeros((4, 5)), np.zeros((4, 3)), verbose=0)
    with pytest.raises(ValueError, match="Error when checking target"):
        model.fit(np.zeros((4, 8)), np.zeros((4, 2)), verbose=0)
    with pytest.raises(ValueError, match="same number of samples"):
        model.fit(np.zeros((4, 8)), np.zeros((3, 3)), verbose=0)


def test_bad_arguments_name_argument_and_value():
    x, y = small_data()
    model = mlp()
    model.compile("adam", "mse")
    with pytest.raises(ValueError, match="batch_size.*-1"):
        model.fit(x, y, batch_size=-1, verbose=0)
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        model.fit(x, y, verbose=0, foo=3)
    with pytest.raises(TypeError, match="unexpected keyword"):
        model.compile("adam", "mse", bar=1)
    with pytest.raises(RuntimeError, match="compile"):
        mlp().fit(x, y)
    with pytest.raises(keras.errors.UnknownObjectError, match="Did you mean"):
        model.compile("adamm", "mse")


def test_train_test_predict_on_batch_and_classes():
    x, y = small_data()
    model = mlp()
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    out = model.train_on_batch(x, y)
    assert isinstance(out, list) and len(out) == 2
    loss = model.test_on_batch(x, y)
    assert isinstance(loss[0], float)
    p = model.predict_on_batch(x)
    assert p.shape == (64, 3)
    np.testing.assert_array_equal(model.predict_classes(x), p.argmax(-1))
    np.testing.assert_allclose(model.predict_proba(x), p, rtol=1e-6)


def test_initial_epoch_and_callbacks_order():
    x, y = small_data()
    model = mlp()
    model.compile("sgd", "mse")
    epochs = []
    cb = keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: epochs.append(e))
    model.fit(x, y, epochs=4, initial_epoch=2, verbose=0, callbacks=[cb])
    assert epochs == [2, 3]


def test_terminate_on_nan_stops_training():
    x, y = small_data()
    x[0, 0] = np.nan
    model = mlp()
    model.compile("sgd", "mse")
    hist = model.fit(x, y, batch_size=8, epochs=5, verbose=0, shuffle=False,
                     callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(hist.history.get("loss", [])) <= 1


def test_fit_is_reproducible_with_seeds():
    x, y = small_data()
    results = []
    for _ in range(2):
        np.random.seed(3)
        torch.manual_seed(3)
        model = mlp()
        model.compile("adam", "categorical_crossentropy")
        results.append(model.fit(x, y, epochs=2, verbose=0).history["loss"])
    assert results[0] == results[1]


def test_shuffle_batch_mode_runs():
    x, y = small_data(n=30)
    model = mlp()
    model.compile("sgd", "mse")
    model.fit(x, y, batch_size=8, epochs=1, shuffle="batch", verbose=0)


def test_dropout_only_in_training():
    layer = Dropout(0.5)
    x = torch.ones(1000, 10)
    assert torch.equal(layer(x, training=False), x)
    out = layer(x, training=True)
    assert set(torch.unique(out).tolist()) <= {0.0, 2.0}
    with pytest.raises(ValueError, match="rate"):
        Dropout(1.5)


def test_spatial_dropout_drops_whole_channels():
    torch.manual_seed(0)
    x = torch.ones(8, 5, 6)
    out = keras.layers.SpatialDropout1D(0.5)(x, training=True)
    per_channel = out.permute(0, 2, 1).reshape(8 * 6, 5)
    assert all(len(set(row.tolist())) == 1 for row in per_channel)
    assert torch.equal(keras.layers.SpatialDropout1D(0.5)(x, training=False), x)
    img = torch.ones(4, 3, 3, 7)
    out2 = keras.layers.SpatialDropout2D(0.5)(img, training=True)
    assert torch.equal(out2.amax(dim=(1, 2)), out2.amin(dim=(1, 2)))
    out3 = keras.layers.SpatialDropout2D(0.5, data_format="channels_first")(img, training=True)
    assert torch.equal(out3.amax(dim=(2, 3)), out3.amin(dim=(2, 3)))
