"""Unit tests of torkeras/backend/_ops_control.py and torkeras/legacy/backend_compat.py.

Golden values against real Keras are in compat_tests/test_backend_control_golden.py; these tests
check what the fixtures cannot: autograd through ``K.rnn`` (a custom RNN trains), symbolic use,
structures, errors, the Keras-1 names and call forms, and the legacy weight-ordering flag.
"""
import warnings

import h5py
import numpy as np
import pytest
import torch

import torkeras.backend as K
import torkeras.backend.common
from torkeras import layers as L
from torkeras import models
from torkeras.engine.base_layer import Layer
from torkeras.errors import LegacyArgumentError
from torkeras.legacy import backend_compat, keras1


def _t(*shape, seed=0):
    return torch.as_tensor(np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32"))


def _simple_step(W, U):
    def step(x_t, states):
        h = K.tanh(K.dot(x_t, W) + K.dot(states[0], U))
        return h, [h]
    return step


# -------------------------------------------------------------------------------------------- rnn
class KRNN(Layer):
    """A Keras-2-style custom recurrent layer written with K.rnn."""

    def __init__(self, units, **kwargs):
        super(KRNN, self).__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units),
                                      initializer="glorot_uniform")
        self.recurrent = self.add_weight(name="recurrent", shape=(self.units, self.units),
                                         initializer="orthogonal")
        super(KRNN, self).build(input_shape)

    def call(self, inputs):
        h0 = K.zeros_like(inputs[:, 0, :1]) * K.zeros((1, self.units))
        last, _, _ = K.rnn(_simple_step(self.kernel, self.recurrent), inputs, [h0])
        return last

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)


def test_custom_rnn_layer_with_k_rnn_trains():
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (64, 6, 3)).astype("float32")
    y = (x.sum(axis=(1, 2)) > 0).astype("float32")[:, None]
    torch.manual_seed(0)
    model = models.Sequential([KRNN(8, input_shape=(6, 3)), L.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    after = model.evaluate(x, y, verbose=0)
    assert after < before * 0.8, (before, after)


def test_rnn_gradients_reach_initial_state_and_constants():
    W, U = _t(3, 2, seed=1).requires_grad_(True), _t(2, 2, seed=2)
    h0 = torch.zeros(4, 2, requires_grad=True)
    c = torch.ones(2, requires_grad=True)

    def step(x_t, states):
        h = K.tanh(K.dot(x_t, W) + K.dot(states[0], U) + states[1])
        return h, [h]
    last, outputs, states = K.rnn(step, _t(4, 5, 3), [h0], constants=[c])
    assert outputs.shape == (4, 5, 2) and len(states) == 1
    torch.testing.assert_close(last, outputs[:, -1])
    K.sum(last).backward()
    assert W.grad is not None and h0.grad is not None and c.grad is not None


def test_rnn_mask_keeps_previous_states_and_accepts_3d_mask():
    x = _t(2, 4, 3)
    W, U = _t(3, 2, seed=1), _t(2, 2, seed=2)
    mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]], dtype=torch.float32)
    h0 = _t(2, 2, seed=3)
    last, outputs, states = K.rnn(_simple_step(W, U), x, [h0], mask=mask[:, :, None])
    torch.testing.assert_close(outputs[0, 2], outputs[0, 1])   # output = states[0] = h_1
    torch.testing.assert_close(states[0][0], outputs[0, 1])
    full = K.rnn(_simple_step(W, U), x[1:], [h0[1:]])[1]
    torch.testing.assert_close(outputs[1:], full)


def test_rnn_step_gets_list_when_unrolled_and_tuple_in_loop():
    seen = []

    def step(x_t, states):
        seen.append(type(states))
        return x_t, list(states[:1])
    x = _t(2, 3, 2)
    K.rnn(step, x, [x[:, 0]], unroll=True)
    K.rnn(step, x, [x[:, 0]], unroll=False)
    assert seen == [list] * 3 + [tuple] * 3


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(inputs=torch.zeros(2, 3)), ValueError, "at least 3D"),
    (dict(mask=torch.ones(2, 4), initial_states=[]), ValueError, "initial states"),
    (dict(mask=torch.ones(3, 4)), ValueError, "mask"),
    (dict(input_length=7), ValueError, "input_length"),
    (dict(step_function=lambda x, s: x), TypeError, "output, new_states"),
    (dict(step_function=lambda x, s: (x, [])), ValueError, "returned 0 states"),
    (dict(initial_states=torch.zeros(2, 3)), TypeError, "initial_states"),
])
def test_rnn_errors(kwargs, error, match):
    args = dict(step_function=lambda x, s: (x, [x]), inputs=torch.zeros(2, 4, 3),
                initial_states=[torch.zeros(2, 3)])
    args.update(kwargs)
    with pytest.raises(error, match=match):
        K.rnn(**args)


def test_rnn_mask_with_changing_state_shape_is_rejected():
    with pytest.raises(ValueError, match="keep its shape"):
        K.rnn(lambda x, s: (x, [x[:, :1]]), torch.zeros(2, 4, 3), [torch.zeros(2, 3)],
              mask=torch.ones(2, 4))


# ------------------------------------------------------------------------------ map_fn and folds
def test_map_fn_structures_and_dtype():
    a, b = _t(4, 3), _t(4, 3, seed=1)
    out = K.map_fn(lambda ab: (ab[0] + ab[1], ab[0] * ab[1]), (a, b))
    assert isinstance(out, tuple)
    torch.testing.assert_close(out[0], a + b)
    torch.testing.assert_close(out[1], a * b)
    assert K.map_fn(lambda r: K.sum(r), a, dtype="float32").shape == (4,)
    with pytest.raises(TypeError, match="dtype"):
        K.map_fn(lambda r: K.argmax(r), a, dtype="float32")
    with pytest.raises(ValueError, match="same length"):
        K.map_fn(lambda ab: ab[0], (a, b[:2]))
    with pytest.raises(ValueError, match="length 0"):
        K.map_fn(lambda r: r, torch.zeros(0, 3))
    with pytest.raises(TypeError, match="callable"):
        K.map_fn(None, a)


def test_folds_nested_elems_and_errors():
    a, b = _t(3, 2), _t(3, 2, seed=1)
    got = K.foldl(lambda acc, ab: acc + ab[0] * ab[1], (a, b), initializer=torch.zeros(2))
    torch.testing.assert_close(got, (a * b).sum(0))
    first = K.foldr(lambda acc, ab: (acc[0] - ab[0], acc[1]), (a, b))
    torch.testing.assert_close(first[0], a[2] - a[1] - a[0])
    with pytest.raises(ValueError, match="initializer"):
        K.foldl(lambda acc, x: acc, torch.zeros(0, 2))


def test_map_fn_and_foldl_symbolic():
    x = K.placeholder(shape=(None, 3))
    f = K.function([x], [K.map_fn(lambda r: K.sum(r), x), K.foldl(lambda acc, r: acc + r, x)])
    data = np.arange(6, dtype="float32").reshape(2, 3)
    mapped, folded = f([data])
    np.testing.assert_allclose(mapped, data.sum(1))
    np.testing.assert_allclose(folded, data.sum(0))


# ---------------------------------------------------------------------------- batch normalization
def test_normalize_batch_gradients_and_errors():
    x = _t(6, 4).requires_grad_(True)
    gamma, beta = torch.ones(4, requires_grad=True), torch.zeros(4, requires_grad=True)
    normed, mean, var = K.normalize_batch_in_training(x, gamma, beta, [0])
    K.sum(normed * normed).backward()
    assert x.grad is not None and gamma.grad is not None
    with pytest.raises(TypeError, match="reduction_axes"):
        K.normalize_batch_in_training(x, gamma, beta, 0)


def test_batch_normalization_keras1_positional_epsilon(monkeypatch):
    x, mean, var = _t(5, 4), _t(4, seed=1), _t(4, seed=2).abs() + 0.1
    beta, gamma = _t(4, seed=3), _t(4, seed=4)
    keras1._reset_warnings_for_tests()
    with pytest.warns(UserWarning, match="batch_normalization"):
        old = K.batch_normalization(x, mean, var, beta, gamma, 0.5)
    torch.testing.assert_close(old, K.batch_normalization(x, mean, var, beta, gamma, epsilon=0.5))
    assert not torch.allclose(old, K.batch_normalization(x, mean, var, beta, gamma))
    with pytest.raises(TypeError, match="epsilon"):
        K.batch_normalization(x, mean, var, beta, gamma, 0.5, epsilon=0.1)
    with pytest.raises(TypeError, match="axis"):
        K.batch_normalization(x, mean, var, beta, gamma, "last")
    monkeypatch.setenv("TORKERAS_STRICT", "1")
    with pytest.raises(LegacyArgumentError):
        K.batch_normalization(x, mean, var, beta, gamma, 0.5)


def test_batch_normalization_nchw_per_channel_vectors():
    x = _t(2, 3, 4, 4)
    mean, var = _t(3, seed=1), _t(3, seed=2).abs() + 0.5
    got = K.batch_normalization(x, mean, var, None, None, axis=1)
    want = (x - mean.reshape(1, 3, 1, 1)) / torch.sqrt(var.reshape(1, 3, 1, 1) + 1e-3)
    torch.testing.assert_close(got, want)


def test_batchnorm_layer_one_sample_batch_uses_the_shared_formula():
    layer = L.BatchNormalization(input_shape=(3,))
    model = models.Sequential([layer])
    x = np.array([[1.0, 2.0, 3.0]], dtype="float32")
    out = model(torch.as_tensor(x), training=True)
    torch.testing.assert_close(out, torch.zeros(1, 3))   # (x - mean) with mean == x


# -------------------------------------------------------------------------------------------- CTC
def test_ctc_label_dense_to_sparse():
    labels = torch.tensor([[1, 2, 3, 0], [4, 0, 0, 0], [5, 6, 0, 0]], dtype=torch.int32)
    sp = K.ctc_label_dense_to_sparse(labels, torch.tensor([[3], [1], [2]]))
    assert sp.is_sparse and K.is_sparse(sp) and sp.is_coalesced()
    assert tuple(sp.shape) == (3, 4) and sp.indices().dtype == torch.int64
    assert sp.indices().t().tolist() == [[0, 0], [0, 1], [0, 2], [1, 0], [2, 0], [2, 1]]
    assert sp.values().tolist() == [1, 2, 3, 4, 5, 6] and sp.values().dtype == torch.int32
    dense = K.to_dense(sp)
    assert dense.tolist() == [[1, 2, 3, 0], [4, 0, 0, 0], [5, 6, 0, 0]]
    with pytest.raises(ValueError, match="one length per row"):
        K.ctc_label_dense_to_sparse(labels, torch.tensor([1, 2]))


# --------------------------------------------------------------------------- names and exports
def test_builtin_aliases_and_keras1_names():
    assert (K.py_all, K.py_any, K.py_sum, K.py_slice) == (all, any, sum, slice)
    assert K.lesser is K.less and K.lesser_equal is K.less_equal
    assert K.Function is type(K.function([K.placeholder(shape=(2,))], []))
    assert torkeras.backend.common.set_legacy_weight_ordering is K.set_legacy_weight_ordering
    x, y = torch.tensor([1.0, 2.0]), torch.tensor([2.0, 2.0])
    assert K.lesser(x, y).tolist() == [True, False]
    assert K.lesser_equal(x, y).tolist() == [True, True]


# ------------------------------------------------------------------------- legacy weight ordering
@pytest.fixture
def legacy_flag():
    yield
    backend_compat._LEGACY_WEIGHT_ORDERING[0] = False


def _branch_model():
    inp = L.Input((3,))
    b = L.Dense(2, name="b_branch")(inp)
    a = L.Dense(2, name="a_branch")(inp)
    return models.Model(inp, L.concatenate([b, a]))


def _write_name_ordered_file(path, arrays):
    """A Keras 1.0-style weights file: same-depth layers listed in name order (a_branch first)."""
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [b"a_branch", b"b_branch"]
        for name, (w, bias) in zip(["a_branch", "b_branch"], arrays):
            g = f.create_group(name)
            g.attrs["weight_names"] = [("%s_W" % name).encode(), ("%s_b" % name).encode()]
            g.create_dataset("%s_W" % name, data=w)
            g.create_dataset("%s_b" % name, data=bias)


def test_legacy_weight_ordering_flag_orders_keras1_file_layers(tmp_path, legacy_flag):
    rng = np.random.RandomState(0)
    arrays = [(rng.rand(3, 2).astype("float32"), rng.rand(2).astype("float32")) for _ in range(2)]
    path = str(tmp_path / "old.h5")
    _write_name_ordered_file(path, arrays)
    model = _branch_model()
    assert [l.name for l in model.layers if l.weights] == ["b_branch", "a_branch"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.load_weights(path)
    np.testing.assert_array_equal(model.get_layer("b_branch").get_weights()[0], arrays[0][0])
    assert K.legacy_weight_ordering() is False
    with pytest.warns(UserWarning, match="traversal order"):
        K.set_legacy_weight_ordering(True)
    assert K.legacy_weight_ordering() is True
    model = _branch_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.load_weights(path)
    np.testing.assert_array_equal(model.get_layer("a_branch").get_weights()[0], arrays[0][0])
    np.testing.assert_array_equal(model.get_layer("b_branch").get_weights()[1], arrays[1][1])
    assert [l.name for l in model.layers if l.weights] == ["b_branch", "a_branch"]


@pytest.mark.parametrize("value", [None, "yes", 2])
def test_set_legacy_weight_ordering_validates(value, legacy_flag):
    with pytest.raises(ValueError, match="True or False"):
        K.set_legacy_weight_ordering(value)
