"""HDF5 save/load in Keras's layout: round trips, layout details, atomic writes, bad files."""
import json
import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest
import torch

import torkeras as keras
from torkeras.errors import HDF5FormatError, UnknownObjectError
from torkeras.layers import Activation, Dense, Dropout, Lambda
from torkeras.models import Sequential, load_model, model_from_json
from torkeras.saving import hdf5_format

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def data(n=32):
    rng = np.random.RandomState(0)
    return rng.rand(n, 6).astype("float32"), keras.utils.to_categorical(rng.randint(0, 3, n), 3)


def model_fn(dropout=0.1):
    m = Sequential()
    m.add(Dense(input_dim=6, units=10))
    m.add(Activation("sigmoid"))
    m.add(Dropout(dropout))
    m.add(Dense(3, activation="softmax"))
    return m


def trained(opt="adam"):
    x, y = data()
    m = model_fn()
    m.compile(loss="categorical_crossentropy", optimizer=opt, metrics=["accuracy"])
    m.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return m


def test_save_load_round_trip(tmp_path):
    x, y = data()
    m = trained()
    path = str(tmp_path / "m.h5")
    m.save(path)
    m2 = load_model(path)
    np.testing.assert_array_equal(m.predict(x), m2.predict(x))
    assert [l.name for l in m2.layers] == [l.name for l in m.layers]
    assert m2.metrics_names == ["loss", "acc"]
    assert m2.optimizer.get_config() == m.optimizer.get_config()
    for a, b in zip(m.optimizer.get_weights(), m2.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(m2.evaluate(x, y, verbose=0), m.evaluate(x, y, verbose=0))


def test_file_layout_is_keras_2(tmp_path):
    m = trained()
    path = str(tmp_path / "m.h5")
    m.save(path)
    with h5py.File(path, "r") as f:
        for key in ("keras_version", "backend", "model_config", "training_config"):
            assert isinstance(f.attrs[key], (bytes, np.bytes_)), key
        assert f.attrs["keras_version"] == b"2.2.4"
        cfg = json.loads(f.attrs["model_config"].decode())
        assert cfg["class_name"] == "Sequential"
        assert cfg["config"]["layers"][0]["config"]["batch_input_shape"] == [None, 6]
        tc = json.loads(f.attrs["training_config"].decode())
        assert tc["optimizer_config"]["class_name"] == "Adam"
        assert tc["loss"] == "categorical_crossentropy" and tc["metrics"] == ["accuracy"]
        g = f["model_weights"]
        names = [n.decode() for n in g.attrs["layer_names"]]
        assert names == [l.name for l in m.layers]
        d1 = m.layers[0].name
        assert [n.decode() for n in g[d1].attrs["weight_names"]] == [d1 + "/kernel:0", d1 + "/bias:0"]
        assert g[d1][d1]["kernel:0"].shape == (6, 10)
        assert len(g[m.layers[1].name].attrs["weight_names"]) == 0
        ow = f["optimizer_weights"]
        # Keras 2.2.4's shape-(1,) vhat dummies (Adam without amsgrad) are not written, so that
        # tf-keras, whose Adam has no such variables, restores the state: iterations + m + v.
        assert len(m.optimizer.get_weights()) == 1 + 3 * 4
        assert len(ow.attrs["weight_names"]) == 1 + 2 * 4


def test_weights_only_and_json(tmp_path):
    x, _ = data()
    m = trained()
    path = str(tmp_path / "w.h5")
    m.save_weights(path)
    with h5py.File(path, "r") as f:
        assert "model_config" not in f.attrs and "layer_names" in f.attrs
    m2 = model_from_json(m.to_json())
    m2.load_weights(path)
    np.testing.assert_array_equal(m.predict(x), m2.predict(x))
    with pytest.raises(HDF5FormatError, match="No model found"):
        load_model(path)
    # load_weights also reads a full-model file
    full = str(tmp_path / "full.h5")
    m.save(full)
    m3 = model_from_json(m.to_json())
    m3.load_weights(full)
    np.testing.assert_array_equal(m.predict(x), m3.predict(x))


def test_load_weights_by_name_and_mismatch(tmp_path):
    m = trained()
    path = str(tmp_path / "w.h5")
    m.save_weights(path)
    other = Sequential([Dense(10, input_shape=(6,), name=m.layers[0].name),
                        Dense(4, name=m.layers[3].name)])
    with pytest.raises(HDF5FormatError, match=r"shape \(10, 4\).*\(10, 3\)"):
        other.load_weights(path, by_name=True)
    with pytest.warns(UserWarning, match="Skipping loading"):
        other.load_weights(path, by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].get_weights()[0], m.layers[0].get_weights()[0])
    wrong = Sequential([Dense(10, input_shape=(6,))])
    with pytest.raises(HDF5FormatError, match="containing 2 layers into a model with 1 layers"):
        wrong.load_weights(path)


def test_str_attributes_and_chunked_names_are_read(tmp_path):
    x, _ = data()
    m = trained()
    path = str(tmp_path / "m.h5")
    m.save(path)
    with h5py.File(path, "r+") as f:
        for key in ("keras_version", "backend", "model_config", "training_config"):
            f.attrs[key] = f.attrs[key].decode()  # as tf.keras / h5py 3 str attributes
        g = f["model_weights"]
        names = list(g.attrs["layer_names"])
        del g.attrs["layer_names"]
        g.attrs["layer_names0"] = np.array(names[:2])
        g.attrs["layer_names1"] = np.array(names[2:])
    np.testing.assert_array_equal(load_model(path).predict(x), m.predict(x))


def test_save_attributes_chunks_large_lists(tmp_path):
    names = ["layer_with_a_long_name_%05d" % i for i in range(4000)]
    with h5py.File(str(tmp_path / "a.h5"), "w") as f:
        hdf5_format.save_attributes(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names1" in f.attrs
        assert hdf5_format.load_attributes(f, "layer_names") == names


def test_resume_training_equals_uninterrupted(tmp_path):
    x, y = data(64)
    torch.manual_seed(0)
    base = model_fn(dropout=0.0)
    base.compile(loss="categorical_crossentropy", optimizer="adam")
    init = base.get_weights()

    def run(model, steps):
        for i in range(steps):
            model.train_on_batch(x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8])

    a = model_fn(dropout=0.0)
    a.compile(loss="categorical_crossentropy", optimizer="adam")
    a.set_weights(init)
    run(a, 3)
    path = str(tmp_path / "resume.h5")
    a.save(path)
    b = load_model(path)
    for i in range(3, 6):
        a.train_on_batch(x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8])
        b.train_on_batch(x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8])
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=0, atol=1e-7)


def test_failed_save_keeps_previous_file(tmp_path, monkeypatch):
    x, _ = data()
    m = trained()
    path = str(tmp_path / "m.h5")
    m.save(path)
    before = open(path, "rb").read()

    def boom(layer):
        raise RuntimeError("disk full (simulated)")
    monkeypatch.setattr(hdf5_format, "_layer_weight_values", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        m.save(path)
    assert open(path, "rb").read() == before
    assert os.listdir(str(tmp_path)) == ["m.h5"]


@pytest.mark.parametrize("method,loader", [("save", "model"), ("save_weights", "weights")])
def test_killed_save_keeps_previous_file(tmp_path, method, loader):
    """SIGKILL a process while it is writing (its temporary file exists): the file it was replacing
    still loads, complete."""
    path = str(tmp_path / "big.h5")
    script = (
        "import sys, numpy as np\n"
        "from torkeras.models import Sequential\n"
        "from torkeras.layers import Dense\n"
        "m = Sequential([Dense(1500, input_shape=(1500,)), Dense(1500), Dense(1500)])\n"
        "m.%s(sys.argv[1])\n"
        "print('first save done', flush=True)\n"
        "while True:\n"
        "    m.%s(sys.argv[1])\n" % (method, method))
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.Popen([sys.executable, "-c", script, path], stdout=subprocess.PIPE, env=env,
                            text=True)
    rebuilt = Sequential([Dense(1500, input_shape=(1500,)), Dense(1500), Dense(1500)])

    def check():
        if loader == "model":
            assert load_model(path, compile=False).layers[2].get_weights()[0].shape == (1500, 1500)
        else:
            rebuilt.load_weights(path)

    try:
        assert proc.stdout.readline().strip() == "first save done"
        check()  # loads while the writer is busy replacing it
        deadline = time.time() + 60
        while not [n for n in os.listdir(str(tmp_path)) if n.endswith(".tmp")]:
            assert time.time() < deadline, "the writer never had a temporary file open"
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)  # mid-write: the temporary file exists
    finally:
        proc.kill()
        proc.wait()
    leftovers = [n for n in os.listdir(str(tmp_path)) if n != "big.h5"]
    # what a kill leaves is a hidden temporary file beside the target, never a damaged target
    assert all(n.startswith(".big.h5.") and n.endswith(".tmp") for n in leftovers), leftovers
    check()


def test_corrupt_files_raise_torkeras_errors(tmp_path):
    m = trained()
    path = str(tmp_path / "m.h5")
    m.save(path)
    raw = open(path, "rb").read()
    trunc = str(tmp_path / "trunc.h5")
    open(trunc, "wb").write(raw[:len(raw) // 3])
    with pytest.raises(HDF5FormatError, match="trunc.h5"):
        load_model(trunc)
    with pytest.raises(HDF5FormatError, match="no such file"):
        load_model(str(tmp_path / "missing.h5"))
    bad_json = str(tmp_path / "bad.h5")
    open(bad_json, "wb").write(raw)
    with h5py.File(bad_json, "r+") as f:
        f.attrs["model_config"] = b"{not json"
    with pytest.raises(HDF5FormatError, match="not valid JSON"):
        load_model(bad_json)
    missing_ds = str(tmp_path / "missing_ds.h5")
    open(missing_ds, "wb").write(raw)
    with h5py.File(missing_ds, "r+") as f:
        name = m.layers[0].name
        del f["model_weights"][name][name]["kernel:0"]
    with pytest.raises(HDF5FormatError, match="missing"):
        load_model(missing_ds)


def test_unknown_class_in_file_suggests_fix(tmp_path):
    m = trained()
    path = str(tmp_path / "m.h5")
    m.save(path)
    with h5py.File(path, "r+") as f:
        cfg = json.loads(f.attrs["model_config"].decode())
        cfg["config"]["layers"][0]["class_name"] = "Dens"
        f.attrs["model_config"] = json.dumps(cfg).encode()
    with pytest.raises(UnknownObjectError, match=r"Did you mean 'Dense'.*custom_objects.*m\.h5"):
        load_model(path)


def test_lambda_bytecode_refused_unless_safe_mode_false(tmp_path):
    x, _ = data()
    m = Sequential([Dense(3, input_shape=(6,)), Lambda(lambda t: t * 2.0)])
    m.compile("sgd", "mse")
    path = str(tmp_path / "lam.h5")
    m.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        load_model(path)
    m2 = load_model(path, safe_mode=False)
    np.testing.assert_allclose(m2.predict(x), m.predict(x))
    name = m.layers[1].name
    m3 = load_model(path, custom_objects={name: lambda t: t * 2.0})
    np.testing.assert_allclose(m3.predict(x), m.predict(x))


def test_overwrite_false_asks(tmp_path, monkeypatch):
    m = trained()
    path = str(tmp_path / "m.h5")
    m.save(path)
    before = open(path, "rb").read()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    m.layers[0].set_weights([w + 1 for w in m.layers[0].get_weights()])
    m.save(path, overwrite=False)
    assert open(path, "rb").read() == before


def test_plugin_upgrade_layer_config_hook_reaches_the_reader(tmp_path):
    from torkeras import plugins

    class Upgrader(object):
        @plugins.hookimpl
        def upgrade_layer_config(self, class_name, config, keras_version):
            if class_name == "OldDense":
                cfg = dict(config)
                cfg["units"] = cfg.pop("size")
                return "Dense", cfg
            return None

    x, _ = data()
    m = trained()
    path = str(tmp_path / "m.h5")
    m.save(path)
    with h5py.File(path, "r+") as f:
        cfg = json.loads(f.attrs["model_config"])
        layer = cfg["config"]["layers"][0]
        layer["class_name"] = "OldDense"
        layer["config"]["size"] = layer["config"].pop("units")
        f.attrs["model_config"] = np.bytes_(json.dumps(cfg).encode())
    with pytest.raises(UnknownObjectError, match="OldDense"):
        load_model(path)
    name = plugins.register_plugin(Upgrader(), name="test-upgrader")
    try:
        np.testing.assert_array_equal(load_model(path).predict(x), m.predict(x))
    finally:
        plugins.unregister_plugin(name)
