"""Keras-1 ``merge``/``Merge`` and ``AtrousConvolution1D/2D`` (torkeras/legacy/layers.py).

References are numpy re-implementations of Keras 1.2.2 ``Merge.call`` (keras/engine/topology.py)
and ``K.batch_dot``; shapes are those Keras 1.2.2 computes (``cos``: the value's real shape, see the
module docstring of torkeras/legacy/layers.py).
"""
import json
import warnings

import numpy as np
import pytest
import torch

import torkeras
from torkeras import _registry, plugins
from torkeras.errors import LegacyArgumentError
from torkeras.layers import Dense, Embedding, Input
from torkeras.legacy import keras1
from torkeras.legacy import layers as legacy_layers
from torkeras.legacy.layers import (AtrousConv1D, AtrousConv2D, AtrousConvolution1D,
                                    AtrousConvolution2D, Merge, keras1_flattened_layers, merge)
from torkeras.models import Model, Sequential, load_model, model_from_json
from torkeras.plugins import hookimpl

PLUGIN = "test-keras1-legacy-layers"


class _LegacyLayersPlugin(object):
    @staticmethod
    @hookimpl
    def register_layers(register):
        for obj, name, aliases in legacy_layers._builtin_objects():
            register(obj, name=name, aliases=aliases)


@pytest.fixture(autouse=True)
def legacy_registered():
    """Register Merge / AtrousConvolution* (unless torkeras already does) and reset warn-once."""
    _registry.ensure_loaded()
    mine = "Merge" not in _registry.LAYERS
    if mine:
        plugins.register_plugin(_LegacyLayersPlugin, name=PLUGIN)
    keras1._reset_warnings_for_tests()
    yield
    keras1._reset_warnings_for_tests()
    if mine:
        plugins.unregister_plugin(PLUGIN)


@pytest.fixture
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _rand(*shape, seed=0):
    return np.random.RandomState(seed).rand(*shape).astype("float32")


# ----------------------------------------------------------------------------- numpy references
def np_batch_dot(x, y, axes):
    """Keras ``K.batch_dot``: x's remaining axes then y's (batch kept once); rank 1 -> (b, 1)."""
    a0, a1 = axes
    out = np.stack([np.tensordot(x[i], y[i], axes=(a0 - 1, a1 - 1)) for i in range(x.shape[0])])
    if out.ndim == 1:
        out = out[:, None]
    return out


def np_merge(mode, xs, concat_axis=-1, dot_axes=None):
    if mode == "sum":
        return sum(xs[1:], xs[0])
    if mode == "ave":
        return sum(xs[1:], xs[0]) / len(xs)
    if mode == "mul":
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out
    if mode == "max":
        return np.maximum.reduce(xs)
    if mode == "concat":
        return np.concatenate(xs, axis=concat_axis)
    x1, x2 = xs
    if mode == "dot":
        return np_batch_dot(x1, x2, dot_axes)
    den = np.sqrt(np_batch_dot(x1, x1, dot_axes) * np_batch_dot(x2, x2, dot_axes))
    return np.expand_dims(np_batch_dot(x1, x2, dot_axes) / np.maximum(den, 1e-7), 1)


# ----------------------------------------------------------------------------- merge() modes
CASES = [
    # mode, input shapes (no batch), kwargs, expected output shape (no batch), dot axes used
    ("sum", [(4,), (4,), (4,)], {}, (4,), None),
    ("mul", [(3, 4), (3, 4)], {}, (3, 4), None),
    ("ave", [(4,), (4,), (4,)], {}, (4,), None),
    ("max", [(2, 3), (2, 3)], {}, (2, 3), None),
    ("concat", [(4,), (2,)], {}, (6,), None),
    ("concat", [(2, 3), (5, 3)], {"concat_axis": 1}, (7, 3), None),
    ("dot", [(4,), (4,)], {"dot_axes": 1}, (1,), (1, 1)),
    ("dot", [(4,), (4,)], {}, (1,), (1, 1)),                       # dot_axes=-1 -> [1, 1]
    ("dot", [(3, 4), (5, 4)], {"dot_axes": [2, 2]}, (3, 5), (2, 2)),
    ("dot", [(3, 4), (3, 5)], {"dot_axes": [1, 1]}, (4, 5), (1, 1)),
    ("dot", [(4, 3), (5, 4)], {"dot_axes": [1, 2]}, (3, 5), (1, 2)),
    ("cos", [(4,), (4,)], {"dot_axes": 1}, (1, 1), (1, 1)),          # Keras 1 expand_dims(., 1)
    ("cos", [(3, 4), (3, 4)], {"dot_axes": 2}, (1, 3, 3), (2, 2)),
]


@pytest.mark.parametrize("mode,shapes,kwargs,out_shape,axes", CASES,
                         ids=["%s-%d" % (c[0], i) for i, c in enumerate(CASES)])
def test_merge_modes_match_numpy(mode, shapes, kwargs, out_shape, axes, quiet):
    inputs = [Input(shape=s) for s in shapes]
    out = merge(inputs, mode=mode, **kwargs)
    assert out.shape == (None,) + out_shape
    model = Model(inputs, out)
    xs = [_rand(2, *s, seed=i) - 0.5 for i, s in enumerate(shapes)]
    ref = np_merge(mode, xs, concat_axis=kwargs.get("concat_axis", -1), dot_axes=axes)
    got = model.predict(xs)
    assert got.shape == (2,) + out_shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)
    # eager: merge() on torch tensors computes the same values
    eager = merge([torch.as_tensor(x) for x in xs], mode=mode, **kwargs)
    np.testing.assert_allclose(eager.numpy(), ref, rtol=1e-5, atol=1e-6)


def test_cos_mode_is_cosine_similarity_with_extra_axis(quiet):
    a, b = Input(shape=(5,)), Input(shape=(5,))
    model = Model([a, b], merge([a, b], mode="cos", dot_axes=1))
    x1, x2 = _rand(3, 5, seed=1) - 0.5, _rand(3, 5, seed=2) - 0.5
    cos = (x1 * x2).sum(1) / np.linalg.norm(x1, axis=1) / np.linalg.norm(x2, axis=1)
    got = model.predict([x1, x2])
    assert got.shape == (3, 1, 1)
    np.testing.assert_allclose(got[:, 0, 0], cos, rtol=1e-5)


def test_callable_mode_output_shape_arguments_and_mask(quiet):
    a, b = Input(shape=(3,)), Input(shape=(3,))
    out = merge([a, b], mode=lambda t, scale: t[0] * scale - t[1], output_shape=(3,),
                arguments={"scale": 2.0})
    assert out.shape == (None, 3)
    out2 = merge([a, b], mode=lambda t: torch.cat([t[0], t[1]], -1),
                 output_shape=lambda shapes: (shapes[0][0], shapes[0][1] + shapes[1][1]))
    assert out2.shape == (None, 6)
    x1, x2 = _rand(2, 3, seed=1), _rand(2, 3, seed=2)
    np.testing.assert_allclose(Model([a, b], out).predict([x1, x2]), 2 * x1 - x2, rtol=1e-6)
    # Keras 1: a function mode needs output_shape for symbolic tensors
    with pytest.raises(ValueError, match="output_shape"):
        merge([a, b], mode=lambda t: t[0])
    # output_mask: a function of the list of masks (one argument, as Keras 1)
    layer = Merge(mode=lambda t: t[0] + t[1], output_shape=(3,), output_mask=lambda masks: masks[0])
    m = torch.tensor([True, False])
    assert layer.compute_mask([torch.ones(2, 3)] * 2, [m, None]) is m


def test_element_wise_masks_are_combined(quiet):
    a, b = Input(shape=(4,), dtype="int32"), Input(shape=(4,), dtype="int32")
    emb = Embedding(10, 3, mask_zero=True)
    layer = Merge(mode="sum")
    ea, eb = emb(a), emb(b)
    out = layer([ea, eb])
    assert out.shape == (None, 4, 3)
    m1, m2 = torch.tensor([[True, True, False, True]]), torch.tensor([[True, False, True, True]])
    x = [torch.zeros(1, 4, 3)] * 2
    assert layer.compute_mask(x, [m1, m2]).tolist() == [[True, False, False, True]]
    assert Merge(mode="max").compute_mask(x, [m1, None]).tolist() == m1.tolist()
    assert Merge(mode="dot").compute_mask(x, [m1, m2]) is None
    assert Merge(mode="concat").compute_mask(x, [m1, None]).tolist() == m1.tolist()


# ----------------------------------------------------------------------------- errors
def test_bad_mode_is_a_clear_error(quiet):
    a, b = Input(shape=(3,)), Input(shape=(3,))
    for call in (lambda: merge([a, b], mode="add"), lambda: Merge(mode="average")):
        with pytest.raises(ValueError, match="Invalid merge mode: '(add|average)'.*'concat'"):
            call()


def test_shape_errors_name_the_shapes(quiet):
    a, b, c = Input(shape=(3,)), Input(shape=(4,)), Input(shape=(3,))
    with pytest.raises(ValueError, match="same output shape.*sum"):
        merge([a, b], mode="sum")
    with pytest.raises(ValueError, match="Dimension incompatibility"):
        merge([a, b], mode="dot", dot_axes=1)
    with pytest.raises(ValueError, match="exactly 2"):
        merge([a, c, a], mode="cos")
    with pytest.raises(ValueError, match="batch axis"):
        merge([a, c], mode="dot", dot_axes=0)
    x, y = Input(shape=(2, 3)), Input(shape=(4, 5))
    with pytest.raises(ValueError, match="except for the concat axis"):
        merge([x, y], mode="concat", concat_axis=1)
    with pytest.raises(TypeError, match="list"):
        Merge(mode="sum")(a)


def test_merge_layer_is_used_once(quiet):
    a, b = Input(shape=(3,)), Input(shape=(3,))
    layer = Merge(mode="concat")
    assert layer([a, b]).shape == (None, 6)
    with pytest.raises(RuntimeError, match="more than once"):
        layer([a, b])


def test_merge_of_called_layers_connects_to_their_outputs(quiet):
    a, b = Input(shape=(3,)), Input(shape=(3,))
    da, db = Dense(2, name="da"), Dense(2, name="db")
    da(a)
    db(b)
    layer = Merge([da, db], mode="concat", concat_axis=1)
    out = layer._inbound_nodes[0].output_tensors[0]
    model = Model([a, b], out)
    x1, x2 = _rand(2, 3, seed=1), _rand(2, 3, seed=2)
    ref = np.concatenate([x1 @ da.get_weights()[0], x2 @ db.get_weights()[0]], 1)
    np.testing.assert_allclose(model.predict([x1, x2]), ref, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="already be called"):
        Merge([Dense(2), Dense(2)])


# ----------------------------------------------------------------------------- warnings, strict
def test_each_spelling_warns_once_with_the_keras2_call():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    with pytest.warns(UserWarning) as record:
        merge([a, b], mode="concat", concat_axis=1)
        merge([a, b], mode="concat", concat_axis=1)
        merge([a, b], mode="cos", dot_axes=1)
        Merge(mode="sum")
        Merge(mode="sum")
    texts = [str(r.message) for r in record]
    assert texts == [
        "Update your `merge` call to the Keras 2 API: `concatenate(inputs, axis=1)` (Keras-1 "
        "spelling: merge(mode='concat')).",
        "Update your `merge` call to the Keras 2 API: `dot(inputs, axes=1, normalize=True)` (Keras-1 "
        "spelling: merge(mode='cos'); Keras 1 'cos' put an extra axis of size 1 after the batch axis: "
        "(batch, 1, 1) where Dot gives (batch, 1)).",
        "Update your `Merge` call to the Keras 2 API: `Add()` (Keras-1 spelling: Merge(mode='sum')).",
    ]
    assert all(r.category is UserWarning for r in record)
    assert record[0].filename == __file__


def test_strict_mode_raises(monkeypatch):
    monkeypatch.setenv("TORKERAS_STRICT", "1")
    a, b = Input(shape=(3,)), Input(shape=(3,))
    with pytest.raises(LegacyArgumentError, match="Update your `merge` call.*TORKERAS_STRICT=1"):
        merge([a, b], mode="sum")
    with pytest.raises(LegacyArgumentError, match="Update your `Merge` call"):
        Merge(mode="mul")
    with pytest.raises(LegacyArgumentError, match="AtrousConvolution1D"):
        AtrousConvolution1D(4, 3, atrous_rate=2)
    # a bad mode stays a ValueError in strict mode
    with pytest.raises(ValueError, match="Invalid merge mode"):
        merge([a, b], mode="bad")


# ----------------------------------------------------------------------------- Merge of Sequentials
def _branches(seed=0):
    torch.manual_seed(seed)
    left = Sequential()
    left.add(Dense(16, input_dim=6, activation="tanh"))
    right = Sequential()
    right.add(Dense(16, input_dim=5, activation="tanh"))
    return left, right


def _data(n=256):
    rs = np.random.RandomState(0)
    x1, x2 = rs.rand(n, 6).astype("float32"), rs.rand(n, 5).astype("float32")
    labels = (x1[:, :3].sum(1) > x2[:, :3].sum(1)).astype(int) + (x1[:, 5] > 0.5)
    return x1, x2, np.eye(3, dtype="float32")[labels]


def test_sequential_of_sequentials_trains_and_predicts(quiet):
    left, right = _branches()
    model = Sequential()
    model.add(Merge([left, right], mode="concat"))
    model.add(Dense(3, activation="softmax"))
    assert model.input_names == left.input_names + right.input_names
    assert model.input_shape == [(None, 6), (None, 5)]
    assert model.output_shape == (None, 3)
    assert model.layers[0].output_shape == (None, 32)
    x1, x2, y = _data()
    model.compile(torkeras.optimizers.SGD(lr=0.5), "categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit([x1, x2], y, epochs=8, batch_size=32, verbose=0)
    assert hist.history["loss"][-1] < 0.8 * hist.history["loss"][0]
    pred = model.predict([x1, x2])
    assert pred.shape == (256, 3)
    np.testing.assert_allclose(pred.sum(1), 1.0, rtol=1e-5)
    # the branch weights trained too, and the prediction is the branches' math
    w = [l.get_weights() for l in keras1_flattened_layers(model)]
    h = np.concatenate([np.tanh(x1 @ w[0][0] + w[0][1]), np.tanh(x2 @ w[1][0] + w[1][1])], 1)
    logits = h @ w[2][0] + w[2][1]
    ref = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(pred, ref / ref.sum(1, keepdims=True), rtol=1e-4, atol=1e-6)
    # Keras 1 weight order: layer by layer, branches first
    assert [a.shape for a in model.get_weights()] == [(6, 16), (16,), (5, 16), (16,), (32, 3), (3,)]
    assert [l.name for l in keras1_flattened_layers(model)] == \
        [left.layers[0].name, right.layers[0].name, model.layers[1].name]


@pytest.mark.parametrize("mode", ["sum", "mul", "ave", "max", "dot", "cos"])
def test_sequential_of_sequentials_every_mode(mode, quiet):
    torch.manual_seed(1)
    left = Sequential([Dense(4, input_dim=3)])
    right = Sequential([Dense(4, input_dim=2)])
    model = Sequential([Merge([left, right], mode=mode, dot_axes=1)])
    x1, x2 = _rand(5, 3, seed=1), _rand(5, 2, seed=2)
    ref = np_merge(mode, [left.predict(x1), right.predict(x2)], dot_axes=(1, 1))
    got = model.predict([x1, x2])
    assert got.shape == ref.shape and model.output_shape == (None,) + ref.shape[1:]
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)


def test_nested_merges_and_a_shared_branch(quiet):
    a = Sequential([Dense(4, input_dim=3, name="a")])
    b = Sequential([Dense(4, input_dim=2, name="b")])
    c = Sequential([Dense(8, input_dim=1, name="c")])
    ab = Sequential([Merge([a, b], mode="concat")])
    model = Sequential([Merge([ab, c], mode="sum"), Dense(2, name="top")])
    assert model.input_names == ["a_input", "b_input", "c_input"]
    xs = [_rand(4, 3, seed=1), _rand(4, 2, seed=2), _rand(4, 1, seed=3)]
    inner = np.concatenate([a.predict(xs[0]), b.predict(xs[1])], 1) + c.predict(xs[2])
    top = model.layers[1].get_weights()
    np.testing.assert_allclose(model.predict(xs), inner @ top[0] + top[1], rtol=1e-5, atol=1e-6)
    assert [l.name for l in keras1_flattened_layers(model)] == ["a", "b", "c", "top"]
    # the same model twice is one input (Keras 1 get_source_inputs)
    twice = Sequential([Merge([a, a], mode="sum")])
    assert twice.input_names == ["a_input"]
    np.testing.assert_allclose(twice.predict(xs[0]), 2 * a.predict(xs[0]), rtol=1e-6)


def test_merge_of_models_must_come_first(quiet):
    left, right = _branches()
    model = Sequential([Dense(3, input_dim=4)])
    with pytest.raises(ValueError, match="first layer of a Sequential"):
        model.add(Merge([left, right]))
    with pytest.raises(ValueError, match="no input shape"):
        Merge([Sequential([Dense(2)]), left])
    with pytest.raises(TypeError, match="all models"):
        d = Dense(2)
        d(Input(shape=(3,)))
        Merge([left, d])
    with pytest.raises(TypeError, match="no models to merge"):
        Sequential([Merge(mode="sum")])


def test_sequential_of_sequentials_config_json_and_h5(tmp_path, quiet):
    left, right = _branches()
    model = Sequential([Merge([left, right], mode="concat", name="merge_lr"),
                        Dense(3, activation="softmax", name="out")])
    x1, x2, y = _data(16)
    ref = model.predict([x1, x2])
    cfg = model.get_config()
    merge_cfg = cfg["layers"][0]["config"]
    assert cfg["layers"][0]["class_name"] == "Merge" and "batch_input_shape" not in merge_cfg
    assert sorted(merge_cfg) == sorted(["name", "mode", "mode_type", "concat_axis", "dot_axes",
                                        "output_shape", "output_shape_type", "output_mask",
                                        "output_mask_type", "arguments", "layers"])
    assert [c["class_name"] for c in merge_cfg["layers"]] == ["Sequential", "Sequential"]
    again = model_from_json(model.to_json())
    again.set_weights(model.get_weights())
    assert again.get_config() == json.loads(json.dumps(cfg))
    np.testing.assert_allclose(again.predict([x1, x2]), ref, rtol=1e-6)
    model.compile("sgd", "categorical_crossentropy")
    path = str(tmp_path / "merged.h5")
    model.save(path)
    loaded = load_model(path)
    assert loaded.input_names == model.input_names
    np.testing.assert_allclose(loaded.predict([x1, x2]), ref, rtol=1e-6)
    loaded.fit([x1, x2], y, epochs=1, verbose=0)


def _k1_dense(name, units, input_dim=None):
    cfg = {"name": name, "trainable": True, "output_dim": units, "init": "glorot_uniform",
           "activation": "linear", "W_regularizer": None, "b_regularizer": None,
           "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True,
           "input_dim": input_dim}
    if input_dim:
        cfg.update(batch_input_shape=[None, input_dim], input_dtype="float32")
    return {"class_name": "Dense", "config": cfg}


def test_keras1_sequential_config_with_merge_of_sequentials_loads(quiet):
    """The list form Keras 1.2.2 ``Sequential.get_config`` wrote: the Merge config carries the
    branch models' configs under ``layers``."""
    config = [
        {"class_name": "Merge", "config": {
            "layers": [{"class_name": "Sequential", "config": [_k1_dense("dense_1", 8, 6)]},
                       {"class_name": "Sequential", "config": [_k1_dense("dense_2", 8, 5)]}],
            "name": "merge_1", "mode": "concat", "mode_type": "raw", "concat_axis": 1,
            "dot_axes": -1, "output_shape": None, "output_shape_type": "raw", "output_mask": None,
            "output_mask_type": "raw", "arguments": {}}},
        _k1_dense("dense_3", 3)]
    model = Sequential.from_config(json.loads(json.dumps(config)))
    assert model.output_shape == (None, 3)
    assert [l.name for l in keras1_flattened_layers(model)] == ["dense_1", "dense_2", "dense_3"]
    assert model.layers[0].concat_axis == 1 and model.layers[0].name == "merge_1"
    assert model.predict([_rand(2, 6), _rand(2, 5)]).shape == (2, 3)


def test_functional_merge_config_round_trip(quiet):
    a, b = Input(shape=(4,)), Input(shape=(4,))
    out = Merge(mode="cos", dot_axes=1, name="cosine")([a, b])
    model = Model([a, b], out)
    layer_cfg = model.get_config()["layers"][2]["config"]
    assert layer_cfg == {"name": "cosine", "mode": "cos", "mode_type": "raw", "concat_axis": -1,
                         "dot_axes": [1, 1], "output_shape": None, "output_shape_type": "raw",
                         "output_mask": None, "output_mask_type": "raw", "arguments": {}}
    again = model_from_json(model.to_json())
    xs = [_rand(2, 4, seed=1), _rand(2, 4, seed=2)]
    np.testing.assert_allclose(again.predict(xs), model.predict(xs), rtol=1e-6)
    assert Merge.from_config(layer_cfg).get_config() == layer_cfg


def test_function_mode_config_is_safe_by_default(quiet):
    from torkeras.saving import _safety
    a, b = Input(shape=(3,)), Input(shape=(3,))
    model = Model([a, b], merge([a, b], mode=lambda t: t[0] - t[1], output_shape=(3,), name="diff"))
    text = model.to_json()
    with pytest.raises(ValueError, match="marshaled Python bytecode"):
        model_from_json(text)
    xs = [_rand(2, 3, seed=1), _rand(2, 3, seed=2)]
    with _safety.safe_mode_scope(False):
        again = model_from_json(text)
    np.testing.assert_allclose(again.predict(xs), xs[0] - xs[1], rtol=1e-6)
    # or the function by the layer's name
    again = model_from_json(text, custom_objects={"diff": lambda t: t[0] - t[1]})
    np.testing.assert_allclose(again.predict(xs), xs[0] - xs[1], rtol=1e-6)


# ----------------------------------------------------------------------------- atrous convolutions
def np_dilated_conv1d(x, kernel, bias, rate):
    k = kernel.shape[0]
    span = (k - 1) * rate + 1
    steps = x.shape[1] - span + 1
    out = np.zeros((x.shape[0], steps, kernel.shape[2]), dtype=np.float64)
    for t in range(steps):
        for j in range(k):
            out[:, t] += x[:, t + j * rate] @ kernel[j]
    return out + bias


def test_atrous_convolution1d_is_a_dilated_conv1d(quiet):
    layer = AtrousConvolution1D(4, 3, atrous_rate=2, input_shape=(11, 2))
    assert type(layer) is torkeras.layers.Conv1D and AtrousConv1D is AtrousConvolution1D
    assert layer.dilation_rate == (2,) and layer.kernel_size == (3,) and layer.filters == 4
    model = Sequential([layer])
    assert model.output_shape == (None, 7, 4)          # 11 - (3 - 1) * 2
    x = _rand(2, 11, 2)
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(model.predict(x), np_dilated_conv1d(x, kernel, bias, 2),
                               rtol=1e-5, atol=1e-5)


def test_atrous_convolution2d_keras1_arguments(quiet):
    layer = AtrousConv2D(3, 3, 3, atrous_rate=(2, 2), border_mode="same", input_shape=(9, 9, 2))
    assert type(layer) is torkeras.layers.Conv2D
    assert layer.dilation_rate == (2, 2) and layer.kernel_size == (3, 3) and layer.padding == "same"
    assert Sequential([layer]).output_shape == (None, 9, 9, 3)
    valid = AtrousConvolution2D(3, 3, 3, atrous_rate=(2, 3), input_shape=(9, 9, 2))
    assert Sequential([valid]).output_shape == (None, 5, 3, 3)
    assert AtrousConvolution2D(2, 3, 3).dilation_rate == (1, 1)
    with pytest.raises(TypeError, match="both"):
        AtrousConvolution2D(2, 3, 3, atrous_rate=2, dilation_rate=2)


def test_atrous_warning_names_the_keras2_call():
    with pytest.warns(UserWarning) as record:
        AtrousConvolution1D(4, 3, atrous_rate=2)
        AtrousConvolution1D(4, 3, atrous_rate=2)
    texts = [str(r.message) for r in record]
    assert texts == ["Update your `AtrousConvolution1D` call to the Keras 2 API: "
                     "`Conv1D(4, 3, dilation_rate=2)` (Keras-1 spelling: AtrousConvolution1D, "
                     "atrous_rate)."]


def test_atrous_convolution2d_from_keras1_config(quiet):
    config = {"class_name": "AtrousConvolution2D", "config": {
        "name": "atrousconvolution2d_1", "trainable": True, "batch_input_shape": [None, 9, 9, 2],
        "input_dtype": "float32", "nb_filter": 3, "nb_row": 3, "nb_col": 3,
        "init": "glorot_uniform", "activation": "relu", "border_mode": "valid", "subsample": [1, 1],
        "dim_ordering": "tf", "W_regularizer": None, "b_regularizer": None,
        "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True,
        "atrous_rate": [2, 2]}}
    layer = torkeras.layers.deserialize(json.loads(json.dumps(config)))
    assert type(layer) is torkeras.layers.Conv2D and layer.name == "atrousconvolution2d_1"
    assert layer.dilation_rate == (2, 2) and layer.kernel_size == (3, 3)
    assert Sequential([layer]).output_shape == (None, 5, 5, 3)
    alias = torkeras.layers.deserialize({"class_name": "AtrousConv1D", "config": {
        "nb_filter": 2, "filter_length": 3, "atrous_rate": 3, "name": "a1"}})
    assert type(alias) is torkeras.layers.Conv1D and alias.dilation_rate == (3,)
