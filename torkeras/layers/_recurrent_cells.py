"""Recurrent cells: SimpleRNNCell, GRUCell, LSTMCell and StackedRNNCells, with the argument checks
and dropout helpers the recurrent layers share.

Private module: the public home of the cells is :mod:`torkeras.layers.recurrent` (its docstring
describes the numerics).
"""
import numpy as np
import torch

from .. import activations, backend as K, constraints, initializers, regularizers
from ..engine.base_layer import Layer


# ---------------------------------------------------------------------------- argument checks
def _positive_int(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError("`%s`: `%s` must be a positive integer. Received: %s=%r"
                         % (owner, name, name, value))
    return int(value)


def _rate(owner, name, value):
    if isinstance(value, bool):
        raise TypeError("`%s`: `%s` must be a float in [0, 1]. Received: %s=%r"
                        % (owner, name, name, value))
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError("`%s`: `%s` must be a float in [0, 1]. Received: %s=%r"
                        % (owner, name, name, value))
    if not 0.0 <= v <= 1.0 or v != v:
        raise ValueError("`%s`: `%s` must be a float in [0, 1]. Received: %s=%r"
                         % (owner, name, name, value))
    return v


def _bool(owner, name, value):
    if not isinstance(value, (bool, np.bool_)) and value not in (0, 1):
        raise TypeError("`%s`: `%s` must be a boolean. Received: %s=%r" % (owner, name, name, value))
    return bool(value)


def _implementation(owner, value):
    if isinstance(value, bool) or value not in (0, 1, 2):
        raise ValueError("`%s`: `implementation` must be 1 or 2 (0 is read as 1, as Keras 2.2.4 "
                         "does). Received: implementation=%r" % (owner, value))
    return 1 if int(value) == 0 else int(value)


def _training_flag(training):
    if training is None:
        return bool(K.learning_phase())
    return bool(training)


def _dropout_masks(like, rate, count, training):
    """``count`` Keras dropout masks (``bernoulli(1-rate)/(1-rate)``) shaped like ``like``, or None
    when dropout is inactive (rate 0 or 1, or not training)."""
    if not 0.0 < rate < 1.0 or not training:
        return None
    keep = 1.0 - rate
    ones = torch.ones(like.shape, dtype=like.dtype, device=like.device)
    return [torch.bernoulli(ones * keep) / keep for _ in range(count)]


def _usable_state(t):
    # States stored during predict (inference mode) are inference tensors; clone them for autograd.
    if t.is_inference() and not torch.is_inference_mode_enabled():
        return t.clone()
    return t


class _ForgetBiasOnes(initializers.Initializer):
    """Bias init with ``unit_forget_bias``: one block of ``units`` ones (the forget gate's) between
    ``before`` and ``after`` blocks drawn from ``base``. LSTM: i | f | c, o (before=1, after=2);
    CuDNNLSTM's 8-block bias puts the recurrent forget block sixth (before=5, after=2)."""

    def __init__(self, base, units, before=1, after=2):
        self.base = base
        self.units = units
        self.before = before
        self.after = after

    def __call__(self, shape, dtype=None):
        u = self.units
        parts = [torch.as_tensor(np.asarray(self.base((self.before * u,), dtype=dtype))),
                 torch.ones(u, dtype=torch.float32),
                 torch.as_tensor(np.asarray(self.base((self.after * u,), dtype=dtype)))]
        return torch.cat([p.to(torch.float32) for p in parts]).to(getattr(torch, dtype or "float32"))


# ---------------------------------------------------------------------------- cells
class _BuiltinCell(Layer):
    """Shared code of SimpleRNNCell, GRUCell and LSTMCell.

    ``_project(x, training)`` computes the input side of every gate for a step ``(batch, in)`` or a
    whole sequence ``(batch, time, in)``; ``_recur(xp, states, training)`` finishes one step.
    """

    _n_gates = 1

    def _init_common(self, owner, units, activation, use_bias, kernel_initializer,
                     recurrent_initializer, bias_initializer, kernel_regularizer,
                     recurrent_regularizer, bias_regularizer, kernel_constraint,
                     recurrent_constraint, bias_constraint, dropout, recurrent_dropout):
        self.units = _positive_int(owner, "units", units)
        self.activation = activations.get(activation)
        self.use_bias = _bool(owner, "use_bias", use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _rate(owner, "dropout", dropout)
        self.recurrent_dropout = _rate(owner, "recurrent_dropout", recurrent_dropout)
        self.output_size = self.units
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def _reset_dropout_masks(self):
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def _build_kernels(self, input_shape, bias_shape, bias_initializer=None):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError("`%s` %r: the last dimension of the input must be known. Received "
                             "input shape %s" % (type(self).__name__, self.name, tuple(input_shape)))
        n = self._n_gates * self.units
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, n),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, n),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=bias_shape,
                                        initializer=bias_initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def _input_bias(self):
        return self.bias

    def _impl(self):
        return getattr(self, "implementation", 2)

    def _project(self, x, training=None):
        """Input contribution to every gate (bias included), for a step or a whole sequence."""
        if self._dropout_mask is None and 0.0 < self.dropout < 1.0:
            like = x if x.dim() == 2 else x[:, 0]
            count = self._n_gates if self._impl() == 1 else 1
            self._dropout_mask = _dropout_masks(like, self.dropout, count, _training_flag(training))
            if self._dropout_mask is None:
                self._dropout_mask = False
        masks = self._dropout_mask or None
        bias = self._input_bias()
        if masks is None:
            out = torch.matmul(x, self.kernel)
        else:
            if x.dim() == 3:
                masks = [m.unsqueeze(1) for m in masks]
            if len(masks) == 1:
                out = torch.matmul(x * masks[0], self.kernel)
            else:
                u = self.units
                out = torch.cat([torch.matmul(x * m, self.kernel[:, g * u:(g + 1) * u])
                                 for g, m in enumerate(masks)], dim=-1)
        if bias is not None:
            out = out + bias
        return out

    def _rec_masks(self, h, training):
        if self._recurrent_dropout_mask is None and 0.0 < self.recurrent_dropout < 1.0:
            count = self._n_gates if self._impl() == 1 else 1
            self._recurrent_dropout_mask = _dropout_masks(h, self.recurrent_dropout, count,
                                                          _training_flag(training))
            if self._recurrent_dropout_mask is None:
                self._recurrent_dropout_mask = False
        return self._recurrent_dropout_mask or None

    def _rec_matmul(self, h, masks, lo, hi):
        """``h @ recurrent_kernel[:, lo*u:hi*u]`` with per-gate recurrent dropout."""
        u = self.units
        if masks is None:
            return torch.matmul(h, self.recurrent_kernel[:, lo * u:hi * u])
        if len(masks) == 1:
            return torch.matmul(h * masks[0], self.recurrent_kernel[:, lo * u:hi * u])
        return torch.cat([torch.matmul(h * masks[g], self.recurrent_kernel[:, g * u:(g + 1) * u])
                          for g in range(lo, hi)], dim=-1)

    def call(self, inputs, states, training=None):
        """One timestep: ``inputs`` ``(batch, input_dim)``, ``states`` a list of ``(batch, units)``.

        Returns ``(output, new_states)``.
        """
        return self._recur(self._project(inputs, training), list(states), training)

    def forward(self, inputs, states=None, training=None, mask=None):
        if not self.built:
            self._build_for((None,) + tuple(inputs.shape[1:]))
        if states is None:
            raise ValueError("`%s` %r is a cell: call it as cell(inputs, states) or wrap it in "
                             "RNN(cell)." % (type(self).__name__, self.name))
        return self.call(inputs, states, training=training)

    def _common_config(self):
        return {
            "units": self.units,
            "activation": activations.serialize(self.activation),
        }

    def _tail_config(self):
        return {
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
        }

    def _init_config(self):
        return {
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }


class SimpleRNNCell(_BuiltinCell):
    """Cell of :class:`SimpleRNN`: ``h = activation(x W + b + h_prev U)``.

    Args:
        units: positive integer, dimensionality of the output space.
        activation: activation function (default ``'tanh'``; None means linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers (default
            glorot_uniform, orthogonal, zeros).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the input units to drop (training only, one mask per call).
        recurrent_dropout: fraction of the recurrent units to drop.

    Input shape:
        ``(batch, input_dim)`` per step; states ``[(batch, units)]``.

    Output shape:
        ``(batch, units)``.

    Example:
        >>> layer = RNN(SimpleRNNCell(8))
    """

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., **kwargs):
        super(SimpleRNNCell, self).__init__(**kwargs)
        self._init_common("SimpleRNNCell", units, activation, use_bias, kernel_initializer,
                          recurrent_initializer, bias_initializer, kernel_regularizer,
                          recurrent_regularizer, bias_regularizer, kernel_constraint,
                          recurrent_constraint, bias_constraint, dropout, recurrent_dropout)
        self.state_size = self.units

    def build(self, input_shape):
        self._build_kernels(input_shape, (self.units,))

    def _recur(self, xp, states, training=None):
        h = states[0]
        masks = self._rec_masks(h, training)
        out = xp + self._rec_matmul(h, masks, 0, 1)
        out = self.activation(out)
        return out, [out]

    def get_config(self):
        config = self._common_config()
        config.update(self._init_config())
        config.update(self._tail_config())
        base = super(SimpleRNNCell, self).get_config()
        base.update(config)
        return base


class GRUCell(_BuiltinCell):
    """Cell of :class:`GRU` (Keras 2.2.4 math, gate blocks z, r, h).

    Args:
        units: positive integer, dimensionality of the output space.
        activation: candidate activation (default ``'tanh'``).
        recurrent_activation: gate activation (default ``'hard_sigmoid'`` = clip(0.2x+0.5, 0, 1)).
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer, *_regularizer,
            *_constraint, dropout, recurrent_dropout: as :class:`SimpleRNNCell`.
        implementation: 1 or 2 (0 reads as 1). Mode 1 draws one dropout mask per gate, mode 2 one
            mask for all gates; without dropout both give the same numbers.
        reset_after: False (Keras 2 default): reset gate applied to ``h`` before the recurrent
            matmul, bias ``(3*units,)``. True (CuDNN-compatible): applied after, bias
            ``(2, 3*units)`` = [input bias; recurrent bias].

    Input shape:
        ``(batch, input_dim)`` per step; states ``[(batch, units)]``.

    Output shape:
        ``(batch, units)``.

    Example:
        >>> layer = RNN(GRUCell(8, reset_after=True, recurrent_activation='sigmoid'))
    """

    _n_gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., implementation=1,
                 reset_after=False, **kwargs):
        super(GRUCell, self).__init__(**kwargs)
        self._init_common("GRUCell", units, activation, use_bias, kernel_initializer,
                          recurrent_initializer, bias_initializer, kernel_regularizer,
                          recurrent_regularizer, bias_regularizer, kernel_constraint,
                          recurrent_constraint, bias_constraint, dropout, recurrent_dropout)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = _implementation("GRUCell", implementation)
        self.reset_after = _bool("GRUCell", "reset_after", reset_after)
        self.state_size = self.units

    def build(self, input_shape):
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._build_kernels(input_shape, shape)

    def _input_bias(self):
        if self.bias is None:
            return None
        return self.bias[0] if self.reset_after else self.bias

    def _recur(self, xp, states, training=None):
        h = states[0]
        u = self.units
        masks = self._rec_masks(h, training)
        x_z, x_r, x_h = xp[..., :u], xp[..., u:2 * u], xp[..., 2 * u:]
        if self.reset_after:
            inner = self._rec_matmul(h, masks, 0, 3)
            if self.bias is not None:
                inner = inner + self.bias[1]
            z = self.recurrent_activation(x_z + inner[..., :u])
            r = self.recurrent_activation(x_r + inner[..., u:2 * u])
            hh = self.activation(x_h + r * inner[..., 2 * u:])
        else:
            inner = self._rec_matmul(h, masks, 0, 2)
            z = self.recurrent_activation(x_z + inner[..., :u])
            r = self.recurrent_activation(x_r + inner[..., u:])
            h_h = h if masks is None else h * masks[-1]
            hh = self.activation(x_h + torch.matmul(r * h_h, self.recurrent_kernel[:, 2 * u:]))
        if masks is not None and len(masks) == 1:
            # Keras 2.2.4 implementation 2 rebinds h_tm1 to the dropped-out state, so the update
            # mixes the dropped-out previous state too.
            h = h * masks[0]
        out = z * h + (1 - z) * hh
        return out, [out]

    def get_config(self):
        config = self._common_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config.update(self._init_config())
        config.update(self._tail_config())
        config["implementation"] = self.implementation
        config["reset_after"] = self.reset_after
        base = super(GRUCell, self).get_config()
        base.update(config)
        return base


class LSTMCell(_BuiltinCell):
    """Cell of :class:`LSTM` (Keras 2.2.4 math, gate blocks i, f, c, o).

    Args:
        units: positive integer, dimensionality of the output space.
        activation: cell/output activation (default ``'tanh'``).
        recurrent_activation: gate activation (default ``'hard_sigmoid'``).
        unit_forget_bias: if True, the forget-gate block of the bias starts at 1 (others use
            ``bias_initializer``).
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer, *_regularizer,
            *_constraint, dropout, recurrent_dropout, implementation: as :class:`GRUCell`.

    Input shape:
        ``(batch, input_dim)`` per step; states ``[h, c]``, each ``(batch, units)``.

    Output shape:
        ``(batch, units)``.

    Example:
        >>> layer = RNN(LSTMCell(8))
    """

    _n_gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0., recurrent_dropout=0.,
                 implementation=1, **kwargs):
        super(LSTMCell, self).__init__(**kwargs)
        self._init_common("LSTMCell", units, activation, use_bias, kernel_initializer,
                          recurrent_initializer, bias_initializer, kernel_regularizer,
                          recurrent_regularizer, bias_regularizer, kernel_constraint,
                          recurrent_constraint, bias_constraint, dropout, recurrent_dropout)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = _bool("LSTMCell", "unit_forget_bias", unit_forget_bias)
        self.implementation = _implementation("LSTMCell", implementation)
        self.state_size = (self.units, self.units)

    def build(self, input_shape):
        init = _ForgetBiasOnes(self.bias_initializer, self.units) if self.unit_forget_bias else None
        self._build_kernels(input_shape, (4 * self.units,), init)

    def _recur(self, xp, states, training=None):
        h, c = states[0], states[1]
        u = self.units
        masks = self._rec_masks(h, training)
        z = xp + self._rec_matmul(h, masks, 0, 4)
        i = self.recurrent_activation(z[..., :u])
        f = self.recurrent_activation(z[..., u:2 * u])
        c = f * c + i * self.activation(z[..., 2 * u:3 * u])
        o = self.recurrent_activation(z[..., 3 * u:])
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = self._common_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config.update(self._init_config())
        config["unit_forget_bias"] = self.unit_forget_bias
        config.update(self._tail_config())
        config["implementation"] = self.implementation
        base = super(LSTMCell, self).get_config()
        base.update(config)
        return base


def _state_sizes(cell):
    size = cell.state_size
    return list(size) if hasattr(size, "__len__") else [size]


def _output_size(cell):
    out = getattr(cell, "output_size", None)
    return out if out is not None else _state_sizes(cell)[0]


def _call_cell(cell, x, states, training):
    import inspect
    params = inspect.signature(cell.call).parameters
    if "training" in params or any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return cell.call(x, states, training=training)
    return cell.call(x, states)


class StackedRNNCells(Layer):
    """Several RNN cells behaving as one (the output of each feeds the next).

    Args:
        cells: list of cell instances (objects with ``call(inputs, states)`` and ``state_size``).

    Input shape:
        ``(batch, input_dim)`` per step.

    Output shape:
        ``(batch, output size of the last cell)``.

    Example:
        >>> layer = RNN(StackedRNNCells([LSTMCell(8), LSTMCell(4)]))
    """

    def __init__(self, cells, **kwargs):
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError("`StackedRNNCells`: `cells` must be a non-empty list of RNN cells. "
                             "Received: cells=%r" % (cells,))
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError("`StackedRNNCells`: every cell needs a `call` method and a "
                                 "`state_size` attribute. Received: %r" % (cell,))
        if kwargs.pop("reverse_state_order", False):
            raise ValueError("`StackedRNNCells`: reverse_state_order=True is not supported (Keras "
                             "2.2.4 deprecated it); use the natural state order.")
        super(StackedRNNCells, self).__init__(**kwargs)
        self.cells = torch.nn.ModuleList([c for c in cells]) if all(
            isinstance(c, torch.nn.Module) for c in cells) else list(cells)

    def _sublayers(self):
        return [c for c in self.cells if isinstance(c, Layer)]

    @property
    def state_size(self):
        sizes = []
        for cell in self.cells:
            sizes.extend(_state_sizes(cell))
        return tuple(sizes)

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def _reset_dropout_masks(self):
        for cell in self.cells:
            if hasattr(cell, "_reset_dropout_masks"):
                cell._reset_dropout_masks()

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer):
                cell._build_for(tuple(input_shape))
            input_shape = (input_shape[0], _output_size(cell))
        self.built = True

    def call(self, inputs, states, training=None):
        """One timestep through every cell; ``states`` is the flat list of all cells' states."""
        states = list(states)
        new_states = []
        for cell in self.cells:
            n = len(_state_sizes(cell))
            inputs, cs = _call_cell(cell, inputs, states[:n], training)
            states = states[n:]
            new_states.extend(cs)
        return inputs, new_states

    def get_config(self):
        config = {"cells": [{"class_name": c.__class__.__name__, "config": c.get_config()}
                            for c in self.cells]}
        base = super(StackedRNNCells, self).get_config()
        base.update(config)
        return base

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize as deserialize_layer
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
