"""Recurrent layers: RNN with SimpleRNNCell / GRUCell / LSTMCell / StackedRNNCells, and SimpleRNN,
GRU, LSTM (Keras 2.2.4 ``keras/layers/recurrent.py`` behaviour).

Numerics follow Keras 2.2.4 exactly: ``recurrent_activation`` defaults to ``'hard_sigmoid'``
(``clip(0.2x + 0.5, 0, 1)``), GRU defaults to ``reset_after=False`` (reset gate applied before the
recurrent matmul), weights are stored in Keras layout (kernel ``(in, n*units)``, gate blocks LSTM
i,f,c,o and GRU z,r,h), masked timesteps copy the previous output and state, dropout masks are drawn
once per call and fixed over time (training only).

Speed: when a configuration computes exactly what torch's fused kernels compute (LSTM or
GRU(reset_after=True) with ``activation='tanh'``, ``recurrent_activation='sigmoid'``, no mask, no
recurrent dropout in training), :class:`LSTM`/:class:`GRU` call ``torch.lstm`` / ``torch.gru`` on
views of the Keras weights. Otherwise an exact step loop runs, with the input projection of all
timesteps computed in one matmul before the loop.

The cells and the argument checks live in ``_recurrent_cells.py``; this module is their public home.
"""
import numpy as np
import torch

from .. import activations, regularizers
from ..engine.base_layer import InputSpec, Layer
from ..legacy import keras1
from ._recurrent_cells import (GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells, _BuiltinCell,
                               _bool, _call_cell, _dropout_masks, _implementation, _output_size,
                               _positive_int, _state_sizes, _training_flag, _usable_state)

__all__ = ["RNN", "StackedRNNCells", "SimpleRNNCell", "GRUCell", "LSTMCell", "SimpleRNN", "GRU",
           "LSTM", "Recurrent"]


# ---------------------------------------------------------------------------- the RNN layer
class RNN(Layer):
    """Base class for recurrent layers: runs a cell over the time axis.

    Args:
        cell: a cell instance (``call(inputs, states)`` and ``state_size``), or a list of cells
            (stacked with :class:`StackedRNNCells`).
        return_sequences: return the whole output sequence instead of the last output.
        return_state: also return the last states (a list: output, then the states).
        go_backwards: process the sequence backwards (the returned sequence stays reversed).
        stateful: the last states of batch k are the initial states of batch k+1 (needs a fixed
            batch size: ``batch_input_shape``); :meth:`reset_states` zeroes them.
        unroll: accepted; the computation is the same either way.
        input_dim, input_length: Keras shorthand for ``input_shape=(input_length, input_dim)``.

    Input shape:
        ``(batch, timesteps, input_dim)``; optionally a list ``[inputs, *initial_states]``, or the
        ``initial_state=`` keyword with torch tensors.

    Output shape:
        ``(batch, timesteps, units)`` with return_sequences, else ``(batch, units)``; with
        return_state a list ``[output, state_1, ...]`` (each state ``(batch, units)``).

    Example:
        >>> model.add(RNN(LSTMCell(32), input_shape=(10, 8)))
    """

    _ndim = 3

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        owner = type(self).__name__
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError("`%s`: `cell` should have a `call` method. Received: cell=%r"
                             % (owner, cell))
        if not hasattr(cell, "state_size"):
            raise ValueError("`%s`: the RNN cell should have an attribute `state_size` (an integer "
                             "or a tuple of integers, one per state). Received: cell=%r"
                             % (owner, cell))
        input_dim = kwargs.pop("input_dim", None)
        input_length = kwargs.pop("input_length", None)
        if input_dim is not None and "input_shape" not in kwargs and \
                "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length, _positive_int(owner, "input_dim", input_dim))
        elif input_length is not None and input_dim is None:
            raise ValueError("`%s`: `input_length` needs `input_dim` (or use input_shape=(%r, dim))."
                             % (owner, input_length))
        super(RNN, self).__init__(**kwargs)
        self.cell = cell
        self.return_sequences = _bool(owner, "return_sequences", return_sequences)
        self.return_state = _bool(owner, "return_state", return_state)
        self.go_backwards = _bool(owner, "go_backwards", go_backwards)
        self.stateful = _bool(owner, "stateful", stateful)
        self.unroll = _bool(owner, "unroll", unroll)
        self.supports_masking = True
        self.input_spec = InputSpec(ndim=3)
        self._states = None
        self._batch_size = None

    # --------------------------------------------------------------- structure
    def _sublayers(self):
        return [self.cell] if isinstance(self.cell, Layer) else []

    def weight_names(self):
        # Keras 2.2.4 creates the cell's weights inside the layer's scope: ``lstm_1/kernel:0``.
        return ["%s/%s:0" % (self.name, n) for _, _, n in self._ordered_specs()]

    @property
    def states(self):
        if self._states is None:
            return [None] * len(_state_sizes(self.cell))
        return self._states

    @states.setter
    def states(self, states):
        self._states = states

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        out_dim = _output_size(self.cell)
        if self.return_sequences:
            out = (input_shape[0], input_shape[1], out_dim)
        else:
            out = (input_shape[0], out_dim)
        if self.return_state:
            return [out] + [(input_shape[0], d) for d in _state_sizes(self.cell)]
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        out_mask = mask if self.return_sequences else None
        if self.return_state:
            return [out_mask] + [None] * len(_state_sizes(self.cell))
        return out_mask

    def _checked_build_shape(self, input_shape, ndim, state_axis):
        """The input's shape from ``build``'s argument (``[input, *states]`` or one shape), with
        its rank and the initial states' sizes on ``state_axis`` checked as Keras checks them."""
        state_shapes = None
        if isinstance(input_shape, list):
            state_shapes = input_shape[1:]
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        if len(input_shape) != ndim:
            raise ValueError("Input 0 is incompatible with layer %s: expected ndim=%d, found "
                             "ndim=%d (input shape %s)" % (self.name, ndim, len(input_shape),
                                                          input_shape))
        if state_shapes and [s[state_axis] for s in state_shapes] != _state_sizes(self.cell):
            raise ValueError("`%s` %r: an `initial_state` was passed that is not compatible "
                             "with `cell.state_size`. Received state shapes %s; however "
                             "`cell.state_size` is %s" % (type(self).__name__, self.name,
                                                          state_shapes, self.cell.state_size))
        return input_shape

    def build(self, input_shape):
        input_shape = self._checked_build_shape(input_shape, 3, -1)
        if isinstance(self.cell, Layer):
            self.cell._build_for((input_shape[0],) + input_shape[2:])
        self.input_spec = InputSpec(shape=(input_shape[0] if self.stateful else None, None,
                                           input_shape[-1]))
        if self.stateful:
            self._batch_size = input_shape[0]
            self.reset_states()
        self.built = True

    def _check_input_spec_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        if self.input_spec is not None:
            self.input_spec.check_shape(self, input_shape)

    # --------------------------------------------------------------- states
    def reset_states(self, states=None):
        """Zero the states of a stateful layer, or set them to ``states`` (numpy arrays)."""
        if not self.stateful:
            raise AttributeError("Layer %r must be stateful to reset its states." % (self.name,))
        batch_size = self._batch_size
        if not batch_size:
            raise ValueError("If a RNN is stateful, it needs to know its batch size. Specify the "
                             "batch size of your input tensors: pass a `batch_input_shape` "
                             "argument to the first layer of a Sequential model, or `batch_shape` "
                             "to your Input layer (layer %r)." % (self.name,))
        sizes = _state_sizes(self.cell)
        device = self._target_device()
        if states is None:
            self._states = [torch.zeros(batch_size, d, device=device) for d in sizes]
            return
        if not isinstance(states, (list, tuple)):
            states = [states]
        if len(states) != len(sizes):
            raise ValueError("Layer %s expects %d states, but it received %d state values."
                             % (self.name, len(sizes), len(states)))
        new = []
        for i, (value, d) in enumerate(zip(states, sizes)):
            arr = np.asarray(value, dtype=np.float32)
            if arr.shape != (batch_size, d):
                raise ValueError("State %d is incompatible with layer %s: expected shape=%s, found "
                                 "shape=%s" % (i, self.name, (batch_size, d), arr.shape))
            new.append(torch.as_tensor(arr, device=device))
        self._states = new

    def get_initial_state(self, inputs):
        b = inputs.shape[0]
        return [inputs.new_zeros((b, d)) for d in _state_sizes(self.cell)]

    # --------------------------------------------------------------- call
    def forward(self, inputs, training=None, mask=None, initial_state=None, constants=None):
        if constants is not None:
            raise ValueError("`%s` %r: `constants` are not supported by torkeras RNN layers."
                             % (type(self).__name__, self.name))
        if not self.built:
            self._build_from_tensors(inputs)
        return self.call(inputs, training=training, mask=mask, initial_state=initial_state)

    def _split_inputs(self, inputs, initial_state):
        if isinstance(inputs, (list, tuple)):
            if initial_state is not None:
                raise ValueError("`%s` %r: pass initial states either in the inputs list or with "
                                 "`initial_state`, not both." % (type(self).__name__, self.name))
            states = list(inputs[1:]) or None
            return inputs[0], states
        if initial_state is not None and not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        return inputs, (list(initial_state) if initial_state is not None else None)

    def call(self, inputs, training=None, mask=None, initial_state=None):
        x, initial_state = self._split_inputs(inputs, initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if x.dim() != self._ndim:
            raise ValueError("Input 0 is incompatible with layer %s: expected ndim=%d, found ndim=%d"
                             % (self.name, self._ndim, x.dim()))
        n_states = len(_state_sizes(self.cell))
        if initial_state is not None:
            states = initial_state
        elif self.stateful:
            if self._states is None or self._states[0].shape[0] != x.shape[0]:
                raise ValueError("Stateful layer %r was built for batches of %s samples but "
                                 "received %d. Feed batches of exactly batch_input_shape[0] "
                                 "samples." % (self.name, self._batch_size, x.shape[0]))
            states = [_usable_state(s).to(x.dtype) for s in self._states]
        else:
            states = self.get_initial_state(x)
        if len(states) != n_states:
            raise ValueError("Layer %s has %d states but was passed %d initial states."
                             % (self.name, n_states, len(states)))
        if self.unroll and x.shape[1] in (None, 1):
            raise ValueError("`%s` %r: cannot unroll a RNN if the time dimension is undefined or "
                             "equal to 1." % (type(self).__name__, self.name))
        if hasattr(self.cell, "_reset_dropout_masks"):
            self.cell._reset_dropout_masks()
        training = _training_flag(training)

        if self.go_backwards:
            x = torch.flip(x, dims=(1,))
            if mask is not None:
                mask = torch.flip(mask, dims=(1,))

        fused = None
        if mask is None:
            fused = self._fused(x, states, training)
        if fused is not None:
            outputs, last, new_states = fused
        else:
            outputs, last, new_states = self._loop(x, states, mask, training)

        if self.stateful:
            self._states = [s.detach() for s in new_states]
        output = outputs if self.return_sequences else last
        if self.return_state:
            return [output] + list(new_states)
        return output

    def _fused(self, x, states, training):
        """Run torch's fused kernel when it computes exactly the same numbers; else None."""
        return None

    def _loop(self, x, states, mask, training):
        cell = self.cell
        steps = x.shape[1]
        want_seq = self.return_sequences
        if isinstance(cell, _BuiltinCell):
            xp = cell._project(x, training)
            step_inputs = xp.unbind(1)

            def step(t, st):
                return cell._recur(step_inputs[t], st, training)
        else:
            step_inputs = x.unbind(1)

            def step(t, st):
                return _call_cell(cell, step_inputs[t], st, training)

        outputs = []
        out = None
        prev_out = None
        masks = None
        if mask is not None:
            masks = mask.to(torch.bool).unbind(1)
        for t in range(steps):
            out, new_states = step(t, states)
            new_states = list(new_states)
            if masks is not None:
                m = masks[t].unsqueeze(-1)
                if self.unroll:
                    prev = prev_out if prev_out is not None else torch.zeros_like(out)
                else:
                    prev = states[0]
                out = torch.where(m, out, prev)
                new_states = [torch.where(m, ns, s) for ns, s in zip(new_states, states)]
            states = new_states
            prev_out = out
            if want_seq:
                outputs.append(out)
        seq = torch.stack(outputs, dim=1) if want_seq else None
        return seq, out, states

    def get_config(self):
        config = {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "cell": {"class_name": self.cell.__class__.__name__, "config": self.cell.get_config()},
        }
        base = super(RNN, self).get_config()
        base.update(config)
        return base

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize as deserialize_layer
        config = dict(config)
        if config.pop("num_constants", None) is not None:
            raise ValueError("RNN config with `num_constants`: constants are not supported by "
                             "torkeras RNN layers.")
        cell = deserialize_layer(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


#: Keras 2.1+ keeps the Keras-1 base class name importable (keras/legacy/layers.py); in torkeras
#: it is the same class as RNN.
Recurrent = RNN


# ---------------------------------------------------------------------------- SimpleRNN/GRU/LSTM
class _CellForwarding(RNN):
    """RNN subclasses owning a built-in cell: config keys of the cell at the top level."""

    _cell_keys = ()

    def __getattr__(self, name):
        if name in type(self)._cell_keys:
            return getattr(self._modules["cell"], name)
        return super(_CellForwarding, self).__getattr__(name)

    def get_config(self):
        base = super(_CellForwarding, self).get_config()
        del base["cell"]
        cell_cfg = self.cell.get_config()
        for key in ("name", "trainable", "dtype", "batch_input_shape"):
            cell_cfg.pop(key, None)
        cell_cfg["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        ordered = {}
        for key in self._config_order:
            if key in cell_cfg:
                ordered[key] = cell_cfg[key]
        base.update(ordered)
        return base

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)

    def _fused_weights_ok(self, training):
        cell = self.cell
        if cell.activation is not activations.tanh:
            return False
        if cell.recurrent_activation is not activations.sigmoid:
            return False
        if training and 0.0 < cell.recurrent_dropout < 1.0:
            return False
        if training and 0.0 < cell.dropout < 1.0 and cell.implementation == 1:
            return False
        return True

    def _input_dropout(self, x, training):
        cell = self.cell
        if training and 0.0 < cell.dropout < 1.0:
            m = _dropout_masks(x[:, 0], cell.dropout, 1, True)[0]
            return x * m.unsqueeze(1)
        return x


_BASE_RNN_KEYS = ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                  "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                  "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                  "activity_regularizer", "kernel_constraint", "recurrent_constraint",
                  "bias_constraint", "dropout", "recurrent_dropout", "implementation", "reset_after")


class SimpleRNN(_CellForwarding):
    """Fully-connected RNN whose output is fed back as input.

    Args:
        units, activation, use_bias, *_initializer, *_regularizer, *_constraint, dropout,
            recurrent_dropout: see :class:`SimpleRNNCell`.
        activity_regularizer: regularizer applied to the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: see :class:`RNN`.

    Input shape:
        ``(batch, timesteps, input_dim)``.

    Output shape:
        ``(batch, timesteps, units)`` or ``(batch, units)`` (a list with the states if
        return_state).

    Example:
        >>> model.add(SimpleRNN(16, input_shape=(10, 8)))
    """

    _cell_keys = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
                  "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
                  "bias_regularizer", "kernel_constraint", "recurrent_constraint",
                  "bias_constraint", "dropout", "recurrent_dropout")
    _config_order = _BASE_RNN_KEYS

    @keras1.legacy_interface("SimpleRNN")
    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False, **kwargs):
        if "implementation" in kwargs:
            # Keras 2.2.4 drops it with a warning: SimpleRNN has a single implementation.
            _implementation("SimpleRNN", kwargs.pop("implementation"))
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias,
                             kernel_initializer=kernel_initializer,
                             recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer,
                             recurrent_regularizer=recurrent_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             recurrent_constraint=recurrent_constraint,
                             bias_constraint=bias_constraint, dropout=dropout,
                             recurrent_dropout=recurrent_dropout)
        super(SimpleRNN, self).__init__(cell, return_sequences=return_sequences,
                                        return_state=return_state, go_backwards=go_backwards,
                                        stateful=stateful, unroll=unroll, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)


class GRU(_CellForwarding):
    """Gated Recurrent Unit (Keras 2.2.4: ``recurrent_activation='hard_sigmoid'``,
    ``reset_after=False`` by default).

    Args:
        units, activation, recurrent_activation, use_bias, *_initializer, *_regularizer,
            *_constraint, dropout, recurrent_dropout, implementation, reset_after: see
            :class:`GRUCell`.
        activity_regularizer: regularizer applied to the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: see :class:`RNN`.

    With ``reset_after=True, recurrent_activation='sigmoid', activation='tanh'`` and no mask or
    recurrent dropout, this runs torch's fused GRU kernel (gate blocks reordered z,r,h -> r,z,n).

    Input shape:
        ``(batch, timesteps, input_dim)``.

    Output shape:
        ``(batch, timesteps, units)`` or ``(batch, units)`` (a list with the state if
        return_state).

    Example:
        >>> model.add(GRU(32, input_shape=(10, 8)))
    """

    _cell_keys = SimpleRNN._cell_keys + ("recurrent_activation", "implementation", "reset_after")
    _config_order = _BASE_RNN_KEYS

    @keras1.legacy_interface("GRU")
    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0., recurrent_dropout=0.,
                 implementation=1, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=False, **kwargs):
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation,
                       use_bias=use_bias, kernel_initializer=kernel_initializer,
                       recurrent_initializer=recurrent_initializer,
                       bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                       recurrent_regularizer=recurrent_regularizer,
                       bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                       recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                       dropout=dropout, recurrent_dropout=recurrent_dropout,
                       implementation=implementation, reset_after=reset_after)
        super(GRU, self).__init__(cell, return_sequences=return_sequences,
                                  return_state=return_state, go_backwards=go_backwards,
                                  stateful=stateful, unroll=unroll, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def _fused(self, x, states, training):
        cell = self.cell
        if not cell.reset_after or not self._fused_weights_ok(training):
            return None
        x = self._input_dropout(x, training)
        u = cell.units

        def rzn(w):  # Keras z,r,h blocks -> torch r,z,n
            return torch.cat([w[..., u:2 * u], w[..., :u], w[..., 2 * u:]], dim=-1)

        params = [rzn(cell.kernel).t(), rzn(cell.recurrent_kernel).t()]
        if cell.use_bias:
            b = rzn(cell.bias)
            params += [b[0], b[1]]
        out, h = torch.gru(x, states[0].unsqueeze(0).contiguous(), params, cell.use_bias, 1, 0.0,
                           False, False, True)
        h = h[0]
        return out, h, [h]


class LSTM(_CellForwarding):
    """Long Short-Term Memory layer (Keras 2.2.4: ``recurrent_activation='hard_sigmoid'`` by
    default, gate blocks i, f, c, o).

    Args:
        units, activation, recurrent_activation, use_bias, *_initializer, unit_forget_bias,
            *_regularizer, *_constraint, dropout, recurrent_dropout, implementation: see
            :class:`LSTMCell`.
        activity_regularizer: regularizer applied to the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: see :class:`RNN`.

    With ``recurrent_activation='sigmoid', activation='tanh'`` and no mask or recurrent dropout,
    this runs torch's fused LSTM kernel on views of the Keras weights (torch's i,f,g,o == Keras's
    i,f,c,o).

    Input shape:
        ``(batch, timesteps, input_dim)``.

    Output shape:
        ``(batch, timesteps, units)`` or ``(batch, units)`` (a list ``[output, h, c]`` if
        return_state).

    Example:
        >>> model.add(LSTM(128, recurrent_activation='sigmoid', input_shape=(80, 128)))
    """

    _cell_keys = SimpleRNN._cell_keys + ("recurrent_activation", "implementation",
                                         "unit_forget_bias")
    _config_order = _BASE_RNN_KEYS

    @keras1.legacy_interface("LSTM")
    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0., recurrent_dropout=0., implementation=1, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False, **kwargs):
        cell = LSTMCell(units, activation=activation, recurrent_activation=recurrent_activation,
                        use_bias=use_bias, kernel_initializer=kernel_initializer,
                        recurrent_initializer=recurrent_initializer,
                        unit_forget_bias=unit_forget_bias, bias_initializer=bias_initializer,
                        kernel_regularizer=kernel_regularizer,
                        recurrent_regularizer=recurrent_regularizer,
                        bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                        dropout=dropout, recurrent_dropout=recurrent_dropout,
                        implementation=implementation)
        super(LSTM, self).__init__(cell, return_sequences=return_sequences,
                                   return_state=return_state, go_backwards=go_backwards,
                                   stateful=stateful, unroll=unroll, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def _fused(self, x, states, training):
        cell = self.cell
        if not self._fused_weights_ok(training):
            return None
        x = self._input_dropout(x, training)
        return _torch_lstm(x, states, cell.kernel.t(), cell.recurrent_kernel.t(),
                           cell.bias, None if cell.bias is None else torch.zeros_like(cell.bias))


def _torch_lstm(x, states, w_ih, w_hh, b_ih, b_hh):
    """torch's fused LSTM (batch_first) from Keras-gate-ordered torch-layout weights."""
    params = [w_ih, w_hh] + ([b_ih, b_hh] if b_ih is not None else [])
    hx = (states[0].unsqueeze(0).contiguous(), states[1].unsqueeze(0).contiguous())
    out, h, c = torch.lstm(x, hx, params, b_ih is not None, 1, 0.0, False, False, True)
    h, c = h[0], c[0]
    return out, h, [h, c]


def _builtin_objects():
    return [(RNN, "RNN", ()), (StackedRNNCells, "StackedRNNCells", ()),
            (SimpleRNNCell, "SimpleRNNCell", ()), (GRUCell, "GRUCell", ()),
            (LSTMCell, "LSTMCell", ()), (SimpleRNN, "SimpleRNN", ()), (GRU, "GRU", ()),
            (LSTM, "LSTM", ())]

from ..legacy._old_layers import time_distributed_dense  # noqa: E402,F401  (Keras 1.2.2 helper)
