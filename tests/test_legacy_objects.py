"""Keras 1.2.2 / 2.2.4 names added for issue #5 item 1: Keras-1 regularizers and metrics, removed
layers, step-based Recurrent, clone_model, generic/np/io/layer utils, engine.training helpers."""
import json
import warnings

import numpy as np
import pytest
import torch

import torkeras as keras
from torkeras import backend as K, metrics, regularizers
from torkeras.errors import LegacyArgumentError
from torkeras.layers import Dense, Input, SimpleRNN
from torkeras.legacy import keras1, training as legacy_training
from torkeras.models import Model, Sequential, clone_model
from torkeras.utils import generic_utils, io_utils, layer_utils, np_utils
from torkeras.utils._unsupported import UnsupportedError


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    monkeypatch.delenv("TORKERAS_STRICT", raising=False)
    keras1._reset_warnings_for_tests()
    yield
    keras1._reset_warnings_for_tests()


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# ---------------------------------------------------------------------------- regularizers
@pytest.mark.parametrize("make,l1,l2,spelling", [
    (lambda: regularizers.l1l2(0.1, 0.2), 0.1, 0.2, "l1_l2(l1=0.1, l2=0.2)"),
    (lambda: regularizers.activity_l1(0.3), 0.3, 0.0, "l1(0.3)"),
    (lambda: regularizers.activity_l2(0.3), 0.0, 0.3, "l2(0.3)"),
    (lambda: regularizers.activity_l1l2(0.1, 0.2), 0.1, 0.2, "l1_l2(l1=0.1, l2=0.2)"),
    (lambda: regularizers.WeightRegularizer(l2=0.2), 0.0, 0.2, "L1L2(l1=0.0, l2=0.2)"),
    (lambda: regularizers.ActivityRegularizer(l1=0.1), 0.1, 0.0, "L1L2(l1=0.1, l2=0.0)"),
    (lambda: regularizers.L1L2Regularizer(0.1, 0.2), 0.1, 0.2, "L1L2(l1=0.1, l2=0.2)"),
])
def test_keras1_regularizers_are_keras2_l1l2(make, l1, l2, spelling):
    with pytest.warns(UserWarning, match=r"Keras 2 API: `%s`" % spelling.replace("(", r"\(")
                      .replace(")", r"\)")):
        reg = make()
    assert type(reg) is regularizers.L1L2
    assert reg.get_config() == regularizers.L1L2(l1=l1, l2=l2).get_config()
    w = torch.tensor([[-1.0, 2.0], [0.5, -3.0]])
    expected = np.float32(l1) * np.abs(w.numpy()).sum() + np.float32(l2) * (w.numpy() ** 2).sum()
    assert float(reg(w)) == pytest.approx(expected, rel=1e-6)


def test_keras1_regularizer_warns_once_and_strict_raises(monkeypatch):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        regularizers.l1l2(0.1, 0.1)
        regularizers.l1l2(0.1, 0.1)
    assert len([w for w in caught if "l1l2" in str(w.message)]) == 1
    monkeypatch.setenv("TORKERAS_STRICT", "1")
    keras1._reset_warnings_for_tests()
    with pytest.raises(LegacyArgumentError, match="TORKERAS_STRICT"):
        regularizers.activity_l2(0.1)


def test_eigenvalue_regularizer_power_method():
    rng = np.random.RandomState(0)
    w = rng.rand(5, 3).astype("float64")
    cov = w.T @ w
    v = cov @ np.ones((3, 1))
    for _ in range(8):
        v = cov @ v
    cov_d = cov @ v
    value = np.sqrt((cov_d.T @ v) / (v.T @ v)).sum() * 0.5
    reg = regularizers.EigenvalueRegularizer(0.5)
    assert float(reg(torch.tensor(w))) == pytest.approx(value, rel=1e-9)
    # the power method converges to the dominant eigenvalue
    assert value == pytest.approx(0.5 * np.sqrt(np.linalg.eigvalsh(cov).max()), rel=1e-3)
    with pytest.raises(ValueError, match="rank 2"):
        reg(torch.ones(3))
    with pytest.raises(TypeError, match="`k`"):
        regularizers.EigenvalueRegularizer("big")


# ---------------------------------------------------------------------------- metrics
def _sk():
    return pytest.importorskip("sklearn.metrics")


def test_keras1_metrics_match_rounded_batch_statistics():
    sk = _sk()
    rng = np.random.RandomState(3)
    y_true = (rng.rand(40, 3) > 0.5).astype("float32")
    y_pred = rng.rand(40, 3).astype("float32")
    t, p = torch.tensor(y_true), torch.tensor(y_pred)
    flat_t, flat_p = y_true.ravel(), np.round(y_pred).ravel()
    assert float(metrics.precision(t, p)) == pytest.approx(sk.precision_score(flat_t, flat_p), rel=1e-5)
    assert float(metrics.recall(t, p)) == pytest.approx(sk.recall_score(flat_t, flat_p), rel=1e-5)
    assert float(metrics.fmeasure(t, p)) == pytest.approx(sk.f1_score(flat_t, flat_p), rel=1e-5)
    assert float(metrics.fbeta_score(t, p, beta=2)) == pytest.approx(
        sk.fbeta_score(flat_t, flat_p, beta=2), rel=1e-5)
    assert float(metrics.matthews_correlation(t, p)) == pytest.approx(
        sk.matthews_corrcoef(flat_t, flat_p), rel=1e-5)
    assert metrics.fscore is metrics.f1score is metrics.fmeasure
    # no positive target: 0, as Keras 1
    assert float(metrics.fmeasure(torch.zeros(4, 2), p[:4, :2])) == 0.0
    with pytest.raises(ValueError, match="beta"):
        metrics.fbeta_score(t, p, beta=-1)


def test_keras1_metrics_by_name_in_compile():
    model = Sequential([Dense(1, activation="sigmoid", input_dim=3)])
    model.compile("sgd", "binary_crossentropy", metrics=["precision", "recall", "fscore",
                                                         "matthews_correlation"])
    x = np.random.RandomState(0).rand(16, 3).astype("float32")
    y = (np.random.RandomState(1).rand(16, 1) > 0.5).astype("float32")
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert {"precision", "recall", "fmeasure", "matthews_correlation"} <= set(history.history)
    pred = model.predict(x)
    # one batch: the epoch value is the batch value, computed on the weights before the step
    assert metrics.get("fscore") is metrics.fmeasure
    assert 0.0 <= history.history["precision"][0] <= 1.0
    assert pred.shape == (16, 1)


# ---------------------------------------------------------------------------- removed layers
def _run(layer, x):
    return _quiet(lambda: layer(torch.tensor(x)).detach().numpy())


def test_highway_math_and_weights():
    layer = _quiet(keras.layers.Highway, activation="tanh", input_dim=3)
    x = np.random.RandomState(0).rand(4, 3).astype("float32")
    out = _run(layer, x)
    W, W_carry, b, b_carry = layer.get_weights()
    assert [w.shape for w in layer.get_weights()] == [(3, 3), (3, 3), (3,), (3,)]
    np.testing.assert_array_equal(b_carry, np.ones(3))
    gate = 1 / (1 + np.exp(-(x @ W_carry + b_carry)))
    np.testing.assert_allclose(out, np.tanh(x @ W + b) * gate + (1 - gate) * x, rtol=1e-5, atol=1e-6)
    assert [n.split("/")[1] for n in layer.weight_names()] == ["W:0", "W_carry:0", "b:0", "b_carry:0"]
    with pytest.raises(TypeError, match="transform_bias"):
        keras.layers.Highway(transform_bias=-2)


def test_maxout_dense_math():
    layer = _quiet(keras.layers.MaxoutDense, 2, nb_feature=3, input_dim=4)
    x = np.random.RandomState(1).rand(5, 4).astype("float32")
    out = _run(layer, x)
    W, b = layer.get_weights()
    assert W.shape == (3, 4, 2) and b.shape == (3, 2)
    expected = np.max(np.einsum("bi,fio->bfo", x, W) + b, axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    cfg = layer.get_config()
    assert cfg["output_dim"] == 2 and cfg["nb_feature"] == 3 and cfg["input_dim"] == 4


def test_time_distributed_dense_equals_dense():
    with pytest.warns(UserWarning, match=r"TimeDistributed\(Dense\(3\)\)"):
        layer = keras.layers.TimeDistributedDense(3, activation="relu", input_dim=4, input_length=5)
    x = np.random.RandomState(2).rand(2, 5, 4).astype("float32")
    out = _run(layer, x)
    dense = Dense(3, activation="relu")
    dense(torch.tensor(x))
    dense.set_weights(layer.get_weights())
    np.testing.assert_allclose(out, dense(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    assert layer.batch_input_shape == (None, 5, 4)
    y = keras.layers.time_distributed_dense(torch.tensor(x), layer.W, layer.b)
    np.testing.assert_allclose(y.detach().numpy(), x @ layer.get_weights()[0] + layer.get_weights()[1],
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="timesteps"):
        keras.layers.time_distributed_dense(torch.tensor(x), layer.W, timesteps=7)


def test_parametric_softplus_and_srelu_math():
    x = np.random.RandomState(3).randn(4, 3, 2).astype("float32") * 3
    ps = _quiet(keras.layers.ParametricSoftplus, alpha_init=0.3, beta_init=2.0, shared_axes=[1])
    out = _run(ps, x)
    alphas, betas = ps.get_weights()
    assert alphas.shape == (1, 2)
    np.testing.assert_allclose(out, alphas * np.log1p(np.exp(betas * x)), rtol=1e-5)
    srelu = _quiet(keras.layers.SReLU)
    srelu(torch.tensor(x))
    rng = np.random.RandomState(4)
    t_left, a_left, t_right, a_right = [rng.randn(3, 2).astype("float32") for _ in range(4)]
    srelu.set_weights([t_left, a_left, t_right, a_right])
    t_r = t_left + np.abs(t_right)
    expected = np.where(x < t_left, t_left + a_left * (x - t_left),
                        np.where(x > t_r, t_r + a_right * (x - t_r), x))
    np.testing.assert_allclose(_run(srelu, x), expected, rtol=1e-5, atol=1e-5)
    cfg = srelu.get_config()
    assert cfg["a_right_init"] == "one" and cfg["shared_axes"] is None


def test_removed_layers_round_trip_through_h5(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Sequential([keras.layers.TimeDistributedDense(3, input_shape=(5, 4)),
                            keras.layers.Flatten(), keras.layers.MaxoutDense(4, nb_feature=2),
                            keras.layers.Highway(activation="relu"), keras.layers.SReLU()])
    x = np.random.RandomState(5).rand(3, 5, 4).astype("float32")
    ref = model.predict(x)
    path = str(tmp_path / "old.h5")
    model.save(path)
    loaded = _quiet(keras.models.load_model, path)
    np.testing.assert_allclose(loaded.predict(x), ref, rtol=1e-6)
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]


def test_keras1_file_config_builds_highway():
    cls, cfg = keras1.file_layer_config("Highway", {
        "name": "highway_1", "trainable": True, "batch_input_shape": [None, 4],
        "input_dtype": "float32", "init": "glorot_uniform", "activation": "linear",
        "W_regularizer": {"name": "WeightRegularizer", "l1": 0.0, "l2": 0.01},
        "b_regularizer": None, "activity_regularizer": None, "W_constraint": None,
        "b_constraint": None, "bias": True, "input_dim": 4})
    layer = _quiet(keras.layers.deserialize, {"class_name": cls, "config": cfg})
    assert type(layer) is keras.layers.Highway
    assert isinstance(layer.W_regularizer, regularizers.L1L2)


# ---------------------------------------------------------------------------- Recurrent base
class _MinimalRNN(keras.legacy.layers.Recurrent):
    def __init__(self, output_dim, **kwargs):
        self.output_dim = output_dim
        super(_MinimalRNN, self).__init__(**kwargs)

    def build(self, input_shape):
        self.W = self.add_weight(name="W", shape=(input_shape[2], self.output_dim))
        self.U = self.add_weight(name="U", shape=(self.output_dim, self.output_dim))
        self.b = self.add_weight(name="b", shape=(self.output_dim,), initializer="zero")
        self.states = [None]

    def step(self, x, states):
        h = K.tanh(K.dot(x, self.W) + K.dot(states[0], self.U) + self.b)
        return h, [h]


@pytest.mark.parametrize("go_backwards", [False, True])
def test_step_based_recurrent_equals_simple_rnn(go_backwards):
    x = np.random.RandomState(6).rand(3, 5, 4).astype("float32")
    x[0, 3:] = 0.0   # masked steps of sample 0
    inputs = Input(shape=(5, 4))
    masked = keras.layers.Masking(0.0)(inputs)
    mine = _MinimalRNN(2, return_sequences=True, go_backwards=go_backwards)
    ref = SimpleRNN(2, return_sequences=True, go_backwards=go_backwards)
    m1, m2 = Model(inputs, mine(masked)), Model(inputs, ref(masked))
    ref.set_weights(mine.get_weights())
    np.testing.assert_allclose(m1.predict(x), m2.predict(x), rtol=1e-5, atol=1e-6)
    assert mine.compute_output_shape((None, 5, 4)) == (None, 5, 2)


def test_recurrent_stateful_and_errors():
    layer = _MinimalRNN(2, stateful=True, batch_input_shape=(1, 3, 2))
    x = torch.ones(1, 3, 2)
    first = layer(x).detach()
    second = layer(x).detach()
    assert not torch.allclose(first, second)
    layer.reset_states()
    np.testing.assert_allclose(layer(x).detach().numpy(), first.numpy(), rtol=1e-6)
    with pytest.raises(AttributeError, match="stateful"):
        _MinimalRNN(2).reset_states()
    with pytest.raises(ValueError, match="consume_less"):
        _MinimalRNN(2, consume_less="fast")


# ---------------------------------------------------------------------------- clone_model
def test_clone_sequential_and_functional_models():
    seq = Sequential([Dense(4, input_dim=3, activation="relu"), Dense(2)])
    twin = clone_model(seq)
    assert isinstance(twin, Sequential) and twin.input_shape == (None, 3)
    assert all(a is not b for a, b in zip(twin.layers, seq.layers))
    assert not np.allclose(twin.get_weights()[0], seq.get_weights()[0])
    twin.set_weights(seq.get_weights())
    x = np.random.RandomState(7).rand(5, 3).astype("float32")
    np.testing.assert_allclose(twin.predict(x), seq.predict(x), rtol=1e-6)

    a, b = Input(shape=(3,)), Input(shape=(3,))
    shared = Dense(4)
    model = Model([a, b], Dense(1)(keras.layers.concatenate([shared(a), shared(b)])))
    copy = clone_model(model)
    assert [l.name for l in copy.layers] == [l.name for l in model.layers]
    assert len(copy.get_weights()) == len(model.get_weights())   # the shared layer is cloned once
    copy.set_weights(model.get_weights())
    np.testing.assert_allclose(copy.predict([x, x[::-1]]), model.predict([x, x[::-1]]), rtol=1e-6)
    new_input = Input(shape=(3,))
    on_tensors = clone_model(model, input_tensors=[new_input, Input(shape=(3,))])
    assert on_tensors.inputs[0] is new_input
    with pytest.raises(ValueError, match="2 input"):
        clone_model(model, input_tensors=[new_input])
    with pytest.raises(ValueError, match="Keras tensors"):
        clone_model(seq, input_tensors=torch.ones(1, 3))


# ---------------------------------------------------------------------------- utils
def test_generic_utils_helpers():
    assert generic_utils.to_list((1, 2)) == [(1, 2)]
    assert generic_utils.to_list((1, 2), allow_tuple=True) == [1, 2]
    assert generic_utils.is_all_none((None, None)) and not generic_utils.is_all_none([None, 0])
    a, b = object(), object()
    assert generic_utils.object_list_uid([a, b]) == "%d, %d" % (id(a), id(b))
    x = np.arange(10)
    assert generic_utils.slice_arrays([x, None], 2, 4)[0].tolist() == [2, 3]
    assert generic_utils.slice_arrays(x, np.array([1, 3])).tolist() == [1, 3]
    assert generic_utils.slice_arrays(None) == [None]
    assert generic_utils.transpose_shape((16, 128, 128, 32), "channels_first", (1, 2)) == \
        (16, 32, 128, 128)
    assert generic_utils.transpose_shape([128, 128, 32], "channels_first", (0, 1)) == [32, 128, 128]
    with pytest.raises(ValueError, match="data_format"):
        generic_utils.transpose_shape((1, 2), "nchw", (0,))
    assert generic_utils.make_tuple(1, 2) == (1, 2)


def test_func_dump_and_load_respect_safe_mode():
    offset = 3

    def add(x, y=2):
        return x + y + offset
    dumped = generic_utils.func_dump(add)
    json.dumps(dumped)
    with pytest.raises(ValueError, match="safe_mode=False"):
        generic_utils.func_load(dumped)
    fn = generic_utils.func_load(dumped, safe_mode=False)
    assert fn(1) == 6 and fn(1, 1) == 5
    from torkeras.saving import _safety
    with _safety.safe_mode_scope(False):
        assert generic_utils.func_load(*dumped)(0) == 5


def test_get_from_module_uses_custom_objects_and_registries():
    assert generic_utils.get_from_module("relu", globals(), "activation") is keras.activations.relu
    layer = generic_utils.get_from_module({"name": "Dense", "units": 2}, {}, "layer")
    assert isinstance(layer, Dense) and layer.units == 2
    assert isinstance(generic_utils.get_from_module("SGD", {}, "optimizer", instantiate=True),
                      keras.optimizers.SGD)
    marker = object()
    with generic_utils.custom_object_scope({"my_thing": marker}):
        assert generic_utils.get_from_module("my_thing", {}, "metric") is marker
    with pytest.raises(ValueError, match="not through the module_params"):
        generic_utils.get_from_module("secret", {"secret": marker}, "metric")
    assert generic_utils.get_from_module(marker, {}, "metric") is marker


def test_np_utils_keras1_helpers():
    p = np.array([[0.2, 0.8], [0.9, 0.1], [0.4, 0.6]])
    assert np_utils.probas_to_classes(p).tolist() == [1, 0, 1]
    assert np_utils.probas_to_classes(np.array([0.7, 0.2])).tolist() == [1, 0]
    assert np_utils.categorical_probas_to_classes(p).tolist() == [1, 0, 1]
    assert np_utils.accuracy([1, 0, 1], [1, 1, 1]) == pytest.approx(2 / 3)
    y = np.array([1, 0, 1])
    probs = np.array([0.9, 0.2, 0.6])
    expected = -np.mean(y * np.log(probs) + (1 - y) * np.log(1 - probs))
    assert np_utils.binary_logloss(probs, y) == pytest.approx(expected)
    assert np_utils.multiclass_logloss(p, np.array([2, 1, 2])) == pytest.approx(
        -np.mean(np.log([0.8, 0.9, 0.6])))
    kernel = np.random.RandomState(8).rand(3, 2, 4, 5)
    np.testing.assert_array_equal(np_utils.convert_kernel(kernel, "tf"), kernel[::-1, ::-1])
    np.testing.assert_array_equal(np_utils.convert_kernel(kernel, "th"), kernel[:, :, ::-1, ::-1])
    with pytest.raises(ValueError, match="border_mode"):
        np_utils.conv_output_length(10, 3, "causal", 1)
    from torkeras.utils import conv_utils
    for mode in ("same", "valid", "full"):
        for stride in (1, 2, 3):
            assert np_utils.conv_output_length(11, 3, mode, stride, dilation=2) == \
                conv_utils.conv_output_length(11, 3, mode, stride, dilation=2)
            assert np_utils.conv_input_length(5, 3, mode, stride) == \
                conv_utils.conv_input_length(5, 3, mode, stride)


def test_io_utils_names():
    assert io_utils.HDF5_OBJECT_HEADER_LIMIT == 64512
    with pytest.raises(UnsupportedError, match="H5Dict"):
        io_utils.H5Dict("file.h5")
    try:
        import tables  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install tables"):
            io_utils.save_array(np.zeros(3), "unused.h5")
    else:
        pytest.fail("PyTables is installed here: extend this test with a save/load round trip")


def test_layer_utils_keras1_helpers():
    inner = Sequential([Dense(3, input_dim=2)])
    inner.layers[0].trainable = False
    outer = Sequential([inner, Dense(1)])
    assert layer_utils.count_total_params(outer.layers) == (4, 9)
    layer = layer_utils.layer_from_config({"class_name": "Dense", "config": {"units": 2}})
    assert isinstance(layer, Dense)
    a = Input(shape=(2,))
    functional = Model(a, Dense(3)(a))
    container = layer_utils.layer_from_config({"class_name": "Container",
                                               "config": functional.get_config()})
    assert isinstance(container, Model) and container.output_shape == (None, 3)
    assert layer_utils.Model is Model and layer_utils.Sequential is Sequential


def test_apply_transform_matches_scipy_nearest():
    ndi = pytest.importorskip("scipy.ndimage")
    from torkeras.preprocessing.image import apply_transform, transform_matrix_offset_center
    x = np.random.RandomState(9).rand(7, 9, 2).astype("float32")
    t = np.deg2rad(20)
    matrix = transform_matrix_offset_center(np.array([[np.cos(t), -np.sin(t), 1.3],
                                                      [np.sin(t), np.cos(t), -0.6], [0, 0, 1]]), 7, 9)
    for mode in ("nearest", "constant", "reflect", "wrap"):
        planes = np.rollaxis(x, 2, 0)
        expected = np.stack([ndi.affine_transform(c, matrix[:2, :2], matrix[:2, 2], order=0,
                                                  mode=mode, cval=0.5) for c in planes], 0)
        np.testing.assert_array_equal(apply_transform(x, matrix, 2, mode, 0.5),
                                      np.rollaxis(expected, 0, 3))
    from torkeras.preprocessing.text import maketrans
    assert "a.b".translate(maketrans(".", " ")) == "a b"


# ---------------------------------------------------------------------------- engine helpers
def test_keras1_training_helpers():
    assert legacy_training.make_batches(5, 2) == [(0, 2), (2, 4), (4, 5)]
    x, y = np.arange(6), np.arange(6) * 10
    assert [a.tolist() for a in legacy_training.slice_X([x, y], 1, 3)] == [[1, 2], [10, 20]]
    assert legacy_training.slice_X(x, np.array([0, 5])).tolist() == [0, 5]
    np.random.seed(0)
    shuffled = legacy_training.batch_shuffle(np.arange(10), 4)
    assert sorted(shuffled.tolist()) == list(range(10)) and shuffled[-2:].tolist() == [8, 9]
    assert sorted([shuffled[:4].tolist(), shuffled[4:8].tolist()]) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    legacy_training.check_array_lengths([x], [y], [x])
    with pytest.raises(ValueError, match="same number of samples as target"):
        legacy_training.check_array_lengths([x], [y[:3]], [x])
    weighted = legacy_training.weighted_objective(keras.losses.mean_squared_error)
    t, p = torch.tensor([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]]), torch.zeros(3, 2)
    w = torch.tensor([1.0, 0.0, 2.0])
    per_sample = np.array([0.5, 1.0, 2.0])
    expected = np.mean(per_sample * w.numpy() / np.mean(w.numpy() != 0))
    assert float(weighted(t, p, w)) == pytest.approx(expected)
    with pytest.raises(UnsupportedError, match="standardize_input_data"):
        legacy_training.standardize_input_data(None)
