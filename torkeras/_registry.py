"""One Registry class, one instance per kind of object.

Registries map Keras names (``"Dense"``, ``"glorot_uniform"``, ``"mse"``) to objects. They are
filled by the plugin manager (``torkeras.plugins``), which registers our built-ins through the same
hooks third-party plugins use. The registry itself never imports the plugin manager: the package's
``__init__`` hands it a loader function, called once on first lookup.
"""
import difflib
import fnmatch
import threading

from .errors import RegistrationError, UnknownObjectError

_loader = None
_loading = threading.RLock()
_loaded = False
_in_progress = False


def set_loader(fn):
    """Install the function that fills the registries on first use (called by torkeras/__init__)."""
    global _loader
    _loader = fn


def ensure_loaded():
    """Run the loader once. Other threads wait until it has finished; the loading thread itself
    (whose loader registers objects and may look names up) passes through."""
    global _loaded, _in_progress
    if _loaded or _loader is None:
        return
    with _loading:
        if _loaded or _in_progress:
            return
        _in_progress = True
        try:
            _loader()
            _loaded = True
        finally:
            _in_progress = False


def reset_loaded():
    """Forget that the loader ran (tests use it after clearing registries)."""
    global _loaded
    _loaded = False


class Entry(object):
    __slots__ = ("name", "obj", "origin", "canonical")

    def __init__(self, name, obj, origin, canonical):
        self.name = name
        self.obj = obj
        self.origin = origin
        self.canonical = canonical

    def __repr__(self):
        return "Entry(%r, origin=%r)" % (self.name, self.origin)


class Registry(object):
    """Names to objects for one kind (``'layer'``, ``'loss'``, ...).

    Args:
        kind: singular noun used in messages, e.g. ``'layer'``.
        fix_hint: how a user supplies a missing object, appended to unknown-name errors.
    """

    def __init__(self, kind, fix_hint=None):
        self.kind = kind
        self._entries = {}
        self._lock = threading.RLock()
        self.fix_hint = fix_hint

    def __repr__(self):
        return "<Registry %s: %d names>" % (self.kind, len(self._entries))

    def register(self, obj, name=None, aliases=(), origin="torkeras"):
        """Register ``obj`` under ``name`` (default ``obj.__name__``) and ``aliases``.

        Raises:
            RegistrationError: a name is already taken by another object; the message names both
                origins. Registering the same object again under the same name and origin is a no-op.
        """
        if name is None:
            name = getattr(obj, "__name__", None)
        if not isinstance(name, str) or not name:
            raise RegistrationError(
                "Cannot register %r as a %s: pass name='...' (a non-empty string). Received name=%r"
                % (obj, self.kind, name))
        if isinstance(aliases, str):
            aliases = (aliases,)
        names = [name] + [a for a in aliases]
        with self._lock:
            for n in names:
                if not isinstance(n, str) or not n:
                    raise RegistrationError(
                        "%s alias must be a non-empty string. Received %r for %r" % (self.kind, n, name))
                old = self._entries.get(n)
                if old is not None and not (old.obj is obj and old.origin == origin):
                    raise RegistrationError(
                        "Cannot register %s %r from %s: the name is already registered by %s (%r). "
                        "Choose another name, or disable one of the two plugins with "
                        "TORKERAS_LOAD_PLUGINS." % (self.kind, n, origin, old.origin, old.obj))
            for n in names:
                self._entries[n] = Entry(n, obj, origin, name)
        return obj

    def unregister(self, name):
        with self._lock:
            entry = self._entries.pop(name, None)
            if entry is None:
                return
            for n in [k for k, e in self._entries.items() if e.canonical == entry.canonical
                      and e.origin == entry.origin and e.obj is entry.obj]:
                del self._entries[n]

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __contains__(self, name):
        ensure_loaded()
        return name in self._entries

    def lookup(self, name, default=None):
        """Return the object for ``name`` or ``default``; never raises."""
        ensure_loaded()
        entry = self._entries.get(name)
        return default if entry is None else entry.obj

    def get(self, name, context=None):
        """Return the object for ``name``.

        Raises:
            UnknownObjectError: with close matches and how to supply the object.
        """
        ensure_loaded()
        entry = self._entries.get(name)
        if entry is not None:
            return entry.obj
        raise UnknownObjectError(self.unknown_message(name, context))

    def unknown_message(self, name, context=None):
        close = difflib.get_close_matches(str(name), list(self._entries), n=3, cutoff=0.6)
        msg = "Unknown %s: %r" % (self.kind, name)
        if context:
            msg += " in %s" % context
        msg += "."
        if close:
            msg += " Did you mean %s?" % " or ".join(repr(c) for c in close)
        hint = self.fix_hint or (
            "Pass custom_objects={%r: <your object>} or install the plugin that provides it "
            "(list installed ones with `python -m torkeras plugins`)." % (name,))
        if "%s" in hint:
            hint = hint % (name,)
        return msg + " " + hint

    def origin(self, name):
        ensure_loaded()
        entry = self._entries.get(name)
        if entry is None:
            raise UnknownObjectError(self.unknown_message(name))
        return entry.origin

    def names(self, pattern="*", include_aliases=True):
        """Sorted names matching the shell-style wildcard ``pattern``."""
        ensure_loaded()
        with self._lock:
            items = list(self._entries.items())
        return sorted(n for n, e in items
                      if fnmatch.fnmatchcase(n, pattern) and (include_aliases or n == e.canonical))

    def entries(self):
        ensure_loaded()
        with self._lock:
            return list(self._entries.values())

    def by_origin(self, origin):
        """Canonical names registered by ``origin``."""
        with self._lock:
            return sorted({e.canonical for e in self._entries.values() if e.origin == origin})


LAYERS = Registry("layer")
LOSSES = Registry("loss")
OPTIMIZERS = Registry("optimizer")
INITIALIZERS = Registry("initializer")
ACTIVATIONS = Registry("activation")
METRICS = Registry("metric")
CALLBACKS = Registry("callback")
REGULARIZERS = Registry("regularizer")
CONSTRAINTS = Registry("constraint")

ALL = {
    "layers": LAYERS,
    "losses": LOSSES,
    "optimizers": OPTIMIZERS,
    "initializers": INITIALIZERS,
    "activations": ACTIVATIONS,
    "metrics": METRICS,
    "callbacks": CALLBACKS,
    "regularizers": REGULARIZERS,
    "constraints": CONSTRAINTS,
}
