"""Model: compile / fit / evaluate / predict with Keras 2.2.4 semantics on torch autograd.

Speed rules (DESIGN.md "Training loop"): arrays become tensors once per call, on the model's device;
batches are index slices; loss and metrics stay on the device as 0-dim tensors (callbacks convert them
only when they print); optimizers use foreach kernels.
"""
import json

import numpy as np
import torch

from .. import backend as K
from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from ..legacy import keras1
from ..backend.device import apply_thread_settings as _apply_thread_settings
from . import _data, _generators, _loops
from .network import Network


def _to_list(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _per_output(value, output_names, what, default=None):
    """Keras's rule: a single value applies to every output; list or dict give one per output."""
    if isinstance(value, dict):
        unknown = [k for k in value if k not in output_names]
        if unknown:
            raise ValueError("Unknown entry in %s dictionary: %r. Only expected the following keys: %s"
                             % (what, unknown[0], output_names))
        return [value.get(n, default) for n in output_names]
    if isinstance(value, (list, tuple)) and what != "metrics":
        if len(value) != len(output_names):
            raise ValueError("When passing a list as %s, it should have one entry per model output. "
                             "The model has %d outputs, but you passed %s=%r"
                             % (what, len(output_names), what, value))
        return list(value)
    return [value] * len(output_names)


class _Compiled(object):
    """Everything compile() decided, resolved once."""
    __slots__ = ("optimizer", "loss_fns", "loss_weights", "metric_fns", "metrics_names",
                 "sample_weight_modes", "train_params", "regularized", "constrained", "loss_config",
                 "metrics_config", "loss_weights_config", "sample_weight_mode_config",
                 "weighted_metric_fns")


class Model(Network):
    """A trainable stack of layers: the Keras Model API (compile, fit, evaluate, predict, save).

    Subclasses provide ``_forward(inputs, training)`` and input/output names and shapes. This issue's
    container is :class:`~torkeras.engine.sequential.Sequential`.

    Example:
        >>> model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
        >>> model.fit(x, y, batch_size=100, epochs=20)
    """

    @keras1.legacy_interface("Model")
    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        super(Model, self).__init__(name=name, **kwargs)
        self._compiled = None
        self.stop_training = False
        self.history = None
        self.built = False
        if inputs is not None or outputs is not None:
            if inputs is None or outputs is None:
                raise ValueError("Model(inputs, outputs): both are required for a functional model. "
                                 "Received inputs=%r, outputs=%r" % (inputs, outputs))
            self._init_graph(inputs, outputs)

    # Graph models get these from Network; Sequential overrides them.
    def _all_layers(self):
        return list(self.layers)

    def _model_device(self):
        _apply_thread_settings()
        for p in self.parameters():
            return p.device
        for b in self.buffers():
            return b.device
        return K.get_device()

    # ----------------------------------------------------------------- compile
    def compile(self, optimizer, loss=None, metrics=None, loss_weights=None, sample_weight_mode=None,
                weighted_metrics=None, target_tensors=None, **kwargs):
        """Configure the model for training.

        Args:
            optimizer: name (``'adam'``) or optimizer instance.
            loss: name or function, or a list/dict with one per output.
            metrics: list of metric names/functions (``'accuracy'``/``'acc'`` resolved as Keras does).
            loss_weights: list or dict of floats weighting each output's loss.
            sample_weight_mode: None (per sample) or ``'temporal'`` (per timestep).
            weighted_metrics: metrics weighted by sample_weight / class_weight.
        """
        if kwargs:
            raise TypeError("compile() got unexpected keyword arguments: %s. Accepted: optimizer, "
                            "loss, metrics, loss_weights, sample_weight_mode, weighted_metrics."
                            % (", ".join(sorted(kwargs)),))
        if target_tensors is not None:
            raise ValueError("compile(target_tensors=...) is not supported by torkeras: there are no "
                             "placeholders to replace. Pass targets to fit() instead.")
        if loss is None:
            raise ValueError("compile(): `loss` is required (e.g. loss='categorical_crossentropy').")
        self._ensure_built_for_compile()
        out_names = self.output_names
        c = _Compiled()
        c.optimizer = optimizers_module.get(optimizer)
        c.loss_config = loss
        c.metrics_config = metrics
        c.loss_weights_config = loss_weights
        c.sample_weight_mode_config = sample_weight_mode
        loss_list = _per_output(loss, out_names, "loss")
        c.loss_fns = []
        for name, l in zip(out_names, loss_list):
            if l is None:
                raise ValueError("Output %r is missing from the loss dictionary. Pass a loss for every "
                                 "output." % (name,))
            c.loss_fns.append(losses_module.get(l))
        lw = _per_output(1.0 if loss_weights is None else loss_weights, out_names, "loss_weights", 1.0)
        c.loss_weights = [float(w) for w in lw]
        modes = _per_output(sample_weight_mode, out_names, "sample_weight_mode")
        for m in modes:
            if m not in (None, "temporal"):
                raise ValueError("sample_weight_mode must be None or 'temporal'. Received %r" % (m,))
        c.sample_weight_modes = modes
        nested = metrics if isinstance(metrics, dict) else None
        c.metric_fns = []
        c.weighted_metric_fns = []
        names = ["loss"]
        if len(out_names) > 1:
            names.extend("%s_loss" % n for n in out_names)
        shapes = self._output_shapes()
        for i, out_name in enumerate(out_names):
            mlist = _to_list(nested.get(out_name) if nested is not None else metrics)
            wlist = _to_list(weighted_metrics.get(out_name) if isinstance(weighted_metrics, dict)
                             else weighted_metrics)
            per = []
            for weighted, group in ((False, mlist), (True, wlist)):
                for m in group:
                    mname, fn = self._resolve_metric(m, c.loss_fns[i], shapes[i])
                    if weighted:
                        mname = "weighted_" + mname
                    full = mname if len(out_names) == 1 else "%s_%s" % (out_name, mname)
                    base, k = full, 1
                    while full in names:
                        full = "%s_%d" % (base, k)
                        k += 1
                    names.append(full)
                    per.append((full, fn, weighted))
            c.metric_fns.append(per)
        c.metrics_names = names
        self._compiled = c
        self._refresh_trainable()

    def _refresh_trainable(self):
        """Collect trainable parameters, regularizers and constraints (called by compile)."""
        c = self._compiled
        train = []
        seen = set()
        for w in self.trainable_weights:
            if id(w) not in seen:
                seen.add(id(w))
                train.append(w)
        for p in self.parameters():
            p.requires_grad_(id(p) in seen)
        c.train_params = train
        regs, cons = [], []
        for layer in self._flat_layers():
            if layer._regularized:
                regs.append(layer)
            if layer._constraints:
                cons.append(layer)
        c.regularized = regs
        c.constrained = cons

    def _flat_layers(self):
        out = []
        stack = list(self.layers)
        while stack:
            layer = stack.pop(0)
            out.append(layer)
            stack[0:0] = list(layer._sublayers())
        return out

    def _ensure_built_for_compile(self):
        pass

    @staticmethod
    def _resolve_metric(m, loss_fn, output_shape):
        if m in ("accuracy", "acc", "ce", "crossentropy"):
            is_acc = m in ("accuracy", "acc")
            last = output_shape[-1] if output_shape else None
            if last == 1 or loss_fn is losses_module.binary_crossentropy:
                fn = metrics_module.binary_accuracy if is_acc else metrics_module.binary_crossentropy
            elif loss_fn is losses_module.sparse_categorical_crossentropy:
                fn = (metrics_module.sparse_categorical_accuracy if is_acc
                      else metrics_module.sparse_categorical_crossentropy)
            else:
                fn = (metrics_module.categorical_accuracy if is_acc
                      else metrics_module.categorical_crossentropy)
            return ("acc" if is_acc else "ce"), fn
        fn = metrics_module.get(m)
        return getattr(fn, "__name__", fn.__class__.__name__), fn

    @property
    def optimizer(self):
        return None if self._compiled is None else self._compiled.optimizer

    @optimizer.setter
    def optimizer(self, value):
        if self._compiled is None:
            raise AttributeError("Compile the model before setting its optimizer.")
        self._compiled.optimizer = optimizers_module.get(value)

    @property
    def metrics_names(self):
        if self._compiled is None:
            return []
        return list(self._compiled.metrics_names)

    @property
    def loss(self):
        return None if self._compiled is None else self._compiled.loss_config

    @property
    def loss_functions(self):
        return [] if self._compiled is None else list(self._compiled.loss_fns)

    @property
    def loss_weights(self):
        return None if self._compiled is None else self._compiled.loss_weights_config

    @property
    def metrics(self):
        return [] if self._compiled is None else self._compiled.metrics_config

    @property
    def sample_weight_mode(self):
        return None if self._compiled is None else self._compiled.sample_weight_mode_config

    def _check_compiled(self, what):
        if self._compiled is None:
            raise RuntimeError("You must compile your model before %s. Use `model.compile(optimizer, "
                               "loss)`." % (what,))

    # ----------------------------------------------------------------- one step
    def _loss_terms(self, outs, ys, sws, extra_losses):
        c = self._compiled
        total = None
        per_output = []
        for i, (out, y, fn) in enumerate(zip(outs, ys, c.loss_fns)):
            score = fn(y, out)
            sw = sws[i] if sws else None
            if sw is not None:
                while score.dim() > sw.dim():
                    score = score.mean(dim=-1)
                score = score * sw
                nonzero = (sw != 0).to(score.dtype).mean()
                value = score.mean() / nonzero
            else:
                value = score.mean()
            per_output.append(value)
            term = value if c.loss_weights[i] == 1.0 else value * c.loss_weights[i]
            total = term if total is None else total + term
        for layer in c.regularized:
            for reg in layer.losses:
                total = total + reg
        if extra_losses:
            for e in extra_losses:
                total = total + e
        return total, per_output

    def _metric_values(self, outs, ys, sws):
        vals = []
        for i, per in enumerate(self._compiled.metric_fns):
            for _, fn, weighted in per:
                v = fn(ys[i], outs[i])
                if weighted and sws and sws[i] is not None:
                    sw = sws[i]
                    while v.dim() > sw.dim():
                        v = v.mean(dim=-1)
                    vals.append((v * sw).mean() / (sw != 0).to(v.dtype).mean())
                else:
                    vals.append(v.to(torch.float32).mean())
        return vals

    def _train_step(self, xs, ys, sws):
        c = self._compiled
        params = c.train_params
        for p in params:
            p.grad = None
        outs, extra = self._forward(xs, True)
        total, per_output = self._loss_terms(outs, ys, sws, extra)
        total.backward()
        c.optimizer.step(params)
        for layer in c.constrained:
            layer._apply_constraints()
        with torch.no_grad():
            results = [total.detach()]
            if len(outs) > 1:
                results.extend(v.detach() for v in per_output)
            if self._has_metrics:
                detached = [o.detach() for o in outs]
                results.extend(self._metric_values(detached, ys, sws))
        return results

    def _test_step(self, xs, ys, sws):
        outs, _ = self._forward(xs, False)
        total, per_output = self._loss_terms(outs, ys, sws, None)
        results = [total]
        if len(outs) > 1:
            results.extend(per_output)
        if self._has_metrics:
            results.extend(self._metric_values(outs, ys, sws))
        return results

    @property
    def _has_metrics(self):
        return any(self._compiled.metric_fns)

    # ----------------------------------------------------------------- data
    def _prepare(self, x, y, sample_weight=None, class_weight=None, check_batch_axis=False):
        self._build_from_data(x)
        xs = _data.standardize(x, self.input_names, self._feed_input_shapes(), "input",
                               check_batch_axis)
        ys = None
        sws = None
        if y is not None:
            shapes = []
            for shape, fn in zip(self._output_shapes(), self._compiled.loss_fns):
                if fn is losses_module.sparse_categorical_crossentropy:
                    shape = tuple(shape[:-1]) + (1,)
                shapes.append(shape)
            ys = _data.standardize(y, self.output_names, shapes, "target", check_batch_axis)
            sws = _data.standardize_sample_weights(sample_weight, class_weight, ys, self.output_names,
                                                   self._compiled.sample_weight_modes)
            _data.check_lengths(xs, ys, sws)
        elif len({len(a) for a in xs}) > 1:
            _data.check_lengths(xs, [])
        return xs, ys, sws

    def _build_from_data(self, x):
        pass

    def _tensors(self, xs, ys, sws, device):
        tx = [_data.to_tensor(a, device) for a in xs]
        ty = None if ys is None else [_data.target_tensor(a, device) for a in ys]
        tw = None
        if sws is not None and any(w is not None for w in sws):
            tw = [None if w is None else torch.from_numpy(w).to(device) for w in sws]
        return tx, ty, tw

    # ----------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs=None, verbose=1, callbacks=None,
            validation_split=0., validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            **kwargs):
        """Train for a number of epochs (Keras 2.2.4 semantics; Keras-1 ``nb_epoch`` accepted).

        Returns:
            A :class:`~torkeras.callbacks.History`; ``history.history`` has ``loss``, ``acc``,
            ``val_loss``, ``val_acc`` (``accuracy``/``val_accuracy`` answer the same lists).
        """
        if kwargs:
            given = dict(kwargs)
            if epochs is not None:
                given["epochs"] = epochs
            _, given = keras1.convert("fit", (), given)
            epochs = given.pop("epochs", None)
            if given:
                raise TypeError("Unrecognized keyword arguments: %s" % (given,))
        if epochs is None:
            epochs = 1
        self._check_compiled("training the model")
        if steps_per_epoch is not None or validation_steps is not None:
            raise ValueError("fit(): steps_per_epoch/validation_steps apply to tensor inputs, which "
                             "torkeras does not take; pass numpy arrays with batch_size, or use "
                             "fit_generator.")
        if x is None or y is None:
            raise ValueError("fit(): both `x` and `y` are required (numpy arrays).")
        if batch_size is None:
            batch_size = 32
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError("fit(): `batch_size` must be a positive integer. Received: batch_size=%r"
                             % (batch_size,))
        if not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool) or epochs < 0:
            raise ValueError("fit(): `epochs` must be a non-negative integer. Received: epochs=%r"
                             % (epochs,))
        if verbose not in (0, 1, 2):
            raise ValueError("fit(): `verbose` must be 0, 1 or 2. Received: verbose=%r" % (verbose,))
        if shuffle not in (True, False, "batch"):
            raise ValueError("fit(): `shuffle` must be True, False or 'batch'. Received %r" % (shuffle,))
        xs, ys, sws = self._prepare(x, y, sample_weight, class_weight)
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
                raise ValueError("When passing validation_data, it must contain 2 (x_val, y_val) or 3 "
                                 "(x_val, y_val, val_sample_weights) items, however it contains %s items"
                                 % (len(validation_data) if hasattr(validation_data, "__len__") else
                                    validation_data,))
            vsw = validation_data[2] if len(validation_data) == 3 else None
            val = self._prepare(validation_data[0], validation_data[1], vsw, None)
        elif validation_split and 0. < validation_split < 1.:
            n = len(xs[0])
            split_at = int(n * (1. - validation_split))
            val = ([a[split_at:] for a in xs], [a[split_at:] for a in ys],
                   [None if w is None else w[split_at:] for w in sws])
            xs = [a[:split_at] for a in xs]
            ys = [a[:split_at] for a in ys]
            sws = [None if w is None else w[:split_at] for w in sws]
        elif validation_split:
            raise ValueError("fit(): `validation_split` must be in [0, 1). Received %r"
                             % (validation_split,))
        device = self._model_device()
        tx, ty, tw = self._tensors(xs, ys, sws, device)
        vt = None
        if val is not None:
            vt = self._tensors(val[0], val[1], val[2], device)
        return self._fit_loop(tx, ty, tw, vt, batch_size, epochs, verbose, callbacks, shuffle,
                              initial_epoch)

    # The epoch/batch loops live in engine/_loops.py (also used by the generator methods).
    _fit_loop = _loops.fit_loop
    _run_epochs = _loops.run_epochs
    _test_loop = _loops.test_loop
    _evaluate_batches = _loops.evaluate_batches

    # ----------------------------------------------------------------- evaluate / predict
    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None, steps=None):
        """Loss (and metrics) on the given data: a scalar, or a list ordered as ``metrics_names``."""
        self._check_compiled("evaluating the model")
        if steps is not None:
            raise ValueError("evaluate(): `steps` applies to tensor inputs; pass numpy arrays.")
        batch_size = 32 if batch_size is None else batch_size
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError("evaluate(): `batch_size` must be a positive integer. Received: %r"
                             % (batch_size,))
        xs, ys, sws = self._prepare(x, y, sample_weight, None)
        tx, ty, tw = self._tensors(xs, ys, sws, self._model_device())
        outs = self._test_loop(tx, ty, tw, batch_size, verbose=verbose)
        if len(outs) == 1:
            return outs[0]
        return outs

    def predict(self, x, batch_size=None, verbose=0, steps=None):
        """Output predictions as numpy arrays (a list for several outputs)."""
        if steps is not None:
            raise ValueError("predict(): `steps` applies to tensor inputs; pass numpy arrays.")
        batch_size = 32 if batch_size is None else batch_size
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError("predict(): `batch_size` must be a positive integer. Received: %r"
                             % (batch_size,))
        self._build_from_data(x)
        xs = _data.standardize(x, self.input_names, self._feed_input_shapes(), "input", False)
        if len({len(a) for a in xs}) > 1:
            _data.check_lengths(xs, [])
        device = self._model_device()
        tx = [_data.to_tensor(a, device) for a in xs]
        return self._predict_loop(tx, batch_size, verbose)

    _predict_loop = _loops.predict_loop

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        """One gradient update on a single batch; returns the loss (and metrics)."""
        self._check_compiled("training the model")
        xs, ys, sws = self._prepare(x, y, sample_weight, class_weight)
        tx, ty, tw = self._tensors(xs, ys, sws, self._model_device())
        self.train()
        try:
            outs = self._train_step(tx, ty, tw)
        finally:
            self.eval()
        values = [float(v) for v in torch.stack([o.float() for o in outs]).cpu().numpy()]
        return values[0] if len(values) == 1 else values

    def test_on_batch(self, x, y, sample_weight=None):
        """Loss (and metrics) on a single batch, without updating weights."""
        self._check_compiled("evaluating the model")
        xs, ys, sws = self._prepare(x, y, sample_weight, None)
        tx, ty, tw = self._tensors(xs, ys, sws, self._model_device())
        self.eval()
        with torch.no_grad():
            outs = self._test_step(tx, ty, tw)
        values = [float(v) for v in torch.stack([o.float() for o in outs]).cpu().numpy()]
        return values[0] if len(values) == 1 else values

    def predict_on_batch(self, x):
        """Predictions for a single batch of samples."""
        self._build_from_data(x)
        xs = _data.standardize(x, self.input_names, self._feed_input_shapes(), "input", False)
        tx = [_data.to_tensor(a, self._model_device()) for a in xs]
        return self._predict_loop(tx, max(1, int(tx[0].shape[0])), 0)

    # ----------------------------------------------------------------- generators
    @keras1.legacy_interface("fit_generator")
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, class_weight=None,
                      max_queue_size=10, workers=1, use_multiprocessing=False, shuffle=True,
                      initial_epoch=0):
        """Train on batches from a Python generator or a :class:`~torkeras.utils.Sequence`.

        Args:
            generator: yields ``(x, y)`` or ``(x, y, sample_weight)`` batches, forever; or a Sequence.
            steps_per_epoch / validation_steps: batches per epoch / per validation (Sequence: len).
            epochs, verbose, callbacks, class_weight, initial_epoch: as in :meth:`fit`.
            validation_data: a generator, a Sequence or a tuple ``(x, y[, sample_weight])``.
            max_queue_size: batches prepared ahead; workers: threads or processes (0: this thread).
            use_multiprocessing: processes instead of threads. shuffle: a Sequence's batch order.

        Returns:
            A :class:`~torkeras.callbacks.History` (same keys as :meth:`fit`).

        Example:
            >>> model.fit_generator(batches(), steps_per_epoch=100, epochs=5, workers=2)
        """
        return _generators.fit_generator(
            self, generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
            callbacks=callbacks, validation_data=validation_data, validation_steps=validation_steps,
            class_weight=class_weight, max_queue_size=max_queue_size, workers=workers,
            use_multiprocessing=use_multiprocessing, shuffle=shuffle, initial_epoch=initial_epoch)

    @keras1.legacy_interface("evaluate_generator")
    def evaluate_generator(self, generator, steps=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0):
        """Loss (and metrics) over ``steps`` batches of a generator or Sequence.

        Args:
            generator, max_queue_size, workers, use_multiprocessing: as in :meth:`fit_generator`.
            steps: batches to draw (Sequence: its length). verbose: 1 shows a progress bar.

        Returns:
            A scalar, or a list ordered as ``metrics_names``: batch means weighted by batch size.

        Example:
            >>> loss, acc = model.evaluate_generator(batches(), steps=10)
        """
        return _generators.evaluate_generator(
            self, generator, steps=steps, max_queue_size=max_queue_size, workers=workers,
            use_multiprocessing=use_multiprocessing, verbose=verbose)

    @keras1.legacy_interface("predict_generator")
    def predict_generator(self, generator, steps=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0):
        """Predictions for ``steps`` batches of a generator or Sequence, concatenated.

        Args:
            generator: yields ``x``, or ``(x, y[, sample_weight])`` whose ``x`` is used.
            steps, max_queue_size, workers, use_multiprocessing, verbose: as evaluate_generator.

        Returns:
            A numpy array (a list of arrays for several outputs).

        Example:
            >>> probs = model.predict_generator(batches(), steps=10)
        """
        return _generators.predict_generator(
            self, generator, steps=steps, max_queue_size=max_queue_size, workers=workers,
            use_multiprocessing=use_multiprocessing, verbose=verbose)

    # ----------------------------------------------------------------- saving / misc
    def save(self, filepath, overwrite=True, include_optimizer=True):
        """Save architecture, weights, training config and optimizer state to a Keras ``.h5`` file."""
        from ..saving import hdf5_format
        hdf5_format.save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True):
        """Save the weights in Keras's ``save_weights`` HDF5 layout."""
        from ..saving import hdf5_format
        hdf5_format.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, reshape=False,
                     original_backend=None):
        """Load weights saved by Keras or torkeras (topological order, or ``by_name``).

        ``original_backend='theano'`` flips the convolution kernels of a file that does not record
        the backend that trained it (Keras 1).
        """
        from ..saving import hdf5_format
        hdf5_format.load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch,
                                 reshape=reshape, original_backend=original_backend)

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print Keras's summary table."""
        from ..utils.layer_utils import print_summary
        return print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    def _updated_config(self):
        from .. import __version__
        return {"class_name": self.__class__.__name__, "config": self.get_config(),
                "keras_version": "2.2.4", "backend": "tensorflow",
                "torkeras_version": __version__}

    def to_json(self, **kwargs):
        """The model's architecture as a JSON string (Keras's ``to_json``)."""
        from ..saving.hdf5_format import json_default
        return json.dumps(self._updated_config(), default=json_default, **kwargs)

    def to_yaml(self, **kwargs):
        """The model's architecture as a YAML string (Keras's ``to_yaml``; needs PyYAML).

        Plain YAML (lists, no Python tags), read back by ``model_from_yaml``; ``kwargs`` go to
        ``yaml.safe_dump``.
        """
        try:
            import yaml
        except ImportError:
            raise ImportError("Model.to_yaml requires PyYAML: `pip install pyyaml`.")
        return yaml.safe_dump(json.loads(self.to_json()), **kwargs)

    def reset_states(self):
        for layer in self.layers:
            if hasattr(layer, "reset_states") and getattr(layer, "stateful", False):
                layer.reset_states()

    def get_layer(self, name=None, index=None):
        """A layer by name or index."""
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError("Was asked to retrieve layer at index %d but model only has %d layers."
                                 % (index, len(self.layers)))
            return self.layers[index]
        if not name:
            raise ValueError("Provide either a layer name or layer index.")
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError("No such layer: %s. Layers: %s" % (name, [l.name for l in self.layers]))


# Keras 2.2.4 / 1.2.2 names importable from keras.engine.training
from .base_layer import Layer  # noqa: E402,F401
from ..utils.data_utils import GeneratorEnqueuer  # noqa: E402,F401
from ..legacy.training import (batch_shuffle, check_array_lengths,  # noqa: E402,F401
                               check_loss_and_target_compatibility, collect_metrics, make_batches,
                               slice_X, standardize_class_weights, standardize_input_data,
                               standardize_sample_or_class_weights, standardize_sample_weights,
                               standardize_weights, weighted_objective)
Container = Model
