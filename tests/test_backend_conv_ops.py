"""Convolution-family ``K`` functions: argument checks, Keras 1.2.2 call forms, default data format,
gradients, and agreement with the layers that share their math (golden values against real Keras
are in compat_tests/test_backend_conv_golden.py)."""
import warnings

import numpy as np
import pytest
import torch

import torkeras.backend as K
from torkeras import layers
from torkeras.errors import LegacyArgumentError
from torkeras.legacy import keras1


def _t(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g) * 2 - 1


@pytest.fixture(autouse=True)
def _fresh_warnings():
    keras1._reset_warnings_for_tests()
    yield
    keras1._reset_warnings_for_tests()


X4, W4 = _t(2, 5, 6, 3), _t(3, 3, 3, 4, seed=1)


@pytest.mark.parametrize("call, words", [
    (lambda: K.conv2d(X4, W4, padding="full"), ["conv2d", "padding", "'full'"]),
    (lambda: K.conv2d(X4, W4, strides=(2, 2), dilation_rate=(2, 2)),
     ["conv2d", "strides", "dilation_rate"]),
    (lambda: K.conv2d(X4, _t(3, 3, 2, 4)), ["conv2d", "kernel", "2 input channels", "has 3"]),
    (lambda: K.conv2d(X4[0], W4), ["conv2d", "`x`", "4-D", "(5, 6, 3)"]),
    (lambda: K.conv3d(_t(1, 4, 4, 4, 2), _t(2, 2, 2, 2, 3), strides=(1, 0, 1)),
     ["conv3d", "strides", "(1, 0, 1)"]),
    (lambda: K.conv1d(_t(1, 6, 2), _t(2, 2, 3), data_format="NWC"), ["conv1d", "data_format", "NWC"]),
    (lambda: K.conv2d_transpose(X4, _t(3, 3, 4, 3), (2, 9, 9, 4), strides=(2, 2)),
     ["conv2d_transpose", "output_shape", "(2, 9, 9, 4)"]),
    (lambda: K.conv2d_transpose(X4, _t(3, 3, 4, 3), (2, 5, 6, 7), padding="same"),
     ["conv2d_transpose", "7 channels", "makes 4"]),
    (lambda: K.conv2d_transpose(X4, _t(3, 3, 4, 3), (3, 5, 6, 4), padding="same"),
     ["conv2d_transpose", "batch size 3"]),
    (lambda: K.conv2d_transpose(X4, _t(3, 3, 4, 3), (2, 5, 6, 4), dilation_rate=(1, 2)),
     ["conv2d_transpose", "dilation_rate", "equal"]),
    (lambda: K.conv2d_transpose(X4, _t(3, 3, 4, 3), "big"), ["conv2d_transpose", "output_shape"]),
    (lambda: K.separable_conv2d(X4, _t(3, 3, 3, 1), _t(3, 3, 3, 4)),
     ["separable_conv2d", "pointwise_kernel", "1x1"]),
    (lambda: K.depthwise_conv2d(X4, _t(3, 3, 2, 1)), ["depthwise_conv2d", "depthwise_kernel"]),
    (lambda: K.pool3d(_t(1, 4, 4, 4, 2), (2, 2, 2), pool_mode="min"), ["pool3d", "pool_mode", "min"]),
    (lambda: K.pool2d(X4, (2,)), ["pool2d", "pool_size"]),
    (lambda: K.local_conv1d(_t(2, 3, 6), _t(4, 9, 5), (3,), (1,), "channels_first"),
     ["local_conv1d", "channels_first", "Keras 2.2.4"]),
    (lambda: K.local_conv1d(_t(2, 6, 3), _t(5, 9, 5), (3,), (1,)),
     ["local_conv1d", "output positions", "at least 7"]),
    (lambda: K.local_conv2d(X4, _t(9, 8, 2), (2, 2), (1, 1), (3, 3)),
     ["local_conv2d", "kernel", "(9, 12, filters)", "(9, 8, 2)"]),
    (lambda: K.resize_images(X4, 2, 2, "channels_last", interpolation="bicubic"),
     ["resize_images", "interpolation", "bicubic"]),
    (lambda: K.resize_images(X4, 0, 2, "channels_last"), ["resize_images", "height_factor", "0"]),
    (lambda: K.resize_volumes(_t(1, 2, 2, 2, 1), 2, 2, 2, "NCDHW"), ["resize_volumes", "NCDHW"]),
    (lambda: K.temporal_padding(_t(1, 3, 2), (1, -1)), ["temporal_padding", "padding", "-1"]),
    (lambda: K.temporal_padding(_t(1, 3, 2), (1, 2, 3)), ["temporal_padding", "padding"]),
    (lambda: K.spatial_3d_padding(_t(1, 2, 2, 2, 1), ((1, 1), (1, 1))),
     ["spatial_3d_padding", "3 pairs"]),
    (lambda: K.atrous_conv2d(X4, W4, rate=0), ["atrous_conv2d", "rate", "0"]),
    (lambda: K.atrous_conv2d(X4, W4, dim_ordering="channels_last"),
     ["atrous_conv2d", "dim_ordering", "'th', 'tf' or 'default'"]),
    (lambda: K.deconv2d(X4, np.zeros((3, 3, 3, 4)), (2, 5, 6, 4)), ["deconv2d", "kernel"]),
])
def test_bad_arguments_name_function_argument_and_value(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_non_tensor_input_is_a_type_error():
    with pytest.raises(TypeError, match="conv2d: `x` must be a tensor"):
        K.conv2d(np.zeros((1, 4, 4, 3)), W4)


def test_default_data_format_follows_image_data_format():
    x = X4.permute(0, 3, 1, 2).contiguous()
    want = K.conv2d(x, W4, padding="same", data_format="channels_first")
    before = K.image_data_format()
    K.set_image_data_format("channels_first")
    try:
        got = K.conv2d(x, W4, padding="same")
        padded = K.spatial_2d_padding(x, ((1, 0), (0, 2)))
        pooled = K.pool2d(x, (2, 2), (2, 2), pool_mode="avg")
    finally:
        K.set_image_data_format(before)
    torch.testing.assert_close(got, want)
    assert padded.shape == (2, 3, 6, 8)
    assert pooled.shape == (2, 3, 2, 3)


def test_keras1_conv2d_th_warns_once_with_the_keras2_call():
    x = X4.permute(0, 3, 1, 2)
    w_th = W4.permute(3, 2, 0, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = K.conv2d(x, w_th, border_mode="same", dim_ordering="th")
        K.conv2d(x, w_th, border_mode="same", dim_ordering="th")
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages
    assert "conv2d" in messages[0] and "padding=" in messages[0] and "border_mode" in messages[0]
    torch.testing.assert_close(got, K.conv2d(x, W4, padding="same", data_format="channels_first"))


def test_keras1_positional_dim_ordering_and_pool_form():
    x = X4.permute(0, 3, 1, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = K.pool2d(x, (2, 2), (1, 1), "same", "th", "avg")
        flat = K.spatial_2d_padding(X4, (1, 2))
        tpad = K.temporal_padding(_t(1, 3, 2), 2)
    torch.testing.assert_close(got, K.pool2d(x, (2, 2), (1, 1), "same", "channels_first", "avg"))
    assert flat.shape == (2, 7, 10, 3)
    assert tpad.shape == (1, 7, 2)


def test_keras1_forms_are_errors_under_strict(monkeypatch):
    monkeypatch.setenv("TORKERAS_STRICT", "1")
    with pytest.raises(LegacyArgumentError, match="border_mode"):
        K.conv2d(X4, W4, border_mode="valid")
    with pytest.raises(LegacyArgumentError, match="padding as an int"):
        K.temporal_padding(_t(1, 3, 2), 1)
    # the Keras 2 spelling still works, and so do the Keras-1-only names
    assert K.conv2d(X4, W4).shape == (2, 3, 4, 4)
    assert K.asymmetric_temporal_padding(_t(1, 3, 2), 0, 1).shape == (1, 4, 2)


def test_keras1_and_keras2_argument_together_is_a_type_error():
    with pytest.raises(TypeError, match="border_mode.*padding"):
        K.conv2d(X4, W4, border_mode="same", padding="valid")
    with pytest.raises(TypeError, match="dim_ordering.*data_format"):
        K.resize_images(X4, 2, 2, dim_ordering="tf", data_format="channels_last")


def test_keras1_conv1d_hints_dropped_and_always_channels_last():
    x, w = _t(2, 8, 3), _t(3, 3, 4, seed=2)
    before = K.image_data_format()
    K.set_image_data_format("channels_first")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = K.conv1d(x, w, stride=2, border_mode="same", image_shape=(2, 8, 3),
                           filter_shape=(3, 3, 4))
    finally:
        K.set_image_data_format(before)
    torch.testing.assert_close(got, K.conv1d(x, w, 2, "same", "channels_last"))


def test_gradients_flow_through_transpose_crop_and_local_conv():
    x = _t(1, 3, 4, 2).requires_grad_()
    k = _t(2, 2, 5, 2, seed=3).requires_grad_()
    y = K.conv2d_transpose(x, k, (1, 3, 4, 5), padding="same")     # asymmetric crop path
    lk = _t(6, 8, 3, seed=4).requires_grad_()
    z = K.local_conv2d(x, lk, (2, 2), (1, 1), (2, 3))
    (y.sum() + z.sum()).backward()
    assert x.grad is not None and k.grad is not None and lk.grad is not None
    assert float(k.grad.abs().sum()) > 0


@pytest.mark.parametrize("padding, strides, out", [("same", (2, 2), (10, 12)),
                                                   ("valid", (2, 1), (11, 8))])
def test_conv2d_transpose_equals_the_layer(padding, strides, out):
    layer = layers.Conv2DTranspose(4, (3, 3), strides=strides, padding=padding, use_bias=False)
    x = _t(2, 5, 6, 3, seed=5)
    want = layer(x)
    assert tuple(want.shape) == (2,) + out + (4,)
    got = K.conv2d_transpose(x, layer.kernel, (None,) + out + (4,), strides, padding)
    torch.testing.assert_close(got, want)


def test_local_conv2d_and_depthwise_equal_the_layers():
    x = _t(2, 5, 6, 3, seed=6).permute(0, 3, 1, 2).contiguous()
    lc = layers.LocallyConnected2D(4, (2, 3), strides=(1, 2), data_format="channels_first",
                                   use_bias=False)
    want = lc(x)
    got = K.local_conv2d(x, lc.kernel, (2, 3), (1, 2), tuple(want.shape[2:]), "channels_first")
    torch.testing.assert_close(got, want)
    dw = layers.DepthwiseConv2D((3, 3), depth_multiplier=2, padding="same", use_bias=False)
    y = _t(1, 5, 5, 3, seed=7)
    want = dw(y)
    torch.testing.assert_close(K.depthwise_conv2d(y, dw.depthwise_kernel, padding="same"), want)


def test_resize_images_nearest_equals_upsampling_and_volumes_repeat():
    x = _t(1, 2, 3, 2, seed=8)
    torch.testing.assert_close(K.resize_images(x, 2, 3, "channels_last"),
                               layers.UpSampling2D((2, 3))(x))
    v = _t(1, 2, 1, 2, 1, seed=9)
    got = K.resize_volumes(v, 2, 3, 1, "channels_last")
    want = np.repeat(np.repeat(v.numpy(), 2, axis=1), 3, axis=2)
    np.testing.assert_array_equal(got.numpy(), want)


def test_every_function_is_exported_by_keras_backend_paths():
    from torkeras.backend import _ops_conv, tensorflow_backend
    from torkeras.legacy import backend_ops
    for name in _ops_conv.__all__ + backend_ops.__all__:
        assert name in K.__all__, name
        assert getattr(tensorflow_backend, name) is getattr(K, name), name
