"""TensorBoard callback: scalars and weight histograms through torch.utils.tensorboard.

Most tests replace the SummaryWriter with a recorder (tensorboard is optional); the last one reads
real event files back when the ``tensorboard`` package is installed.
"""
import importlib.util
import warnings

import numpy as np
import pytest

from torkeras import callbacks as C
from torkeras.layers import Dense
from torkeras.models import Sequential


class Recorder(object):
    def __init__(self):
        self.scalars, self.histograms, self.closed = [], [], False

    def add_scalar(self, tag, value, step):
        self.scalars.append((tag, value, step))

    def add_histogram(self, tag, values, step):
        self.histograms.append((tag, np.array(values, copy=True), step))

    def flush(self):
        pass

    def close(self):
        self.closed = True


@pytest.fixture
def recorder(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: object() if name == "tensorboard" else real_find_spec(name, *a))
    rec = Recorder()
    monkeypatch.setattr(C, "_make_summary_writer", lambda log_dir: rec)
    return rec


def _model():
    model = Sequential([Dense(3, input_dim=4, activation="relu"), Dense(1)])
    model.compile("sgd", "mse")
    return model


def _data(n=16):
    rng = np.random.RandomState(0)
    return rng.rand(n, 4).astype("float32"), rng.rand(n, 1).astype("float32")


class Snapshot(C.Callback):
    def __init__(self):
        super(Snapshot, self).__init__()
        self.weights = {}

    def on_epoch_end(self, epoch, logs=None):
        self.weights[epoch] = [(n, w) for l in self.model.layers
                               for n, w in zip(l.weight_names(), l.get_weights())]


def test_histograms_of_every_weight_every_n_epochs(recorder, tmp_path):
    model = _model()
    x, y = _data()
    snap = Snapshot()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tb = C.TensorBoard(str(tmp_path), histogram_freq=2, write_graph=False)
    model.fit(x, y, epochs=3, batch_size=8, validation_data=(x, y), verbose=0,
              callbacks=[snap, tb])
    names = [n for n, _ in snap.weights[0]]
    assert len(names) == 4 and all(":" in n for n in names)
    expected = [(n.replace(":", "_"), w, e) for e in (0, 2) for n, w in snap.weights[e]]
    got = recorder.histograms
    assert [(t, s) for t, _, s in got] == [(t, s) for t, _, s in expected]
    assert got[0][0] == names[0].replace(":", "_") and got[0][0].endswith("/kernel_0")
    for (_, value, _), (_, want, _) in zip(got, expected):
        np.testing.assert_array_equal(value, want)
    assert not np.array_equal(got[0][1], got[4][1])   # weights moved between epochs 0 and 2
    assert sorted((s, t) for t, _, s in recorder.scalars) == [
        (e, k) for e in range(3) for k in ("loss", "val_loss")]
    assert recorder.closed


def test_histograms_need_validation_data(recorder, tmp_path):
    model = _model()
    x, y = _data()
    tb = C.TensorBoard(str(tmp_path), histogram_freq=1, write_graph=False)
    with pytest.raises(ValueError, match="validation_data must be provided"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[tb])


def test_arguments_checked_up_front(recorder, tmp_path):
    for bad in (-1, 1.5, True, "1"):
        with pytest.raises(ValueError, match="histogram_freq"):
            C.TensorBoard(str(tmp_path), histogram_freq=bad, write_graph=False)
    with pytest.raises(ValueError, match="write_grads"):
        C.TensorBoard(str(tmp_path), histogram_freq=1, write_grads=True, write_graph=False)
    with pytest.raises(ValueError, match="embeddings_freq"):
        C.TensorBoard(str(tmp_path), embeddings_freq=1, write_graph=False)
    # Keras ignores write_grads when no histograms are asked for.
    assert C.TensorBoard(str(tmp_path), write_grads=True, write_graph=False).write_grads


def test_write_graph_default_warns_and_is_recorded_off(recorder, tmp_path):
    with pytest.warns(UserWarning, match="no graph"):
        tb = C.TensorBoard(str(tmp_path))
    assert tb.write_graph is False


def test_update_freq_batch_writes_per_batch(recorder, tmp_path):
    model = _model()
    x, y = _data()
    tb = C.TensorBoard(str(tmp_path), update_freq="batch", write_graph=False)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[tb])
    # two batches of 8 samples, then the epoch line at the number of samples seen
    assert [(t, s) for t, _, s in recorder.scalars] == [("loss", 8), ("loss", 16), ("loss", 16)]


def test_missing_tensorboard_is_an_import_error(monkeypatch, tmp_path):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorboard" else real_find_spec(name, *a))
    with pytest.raises(ImportError, match="pip install tensorboard"):
        C.TensorBoard(str(tmp_path), write_graph=False)


def test_real_event_files(tmp_path):
    """With the tensorboard package: the event files hold the scalars and histograms."""
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    model = _model()
    x, y = _data()
    tb = C.TensorBoard(str(tmp_path), histogram_freq=1, write_graph=False)
    hist = model.fit(x, y, epochs=2, batch_size=8, validation_data=(x, y), verbose=0, callbacks=[tb])
    acc = EventAccumulator(str(tmp_path), size_guidance={"histograms": 0, "scalars": 0})
    acc.Reload()
    tags = acc.Tags()
    assert {"loss", "val_loss"} <= set(tags["scalars"])
    assert [e.step for e in acc.Scalars("loss")] == [0, 1]
    np.testing.assert_allclose([e.value for e in acc.Scalars("loss")], hist.history["loss"], rtol=1e-6)
    kernel_tags = [t for t in tags["histograms"] if t.endswith("/kernel_0")]
    assert len(kernel_tags) == 2
    assert [e.step for e in acc.Histograms(kernel_tags[0])] == [0, 1]
