"""Layer families, torkeras -> tf-keras (no TensorFlow needed here).

``fixtures/reverse/`` holds every tf-keras golden model of ``fixtures/conv``, ``misc`` and ``rnn``
re-saved by torkeras (``fixtures/check_reverse.py write``); ``check_reverse.py check`` loaded each
in real tf-keras 2.21 and recorded the result in fixtures/README.md (section "Files written by
torkeras, read by tf-keras (layer families)"). Here:

* every golden model was written, and every written file has a row in that table that is ``PASS``,
  a documented "not runnable on TF CPU" case (checked on its channels_last twin), or a documented
  tf-keras-versus-Keras-2.2.4 difference where tf-keras gives its own original result;
* rewriting the files with today's torkeras gives the committed layout (root attributes, model and
  training config class names / keys / string values, weight and optimizer-weight names, shapes and
  dtypes), so the recorded tf-keras result still describes what torkeras writes;
* the committed files still load in torkeras and predict what torkeras recorded.

Known torkeras defects found by the tf-keras check are strict expected failures (``KNOWN_BUGS``):
when one is fixed, the test turns into an unexpected pass; then regenerate the files, rerun
``check`` in tf-keras and drop the entry.
"""
import json
import os
import re
import sys

import h5py
import numpy as np
import pytest

from torkeras.models import load_model

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, FIXTURES)
import check_reverse as cr  # noqa: E402  (numpy only at import)

with open(os.path.join(cr.REVERSE, "manifest.json")) as _fh:
    MANIFEST = json.load(_fh)

KNOWN_BUGS = {}
SOURCE = ["%s/%s" % fc for fc in cr.source_cases()]


NOT_WRITTEN_BUGS = []   # the KNOWN_BUGS that stop torkeras writing the file


def _params(keys, bugs=KNOWN_BUGS):
    return [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[k]))
            if k in bugs else k for k in keys]


def _table():
    with open(cr.README) as fh:
        text = fh.read()
    assert cr.BEGIN in text and cr.END in text, "fixtures/README.md lacks the reverse-check markers"
    block = text.split(cr.BEGIN, 1)[1].split(cr.END, 1)[0]
    lines = [ln.strip() for ln in block.splitlines() if ln.strip().startswith("|")]
    split = lambda ln: [c.strip() for c in re.split(r"(?<!\\)\|", ln.strip().strip("|"))]
    header = split(lines[0])
    rows = [dict(zip(header, split(ln))) for ln in lines[2:]]
    return {r["file"]: r for r in rows}


TABLE = _table()


def test_manifest_lists_every_golden_model():
    assert sorted(MANIFEST["cases"]) == sorted(SOURCE)


@pytest.mark.parametrize("key", _params(SOURCE, NOT_WRITTEN_BUGS))
def test_golden_model_was_written_by_torkeras(key):
    entry = MANIFEST["cases"][key]
    assert entry["status"] == "written", "%s: %s" % (key, entry.get("error"))
    assert os.path.exists(os.path.join(cr.REVERSE, key + ".h5"))


@pytest.mark.parametrize("key", _params(SOURCE))
def test_tfkeras_result_recorded(key):
    row = TABLE.get("reverse/%s.h5" % key)
    assert row is not None, "reverse/%s.h5 has no row in the README table: run check" % key
    assert row["tf-keras"].startswith("2.21"), row
    result = row["result"]
    if result == "PASS":
        assert row["loaded?"] == "yes"
        return
    if result == cr.NOT_RUNNABLE:
        assert row["loaded?"] == "yes"
        assert "channels_first" in json.dumps(_model_config(key)), row
        assert "channels_last twin" in row["note"] and "matches" in row["note"], row
        return
    if result == cr.KNOWN_DIFFERENCE:
        assert key in cr.KNOWN_DIFFERENCES, row
        assert float(row["vs tf-keras original"]) <= cr.TOLERANCE[key.split("/")[0]], row
        return
    pytest.fail("%s in tf-keras %s: %s" % (key, row["tf-keras"], row))


def test_table_has_no_stale_rows():
    assert set(TABLE) == {"reverse/%s.h5" % k for k in MANIFEST["cases"]}


def test_compiled_files_keep_optimizer_state():
    compiled = [k for k, v in MANIFEST["cases"].items() if v.get("compiled")]
    restored = [k for k in compiled if TABLE["reverse/%s.h5" % k]["result"] == "PASS"
                and TABLE["reverse/%s.h5" % k]["optimizer state restored?"].startswith("yes")]
    assert len(restored) >= 3, restored
    for key in compiled:
        with h5py.File(os.path.join(cr.REVERSE, key + ".h5"), "r") as f:
            assert "optimizer_weights" in f and "training_config" in f.attrs, key


def test_total_size_under_2mb():
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(cr.REVERSE)
                for n in names)
    assert total < 2 * 1024 * 1024, total


# ---------------------------------------------------------------------------- layout
def _text(v):
    return v.decode("utf8") if isinstance(v, bytes) else str(v)


def _model_config(key):
    with h5py.File(os.path.join(cr.REVERSE, key + ".h5"), "r") as f:
        return json.loads(_text(f.attrs["model_config"]))


def _skeleton(obj):
    """Class names, keys, string values and value types of a config (numbers by type only)."""
    if isinstance(obj, dict):
        return {k: _skeleton(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_skeleton(v) for v in obj]
    if isinstance(obj, str) or obj is None or isinstance(obj, bool):
        return obj
    return type(obj).__name__


def _attr(name, value):
    if name == "torkeras_version":
        return "present"
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SOU":
            return ("ndarray", tuple(_text(v) for v in value.reshape(-1)))
        return ("ndarray", value.dtype.str, value.shape)
    if name in ("model_config", "training_config"):
        return (type(value).__name__, _skeleton(json.loads(_text(value))))
    return (type(value).__name__, _text(value))


def _layout(path):
    """Everything tf-keras reads except weight values: attributes, groups, dataset shapes/dtypes."""
    out = {}
    with h5py.File(path, "r") as f:
        out["/"] = {k: _attr(k, v) for k, v in f.attrs.items()}

        def visit(name, obj):
            attrs = {k: _attr(k, v) for k, v in obj.attrs.items()}
            if isinstance(obj, h5py.Dataset):
                out[name] = ("dataset", obj.shape, obj.dtype.str, attrs)
            else:
                out[name] = ("group", attrs)
        f.visititems(visit)
    return out


def _npz_layout(path):
    with np.load(path) as d:
        return {k: (d[k].shape, d[k].dtype.str) for k in d.files}


@pytest.fixture(scope="module")
def rewritten(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("reverse"))
    cr.write(out, verbose=False)
    return out


def _files(root):
    return sorted(os.path.relpath(os.path.join(d, n), root) for d, _, names in os.walk(root)
                  for n in names)


def test_rewritten_files_match_committed_layout(rewritten):
    committed, today = _files(cr.REVERSE), _files(rewritten)
    assert today == committed, (
        "torkeras now writes other files (new: %s, gone: %s): rerun check_reverse.py write and "
        "check" % (sorted(set(today) - set(committed)), sorted(set(committed) - set(today))))
    for name in committed:
        old, new = os.path.join(cr.REVERSE, name), os.path.join(rewritten, name)
        if name.endswith(".h5"):
            a, b = _layout(old), _layout(new)
            assert sorted(a) == sorted(b), (name, sorted(set(a) ^ set(b)))
            for key in a:
                assert a[key] == b[key], (name, key, a[key], b[key])
        elif name.endswith(".npz"):
            assert _npz_layout(old) == _npz_layout(new), name
    with open(os.path.join(rewritten, "manifest.json")) as fh:
        statuses = {k: v["status"] for k, v in json.load(fh)["cases"].items()}
    assert statuses == {k: v["status"] for k, v in MANIFEST["cases"].items()}


def test_committed_files_reload_in_torkeras():
    for key, entry in sorted(MANIFEST["cases"].items()):
        if entry["status"] != "written":
            continue
        data = np.load(os.path.join(cr.REVERSE, key + ".npz"))
        model = load_model(os.path.join(cr.REVERSE, key + ".h5"), compile=entry["compiled"])
        if entry["compiled"]:
            assert model.optimizer.__class__.__name__ == entry["trained"]["optimizer"], key
        got = model.predict(data["x"], batch_size=len(data["x"]))
        np.testing.assert_allclose(got, data["y"], rtol=0, atol=cr.TOLERANCE[entry["family"]],
                                   err_msg=key)
