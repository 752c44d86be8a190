"""Keras-1 layers that Keras 2 dropped or turned into functions: ``merge``, ``Merge``,
``AtrousConvolution1D`` and ``AtrousConvolution2D`` (aliases ``AtrousConv1D``/``AtrousConv2D``).

Semantics follow Keras 1.2.2 (``keras/engine/topology.py``: ``Merge``, ``merge``;
``keras/models.py``: ``Sequential`` with a ``Merge`` of models as first layer) and Keras 2.2.4
``keras/legacy/layers.py`` (the atrous convolutions become ``Conv1D``/``Conv2D`` with
``dilation_rate``). Every use warns once with the Keras-2 spelling; ``TORKERAS_STRICT=1`` makes it an
error (:class:`~torkeras.errors.LegacyArgumentError`), as for the rest of the Keras-1 table.

Where torkeras differs from Keras 1.2.2, on purpose:

* ``mode='cos'``: Keras 1 computed ``batch_dot(a, b) / max(sqrt(batch_dot(a, a) * batch_dot(b, b)),
  epsilon)`` and then inserted an axis at position 1, but reported the shape without that axis
  (``(batch, 1)`` for two ``(batch, n)`` inputs while the value was ``(batch, 1, 1)``). torkeras
  computes the same value and reports its real shape, ``(batch, 1, 1)``.
* ``mode='max'`` with input masks: Keras 1 raised "Invalid merge mode"; torkeras combines the masks
  as for ``'sum'``.
* ``dot``/``cos`` over the batch axis (``dot_axes=0``) is rejected (Keras 1 silently mixed samples).
* A ``Merge`` of models exposes the branch models' own input names (torkeras Sequential inputs are
  named ``<first layer name>_input``, Keras 1 used ``<class>_input_<n>``).
* Activity regularizers and output masks inside branch models do not reach the outer model (as for
  any model nested in a torkeras model).
"""
import inspect
import threading
import types

import numpy as np
import torch
from torch import nn

from .. import backend as K
from ..engine.base_layer import Layer
from ..engine.network import is_symbolic
from ..layers.merge import concat_masks, match_except_axis
from . import keras1
from .objects import warn_once
from ..engine.input_spec import InputSpec  # noqa: F401  (Keras 2.2.4 exported it here)

__all__ = ["Merge", "merge", "AtrousConvolution1D", "AtrousConvolution2D", "AtrousConv1D",
           "AtrousConv2D", "keras1_flattened_layers", "Highway", "MaxoutDense", "Recurrent",
           "ConvRecurrent2D", "InputSpec"]

_MODES = ("sum", "mul", "concat", "ave", "cos", "dot", "max")
_SAME_SHAPE_MODES = ("sum", "mul", "ave", "cos", "max")

#: Keras-2 function / layer class replacing each Keras-1 merge mode.
_KERAS2 = {"sum": ("add", "Add"), "mul": ("multiply", "Multiply"), "ave": ("average", "Average"),
           "max": ("maximum", "Maximum"), "concat": ("concatenate", "Concatenate"),
           "dot": ("dot", "Dot"), "cos": ("dot", "Dot")}

_quiet = threading.local()


# ---------------------------------------------------------------------------- warnings
def _report(key, message, stacklevel=3):
    """Warn once per ``key`` (or raise under ``TORKERAS_STRICT=1``): :func:`objects.warn_once`."""
    warn_once(key, message, stacklevel=stacklevel + 1)


def _mode_name(mode):
    return repr(mode) if isinstance(mode, str) else "<function>"


def _keras2_call(mode, concat_axis, dot_axes, functional):
    """The Keras-2 call for a Keras-1 merge ``mode``: ``concatenate(inputs, axis=1)`` (functional)
    or ``Concatenate(axis=1)`` (layer)."""
    if callable(mode):
        return "Lambda(function, output_shape=...)" + ("(inputs)" if functional else "")
    func, cls = _KERAS2[mode]
    args = []
    if mode == "concat":
        args.append("axis=%r" % (concat_axis,))
    elif mode in ("dot", "cos"):
        args.append("axes=%r" % (list(dot_axes) if isinstance(dot_axes, tuple) else dot_axes,))
        if mode == "cos":
            args.append("normalize=True")
    if functional:
        return "%s(%s)" % (func, ", ".join(["inputs"] + args))
    return "%s(%s)" % (cls, ", ".join(args))


def _cos_note(mode):
    if mode != "cos":
        return ""
    return ("; Keras 1 'cos' put an extra axis of size 1 after the batch axis: (batch, 1, 1) where "
            "Dot gives (batch, 1)")


# ---------------------------------------------------------------------------- math
def _batch_dot(x, y, axes):
    from ..layers.merge import _batch_dot as batch_dot
    return batch_dot(x, y, axes)


def _resolve_dot_axes(dot_axes, shape1, shape2):
    """Keras 1.2.2 rule: a negative int ``a`` means ``[a % rank1, a % rank2]``, a non-negative int
    ``[a, a]``, a list/tuple is taken as given (two ints)."""
    n1, n2 = len(shape1), len(shape2)
    if isinstance(dot_axes, (int, np.integer)) and not isinstance(dot_axes, bool):
        dot_axes = int(dot_axes)
        return [dot_axes % n1, dot_axes % n2] if dot_axes < 0 else [dot_axes, dot_axes]
    if not isinstance(dot_axes, (list, tuple)):
        raise TypeError("`Merge`: invalid type for dot_axes - should be an integer or a list of two "
                        "integers. Received: dot_axes=%r" % (dot_axes,))
    if len(dot_axes) != 2:
        raise ValueError("`Merge`: invalid format for dot_axes - should contain two elements. "
                         "Received: dot_axes=%r" % (dot_axes,))
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in dot_axes):
        raise ValueError("`Merge`: invalid format for dot_axes - list elements should be \"int\". "
                         "Received: dot_axes=%r" % (dot_axes,))
    return [int(a) for a in dot_axes]


def _positive(axis, rank):
    return axis % rank if axis < 0 else axis


# ---------------------------------------------------------------------------- Merge
class Merge(Layer):
    """Keras 1 layer that merges a list of tensors (or the outputs of a list of models) into one.

    Deprecated since Keras 2.0 and removed in 2.2: use ``Add``, ``Multiply``, ``Average``,
    ``Maximum``, ``Concatenate(axis)``, ``Dot(axes, normalize)`` or ``Lambda`` instead.

    Args:
        layers: optional list of at least 2 models (``Sequential`` or functional; the classic Keras 1
            "Merge of Sequentials" used as the first layer of a ``Sequential``, which then takes one
            input array per branch), or of layers already called on Keras tensors (the merge is
            connected to their outputs at once).
        mode: ``'sum'``, ``'mul'``, ``'concat'``, ``'ave'``, ``'cos'``, ``'dot'``, ``'max'`` or a
            function of the list of tensors returning one tensor.
        concat_axis: axis for ``'concat'``.
        dot_axes: integer or list of two integers, the axes contracted by ``'dot'`` and ``'cos'``.
        output_shape: for a function ``mode``: shape without the batch axis, or a function of the
            list of input shapes returning the full output shape.
        output_mask: for a function ``mode``: a mask, or a function of the list of input masks.
        arguments: keyword arguments passed to a function ``mode``.
        node_indices: with layers: which call (node) of each layer to merge (default 0).
        tensor_indices: with layers or multi-output models: which output tensor of each.
        name: layer name (default ``merge_N``).

    Input shape:
        A list of tensors: equal shapes for sum/mul/ave/max/cos, equal except along ``concat_axis``
        for concat, exactly 2 tensors for dot and cos.

    Output shape:
        sum/mul/ave/max: the input shape; concat: sizes along ``concat_axis`` summed; dot: the first
        shape without its dot axis followed by the second without batch and dot axes (``(batch, 1)``
        when nothing is left); cos: as dot with an axis of size 1 inserted after the batch axis;
        function mode: ``output_shape``.

    Example:
        >>> left = Sequential([Dense(32, input_dim=784)])
        >>> right = Sequential([Dense(32, input_dim=784)])
        >>> model = Sequential([Merge([left, right], mode='concat'), Dense(10, activation='softmax')])
        >>> model.compile('sgd', 'categorical_crossentropy')
        >>> model.fit([x_left, x_right], y)
    """

    def __init__(self, layers=None, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None,
                 output_mask=None, arguments=None, node_indices=None, tensor_indices=None, name=None):
        super(Merge, self).__init__(name=name)
        if not callable(mode) and (not isinstance(mode, str) or mode not in _MODES):
            raise ValueError("Invalid merge mode: %r. Expected one of %s, or a function of the list "
                             "of input tensors." % (mode, ", ".join(repr(m) for m in _MODES)))
        if isinstance(concat_axis, bool) or not isinstance(concat_axis, (int, np.integer)):
            raise TypeError("`Merge`: `concat_axis` must be an integer. Received: concat_axis=%r"
                            % (concat_axis,))
        if not isinstance(dot_axes, (int, np.integer, list, tuple)) or isinstance(dot_axes, bool):
            raise TypeError("`Merge`: `dot_axes` must be an integer or a list of two integers. "
                            "Received: dot_axes=%r" % (dot_axes,))
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError("`Merge`: `arguments` must be a dict. Received: %r" % (arguments,))
        if output_shape is not None and not callable(output_shape) and \
                not isinstance(output_shape, (list, tuple)):
            raise TypeError("`Merge`: `output_shape` must be a tuple or a function. Received: %r"
                            % (output_shape,))
        if layers is not None and not isinstance(layers, (list, tuple)):
            raise TypeError("A Merge should only be applied to a list of layers with at least 2 "
                            "elements. Found: %r" % (layers,))
        if not getattr(_quiet, "on", False):
            from ..engine.training import Model
            call = _keras2_call(mode, concat_axis, dot_axes, False)
            if layers and all(isinstance(l, Model) for l in layers):
                replacement = ("a functional Model, e.g. `Model([in_1, in_2], %s([left(in_1), "
                               "right(in_2)]))`" % (call,))
                spelling = "Merge(layers=[models], mode=%s)" % (_mode_name(mode),)
            else:
                replacement = "`%s`" % (call,)
                spelling = "Merge(mode=%s)" % (_mode_name(mode),)
            _report(("Merge", spelling),
                    "Update your `Merge` call to the Keras 2 API: %s (Keras-1 spelling: %s%s)."
                    % (replacement, spelling, _cos_note(mode)))
        self.mode = mode
        self.concat_axis = int(concat_axis)
        self.dot_axes = list(dot_axes) if isinstance(dot_axes, tuple) else dot_axes
        self._output_shape = tuple(output_shape) if isinstance(output_shape, list) else output_shape
        self._output_mask = output_mask
        self.arguments = dict(arguments) if arguments else {}
        self.node_indices = node_indices
        self.tensor_indices = tensor_indices
        self.supports_masking = True
        self._branches = []                     # [(model, tensor_index)] for a Merge of models
        self._branch_models = nn.ModuleList()   # the distinct branch models (their weights)
        if layers:
            self._attach(list(layers), node_indices, tensor_indices)

    # ------------------------------------------------------------------ connecting
    def _attach(self, layers, node_indices, tensor_indices):
        from ..engine.training import Model
        if len(layers) < 2:
            raise TypeError("A Merge should only be applied to a list of layers with at least 2 "
                            "elements. Found: %r" % (layers,))
        not_layers = [l for l in layers if not isinstance(l, Layer)]
        if not_layers:
            raise TypeError("`Merge`: `layers` must be models or layers. Received: %r" % (not_layers,))
        if node_indices is not None and len(node_indices) != len(layers):
            raise ValueError("`Merge`: `node_indices` needs one entry per layer (%d). Received: %r"
                             % (len(layers), node_indices))
        if tensor_indices is not None and len(tensor_indices) != len(layers):
            raise ValueError("`Merge`: `tensor_indices` needs one entry per layer (%d). Received: %r"
                             % (len(layers), tensor_indices))
        node_indices = list(node_indices) if node_indices else [0] * len(layers)
        tensor_indices = [t or 0 for t in tensor_indices] if tensor_indices else [0] * len(layers)
        models = [isinstance(l, Model) for l in layers]
        if all(models):
            self._attach_models(layers, node_indices, tensor_indices)
        elif not any(models):
            tensors = []
            for layer, ni, ti in zip(layers, node_indices, tensor_indices):
                if ni >= len(layer._inbound_nodes):
                    raise ValueError("`Merge`: layer %r has %d node(s), so node index %d does not exist; "
                                     "a layer given to Merge must already be called on a Keras tensor "
                                     "(or be a Sequential/functional model)."
                                     % (layer.name, len(layer._inbound_nodes), ni))
                tensors.append(layer._inbound_nodes[ni].output_tensors[ti])
            Layer.__call__(self, tensors)
        else:
            raise TypeError("`Merge`: `layers` must be all models (a Merge of branches, the first layer "
                            "of a Sequential) or all layers already called on Keras tensors. Received: "
                            "%s" % ([type(l).__name__ for l in layers],))

    def _attach_models(self, models, node_indices, tensor_indices):
        if any(ni != 0 for ni in node_indices):
            raise ValueError("`Merge`: a Merge of models merges each model's own outputs (node 0); "
                             "received node_indices=%r." % (node_indices,))
        for model in models:
            if not model.built:
                raise ValueError("`Merge`: model %r has no input shape yet, so it cannot be merged. Give "
                                 "its first layer an `input_shape` (or `input_dim`)." % (model.name,))
        shapes = []
        for model, ti in zip(models, tensor_indices):
            outs = model._output_shapes()
            if not 0 <= ti < len(outs):
                raise ValueError("`Merge`: model %r has %d output(s); tensor index %d does not exist."
                                 % (model.name, len(outs), ti))
            shapes.append(tuple(outs[ti]))
            self._branches.append((model, ti))
            if not any(m is model for m in self._branch_models):
                self._branch_models.append(model)
        names = [n for n, _, _ in self._sequential_inputs()]
        dupes = sorted(set(n for n in names if names.count(n) > 1))
        if dupes:
            raise ValueError("`Merge`: the merged models have inputs with the same name %s; every "
                             "input needs a unique name (name the first layer of each branch)."
                             % (dupes,))
        self._validate(shapes)
        self._branch_shapes = shapes
        self.built = True

    def _sequential_inputs(self):
        """``[(name, batch_shape, dtype)]``: the inputs of the merged models, in order (each distinct
        model once). A Sequential whose first layer has this method takes these as its inputs."""
        if not self._branches:
            raise TypeError("Merge layer %r has no models to merge: as the first layer of a Sequential "
                            "it needs `layers=[model_1, model_2, ...]`." % (self.name,))
        feeds = []
        for model in self._branch_models:
            shapes = model._feed_input_shapes()
            dtype = getattr(model, "_input_dtype", None) or K.floatx()
            for name, shape in zip(model.input_names, shapes):
                feeds.append((name, tuple(shape), dtype))
        return feeds

    def _sublayers(self):
        return list(self._branch_models)

    def _ordered_specs(self):
        # Keras 1 ordered a Merge-of-models Sequential's weights layer by layer, branch by branch
        # (``Sequential.flattened_layers``), trainable and non-trainable weights of a layer together.
        if not self._branches:
            return super(Merge, self)._ordered_specs()
        specs = []
        for layer in _flatten_branches(self):
            specs.extend(layer._ordered_specs())
        return specs

    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("Merge can only be called on a list of tensors, not a single tensor. "
                            "Received: %r" % (inputs,))
        if is_symbolic(inputs):
            if self._branches:
                raise RuntimeError("Merge layer %r merges models: it can only be the first layer of a "
                                   "Sequential model, not be called on Keras tensors." % (self.name,))
            if self._inbound_nodes:
                raise RuntimeError("A Merge layer cannot be used more than once, please use the "
                                   "\"merge\" function instead: `merged_tensor = merge([tensor_1, "
                                   "tensor_2])`.")
        return super(Merge, self).__call__(inputs, *args, **kwargs)

    # ------------------------------------------------------------------ shapes
    def _validate(self, input_shapes):
        """Keras 1.2.2 ``_arguments_validation`` on the shapes being merged."""
        mode = self.mode
        if not isinstance(input_shapes, (list, tuple)) or len(input_shapes) < 2 or \
                not all(isinstance(s, (list, tuple)) for s in input_shapes):
            raise TypeError("Merge %r must be called on a list of at least 2 tensors. Received shape(s): "
                            "%r" % (self.name, input_shapes))
        shapes = [tuple(s) for s in input_shapes]
        if callable(mode):
            return
        if mode in _SAME_SHAPE_MODES and len(set(shapes)) > 1:
            raise ValueError("Only layers of same output shape can be merged using %s mode. Layer "
                             "shapes: %s" % (mode, shapes))
        if mode in ("cos", "dot"):
            if len(shapes) > 2:
                raise ValueError("%s merge takes exactly 2 layers; received %d (shapes %s)."
                                 % (mode, len(shapes), shapes))
            shape1, shape2 = shapes
            axes = _resolve_dot_axes(self.dot_axes, shape1, shape2)
            for a, shape in zip(axes, shapes):
                if not -len(shape) < a < len(shape) or _positive(a, len(shape)) == 0:
                    raise ValueError("Merge %r: dot_axes=%r is invalid for inputs of shapes %s, %s "
                                     "(axis 0 is the batch axis)." % (self.name, self.dot_axes,
                                                                     shape1, shape2))
            if shape1[axes[0]] != shape2[axes[1]]:
                raise ValueError("Dimension incompatibility using dot mode: %s != %s. Layer shapes: "
                                 "%s, %s" % (shape1[axes[0]], shape2[axes[1]], shape1, shape2))
            self.dot_axes = axes   # Keras 1 stores the resolved axes (they appear in get_config)
        elif mode == "concat":
            ranks = set(len(s) for s in shapes)
            if len(ranks) > 1 or not -len(shapes[0]) <= self.concat_axis < len(shapes[0]):
                raise ValueError("\"concat\" mode needs inputs of one rank with concat_axis=%d inside "
                                 "it. Layer shapes: %s" % (self.concat_axis, shapes))
            if not match_except_axis(shapes, self.concat_axis):
                raise ValueError("\"concat\" mode can only merge layers with matching output shapes "
                                 "except for the concat axis. Layer shapes: %s" % (shapes,))

    def _merged_shapes(self, input_shape):
        """The shapes being merged: the branch outputs for a Merge of models, else the inputs."""
        if not self._branches:
            return input_shape
        feeds = [s for _, s, _ in self._sequential_inputs()]
        given = [tuple(s) for s in input_shape] if isinstance(input_shape, (list, tuple)) and \
            all(isinstance(s, (list, tuple)) for s in input_shape) else None
        if given is None or len(given) != len(feeds) or any(
                len(g) != len(f) or any(a is not None and b is not None and a != b
                                        for a, b in zip(g[1:], f[1:])) for g, f in zip(given, feeds)):
            raise ValueError("Merge layer %r merges models: it must be the first layer of a Sequential "
                             "model, fed the models' inputs %s. Received input shape(s) %r."
                             % (self.name, feeds, input_shape))
        return list(self._branch_shapes)

    def build(self, input_shape):
        self._validate(self._merged_shapes(input_shape))
        self.built = True

    def _check_input_spec_shape(self, input_shape):
        self._validate(self._merged_shapes(input_shape))

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in self._merged_shapes(input_shape)]
        mode = self.mode
        if callable(mode):
            if callable(self._output_shape):
                return tuple(self._output_shape(shapes))
            if self._output_shape is not None:
                return (shapes[0][0],) + tuple(self._output_shape)
            raise ValueError("The Merge layer %s has a callable `mode` argument, and we cannot infer "
                             "its output shape because no `output_shape` argument was provided. Make "
                             "sure to pass a shape tuple (or callable) `output_shape` to Merge."
                             % (self.name,))
        if mode in ("sum", "mul", "ave", "max"):
            return shapes[0]
        if mode == "concat":
            out = list(shapes[0])
            for shape in shapes[1:]:
                if out[self.concat_axis] is None or shape[self.concat_axis] is None:
                    out[self.concat_axis] = None
                    break
                out[self.concat_axis] += shape[self.concat_axis]
            return tuple(out)
        shape1, shape2 = list(shapes[0]), list(shapes[1])
        axes = _resolve_dot_axes(self.dot_axes, shape1, shape2)
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        out = shape1 + shape2
        if len(out) == 1:
            out += [1]
        if mode == "cos":
            out.insert(1, 1)
        return tuple(out)

    # ------------------------------------------------------------------ math
    def call(self, inputs, training=None, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("Merge must be called on a list of tensors (at least 2). Got: %r" % (inputs,))
        if self._branches:
            inputs = self._run_branches(list(inputs), training)
        elif len(inputs) <= 1:
            raise TypeError("Merge must be called on a list of tensors (at least 2). Got: %r" % (inputs,))
        return self._merge(list(inputs), mask)

    def _run_branches(self, inputs, training):
        feeds = self._sequential_inputs()
        if len(inputs) != len(feeds):
            raise ValueError("Merge layer %r expects %d input tensors (%s); received %d."
                             % (self.name, len(feeds), [n for n, _, _ in feeds], len(inputs)))
        outputs, pos = {}, 0
        for model in self._branch_models:
            n = len(model.input_names)
            x = inputs[pos:pos + n]
            pos += n
            out = model._run_as_layer(x[0] if n == 1 else x, bool(training))
            outputs[id(model)] = out if isinstance(out, (list, tuple)) else [out]
        return [outputs[id(model)][ti] for model, ti in self._branches]

    def _merge(self, inputs, mask):
        mode = self.mode
        if callable(mode):
            arguments = dict(self.arguments)
            try:
                if "mask" in inspect.signature(mode).parameters:
                    arguments["mask"] = mask
            except (TypeError, ValueError):
                pass   # builtins without a signature: called without the mask, as Keras 1 did
            return mode(inputs, **arguments)
        if mode in ("sum", "ave"):
            out = inputs[0]
            for x in inputs[1:]:
                out = out + x
            return out / len(inputs) if mode == "ave" else out
        if mode == "mul":
            out = inputs[0]
            for x in inputs[1:]:
                out = out * x
            return out
        if mode == "max":
            out = inputs[0]
            for x in inputs[1:]:
                out = torch.maximum(out, x)
            return out
        if mode == "concat":
            return torch.cat(inputs, dim=self.concat_axis)
        x1, x2 = inputs
        axes = [_positive(a, r) for a, r in zip(_resolve_dot_axes(self.dot_axes, x1.shape, x2.shape),
                                                (x1.dim(), x2.dim()))]
        if mode == "dot":
            return _batch_dot(x1, x2, axes)
        denominator = torch.sqrt(_batch_dot(x1, x1, axes) * _batch_dot(x2, x2, axes))
        denominator = torch.clamp(denominator, min=K.epsilon())
        return torch.unsqueeze(_batch_dot(x1, x2, axes) / denominator, 1)

    def compute_mask(self, inputs, mask=None):
        if mask is None or (isinstance(mask, (list, tuple)) and all(m is None for m in mask)):
            return None
        if not isinstance(mask, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError("Merge layer %r: expected one mask per input (%d), received %r."
                             % (self.name, len(inputs), mask))
        mode = self.mode
        if callable(mode):
            return self._output_mask(mask) if callable(self._output_mask) else self._output_mask
        if mode in ("cos", "dot"):
            return None
        if mode in ("sum", "mul", "ave", "max"):
            masks = [m.bool() for m in mask if m is not None]
            return torch.stack(masks, 0).all(dim=0)
        return concat_masks(inputs, mask, self.concat_axis)

    # ------------------------------------------------------------------ config
    def get_config(self):
        """The Keras 1.2.2 keys; ``layers`` (the branch models' configs) for a Merge of models, as
        Keras 1 ``Sequential.get_config`` wrote it."""
        mode, mode_type = _serialize_callable(self.mode)
        output_shape, output_shape_type = _serialize_callable(self._output_shape)
        output_mask, output_mask_type = _serialize_callable(self._output_mask)
        if output_shape_type == "raw" and output_shape is not None:
            output_shape = list(output_shape)
        config = {"name": self.name, "mode": mode, "mode_type": mode_type,
                  "concat_axis": self.concat_axis,
                  "dot_axes": list(self.dot_axes) if isinstance(self.dot_axes, (list, tuple))
                  else self.dot_axes,
                  "output_shape": output_shape, "output_shape_type": output_shape_type,
                  "output_mask": output_mask, "output_mask_type": output_mask_type,
                  "arguments": dict(self.arguments)}
        if self._branches:
            # As Keras 1: one config per branch (a model merged twice is written twice, and
            # tensor_indices are not kept).
            config["layers"] = [{"class_name": m.__class__.__name__, "config": m.get_config()}
                                for m, _ in self._branches]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuild from a Keras 1 (or Keras 2.0-2.1 legacy) ``Merge`` config. Functions stored as
        marshaled bytecode are refused unless ``safe_mode=False``, as for ``Lambda``."""
        from ..layers import deserialize as deserialize_layer
        config = dict(config)
        name = config.get("name")
        for key in ("mode", "output_shape", "output_mask"):
            kind = config.pop(key + "_type", "raw")
            config[key] = _load_callable(config.get(key), kind, key, name, custom_objects, safe_mode)
        if config.get("layers") is not None:
            config["layers"] = [deserialize_layer(c, custom_objects=custom_objects)
                                for c in config["layers"]]
        return cls(**config)


def _serialize_callable(value):
    if value is None or not callable(value):
        return value, "raw"
    from ..layers.core import _dump_function
    from ..utils.generic_utils import lookup_custom
    name = getattr(value, "__name__", None)
    if name and name != "<lambda>" and lookup_custom(name) is value:
        return name, "function"
    if not hasattr(value, "__code__"):
        raise ValueError("Cannot serialize %r in a Merge config: pass a Python function, or register "
                         "it with custom_objects." % (value,))
    return list(_dump_function(value)), "lambda"


def _load_callable(value, kind, what, layer_name, custom_objects, safe_mode):
    from ..utils.generic_utils import lookup_custom
    if kind in (None, "raw"):
        return value
    if kind == "function":
        fn = lookup_custom(value, custom_objects)
        if fn is None:
            from .. import _registry
            fn = _registry.ACTIVATIONS.lookup(value)
        if fn is None:
            raise ValueError("Merge layer %r: unknown function %r for `%s`. Pass custom_objects={%r: "
                             "your_function}." % (layer_name, value, what, value))
        return fn
    if kind == "lambda":
        from ..saving import _safety
        if not _safety.unsafe_allowed(safe_mode):
            fn = lookup_custom(layer_name, custom_objects) if layer_name and what == "mode" else None
            if fn is not None:
                return fn
            raise ValueError("Merge layer %r stores its `%s` as marshaled Python bytecode, which can "
                             "run arbitrary code, so it is refused. If you trust this file, load it "
                             "with safe_mode=False; or supply the function: custom_objects={%r: fn} "
                             "(keyed by the layer name)." % (layer_name, what, layer_name))
        from ..layers.core import _load_function
        return _load_function(value)
    raise ValueError("Merge layer %r: unknown %s_type %r." % (layer_name, what, kind))


def _flatten_branches(merge_layer):
    layers = []
    for model, _ in merge_layer._branches:
        for layer in keras1_flattened_layers(model):
            if not any(layer is l for l in layers):
                layers.append(layer)
    return layers


def keras1_flattened_layers(model):
    """The layers of ``model`` in Keras 1 ``Sequential.flattened_layers`` order: a first-layer
    ``Merge`` of models is replaced by its branches' layers (recursively), then the other layers.

    Keras 1.2.2 and 2.0-2.1 wrote the weights of such a model in this order, one ``.h5`` group per
    layer (the Merge itself has none), so a reader of those files assigns groups to these layers.
    """
    from ..engine.input_layer import InputLayer
    layers = [l for l in model.layers if not isinstance(l, InputLayer)]
    if layers and isinstance(layers[0], Merge) and layers[0]._branches:
        return _flatten_branches(layers[0]) + layers[1:]
    return layers


def merge(inputs, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, output_mask=None,
          arguments=None, name=None):
    """Keras 1 functional merge of a list of tensors (Keras tensors or torch tensors).

    Deprecated: use ``add``, ``multiply``, ``average``, ``maximum``, ``concatenate(axis=...)``,
    ``dot(axes=..., normalize=...)`` or a ``Lambda`` layer. Arguments as :class:`Merge`.

    Returns:
        The merged tensor.

    Example:
        >>> a, b = Input(shape=(32,)), Input(shape=(32,))
        >>> merged = merge([a, b], mode='concat', concat_axis=1)
    """
    if not callable(mode) and (not isinstance(mode, str) or mode not in _MODES):
        raise ValueError("Invalid merge mode: %r. Expected one of %s, or a function of the list of "
                         "input tensors." % (mode, ", ".join(repr(m) for m in _MODES)))
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("merge: `inputs` must be a list of tensors (at least 2). Received: %r"
                        % (inputs,))
    _report(("merge", _mode_name(mode)),
            "Update your `merge` call to the Keras 2 API: `%s` (Keras-1 spelling: merge(mode=%s)%s)."
            % (_keras2_call(mode, concat_axis, dot_axes, True), _mode_name(mode), _cos_note(mode)))
    _quiet.on = True
    try:
        layer = Merge(mode=mode, concat_axis=concat_axis, dot_axes=dot_axes, output_shape=output_shape,
                      output_mask=output_mask, arguments=arguments, name=name)
    finally:
        _quiet.on = False
    return layer(list(inputs))


# ---------------------------------------------------------------------------- atrous convolutions
def _atrous(name, target, args, kwargs):
    if "dilation_rate" in kwargs and "atrous_rate" in kwargs:
        raise TypeError("For the `dilation_rate` argument, `%s` received both the legacy keyword "
                        "argument `atrous_rate` and the Keras 2 keyword argument `dilation_rate`. "
                        "Stick to the latter!" % (name,))
    kwargs = dict(kwargs)
    spelling = name + (", atrous_rate" if "atrous_rate" in kwargs else "")
    rate = kwargs.pop("atrous_rate", kwargs.pop("dilation_rate", 1))
    from ..layers import convolutional
    cls = getattr(convolutional, target)
    # The Conv1D/Conv2D row of the Keras-1 table translates (and reports) the other Keras-1 names.
    args, kwargs = keras1.convert(target, tuple(args), kwargs)
    kwargs["dilation_rate"] = rate
    _report((name,), "Update your `%s` call to the Keras 2 API: %s (Keras-1 spelling: %s)."
            % (name, keras1._signature(target, args, kwargs), spelling), stacklevel=4)
    return cls(*args, **kwargs)


class AtrousConvolution1D(object):
    """Keras 1 dilated 1D convolution: returns a ``Conv1D`` with ``dilation_rate=atrous_rate``.

    Args:
        nb_filter, filter_length, atrous_rate, and the other Keras 1 ``Convolution1D`` arguments
        (or their Keras 2 names).

    Input shape:
        ``(batch, steps, channels)``.

    Output shape:
        ``(batch, new_steps, nb_filter)``.

    Example:
        >>> AtrousConvolution1D(64, 3, atrous_rate=2, border_mode='same', input_shape=(100, 32))
    """

    def __new__(cls, *args, **kwargs):
        return _atrous("AtrousConvolution1D", "Conv1D", args, kwargs)

    @classmethod
    def from_config(cls, config):
        """A ``Conv1D`` from a Keras-1 ``AtrousConvolution1D`` config."""
        return cls(**config)


class AtrousConvolution2D(object):
    """Keras 1 dilated 2D convolution: returns a ``Conv2D`` with ``dilation_rate=atrous_rate``.

    Args:
        nb_filter, nb_row, nb_col, atrous_rate, and the other Keras 1 ``Convolution2D`` arguments
        (or their Keras 2 names).

    Input shape:
        ``(batch, rows, cols, channels)`` (``dim_ordering='th'``: channels first).

    Output shape:
        ``(batch, new_rows, new_cols, nb_filter)``.

    Example:
        >>> AtrousConvolution2D(64, 3, 3, atrous_rate=(2, 2), input_shape=(32, 32, 3))
    """

    def __new__(cls, *args, **kwargs):
        return _atrous("AtrousConvolution2D", "Conv2D", args, kwargs)

    @classmethod
    def from_config(cls, config):
        """A ``Conv2D`` from a Keras-1 ``AtrousConvolution2D`` config."""
        return cls(**config)


AtrousConv1D = AtrousConvolution1D
AtrousConv2D = AtrousConvolution2D


from ._old_layers import (ConvRecurrent2D, Highway, MaxoutDense, Recurrent,  # noqa: E402,F401
                          _builtin_objects as _old_layer_objects)


def _builtin_objects():
    return _old_layer_objects() + [(Merge, "Merge", ()),
            (AtrousConvolution1D, "AtrousConvolution1D", ("AtrousConv1D",)),
            (AtrousConvolution2D, "AtrousConvolution2D", ("AtrousConv2D",))]


class MergeModuleShim(types.ModuleType):
    """``torkeras.layers.merge``: the Keras 2 module, callable as the Keras 1 ``merge`` function.

    Keras 2.0-2.1 shadowed the module with the function; Keras-1 scripts write
    ``from keras.layers import merge`` then ``merge([a, b], mode='concat')``, while Keras 2 code writes
    ``keras.layers.merge.Concatenate``. This object answers both.
    """

    def __init__(self, module):
        super(MergeModuleShim, self).__init__(module.__name__, module.__doc__)
        self.__dict__.update(module.__dict__)

    def __call__(self, *args, **kwargs):
        return merge(*args, **kwargs)
