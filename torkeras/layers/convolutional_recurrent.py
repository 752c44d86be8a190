"""ConvRNN2D and ConvLSTM2D (Keras 2.2.4 ``keras/layers/convolutional_recurrent.py`` behaviour).

The input-to-state convolutions of all timesteps run as one batched convolution (batch and time
folded) before the step loop; the state-to-state convolution ('same' padding, stride 1) runs per
step. 'same' padding is TensorFlow's (``ceil(in / stride)`` outputs, the odd padding pixel at the
end). The small convolution helper below is local to this module (torkeras/layers/convolutional.py
was being written at the same time).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from .. import activations, backend as K, regularizers
from ..engine.base_layer import InputSpec, Layer
from ..legacy import keras1
from ._recurrent_cells import _call_cell, _state_sizes
from .recurrent import RNN, _BuiltinCell, _bool, _dropout_masks, _training_flag

__all__ = ["ConvRNN2D", "ConvLSTM2DCell", "ConvLSTM2D"]


def _pair(owner, name, value):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value), int(value))
    try:
        value = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError("`%s`: `%s` must be an integer or a tuple of 2 integers. Received: %s=%r"
                         % (owner, name, name, value))
    if len(value) != 2 or any(v <= 0 for v in value):
        raise ValueError("`%s`: `%s` must be an integer or a tuple of 2 positive integers. "
                         "Received: %s=%r" % (owner, name, name, value))
    return value


def _out_length(length, k, padding, stride, dilation):
    if length is None:
        return None
    k_eff = (k - 1) * dilation + 1
    if padding == "same":
        return int(math.ceil(length / float(stride)))
    return int(math.ceil((length - k_eff + 1) / float(stride)))


def _conv2d_nchw(x, kernel, strides, padding, dilation):
    """Keras/TF conv2d: ``x`` NCHW, ``kernel`` Keras ``(kh, kw, in, out)``."""
    w = kernel.permute(3, 2, 0, 1)
    if padding == "same":
        pads = []
        for axis, (k, s, d) in enumerate(zip(kernel.shape[:2], strides, dilation)):
            n = x.shape[2 + axis]
            out = -(-n // s)
            total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
            pads.append((total // 2, total - total // 2))
        (t, b), (l, r) = pads
        if t == b and l == r:
            return F.conv2d(x, w, stride=strides, padding=(t, l), dilation=dilation)
        x = F.pad(x, (l, r, t, b))
    return F.conv2d(x, w, stride=strides, dilation=dilation)


class ConvLSTM2DCell(_BuiltinCell):
    """Cell of :class:`ConvLSTM2D`: an LSTM whose matmuls are 2D convolutions.

    Args:
        filters: number of output channels.
        kernel_size: int or 2 ints.
        strides: int or 2 ints (input convolution only).
        padding: ``'valid'`` or ``'same'`` (input convolution; the recurrent one is always 'same').
        data_format: ``'channels_last'`` (default from ``K.image_data_format()``) or
            ``'channels_first'``.
        dilation_rate: int or 2 ints.
        activation, recurrent_activation, use_bias, *_initializer, unit_forget_bias,
            *_regularizer, *_constraint, dropout, recurrent_dropout: as :class:`LSTMCell`.

    Input shape:
        ``(batch, rows, cols, channels)`` per step (channels_last).

    Output shape:
        ``(batch, new_rows, new_cols, filters)``.

    Example:
        >>> cell = ConvLSTM2DCell(4, (3, 3), padding='same')
    """

    _n_gates = 4

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., **kwargs):
        Layer.__init__(self, **kwargs)
        owner = "ConvLSTM2DCell"
        self._init_common(owner, filters, activation, use_bias, kernel_initializer,
                          recurrent_initializer, bias_initializer, kernel_regularizer,
                          recurrent_regularizer, bias_regularizer, kernel_constraint,
                          recurrent_constraint, bias_constraint, dropout, recurrent_dropout)
        self.filters = self.units
        self.kernel_size = _pair(owner, "kernel_size", kernel_size)
        self.strides = _pair(owner, "strides", strides)
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise ValueError("`%s`: `padding` must be 'valid' or 'same'. Received: padding=%r"
                             % (owner, padding))
        self.padding = padding.lower()
        data_format = data_format or K.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError("`%s`: `data_format` must be 'channels_last' or 'channels_first'. "
                             "Received: data_format=%r" % (owner, data_format))
        self.data_format = data_format
        self.dilation_rate = _pair(owner, "dilation_rate", dilation_rate)
        if self.dilation_rate != (1, 1) and self.strides != (1, 1):
            raise ValueError("`%s`: strides > 1 are not compatible with dilation_rate > 1. "
                             "Received: strides=%r, dilation_rate=%r"
                             % (owner, self.strides, self.dilation_rate))
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = _bool(owner, "unit_forget_bias", unit_forget_bias)
        self.state_size = (self.filters, self.filters)
        self.implementation = 1

    def build(self, input_shape):
        axis = 1 if self.data_format == "channels_first" else -1
        in_ch = input_shape[axis]
        if in_ch is None:
            raise ValueError("`ConvLSTM2D` %r: the channel dimension of the inputs should be "
                             "defined. Found `None`." % (self.name,))
        f = self.filters
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (in_ch, 4 * f),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel",
                                                shape=self.kernel_size + (f, 4 * f),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            from ._recurrent_cells import _ForgetBiasOnes
            init = _ForgetBiasOnes(self.bias_initializer, f) if self.unit_forget_bias \
                else self.bias_initializer
            self.bias = self.add_weight(name="bias", shape=(4 * f,), initializer=init,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    # x: NCHW (batch or batch*time), returns NCHW with 4*filters channels
    def _project_nchw(self, x, masks):
        f = self.filters
        if masks is None:
            out = _conv2d_nchw(x, self.kernel, self.strides, self.padding, self.dilation_rate)
        else:
            out = torch.cat([_conv2d_nchw(x * m, self.kernel[..., g * f:(g + 1) * f], self.strides,
                                          self.padding, self.dilation_rate)
                             for g, m in enumerate(masks)], dim=1)
        if self.bias is not None:
            out = out + self.bias.view(1, -1, 1, 1)
        return out

    def _recur_nchw(self, xp, h, c, rec_masks):
        f = self.filters
        if rec_masks is None:
            rec = _conv2d_nchw(h, self.recurrent_kernel, (1, 1), "same", (1, 1))
        else:
            rec = torch.cat([_conv2d_nchw(h * m, self.recurrent_kernel[..., g * f:(g + 1) * f],
                                          (1, 1), "same", (1, 1))
                             for g, m in enumerate(rec_masks)], dim=1)
        z = xp + rec
        i = self.recurrent_activation(z[:, :f])
        fg = self.recurrent_activation(z[:, f:2 * f])
        c = fg * c + i * self.activation(z[:, 2 * f:3 * f])
        o = self.recurrent_activation(z[:, 3 * f:])
        h = o * self.activation(c)
        return h, c

    def _to_nchw(self, t):
        return t if self.data_format == "channels_first" else t.permute(0, 3, 1, 2)

    def _from_nchw(self, t):
        return t if self.data_format == "channels_first" else t.permute(0, 2, 3, 1)

    def call(self, inputs, states, training=None):
        """One timestep on Keras-layout tensors; returns ``(h, [h, c])``."""
        training = _training_flag(training)
        x = self._to_nchw(inputs)
        masks = _dropout_masks(x, self.dropout, 4, training)
        h, c = self._to_nchw(states[0]), self._to_nchw(states[1])
        rec_masks = _dropout_masks(h, self.recurrent_dropout, 4, training)
        h, c = self._recur_nchw(self._project_nchw(x, masks), h, c, rec_masks)
        h, c = self._from_nchw(h), self._from_nchw(c)
        return h, [h, c]

    def output_spatial(self, rows, cols):
        return (_out_length(rows, self.kernel_size[0], self.padding, self.strides[0],
                            self.dilation_rate[0]),
                _out_length(cols, self.kernel_size[1], self.padding, self.strides[1],
                            self.dilation_rate[1]))

    def get_config(self):
        config = {"filters": self.filters, "kernel_size": self.kernel_size,
                  "strides": self.strides, "padding": self.padding,
                  "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                  "activation": activations.serialize(self.activation),
                  "recurrent_activation": activations.serialize(self.recurrent_activation)}
        config.update(self._init_config())
        config["unit_forget_bias"] = self.unit_forget_bias
        config.update(self._tail_config())
        base = Layer.get_config(self)
        base.update(config)
        return base


class ConvRNN2D(RNN):
    """Base class for convolutional-recurrent layers: runs a 2D-convolutional cell over time.

    The cell is a layer with ``call(inputs, states)`` and ``state_size`` whose inputs, outputs and
    states are images, and which describes its input convolution with the attributes ``filters``,
    ``kernel_size``, ``strides``, ``padding``, ``data_format`` and ``dilation_rate`` (as
    :class:`ConvLSTM2DCell` does). Those give the output and state shapes: each state has the
    spatial size of the input convolution's output and ``filters`` channels when it is created
    (Keras 2.2.4 builds the zero initial states by convolving zeros with a zero kernel of
    ``filters`` output channels; the state shape is the same here, without the convolution).

    Args:
        cell: a convolutional RNN cell instance (a list of cells cannot be stacked: TypeError).
        return_sequences: return the whole output sequence instead of the last output.
        return_state: also return the last states (a list: output, then the states).
        go_backwards: process the sequence backwards (the returned sequence stays reversed).
        stateful: the last states of batch k are the initial states of batch k+1 (needs a full
            ``batch_input_shape``: batch size, rows and columns); :meth:`reset_states` zeroes them.
        unroll: must be False: unrolling isn't possible with convolutional RNNs (TypeError).

    Input shape:
        ``(batch, time, rows, cols, channels)`` (channels_last) or
        ``(batch, time, channels, rows, cols)`` (channels_first), the cell's ``data_format``.

    Output shape:
        ``(batch, [time,] new_rows, new_cols, filters)`` (channels_last), channels first
        otherwise; with return_state a list ``[output, state_1, ...]`` (each state 4D).

    Example:
        >>> layer = ConvRNN2D(ConvLSTM2DCell(8, (3, 3), padding='same'), return_sequences=True)
        >>> model.add(layer)  # input_shape=(None, 16, 16, 1) on the first layer
    """

    _ndim = 5

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        owner = type(self).__name__
        if unroll:
            raise TypeError("`%s`: unrolling isn't possible with convolutional RNNs. Received: "
                            "unroll=%r; pass unroll=False." % (owner, unroll))
        if isinstance(cell, (list, tuple)):
            raise TypeError("`%s`: it is not possible at the moment to stack convolutional cells. "
                            "Received a %s of %d cells as `cell`; pass one cell, or chain several "
                            "%s layers." % (owner, type(cell).__name__, len(cell), owner))
        missing = [a for a in _CONV_CELL_ATTRS if not hasattr(cell, a)]
        if missing:
            raise ValueError("`%s`: `cell` must be a 2D-convolutional RNN cell (such as "
                             "ConvLSTM2DCell) with the attributes %s. Received: cell=%r, which "
                             "lacks %s." % (owner, ", ".join(_CONV_CELL_ATTRS), cell,
                                            ", ".join(missing)))
        super(ConvRNN2D, self).__init__(cell, return_sequences=return_sequences,
                                        return_state=return_state, go_backwards=go_backwards,
                                        stateful=stateful, unroll=False, **kwargs)
        self.input_spec = InputSpec(ndim=5)
        self._input_shape_built = None

    # --------------------------------------------------------------- shapes
    def _spatial(self, input_shape):
        """Rows and columns of the input convolution's output for a 5D input shape."""
        cell = self.cell
        first = 3 if cell.data_format == "channels_first" else 2
        return tuple(_out_length(input_shape[first + i], cell.kernel_size[i], cell.padding,
                                 cell.strides[i], cell.dilation_rate[i]) for i in range(2))

    def _image_shape(self, batch, rows_cols, channels):
        if self.cell.data_format == "channels_first":
            return (batch, channels) + rows_cols
        return (batch,) + rows_cols + (channels,)

    def _state_shape(self, input_shape, channels=None):
        channels = self.cell.filters if channels is None else channels
        return self._image_shape(input_shape[0], self._spatial(input_shape), channels)

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        st = self._state_shape(input_shape)
        out = (st[0], input_shape[1]) + st[1:] if self.return_sequences else st
        if self.return_state:
            return [out] + [st for _ in _state_sizes(self.cell)]
        return out

    def build(self, input_shape):
        channel_axis = 1 if self.cell.data_format == "channels_first" else 3
        input_shape = self._checked_build_shape(input_shape, 5, channel_axis)
        if isinstance(self.cell, Layer):
            self.cell._build_for((input_shape[0],) + input_shape[2:])
        self._input_shape_built = input_shape
        self.input_spec = InputSpec(shape=(input_shape[0] if self.stateful else None, None)
                                    + input_shape[2:])
        if self.stateful:
            self._batch_size = input_shape[0]
            self.reset_states()
        self.built = True

    # --------------------------------------------------------------- states
    def reset_states(self, states=None):
        """Zero the states of a stateful layer, or set them to ``states`` (numpy arrays)."""
        if not self.stateful:
            raise AttributeError("Layer %r must be stateful to reset its states." % (self.name,))
        shapes = [self._state_shape(self._input_shape_built, d) for d in _state_sizes(self.cell)]
        if any(d is None for d in shapes[0]):
            raise ValueError("If a RNN is stateful, it needs to know its batch size and the number "
                             "of rows and columns of its input: pass a full `batch_input_shape` "
                             "to the first layer of a Sequential model, or `batch_shape` to your "
                             "Input layer (layer %r, input shape %s)."
                             % (self.name, self._input_shape_built))
        device = self._target_device()
        if states is None:
            self._states = [torch.zeros(shape, device=device) for shape in shapes]
            return
        if not isinstance(states, (list, tuple)):
            states = [states]
        if len(states) != len(shapes):
            raise ValueError("Layer %s expects %d states, but it received %d state values."
                             % (self.name, len(shapes), len(states)))
        new = []
        for i, (v, shape) in enumerate(zip(states, shapes)):
            arr = np.asarray(v, dtype=np.float32)
            if arr.shape != shape:
                raise ValueError("State %d is incompatible with layer %s: expected shape=%s, found "
                                 "shape=%s" % (i, self.name, shape, arr.shape))
            new.append(torch.as_tensor(arr, device=device))
        self._states = new

    def get_initial_state(self, inputs):
        shape = self._state_shape(tuple(inputs.shape))
        return [inputs.new_zeros(shape) for _ in _state_sizes(self.cell)]

    # --------------------------------------------------------------- call
    def call(self, inputs, training=None, mask=None, initial_state=None):
        x = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        if x.dim() != 5:
            raise ValueError("Input 0 is incompatible with layer %s: expected ndim=5, found ndim=%d"
                             % (self.name, x.dim()))
        if self.stateful and initial_state is None and not isinstance(inputs, (list, tuple)) \
                and self._states is not None and self._states[0].shape[0] != x.shape[0]:
            raise ValueError("Stateful layer %r was built for batches of %d samples but received "
                             "%d." % (self.name, self._states[0].shape[0], x.shape[0]))
        return super(ConvRNN2D, self).call(inputs, training=training, mask=mask,
                                           initial_state=initial_state)

    def _fused(self, x, states, training):
        return None

    def _loop(self, x, states, mask, training):
        if isinstance(self.cell, ConvLSTM2DCell):
            return self._conv_lstm_loop(x, states, mask, training)
        steps = mask.to(torch.bool).unbind(1) if mask is not None else None
        outs = []
        out = None
        for t, xt in enumerate(x.unbind(1)):
            out, new_states = _call_cell(self.cell, xt, states, training)
            new_states = list(new_states)
            if steps is not None:
                m = steps[t].view(-1, 1, 1, 1)
                out = torch.where(m, out, states[0])
                new_states = [torch.where(m, ns, s) for ns, s in zip(new_states, states)]
            states = new_states
            if self.return_sequences:
                outs.append(out)
        seq = torch.stack(outs, dim=1) if self.return_sequences else None
        return seq, out, states

    def _conv_lstm_loop(self, x, states, mask, training):
        """ConvLSTM2DCell: the input convolutions of all steps batched, then the recurrence."""
        cell = self.cell
        b, t = x.shape[0], x.shape[1]
        folded = cell._to_nchw(x.reshape((b * t,) + tuple(x.shape[2:])))
        masks = _dropout_masks(cell._to_nchw(x[:, 0]), cell.dropout, 4, training)
        if masks is not None:
            masks = [m.repeat_interleave(t, dim=0) for m in masks]
        xp = cell._project_nchw(folded, masks)
        xp = xp.reshape((b, t) + tuple(xp.shape[1:])).unbind(1)
        h, c = cell._to_nchw(states[0]), cell._to_nchw(states[1])
        rec_masks = _dropout_masks(h, cell.recurrent_dropout, 4, training)
        steps = mask.to(torch.bool).unbind(1) if mask is not None else None
        outs = []
        for s in range(t):
            nh, nc = cell._recur_nchw(xp[s], h, c, rec_masks)
            if steps is not None:
                m = steps[s].view(-1, 1, 1, 1)
                nh = torch.where(m, nh, h)
                nc = torch.where(m, nc, c)
            h, c = nh, nc
            if self.return_sequences:
                outs.append(cell._from_nchw(h))
        seq = torch.stack(outs, dim=1) if self.return_sequences else None
        h_k, c_k = cell._from_nchw(h), cell._from_nchw(c)
        return seq, h_k, [h_k, c_k]


class ConvLSTM2D(ConvRNN2D):
    """Convolutional LSTM: LSTM gates computed with 2D convolutions (Keras 2.2.4).

    ``ConvLSTM2D(filters, kernel_size, ...)`` is ``ConvRNN2D(ConvLSTM2DCell(filters, kernel_size,
    ...))`` with the cell's arguments at the top level of its config.

    Args:
        filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
            recurrent_activation (default ``'hard_sigmoid'``), use_bias, *_initializer,
            unit_forget_bias, *_regularizer, *_constraint, dropout, recurrent_dropout: see
            :class:`ConvLSTM2DCell`.
        activity_regularizer: regularizer applied to the output.
        return_sequences, return_state, go_backwards, stateful: see :class:`ConvRNN2D`.

    Input shape:
        ``(batch, time, rows, cols, channels)`` (channels_last) or
        ``(batch, time, channels, rows, cols)`` (channels_first).

    Output shape:
        ``(batch, [time,] new_rows, new_cols, filters)`` (channels_last), channels first
        otherwise; a list with the states ``[h, c]`` if return_state.

    Example:
        >>> model.add(ConvLSTM2D(8, (3, 3), padding='same', input_shape=(None, 16, 16, 1)))
    """

    @keras1.legacy_interface("ConvLSTM2D")
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, return_sequences=False,
                 go_backwards=False, stateful=False, dropout=0., recurrent_dropout=0., **kwargs):
        cell = ConvLSTM2DCell(filters, kernel_size, strides=strides, padding=padding,
                              data_format=data_format, dilation_rate=dilation_rate,
                              activation=activation, recurrent_activation=recurrent_activation,
                              use_bias=use_bias, kernel_initializer=kernel_initializer,
                              recurrent_initializer=recurrent_initializer,
                              bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                              kernel_regularizer=kernel_regularizer,
                              recurrent_regularizer=recurrent_regularizer,
                              bias_regularizer=bias_regularizer,
                              kernel_constraint=kernel_constraint,
                              recurrent_constraint=recurrent_constraint,
                              bias_constraint=bias_constraint, dropout=dropout,
                              recurrent_dropout=recurrent_dropout)
        super(ConvLSTM2D, self).__init__(cell, return_sequences=return_sequences,
                                         go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def __getattr__(self, name):
        if name in _CELL_KEYS:
            return getattr(self._modules["cell"], name)
        return super(ConvLSTM2D, self).__getattr__(name)

    def get_config(self):
        base = super(ConvLSTM2D, self).get_config()
        del base["cell"]
        cfg = self.cell.get_config()
        for key in ("name", "trainable", "dtype", "batch_input_shape"):
            cfg.pop(key, None)
        keys = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                "activity_regularizer", "kernel_constraint", "recurrent_constraint",
                "bias_constraint", "dropout", "recurrent_dropout"]
        cfg["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        for k in keys:
            base[k] = cfg[k]
        return base

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


_CONV_CELL_ATTRS = ("filters", "kernel_size", "strides", "padding", "data_format",
                    "dilation_rate", "state_size")


_CELL_KEYS = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
              "activation", "recurrent_activation", "use_bias", "kernel_initializer",
              "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
              "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
              "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout")


def _builtin_objects():
    return [(ConvRNN2D, "ConvRNN2D", ()), (ConvLSTM2D, "ConvLSTM2D", ()),
            (ConvLSTM2DCell, "ConvLSTM2DCell", ())]

from ..legacy._recurrent_base import ConvRecurrent2D, Recurrent  # noqa: E402,F401  (Keras 1/2.0 bases)
