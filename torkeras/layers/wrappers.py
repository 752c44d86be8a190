"""Layer wrappers: Wrapper, TimeDistributed, Bidirectional (Keras 2.2.4
``keras/layers/wrappers.py`` behaviour)."""
import torch

from ..engine.base_layer import InputSpec, Layer

__all__ = ["Wrapper", "TimeDistributed", "Bidirectional"]


class Wrapper(Layer):
    """Abstract base class of layers that wrap another layer.

    Args:
        layer: the wrapped layer instance.

    Input shape:
        Defined by the subclass.

    Output shape:
        Defined by the subclass.

    Example:
        >>> TimeDistributed(Dense(8))   # a concrete Wrapper
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise TypeError("`%s`: `layer` must be a Layer instance. Received: layer=%r"
                            % (type(self).__name__, layer))
        super(Wrapper, self).__init__(**kwargs)
        self.layer = layer
        self.activity_regularizer = getattr(layer, "activity_regularizer", None)

    def _sublayers(self):
        return [self.layer]

    def build(self, input_shape=None):
        self.built = True

    def get_config(self):
        base = super(Wrapper, self).get_config()
        base["layer"] = {"class_name": self.layer.__class__.__name__,
                         "config": self.layer.get_config()}
        return base

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize as deserialize_layer
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)


class TimeDistributed(Wrapper):
    """Applies a layer to every temporal slice of an input (batch and time are folded together).

    Args:
        layer: a layer instance (any layer taking ``(batch, ...)`` inputs).

    Input shape:
        ``(batch, timesteps, ...)``, at least 3D.

    Output shape:
        ``(batch, timesteps) + inner output shape[1:]``.

    Example:
        >>> model.add(TimeDistributed(Dense(8), input_shape=(10, 16)))
    """

    def __init__(self, layer, **kwargs):
        super(TimeDistributed, self).__init__(layer, **kwargs)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)

    @property
    def trainable(self):
        return self.layer.trainable if "layer" in self._modules else self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        if "layer" in self._modules:
            self.layer.trainable = value

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError("Input 0 is incompatible with layer %s: expected min_ndim=3, found "
                             "ndim=%d (input shape %s)" % (self.name, len(input_shape), input_shape))
        self.input_spec = InputSpec(shape=(None,) + input_shape[1:])
        self.layer._build_for((input_shape[0],) + input_shape[2:])
        self.built = True

    def compute_output_shape(self, input_shape):
        child = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (child[0], input_shape[1]) + tuple(child[1:])

    def call(self, inputs, training=None, mask=None):
        b, t = inputs.shape[0], inputs.shape[1]
        inner = inputs.reshape((b * t,) + tuple(inputs.shape[2:]))
        inner_mask = None
        if mask is not None:
            inner_mask = mask.reshape((b * t,) + tuple(mask.shape[2:]))
        y = self.layer.forward(inner, training=training, mask=inner_mask)
        return y.reshape((b, t) + tuple(y.shape[1:]))

    def compute_mask(self, inputs, mask=None):
        b, t = inputs.shape[0], inputs.shape[1]
        inner_mask = None
        if mask is not None:
            inner_mask = mask.reshape((b * t,) + tuple(mask.shape[2:]))
        inner = inputs.reshape((b * t,) + tuple(inputs.shape[2:]))
        out = self.layer.compute_mask(inner, inner_mask)
        if out is None:
            if mask is None:
                return None
            out = mask
            while out.dim() > 2:
                out = out.any(dim=-1)
            return out
        return out.reshape((b, t) + tuple(out.shape[1:]))


_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class Bidirectional(Wrapper):
    """Bidirectional wrapper for RNNs: a forward and a backward copy of ``layer``.

    Args:
        layer: a recurrent layer instance (its config needs ``go_backwards``).
        merge_mode: how outputs are combined: ``'concat'`` (default), ``'sum'``, ``'mul'``,
            ``'ave'``, or None (a list ``[forward, backward]``).
        weights: initial weights, forward layer's then backward layer's.

    Weights are the forward layer's then the backward layer's. With ``return_sequences=False`` the
    backward half is the backward layer's final output (its state after reading the sequence from
    the end to the start).

    Input shape:
        ``(batch, timesteps, input_dim)``.

    Output shape:
        As the wrapped layer, with the last axis doubled for ``'concat'``.

    Example:
        >>> model.add(Bidirectional(LSTM(10, return_sequences=True), input_shape=(5, 10)))
    """

    def __init__(self, layer, merge_mode="concat", weights=None, **kwargs):
        if merge_mode not in _MERGE_MODES:
            raise ValueError("`Bidirectional`: invalid merge mode. Merge mode should be one of "
                             "{'sum', 'mul', 'ave', 'concat', None}. Received: merge_mode=%r"
                             % (merge_mode,))
        if not isinstance(layer, Layer):
            raise TypeError("`Bidirectional`: `layer` must be a recurrent Layer instance. "
                            "Received: layer=%r" % (layer,))
        config = layer.get_config()
        if "go_backwards" not in config:
            raise ValueError("`Bidirectional`: the wrapped layer must be a recurrent layer with a "
                             "`go_backwards` argument. Received a %s." % (type(layer).__name__,))
        Layer.__init__(self, weights=weights, **kwargs)
        # The user's layer is only a template (as in Keras): keep it out of the module tree.
        object.__setattr__(self, "layer", layer)
        fwd = dict(config, name="forward_" + layer.name)
        bwd = dict(config, name="backward_" + layer.name, go_backwards=not config["go_backwards"])
        for c in (fwd, bwd):
            c.pop("batch_input_shape", None)
        self.forward_layer = layer.__class__.from_config(fwd)
        self.backward_layer = layer.__class__.from_config(bwd)
        self.activity_regularizer = getattr(layer, "activity_regularizer", None)
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = InputSpec(ndim=3)

    def _sublayers(self):
        return [self.forward_layer, self.backward_layer]

    def weight_names(self):
        return ["%s/%s" % (self.name, n) for sub in self._sublayers() for n in sub.weight_names()]

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        if "forward_layer" in self._modules:
            self.forward_layer.trainable = value
            self.backward_layer.trainable = value

    def build(self, input_shape):
        self.forward_layer._build_for(input_shape)
        self.backward_layer._build_for(input_shape)
        self.built = True

    def _check_input_spec_shape(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        self.input_spec.check_shape(self, shape)

    def compute_output_shape(self, input_shape):
        out = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            states = list(out[1:])
            out = out[0]
        if self.merge_mode == "concat":
            out = tuple(out[:-1]) + (out[-1] * 2,)
        elif self.merge_mode is None:
            out = [tuple(out), tuple(out)]
        if self.return_state:
            head = out if isinstance(out, list) else [out]
            return head + states + list(states)
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            out = [mask, mask] if self.merge_mode is None else mask
        else:
            out = [None, None] if self.merge_mode is None else None
        if self.return_state:
            n = len(self.forward_layer.states)
            head = out if isinstance(out, list) else [out]
            return head + [None] * (2 * n)
        return out

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def forward(self, inputs, training=None, mask=None, initial_state=None):
        if not self.built:
            self._build_from_tensors(inputs)
        return self.call(inputs, training=training, mask=mask, initial_state=initial_state)

    def call(self, inputs, training=None, mask=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            if initial_state is not None:
                raise ValueError("`Bidirectional` %r: pass initial states either in the inputs list "
                                 "or with `initial_state`, not both." % (self.name,))
            x, initial_state = inputs[0], list(inputs[1:]) or None
        else:
            x = inputs
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if initial_state is not None:
            if not isinstance(initial_state, (list, tuple)):
                initial_state = [initial_state]
            if len(initial_state) % 2:
                raise ValueError("`Bidirectional` %r: initial states must be given for both "
                                 "directions (an even number of tensors). Received %d."
                                 % (self.name, len(initial_state)))
            half = len(initial_state) // 2
            y = self.forward_layer.forward(x, training=training, mask=mask,
                                           initial_state=list(initial_state[:half]))
            y_rev = self.backward_layer.forward(x, training=training, mask=mask,
                                                initial_state=list(initial_state[half:]))
        else:
            y = self.forward_layer.forward(x, training=training, mask=mask)
            y_rev = self.backward_layer.forward(x, training=training, mask=mask)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = torch.flip(y_rev, dims=(1,))
        if self.merge_mode == "concat":
            out = torch.cat([y, y_rev], dim=-1)
        elif self.merge_mode == "sum":
            out = y + y_rev
        elif self.merge_mode == "ave":
            out = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            out = y * y_rev
        else:
            out = [y, y_rev]
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + states
        return out

    def get_config(self):
        base = super(Bidirectional, self).get_config()
        base["merge_mode"] = self.merge_mode
        return base


def _builtin_objects():
    # Wrapper is an abstract base (importable, as in Keras), not a layer to deserialize.
    return [(TimeDistributed, "TimeDistributed", ()), (Bidirectional, "Bidirectional", ())]
