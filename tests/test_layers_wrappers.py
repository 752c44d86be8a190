"""Unit tests of torkeras/layers/wrappers.py: TimeDistributed and Bidirectional (shapes, configs
through JSON, weights order, merge modes, masks, states, trainable, bad arguments)."""
import json

import numpy as np
import pytest
import torch

from torkeras.layers import Dense, Dropout, Masking, deserialize
from torkeras.layers.recurrent import GRU, LSTM, SimpleRNN
from torkeras.layers.wrappers import Bidirectional, TimeDistributed, Wrapper
from torkeras.models import Sequential

B, T, D = 3, 5, 4


def _x(seed=0, shape=(B, T, D)):
    return torch.as_tensor(np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32"))


def _randomize(layer, seed=1):
    rs = np.random.RandomState(seed)
    layer.set_weights([rs.uniform(-0.5, 0.5, w.shape).astype("float32")
                       for w in layer.get_weights()])


def _roundtrip(layer):
    cfg = {"class_name": type(layer).__name__, "config": layer.get_config()}
    return deserialize(json.loads(json.dumps(cfg)))


# ---------------------------------------------------------------------------- TimeDistributed
def test_time_distributed_dense_equals_dense_per_step():
    td = TimeDistributed(Dense(2))
    td._build_for((None, T, D))
    _randomize(td)
    x = _x()
    y = td(x)
    assert tuple(y.shape) == (B, T, 2)
    k, b = td.get_weights()
    np.testing.assert_allclose(y.detach().numpy(), x.numpy() @ k + b, atol=1e-6)
    assert td.compute_output_shape((None, T, D)) == (None, T, 2)
    again = _roundtrip(td)
    assert again.get_config()["layer"]["class_name"] == "Dense"
    assert list(td.get_config()) == ["name", "trainable", "dtype", "layer"]


def test_time_distributed_on_4d_and_nested_rnn():
    td = TimeDistributed(LSTM(3))
    x = _x(0, (2, 4, T, D))
    assert tuple(td(x).shape) == (2, 4, 3)
    assert td.compute_output_shape((None, 4, T, D)) == (None, 4, 3)


def test_time_distributed_mask_and_training():
    td = TimeDistributed(Dense(2))
    td._build_for((None, T, D))
    mask = torch.ones(B, T, dtype=torch.bool)
    assert torch.equal(td.compute_mask(_x(), mask), mask)
    assert td.compute_mask(_x(), None) is None
    drop = TimeDistributed(Dropout(0.5))
    x = torch.ones(B, T, D)
    np.testing.assert_array_equal(drop(x, training=False).numpy(), x.numpy())
    assert (drop(x, training=True) == 0).any()


def test_time_distributed_in_sequential_with_masking():
    model = Sequential([Masking(0.0, input_shape=(T, D)), LSTM(3, return_sequences=True),
                        TimeDistributed(Dense(2))])
    model.compile("adam", "mse")
    x = _x().numpy()
    x[0, 3:] = 0
    y = model.predict(x)
    np.testing.assert_array_equal(y[0, 3], y[0, 2])
    model.fit(x, np.zeros((B, T, 2), "float32"), epochs=1, verbose=0)


def test_time_distributed_trainable_follows_inner():
    td = TimeDistributed(Dense(2))
    td._build_for((None, T, D))
    td.trainable = False
    assert td.layer.trainable is False and td.trainable_weights == []
    assert len(td.non_trainable_weights) == 2


def test_time_distributed_bad_input():
    with pytest.raises(TypeError, match="TimeDistributed.*Layer instance"):
        TimeDistributed("dense")
    td = TimeDistributed(Dense(2), name="td")
    with pytest.raises(ValueError, match="td.*min_ndim=3"):
        Sequential([Dense(3, input_shape=(4,)), td])


# ---------------------------------------------------------------------------- Bidirectional
@pytest.mark.parametrize("mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("seqs", [True, False])
def test_bidirectional_merge_modes(mode, seqs):
    layer = Bidirectional(LSTM(3, return_sequences=seqs), merge_mode=mode)
    layer._build_for((None, T, D))
    _randomize(layer)
    x = _x()
    out = layer(x)
    w = layer.get_weights()
    fwd = LSTM(3, return_sequences=seqs)
    fwd._build_for((None, T, D))
    fwd.set_weights(w[:3])
    bwd = LSTM(3, return_sequences=seqs, go_backwards=True)
    bwd._build_for((None, T, D))
    bwd.set_weights(w[3:])
    f, b = fwd(x).detach(), bwd(x).detach()
    if seqs:
        b = torch.flip(b, (1,))
    expected = {"concat": torch.cat([f, b], -1), "sum": f + b, "mul": f * b, "ave": (f + b) / 2,
                None: None}[mode]
    if mode is None:
        np.testing.assert_allclose(out[0].detach(), f, atol=1e-6)
        np.testing.assert_allclose(out[1].detach(), b, atol=1e-6)
    else:
        np.testing.assert_allclose(out.detach(), expected, atol=1e-6)
    shape = layer.compute_output_shape((None, T, D))
    single = (None, T, 3) if seqs else (None, 3)
    if mode == "concat":
        assert shape == single[:-1] + (6,)
    elif mode is None:
        assert shape == [single, single]
    else:
        assert shape == single


def test_bidirectional_weights_names_and_config():
    layer = Bidirectional(GRU(2, name="gru_7"), name="bidi")
    layer._build_for((None, T, D))
    assert layer.weight_names()[0] == "bidi/forward_gru_7/kernel:0"
    assert layer.weight_names()[3] == "bidi/backward_gru_7/kernel:0"
    assert layer.backward_layer.go_backwards is True and layer.forward_layer.go_backwards is False
    cfg = layer.get_config()
    assert list(cfg) == ["name", "trainable", "dtype", "layer", "merge_mode"]
    assert cfg["layer"]["config"]["name"] == "gru_7"
    again = _roundtrip(layer)
    again._build_for((None, T, D))
    again.set_weights(layer.get_weights())
    np.testing.assert_allclose(again(_x()).detach(), layer(_x()).detach())
    # the template layer is not part of the module tree
    assert len(list(layer.parameters())) == 6


def test_bidirectional_return_state_and_initial_state():
    layer = Bidirectional(LSTM(3, return_state=True))
    layer._build_for((None, T, D))
    outs = layer(_x())
    assert len(outs) == 5 and tuple(outs[0].shape) == (B, 6)
    assert layer.compute_output_shape((None, T, D)) == [(None, 6)] + [(None, 3)] * 4
    states = [torch.zeros(B, 3)] * 4
    np.testing.assert_allclose(layer(_x(), initial_state=states)[0].detach(), outs[0].detach(),
                               atol=1e-6)
    again = layer([_x()] + states)
    np.testing.assert_allclose(again[0].detach(), outs[0].detach(), atol=1e-6)
    with pytest.raises(ValueError, match="even number"):
        layer(_x(), initial_state=states[:3])


def test_bidirectional_mask_and_stateful():
    layer = Bidirectional(SimpleRNN(2, return_sequences=True), merge_mode=None)
    mask = torch.ones(B, T, dtype=torch.bool)
    assert layer.compute_mask(_x(), mask) == [mask, mask]
    model = Sequential([Bidirectional(LSTM(2, stateful=True), batch_input_shape=(B, T, D))])
    model.predict(_x().numpy(), batch_size=B)
    model.reset_states()
    assert float(model.layers[0].forward_layer.states[0].abs().sum()) == 0.0


def test_bidirectional_trainable_and_initial_weights():
    ref = Bidirectional(LSTM(2))
    ref._build_for((None, T, D))
    _randomize(ref)
    layer = Bidirectional(LSTM(2), weights=ref.get_weights())
    layer._build_for((None, T, D))
    for a, b in zip(layer.get_weights(), ref.get_weights()):
        np.testing.assert_array_equal(a, b)
    layer.trainable = False
    assert layer.forward_layer.trainable is False and layer.trainable_weights == []


def test_bidirectional_bad_arguments():
    with pytest.raises(ValueError, match="merge_mode='cat'"):
        Bidirectional(LSTM(2), merge_mode="cat")
    with pytest.raises(ValueError, match="go_backwards.*Dense"):
        Bidirectional(Dense(2))
    with pytest.raises(TypeError, match="Bidirectional"):
        Bidirectional("lstm")


def test_wrapper_is_abstract_base():
    assert issubclass(TimeDistributed, Wrapper) and issubclass(Bidirectional, Wrapper)
