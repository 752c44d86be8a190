"""Loading a file can never run code from it, nor make torkeras allocate more than the file holds.

* no pickle: a source scan (numpy with allow_pickle=False, torch.load with weights_only=True,
  the pickle module only in the restricted dataset unpickler); h5py object/vlen datasets refused;
* class names resolve only through the registries: configs naming ``os.system``, ``builtins.eval``,
  ``subprocess.Popen``, a module path, or Keras 3 ``module``/``registered_name`` keys that point at an
  importable module import nothing (``sys.modules`` before/after, and a sentinel module that records
  its import);
* Lambda bytecode is refused unless ``safe_mode=False``;
* sizes are checked before allocation: a dataset or attribute claiming an absurd shape, and a config
  asking for ``Dense(units=5*10**7)`` next to a few bytes of weights, fail fast (peak memory
  measured with tracemalloc, or ``ru_maxrss`` in a fresh process for torch allocations).
"""
import glob
import json
import os
import re
import struct
import subprocess
import sys
import textwrap
import tracemalloc

import h5py
import numpy as np
import pytest

import torkeras as keras
from torkeras.errors import HDF5FormatError, TorkerasError, UnknownObjectError
from torkeras.layers import Dense, Lambda
from torkeras.models import Sequential, load_model
from torkeras.saving import _safety

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG = os.path.join(ROOT, "torkeras")


def _sources():
    for path in sorted(glob.glob(os.path.join(PKG, "**", "*.py"), recursive=True)):
        with open(path, encoding="utf8") as fh:
            yield os.path.relpath(path, PKG), fh.read()


def _calls(text, func):
    """The argument text of every ``func(`` call in ``text`` (balanced parentheses)."""
    out = []
    for m in re.finditer(r"(?<![\w.])%s\(" % re.escape(func), text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        out.append(text[m.end():i - 1])
    return out


def test_no_pickle_in_the_package():
    found = []
    for rel, text in _sources():
        for func in ("np.load", "numpy.load", "np.lib.format.read_array"):
            found += ["%s: %s(%s)" % (rel, func, a) for a in _calls(text, func)
                      if "allow_pickle=False" not in a]
        found += ["%s: torch.load(%s)" % (rel, a) for a in _calls(text, "torch.load")
                  if "weights_only=True" not in a]
        if re.search(r"^\s*(import pickle|from pickle|import dill|import cloudpickle)", text, re.M) \
                and rel != os.path.join("datasets", "_safe_load.py"):
            found.append("%s imports pickle" % rel)
        if "marshal.loads" in text and rel != os.path.join("layers", "core.py"):
            found.append("%s unmarshals code" % rel)
    assert not found, found


# ------------------------------------------------------------------ helpers
def _small_model():
    m = Sequential([Dense(4, input_shape=(3,), name="d1"), Dense(2, name="d2")])
    m.compile("sgd", "mse")
    return m


def _saved(tmp_path, name="m.h5"):
    m = _small_model()
    path = str(tmp_path / name)
    m.save(path)
    return m, path


def _edit_config(path, edit):
    with h5py.File(path, "r+") as f:
        cfg = json.loads(f.attrs["model_config"])
        edit(cfg)
        f.attrs["model_config"] = json.dumps(cfg).encode()


# ------------------------------------------------------------------ names never import
SENTINEL = '''
import os
with open(os.environ["TORKERAS_TEST_SENTINEL"], "w") as fh:
    fh.write("imported")
def run(*a, **k):
    with open(os.environ["TORKERAS_TEST_SENTINEL"], "w") as fh:
        fh.write("called")
class Evil(object):
    pass
'''


def _set_class(where, value):
    def edit(cfg):
        layer = cfg["config"]["layers"][0]
        if where == "layer":
            layer["class_name"] = value
        elif where == "initializer":
            layer["config"]["kernel_initializer"] = {"class_name": value, "config": {}}
        elif where == "activation":
            layer["config"]["activation"] = value
        elif where == "keras3-module":
            # Keras 3 entries name their module; torkeras must ignore it
            layer.update({"module": "torkeras_evil_sentinel", "registered_name":
                          "torkeras_evil_sentinel>Evil", "class_name": value})
        elif where == "keras3-registered":
            layer["config"]["kernel_initializer"] = {
                "module": "torkeras_evil_sentinel", "class_name": value, "config": {},
                "registered_name": "torkeras_evil_sentinel.Evil"}
    return edit


NAMES = ["os.system", "builtins.eval", "subprocess.Popen", "torkeras_evil_sentinel.Evil",
         "torkeras_evil_sentinel.run", "torkeras_evil_sentinel", "__import__", "eval"]
CASES = [(w, n) for w in ("layer", "initializer", "activation") for n in NAMES] + [
    ("keras3-module", "Dense"), ("keras3-module", "torkeras_evil_sentinel.Evil"),
    ("keras3-registered", "GlorotUniform"), ("keras3-registered", "Evil"),
    ("training-loss", "torkeras_evil_sentinel.run"),
    ("training-optimizer", "subprocess.Popen")]


def test_class_names_in_files_never_import_anything(tmp_path, monkeypatch):
    (tmp_path / "torkeras_evil_sentinel.py").write_text(SENTINEL)
    marker = tmp_path / "sentinel_ran"
    monkeypatch.setenv("TORKERAS_TEST_SENTINEL", str(marker))
    monkeypatch.syspath_prepend(str(tmp_path))
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(("os.system", a)))
    _, good = _saved(tmp_path, "good.h5")
    load_model(good)
    bad = str(tmp_path / "bad.h5")
    # warm up the error path (close-match suggestions) so it imports nothing later either
    with open(good, "rb") as src, open(bad, "wb") as dst:
        dst.write(src.read())
    _edit_config(bad, _set_class("layer", "Dens"))
    with pytest.raises(UnknownObjectError):
        load_model(bad)
    refused = 0
    for where, name in CASES:
        with open(good, "rb") as src, open(bad, "wb") as dst:
            dst.write(src.read())
        if where.startswith("training"):
            with h5py.File(bad, "r+") as f:
                tc = json.loads(f.attrs["training_config"])
                if where == "training-loss":
                    tc["loss"] = name
                else:
                    tc["optimizer_config"]["class_name"] = name
                f.attrs["training_config"] = json.dumps(tc).encode()
        else:
            _edit_config(bad, _set_class(where, name))
        if where.startswith("keras3"):
            with h5py.File(bad, "r+") as f:
                f.attrs["keras_version"] = b"3.5.0"
        before = set(sys.modules)
        try:
            load_model(bad)
        except TorkerasError as e:
            refused += 1
            assert "bad.h5" in str(e), e
        new = set(sys.modules) - before
        assert not new, (where, name, sorted(new))
        assert not marker.exists(), (where, name, marker.read_text())
        assert not calls, (where, name, calls)
        assert "torkeras_evil_sentinel" not in sys.modules
    # all refused but the two Keras 3 entries whose class_name is registered (module ignored)
    assert refused == len(CASES) - 2, refused


# ------------------------------------------------------------------ bytecode
def test_lambda_bytecode_is_refused_and_never_run(tmp_path):
    marker = str(tmp_path / "lambda_ran")

    def touch(t, path=marker):
        with open(path, "w") as fh:
            fh.write("ran")
        return t * 2.0
    m = Sequential([Dense(2, input_shape=(3,), name="d"), Lambda(touch, name="lam")])
    m.compile("sgd", "mse")
    path = str(tmp_path / "lam.h5")
    m.save(path)
    os.remove(marker)  # saving inferred the output shape by calling it
    with pytest.raises(ValueError) as info:
        load_model(path)
    message = str(info.value)
    assert isinstance(info.value, TorkerasError)
    for part in ("lam.h5", "'lam'", "marshaled Python bytecode", "safe_mode=False",
                 "custom_objects={'lam': fn}"):
        assert part in message, (part, message)
    assert not os.path.exists(marker)
    # the ways out the message offers work
    x = np.ones((2, 3), "float32")
    loaded = load_model(path, custom_objects={"lam": lambda t: t * 2.0})
    np.testing.assert_allclose(loaded.predict(x), m.predict(x))
    os.remove(marker)
    unsafe = load_model(path, safe_mode=False)
    unsafe.predict(x)
    assert os.path.exists(marker)  # proves the file really carried code that runs


def test_lambda_of_a_registered_function_loads_in_safe_mode(tmp_path):
    def triple(t):
        return t * 3.0
    with keras.utils.custom_object_scope({"triple": triple}):
        m = Sequential([Dense(2, input_shape=(3,)), Lambda(triple)])
        path = str(tmp_path / "reg.h5")
        m.save(path)
        with h5py.File(path, "r") as f:
            layer = json.loads(f.attrs["model_config"])["config"]["layers"][1]["config"]
        assert (layer["function"], layer["function_type"]) == ("triple", "function")
        loaded = load_model(path, compile=False)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x), m.predict(x))


# ------------------------------------------------------------------ sizes
def _error_and_peak(load):
    """The HDF5FormatError message ``load()`` raises (None if it loads) and the peak of memory
    traced meanwhile (numpy reports its array allocations to tracemalloc)."""
    message = None
    tracemalloc.start()
    try:
        load()
    except HDF5FormatError as e:
        message = str(e)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return message, peak


@pytest.mark.parametrize("kind", ["unwritten", "chunked"])
def test_dataset_claiming_a_huge_shape_fails_before_reading(tmp_path, kind):
    m, path = _saved(tmp_path)
    with h5py.File(path, "r+") as f:
        g = f["model_weights"]["d1"]["d1"]
        del g["kernel:0"]
        # 1.6 GB of float32 that the file does not store (reading it would allocate all of it)
        g.create_dataset("kernel:0", shape=(20000, 20000), dtype="float32",
                         chunks=(100, 100) if kind == "chunked" else None)
    for load in (lambda: load_model(path), lambda: m.load_weights(path)):
        message, peak = _error_and_peak(load)
        assert re.search(r"m\.h5': weight 'd1/kernel:0' of layer 'd1' claims shape "
                         r"\(20000, 20000\)", message or ""), message
        assert peak < 50 * 2 ** 20, peak


def test_attribute_claiming_a_huge_shape_fails_before_reading(tmp_path):
    m, path = _saved(tmp_path)
    with open(path, "rb") as fh:
        raw = bytearray(fh.read())
    # patch the dataspace of the `layer_names` attribute: 2 names -> 2**26 names (size and maxsize)
    at = raw.find(b"layer_names")
    dims = raw.find(struct.pack("<QQ", 2, 2), at)
    assert at > 0 and 0 < dims - at < 64
    struct.pack_into("<QQ", raw, dims, 2 ** 26, 2 ** 26)
    bad = str(tmp_path / "attr.h5")
    with open(bad, "wb") as fh:
        fh.write(bytes(raw))
    for load in (lambda: load_model(bad), lambda: m.load_weights(bad)):
        message, peak = _error_and_peak(load)
        assert message and "attr.h5" in message, message
        assert peak < 50 * 2 ** 20, peak


def test_weight_budget_counts_before_allocation():
    layer = Dense(3, name="probe")
    with _safety.weight_budget(10, "f.h5"):
        _safety.check_weight_allocation(layer, "kernel", (2, 5))  # exactly what the file holds
        _safety.check_weight_allocation(layer, "bias", (_safety.ALLOCATION_SLACK,))
        with pytest.raises(HDF5FormatError, match=r"'f\.h5': layer 'probe' \(Dense\) would create "
                                                  r"weight 'big' of shape \(1,\)"):
            _safety.check_weight_allocation(layer, "big", (1,))
    _safety.check_weight_allocation(layer, "kernel", (10 ** 12,))  # no budget outside a load


PROBE = textwrap.dedent('''
    import resource, sys
    from torkeras.errors import HDF5FormatError
    from torkeras.models import load_model
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        load_model(sys.argv[1])
        print("LOADED")
    except HDF5FormatError as e:
        print("ERROR", e)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print("GROWN_KB", grown)
''')


def test_config_asking_for_huge_weights_fails_before_allocating(tmp_path):
    _, path = _saved(tmp_path)
    # Dense(5e7) on 3 inputs: 150M float32 values (600 MB); the file holds 26 values.
    _edit_config(path, lambda c: c["config"]["layers"][1]["config"].__setitem__("units", 5 * 10 ** 7))
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", PROBE, path], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.strip().splitlines())
    assert re.search(r"m\.h5.*layer 'd2' \(Dense\) would create weight 'kernel' of shape "
                     r"\(4, 50000000\)", lines.get("ERROR", "")), out.stdout
    assert int(lines["GROWN_KB"]) < 100 * 1024, out.stdout
