"""`python -m torkeras inspect FILE.h5` and `python -m torkeras convert FILE.h5 OUT.pt`.

Expected values come from the files themselves (read here with h5py) or from the models the tests
build; the tf-keras and Keras 3 files are the committed fixtures of compat_tests/fixtures.
"""
import json
import os
import re
import subprocess
import sys

import h5py
import numpy as np
import pytest
import torch

from torkeras import cli
from torkeras.layers import Conv2D, Dense, Flatten, Input, concatenate
from torkeras.models import Model, Sequential, load_model, model_from_json
from torkeras.saving import _inspect, _keras2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "compat_tests", "fixtures")
TF_ADAM = os.path.join(FIXTURES, "tutorial", "tutorial_adam.h5")
KERAS3 = os.path.join(FIXTURES, "keras3", "k3_functional_rnn.h5")
TF_RNN = os.path.join(FIXTURES, "rnn", "conv_lstm2d_same.h5")


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _mlp():
    m = Sequential([Dense(5, activation="relu", input_shape=(4,), name="hidden"),
                    Dense(2, activation="softmax", name="out")])
    m.compile("adam", "categorical_crossentropy")
    x = np.random.RandomState(0).rand(8, 4).astype("float32")
    m.train_on_batch(x, np.eye(2, dtype="float32")[[0, 1] * 4])
    return m, x


def _functional():
    a, b = Input((3,), name="a"), Input((6, 6, 1), name="b")
    hb = Flatten(name="flat")(Conv2D(2, (3, 3), name="conv")(b))
    m = Model([a, b], Dense(3, name="head")(concatenate([Dense(4, name="da")(a), hb], name="cat")))
    m.compile("sgd", "mse")
    rng = np.random.RandomState(1)
    return m, [rng.rand(2, 3).astype("float32"), rng.rand(2, 6, 6, 1).astype("float32")]


def _file_layers(path):
    """(layer, [(weight, shape)]) read with h5py, for the expected output."""
    with h5py.File(path, "r") as f:
        g = f["model_weights"] if "model_weights" in f else f
        out = []
        for name in [n.decode() if isinstance(n, bytes) else n for n in g.attrs["layer_names"]]:
            names = [n.decode() if isinstance(n, bytes) else n for n in g[name].attrs["weight_names"]]
            out.append((name, [(w, g[name][w].shape) for w in names]))
        return out, f.attrs["keras_version"], f.attrs["backend"]


def open_write(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


# ------------------------------------------------------------------ inspect
def test_inspect_text_of_a_torkeras_file(tmp_path, capsys):
    m, _ = _mlp()
    path = str(tmp_path / "mlp.h5")
    m.save(path)
    code, out, err = _run(capsys, "inspect", path)
    assert code == 0, err
    layers, version, backend = _file_layers(path)
    assert "generation:  keras2" in out and "keras:       %s" % _text(version) in out
    assert "backend:     %s" % _text(backend) in out
    with h5py.File(path, "r") as f:
        n_opt = len(f["optimizer_weights"].attrs["weight_names"])
    assert "contents:    full model (Sequential), training config (optimizer Adam), optimizer " \
           "state: %d arrays" % n_opt in out
    for (name, weights), layer in zip(layers, m.layers):
        assert "  %s (%s)" % (name, type(layer).__name__) in out
        for w, shape in weights:
            shown = "(%d,)" % shape[0] if len(shape) == 1 else "(%s)" % ", ".join(map(str, shape))
            assert re.search(r"^    %s +%s +float32$" % (re.escape(w), re.escape(shown)), out,
                             re.M), (w, shown, out)
    assert out.rstrip().endswith("conversions on load: none")


def test_inspect_tf_keras_file_lists_its_conversions(capsys):
    code, out, _ = _run(capsys, "inspect", TF_ADAM)
    assert code == 0
    with h5py.File(TF_ADAM, "r") as f:
        version = _text(f.attrs["keras_version"])
        optimizer = json.loads(f.attrs["training_config"])["optimizer_config"]["class_name"]
    assert "generation:  tf.keras" in out and "keras:       %s" % version in out
    assert "  - tf.keras optimizer weights reordered into Keras 2.2.4 order" in out
    if optimizer.startswith("Custom>"):
        assert "  - tf-keras optimizer class %r read as %r" % (optimizer, optimizer[7:]) in out
    _, out, _ = _run(capsys, "inspect", TF_RNN)
    assert "  - argument time_major=False of layer 'conv_lstm2d' (ConvLSTM2D), absent from Keras " \
           "2.2.4, dropped" in out


def test_inspect_json(tmp_path, capsys):
    m, _ = _functional()
    path = str(tmp_path / "fn.h5")
    m.save(path)
    code, out, _ = _run(capsys, "inspect", "--json", path)
    assert code == 0
    report = json.loads(out)
    layers, version, _ = _file_layers(path)
    assert report["generation"] == "keras2" and report["keras_version"] == _text(version)
    assert report["kind"] == "model" and report["model_class"] == "Model"
    assert report["optimizer"] == "SGD" and report["optimizer_weights"] == []
    assert [(l["name"], [(w["name"], tuple(w["shape"])) for w in l["weights"]])
            for l in report["layers"]] == layers
    classes = {l.name: type(l).__name__ for l in m.layers}
    assert {l["name"]: l["class_name"] for l in report["layers"]} == classes
    _, out, _ = _run(capsys, "inspect", "--json", KERAS3)
    report = json.loads(out)
    with h5py.File(KERAS3, "r") as f:
        assert report["keras_version"] == _text(f.attrs["keras_version"])
    assert report["generation"] == "keras3"


def test_inspect_weights_only_file(tmp_path, capsys):
    m, _ = _mlp()
    path = str(tmp_path / "w.h5")
    m.save_weights(path)
    code, out, _ = _run(capsys, "inspect", path)
    assert code == 0
    assert "contents:    weights only (no model_config: rebuild the model, then load_weights)" in out
    assert "  hidden (class not recorded)" in out


def test_reader_modules_describe_their_conversions(tmp_path, capsys, monkeypatch):
    m, _ = _mlp()
    path = str(tmp_path / "mlp.h5")
    m.save(path)
    seen = []

    def describe(info):
        seen.append((info["generation"], [l["name"] for l in info["layers"]]))
        return ["CuDNNLSTM -> LSTM weights (example line)"]
    monkeypatch.setattr(_keras2, "describe_conversions", describe, raising=False)
    monkeypatch.setattr(_inspect, "READER_MODULES", _inspect.READER_MODULES + ("_not_written",))
    _, out, _ = _run(capsys, "inspect", path)
    assert seen == [("keras2", ["hidden", "out"])]
    assert out.rstrip().endswith("conversions on load:\n  - CuDNNLSTM -> LSTM weights (example line)")


@pytest.mark.parametrize("command", ["inspect", "convert"])
def test_missing_and_non_hdf5_files(tmp_path, capsys, command):
    extra = [str(tmp_path / "o.pt")] if command == "convert" else []
    code, _, err = _run(capsys, command, str(tmp_path / "nope.h5"), *extra)
    assert code == 1 and "torkeras %s: Cannot load" % command in err and "no such file" in err
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    code, _, err = _run(capsys, command, str(text), *extra)
    assert code == 1 and "Cannot open %r as an HDF5 file" % str(text) in err
    assert sorted(os.listdir(str(tmp_path))) == ["notes.h5"]


# ------------------------------------------------------------------ convert
def _predict_from_checkpoint(path, x):
    checkpoint = torch.load(path, weights_only=True)
    assert set(checkpoint) == {"state_dict", "config", "keras_version", "torkeras_version"}
    assert all(isinstance(v, torch.Tensor) for v in checkpoint["state_dict"].values())
    model = model_from_json(checkpoint["config"])
    model.load_state_dict(checkpoint["state_dict"])
    return model.predict(x), checkpoint


@pytest.mark.parametrize("make", [_mlp, _functional], ids=["sequential", "functional"])
def test_convert_full_model(tmp_path, capsys, make):
    m, x = make()
    h5, pt = str(tmp_path / "m.h5"), str(tmp_path / "m.pt")
    m.save(h5)
    code, out, err = _run(capsys, "convert", h5, pt)
    assert code == 0, err
    assert out.startswith("wrote %s: %d tensors" % (pt, len(m.state_dict())))
    got, checkpoint = _predict_from_checkpoint(pt, x)
    np.testing.assert_array_equal(got, load_model(h5).predict(x))
    np.testing.assert_array_equal(got, m.predict(x))
    assert checkpoint["keras_version"] == _text(_file_layers(h5)[1])
    assert sorted(os.listdir(str(tmp_path))) == ["m.h5", "m.pt"]


def test_convert_tf_keras_fixture(tmp_path, capsys):
    pt = str(tmp_path / "tf.pt")
    assert _run(capsys, "convert", TF_ADAM, pt)[0] == 0
    x = np.random.RandomState(2).rand(3, 784).astype("float32")
    got, _ = _predict_from_checkpoint(pt, x)
    np.testing.assert_array_equal(got, load_model(TF_ADAM, compile=False).predict(x))


def test_convert_weights_only_needs_config(tmp_path, capsys):
    m, x = _mlp()
    h5, pt, cfg = str(tmp_path / "w.h5"), str(tmp_path / "w.pt"), str(tmp_path / "model.json")
    m.save_weights(h5)
    open_write(pt, b"previous checkpoint")
    code, _, err = _run(capsys, "convert", h5, pt)
    assert code == 1 and "holds weights only" in err and "--config model.json" in err
    with open(pt, "rb") as fh:
        assert fh.read() == b"previous checkpoint"  # untouched by the failed convert
    open_write(cfg, m.to_json().encode())
    code, _, err = _run(capsys, "convert", h5, pt, "--config", cfg)
    assert code == 0, err
    np.testing.assert_array_equal(_predict_from_checkpoint(pt, x)[0], m.predict(x))
    assert sorted(os.listdir(str(tmp_path))) == ["model.json", "w.h5", "w.pt"]


def test_python_dash_m_entry_point(tmp_path):
    m, _ = _mlp()
    path = str(tmp_path / "mlp.h5")
    m.save(path)
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-m", "torkeras", "inspect", "--json", path], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["layers"][0]["name"] == "hidden"
