"""Unit tests of torkeras.layers.convolutional: shapes, configs, bad arguments, layouts, no copies.

Numerics against real Keras are in compat_tests/test_conv_golden.py.
"""
import json

import numpy as np
import pytest
import torch

import torkeras
from torkeras import backend as K
from torkeras.layers import deserialize
from torkeras.layers import convolutional as conv
from torkeras.layers.convolutional import (
    Conv1D, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose, Cropping1D, Cropping2D, Cropping3D,
    DepthwiseConv2D, SeparableConv1D, SeparableConv2D, UpSampling1D, UpSampling2D, UpSampling3D,
    ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
from torkeras.models import Sequential

# class -> (kwargs, input shape without batch); shapes follow Keras's compute_output_shape.
EXAMPLES = {
    Conv1D: (dict(filters=3, kernel_size=3, padding="causal", dilation_rate=2), (9, 2)),
    Conv2D: (dict(filters=4, kernel_size=3, strides=2, padding="same", activation="relu"), (8, 8, 3)),
    Conv3D: (dict(filters=2, kernel_size=2), (4, 4, 4, 2)),
    Conv2DTranspose: (dict(filters=3, kernel_size=3, strides=2, padding="same", output_padding=1),
                      (4, 4, 2)),
    Conv3DTranspose: (dict(filters=2, kernel_size=2, strides=2), (2, 2, 2, 3)),
    SeparableConv1D: (dict(filters=3, kernel_size=3, depth_multiplier=2), (8, 2)),
    SeparableConv2D: (dict(filters=3, kernel_size=3, padding="same"), (6, 6, 2)),
    DepthwiseConv2D: (dict(kernel_size=3, depth_multiplier=2), (6, 6, 2)),
    UpSampling1D: (dict(size=3), (4, 2)),
    UpSampling2D: (dict(size=(2, 3), interpolation="bilinear"), (3, 4, 2)),
    UpSampling3D: (dict(size=2), (2, 2, 2, 1)),
    ZeroPadding1D: (dict(padding=(1, 2)), (4, 2)),
    ZeroPadding2D: (dict(padding=((1, 0), (0, 2))), (3, 4, 2)),
    ZeroPadding3D: (dict(padding=1), (2, 2, 2, 1)),
    Cropping1D: (dict(cropping=(1, 2)), (6, 2)),
    Cropping2D: (dict(cropping=((1, 0), (0, 2))), (4, 5, 2)),
    Cropping3D: (dict(cropping=1), (3, 3, 3, 1)),
}


def _x(shape, seed=0):
    return torch.from_numpy(np.random.RandomState(seed).uniform(-1, 1, (2,) + shape).astype("float32"))


@pytest.mark.parametrize("cls", list(EXAMPLES), ids=lambda c: c.__name__)
def test_shape_config_json_round_trip(cls):
    kwargs, shape = EXAMPLES[cls]
    layer = cls(**kwargs)
    y = layer(_x(shape))
    assert tuple(y.shape) == (2,) + tuple(layer.compute_output_shape((None,) + shape)[1:])
    config = json.loads(json.dumps(layer.get_config()))
    again = deserialize({"class_name": cls.__name__, "config": config})
    assert type(again) is cls
    assert json.loads(json.dumps(again.get_config())) == config
    again(_x(shape))
    again.set_weights(layer.get_weights())
    np.testing.assert_array_equal(again(_x(shape)).detach().numpy(), y.detach().numpy())
    assert cls.__name__ in repr(layer)


def test_keras_config_keys():
    assert set(Conv2D(2, 3).get_config()) == {
        "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format",
        "dilation_rate", "activation", "use_bias", "kernel_initializer", "bias_initializer",
        "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
        "bias_constraint"}
    assert "output_padding" in Conv2DTranspose(2, 3).get_config()
    assert "dilation_rate" not in Conv3DTranspose(2, 3).get_config()
    dw = DepthwiseConv2D(3).get_config()
    assert "filters" not in dw and "kernel_initializer" not in dw and dw["depth_multiplier"] == 1
    sep = SeparableConv2D(2, 3).get_config()
    assert sep["filters"] == 2 and "pointwise_initializer" in sep and "kernel_initializer" not in sep
    assert UpSampling1D().get_config()["size"] == 2 and "data_format" not in UpSampling1D().get_config()
    assert ZeroPadding1D().get_config()["padding"] == (1, 1)
    assert Cropping1D().get_config()["cropping"] == (1, 1)
    assert ZeroPadding2D(2).get_config()["padding"] == ((2, 2), (2, 2))
    assert Conv1D(2, 3).get_config()["data_format"] == "channels_last"
    assert "groups" not in Conv2D(2, 3).get_config()
    assert Conv2D(4, 3, groups=2).get_config()["groups"] == 2


def test_weight_layouts():
    def shapes(layer, shape):
        layer(_x(shape))
        return [w.shape for w in layer.get_weights()]
    assert shapes(Conv2D(5, (2, 3)), (6, 6, 3)) == [(2, 3, 3, 5), (5,)]
    assert shapes(Conv1D(5, 3), (6, 3)) == [(3, 3, 5), (5,)]
    assert shapes(Conv2DTranspose(5, 3), (4, 4, 3)) == [(3, 3, 5, 3), (5,)]
    assert shapes(SeparableConv2D(5, 3, depth_multiplier=2), (6, 6, 3)) == [(3, 3, 3, 2), (1, 1, 6, 5),
                                                                              (5,)]
    assert shapes(DepthwiseConv2D(3, depth_multiplier=2, use_bias=False), (6, 6, 3)) == [(3, 3, 3, 2)]
    names = Conv2D(2, 3, name="c")
    names(_x((5, 5, 1)))
    assert names.weight_names() == ["c/kernel:0", "c/bias:0"]


def test_depthwise_channel_order():
    """Output channel i * depth_multiplier + m reads input channel i (TensorFlow's order)."""
    layer = DepthwiseConv2D(1, depth_multiplier=2, use_bias=False)
    layer(_x((2, 2, 3)))
    k = np.zeros((1, 1, 3, 2), "float32")
    k[0, 0, :, 0] = [1, 2, 3]
    k[0, 0, :, 1] = [10, 20, 30]
    layer.set_weights([k])
    x = torch.ones(1, 2, 2, 3)
    np.testing.assert_array_equal(layer(x)[0, 0, 0].detach().numpy(), [1, 10, 2, 20, 3, 30])


def test_same_padding_puts_the_odd_pixel_at_the_end():
    layer = Conv2D(1, 3, strides=2, padding="same", use_bias=False)
    layer(_x((4, 4, 1)))
    k = np.zeros((3, 3, 1, 1), "float32")
    k[0, 0, 0, 0] = 1.0          # picks the top-left input of each window
    layer.set_weights([k])
    x = torch.arange(16, dtype=torch.float32).reshape(1, 4, 4, 1)
    # TF pads (0, 1): windows start at rows/cols 0 and 2, so the top-left picks are x[0,0], x[0,2]...
    np.testing.assert_array_equal(layer(x)[0, :, :, 0].detach().numpy(), [[0, 2], [8, 10]])


def test_channels_first_matches_channels_last():
    for cls, kwargs, shape in [
            (Conv2D, dict(filters=3, kernel_size=3, strides=2, padding="same"), (7, 6, 2)),
            (Conv1D, dict(filters=3, kernel_size=4, padding="same"), (7, 2)),
            (Conv3D, dict(filters=2, kernel_size=2, padding="same"), (3, 4, 3, 2)),
            (Conv2DTranspose, dict(filters=3, kernel_size=3, strides=2, padding="same"), (3, 4, 2)),
            (SeparableConv2D, dict(filters=3, kernel_size=3, depth_multiplier=2), (5, 5, 2)),
            (DepthwiseConv2D, dict(kernel_size=3, padding="same"), (5, 5, 2)),
            (UpSampling2D, dict(size=(2, 3), interpolation="bilinear"), (3, 4, 2)),
            (ZeroPadding2D, dict(padding=((1, 0), (2, 3))), (3, 4, 2)),
            (Cropping3D, dict(cropping=((1, 0), (0, 1), (1, 1))), (3, 3, 4, 2))]:
        x = _x(shape)
        cl = cls(data_format="channels_last", **kwargs)
        cf = cls(data_format="channels_first", **kwargs)
        y = cl(x)
        cf(x.movedim(-1, 1))
        cf.set_weights(cl.get_weights())
        np.testing.assert_allclose(cf(x.movedim(-1, 1)).movedim(1, -1).detach().numpy(),
                                   y.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_data_format_default_follows_backend():
    old = K.image_data_format()
    try:
        K.set_image_data_format("channels_first")
        assert Conv2D(2, 3).data_format == "channels_first"
        assert Conv1D(2, 3).data_format == "channels_last"   # Keras 2.2.4's Conv1D default
    finally:
        K.set_image_data_format(old)


def test_no_copies_between_layers():
    """NHWC in and out; torch sees the channels_last view, the result is a permuted view."""
    model = Sequential([Conv2D(4, 3, padding="same", input_shape=(6, 6, 3)), Conv2D(5, 3)])
    x = _x((6, 6, 3))
    y1 = model.layers[0](x)
    assert y1.is_contiguous() and y1.permute(0, 3, 1, 2).is_contiguous(memory_format=torch.channels_last)
    y2 = model.layers[1](y1)
    assert y2.is_contiguous()
    assert tuple(model.predict(x.numpy()).shape) == (2, 4, 4, 5)


def test_cropping_is_a_view():
    x = _x((5, 5, 2))
    y = Cropping2D(1)(x)
    assert tuple(y.shape) == (2, 3, 3, 2)
    assert y.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()


def test_training_and_inference_agree_and_gradients_flow():
    layer = SeparableConv2D(3, 3, padding="same", activation="relu")
    x = _x((5, 5, 2)).requires_grad_(True)
    y_train = layer(x, training=True)
    y_test = layer(x, training=False)
    np.testing.assert_array_equal(y_train.detach().numpy(), y_test.detach().numpy())
    y_train.sum().backward()
    assert layer.depthwise_kernel.grad is not None and layer.pointwise_kernel.grad is not None
    assert x.grad is not None


def test_regularizers_constraints_activity():
    layer = Conv2D(2, 3, kernel_regularizer="l2", bias_regularizer=torkeras.regularizers.l1(0.5),
                   kernel_constraint="non_neg", activity_regularizer="l1")
    layer(_x((5, 5, 1)))
    assert len(layer.losses) == 2
    with torch.no_grad():
        layer.kernel.fill_(-1.0)
    layer._apply_constraints()
    assert float(layer.kernel.detach().min()) == 0.0
    assert layer.activity_regularizer is not None
    dw = DepthwiseConv2D(3, depthwise_regularizer="l2")
    dw(_x((5, 5, 2)))
    assert len(dw.losses) == 1


def test_fit_reduces_loss():
    np.random.seed(0)
    x = np.random.rand(32, 6, 6, 1).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype("float32")[:, None]
    model = Sequential([Conv2D(4, 3, activation="relu", input_shape=(6, 6, 1)),
                        Conv2DTranspose(2, 3, strides=2, padding="same"),
                        torkeras.layers.Flatten(), torkeras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    hist = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]


@pytest.mark.parametrize("make, words", [
    (lambda: Conv2D(0, 3), ["Conv2D", "filters", "0"]),
    (lambda: Conv2D(2.5, 3), ["Conv2D", "filters"]),
    (lambda: Conv2D(2, (3, 3, 3)), ["Conv2D", "kernel_size"]),
    (lambda: Conv2D(2, 3, strides=0), ["Conv2D", "strides"]),
    (lambda: Conv2D(2, 3, padding="full"), ["Conv2D", "padding", "full"]),
    (lambda: Conv2D(2, 3, padding="causal"), ["Conv2D", "padding", "causal"]),
    (lambda: Conv2D(2, 3, data_format="NHWC"), ["Conv2D", "data_format", "NHWC"]),
    (lambda: Conv2D(2, 3, strides=2, dilation_rate=2), ["Conv2D", "strides", "dilation_rate"]),
    (lambda: Conv2D(3, 3, groups=2), ["Conv2D", "groups"]),
    (lambda: Conv1D(2, 3, padding="causal", data_format="channels_first"), ["Conv1D", "causal"]),
    (lambda: Conv2DTranspose(2, 3, strides=2, output_padding=2), ["Conv2DTranspose", "output_padding"]),
    (lambda: Conv2DTranspose(2, 3, groups=2), ["Conv2DTranspose", "groups"]),
    (lambda: DepthwiseConv2D(3, depth_multiplier=0), ["DepthwiseConv2D", "depth_multiplier"]),
    (lambda: UpSampling2D(interpolation="bicubic"), ["UpSampling2D", "interpolation", "bicubic"]),
    (lambda: UpSampling1D(0), ["UpSampling1D", "size"]),
    (lambda: ZeroPadding2D(-1), ["ZeroPadding2D", "padding"]),
    (lambda: ZeroPadding2D((1, 2, 3)), ["ZeroPadding2D", "padding"]),
    (lambda: Cropping2D(((1, 2, 3), 1)), ["Cropping2D", "cropping"]),
    (lambda: Conv2D(2, 3, bogus=1), ["Conv2D", "bogus"]),
])
def test_bad_arguments(make, words):
    with pytest.raises((ValueError, TypeError)) as info:
        make()
    for w in words:
        assert w in str(info.value)


def test_bad_inputs_at_build():
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        Sequential([Conv2D(2, 3, input_shape=(5, 5))])
    with pytest.raises(ValueError, match="channel dimension"):
        Sequential([Conv2D(2, 3, input_shape=(5, 5, None))])
    with pytest.raises(ValueError, match="too small"):
        Sequential([Conv2D(2, 5, input_shape=(3, 3, 1))])
    with pytest.raises(ValueError, match="leaves nothing"):
        Sequential([Cropping2D(2, input_shape=(4, 4, 1))])
    model = Sequential([Conv2D(2, 3, input_shape=(5, 5, 3))])
    with pytest.raises(ValueError):
        model.predict(np.zeros((1, 5, 5, 2), "float32"))


def test_registered_names_and_aliases():
    assert conv.Convolution2D is Conv2D and conv.Deconv2D is Conv2DTranspose
    assert conv.Deconvolution3D is Conv3DTranspose and conv.SeparableConvolution1D is SeparableConv1D
    for alias, cls in [("Convolution2D", Conv2D), ("Deconvolution2D", Conv2DTranspose),
                       ("Deconv3D", Conv3DTranspose), ("SeparableConvolution2D", SeparableConv2D),
                       ("Convolution1D", Conv1D), ("Convolution3D", Conv3D)]:
        layer = deserialize({"class_name": alias, "config": cls(2, 3).get_config()})
        assert type(layer) is cls
    names = {n for _, n, _ in conv._builtin_objects()}
    assert names == {c.__name__ for c in EXAMPLES}
    assert set(conv.__all__) >= names


def test_layer_auto_names():
    assert Conv2DTranspose(2, 3).name.startswith("conv2d_transpose_")
    assert DepthwiseConv2D(3).name.startswith("depthwise_conv2d_")
    assert ZeroPadding2D().name.startswith("zero_padding2d_")
