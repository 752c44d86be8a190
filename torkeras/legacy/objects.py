"""Keras 1.2.2 objects that Keras 2 removed: regularizer spellings, batch-wise metrics, helpers.

Re-exported from the public modules where Keras 1 had them (``keras.regularizers.l1l2``,
``keras.metrics.fmeasure``, ``keras.utils.generic_utils.get_from_module``,
``keras.utils.np_utils.probas_to_classes``, ``keras.initializations.get_fans``...). This module
imports no torkeras object module at import time, so those modules can re-export from it freely.

* Regularizers: ``l1l2``, ``activity_l1``/``activity_l2``/``activity_l1l2``, ``L1L2Regularizer``
  and its aliases ``WeightRegularizer``/``ActivityRegularizer`` return the Keras 2 ``L1L2`` with the
  same factors (exact: Keras 1 computed ``sum(l1 * |w|) + sum(l2 * w**2)``, as Keras 2 does). Each
  spelling warns once with its Keras 2 call (``TORKERAS_STRICT=1``: an error).
  ``EigenvalueRegularizer`` (no Keras 2 equivalent) is implemented as Keras 1.2.2 computed it.
* Metrics ``precision``, ``recall``, ``fbeta_score``, ``fmeasure`` (aliases ``fscore``,
  ``f1score``), ``matthews_correlation``: Keras 1.2.2's formulas, computed over the whole batch
  (one number per batch, as Keras 1 did; an epoch value is the mean of the batch values).
"""
import os
import tempfile
import warnings

import numpy as np
import torch

from .. import backend as K
from ..errors import LegacyArgumentError
from . import keras1

__all__ = ["L1L2Regularizer", "WeightRegularizer", "ActivityRegularizer", "EigenvalueRegularizer",
           "l1l2", "activity_l1", "activity_l2", "activity_l1l2",
           "precision", "recall", "fbeta_score", "fmeasure", "fscore", "f1score",
           "matthews_correlation", "get_from_module", "make_tuple", "get_fans",
           "optimizer_from_config", "probas_to_classes", "categorical_probas_to_classes",
           "accuracy", "binary_logloss", "multiclass_logloss", "convert_kernel",
           "conv_output_length", "conv_input_length", "save_array", "load_array",
           "layer_from_config", "count_total_params"]


def warn_once(key, message, stacklevel=3):
    """Warn once per ``key`` with the Keras 2 spelling (raise under ``TORKERAS_STRICT=1``).

    Silent while a Keras-1 file is read (the file reader warns once per file).

    Args:
        key: hashable identifying the spelling.
        message: the warning text.
        stacklevel: passed to :func:`warnings.warn`.
    """
    if keras1.reading_file_now():
        return
    if keras1.strict():
        raise LegacyArgumentError(message + " TORKERAS_STRICT=1 makes Keras-1 spellings errors.")
    with keras1._warned_lock:
        if key in keras1._warned:
            return
        keras1._warned.add(key)
    warnings.warn(message, UserWarning, stacklevel=stacklevel)


# ---------------------------------------------------------------------------- regularizers
def _l1l2(spelling, keras2_call, l1, l2):
    from ..regularizers import L1L2
    warn_once(("regularizer", spelling), "Update your `%s` call to the Keras 2 API: `%s` "
              "(Keras-1 spelling: %s)." % (spelling, keras2_call, spelling), stacklevel=4)
    return L1L2(l1=l1, l2=l2)


class L1L2Regularizer(object):
    """Keras 1 L1/L2 weight regularizer: returns the Keras 2 ``L1L2(l1, l2)``.

    Args:
        l1: L1 factor (>= 0).
        l2: L2 factor (>= 0).

    Example:
        >>> Dense(64, W_regularizer=WeightRegularizer(l2=0.01))
    """

    def __new__(cls, l1=0., l2=0.):
        return _l1l2(cls.__name__, "L1L2(l1=%r, l2=%r)" % (l1, l2), l1, l2)


class WeightRegularizer(L1L2Regularizer):
    """Keras 1 alias of :class:`L1L2Regularizer` (a ``W_regularizer``): returns ``L1L2(l1, l2)``."""


class ActivityRegularizer(L1L2Regularizer):
    """Keras 1 alias of :class:`L1L2Regularizer` (an ``activity_regularizer``): returns
    ``L1L2(l1, l2)``."""


def l1l2(l1=0.01, l2=0.01):
    """Keras 1 spelling of ``l1_l2(l1, l2)``: an ``L1L2`` regularizer.

    Example:
        >>> Dense(64, W_regularizer=l1l2(0.01, 0.01))
    """
    return _l1l2("l1l2", "l1_l2(l1=%r, l2=%r)" % (l1, l2), l1, l2)


def activity_l1(l=0.01):  # noqa: E741  (Keras's argument name)
    """Keras 1 activity regularizer ``l1(l)``: an ``L1L2(l1=l)``.

    Example:
        >>> Dense(64, activity_regularizer=activity_l1(0.01))
    """
    return _l1l2("activity_l1", "l1(%r)" % (l,), l, 0.)


def activity_l2(l=0.01):  # noqa: E741
    """Keras 1 activity regularizer ``l2(l)``: an ``L1L2(l2=l)``.

    Example:
        >>> Dense(64, activity_regularizer=activity_l2(0.01))
    """
    return _l1l2("activity_l2", "l2(%r)" % (l,), 0., l)


def activity_l1l2(l1=0.01, l2=0.01):
    """Keras 1 activity regularizer ``l1_l2(l1, l2)``.

    Example:
        >>> Dense(64, activity_regularizer=activity_l1l2(0.01, 0.01))
    """
    return _l1l2("activity_l1l2", "l1_l2(l1=%r, l2=%r)" % (l1, l2), l1, l2)


class EigenvalueRegularizer(object):
    """Keras 1 penalty ``k * sqrt(dominant eigenvalue of W^T W)`` for a 2-D weight.

    The eigenvalue is estimated as Keras 1.2.2 did: 9 power-method products of ``W^T W`` with a
    vector of ones, then the Rayleigh quotient. Keras 2 has no equivalent; this class is not
    registered (Keras 1 wrote no ``k`` in its config, so such files cannot be rebuilt).

    Args:
        k: float, the factor of the penalty.

    Example:
        >>> Dense(10, W_regularizer=EigenvalueRegularizer(0.01))
    """

    def __init__(self, k):
        if isinstance(k, bool) or not isinstance(k, (int, float, np.floating, np.integer)):
            raise TypeError("`EigenvalueRegularizer`: `k` must be a number. Received: k=%r" % (k,))
        self.k = float(k)

    def __call__(self, x):
        if x.dim() != 2:
            raise ValueError("EigenvalueRegularizer is only available for tensors of rank 2. "
                             "Received a weight of shape %s." % (tuple(x.shape),))
        covariance = x.t() @ x
        vector = covariance @ torch.ones((covariance.shape[0], 1), dtype=x.dtype, device=x.device)
        for _ in range(8):
            vector = covariance @ vector
        covariance_d = covariance @ vector
        eigenvalue = (covariance_d.t() @ vector) / (vector.t() @ vector)
        return torch.sum(torch.sqrt(eigenvalue) * self.k)

    def get_config(self):
        return {"k": self.k}

    def __repr__(self):
        return "EigenvalueRegularizer(k=%r)" % (self.k,)


# ---------------------------------------------------------------------------- metrics
def _rounded(y_true, y_pred):
    """Targets and predictions clipped to [0, 1] and rounded (half to even, as K.round)."""
    y_true = y_true.to(y_pred.dtype)
    return torch.round(torch.clamp(y_true, 0, 1)), torch.round(torch.clamp(y_pred, 0, 1))


def _true_positive_ratio(y_true, y_pred, over_predictions):
    """Rounded true positives over rounded predicted (or actual) positives, plus epsilon."""
    y_true = y_true.to(y_pred.dtype)
    true_positives = torch.sum(torch.round(torch.clamp(y_true * y_pred, 0, 1)))
    positives = torch.sum(torch.round(torch.clamp(y_pred if over_predictions else y_true, 0, 1)))
    return true_positives / (positives + K.epsilon())


def precision(y_true, y_pred):
    """Batch-wise precision: rounded true positives / rounded predicted positives (Keras 1.2.2).

    Example:
        >>> model.compile('adam', 'binary_crossentropy', metrics=['precision'])
    """
    return _true_positive_ratio(y_true, y_pred, True)


def recall(y_true, y_pred):
    """Batch-wise recall: rounded true positives / rounded actual positives (Keras 1.2.2).

    Example:
        >>> model.compile('adam', 'binary_crossentropy', metrics=['recall'])
    """
    return _true_positive_ratio(y_true, y_pred, False)


def fbeta_score(y_true, y_pred, beta=1):
    """Batch-wise F-beta score ``(1 + b^2) p r / (b^2 p + r + epsilon)`` of precision and recall.

    Keras 1.2.2 returned 0 when the batch holds no positive target; the formula gives 0 there
    too (no true positives), so no special case is needed.

    Args:
        y_true, y_pred: tensors of the same shape.
        beta: weight of recall (>= 0; 0 gives precision).

    Example:
        >>> fbeta_score(y_true, y_pred, beta=2)
    """
    if beta < 0:
        raise ValueError("fbeta_score: the lowest choosable beta is zero (only precision). "
                         "Received: beta=%r" % (beta,))
    p = precision(y_true, y_pred)
    r = recall(y_true, y_pred)
    bb = beta ** 2
    return (1 + bb) * (p * r) / (bb * p + r + K.epsilon())


def fmeasure(y_true, y_pred):
    """Batch-wise F1 score: :func:`fbeta_score` with ``beta=1`` (aliases ``fscore``, ``f1score``).

    Example:
        >>> model.compile('adam', 'binary_crossentropy', metrics=['fmeasure'])
    """
    return fbeta_score(y_true, y_pred, beta=1)


fscore = f1score = fmeasure


def matthews_correlation(y_true, y_pred):
    """Batch-wise Matthews correlation coefficient of rounded predictions (Keras 1.2.2).

    Example:
        >>> model.compile('adam', 'binary_crossentropy', metrics=['matthews_correlation'])
    """
    y_pos, y_pred_pos = _rounded(y_true, y_pred)
    y_neg, y_pred_neg = 1 - y_pos, 1 - y_pred_pos
    tp = torch.sum(y_pos * y_pred_pos)
    tn = torch.sum(y_neg * y_pred_neg)
    fp = torch.sum(y_neg * y_pred_pos)
    fn = torch.sum(y_pos * y_pred_neg)
    numerator = tp * tn - fp * fn
    denominator = torch.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return numerator / (denominator + K.epsilon())


_METRICS = (precision, recall, fbeta_score, fmeasure, matthews_correlation)


def _metric_objects():
    """Registry rows for the Keras-1 metrics (``fmeasure`` with its aliases)."""
    return [(fn, fn.__name__, ("fscore", "f1score") if fn is fmeasure else ()) for fn in _METRICS]


# ---------------------------------------------------------------------------- generic helpers
#: Keras 1 ``module_name`` (as passed to get_from_module) -> torkeras registry kind.
_KINDS = {"layer": "layers", "metric": "metrics", "objective": "losses", "loss": "losses",
          "activation function": "activations", "activation": "activations",
          "initialization": "initializers", "initializer": "initializers",
          "regularizer": "regularizers", "constraint": "constraints", "optimizer": "optimizers",
          "callback": "callbacks"}


def get_from_module(identifier, module_params, module_name, instantiate=False, kwargs=None):
    """Keras 1 lookup of a class or function by name (``'relu'``) or config (``{'name': ...}``).

    Names resolve through the custom objects (``custom_objects`` scopes and
    ``get_custom_objects()``) and then torkeras's registry for ``module_name`` (``'layer'``,
    ``'metric'``, ``'objective'``, ``'activation'``, ``'initialization'``, ``'regularizer'``,
    ``'constraint'``, ``'optimizer'``). Keras 1 also searched ``module_params`` (a module's
    ``globals()``); torkeras does not, since such a dict hands out any member of a module: an
    unknown name raises and says to register the object instead.

    Args:
        identifier: a name, a ``{'name': ..., **kwargs}`` dict, or anything else (returned as is).
        module_params: the caller's namespace (Keras 1 API; not searched, see above).
        module_name: which kind of object, used for the registry and in error messages.
        instantiate: call the found class (with ``kwargs``) for a name.
        kwargs: keyword arguments for ``instantiate``.

    Returns:
        The object, an instance of it, or ``identifier`` itself.

    Example:
        >>> get_from_module('relu', globals(), 'activation')
    """
    from .. import _registry
    from ..utils.generic_utils import lookup_custom
    if isinstance(identifier, dict):
        params = dict(identifier)
        name = params.pop("name", None)
        if name is None:
            raise ValueError("Invalid %s: %r (a config dict needs a 'name' key)."
                             % (module_name, identifier))
    elif isinstance(identifier, str):
        name, params = identifier, None
    else:
        return identifier
    found = lookup_custom(name)
    kind = _KINDS.get(str(module_name).lower())
    if found is None and kind is not None:
        found = _registry.ALL[kind].lookup(name)
    if found is None:
        raise ValueError(
            "Invalid %s: %r. torkeras resolves names through custom objects and its %s registry, "
            "not through the module_params dict. Register it: get_custom_objects()[%r] = obj, or "
            "use custom_object_scope({%r: obj})."
            % (module_name, name, kind or "(no registry for %r)" % (module_name,), name, name))
    if params is not None:
        return found(**params)
    if instantiate:
        return found(**kwargs) if kwargs else found()
    return found


def make_tuple(*args):
    """The positional arguments as a tuple (Keras 1 helper).

    Example:
        >>> make_tuple(1, 2)
        (1, 2)
    """
    return args


def get_fans(shape, dim_ordering="th"):
    """Keras 1 ``(fan_in, fan_out)`` of a weight shape.

    2-D: ``(shape[0], shape[1])``; 4-D/5-D convolution kernels: receptive field times input/output
    channels (channels first for ``'th'``, last for ``'tf'``); other ranks: ``sqrt(prod(shape))``
    for both.

    Args:
        shape: the weight shape.
        dim_ordering: ``'th'`` or ``'tf'`` (the kernel layout of 4-D/5-D shapes).

    Example:
        >>> get_fans((3, 3, 16, 32), dim_ordering='tf')
        (144, 288)
    """
    shape = tuple(shape)
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (4, 5):
        if dim_ordering == "th":
            receptive_field = int(np.prod(shape[2:]))
            return shape[1] * receptive_field, shape[0] * receptive_field
        if dim_ordering == "tf":
            receptive_field = int(np.prod(shape[:-2]))
            return shape[-2] * receptive_field, shape[-1] * receptive_field
        raise ValueError("get_fans: invalid dim_ordering %r; expected 'th' or 'tf'." % (dim_ordering,))
    fan = np.sqrt(np.prod(shape))
    return fan, fan


def optimizer_from_config(config, custom_objects=None):
    """Keras 1 name of ``optimizers.deserialize``: an optimizer from ``{'class_name', 'config'}``.

    Example:
        >>> optimizer_from_config({'class_name': 'SGD', 'config': {'lr': 0.1}})
    """
    from .. import optimizers
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("optimizer_from_config: expected a {'class_name': ..., 'config': ...} dict. "
                         "Received: %r" % (config,))
    return optimizers.deserialize(config, custom_objects=custom_objects)


# ---------------------------------------------------------------------------- numpy helpers
def binary_logloss(p, y):
    """Mean binary log loss of probabilities ``p`` for labels ``y`` (clipped at 1e-15).

    Example:
        >>> binary_logloss(np.array([0.9, 0.2]), np.array([1, 0]))
    """
    epsilon = 1e-15
    p = np.minimum(1 - epsilon, np.maximum(epsilon, p))
    res = sum(y * np.log(p) + np.subtract(1, y) * np.log(np.subtract(1, p)))
    return res * (-1.0 / len(y))


def multiclass_logloss(p, y):
    """Mean log loss of ``p[i][y[i] - 1]`` (Keras 1 took labels counted from 1).

    Example:
        >>> multiclass_logloss(np.array([[0.8, 0.2], [0.3, 0.7]]), np.array([1, 2]))
    """
    predictions = [p[i][y[i] - 1] for i in range(len(y))]
    return -(1. / len(y)) * np.sum(np.log(predictions))


def accuracy(p, y):
    """Fraction of positions where ``p`` equals ``y``.

    Example:
        >>> accuracy([1, 0, 1], [1, 1, 1])
    """
    return np.mean([a == b for a, b in zip(p, y)])


def probas_to_classes(y_pred):
    """Class indices from predictions: argmax for several columns, ``p > 0.5`` for one.

    Example:
        >>> probas_to_classes(np.array([[0.2, 0.8], [0.9, 0.1]]))
        array([1, 0])
    """
    y_pred = np.asarray(y_pred)
    if len(y_pred.shape) > 1 and y_pred.shape[1] > 1:
        return categorical_probas_to_classes(y_pred)
    return np.array([1 if p > 0.5 else 0 for p in y_pred])


def categorical_probas_to_classes(p):
    """``argmax(p, axis=1)``.

    Example:
        >>> categorical_probas_to_classes(np.array([[0.2, 0.8]]))
        array([1])
    """
    return np.argmax(p, axis=1)


def convert_kernel(kernel, dim_ordering=None):
    """Flip a 4-D/5-D convolution kernel between Theano and TensorFlow (its own inverse).

    Args:
        kernel: numpy kernel, ``(out, in, ...)`` for ``'th'``, ``(..., in, out)`` for ``'tf'``.
        dim_ordering: ``'th'`` or ``'tf'`` (default: ``K.image_dim_ordering()``).

    Example:
        >>> convert_kernel(np.zeros((3, 3, 1, 8)), 'tf').shape
        (3, 3, 1, 8)
    """
    if dim_ordering is None:
        dim_ordering = K.image_dim_ordering()
    kernel = np.asarray(kernel)
    if not 4 <= kernel.ndim <= 5:
        raise ValueError("convert_kernel: invalid kernel shape %s (expected 4-D or 5-D)."
                         % (kernel.shape,))
    slices = [slice(None, None, -1)] * kernel.ndim
    if dim_ordering == "th":
        slices[:2] = [slice(None), slice(None)]
    elif dim_ordering == "tf":
        slices[-2:] = [slice(None), slice(None)]
    else:
        raise ValueError("convert_kernel: invalid dim_ordering %r; expected 'th' or 'tf'."
                         % (dim_ordering,))
    return np.copy(kernel[tuple(slices)])


_BORDER_MODES = ("same", "valid", "full")


def _check_border_mode(func, border_mode):
    if border_mode not in _BORDER_MODES:
        raise ValueError("%s: border_mode must be one of %s. Received: %r"
                         % (func, ", ".join(_BORDER_MODES), border_mode))


def conv_output_length(input_length, filter_size, border_mode, stride, dilation=1):
    """Output length of a convolution (Keras 1 ``border_mode`` names).

    Example:
        >>> conv_output_length(10, 3, 'valid', 1)
        8
    """
    if input_length is None:
        return None
    _check_border_mode("conv_output_length", border_mode)
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if border_mode == "same":
        length = input_length
    elif border_mode == "valid":
        length = input_length - dilated + 1
    else:
        length = input_length + dilated - 1
    return (length + stride - 1) // stride


def conv_input_length(output_length, filter_size, border_mode, stride):
    """Input length of a convolution from its output length (Keras 1 ``border_mode`` names).

    Example:
        >>> conv_input_length(8, 3, 'valid', 1)
        10
    """
    if output_length is None:
        return None
    _check_border_mode("conv_input_length", border_mode)
    pad = {"same": filter_size // 2, "valid": 0, "full": filter_size - 1}[border_mode]
    return (output_length - 1) * stride - 2 * pad + filter_size


# ---------------------------------------------------------------------------- layer helpers
def layer_from_config(config, custom_objects=None):
    """Keras 1: a layer (or ``Sequential``/``Model``; ``'Container'`` means ``Model``) from
    ``{'class_name': ..., 'config': ...}``.

    Keras 1 also added ``custom_objects`` to the global custom objects for good; torkeras uses them
    for this call only.

    Example:
        >>> layer = layer_from_config({'class_name': 'Dense', 'config': {'units': 2}})
    """
    from ..layers import deserialize
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("layer_from_config: expected {'class_name': ..., 'config': ...}. Received: %r"
                         % (config,))
    if config["class_name"] == "Container":
        config = dict(config, class_name="Model")
    return deserialize(config, custom_objects=custom_objects)


def count_total_params(layers, layer_set=None):
    """Keras 1: ``(trainable, non_trainable)`` parameter counts of ``layers``, each layer once
    (nested models counted through their layers).

    Args:
        layers: list of layers.
        layer_set: set of layers already counted (updated).

    Example:
        >>> count_total_params(model.layers)
        (330, 0)
    """
    from ..engine.training import Model
    from ..utils.layer_utils import count_params
    layer_set = set() if layer_set is None else layer_set
    trainable = non_trainable = 0
    for layer in layers:
        if layer in layer_set:
            continue
        layer_set.add(layer)
        if isinstance(layer, Model):
            t, n = count_total_params(layer.layers, layer_set)
        else:
            t, n = count_params(layer.trainable_weights), count_params(layer.non_trainable_weights)
        trainable += t
        non_trainable += n
    return trainable, non_trainable


# ---------------------------------------------------------------------------- PyTables arrays
def _tables():
    try:
        import tables
    except ImportError:
        raise ImportError("save_array/load_array (Keras 1 keras.utils.io_utils) need PyTables: "
                          "`pip install tables`.")
    return tables


def save_array(array, name):
    """Write ``array`` to the PyTables file ``name`` (one array ``/data``), atomically.

    Needs PyTables (``pip install tables``), as Keras 1 did.

    Example:
        >>> save_array(np.arange(6).reshape(2, 3), 'data.h5')
    """
    tables = _tables()
    array = np.asarray(array)
    directory = os.path.dirname(os.path.abspath(name))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".h5", dir=directory)
    os.close(fd)
    try:
        with tables.open_file(tmp, "w") as f:
            data = f.create_carray(f.root, "data", tables.Atom.from_dtype(array.dtype), array.shape)
            data[:] = array
        os.replace(tmp, name)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_array(name):
    """Read the array ``/data`` of a PyTables file written by :func:`save_array`.

    Example:
        >>> x = load_array('data.h5')
    """
    tables = _tables()
    with tables.open_file(name) as f:
        return np.array(f.root.data[:])
