"""Step-based recurrent base classes of Keras 1 custom layers: ``Recurrent`` and ``ConvRecurrent2D``
(Keras 2.2.4 ``keras/legacy/layers.py``; Keras 1.2.2 ``keras/layers/recurrent.py`` and
``convolutional_recurrent.py``).

A subclass creates its weights in ``build``, sets ``self.states`` to one entry per state, and defines
``step(x_t, states) -> (output_t, new_states)``; ``get_constants``, ``preprocess_input`` and
``get_initial_state`` (Keras 1: ``get_initial_states``) are optional hooks. ``call`` runs ``step``
over the time axis as ``K.rnn`` did: masked steps keep the previous output and states,
``go_backwards`` returns the outputs in processing order.
"""
import numpy as np
import torch

from .. import backend as K
from ..engine.base_layer import InputSpec, Layer
from ..utils import conv_utils
from ..utils.generic_utils import has_arg

__all__ = ["Recurrent", "ConvRecurrent2D"]

_IMPLEMENTATIONS = {"cpu": 0, "mem": 1, "gpu": 2}


class Recurrent(Layer):
    """Abstract base of step-based recurrent layers (subclass it; it is not a layer by itself).

    Args:
        return_sequences: return every output instead of the last one.
        return_state: also return the last states.
        go_backwards: process the sequence backwards.
        stateful: keep the last states of a batch as the next batch's initial states.
        unroll: accepted (the loop is the same either way).
        implementation: 0, 1 or 2, stored for subclasses (Keras 1: ``consume_less`` 'cpu', 'mem',
            'gpu').
        weights: initial weights; input_dim, input_length: shorthand for
            ``input_shape=(input_length, input_dim)`` (Keras 1).

    Input shape:
        ``(batch, timesteps, input_dim)``.

    Output shape:
        ``(batch, timesteps, units)`` with return_sequences, else ``(batch, units)``; with
        return_state a list ``[output, state, ...]``. ``units`` is ``self.units`` (Keras 1:
        ``self.output_dim``).

    Example:
        >>> class MinimalRNN(Recurrent):
        ...     def __init__(self, units, **kwargs):
        ...         super(MinimalRNN, self).__init__(**kwargs)
        ...         self.units = units
        ...     def build(self, input_shape):
        ...         self.kernel = self.add_weight(name='kernel', shape=(input_shape[2], self.units))
        ...         self.states = [None]
        ...     def step(self, x, states):
        ...         h = K.tanh(K.dot(x, self.kernel) + states[0])
        ...         return h, [h]
    """

    def __init__(self, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, implementation=0, weights=None, consume_less=None,
                 input_dim=None, input_length=None, **kwargs):
        if consume_less is not None:
            if consume_less not in _IMPLEMENTATIONS:
                raise ValueError("`%s`: consume_less must be 'cpu', 'mem' or 'gpu'. Received: %r"
                                 % (type(self).__name__, consume_less))
            implementation = _IMPLEMENTATIONS[consume_less]
        if input_dim is not None and "input_shape" not in kwargs and \
                "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length, input_dim)
        if weights is not None:
            kwargs["weights"] = weights
        super(Recurrent, self).__init__(**kwargs)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.implementation = implementation
        self.supports_masking = True
        self.input_spec = [InputSpec(ndim=3)]
        self.state_spec = None
        self.states = []
        self.dropout = 0
        self.recurrent_dropout = 0

    # ------------------------------------------------------------------ hooks
    def step(self, inputs, states):
        """One time step: ``(output, new_states)``. Subclasses implement it."""
        raise NotImplementedError("`%s` subclasses Recurrent and must define step(inputs, states)."
                                  % (type(self).__name__,))

    def get_constants(self, inputs, training=None):
        """Extra tensors appended to ``states`` at every step (default none)."""
        return []

    def preprocess_input(self, inputs, training=None):
        """Transform the whole input sequence before the loop (default: unchanged)."""
        return inputs

    def _units(self):
        units = getattr(self, "units", None)
        return getattr(self, "output_dim", None) if units is None else units

    def get_initial_state(self, inputs):
        """One ``(batch, units)`` zero tensor per entry of ``self.states``."""
        zeros = inputs.new_zeros((inputs.shape[0], self._units()))
        return [zeros for _ in self.states]

    def _state_shape(self, input_shape):
        return (input_shape[0], self._units())

    # ------------------------------------------------------------------ shapes and masks
    def compute_output_shape(self, input_shape):
        legacy = getattr(self, "get_output_shape_for", None)
        if legacy is not None:
            return legacy(input_shape)
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        state = self._state_shape(input_shape)
        output = (input_shape[0], input_shape[1]) + tuple(state[1:]) if self.return_sequences \
            else state
        if self.return_state:
            return [output] + [state for _ in self.states]
        return output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.states]
        return output_mask

    # ------------------------------------------------------------------ the loop
    def _call_hook(self, hook, inputs, training):
        return hook(inputs, training=training) if has_arg(hook, "training") else hook(inputs)

    def _initial_states(self, inputs):
        legacy = getattr(self, "get_initial_states", None)   # Keras 1 name
        return list(legacy(inputs) if legacy is not None else self.get_initial_state(inputs))

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            inputs, initial_state = inputs[0], list(inputs[1:])
        if initial_state is not None:
            states = list(initial_state)
        elif self.stateful and self.states and all(isinstance(s, torch.Tensor) for s in self.states):
            states = list(self.states)
        else:
            states = self._initial_states(inputs)
        if isinstance(mask, list):
            mask = mask[0]
        if len(states) != len(self.states):
            raise ValueError("Layer %s has %d states but was passed %d initial states."
                             % (self.name, len(self.states), len(states)))
        constants = list(self._call_hook(self.get_constants, inputs, training))
        x = self._call_hook(self.preprocess_input, inputs, training)
        steps = range(x.shape[1] - 1, -1, -1) if self.go_backwards else range(x.shape[1])
        outputs, last = [], None
        for t in steps:
            output, new_states = self.step(x[:, t], states + constants)
            new_states = list(new_states)
            if mask is not None:
                keep = mask[:, t].bool()
                previous = last if last is not None else torch.zeros_like(output)
                output = torch.where(_expand(keep, output), output, previous)
                new_states = [torch.where(_expand(keep, n), n, o) for n, o in zip(new_states, states)]
            states, last = new_states, output
            outputs.append(output)
        if self.stateful:
            self.states = [s.detach() for s in states]
        result = torch.stack(outputs, 1) if self.return_sequences else last
        return [result] + states if self.return_state else result

    def reset_states(self, states=None):
        """Zero the states of a stateful layer (or set them to ``states``, numpy arrays)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        batch = getattr(self, "batch_input_shape", (None,))[0]
        if not batch:
            raise ValueError("If a RNN is stateful, it needs to know its batch size: pass "
                             "`batch_input_shape` to the first layer of your model.")
        shape = self._state_shape(self.batch_input_shape)
        if states is None:
            self.states = [torch.zeros(shape) for _ in self.states]
            return
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        if len(states) != len(self.states):
            raise ValueError("Layer %s expects %d states, but it received %d state values."
                             % (self.name, len(self.states), len(states)))
        for i, value in enumerate(states):
            if tuple(np.shape(value)) != tuple(shape):
                raise ValueError("State %d is incompatible with layer %s: expected shape=%s, found "
                                 "shape=%s" % (i, self.name, shape, np.shape(value)))
        self.states = [torch.as_tensor(np.asarray(v, dtype=K.floatx())) for v in states]

    def get_config(self):
        base = super(Recurrent, self).get_config()
        base.update({"return_sequences": self.return_sequences, "return_state": self.return_state,
                     "go_backwards": self.go_backwards, "stateful": self.stateful,
                     "unroll": self.unroll, "implementation": self.implementation})
        return base


def _expand(keep, like):
    return keep.reshape(keep.shape + (1,) * (like.dim() - 1))


class ConvRecurrent2D(Recurrent):
    """Abstract base of step-based convolutional recurrent layers (Keras 1 ConvLSTM2D's base).

    Subclasses define ``build`` (setting ``self.states``), ``get_initial_state`` and ``step``.

    Args:
        filters: number of output channels.
        kernel_size, strides, dilation_rate: int or 2 ints.
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` (default: ``K.image_data_format()``) or
            ``'channels_first'``.
        return_sequences, go_backwards, stateful: as :class:`Recurrent`.

    Input shape:
        ``(batch, time, rows, cols, channels)`` (channels_last).

    Output shape:
        ``(batch, [time,] new_rows, new_cols, filters)`` (channels_last).

    Example:
        >>> class MyConvRNN(ConvRecurrent2D):
        ...     def step(self, x, states): ...
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), return_sequences=False, go_backwards=False, stateful=False,
                 **kwargs):
        super(ConvRecurrent2D, self).__init__(return_sequences=return_sequences,
                                              go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.filters = filters
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, 2, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, 2, "strides")
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, 2, "dilation_rate")
        self.input_spec = [InputSpec(ndim=5)]

    def _state_shape(self, input_shape):
        first = self.data_format == "channels_first"
        rows, cols = (input_shape[3], input_shape[4]) if first else (input_shape[2], input_shape[3])
        rows, cols = [conv_utils.conv_output_length(n, k, self.padding, s, dilation=d)
                      for n, k, s, d in zip((rows, cols), self.kernel_size, self.strides,
                                            self.dilation_rate)]
        if first:
            return (input_shape[0], self.filters, rows, cols)
        return (input_shape[0], rows, cols, self.filters)

    def get_initial_state(self, inputs):
        raise NotImplementedError("`%s` subclasses ConvRecurrent2D and must define "
                                  "get_initial_state(inputs)." % (type(self).__name__,))

    def get_config(self):
        base = super(ConvRecurrent2D, self).get_config()
        for key in ("return_state", "unroll", "implementation"):
            base.pop(key)
        base.update({"filters": self.filters, "kernel_size": self.kernel_size,
                     "strides": self.strides, "padding": self.padding,
                     "data_format": self.data_format, "dilation_rate": self.dilation_rate})
        return base
