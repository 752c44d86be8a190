"""Reader for files written by Keras 1.0-1.2.2: configs and weights, as plain data (no h5py here).

``hdf5_format`` reads the file and hands this module the model config (a dict) and, per layer of the
file, ``(layer_name, weight_names, arrays)``. This module returns Keras-2 configs and Keras-2 weight
lists. The Keras-1 spellings and layouts are data in :mod:`torkeras.legacy.keras1`; this module
applies them:

* configs: list-style ``Sequential`` (a ``Merge`` of branch models as first layer included) and
  functional ``Model`` configs, whose inbound nodes have Keras 1's 3 entries
  (``Container.get_config`` in keras/engine/topology.py @ 1.2.2); every layer config goes through
  :func:`torkeras.legacy.keras1.file_layer_config`;
* weights: the conversions of ``preprocess_weights_for_loading`` (keras/engine/saving.py @ 2.2.4)
  for ``original_keras_version == '1'``: per-gate LSTM/GRU/ConvLSTM2D arrays fused, 'th' and
  Deconvolution2D kernels transposed, Convolution1D's 4-D kernel squeezed; plus the SeparableConv2D
  'th' kernels Keras 2.2.4 left as they were;
* Theano: Keras 1 files do not record their backend, so kernels are flipped only when the caller
  says ``original_backend='theano'`` (or a ``backend`` attribute says so). Without either, a file with
  convolution kernels loads unflipped with a warning that names the option.

Where torkeras differs from Keras 2.2.4 on purpose: a Keras-1 ``TimeDistributed`` is converted once
(2.2.4 converted its arrays twice); 'th' ConvLSTM2D gate kernels are transposed before they are
joined on the filters axis (2.2.4 joined them on the columns axis first); topological loading of a ``Sequential`` whose first layer is a
``Merge`` of models follows Keras 1's ``flattened_layers`` order (Keras 1.2.2 wrote it that way).
"""
import warnings

import numpy as np

from ..errors import HDF5FormatError, LegacyArgumentError
from ..legacy import keras1
from . import _generations
from ._keras2 import flip_kernel

BACKENDS = ("tensorflow", "theano", "cntk")

_MODEL_CLASSES = ("Sequential", "Model")
_WRAPPERS = ("TimeDistributed", "Bidirectional")


def is_keras1(keras_version, filepath=None):
    """True when a file's or weights group's ``keras_version`` (None when absent) is Keras 1's.

    Example:
        >>> is_keras1(None), is_keras1("1.2.2"), is_keras1("2.2.4")
        (True, True, False)
    """
    try:
        return _generations.detect(keras_version) == _generations.KERAS1
    except ValueError as e:
        if filepath is None:
            raise
        raise HDF5FormatError("%r: %s" % (filepath, e))


def check_original_backend(original_backend):
    """Validate the ``original_backend`` argument of ``load_model`` / ``load_weights``."""
    if original_backend is not None and original_backend not in BACKENDS:
        raise ValueError("`original_backend` must be None (use what the file says), or one of %s: the "
                         "backend the model was trained with. Received: original_backend=%r"
                         % (", ".join(repr(b) for b in BACKENDS), original_backend))
    return original_backend


# ---------------------------------------------------------------------------- configs
def upgrade_model_config(config, filepath):
    """A Keras-1 ``{'class_name', 'config'}`` model config in Keras-2 spelling.

    Args:
        config: the decoded ``model_config`` attribute (or a ``to_json()`` string's object).
        filepath: the file it came from (for error messages).

    Returns:
        a new ``{'class_name', 'config'}`` dict; the input is not modified.
    """
    return _walk(config, filepath)


def _walk(entry, filepath):
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise HDF5FormatError("%r: a Keras-1 layer entry must be a {'class_name', 'config'} dict. "
                              "Received: %r" % (filepath, _short(entry)))
    class_name, config = entry["class_name"], entry.get("config")
    if class_name == "Sequential" and isinstance(config, list):
        return dict(entry, config=[_walk(e, filepath) for e in config])
    if class_name in _MODEL_CLASSES and isinstance(config, dict) and "layers" in config:
        return dict(entry, config=dict(config, layers=[_functional_layer(e, filepath)
                                                       for e in config["layers"]]))
    if not isinstance(config, dict):
        raise HDF5FormatError("%r: the config of a Keras-1 %r layer must be a dict. Received: %r"
                              % (filepath, class_name, _short(config)))
    if class_name == "Merge":
        if config.get("layers") is not None:
            config = dict(config, layers=[_walk(e, filepath) for e in config["layers"]])
        return dict(entry, config=config)
    if class_name in _WRAPPERS and isinstance(config.get("layer"), dict):
        config = dict(config, layer=_walk(config["layer"], filepath))
    try:
        new_class, new_config = keras1.file_layer_config(class_name, config)
    except (TypeError, ValueError) as e:
        raise LegacyArgumentError("Cannot read layer %r (%s) of the Keras-1 file %r: %s"
                                  % (config.get("name"), class_name, filepath, e))
    return dict(entry, class_name=new_class, config=new_config)


def _functional_layer(entry, filepath):
    out = _walk(entry, filepath)
    nodes = []
    for node in entry.get("inbound_nodes", []):
        if not isinstance(node, list):
            raise HDF5FormatError("%r: inbound node %r of layer %r is not a list."
                                  % (filepath, node, entry.get("name")))
        # Keras 1 node entries are [layer, node_index, tensor_index]; Keras 2 adds call kwargs.
        nodes.append([list(e) + [{}] if isinstance(e, list) and len(e) == 3 else e for e in node])
    out["inbound_nodes"] = nodes
    return out


def _short(value):
    text = repr(value)
    return text if len(text) < 200 else text[:200] + "..."


# ---------------------------------------------------------------------------- weights
def convert_layer_weights(class_name, config, arrays, flip=False, where="this layer"):
    """Keras-1 weight arrays of one layer in the Keras-2 layout of the layer that receives them.

    Args:
        class_name: the Keras-2 class of the receiving layer (``'LSTM'``, ``'Conv2D'``...).
        config: that layer's Keras-2 config (``data_format``, ``kernel_size``, ``filters``, inner
            ``layer`` of wrappers).
        arrays: the arrays in the file's ``weight_names`` order.
        flip: the file was trained with Theano: flip convolution kernels on every spatial axis.
        where: ``"layer 'x' of 'file.h5'"`` for error messages.

    Returns:
        list of numpy arrays.

    Example:
        >>> W, U, b = [np.zeros((3, 2))] * 4, [np.zeros((2, 2))] * 4, [np.zeros(2)] * 4
        >>> lstm = [a for gate in zip(W, U, b) for a in gate]
        >>> [a.shape for a in convert_layer_weights('LSTM', {}, lstm)]
        [(3, 8), (2, 8), (8,)]
    """
    arrays = [np.asarray(a) for a in arrays]
    if class_name == "Bidirectional":
        inner = config.get("layer", {})
        half = len(arrays) // 2
        if len(arrays) % 2:
            raise HDF5FormatError("%s: a Bidirectional layer needs as many backward as forward arrays; "
                                  "the file has %d." % (where, len(arrays)))
        return (convert_layer_weights(inner.get("class_name"), inner.get("config", {}), arrays[:half],
                                      flip, where) +
                convert_layer_weights(inner.get("class_name"), inner.get("config", {}), arrays[half:],
                                      flip, where))
    if class_name == "TimeDistributed":
        inner = config.get("layer", {})
        return convert_layer_weights(inner.get("class_name"), inner.get("config", {}), arrays, flip,
                                     where)
    transposes = {index: perm for index, _, perm in
                  keras1.KERNEL_TRANSPOSES.get((class_name, config.get("data_format")), ())}
    if class_name in keras1.GATE_REGROUPS:
        count, groups = keras1.GATE_REGROUPS[class_name]
        if len(arrays) == count:
            # Each gate is moved to the Keras-2 layout before the gates are joined on the filters
            # axis (Keras 2.2.4 joined 'th' ConvLSTM2D gates on the columns axis first).
            arrays = [np.concatenate([_transpose(arrays[i], transposes.get(g), class_name, where)
                                      for i in idx], axis=-1) for g, idx in enumerate(groups)]
            transposes = {}
    if class_name == "Conv1D" and arrays and arrays[0].ndim == 4:
        arrays[0] = _conv1d_kernel(arrays[0], config, where)
    for index, perm in transposes.items():
        if index < len(arrays):
            arrays[index] = _transpose(arrays[index], perm, class_name, where)
    if flip:
        for index in keras1.THEANO_FLIPPED.get(class_name, ()):
            if index < len(arrays):
                arrays[index] = flip_kernel(arrays[index])
    return arrays


def _transpose(array, perm, class_name, where):
    if perm is None:
        return array
    if array.ndim != len(perm):
        raise HDF5FormatError("%s: a Keras-1 %s kernel should have %d axes; the file's has shape %s."
                              % (where, class_name, len(perm), array.shape))
    return np.transpose(array, perm)


def _conv1d_kernel(kernel, config, where):
    """Keras-1 Convolution1D kernel ``(k, 1, in, filters)`` (or the Keras 1.0/1.1 layout
    ``(filters, in, k, 1)``, which Keras 1.2.2's loader transposed) -> ``(k, in, filters)``."""
    size = config.get("kernel_size")
    k = size[0] if isinstance(size, (list, tuple)) else size
    filters = config.get("filters")
    shape = kernel.shape
    if shape[1] == 1 and (k is None or shape[0] == k) and (filters is None or shape[3] == filters):
        return kernel[:, 0, :, :]
    if shape[3] == 1 and (k is None or shape[2] == k) and (filters is None or shape[0] == filters):
        return np.transpose(kernel, (2, 3, 1, 0))[:, 0, :, :]
    raise HDF5FormatError("%s: a Keras-1 Convolution1D kernel has shape (filter_length, 1, input_dim, "
                          "nb_filter) = (%s, 1, ?, %s); the file's has shape %s."
                          % (where, k, filters, shape))


def _topological_layers(model):
    """The model's layers in the order Keras 1 wrote them (``flattened_layers`` for a Sequential
    whose first layer is a Merge of models), those with weights only."""
    from ..legacy.backend_compat import keras1_layer_order
    from ..legacy.layers import keras1_flattened_layers
    from ..engine.sequential import Sequential
    if isinstance(model, Sequential):
        layers = keras1_flattened_layers(model)
    else:   # K.set_legacy_weight_ordering(True): same-depth layers in name order, as Keras 1.2.2
        layers = keras1_layer_order(model, model.layers)
    return [layer for layer in layers if layer.weights]


def weights_plan(model, file_layers, filepath, by_name=False, original_backend=None):
    """Which model layer receives which file layer's arrays, converted to Keras 2.

    Args:
        model: the torkeras model being loaded.
        file_layers: ``[(layer_name, weight_names, arrays)]`` in the file's ``layer_names`` order.
        filepath: for messages.
        by_name: match layers by name instead of by position.
        original_backend: the backend that trained the model (``'theano'`` flips conv kernels), or
            None when unknown.

    Returns:
        ``[(layer, file_layer_name, arrays)]``.
    """
    if by_name:
        index = {}
        for layer in (model._flat_layers() if hasattr(model, "_flat_layers") else model.layers):
            index.setdefault(layer.name, []).append(layer)
        pairs = [(layer, fl) for fl in file_layers for layer in index.get(fl[0], [])]
    else:
        file_layers = [fl for fl in file_layers if fl[1]]
        layers = _topological_layers(model)
        if len(file_layers) != len(layers):
            raise HDF5FormatError(
                "You are trying to load a Keras-1 weight file containing %d layers into a model with "
                "%d layers (file %r; file layers: %s; model layers: %s)."
                % (len(file_layers), len(layers), filepath, [fl[0] for fl in file_layers],
                   [layer.name for layer in layers]))
        pairs = list(zip(layers, file_layers))
    flip = original_backend == "theano"
    plan = []
    for layer, (name, _, arrays) in pairs:
        class_name = layer.__class__.__name__
        if class_name in _MODEL_CLASSES:
            raise HDF5FormatError("Layer %r of %r is a nested model; reading the weights of models "
                                  "nested in a Keras-1 model is not supported (load the nested model "
                                  "from its own file)." % (name, filepath))
        where = "layer %r of the Keras-1 file %r" % (name, filepath)
        plan.append((layer, name, convert_layer_weights(class_name, layer.get_config(), arrays,
                                                        flip=flip, where=where)))
    if original_backend is None and any(_has_flippable_kernel(layer) for layer, _, _ in plan):
        warnings.warn(
            "%r was written by Keras 1, which does not record the backend that trained the model. Its "
            "convolution kernels are loaded as stored, which is right for TensorFlow. If the model was "
            "trained with Theano, load it with original_backend='theano' (load_model(path, "
            "original_backend='theano') or model.load_weights(path, original_backend='theano')) so "
            "the kernels are flipped." % (filepath,), UserWarning, stacklevel=4)
    return plan


def _has_flippable_kernel(layer):
    class_name = layer.__class__.__name__
    if class_name in _WRAPPERS:
        class_name = layer.get_config().get("layer", {}).get("class_name")
    return class_name in keras1.THEANO_FLIPPED


def file_warning(filepath, keras_version):
    """One warning per Keras-1 file read (the per-spelling warnings are for code, not files)."""
    warnings.warn("%r was written by Keras %s: its layer configs and weights were translated to Keras 2 "
                  "(Keras-1 names, per-gate RNN weights, 'th' kernels). Save it again with model.save() "
                  "to get a Keras 2 file." % (filepath, keras_version or "1 (no keras_version)"),
                  UserWarning, stacklevel=4)


def _config_entries(entry):
    if isinstance(entry, dict):
        if "class_name" in entry:
            yield entry
        for value in entry.values():
            for found in _config_entries(value):
                yield found
    elif isinstance(entry, list):
        for value in entry:
            for found in _config_entries(value):
                yield found


def describe_conversions(info):
    """What loading a Keras-1 file converts (for ``python -m torkeras inspect``).

    Args:
        info: the report dict of ``saving._inspect.inspect_file``.

    Returns:
        list of lines (empty unless the file is a Keras-1 file).
    """
    if info.get("generation") != "keras1":
        return []
    lines = ["Keras-1 weight names (dense_1_W, ...) matched to Keras-2 layers in order"]
    if info.get("kind") == "model":
        lines.append("Keras-1 config translated through the Keras-1 table (class and argument "
                     "names, node format)")
    entries = list(_config_entries(info.get("model_config")))
    def keras2_name(entry):
        return keras1.CLASS_RENAMES.get(entry.get("class_name"), (entry.get("class_name"), {}))[0]

    configs = [(keras2_name(e), e["config"]) for e in entries if isinstance(e.get("config"), dict)]
    renamed = {keras2_name(e) for e in entries}
    regroup = sorted({c for c, cfg in configs
                      if c in keras1.GATE_REGROUPS and cfg.get("consume_less") != "gpu"})
    if regroup:
        lines.append("per-gate recurrent arrays regrouped into Keras-2 kernels (%s)" % ", ".join(regroup))
    with_kernels = {c for c, _ in keras1.KERNEL_TRANSPOSES}
    th = sorted({c for c, cfg in configs if c in with_kernels and keras1.channels_first_config(cfg)})
    if th:
        lines.append("'th' (channels_first) kernels transposed to the Keras-2 layout (%s)"
                     % ", ".join(th))
    flippable = sorted(c for c in renamed if c in keras1.THEANO_FLIPPED)
    if flippable:
        if info.get("backend") == "theano":
            lines.append("Theano convolution kernels flipped (%s)" % ", ".join(flippable))
        elif not info.get("backend"):
            lines.append("no backend recorded: conv kernels (%s) are not flipped; pass "
                         "original_backend='theano' if Theano trained the model"
                         % ", ".join(flippable))
    return lines
