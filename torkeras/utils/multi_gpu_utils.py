"""Data parallelism over several GPUs (``keras.utils.multi_gpu_model``, Keras 2.2.4).

``multi_gpu_model(model, gpus)`` returns a new model that, on every call, splits the batch into one
slice per GPU (Keras's rule: equal slices, the last one takes the remainder), runs a replica of
``model`` on each GPU (``torch.nn.parallel.replicate``: the replicas share ``model``'s weights, so
training the parallel model trains ``model``) and concatenates the outputs along the batch axis. Its
outputs carry the names of ``model``'s outputs, so per-output losses and metrics keep their keys.
Save and load ``model`` (the template), as Keras advises.

Differences from Keras 2.2.4, each stated:

* ``model``'s weights are moved to the first GPU of ``gpus`` (replication starts from there).
* ``cpu_merge``: torkeras concatenates the outputs on the first GPU, where the training loop computes
  the loss; merging on the CPU would only add a copy. Both values give the same numbers.
* ``cpu_relocation=True`` (build the weights on the CPU) is refused: the weights must live on the
  first GPU for replication.

Example:
    >>> parallel = multi_gpu_model(model, gpus=2)
    >>> parallel.compile('rmsprop', 'categorical_crossentropy')
    >>> parallel.fit(x, y, batch_size=256)
"""
import torch

from ..backend.device import cuda_device_count as _cuda_device_count

__all__ = ["multi_gpu_model"]

#: Names Keras 2.2.4's module imported (``from keras.utils.multi_gpu_utils import Model`` worked),
#: resolved on first access: importing the layers here would be circular.
_LAZY = {"Lambda": "torkeras.layers.core", "Model": "torkeras.engine.training",
         "concatenate": "torkeras.layers.merge", "clone_model": "torkeras.models"}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _target_gpu_ids(gpus, available):
    """Keras 2.2.4's checks of ``gpus`` against the ``available`` number of GPUs -> list of ids."""
    if not gpus:
        gpus = available
    if isinstance(gpus, (list, tuple)):
        if len(gpus) <= 1:
            raise ValueError("For multi-gpu usage to be effective, call `multi_gpu_model` with "
                             "`len(gpus) >= 2`. Received: `gpus=%s`" % (gpus,))
        if not all(_is_int(g) and g >= 0 for g in gpus) or len(set(gpus)) != len(gpus):
            raise ValueError("multi_gpu_model: `gpus` must list distinct GPU ids (integers >= 0). "
                             "Received: gpus=%r" % (gpus,))
        ids = list(gpus)
    elif _is_int(gpus):
        if gpus <= 1:
            raise ValueError("For multi-gpu usage to be effective, call `multi_gpu_model` with "
                             "`gpus >= 2`. Received: `gpus=%d`" % gpus)
        ids = list(range(gpus))
    else:
        raise TypeError("multi_gpu_model: `gpus` must be an integer >= 2 or a list of GPU ids. "
                        "Received: gpus=%r" % (gpus,))
    have = ["/cpu:0"] + ["/gpu:%d" % i for i in range(available)]
    wanted = ["/cpu:0"] + ["/gpu:%d" % i for i in ids]
    if any(d not in have for d in wanted):
        raise ValueError("To call `multi_gpu_model` with `gpus=%s`, we expect the following devices to "
                         "be available: %s. However this machine only has: %s. Try reducing `gpus`."
                         % (gpus, wanted, have))
    return ids


def batch_slices(batch_size, parts):
    """Keras's split of a batch into ``parts`` slices: ``batch_size // parts`` rows each, the last
    slice also takes the remainder. Returns a list of ``(start, stop)``.

    Example:
        >>> batch_slices(10, 3)
        [(0, 3), (3, 6), (6, 10)]
    """
    step = batch_size // parts
    return [(i * step, batch_size if i == parts - 1 else (i + 1) * step) for i in range(parts)]


def _replicas(model, devices):
    """One copy of ``model`` per device sharing its weights (gradients flow back to ``model``)."""
    if all(d.type == "cpu" for d in devices):
        return [model] * len(devices)   # one CPU: the model itself, once per slice
    return torch.nn.parallel.replicate(model, devices, detach=not torch.is_grad_enabled())


def _make_replicas_layer():
    from ..engine.base_layer import Layer

    class Replicas(Layer):
        """Runs ``template`` on one batch slice per device and concatenates the outputs."""

        def __init__(self, template, devices, **kwargs):
            super(Replicas, self).__init__(**kwargs)
            self.template = template
            self.devices = list(devices)
            self.built = True

        def _sublayers(self):
            return [self.template]

        def compute_output_shape(self, input_shape):
            return self.template.compute_output_shape(input_shape)

        def call(self, inputs, training=None):
            xs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
            slices = batch_slices(int(xs[0].shape[0]), len(self.devices))
            replicas = _replicas(self.template, self.devices)
            merge_on = self.devices[0]
            outputs = []
            for replica, dev, (start, stop) in zip(replicas, self.devices, slices):
                part = [x[start:stop].to(dev, non_blocking=True) for x in xs]
                out = replica(part[0] if len(part) == 1 else part, training=training)
                outputs.append(out if isinstance(out, (list, tuple)) else [out])
            merged = [torch.cat([o[k].to(merge_on) for o in outputs], dim=0)
                      for k in range(len(outputs[0]))]
            return merged[0] if len(merged) == 1 else merged

    return Replicas


def _output_names(names):
    """Keras 2.2.4: repeated output names get ``_1``, ``_2``... suffixes."""
    repeated = {n for n in names if names.count(n) > 1}
    counter = dict.fromkeys(repeated, 0)
    out = []
    for n in names:
        if n in counter:
            counter[n] += 1
            n = "%s_%d" % (n, counter[n])
        out.append(n)
    return out


def _parallel_model(model, devices):
    from ..engine.network import Input
    from ..engine.training import Model
    from ..layers.core import Activation
    model.to(devices[0])
    inputs = [Input(batch_shape=tuple(shape), name=name)
              for shape, name in zip(model._feed_input_shapes(), model.input_names)]
    outs = _make_replicas_layer()(model, devices, name=model.name)(
        inputs[0] if len(inputs) == 1 else inputs)
    outs = outs if isinstance(outs, list) else [outs]
    merged = [Activation("linear", name=name)(o) for name, o in zip(_output_names(model.output_names),
                                                                     outs)]
    return Model(inputs if len(inputs) > 1 else inputs[0], merged if len(merged) > 1 else merged[0])


def multi_gpu_model(model, gpus=None, cpu_merge=True, cpu_relocation=False):
    """Replicate ``model`` on several GPUs: each runs one slice of every batch.

    Args:
        model: a built model (the template; keep it to save weights).
        gpus: integer >= 2 (the first ``gpus`` GPUs) or a list of GPU ids; None: every GPU.
        cpu_merge: accepted for Keras compatibility; outputs are concatenated on the first GPU
            (see the module docstring).
        cpu_relocation: must be False (building the weights on the CPU is not supported).

    Returns:
        A model whose outputs are the template's, computed in parallel.

    Raises:
        ValueError: fewer than two GPUs asked for or present (Keras's messages), or
            ``cpu_relocation=True``.
        TypeError: ``gpus``, ``cpu_merge`` or ``cpu_relocation`` of the wrong type.

    Example:
        >>> parallel_model = multi_gpu_model(model, gpus=2)
    """
    for name, value in (("cpu_merge", cpu_merge), ("cpu_relocation", cpu_relocation)):
        if not isinstance(value, bool):
            raise TypeError("multi_gpu_model: `%s` must be True or False. Received: %s=%r"
                            % (name, name, value))
    ids = _target_gpu_ids(gpus, _cuda_device_count())
    if cpu_relocation:
        raise ValueError("multi_gpu_model: cpu_relocation=True is not supported by torkeras (the "
                         "template's weights are replicated from the first GPU). Pass "
                         "cpu_relocation=False; the model is moved to cuda:%d." % ids[0])
    if not getattr(model, "built", False):
        raise ValueError("multi_gpu_model: the model %r is not built. Give its first layer an input "
                         "shape (or build it) first." % (getattr(model, "name", model),))
    return _parallel_model(model, [torch.device("cuda", i) for i in ids])
