"""Layer and model utilities: ``model.summary()`` text, parameter counts, kernel conversion.

``print_summary`` writes Keras 2.2.4's table: 65 characters wide with columns ending at 29, 55
and 65 for sequential-like models; 98 wide with a ``Connected to`` column ending at 32, 53, 65
and 98 for other graphs.

A model is summarised through this duck-typed interface:

* ``model.layers``: layers in display order; each has ``name``, a class whose ``__name__`` is the
  Keras class name, ``output_shape`` (a tuple, a list of tuples, or raising ``AttributeError``,
  shown as ``multiple``) and ``count_params()``.
* ``model.trainable_weights`` / ``model.non_trainable_weights`` (or
  ``model._collected_trainable_weights`` once compiled): tensors, counted once each.
* Graph models set ``model._is_graph_network``. Their connections come either from
  ``model._summary_connections()`` -> list of ``(layer, ['input_1[0][0]', ...])`` in display order,
  or, as in Keras, from ``model._nodes_by_depth`` and each layer's ``_inbound_nodes`` (nodes with
  ``inbound_layers``, ``node_indices``, ``tensor_indices``).
"""
import numpy as np
import torch

__all__ = ["count_params", "print_summary", "convert_all_kernels_in_model",
           "convert_dense_weights_data_format", "get_source_inputs"]


def _numel(weight):
    if isinstance(weight, torch.Tensor):
        return int(weight.numel())
    size = getattr(weight, "size", None)
    if isinstance(size, (int, np.integer)):
        return int(size)
    return int(np.prod(tuple(weight.shape)))


def count_params(weights):
    """Total number of scalars in ``weights``, each distinct weight object counted once.

    Args:
        weights: iterable of tensors (or arrays).

    Returns:
        An int.
    """
    seen = set()
    total = 0
    for w in weights:
        if id(w) in seen:
            continue
        seen.add(id(w))
        total += _numel(w)
    return total


def _shape_text(layer):
    try:
        shape = layer.output_shape
    except AttributeError:
        return "multiple"
    if isinstance(shape, torch.Size):
        shape = tuple(shape)
    elif isinstance(shape, list) and all(d is None or isinstance(d, (int, np.integer)) for d in shape):
        shape = tuple(shape)  # one shape given as a list: Keras shows tuples
    if isinstance(shape, tuple):
        shape = tuple(int(d) if isinstance(d, np.integer) else d for d in shape)
    return str(shape)


def _row(fields, positions):
    """One table row: each field cut at its column stop and padded; one space at least between."""
    line = ""
    for i, (field, stop) in enumerate(zip(fields, positions)):
        if i:
            line = line[:-1] + " "
        line = (line + str(field))[:stop]
        line = line.ljust(stop)
    return line


def _keras_connections(model):
    """(layer, connections) rows from Keras-style nodes, or None when the model has none."""
    nodes_by_depth = getattr(model, "_nodes_by_depth", None)
    if nodes_by_depth is None:
        return None
    relevant = set()
    for nodes in nodes_by_depth.values():
        relevant.update(id(n) for n in nodes)
    rows = []
    for layer in model.layers:
        connections = []
        for node in getattr(layer, "_inbound_nodes", ()):
            if relevant and id(node) not in relevant:
                continue  # node of another network sharing this layer
            for i, inbound in enumerate(node.inbound_layers):
                connections.append("%s[%d][%d]" % (inbound.name, node.node_indices[i],
                                                   node.tensor_indices[i]))
        rows.append((layer, connections))
    return rows


def _keras_sequential_like(model):
    nodes = []
    for level in model._nodes_by_depth.values():
        if len(level) > 1 or (len(level) == 1 and len(level[0].inbound_layers) > 1):
            return False
        nodes.extend(level)
    in_model = set(id(n) for n in nodes)
    for layer in model.layers:
        if sum(1 for node in getattr(layer, "_inbound_nodes", ()) if id(node) in in_model) > 1:
            return False  # shared layer
    return True


def _rows_sequential_like(rows):
    """The Keras rule (one chain, nothing shared) read off a list of (layer, connections)."""
    sources = 0
    fed = set()
    for _, connections in rows:
        if len(connections) > 1:
            return False  # merge or shared layer
        if not connections:
            sources += 1
        for c in connections:
            producer = c.split("[", 1)[0]
            if producer in fed:
                return False  # one output feeding two layers: a branch
            fed.add(producer)
    return sources <= 1


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Prints a summary of a model (Keras 2.2.4 format).

    Args:
        model: the model.
        line_length: total width of the lines (default 65, or 98 with connections).
        positions: column stops, relative (last <= 1) or absolute; default ``[.45, .85, 1.]``, or
            ``[.33, .55, .67, 1.]`` with connections.
        print_fn: function called with each line (default ``print``).

    Example:
        >>> lines = []
        >>> print_summary(model, print_fn=lines.append)
    """
    if print_fn is None:
        print_fn = print

    rows = None
    if model.__class__.__name__ == "Sequential" or not getattr(model, "_is_graph_network", False):
        sequential_like = True
    else:
        summary_connections = getattr(model, "_summary_connections", None)
        if summary_connections is not None:
            rows = [(layer, list(conns)) for layer, conns in summary_connections()]
            sequential_like = _rows_sequential_like(rows)
        elif getattr(model, "_nodes_by_depth", None) is not None:
            sequential_like = _keras_sequential_like(model)
            rows = _keras_connections(model)
        else:
            sequential_like = True
    if rows is None:
        rows = [(layer, []) for layer in model.layers]

    if sequential_like:
        line_length = line_length or 65
        positions = positions or [.45, .85, 1.]
        headers = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [.33, .55, .67, 1.]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    print_fn("_" * line_length)
    print_fn(_row(headers, positions))
    print_fn("=" * line_length)
    for i, (layer, connections) in enumerate(rows):
        fields = ["%s (%s)" % (layer.name, layer.__class__.__name__), _shape_text(layer),
                  layer.count_params()]
        if sequential_like:
            print_fn(_row(fields, positions))
        else:
            print_fn(_row(fields + [connections[0] if connections else ""], positions))
            for extra in connections[1:]:
                print_fn(_row(["", "", "", extra], positions))
        print_fn(("=" if i == len(rows) - 1 else "_") * line_length)

    check = getattr(model, "_check_trainable_weights_consistency", None)
    if check is not None:
        check()
    if hasattr(model, "_collected_trainable_weights"):
        trainable_count = count_params(model._collected_trainable_weights)
    else:
        trainable_count = count_params(model.trainable_weights)
    non_trainable_count = count_params(model.non_trainable_weights)

    print_fn("Total params: {:,}".format(trainable_count + non_trainable_count))
    print_fn("Trainable params: {:,}".format(trainable_count))
    print_fn("Non-trainable params: {:,}".format(non_trainable_count))
    print_fn("_" * line_length)


def _flip_kernel(kernel):
    """Theano <-> TensorFlow convolution kernel: reverse the spatial axes (Keras layout)."""
    kernel = np.asarray(kernel)
    if not 3 <= kernel.ndim <= 5:
        raise ValueError("Invalid kernel shape: expected a 3-D, 4-D or 5-D kernel, got shape %s"
                         % (kernel.shape,))
    index = tuple([slice(None, None, -1)] * (kernel.ndim - 2) + [slice(None), slice(None)])
    return np.copy(kernel[index])


_CONV_CLASSES = ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose")


def convert_all_kernels_in_model(model):
    """Converts the convolution kernels of a model between Theano and TensorFlow conventions.

    The kernels' spatial axes are reversed (the conversion is its own inverse). Works on the
    Keras-layout weights (``get_weights``/``set_weights``), whose first entry is the kernel.

    Args:
        model: the model whose Conv1D/Conv2D/Conv3D/Conv2DTranspose layers are converted.
    """
    for layer in model.layers:
        if layer.__class__.__name__ in _CONV_CLASSES:
            weights = layer.get_weights()
            weights[0] = _flip_kernel(weights[0])
            layer.set_weights(weights)


def convert_dense_weights_data_format(dense, previous_feature_map_shape,
                                      target_data_format="channels_first"):
    """Reorders a Dense kernel that follows a Flatten when a convnet changes data format.

    Args:
        dense: the Dense layer after the Flatten.
        previous_feature_map_shape: shape of the feature map before the Flatten, 3 ints, in the
            *target* format, e.g. ``(512, 7, 7)`` for ``'channels_first'``.
        target_data_format: ``'channels_first'`` or ``'channels_last'``.
    """
    if target_data_format not in ("channels_last", "channels_first"):
        raise ValueError("`target_data_format` must be 'channels_first' or 'channels_last'. "
                         "Received: %r" % (target_data_format,))
    kernel, bias = dense.get_weights()
    units = kernel.shape[1]
    if target_data_format == "channels_first":
        c, h, w = previous_feature_map_shape
        per_unit = kernel.reshape((h, w, c, units)).transpose(2, 0, 1, 3)
    else:
        h, w, c = previous_feature_map_shape
        per_unit = kernel.reshape((c, h, w, units)).transpose(1, 2, 0, 3)
    kernel = np.ascontiguousarray(per_unit).reshape((-1, units))
    dense.set_weights([kernel, bias])


def get_source_inputs(tensor, layer=None, node_index=None):
    """The list of input tensors needed to compute ``tensor`` (Keras's graph walk).

    Tensors without Keras history are returned as they are.

    Args:
        tensor: the tensor to start from.
        layer: the layer that produced it (default: from ``tensor._keras_history``).
        node_index: that layer's node index.
    """
    if not hasattr(tensor, "_keras_history"):
        return tensor
    if layer is None or node_index:
        layer, node_index, _ = tensor._keras_history
    if not layer._inbound_nodes:
        return [tensor]
    node = layer._inbound_nodes[node_index]
    if not node.inbound_layers:
        return node.input_tensors  # reached an Input layer
    sources = []
    for i, inbound in enumerate(node.inbound_layers):
        for x in get_source_inputs(node.input_tensors[i], inbound, node.node_indices[i]):
            if not any(x is s for s in sources):
                sources.append(x)
    return sources


# Keras 1.2.2 helpers (torkeras.legacy.objects).
from ..legacy.objects import count_total_params, layer_from_config  # noqa: E402,F401


def __getattr__(name):
    # Keras 1 imported Model and Sequential here; torkeras.models imports this module.
    if name in ("Model", "Sequential"):
        from .. import models
        return getattr(models, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
