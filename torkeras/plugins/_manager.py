"""The plugin manager: pluggy, entry points, the allow-list, and per-plugin isolation.

:func:`load` runs once, from inside the first registry lookup (``torkeras/__init__`` hands it to the
registry as its loader). It registers the built-in plugin ``torkeras``, then each installed plugin
(entry-point group ``torkeras``) that ``TORKERAS_LOAD_PLUGINS`` allows, one at a time:

1. import it; a plugin that fails to import is reported with :class:`PluginWarning` and skipped;
2. register it with pluggy and run ``check_pending()``, so a misspelled hook name is caught
   before any of its hooks run; such a plugin is reported and skipped the same way;
3. call its ``register_*`` hooks with a ``register`` callback that records the plugin as the origin
   of every name. A plugin whose hook raises is rolled back (its names leave the registries) and
   skipped, except for :class:`~torkeras.errors.RegistrationError`: a name claimed by two plugins is
   a conflict only the user can settle, so it propagates with both origins in its message.
"""
import collections
import difflib
import json
import os
import re
import textwrap
import threading
import warnings
from importlib import metadata

import pluggy

from .. import _registry
from ..errors import PluginError, RegistrationError
from . import hookspecs

ENV_VAR = "TORKERAS_LOAD_PLUGINS"
BUILTIN_NAME = "torkeras"
_LIST_LIMIT = 12  # names shown per kind in the text report


class PluginWarning(UserWarning):
    """A plugin was skipped (it failed to import, or is malformed); the rest of torkeras works."""


class _Plugin(object):
    """What torkeras knows about one plugin; ``origin`` is how it arrived."""

    def __init__(self, name, origin, obj=None, version=None, distribution=None, entry_point=None):
        self.name = name
        self.origin = origin              # 'builtin' | 'entrypoint' | 'runtime'
        self.obj = obj
        self.version = version
        self.distribution = distribution
        self.entry_point = entry_point    # 'name = module[:attr]' for entry-point plugins
        self.status = "pending"           # 'loaded' | 'failed' | 'disabled'
        self.error = None
        self.registered = {}              # registry kind -> canonical names, in order

    def as_dict(self):
        return {
            "name": self.name,
            "version": self.version,
            "origin": self.origin,
            "status": self.status,
            "distribution": self.distribution,
            "entry_point": self.entry_point,
            "registered": {kind: list(self.registered[kind])
                           for kind in _registry.ALL if self.registered.get(kind)},
            "error": self.error,
        }


_lock = threading.RLock()
_pm = None
_plugins = {}  # name -> _Plugin, in load order
_runtime = {}  # name -> object, for plugins added with register_plugin (kept across reloads)


# ---------------------------------------------------------------------------------------- loading
def load():
    """Build the plugin manager and fill the registries (again, if they were filled before).

    Called by the first registry lookup; call it yourself only to reload after changing
    ``TORKERAS_LOAD_PLUGINS``. Plugins added with :func:`register_plugin` are registered again.

    Returns:
        The ``pluggy.PluginManager``.

    Raises:
        RegistrationError: two plugins registered the same name (the message names both).
    """
    global _pm
    with _lock:
        _teardown()
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        _pm = pm

        from .. import __version__
        from . import builtin
        _activate(_Plugin(BUILTIN_NAME, "builtin", builtin, version=__version__), isolate=False)

        allow = _allow_list()
        matched = set()
        for plugin, entry_point in _discover():
            keys = {_norm(plugin.name), _norm(plugin.distribution or ""), _norm(entry_point.name)}
            if allow is not None and not keys & allow:
                plugin.status = "disabled"
                _plugins[plugin.name] = plugin
                continue
            matched |= keys
            _load_entry_point(plugin, entry_point)
        if allow:
            missing = sorted(allow - matched - {BUILTIN_NAME})
            if missing:
                installed = [p.name for p in _plugins.values() if p.origin == "entrypoint"]
                warnings.warn(
                    "%s names %s, but no installed torkeras plugin has that name (installed: %s). "
                    "Use the distribution name or the entry-point name, as `python -m torkeras "
                    "plugins` lists them." % (ENV_VAR, ", ".join(repr(m) for m in missing),
                                               ", ".join(installed) or "none"),
                    PluginWarning, stacklevel=2)

        for name, obj in list(_runtime.items()):
            _activate(_Plugin(name, "runtime", obj, version=getattr(obj, "__version__", None)))
        return pm


def reset():
    """Forget every plugin and what it registered; the next registry lookup loads again (tests)."""
    with _lock:
        _teardown()
        _runtime.clear()
    _registry.reset_loaded()


def _ensure_loaded():
    _registry.ensure_loaded()
    if _pm is None:
        load()


def _teardown():
    global _pm
    for plugin in reversed(list(_plugins.values())):
        _rollback(plugin)
    _plugins.clear()
    _pm = None


def _allow_list():
    value = os.environ.get(ENV_VAR)
    if value is None:
        return None
    return {_norm(name) for name in value.split(",") if name.strip()}


def _norm(name):
    """Compare plugin names as pip does: case-insensitive, ``-``/``_``/``.`` alike."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def _discover():
    """``(_Plugin, entry point)`` for each entry point of group ``torkeras``; nothing imported."""
    try:
        found = [(ep.dist, ep) for ep in metadata.entry_points(group=hookspecs.PROJECT)]
    except TypeError:  # Python 3.9: no selection, no EntryPoint.dist
        found, seen = [], set()
        for dist in metadata.distributions():
            key = _norm(dist.metadata["Name"] or "")
            if key not in seen:
                seen.add(key)
                found.extend((dist, ep) for ep in dist.entry_points
                             if ep.group == hookspecs.PROJECT)
    found = [(dist.metadata["Name"] if dist is not None else None,
              dist.version if dist is not None else None, ep) for dist, ep in found]
    per_dist = collections.Counter(dist_name for dist_name, _, _ in found)
    out = []
    for dist_name, version, ep in found:
        name = dist_name or ep.name
        if dist_name and per_dist[dist_name] > 1:  # one distribution, several plugins
            name = "%s:%s" % (dist_name, ep.name)
        out.append((_Plugin(name, "entrypoint", version=version, distribution=dist_name,
                            entry_point="%s = %s" % (ep.name, ep.value)), ep))
    return out


def _load_entry_point(plugin, entry_point):
    _plugins[plugin.name] = plugin
    try:
        plugin.obj = entry_point.load()
    except Exception as e:  # a broken plugin must not break torkeras: report it, skip it
        _fail(plugin, "failed to import (%s: %s)" % (type(e).__name__, e))
        return
    _activate(plugin)


def _activate(plugin, isolate=True):
    """Register ``plugin`` with pluggy, check its hook names, run its register hooks."""
    _plugins[plugin.name] = plugin
    pm, obj = _pm, plugin.obj
    try:
        pm.register(obj, name=plugin.name)
    except (ValueError, pluggy.PluginValidationError) as e:
        if not isolate:
            raise
        _fail(plugin, "was refused by pluggy (%s)" % "; ".join(str(e).splitlines()))
        return
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as e:
        unknown = sorted(c.name for c in pm.get_hookcallers(obj) or () if not c.has_spec())
        pm.unregister(obj)
        if not unknown:
            raise  # an earlier plugin slipped through; never expected
        reason = _unknown_hooks_reason(pm, unknown)
        error = PluginError("torkeras plugin %r %s." % (plugin.name, reason))
        if not isolate:
            raise error from e
        _fail(plugin, reason, error=str(error))
        return

    others = [p for p in pm.get_plugins() if p is not obj]
    hook_name = None
    try:
        for kind, registry in _registry.ALL.items():
            hook_name = "register_" + kind
            caller = pm.subset_hook_caller(hook_name, remove_plugins=others)
            caller(register=_register_callback(plugin, kind, registry))
    except RegistrationError as e:
        _deactivate(plugin)
        plugin.status, plugin.error = "failed", str(e)
        raise
    except Exception as e:  # isolate the plugin: roll back what it registered, report, skip
        if not isolate:
            raise
        _deactivate(plugin)
        _fail(plugin, "raised %s in %s (%s)" % (type(e).__name__, hook_name, e))
        return
    plugin.status = "loaded"


def _register_callback(plugin, kind, registry):
    def register(obj, name=None, aliases=()):
        registry.register(obj, name=name, aliases=aliases, origin=plugin.name)
        names = plugin.registered.setdefault(kind, [])
        canonical = name if name is not None else obj.__name__
        if canonical not in names:
            names.append(canonical)
        return obj
    register.__doc__ = ("Register ``obj`` in the %s registry as coming from plugin %r: "
                        "``register(obj, name=None, aliases=())``." % (kind, plugin.name))
    return register


def _unknown_hooks_reason(pm, unknown):
    known = sorted(n for n, caller in vars(pm.hook).items() if caller.has_spec())
    parts = []
    for hook_name in unknown:
        close = difflib.get_close_matches(hook_name, known, n=1)
        parts.append("%r%s" % (hook_name, " (did you mean %r?)" % close[0] if close else ""))
    return ("implements unknown hook %s; torkeras hooks are %s. Rename the function, or mark it "
            "@hookimpl(optionalhook=True) if it is meant for a later torkeras"
            % (", ".join(parts), ", ".join(known)))


def _fail(plugin, reason, error=None):
    plugin.status, plugin.error = "failed", error or reason
    where = " (entry point %s)" % plugin.entry_point if plugin.entry_point else ""
    warnings.warn(
        "torkeras plugin %r%s was skipped because it %s. The rest of torkeras works; fix or "
        "uninstall the plugin, or leave it out of %s." % (plugin.name, where, reason, ENV_VAR),
        PluginWarning, stacklevel=2)


def _rollback(plugin):
    """Remove from the registries every name ``plugin`` registered."""
    for kind, names in plugin.registered.items():
        registry = _registry.ALL[kind]
        owned = set(registry.by_origin(plugin.name))
        for name in names:
            if name in owned:
                registry.unregister(name)
    plugin.registered = {}


def _deactivate(plugin):
    _rollback(plugin)
    if _pm is not None and _pm.get_plugin(plugin.name) is not None:
        _pm.unregister(name=plugin.name)


# ---------------------------------------------------------------------------------------- runtime
def register_plugin(obj, name=None):
    """Register an in-process plugin (a module, class or object with ``@hookimpl`` functions).

    Its ``register_*`` hooks run at once. Meant for tests and notebooks; installed packages use
    the ``torkeras`` entry-point group instead.

    Args:
        obj: the plugin.
        name: its name, which becomes the origin of what it registers; default ``obj.__name__``.

    Returns:
        The plugin's name, or ``None`` when it was skipped (a :class:`PluginWarning` says why).

    Raises:
        PluginError: a plugin of that name is already loaded.
        RegistrationError: it registered a name that another plugin holds (nothing it
            registered is kept).

    Example:
        >>> class MyPlugin:
        ...     @hookimpl
        ...     def register_activations(register):
        ...         register(lambda x: x * 2, name="double")
        >>> torkeras.plugins.register_plugin(MyPlugin)
        'MyPlugin'
    """
    _ensure_loaded()
    with _lock:
        if name is None:
            name = getattr(obj, "__name__", None) or type(obj).__name__
        old = _plugins.get(name)
        if old is not None and old.status == "loaded":
            raise PluginError("A torkeras plugin named %r is already loaded (%s). Pass another "
                              "name=..., or call unregister_plugin(%r) first."
                              % (name, old.origin, name))
        _plugins.pop(name, None)
        plugin = _Plugin(name, "runtime", obj, version=getattr(obj, "__version__", None))
        _activate(plugin)
        if plugin.status != "loaded":
            return None
        _runtime[name] = obj
        return name


def unregister_plugin(name):
    """Remove plugin ``name`` and every name it registered (until the next :func:`load`).

    Raises:
        PluginError: no such plugin, or ``name`` is the built-in plugin ``'torkeras'``.
    """
    with _lock:
        plugin = _plugins.get(name)
        if plugin is None:
            raise PluginError("No torkeras plugin named %r. Plugins: %s."
                              % (name, ", ".join(_plugins) or "none loaded yet"))
        if plugin.origin == "builtin":
            raise PluginError("The built-in plugin %r cannot be unregistered." % (name,))
        _deactivate(plugin)
        del _plugins[name]
        _runtime.pop(name, None)


def hook():
    """The pluggy hook relay (loads plugins first): ``hook().upgrade_layer_config(...)``.

    Call hooks with keyword arguments only.
    """
    _ensure_loaded()
    return _pm.hook


# ---------------------------------------------------------------------------------------- listing
def list_plugins():
    """Every plugin torkeras found, in load order.

    Returns:
        A list of dicts: ``name``, ``version``, ``origin`` (``'builtin'``, ``'entrypoint'`` or
        ``'runtime'``), ``status`` (``'loaded'``, ``'failed'`` or ``'disabled'`` by
        ``TORKERAS_LOAD_PLUGINS``), ``distribution``, ``entry_point``, ``registered``
        (``{kind: [names]}``, kinds as in ``'layers'``) and ``error`` (``None`` or why it failed).
    """
    _ensure_loaded()
    with _lock:
        return [p.as_dict() for p in _plugins.values()]


def plugins_report(as_json=False):
    """The text of ``python -m torkeras plugins [--json]``.

    A name conflict between two plugins stops loading; the report still shows the plugins seen so
    far and the conflict, so it can be settled.
    """
    conflict = None
    try:
        plugins = list_plugins()
    except RegistrationError as e:
        conflict = e
        with _lock:
            plugins = [p.as_dict() for p in _plugins.values()]
    if as_json:
        return json.dumps(plugins, indent=2)

    value = os.environ.get(ENV_VAR)
    if value is None:
        lines = ["%s is not set: every installed plugin loads." % ENV_VAR]
    elif not value.strip():
        lines = ["%s is empty: only torkeras's built-ins load." % ENV_VAR]
    else:
        lines = ["%s=%s: only these plugins load (built-ins always do)." % (ENV_VAR, value)]
    for p in plugins:
        lines.append("")
        where = "entry point %s" % p["entry_point"] if p["entry_point"] else p["origin"]
        status = p["status"]
        if status == "disabled":
            status = "disabled (not in %s)" % ENV_VAR
        lines.append("%s %s (%s): %s" % (p["name"], p["version"] or "(no version)", where, status))
        for kind, names in p["registered"].items():
            shown = ", ".join(sorted(names)[:_LIST_LIMIT])
            if len(names) > _LIST_LIMIT:
                shown += ", ... (%d in all)" % len(names)
            lines.append(_wrap("%s: %s" % (kind, shown)))
        if p["error"]:
            lines.append(_wrap("error: %s" % p["error"]))
    if conflict is not None:
        lines += ["", "Loading stopped: %s" % conflict]
    return "\n".join(lines)


def _wrap(text):
    return textwrap.fill(text, width=100, initial_indent="    ", subsequent_indent="        ",
                         break_long_words=False, break_on_hyphens=False)
