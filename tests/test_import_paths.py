"""Every module path of Keras 2.2.4 and 1.2.2 resolves, with the public names it had.

The list is ``tests/data/keras_modules.txt``, written from the Keras sources by
``tests/data/make_keras_module_list.py`` (see there what counts as a public name). Each module is
imported as ``torkeras.X`` (or its Keras-1 alias in ``legacy.keras1.MODULE_ALIASES``) and as
``keras.X`` through the ``python -m torkeras run`` finder.

PENDING_MODULES and PENDING_NAMES list what other work items still owe (applications, backend,
Keras-1 layer/regularizer/metric names...). They may only shrink: a test fails as soon as a pending
module imports or a pending name exists, so the lists cannot go stale.
"""
import importlib
import os
import sys

import pytest

import torkeras
from torkeras import _aliasing
from torkeras.utils._unsupported import UnsupportedError

LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "keras_modules.txt")


def _entries():
    entries = []
    with open(LIST) as f:
        for line in f:
            tag, module, *names = line.split()
            entries.append((tag, module, names))
    return entries


ENTRIES = _entries()
MODULES = sorted({module for _, module, _ in ENTRIES})
NAMES = {}
for _tag, _module, _names in ENTRIES:
    NAMES.setdefault(_module, set()).update(_names)

# Modules other work items have not written yet (keras.applications: applications item; the
# per-backend modules and backend.common: backend item).
PENDING_MODULES = {
    "keras.applications.audio_conv_utils",
    "keras.applications.music_tagger_crnn",
    "keras.backend.cntk_backend",
    "keras.backend.tensorflow_backend",
    "keras.backend.theano_backend",
}

PENDING_NAMES = {
    "keras.backend.common": "legacy_weight_ordering set_legacy_weight_ordering",
    "keras.backend": (
        "Function asymmetric_spatial_2d_padding asymmetric_temporal_padding atrous_conv2d "
        "backend_module batch_normalization conv2d_transpose conv3d conv3d_transpose "
        "ctc_label_dense_to_sparse deconv2d depthwise_conv2d entries foldl foldr "
        "legacy_weight_ordering lesser lesser_equal local_conv1d local_conv2d map_fn namespace "
        "normalize_batch_in_training pool3d py_all py_any py_slice py_sum required_entries "
        "resize_images resize_volumes rnn separable_conv1d separable_conv2d "
        "set_legacy_weight_ordering spatial_2d_padding spatial_3d_padding temporal_padding "
        "tf_major_version tf_minor_version"
    ),
    "keras.layers": "ConvRNN2D",
    "keras.layers.convolutional_recurrent": "ConvRNN2D",
    "keras.utils.data_utils": "get_index init_pool init_pool_generator next_sample urlretrieve",
}

PENDING_NAMES = {k: set(v.split()) for k, v in PENDING_NAMES.items()}


def _expected(module):
    return sorted(NAMES[module] - PENDING_NAMES.get(module, set()))


def _missing(mod, names):
    return [n for n in names if not hasattr(mod, n)]


def test_list_covers_both_versions():
    tags = {tag for tag, _, _ in ENTRIES}
    assert tags == {"2.2.4", "1.2.2"}
    for module in ("keras.layers.core", "keras.engine.topology", "keras.utils.vis_utils",
                   "keras.utils.visualize_util", "keras.wrappers.scikit_learn", "keras.initializations",
                   "keras.legacy.interfaces", "keras.utils.multi_gpu_utils"):
        assert module in MODULES
    assert {"Dense", "Dropout", "Lambda"} <= NAMES["keras.layers.core"]
    assert {"KerasClassifier", "KerasRegressor", "BaseWrapper"} <= NAMES["keras.wrappers.scikit_learn"]


@pytest.mark.parametrize("module", [m for m in MODULES if m not in PENDING_MODULES])
def test_module_resolves_under_torkeras(module):
    mod = importlib.import_module(_aliasing.target_name(module))
    assert mod.__name__.startswith("torkeras")
    missing = _missing(mod, _expected(module))
    assert not missing, "%s (%s) lacks Keras's public names %s" % (module, mod.__name__, missing)


@pytest.fixture(scope="module")
def alias_finder():
    if "keras" in sys.modules and not sys.modules["keras"].__name__.startswith("torkeras"):
        pytest.fail("a real `keras` is imported in this process; the alias finder cannot be tested")
    _aliasing.install()
    yield
    _aliasing.uninstall()


@pytest.mark.parametrize("module", [m for m in MODULES if m not in PENDING_MODULES])
def test_module_resolves_under_alias(alias_finder, module):
    mod = importlib.import_module(module)
    assert mod is importlib.import_module(_aliasing.target_name(module))
    assert sys.modules[module] is mod
    missing = _missing(mod, _expected(module))
    assert not missing, "keras path %s lacks %s" % (module, missing)


def test_from_imports_under_alias(alias_finder):
    ns = {}
    exec("from keras.layers.convolutional import Convolution2D\n"
         "from keras.utils.visualize_util import plot\n"
         "from keras.engine.topology import Layer, InputSpec\n"
         "from keras.wrappers.scikit_learn import KerasClassifier\n"
         "from keras.legacy import interfaces\n"
         "from keras.utils import plot_model, multi_gpu_model, conv_utils\n", ns)
    assert ns["KerasClassifier"] is torkeras.wrappers.scikit_learn.KerasClassifier
    assert ns["plot"] is torkeras.legacy.visualize_util.plot
    assert ns["interfaces"] is importlib.import_module("torkeras.legacy.interfaces")


@pytest.mark.parametrize("module", sorted(PENDING_MODULES))
def test_pending_module_is_still_missing(module):
    """Fails when a pending module starts to exist: then delete it from PENDING_MODULES."""
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(_aliasing.target_name(module))


@pytest.mark.parametrize("module", sorted(PENDING_NAMES))
def test_pending_names_are_still_missing(module):
    """Fails when a pending name starts to exist: then delete it from PENDING_NAMES."""
    assert module in NAMES and PENDING_NAMES[module] <= NAMES[module], "not a Keras name"
    mod = importlib.import_module(_aliasing.target_name(module))
    present = sorted(n for n in PENDING_NAMES[module] if hasattr(mod, n))
    assert not present, "now present in %s, remove from PENDING_NAMES: %s" % (module, present)


def test_missing_module_error_names_the_keras_path(alias_finder):
    with pytest.raises(ModuleNotFoundError, match="keras.no_such_module"):
        importlib.import_module("keras.no_such_module")


def _unsupported_names():
    found = []
    for module in MODULES:
        if module in PENDING_MODULES:
            continue
        mod = importlib.import_module(_aliasing.target_name(module))
        for name in sorted(NAMES[module]):
            obj = getattr(mod, name, None)
            if getattr(obj, "_torkeras_unsupported", None):
                found.append((module, name, obj))
    return found


def test_unsupported_names_raise_naming_themselves():
    found = _unsupported_names()
    assert {(m, n) for m, n, _ in found} >= {
        ("keras.engine.training_arrays", "fit_loop"), ("keras.engine.saving", "pickle_model"),
        ("keras.engine.training_utils", "standardize_input_data"),
        ("keras.utils.test_utils", "layer_test")}
    for module, name, obj in found:
        with pytest.raises(UnsupportedError) as err:
            obj(None)
        assert obj._torkeras_unsupported in str(err.value) and name in str(err.value)
        assert isinstance(err.value, NotImplementedError)
