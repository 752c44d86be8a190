"""Standalone Keras 2.0.8 / 2.1.6 / 2.3.1 files and real tf-keras 2.21 files (no TensorFlow here).

``fixtures/keras2x/k*.h5`` are written in each version's dialect by
``fixtures/make_keras2x_fixtures.py`` (h5py, following the Keras source of that version); the
expected outputs come from tf-keras 2.21 running the equivalent model. ``tfk_*.h5`` are real
tf-keras files. See fixtures/README.md ("Keras 2.0-2.3, tf.keras and Keras 3 files").
"""
import json
import os
import warnings

import numpy as np
import pytest

import torkeras
from torkeras.errors import HDF5FormatError
from torkeras.saving import _keras2

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras2x")
ATOL = 1e-5
FILES = ["k208_seq_cnn", "k208_seq_rnn", "k216_merge", "k216_cudnn", "k216_theano_conv",
         "k231_functional", "k231_seq_dict", "tfk_dropped_args"]


def _npz(stem, folder=HERE):
    """The arrays of ``<folder>/<stem>.npz`` (also used by test_keras3_files.py)."""
    with np.load(os.path.join(folder, stem + ".npz")) as d:
        return {k: d[k] for k in d.files}


def _inputs(d):
    return [d["x0"], d["x1"]] if "x0" in d else d["x"]


def _load(stem, folder=HERE, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torkeras.models.load_model(os.path.join(folder, stem + ".h5"), **kwargs)


def check_predicts(stem, folder=HERE):
    """``load_model`` of ``<folder>/<stem>.h5`` predicts the recorded ``y`` within ATOL."""
    d = _npz(stem, folder)
    model = _load(stem, folder)
    np.testing.assert_allclose(model.predict(_inputs(d)), d["y"], rtol=0, atol=ATOL)


@pytest.mark.parametrize("stem", FILES)
def test_file_predicts_like_tfkeras(stem):
    check_predicts(stem)


def test_k208_list_config_first_layer_batch_input_shape():
    model = _load("k208_seq_cnn")
    assert model.input_shape == (None, 8, 8, 3)
    assert [l.__class__.__name__ for l in model.layers] == [
        "Conv2D", "MaxPooling2D", "BatchNormalization", "Flatten", "Dropout", "Dense"]
    assert type(model.optimizer).__name__ == "SGD"
    assert model.optimizer.get_config()["momentum"] == pytest.approx(0.9)


def test_k208_rnn_keeps_keras2_numerics():
    model = _load("k208_seq_rnn")
    lstm, gru = model.layers[1], model.layers[2]
    assert lstm.get_config()["recurrent_activation"] == "hard_sigmoid"
    assert gru.get_config()["reset_after"] is False


def test_k231_compiles_from_learning_rate_key():
    model = _load("k231_functional")
    assert type(model.optimizer).__name__ == "Adam"
    assert model.optimizer.get_config()["lr"] == pytest.approx(0.001)


def test_theano_file_flips_kernels_and_tf_file_does_not():
    d = _npz("k216_theano_conv")
    model = _load("k216_theano_conv")
    kernel = model.layers[0].get_weights()[0]
    flipped = _keras2.flip_kernel(kernel)
    assert not np.allclose(kernel, flipped)
    # the same arrays declared as TensorFlow weights are not flipped -> different predictions
    weights = [w.copy() for w in model.get_weights()]
    weights[0] = flipped
    model.set_weights(weights)
    assert np.abs(model.predict(d["x"]) - d["y"]).max() > 1e-3


def _native_model(d):
    return torkeras.models.model_from_json(str(d["native_json"]))


def test_cudnn_weights_into_native_lstm_gru():
    d = _npz("k216_cudnn")
    model = _native_model(d)
    assert [l.__class__.__name__ for l in model.layers] == ["LSTM", "GRU", "Dense"]
    model.load_weights(os.path.join(HERE, "k216_cudnn.h5"))
    np.testing.assert_allclose(model.predict(d["x"]), d["y"], rtol=0, atol=ATOL)


def test_native_weights_into_cudnn_layers(tmp_path):
    d = _npz("k216_cudnn")
    native = _native_model(d)
    native.load_weights(os.path.join(HERE, "k216_cudnn.h5"))
    path = str(tmp_path / "native.h5")
    native.save_weights(path)
    cudnn = _load("k216_cudnn", compile=False)
    cudnn.set_weights([np.zeros_like(w) for w in cudnn.get_weights()])
    cudnn.load_weights(path)
    np.testing.assert_allclose(cudnn.predict(d["x"]), d["y"], rtol=0, atol=ATOL)


def test_cudnn_gru_into_reset_before_gru_is_refused():
    d = _npz("k216_cudnn")
    config = json.loads(str(d["native_json"]))
    config["config"][1]["config"]["reset_after"] = False
    model = torkeras.models.model_from_json(json.dumps(config))
    with pytest.raises(HDF5FormatError, match="cu_dnngru_1.*reset_after=False"):
        model.load_weights(os.path.join(HERE, "k216_cudnn.h5"))


def test_rnn_conversion_roundtrip_is_exact():
    rs = np.random.RandomState(0)
    lstm = torkeras.layers.LSTM(3)
    lstm.build((None, 4, 2))
    cudnn = torkeras.layers.CuDNNLSTM(3)
    cudnn.build((None, 4, 2))
    native = [rs.uniform(-1, 1, size=w.shape).astype("float32") for w in lstm.get_weights()]
    there = _keras2.convert_rnn_weights(cudnn, native)
    assert there[2].shape == (24,)
    back = _keras2.convert_rnn_weights(lstm, there)
    for a, b in zip(back, native):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-7)


def test_tfkeras_groups_on_depthwise_is_read_as_tfkeras_computed():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torkeras.models.load_model(os.path.join(HERE, "tfk_dropped_args.h5"), compile=False)
    assert any("groups=2, which tf.keras ignores" in str(w.message) for w in caught)


def test_tfkeras_time_major_true_inside_bidirectional_is_refused(tmp_path):
    from torkeras.saving import _tfkeras
    entry = {"class_name": "Bidirectional", "config": {"name": "bi", "layer": {
        "class_name": "LSTM", "config": {"name": "lstm", "units": 2, "time_major": True}}}}
    with pytest.raises(ValueError, match="time_major=True"):
        _tfkeras.strip_tf_only_keys(entry)
    entry["config"]["layer"]["config"]["time_major"] = False
    assert "time_major" not in _tfkeras.strip_tf_only_keys(entry)["config"]["layer"]["config"]


def test_tfkeras_mixed_precision_policy_is_refused():
    from torkeras.saving import _tfkeras
    entry = {"class_name": "Dense", "config": {"name": "d", "units": 2, "dtype": {
        "class_name": "Policy", "config": {"name": "mixed_float16"}}}}
    with pytest.raises(ValueError, match="mixed_float16"):
        _tfkeras.strip_tf_only_keys(entry)
