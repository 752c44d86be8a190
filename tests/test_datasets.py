"""keras.datasets loaders on small files in Keras's on-disk formats, against Keras 2.2.4's own code.

Expected outputs come from compat_tests/fixtures/datasets/datasets_keras224.npz, written by running
Keras 2.2.4's loaders (make_datasets_fixture.py) on the inputs stored in the same file; this test
writes those inputs in Keras's formats into a temporary KERAS_HOME and runs torkeras's loaders.
"""
import gzip
import hashlib
import importlib.util
import json
import os
import pickle
import socket
import tarfile
import warnings

import numpy as np
import pytest

from torkeras import backend as K
from torkeras.datasets import (boston_housing, cifar, cifar10, cifar100, fashion_mnist, imdb, mnist,
                               reuters)
from torkeras.datasets._safe_load import load_npz
from torkeras.legacy import keras1
from torkeras.utils._get_file import DownloadError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE_DIR = os.path.join(ROOT, "compat_tests", "fixtures", "datasets")
GOLDEN = np.load(os.path.join(FIXTURE_DIR, "datasets_keras224.npz"))


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_datasets_fixture", os.path.join(FIXTURE_DIR, "make_datasets_fixture.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def _ragged(prefix):
    lengths, flat = GOLDEN[prefix + "/lengths"], GOLDEN[prefix + "/flat"]
    out, pos = [], 0
    for n in lengths:
        out.append([int(v) for v in flat[pos:pos + n]])
        pos += n
    return out


def _inputs():
    """The inputs as make_datasets_fixture.make_inputs returned them."""
    out = {}
    for key in GOLDEN.files:
        if not key.startswith("in_"):
            continue
        name = key[3:]
        if name.endswith(("/lengths", "/flat")):
            name = name.rsplit("/", 1)[0]
            out[name] = _ragged("in_" + name)
        elif name in ("cifar10_batches",):
            out[name] = list(GOLDEN[key])
        elif name in ("cifar10_labels",):
            out[name] = [list(map(int, row)) for row in GOLDEN[key]]
        elif name.endswith(("_fine", "_coarse", "_test_labels")):
            out[name] = list(map(int, GOLDEN[key]))
        else:
            out[name] = GOLDEN[key]
    return out


def _md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def _closed_port_url(name):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return "http://127.0.0.1:%d/%s" % (port, name)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A KERAS_HOME holding the fixture inputs in Keras's formats; returns its datasets folder."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    folder = tmp_path / "datasets"
    folder.mkdir()
    GEN.write_keras_files(_inputs(), str(folder))
    return folder


@pytest.fixture
def data_format():
    before = K.image_data_format()
    yield K.set_image_data_format
    K.set_image_data_format(before)


def _assert_same(case, outputs):
    for part, value in zip(("x_train", "y_train", "x_test", "y_test"), outputs):
        key = "%s/%s" % (case, part)
        if key + "/flat" in GOLDEN.files:
            assert value.dtype == object and value.ndim == 1, key
            assert [list(v) for v in value] == _ragged(key), key
        else:
            expected = GOLDEN[key]
            assert value.dtype == expected.dtype and value.shape == expected.shape, key
            np.testing.assert_array_equal(value, expected, err_msg=key)


def _run(case, fn, kwargs):
    np.random.seed(0)
    (x_train, y_train), (x_test, y_test) = fn(**kwargs)
    _assert_same(case, (x_train, y_train, x_test, y_test))
    # Keras seeds numpy's global RNG: the next draw must be the same
    assert np.random.rand() == GOLDEN[case + "/next_rand"]


def test_origins_and_hashes_are_keras_224():
    def meta(name, kind):
        return [str(v) for v in GOLDEN["meta/%s/%s" % (name, kind)]]
    assert meta("mnist", "urls") == [mnist.ORIGIN] and meta("mnist", "hashes") == [mnist.FILE_HASH]
    assert meta("fashion_mnist", "urls") == [fashion_mnist.BASE] and meta("fashion_mnist", "hashes") == []
    assert meta("cifar10", "urls") == [cifar10.ORIGIN] and meta("cifar100", "urls") == [cifar100.ORIGIN]
    assert meta("imdb", "urls") == [imdb.ORIGIN, imdb.WORD_INDEX_ORIGIN]
    assert meta("imdb", "hashes") == [imdb.FILE_HASH, imdb.WORD_INDEX_HASH]
    assert meta("reuters", "urls") == [reuters.ORIGIN, reuters.WORD_INDEX_ORIGIN]
    assert meta("reuters", "hashes") == [reuters.FILE_HASH, reuters.WORD_INDEX_HASH]
    assert meta("boston_housing", "urls") == [boston_housing.ORIGIN]
    assert meta("boston_housing", "hashes") == [boston_housing.FILE_HASH]


SEQUENCE_CASES = [(case, name, kwargs) for case, name, kwargs in GEN.CASES
                  if name in ("imdb", "reuters", "boston_housing") and "nb_words" not in kwargs]


@pytest.mark.parametrize("case,name,kwargs", SEQUENCE_CASES, ids=[c[0] for c in SEQUENCE_CASES])
def test_sequence_and_boston_loaders_match_keras(home, monkeypatch, case, name, kwargs):
    module = {"imdb": imdb, "reuters": reuters, "boston_housing": boston_housing}[name]
    # the cached file is found and its hash checked (the test's file has its own hash)
    monkeypatch.setattr(module, "FILE_HASH", _md5(str(home / (name + ".npz"))))
    monkeypatch.setattr(module, "ORIGIN", _closed_port_url(name + ".npz"))
    _run(case, module.load_data, kwargs)


def test_imdb_nb_words_through_keras1_table(home, monkeypatch):
    monkeypatch.setattr(imdb, "FILE_HASH", _md5(str(home / "imdb.npz")))
    monkeypatch.delenv("TORKERAS_STRICT", raising=False)
    keras1._reset_warnings_for_tests()
    case, _, kwargs = [c for c in GEN.CASES if c[0] == "imdb_nb_words"][0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _run(case, imdb.load_data, kwargs)
    assert any("num_words" in str(w.message) for w in caught)
    with pytest.raises(TypeError, match="num_words"):
        imdb.load_data(num_words=5, **kwargs)


def test_unknown_keyword_and_bad_values(home, monkeypatch):
    monkeypatch.setattr(imdb, "FILE_HASH", _md5(str(home / "imdb.npz")))
    with pytest.raises(TypeError, match="unrecognized keyword arguments: \\['num_word'\\]"):
        imdb.load_data(num_word=5)
    with pytest.raises(TypeError, match="reuters.load_data"):
        reuters.load_data(bogus=1)
    with pytest.raises(ValueError, match="no sequence was kept. Increase maxlen"):
        imdb.load_data(maxlen=2)
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=1.0)
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data(label_mode="medium")


def _tar_and_remove(folder, name):
    """Replace the extracted folder by Keras's cached archive ``<name>.tar.gz``."""
    with tarfile.open(str(folder / (name + ".tar.gz")), "w:gz") as tar:
        tar.add(str(folder / name), arcname=name)
    for f in os.listdir(str(folder / name)):
        os.remove(str(folder / name / f))
    os.rmdir(str(folder / name))


@pytest.mark.parametrize("case", ["cifar10_last", "cifar10_first"])
def test_cifar10_from_archive(home, data_format, case):
    data_format("channels_first" if case.endswith("first") else "channels_last")
    _tar_and_remove(home, "cifar-10-batches-py")
    _run(case, cifar10.load_data, {})
    assert sorted(os.listdir(str(home / "cifar-10-batches-py"))) == sorted(
        ["data_batch_%d" % i for i in range(1, 6)] + ["test_batch"])


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_from_extracted_folder(home, data_format, label_mode):
    data_format("channels_last")
    _run("cifar100_" + label_mode, cifar100.load_data, {"label_mode": label_mode})


def test_mnist_cached_hash_checked(home, monkeypatch, capsys):
    rng = np.random.RandomState(1)
    arrays = {"x_train": rng.randint(0, 256, (5, 28, 28)).astype(np.uint8),
              "y_train": rng.randint(0, 10, 5).astype(np.uint8),
              "x_test": rng.randint(0, 256, (2, 28, 28)).astype(np.uint8),
              "y_test": rng.randint(0, 10, 2).astype(np.uint8)}
    path = home / "mnist.npz"
    np.savez(str(path), **arrays)
    url = _closed_port_url("mnist.npz")
    monkeypatch.setattr(mnist, "ORIGIN", url)
    # with Keras's hash the test's file is "outdated": Keras's message, then an offline error that
    # names the file, its URL and where to put it
    with pytest.raises(DownloadError) as info:
        mnist.load_data()
    assert "will re-download the data" in capsys.readouterr().out
    msg = str(info.value)
    assert url in msg and str(path) in msg and "wrong md5 hash" in msg and mnist.FILE_HASH in msg
    assert path.exists()  # the cached file is not destroyed by a failed re-download
    monkeypatch.setattr(mnist, "FILE_HASH", _md5(str(path)))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
        assert got.dtype == arrays[key].dtype
        np.testing.assert_array_equal(got, arrays[key])


def _idx_gz(path, array):
    magic = 2049 if array.ndim == 1 else 2051
    header = np.array([magic] + list(array.shape), dtype=">u4").tobytes()
    with gzip.open(str(path), "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist_idx_files(home):
    rng = np.random.RandomState(2)
    folder = home / "fashion-mnist"
    folder.mkdir()
    want = {"train-labels-idx1-ubyte.gz": rng.randint(0, 10, 4), "train-images-idx3-ubyte.gz":
            rng.randint(0, 256, (4, 28, 28)), "t10k-labels-idx1-ubyte.gz": rng.randint(0, 10, 3),
            "t10k-images-idx3-ubyte.gz": rng.randint(0, 256, (3, 28, 28))}
    for name, array in want.items():
        _idx_gz(folder / name, array)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    for got, name in ((x_train, "train-images-idx3-ubyte.gz"), (y_train, "train-labels-idx1-ubyte.gz"),
                      (x_test, "t10k-images-idx3-ubyte.gz"), (y_test, "t10k-labels-idx1-ubyte.gz")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, want[name])
    _idx_gz(folder / "t10k-labels-idx1-ubyte.gz", rng.randint(0, 256, (3, 28, 28)))  # images as labels
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz.*magic number 2049"):
        fashion_mnist.load_data()


@pytest.mark.parametrize("module", [imdb, reuters], ids=["imdb", "reuters"])
def test_get_word_index(home, monkeypatch, module):
    index = {"the": 1, "and": 2, "caf\u00e9": 3}
    path = home / ("%s_word_index.json" % module.__name__.rsplit(".", 1)[1])
    path.write_text(json.dumps(index), encoding="utf8")
    monkeypatch.setattr(module, "WORD_INDEX_HASH", _md5(str(path)))
    assert module.get_word_index() == index


class _Evil(object):
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


@pytest.mark.parametrize("protocol", [2, 5])
def test_cifar_pickles_read_safely(tmp_path, protocol):
    data = np.arange(2 * 3072, dtype=np.uint8).reshape(2, 3072)
    good = tmp_path / "good"
    with open(str(good), "wb") as f:
        pickle.dump({b"data": data, b"labels": [3, 4], b"batch_label": b"x"}, f, protocol=protocol)
    x, labels = cifar.load_batch(str(good))
    np.testing.assert_array_equal(x, data.reshape(2, 3, 32, 32))
    assert labels == [3, 4]

    marker = str(tmp_path / "pwned")
    bad = tmp_path / "bad"
    with open(str(bad), "wb") as f:
        pickle.dump({b"data": data, b"labels": _Evil(marker)}, f, protocol=protocol)
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load global posix.mkdir"):
        cifar.load_batch(str(bad))
    assert not os.path.exists(marker)
    with open(str(bad), "wb") as f:
        pickle.dump({b"data": data, b"labels": (eval, ("1",))}, f, protocol=protocol)
    with pytest.raises(pickle.UnpicklingError, match=r"(__builtin__|builtins)\.eval"):
        cifar.load_batch(str(bad))


def test_npz_object_arrays_read_safely(tmp_path):
    marker = str(tmp_path / "pwned")
    seqs = np.empty(2, dtype=object)
    seqs[0], seqs[1] = [1, 2], _Evil(marker)
    path = str(tmp_path / "imdb.npz")
    np.savez(path, x_train=seqs, y_train=np.array([0, 1]))
    with pytest.raises(pickle.UnpicklingError, match="posix.mkdir"):
        load_npz(path)
    assert not os.path.exists(marker)
