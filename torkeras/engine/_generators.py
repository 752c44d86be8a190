"""fit_generator / evaluate_generator / predict_generator (Keras 2.2.4's training_generator.py).

The batches come from a Python generator (or any iterator) or a :class:`~torkeras.utils.Sequence`,
in the calling thread (``workers=0``) or through an enqueuer (worker threads, or processes with
``use_multiprocessing=True``). Training reuses ``Model._run_epochs`` (the loop, callbacks and progress
bar of ``fit``) and evaluation ``Model._evaluate_batches`` (the one of ``evaluate``). Enqueuers are
always stopped, whether the loop ends normally or by an exception, which propagates unchanged.
"""
import warnings

import numpy as np

from ..utils import data_utils
from ..utils.data_utils import GeneratorEnqueuer, OrderedEnqueuer, Sequence

_BAD_OUTPUT = "Output of generator should be a tuple `(x, y, sample_weight)` or `(x, y)`. Found: %s"


def _is_stream(data):
    return isinstance(data, Sequence) or hasattr(data, "__next__")


def _check_stream(what, name, data):
    if not _is_stream(data):
        hint = " (call the generator function to get a generator)" if callable(data) else ""
        raise TypeError("%s: `%s` must be a Python generator or iterator yielding batches, or a "
                        "keras.utils.Sequence. Received: %r%s" % (what, name, data, hint))


def _check_int(what, name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError("%s: `%s` must be an integer >= %d. Received: %s=%r"
                         % (what, name, minimum, name, value))
    return int(value)


def _check_common(what, workers, max_queue_size, verbose):
    _check_int(what, "workers", workers, 0)
    _check_int(what, "max_queue_size", max_queue_size, 1)
    if verbose not in (0, 1, 2):
        raise ValueError("%s: `verbose` must be 0, 1 or 2. Received: verbose=%r" % (what, verbose))


def _steps(what, name, steps, data):
    """``steps`` as given, or the Sequence's length (Keras requires it for other generators)."""
    if steps is None:
        if not isinstance(data, Sequence):
            raise ValueError("%s: `%s=None` is only valid for a generator based on the "
                             "`keras.utils.Sequence` class. Please specify `%s` or use the "
                             "`keras.utils.Sequence` class." % (what, name, name))
        steps = len(data)
        if steps == 0:
            raise ValueError("%s: the Sequence %r is empty (len() is 0), so `%s` would be 0. A "
                             "Sequence must hold at least one batch." % (what, data, name))
    return _check_int(what, name, steps, 1)


def _warn_copies(what, data, workers, use_multiprocessing):
    if use_multiprocessing and workers > 1 and not isinstance(data, Sequence):
        warnings.warn("%s: a generator with `use_multiprocessing=True` and %d workers runs one copy "
                      "of the generator per process, so batches may repeat. Use a "
                      "`keras.utils.Sequence` to get every batch once." % (what, workers),
                      UserWarning, stacklevel=5)


class _Streams(object):
    """The enqueuers one call opened; :meth:`close` stops them all."""

    def __init__(self):
        self.enqueuers = []

    def open(self, data, workers, use_multiprocessing, max_queue_size, shuffle=False):
        """An endless iterator of ``data``'s batches (through an enqueuer when ``workers > 0``)."""
        if workers > 0:
            if isinstance(data, Sequence):
                enqueuer = OrderedEnqueuer(data, use_multiprocessing=use_multiprocessing,
                                           shuffle=shuffle)
            else:
                enqueuer = GeneratorEnqueuer(data, use_multiprocessing=use_multiprocessing)
            self.enqueuers.append(enqueuer)
            enqueuer.start(workers=workers, max_queue_size=max_queue_size)
            return enqueuer.get()
        if isinstance(data, Sequence):
            return data_utils._iter_sequence(data, shuffle)
        return data

    def close(self):
        """Stop every enqueuer (the training one first); the first failure is raised after."""
        enqueuers, self.enqueuers = self.enqueuers, []
        failures = []
        for enqueuer in reversed(enqueuers):
            try:
                enqueuer.stop()
            except Exception as exc:  # re-raised below, once every enqueuer had its stop()
                failures.append(exc)
        if failures:
            raise failures[0]


def _draw(stream, what, step, steps):
    try:
        return next(stream)
    except StopIteration as exc:
        raise RuntimeError("%s: the generator ran out of batches after %d of the %d steps wanted. "
                           "A generator must loop forever (`while True:`) or yield at least "
                           "steps x epochs batches; or lower the steps." % (what, step, steps)) from exc


def _unpack(output):
    if isinstance(output, dict) or not hasattr(output, "__len__") or len(output) not in (2, 3):
        raise ValueError(_BAD_OUTPUT % (output,))
    if len(output) == 2:
        return output[0], output[1], None
    return output[0], output[1], output[2]


def _tensor_batches(model, stream, steps, what, class_weight=None):
    """``steps`` batches from ``stream`` as ``(xs, ys, sample_weights, size)`` tensors."""
    device = model._model_device()
    for step in range(steps):
        x, y, sample_weight = _unpack(_draw(stream, what, step, steps))
        if y is None:
            raise ValueError("%s: the generator yielded y=None; training and evaluation need "
                             "targets `(x, y)` or `(x, y, sample_weight)`." % (what,))
        xs, ys, sws = model._prepare(x, y, sample_weight, class_weight)
        tx, ty, tw = model._tensors(xs, ys, sws, device)
        size = int(tx[0].shape[0]) if tx else 1
        if size == 0:
            raise ValueError("%s: received an empty batch. Batches should contain at least one "
                             "item." % (what,))
        yield tx, ty, tw, size


def fit_generator(model, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                  validation_data=None, validation_steps=None, class_weight=None, max_queue_size=10,
                  workers=1, use_multiprocessing=False, shuffle=True, initial_epoch=0):
    """See :meth:`torkeras.engine.training.Model.fit_generator`."""
    what = "fit_generator"
    model._check_compiled("training the model")
    _check_stream(what, "generator", generator)
    _check_common(what, workers, max_queue_size, verbose)
    epochs = _check_int(what, "epochs", epochs, 0)
    initial_epoch = _check_int(what, "initial_epoch", initial_epoch, 0)
    _warn_copies(what, generator, workers, use_multiprocessing)
    steps_per_epoch = _steps(what, "steps_per_epoch", steps_per_epoch, generator)
    val_stream = _is_stream(validation_data)
    if not val_stream and validation_data is not None and (
            not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3)):
        raise ValueError("%s: `validation_data` should be a tuple `(val_x, val_y, "
                         "val_sample_weight)` or `(val_x, val_y)`, or a generator or Sequence. "
                         "Found: %s" % (what, validation_data))
    if not val_stream and validation_data is not None and validation_data[1] is None:
        raise ValueError("%s: `validation_data` needs targets: `(val_x, val_y)`. Found val_y=None."
                         % (what,))
    do_validation = bool(validation_data)
    if val_stream and not isinstance(validation_data, Sequence) and not validation_steps:
        raise ValueError("%s: `validation_steps=None` is only valid for a generator based on the "
                         "`keras.utils.Sequence` class. Please specify `validation_steps` or use the "
                         "`keras.utils.Sequence` class." % (what,))
    if val_stream and do_validation:
        validation_steps = _steps(what, "validation_steps", validation_steps or None, validation_data)
    val_tensors = val_arrays = None
    if do_validation and not val_stream:
        vsw = validation_data[2] if len(validation_data) == 3 else None
        val_xs, val_ys, val_sws = model._prepare(validation_data[0], validation_data[1], vsw, None)
        val_tensors = model._tensors(val_xs, val_ys, val_sws, model._model_device())
        val_arrays = list(val_xs) + list(val_ys)

    streams = _Streams()
    opened = {}

    def epoch_batches(epoch):
        if not opened:  # opened after on_train_begin, validation first (as Keras)
            if do_validation and val_stream:
                opened["val"] = streams.open(validation_data, workers, use_multiprocessing,
                                             max_queue_size)
            opened["train"] = streams.open(generator, workers, use_multiprocessing, max_queue_size,
                                           shuffle)
        return _tensor_batches(model, opened["train"], steps_per_epoch, what, class_weight)

    def validate(last_batch_size):
        if val_stream:
            batches = _tensor_batches(model, opened["val"], validation_steps,
                                      what + " (validation_data)")
            return model._evaluate_batches(batches, validation_steps, 0, by_steps=True)
        tx, ty, tw = val_tensors
        return model._test_loop(tx, ty, tw, last_batch_size)

    out_labels = list(model._compiled.metrics_names)
    params = {"epochs": epochs, "steps": steps_per_epoch, "verbose": verbose,
              "do_validation": do_validation,
              "metrics": out_labels + ["val_" + n for n in out_labels]}
    try:
        return model._run_epochs(epoch_batches, steps_per_epoch, validate if do_validation else None,
                                 initial_epoch, callbacks, params, "steps", val_arrays,
                                 generator_mode=True, on_finish=streams.close)
    finally:
        streams.close()


def evaluate_generator(model, generator, steps=None, max_queue_size=10, workers=1,
                       use_multiprocessing=False, verbose=0):
    """See :meth:`torkeras.engine.training.Model.evaluate_generator`."""
    what = "evaluate_generator"
    model._check_compiled("evaluating the model")
    _check_stream(what, "generator", generator)
    _check_common(what, workers, max_queue_size, verbose)
    _warn_copies(what, generator, workers, use_multiprocessing)
    steps = _steps(what, "steps", steps, generator)
    streams = _Streams()
    try:
        stream = streams.open(generator, workers, use_multiprocessing, max_queue_size)
        outs = model._evaluate_batches(_tensor_batches(model, stream, steps, what), steps, verbose,
                                       by_steps=True)
    finally:
        streams.close()
    return outs[0] if len(outs) == 1 else outs


def predict_generator(model, generator, steps=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, verbose=0):
    """See :meth:`torkeras.engine.training.Model.predict_generator`."""
    what = "predict_generator"
    _check_stream(what, "generator", generator)
    _check_common(what, workers, max_queue_size, verbose)
    _warn_copies(what, generator, workers, use_multiprocessing)
    steps = _steps(what, "steps", steps, generator)
    progbar = None
    if verbose == 1:
        from ..utils.generic_utils import Progbar
        progbar = Progbar(target=steps)
    per_output = []
    streams = _Streams()
    try:
        stream = streams.open(generator, workers, use_multiprocessing, max_queue_size)
        for step in range(steps):
            output = _draw(stream, what, step, steps)
            if isinstance(output, tuple):  # (x, y) or (x, y, sample_weight): predict on x
                if len(output) not in (2, 3):
                    raise ValueError(_BAD_OUTPUT % (output,))
                output = output[0]
            outs = model.predict_on_batch(output)
            outs = outs if isinstance(outs, list) else [outs]
            if not per_output:
                per_output = [[] for _ in outs]
            for store, out in zip(per_output, outs):
                store.append(out)
            if progbar is not None:
                progbar.update(step + 1)
    finally:
        streams.close()
    joined = [parts[0] if len(parts) == 1 else np.concatenate(parts) for parts in per_output]
    return joined[0] if len(joined) == 1 else joined
