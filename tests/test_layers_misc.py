"""Unit tests: pooling, locally-connected, BatchNormalization, Embedding, noise, advanced
activations and merge layers (shapes, configs through JSON, bad arguments, masks, training vs
inference). Numbers against real Keras: compat_tests/test_misc_golden.py."""
import itertools
import json

import numpy as np
import pytest
import torch

import torkeras
from torkeras import _registry
from torkeras.layers import advanced_activations as aa
from torkeras.layers import embeddings, local, merge, noise, normalization, pooling
from torkeras.models import Sequential

MODULES = [pooling, local, normalization, embeddings, noise, aa, merge]


# ---------------------------------------------------------------------------- registry / configs
def test_every_class_registered_with_aliases():
    for module in MODULES:
        for cls, name, aliases in module._builtin_objects():
            assert _registry.LAYERS.get(name) is cls
            for alias in aliases:
                assert _registry.LAYERS.get(alias) is cls
            assert name in module.__all__
    assert pooling.MaxPool2D is pooling.MaxPooling2D
    assert pooling.GlobalAvgPool1D is pooling.GlobalAveragePooling1D
    assert pooling.MaxPool2D().name.startswith("max_pooling2d_")


CONFIG_CASES = [
    (pooling.MaxPooling1D, dict(pool_size=3, strides=1, padding="same")),
    (pooling.AveragePooling2D, dict(pool_size=(2, 3), padding="same", data_format="channels_first")),
    (pooling.MaxPooling3D, dict(pool_size=2)),
    (pooling.GlobalAveragePooling1D, dict()),
    (pooling.GlobalMaxPooling2D, dict(keepdims=True)),
    (local.LocallyConnected1D, dict(filters=2, kernel_size=3, activation="relu")),
    (local.LocallyConnected2D, dict(filters=2, kernel_size=(2, 2), data_format="channels_first",
                                    kernel_regularizer="l2")),
    (normalization.BatchNormalization, dict(axis=1, momentum=0.9, epsilon=1e-4,
                                            gamma_regularizer="l2", beta_constraint="non_neg")),
    (embeddings.Embedding, dict(input_dim=5, output_dim=3, mask_zero=True, input_length=4)),
    (noise.GaussianNoise, dict(stddev=0.2)),
    (noise.GaussianDropout, dict(rate=0.2, seed=3)),
    (noise.AlphaDropout, dict(rate=0.2)),
    (aa.LeakyReLU, dict(alpha=0.1)),
    (aa.PReLU, dict(shared_axes=[1, 2])),
    (aa.ELU, dict(alpha=0.5)),
    (aa.ThresholdedReLU, dict(theta=0.3)),
    (aa.Softmax, dict(axis=1)),
    (aa.ReLU, dict(max_value=6.0, negative_slope=0.1, threshold=0.5)),
    (merge.Add, dict()), (merge.Concatenate, dict(axis=1)), (merge.Dot, dict(axes=(1, 2))),
]


@pytest.mark.parametrize("cls,kwargs", CONFIG_CASES, ids=[c.__name__ for c, _ in CONFIG_CASES])
def test_config_round_trip_json(cls, kwargs):
    layer = cls(**kwargs)
    cfg = layer.get_config()
    again = torkeras.layers.deserialize(json.loads(json.dumps(
        {"class_name": cls.__name__, "config": cfg})))
    assert type(again) is cls
    assert json.loads(json.dumps(again.get_config())) == json.loads(json.dumps(cfg))
    assert cls.__name__ in repr(layer)


def test_keras_224_config_keys():
    assert set(pooling.MaxPooling2D().get_config()) == {
        "name", "trainable", "dtype", "pool_size", "padding", "strides", "data_format"}
    assert "keepdims" not in pooling.GlobalAveragePooling2D().get_config()
    lc1 = local.LocallyConnected1D(2, 3).get_config()
    assert "data_format" not in lc1 and "implementation" not in lc1
    assert set(noise.AlphaDropout(0.1, noise_shape=(None, 1), seed=None).get_config()) == {
        "name", "trainable", "dtype", "rate"}
    assert "seed" not in noise.GaussianNoise(0.1).get_config()
    emb = embeddings.Embedding(4, 2).get_config()
    assert emb["batch_input_shape"] == [None, None] and emb["input_length"] is None
    assert pooling.MaxPooling1D().data_format == "channels_last"
    bn = normalization.BatchNormalization().get_config()
    assert (bn["momentum"], bn["epsilon"], bn["axis"]) == (0.99, 1e-3, -1)
    assert aa.LeakyReLU().alpha == pytest.approx(0.3)


# ---------------------------------------------------------------------------- pooling numerics
def _ref_pool(x, pool, strides, padding, mode):
    """Brute-force channels_last pooling with TF 'SAME' semantics (padding excluded)."""
    spatial = x.shape[1:-1]
    outs, starts = [], []
    for n, k, s in zip(spatial, pool, strides):
        if padding == "same":
            o = -(-n // s)
            before = max((o - 1) * s + k - n, 0) // 2
        else:
            o, before = (n - k) // s + 1, 0
        outs.append(o)
        starts.append([i * s - before for i in range(o)])
    y = np.zeros((x.shape[0],) + tuple(outs) + (x.shape[-1],), dtype=np.float64)
    for idx in itertools.product(*[range(o) for o in outs]):
        sl = tuple(slice(max(starts[d][idx[d]], 0), min(starts[d][idx[d]] + pool[d], spatial[d]))
                   for d in range(len(spatial)))
        win = x[(slice(None),) + sl + (slice(None),)]
        win = win.reshape(x.shape[0], -1, x.shape[-1])
        y[(slice(None),) + idx + (slice(None),)] = win.max(1) if mode == "max" else win.mean(1)
    return y


POOL_CASES = [
    (1, (3,), (2,), "same"), (1, (2,), (1,), "same"), (1, (3,), (2,), "valid"),
    (2, (3, 3), (2, 2), "same"), (2, (2, 3), (1, 2), "same"), (2, (2, 2), (3, 1), "valid"),
    (3, (2, 2, 2), (2, 1, 2), "same"), (3, (3, 2, 2), (1, 2, 1), "valid"),
]


@pytest.mark.parametrize("rank,pool,strides,padding", POOL_CASES)
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_pooling_matches_tf_semantics(rank, pool, strides, padding, mode, data_format):
    cls = {("max", 1): pooling.MaxPooling1D, ("avg", 1): pooling.AveragePooling1D,
           ("max", 2): pooling.MaxPooling2D, ("avg", 2): pooling.AveragePooling2D,
           ("max", 3): pooling.MaxPooling3D, ("avg", 3): pooling.AveragePooling3D}[(mode, rank)]
    spatial = (7, 6, 5)[:rank]
    x = np.random.RandomState(rank).randn(2, *spatial, 3).astype("float32")
    ref = _ref_pool(x.astype(np.float64), pool, strides, padding, mode)
    layer = cls(pool_size=pool, strides=strides, padding=padding, data_format=data_format)
    if data_format == "channels_first":
        perm = (0, rank + 1) + tuple(range(1, rank + 1))
        got = layer(torch.as_tensor(np.ascontiguousarray(np.transpose(x, perm)))).numpy()
        got = np.transpose(got, np.argsort(perm))
        in_shape = (None,) + tuple(np.transpose(x, perm).shape[1:])
    else:
        got = layer(torch.as_tensor(x)).numpy()
        in_shape = (None,) + x.shape[1:]
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)
    out_shape = layer.compute_output_shape(in_shape)
    expected = ref.shape if data_format == "channels_last" else np.transpose(ref, perm).shape
    assert out_shape[1:] == tuple(expected[1:])


def test_pooling_channels_last_output_needs_no_copy():
    y = pooling.MaxPooling2D(padding="same")(torch.randn(2, 5, 5, 3))
    assert y.is_contiguous()


def test_global_pooling_and_keepdims():
    x = torch.randn(2, 4, 3, 5)
    np.testing.assert_allclose(pooling.GlobalMaxPooling2D()(x), x.amax(dim=(1, 2)))
    np.testing.assert_allclose(pooling.GlobalAveragePooling2D(data_format="channels_first")(x),
                               x.mean(dim=(2, 3)), rtol=1e-6)
    layer = pooling.GlobalAveragePooling2D(keepdims=True)
    assert tuple(layer(x).shape) == (2, 1, 1, 5)
    assert layer.compute_output_shape((None, 4, 3, 5)) == (None, 1, 1, 5)


def test_global_average_pooling1d_mask():
    x = torch.arange(2 * 4 * 2, dtype=torch.float32).reshape(2, 4, 2)
    mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]], dtype=torch.bool)
    layer = pooling.GlobalAveragePooling1D()
    got = layer(x, mask=mask)
    np.testing.assert_allclose(got[0], x[0, :2].mean(0))
    np.testing.assert_allclose(got[1], x[1].mean(0))
    assert layer.compute_mask(x, mask) is None
    xf = x.permute(0, 2, 1).contiguous()
    np.testing.assert_allclose(pooling.GlobalAveragePooling1D("channels_first")(xf, mask=mask), got)


@pytest.mark.parametrize("make,match", [
    (lambda: pooling.MaxPooling2D(pool_size=(2, 2, 2)), "pool_size"),
    (lambda: pooling.MaxPooling2D(pool_size=0), "positive"),
    (lambda: pooling.AveragePooling1D(padding="causal"), "padding"),
    (lambda: pooling.MaxPooling2D(data_format="nhwc"), "data_format"),
    (lambda: pooling.GlobalMaxPooling1D(keepdims=1), "keepdims"),
    (lambda: local.LocallyConnected2D(2, 3, padding="same"), "padding"),
    (lambda: local.LocallyConnected1D(2, 3, data_format="channels_first"), "data_format"),
    (lambda: local.LocallyConnected1D(2, 3, implementation=2), "implementation"),
    (lambda: local.LocallyConnected1D(0, 3), "filters"),
    (lambda: normalization.BatchNormalization(axis=[1, 2]), "axis"),
    (lambda: normalization.BatchNormalization(axis=0), "axis"),
    (lambda: normalization.BatchNormalization(momentum=1.5), "momentum"),
    (lambda: embeddings.Embedding(0, 3), "input_dim"),
    (lambda: embeddings.Embedding(3, 2, input_length=-1), "input_length"),
    (lambda: noise.GaussianNoise(-1.0), "stddev"),
    (lambda: noise.GaussianDropout(1.0), "rate"),
    (lambda: noise.AlphaDropout(0.1, seed=1.5), "seed"),
    (lambda: aa.ReLU(max_value=-1.0), "max_value"),
    (lambda: aa.ReLU(negative_slope=-0.1), "negative_slope"),
    (lambda: aa.PReLU(shared_axes=[0]), "shared_axes"),
    (lambda: aa.Softmax(axis="last"), "axis"),
    (lambda: merge.Dot(axes=(1, 2, 3)), "axes"),
    (lambda: merge.Dot(axes="1"), "axes"),
    (lambda: merge.Concatenate(axis=1.5), "axis"),
])
def test_bad_arguments_name_layer_and_argument(make, match):
    with pytest.raises((ValueError, TypeError)) as info:
        make()
    text = str(info.value)
    assert match in text and "Received" in text and "`" in text


def test_wrong_rank_is_keras_error():
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        pooling.MaxPooling2D()(torch.zeros(2, 4, 4))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=4"):
        local.LocallyConnected1D(2, 2)(torch.zeros(2, 4, 4, 1))


# ---------------------------------------------------------------------------- locally connected
def test_locally_connected_matches_loops():
    rs = np.random.RandomState(0)
    x = rs.randn(2, 6, 5, 3).astype("float32")
    for fmt in ("channels_last", "channels_first"):
        layer = local.LocallyConnected2D(4, (3, 2), strides=(2, 1), data_format=fmt)
        xin = x if fmt == "channels_last" else np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        y = layer(torch.as_tensor(xin)).detach().numpy()
        kernel, bias = layer.get_weights()
        assert kernel.shape == (2 * 4, 3 * 2 * 3, 4) and bias.shape == (2, 4, 4)
        ref = np.zeros((2, 2, 4, 4), dtype=np.float64)
        for i in range(2):
            for j in range(4):
                patch = x[:, 2 * i:2 * i + 3, j:j + 2, :]
                flat = (patch.reshape(2, -1) if fmt == "channels_last"
                        else patch.transpose(0, 3, 1, 2).reshape(2, -1))
                ref[:, i, j] = flat @ kernel[i * 4 + j]
        if fmt == "channels_last":
            np.testing.assert_allclose(y, ref + bias, rtol=1e-4, atol=1e-5)
        else:   # Keras reshapes (not transposes) the bias for channels_first
            np.testing.assert_allclose(y, ref.transpose(0, 3, 1, 2) + bias.reshape(4, 2, 4),
                                       rtol=1e-4, atol=1e-5)
    layer = local.LocallyConnected1D(3, 3, strides=2)
    x1 = rs.randn(2, 7, 2).astype("float32")
    y1 = layer(torch.as_tensor(x1)).detach().numpy()
    k1, b1 = layer.get_weights()
    assert k1.shape == (3, 6, 3)
    ref1 = np.stack([x1[:, 2 * i:2 * i + 3].reshape(2, -1) @ k1[i] for i in range(3)], 1) + b1
    np.testing.assert_allclose(y1, ref1, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------- batch normalization
def test_batchnorm_weights_order_and_buffers():
    bn = normalization.BatchNormalization()
    bn(torch.randn(4, 3))
    assert [n.split("/")[1] for n in bn.weight_names()] == [
        "gamma:0", "beta:0", "moving_mean:0", "moving_variance:0"]
    assert len(bn.trainable_weights) == 2 and len(bn.non_trainable_weights) == 2
    assert len(list(bn.parameters())) == 2
    bn2 = normalization.BatchNormalization(center=False, scale=False)
    bn2(torch.randn(4, 3))
    assert len(bn2.get_weights()) == 2


def test_batchnorm_training_inference_and_moving_rule():
    torch.manual_seed(0)
    x = torch.randn(6, 3) * 2 + 1
    bn = normalization.BatchNormalization(momentum=0.8)
    bn(x)   # build
    bn.set_weights([np.full(3, 2.0, "f"), np.full(3, 0.5, "f"), np.zeros(3, "f"), np.ones(3, "f")])
    y = bn(x, training=True)
    mean, var = x.mean(0), x.var(0, unbiased=False)
    np.testing.assert_allclose(y.detach(), (x - mean) / torch.sqrt(var + 1e-3) * 2 + 0.5,
                               rtol=1e-5, atol=1e-5)
    # 2-D input: plain EMA of the biased variance (tf-keras's generic path)
    np.testing.assert_allclose(bn.moving_mean, 0.2 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance, 0.8 + 0.2 * var, rtol=1e-5)
    mm, mv = bn.moving_mean.clone(), bn.moving_variance.clone()
    y_inf = bn(x, training=False)
    np.testing.assert_allclose(y_inf.detach(), (x - mm) / torch.sqrt(mv + 1e-3) * 2 + 0.5,
                               rtol=1e-5, atol=1e-5)
    assert torch.equal(bn.moving_mean, mm)   # inference does not update
    # 4-D input, axis -1: Bessel-corrected variance (tf-keras's fused path)
    x4 = torch.randn(2, 3, 3, 2)
    bn4 = normalization.BatchNormalization(momentum=0.5)
    bn4(x4, training=True)
    var4 = x4.reshape(-1, 2).var(0, unbiased=True)
    np.testing.assert_allclose(bn4.moving_variance, 0.5 + 0.5 * var4, rtol=1e-5)


def test_batchnorm_frozen_and_single_sample():
    x = torch.randn(5, 3)
    bn = normalization.BatchNormalization(trainable=False)
    y = bn(x, training=True)
    np.testing.assert_allclose(y.detach().mean(0), np.zeros(3), atol=1e-5)   # batch statistics
    np.testing.assert_allclose(bn.moving_mean, np.zeros(3))                   # no update
    bn1 = normalization.BatchNormalization()
    out = bn1(torch.randn(1, 3), training=True)
    np.testing.assert_allclose(out.detach(), np.zeros((1, 3)), atol=1e-6)


def test_batchnorm_channels_first_axis1_and_bad_axis():
    x = torch.randn(2, 3, 4, 4)
    bn = normalization.BatchNormalization(axis=1)
    y = bn(x, training=True)
    np.testing.assert_allclose(y.detach().mean(dim=(0, 2, 3)), np.zeros(3), atol=1e-5)
    bn = normalization.BatchNormalization(axis=3)
    with pytest.raises(ValueError, match="axis"):
        bn(torch.randn(2, 3))
    assert normalization.BatchNormalization(axis=[3]).axis == 3


# ---------------------------------------------------------------------------- embedding
def test_embedding_lookup_mask_and_shapes():
    emb = embeddings.Embedding(6, 3, mask_zero=True, input_length=4)
    idx = torch.tensor([[1, 2, 0, 0], [5, 0, 0, 0]])
    out = emb(idx)
    w = emb.get_weights()[0]
    assert w.shape == (6, 3) and np.all(np.abs(w) <= 0.05)   # 'uniform' = U(-0.05, 0.05)
    np.testing.assert_allclose(out.detach(), w[idx.numpy()])
    np.testing.assert_allclose(emb(idx.float()).detach(), out.detach())   # floats are cast
    assert emb.compute_mask(idx).tolist() == (idx != 0).tolist()
    assert emb.compute_output_shape((None, 4)) == (None, 4, 3)
    with pytest.raises(ValueError, match="input_length"):
        emb.compute_output_shape((None, 5))
    assert embeddings.Embedding(6, 3).compute_mask(idx) is None
    assert embeddings.Embedding(6, 3, input_length=[2, None]).compute_output_shape(
        (None, 2, 7)) == (None, 2, 7, 3)


def test_embedding_mask_feeds_global_average_pooling_in_sequential():
    model = Sequential([embeddings.Embedding(5, 2, mask_zero=True, input_length=4),
                        pooling.GlobalAveragePooling1D()])
    x = np.array([[1, 2, 0, 0], [3, 3, 3, 4]])
    y = model.predict(x)
    w = model.layers[0].get_weights()[0]
    np.testing.assert_allclose(y[0], w[[1, 2]].mean(0), rtol=1e-6)
    np.testing.assert_allclose(y[1], w[[3, 3, 3, 4]].mean(0), rtol=1e-6)


# ---------------------------------------------------------------------------- noise
@pytest.mark.parametrize("layer", [noise.GaussianNoise(0.5), noise.GaussianDropout(0.4),
                                   noise.AlphaDropout(0.3)], ids=lambda l: type(l).__name__)
def test_noise_only_in_training(layer):
    x = torch.randn(64, 8)
    assert torch.equal(layer(x, training=False), x)
    assert torch.equal(layer(x), x)   # learning phase 0 by default
    assert not torch.equal(layer(x, training=True), x)


def test_alpha_dropout_statistics_and_seed():
    x = torch.randn(200, 200)
    y = noise.AlphaDropout(0.2)(x, training=True)
    assert abs(float(y.mean())) < 0.05 and abs(float(y.std()) - 1.0) < 0.05
    a = noise.AlphaDropout(0.2, seed=7)(x, training=True)
    b = noise.AlphaDropout(0.2, seed=7)(x, training=True)
    assert torch.equal(a, b)
    g = noise.GaussianDropout(0.5)(torch.ones(200, 200), training=True)
    assert abs(float(g.mean()) - 1.0) < 0.02 and abs(float(g.std()) - 1.0) < 0.02


# ---------------------------------------------------------------------------- activations
def test_advanced_activations_values():
    x = torch.tensor([[-2.0, -0.5, 0.0, 0.3, 1.0, 2.0, 7.0]])
    np.testing.assert_allclose(aa.LeakyReLU()(x), torch.where(x > 0, x, 0.3 * x))
    np.testing.assert_allclose(aa.ELU(0.5)(x), torch.where(x > 0, x, 0.5 * (torch.exp(x) - 1)),
                               rtol=1e-6)
    np.testing.assert_allclose(aa.ThresholdedReLU(1.0)(x), torch.where(x > 1.0, x, 0 * x))
    np.testing.assert_allclose(aa.ReLU(max_value=6.0)(x), x.clamp(0, 6))
    r = aa.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2)(x)
    ref = torch.where(x > 0.2, x.clamp(max=1.5), 0.1 * (x - 0.2))
    np.testing.assert_allclose(r, ref, rtol=1e-6, atol=1e-7)
    s = aa.Softmax(axis=0)(torch.randn(3, 4))
    np.testing.assert_allclose(s.sum(0), np.ones(4), rtol=1e-6)


def test_prelu_alpha_shape_and_math():
    layer = aa.PReLU(alpha_initializer="ones", shared_axes=[1, 2])
    x = torch.randn(2, 3, 4, 5)
    layer(x)
    assert layer.get_weights()[0].shape == (1, 1, 5)
    layer.set_weights([np.full((1, 1, 5), 0.25, "f")])
    np.testing.assert_allclose(layer(x).detach(), torch.where(x > 0, x, 0.25 * x), rtol=1e-6)
    full = aa.PReLU()
    full(torch.randn(2, 3, 4))
    assert full.get_weights()[0].shape == (3, 4)
    with pytest.raises(ValueError, match="expected axis"):
        layer.input_spec.check_shape(layer, (None, 3, 4, 6))


# ---------------------------------------------------------------------------- merge
def test_merge_layers_eager_and_functional_forms():
    a, b, c = torch.randn(2, 3), torch.randn(2, 3), torch.randn(2, 3)
    np.testing.assert_allclose(merge.Add()([a, b, c]), a + b + c, rtol=1e-6)
    np.testing.assert_allclose(merge.add([a, b]), a + b, rtol=1e-6)
    np.testing.assert_allclose(merge.subtract([a, b]), a - b)
    np.testing.assert_allclose(merge.multiply([a, b, c]), a * b * c, rtol=1e-6)
    np.testing.assert_allclose(merge.average([a, b]), (a + b) / 2, rtol=1e-6)
    np.testing.assert_allclose(merge.maximum([a, b]), torch.maximum(a, b))
    np.testing.assert_allclose(merge.minimum([a, b]), torch.minimum(a, b))
    np.testing.assert_allclose(merge.concatenate([a, b], axis=0), torch.cat([a, b], 0))
    np.testing.assert_allclose(merge.dot([a, b], axes=1), (a * b).sum(1, keepdim=True), rtol=1e-5)
    cos = merge.dot([a, b], axes=1, normalize=True)
    ref = torch.nn.functional.cosine_similarity(a, b).unsqueeze(1)
    np.testing.assert_allclose(cos, ref, rtol=1e-5)
    # inputs are not modified in place
    a0 = a.clone()
    merge.Add()([a, b])
    assert torch.equal(a, a0)


def test_merge_broadcasting_and_shapes():
    x, y = torch.randn(2, 4, 3), torch.randn(2, 3)
    out = merge.Add()([x, y])
    np.testing.assert_allclose(out, x + y.unsqueeze(1), rtol=1e-6)
    assert merge.Add().compute_output_shape([(None, 4, 3), (None, 3)]) == (None, 4, 3)
    assert merge.Add().compute_output_shape([(None, 4, 1), (None, 1, 3)]) == (None, 4, 3)
    assert merge.Concatenate(axis=1).compute_output_shape([(None, 2, 3), (None, 5, 3)]) == (
        None, 7, 3)
    assert merge.Dot(axes=(1, 2)).compute_output_shape([(None, 3, 4), (None, 5, 3)]) == (
        None, 4, 5)
    assert merge.Dot(axes=1).compute_output_shape([(None, 5), (None, 5)]) == (None, 1)


def test_merge_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)|\(3,\).*\(4,\)"):
        merge.Add()([torch.zeros(2, 3), torch.zeros(2, 4)])
    with pytest.raises(ValueError, match=r"\((None|2), 3\).*\((None|2), 4, 2\)"):
        merge.Concatenate()([torch.zeros(2, 3), torch.zeros(2, 4, 2)])
    with pytest.raises(ValueError, match=r"matching shapes.*\((None|2), 3, 2\), \((None|2), 4, 3\)"):
        merge.Concatenate()([torch.zeros(2, 3, 2), torch.zeros(2, 4, 3)])
    with pytest.raises(ValueError, match=r"3 != 4.*\((None|2), 3\), \((None|2), 4\)"):
        merge.Dot(axes=1)([torch.zeros(2, 3), torch.zeros(2, 4)])
    with pytest.raises(ValueError, match="exactly 2"):
        merge.Subtract()([torch.zeros(2, 3)] * 3)
    with pytest.raises(ValueError, match="at least 2"):
        merge.Add()([torch.zeros(2, 3)])
    with pytest.raises(ValueError, match="different batch sizes"):
        merge.Add()([torch.zeros(1, 3), torch.zeros(4, 3)])


def test_merge_masks():
    m1 = torch.tensor([[True, False, True]])
    m2 = torch.tensor([[True, True, False]])
    x = [torch.zeros(1, 3, 2), torch.zeros(1, 3, 2)]
    assert merge.Add().compute_mask(x, [m1, m2]).tolist() == [[True, False, False]]
    assert merge.Add().compute_mask(x, [m1, None]).tolist() == m1.tolist()
    assert merge.Add().compute_mask(x, None) is None
    assert merge.Concatenate().compute_mask(x, [m1, None]).tolist() == m1.tolist()
    assert merge.Dot(axes=2).compute_mask(x, [m1, m2]) is None


def test_batchnorm_shared_call_backward():
    bn = normalization.BatchNormalization()
    x = torch.randn(4, 3, requires_grad=True)
    (bn(x, training=True).sum() + bn(x * 2, training=True).sum()).backward()
    assert x.grad is not None
