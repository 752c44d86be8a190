"""Every module path of Keras 2.2.4 and 1.2.2 resolves, with the public names it had.

The list is ``tests/data/keras_modules.txt``, written from the Keras sources by
``tests/data/make_keras_module_list.py`` (see there what counts as a public name). Each module is
imported as ``torkeras.X`` (or its Keras-1 alias in ``legacy.keras1.MODULE_ALIASES``) and as
``keras.X`` through the ``python -m torkeras run`` finder.

Every module and every public name is required; the only exclusion is NOT_API (local variables
of Keras's backend loader), and a test keeps that exclusion from going stale.
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

# Not API: local variables of the backend loader in Keras 2.2.4's keras/backend/__init__.py
# (``backend_module = importlib.import_module(_BACKEND)``, ``entries = backend_module.__dict__``,
# ``required_entries = [...]``, ``namespace = globals()``) that leak into the module namespace.
# torkeras has no pluggable backend loader, so they are deliberately absent; the per-backend
# modules (which Keras did not give these names) are unaffected.
NOT_API = {"keras.backend": {"backend_module", "entries", "namespace", "required_entries"}}


def _expected(module):
    return sorted(NAMES[module] - NOT_API.get(module, set()))


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


@pytest.mark.parametrize("module", MODULES)
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


@pytest.mark.parametrize("module", MODULES)
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


def test_not_api_names_are_keras_loader_locals():
    """The excluded names are in Keras's list (so the exclusion is not stale) and absent here."""
    for module, names in NOT_API.items():
        assert names <= NAMES[module]
        mod = importlib.import_module(_aliasing.target_name(module))
        assert not [n for n in names if hasattr(mod, n)]


def test_missing_module_error_names_the_keras_path(alias_finder):
    with pytest.raises(ModuleNotFoundError, match="keras.no_such_module"):
        importlib.import_module("keras.no_such_module")


def _unsupported_names():
    found = []
    for module in MODULES:
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
