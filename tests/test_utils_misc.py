"""keras.utils: conv_utils, vis_utils (plot_model), multi_gpu_model, legacy interfaces and helpers."""
import sys
import types

import numpy as np
import pytest
import torch

import torkeras
import torkeras.wrappers.scikit_learn  # noqa: F401
from torkeras import activations, utils
from torkeras.errors import LegacyArgumentError
from torkeras.layers import Bidirectional, Dense, Input, LSTM, concatenate
from torkeras.legacy import interfaces, models as legacy_models, visualize_util
from torkeras.models import Model, Sequential
from torkeras.utils import conv_utils, multi_gpu_utils, test_utils, vis_utils


# ------------------------------------------------------------------ conv_utils
def _torch_conv_length(n, k, padding, stride, dilation):
    x = torch.zeros(1, 1, n)
    w = torch.zeros(1, 1, k)
    eff = (k - 1) * dilation + 1
    if padding == "valid":
        return torch.nn.functional.conv1d(x, w, stride=stride, dilation=dilation).shape[-1]
    if padding == "full":
        return torch.nn.functional.conv1d(x, w, stride=stride, dilation=dilation,
                                          padding=eff - 1).shape[-1]
    # 'same' (TensorFlow) and 'causal': pad so that stride 1 keeps the length, then stride
    return torch.nn.functional.conv1d(torch.nn.functional.pad(x, (eff - 1, 0)), w, stride=stride,
                                      dilation=dilation).shape[-1]


@pytest.mark.parametrize("padding", ["valid", "same", "causal", "full"])
def test_conv_output_length_matches_a_real_convolution(padding):
    for n in (5, 8, 13):
        for k in (1, 2, 3):
            for s in (1, 2, 3):
                for d in (1, 2):
                    if (k - 1) * d + 1 > n:
                        continue
                    assert conv_utils.conv_output_length(n, k, padding, s, d) == \
                        _torch_conv_length(n, k, padding, s, d), (n, k, s, d)
    assert conv_utils.conv_output_length(None, 3, padding, 1) is None


def test_conv_input_length_inverts_output_length():
    for padding in ("valid", "full"):
        for n in range(4, 10):
            out = conv_utils.conv_output_length(n, 3, padding, 1)
            assert conv_utils.conv_input_length(out, 3, padding, 1) == n
    with pytest.raises(ValueError, match="padding"):
        conv_utils.conv_input_length(4, 3, "causal", 1)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_deconv_length_matches_conv_transpose(padding):
    for n in (3, 5):
        for k in (1, 2, 3, 4):
            for s in (1, 2, 3):
                pad = k // 2 if padding == "same" else 0
                if 2 * pad >= k + (n - 1) * s:
                    continue
                for op in range(s):   # explicit output_padding: torch's conv_transpose1d
                    y = torch.nn.functional.conv_transpose1d(
                        torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=pad,
                        output_padding=op)
                    assert conv_utils.deconv_length(n, s, k, padding, op) == y.shape[-1]
                # inferred: a strided convolution of the result gives the input length back
                got = conv_utils.deconv_length(n, s, k, padding, None)
                assert conv_utils.conv_output_length(got, k, padding, s) == n, (n, k, s)
    assert conv_utils.deconv_length(None, 2, 3, "same", None) is None


def test_normalize_helpers():
    assert conv_utils.normalize_tuple(3, 2, "kernel_size") == (3, 3)
    assert conv_utils.normalize_tuple([2, 1], 2, "strides") == (2, 1)
    with pytest.raises(ValueError, match="`strides` argument must be a tuple of 2 integers"):
        conv_utils.normalize_tuple((1, 2, 3), 2, "strides")
    with pytest.raises(ValueError, match="including element 'a'"):
        conv_utils.normalize_tuple((1, "a"), 2, "strides")
    assert conv_utils.normalize_padding("SAME") == "same"
    with pytest.raises(ValueError, match="padding"):
        conv_utils.normalize_padding("full")
    assert conv_utils.normalize_data_format("Channels_First") == "channels_first"


def test_convert_kernel_flips_spatial_axes_only():
    k = np.random.RandomState(0).rand(2, 3, 4, 5)
    out = conv_utils.convert_kernel(k)
    np.testing.assert_array_equal(out, k[::-1, ::-1])
    np.testing.assert_array_equal(conv_utils.convert_kernel(out), k)
    # correlation with the flipped kernel is convolution with the original
    x = np.random.RandomState(1).rand(9)
    k1 = np.random.RandomState(2).rand(3, 1, 1)
    corr = np.correlate(x, conv_utils.convert_kernel(k1)[:, 0, 0], mode="valid")
    np.testing.assert_allclose(corr, np.convolve(x, k1[:, 0, 0], mode="valid"))
    with pytest.raises(ValueError, match="rank 3, 4 or 5"):
        conv_utils.convert_kernel(np.zeros((2, 2)))


# ------------------------------------------------------------------ vis_utils
def _graph_model():
    a = Input((4,), name="a")
    b = Input((5,), name="b")
    da = Dense(2, name="da")
    c = concatenate([da(a), b], name="cat")
    return Model([a, b], Dense(1, name="out")(c))


def test_model_graph_of_a_functional_model():
    model = _graph_model()
    nodes, edges = vis_utils.model_graph(model)
    ids = {label.split(":")[0]: node_id for node_id, label in nodes}
    assert [label for _, label in nodes] == ["%s: %s" % (l.name, type(l).__name__) for l in model.layers]
    assert sorted(edges) == sorted([(ids["a"], ids["da"]), (ids["da"], ids["cat"]),
                                    (ids["b"], ids["cat"]), (ids["cat"], ids["out"])])
    nodes, _ = vis_utils.model_graph(model, show_shapes=True, show_layer_names=False)
    assert dict(nodes)[ids["cat"]] == "Concatenate\n|{input:|output:}|{{[(None, 2), (None, 5)]}|{(None, 7)}}"


def test_model_graph_of_a_sequential_model_and_wrappers():
    model = Sequential([Bidirectional(LSTM(2, name="lstm"), input_shape=(3, 4), name="bi"),
                        Dense(1, name="d")])
    nodes, edges = vis_utils.model_graph(model, show_shapes=True)
    labels = [label for _, label in nodes]
    assert labels[0] == "bi_input: InputLayer\n|{input:|output:}|{{(None, 3, 4)}|{(None, 3, 4)}}"
    assert labels[1].startswith("bi(lstm): Bidirectional(LSTM)\n")
    assert labels[2] == "d: Dense\n|{input:|output:}|{{(None, 4)}|{(None, 1)}}"
    assert edges == [(nodes[0][0], nodes[1][0]), (nodes[1][0], nodes[2][0])]


def test_missing_pydot_is_an_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ImportError, match="pip install pydot"):
        vis_utils.model_to_dot(_graph_model())
    with pytest.raises(ImportError, match="pip install pydot"):
        utils.plot_model(_graph_model())
    with pytest.raises(ImportError, match="pip install pydot"):
        visualize_util.plot(_graph_model())


def test_missing_graphviz_is_an_os_error(monkeypatch, tmp_path):
    class Dot(object):
        def __init__(self):
            self.nodes = []

        def set(self, *a):
            pass

        def set_node_defaults(self, **kw):
            pass

        def add_node(self, n):
            self.nodes.append(n)

        def add_edge(self, e):
            pass

        def create(self):
            raise FileNotFoundError('"dot" not found in path.')

    fake = types.SimpleNamespace(Dot=Dot, Node=lambda *a, **k: (a, k), Edge=lambda *a: a)
    monkeypatch.setitem(sys.modules, "pydot", fake)
    assert len(vis_utils.model_to_dot(_graph_model()).nodes) == 5   # no GraphViz needed
    with pytest.raises(OSError, match="install GraphViz"):
        utils.plot_model(_graph_model(), to_file=str(tmp_path / "m.png"))
    assert not list(tmp_path.iterdir())
    with pytest.raises(ValueError, match="rankdir"):
        vis_utils.model_to_dot(_graph_model(), rankdir="UP")


def test_dot_text_with_pydot():
    """With pydot installed: the dot source holds Keras's node and edge statements."""
    pytest.importorskip("pydot")
    model = _graph_model()
    text = vis_utils.model_to_dot(model, rankdir="LR").to_string()
    nodes, edges = vis_utils.model_graph(model)
    assert "rankdir=LR;" in text and "concentrate=true;" in text and "node [shape=record];" in text
    for node_id, label in nodes:
        assert '%s [label="%s"];' % (node_id, label) in text
    for src, dst in edges:
        assert "%s -> %s;" % (src, dst) in text


# ------------------------------------------------------------------ multi_gpu_model
def test_multi_gpu_model_argument_errors(monkeypatch):
    model = Sequential([Dense(2, input_dim=3)])
    monkeypatch.setattr(multi_gpu_utils, "_cuda_device_count", lambda: 1)
    with pytest.raises(ValueError, match=r"with `gpus >= 2`. Received: `gpus=1`"):
        utils.multi_gpu_model(model)
    with pytest.raises(ValueError, match=r"`len\(gpus\) >= 2`"):
        utils.multi_gpu_model(model, gpus=[0])
    with pytest.raises(ValueError, match=r"gpus >= 2"):
        utils.multi_gpu_model(model, gpus=1)
    with pytest.raises(ValueError, match=r"However this machine only has: \['/cpu:0', '/gpu:0'\]"):
        utils.multi_gpu_model(model, gpus=2)
    with pytest.raises(TypeError, match="gpus"):
        utils.multi_gpu_model(model, gpus="2")
    with pytest.raises(TypeError, match="cpu_merge"):
        utils.multi_gpu_model(model, gpus=2, cpu_merge="yes")
    monkeypatch.setattr(multi_gpu_utils, "_cuda_device_count", lambda: 2)
    with pytest.raises(ValueError, match="cpu_relocation=True is not supported"):
        utils.multi_gpu_model(model, gpus=2, cpu_relocation=True)
    with pytest.raises(ValueError, match="distinct GPU ids"):
        utils.multi_gpu_model(model, gpus=[1, 1])


def test_batch_slices_follow_keras():
    assert multi_gpu_utils.batch_slices(10, 3) == [(0, 3), (3, 6), (6, 10)]
    assert multi_gpu_utils.batch_slices(8, 2) == [(0, 4), (4, 8)]
    assert multi_gpu_utils.batch_slices(1, 2) == [(0, 0), (0, 1)]


def test_replica_model_on_cpu_slices_merges_and_trains_the_template():
    """The split/merge machinery, with CPU 'devices' standing in for GPUs."""
    a = Input((3,), name="a")
    h = Dense(4, activation="relu", name="h")(a)
    template = Model(a, [Dense(2, name="y")(h), Dense(1, name="z")(h)])
    parallel = multi_gpu_utils._parallel_model(template, [torch.device("cpu")] * 3)
    assert parallel.output_names == ["y", "z"] and parallel.input_names == ["a"]
    assert parallel.count_params() == template.count_params()
    x = np.random.RandomState(0).rand(10, 3).astype("float32")
    for got, want in zip(parallel.predict(x, batch_size=7), template.predict(x)):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    parallel.compile("sgd", {"y": "mse", "z": "mse"})
    before = [w.copy() for w in template.get_weights()]
    hist = parallel.fit(x, {"y": np.ones((10, 2)), "z": np.zeros((10, 1))}, epochs=2, verbose=0)
    assert {"loss", "y_loss", "z_loss"} <= set(hist.history)
    assert any(not np.array_equal(b, w) for b, w in zip(before, template.get_weights()))
    assert multi_gpu_utils._output_names(["o", "p", "o"]) == ["o_1", "p", "o_2"]


# ------------------------------------------------------------------ legacy interfaces / models
def test_legacy_interface_decorators_apply_the_table():
    class MyDense(Dense):
        @interfaces.legacy_dense_support
        def __init__(self, units, **kwargs):
            super(MyDense, self).__init__(units, **kwargs)

    with pytest.warns(UserWarning, match="Keras 2 API"):
        layer = MyDense(output_dim=3, init="zeros")
    assert layer.units == 3 and type(layer.kernel_initializer).__name__ == "Zeros"
    with pytest.raises(TypeError, match="Stick to the latter"):
        MyDense(units=3, output_dim=3)
    with pytest.raises(LegacyArgumentError, match="legacy_add_weight_support"):
        interfaces.legacy_add_weight_support(lambda self, *a: None)


def test_generate_legacy_interface():
    deco = interfaces.generate_legacy_interface(allowed_positional_args=["units"],
                                                conversions=[("size", "units")],
                                                value_conversions={"mode": {"th": "channels_first"}})

    class Thing(object):
        @deco
        def __init__(self, units=None, mode=None):
            self.units, self.mode = units, mode

    with pytest.warns(UserWarning, match=r"Update your `Thing` call to the Keras 2 API: `Thing\(mode="):
        t = Thing(size=4, mode="th")
    assert (t.units, t.mode) == (4, "channels_first")
    with pytest.raises(TypeError, match="can accept only 1 positional arguments"):
        Thing(1, 2)
    with pytest.raises(TypeError, match="Stick to the latter"):
        Thing(size=1, units=2)
    args, kwargs, converted = interfaces.conv2d_args_preprocessor(("self", 8, 3, 3), {})
    assert args == ("self", 8, (3, 3)) and converted


def test_legacy_models_helpers():
    model = Sequential([Dense(2, input_dim=3)])
    assert legacy_models.needs_legacy_support(model) is False
    assert legacy_models.legacy_sequential_layers(model) == model.layers


# ------------------------------------------------------------------ small helpers
def test_to_categorical_and_normalize():
    y = np.array([[2], [0], [1], [2]])
    out = utils.to_categorical(y)
    np.testing.assert_array_equal(out, np.eye(3, dtype="float32")[y[:, 0]])
    assert out.dtype == np.float32 and utils.to_categorical([1], 4).shape == (1, 4)
    assert utils.to_categorical(np.zeros((2, 3), int), 2).shape == (2, 3, 2)
    x = np.random.RandomState(0).rand(4, 3)
    np.testing.assert_allclose(utils.normalize(x), x / np.linalg.norm(x, axis=-1, keepdims=True))
    np.testing.assert_allclose(utils.normalize(x, axis=0, order=1), x / np.abs(x).sum(0))
    np.testing.assert_array_equal(utils.normalize(np.zeros((2, 2))), np.zeros((2, 2)))


def test_custom_object_scope_resolves_names_only_inside():
    def swish(t):
        return t * torch.sigmoid(t)

    with pytest.raises(ValueError, match="swish"):
        activations.get("swish")
    with utils.custom_object_scope({"swish": swish}):
        assert activations.get("swish") is swish
    with utils.CustomObjectScope({"swish": swish}):
        assert activations.get("swish") is swish
    assert "swish" not in utils.get_custom_objects()


def test_print_summary_is_model_summary():
    model = _graph_model()
    lines_a, lines_b = [], []
    utils.print_summary(model, print_fn=lines_a.append)
    model.summary(print_fn=lines_b.append)
    assert lines_a == lines_b and any("Connected to" in l for l in lines_a)


def test_get_test_data_and_keras_test():
    np.random.seed(3)
    (x, y), (xt, yt) = test_utils.get_test_data(num_train=20, num_test=5, input_shape=(2,),
                                                num_classes=3)
    assert x.shape == (20, 2) and xt.shape == (5, 2) and set(np.unique(np.r_[y, yt])) <= {0, 1, 2}
    assert abs(np.corrcoef(x[:, 0], y)[0, 1]) > 0.5      # inputs drawn around their label
    (x, y), _ = test_utils.get_test_data(10, 2, (3,), (4,), classification=False)
    assert y.shape == (10, 4) and y.dtype == np.float32

    @test_utils.keras_test
    def f(v):
        return v + 1
    assert f(1) == 2 and f.__name__ == "f"


def test_engine_saving_aliases(tmp_path):
    from torkeras.engine import saving
    model = Sequential([Dense(2, input_dim=3)])
    path = str(tmp_path / "m.h5")
    saving.save_model(model, path)
    np.testing.assert_array_equal(saving.load_model(path).get_weights()[0], model.get_weights()[0])
    assert saving.HDF5_OBJECT_HEADER_LIMIT == 64512
    assert torkeras.utils.plot_model is vis_utils.plot_model
    assert torkeras.utils.multi_gpu_model is multi_gpu_utils.multi_gpu_model
    assert torkeras.wrappers.scikit_learn.KerasClassifier.__module__ == "torkeras.wrappers.scikit_learn"
