"""Callbacks: objects called at given points of training (Keras 2.2.4 API and text).

The training loop calls, in this order: ``BaseLogger``, ``ProgbarLogger`` (when verbose), the
user's callbacks, then ``History``. Per-batch logs may hold 0-dim torch tensors (possibly on the
GPU); the built-in callbacks only read them as Python numbers when they must (TerminateOnNaN,
the progress bar when it draws), so an ordinary step costs no host-device synchronisation.
Epoch-level logs hold Python floats.

Differences from Keras 2.2.4, each on purpose:

* ``History.history`` answers both ``'acc'`` and ``'accuracy'`` (and ``val_``/output-prefixed
  forms) for the same list; see :class:`HistoryDict`.
* ``RemoteMonitor`` raises instead of warning when the POST fails (and when ``requests`` is
  missing), naming what it needs.
* ``TensorBoard`` writes scalars and weight histograms with ``torch.utils.tensorboard`` (needs the
  ``tensorboard`` package); gradient histograms and embeddings, which need TensorFlow graphs, are
  refused, and the graph and weight images are skipped with a warning.
* ``CallbackList`` does not call (or time) the base-class no-op batch methods.

This module is the public home of every callback. ``Callback`` and the shared helpers live in
``_callback_base.py``, the logging callbacks in ``_callbacks_logging.py`` and the callbacks that
act on training (checkpoints, early stopping, learning rate) in ``_callbacks_control.py``.
"""
import time
import warnings
from collections import deque

import numpy as np

from .utils._progbar import to_floats
from ._callback_base import Callback
from ._callbacks_control import (EarlyStopping, LearningRateScheduler, ModelCheckpoint,
                                 ReduceLROnPlateau)
from ._callbacks_logging import (BaseLogger, CSVLogger, History, HistoryDict, LambdaCallback,
                                 ProgbarLogger, RemoteMonitor, TerminateOnNaN)

__all__ = [
    "CallbackList", "Callback", "BaseLogger", "TerminateOnNaN", "ProgbarLogger", "History",
    "HistoryDict", "ModelCheckpoint", "EarlyStopping", "RemoteMonitor", "LearningRateScheduler",
    "TensorBoard", "ReduceLROnPlateau", "CSVLogger", "LambdaCallback",
]

_BATCH_HOOKS = ("on_batch_begin", "on_batch_end")
_ALL_HOOKS = ("set_params", "set_model", "on_epoch_begin", "on_epoch_end", "on_batch_begin",
              "on_batch_end", "on_train_begin", "on_train_end")


def _median(values):
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    if n % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2.0


class CallbackList(object):
    """Container of callbacks, dispatching each event to all of them in order.

    Args:
        callbacks: list of :class:`Callback` instances.
        queue_length: number of recent batches used to judge whether callbacks are slow
            compared to the batch update (Keras warns when they are).
    """

    def __init__(self, callbacks=None, queue_length=10):
        self.callbacks = list(callbacks or [])
        self.queue_length = queue_length
        self._batch_fns = None
        self._delta_t_batch = 0.0
        self._delta_ts_batch_begin = deque([], maxlen=queue_length)
        self._delta_ts_batch_end = deque([], maxlen=queue_length)
        self._t_enter_batch = None

    def append(self, callback):
        self.callbacks.append(callback)
        self._batch_fns = None

    def __iter__(self):
        return iter(self.callbacks)

    # Callbacks whose batch methods are Callback's own no-ops are not called per batch.
    def _active_batch_fns(self):
        fns = {name: [] for name in _BATCH_HOOKS}
        for cb in self.callbacks:
            for name in _BATCH_HOOKS:
                method = getattr(cb, name, None)
                if method is None:
                    raise TypeError("Callbacks must provide %s(); %r does not. Subclass "
                                    "torkeras.callbacks.Callback." % (name, cb))
                if getattr(method, "__func__", None) is getattr(Callback, name):
                    continue
                fns[name].append(method)
        self._batch_fns = fns
        return fns

    def set_params(self, params):
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        for callback in self.callbacks:
            callback.set_model(model)

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch (``epoch``: index, from 0)."""
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)
        self._batch_fns = None
        self._delta_t_batch = 0.0
        self._delta_ts_batch_begin = deque([], maxlen=self.queue_length)
        self._delta_ts_batch_end = deque([], maxlen=self.queue_length)

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch; ``logs`` holds the epoch's metrics."""
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_batch_begin(self, batch, logs=None):
        """Called right before a batch is processed (``batch``: index within the epoch)."""
        fns = self._batch_fns or self._active_batch_fns()
        begin = fns["on_batch_begin"]
        if begin:
            logs = {} if logs is None else logs
            t0 = time.perf_counter()
            for fn in begin:
                fn(batch, logs)
            self._delta_ts_batch_begin.append(time.perf_counter() - t0)
            self._warn_if_slow("on_batch_begin", self._delta_ts_batch_begin)
        if fns["on_batch_end"]:
            self._t_enter_batch = time.perf_counter()

    def on_batch_end(self, batch, logs=None):
        """Called at the end of a batch; ``logs`` holds ``batch``, ``size`` and the metrics."""
        fns = self._batch_fns or self._active_batch_fns()
        end = fns["on_batch_end"]
        if not end:
            return
        logs = {} if logs is None else logs
        t0 = time.perf_counter()
        if self._t_enter_batch is None:
            self._t_enter_batch = t0
        self._delta_t_batch = t0 - self._t_enter_batch
        for fn in end:
            fn(batch, logs)
        self._delta_ts_batch_end.append(time.perf_counter() - t0)
        self._warn_if_slow("on_batch_end", self._delta_ts_batch_end)

    def _warn_if_slow(self, name, deltas):
        if self._delta_t_batch <= 0.0:
            return
        median = _median(deltas)
        if median > 0.95 * self._delta_t_batch and median > 0.1:
            warnings.warn("Method %s() is slow compared to the batch update (%f). Check your "
                          "callbacks." % (name, median))

    def on_train_begin(self, logs=None):
        """Called at the beginning of training."""
        logs = {} if logs is None else logs
        self._batch_fns = None
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_train_end(self, logs=None):
        """Called at the end of training."""
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_train_end(logs)


def _make_summary_writer(log_dir):
    from torch.utils.tensorboard import SummaryWriter
    return SummaryWriter(log_dir)


class TensorBoard(Callback):
    """Writes the logged scalars and weight histograms for TensorBoard (``torch.utils.tensorboard``).

    Needs the ``tensorboard`` package (``ImportError`` naming it otherwise). Written: the loss and
    metric curves (every epoch, or every ``update_freq`` samples), and with ``histogram_freq=N`` a
    histogram of every weight every N epochs, tagged as Keras 2.2.4 did (``dense_1/kernel_0``).
    Not written, each said when asked: the graph (``write_graph``, Keras's default True: a warning,
    once per callback, and the graph is skipped), weight images (``write_images``: a warning),
    histograms of layer outputs and gradients (``write_grads=True`` with ``histogram_freq`` is
    refused) and embeddings (``embeddings_freq`` > 0 is refused). As in Keras, ``histogram_freq``
    needs ``validation_data`` in ``fit`` (``ValueError`` otherwise).

    Args:
        log_dir: directory of the event files.
        histogram_freq: epochs between weight histograms (0: none).
        batch_size, write_graph, write_grads, write_images, embeddings_freq,
        embeddings_layer_names, embeddings_metadata, embeddings_data: Keras's arguments (see above).
        update_freq: ``'epoch'``, ``'batch'`` or a number of samples between writes.

    Example:
        >>> model.fit(x, y, validation_data=(xv, yv), callbacks=[TensorBoard('./logs', histogram_freq=1)])
    """

    def __init__(self, log_dir="./logs", histogram_freq=0, batch_size=32, write_graph=True,
                 write_grads=False, write_images=False, embeddings_freq=0,
                 embeddings_layer_names=None, embeddings_metadata=None, embeddings_data=None,
                 update_freq="epoch"):
        super(TensorBoard, self).__init__()
        if isinstance(histogram_freq, bool) or not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError("TensorBoard: `histogram_freq` must be an integer >= 0 (epochs between "
                             "weight histograms). Received: histogram_freq=%r" % (histogram_freq,))
        if histogram_freq and write_grads:
            raise ValueError("TensorBoard: write_grads=True is not supported by torkeras (gradient "
                             "histograms need TensorFlow graphs); weight histograms are written with "
                             "write_grads=False.")
        if embeddings_freq:
            raise ValueError("TensorBoard: embeddings_freq=%r is not supported by torkeras (the "
                             "projector needs TensorFlow). Use embeddings_freq=0." % (embeddings_freq,))
        import importlib.util
        if importlib.util.find_spec("tensorboard") is None:
            raise ImportError("TensorBoard needs the `tensorboard` package (torkeras writes its "
                              "files with torch.utils.tensorboard). Install it with "
                              "`pip install tensorboard`.")
        if write_graph:
            warnings.warn("torkeras writes no graph for TensorBoard: write_graph was set to False.")
            write_graph = False
        if write_images:
            warnings.warn("torkeras writes no images for TensorBoard: write_images was set to False.")
            write_images = False
        if update_freq != "epoch" and update_freq != "batch" and (
                isinstance(update_freq, bool) or not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError("TensorBoard: `update_freq` must be 'epoch', 'batch' or a positive number "
                             "of samples. Received: %r" % (update_freq,))
        self.log_dir = log_dir
        self.histogram_freq = histogram_freq
        self.batch_size = batch_size
        self.write_graph = write_graph
        self.write_grads = write_grads
        self.write_images = write_images
        self.embeddings_freq = embeddings_freq
        self.embeddings_layer_names = embeddings_layer_names
        self.embeddings_metadata = embeddings_metadata or {}
        self.embeddings_data = embeddings_data
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.samples_seen = 0
        self.samples_seen_at_last_write = 0
        self.writer = None

    def set_model(self, model):
        self.model = model
        if self.writer is None:
            self.writer = _make_summary_writer(self.log_dir)

    def _write_logs(self, logs, index):
        names = [k for k in logs if k not in ("batch", "size")]
        values = to_floats([logs[k] for k in names])
        for name, value in zip(names, values):
            if isinstance(value, np.ndarray):
                value = value.item()
            self.writer.add_scalar(name, value, index)
        self.writer.flush()

    def on_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch":
            return
        logs = {} if logs is None else logs
        self.samples_seen += logs.get("size", 0)
        if self.samples_seen - self.samples_seen_at_last_write >= self.update_freq:
            self._write_logs(logs, self.samples_seen)
            self.samples_seen_at_last_write = self.samples_seen

    def _write_histograms(self, epoch):
        if not self.validation_data:
            raise ValueError("If printing histograms, validation_data must be provided, and cannot be "
                             "a generator (TensorBoard histogram_freq=%d)." % self.histogram_freq)
        for layer in self.model.layers:
            for name, value in zip(layer.weight_names(), layer.get_weights()):
                self.writer.add_histogram(name.replace(":", "_"), value, epoch)

    def on_epoch_end(self, epoch, logs=None):
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)
        index = epoch if self.update_freq == "epoch" else self.samples_seen
        self._write_logs(logs or {}, index)

    def on_train_end(self, logs=None):
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def _builtin_objects():
    """``(object, name, aliases)`` for every public callback class, for the plugin manager."""
    return [(cls, cls.__name__, ()) for cls in (
        Callback, BaseLogger, TerminateOnNaN, ProgbarLogger, History, ModelCheckpoint,
        EarlyStopping, RemoteMonitor, LearningRateScheduler, TensorBoard, ReduceLROnPlateau,
        CSVLogger, LambdaCallback)]
