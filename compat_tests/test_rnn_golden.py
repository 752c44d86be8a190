"""Recurrent layers and wrappers against tf-keras 2.21 golden outputs (within 1e-4).

The fixtures in ``fixtures/rnn/`` were made by ``fixtures/make_rnn_fixtures.py`` (see its docstring):
each case stores its inputs, outputs, weights (Keras order) and the model or layer config written by
tf-keras. Here each case is rebuilt from that config, given the stored weights, and run. No
TensorFlow is needed.
"""
import glob
import json
import os

import numpy as np
import pytest
import torch

import torkeras
from torkeras.layers import deserialize
from torkeras.layers import convolutional_recurrent, cudnn_recurrent, recurrent, wrappers  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
RNN_DIR = os.path.join(HERE, "fixtures", "rnn")
CASES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(RNN_DIR, "*.npz")))
ATOL = 1e-4

#: Keys tf-keras 2.21 writes that Keras 2.2.4 lacks, with the only value that means Keras 2.2.4's
#: behaviour. (The .h5 reader should strip these too; see test_load_model_h5.)
_TF_ONLY = {"time_major": False, "zero_output_for_mask": False}


def _normalize(obj):
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k in _TF_ONLY:
                assert v == _TF_ONLY[k], "fixture uses %s=%r" % (k, v)
                continue
            if k in ("module", "registered_name", "build_config"):
                continue
            out[k] = _normalize(v)
        return out
    if isinstance(obj, list):
        return [_normalize(v) for v in obj]
    return obj


def _load(name):
    with np.load(os.path.join(RNN_DIR, name + ".npz")) as f:
        d = {k: f[k] for k in f.files}
    d["config"] = _normalize(json.loads(str(d["config"])))
    d["weights"] = [d["w%d" % i] for i in range(len([k for k in d if k[:1] == "w"
                                                     and k[1:].isdigit()]))]
    d["outputs"] = [d["y%d" % i] for i in range(len([k for k in d if k[:1] == "y"
                                                     and k[1:].isdigit()]))]
    return d


def _model(d):
    model = torkeras.models.model_from_json(json.dumps(d["config"]["model"]))
    model.set_weights(d["weights"])
    return model


def test_fixtures_present():
    assert len(CASES) >= 30, CASES


@pytest.mark.parametrize("name", CASES)
def test_golden(name):
    d = _load(name)
    cfg = d["config"]
    if cfg["kind"] == "layer":
        layer = deserialize(cfg["layer"])
        x = torch.as_tensor(d["x"])
        layer._build_for((None,) + tuple(x.shape[1:]))
        layer.set_weights(d["weights"])
        kwargs = {}
        if "h0" in d:
            kwargs["initial_state"] = [torch.as_tensor(d["h0"]), torch.as_tensor(d["c0"])]
        with torch.no_grad():
            out = layer(x, training=False, **kwargs)
        outs = out if isinstance(out, (list, tuple)) else [out]
        got = [o.numpy() for o in outs]
    else:
        model = _model(d)
        if "x2" in d:  # stateful: two consecutive predicts, then one after reset_states()
            got = [model.predict(d["x"], batch_size=len(d["x"])),
                   model.predict(d["x2"], batch_size=len(d["x"]))]
            model.reset_states()
            got.append(model.predict(d["x2"], batch_size=len(d["x"])))
        else:
            got = [model.predict(d["x"], batch_size=len(d["x"]))]
    assert len(got) == len(d["outputs"])
    for g, e in zip(got, d["outputs"]):
        assert g.shape == e.shape
        np.testing.assert_allclose(g, e, atol=ATOL, rtol=0)


@pytest.mark.parametrize("name", ["bidirectional_concat", "masking_lstm_seq", "gru_sigmoid_after",
                                  "stateful_gru", "conv_lstm2d_same"])
@pytest.mark.filterwarnings("ignore:No training configuration")
def test_h5_roundtrip(name, tmp_path):
    """A model rebuilt from a fixture survives torkeras's own .h5 round trip unchanged."""
    d = _load(name)
    model = _model(d)
    path = str(tmp_path / "m.h5")
    model.save(path)
    again = torkeras.models.load_model(path)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = d["x"]
    np.testing.assert_allclose(again.predict(x, batch_size=len(x)), d["outputs"][0], atol=ATOL,
                               rtol=0)


def test_load_model_h5():
    d = _load("bidirectional_concat")
    model = torkeras.models.load_model(os.path.join(RNN_DIR, "bidirectional_concat.h5"))
    np.testing.assert_allclose(model.predict(d["x"]), d["outputs"][0], atol=ATOL, rtol=0)
