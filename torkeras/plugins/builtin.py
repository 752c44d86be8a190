"""torkeras's own objects, registered through the same hooks as third-party plugins.

Each object module (``torkeras.layers``, ``torkeras.losses``...) lists what it provides with
``_builtin_objects()`` -> ``[(obj, name, aliases), ...]``. The modules are imported inside the
hooks, not here: this plugin is loaded from inside the first registry lookup, and importing it must
not start another one.
"""
import importlib

from ..errors import PluginError
from .hookspecs import hookimpl


def _register_from(module_name, register):
    module = importlib.import_module("torkeras." + module_name)
    listing = getattr(module, "_builtin_objects", None)
    if listing is None:
        raise PluginError(
            "torkeras.%s has no _builtin_objects(), so its objects cannot be registered. If it "
            "exists further down the file, a registry lookup ran while torkeras.%s was still being "
            "imported: move that lookup out of import time." % (module_name, module_name))
    for obj, name, aliases in listing():
        register(obj, name=name, aliases=aliases)


@hookimpl
def register_layers(register):
    _register_from("layers", register)


@hookimpl
def register_losses(register):
    _register_from("losses", register)


@hookimpl
def register_optimizers(register):
    _register_from("optimizers", register)


@hookimpl
def register_initializers(register):
    _register_from("initializers", register)


@hookimpl
def register_activations(register):
    _register_from("activations", register)


@hookimpl
def register_metrics(register):
    _register_from("metrics", register)


@hookimpl
def register_callbacks(register):
    _register_from("callbacks", register)


@hookimpl
def register_regularizers(register):
    _register_from("regularizers", register)


@hookimpl
def register_constraints(register):
    _register_from("constraints", register)
