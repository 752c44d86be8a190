"""Fuzz: hundreds of damaged .h5 files either load or raise a torkeras error; none crash or hang.

Three small valid files are written here (a Sequential MLP, a conv net, a functional model with two
inputs; one of them also as a weights-only file). From them, deterministic mutations: truncation at
many offsets, byte flips in the metadata and in the weight data, targeted h5py edits (missing or
mis-shaped datasets, bad JSON, attributes of the wrong type, names pointing nowhere...) and random
edits of the model_config JSON tree. Each mutated file goes through ``load_model`` and
``load_weights`` under a per-file time limit (``signal.setitimer``).
"""
import json
import re
import os
import random
import shutil
import signal
import warnings

import h5py
import numpy as np
import pytest

from torkeras.errors import TorkerasError
from torkeras.layers import Conv2D, Dense, Flatten, Input, MaxPooling2D, concatenate
from torkeras.models import Model, Sequential, load_model, model_from_json

PER_FILE_SECONDS = 5.0


class Hang(Exception):
    pass


def _mlp():
    m = Sequential([Dense(8, activation="relu", input_shape=(6,)), Dense(3, activation="softmax")])
    m.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    return m, np.random.RandomState(0).rand(4, 6).astype("float32")


def _conv():
    m = Sequential([Conv2D(3, (3, 3), activation="relu", input_shape=(6, 6, 2)), MaxPooling2D(),
                    Flatten(), Dense(2)])
    m.compile("sgd", "mse")
    return m, np.random.RandomState(1).rand(2, 6, 6, 2).astype("float32")


def _functional():
    a, b = Input((4,), name="in_a"), Input((3,), name="in_b")
    h = concatenate([Dense(5, name="da")(a), Dense(2, name="db")(b)])
    m = Model([a, b], Dense(1, name="out")(h))
    m.compile("rmsprop", "mse")
    rng = np.random.RandomState(2)
    return m, [rng.rand(2, 4).astype("float32"), rng.rand(2, 3).astype("float32")]


def _train_once(model, x):
    ys = model.predict(x)
    model.train_on_batch(x, np.zeros_like(ys))


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz_bases")
    out = []
    for kind, make in (("mlp", _mlp), ("conv", _conv), ("functional", _functional)):
        model, x = make()
        _train_once(model, x)  # optimizer_weights present
        path = str(folder / ("%s.h5" % kind))
        model.save(path)
        out.append((kind, path, model.to_json(), x))
    model, x = _mlp()
    path = str(folder / "mlp_weights.h5")
    model.save_weights(path)
    out.append(("mlp_weights", path, model.to_json(), x))
    return out


# ------------------------------------------------------------------ mutations
def _data_ranges(path):
    ranges = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.id.get_offset() is not None:
                ranges.append((obj.id.get_offset(), obj.id.get_offset() + obj.id.get_storage_size()))
        f.visititems(visit)
    return ranges


def byte_mutations(path, rng):
    raw = open(path, "rb").read()
    data = _data_ranges(path)
    data_pos = [i for lo, hi in data for i in range(lo, hi)]
    in_data = set(data_pos)
    meta_pos = [i for i in range(len(raw)) if i not in in_data]
    for k in range(24):  # truncation: evenly spread offsets plus random ones
        cut = (k * len(raw)) // 24 if k % 2 == 0 else rng.randrange(len(raw))
        yield "truncate@%d" % cut, raw[:cut]
    for region, positions, n in (("meta", meta_pos, 24), ("data", data_pos, 6)):
        for k in range(n):
            buf = bytearray(raw)
            for _ in range(1 + k % 3):
                pos = rng.choice(positions)
                buf[pos] ^= 1 << rng.randrange(8)
            yield "flip-%s-%d" % (region, k), bytes(buf)


def _set_config(f, edit):
    cfg = json.loads(f.attrs["model_config"])
    edit(cfg)
    f.attrs["model_config"] = json.dumps(cfg).encode()


def _layer_entries(cfg):
    inner = cfg["config"]
    return inner if isinstance(inner, list) else inner["layers"]


def _weighted(f):
    g = f["model_weights"] if "model_weights" in f else f
    names = [n.decode() for n in g.attrs["layer_names"]]
    name = next(n for n in names if len(g[n].attrs["weight_names"]))
    return g, name, [w.decode() for w in g[name].attrs["weight_names"]]


def _replace(group, name, data=None, **kw):
    del group[name]
    return group.create_dataset(name, data=data, **kw)


def _targeted():
    """(label, function(h5py.File opened r+)) pairs; a KeyError while applying means 'not here'."""
    def entry_config(key, value):
        return lambda f: _set_config(f, lambda c: _layer_entries(c)[-1]["config"].__setitem__(key,
                                                                                             value))
    t = [
        ("config-not-json", lambda f: f.attrs.__setitem__("model_config", b"{'not json")),
        ("config-not-utf8", lambda f: f.attrs.__setitem__("model_config", b'{"a": "\xff\xfe"}')),
        ("config-is-list", lambda f: f.attrs.__setitem__("model_config", b"[1, 2]")),
        ("config-is-int-attr", lambda f: f.attrs.__setitem__("model_config", 7)),
        ("config-class-int", lambda f: _set_config(f, lambda c: c.__setitem__("class_name", 5))),
        ("config-inner-int", lambda f: _set_config(f, lambda c: c.__setitem__("config", 5))),
        ("layers-not-list", lambda f: _set_config(
            f, lambda c: c["config"].__setitem__("layers", "x") if isinstance(c["config"], dict)
            else c.__setitem__("config", "x"))),
        ("layer-entry-list", lambda f: _set_config(
            f, lambda c: _layer_entries(c).__setitem__(0, [1, 2]))),
        ("layer-no-config", lambda f: _set_config(
            f, lambda c: _layer_entries(c)[-1].pop("config"))),
        ("layer-class-list", lambda f: _set_config(
            f, lambda c: _layer_entries(c)[-1].__setitem__("class_name", ["Dense"]))),
        ("units-string", entry_config("units", "ten")),
        ("units-negative", entry_config("units", -3)),
        ("units-huge", entry_config("units", 10 ** 12)),
        ("units-float", entry_config("units", 2.5)),
        ("unknown-kwarg", entry_config("no_such_argument", 1)),
        ("activation-unknown", entry_config("activation", "no_such_activation")),
        ("name-int", entry_config("name", 17)),
        ("inbound-missing-layer", lambda f: _set_config(
            f, lambda c: _layer_entries(c)[-1]["inbound_nodes"][0][0].__setitem__(0, "nowhere"))),
        ("inbound-bad-index", lambda f: _set_config(
            f, lambda c: _layer_entries(c)[-1]["inbound_nodes"][0][0].__setitem__(1, 99))),
        ("output-missing", lambda f: _set_config(
            f, lambda c: c["config"].__setitem__("output_layers", [["nowhere", 0, 0]]))),
        ("dataset-missing", lambda f: (lambda g, n, w: g[n].__delitem__(w[0]))(*_weighted(f))),
        ("dataset-wrong-shape", lambda f: (lambda g, n, w: _replace(
            g[n], w[0], np.zeros((2, 2), "float32")))(*_weighted(f))),
        ("dataset-scalar", lambda f: (lambda g, n, w: _replace(g[n], w[-1], np.float32(1)))(
            *_weighted(f))),
        ("dataset-vlen-str", lambda f: (lambda g, n, w: _replace(
            g[n], w[0], ["a", "b"], dtype=h5py.string_dtype()))(*_weighted(f))),
        ("dataset-vlen-float", lambda f: (lambda g, n, w: _replace(
            g[n], w[0], shape=(2,), dtype=h5py.vlen_dtype(np.float32)))(*_weighted(f))),
        ("dataset-huge-unwritten", lambda f: (lambda g, n, w: _replace(
            g[n], w[0], shape=(10 ** 6, 10 ** 6), dtype="float32"))(*_weighted(f))),
        ("dataset-huge-chunked", lambda f: (lambda g, n, w: _replace(
            g[n], w[0], shape=(10 ** 5, 10 ** 5), dtype="float32", chunks=(10, 10)))(*_weighted(f))),
        ("dataset-is-group", lambda f: (lambda g, n, w: (g[n].__delitem__(w[0]),
                                                         g[n].create_group(w[0])))(*_weighted(f))),
        ("layer-names-nowhere", lambda f: (lambda g, n, w: g.attrs.__setitem__(
            "layer_names", np.array([b"nowhere"] + list(g.attrs["layer_names"]))))(*_weighted(f))),
        ("layer-names-int", lambda f: (lambda g, n, w: g.attrs.__setitem__(
            "layer_names", np.arange(3)))(*_weighted(f))),
        ("layer-names-scalar", lambda f: (lambda g, n, w: g.attrs.__setitem__(
            "layer_names", np.bytes_(n)))(*_weighted(f))),
        ("layer-names-compound", lambda f: (lambda g, n, w: g.attrs.__setitem__(
            "layer_names", np.zeros(2, dtype=[("a", "i4"), ("b", "f4")])))(*_weighted(f))),
        ("layer-names-deleted", lambda f: (lambda g, n, w: g.attrs.__delitem__("layer_names"))(
            *_weighted(f))),
        ("weight-names-short", lambda f: (lambda g, n, w: g[n].attrs.__setitem__(
            "weight_names", np.array([x.encode() for x in w[:-1]])))(*_weighted(f))),
        ("weight-names-long", lambda f: (lambda g, n, w: g[n].attrs.__setitem__(
            "weight_names", np.array([x.encode() for x in w + [w[0]]])))(*_weighted(f))),
        ("weight-names-int", lambda f: (lambda g, n, w: g[n].attrs.__setitem__(
            "weight_names", 3))(*_weighted(f))),
        ("weight-names-nowhere", lambda f: (lambda g, n, w: g[n].attrs.__setitem__(
            "weight_names", np.array([b"nowhere:0"] * len(w))))(*_weighted(f))),
        ("layer-group-is-dataset", lambda f: (lambda g, n, w: (g.__delitem__(n),
                                                               g.create_dataset(n, data=[1])))(
            *_weighted(f))),
        ("model-weights-is-dataset", lambda f: (f.__delitem__("model_weights"),
                                                f.create_dataset("model_weights", data=[1]))),
        ("keras-version-int", lambda f: f.attrs.__setitem__("keras_version", 3)),
        ("keras-version-garbage", lambda f: f.attrs.__setitem__("keras_version", b"abc")),
        ("backend-garbage", lambda f: f.attrs.__setitem__("backend", b"no_such_backend")),
        ("training-config-bad-json", lambda f: f.attrs.__setitem__("training_config", b"{")),
        ("training-config-list", lambda f: f.attrs.__setitem__("training_config", b"[1]")),
        ("optimizer-config-str", lambda f: f.attrs.__setitem__(
            "training_config", json.dumps({"optimizer_config": "x", "loss": 3}).encode())),
        ("optimizer-weight-nowhere", lambda f: f["optimizer_weights"].attrs.__setitem__(
            "weight_names", np.array([b"nowhere:0"]))),
        ("optimizer-weight-shape", lambda f: (lambda g: _replace(
            g, g.attrs["weight_names"][-1].decode(), np.zeros((7, 7), "float32")))(
            f["optimizer_weights"])),
        ("optimizer-weights-vlen", lambda f: (lambda g: _replace(
            g, g.attrs["weight_names"][-1].decode(), ["x"], dtype=h5py.string_dtype()))(
            f["optimizer_weights"])),
    ]
    return t


_POOL = [None, -1, 0, 1, 10 ** 9, 2.5, "x", "Dense", [], {}, [None, 3], True, {"class_name": "x"}]


def json_mutations(cfg, rng, n):
    """``n`` copies of ``cfg``, each with one randomly chosen node replaced by a pool value."""
    def nodes(obj, path=()):
        yield path
        items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(
            obj, list) else ()
        for k, v in items:
            yield from nodes(v, path + (k,))
    paths = [p for p in nodes(cfg) if p]
    for k in range(n):
        path = rng.choice(paths)
        mutated = json.loads(json.dumps(cfg))
        target = mutated
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = rng.choice(_POOL)
        yield "json-%d-%s" % (k, "/".join(map(str, path[-2:]))), mutated


# ------------------------------------------------------------------ the loop
def _alarm(signum, frame):
    raise Hang()


def _try(label, fn, outcomes, basename):
    signal.setitimer(signal.ITIMER_REAL, PER_FILE_SECONDS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
        outcomes["ok"] += 1
    except Hang:
        pytest.fail("%s: loading took over %.0f s (hang)" % (label, PER_FILE_SECONDS))
    except TorkerasError as e:
        outcomes["error"] += 1
        if basename not in str(e):
            outcomes["unnamed"].append("%s: %s" % (label, e))
    except Exception as e:  # the assertion of this test: nothing else may escape
        pytest.fail("%s: raw %s escaped: %s" % (label, type(e).__name__, e))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _check_file(label, path, ref_json, x, outcomes, with_weights=True):
    base = os.path.basename(path)

    def full():
        model = load_model(path)
        model.predict(x)  # finite or not, it must not crash

    def weights():
        model = model_from_json(ref_json)
        model.load_weights(path)
        model.predict(x)
    _try(label + " load_model", full, outcomes, base)
    if with_weights:
        _try(label + " load_weights", weights, outcomes, base)


def test_mutated_files_load_or_raise_torkeras_errors(bases, tmp_path):
    previous = signal.signal(signal.SIGALRM, _alarm)
    outcomes = {"ok": 0, "error": 0, "unnamed": []}
    count = 0
    try:
        for index, (kind, path, ref_json, x) in enumerate(bases):
            rng = random.Random(1000 + index)
            target = str(tmp_path / ("%s_mut.h5" % kind))
            for label, raw in byte_mutations(path, rng):
                with open(target, "wb") as fh:
                    fh.write(raw)
                _check_file("%s %s" % (kind, label), target, ref_json, x, outcomes)
                count += 1
            for label, mutate in _targeted():
                shutil.copyfile(path, target)
                try:
                    with h5py.File(target, "r+") as f:
                        mutate(f)
                except (KeyError, TypeError, IndexError, AttributeError):
                    continue  # this mutation does not apply to this file
                _check_file("%s %s" % (kind, label), target, ref_json, x, outcomes)
                count += 1
            if kind == "mlp_weights":
                continue
            with h5py.File(path, "r") as f:
                cfg = json.loads(f.attrs["model_config"])
            for label, mutated in json_mutations(cfg, rng, 12):
                shutil.copyfile(path, target)
                with h5py.File(target, "r+") as f:
                    f.attrs["model_config"] = json.dumps(mutated).encode()
                # load_weights does not read model_config
                _check_file("%s %s" % (kind, label), target, ref_json, x, outcomes, False)
                count += 1
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert 300 <= count <= 600, count
    assert not outcomes["unnamed"], "errors that do not name the file:\n" + "\n".join(
        outcomes["unnamed"][:20])
    # both outcomes occur: data flips load, truncations and bad headers raise
    assert outcomes["ok"] > 50 and outcomes["error"] > 300, outcomes


# ------------------------------------------------------------------ messages of inconsistent files
def _named_mlp_file(folder):
    m = Sequential([Dense(8, input_shape=(6,), name="h"), Dense(3, name="o")])
    m.compile("sgd", "mse")
    path = str(folder / "named.h5")
    m.save(path)
    return m, path


def _attr(group, name, value):
    group.attrs[name] = value


INCONSISTENT = [
    ("missing dataset", lambda f: f["model_weights/h/h"].__delitem__("kernel:0"),
     r"weight 'h/kernel:0' of layer 'h' is listed but missing"),
    ("wrong shape", lambda f: _replace(f["model_weights/h"], "h/kernel:0", np.zeros((2, 2), "f4")),
     r"layer 'h' \(Dense\) has shape \(6, 8\), but the saved weight of layer 'h' in .* has shape "
     r"\(2, 2\)"),
    ("bad json", lambda f: _attr(f, "model_config", b'{"class_name": "Sequential", '),
     r"`model_config` attribute is not valid JSON"),
    ("attribute of the wrong type", lambda f: _attr(f["model_weights/h"], "weight_names", 7),
     r"weight '7' of layer 'h' is listed but missing"),
    ("layer_names pointing nowhere", lambda f: _attr(f["model_weights"], "layer_names",
                                                     np.array([b"h", b"nowhere"])),
     r"layer 'nowhere' is listed in layer_names but has no group"),
    ("weight_names too short", lambda f: _attr(f["model_weights/h"], "weight_names",
                                               np.array([b"h/kernel:0"])),
     r"Layer 'h' \(Dense\) expects 2 weight\(s\), but the saved weights of layer 'h' .* have 1"),
    ("scalar where a list is expected", lambda f: _attr(f["model_weights"], "layer_names",
                                                        np.bytes_(b"o")),
     r"weight file containing 1 layers into a model with 2 layers"),
    ("object dataset", lambda f: _replace(f["model_weights/o"], "o/bias:0", ["a", "b", "c"],
                                          dtype=h5py.string_dtype()),
     r"weight 'o/bias:0' of layer 'o' has type object.*refused"),
    ("bad layer argument", lambda f: _set_config(
        f, lambda c: _layer_entries(c)[1]["config"].__setitem__("units", "three")),
     r"model_config at layer 'o' \(Dense\): ValueError: `Dense`: `units` must be a positive "
     r"integer. Received: units='three'"),
]


@pytest.mark.parametrize("label, mutate, pattern", INCONSISTENT, ids=[c[0] for c in INCONSISTENT])
def test_inconsistent_file_errors_name_file_layer_and_problem(tmp_path, label, mutate, pattern):
    _, path = _named_mlp_file(tmp_path)
    with h5py.File(path, "r+") as f:
        mutate(f)
    with pytest.raises(TorkerasError) as info:
        load_model(path)
    assert "named.h5" in str(info.value)
    assert re.search(pattern, str(info.value)), str(info.value)
