"""Pooling, locally-connected, BatchNormalization, Embedding, noise, advanced-activation and merge
layers against tf-keras 2.21 golden files (``fixtures/make_misc_fixtures.py``; no TensorFlow here).

* Sequential cases: ``load_model`` the tf-keras ``.h5`` and predict the stored input (1e-5).
* Merge cases: build the layer from tf-keras's config and call it eagerly on the stored inputs.
* BatchNormalization training: from the saved initial weights, 3 SGD steps must give tf-keras's
  weights (gamma, beta, moving_mean, moving_variance included) and predictions; the first
  training-mode forward pass must match too.
"""
import glob
import json
import os

import numpy as np
import pytest
import torch

import torkeras
from torkeras.models import load_model

HERE = os.path.dirname(os.path.abspath(__file__))
MISC = os.path.join(HERE, "fixtures", "misc")
ATOL = 1e-5


def _names(pattern):
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(MISC, pattern)))


SEQUENTIAL = [n for n in _names("*.h5") if not n.startswith("bn_train_")]
MERGE = _names("merge_*.npz")
BN_TRAIN = [n[len("bn_train_"):] for n in _names("bn_train_*.h5")]


def test_fixtures_present():
    assert len(SEQUENTIAL) >= 40 and len(MERGE) >= 15 and len(BN_TRAIN) == 2


@pytest.mark.parametrize("name", SEQUENTIAL)
def test_sequential_prediction(name):
    data = np.load(os.path.join(MISC, name + ".npz"))
    model = load_model(os.path.join(MISC, name + ".h5"), compile=False)
    got = model.predict(data["x"])
    np.testing.assert_allclose(got, data["y"], rtol=1e-5, atol=ATOL)


@pytest.mark.parametrize("name", MERGE)
def test_merge_layer(name):
    data = np.load(os.path.join(MISC, name + ".npz"))
    config = json.loads(str(data["config"]))
    layer = torkeras.layers.deserialize(config)
    xs = [torch.as_tensor(data["x%d" % i]) for i in range(int(data["n_inputs"]))]
    got = layer(xs).numpy()
    np.testing.assert_allclose(got, data["y"], rtol=1e-5, atol=ATOL)
    shape = layer.compute_output_shape([(None,) + tuple(x.shape[1:]) for x in xs])
    assert tuple(shape[1:]) == tuple(data["y"].shape[1:])


@pytest.mark.parametrize("name", BN_TRAIN)
def test_batchnorm_three_sgd_steps(name):
    data = np.load(os.path.join(MISC, "bn_train_%s.npz" % name))
    path = os.path.join(MISC, "bn_train_%s.h5" % name)
    x = data["x"]
    model = load_model(path, compile=False)
    out = model(torch.as_tensor(x), training=True).detach().numpy()
    np.testing.assert_allclose(out, data["y_train_mode"], rtol=1e-5, atol=ATOL)

    model = load_model(path, compile=False)
    model.compile(torkeras.optimizers.SGD(lr=0.1), "mse")
    model.fit(x, data["y_true"], batch_size=len(x), epochs=3, shuffle=False, verbose=0)
    weights = model.get_weights()
    assert len(weights) == int(data["n_weights"])
    for i, w in enumerate(weights):
        np.testing.assert_allclose(w, data["w%d" % i], rtol=1e-5, atol=ATOL,
                                   err_msg="weight %d of %s" % (i, model.weight_names()[i]
                                                                if hasattr(model, "weight_names")
                                                                else i))
    np.testing.assert_allclose(model.predict(x), data["y_after"], rtol=1e-5, atol=ATOL)
