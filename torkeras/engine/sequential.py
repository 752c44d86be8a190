"""Sequential: a linear stack of layers (Keras 2.2.4 ``keras/engine/sequential.py`` behaviour)."""
import copy

from torch import nn

from .. import backend as K
from .base_layer import Layer
from . import network
from .input_layer import InputLayer
from .network import Input
from .training import Model


class Sequential(Model):
    """Linear stack of layers.

    Args:
        layers: list of layers to add.
        name: model name (default ``sequential_N``).

    Example:
        >>> model = Sequential()
        >>> model.add(Dense(500, input_dim=784, activation='sigmoid'))
        >>> model.add(Dense(10, activation='softmax'))
    """

    def __init__(self, layers=None, name=None):
        super(Sequential, self).__init__(name=name)
        self._layer_list = nn.ModuleList()
        self._input_batch_shape = None
        self._input_dtype = K.floatx()
        self._input_layer_name = None
        self._explicit_input = False      # an InputLayer was added: pop() never drops it
        # [(name, batch_shape, dtype)] when the first layer brings several model inputs of its own
        # (a layer with ``_sequential_inputs()``: the Keras-1 Merge of models, torkeras/legacy/layers.py).
        self._feeds = None
        self._plan = None
        # The graph (Keras 2.2.4 builds a Sequential as a functional graph): Input tensor(s), and the
        # output tensor of each layer of the stack, recorded once the input shape is known.
        self.inputs = []
        self.outputs = []
        self.input_layers = []
        self.output_layers = []
        self._chain = []
        if layers:
            for layer in layers:
                self.add(layer)

    # ------------------------------------------------------------------ structure
    @property
    def layers(self):
        return list(self._layer_list)

    def add(self, layer):
        """Add a layer on top of the stack.

        Once the input shape is known (the first layer's ``input_shape``, an ``InputLayer``, or data
        at the first ``fit``/``predict``/``build``) each layer is called on the previous layer's
        output tensor, so ``model.input``, ``model.output`` and ``layer.output`` exist as in Keras.

        Raises:
            TypeError: ``layer`` is not a Layer, or it has several output tensors.
            ValueError: a duplicate layer name, or a layer that does not fit the previous output.
        """
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer. Found: %r" % (layer,))
        if isinstance(layer, InputLayer):
            if len(self._layer_list) or self._input_batch_shape is not None:
                raise ValueError("An InputLayer can only be added first to a Sequential model.")
            self._input_batch_shape = tuple(layer.batch_input_shape)
            self._input_dtype = layer.dtype
            self._input_layer_name = layer.name
            self._explicit_input = True
            self.inputs = [network._input_tensor(layer)]
            self.built = True
            self._update_graph()
            return
        names = {l.name for l in self._layer_list}
        if layer.name in names:
            raise ValueError("All layers added to a Sequential model should have unique names. Name %r "
                             "is already the name of a layer in this model. Update the `name` argument "
                             "to pass a unique name." % (layer.name,))
        if not len(self._layer_list) and self._input_batch_shape is None:
            self._infer_input(layer)
        if self._input_batch_shape is not None:
            if not self.inputs:
                self._make_inputs()
            try:
                self._call_on_top(layer)
            except (TypeError, ValueError):
                if not len(self._layer_list) and not self._explicit_input:
                    self._forget_input()
                raise
            self._layer_list.append(layer)
            self.built = True
            self._update_graph()
        else:
            self._layer_list.append(layer)
        self._plan = None

    def _infer_input(self, layer):
        """The model's input from a first layer that knows it (Keras 2.2.4 Sequential.add)."""
        if hasattr(layer, "_sequential_inputs"):
            self._feeds = list(layer._sequential_inputs())
            self._input_batch_shape = [tuple(s) for _, s, _ in self._feeds]
            self._input_dtype = self._feeds[0][2]
            self._input_layer_name = self._feeds[0][0]
            return
        shape = getattr(layer, "batch_input_shape", None)
        if shape is None and isinstance(layer, Model) and layer.built:
            shape = layer._feed_input_shapes()[0]
        if shape is not None:
            self._input_batch_shape = tuple(shape)
            self._input_dtype = getattr(layer, "dtype", K.floatx())
            self._input_layer_name = layer.name + "_input"

    def _make_inputs(self):
        if self._feeds:
            self.inputs = [Input(batch_shape=s, dtype=d, name=n) for n, s, d in self._feeds]
        else:
            self.inputs = [Input(batch_shape=self._input_batch_shape, dtype=self._input_dtype,
                                 name=self._input_layer_name)]

    def _call_on_top(self, layer):
        """Call ``layer`` on the current output tensor (records its node, builds it)."""
        x = self._chain[-1] if self._chain else (list(self.inputs) if self._feeds else self.inputs[0])
        if hasattr(layer, "_sequential_inputs"):
            # A Merge of models takes the models' inputs (first layer) and refuses Keras tensors in
            # its own __call__ (it has no place in a functional graph): record its node here, where
            # its input check says whether it is the first layer.
            out = network.call_symbolic(layer, x, {})
        else:
            out = layer(x)
        if isinstance(out, (list, tuple)):
            raise TypeError("All layers in a Sequential model should have a single output tensor; "
                            "layer %r has %d. For multi-output layers, use the functional API."
                            % (layer.name, len(out)))
        self._chain.append(out)

    def _update_graph(self):
        """Outputs, input/output layers and the model's own node 0 follow the stack."""
        if self._chain:
            self.outputs = [self._chain[-1]]
        else:
            self.outputs = list(self.inputs) if len(self.inputs) == 1 else []
        self.input_layers = [t._keras_history[0] for t in self.inputs]
        self.output_layers = [t._keras_history[0] for t in self.outputs]
        self._add_internal_node()

    def pop(self):
        """Remove the last layer (its output tensor stops being the model's output)."""
        if not len(self._layer_list):
            raise TypeError("There are no layers in the model.")
        del self._layer_list[len(self._layer_list) - 1]
        self._plan = None
        if self._chain:
            node = _node_of(self._chain.pop())
            for inbound in node.inbound_layers:
                if node in inbound._outbound_nodes:
                    inbound._outbound_nodes.remove(node)
        if not len(self._layer_list) and not self._explicit_input:
            self._forget_input()
        self._update_graph()

    def _forget_input(self):
        self._input_batch_shape = None
        self._input_layer_name = None
        self._feeds = None
        self.inputs = []
        self._chain = []
        self.built = False

    def build(self, input_shape=None):
        """Build every layer for ``input_shape`` (batch axis included) and record the graph.

        A model that already has its graph keeps it (as Keras 2.2.4).
        """
        if self.inputs:
            self.built = True
            return
        if input_shape is None:
            input_shape = self._input_batch_shape
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument to build a Sequential model "
                             "whose first layer has no input shape.")
        input_shape = [tuple(s) for s in input_shape] if self._feeds else tuple(input_shape)
        if self._input_batch_shape is None:
            self._input_batch_shape = input_shape
            if len(self._layer_list):
                self._input_layer_name = self._layer_list[0].name + "_input"
        if self._input_layer_name is None:
            self._input_layer_name = self.name + "_input"
        self._make_inputs()
        self._chain = []
        for layer in self._layer_list:
            self._call_on_top(layer)
        self.built = True
        self._update_graph()

    def _build_from_data(self, x):
        if self._input_batch_shape is not None:
            return
        arr = x[0] if isinstance(x, (list, tuple)) else x
        if not hasattr(arr, "shape"):
            raise ValueError("Cannot infer the input shape of %r from %r: pass input_shape to the first "
                             "layer." % (self.name, type(arr).__name__))
        shape = tuple(arr.shape)
        if len(shape) == 1:
            shape = shape + (1,)
        self.build((None,) + shape[1:])

    def _ensure_built_for_compile(self):
        pass

    # ------------------------------------------------------------------ shapes / names
    @property
    def input_names(self):
        if self._feeds:
            return [name for name, _, _ in self._feeds]
        if self._input_layer_name is None:
            first = self._layer_list[0].name if len(self._layer_list) else self.name
            return [first + "_input"]
        return [self._input_layer_name]

    @property
    def output_names(self):
        if not len(self._layer_list):
            raise TypeError("Sequential model %r has no layers." % (self.name,))
        return [self._layer_list[-1].name]

    def _feed_input_shapes(self):
        if self._feeds:
            return list(self._input_batch_shape)
        return [self._input_batch_shape]

    def _output_shapes(self):
        if not self.built:
            return [None]
        if self._chain:
            return [self._chain[-1]._keras_shape]
        return [self._layer_list[-1].output_shape if len(self._layer_list) else self._input_batch_shape]

    @property
    def input(self):
        """The input Keras tensor (a list for a model with several inputs), once the input shape is
        known."""
        if not self.inputs:
            raise AttributeError("Sequential model %r has no input tensor yet: give its first layer "
                                 "an `input_shape`, or call `build(input_shape)` (or fit/predict) "
                                 "first." % (self.name,))
        return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)

    @property
    def output(self):
        """The output Keras tensor (that of the last layer), once the input shape is known."""
        if not self.outputs:
            raise AttributeError("Sequential model %r has no output tensor yet: give its first layer "
                                 "an `input_shape`, or call `build(input_shape)` (or fit/predict) "
                                 "first." % (self.name,))
        return self.outputs[0]

    @property
    def input_shape(self):
        if self._input_batch_shape is None:
            raise AttributeError("The model %r has not been built: it has no defined input shape."
                                 % (self.name,))
        return self._input_batch_shape

    @property
    def output_shape(self):
        if not self.built:
            raise AttributeError("The model %r has not been built: it has no defined output shape."
                                 % (self.name,))
        return self._output_shapes()[0]

    def compute_output_shape(self, input_shape):
        shape = [tuple(s) for s in input_shape] if self._feeds else tuple(input_shape)
        for layer in self._layer_list:
            shape = layer.compute_output_shape(shape)
        return shape

    # ------------------------------------------------------------------ forward
    def _make_plan(self):
        plan = []
        for layer in self._layer_list:
            hooks = bool(layer._forward_hooks or layer._forward_pre_hooks)
            produces_mask = type(layer).compute_mask is not Layer.compute_mask
            plan.append((layer, hooks, produces_mask, layer.activity_regularizer))
        self._plan = plan
        return plan

    def _forward(self, inputs, training):
        x = list(inputs) if self._feeds else inputs[0]
        plan = self._plan or self._make_plan()
        extra = [] if training else None
        mask = None
        for layer, hooks, produces_mask, act_reg in plan:
            inp = x
            if hooks:
                x = layer(x, training=training, mask=mask)
            else:
                x = layer.forward(x, training=training, mask=mask)
            if mask is not None or produces_mask:
                mask = layer.compute_mask(inp, mask)
            if act_reg is not None and training:
                extra.append(act_reg(x))
        return [x], extra

    def call(self, inputs, training=None, mask=None):
        if not self.built:
            self.build((None,) + tuple(inputs.shape[1:]))
        outs, _ = self._forward(list(inputs) if self._feeds else [inputs],
                                bool(training) if training is not None else False)
        return outs[0]

    def _build_for(self, input_shape):
        if not self.built:
            self.build(input_shape)

    # ------------------------------------------------------------------ Sequential-only API
    def predict_proba(self, x, batch_size=32, verbose=0):
        """Probability predictions (warns, like Keras, when outputs are outside [0, 1])."""
        preds = self.predict(x, batch_size, verbose)
        if preds.min() < 0. or preds.max() > 1.:
            import warnings
            warnings.warn("Network returning invalid probability values. The last layer might not "
                          "normalize predictions into probabilities (like softmax or sigmoid would).")
        return preds

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Class indices: argmax over the last axis, or ``p > 0.5`` for a single output unit."""
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    # ------------------------------------------------------------------ config
    def get_config(self):
        """``{'name', 'layers': [{'class_name', 'config'}, ...]}`` as Keras 2.2.4 writes it."""
        layer_configs = []
        for i, layer in enumerate(self._layer_list):
            cfg = layer.get_config()
            if i == 0 and self._input_batch_shape is not None and "batch_input_shape" not in cfg \
                    and not isinstance(layer, Model) and not self._feeds:
                cfg["batch_input_shape"] = list(self._input_batch_shape)
            layer_configs.append({"class_name": layer.__class__.__name__, "config": cfg})
        return copy.deepcopy({"name": self.name, "layers": layer_configs})

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild from a Keras 1/2 Sequential config (a list of layers, or a dict with 'layers')."""
        from ..layers import deserialize as deserialize_layer
        if isinstance(config, dict):
            name = config.get("name")
            layer_configs = config.get("layers")
            if layer_configs is None:
                raise ValueError("Sequential config has no 'layers' entry: %r" % (sorted(config),))
            build_input_shape = config.get("build_input_shape")
        elif isinstance(config, list):
            name, layer_configs, build_input_shape = None, config, None
        else:
            raise ValueError("Sequential config must be a list of layer configs or a dict with "
                             "'layers'. Received %r" % (type(config).__name__,))
        model = cls(name=name)
        for conf in layer_configs:
            layer = deserialize_layer(conf, custom_objects=custom_objects)
            model.add(layer)
        if not model.built and build_input_shape:
            model.build(tuple(build_input_shape))
        return model


def _node_of(tensor):
    layer, node_index, _ = tensor._keras_history
    return layer._inbound_nodes[node_index]
