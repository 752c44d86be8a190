"""Unit tests of torkeras/layers/recurrent.py, cudnn_recurrent.py and convolutional_recurrent.py:
shapes, configs through JSON, bad arguments, masks, dropout in training vs inference, stateful
layers, the fused-kernel paths against the exact step loop, and the CuDNN weight format."""
import json

import numpy as np
import pytest
import torch

from torkeras import activations
from torkeras.layers import Dense, Masking, deserialize
from torkeras.layers.convolutional_recurrent import ConvLSTM2D, ConvLSTM2DCell
from torkeras.layers.cudnn_recurrent import CuDNNGRU, CuDNNLSTM
from torkeras.layers.recurrent import (GRU, LSTM, RNN, GRUCell, LSTMCell, Recurrent, SimpleRNN,
                                       SimpleRNNCell, StackedRNNCells)
from torkeras.models import Sequential

B, T, D = 3, 5, 4


def _x(seed=0, shape=(B, T, D)):
    return torch.as_tensor(np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32"))


def _randomize(layer, seed=1):
    rs = np.random.RandomState(seed)
    layer.set_weights([rs.uniform(-0.5, 0.5, w.shape).astype("float32")
                       for w in layer.get_weights()])


def _built(layer, shape=(None, T, D)):
    layer._build_for(shape)
    _randomize(layer)
    return layer


def _roundtrip(layer):
    cfg = {"class_name": type(layer).__name__, "config": layer.get_config()}
    return deserialize(json.loads(json.dumps(cfg)))


# ---------------------------------------------------------------------------- shapes and configs
@pytest.mark.parametrize("make, n_weights, out_dim", [
    (lambda **k: SimpleRNN(6, **k), 3, 6),
    (lambda **k: GRU(6, **k), 3, 6),
    (lambda **k: GRU(6, reset_after=True, **k), 3, 6),
    (lambda **k: LSTM(6, **k), 3, 6),
    (lambda **k: RNN(LSTMCell(6), **k), 3, 6),
    (lambda **k: RNN([LSTMCell(5), GRUCell(6)], **k), 6, 6),
    (lambda **k: CuDNNLSTM(6, **k), 3, 6),
    (lambda **k: CuDNNGRU(6, **k), 3, 6),
])
@pytest.mark.parametrize("seqs", [False, True])
def test_shapes_and_config_roundtrip(make, n_weights, out_dim, seqs):
    layer = _built(make(return_sequences=seqs))
    y = layer(_x())
    assert tuple(y.shape) == ((B, T, out_dim) if seqs else (B, out_dim))
    assert layer.compute_output_shape((None, T, D)) == ((None, T, out_dim) if seqs else
                                                        (None, out_dim))
    assert len(layer.get_weights()) == n_weights
    again = _roundtrip(layer)
    assert again.get_config() == json.loads(json.dumps(layer.get_config()))
    again._build_for((None, T, D))
    again.set_weights(layer.get_weights())
    np.testing.assert_allclose(again(_x()).detach().numpy(), y.detach().numpy(), atol=1e-6)


def test_keras_224_defaults_and_config_keys():
    lstm, gru = LSTM(3), GRU(3)
    assert lstm.recurrent_activation is activations.hard_sigmoid
    assert gru.recurrent_activation is activations.hard_sigmoid
    assert gru.reset_after is False and lstm.unit_forget_bias is True
    assert lstm.implementation == 1
    keys = list(lstm.get_config())
    assert keys == ["name", "trainable", "dtype", "return_sequences", "return_state",
                    "go_backwards", "stateful", "unroll", "units", "activation",
                    "recurrent_activation", "use_bias", "kernel_initializer",
                    "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                    "activity_regularizer", "kernel_constraint", "recurrent_constraint",
                    "bias_constraint", "dropout", "recurrent_dropout", "implementation"]
    assert list(gru.get_config())[-2:] == ["implementation", "reset_after"]
    assert "implementation" not in SimpleRNN(2).get_config()
    assert GRU(3, implementation=0).implementation == 1
    assert Recurrent is RNN


def test_weight_layouts_and_names():
    layer = _built(GRU(4, reset_after=True))
    assert [w.shape for w in layer.get_weights()] == [(D, 12), (4, 12), (2, 12)]
    assert _built(GRU(4)).get_weights()[2].shape == (12,)
    assert [w.shape for w in _built(CuDNNLSTM(4)).get_weights()] == [(D, 16), (4, 16), (32,)]
    assert [w.shape for w in _built(CuDNNGRU(4)).get_weights()] == [(D, 12), (4, 12), (24,)]
    lstm = LSTM(4, name="lstm_9")
    lstm._build_for((None, T, D))
    assert lstm.weight_names() == ["lstm_9/kernel:0", "lstm_9/recurrent_kernel:0", "lstm_9/bias:0"]
    bias = lstm.get_weights()[2]
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    cu = CuDNNLSTM(2)
    cu._build_for((None, T, D))
    np.testing.assert_array_equal(cu.get_weights()[2], np.r_[np.zeros(10), np.ones(2), np.zeros(4)])


@pytest.mark.filterwarnings("ignore:Update your")
def test_input_dim_and_length_shorthand():
    assert LSTM(3, input_dim=4, input_length=7).batch_input_shape == (None, 7, 4)
    assert GRU(3, input_dim=4).batch_input_shape == (None, None, 4)


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("make, exc, words", [
    (lambda: LSTM(0), ValueError, ["LSTM", "units", "0"]),
    (lambda: GRU(-2), ValueError, ["GRU", "units"]),
    (lambda: LSTM(3, dropout=1.5), ValueError, ["dropout", "1.5"]),
    (lambda: LSTM(3, recurrent_dropout="x"), TypeError, ["recurrent_dropout"]),
    (lambda: GRU(3, implementation=3), ValueError, ["implementation", "3"]),
    (lambda: LSTM(3, foo=1), TypeError, ["foo"]),
    (lambda: RNN(object()), ValueError, ["cell", "call"]),
    (lambda: StackedRNNCells([]), ValueError, ["cells"]),
    (lambda: ConvLSTM2D(2, (3, 3), padding="full"), ValueError, ["padding", "full"]),
    (lambda: ConvLSTM2D(2, (3, 3), unroll=True), TypeError, ["unroll"]),
    (lambda: ConvLSTM2D(2, (3, 3), strides=2, dilation_rate=2), ValueError, ["dilation_rate"]),
])
def test_bad_arguments(make, exc, words):
    with pytest.raises(exc) as info:
        make()
    for w in words:
        assert w in str(info.value)


def test_wrong_rank_names_layer():
    model = Sequential([LSTM(3, input_shape=(T, D), name="my_lstm")])
    with pytest.raises(ValueError, match="second: expected ndim=3, found ndim=2"):
        model.add(LSTM(2, name="second"))  # LSTM output is 2-D


def test_cudnn_rejects_mask():
    layer = _built(CuDNNLSTM(3))
    with pytest.raises(ValueError, match="Masking is not supported"):
        layer(_x(), mask=torch.ones(B, T, dtype=torch.bool))


# ---------------------------------------------------------------------------- fused == loop
@pytest.mark.parametrize("make", [
    lambda: LSTM(5, recurrent_activation="sigmoid", return_sequences=True),
    lambda: LSTM(5, recurrent_activation="sigmoid", go_backwards=True, use_bias=False),
    lambda: GRU(5, recurrent_activation="sigmoid", reset_after=True, return_sequences=True),
    lambda: GRU(5, recurrent_activation="sigmoid", reset_after=True, use_bias=False),
])
def test_fused_kernel_equals_step_loop(make):
    layer = _built(make())
    x = _x()
    fused = layer(x)
    xx = torch.flip(x, (1,)) if layer.go_backwards else x
    seq, last, _ = layer._loop(xx, layer.get_initial_state(x), None, False)
    ref = seq if layer.return_sequences else last
    np.testing.assert_allclose(fused.detach().numpy(), ref.detach().numpy(), atol=1e-5)
    assert layer._fused(xx, layer.get_initial_state(x), False) is not None


def test_hard_sigmoid_does_not_use_fused_kernel():
    layer = _built(LSTM(3))
    assert layer._fused(_x(), layer.get_initial_state(_x()), False) is None
    g = _built(GRU(3, recurrent_activation="sigmoid"))  # reset_after=False: no torch equivalent
    assert g._fused(_x(), g.get_initial_state(_x()), False) is None


def _lstm_numpy(x, k, r, b):
    """Keras LSTM (sigmoid gates) in numpy: the reference for the CuDNN conversion test."""
    u = r.shape[0]
    h = np.zeros((x.shape[0], u), "float64")
    c = np.zeros_like(h)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in range(x.shape[1]):
        z = x[:, t] @ k + h @ r + b
        i, f, g, o = sig(z[:, :u]), sig(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sig(z[:, 3 * u:])
        c = f * c + i * g
        h = o * np.tanh(c)
    return h


def test_cudnn_lstm_matches_keras_224_weight_conversion():
    """CuDNNLSTM with weights W gives what LSTM(sigmoid) gives with Keras 2.2.4's converted W
    (engine/saving.py _convert_rnn_weights: per-gate kernel.T.reshape(shape, order='F'),
    recurrent per-gate transpose, the two bias halves summed)."""
    layer = _built(CuDNNLSTM(3))
    k, r, b = layer.get_weights()

    def per_gate(a, f):
        return np.hstack([f(g) for g in np.hsplit(a, 4)])
    k_native = per_gate(k, lambda g: g.T.reshape(g.shape, order="F"))
    r_native = per_gate(r, lambda g: g.T)
    b_native = b[:12] + b[12:]
    x = _x()
    expected = _lstm_numpy(x.numpy().astype("float64"), k_native, r_native, b_native)
    np.testing.assert_allclose(layer(x).detach().numpy(), expected, atol=1e-5)
    native = _built(LSTM(3, recurrent_activation="sigmoid"))
    native.set_weights([k_native, r_native, b_native])
    np.testing.assert_allclose(native(x).detach().numpy(), expected, atol=1e-5)


def test_cudnn_gru_matches_gru_reset_after():
    layer = _built(CuDNNGRU(3))
    k, r, b = layer.get_weights()

    def per_gate(a, f):
        return np.hstack([f(g) for g in np.hsplit(a, 3)])
    native = _built(GRU(3, recurrent_activation="sigmoid", reset_after=True))
    native.set_weights([per_gate(k, lambda g: g.T.reshape(g.shape, order="F")),
                        per_gate(r, lambda g: g.T), b.reshape(2, 9)])
    x = _x()
    np.testing.assert_allclose(layer(x).detach().numpy(), native(x).detach().numpy(), atol=1e-5)


# ---------------------------------------------------------------------------- masks
@pytest.mark.parametrize("make", [lambda: LSTM(3, return_sequences=True, return_state=True),
                                  lambda: LSTM(3, recurrent_activation="sigmoid",
                                               return_sequences=True, return_state=True),
                                  lambda: GRU(3, return_sequences=True, return_state=True)])
def test_masked_steps_copy_previous_output_and_state(make):
    layer = _built(make())
    x = _x()
    mask = torch.ones(B, T, dtype=torch.bool)
    mask[0, 3:] = False
    mask[1, 1] = False
    out = layer(x, mask=mask)
    seq, states = out[0].detach(), [s.detach() for s in out[1:]]
    np.testing.assert_array_equal(seq[0, 3], seq[0, 2])
    np.testing.assert_array_equal(seq[0, 4], seq[0, 2])
    np.testing.assert_array_equal(seq[1, 1], seq[1, 0])
    np.testing.assert_array_equal(states[0][0], seq[0, 2])
    # sample 2 has no masked step: same as running without a mask
    np.testing.assert_allclose(seq[2], layer(x)[0].detach()[2], atol=1e-6)
    assert layer.compute_mask(x, mask)[0] is mask


def test_mask_flows_from_masking_layer_in_sequential():
    model = Sequential([Masking(0.0, input_shape=(T, D)), LSTM(3, return_sequences=True)])
    x = _x().numpy()
    x[0, 2:] = 0
    y = model.predict(x)
    np.testing.assert_array_equal(y[0, 2], y[0, 1])
    np.testing.assert_array_equal(y[0, 4], y[0, 1])


# ---------------------------------------------------------------------------- dropout
@pytest.mark.parametrize("impl", [1, 2])
def test_dropout_only_in_training(impl):
    layer = _built(LSTM(4, dropout=0.5, recurrent_dropout=0.5, implementation=impl,
                        return_sequences=True))
    x = _x()
    plain = _built(LSTM(4, return_sequences=True))
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(layer(x, training=False).detach().numpy(),
                               plain(x).detach().numpy(), atol=1e-6)
    torch.manual_seed(0)
    a = layer(x, training=True)
    assert not np.allclose(a.detach().numpy(), plain(x).detach().numpy(), atol=1e-3)
    a.sum().backward()
    assert layer.cell.kernel.grad is not None


def test_input_dropout_mask_fixed_over_time():
    cell = GRUCell(3, dropout=0.5, implementation=2)
    cell._build_for((None, D))
    x = _x()
    cell._reset_dropout_masks()
    torch.manual_seed(3)
    cell._project(x, training=True)
    mask = cell._dropout_mask[0]
    assert mask.shape == (B, D)
    assert set(np.unique(mask.numpy())) <= {0.0, 2.0}


# ---------------------------------------------------------------------------- states
def test_return_state_and_initial_state():
    layer = _built(LSTM(3, return_state=True))
    out, h, c = layer(_x())
    np.testing.assert_array_equal(out.detach(), h.detach())
    again = layer(_x(1), initial_state=[h, c])
    as_list = layer([_x(1), h, c])
    np.testing.assert_allclose(again[0].detach(), as_list[0].detach())
    assert layer.compute_output_shape((None, T, D)) == [(None, 3), (None, 3), (None, 3)]
    with pytest.raises(ValueError, match="2 states but was passed 1"):
        layer(_x(), initial_state=[h])


def test_stateful_carries_states_and_resets():
    model = Sequential([LSTM(3, stateful=True, batch_input_shape=(B, T, D))])
    _randomize(model.layers[0])
    x1, x2 = _x(1).numpy(), _x(2).numpy()
    model.predict(x1, batch_size=B)
    carried = model.predict(x2, batch_size=B)
    model.reset_states()
    fresh = model.predict(x2, batch_size=B)
    assert not np.allclose(carried, fresh)
    model.compile("sgd", "mse")
    model.fit(x1, np.zeros((B, 3), "float32"), batch_size=B, epochs=1, verbose=0, shuffle=False)
    layer = model.layers[0]
    layer.reset_states([np.ones((B, 3)), np.zeros((B, 3))])
    np.testing.assert_array_equal(layer.states[0].numpy(), np.ones((B, 3)))
    with pytest.raises(ValueError, match="expected shape"):
        layer.reset_states([np.ones((2, 3)), np.zeros((B, 3))])
    with pytest.raises(AttributeError, match="stateful"):
        LSTM(2).reset_states()


def test_stateful_needs_batch_size():
    with pytest.raises(ValueError, match="batch size"):
        Sequential([LSTM(3, stateful=True, input_shape=(T, D))])


# ---------------------------------------------------------------------------- custom cells
class MinimalCell(torch.nn.Module):
    state_size = 2

    def call(self, inputs, states):
        out = torch.tanh(inputs[:, :2] + states[0])
        return out, [out]


def test_rnn_with_plain_cell_object():
    layer = RNN(MinimalCell(), return_sequences=True)
    y = layer(_x())
    assert tuple(y.shape) == (B, T, 2)


def test_stacked_cells_config_and_state_size():
    cells = StackedRNNCells([SimpleRNNCell(2), LSTMCell(3)])
    assert cells.state_size == (2, 3, 3) and cells.output_size == 3
    layer = _built(RNN(cells, return_state=True))
    outs = layer(_x())
    assert [tuple(o.shape) for o in outs] == [(B, 3), (B, 2), (B, 3), (B, 3)]
    assert _roundtrip(layer).cell.state_size == (2, 3, 3)


# ---------------------------------------------------------------------------- ConvLSTM2D
@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
def test_conv_lstm2d_shapes_and_formats(fmt):
    shape = (None, 3, 6, 7, 2) if fmt == "channels_last" else (None, 3, 2, 6, 7)
    layer = _built(ConvLSTM2D(4, (3, 3), padding="same", data_format=fmt, return_sequences=True),
                   shape)
    x = _x(0, (2,) + shape[1:])
    y = layer(x)
    exp = (2, 3, 6, 7, 4) if fmt == "channels_last" else (2, 3, 4, 6, 7)
    assert tuple(y.shape) == exp
    assert layer.compute_output_shape(shape) == (None,) + exp[1:]
    cell = layer.cell
    # one step through the cell's public call equals the layer's first output
    h0 = layer.get_initial_state(x)
    step, _ = cell.call(x[:, 0], h0, training=False)
    np.testing.assert_allclose(step.detach(), y[:, 0].detach(), atol=1e-5)
    assert isinstance(_roundtrip(layer), ConvLSTM2D)
    assert isinstance(_roundtrip(cell), ConvLSTM2DCell)


def test_conv_lstm2d_valid_strided_shape():
    layer = ConvLSTM2D(2, (3, 3), strides=2)
    assert layer.compute_output_shape((None, 4, 9, 9, 1)) == (None, 4, 4, 2)


# ---------------------------------------------------------------------------- training
def test_fit_learns_with_fused_and_loop_paths():
    rs = np.random.RandomState(0)
    x = rs.randn(32, T, D).astype("float32")
    y = (x[:, :, 0].sum(1, keepdims=True) > 0).astype("float32")
    for act in ("sigmoid", "hard_sigmoid"):
        model = Sequential([LSTM(8, recurrent_activation=act, input_shape=(T, D)),
                            Dense(1, activation="sigmoid")])
        model.compile("adam", "binary_crossentropy")
        first = model.evaluate(x, y, verbose=0)
        model.fit(x, y, epochs=15, batch_size=8, verbose=0)
        assert model.evaluate(x, y, verbose=0) < first
