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
"""
import csv
import inspect
import json
import os
import time
import warnings
from collections import OrderedDict, deque

import numpy as np
import torch

from . import backend as K
from .utils._progbar import Progbar, to_float, to_floats, _weighted, _weighted_add

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


def _epoch_value(value):
    """An epoch-level log value as a plain number when it is a 0-dim tensor / NumPy scalar."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.detach())
    return value


def _check_mode(owner, mode):
    if mode not in ("auto", "min", "max"):
        # Keras's text, which names the received value; 'auto', 'min' and 'max' are accepted.
        warnings.warn("%s mode %s is unknown, fallback to auto mode." % (owner, mode),
                      RuntimeWarning, stacklevel=3)
        return "auto"
    return mode


def _lr_value(model):
    """Keras's ``K.get_value(model.optimizer.lr)``: a NumPy scalar."""
    value = K.get_value(model.optimizer.lr)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


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


class Callback(object):
    """Base class of callbacks.

    Attributes:
        params: dict of training parameters (``batch_size``, ``epochs``, ``steps``, ``samples``,
            ``verbose``, ``do_validation``, ``metrics``).
        model: the model being trained.
        validation_data: the validation arrays, when the loop provides them.

    ``on_epoch_end`` logs hold ``loss`` and the metrics (``acc``...), plus ``val_*`` when
    validating; ``on_batch_begin`` logs hold ``batch`` and ``size``; ``on_batch_end`` logs also
    hold ``loss`` and the metrics (possibly as 0-dim torch tensors).

    Example:
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(epoch, logs['loss'])
    """

    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params = {}

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass


class BaseLogger(Callback):
    """Accumulates the epoch averages of the metrics (added to every model's fit).

    Each batch value is weighted by the batch size; tensors are summed on their device and read
    once, at the end of the epoch, where the averages are written into ``logs`` as Python floats.

    Args:
        stateful_metrics: names of metrics that are not averaged: their last value is logged.
    """

    def __init__(self, stateful_metrics=None):
        super(BaseLogger, self).__init__()
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self.seen = 0
        self.totals = {}

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = {} if logs is None else logs
        batch_size = logs.get("size", 0)
        self.seen += batch_size
        totals = self.totals
        stateful = self.stateful_metrics
        for k, v in logs.items():
            if k == "batch" or k == "size":
                continue
            if k in stateful:
                totals[k] = v
            elif k in totals:
                totals[k] = _weighted_add(totals[k], v, batch_size)
            else:
                totals[k] = _weighted(v, batch_size)

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        names = [k for k in self.params["metrics"] if k in self.totals]
        values = to_floats([self.totals[k] for k in names])
        for k, v in zip(names, values):
            if k in self.stateful_metrics:
                logs[k] = v
            else:
                logs[k] = v / self.seen if self.seen else float("nan")


class TerminateOnNaN(Callback):
    """Stops training when the batch loss is NaN or infinite.

    It reads ``logs['loss']`` every batch, which waits for the device when the loss is a GPU
    tensor.
    """

    def on_batch_end(self, batch, logs=None):
        logs = {} if logs is None else logs
        loss = logs.get("loss")
        if loss is None:
            return
        if isinstance(loss, torch.Tensor):
            invalid = not bool(torch.isfinite(loss.detach()).all())
        else:
            invalid = bool(np.any(np.isnan(loss)) or np.any(np.isinf(loss)))
        if invalid:
            print("Batch %d: Invalid loss, terminating training" % (batch,))
            self.model.stop_training = True


class ProgbarLogger(Callback):
    """Prints the epoch header and a progress bar of the metrics to stdout.

    Args:
        count_mode: ``'samples'`` or ``'steps'``: what the bar counts.
        stateful_metrics: names of metrics shown as given instead of averaged over the epoch.

    Raises:
        ValueError: for an unknown ``count_mode``.
    """

    def __init__(self, count_mode="samples", stateful_metrics=None):
        super(ProgbarLogger, self).__init__()
        if count_mode == "samples":
            self.use_steps = False
        elif count_mode == "steps":
            self.use_steps = True
        else:
            raise ValueError("Unknown `count_mode`: %r. Expected 'samples' or 'steps'." % (count_mode,))
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self.seen = 0
        self.target = None
        self.log_values = []
        self.progbar = None

    def on_train_begin(self, logs=None):
        self.verbose = self.params["verbose"]
        self.epochs = self.params["epochs"]

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            print("Epoch %d/%d" % (epoch + 1, self.epochs))
            self.target = self.params["steps"] if self.use_steps else self.params["samples"]
            self.progbar = Progbar(target=self.target, verbose=self.verbose,
                                   stateful_metrics=self.stateful_metrics)
        self.seen = 0
        self.log_values = []

    def _not_done(self):
        return self.target is None or self.seen < self.target

    def on_batch_begin(self, batch, logs=None):
        if self._not_done():
            self.log_values = []

    def on_batch_end(self, batch, logs=None):
        logs = {} if logs is None else logs
        if self.use_steps:
            self.seen += 1
        else:
            self.seen += logs.get("size", 0)
        for k in self.params["metrics"]:
            if k in logs:
                self.log_values.append((k, logs[k]))
        # The last batch is drawn by on_epoch_end, together with the epoch's values.
        if self.verbose and self._not_done():
            self.progbar.update(self.seen, self.log_values)

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        for k in self.params["metrics"]:
            if k in logs:
                self.log_values.append((k, logs[k]))
        if self.verbose:
            self.progbar.update(self.seen, self.log_values)
            if self.target is not None and self.seen < self.target:
                # Training stopped mid-epoch: end the bar's line (Keras left it open).
                self.progbar._end_line()


def _alias_key(key):
    """The other spelling of an accuracy key: 'acc' <-> 'accuracy', 'val_acc' <-> 'val_accuracy'."""
    if not isinstance(key, str):
        return None
    if key == "accuracy" or key.endswith("_accuracy"):
        return key[:-len("accuracy")] + "acc"
    if key == "acc" or key.endswith("_acc"):
        return key[:-len("acc")] + "accuracy"
    return None


class HistoryDict(dict):
    """The dict of ``History.history``: metric name -> list of per-epoch values.

    Keys are stored as the training loop logs them (Keras 2.2.4: ``'acc'``, ``'val_acc'``). The
    other spelling used by Keras 2.3+/tf.keras (``'accuracy'``, ``'val_accuracy'``, and the same
    for output-prefixed names such as ``'dense_1_acc'``) answers the *same list* for reading:
    ``h['accuracy'] is h['acc']``, ``'accuracy' in h`` and ``h.get('accuracy')`` work. Iteration,
    ``keys()``, ``len()``, ``repr`` and JSON show only the stored keys, so nothing is counted twice.

    Example:
        >>> h = HistoryDict(acc=[0.5, 0.7])
        >>> h['accuracy']
        [0.5, 0.7]
        >>> list(h)
        ['acc']
    """

    def _resolve(self, key):
        if dict.__contains__(self, key):
            return key
        alt = _alias_key(key)
        if alt is not None and dict.__contains__(self, alt):
            return alt
        return None

    def __missing__(self, key):
        alt = _alias_key(key)
        if alt is not None and dict.__contains__(self, alt):
            return dict.__getitem__(self, alt)
        raise KeyError(key)

    def __contains__(self, key):
        return self._resolve(key) is not None

    def get(self, key, default=None):
        found = self._resolve(key)
        return default if found is None else dict.__getitem__(self, found)

    def setdefault(self, key, default=None):
        found = self._resolve(key)
        if found is None:
            return dict.setdefault(self, key, default)
        return dict.__getitem__(self, found)

    def copy(self):
        return HistoryDict(self)

    def __reduce__(self):
        return (HistoryDict, (dict(self),))


class History(Callback):
    """Records the epoch logs; ``model.fit`` returns it.

    Attributes:
        epoch: list of epoch indices seen.
        history: :class:`HistoryDict` of metric name -> list of values, one per epoch. Both
            ``'acc'`` and ``'accuracy'`` (and ``'val_acc'``/``'val_accuracy'``) read the same list.
    """

    def __init__(self):
        super(History, self).__init__()
        self.epoch = []
        self.history = HistoryDict()

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = HistoryDict()

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        self.epoch.append(epoch)
        for k, v in logs.items():
            dict.setdefault(self.history, k, []).append(_epoch_value(v))


def _monitored(logs, monitor, what):
    """The monitored value as a float, or None with Keras's warning when it was not logged."""
    value = logs.get(monitor)
    if value is None:
        warnings.warn("%s conditioned on metric `%s` which is not available. Available metrics "
                      "are: %s" % (what, monitor, ",".join(str(k) for k in logs.keys())),
                      RuntimeWarning, stacklevel=3)
        return None
    return to_float(value)


def _as_path(filepath, owner):
    if isinstance(filepath, os.PathLike):
        filepath = os.fspath(filepath)
    if not isinstance(filepath, str):
        raise TypeError("%s: `filepath` must be a string (it may hold {epoch} and log-key fields). "
                        "Received: %r" % (owner, filepath))
    return filepath


class ModelCheckpoint(Callback):
    """Saves the model after every epoch.

    ``filepath`` may hold format fields filled with the epoch number (from 1) and the epoch logs,
    e.g. ``weights.{epoch:02d}-{val_loss:.2f}.hdf5``.

    Args:
        filepath: path of the file to write.
        monitor: quantity watched when ``save_best_only``.
        verbose: 0 or 1 (a message per epoch).
        save_best_only: only save when the monitored quantity improved.
        save_weights_only: ``model.save_weights(filepath)`` instead of ``model.save(filepath)``.
        mode: ``'auto'``, ``'min'`` or ``'max'``; ``'auto'`` maximises names containing ``'acc'``
            or starting with ``'fmeasure'`` and minimises the rest.
        period: number of epochs between checkpoints.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", period=1):
        super(ModelCheckpoint, self).__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = _as_path(filepath, "ModelCheckpoint")
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.period = period
        self.epochs_since_last_save = 0
        mode = _check_mode("ModelCheckpoint", mode)
        if mode == "max" or (mode == "auto" and ("acc" in monitor or monitor.startswith("fmeasure"))):
            self.monitor_op = np.greater
            self.best = -np.inf
        else:
            self.monitor_op = np.less
            self.best = np.inf

    def _save(self, filepath):
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        self.epochs_since_last_save += 1
        if self.epochs_since_last_save < self.period:
            return
        self.epochs_since_last_save = 0
        filepath = self.filepath.format(epoch=epoch + 1, **{k: _epoch_value(v) for k, v in logs.items()})
        if not self.save_best_only:
            if self.verbose > 0:
                print("\nEpoch %05d: saving model to %s" % (epoch + 1, filepath))
            self._save(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn("Can save best model only with %s available, skipping." % (self.monitor,),
                          RuntimeWarning)
            return
        current = to_float(current)
        if self.monitor_op(current, self.best):
            if self.verbose > 0:
                print("\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s"
                      % (epoch + 1, self.monitor, self.best, current, filepath))
            self.best = current
            self._save(filepath)
        elif self.verbose > 0:
            print("\nEpoch %05d: %s did not improve from %0.5f" % (epoch + 1, self.monitor, self.best))


class EarlyStopping(Callback):
    """Stops training when a monitored quantity has stopped improving.

    Args:
        monitor: quantity to watch.
        min_delta: smallest change that counts as an improvement.
        patience: number of epochs without improvement after which training stops.
        verbose: verbosity mode.
        mode: ``'auto'``, ``'min'`` or ``'max'``; ``'auto'`` maximises names containing ``'acc'``.
        baseline: value the quantity must improve on; training stops if it does not.
        restore_best_weights: when stopping, put back the weights of the best epoch
            (``model.get_weights()``/``set_weights()``).
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False):
        super(EarlyStopping, self).__init__()
        self.monitor = monitor
        self.baseline = baseline
        self.patience = patience
        self.verbose = verbose
        self.min_delta = min_delta
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        mode = _check_mode("EarlyStopping", mode)
        if mode == "max" or (mode == "auto" and "acc" in monitor):
            self.monitor_op = np.greater
        else:
            self.monitor_op = np.less
            self.min_delta = -self.min_delta
        self.best = self._initial_best()

    def _initial_best(self):
        if self.baseline is not None:
            return self.baseline
        return np.inf if self.monitor_op is np.less else -np.inf

    def on_train_begin(self, logs=None):
        # Instances can be re-used across fits.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = self._initial_best()

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs or {})
        if current is None:
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose > 0:
                    print("Restoring model weights from the end of the best epoch")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print("Epoch %05d: early stopping" % (self.stopped_epoch + 1))

    def get_monitor_value(self, logs):
        return _monitored(logs, self.monitor, "Early stopping")


class RemoteMonitor(Callback):
    """Streams the epoch logs to a server as HTTP POSTs (needs the ``requests`` library).

    Events go to ``root + path``, as a form field ``field`` holding JSON, or as a JSON body when
    ``send_as_json``. Unlike Keras 2.2.4, which only warned, a POST that fails raises
    ``ConnectionError``, and a missing ``requests`` raises ``ImportError``.

    Args:
        root: root URL of the server.
        path: path relative to ``root`` the events are sent to.
        field: form field holding the JSON data (when not ``send_as_json``).
        headers: optional dict of HTTP headers.
        send_as_json: send the data as an ``application/json`` body.
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data",
                 headers=None, send_as_json=False):
        super(RemoteMonitor, self).__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def _need(self):
        return ("RemoteMonitor needs the `requests` library and a server reachable at %s "
                "(root=%r, path=%r)." % (self.root + self.path, self.root, self.path))

    def on_epoch_end(self, epoch, logs=None):
        try:
            import requests
        except ImportError as e:
            raise ImportError(self._need() + " Install it with `pip install requests`, or remove "
                              "the RemoteMonitor callback.") from e
        logs = {} if logs is None else logs
        send = {"epoch": epoch}
        for k, v in logs.items():
            if isinstance(v, (np.ndarray, np.generic)):
                send[k] = v.item()
            elif isinstance(v, torch.Tensor):
                send[k] = v.detach().cpu().tolist()
            else:
                send[k] = v
        url = self.root + self.path
        try:
            if self.send_as_json:
                requests.post(url, json=send, headers=self.headers)
            else:
                requests.post(url, {self.field: json.dumps(send)}, headers=self.headers)
        except requests.exceptions.RequestException as e:
            raise ConnectionError("RemoteMonitor could not POST the logs of epoch %d to %s: %s. %s "
                                  "Start the server or remove the callback."
                                  % (epoch + 1, url, e, self._need())) from e


def _schedule_arity(schedule):
    """2 if ``schedule`` accepts (epoch, lr), 1 if only (epoch), None if it cannot be told."""
    try:
        sig = inspect.signature(schedule)
    except (TypeError, ValueError):
        return None
    positional = 0
    for p in sig.parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            return 2
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional += 1
    return 2 if positional >= 2 else 1


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch from a schedule.

    Args:
        schedule: function ``schedule(epoch, lr) -> new_lr`` (or the older ``schedule(epoch)``),
            with ``epoch`` counted from 0 and ``lr`` the current rate; it must return a float.
        verbose: 0 (quiet) or 1 (a message per epoch).

    Example:
        >>> LearningRateScheduler(lambda epoch, lr: lr * 0.9 if epoch else lr)
    """

    def __init__(self, schedule, verbose=0):
        super(LearningRateScheduler, self).__init__()
        if not callable(schedule):
            raise TypeError("LearningRateScheduler: `schedule` must be a function of (epoch, lr) "
                            "or (epoch). Received: %r" % (schedule,))
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "lr"):
            raise ValueError('Optimizer must have a "lr" attribute.')
        lr = float(_lr_value(self.model))
        arity = _schedule_arity(self.schedule)
        if arity == 2:
            lr = self.schedule(epoch, lr)
        elif arity == 1:
            lr = self.schedule(epoch)
        else:
            try:
                lr = self.schedule(epoch, lr)
            except TypeError:
                lr = self.schedule(epoch)
        if isinstance(lr, torch.Tensor) and lr.numel() == 1 and lr.dtype.is_floating_point:
            lr = float(lr.detach())
        if not isinstance(lr, (float, np.floating)):
            raise ValueError('The output of the "schedule" function should be float. Received: %r '
                             '(%s)' % (lr, type(lr).__name__))
        K.set_value(self.model.optimizer.lr, lr)
        if self.verbose > 0:
            print("\nEpoch %05d: LearningRateScheduler setting learning rate to %s." % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["lr"] = _lr_value(self.model)


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


class ReduceLROnPlateau(Callback):
    """Reduces the learning rate when a metric has stopped improving.

    Args:
        monitor: quantity to watch.
        factor: the new rate is ``lr * factor`` (must be < 1).
        patience: number of epochs without improvement before the rate is reduced.
        verbose: 0 (quiet) or 1 (a message when the rate changes).
        mode: ``'auto'``, ``'min'`` or ``'max'``; ``'auto'`` maximises names containing ``'acc'``.
        min_delta: threshold for measuring a new optimum.
        cooldown: number of epochs to wait after a reduction before counting again.
        min_lr: lower bound of the rate.
        epsilon: Keras-1/2.0 spelling of ``min_delta`` (warns; it takes precedence as in Keras).

    Example:
        >>> ReduceLROnPlateau(monitor='val_loss', factor=0.2, patience=5, min_lr=0.001)
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        super(ReduceLROnPlateau, self).__init__()
        self.monitor = monitor
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0. Received: factor=%r"
                             % (factor,))
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            warnings.warn("`epsilon` argument is deprecated and will be removed, use `min_delta` "
                          "instead.", stacklevel=2)
        if kwargs:
            raise TypeError("ReduceLROnPlateau got unexpected keyword arguments: %s"
                            % (", ".join(sorted(kwargs)),))
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0
        self.mode = _check_mode("Learning Rate Plateau Reducing", mode)
        self.monitor_op = None
        self._reset()

    def _reset(self):
        """Resets the wait and cooldown counters."""
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["lr"] = _lr_value(self.model)
        current = _monitored(logs, self.monitor, "Reduce LR on plateau")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(_lr_value(self.model))
                if old_lr > self.min_lr:
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    K.set_value(self.model.optimizer.lr, new_lr)
                    if self.verbose > 0:
                        print("\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s."
                              % (epoch + 1, new_lr))
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class CSVLogger(Callback):
    """Streams the epoch logs to a CSV file (Keras's format: ``epoch`` then the sorted keys).

    The file is opened at the start of training, written and flushed after every epoch, and
    closed at the end. Lines end with ``\\r\\n`` (the csv module's default dialect, as in Keras).

    Args:
        filename: path of the CSV file, e.g. ``'run/log.csv'``.
        separator: one character separating the fields.
        append: append to an existing file (no second header) instead of overwriting it.

    Example:
        >>> model.fit(x, y, callbacks=[CSVLogger('training.log')])
    """

    def __init__(self, filename, separator=",", append=False):
        super(CSVLogger, self).__init__()
        if not isinstance(separator, str) or len(separator) != 1:
            raise TypeError("CSVLogger: `separator` must be a 1-character string. Received: %r"
                            % (separator,))
        self.sep = separator
        self.filename = _as_path(filename, "CSVLogger")
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, "r", encoding="utf-8") as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        self.csv_file = open(self.filename, mode, newline="\n", encoding="utf-8")

    @staticmethod
    def _cell(value):
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().tolist()
        if isinstance(value, str):
            return value
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return value
        if hasattr(value, "__iter__"):
            return '"[%s]"' % ", ".join(map(str, value))
        return value

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        if self.keys is None:
            self.keys = sorted(logs.keys())
        if self.model is not None and getattr(self.model, "stop_training", False):
            # NA so that csv parsers do not fail on the last epoch.
            logs = dict((k, logs[k] if k in logs else "NA") for k in self.keys)
        if not self.writer:
            class _Dialect(csv.excel):
                delimiter = self.sep

            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         dialect=_Dialect)
            if self.append_header:
                self.writer.writeheader()
        row = OrderedDict([("epoch", epoch)])
        row.update((key, self._cell(logs[key])) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None


class LambdaCallback(Callback):
    """A callback made of plain functions.

    ``on_epoch_begin``/``on_epoch_end`` are called with ``(epoch, logs)``,
    ``on_batch_begin``/``on_batch_end`` with ``(batch, logs)``, ``on_train_begin``/``on_train_end``
    with ``(logs)``. Extra keyword arguments become attributes.

    Example:
        >>> LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs['loss']))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super(LambdaCallback, self).__init__()
        self.__dict__.update(kwargs)
        given = (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                 ("on_batch_begin", on_batch_begin), ("on_batch_end", on_batch_end),
                 ("on_train_begin", on_train_begin), ("on_train_end", on_train_end))
        for name, fn in given:
            if fn is None:
                continue  # the base class's no-op (skipped per batch by CallbackList)
            if not callable(fn):
                raise TypeError("LambdaCallback: `%s` must be a function or None. Received: %r"
                                % (name, fn))
            setattr(self, name, fn)


def _builtin_objects():
    """``(object, name, aliases)`` for every public callback class, for the plugin manager."""
    return [(cls, cls.__name__, ()) for cls in (
        Callback, BaseLogger, TerminateOnNaN, ProgbarLogger, History, ModelCheckpoint,
        EarlyStopping, RemoteMonitor, LearningRateScheduler, TensorBoard, ReduceLROnPlateau,
        CSVLogger, LambdaCallback)]
