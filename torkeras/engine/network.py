"""The functional API: symbolic tensors, nodes, ``Input`` and graph ``Model``s.

A layer called on a :class:`KerasTensor` (what :func:`Input` returns) records a :class:`Node` and
returns new KerasTensors: shapes only, no data. ``Model(inputs, outputs)`` walks those nodes back from
the outputs, orders them as Keras 2.2.4 does (by depth, then traversal order: this order is also the
order of ``model.layers`` and so of the weights in ``.h5`` files), and runs them on real tensors.
"""
import copy
import numbers

from torch import nn

from .. import backend as K
from ..backend._ops_graph import SymbolicTensor
from . import base_layer
from .base_layer import Layer
from .input_layer import InputLayer


class KerasTensor(object):
    """A symbolic tensor: a Keras shape (batch axis ``None``) and where it came from.

    Attributes:
        _keras_shape: the shape tuple.
        _keras_history: ``(layer, node_index, tensor_index)``.
    """

    def __init__(self, shape, dtype, layer, node_index, tensor_index, name=None):
        self._keras_shape = tuple(shape)
        self.dtype = dtype
        self._keras_history = (layer, node_index, tensor_index)
        self.name = name or "%s/output_%d:%d" % (layer.name, node_index, tensor_index)

    @property
    def shape(self):
        return self._keras_shape

    def __repr__(self):
        return "<KerasTensor %r shape=%s dtype=%s>" % (self.name, self._keras_shape, self.dtype)

    def __len__(self):
        raise TypeError("A KerasTensor is symbolic: it has no length. Use K.int_shape(x).")

    def __bool__(self):
        raise TypeError("A KerasTensor is symbolic and has no truth value.")

    def __iter__(self):
        raise TypeError("%r is symbolic and cannot be iterated (unpack a layer's outputs from the "
                        "list the layer call returned)." % (self,))

    # numpy defers to the reflected operators below (np.float32(2) * x records a product)
    __array_ufunc__ = None


# Arithmetic, comparisons and indexing record a backend expression (a SymbolicTensor that
# ``K.function`` evaluates), exactly as for placeholders: ``K.mean(layer.output[:, 0] ** 2)``.
for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul"):
    for _dunder in ("__%s__" % _name, "__r%s__" % _name):
        setattr(KerasTensor, _dunder, getattr(SymbolicTensor, _dunder))
for _dunder in ("__lt__", "__le__", "__gt__", "__ge__", "__and__", "__or__", "__neg__", "__abs__",
                "__getitem__"):
    setattr(KerasTensor, _dunder, getattr(SymbolicTensor, _dunder))


_SYMBOLIC_TYPES = (KerasTensor, SymbolicTensor)


def is_symbolic(x):
    """Whether a layer call on ``x`` is symbolic: ``x`` is, or a list holding, a Keras tensor or a
    backend expression (the latter are rejected by :func:`call_symbolic` with how to fix it)."""
    if isinstance(x, _SYMBOLIC_TYPES):
        return True
    if isinstance(x, (list, tuple)) and x:
        for t in x:
            if isinstance(t, _SYMBOLIC_TYPES):
                return True
    return False


def _input_tensor(layer):
    """The Keras tensor an InputLayer outputs (its node 0), recorded on first use."""
    if not layer._inbound_nodes:
        out = KerasTensor(layer.batch_input_shape, layer.dtype, layer, 0, 0, name=layer.name)
        Node(layer, [], [], [], [], [out], [], [tuple(layer.batch_input_shape)])
    return layer._inbound_nodes[0].output_tensors[0]


class Node(object):
    """A call of ``outbound_layer`` on tensors coming from ``inbound_layers``."""

    def __init__(self, outbound_layer, inbound_layers, node_indices, tensor_indices, input_tensors,
                 output_tensors, input_shapes, output_shapes, arguments=None):
        self.outbound_layer = outbound_layer
        self.inbound_layers = inbound_layers
        self.node_indices = node_indices
        self.tensor_indices = tensor_indices
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.input_shapes = input_shapes
        self.output_shapes = output_shapes
        self.arguments = arguments or {}
        for layer in inbound_layers:
            layer._outbound_nodes.append(self)
        outbound_layer._inbound_nodes.append(self)

    def get_config(self):
        return {"outbound_layer": self.outbound_layer.name,
                "inbound_layers": [l.name for l in self.inbound_layers],
                "node_indices": list(self.node_indices), "tensor_indices": list(self.tensor_indices)}


def call_symbolic(layer, inputs, kwargs):
    """What ``layer(keras_tensor(s))`` does: build, check, record a Node, return KerasTensors."""
    single = not isinstance(inputs, (list, tuple))
    in_list = [inputs] if single else list(inputs)
    for t in in_list:
        if not isinstance(t, KerasTensor):
            what = ("the backend expression %r" % (t,) if isinstance(t, SymbolicTensor)
                    else "a %s next to Keras tensors" % (type(t).__name__,))
            raise ValueError("Layer %s was called on %s: a layer takes Keras tensors (from Input or "
                             "another layer). Wrap backend operations in a Lambda layer, e.g. "
                             "Lambda(lambda t: K.mean(t, axis=1))(x) instead of "
                             "K.mean(x, axis=1)." % (layer.name, what))
    for kw, value in kwargs.items():
        if isinstance(value, KerasTensor) or isinstance(value, (list, tuple)) and any(
                isinstance(v, KerasTensor) for v in value):
            raise ValueError("Layer %s: passing symbolic tensors through the keyword argument %r is "
                             "not supported; pass them in the inputs list." % (layer.name, kw))
    shapes = [t._keras_shape for t in in_list]
    shape_arg = shapes[0] if single else shapes
    try:
        if not layer.built:
            layer._build_for(shape_arg)
        else:
            layer._check_input_spec_shape(shape_arg)
        out_shape = layer.compute_output_shape(shape_arg)
        if isinstance(out_shape, list) and out_shape and all(
                d is None or isinstance(d, numbers.Integral) for d in out_shape):
            out_shape = tuple(out_shape)   # one shape written as a list (Keras-1 custom layers)
    except ValueError as e:
        sources = ", ".join("%s (output shape %s)" % (t._keras_history[0].name, t._keras_shape)
                            for t in in_list)
        raise ValueError("Layer %s (%s) cannot be called on the output of %s: %s"
                         % (layer.name, type(layer).__name__, sources, e)) from e
    multi = isinstance(out_shape, list)
    out_shapes = out_shape if multi else [out_shape]
    node_index = len(layer._inbound_nodes)
    dtype = getattr(layer, "dtype", K.floatx())
    outputs = [KerasTensor(s, dtype, layer, node_index, i) for i, s in enumerate(out_shapes)]
    Node(layer,
         inbound_layers=[t._keras_history[0] for t in in_list],
         node_indices=[t._keras_history[1] for t in in_list],
         tensor_indices=[t._keras_history[2] for t in in_list],
         input_tensors=in_list, output_tensors=outputs,
         input_shapes=shapes, output_shapes=out_shapes, arguments=dict(kwargs))
    if layer._keras_input_shape is None:
        layer._keras_input_shape = shape_arg
        layer._keras_output_shape = out_shape
    return outputs if multi else outputs[0]


def Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None):
    """A symbolic input for a functional model.

    Args:
        shape: shape tuple without the batch axis, e.g. ``(784,)``.
        batch_shape: shape tuple with the batch axis.
        name: optional layer name.
        dtype: input dtype (default ``K.floatx()``; integer inputs for Embedding: ``'int32'``).

    Returns:
        A :class:`KerasTensor`.

    Example:
        >>> x = Input(shape=(784,))
        >>> y = Dense(10, activation='softmax')(x)
        >>> model = Model(x, y)
    """
    if tensor is not None:
        raise ValueError("Input(tensor=...) is not supported by torkeras (there are no symbolic "
                         "backend tensors to wrap).")
    if shape is None and batch_shape is None:
        raise ValueError("Please provide to Input either a `shape` or a `batch_shape` argument. Note "
                         "that `shape` does not include the batch dimension.")
    if shape is not None and batch_shape is None:
        if isinstance(shape, int):
            shape = (shape,)
        batch_shape = (None,) + tuple(shape)
    layer = InputLayer(batch_input_shape=batch_shape, name=name, dtype=dtype, sparse=sparse)
    return _input_tensor(layer)


def _node_key(layer, index):
    return "%s_ib-%d" % (layer.name, index)


class Network(Layer):
    """Graph behaviour of :class:`~torkeras.engine.training.Model` (``Model(inputs, outputs)``).

    :meth:`_init_graph` maps the graph from the output tensors back to the inputs; ``_forward`` runs
    it. The training API lives in the ``Model`` subclass.
    """

    _is_graph_network = False

    def _init_graph(self, inputs, outputs):
        self._is_graph_network = True
        self._inputs_single = not isinstance(inputs, (list, tuple))
        self._outputs_single = not isinstance(outputs, (list, tuple))
        self.inputs = [inputs] if self._inputs_single else list(inputs)
        self.outputs = [outputs] if self._outputs_single else list(outputs)
        for what, tensors in (("inputs", self.inputs), ("outputs", self.outputs)):
            for t in tensors:
                if not isinstance(t, KerasTensor):
                    raise TypeError("Model %s must come from `torkeras.layers.Input` and layer calls. "
                                    "Found: %r" % (what, t))
        for t in self.inputs:
            layer, node_index, _ = t._keras_history
            if not isinstance(layer, InputLayer) or node_index != 0:
                raise ValueError("Input tensors to a Model must come from `torkeras.layers.Input`. "
                                 "Received: %r (missing previous layer metadata)." % (t,))
        if len({id(t) for t in self.inputs}) != len(self.inputs):
            raise ValueError("The list of inputs passed to the model is redundant: all inputs should "
                             "only appear once. Found: %r" % (self.inputs,))
        self.input_layers = [t._keras_history[0] for t in self.inputs]
        self.output_layers = [t._keras_history[0] for t in self.outputs]
        self._map_graph()
        self._add_internal_node()
        self.built = True

    def _add_internal_node(self):
        """Node 0 of a model links its own inputs to its outputs (Keras 2.2.4 Network.__init__); a
        call of the model as a layer is therefore node 1, as configs written by Keras count it.
        A Sequential calls this again as layers come and go: the node then follows its graph."""
        if self._inbound_nodes and getattr(self._inbound_nodes[0], "internal", False):
            node = self._inbound_nodes[0]
            node.input_tensors = list(getattr(self, "inputs", []))
            node.output_tensors = list(getattr(self, "outputs", []))
            return
        node = Node(self, [], [], [], list(getattr(self, "inputs", [])),
                    list(getattr(self, "outputs", [])), [], [])
        node.internal = True
        self._inbound_nodes.remove(node)
        self._inbound_nodes.insert(0, node)

    # -------------------------------------------------------------- graph analysis (Keras 2.2.4 rules)
    def _map_graph(self):
        layer_indices = {}
        finished, in_progress = set(), set()
        nodes_in_decreasing_depth = []

        def visit(tensor):
            layer, node_index, _ = tensor._keras_history
            node = layer._inbound_nodes[node_index]
            if id(node) in in_progress:
                raise ValueError("The tensor %r at layer %r is part of a cycle." % (tensor, layer.name))
            if id(node) in finished:
                return
            if layer not in layer_indices:
                layer_indices[layer] = len(layer_indices)
            in_progress.add(id(node))
            for x in node.input_tensors:
                visit(x)
            finished.add(id(node))
            in_progress.discard(id(node))
            nodes_in_decreasing_depth.append(node)

        for t in self.outputs:
            visit(t)
        nodes_depths, layers_depths = {}, {}
        for node in reversed(nodes_in_decreasing_depth):
            depth = nodes_depths.setdefault(id(node), 0)
            depth = max(depth, layers_depths.get(node.outbound_layer, 0))
            layers_depths[node.outbound_layer] = depth
            nodes_depths[id(node)] = depth
            for layer, node_index in zip(node.inbound_layers, node.node_indices):
                inbound = layer._inbound_nodes[node_index]
                nodes_depths[id(inbound)] = max(depth + 1, nodes_depths.get(id(inbound), 0))
        by_id = {id(n): n for n in nodes_in_decreasing_depth}
        nodes_by_depth = {}
        for nid, depth in nodes_depths.items():
            nodes_by_depth.setdefault(depth, []).append(by_id[nid])
        layers_by_depth = {}
        for layer, depth in layers_depths.items():
            layers_by_depth.setdefault(depth, []).append(layer)
        layers = []
        for depth in sorted(layers_by_depth, reverse=True):
            group = sorted(layers_by_depth[depth], key=lambda l: layer_indices[l])
            layers.extend(group)
        # every input must be reachable: computable tensors check
        computable = {id(t) for t in self.inputs}
        for depth in sorted(nodes_by_depth, reverse=True):
            for node in nodes_by_depth[depth]:
                if isinstance(node.outbound_layer, InputLayer):
                    if not any(id(t) in computable for t in node.output_tensors):
                        raise ValueError("Graph disconnected: cannot obtain value for tensor %r at layer "
                                         "%r. The following previous layers were accessed without "
                                         "issue: %s" % (node.output_tensors[0], node.outbound_layer.name,
                                                        [l.name for l in layers if l in computable]))
                    continue
                for x in node.input_tensors:
                    if id(x) not in computable:
                        raise ValueError("Graph disconnected: cannot obtain value for tensor %r at "
                                         "layer %r." % (x, node.outbound_layer.name))
                computable.update(id(t) for t in node.output_tensors)
        names = [l.name for l in layers]
        for n in set(names):
            if names.count(n) != 1:
                raise ValueError("The name %r is used %d times in the model. All layer names should be "
                                 "unique." % (n, names.count(n)))
        self._nodes_by_depth = nodes_by_depth
        self._network_nodes = {_node_key(n.outbound_layer, n.outbound_layer._inbound_nodes.index(n))
                               for n in nodes_in_decreasing_depth}
        self._execution = [n for d in sorted(nodes_by_depth, reverse=True) for n in nodes_by_depth[d]
                           if not isinstance(n.outbound_layer, InputLayer)]
        self._graph_layers = layers
        self._graph_modules = nn.ModuleList(layers)

    # -------------------------------------------------------------- Model interface
    @property
    def layers(self):
        return list(self._graph_layers) if self._is_graph_network else []

    def _sublayers(self):
        return [l for l in self.layers if not isinstance(l, InputLayer)]

    @property
    def input_names(self):
        return [l.name for l in self.input_layers]

    @property
    def output_names(self):
        return [l.name for l in self.output_layers]

    def _feed_input_shapes(self):
        return [t._keras_shape for t in self.inputs]

    def _output_shapes(self):
        return [t._keras_shape for t in self.outputs]

    @property
    def input_shape(self):
        shapes = self._feed_input_shapes()
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = self._output_shapes()
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input(self):
        return self.inputs[0] if len(self.inputs) == 1 else self.inputs

    @property
    def output(self):
        return self.outputs[0] if len(self.outputs) == 1 else self.outputs

    def get_weights(self):
        """All weights, layer by layer (Keras's Network.get_weights order), as numpy arrays."""
        out = []
        for layer in self.layers:
            out.extend(layer.get_weights())
        return out

    def set_weights(self, weights):
        """Set weights from a list in :meth:`get_weights` order."""
        weights = list(weights)
        expected = sum(len(layer.weights) for layer in self.layers)
        if len(weights) != expected:
            raise ValueError("Model %r: set_weights expected a list of %d arrays, one per weight, but "
                             "received %d." % (self.name, expected, len(weights)))
        for layer in self.layers:
            n = len(layer.weights)
            if n:
                layer.set_weights(weights[:n])
                weights = weights[n:]

    def compute_output_shape(self, input_shape):
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        expected = self._feed_input_shapes()
        for got, want in zip(shapes, expected):
            if len(got) != len(want) or any(w is not None and g is not None and g != w
                                            for g, w in zip(got[1:], want[1:])):
                raise ValueError("Model %s expects input shape(s) %s; received %s."
                                 % (self.name, expected, shapes))
        out = self._output_shapes()
        return out[0] if len(out) == 1 else list(out)

    def _build_for(self, input_shape):
        self._check_input_spec_shape(input_shape)

    def _check_input_spec_shape(self, input_shape):
        self.compute_output_shape(input_shape)

    def _forward(self, inputs, training):
        values = {}
        masks = {}
        for t, v in zip(self.inputs, inputs):
            values[id(t)] = v
        extra = [] if training else None
        for node in self._execution:
            layer = node.outbound_layer
            ins = [values[id(t)] for t in node.input_tensors]
            in_masks = [masks.get(id(t)) for t in node.input_tensors]
            x = ins[0] if len(ins) == 1 else ins
            mask = in_masks[0] if len(in_masks) == 1 else (in_masks if any(
                m is not None for m in in_masks) else None)
            kwargs = dict(node.arguments)
            kwargs.pop("mask", None)
            kwargs.pop("training", None)
            if hasattr(layer, "_run_as_layer"):
                out = layer._run_as_layer(x, training)
            elif layer._forward_hooks or layer._forward_pre_hooks or kwargs:
                out = layer(x, training=training, mask=mask, **kwargs)
            else:
                out = layer.forward(x, training=training, mask=mask)
            outs = out if isinstance(out, (list, tuple)) else [out]
            if mask is not None or type(layer).compute_mask is not Layer.compute_mask:
                out_mask = layer.compute_mask(x, mask)
            else:
                out_mask = None
            out_masks = out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] * len(outs)
            for t, v, m in zip(node.output_tensors, outs, out_masks):
                values[id(t)] = v
                if m is not None:
                    masks[id(t)] = m
            if training and layer.activity_regularizer is not None:
                for v in outs:
                    extra.append(layer.activity_regularizer(v))
        return [values[id(t)] for t in self.outputs], extra

    def _run_as_layer(self, x, training):
        outs, _ = self._forward(x if isinstance(x, (list, tuple)) else [x], training)
        return outs[0] if len(outs) == 1 else outs

    def call(self, inputs, training=None, mask=None):
        return self._run_as_layer(inputs, bool(training))

    def _summary_nodes(self):
        return self._nodes_by_depth

    # -------------------------------------------------------------- config
    def get_config(self):
        """Keras 2.2.4 Network config: layers with inbound_nodes, input_layers, output_layers."""
        node_conversion = {}
        for layer in self._graph_layers:
            # a nested model's own node 0 is not serialized: its calls count from 1 (Keras 2.2.4)
            kept = 1 if layer._inbound_nodes and getattr(layer._inbound_nodes[0], "internal",
                                                          False) else 0
            for i, _ in enumerate(layer._inbound_nodes):
                key = _node_key(layer, i)
                if key in self._network_nodes:
                    node_conversion[key] = kept
                    kept += 1
        layer_configs = []
        for layer in self._graph_layers:
            inbound = []
            for i, node in enumerate(layer._inbound_nodes):
                if _node_key(layer, i) not in self._network_nodes:
                    continue
                if not node.inbound_layers:
                    continue
                data = []
                for l, ni, ti in zip(node.inbound_layers, node.node_indices, node.tensor_indices):
                    data.append([l.name, node_conversion.get(_node_key(l, ni), 0), ti,
                                 _json_kwargs(node.arguments)])
                inbound.append(data)
            layer_configs.append({"name": layer.name, "class_name": layer.__class__.__name__,
                                  "config": layer.get_config(), "inbound_nodes": inbound})

        def refs(tensors):
            out = []
            for t in tensors:
                layer, ni, ti = t._keras_history
                out.append([layer.name, node_conversion.get(_node_key(layer, ni), 0), ti])
            return out
        return copy.deepcopy({"name": self.name, "layers": layer_configs,
                              "input_layers": refs(self.inputs), "output_layers": refs(self.outputs)})

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a graph model from a Keras 1/2 functional config."""
        from ..layers import deserialize as deserialize_layer
        created = {}
        pending = []
        for layer_data in config["layers"]:
            layer = deserialize_layer({"class_name": layer_data["class_name"],
                                       "config": layer_data["config"]}, custom_objects=custom_objects)
            name = layer_data.get("name", layer.name)
            created[name] = layer
            for node_data in layer_data.get("inbound_nodes", []):
                pending.append((layer, node_data))
            if isinstance(layer, InputLayer):
                _input_tensor(layer)

        def tensor_for(name, node_index, tensor_index):
            if name not in created:
                raise ValueError("Model config refers to unknown layer %r." % (name,))
            layer = created[name]
            if node_index >= len(layer._inbound_nodes):
                return None
            return layer._inbound_nodes[node_index].output_tensors[tensor_index]

        progress = True
        while pending and progress:
            progress = False
            remaining = []
            for layer, node_data in pending:
                tensors, kwargs = [], {}
                ready = True
                for entry in node_data:
                    if len(entry) not in (3, 4):
                        raise ValueError("Improperly formatted model config: inbound node %r of layer "
                                         "%r." % (entry, layer.name))
                    t = tensor_for(entry[0], entry[1], entry[2])
                    if t is None:
                        ready = False
                        break
                    tensors.append(t)
                    if len(entry) == 4 and entry[3]:
                        kwargs = dict(entry[3])
                if not ready:
                    remaining.append((layer, node_data))
                    continue
                layer(tensors[0] if len(tensors) == 1 else tensors, **kwargs)
                progress = True
            pending = remaining
        if pending:
            raise ValueError("Model config cannot be rebuilt: layers %s wait for inputs that never "
                             "appear." % (sorted({l.name for l, _ in pending}),))
        inputs = [tensor_for(*ref) for ref in config["input_layers"]]
        outputs = [tensor_for(*ref) for ref in config["output_layers"]]
        return cls(inputs=inputs if len(inputs) > 1 else inputs[0],
                   outputs=outputs if len(outputs) > 1 else outputs[0], name=config.get("name"))


def _json_kwargs(arguments):
    out = {}
    for k, v in arguments.items():
        if k in ("training",):
            continue
        out[k] = v
    return out


base_layer._SYMBOLIC = (is_symbolic, call_symbolic)
