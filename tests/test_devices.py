"""Device switching: explicit, never a silent fallback. CUDA tests skip without a GPU."""
import numpy as np
import pytest
import torch

import torkeras as keras
from torkeras import backend as K
import importlib

device_mod = importlib.import_module("torkeras.backend.device")
from torkeras.errors import DeviceError
from torkeras.layers import Dense
from torkeras.models import Sequential

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")


@pytest.fixture(autouse=True)
def reset_device(monkeypatch):
    device_mod._reset_for_tests()
    yield
    device_mod._reset_for_tests()


def test_cpu_explicit():
    assert K.set_device("cpu") == torch.device("cpu")
    assert K.get_device() == torch.device("cpu")


def test_auto_resolves_to_available(monkeypatch):
    monkeypatch.delenv("TORKERAS_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert K.get_device().type == expected
    assert K.set_device("auto").type == expected


def test_env_var(monkeypatch):
    monkeypatch.setenv("TORKERAS_DEVICE", "cpu")
    assert K.get_device() == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error raised without CUDA")
def test_cuda_request_without_gpu_raises(monkeypatch):
    with pytest.raises(DeviceError, match="CUDA is not available"):
        K.set_device("cuda")
    with pytest.raises(DeviceError):
        with K.device("cuda:0"):
            pass
    monkeypatch.setenv("TORKERAS_DEVICE", "cuda")
    with pytest.raises(DeviceError, match="TORKERAS_DEVICE"):
        K.get_device()


def test_bad_device_strings():
    for bad in ("", "tpu", "cuda:x", 3):
        with pytest.raises(DeviceError):
            K.set_device(bad)


def test_context_manager_nests():
    K.set_device("cpu")
    with K.device("cpu") as d:
        assert d == torch.device("cpu")
        assert K.get_device() == torch.device("cpu")


def test_layers_built_on_current_device_and_inputs_follow_model():
    K.set_device("cpu")
    model = Sequential([Dense(3, input_shape=(4,))])
    assert all(p.device.type == "cpu" for p in model.parameters())
    model.compile("sgd", "mse")
    model.fit(np.zeros((8, 4)), np.zeros((8, 3)), verbose=0)


@needs_cuda
def test_cuda_training_and_model_to():
    K.set_device("cuda")
    model = Sequential([Dense(8, input_shape=(4,), activation="relu"), Dense(2, activation="softmax")])
    assert all(p.device.type == "cuda" for p in model.parameters())
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    x = np.random.rand(64, 4).astype("float32")
    y = keras.utils.to_categorical(np.random.randint(0, 2, 64), 2)
    h = model.fit(x, y, epochs=2, verbose=0)
    assert np.isfinite(h.history["loss"]).all()
    model.to("cpu")
    assert model.predict(x).shape == (64, 2)
    assert all(p.device.type == "cpu" for p in model.parameters())
    model.fit(x, y, epochs=1, verbose=0)


@needs_cuda
def test_cuda_matches_cpu_predictions():
    K.set_device("cpu")
    model = Sequential([Dense(8, input_shape=(4,), activation="tanh"), Dense(2)])
    x = np.random.rand(16, 4).astype("float32")
    ref = model.predict(x)
    model.to("cuda")
    np.testing.assert_allclose(model.predict(x), ref, rtol=1e-5, atol=1e-6)


def _run_with_env(**env_vars):
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = ("import numpy as np, torch, torkeras as keras\n"
            "m = keras.models.Sequential([keras.layers.Dense(2, input_shape=(3,))])\n"
            "m.predict(np.zeros((1, 3)))\n"
            "print(torch.get_num_threads())\n")
    env = dict(os.environ, PYTHONPATH=root, **env_vars)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120)


def test_num_threads_env_var_applies_when_a_model_runs():
    proc = _run_with_env(TORKERAS_NUM_THREADS="1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


def test_num_threads_env_var_rejects_bad_values():
    proc = _run_with_env(TORKERAS_NUM_THREADS="many")
    assert proc.returncode != 0
    assert "TORKERAS_NUM_THREADS must be a positive integer" in proc.stderr


def test_set_num_threads_validates():
    with pytest.raises(ValueError, match="positive integer"):
        K.set_num_threads(0)
