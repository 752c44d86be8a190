"""torkeras plugins: pluggy hooks that fill the registries (layers, losses, optimizers...).

A plugin is a package with an entry point in the ``torkeras`` group whose module implements hooks
from :mod:`torkeras.plugins.hookspecs`, each marked with :data:`hookimpl`::

    # pyproject.toml
    [project.entry-points.torkeras]
    example = "torkeras_plugin_example"

    # torkeras_plugin_example/__init__.py
    from torkeras.plugins import hookimpl

    @hookimpl
    def register_layers(register):
        from .layers import Swish
        register(Swish)

Plugins load on the first registry lookup, never on ``import torkeras``.
``TORKERAS_LOAD_PLUGINS`` is an allow-list of plugin names (distribution or entry-point names,
comma-separated); set it empty to load none but torkeras's own objects. A plugin that fails to
import, or implements a misspelled hook, is skipped with a :class:`PluginWarning`.
``python -m torkeras plugins [--json]`` lists what was found and what each plugin registered.
"""
from ..errors import PluginError
from ._manager import (PluginWarning, hook, list_plugins, load, plugins_report, register_plugin,
                       unregister_plugin)
from .hookspecs import hookimpl, hookspec

__all__ = ["hookimpl", "hookspec", "load", "hook", "register_plugin", "unregister_plugin",
           "list_plugins", "plugins_report", "PluginError", "PluginWarning"]
