"""ConvRNN2D (Keras 2.2.4 ``keras.layers.convolutional_recurrent.ConvRNN2D``).

Golden outputs: ``compat_tests/fixtures/rnn/convrnn2d/`` written by
``compat_tests/fixtures/make_convrnn_fixtures.py`` (tf-keras 2.21's ConvLSTM2D, which is its
``ConvRNN(2, ConvLSTMCell(2, ...))``, with fixed weights), and ``torkeras_written.h5``: a file
torkeras saved that tf-keras loaded and predicted (``torkeras_written_check.npz``).
"""
import json
import os

import numpy as np
import pytest
import torch

import torkeras
from torkeras import _registry, layers
from torkeras.engine.base_layer import Layer
from torkeras.layers import ConvLSTM2D, ConvLSTM2DCell, ConvRNN2D, LSTMCell, convolutional_recurrent
from torkeras.models import Sequential, load_model

FIX = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "compat_tests",
                   "fixtures", "rnn", "convrnn2d")
CASES = ["same_seq", "valid_strided_state", "same_backwards_seq_state", "valid_backwards_last"]
ATOL = 1e-4


def _golden(case):
    with np.load(os.path.join(FIX, case + ".npz")) as f:
        d = {k: f[k] for k in f.files}
    cfg = json.loads(str(d["config"]))
    weights = [d["w%d" % i] for i in range(sum(k[0] == "w" for k in d))]
    outputs = [d["y%d" % i] for i in range(sum(k[0] == "y" for k in d))]
    return d["x"], weights, outputs, cfg


def _run(layer, x, weights=None, **kwargs):
    layer._build_for((None,) + tuple(x.shape[1:]))
    if weights is not None:
        layer.set_weights(weights)
    with torch.no_grad():
        out = layer(torch.as_tensor(x), training=False, **kwargs)
    return [o.numpy() for o in (out if isinstance(out, (list, tuple)) else [out])]


def test_fixtures_present():
    assert sorted(CASES) == sorted(n[:-4] for n in os.listdir(FIX)
                                   if n.endswith(".npz") and not n.startswith("torkeras_"))


@pytest.mark.parametrize("case", CASES)
def test_matches_tf_keras(case):
    x, weights, outputs, cfg = _golden(case)
    got = _run(ConvRNN2D(ConvLSTM2DCell(**cfg["cell"]), **cfg["rnn"]), x, weights)
    assert len(got) == len(outputs)
    for g, e in zip(got, outputs):
        assert g.shape == e.shape
        np.testing.assert_allclose(g, e, atol=ATOL, rtol=0)


@pytest.mark.parametrize("case", ["valid_strided_state", "same_backwards_seq_state"])
def test_conv_lstm2d_is_convrnn2d_of_its_cell(case):
    x, weights, _, cfg = _golden(case)
    lstm = ConvLSTM2D(**cfg["cell"], **cfg["rnn"])
    assert isinstance(lstm, ConvRNN2D) and isinstance(lstm.cell, ConvLSTM2DCell)
    base = ConvRNN2D(ConvLSTM2DCell(**cfg["cell"]), **cfg["rnn"])
    for a, b in zip(_run(lstm, x, weights), _run(base, x, weights)):
        np.testing.assert_array_equal(a, b)
    assert [w.shape for w in lstm.get_weights()] == [w.shape for w in base.get_weights()]
    assert lstm.compute_output_shape(x.shape) == base.compute_output_shape(x.shape)


def test_output_shapes():
    cell = ConvLSTM2DCell(3, (2, 3), strides=(2, 1))
    assert ConvRNN2D(cell).compute_output_shape((None, 4, 9, 7, 2)) == (None, 4, 5, 3)
    layer = ConvRNN2D(ConvLSTM2DCell(3, (2, 3), strides=(2, 1)), return_sequences=True,
                      return_state=True)
    assert layer.compute_output_shape((None, 4, 9, 7, 2)) == [(None, 4, 4, 5, 3),
                                                              (None, 4, 5, 3), (None, 4, 5, 3)]
    first = ConvRNN2D(ConvLSTM2DCell(3, 3, padding="same", data_format="channels_first"),
                      return_sequences=True)
    assert first.compute_output_shape((None, 4, 2, 9, 7)) == (None, 4, 3, 9, 7)
    x = torch.zeros(2, 4, 2, 9, 7)
    assert tuple(first(x).shape) == (2, 4, 3, 9, 7)
    assert [tuple(s.shape) for s in first.get_initial_state(x)] == [(2, 3, 9, 7)] * 2


def test_config_round_trip_and_registry():
    layer = ConvRNN2D(ConvLSTM2DCell(2, (3, 3), padding="same", dropout=0.25),
                      return_sequences=True, go_backwards=True, name="crnn")
    cfg = layer.get_config()
    assert {"name", "trainable", "return_sequences", "return_state", "go_backwards", "stateful",
            "unroll", "cell"} <= set(cfg)
    assert cfg["unroll"] is False and cfg["cell"]["class_name"] == "ConvLSTM2DCell"
    assert cfg["cell"]["config"]["filters"] == 2 and cfg["cell"]["config"]["dropout"] == 0.25
    again = ConvRNN2D.from_config(json.loads(json.dumps(cfg)))
    assert type(again) is ConvRNN2D and again.get_config() == cfg
    ser = layers.serialize(layer)
    assert ser["class_name"] == "ConvRNN2D"
    assert layers.deserialize(json.loads(json.dumps(ser))).get_config() == cfg
    assert _registry.LAYERS.get("ConvRNN2D") is ConvRNN2D
    assert layers.ConvRNN2D is convolutional_recurrent.ConvRNN2D is ConvRNN2D


@pytest.mark.filterwarnings("ignore:No training configuration")
def test_h5_round_trip(tmp_path):
    x, weights, outputs, cfg = _golden("same_seq")
    model = Sequential([ConvRNN2D(ConvLSTM2DCell(**cfg["cell"]), input_shape=x.shape[1:],
                                  **cfg["rnn"])])
    model.set_weights(weights)
    path = str(tmp_path / "m.h5")
    model.save(path)
    again = load_model(path)
    assert type(again.layers[0]) is ConvRNN2D and type(again.layers[0].cell) is ConvLSTM2DCell
    np.testing.assert_allclose(again.predict(x), outputs[0], atol=ATOL, rtol=0)


@pytest.mark.filterwarnings("ignore:No training configuration")
def test_file_written_by_torkeras_is_read_by_tf_keras():
    with np.load(os.path.join(FIX, "torkeras_written_check.npz")) as f:
        check = {k: f[k] for k in f.files}
    assert bool(check["same_weights"]) and str(check["layer_class"]) == "ConvRNN"
    assert float(check["max_abs_diff"]) <= ATOL
    with np.load(os.path.join(FIX, "torkeras_written.npz")) as f:
        x = f["x"]
    model = load_model(os.path.join(FIX, "torkeras_written.h5"))
    # the committed file is what torkeras writes today
    _, weights, _, cfg = _golden("same_seq")
    fresh = ConvRNN2D(ConvLSTM2DCell(**cfg["cell"]), **cfg["rnn"])
    got = model.layers[0].get_config()
    want = dict(fresh.get_config(), name=got["name"])
    want["cell"]["config"]["name"] = got["cell"]["config"]["name"]
    got.pop("batch_input_shape")
    assert got == want
    for a, b in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    # tf-keras's prediction of that file equals torkeras's
    np.testing.assert_allclose(model.predict(x), check["y_tfkeras"], atol=ATOL, rtol=0)


def test_bad_arguments():
    with pytest.raises(TypeError, match="stack convolutional cells"):
        ConvRNN2D([ConvLSTM2DCell(2, 3), ConvLSTM2DCell(2, 3)])
    with pytest.raises(TypeError, match="unroll"):
        ConvRNN2D(ConvLSTM2DCell(2, 3), unroll=True)
    with pytest.raises(ValueError, match="kernel_size.*LSTMCell|lacks filters"):
        ConvRNN2D(LSTMCell(3))
    layer = ConvRNN2D(ConvLSTM2DCell(2, 3))
    with pytest.raises(ValueError, match="ndim=5"):
        layer(torch.zeros(2, 4, 6, 2))
    with pytest.raises(AttributeError, match="stateful"):
        layer.reset_states()


def test_stateful_carries_and_resets():
    x, weights, _, cfg = _golden("same_seq")
    full = ConvRNN2D(ConvLSTM2DCell(**cfg["cell"]))
    whole = _run(full, x, weights)[0]
    layer = ConvRNN2D(ConvLSTM2DCell(**cfg["cell"]), stateful=True)
    layer._build_for(x.shape)
    layer.set_weights(weights)
    assert [tuple(s.shape) for s in layer.states] == [(2, 6, 5, 3)] * 2
    with torch.no_grad():
        layer(torch.as_tensor(x[:, :2]))
        second = layer(torch.as_tensor(x[:, 2:])).numpy()
    np.testing.assert_allclose(second, whole, atol=1e-6)
    layer.reset_states()
    assert all(float(s.abs().sum()) == 0 for s in layer.states)
    with torch.no_grad():
        np.testing.assert_allclose(layer(torch.as_tensor(x[:, 2:])).numpy(),
                                   _run(full, x[:, 2:])[0], atol=1e-6)
    h = np.full((2, 6, 5, 3), 0.5, "float32")
    layer.reset_states([h, h])
    np.testing.assert_array_equal(layer.states[0].numpy(), h)
    with pytest.raises(ValueError, match="expected shape"):
        layer.reset_states([h[:, :3], h])
    partial = ConvRNN2D(ConvLSTM2DCell(2, 3), stateful=True)
    with pytest.raises(ValueError, match="batch_input_shape"):
        partial._build_for((2, 4, None, 5, 1))


class _ConvTanhCell(Layer):
    """A minimal conv cell of the test's own: h' = tanh(conv(x, k) + conv(h, r)), 'same' padding."""

    def __init__(self, filters, **kwargs):
        super(_ConvTanhCell, self).__init__(**kwargs)
        self.filters, self.kernel_size, self.strides = filters, (3, 3), (1, 1)
        self.padding, self.data_format, self.dilation_rate = "same", "channels_last", (1, 1)
        self.state_size = filters

    def build(self, input_shape):
        self.k = self.add_weight(name="k", shape=(self.filters, input_shape[-1], 3, 3),
                                 initializer="glorot_uniform")
        self.r = self.add_weight(name="r", shape=(self.filters, self.filters, 3, 3),
                                 initializer="glorot_uniform")
        self.built = True

    def call(self, inputs, states):
        conv = torch.nn.functional.conv2d
        z = conv(inputs.permute(0, 3, 1, 2), self.k, padding=1) + \
            conv(states[0].permute(0, 3, 1, 2), self.r, padding=1)
        h = torch.tanh(z).permute(0, 2, 3, 1)
        return h, [h]


def test_any_conv_cell_with_mask():
    x = np.random.RandomState(1).uniform(-1, 1, (2, 4, 5, 5, 2)).astype("float32")
    mask = torch.tensor([[1, 1, 0, 1], [1, 0, 0, 0]], dtype=torch.bool)
    layer = ConvRNN2D(_ConvTanhCell(3), return_sequences=True, return_state=True)
    seq, h = _run(layer, x, mask=mask)
    cell = layer.cell
    state = torch.zeros(2, 5, 5, 3)
    with torch.no_grad():
        for t in range(4):
            new, _ = cell.call(torch.as_tensor(x[:, t]), [state])
            state = torch.where(mask[:, t].view(-1, 1, 1, 1), new, state)
            np.testing.assert_allclose(seq[:, t], state.numpy(), atol=1e-6)
    np.testing.assert_allclose(h, state.numpy(), atol=1e-6)
    assert layer.compute_output_shape((None, 4, 5, 5, 2)) == [(None, 4, 5, 5, 3), (None, 5, 5, 3)]


def test_trains_in_a_model():
    rs = np.random.RandomState(0)
    x = rs.uniform(-1, 1, (8, 3, 5, 5, 1)).astype("float32")
    y = x.mean(axis=(1, 2, 3))
    model = Sequential([ConvRNN2D(ConvLSTM2DCell(2, 3, padding="same"), input_shape=(3, 5, 5, 1)),
                        torkeras.layers.GlobalAveragePooling2D(),
                        torkeras.layers.Dense(1)])
    model.compile("adam", "mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=10, batch_size=4, verbose=0)
    assert model.evaluate(x, y, verbose=0) < first
