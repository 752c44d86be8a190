"""Convolution layers against real Keras: the tf-keras 2.21 files in fixtures/conv/.

Each case is a one-layer Sequential model saved by tf-keras (``make_conv_fixtures.py``). It must load
with ``torkeras.models.load_model``, predict the stored reference within 1e-5, and survive a
torkeras ``save`` / ``load_model`` round trip with identical predictions. channels_first cases that
TensorFlow cannot run on CPU carry the channels_last result on transposed inputs
(``ref == 'tf-keras-transposed'``, listed in manifest.json).
"""
import json
import os

import numpy as np
import pytest

from torkeras.models import load_model

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "conv")
with open(os.path.join(HERE, "manifest.json")) as _f:
    MANIFEST = json.load(_f)
CASES = sorted(MANIFEST["cases"])


def _load(case):
    data = np.load(os.path.join(HERE, case + ".npz"))
    model = load_model(os.path.join(HERE, case + ".h5"), compile=False)
    return model, data["x"], data["y"], str(data["ref"])


@pytest.mark.parametrize("case", CASES)
def test_tfkeras_file_predicts_the_reference(case):
    model, x, y, ref = _load(case)
    assert ref == MANIFEST["cases"][case]["ref"]
    layer = model.layers[0]
    assert layer.__class__.__name__ == MANIFEST["cases"][case]["class_name"]
    out = model.predict(x)
    assert out.shape == y.shape
    assert tuple(model.output_shape[1:]) == y.shape[1:]
    np.testing.assert_allclose(out, y, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES)
def test_torkeras_h5_round_trip(case, tmp_path):
    model, x, y, _ = _load(case)
    path = str(tmp_path / (case + ".h5"))
    model.save(path)
    again = load_model(path, compile=False)
    assert again.layers[0].get_config() == model.layers[0].get_config()
    for a, b in zip(again.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(again.predict(x), model.predict(x))


def test_channels_first_gaps_are_recorded():
    """The manifest names what TensorFlow's CPU kernels cannot run; those cases use the transposed
    channels_last reference."""
    gaps = {g["case"] for g in MANIFEST["channels_first_unsupported_on_cpu"]}
    transposed = {c for c, v in MANIFEST["cases"].items() if v["ref"] == "tf-keras-transposed"}
    assert gaps == transposed
    assert {"conv2d_same_s2_sigmoid_cf", "conv1d_same_s2_cf"} <= gaps
