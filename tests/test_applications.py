"""keras.applications: Keras 2.2.4's architectures, input rules, weight files and ImageNet helpers.

Architectures are compared with ``compat_tests/fixtures/applications/reference.json``, written by
``compat_tests/fixtures/make_applications_fixtures.py``, which runs Keras 2.2.4's own model code
(``keras_applications`` 1.0.6) on tf-keras 2.21: layer names, classes, weight shapes (Keras layout),
output shapes and parameter counts.
"""
import hashlib
import json
import os
from urllib.error import URLError

import numpy as np
import pytest
import torch

from torkeras import applications
from torkeras import backend as K
from torkeras.applications import (_base, densenet, imagenet_utils, inception_resnet_v2,
                                   inception_v3, mobilenet, mobilenet_v2, nasnet, resnet50, vgg16,
                                   vgg19, xception)
from torkeras.errors import DownloadError
from torkeras.utils import _get_file

REF = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "compat_tests",
                   "fixtures", "applications", "reference.json")
with open(REF) as _f:
    REFERENCE = json.load(_f)
CASES = REFERENCE["cases"]
MODULES = {"vgg16": vgg16, "vgg19": vgg19, "resnet50": resnet50, "inception_v3": inception_v3,
           "inception_resnet_v2": inception_resnet_v2, "xception": xception,
           "mobilenet": mobilenet, "mobilenet_v2": mobilenet_v2, "densenet": densenet,
           "nasnet": nasnet}
# Cases the unit suite does not build (time: < 60 s for this file on 2 cores). Their architectures
# are covered by a sibling case (same builder code): NASNetLarge by NASNetMobile (same cells),
# DenseNet201 by DenseNet121/169, the channels_first ResNet50/InceptionResNetV2 by the other
# channels_first cases, a headless NASNetMobile by its full model.
SLOW = {"nasnet_large_small", "densenet201_small", "resnet50_cf", "inception_resnet_v2_cf",
        "nasnet_mobile_notop"}
FULL = ["vgg16_full", "resnet50_full"]


def _kwargs(kwargs):
    out = dict(kwargs)
    if "input_shape" in out:
        out["input_shape"] = tuple(out["input_shape"])
    return out


def _build(case, **extra):
    ref = CASES[case]
    K.clear_session()
    old = K.image_data_format()
    K.set_image_data_format(ref["data_format"])
    try:
        fn = getattr(MODULES[ref["module"]], ref["function"])
        return fn(weights=None, **dict(_kwargs(ref["kwargs"]), **extra))
    finally:
        K.set_image_data_format(old)


def _shape(s):
    if isinstance(s, list):
        return [_shape(x) for x in s]
    return [None if d is None else int(d) for d in s]


def _rows(model):
    return [[l.name, type(l).__name__, [list(w.shape) for w in l.get_weights()],
             _shape(l.output_shape)] for l in model.layers]


def _check(case, model):
    ref = CASES[case]
    assert model.name == ref["name"]
    assert _shape(model.input_shape) == ref["input_shape"]
    assert _shape(model.output_shape) == ref["output_shape"]
    assert len(model.layers) == ref["n_layers"]
    assert model.count_params() == ref["count_params"]
    if "layers" in ref:
        rows = _rows(model)
        for i, (got, want) in enumerate(zip(rows, ref["layers"])):
            assert got == want, "layer %d of %s: got %s, Keras has %s" % (i, case, got, want)


@pytest.mark.parametrize("case", sorted(c for c in CASES if "layers" in CASES[c]
                                        and not c.endswith("_full") and c not in SLOW))
def test_architecture_matches_keras_224(case):
    _check(case, _build(case))


@pytest.mark.parametrize("case", FULL)
def test_full_size_architecture_matches_keras_224(case):
    _check(case, _build(case))


def test_reference_covers_every_model():
    built = {(c["module"], c["function"]) for name, c in CASES.items()
             if "layers" in c and name not in SLOW}
    names = {(m, n) for m, mod in MODULES.items() for n in dir(mod)
             if n[0].isupper() and callable(getattr(mod, n)) and getattr(mod, n).__module__
             == mod.__name__ and n not in ("DenseNet", "NASNet")}
    assert names - built == {("nasnet", "NASNetLarge"), ("densenet", "DenseNet201")}


def test_package_exports_the_keras_names():
    for name in ("VGG16", "VGG19", "ResNet50", "InceptionV3", "InceptionResNetV2", "Xception",
                 "MobileNet", "MobileNetV2", "DenseNet121", "DenseNet169", "DenseNet201",
                 "NASNetLarge", "NASNetMobile"):
        assert callable(getattr(applications, name))


# ------------------------------------------------------------------- weights files (ImageNet)
class _Stop(Exception):
    pass


def _record_get_file(monkeypatch):
    calls = []

    def fake(fname, origin, **kwargs):
        calls.append({"fname": fname, "origin": origin,
                      "kwargs": {k: v for k, v in kwargs.items() if v is not None}})
        raise _Stop()
    monkeypatch.setattr(_base, "get_file", fake)
    return calls


CHEAP_FILES = ["vgg16_notop", "vgg19_notop", "mobilenet_top", "mobilenet_notop",
               "mobilenet_v2_top", "mobilenet_v2_notop", "densenet121_notop",
               "inception_v3_notop", "xception_notop"]


@pytest.mark.parametrize("case", CHEAP_FILES)
def test_imagenet_weights_use_keras_file_name_url_and_hash(case, monkeypatch):
    ref = REFERENCE["weight_files"][case]
    calls = _record_get_file(monkeypatch)
    K.clear_session()
    with pytest.raises(_Stop):
        getattr(MODULES[ref["module"]], ref["function"])(weights="imagenet",
                                                         **_kwargs(ref["call_kwargs"]))
    want = {"fname": ref["fname"], "origin": ref["origin"], "kwargs": ref["kwargs"]}
    assert calls == [want]


def _table_entry(module, include_top, ref):
    """(fname, origin, hash) from the modules whose builds are too slow to run per case."""
    if module is resnet50:
        fname, origin, md5 = resnet50._FILES[include_top]
        return fname, origin, {"cache_subdir": "models", "md5_hash": md5}
    if module is inception_resnet_v2:
        fname, h = inception_resnet_v2._FILES[include_top]
        return fname, inception_resnet_v2.BASE_WEIGHT_URL + fname, {"cache_subdir": "models",
                                                                    "file_hash": h}
    size = 224 if ref["function"] == "NASNetMobile" else 331
    fname, origin, h = nasnet._FILES[(size, include_top)]
    return fname, origin, {"cache_subdir": "models", "file_hash": h}


def test_imagenet_file_tables_of_the_large_models():
    checked = 0
    for case, ref in REFERENCE["weight_files"].items():
        module = MODULES[ref["module"]]
        if module not in (resnet50, inception_resnet_v2, nasnet):
            continue
        include_top = ref["call_kwargs"].get("include_top", True)
        assert _table_entry(module, include_top, ref) == (ref["fname"], ref["origin"],
                                                          ref["kwargs"]), case
        checked += 1
    assert checked == 8
    # and the densenet tops, whose build is large at the default 224x224:
    for n in (121, 169, 201):
        ref = REFERENCE["weight_files"]["densenet%d_top" % n]
        fname = ref["fname"]
        assert densenet.BASE_WEIGTHS_PATH + fname == ref["origin"]
        assert getattr(densenet, "DENSENET%d_WEIGHT_PATH" % n) == ref["origin"]
        assert densenet._HASHES[(6, 12) + {121: (24, 16), 169: (32, 32), 201: (48, 32)}[n]][1] \
            == ref["kwargs"]["file_hash"]


def test_imagenet_offline_error_names_the_url(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(url):
        raise URLError("offline")
    monkeypatch.setattr(_get_file, "urlopen", offline)
    K.clear_session()
    with pytest.raises(DownloadError) as err:
        vgg16.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    msg = str(err.value)
    assert vgg16.WEIGHTS_PATH_NO_TOP in msg
    assert os.path.join(str(tmp_path), "models",
                        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5") in msg


def _weights_equal(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb) > 0
    for x, y in zip(wa, wb):
        np.testing.assert_array_equal(x, y)


def test_imagenet_weights_load_from_the_keras_cache(tmp_path, monkeypatch):
    # MobileNet's files have no hash in Keras 2.2.4, so a cached file is used as it is.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    K.clear_session()
    source = mobilenet.MobileNet(weights=None, alpha=0.25, include_top=False,
                                 input_shape=(128, 128, 3))
    os.makedirs(str(tmp_path / "models"))
    source.save_weights(str(tmp_path / "models" / "mobilenet_2_5_128_tf_no_top.h5"))
    K.clear_session()
    loaded = mobilenet.MobileNet(weights="imagenet", alpha=0.25, include_top=False,
                                 input_shape=(128, 128, 3))
    _weights_equal(source, loaded)


def test_weights_from_a_path(tmp_path):
    K.clear_session()
    source = densenet.DenseNet([1, 1, 1, 1], weights=None, input_shape=(32, 32, 3), classes=3)
    path = str(tmp_path / "w.h5")
    source.save_weights(path)
    K.clear_session()
    loaded = densenet.DenseNet([1, 1, 1, 1], weights=path, input_shape=(32, 32, 3), classes=3)
    _weights_equal(source, loaded)
    x = np.random.RandomState(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(source.predict(x), loaded.predict(x), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------ argument checks
def test_bad_weights_and_classes_raise_keras_errors():
    with pytest.raises(ValueError, match="The `weights` argument should be either"):
        vgg16.VGG16(weights="no/such/file.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        vgg16.VGG16(weights="imagenet", classes=10)
    with pytest.raises(TypeError, match="weights=3"):
        vgg16.VGG16(weights=3)
    with pytest.raises(ValueError, match="pooling='sum'"):
        vgg16.VGG16(weights=None, include_top=False, pooling="sum")
    with pytest.raises(TypeError, match="unexpected keyword"):
        vgg16.VGG16(weights=None, dim_ordering="tf")


@pytest.mark.parametrize("shape,message", [
    ((31, 31, 3), "Input size must be at least 32x32; got `input_shape=(31, 31, 3)`"),
    ((32, 32), "`input_shape` must be a tuple of three integers"),
    ((None, None, 3), "If `include_top` is True, you should specify a static `input_shape`"),
])
def test_input_shape_rules(shape, message):
    with pytest.raises(ValueError) as err:
        vgg16.VGG16(weights=None, input_shape=shape)
    assert message in str(err.value)


def test_obtain_input_shape_defaults_and_imagenet_rules():
    f = imagenet_utils._obtain_input_shape
    assert f(None, 224, 32, "channels_last", True) == (224, 224, 3)
    assert f(None, 224, 32, "channels_first", True) == (3, 224, 224)
    assert f(None, 299, 75, "channels_last", False) == (None, None, 3)
    assert f(None, 224, 32, "channels_last", True, weights="imagenet") == (224, 224, 3)
    with pytest.raises(ValueError, match="`input_shape` should be \\(224, 224, 3\\)"):
        f((200, 200, 3), 224, 32, "channels_last", True, weights="imagenet")
    with pytest.raises(ValueError, match="The input must have 3 channels"):
        f((100, 100, 1), 224, 32, "channels_last", False, weights="imagenet")
    with pytest.warns(UserWarning, match="1 or 3 input channels"):
        assert f((40, 40, 5), 224, 32, "channels_last", False) == (40, 40, 5)


def test_mobilenet_imagenet_checks():
    with pytest.raises(ValueError, match="depth multiplier must be 1"):
        mobilenet.MobileNet(weights="imagenet", depth_multiplier=2)
    with pytest.raises(ValueError, match="alpha can be one of"):
        mobilenet.MobileNet(weights="imagenet", alpha=0.3)
    with pytest.raises(ValueError, match="static square shape"):
        mobilenet.MobileNet(weights="imagenet", include_top=False, input_shape=(100, 120, 3))
    with pytest.raises(ValueError, match="alpha can be one of"):
        mobilenet_v2.MobileNetV2(weights="imagenet", alpha=0.6)


def test_nasnet_rules():
    with pytest.raises(ValueError, match="divisible by 24"):
        nasnet.NASNet((32, 32, 3), penultimate_filters=100, weights=None)
    with pytest.raises(ValueError, match="must be static"):
        nasnet.NASNetMobile(weights="imagenet", include_top=False, input_shape=(None, None, 3))


def test_channels_last_only_models_warn_and_restore_the_format():
    from torkeras import layers
    old = K.image_data_format()
    K.set_image_data_format("channels_first")
    try:
        K.clear_session()
        inp = layers.Input((64, 64, 3))
        with pytest.warns(UserWarning, match="only available for the input data format"):
            model = mobilenet.MobileNet(weights=None, include_top=False, alpha=0.25,
                                        input_tensor=inp, pooling="avg")
        assert K.image_data_format() == "channels_first"
    finally:
        K.set_image_data_format(old)
    # built channels_last, as Keras did: 0.25 * 1024 channels on the last axis
    assert model.output_shape == (None, 256)
    assert model.get_layer("conv1_bn").axis in (-1, 3)


def test_input_tensor_is_used_and_sources_found():
    from torkeras import layers
    K.clear_session()
    inp = layers.Input((40, 40, 3))
    x = layers.Lambda(lambda t: t * 2.0)(inp)
    model = vgg16.VGG16(weights=None, include_top=False, input_tensor=x, pooling="max")
    assert model.inputs[0] is inp
    assert model.layers[1].name == "lambda_1" and model.output_shape == (None, 512)
    with pytest.raises(TypeError, match="must be a Keras tensor"):
        vgg16.VGG16(weights=None, include_top=False, input_tensor=np.zeros((1, 32, 32, 3)))


def test_inception_resnet_block_output_and_forward():
    K.clear_session()
    from torkeras import layers
    inp = layers.Input((8, 8, 320))
    out = inception_resnet_v2.inception_resnet_block(inp, 0.17, "block35", 1)
    assert K.int_shape(out) == (None, 8, 8, 320)
    with pytest.raises(ValueError, match="Unknown Inception-ResNet block type"):
        inception_resnet_v2.inception_resnet_block(inp, 0.1, "block99", 1)


def test_keras_modules_injection():
    from torkeras import layers
    wrapped = _base.keras_modules_injection(lambda **kw: kw)
    assert wrapped(layers=layers, a=1) == {"a": 1}
    with pytest.raises(ValueError, match="must be torkeras's own `layers` module"):
        wrapped(layers=np)


# ------------------------------------------------------------------ preprocess / decode
def _reference_preprocess(x, data_format, mode):
    """Keras 2.2.4's formulas written out per channel with plain loops over the channel index."""
    x = np.array(x, dtype="float64")
    axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
    x = np.moveaxis(x, axis, -1)
    if mode == "tf":
        out = x / 127.5 - 1.0
    elif mode == "torch":
        mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
        out = np.stack([(x[..., c] / 255.0 - mean[c]) / std[c] for c in range(3)], axis=-1)
    else:
        mean = [103.939, 116.779, 123.68]
        out = np.stack([x[..., 2 - c] - mean[c] for c in range(3)], axis=-1)
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format,shape", [("channels_last", (2, 4, 5, 3)),
                                               ("channels_first", (2, 3, 4, 5)),
                                               ("channels_first", (3, 4, 5)),
                                               ("channels_last", (4, 5, 3))])
def test_preprocess_input_modes(mode, data_format, shape):
    x = np.random.RandomState(1).uniform(0, 255, shape).astype("float32")
    want = _reference_preprocess(x, data_format, mode)
    got = imagenet_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
    got_t = imagenet_utils.preprocess_input(torch.from_numpy(x.copy()), data_format=data_format,
                                            mode=mode)
    np.testing.assert_allclose(got_t.numpy(), want, rtol=1e-5, atol=1e-4)


def test_preprocess_input_details():
    x = np.full((1, 2, 2, 3), 255.0, dtype="float32")
    out = imagenet_utils.preprocess_input(x, mode="tf")
    assert out is x                       # in place for float arrays, as Keras
    ints = np.full((1, 2, 2, 3), 255, dtype="uint8")
    assert imagenet_utils.preprocess_input(ints, mode="tf").dtype == np.float32
    np.testing.assert_allclose(densenet.preprocess_input(np.full((1, 1, 1, 3), 255.0)),
                               _reference_preprocess(np.full((1, 1, 1, 3), 255.0),
                                                     "channels_last", "torch"))
    np.testing.assert_allclose(mobilenet_v2.preprocess_input(np.array([0.0, 128.0, 256.0])),
                               np.array([0.0, 128.0, 256.0]) / 128.0 - 1.0)
    assert inception_v3.preprocess_input is xception.preprocess_input
    with pytest.raises(ValueError, match="Unknown data_format"):
        imagenet_utils.preprocess_input(x, data_format="nhwc")
    with pytest.raises(ValueError, match="mode=.caffee"):
        imagenet_utils.preprocess_input(x, mode="caffee")
    with pytest.raises(TypeError, match="Lambda"):
        from torkeras import layers
        imagenet_utils.preprocess_input(layers.Input((4, 4, 3)))


@pytest.fixture
def class_index(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    index = {str(i): ["n%08d" % i, "class_%d" % i] for i in range(1000)}
    os.makedirs(str(tmp_path / "models"))
    path = tmp_path / "models" / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    return index, hashlib.md5(path.read_bytes()).hexdigest()


def test_decode_predictions_reads_the_cached_index(class_index, monkeypatch):
    index, md5 = class_index
    # the test's index stands in for Keras's: give get_file its hash
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX_HASH", md5)
    preds = np.random.RandomState(2).uniform(size=(2, 1000)).astype("float32")
    out = imagenet_utils.decode_predictions(preds, top=3)
    assert len(out) == 2
    for row, p in zip(out, preds):
        best = np.argsort(-p)[:3]
        assert [r[:2] for r in row] == [tuple(index[str(i)]) for i in best]
        assert [r[2] for r in row] == [p[i] for i in best]
    assert vgg16.decode_predictions is imagenet_utils.decode_predictions
    with pytest.raises(ValueError, match="Found array with shape: \\(2, 10\\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))


def test_decode_predictions_offline_names_the_url(class_index, monkeypatch):
    # the cached file does not have Keras's hash: get_file downloads again, and is offline
    def offline(url):
        raise URLError("offline")
    monkeypatch.setattr(_get_file, "urlopen", offline)
    with pytest.raises(DownloadError, match="imagenet_class_index.json"):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
