"""The Layer base class: a ``torch.nn.Module`` that speaks Keras.

``build(input_shape)`` creates weights with :meth:`Layer.add_weight`; ``call(inputs, training=None,
mask=None)`` does the math; ``get_weights``/``set_weights`` speak Keras's array layout, so saving code
never sees a torch layout. Shapes are Keras shapes: tuples with ``None`` for the batch dimension.
"""
import inspect
import re

import numpy as np
import torch
from torch import nn

from .. import backend as K
from ..legacy import keras1
from .input_spec import InputSpec  # noqa: F401

_ALLOWED_BASE_KWARGS = frozenset([
    "input_shape", "batch_input_shape", "batch_size", "dtype", "name", "trainable", "weights",
])


def to_snake_case(name):
    """``Conv2D`` -> ``conv2d``, ``BatchNormalization`` -> ``batch_normalization`` (Keras 2.2.4)."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def _shape_tuple(shape):
    return tuple(None if d is None else int(d) for d in shape)


_CALL_ARGS_CACHE = {}
#: (is_symbolic, call_symbolic), installed by engine/network.py (it imports this module).
_SYMBOLIC = None


def _call_accepts(cls):
    found = _CALL_ARGS_CACHE.get(cls)
    if found is None:
        params = inspect.signature(cls.call).parameters
        var_kw = any(p.kind == p.VAR_KEYWORD for p in params.values())
        found = ("training" in params or var_kw, "mask" in params or var_kw)
        _CALL_ARGS_CACHE[cls] = found
    return found


class Layer(nn.Module):
    """Base class of every torkeras layer (a ``torch.nn.Module``).

    Args:
        name: layer name; default ``<snake_case class name>_<N>`` as Keras 2 names layers.
        trainable: whether the layer's weights are updated by training.
        input_shape: shape tuple without the batch axis (first layer of a model only).
        batch_input_shape: shape tuple with the batch axis.
        batch_size: fixed batch size used with ``input_shape``.
        dtype: the float type of the layer's weights and input (default ``K.floatx()``).
        weights: initial weight values (numpy arrays in Keras layout), set when the layer is built.

    Example:
        >>> class Double(Layer):
        ...     def call(self, inputs):
        ...         return inputs * 2
    """

    @keras1.legacy_interface("Layer")
    def __init__(self, **kwargs):
        nn.Module.__init__(self)
        for kwarg in kwargs:
            if kwarg not in _ALLOWED_BASE_KWARGS:
                raise TypeError("`%s`: keyword argument not understood: `%s`. Accepted base-layer "
                                "arguments are %s." % (self.__class__.__name__, kwarg,
                                                       ", ".join(sorted(_ALLOWED_BASE_KWARGS))))
        name = kwargs.get("name")
        if not name:
            prefix = to_snake_case(self.__class__.__name__)
            name = "%s_%d" % (prefix, K.get_uid(prefix))
        elif not isinstance(name, str):
            raise TypeError("`%s`: `name` must be a string. Received name=%r"
                            % (self.__class__.__name__, name))
        self.name = name
        self._trainable = bool(kwargs.get("trainable", True))
        self.supports_masking = False
        self.input_spec = None
        self.built = False
        self.stateful = False
        self._weight_specs = []          # [(attr, keras_name, trainable)] in creation order
        self._regularized = []           # [(attr, regularizer)]
        self._constraints = {}           # attr -> constraint
        self._extra_losses = []
        self.activity_regularizer = None
        self._keras_input_shape = None   # set when connected (Sequential) or called
        self._keras_output_shape = None
        self._inbound_nodes = []
        self._outbound_nodes = []
        # Keras-1 custom layers append to these in build (engine/topology.py @ 1.2.2); they are
        # read once the layer is built (see _adopt_keras1_attributes).
        self.regularizers = []
        self.constraints = {}

        batch_input_shape = None
        if "batch_input_shape" in kwargs and kwargs["batch_input_shape"] is not None:
            batch_input_shape = _shape_tuple(kwargs["batch_input_shape"])
        elif "input_shape" in kwargs and kwargs["input_shape"] is not None:
            input_shape = kwargs["input_shape"]
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
            batch_input_shape = (kwargs.get("batch_size"),) + _shape_tuple(input_shape)
        if batch_input_shape is not None:
            self.batch_input_shape = batch_input_shape
        dtype = kwargs.get("dtype") or K.floatx()
        self.dtype = str(dtype)
        self._initial_weights = kwargs.get("weights")

    # ------------------------------------------------------------------ trainable flag
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    # ------------------------------------------------------------------ weights
    @keras1.legacy_interface("add_weight")
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None):
        """Create a weight of ``shape`` (Keras layout) and register it on this module.

        Trainable weights become ``nn.Parameter``s, the others buffers. Returns the tensor; assign
        it to an attribute of the same name (``self.kernel = self.add_weight('kernel', ...)``).
        The Keras 1.2 order ``add_weight(shape, initializer, name, ...)`` (shape first) goes through
        the Keras-1 table (it warns once); ``add_weight(shape=..., initializer=...)`` without a name
        is accepted, as Keras 2.2.4 did.

        Args:
            name: weight name (``kernel``); saved as ``<layer>/<name>:0``.
            shape: shape tuple.
            dtype: Keras dtype name (default float32).
            initializer: initializer name or object (default ``'glorot_uniform'``).
            regularizer: optional regularizer; its penalty joins ``layer.losses``.
            trainable: whether training updates the weight.
            constraint: optional constraint applied after each optimizer step.

        Example:
            >>> self.kernel = self.add_weight(name='kernel', shape=(4, 3), initializer='uniform')
        """
        from .. import constraints, initializers, regularizers
        if shape is None:
            raise TypeError("`%s`.add_weight: `shape` is required. Received name=%r" % (self.name, name))
        if name is None:
            name = self._free_weight_name("variable")
        shape = _shape_tuple(shape)
        if any(d is None or d < 0 for d in shape):
            raise ValueError("`%s` (%s): weight `%s` needs a fully defined shape. Received shape=%r"
                             % (self.name, self.__class__.__name__, name, shape))
        from ..saving import _safety   # lazy: files being loaded cap what their configs allocate
        _safety.check_weight_allocation(self, name, shape)
        init = initializers.get(initializer if initializer is not None else "glorot_uniform")
        dtype = torch.float32 if dtype is None else getattr(torch, str(dtype))
        value = init(shape, dtype=str(dtype).replace("torch.", ""))
        if not isinstance(value, torch.Tensor):
            value = torch.as_tensor(np.asarray(value), dtype=dtype)
        value = value.to(device=self._target_device(), dtype=dtype)
        attr = re.sub(r"\W", "_", name)
        taken = {a for a, _, _ in self._weight_specs}
        base, i = attr, 1
        while attr in taken:
            attr = "%s_%d" % (base, i)
            i += 1
        if trainable:
            tensor = nn.Parameter(value, requires_grad=True)
            self.register_parameter(attr, tensor)
        else:
            tensor = value
            self.register_buffer(attr, tensor)
        self._weight_specs.append((attr, name, bool(trainable)))
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._regularized.append((attr, reg))
        cons = constraints.get(constraint)
        if cons is not None:
            self._constraints[attr] = cons
        return tensor

    def _target_device(self):
        for p in self.parameters():
            return p.device
        for b in self.buffers():
            return b.device
        return K.get_device()

    def _weight_tensor(self, attr):
        return getattr(self, attr)

    def _iter_weights(self, trainable):
        if trainable and not self._trainable:
            return []
        out = []
        for attr, _, t in self._weight_specs:
            if (t and self._trainable) == trainable:
                out.append(self._weight_tensor(attr))
        for sub in self._sublayers():
            out.extend(sub._iter_weights(trainable) if self._trainable or not trainable
                       else sub._iter_weights(True) + sub._iter_weights(False))
        return out

    def _sublayers(self):
        """Layers nested inside this one (wrappers, models); their weights follow this layer's."""
        return []

    @property
    def trainable_weights(self):
        return self._iter_weights(True)

    @trainable_weights.setter
    def trainable_weights(self, weights):
        """Keras 1 style ``self.trainable_weights = [self.W, self.b]``: exactly these are trained."""
        self._set_weight_list(weights, True)

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            out = [self._weight_tensor(a) for a, _, _ in self._weight_specs]
            for sub in self._sublayers():
                out.extend(sub.weights)
            return out
        return self._iter_weights(False)

    @non_trainable_weights.setter
    def non_trainable_weights(self, weights):
        self._set_weight_list(weights, False)

    # -------------------------------------------------- variables assigned as attributes (Keras 1)
    def __getattr__(self, name):
        # A property raising AttributeError (``layer.output`` with several nodes, ``model.input``
        # before the model is built) falls through to here: re-raise its own message, not
        # nn.Module's "object has no attribute".
        try:
            return nn.Module.__getattr__(self, name)
        except AttributeError:
            prop = getattr(type(self), name, None)
            if isinstance(prop, property) and prop.fget is not None:
                return prop.fget(self)
            raise

    def __setattr__(self, name, value):
        if isinstance(value, nn.Parameter) and "_weight_specs" in self.__dict__ and \
                self._spec_of(value) is None:
            nn.Module.__setattr__(self, name, value)
            self._adopt(value, name)
            return
        nn.Module.__setattr__(self, name, value)

    def _spec_of(self, tensor):
        """The ``_weight_specs`` entry holding ``tensor`` (by identity), or None."""
        for spec in self._weight_specs:
            if self._parameters.get(spec[0]) is tensor or self._buffers.get(spec[0]) is tensor:
                return spec
        return None

    def _free_weight_name(self, base):
        taken = {n for _, n, _ in self._weight_specs} | {a for a, _, _ in self._weight_specs}
        name, i = base, 1
        while name in taken:
            name = "%s_%d" % (base, i)
            i += 1
        return name

    def _adopt(self, param, attr=None):
        """Make a variable (``K.variable``, an ``nn.Parameter``) a weight of this layer."""
        from .. import constraints
        name = getattr(param, "_keras_name", None) or attr or self._free_weight_name("variable")
        if attr is None or self._parameters.get(attr) is not param:
            attr = self._free_weight_name(re.sub(r"\W", "_", name))
            self.register_parameter(attr, param)
        spec = (attr, name, bool(param.requires_grad))
        self._weight_specs.append(spec)
        cons = constraints.get(getattr(param, "_keras_constraint", None))
        if cons is not None:
            self._constraints[attr] = cons
        return spec

    def _set_weight_list(self, weights, trainable):
        if isinstance(weights, torch.Tensor) or not isinstance(weights, (list, tuple)):
            raise TypeError("`%s`: %s must be a list of weights (K.variable or add_weight results). "
                            "Received %r" % (self.name, "trainable_weights" if trainable else
                                             "non_trainable_weights", type(weights).__name__))
        listed = []
        for w in weights:
            spec = self._spec_of(w)
            if spec is None:
                if not isinstance(w, nn.Parameter):
                    raise TypeError("`%s`: every entry of %s must be a variable made with K.variable "
                                    "(or add_weight). Received %r" % (
                                        self.name, "trainable_weights" if trainable else
                                        "non_trainable_weights", type(w).__name__))
                spec = self._adopt(w)
                self._weight_specs.remove(spec)
            listed.append((spec[0], spec[1], trainable))
        names = {a for a, _, _ in listed}
        # Keras replaces the whole list: weights of this kind not listed stop being weights.
        kept = [s for s in self._weight_specs if s[0] not in names and s[2] != trainable]
        for a, _, t in self._weight_specs:
            if a not in names and t == trainable and isinstance(self._parameters.get(a), nn.Parameter):
                self._parameters[a].requires_grad_(False)
        self._weight_specs = listed + kept if trainable else kept + listed

    def _adopt_keras1_attributes(self):
        """Fold Keras-1 ``self.regularizers`` (bound with ``set_param``) and ``self.constraints``
        (``{weight: constraint}``) into this layer's penalties and constraints."""
        from .. import constraints, regularizers
        regs = self.__dict__.get("regularizers") or []
        known = {(a, id(r)) for a, r in self._regularized}
        for reg in regs:
            weight = getattr(reg, "p", None)
            spec = None if weight is None else self._spec_of(weight)
            if spec is None:
                raise TypeError("`%s`: self.regularizers entry %r is not bound to a weight of this "
                                "layer. Call regularizer.set_param(weight) first (Keras 1), or pass "
                                "regularizer= to add_weight." % (self.name, reg))
            fn = reg if isinstance(reg, regularizers.Regularizer) else _Keras1Penalty(reg)
            if (spec[0], id(reg)) not in known:
                self._regularized.append((spec[0], fn))
        cons = self.__dict__.get("constraints") or {}
        if not isinstance(cons, dict):
            raise TypeError("`%s`: self.constraints must be a dict {weight: constraint} (Keras 1). "
                            "Received %r" % (self.name, type(cons).__name__))
        for weight, c in cons.items():
            spec = self._spec_of(weight)
            if spec is None:
                raise TypeError("`%s`: self.constraints has a key that is not a weight of this layer."
                                % (self.name,))
            self._constraints[spec[0]] = constraints.get(c)

    @property
    def weights(self):
        """All weights, Keras order: trainable first, then non-trainable."""
        return self.trainable_weights + self.non_trainable_weights

    def _ordered_specs(self):
        """``(layer, attr, keras_name)`` in :attr:`weights` order."""
        own_t = [(self, a, n) for a, n, t in self._weight_specs if t and self._trainable]
        own_n = [(self, a, n) for a, n, t in self._weight_specs if not (t and self._trainable)]
        if not self._sublayers():
            return own_t + own_n
        sub_t, sub_n = [], []
        for sub in self._sublayers():
            specs = sub._ordered_specs()
            if self._trainable:
                ntr = len(sub.trainable_weights)
                sub_t.extend(specs[:ntr])
                sub_n.extend(specs[ntr:])
            else:
                sub_n.extend(specs)
        return own_t + sub_t + own_n + sub_n

    def weight_names(self):
        """Keras/TF weight names (``dense_1/kernel:0``) in :attr:`weights` order."""
        return ["%s/%s:0" % (layer.name, n) for layer, _, n in self._ordered_specs()]

    # Layout hooks: a layer storing a weight in another layout overrides these two.
    def _to_keras_layout(self, attr, tensor):
        return tensor

    def _from_keras_layout(self, attr, array):
        return array

    def get_weights(self):
        """Weights as numpy arrays in Keras layout and order."""
        out = []
        for layer, attr, _ in self._ordered_specs():
            t = layer._to_keras_layout(attr, layer._weight_tensor(attr).detach())
            out.append(t.cpu().numpy().copy())
        return out

    def set_weights(self, weights):
        """Set weights from numpy arrays in Keras layout and order (as :meth:`get_weights`)."""
        specs = self._ordered_specs()
        weights = list(weights)
        if len(weights) != len(specs):
            raise ValueError(
                'You called `set_weights(weights)` on layer "%s" with a weight list of length %d, but '
                "the layer was expecting %d weights (%s). Provided weights: %s..."
                % (self.name, len(weights), len(specs), ", ".join(n for _, _, n in specs),
                   str(weights)[:50]))
        staged = []
        for (layer, attr, kname), value in zip(specs, weights):
            current = layer._weight_tensor(attr)
            arr = np.asarray(value)
            arr = layer._from_keras_layout(attr, arr)
            expected = tuple(layer._to_keras_layout(attr, current.detach()).shape)
            got = tuple(np.asarray(value).shape)
            if expected != got:
                raise ValueError("Layer weight shape %s not compatible with provided weight shape %s "
                                 "(layer %r, weight %r)." % (expected, got, layer.name, kname))
            staged.append((current, arr))
        with torch.no_grad():
            for current, arr in staged:
                current.copy_(torch.as_tensor(np.ascontiguousarray(arr), dtype=current.dtype)
                              .reshape(current.shape))

    def count_params(self):
        """Number of scalars in this layer's weights."""
        if not self.built:
            raise ValueError("You tried to call `count_params` on %s, but the layer isn't built. "
                             "You can build it manually via: `%s.build(batch_input_shape)`."
                             % (self.name, self.name))
        return int(sum(int(np.prod(tuple(w.shape))) for w in self.weights))

    # ------------------------------------------------------------------ losses / constraints
    @property
    def losses(self):
        """Regularization penalties of this layer's weights (tensors), computed now."""
        out = []
        for attr, reg in self._regularized:
            out.append(reg(self._weight_tensor(attr)))
        for sub in self._sublayers():
            out.extend(sub.losses)
        return out

    def _apply_constraints(self):
        if self._constraints:
            with torch.no_grad():
                for attr, cons in self._constraints.items():
                    w = self._weight_tensor(attr)
                    w.copy_(cons(w))
        for sub in self._sublayers():
            sub._apply_constraints()

    # ------------------------------------------------------------------ build / call
    def build(self, input_shape):
        """Create the layer's weights for ``input_shape`` (Keras shape, batch axis included)."""
        self.built = True

    def call(self, inputs, **kwargs):
        """The layer's computation. Default: identity."""
        return inputs

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape`` (Keras shape). Default: unchanged, or what a Keras-1
        layer's ``get_output_shape_for`` returns."""
        legacy = getattr(self, "get_output_shape_for", None)
        if legacy is not None:
            return legacy(input_shape)
        return input_shape

    def compute_mask(self, inputs, mask=None):
        if not self.supports_masking:
            return None
        return mask

    def _build_for(self, input_shape):
        """Build with a Keras shape if needed, then set initial weights if any were given."""
        if not self.built:
            self._check_input_spec_shape(input_shape)
            self.build(input_shape)
            self.built = True
            if self.regularizers or self.constraints:
                self._adopt_keras1_attributes()
            if self._initial_weights is not None:
                self.set_weights(self._initial_weights)
                self._initial_weights = None

    def _check_input_spec_shape(self, input_shape):
        spec = self.input_spec
        if spec is None:
            return
        if isinstance(spec, list):
            shapes = input_shape if isinstance(input_shape, list) else [input_shape]
            if len(spec) != len(shapes):
                raise ValueError("Layer %s expects %d inputs, but it received %d input tensors."
                                 % (self.name, len(spec), len(shapes)))
            for i, (s, shape) in enumerate(zip(spec, shapes)):
                if s is not None:
                    s.check_shape(self, shape, index=i)
            return
        spec.check_shape(self, input_shape)

    def __call__(self, inputs, *args, **kwargs):
        """Call on torch tensors (eager, through ``nn.Module``) or on symbolic Keras tensors (records
        the call in the functional graph and returns symbolic outputs)."""
        if _SYMBOLIC is not None and _SYMBOLIC[0](inputs):
            if args:
                raise TypeError("Layer %s: pass extra arguments by keyword when calling on Keras "
                                "tensors." % (self.name,))
            return _SYMBOLIC[1](self, inputs, kwargs)
        return nn.Module.__call__(self, inputs, *args, **kwargs)

    def _build_from_tensors(self, inputs):
        """Build for eager input tensor(s): their shapes with the batch axis left free."""
        if isinstance(inputs, (list, tuple)):
            self._build_for([(None,) + tuple(t.shape[1:]) for t in inputs])
        else:
            self._build_for((None,) + tuple(inputs.shape[1:]))

    def forward(self, inputs, training=None, mask=None):
        if not self.built:
            self._build_from_tensors(inputs)
        wants_training, wants_mask = _call_accepts(type(self))
        kwargs = {}
        if wants_training:
            kwargs["training"] = training
        if wants_mask and mask is not None:
            kwargs["mask"] = mask
        if training is None or wants_training:
            return self.call(inputs, **kwargs)
        # A call without a `training` argument reads the phase from K.learning_phase().
        with K.phase_scope(training):
            return self.call(inputs, **kwargs)

    # ------------------------------------------------------------------ shapes
    @property
    def input_shape(self):
        if self._keras_input_shape is None:
            if hasattr(self, "batch_input_shape"):
                return self.batch_input_shape
            raise AttributeError("The layer %r has never been called and thus has no defined input "
                                 "shape." % (self.name,))
        return self._keras_input_shape

    @property
    def output_shape(self):
        if self._keras_output_shape is None:
            raise AttributeError("The layer %r has never been called and thus has no defined output "
                                 "shape." % (self.name,))
        return self._keras_output_shape

    def _node_tensors(self, node_index, attr, what):
        if not self._inbound_nodes:
            raise AttributeError("Layer %s is not connected: it has no %s. Call it on a Keras tensor "
                                 "(functional API) first." % (self.name, what))
        if node_index >= len(self._inbound_nodes):
            raise ValueError("Asked to get %s at node %d, but the layer has only %d inbound nodes."
                             % (what, node_index, len(self._inbound_nodes)))
        node = self._inbound_nodes[node_index]
        tensors = getattr(node, attr) or node.output_tensors   # an InputLayer's input is its output
        return tensors[0] if len(tensors) == 1 else list(tensors)

    def _single_node(self, what):
        if len(self._inbound_nodes) > 1:
            raise AttributeError("Layer %s has multiple inbound nodes, hence the notion of \"layer "
                                 "%s\" is ill-defined. Use `get_%s_at(node_index)` instead."
                                 % (self.name, what, what))
        return 0

    def get_input_at(self, node_index):
        """The input Keras tensor(s) of the call ``node_index`` of this layer."""
        return self._node_tensors(node_index, "input_tensors", "input")

    def get_output_at(self, node_index):
        """The output Keras tensor(s) of the call ``node_index`` of this layer."""
        return self._node_tensors(node_index, "output_tensors", "output")

    @property
    def input(self):
        """The input Keras tensor of a layer called once (for ``K.function`` and sub-models)."""
        return self.get_input_at(self._single_node("input"))

    @property
    def output(self):
        """The output Keras tensor of a layer called once (for ``K.function`` and sub-models)."""
        return self.get_output_at(self._single_node("output"))

    # ------------------------------------------------------------------ config
    def get_config(self):
        """Keras 2.2.4 base config: name, trainable, batch_input_shape (if set), dtype."""
        config = {"name": self.name, "trainable": self.trainable}
        if hasattr(self, "batch_input_shape"):
            config["batch_input_shape"] = list(self.batch_input_shape)
        config["dtype"] = self.dtype
        return config

    @classmethod
    def from_config(cls, config):
        """Create a layer from its config (the inverse of :meth:`get_config`)."""
        return cls(**config)

    def extra_repr(self):
        cfg = self.get_config()
        cfg.pop("name", None)
        parts = []
        for k, v in cfg.items():
            if isinstance(v, dict) and "class_name" in v:
                v = v["class_name"]
            parts.append("%s=%r" % (k, v))
        return "name=%r, %s" % (self.name, ", ".join(parts))

    def __repr__(self):
        return "%s(%s)" % (self.__class__.__name__, self.extra_repr())

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other


class _Keras1Penalty(object):
    """A Keras-1 regularizer (``reg(loss)`` returns ``loss + penalty`` of its bound weight) as a
    penalty function of the weight."""

    def __init__(self, regularizer):
        self.regularizer = regularizer

    def __call__(self, weight):
        return self.regularizer(0.0)


def __getattr__(name):
    # keras.engine.base_layer.Node (Keras 2.2.4), without importing network at import time
    if name == "Node":
        from .network import Node
        return Node
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
