"""Keras-1 names and call forms of ``keras.backend`` (Keras 1.2.2), re-exported by torkeras.backend.

* ``lesser`` / ``lesser_equal``: Keras 1.2.2's names of ``K.less`` / ``K.less_equal``.
* ``legacy_weight_ordering()`` / ``set_legacy_weight_ordering(value)``: the Keras 1.2.2 flag
  (keras/backend/common.py @ 1.2.2). Keras 1.2.2 read it in one place, ``Container.__init__``
  (keras/engine/topology.py @ 1.2.2): when True, the layers of a functional model that sit at the
  same depth were ordered by name instead of by traversal order, which is how Keras before 1.1
  ordered them. ``model.layers`` fixes the order of the weights in saved files, so the flag exists
  to load weight files written by those versions. torkeras honours it where that order is used:
  loading a Keras-1 file's weights by position (``saving/_keras1.py`` asks
  :func:`keras1_layer_order`). torkeras's own ``model.layers`` (and so ``get_weights`` and the files
  torkeras writes) keep Keras 2's traversal order; setting the flag says so once in a warning.
* :func:`batch_normalization_call_form`: Keras 1.2.2's ``batch_normalization(x, mean, var, beta,
  gamma, epsilon)`` had no ``axis``; a float in that position is its epsilon.
* ``tf_major_version`` / ``tf_minor_version``: importable values whose use raises (see
  :class:`~torkeras.backend._per_backend.UnsupportedValue`).
* ``is_explicit_shape`` (keras/backend/theano_backend.py @ 1.2.2), for
  ``keras.backend.theano_backend``.

Example:
    >>> from keras import backend as K
    >>> K.set_legacy_weight_ordering(True)   # before model.load_weights('keras_1_0_weights.h5')
"""
import numbers
import warnings

from . import keras1
from ..backend import _ops
from ..backend._per_backend import UnsupportedValue

__all__ = ["lesser", "lesser_equal", "legacy_weight_ordering", "set_legacy_weight_ordering",
           "tf_major_version", "tf_minor_version"]

lesser = _ops.less
lesser_equal = _ops.less_equal

# Keras 1.2.2's TensorFlow version numbers (keras.backend and keras.backend.tensorflow_backend):
# there is no TensorFlow, and a made-up number would send old code down TensorFlow-only branches.
_NO_TF = ("torkeras runs on PyTorch; there is no TensorFlow to report a version of. Test "
          "`K.backend()` (returns 'pytorch') instead of the TensorFlow version.")
tf_major_version = UnsupportedValue("keras.backend.tensorflow_backend.tf_major_version", _NO_TF)
tf_minor_version = UnsupportedValue("keras.backend.tensorflow_backend.tf_minor_version", _NO_TF)

_LEGACY_WEIGHT_ORDERING = [False]


def legacy_weight_ordering():
    """Whether Keras-1 weight files are matched to functional models in name order (Keras 1.2.2)."""
    return _LEGACY_WEIGHT_ORDERING[0]


def set_legacy_weight_ordering(value):
    """Set the Keras 1.2.2 legacy weight-ordering flag (see the module docstring for its effect).

    Args:
        value: True or False.

    Raises:
        ValueError: ``value`` is not a bool (Keras 1.2.2 asserted ``value in {True, False}``).

    Example:
        >>> K.set_legacy_weight_ordering(True)
    """
    if value not in (True, False) or not isinstance(value, (bool, numbers.Integral)):
        raise ValueError("set_legacy_weight_ordering: `value` must be True or False. Received %r"
                         % (value,))
    value = bool(value)
    if value and not _LEGACY_WEIGHT_ORDERING[0]:
        warnings.warn("set_legacy_weight_ordering(True): torkeras applies the Keras 1.2.2 name "
                      "order when it loads a Keras-1 weight file into a functional model by "
                      "position; model.layers, get_weights() and the files torkeras writes keep "
                      "Keras 2's traversal order.", UserWarning, stacklevel=2)
    _LEGACY_WEIGHT_ORDERING[0] = value


def _layer_depths(model):
    """Each layer's depth in a functional model as Keras 1.2.2 computed it (outputs at depth 0)."""
    depths = {}
    node_depth = {}
    pending = []
    for t in model.outputs:
        layer, node_index, _ = t._keras_history
        pending.append((layer._inbound_nodes[node_index], 0))
    while pending:
        node, depth = pending.pop()
        if node_depth.get(id(node), -1) >= depth:
            continue
        node_depth[id(node)] = depth
        layer = node.outbound_layer
        depths[layer] = max(depths.get(layer, 0), depth)
        for inbound, index in zip(node.inbound_layers, node.node_indices):
            pending.append((inbound._inbound_nodes[index], depth + 1))
    return depths


def keras1_layer_order(model, layers):
    """``layers`` (a functional model's, Keras 2 order) reordered as Keras 1.2.2 did under the flag.

    With :func:`legacy_weight_ordering` off, or for a Sequential model (one layer per depth),
    ``layers`` is returned unchanged; with it on, layers at the same depth are sorted by name.
    """
    if not legacy_weight_ordering() or not getattr(model, "outputs", None) or not all(
            hasattr(t, "_keras_history") for t in model.outputs):
        return list(layers)
    depths = _layer_depths(model)
    missing = [layer.name for layer in layers if layer not in depths]
    if missing:
        raise ValueError("legacy weight ordering: layers %s are not reachable from the outputs of "
                         "model %r." % (missing, getattr(model, "name", model)))
    position = {layer: i for i, layer in enumerate(layers)}
    return sorted(layers, key=lambda layer: (-depths[layer], layer.name, position[layer]))


def batch_normalization_call_form(axis, epsilon):
    """``(axis, epsilon)`` of a ``K.batch_normalization`` call in either Keras's form.

    A non-integer number where Keras 2.2.4 has ``axis`` is Keras 1.2.2's positional ``epsilon``
    (``batch_normalization(x, mean, var, beta, gamma, 1e-3)``): it is read as the epsilon, the axis
    is the default -1, and the Keras-1 spelling warns once (an error under ``TORKERAS_STRICT=1``).

    Raises:
        TypeError: the Keras-1 positional epsilon and a different ``epsilon=`` keyword together,
            or an ``axis`` that is neither an integer nor a number.
    """
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
        return int(axis), epsilon
    if isinstance(axis, numbers.Real) and not isinstance(axis, bool):
        if epsilon != 1e-3:
            raise TypeError("K.batch_normalization: got %r in the `axis` position (Keras 1.2.2's "
                            "positional epsilon) and epsilon=%r. Pass axis=... and epsilon=... by "
                            "keyword." % (axis, epsilon))
        keras1._report("batch_normalization", ["epsilon as the 6th positional argument"],
                       ("x", "mean", "var", "beta", "gamma"), {"axis": -1, "epsilon": axis})
        return -1, float(axis)
    raise TypeError("K.batch_normalization: `axis` must be an integer (the features axis). "
                    "Received %r" % (axis,))


def is_explicit_shape(shape):
    """Whether ``shape`` is iterable and every known entry is an int (Keras 1.2.2 Theano backend).

    Example:
        >>> is_explicit_shape((None, 3))
        True
    """
    if not hasattr(shape, "__iter__"):
        return False
    return all(x is None or isinstance(x, int) for x in shape)
