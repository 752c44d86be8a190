"""Keras 1.2.2 ``.h5`` files load exactly: predictions match tf-keras on the equivalent Keras 2 model.

The files are written by ``fixtures/make_keras1_fixtures.py`` in the exact layout of Keras 1.2.2
``save_model`` / ``save_weights`` (see ``fixtures/README.md``, section "Keras 1.2.2 files").
"""
import os
import warnings

import numpy as np
import pytest

from torkeras import models

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras1")

#: fixture -> (tolerance, original_backend given to the loader)
CASES = {
    "mlp": (1e-5, None),
    "cnn_tf": (1e-5, None),
    "cnn_th": (1e-5, None),
    "cnn_th_theano": (1e-5, "theano"),
    "cnn_tf_theano": (1e-5, "theano"),
    "lstm": (1e-4, None),
    "lstm_gpu": (1e-4, None),
    "gru": (1e-4, None),
    "simple_rnn": (1e-4, None),
    "batchnorm": (1e-5, None),
    "functional_merge": (1e-5, None),
    "sequential_merge": (1e-5, None),
}


def _inputs(data):
    if "x" in data:
        return data["x"]
    return [data["x%d" % i] for i in range(len([k for k in data.files if k.startswith("x")]))]


def _load(name, original_backend):
    path = os.path.join(HERE, name + ".h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return models.load_model(path, original_backend=original_backend)


@pytest.mark.parametrize("name", sorted(CASES))
def test_keras1_file_predictions(name):
    tol, backend = CASES[name]
    data = np.load(os.path.join(HERE, name + ".npz"))
    model = _load(name, backend)
    np.testing.assert_allclose(model.predict(_inputs(data)), data["expected"], atol=tol, rtol=0)


def test_keras1_json_plus_weights_file():
    data = np.load(os.path.join(HERE, "mlp_weights.npz"))
    with open(os.path.join(HERE, "mlp_weights.json")) as f:
        model = models.model_from_json(f.read())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.load_weights(os.path.join(HERE, "mlp_weights.h5"))
    np.testing.assert_allclose(model.predict(data["x"]), data["expected"], atol=1e-5, rtol=0)


def test_keras1_model_is_keras2_after_loading():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = models.load_model(os.path.join(HERE, "cnn_th.h5"))
    conv = model.layers[0]
    assert conv.__class__.__name__ == "Conv2D"
    assert conv.get_config()["data_format"] == "channels_first"
    assert conv.get_config()["padding"] == "same"
    assert [l.name for l in model.layers] == ["convolution2d_1", "maxpooling2d_1", "flatten_1",
                                              "dense_1"]


def test_keras1_file_compiles_from_its_training_config():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = models.load_model(os.path.join(HERE, "mlp.h5"))
    assert model._compiled is not None
    assert model.optimizer.__class__.__name__ == "SGD"
    np.testing.assert_allclose(float(np.asarray(model.optimizer.get_config()["lr"])), 0.01, rtol=1e-6)


def test_theano_file_without_the_option_warns_and_differs():
    data = np.load(os.path.join(HERE, "cnn_th_theano.npz"))
    with pytest.warns(UserWarning, match="original_backend='theano'"):
        model = models.load_model(os.path.join(HERE, "cnn_th_theano.h5"))
    assert np.abs(model.predict(data["x"]) - data["expected"]).max() > 1e-3


def test_weights_only_load_with_original_backend():
    data = np.load(os.path.join(HERE, "cnn_tf_theano.npz"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = models.load_model(os.path.join(HERE, "cnn_tf.h5"))   # same architecture
        model.load_weights(os.path.join(HERE, "cnn_tf_theano.h5"), original_backend="theano")
    np.testing.assert_allclose(model.predict(data["x"]), data["expected"], atol=1e-5, rtol=0)


@pytest.mark.parametrize("name", ["sequential_merge.h5", "functional_merge.h5", "lstm.h5"])
def test_keras1_files_load_under_strict_mode(name, monkeypatch):
    """TORKERAS_STRICT=1 is about the user's own spellings: a Keras-1 file (Merge layers included)
    still loads, with the reader's one warning per file."""
    monkeypatch.setenv("TORKERAS_STRICT", "1")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = models.load_model(os.path.join(HERE, name), compile=False)
    assert model.layers
    assert not any("Update your" in str(w.message) for w in caught)
