"""The epoch and batch loops behind ``Model.fit``/``evaluate``/``predict`` (and the generator
methods, see ``_generators.py``).

Private module. Each function takes the model as ``self`` and is bound in the ``Model`` class body
(``_fit_loop = _loops.fit_loop``...), so ``model._run_epochs(...)`` works as a method.
"""
import numpy as np
import torch

from .. import callbacks as cbks
from . import _data
from ._data import _to_list


def fit_loop(self, tx, ty, tw, vt, batch_size, epochs, verbose, callbacks, shuffle,
             initial_epoch):
    n = int(tx[0].shape[0]) if tx else 0
    out_labels = list(self._compiled.metrics_names)
    do_validation = vt is not None and int(vt[0][0].shape[0]) > 0
    params = {"batch_size": batch_size, "epochs": epochs, "steps": None, "samples": n,
              "verbose": verbose, "do_validation": do_validation,
              "metrics": out_labels + ["val_" + m for m in out_labels if do_validation]}
    val_arrays = None if vt is None else (
        [t.cpu().numpy() for t in vt[0]] + [t.cpu().numpy() for t in vt[1]])
    if do_validation and verbose:
        print("Train on %d samples, validate on %d samples" % (n, int(vt[0][0].shape[0])))
    device = tx[0].device if tx else self._model_device()
    batches = _data.batch_slices(n, batch_size)

    def epoch_batches(epoch):
        if shuffle == "batch":
            index_array = _batch_shuffle(np.arange(n), batch_size)
        elif shuffle:
            index_array = np.arange(n)
            np.random.shuffle(index_array)
        else:
            index_array = None
        idx_t = None if index_array is None else torch.from_numpy(index_array).to(device)
        for start, end in batches:
            if idx_t is None:
                bx = [t[start:end] for t in tx]
                by = [t[start:end] for t in ty]
                bw = None if tw is None else [None if w is None else w[start:end] for w in tw]
            else:
                ids = idx_t[start:end]
                bx = [t.index_select(0, ids) for t in tx]
                by = [t.index_select(0, ids) for t in ty]
                bw = None if tw is None else [None if w is None else w.index_select(0, ids)
                                              for w in tw]
            yield bx, by, bw, end - start

    validate = (lambda last_size: self._test_loop(vt[0], vt[1], vt[2], batch_size)) \
        if do_validation else None
    return self._run_epochs(epoch_batches, len(batches), validate, initial_epoch, callbacks,
                            params, "samples", val_arrays)


def run_epochs(self, epoch_batches, steps, validate, initial_epoch, callbacks, params,
               count_mode, val_arrays, generator_mode=False, on_finish=None):
    """The epoch/batch/callback loop of fit and fit_generator (Keras 2.2.4 order).

    ``epoch_batches(epoch)`` yields ``(xs, ys, sample_weights, size)``; after batch ``steps - 1``
    ``validate(size)`` (or None) gives the ``val_*`` values. ``generator_mode``: validate even
    when a callback stopped training on the last step, and share one epoch-logs dict (Keras's
    fit_generator). ``on_finish()`` runs when the loop ends, normally or not."""
    out_labels = list(self._compiled.metrics_names)
    self.history = cbks.History()
    cb_list = [cbks.BaseLogger(stateful_metrics=None)]
    if params["verbose"]:
        cb_list.append(cbks.ProgbarLogger(count_mode=count_mode))
    cb_list += _to_list(callbacks) + [self.history]
    callback_list = cbks.CallbackList(cb_list)
    callback_list.set_model(self)
    callback_list.set_params(params)
    self.stop_training = False
    for cb in callback_list.callbacks:
        cb.validation_data = val_arrays
    callback_list.on_train_begin()
    self.train()
    try:
        epoch_logs = {}
        for epoch in range(initial_epoch, params["epochs"]):
            callback_list.on_epoch_begin(epoch)
            if not generator_mode:
                epoch_logs = {}
            for batch_index, (bx, by, bw, size) in enumerate(epoch_batches(epoch)):
                batch_logs = {"batch": batch_index, "size": size}
                callback_list.on_batch_begin(batch_index, batch_logs)
                outs = self._train_step(bx, by, bw)
                for label, o in zip(out_labels, outs):
                    batch_logs[label] = o
                callback_list.on_batch_end(batch_index, batch_logs)
                stop = self.stop_training
                if batch_index == steps - 1 and validate is not None and (
                        generator_mode or not stop):
                    for label, o in zip(out_labels, validate(size)):
                        epoch_logs["val_" + label] = o
                if stop:
                    break
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
    finally:
        self.eval()
        if on_finish is not None:
            on_finish()
    callback_list.on_train_end()
    return self.history


def test_loop(self, tx, ty, tw, batch_size, verbose=0):
    n = int(tx[0].shape[0])
    batches = ((([t[start:end] for t in tx]), [t[start:end] for t in ty],
                None if tw is None else [None if w is None else w[start:end] for w in tw],
                end - start) for start, end in _data.batch_slices(n, batch_size))
    return self._evaluate_batches(batches, n, verbose)


def evaluate_batches(self, batches, target, verbose=0, by_steps=False):
    """Size-weighted means of the loss and metrics over ``(xs, ys, sws, size)`` batches.

    The progress bar (verbose=1) counts samples up to ``target``, or steps with ``by_steps``.
    """
    sums = None
    seen = 0
    progbar = None
    if verbose == 1:
        from ..utils.generic_utils import Progbar
        progbar = Progbar(target=target)
    was_training = self.training
    self.eval()
    try:
        with torch.no_grad():
            for step, (bx, by, bw, size) in enumerate(batches, 1):
                outs = [o.detach().double() * size for o in self._test_step(bx, by, bw)]
                sums = outs if sums is None else [a + b for a, b in zip(sums, outs)]
                seen += size
                if progbar is not None:
                    progbar.update(step if by_steps else seen)
    finally:
        self.train(was_training)
    return [] if sums is None else [float(v) for v in torch.stack(sums).cpu().numpy() / seen]


def predict_loop(self, tx, batch_size, verbose=0):
    n = int(tx[0].shape[0])
    progbar = None
    if verbose == 1:
        from ..utils.generic_utils import Progbar
        progbar = Progbar(target=n)
    results = None
    was_training = self.training
    self.eval()
    try:
        with torch.inference_mode():
            for start, end in _data.batch_slices(n, batch_size):
                outs, _ = self._forward([t[start:end] for t in tx], False)
                if results is None:
                    results = []
                    for o in outs:
                        shape = (n,) + tuple(o.shape[1:])
                        if o.device.type == "cpu":
                            arr = np.empty(shape, dtype=_np_dtype(o.dtype))
                            results.append((arr, torch.from_numpy(arr)))
                        else:
                            results.append((None, torch.empty(shape, dtype=o.dtype, device=o.device)))
                for (arr, buf), o in zip(results, outs):
                    buf[start:end].copy_(o)
                if progbar is not None:
                    progbar.update(end)
    finally:
        self.train(was_training)
    if results is None:
        return [] if len(self.output_names) > 1 else np.zeros((0,), dtype=np.float32)
    arrays = [arr if arr is not None else buf.cpu().numpy() for arr, buf in results]
    return arrays[0] if len(arrays) == 1 else arrays


def _np_dtype(dtype):
    return {torch.float32: np.float32, torch.float64: np.float64, torch.float16: np.float16,
            torch.int64: np.int64, torch.int32: np.int32, torch.bool: np.bool_}.get(dtype, np.float32)


def _batch_shuffle(index_array, batch_size):
    """Keras's shuffle='batch': shuffle whole batches, keep the tail batch at the end."""
    batch_count = len(index_array) // batch_size
    last = index_array[batch_count * batch_size:]
    index_array = index_array[:batch_count * batch_size].reshape((batch_count, batch_size))
    np.random.shuffle(index_array)
    return np.append(index_array.flatten(), last)
