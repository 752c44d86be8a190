"""Standalone Keras 2.0-2.3.1 files: config and weight upgrades (plain data, no h5py here).

What the readers of those versions did, and what torkeras therefore does when it loads their files
(sources read in the Keras git tags named; none of the code is Keras's):

* Configs. Sequential configs are a list of layer entries up to 2.2.2 and a dict with ``name`` and
  ``layers`` from 2.2.3 (engine/sequential.py @ 2.2.3); the first layer carries
  ``batch_input_shape`` and, up to 2.1.6, the only ``dtype`` (engine/topology.py ``Layer.__init__``
  @ 2.0.8 and 2.1.6; every layer from 2.2.0). ``Sequential.from_config`` reads both forms. Files of
  2.0.5-2.2.0 may hold numpy arrays as ``{"type": "ndarray", "value": [...]}`` (the JSON default of
  keras/models.py @ 2.0.5-2.1.6, engine/saving.py @ 2.2.0): :func:`upgrade_config` turns them back
  into lists. 2.0-2.1 Sequential files whose first layer is a legacy ``Merge`` of branch models
  (keras/models.py ``legacy_get_config`` @ 2.0.8) are read by ``torkeras.legacy.layers.Merge``.
* Weights (``preprocess_weights_for_loading`` @ 2.2.4, which tf.keras kept; 2.0.x did the same for
  Keras 2 files except that the wrapper recursion was Keras-1-only before 2.1.x):
  - ``Bidirectional``: the first half of the arrays belongs to the forward layer, the second half
    to the backward layer; ``TimeDistributed``: the arrays are the inner layer's; a nested
    ``Model``/``Sequential`` stores every sublayer's trainable arrays first, then every sublayer's
    non-trainable ones (Keras ``Network.weights``). Each part is converted as its own layer.
  - Conv1D/2D/3D, Conv2DTranspose and ConvLSTM2D kernels written by the Theano backend are true
    convolution kernels: every spatial axis is reversed (``_need_convert_kernel`` and
    ``conv_utils.convert_kernel`` @ 2.2.4; only the file's ``backend`` attribute decides).
    ``reshape=True`` reshapes a kernel of the right size; otherwise a 4-D kernel whose shape does
    not fit is transposed (3, 2, 0, 1), the last-resort fix of 2.0.8-2.2.4, here with a warning and
    only when the result fits.
  - LSTM <-> CuDNNLSTM and GRU(reset_after=True) <-> CuDNNGRU, both directions
    (``_convert_rnn_weights`` @ 2.2.4, 2.1.6): the file's layout is told by the bias shape. cuDNN
    reads each gate's ``(input_dim, units)`` block flattened row-major as a ``(units, input_dim)``
    matrix (cudnn_recurrent.py ``_canonical_to_params`` @ 2.2.4), so a gate's input kernel
    ``K_native = reshape(K_cudnn.ravel(), (units, input_dim)).T``; recurrent kernels are transposed
    per gate; CuDNNLSTM's input and recurrent biases are summed into LSTM's one bias (and halved
    the other way: any split with the same sum computes the same), CuDNNGRU's ``(6u,)`` bias is
    GRU's ``(2, 3u)``. GRU(reset_after=False) has no cuDNN counterpart: refused.
"""
import warnings

import numpy as np

CONV_CLASSES = ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "ConvLSTM2D")
#: Backends whose convolution is a correlation (kernel not flipped) - the Keras 2.2.4 table.
_CORRELATION = {"tensorflow": True, "cntk": True, "theano": False}


# ---------------------------------------------------------------------------- configs
def upgrade_config(entry):
    """A Keras 2.0-2.3.1 ``model_config`` in the form torkeras reads: numpy values that 2.0.5-2.2.0
    wrote as ``{"type": "ndarray", "value": ...}`` become plain lists. Everything else is read as
    written (the layers accept Keras 2.0-2.3 keys)."""
    if isinstance(entry, dict):
        if set(entry) == {"type", "value"} and entry["type"] == "ndarray":
            return upgrade_config(entry["value"])
        return {k: upgrade_config(v) for k, v in entry.items()}
    if isinstance(entry, list):
        return [upgrade_config(v) for v in entry]
    return entry


# ---------------------------------------------------------------------------- weights
def flip_kernel(kernel):
    """Reverse every spatial axis (all but the last two) of a conv kernel: Theano <-> TF."""
    kernel = np.asarray(kernel)
    index = tuple(slice(None, None, -1) for _ in range(kernel.ndim - 2)) + (slice(None),) * 2
    return np.ascontiguousarray(kernel[index])


def needs_kernel_flip(backend):
    """True when kernels written by ``backend`` must be flipped for torkeras (a correlation)."""
    if backend is None:
        return False
    return _CORRELATION.get(str(backend), True) is False


def _shapes(layer):
    from ..engine.base_layer import Layer
    return [tuple(w.shape) for w in Layer.get_weights(layer)]


def preprocess_weights(layer, weights, backend=None, reshape=False):
    """The arrays a Keras 2.x / tf.keras file stores for ``layer``, in the layout ``layer`` expects.

    Args:
        layer: the torkeras layer that receives them.
        weights: the arrays in the file's ``weight_names`` order.
        backend: the ``backend`` attribute of the file's weights group (None when absent).
        reshape: ``load_weights(reshape=True)``: reshape conv kernels of the right size.

    Returns:
        the converted list of arrays (the input is not modified).

    Raises:
        ValueError: a conversion that cannot be made exactly (e.g. CuDNNGRU weights into a
            ``GRU(reset_after=False)``).

    Example:
        >>> preprocess_weights(model.layers[0], arrays, backend="tensorflow")
    """
    weights = [np.asarray(w) for w in weights]
    cls = layer.__class__.__name__
    if cls == "Bidirectional" and weights:
        half = len(weights) // 2
        return (preprocess_weights(layer.forward_layer, weights[:half], backend, reshape)
                + preprocess_weights(layer.backward_layer, weights[half:], backend, reshape))
    if cls == "TimeDistributed":
        return preprocess_weights(layer.layer, weights, backend, reshape)
    from ..engine.network import Network
    if isinstance(layer, Network):
        return _nested_model(layer, weights, backend, reshape)
    if cls in CONV_CLASSES and weights:
        weights = _conv_kernels(layer, weights, backend, reshape)
    return convert_rnn_weights(layer, weights)


def _nested_model(model, weights, backend, reshape):
    """Trainable arrays of every sublayer first, then the non-trainable ones (Keras's
    ``Network.weights`` order, which is also torkeras's ``weight_names`` order)."""
    subs = model._sublayers()
    parts = {}
    rest = list(weights)
    passes = ("trainable", "other") if model.trainable else ("all",)
    for kind in passes:
        for i, sub in enumerate(subs):
            total = len(sub.weights)
            n_train = len(sub.trainable_weights) if model.trainable else total
            n = n_train if kind == "trainable" else (total - n_train if kind == "other" else total)
            if n:
                parts.setdefault(i, []).append(rest[:n])
                rest = rest[n:]
    if rest:
        return list(weights)  # counts differ: leave the arrays alone, the caller reports the mismatch
    out = {}
    for i, chunks in parts.items():
        converted = preprocess_weights(subs[i], [w for c in chunks for w in c], backend, reshape)
        out[i] = converted
    train, other = [], []
    for i, sub in enumerate(subs):
        if i not in out:
            continue
        n_train = len(sub.trainable_weights) if model.trainable else 0
        train.extend(out[i][:n_train])
        other.extend(out[i][n_train:])
    return train + other


def _conv_kernels(layer, weights, backend, reshape):
    weights = list(weights)
    expected = _shapes(layer)[0]
    if needs_kernel_flip(backend):
        weights[0] = flip_kernel(weights[0])
        if layer.__class__.__name__ == "ConvLSTM2D" and len(weights) > 1:
            weights[1] = flip_kernel(weights[1])
    got = tuple(weights[0].shape)
    if got == expected:
        return weights
    if reshape:
        if weights[0].size != int(np.prod(expected)):
            raise ValueError("cannot reshape the kernel of layer %r: the file's kernel has shape %s "
                             "(%d values), the layer's has shape %s (%d values)."
                             % (layer.name, got, weights[0].size, expected, int(np.prod(expected))))
        weights[0] = weights[0].reshape(expected)
        return weights
    if weights[0].ndim == 4 and tuple(np.transpose(weights[0], (3, 2, 0, 1)).shape) == expected:
        warnings.warn("Layer %r: the file's kernel has shape %s, the layer's %s; transposing it "
                      "(3, 2, 0, 1) as Keras 2.x did for such files. Check the predictions."
                      % (layer.name, got, expected))
        weights[0] = np.ascontiguousarray(np.transpose(weights[0], (3, 2, 0, 1)))
        if layer.__class__.__name__ == "ConvLSTM2D" and len(weights) > 1:
            weights[1] = np.ascontiguousarray(np.transpose(weights[1], (3, 2, 0, 1)))
    return weights


def _per_gate(kernel, n_gates, func):
    return np.concatenate([func(k) for k in np.split(kernel, n_gates, axis=1)], axis=1)


def _input_kernel_from_cudnn(k):
    # cuDNN's (units, input_dim) row-major matrix, stored flat in a (input_dim, units) block.
    return k.reshape(-1).reshape(k.shape[1], k.shape[0]).T


def _input_kernel_to_cudnn(k):
    return np.ascontiguousarray(k.T).reshape(k.shape)


def _convert_kernels(weights, n_gates, from_cudnn):
    fn = _input_kernel_from_cudnn if from_cudnn else _input_kernel_to_cudnn
    kernel = _per_gate(weights[0], n_gates, fn)
    recurrent = _per_gate(weights[1], n_gates, lambda k: k.T)
    return [np.ascontiguousarray(kernel), np.ascontiguousarray(recurrent)]


def _rnn_source(weights, n_gates, kinds):
    units = weights[1].shape[0]
    shape = tuple(weights[2].shape)
    for kind, bias_shape in kinds(units, n_gates):
        if shape == bias_shape:
            return kind
    raise ValueError("the bias has shape %s; for %d units expected one of %s"
                     % (shape, units, [s for _, s in kinds(units, n_gates)]))


def convert_rnn_weights(layer, weights):
    """Native <-> cuDNN layouts for LSTM/CuDNNLSTM and GRU/CuDNNGRU targets (3 arrays only)."""
    cls = layer.__class__.__name__
    if len(weights) != 3 or cls not in ("LSTM", "CuDNNLSTM", "GRU", "CuDNNGRU"):
        return weights
    weights = [np.asarray(w) for w in weights]
    if cls in ("LSTM", "CuDNNLSTM"):
        source = _rnn_source(weights, 4, lambda u, g: [("CuDNNLSTM", (2 * u * g,)),
                                                        ("LSTM", (u * g,))])
        if source == cls:
            return weights
        from_cudnn = source == "CuDNNLSTM"
        bias = (weights[2].reshape(2, -1).sum(axis=0) if from_cudnn
                else np.tile(0.5 * weights[2], 2))
        return _convert_kernels(weights, 4, from_cudnn) + [bias.astype(weights[2].dtype)]
    source = _rnn_source(weights, 3, lambda u, g: [("CuDNNGRU", (2 * u * g,)),
                                                    ("GRU(reset_after=True)", (2, u * g)),
                                                    ("GRU(reset_after=False)", (u * g,))])
    if cls == "CuDNNGRU":
        target = "CuDNNGRU"
    else:
        target = "GRU(reset_after=%s)" % (bool(_reset_after(layer)),)
    if source == target:
        return weights
    if "GRU(reset_after=False)" in (source, target):
        raise ValueError("layer %r is a %s but the file holds %s weights; they are not compatible "
                         "(only GRU(reset_after=True) and CuDNNGRU share a layout). Rebuild the layer "
                         "as %s." % (layer.name, target, source,
                                     "GRU(reset_after=True, recurrent_activation='sigmoid')"
                                     if source == "CuDNNGRU" else source))
    from_cudnn = source == "CuDNNGRU"
    bias = weights[2].reshape((2, -1) if from_cudnn else (-1,))
    return _convert_kernels(weights, 3, from_cudnn) + [bias]


def _reset_after(layer):
    cell = getattr(layer, "cell", None)
    return getattr(cell, "reset_after", getattr(layer, "reset_after", False))


def saved_layers(model, file_layer_names):
    """The layers whose groups a weights file holds, in file order: ``model.layers``, except that
    a Sequential starting with a legacy ``Merge`` of branch models, in a file with no group for that
    Merge (Keras 2.0-2.1 and Keras 1), saved its branches' layers in place of the Merge
    (``legacy_sequential_layers``, keras/models.py @ 2.1.6). torkeras writes the Merge's own group."""
    from ..legacy.layers import Merge, keras1_flattened_layers
    layers = list(model.layers)
    merges = [l for l in layers[:2] if isinstance(l, Merge) and getattr(l, "_branches", None)]
    if merges and merges[0].name not in file_layer_names:
        return keras1_flattened_layers(model)
    return layers


# ---------------------------------------------------------------------------- inspect
def _walk_entries(entry):
    """Every ``{'class_name', 'config'}`` entry of a config, nested ones included."""
    if isinstance(entry, dict):
        if "class_name" in entry and isinstance(entry.get("config"), (dict, list)):
            yield entry
        for value in entry.values():
            for found in _walk_entries(value):
                yield found
    elif isinstance(entry, list):
        for value in entry:
            for found in _walk_entries(value):
                yield found


def describe_conversions(info):
    """What loading a Keras 2.0-2.3 / tf.keras file converts (for ``python -m torkeras inspect``).

    Args:
        info: the report dict of ``saving._inspect.inspect_file``.

    Returns:
        list of lines (empty when nothing applies).
    """
    if info.get("generation") not in ("keras2", "tf.keras"):
        return []
    lines = []
    entries = list(_walk_entries(info.get("model_config")))
    conv = sorted({e["config"].get("name", "?") for e in entries
                   if e["class_name"] in CONV_CLASSES and isinstance(e["config"], dict)})
    if needs_kernel_flip(info.get("backend")) and (conv or info.get("kind") == "weights"):
        lines.append("Theano-backend convolution kernels flipped on every spatial axis (%s)"
                     % (", ".join(conv) if conv else "conv layers of the model it is loaded into"))
    for e in entries:
        if e["class_name"] in ("CuDNNLSTM", "CuDNNGRU") and isinstance(e["config"], dict):
            lines.append("%s layer %r: loads as %s (runs on CPU too); load_weights into a %s "
                         "converts its weights" % (e["class_name"], e["config"].get("name"),
                                                    e["class_name"], e["class_name"][5:]))
        if e["class_name"] == "Merge":
            lines.append("Keras 2.0/2.1 Merge layer read by torkeras's Keras-1 Merge (branch "
                         "weights first)")
    if '"type": "ndarray"' in _json(info.get("model_config")):
        lines.append("numpy values stored as {'type': 'ndarray'} in the config read back as lists")
    return lines


def _json(value):
    import json
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return ""
