"""Callbacks driven by a real fit(): checkpoints, early stopping, learning-rate callbacks, CSV."""
import csv
import os

import numpy as np
import pytest

import torkeras as keras
from torkeras import backend as K
from torkeras.layers import Dense
from torkeras.models import Sequential, load_model


def data(n=48, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 5).astype("float32")
    y = keras.utils.to_categorical((x.sum(1) > 2.5).astype(int), 2)
    return x, y


def model_fn(lr=0.05):
    m = Sequential([Dense(8, input_shape=(5,), activation="tanh"), Dense(2, activation="softmax")])
    m.compile(keras.optimizers.SGD(lr=lr), "categorical_crossentropy", metrics=["accuracy"])
    return m


def test_model_checkpoint_writes_loadable_files(tmp_path):
    x, y = data()
    m = model_fn()
    pattern = str(tmp_path / "w.{epoch:02d}-{val_loss:.3f}.h5")
    m.fit(x, y, epochs=3, verbose=0, validation_split=0.25,
          callbacks=[keras.callbacks.ModelCheckpoint(pattern)])
    files = sorted(os.listdir(str(tmp_path)))
    assert len(files) == 3 and files[0].startswith("w.01-")
    best = str(tmp_path / "best.h5")
    m.fit(x, y, epochs=3, verbose=0, validation_split=0.25,
          callbacks=[keras.callbacks.ModelCheckpoint(best, save_best_only=True, monitor="val_acc")])
    assert load_model(best).predict(x).shape == (48, 2)


def test_early_stopping_restores_best_weights():
    x, y = data()
    m = model_fn(lr=0.0)
    es = keras.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=1e-4,
                                       restore_best_weights=True)
    hist = m.fit(x, y, epochs=10, verbose=0, callbacks=[es])
    assert len(hist.history["loss"]) == 2  # lr 0: no improvement after the first epoch


def test_reduce_lr_on_plateau_and_scheduler_change_the_real_optimizer():
    x, y = data()
    m = model_fn(lr=0.0)
    # min_delta larger than any change: every epoch is a plateau
    rl = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_lr=0.0,
                                           min_delta=10.0)
    K.set_value(m.optimizer.lr, 0.2)
    hist = m.fit(x, y, epochs=3, verbose=0, callbacks=[rl], shuffle=False)
    # Keras 2.2.4: epoch 0 improves on inf; epochs 1 and 2 each halve lr; logs hold the lr before
    assert float(K.get_value(m.optimizer.lr)) == pytest.approx(0.05)
    assert hist.history["lr"] == pytest.approx([0.2, 0.2, 0.1])
    sched = keras.callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    m.fit(x, y, epochs=3, verbose=0, callbacks=[sched])
    assert float(K.get_value(m.optimizer.lr)) == pytest.approx(0.03)


def test_csv_logger(tmp_path):
    x, y = data()
    m = model_fn()
    path = str(tmp_path / "log.csv")
    m.fit(x, y, epochs=2, verbose=0, validation_split=0.25, callbacks=[keras.callbacks.CSVLogger(path)])
    rows = list(csv.DictReader(open(path)))
    assert [r["epoch"] for r in rows] == ["0", "1"]
    assert set(rows[0]) == {"epoch", "loss", "acc", "val_loss", "val_acc"}


def test_history_values_match_batch_logs():
    x, y = data()
    m = model_fn()
    losses, sizes = [], []

    class Rec(keras.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            losses.append(float(logs["loss"]))
            sizes.append(logs["size"])

    hist = m.fit(x, y, batch_size=20, epochs=1, verbose=0, callbacks=[Rec()])
    assert sizes == [20, 20, 8]
    expected = sum(l * s for l, s in zip(losses, sizes)) / sum(sizes)
    assert hist.history["loss"][0] == pytest.approx(expected, rel=1e-6)
