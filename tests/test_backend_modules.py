"""keras.backend.tensorflow_backend / theano_backend / cntk_backend and their own names.

Expected values come from NumPy or plain Python on data the tests build.
"""
import importlib

import numpy as np
import pytest
import torch

import torkeras.backend as K
from torkeras import _aliasing
from torkeras.backend import cntk_backend, tensorflow_backend, theano_backend
from torkeras.backend._per_backend import UnsupportedValue
from torkeras.utils._unsupported import UnsupportedError

MODULES = [tensorflow_backend, theano_backend, cntk_backend]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_module_reexports_the_whole_k_api(module):
    assert set(K.__all__) <= set(module.__all__)
    for name in K.__all__:
        assert getattr(module, name) is getattr(K, name), name


def test_alias_paths_give_the_same_modules():
    _aliasing.install()
    try:
        ns = {}
        exec("import keras.backend.tensorflow_backend as KTF\n"
             "from keras.backend.tensorflow_backend import _get_available_gpus, tf_major_version\n"
             "from keras.backend.theano_backend import pattern_broadcast\n"
             "from keras.backend.cntk_backend import b_any\n"
             "from keras.backend.common import set_legacy_weight_ordering\n", ns)
    finally:
        _aliasing.uninstall()
    assert ns["KTF"] is tensorflow_backend
    assert ns["pattern_broadcast"] is theano_backend.pattern_broadcast
    assert ns["b_any"] is any
    assert ns["tf_major_version"] is K.tf_major_version


# ------------------------------------------------------------------------------------ tensorflow
def test_get_available_gpus_format(monkeypatch):
    monkeypatch.setattr(tensorflow_backend, "_cuda_device_count", lambda: 2)
    assert tensorflow_backend._get_available_gpus() == [
        "/job:localhost/replica:0/task:0/device:GPU:0",
        "/job:localhost/replica:0/task:0/device:GPU:1"]
    monkeypatch.setattr(tensorflow_backend, "_cuda_device_count", lambda: 0)
    assert tensorflow_backend._get_available_gpus() == []


def test_get_available_gpus_counts_what_the_device_module_sees():
    device = importlib.import_module("torkeras.backend.device")
    assert len(tensorflow_backend._get_available_gpus()) == device.cuda_device_count()


def test_sessions_raise():
    with pytest.raises(RuntimeError, match="session"):
        tensorflow_backend.get_session()


@pytest.mark.parametrize("use", [
    lambda v: v >= 1, lambda v: v == 1, lambda v: bool(v), lambda v: int(v), lambda v: v + 1,
    lambda v: str(v), lambda v: "%d" % v, lambda v: list(v), lambda v: v.append("scope"),
    lambda v: v[0], lambda v: len(v), lambda v: v(), lambda v: "x" in v,
])
def test_unsupported_values_raise_on_any_use(use):
    for value in (tensorflow_backend.tf_minor_version, theano_backend.NAME_SCOPE_STACK,
                  cntk_backend.dev, cntk_backend.grad_parameter_dict):
        with pytest.raises(UnsupportedError) as err:
            use(value)
        assert value._torkeras_unsupported in str(err.value)
        assert value._torkeras_unsupported.rsplit(".", 1)[-1] in repr(value)


def test_unsupported_value_identity_and_hash():
    value = UnsupportedValue("keras.x.y", "Because.")
    assert value == value and {value: 1}[value] == 1
    with pytest.raises(UnsupportedError):
        value.y = 1


# ---------------------------------------------------------------------------------------- theano
def test_pattern_broadcast():
    x = torch.zeros(1, 3)
    assert theano_backend.pattern_broadcast(x, (True, False)) is x
    with pytest.raises(ValueError, match="size 1"):
        theano_backend.pattern_broadcast(x, (False, True))
    with pytest.raises(ValueError, match="rank"):
        theano_backend.pattern_broadcast(x, (True,))


def _interleave(labels):
    out = [-1]
    for label in labels:
        out += [label, -1]
    return out


@pytest.mark.parametrize("labels", [[3, 5], [3, 3, 5], [1], [2, 2, 2, 7, 7]])
def test_theano_ctc_label_helpers(labels):
    blanks = theano_backend.ctc_interleave_blanks(torch.tensor(labels))
    assert blanks.tolist() == _interleave(labels)
    seq = _interleave(labels)
    want = [i for i in range(1, len(seq) - 2, 2) if seq[i] != seq[i + 2]]
    assert theano_backend.ctc_create_skip_idxs(blanks).tolist() == want


def test_theano_only_names():
    assert theano_backend.is_explicit_shape((None, 3)) and not theano_backend.is_explicit_shape(3)
    assert not theano_backend.is_explicit_shape((None, 3.0))
    for name in ("ctc_update_log_p", "ctc_path_probs", "ctc_cost"):
        with pytest.raises(UnsupportedError, match="ctc_batch_cost"):
            getattr(theano_backend, name)(None, None)


# ------------------------------------------------------------------------------------------ cntk
def test_classification_error_is_keras_cntk_match_fraction():
    rng = np.random.RandomState(0)
    target = np.eye(4, dtype="float32")[rng.randint(0, 4, 10)]
    output = rng.rand(10, 4).astype("float32")
    want = np.mean(target.argmax(-1) == output.argmax(-1))
    got = cntk_backend.classification_error(torch.as_tensor(target), torch.as_tensor(output))
    assert got.dtype == torch.float32
    np.testing.assert_allclose(float(got), want, rtol=1e-6)


@pytest.mark.parametrize("data_format,shape,np_pad", [
    ("channels_last", (2, 3, 4, 1), [(0, 0), (1, 2), (0, 1), (0, 0)]),
    ("channels_first", (2, 1, 3, 4), [(0, 0), (0, 0), (1, 2), (0, 1)]),
])
def test_cntk_pad(data_format, shape, np_pad):
    x = np.random.RandomState(0).rand(*shape).astype("float32")
    got = cntk_backend.pad(torch.as_tensor(x), ((1, 2), (0, 1)), data_format, 0)
    np.testing.assert_array_equal(got.numpy(), np.pad(x, np_pad))
    with pytest.raises(ValueError, match="num_dynamic_axis"):
        cntk_backend.pad(torch.as_tensor(x), ((1, 2), (0, 1)), data_format, 1)
    with pytest.raises(ValueError, match="padding pairs"):
        cntk_backend.pad(torch.as_tensor(x), ((1, 2),), data_format, 0)


def test_cntk_axes_helpers_and_unsupported_classes():
    x = torch.zeros(2, 3)
    assert cntk_backend.get_num_dynamic_axis(x) == 0 and cntk_backend.has_seq_axis(x) is False
    assert cntk_backend.b_any([False, True]) is True
    for name in ("ConvertToBatch", "ConvertToStatic", "LambdaFunc", "ReshapeBatch"):
        with pytest.raises(UnsupportedError, match=name):
            getattr(cntk_backend, name)(x)


def test_per_backend_names_resolve_through_the_list():
    for module in ("keras.backend.tensorflow_backend", "keras.backend.theano_backend",
                   "keras.backend.cntk_backend"):
        assert importlib.import_module(_aliasing.target_name(module)) in MODULES
