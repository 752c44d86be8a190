"""The Keras tutorial runs unchanged: Keras 1 spelling via `python -m torkeras run`, Keras 2 spelling
with `import torkeras as keras`, on small local digit files the test writes itself."""
import gzip
import os
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")


def _write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture(scope="module")
def digits_dir(tmp_path_factory):
    """500 synthetic 28x28 'digits': class k lights up a block whose position depends on k."""
    d = tmp_path_factory.mktemp("mnist")
    rng = np.random.RandomState(0)
    labels = rng.randint(0, 10, 500)
    images = (rng.rand(500, 28, 28) * 60).astype(np.uint8)
    for i, k in enumerate(labels):
        r, c = divmod(int(k), 5)
        images[i, 4 + 10 * r:12 + 10 * r, 2 + 5 * c:6 + 5 * c] = 255
    _write_idx(str(d / "t10k-images-idx3-ubyte.gz"), images)
    _write_idx(str(d / "t10k-labels-idx1-ubyte.gz"), labels)
    return str(d)


def _run(args, digits_dir, tmp_path, epochs="10"):
    env = dict(os.environ)
    env.update({"TORKERAS_MNIST_DIR": digits_dir, "TUTORIAL_EPOCHS": epochs,
                "KERAS_HOME": str(tmp_path / "no_keras_home"),
                "PYTHONPATH": os.pathsep.join([ROOT, EXAMPLES, env.get("PYTHONPATH", "")])})
    proc = subprocess.run([sys.executable] + args, cwd=str(tmp_path), env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout, proc.stderr


def test_keras1_tutorial_runs_unchanged(digits_dir, tmp_path):
    out, err = _run(["-m", "torkeras", "run", os.path.join(EXAMPLES, "tutorial.py")], digits_dir,
                    tmp_path)
    assert "Data: MNIST IDX files from" in out
    assert out.count("Epoch ") == 10
    # Keras 2.2.4 verbose=1 final line when stdout is not a TTY: one line per epoch
    assert re.search(r"400/400 \[==============================\] - \d+s \d+us/step - loss: "
                     r"\d\.\d{4} - acc: \d\.\d{4}", out), out
    loss = float(re.search(r"Total loss on Testing Set: ([0-9.e-]+)", out).group(1))
    acc = float(re.search(r"Accuracy of Testing Set: ([0-9.e-]+)", out).group(1))
    assert 0 < loss < 2.3 and acc > 0.8, out
    assert "Reloaded model predicts the same: True" in out
    # Keras-1 spellings warn with the Keras-2 call to write instead
    assert "Update your `Dense` call to the Keras 2 API" in err
    assert "Update your `fit` call to the Keras 2 API: `fit(epochs=10)`" in err
    assert not os.path.exists(tmp_path / "my_model.h5")


def test_keras2_tutorial_runs(digits_dir, tmp_path):
    out, err = _run([os.path.join(EXAMPLES, "tutorial_keras2.py")], digits_dir, tmp_path)
    assert "Total params: 648,010" in out
    assert "Train on 360 samples, validate on 40 samples" in out
    assert re.search(r" - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - "
                     r"val_acc: \d\.\d{4}", out), out
    assert "History keys: ['acc', 'loss', 'val_acc', 'val_loss']" in out
    acc = float(re.search(r"Test accuracy: ([0-9.]+)", out).group(1))
    assert acc > 0.8
    assert "Reloaded model predicts the same: True" in out
    assert "Keras 2 API" not in err


def test_first_variant_mse_sgd(digits_dir, tmp_path):
    script = tmp_path / "variant.py"
    script.write_text(
        "import numpy as np\n"
        "from tutorial_data import load_data\n"
        "from keras.models import Sequential, load_model\n"
        "from keras.layers.core import Dense, Activation\n"
        "from keras.optimizers import SGD, Adam\n"
        "from keras.utils import np_utils\n"
        "(x, labels), (xt, lt), _ = load_data()\n"
        "x = x.reshape(len(x), 784).astype('float32') / 255\n"
        "xt = xt.reshape(len(xt), 784).astype('float32') / 255\n"
        "y = np_utils.to_categorical(labels, 10)\n"
        "yt = np_utils.to_categorical(lt, 10)\n"
        "model = Sequential()\n"
        "model.add(Dense(input_dim=28*28, output_dim=500))\n"
        "model.add(Activation('sigmoid'))\n"
        "model.add(Dense(output_dim=500))\n"
        "model.add(Activation('sigmoid'))\n"
        "model.add(Dense(output_dim=10))\n"
        "model.add(Activation('softmax'))\n"
        "model.compile(loss='mse', optimizer=SGD(lr=0.1), metrics=['accuracy'])\n"
        "h = model.fit(x, y, batch_size=100, nb_epoch=2, verbose=0)\n"
        "score = model.evaluate(xt, yt, verbose=0)\n"
        "print('score', score)\n"
        "assert h.history['loss'][1] < h.history['loss'][0]\n"
        "model.save('v.h5'); del model; model = load_model('v.h5')\n"
        "assert abs(model.optimizer.get_config()['lr'] - 0.1) < 1e-7\n"
        "print('reloaded score', model.evaluate(xt, yt, verbose=0))\n")
    out, _ = _run(["-m", "torkeras", "run", str(script)], digits_dir, tmp_path)
    s1 = re.search(r"^score \[(.*)\]$", out, re.M).group(1)
    s2 = re.search(r"^reloaded score \[(.*)\]$", out, re.M).group(1)
    assert s1 == s2


@pytest.fixture
def tutorial_data(monkeypatch):
    monkeypatch.syspath_prepend(EXAMPLES)
    import tutorial_data as module
    return module


def test_data_from_keras_cache_first(tutorial_data, tmp_path, monkeypatch):
    cache = tmp_path / "datasets"
    cache.mkdir()
    rng = np.random.RandomState(0)
    np.savez(str(cache / "mnist.npz"), x_train=rng.randint(0, 255, (6, 28, 28)),
             y_train=np.arange(6), x_test=rng.randint(0, 255, (2, 28, 28)), y_test=np.arange(2))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (x, y), (xt, yt), source = tutorial_data.load_data()
    assert source.startswith("MNIST from") and x.shape == (6, 28, 28) and yt.shape == (2,)


def test_data_falls_back_to_scikit_learn_digits(tutorial_data, tmp_path, monkeypatch):
    pytest.importorskip("sklearn", reason="scikit-learn is in the dev extra")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(tutorial_data, "_idx_dir", lambda: None)
    (x, y), (xt, yt), source = tutorial_data.load_data()
    assert "scikit-learn" in source
    assert x.shape == (1500, 28, 28) and xt.shape == (297, 28, 28)
    assert set(np.unique(y)) == set(range(10)) and x.dtype == np.uint8
