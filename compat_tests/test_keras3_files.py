"""Real Keras 3.15.1 legacy ``.h5`` files (fixtures/keras3, made by make_keras3_fixtures.py)."""
import json
import os
import sys
import warnings

import h5py
import numpy as np
import pytest

import torkeras
from torkeras.errors import HDF5FormatError
from torkeras.saving import _keras3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_keras2x_files as keras2x_files  # noqa: E402  (shared fixture readers)
from test_keras2x_files import _inputs  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras3")
ATOL = 1e-5
FILES = ["k3_seq_cnn", "k3_functional_rnn", "k3_leaky_compiled", "k3_nested"]


def _npz(stem):
    return keras2x_files._npz(stem, HERE)


def _load(stem, **kwargs):
    return keras2x_files._load(stem, HERE, **kwargs)


@pytest.mark.parametrize("stem", FILES)
def test_keras3_file_predicts_like_keras3(stem):
    keras2x_files.check_predicts(stem, HERE)


def test_keras3_batch_shape_becomes_input_shape():
    assert _load("k3_seq_cnn").input_shape == (None, 8, 8, 3)


def test_keras3_leaky_relu_negative_slope_is_alpha():
    model = _load("k3_leaky_compiled")
    assert model.layers[1].get_config()["alpha"] == pytest.approx(0.25)
    assert type(model.optimizer).__name__ == "Adam"
    assert model.optimizer.get_config()["lr"] == pytest.approx(0.01)


def test_keras3_untrained_optimizer_state_loads_silently():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torkeras.models.load_model(os.path.join(HERE, "k3_leaky_compiled.h5"))
    assert not [w for w in caught if "optimizer" in str(w.message)]


def test_keras3_hard_sigmoid_is_refused():
    with pytest.raises(HDF5FormatError, match="hard_sigmoid.*relu6"):
        torkeras.models.load_model(os.path.join(HERE, "k3_hard_sigmoid.h5"))


def _config(stem):
    with h5py.File(os.path.join(HERE, stem + ".h5"), "r") as f:
        return json.loads(f.attrs["model_config"])


def test_keras3_json_config_through_model_from_json():
    """A Keras 3 ``to_json()``-style config (no keras_version) + load_weights of the .h5 file."""
    d = _npz("k3_functional_rnn")
    model = torkeras.models.model_from_json(json.dumps(_config("k3_functional_rnn")))
    model.load_weights(os.path.join(HERE, "k3_functional_rnn.h5"))
    np.testing.assert_allclose(model.predict(_inputs(d)), d["y"], rtol=0, atol=ATOL)


def test_keras3_mixed_policy_and_unknown_options_are_refused():
    config = _config("k3_seq_cnn")
    dense = config["config"]["layers"][-1]["config"]
    dense["dtype"]["config"]["name"] = "mixed_float16"
    with pytest.raises(ValueError, match="mixed_float16"):
        _keras3.upgrade_model_config(config)
    config = _config("k3_seq_cnn")
    config["config"]["layers"][-1]["config"]["lora_rank"] = 4
    with pytest.raises(ValueError, match="lora_rank=4"):
        _keras3.upgrade_model_config(config)


def test_keras3_nodes_with_extra_tensor_arguments_are_refused():
    config = _config("k3_functional_rnn")
    layer = next(l for l in config["config"]["layers"] if l["class_name"] == "GRU")
    node = layer["inbound_nodes"][0]
    node["kwargs"]["initial_state"] = node["args"][0]
    with pytest.raises(ValueError, match="more than one tensor"):
        _keras3.upgrade_model_config(config)


def test_keras3_config_is_not_modified():
    config = _config("k3_nested")
    before = json.dumps(config, sort_keys=True)
    _keras3.upgrade_model_config(config)
    assert json.dumps(config, sort_keys=True) == before
