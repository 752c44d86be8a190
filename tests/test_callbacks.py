"""Callbacks against Keras 2.2.4's own behaviour, with fake models.

Golden records in compat_tests/fixtures/keras224_console_golden.json come from running Keras
2.2.4's callback classes (taken from its source) through the scenarios of
compat_tests/fixtures/make_summary_fixture.py; torkeras runs the same scenarios here.
"""
import importlib.util
import json
import os
import pathlib
import pickle
import sys
import types
import warnings

import numpy as np
import pytest
import torch

from torkeras import callbacks as C
from torkeras.utils import _progbar

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location(
    "keras224_scenarios_cb", os.path.join(ROOT, "compat_tests", "fixtures", "make_summary_fixture.py"))
fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fx)

with open(fx.GOLDEN) as _f:
    GOLDEN = json.load(_f)

CLASSES = {name: getattr(C, name) for name in dir(C) if isinstance(getattr(C, name), type)}


@pytest.fixture
def clock(monkeypatch):
    c = fx.FakeClock()
    monkeypatch.setattr(_progbar, "_clock", c.time)
    return c


def _lr(v):
    return torch.tensor(v, dtype=torch.float32)


# ------------------------------------------------------------------ fit loop: logger trio
@pytest.mark.parametrize("case", fx.FIT_CASES, ids=[c["name"] for c in fx.FIT_CASES])
def test_fit_tty_matches_keras(case, clock):
    ours = fx.run_fit(CLASSES, case, clock, tty=True)
    assert ours == GOLDEN["fit"][case["name"]]["tty"]


@pytest.mark.parametrize("case", fx.FIT_CASES, ids=[c["name"] for c in fx.FIT_CASES])
def test_fit_not_tty_one_line_per_epoch(case, clock):
    keras = GOLDEN["fit"][case["name"]]["not_tty"]
    ours = fx.run_fit(CLASSES, case, clock, tty=False)
    expected = "".join(line.rstrip(" ") + "\n" for line in keras["stdout"].split("\n")
                       if line and " - ETA: " not in line)
    assert ours["stdout"] == expected
    assert ours["history"] == keras["history"]
    assert ours["last_logs"] == keras["last_logs"]


@pytest.mark.parametrize("case", fx.FIT_CASES, ids=[c["name"] for c in fx.FIT_CASES])
def test_fit_with_tensor_logs(case, clock):
    keras = GOLDEN["fit"][case["name"]]["tty"]
    ours = fx.run_fit(CLASSES, case, clock, tty=True,
                      convert=lambda v: torch.tensor(v, dtype=torch.float64))
    assert ours["stdout"] == keras["stdout"]
    for k, v in keras["history"].items():
        assert ours["history"][k] == pytest.approx(v, rel=1e-12)
        assert all(type(x) is float for x in ours["history"][k])


def test_fit_stopped_mid_epoch_ends_the_line(clock, monkeypatch):
    stream = fx.FakeStdout(False)
    monkeypatch.setattr(sys, "stdout", stream)
    model = fx.FakeModel(None)
    cbs = C.CallbackList([C.BaseLogger(), C.ProgbarLogger(), C.TerminateOnNaN(), C.History()])
    cbs.set_model(model)
    cbs.set_params({"verbose": 1, "epochs": 3, "samples": 100, "steps": None, "metrics": ["loss"]})
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for b, loss in enumerate([0.5, float("nan")]):
        logs = {"batch": b, "size": 10}
        cbs.on_batch_begin(b, logs)
        logs["loss"] = torch.tensor(loss)
        cbs.on_batch_end(b, logs)
    assert model.stop_training
    cbs.on_epoch_end(0, {})
    assert stream.getvalue() == ("Epoch 1/3\nBatch 1: Invalid loss, terminating training\n"
                                 " 20/100 [=====>........................] - ETA: 0s - loss: nan\n")


# ------------------------------------------------------------------ monitoring callbacks
@pytest.mark.parametrize("case", fx.MONITOR_CASES, ids=[c["name"] for c in fx.MONITOR_CASES])
def test_monitor_callbacks_match_keras(case):
    ours = fx.run_monitor(CLASSES, case, _lr, float)
    assert ours == GOLDEN["monitor"][case["name"]]


@pytest.mark.parametrize("case", [c for c in fx.MONITOR_CASES if c["cls"] != "LearningRateScheduler"],
                         ids=[c["name"] for c in fx.MONITOR_CASES if c["cls"] != "LearningRateScheduler"])
def test_monitor_callbacks_accept_tensor_logs(case):
    ours = fx.run_monitor(CLASSES, case, _lr, float, convert=lambda v: torch.tensor(v, dtype=torch.float64))
    assert ours == GOLDEN["monitor"][case["name"]]


def test_logged_lr_is_numpy_float32_like_keras():
    model = fx.FakeModel(_lr(0.01))
    cb = C.ReduceLROnPlateau()
    cb.set_model(model)
    logs = {"val_loss": 1.0}
    cb.on_epoch_end(0, logs)
    assert type(logs["lr"]) is np.float32 and str(logs["lr"]) == "0.01"


def test_early_stopping_restore_without_improvement_does_not_crash(capsys):
    # Keras 2.2.4 called set_weights(None) here; we keep the current weights.
    model = fx.FakeModel(None)
    cb = C.EarlyStopping(monitor="loss", baseline=0.1, patience=1, restore_best_weights=True, verbose=1)
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 0.5})
    assert model.stop_training and model.events == []


def test_early_stopping_reusable_across_fits():
    model = fx.FakeModel(None)
    cb = C.EarlyStopping(monitor="val_loss", patience=1)
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"val_loss": 0.1})
    cb.on_epoch_end(1, {"val_loss": 0.2})
    assert model.stop_training
    model.stop_training = False
    cb.on_train_begin()
    assert cb.best == np.inf and cb.wait == 0


def test_reduce_lr_on_plateau_arguments():
    with pytest.raises(ValueError, match="factor >= 1.0"):
        C.ReduceLROnPlateau(factor=1.0)
    with pytest.raises(TypeError, match="bogus"):
        C.ReduceLROnPlateau(bogus=1)
    with pytest.warns(UserWarning, match="min_delta"):
        cb = C.ReduceLROnPlateau(epsilon=0.5)
    assert cb.min_delta == 0.5
    with pytest.warns(RuntimeWarning, match="mode sideways is unknown"):
        cb = C.ReduceLROnPlateau(mode="sideways")
    assert cb.mode == "auto"


def test_reduce_lr_updates_real_tensor_in_place():
    lr = _lr(0.1)
    model = fx.FakeModel(lr)
    cb = C.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5)
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0})
    cb.on_epoch_end(1, {"loss": 1.0})
    assert model.optimizer.lr is lr
    assert float(lr) == pytest.approx(0.05)
    assert lr.dtype == torch.float32 and lr.dim() == 0


def test_learning_rate_scheduler_validation():
    with pytest.raises(TypeError, match="schedule"):
        C.LearningRateScheduler(0.1)
    model = fx.FakeModel(_lr(0.1))
    for bad in (lambda epoch: 1, lambda epoch: "0.1", lambda epoch, lr: None):
        cb = C.LearningRateScheduler(bad)
        cb.set_model(model)
        with pytest.raises(ValueError, match="should be float"):
            cb.on_epoch_begin(0)
    cb = C.LearningRateScheduler(lambda epoch, lr: torch.tensor(0.25))
    cb.set_model(model)
    cb.on_epoch_begin(0)
    assert float(model.optimizer.lr) == 0.25
    cb = C.LearningRateScheduler(lambda epoch, lr=None: np.float32(0.5))
    cb.set_model(model)
    cb.on_epoch_begin(0)
    assert float(model.optimizer.lr) == 0.5
    no_lr = fx.FakeModel(None)
    del no_lr.optimizer.lr
    cb.set_model(no_lr)
    with pytest.raises(ValueError, match='"lr" attribute'):
        cb.on_epoch_begin(0)


def test_learning_rate_scheduler_type_error_inside_schedule_propagates():
    def schedule(epoch, lr):
        raise TypeError("bug in my schedule")

    cb = C.LearningRateScheduler(schedule)
    cb.set_model(fx.FakeModel(_lr(0.1)))
    with pytest.raises(TypeError, match="bug in my schedule"):
        cb.on_epoch_begin(0)


def test_model_checkpoint_arguments(tmp_path):
    with pytest.warns(RuntimeWarning, match="ModelCheckpoint mode up is unknown"):
        cb = C.ModelCheckpoint("x.h5", mode="up")
    assert cb.monitor_op is np.less
    cb = C.ModelCheckpoint(pathlib.Path(tmp_path) / "m-{epoch:03d}.h5", monitor="acc", mode="auto")
    assert cb.monitor_op is np.greater
    model = fx.FakeModel(None)
    cb.set_model(model)
    cb.on_epoch_end(4, {"acc": torch.tensor(0.5)})
    assert model.events == [["save", str(tmp_path / "m-005.h5"), True]]
    with pytest.raises(TypeError, match="filepath"):
        C.ModelCheckpoint(None)


# ------------------------------------------------------------------ CSVLogger
@pytest.mark.parametrize("case", fx.CSV_CASES, ids=[c["name"] for c in fx.CSV_CASES])
def test_csv_logger_matches_keras(case, tmp_path):
    assert fx.run_csv(CLASSES, case, str(tmp_path)) == GOLDEN["csv"][case["name"]]["once"]
    appended = fx.run_csv(CLASSES, dict(case, name=case["name"] + "_a"), str(tmp_path), 2)
    assert appended == GOLDEN["csv"][case["name"]]["appended"]


def test_csv_logger_flushes_each_epoch_and_keeps_handle(tmp_path):
    path = tmp_path / "log.csv"
    cb = C.CSVLogger(str(path))
    cb.set_model(fx.FakeModel(None))
    cb.on_train_begin()
    handle = cb.csv_file
    cb.on_epoch_end(0, {"loss": torch.tensor(0.5), "acc": np.float32(0.25)})
    assert path.read_bytes() == b"epoch,acc,loss\r\n0,0.25,0.5\r\n"
    cb.on_epoch_end(1, {"loss": 0.125, "acc": 0.5})
    assert cb.csv_file is handle and not handle.closed
    assert path.read_bytes().endswith(b"1,0.5,0.125\r\n")
    cb.on_train_end()
    assert handle.closed
    with pytest.raises(TypeError, match="separator"):
        C.CSVLogger(str(path), separator="::")


# ------------------------------------------------------------------ TerminateOnNaN
def test_terminate_on_nan_matches_keras():
    assert fx.run_terminate_on_nan(CLASSES) == GOLDEN["terminate_on_nan"]


def test_terminate_on_nan_tensor_and_missing_loss(capsys):
    model = fx.FakeModel(None)
    cb = C.TerminateOnNaN()
    cb.set_model(model)
    cb.on_batch_end(0, {"size": 3})
    cb.on_batch_end(1, {"loss": torch.tensor(1.0)})
    assert not model.stop_training
    cb.on_batch_end(7, {"loss": torch.tensor(float("-inf"))})
    assert model.stop_training
    assert capsys.readouterr().out == "Batch 7: Invalid loss, terminating training\n"


# ------------------------------------------------------------------ History
def test_history_accuracy_aliases():
    h = C.History()
    h.on_train_begin()
    h.on_epoch_end(0, {"loss": 0.5, "acc": 0.7, "val_loss": 0.6, "val_acc": 0.65, "out_1_acc": 0.1})
    h.on_epoch_end(1, {"loss": 0.4, "acc": torch.tensor(0.75), "val_loss": 0.5, "val_acc": 0.7,
                       "out_1_acc": 0.2})
    hist = h.history
    assert hist["accuracy"] is hist["acc"] and hist["acc"] == [0.7, 0.75]
    assert hist["val_accuracy"] is hist["val_acc"]
    assert hist["out_1_accuracy"] == [0.1, 0.2]
    assert "accuracy" in hist and "val_accuracy" in hist and "acc" in hist
    assert "val_accuracyy" not in hist and "top_k" not in hist
    assert hist.get("accuracy") == [0.7, 0.75] and hist.get("nope", 3) == 3
    assert sorted(hist) == ["acc", "loss", "out_1_acc", "val_acc", "val_loss"]
    assert len(hist) == 5 and "accuracy" not in list(hist.keys())
    with pytest.raises(KeyError):
        hist["val_nope"]
    assert json.loads(json.dumps(hist)) == dict(hist)
    assert hist.setdefault("accuracy", []) is hist["acc"]
    h.on_epoch_end(2, {"accuracy": 0.9})  # a loop logging the new spelling stores it as given
    assert dict.__getitem__(hist, "accuracy") == [0.9] and hist["acc"] == [0.7, 0.75]
    again = pickle.loads(pickle.dumps(hist))
    assert type(again) is C.HistoryDict and again["val_accuracy"] == [0.65, 0.7]
    assert h.epoch == [0, 1, 2]


def test_history_accuracy_first_spelling():
    hist = C.HistoryDict(accuracy=[1.0], val_accuracy=[2.0])
    assert hist["acc"] == [1.0] and hist["val_acc"] == [2.0] and "val_acc" in hist


# ------------------------------------------------------------------ BaseLogger
def test_base_logger_accumulates_tensors_without_reading_them():
    logger = C.BaseLogger(stateful_metrics=["auc"])
    logger.set_params({"metrics": ["loss", "auc", "val_loss"]})
    logger.on_epoch_begin(0)
    # Non-scalar (i.e. not read) tensors stand for accelerator tensors here.
    logger.on_batch_end(0, {"batch": 0, "size": 2, "loss": torch.tensor([0.5]).expand(1), "auc": 0.1})
    logger.on_batch_end(1, {"batch": 1, "size": 3, "loss": torch.tensor(1.0), "auc": torch.tensor(0.3)})
    assert "batch" not in logger.totals and "size" not in logger.totals
    logs = {"val_loss": 0.25}
    logger.on_epoch_end(0, logs)
    assert logs == {"val_loss": 0.25, "loss": pytest.approx((0.5 * 2 + 3) / 5), "auc": pytest.approx(0.3)}
    assert all(type(v) is float for v in logs.values())


# ------------------------------------------------------------------ CallbackList
def test_callback_list_skips_base_noops_and_dispatches_in_order():
    calls = []

    class Counting(C.Callback):
        def on_batch_end(self, batch, logs=None):
            calls.append(("end", batch))

    lam = C.LambdaCallback(on_batch_begin=lambda b, logs: calls.append(("lam", b)),
                           on_epoch_end=lambda e, logs: calls.append(("epoch", e)), extra=5)
    plain = C.Callback()
    cbs = C.CallbackList([plain, Counting()])
    cbs.append(lam)
    fns = cbs._active_batch_fns()
    assert len(fns["on_batch_begin"]) == 1 and len(fns["on_batch_end"]) == 1
    assert lam.extra == 5 and lam.on_train_begin.__func__ is C.Callback.on_train_begin
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_batch_begin(0)
    cbs.on_batch_end(0)
    cbs.on_epoch_end(0)
    cbs.on_train_end()
    assert calls == [("lam", 0), ("end", 0), ("epoch", 0)]
    assert list(cbs) == cbs.callbacks


def test_callback_list_empty_batch_dispatch_is_noop():
    cbs = C.CallbackList([C.History(), C.Callback()])
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for b in range(3):
        cbs.on_batch_begin(b, {"batch": b, "size": 1})
        cbs.on_batch_end(b, {"batch": b, "size": 1})
    assert cbs._delta_ts_batch_end == deque_empty()


def deque_empty():
    from collections import deque
    return deque([], maxlen=10)


def test_callback_list_epoch_logs_are_shared_with_caller():
    cbs = C.CallbackList([C.BaseLogger()])
    cbs.set_params({"metrics": ["loss"]})
    cbs.on_epoch_begin(0)
    cbs.on_batch_end(0, {"batch": 0, "size": 4, "loss": 2.0})
    logs = {}
    cbs.on_epoch_end(0, logs)
    assert logs == {"loss": 2.0}


def test_callback_list_warns_on_slow_callbacks(monkeypatch):
    # batch entered at 0.0, update done at 0.05, callbacks done at 0.3: slower than the batch.
    ticks = iter([0.0, 0.05, 0.3])
    monkeypatch.setattr(C, "time", types.SimpleNamespace(perf_counter=lambda: next(ticks)))
    slow = C.LambdaCallback(on_batch_end=lambda b, logs: None)
    cbs = C.CallbackList([slow])
    cbs.on_epoch_begin(0)
    with pytest.warns(UserWarning, match=r"on_batch_end\(\) is slow"):
        cbs.on_batch_begin(0)
        cbs.on_batch_end(0)


def test_callback_list_rejects_objects_without_batch_methods():
    with pytest.raises(TypeError, match="on_batch_begin"):
        C.CallbackList([object()]).on_batch_begin(0)


def test_lambda_callback_rejects_non_callables():
    with pytest.raises(TypeError, match="on_epoch_end"):
        C.LambdaCallback(on_epoch_end=3)


def test_progbar_logger_count_mode():
    with pytest.raises(ValueError, match="count_mode"):
        C.ProgbarLogger(count_mode="batches")


# ------------------------------------------------------------------ RemoteMonitor / TensorBoard
def _fake_requests(fail):
    class RequestException(Exception):
        pass

    posts = []

    def post(url, data=None, json=None, headers=None):
        if fail:
            raise RequestException("connection refused")
        posts.append((url, data, json, headers))

    return types.SimpleNamespace(post=post, exceptions=types.SimpleNamespace(
        RequestException=RequestException)), posts


def test_remote_monitor_posts(monkeypatch):
    fake, posts = _fake_requests(False)
    monkeypatch.setitem(sys.modules, "requests", fake)
    cb = C.RemoteMonitor(root="http://h:1", headers={"A": "b"})
    cb.on_epoch_end(2, {"loss": np.float32(0.5), "acc": torch.tensor(0.25)})
    assert posts == [("http://h:1/publish/epoch/end/",
                      {"data": json.dumps({"epoch": 2, "loss": 0.5, "acc": 0.25})}, None, {"A": "b"})]
    C.RemoteMonitor(send_as_json=True).on_epoch_end(0, {"loss": 1.0})
    assert posts[-1][2] == {"epoch": 0, "loss": 1.0}


def test_remote_monitor_raises_when_post_fails(monkeypatch):
    fake, _ = _fake_requests(True)
    monkeypatch.setitem(sys.modules, "requests", fake)
    with pytest.raises(ConnectionError) as err:
        C.RemoteMonitor(root="http://nowhere:9").on_epoch_end(0, {"loss": 1.0})
    msg = str(err.value)
    assert "`requests`" in msg and "http://nowhere:9/publish/epoch/end/" in msg and "refused" in msg


def test_remote_monitor_without_requests(monkeypatch):
    monkeypatch.setitem(sys.modules, "requests", None)
    cb = C.RemoteMonitor()
    with pytest.raises(ImportError, match="`requests`"):
        cb.on_epoch_end(0, {})


def test_tensorboard_refuses_what_it_cannot_do(monkeypatch):
    with pytest.raises(ValueError, match="write_grads"):
        C.TensorBoard(histogram_freq=1, write_grads=True)
    with pytest.raises(ValueError, match="embeddings_freq"):
        C.TensorBoard(embeddings_freq=1)
    if importlib.util.find_spec("tensorboard") is None:
        with pytest.raises(ImportError, match="tensorboard"):
            C.TensorBoard()


def test_tensorboard_writes_scalars(monkeypatch, tmp_path):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: object() if name == "tensorboard" else real_find_spec(name, *a))
    written = []

    class Writer(object):
        closed = False

        def add_scalar(self, tag, value, step):
            written.append((tag, value, step))

        def flush(self):
            pass

        def close(self):
            self.closed = True

    writer = Writer()
    monkeypatch.setattr(C, "_make_summary_writer", lambda log_dir: writer)
    with pytest.warns(UserWarning, match="write_graph"):
        cb = C.TensorBoard(str(tmp_path), update_freq=5)
    cb.set_model(fx.FakeModel(None))
    cb.on_batch_end(0, {"batch": 0, "size": 3, "loss": torch.tensor(0.5)})
    cb.on_batch_end(1, {"batch": 1, "size": 3, "loss": torch.tensor(0.25)})
    cb.on_epoch_end(0, {"loss": 0.375, "val_loss": 0.5})
    cb.on_train_end()
    assert written == [("loss", 0.25, 6), ("loss", 0.375, 6), ("val_loss", 0.5, 6)]
    assert writer.closed
    with pytest.raises(ValueError, match="update_freq"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            C.TensorBoard(update_freq="sometimes")


# ------------------------------------------------------------------ registry hook
def test_builtin_objects():
    objs = C._builtin_objects()
    names = [name for _, name, _ in objs]
    assert names == ["Callback", "BaseLogger", "TerminateOnNaN", "ProgbarLogger", "History",
                     "ModelCheckpoint", "EarlyStopping", "RemoteMonitor", "LearningRateScheduler",
                     "TensorBoard", "ReduceLROnPlateau", "CSVLogger", "LambdaCallback"]
    assert all(obj.__name__ == name and aliases == () for obj, name, aliases in objs)
