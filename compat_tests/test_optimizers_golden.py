"""torkeras optimizers against real Keras: 3 training steps of a tiny model, compared to tf-keras.

The fixture (fixtures/optimizers_tfkeras.npz) is written by fixtures/make_optimizer_fixtures.py
with tf-keras's legacy optimizers configured to follow Keras 2.2.4, cross-checked there against a
numpy implementation of the Keras 2.2.4 formulas. This test needs no TensorFlow: it rebuilds the
model (Dense(5, tanh) -> Dense(2), mse) with torch ops and replays the steps.
"""
import json
import os

import numpy as np
import pytest
import torch

from torkeras import backend as K
from torkeras import optimizers

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "optimizers_tfkeras.npz")
ATOL = 1e-5


def _load():
    with np.load(FIXTURE) as f:
        return {k: f[k] for k in f.files}


DATA = _load()
CASES = json.loads(str(DATA["cases"]))


def _loss(params, x, y):
    w1, b1, w2, b2 = params
    h = torch.tanh(x @ w1 + b1)
    return torch.mean((h @ w2 + b2 - y) ** 2)


def _replay(meta, device="cpu"):
    params = [torch.nn.Parameter(torch.from_numpy(DATA["init_%d" % i].copy()).to(device))
              for i in range(4)]
    opt = optimizers.deserialize({"class_name": meta["class_name"], "config": meta["config"]})
    x = torch.from_numpy(DATA["x"]).to(device)
    y = torch.from_numpy(DATA["y"]).to(device)
    for step in range(x.shape[0]):
        if str(step) in meta["lr_changes"]:
            K.set_value(opt.lr, meta["lr_changes"][str(step)])
        opt.zero_grad(params)
        _loss(params, x[step], y[step]).backward()
        opt.step(params)
    return params, opt


@pytest.mark.parametrize("case", CASES)
def test_matches_keras(case):
    meta = json.loads(str(DATA["%s__meta" % case]))
    params, opt = _replay(meta)
    for i, p in enumerate(params):
        np.testing.assert_allclose(p.detach().numpy(), DATA["%s__param_%d" % (case, i)],
                                   rtol=0, atol=ATOL, err_msg="%s: parameter %d" % (case, i))
    weights = opt.get_weights()
    assert len(weights) == meta["n_weights"], case
    for j, w in enumerate(weights):
        ref = DATA["%s__weight_%d" % (case, j)]
        assert w.shape == ref.shape, (case, j, w.shape, ref.shape)
        np.testing.assert_allclose(w, ref, rtol=1e-5, atol=ATOL,
                                   err_msg="%s: optimizer weight %d (%s)"
                                   % (case, j, opt.weight_names()[j]))


@pytest.mark.parametrize("case", CASES)
def test_config_matches_keras_defaults(case):
    """The Keras 2.2.4 config of each case (defaults filled in) is what get_config reports."""
    meta = json.loads(str(DATA["%s__meta" % case]))
    opt = optimizers.deserialize({"class_name": meta["class_name"], "config": meta["config"]})
    got = opt.get_config()
    for key, value in meta["full_config"].items():
        if isinstance(value, bool):
            assert got[key] is value, (case, key)
        else:
            assert got[key] == pytest.approx(value, rel=1e-6), (case, key)


def _has_cuda():
    from torkeras.backend import device as device_mod
    checker = getattr(device_mod, "cuda_available", None)
    return bool(checker()) if checker is not None else False


@pytest.mark.skipif(not _has_cuda(), reason="needs a CUDA device")
@pytest.mark.parametrize("case", CASES)
def test_matches_keras_on_cuda(case):
    meta = json.loads(str(DATA["%s__meta" % case]))
    params, opt = _replay(meta, device="cuda")
    for i, p in enumerate(params):
        np.testing.assert_allclose(p.detach().cpu().numpy(), DATA["%s__param_%d" % (case, i)],
                                   rtol=0, atol=ATOL, err_msg="%s: parameter %d" % (case, i))
    assert opt.lr.device.type == "cpu" and opt.iterations.device.type == "cpu"
