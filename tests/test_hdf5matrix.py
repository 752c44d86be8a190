"""HDF5Matrix: Keras 2.2.4's array stand-in over an HDF5 dataset."""
import os

import h5py
import numpy as np
import pytest
import torch

import torkeras as keras
from torkeras.errors import HDF5FormatError
from torkeras.layers import Dense
from torkeras.models import Sequential
from torkeras.saving import hdf5_format
from torkeras.utils import HDF5Matrix
from torkeras.utils.io_utils import HDF5Matrix as HDF5MatrixFromModule


@pytest.fixture
def h5(tmp_path):
    rng = np.random.RandomState(0)
    x = rng.rand(20, 4).astype("float32")
    y = rng.rand(20, 2).astype("float32")
    path = str(tmp_path / "data.h5")
    with h5py.File(path, "w") as f:
        f["x"] = x
        f["y"] = y
        f.create_group("grp")["inner"] = np.zeros(3)
        f["scalar"] = 1.0
    yield path, x, y
    hdf5_format.close_read_handles()


def test_properties_and_window(h5):
    path, x, _ = h5
    m = HDF5Matrix(path, "x")
    assert HDF5Matrix is HDF5MatrixFromModule
    assert len(m) == 20 and m.shape == (20, 4) and m.ndim == 2 and m.size == 80
    assert m.dtype == np.float32
    w = HDF5Matrix(path, "x", start=5, end=15)
    assert len(w) == 10 and w.shape == (10, 4) and w.size == 40
    np.testing.assert_array_equal(w[:], x[5:15])
    np.testing.assert_array_equal(np.asarray(w), x[5:15])


def test_indexing_semantics(h5):
    path, x, _ = h5
    w = HDF5Matrix(path, "x", start=5, end=15)
    window = x[5:15]
    np.testing.assert_array_equal(w[0], window[0])
    np.testing.assert_array_equal(w[-1], window[-1])
    np.testing.assert_array_equal(w[np.int64(3)], window[3])
    np.testing.assert_array_equal(w[2:6], window[2:6])
    np.testing.assert_array_equal(w[:4], window[:4])
    np.testing.assert_array_equal(w[7:], window[7:])
    np.testing.assert_array_equal(w[::3], window[::3])
    np.testing.assert_array_equal(w[::-2], window[::-2])
    np.testing.assert_array_equal(w[-3:], window[-3:])
    np.testing.assert_array_equal(w[[1, 4, 5]], window[[1, 4, 5]])
    np.testing.assert_array_equal(w[np.array([7, 0, 7, 2])], window[[7, 0, 7, 2]])  # unsorted, repeated
    mask = np.arange(10) % 3 == 0
    np.testing.assert_array_equal(w[mask], window[mask])
    np.testing.assert_array_equal(w[2:5, 1], window[2:5, 1])
    np.testing.assert_array_equal(w[3, 1:3], window[3, 1:3])
    assert w[[]].shape == (0, 4)
    # out of the window: IndexError, as in Keras (a slice stop past the end included)
    for bad in (10, -11, slice(0, 11), [0, 10], np.array([12])):
        with pytest.raises(IndexError):
            w[bad]
    with pytest.raises(IndexError, match="1-D list/array of ints"):
        w[np.array([0.5])]


def test_normalizer(h5):
    path, x, _ = h5
    m = HDF5Matrix(path, "x", start=2, end=8, normalizer=lambda a: (a * 2).astype("float64")[:, :3])
    assert m.shape == (6, 3) and m.dtype == np.float64 and m.ndim == 2 and m.size == 18
    np.testing.assert_array_equal(m[1:3], (x[3:5] * 2).astype("float64")[:, :3])


def test_fit_with_shuffle_batch_matches_numpy(h5):
    path, x, y = h5

    def train(xs, ys):
        np.random.seed(3)
        torch.manual_seed(3)
        model = Sequential([Dense(3, input_shape=(4,), activation="relu"), Dense(2)])
        model.compile("sgd", "mse")
        hist = model.fit(xs, ys, batch_size=6, epochs=2, shuffle="batch", verbose=0)
        return model, hist.history["loss"]

    m_h5, loss_h5 = train(HDF5Matrix(path, "x"), HDF5Matrix(path, "y"))
    m_np, loss_np = train(x, y)
    assert loss_h5 == loss_np
    for a, b in zip(m_h5.get_weights(), m_np.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(m_h5.predict(HDF5Matrix(path, "x", start=4, end=9)),
                                  m_np.predict(x[4:9]))


def test_handles_cached_and_reopened_on_change(h5, tmp_path):
    path, x, _ = h5
    a = HDF5Matrix(path, "x")
    b = HDF5Matrix(path, "y")
    assert a.data._dataset.file.id == b.data._dataset.file.id  # one read-only handle per file
    assert a.data._dataset.file.mode == "r"
    hdf5_format.close_read_handles()
    other = str(tmp_path / "other.h5")
    with h5py.File(other, "w") as f:
        f["x"] = np.ones((3, 4), dtype="float32")
    first = HDF5Matrix(other, "x")
    np.testing.assert_array_equal(first[:], np.ones((3, 4)))
    with h5py.File(other + ".tmp", "w") as f:
        f["x"] = np.full((5, 4), 7, dtype="float32")
    os.replace(other + ".tmp", other)
    second = HDF5Matrix(other, "x")
    assert second.shape == (5, 4)
    np.testing.assert_array_equal(second[:], np.full((5, 4), 7))


def test_bad_arguments(h5, tmp_path):
    path, _, _ = h5
    with pytest.raises(FileNotFoundError, match="no HDF5 file"):
        HDF5Matrix(str(tmp_path / "missing.h5"), "x")
    not_h5 = tmp_path / "text.h5"
    not_h5.write_text("hello")
    with pytest.raises(HDF5FormatError, match="not a readable HDF5 file"):
        HDF5Matrix(str(not_h5), "x")
    with pytest.raises(KeyError, match="no dataset 'nope'.*'grp', 'scalar', 'x', 'y'"):
        HDF5Matrix(path, "nope")
    with pytest.raises(HDF5FormatError, match="is a group"):
        HDF5Matrix(path, "grp")
    with pytest.raises(ValueError, match="scalar"):
        HDF5Matrix(path, "scalar")
    with pytest.raises(ValueError, match="end"):
        HDF5Matrix(path, "x", end=21)
    with pytest.raises(ValueError, match="end"):
        HDF5Matrix(path, "x", start=10, end=5)
    with pytest.raises(ValueError, match="start"):
        HDF5Matrix(path, "x", start=-1)
    with pytest.raises(TypeError, match="normalizer"):
        HDF5Matrix(path, "x", normalizer="scale")
    assert keras.utils.HDF5Matrix is HDF5Matrix
