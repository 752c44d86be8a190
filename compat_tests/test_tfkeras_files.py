"""torkeras and tf-keras 2.21 read each other's ``.h5`` files (no TensorFlow needed here).

Direction 1, tf-keras -> torkeras: ``fixtures/tutorial/*.h5`` were saved by tf-keras 2.21 with
``fixtures/make_fixtures.py`` (the tutorial MLP; see fixtures/README.md). Each must load with
``torkeras.models.load_model`` and predict / evaluate as tf-keras did, come back compiled with the
same loss and optimizer hyperparameters, with the optimizer state of the file, and keep training
exactly as tf-keras continued training from the same file. The weights-only fixture loads through
``model_from_json`` + ``load_weights``.

Direction 2, torkeras -> tf-keras: ``fixtures/torkeras_written/*.h5`` were written by
``fixtures/write_torkeras_files.py`` and checked in real tf-keras by ``make_fixtures.py check``,
which records a table in fixtures/README.md. Here: the table says every file passed, and today's
torkeras still writes files with the same layout, so the recorded check still applies.
"""
import json
import os
import re
import subprocess
import sys

import h5py
import numpy as np
import pytest

import torkeras
from torkeras import losses as losses_module

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
TUTORIAL = os.path.join(FIXTURES, "tutorial")
WRITTEN = os.path.join(FIXTURES, "torkeras_written")
README = os.path.join(FIXTURES, "README.md")
REPO = os.path.dirname(HERE)

sys.path.insert(0, FIXTURES)
from make_fixtures import BEGIN, END, TOLERANCE, preprocess  # noqa: E402  (numpy only)

FULL_MODELS = ["tutorial_adam", "tutorial_sgd_mse"]
ATOL = TOLERANCE


# ---------------------------------------------------------------------------- helpers
def _data(stem, folder=TUTORIAL):
    with np.load(os.path.join(folder, stem + ".npz")) as f:
        d = {k: f[k] for k in f.files}
    d["x"], d["y"] = preprocess(d["x_test"], d["y_test"])
    return d


def _load(stem):
    return torkeras.models.load_model(os.path.join(TUTORIAL, stem + ".h5"))


def _text(v):
    return v.decode("utf8") if hasattr(v, "decode") else str(v)


def _list_attr(group, name):
    if name in group.attrs:
        vals = list(np.atleast_1d(group.attrs[name]))
    else:
        vals, i = [], 0
        while "%s%d" % (name, i) in group.attrs:
            vals.extend(np.atleast_1d(group.attrs["%s%d" % (name, i)]))
            i += 1
    return [_text(v) for v in vals]


def _file_state(stem):
    """(training_config, weight names in model order, {optimizer weight name: array})."""
    with h5py.File(os.path.join(TUTORIAL, stem + ".h5"), "r") as f:
        training_config = json.loads(_text(f.attrs["training_config"]))
        mw = f["model_weights"]
        weight_names = []
        for layer in _list_attr(mw, "layer_names"):
            weight_names.extend(_list_attr(mw[layer], "weight_names"))
        og = f["optimizer_weights"]
        opt = {n: np.asarray(og[n][()]) for n in _list_attr(og, "weight_names")}
    return training_config, weight_names, opt


def _expected_optimizer_weights(stem):
    """The file's tf-keras optimizer state rearranged into Keras 2.2.4 order (what torkeras's
    ``optimizer.weights`` documents): ``[iterations] + slot_1 per weight + slot_2 per weight``."""
    training_config, weight_names, opt = _file_state(stem)
    cls = training_config["optimizer_config"]["config"]["name"]
    slots = {"Adam": ["m", "v"], "SGD": ["m"]}[cls]
    expected = [opt["iteration:0"]]
    for slot in slots:
        expected.extend(opt["%s/%s/%s" % (cls, slot, w)] for w in weight_names)
    assert len(expected) == len(opt), sorted(opt)
    return expected


# ---------------------------------------------------------------------------- tf-keras -> torkeras
@pytest.mark.parametrize("stem", FULL_MODELS)
def test_tfkeras_model_predicts_the_same(stem):
    d = _data(stem)
    model = _load(stem)
    pred = model.predict(d["x"], batch_size=32)
    assert pred.shape == d["predictions"].shape
    np.testing.assert_allclose(pred, d["predictions"], rtol=0, atol=ATOL)


@pytest.mark.parametrize("stem", FULL_MODELS)
def test_tfkeras_model_evaluates_the_same(stem):
    d = _data(stem)
    model = _load(stem)
    score = model.evaluate(d["x"], d["y"], batch_size=int(d["evaluate_batch_size"]), verbose=0)
    assert len(score) == len(d["metrics_names"]), (model.metrics_names, d["metrics_names"])
    np.testing.assert_allclose(np.asarray(score, dtype="float64"), d["evaluate"], rtol=0, atol=ATOL)


@pytest.mark.parametrize("stem", FULL_MODELS)
def test_tfkeras_model_is_compiled_like_tfkeras(stem):
    d = _data(stem)
    model = _load(stem)
    assert model.optimizer is not None, "load_model did not compile the model"
    # Same loss (compare the functions: 'mse' and 'mean_squared_error' are the same loss).
    assert losses_module.get(model.loss) is losses_module.get(str(d["loss"])), (model.loss, d["loss"])
    # Same optimizer class and hyperparameters.
    tf_cls = str(d["optimizer_class"]).rsplit(".", 1)[1]
    tf_config = json.loads(str(d["optimizer_config_json"]))
    assert type(model.optimizer).__name__ == tf_cls
    config = model.optimizer.get_config()
    np.testing.assert_allclose(config["lr"], tf_config["learning_rate"], rtol=1e-7)
    assert config.get("decay", 0.0) == 0.0
    if tf_cls == "Adam":
        for key in ("beta_1", "beta_2", "epsilon"):
            np.testing.assert_allclose(config[key], tf_config[key], rtol=1e-7, err_msg=key)
        assert config["amsgrad"] == tf_config["amsgrad"]
    else:
        assert config["momentum"] == tf_config["momentum"]
        assert config["nesterov"] == tf_config["nesterov"]
    # 'accuracy' with this loss and 10 outputs is categorical accuracy: evaluate checks the value.
    assert len(model.metrics_names) == 2


@pytest.mark.parametrize("stem", FULL_MODELS)
def test_tfkeras_optimizer_state_is_restored(stem):
    expected = _expected_optimizer_weights(stem)
    model = _load(stem)
    got = model.optimizer.get_weights()
    # tf-keras's Adam has no vhat slot when amsgrad is off; torkeras may keep Keras 2.2.4's dummies.
    assert len(got) >= len(expected), (len(got), len(expected))
    assert int(np.asarray(got[0])) == int(expected[0]) > 0, "iterations"
    for i, (g, e) in enumerate(zip(got, expected)):
        assert np.shape(g) == np.shape(e), (i, np.shape(g), np.shape(e))
        np.testing.assert_array_equal(np.asarray(g, dtype=e.dtype), e, err_msg="optimizer weight %d" % i)


@pytest.mark.parametrize("stem", FULL_MODELS)
def test_tfkeras_model_keeps_training_like_tfkeras(stem):
    d = _data(stem)
    model = _load(stem)
    iterations = int(_expected_optimizer_weights(stem)[0])
    history = model.fit(d["x"], d["y"], batch_size=32, epochs=1, shuffle=False, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert int(np.asarray(model.optimizer.get_weights()[0])) == iterations + len(d["x"]) // 32
    # tf-keras continued from the same saved state on the same batches (make_fixtures._after_fit).
    np.testing.assert_allclose(model.predict(d["x"], batch_size=32), d["predictions_after_fit"],
                               rtol=0, atol=ATOL)


def test_tfkeras_weights_only_file_loads_via_json():
    d = _data("tutorial_dense_act")
    with open(os.path.join(TUTORIAL, "tutorial_dense_act.json")) as fh:
        model = torkeras.models.model_from_json(fh.read())
    model.load_weights(os.path.join(TUTORIAL, "tutorial_dense_act_weights.h5"))
    np.testing.assert_allclose(model.predict(d["x"], batch_size=32), d["predictions"],
                               rtol=0, atol=ATOL)
    model.compile(loss=str(d["loss"]), optimizer="adam", metrics=["accuracy"])
    score = model.evaluate(d["x"], d["y"], batch_size=int(d["evaluate_batch_size"]), verbose=0)
    np.testing.assert_allclose(np.asarray(score, dtype="float64"), d["evaluate"], rtol=0, atol=ATOL)


def test_tfkeras_json_matches_the_npz_copy():
    d = _data("tutorial_dense_act")
    with open(os.path.join(TUTORIAL, "tutorial_dense_act.json")) as fh:
        assert json.loads(fh.read()) == json.loads(str(d["model_json"]))


# ---------------------------------------------------------------------------- torkeras -> tf-keras
def _written_files():
    return sorted(n for n in os.listdir(WRITTEN) if n.endswith(".h5"))


def _check_table():
    with open(README) as fh:
        text = fh.read()
    assert BEGIN in text and END in text, "README.md lacks the tf-keras check markers"
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip().startswith("|")]
    split = lambda ln: [c.strip() for c in re.split(r"(?<!\\)\|", ln.strip().strip("|"))]
    header = split(lines[0])
    return [dict(zip(header, split(ln))) for ln in lines[2:]]


def test_written_files_passed_in_tfkeras():
    rows = {r["file"]: r for r in _check_table()}
    files = _written_files()
    assert files, "no committed torkeras_written/*.h5"
    for name in files:
        key = "torkeras_written/" + name
        assert key in rows, "%s has no row in the README tf-keras check table" % key
        row = rows[key]
        assert row["tf-keras"].startswith("2.21"), row
        assert row["result"] == "PASS", "%s in tf-keras %s: %s" % (key, row["tf-keras"], row)
    stale = set(rows) - {"torkeras_written/" + n for n in files}
    assert not stale, "README table lists files that are not committed: %s" % sorted(stale)


def _attr_layout(name, value):
    if name == "torkeras_version":
        return ("present",)
    kind = type(value).__name__
    if isinstance(value, np.ndarray):
        kind = "ndarray[%s]" % value.dtype.kind
        if value.dtype.kind in "SOU":
            return (kind, tuple(_text(v) for v in value.reshape(-1)))
        return (kind, value.shape)
    text = _text(value)
    if name in ("model_config", "training_config"):
        return (kind, json.loads(text))
    return (kind, text)


def _layout(path):
    """Everything tf-keras reads except the weight values: attributes (JSON parsed), their types,
    every group and dataset path with shape and dtype."""
    out = {}
    with h5py.File(path, "r") as f:
        out["/"] = {k: _attr_layout(k, v) for k, v in f.attrs.items()}

        def visit(name, obj):
            attrs = {k: _attr_layout(k, v) for k, v in obj.attrs.items()}
            if isinstance(obj, h5py.Dataset):
                out[name] = ("dataset", obj.shape, obj.dtype.str, attrs)
            else:
                out[name] = ("group", attrs)
        f.visititems(visit)
    return out


@pytest.fixture(scope="module")
def rewritten(tmp_path_factory):
    out = tmp_path_factory.mktemp("torkeras_written")
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TORKERAS_DEVICE", "cpu")
    proc = subprocess.run([sys.executable, os.path.join(FIXTURES, "write_torkeras_files.py"),
                           "--out", str(out)], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=600)
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
        elif name.endswith(".json"):
            with open(os.path.join(WRITTEN, name)) as a, open(os.path.join(rewritten, name)) as b:
                assert json.load(a) == json.load(b), name


def test_committed_written_files_reload_in_torkeras():
    for name in _written_files():
        stem = name[:-3]
        weights_only = stem.endswith("_weights")
        data_stem = stem[:-len("_weights")] if weights_only else stem
        d = _data(data_stem, WRITTEN)
        if weights_only:
            with open(os.path.join(WRITTEN, data_stem + ".json")) as fh:
                model = torkeras.models.model_from_json(fh.read())
            model.load_weights(os.path.join(WRITTEN, name))
        else:
            model = torkeras.models.load_model(os.path.join(WRITTEN, name))
        np.testing.assert_allclose(model.predict(d["x"], batch_size=32), d["predictions"],
                                   rtol=0, atol=ATOL, err_msg=name)
