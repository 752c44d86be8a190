"""Built-in callbacks that log or report training: the epoch averages, the progress bar,
``History``, ``CSVLogger``, ``RemoteMonitor``, ``TerminateOnNaN`` and ``LambdaCallback``.

Private module: the public home of these names is :mod:`torkeras.callbacks`.
"""
import csv
import json
import os
from collections import OrderedDict

import numpy as np
import torch

from ._callback_base import Callback, _as_path, _epoch_value
from .utils._progbar import Progbar, to_floats, _weighted, _weighted_add


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
