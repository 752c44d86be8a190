"""Keras-1 spellings of the layer families (issue #3): one test per table row, plus the structural
conversions (Conv2D(32, 3, 3), nb_row/nb_col, kernel_dim1..3, input_dim, forget_bias_init,
consume_less, BatchNormalization mode, Embedding dropout, ZeroPadding2D dict padding)."""
import warnings

import pytest

import torkeras as keras
from torkeras import _registry
from torkeras.errors import LegacyArgumentError
from torkeras.legacy import keras1

# Required Keras-2 arguments to construct each class (besides the Keras-1 argument under test).
REQUIRED = {
    "Conv1D": dict(filters=4, kernel_size=3), "LocallyConnected1D": dict(filters=4, kernel_size=3),
    "Conv2D": dict(filters=4, kernel_size=3), "LocallyConnected2D": dict(filters=4, kernel_size=3),
    "Conv2DTranspose": dict(filters=4, kernel_size=3), "SeparableConv2D": dict(filters=4, kernel_size=3),
    "Conv3D": dict(filters=4, kernel_size=3), "ConvLSTM2D": dict(filters=4, kernel_size=3),
    "SimpleRNN": dict(units=3), "GRU": dict(units=3), "LSTM": dict(units=3),
    "Embedding": dict(input_dim=10, output_dim=3), "SpatialDropout1D": dict(rate=0.5),
    "SpatialDropout2D": dict(rate=0.5), "SpatialDropout3D": dict(rate=0.5),
    "GaussianNoise": dict(stddev=0.1), "GaussianDropout": dict(rate=0.1),
}

# A Keras-1 value for each old argument, and the Keras-2 value it must become.
SAMPLES = {
    "nb_filter": (6, 6), "filter_length": (5, 5), "subsample_length": (2, 2), "subsample": ((2, 2), (2, 2)),
    "border_mode": ("same", "same"), "dim_ordering": ("th", "channels_first"),
    "init": ("he_normal", "he_normal"), "inner_init": ("orthogonal", "orthogonal"),
    "W_regularizer": ("l2", "l2"), "b_regularizer": ("l2", "l2"), "U_regularizer": ("l2", "l2"),
    "W_constraint": ("max_norm", "max_norm"), "b_constraint": ("max_norm", "max_norm"),
    "bias": (False, False), "output_dim": (7, 7), "inner_activation": ("sigmoid", "sigmoid"),
    "dropout_W": (0.1, 0.1), "dropout_U": (0.2, 0.2), "consume_less": ("gpu", 2),
    "pool_length": (3, 3), "stride": (2, 2), "length": (3, 3), "p": (0.3, 0.3),
    "beta_init": ("one", "one"), "gamma_init": ("zero", "zero"), "sigma": (0.2, 0.2),
}

# Per-class sample overrides.
SAMPLE_OVERRIDES = {
    ("Conv3D", "subsample"): ((2, 2, 2), (2, 2, 2)),
    ("LocallyConnected1D", "border_mode"): ("valid", "valid"),
    ("LocallyConnected2D", "border_mode"): ("valid", "valid"),
}

COVERED = sorted({name for name, _, _ in keras1.table_rows()}
                 - {"Dense", "Dropout", "InputLayer", "Layer", "fit", "Model", "fit_generator",
                    "evaluate_generator", "predict_generator"}
                 - {"ImageDataGenerator", "NumpyArrayIterator", "DirectoryIterator", "array_to_img",
                    "img_to_array", "Tokenizer", "load_data"})
ROWS = [r for r in keras1.table_rows() if r[0] in COVERED]


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.delenv("TORKERAS_STRICT", raising=False)
    keras1._reset_warnings_for_tests()
    warnings.simplefilter("always")
    yield
    keras1._reset_warnings_for_tests()


def _cls(name):
    if name not in _registry.LAYERS:
        pytest.fail("layer %s is in the Keras-1 table but not registered" % name)
    return _registry.LAYERS.get(name)


@pytest.mark.parametrize("name,old,new", ROWS, ids=["%s-%s" % r[:2] for r in ROWS])
def test_row(name, old, new):
    old_value, new_value = SAMPLE_OVERRIDES.get((name, old), SAMPLES[old])
    kwargs = dict(REQUIRED.get(name, {}))
    kwargs.pop(new, None)
    kwargs[old] = old_value
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        args, converted = keras1.convert(name, (), kwargs)
        layer = _cls(name)(**kwargs)
    assert converted[new] == new_value
    assert any("Keras 2 API" in str(w.message) and old in str(w.message) for w in caught)
    config = layer.get_config()
    assert old not in config
    if new in config and not isinstance(config[new], dict):
        expected = list(new_value) if isinstance(new_value, tuple) else new_value
        got = list(config[new]) if isinstance(config[new], tuple) else config[new]
        if isinstance(got, list) and len(got) == 1 and not isinstance(expected, list):
            got = got[0]  # 1D layers store sizes as 1-tuples
        assert got == expected, (new, config[new])
    with pytest.raises(TypeError, match="both the legacy"):
        keras1.convert(name, (), dict(kwargs, **{new: new_value}))


def test_conv2d_three_ints_mean_a_kernel():
    layer = _cls("Conv2D")(32, 3, 3, border_mode="same")
    assert tuple(layer.kernel_size) == (3, 3) and tuple(layer.strides) == (1, 1)
    assert layer.padding == "same"
    with pytest.raises(ValueError, match="ambiguous"):
        _cls("Conv2D")(32, 3, 3, strides=2)
    layer = _cls("Conv2D")(8, 3, nb_col=5)
    assert tuple(layer.kernel_size) == (3, 5)
    layer = _cls("Conv2D")(8, nb_row=2, nb_col=4)
    assert tuple(layer.kernel_size) == (2, 4)
    with pytest.raises(TypeError):
        _cls("Conv2D")(8, 3, 3, 3)


def test_convolution2d_alias_and_keras1_config():
    cfg = {"class_name": "Convolution2D",
           "config": {"name": "convolution2d_1", "nb_filter": 4, "nb_row": 3, "nb_col": 3,
                      "border_mode": "valid", "dim_ordering": "tf", "subsample": [1, 1],
                      "init": "glorot_uniform", "activation": "relu", "bias": True, "trainable": True,
                      "batch_input_shape": [None, 8, 8, 1]}}
    layer = keras.layers.deserialize(cfg)
    assert type(layer).__name__ == "Conv2D" and tuple(layer.kernel_size) == (3, 3)


def test_conv3d_kernel_dims():
    layer = _cls("Conv3D")(4, 2, 3, 4)
    assert tuple(layer.kernel_size) == (2, 3, 4)
    layer = _cls("Conv3D")(4, kernel_dim1=2, kernel_dim2=2, kernel_dim3=1)
    assert tuple(layer.kernel_size) == (2, 2, 1)


def test_conv1d_and_recurrent_input_dim():
    conv = _cls("Conv1D")(4, 3, input_dim=8, input_length=10)
    assert conv.batch_input_shape == (None, 10, 8)
    lstm = _cls("LSTM")(output_dim=5, input_dim=8)
    assert lstm.batch_input_shape == (None, None, 8)


def test_forget_bias_init():
    assert _cls("LSTM")(3, forget_bias_init="one").unit_forget_bias is True
    assert _cls("LSTM")(3, forget_bias_init="zero").unit_forget_bias is False
    with pytest.raises(LegacyArgumentError, match="forget_bias_init"):
        _cls("LSTM")(3, forget_bias_init="uniform")


def test_separable_init_sets_both():
    layer = _cls("SeparableConv2D")(4, 3, 3, init="he_normal")
    cfg = layer.get_config()
    assert cfg["depthwise_initializer"]["class_name"] == cfg["pointwise_initializer"]["class_name"]
    assert cfg["depthwise_initializer"]["config"]["scale"] == 2.0


def test_deconvolution2d_output_shape_is_dropped_as_in_keras2():
    layer = _cls("Conv2DTranspose")(4, 3, 3, (None, 14, 14, 4), subsample=(2, 2), border_mode="same")
    assert tuple(layer.strides) == (2, 2) and tuple(layer.kernel_size) == (3, 3)


def test_batchnorm_mode_and_embedding_dropout():
    assert _cls("BatchNormalization")(mode=0).get_config()["epsilon"] == pytest.approx(1e-3)
    with pytest.raises(LegacyArgumentError, match="mode=1"):
        _cls("BatchNormalization")(mode=1)
    with pytest.raises(TypeError):
        _cls("BatchNormalization")(0)
    _cls("Embedding")(10, 3, dropout=0.0)
    with pytest.raises(LegacyArgumentError, match="SpatialDropout1D"):
        _cls("Embedding")(10, 3, dropout=0.2)


def test_zero_padding_dict():
    layer = _cls("ZeroPadding2D")(padding={"top_pad": 1, "bottom_pad": 2, "left_pad": 3, "right_pad": 4})
    assert tuple(map(tuple, layer.padding)) == ((1, 2), (3, 4))


def test_strict_mode(monkeypatch):
    monkeypatch.setenv("TORKERAS_STRICT", "1")
    with pytest.raises(LegacyArgumentError):
        _cls("Conv2D")(32, 3, 3)
