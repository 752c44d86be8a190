"""Weights-only files: ``model_from_json`` / ``model_from_yaml`` + ``load_weights``, ``by_name``,
``skip_mismatch`` (Keras 2.2.4's warnings), and nested models (Keras stores a nested model's
trainable arrays first, then its non-trainable ones; names and arrays must agree)."""
import warnings

import h5py
import numpy as np
import pytest

from torkeras.engine.base_layer import Layer
from torkeras.errors import HDF5FormatError
from torkeras.layers import BatchNormalization, Dense, Input
from torkeras.models import Model, Sequential, model_from_json, model_from_yaml


def _randomize(model, seed):
    rs = np.random.RandomState(seed)
    model.set_weights([rs.uniform(0.5, 1.5, size=w.shape).astype("float32")
                       for w in model.get_weights()])


def _nested():
    inner = Sequential([Dense(3, activation="relu", input_shape=(4,), name="inner_dense"),
                        BatchNormalization(name="inner_bn"), Dense(3, name="inner_out")],
                       name="inner")
    x = Input((4,), name="x")
    model = Model(x, Dense(2, name="head")(inner(x)))
    _randomize(model, 1)
    return model


def _x():
    return np.random.RandomState(2).uniform(-1, 1, size=(5, 4)).astype("float32")


def test_nested_model_file_names_match_their_arrays(tmp_path):
    model = _nested()
    path = str(tmp_path / "w.h5")
    model.save_weights(path)
    inner = model.get_layer("inner")
    expected = dict(zip(inner.weight_names(), [w.shape for w in Layer.get_weights(inner)]))
    assert list(expected)[-2:] == ["inner_bn/moving_mean:0", "inner_bn/moving_variance:0"]
    with h5py.File(path, "r") as f:
        g = f["inner"]
        for name in g.attrs["weight_names"]:
            name = name.decode("utf8")
            assert g[name].shape == expected[name], name


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_architecture_plus_weights_roundtrip_nested(fmt, tmp_path):
    if fmt == "yaml":
        pytest.importorskip("yaml")
    model = _nested()
    path = str(tmp_path / "w.h5")
    model.save_weights(path)
    rebuilt = (model_from_json(model.to_json()) if fmt == "json"
               else model_from_yaml(model.to_yaml()))
    rebuilt.load_weights(path)
    np.testing.assert_array_equal(rebuilt.predict(_x()), model.predict(_x()))


def test_yaml_reads_keras2_tuple_tags_and_refuses_python_objects():
    pytest.importorskip("yaml")
    text = Sequential([Dense(2, input_shape=(3,), name="d")]).to_yaml()
    # Keras 2's yaml.dump wrote shapes as Python tuples
    keras2_text = text.replace("batch_input_shape:\n      - null\n      - 3",
                               "batch_input_shape: !!python/tuple [null, 3]")
    assert "!!python/tuple" in keras2_text
    assert model_from_yaml(keras2_text).layers[0].batch_input_shape == (None, 3)
    with pytest.raises(ValueError, match="safe loader"):
        model_from_yaml("!!python/object/apply:os.system ['echo unsafe']")


def _pair(tmp_path):
    src = Sequential([Dense(4, input_shape=(3,), name="a"), Dense(5, name="b"), Dense(2, name="c")])
    _randomize(src, 3)
    path = str(tmp_path / "w.h5")
    src.save_weights(path)
    return src, path


def test_by_name_loads_matching_layers_only(tmp_path):
    src, path = _pair(tmp_path)
    dst = Sequential([Dense(4, input_shape=(3,), name="a"), Dense(5, name="other"),
                      Dense(2, name="c")])
    before = dst.get_layer("other").get_weights()
    dst.load_weights(path, by_name=True)
    for name in ("a", "c"):
        for got, want in zip(dst.get_layer(name).get_weights(), src.get_layer(name).get_weights()):
            np.testing.assert_array_equal(got, want)
    for got, want in zip(dst.get_layer("other").get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_by_name_shape_mismatch_raises_without_skip(tmp_path):
    _, path = _pair(tmp_path)
    dst = Sequential([Dense(4, input_shape=(3,), name="a"), Dense(6, name="b")])
    with pytest.raises(HDF5FormatError, match="'b'"):
        dst.load_weights(path, by_name=True)


def test_skip_mismatch_warns_as_keras_and_loads_the_rest(tmp_path):
    src, path = _pair(tmp_path)
    dst = Sequential([Dense(4, input_shape=(3,), name="a"), Dense(6, use_bias=False, name="b"),
                      Dense(2, name="c")])
    before_c = dst.get_layer("c").get_weights()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dst.load_weights(path, by_name=True, skip_mismatch=True)
    messages = [str(w.message) for w in caught]
    assert "Skipping loading of weights for layer b due to mismatch in number of weights " \
           "(1 vs 2)." in messages
    # Keras 2.2.4 skips only the mismatched array: c's kernel (6, 2) vs (5, 2); its bias loads
    assert "Skipping loading of weights for layer c due to mismatch in shape ((6, 2) vs (5, 2))." \
        in messages
    assert len(messages) == 2, messages
    np.testing.assert_array_equal(dst.get_layer("a").get_weights()[0], src.get_layer("a").get_weights()[0])
    np.testing.assert_array_equal(dst.get_layer("c").get_weights()[0], before_c[0])
    np.testing.assert_array_equal(dst.get_layer("c").get_weights()[1], src.get_layer("c").get_weights()[1])


def test_skip_mismatch_count_of_another_class(tmp_path):
    """A file layer of another class under the same name: skipped on the weight count."""
    src = Sequential([Dense(3, input_shape=(2,), name="d"), BatchNormalization(name="bn")])
    _randomize(src, 4)
    path = str(tmp_path / "w.h5")
    src.save_weights(path)
    dst = Sequential([Dense(3, input_shape=(2,), name="d"), Dense(4, name="bn")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dst.load_weights(path, by_name=True, skip_mismatch=True)
    assert any("layer bn due to mismatch in number of weights (2 vs 4)." in str(w.message)
               for w in caught)


def test_skip_mismatch_requires_by_name(tmp_path):
    _, path = _pair(tmp_path)
    with pytest.raises(ValueError, match="by_name"):
        Sequential([Dense(4, input_shape=(3,))]).load_weights(path, skip_mismatch=True)


def test_topological_load_counts_must_match(tmp_path):
    _, path = _pair(tmp_path)
    with pytest.raises(HDF5FormatError, match="containing 3 layers into a model with 2 layers"):
        Sequential([Dense(4, input_shape=(3,)), Dense(5)]).load_weights(path)


def test_by_name_matches_top_level_layers_only(tmp_path):
    """Keras 2.2.4 and tf.keras match ``model.layers``: a layer inside a nested model is not
    matched by a file group of the same name."""
    src = Sequential([Dense(3, input_shape=(4,), name="inner_dense")])
    _randomize(src, 5)
    path = str(tmp_path / "w.h5")
    src.save_weights(path)
    model = _nested()
    before = model.get_layer("inner").get_layer("inner_dense").get_weights()
    model.load_weights(path, by_name=True)
    for got, want in zip(model.get_layer("inner").get_layer("inner_dense").get_weights(), before):
        np.testing.assert_array_equal(got, want)
