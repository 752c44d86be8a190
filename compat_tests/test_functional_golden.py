"""Functional-API models read and written the way tf-keras 2.21 does (no TensorFlow needed here).

tf-keras -> torkeras: ``fixtures/functional/*.h5`` were saved by tf-keras 2.21 with
``fixtures/make_functional_fixtures.py make`` (multi-input / multi-output graphs, a shared layer,
nested models, a graph whose layer order decides which weights go where). Each must load with
``torkeras.models.load_model``, predict as tf-keras did (1e-5), list ``model.layers`` in tf-keras's
order, and, when compiled, evaluate the same loss and metrics and keep training exactly as tf-keras
continued training from the same file.

torkeras -> tf-keras: ``fixtures/functional/torkeras_written/*.h5`` were written by
``make_functional_fixtures.py write`` and checked in tf-keras by ``make_functional_fixtures.py check``,
which records a table in fixtures/README.md. Here: every committed file has a PASS row, and a fresh
torkeras rewrite has the same file layout, so the recorded check still applies.
"""
import json
import os
import re
import subprocess
import sys
import warnings

import h5py
import numpy as np
import pytest

import torkeras
from torkeras.models import Model, load_model, model_from_json

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
REPO = os.path.dirname(HERE)

sys.path.insert(0, FIXTURES)
import make_functional_fixtures as mff  # noqa: E402  (numpy only at import)

FUNCTIONAL = mff.FUNCTIONAL_DIR
WRITTEN = mff.WRITTEN_DIR
ATOL = mff.TOLERANCE


def _stems(folder):
    if not os.path.isdir(folder):
        return []
    return sorted(n[:-4] for n in os.listdir(folder) if n.endswith(".npz"))


TF_STEMS = _stems(FUNCTIONAL)


def _data(stem, folder=FUNCTIONAL):
    with np.load(os.path.join(folder, stem + ".npz")) as f:
        d = {k: f[k] for k in f.files}
    d["inputs"] = [str(n) for n in d["input_names"]]
    d["outputs"] = [str(n) for n in d["output_names"]]
    d["xs"] = [d["x__" + n] for n in d["inputs"]]
    d["ys"] = [d["y__" + n] for n in d["outputs"]]
    d["preds"] = [d["pred__%d" % i] for i in range(len(d["outputs"]))]
    return d


def _compiled(stem):
    return bool(_data(stem)["compiled"])


TF_COMPILED = [s for s in TF_STEMS if _compiled(s)]


def _load(stem, folder=FUNCTIONAL):
    with warnings.catch_warnings():
        # uncompiled files: "No training configuration found" is expected
        warnings.simplefilter("ignore", UserWarning)
        return load_model(os.path.join(folder, stem + ".h5"))


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _assert_predictions(model, d, what):
    preds = _as_list(model.predict(d["xs"], batch_size=mff.PREDICT_BATCH_SIZE))
    assert len(preds) == len(d["preds"]), (what, len(preds), len(d["preds"]))
    for i, (p, r) in enumerate(zip(preds, d["preds"])):
        assert np.shape(p) == r.shape, (what, i, np.shape(p), r.shape)
        np.testing.assert_allclose(p, r, rtol=0, atol=ATOL,
                                   err_msg="%s: output %d (%s)" % (what, i, d["outputs"][i]))


# ---------------------------------------------------------------------------- tf-keras -> torkeras
def test_fixtures_exist_and_are_small():
    assert TF_STEMS, "no fixtures in %s: run make_functional_fixtures.py make" % FUNCTIONAL
    total = 0
    for root, _, files in os.walk(FUNCTIONAL):
        total += sum(os.path.getsize(os.path.join(root, n)) for n in files)
    assert total < 1024 * 1024, "functional fixtures take %d bytes (limit 1 MB)" % total
    for stem in TF_STEMS:
        assert os.path.exists(os.path.join(FUNCTIONAL, stem + ".h5")), stem


@pytest.mark.parametrize("stem", TF_STEMS)
def test_tfkeras_model_predicts_the_same(stem):
    d = _data(stem)
    model = _load(stem)
    assert model.input_names == d["inputs"], (model.input_names, d["inputs"])
    assert model.output_names == d["outputs"], (model.output_names, d["outputs"])
    _assert_predictions(model, d, stem)


@pytest.mark.parametrize("stem", TF_STEMS)
def test_tfkeras_model_layers_in_tfkeras_order(stem):
    d = _data(stem)
    model = _load(stem)
    assert [l.name for l in model.layers] == [str(n) for n in d["layer_names"]]
    for name, sub in json.loads(str(d["sublayers_json"])).items():
        inner = model.get_layer(name)
        assert [l.name for l in inner.layers] == sub, name


@pytest.mark.parametrize("stem", TF_STEMS)
def test_tfkeras_model_weights_are_the_files(stem):
    """Topological loading put every array of the file into the layer of the same name."""
    model = _load(stem)
    with h5py.File(os.path.join(FUNCTIONAL, stem + ".h5"), "r") as f:
        mw = f["model_weights"]
        for layer in model.layers:
            group = mw[layer.name]
            # a nested model lists its layers' weights as 'inner_dense/kernel:0', ...
            names = mff._list_attr(group, "weight_names")
            got = layer.get_weights()
            assert len(got) == len(names), (layer.name, len(got), names)
            for g, n in zip(got, names):
                np.testing.assert_array_equal(g, group[n][()], err_msg="%s: %s" % (layer.name, n))


@pytest.mark.parametrize("stem", TF_COMPILED)
def test_tfkeras_model_evaluates_the_same(stem):
    d = _data(stem)
    model = _load(stem)
    assert model.optimizer is not None, "load_model did not compile the model"
    score = _as_list(model.evaluate(d["xs"], d["ys"], batch_size=int(d["evaluate_batch_size"]),
                                    verbose=0))
    want = [mff._norm_metric(str(n)) for n in d["metrics_names"]]
    assert [mff._norm_metric(n) for n in model.metrics_names] == want, (model.metrics_names, want)
    np.testing.assert_allclose(np.asarray(score, dtype="float64"), d["evaluate"], rtol=0, atol=ATOL)


@pytest.mark.parametrize("stem", TF_COMPILED)
def test_tfkeras_model_keeps_training_like_tfkeras(stem):
    d = _data(stem)
    model = _load(stem)
    history = model.fit(d["xs"], d["ys"], batch_size=mff.BATCH_SIZE, epochs=1, shuffle=False,
                        verbose=0)
    want = {mff._norm_metric(str(k)): d["after_fit_history__" + str(k)]
            for k in d["after_fit_history_keys"]}
    got = {mff._norm_metric(k): np.asarray(v, dtype="float64") for k, v in history.history.items()}
    assert sorted(got) == sorted(want), (sorted(history.history), sorted(want))
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=0, atol=ATOL, err_msg=key)
    after = dict(d, preds=[d["after__%d" % i] for i in range(len(d["outputs"]))])
    _assert_predictions(model, after, stem + " after one more epoch")


@pytest.mark.parametrize("stem", TF_STEMS)
def test_tfkeras_model_config_round_trips_in_torkeras(stem):
    d = _data(stem)
    model = _load(stem)
    clone = Model.from_config(model.get_config())
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    clone.set_weights(model.get_weights())
    _assert_predictions(clone, d, stem + " via get_config/from_config")
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    _assert_predictions(clone, d, stem + " via to_json/model_from_json")


@pytest.mark.parametrize("stem", TF_STEMS)
def test_tfkeras_model_saves_and_reloads_in_torkeras(stem, tmp_path):
    d = _data(stem)
    model = _load(stem)
    path = str(tmp_path / (stem + ".h5"))
    model.save(path)
    again = _load(stem, folder=str(tmp_path))
    assert [l.name for l in again.layers] == [l.name for l in model.layers]
    _assert_predictions(again, d, stem + " after a torkeras save/load")


# ---------------------------------------------------------------------------- torkeras -> tf-keras
def _written_files():
    if not os.path.isdir(WRITTEN):
        return []
    return sorted(n for n in os.listdir(WRITTEN) if n.endswith(".h5"))


def _check_table():
    with open(mff.README) as fh:
        text = fh.read()
    assert mff.BEGIN in text and mff.END in text, "README.md lacks the functional check markers"
    block = text.split(mff.BEGIN, 1)[1].split(mff.END, 1)[0]
    lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip().startswith("|")]
    split = lambda ln: [c.strip() for c in re.split(r"(?<!\\)\|", ln.strip().strip("|"))]
    header = split(lines[0])
    return [dict(zip(header, split(ln))) for ln in lines[2:]]


def test_written_files_passed_in_tfkeras():
    files = _written_files()
    assert files, "no committed functional/torkeras_written/*.h5"
    rows = {r["file"]: r for r in _check_table()}
    for name in files:
        key = "functional/torkeras_written/" + name
        assert key in rows, "%s has no row in the README functional check table" % key
        row = rows[key]
        assert row["tf-keras"].startswith("2.21"), row
        assert row["result"] == "PASS", "%s in tf-keras %s: %s" % (key, row["tf-keras"], row)
    stale = set(rows) - {"functional/torkeras_written/" + n for n in files}
    assert not stale, "README table lists files that are not committed: %s" % sorted(stale)


def test_committed_written_files_reload_in_torkeras():
    for name in _written_files():
        stem = name[:-3]
        d = _data(stem, WRITTEN)
        model = _load(stem, folder=WRITTEN)
        assert [l.name for l in model.layers] == [str(n) for n in d["layer_names"]], name
        _assert_predictions(model, d, name)


def _skeleton(entry):
    """What a functional config's structure is, without layer arguments: class names, names,
    inbound nodes, input/output refs; nested models recursively."""
    config = entry.get("config")
    out = {"class_name": entry.get("class_name")}
    if "name" in entry:
        out["name"] = entry["name"]
    if "inbound_nodes" in entry:
        out["inbound_nodes"] = entry["inbound_nodes"]
    if isinstance(config, list):  # Keras <= 2.2.2 Sequential
        config = {"layers": config}
    if isinstance(config, dict):
        if "layers" in config:
            out["layers"] = [_skeleton(l) for l in config["layers"]]
        for key in ("input_layers", "output_layers"):
            if key in config:
                out[key] = config[key]
        out["config_keys"] = sorted(k for k in config if k != "layers")
    return out


def _layout(path):
    out = {}
    with h5py.File(path, "r") as f:
        for k, v in f.attrs.items():
            kind = type(v).__name__
            if k == "model_config":
                out["/@" + k] = (kind, _skeleton(json.loads(mff._text(v))))
            elif k == "training_config":
                tc = json.loads(mff._text(v))
                out["/@" + k] = (kind, sorted(tc), tc.get("loss"), tc.get("metrics"),
                                 tc.get("loss_weights"), tc["optimizer_config"]["class_name"])
            elif k == "torkeras_version":
                out["/@" + k] = ("present",)
            else:
                out["/@" + k] = (kind, mff._text(v))

        def visit(name, obj):
            attrs = {}
            for k, v in obj.attrs.items():
                if isinstance(v, np.ndarray) and v.dtype.kind in "SOU":
                    attrs[k] = ("names", tuple(mff._text(x) for x in v.reshape(-1)))
                elif k == "torkeras_version":
                    attrs[k] = ("present",)
                else:
                    attrs[k] = (type(v).__name__, np.shape(v))
            if isinstance(obj, h5py.Dataset):
                out[name] = ("dataset", obj.shape, obj.dtype.str, attrs)
            else:
                out[name] = ("group", attrs)
        f.visititems(visit)
    return out


@pytest.fixture(scope="module")
def rewritten(tmp_path_factory):
    out = tmp_path_factory.mktemp("functional_written")
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TORKERAS_DEVICE", "cpu")
    args = [sys.executable, os.path.join(FIXTURES, "make_functional_fixtures.py"), "write",
            "--out", str(out)]
    # Merge-based models are committed only once they were checked in tf-keras.
    if not any(bool(_data(n[:-3], WRITTEN)["needs_merge"]) for n in _written_files()):
        args.append("--no-merge")
    proc = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return str(out)


def test_rewritten_files_match_committed_layout(rewritten):
    committed = sorted(os.listdir(WRITTEN))
    assert sorted(os.listdir(rewritten)) == committed
    for name in committed:
        if name.endswith(".h5"):
            old, new = _layout(os.path.join(WRITTEN, name)), _layout(os.path.join(rewritten, name))
            assert sorted(old) == sorted(new), (name, sorted(set(old) ^ set(new)))
            for key in old:
                assert old[key] == new[key], (name, key, old[key], new[key])
