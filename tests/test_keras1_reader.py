"""Unit tests of the Keras-1 file reader (saving/_keras1.py and the Keras-1 rows for files)."""
import json
import os
import warnings

import h5py
import numpy as np
import pytest

from torkeras import layers as L
from torkeras import models
from torkeras.errors import HDF5FormatError, LegacyArgumentError
from torkeras.legacy import keras1
from torkeras.saving import _keras1, hdf5_format


def _write_keras1(path, model_config, layer_arrays, backend_attr=None):
    """A file in Keras 1.2.2 ``save_model`` layout (see compat_tests/fixtures/make_keras1_fixtures.py)."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        if backend_attr:
            f.attrs["backend"] = backend_attr.encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [n.encode("utf8") for n, _ in layer_arrays]
        for name, arrays in layer_arrays:
            lg = g.create_group(name)
            names = [("%s_param_%d:0" % (name, i)).encode("utf8") for i in range(len(arrays))]
            lg.attrs["weight_names"] = names
            for n, a in zip(names, arrays):
                lg.create_dataset(n, data=np.asarray(a, dtype="float32"))


def _load(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return hdf5_format.load_model(path, compile=False, **kwargs)


def _seq(*entries):
    return {"class_name": "Sequential", "config": list(entries)}


def _conv_cfg(class_name, **cfg):
    base = {"name": "conv_1", "trainable": True, "init": "glorot_uniform", "activation": "linear",
            "border_mode": "valid", "W_regularizer": None, "b_regularizer": None,
            "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True}
    for key in cfg.pop("drop", ()):
        del base[key]
    base.update(cfg)
    return {"class_name": class_name, "config": base}


def _reference(model, x, rng):
    for layer in model.layers:
        layer.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32")
                           for w in layer.get_weights()])
    return model.predict(x)


# Keras-1 layout of each Keras-2 kernel, written from the Keras 1.2.2 build() shapes
# (keras/layers/convolutional.py @ 1.2.2) and its TF backend kernel preprocessing.
LAYOUTS = [
    # (Keras-1 config, Keras-2 layer, input shape, Keras-2 kernel -> Keras-1 arrays)
    (_conv_cfg("Convolution1D", nb_filter=3, filter_length=2, subsample_length=1, input_dim=4,
               input_length=6, batch_input_shape=[None, 6, 4], input_dtype="float32"),
     lambda: L.Conv1D(3, 2, input_shape=(6, 4)), (2, 6, 4),
     lambda w: [w[0][:, None, :, :], w[1]]),
    (_conv_cfg("Convolution3D", nb_filter=2, kernel_dim1=2, kernel_dim2=2, kernel_dim3=2,
               subsample=[1, 1, 1], dim_ordering="th", batch_input_shape=[None, 3, 4, 4, 4]),
     lambda: L.Conv3D(2, 2, data_format="channels_first", input_shape=(3, 4, 4, 4)), (2, 3, 4, 4, 4),
     lambda w: [np.transpose(w[0], (4, 3, 0, 1, 2)), w[1]]),
    (_conv_cfg("Deconvolution2D", nb_filter=2, nb_row=3, nb_col=3, subsample=[1, 1],
               dim_ordering="tf", output_shape=[None, 7, 7, 2], batch_input_shape=[None, 5, 5, 3]),
     lambda: L.Conv2DTranspose(2, 3, input_shape=(5, 5, 3)), (2, 5, 5, 3),
     lambda w: [np.transpose(w[0], (0, 1, 3, 2)), w[1]]),
    (_conv_cfg("Deconvolution2D", nb_filter=2, nb_row=3, nb_col=3, subsample=[1, 1],
               dim_ordering="th", output_shape=[None, 2, 7, 7], batch_input_shape=[None, 3, 5, 5]),
     lambda: L.Conv2DTranspose(2, 3, data_format="channels_first", input_shape=(3, 5, 5)),
     (2, 3, 5, 5), lambda w: [np.transpose(w[0], (2, 3, 0, 1)), w[1]]),
    (_conv_cfg("AtrousConvolution2D", nb_filter=2, nb_row=2, nb_col=2, subsample=[1, 1],
               atrous_rate=[2, 2], dim_ordering="th", batch_input_shape=[None, 3, 6, 6]),
     lambda: L.Conv2D(2, 2, dilation_rate=2, data_format="channels_first", input_shape=(3, 6, 6)),
     (2, 3, 6, 6), lambda w: [np.transpose(w[0], (3, 2, 0, 1)), w[1]]),
    (_conv_cfg("SeparableConvolution2D", nb_filter=4, nb_row=2, nb_col=2, subsample=[1, 1],
               depth_multiplier=2, dim_ordering="th", depthwise_regularizer=None,
               pointwise_regularizer=None, depthwise_constraint=None, pointwise_constraint=None,
               batch_input_shape=[None, 3, 5, 5], drop=("W_regularizer", "W_constraint")),
     lambda: L.SeparableConv2D(4, 2, depth_multiplier=2, data_format="channels_first",
                               input_shape=(3, 5, 5)), (2, 3, 5, 5),
     # separable_conv2d in tensorflow_backend.py @ 1.2.2 transposes both 'th' kernels (2, 3, 1, 0)
     lambda w: [np.transpose(w[0], (3, 2, 0, 1)), np.transpose(w[1], (3, 2, 0, 1)), w[2]]),
]


@pytest.mark.parametrize("case", range(len(LAYOUTS)))
def test_kernel_layouts(tmp_path, case):
    config, make, shape, to_keras1 = LAYOUTS[case]
    rng = np.random.RandomState(case)
    ref = models.Sequential([make()])
    x = rng.uniform(-1, 1, shape).astype("float32")
    expected = _reference(ref, x, rng)
    path = str(tmp_path / "k1.h5")
    _write_keras1(path, _seq(config), [("conv_1", to_keras1(ref.layers[0].get_weights()))])
    model = _load(path, original_backend="tensorflow")
    assert model.layers[0].__class__ is ref.layers[0].__class__
    np.testing.assert_allclose(model.predict(x), expected, atol=1e-5)


def test_conv1d_keras11_kernel_layout():
    kernel = np.arange(2 * 4 * 3, dtype="float32").reshape(2, 4, 3)      # (k, in, filters)
    old = np.transpose(kernel[:, None, :, :], (3, 2, 0, 1))               # (filters, in, k, 1)
    out = _keras1.convert_layer_weights("Conv1D", {"kernel_size": (2,), "filters": 3}, [old, np.zeros(3)])
    np.testing.assert_array_equal(out[0], kernel)


def test_lstm_gate_order():
    """Keras 1 saved i, c, f, o (LSTM.trainable_weights @ 1.2.2); Keras 2 fuses i, f, c, o."""
    gates = {g: (np.full((2, 3), k), np.full((3, 3), 10 + k), np.full(3, 20 + k))
             for k, g in enumerate("ifco")}
    arrays = [a for g in "icfo" for a in gates[g]]
    kernel, recurrent, bias = _keras1.convert_layer_weights("LSTM", {}, arrays)
    np.testing.assert_array_equal(kernel[0, ::3], [0, 1, 2, 3])
    np.testing.assert_array_equal(recurrent[0, ::3], [10, 11, 12, 13])
    np.testing.assert_array_equal(bias[::3], [20, 21, 22, 23])


def test_gru_and_bidirectional_regroup():
    arrays = [np.full(s, k) for k in range(3) for s in ((2, 3), (3, 3), (3,))]
    cfg = {"layer": {"class_name": "GRU", "config": {}}}
    out = _keras1.convert_layer_weights("Bidirectional", cfg, arrays + arrays)
    assert [a.shape for a in out] == [(2, 9), (3, 9), (9,)] * 2
    np.testing.assert_array_equal(out[2][::3], [0, 1, 2])


def test_flip_reverses_spatial_axes_only():
    k = np.arange(2 * 3 * 1 * 1, dtype="float32").reshape(2, 3, 1, 1)
    np.testing.assert_array_equal(_keras1.flip_kernel(k)[:, :, 0, 0], k[::-1, ::-1, 0, 0])


def _dense_file(path, backend_attr=None, mode=None, conv=False):
    rng = np.random.RandomState(0)
    if conv:
        entries = [_conv_cfg("Convolution2D", nb_filter=2, nb_row=2, nb_col=2, subsample=[1, 1],
                             dim_ordering="tf", batch_input_shape=[None, 3, 3, 1])]
        arrays = [("conv_1", [rng.rand(2, 2, 1, 2), rng.rand(2)])]
    else:
        cfg = {"name": "batchnormalization_1", "trainable": True, "epsilon": 1e-3, "mode": mode or 0,
               "axis": -1, "gamma_regularizer": None, "beta_regularizer": None, "momentum": 0.99,
               "batch_input_shape": [None, 3], "input_dtype": "float32"}
        entries = [{"class_name": "BatchNormalization", "config": cfg}]
        arrays = [("batchnormalization_1", [rng.rand(3) + 0.5 for _ in range(4)])]
    _write_keras1(path, _seq(*entries), arrays, backend_attr)
    return arrays


def test_batchnorm_mode_1_rejected_with_reason(tmp_path):
    path = str(tmp_path / "bn.h5")
    _dense_file(path, mode=1)
    with pytest.raises(LegacyArgumentError) as e:
        _load(path)
    msg = str(e.value)
    assert "batchnormalization_1" in msg and "bn.h5" in msg and "mode=1" in msg


def test_backend_attribute_theano_flips_without_warning(tmp_path):
    path = str(tmp_path / "th.h5")
    arrays = _dense_file(path, backend_attr="theano", conv=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = hdf5_format.load_model(path, compile=False)
    assert not [w for w in caught if "original_backend" in str(w.message)]
    np.testing.assert_allclose(model.layers[0].get_weights()[0], arrays[0][1][0][::-1, ::-1], atol=1e-7)


def test_no_backend_conv_file_warns_and_keeps_kernel(tmp_path):
    path = str(tmp_path / "tf.h5")
    arrays = _dense_file(path, conv=True)
    with pytest.warns(UserWarning, match="original_backend"):
        model = hdf5_format.load_model(path, compile=False)
    np.testing.assert_allclose(model.layers[0].get_weights()[0], arrays[0][1][0], atol=1e-7)


def test_original_backend_validated(tmp_path):
    path = str(tmp_path / "tf.h5")
    _dense_file(path, conv=True)
    with pytest.raises(ValueError, match="original_backend"):
        hdf5_format.load_model(path, original_backend="tf")


def test_layer_count_mismatch_names_file(tmp_path):
    path = str(tmp_path / "bn.h5")
    _dense_file(path)
    model = models.Sequential([L.Dense(2, input_shape=(3,)), L.Dense(2)])
    with pytest.raises(HDF5FormatError, match="bn.h5"):
        hdf5_format.load_weights(model, path)


def test_by_name_loading(tmp_path):
    path = str(tmp_path / "bn.h5")
    arrays = _dense_file(path)
    model = models.Sequential([L.Dense(3, input_shape=(3,), name="other"),
                               L.BatchNormalization(name="batchnormalization_1")])
    hdf5_format.load_weights(model, path, by_name=True)
    np.testing.assert_allclose(model.layers[1].get_weights()[3], arrays[0][1][3], atol=1e-7)


def test_file_layer_config_objects_and_axes():
    cls, cfg = keras1.file_layer_config("Convolution2D", {
        "name": "c", "nb_filter": 2, "nb_row": 3, "nb_col": 3, "dim_ordering": "th",
        "W_regularizer": {"name": "L1L2Regularizer", "l1": 0.0, "l2": 0.01},
        "W_constraint": {"name": "MaxNorm", "m": 2, "axis": 0}})
    assert cls == "Conv2D" and cfg["data_format"] == "channels_first"
    assert cfg["kernel_regularizer"] == {"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}}
    # axis 0 of the Keras-1 'th' kernel (filters) is axis 3 of the Keras-2 kernel
    assert cfg["kernel_constraint"] == {"class_name": "MaxNorm", "config": {"max_value": 2, "axis": 3}}
    layer = L.deserialize({"class_name": cls, "config": cfg})
    assert layer.get_config()["kernel_size"] == (3, 3)


def test_file_layer_config_rejects():
    with pytest.raises(LegacyArgumentError, match="Eigenvalue"):
        keras1.file_layer_config("Dense", {"output_dim": 2, "W_regularizer": {
            "name": "EigenvalueRegularizer", "k": 1}})
    with pytest.raises(LegacyArgumentError, match="SpatialDropout1D"):
        keras1.file_layer_config("Embedding", {"input_dim": 5, "output_dim": 2, "dropout": 0.2})


def test_file_config_is_quiet_even_when_strict(monkeypatch):
    monkeypatch.setenv("TORKERAS_STRICT", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert keras1.file_layer_config("Dropout", {"name": "d", "p": 0.5}) == ("Dropout",
                                                                              {"name": "d", "rate": 0.5})


def test_functional_nodes_get_call_kwargs():
    config = {"class_name": "Model", "config": {"name": "m", "layers": [
        {"name": "input_1", "class_name": "InputLayer", "inbound_nodes": [],
         "config": {"name": "input_1", "batch_input_shape": [None, 2], "input_dtype": "float32",
                    "sparse": False}},
        {"name": "dense_1", "class_name": "Dense", "inbound_nodes": [[["input_1", 0, 0]]],
         "config": {"name": "dense_1", "output_dim": 1, "input_dim": 2}}],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]]}}
    out = _keras1.upgrade_model_config(config, "f.h5")
    assert out["config"]["layers"][1]["inbound_nodes"] == [[["input_1", 0, 0, {}]]]
    assert out["config"]["layers"][0]["config"]["dtype"] == "float32"
    assert config["config"]["layers"][1]["config"]["output_dim"] == 1   # input not modified
    model = models.model_from_json(json.dumps(dict(config, keras_version="1.2.2")))
    assert model.layers[1].get_config()["units"] == 1


def test_convlstm2d_th_gates_join_on_filters():
    """ConvLSTM2D.build @ 1.2.2: 'th' gate kernels (nb_filter, stack, rows, cols), saved i, c, f, o."""
    gates = {g: np.full((2, 3, 3, 3), k, dtype="float32") for k, g in enumerate("ifco")}
    rec = {g: np.full((2, 2, 3, 3), 10 + k, dtype="float32") for k, g in enumerate("ifco")}
    arrays = [a for g in "icfo" for a in (gates[g], rec[g], np.full(2, 20.0))]
    kernel, recurrent, bias = _keras1.convert_layer_weights(
        "ConvLSTM2D", {"data_format": "channels_first"}, arrays)
    assert kernel.shape == (3, 3, 3, 8) and recurrent.shape == (3, 3, 2, 8) and bias.shape == (8,)
    np.testing.assert_array_equal(kernel[0, 0, 0, ::2], [0, 1, 2, 3])
    np.testing.assert_array_equal(recurrent[0, 0, 0, ::2], [10, 11, 12, 13])
