"""CuDNNGRU and CuDNNLSTM (Keras 2.2.4 ``keras/layers/cudnn_recurrent.py`` names, configs and weight
files). They run anywhere (CPU too) with cuDNN's math: sigmoid gates, tanh activations, separate
input and recurrent biases (LSTM bias ``(8*units,)``, GRU bias ``(6*units,)``), GRU with the reset
gate applied after the recurrent matmul.

Weight layout: Keras 2.2.4 hands cuDNN each gate's ``(input_dim, units)`` kernel block flattened
row-major, and cuDNN reads it as a ``(units, input_dim)`` matrix. So the torch ``weight_ih`` block of
a gate is that Keras block *reshaped* (not transposed) to ``(units, input_dim)``; recurrent blocks
are used as stored (``gate = R @ h``). torch runs the fused ``torch.lstm`` / ``torch.gru`` kernels.
"""
import torch

from .. import constraints, initializers, regularizers
from ..engine.base_layer import InputSpec, Layer
from ._recurrent_cells import _ForgetBiasOnes
from .recurrent import RNN, _bool, _positive_int

__all__ = ["CuDNNGRU", "CuDNNLSTM"]


class _StateSizeOnly(object):
    def __init__(self, state_size):
        self.state_size = state_size
        self.output_size = state_size if isinstance(state_size, int) else state_size[0]

    def call(self, *args, **kwargs):
        raise TypeError("CuDNN layers have no step cell.")


def _gate_blocks_ih(kernel, n, order):
    """torch weight_ih from a Keras CuDNN kernel ``(in, n*u)``: each gate block reshaped."""
    in_dim, nu = kernel.shape
    u = nu // n
    blocks = kernel.reshape(in_dim, n, u).permute(1, 0, 2).reshape(n, u, in_dim)
    return blocks[list(order)].reshape(n * u, in_dim)


def _gate_blocks_hh(rec, n, order):
    u = rec.shape[0]
    blocks = rec.reshape(u, n, u).permute(1, 0, 2)
    return blocks[list(order)].reshape(n * u, u)


class _CuDNNRNN(RNN):
    """Shared code of CuDNNGRU and CuDNNLSTM (no cell object; no masking)."""

    _n_gates = 1

    def __init__(self, units, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        owner = type(self).__name__
        Layer.__init__(self, **kwargs)
        self.units = _positive_int(owner, "units", units)
        self.return_sequences = _bool(owner, "return_sequences", return_sequences)
        self.return_state = _bool(owner, "return_state", return_state)
        self.go_backwards = _bool(owner, "go_backwards", go_backwards)
        self.stateful = _bool(owner, "stateful", stateful)
        self.unroll = False
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = False
        self.input_spec = InputSpec(ndim=3)
        self._states = None
        self._batch_size = None

    def _sublayers(self):
        return []

    def weight_names(self):
        return ["%s/%s:0" % (self.name, n) for _, _, n in self._ordered_specs()]

    def _bias_init(self):
        return self.bias_initializer

    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError("Input 0 is incompatible with layer %s: expected ndim=3, found ndim=%d "
                             "(input shape %s)" % (self.name, len(input_shape), input_shape))
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError("`%s` %r: the last dimension of the input must be known."
                             % (type(self).__name__, self.name))
        n = self._n_gates
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, n * self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel",
                                                shape=(self.units, n * self.units),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight(name="bias", shape=(2 * n * self.units,),
                                    initializer=self._bias_init(),
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint)
        self.input_spec = InputSpec(shape=(input_shape[0] if self.stateful else None, None,
                                           input_dim))
        if self.stateful:
            self._batch_size = input_shape[0]
            self.reset_states()
        self.built = True

    def call(self, inputs, training=None, mask=None, initial_state=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None:
            raise ValueError("Masking is not supported for CuDNN RNNs (layer %r). Use LSTM/GRU "
                             "with recurrent_activation='sigmoid' (and reset_after=True for GRU) "
                             "for the same math with masking." % (self.name,))
        return super(_CuDNNRNN, self).call(inputs, training=training, mask=None,
                                           initial_state=initial_state)

    def _loop(self, x, states, mask, training):
        raise AssertionError("unreachable: CuDNN layers always run the fused kernel")

    def get_config(self):
        config = {"return_sequences": self.return_sequences,
                  "return_state": self.return_state,
                  "go_backwards": self.go_backwards,
                  "stateful": self.stateful,
                  "units": self.units,
                  "kernel_initializer": initializers.serialize(self.kernel_initializer),
                  "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                  "bias_initializer": initializers.serialize(self.bias_initializer)}
        config.update(self._extra_config())
        config.update({
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint)})
        base = Layer.get_config(self)
        base.update(config)
        return base

    def _extra_config(self):
        return {}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class CuDNNGRU(_CuDNNRNN):
    """GRU with cuDNN's math and weight format (runs on CPU and GPU).

    Args:
        units: positive integer, dimensionality of the output space.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer:
            regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        return_sequences, return_state, go_backwards, stateful: see :class:`RNN`.

    Weights: kernel ``(input_dim, 3*units)`` and recurrent_kernel ``(units, 3*units)`` in gate
    blocks z, r, h; bias ``(6*units,)`` = input biases z, r, h then recurrent biases z, r, h.

    Input shape:
        ``(batch, timesteps, input_dim)``.

    Output shape:
        ``(batch, timesteps, units)`` or ``(batch, units)`` (a list with the state if
        return_state).

    Example:
        >>> model.add(CuDNNGRU(32, input_shape=(10, 8)))
    """

    _n_gates = 3

    def __init__(self, units, **kwargs):
        super(CuDNNGRU, self).__init__(units, **kwargs)

    @property
    def cell(self):
        return _StateSizeOnly(self.units)

    def _fused(self, x, states, training):
        u = self.units
        order = (1, 0, 2)  # Keras z, r, h -> torch r, z, n
        w_ih = _gate_blocks_ih(self.kernel, 3, order)
        w_hh = _gate_blocks_hh(self.recurrent_kernel, 3, order)
        b = self.bias
        b_ih = torch.cat([b[u:2 * u], b[:u], b[2 * u:3 * u]])
        b_hh = torch.cat([b[4 * u:5 * u], b[3 * u:4 * u], b[5 * u:]])
        out, h = torch.gru(x, states[0].unsqueeze(0).contiguous(), [w_ih, w_hh, b_ih, b_hh], True,
                           1, 0.0, False, False, True)
        h = h[0]
        return out, h, [h]


class CuDNNLSTM(_CuDNNRNN):
    """LSTM with cuDNN's math and weight format (runs on CPU and GPU).

    Args:
        units: positive integer, dimensionality of the output space.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        unit_forget_bias: if True, the recurrent forget-gate bias block starts at 1.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer:
            regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        return_sequences, return_state, go_backwards, stateful: see :class:`RNN`.

    Weights: kernel ``(input_dim, 4*units)``, recurrent_kernel ``(units, 4*units)`` in gate blocks
    i, f, c, o; bias ``(8*units,)`` = input biases i, f, c, o then recurrent biases i, f, c, o.

    Input shape:
        ``(batch, timesteps, input_dim)``.

    Output shape:
        ``(batch, timesteps, units)`` or ``(batch, units)`` (a list ``[output, h, c]`` if
        return_state).

    Example:
        >>> model.add(CuDNNLSTM(32, input_shape=(10, 8)))
    """

    _n_gates = 4

    def __init__(self, units, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, **kwargs):
        super(CuDNNLSTM, self).__init__(units, kernel_initializer=kernel_initializer,
                                        recurrent_initializer=recurrent_initializer,
                                        bias_initializer=bias_initializer, **kwargs)
        self.unit_forget_bias = _bool("CuDNNLSTM", "unit_forget_bias", unit_forget_bias)

    @property
    def cell(self):
        return _StateSizeOnly((self.units, self.units))

    def _bias_init(self):
        if self.unit_forget_bias:
            return _ForgetBiasOnes(self.bias_initializer, self.units, before=5, after=2)
        return self.bias_initializer

    def _extra_config(self):
        return {"unit_forget_bias": self.unit_forget_bias}

    def _fused(self, x, states, training):
        from .recurrent import _torch_lstm
        order = (0, 1, 2, 3)
        u4 = 4 * self.units
        return _torch_lstm(x, states, _gate_blocks_ih(self.kernel, 4, order),
                           _gate_blocks_hh(self.recurrent_kernel, 4, order),
                           self.bias[:u4], self.bias[u4:])


def _builtin_objects():
    return [(CuDNNGRU, "CuDNNGRU", ()), (CuDNNLSTM, "CuDNNLSTM", ())]
