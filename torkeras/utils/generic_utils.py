"""Keras's generic utilities: custom-object scopes, (de)serialization helpers, Progbar."""
import sys
import threading


_GLOBAL_CUSTOM_OBJECTS = {}
_scope_local = threading.local()


def _scopes():
    stack = getattr(_scope_local, "stack", None)
    if stack is None:
        stack = _scope_local.stack = []
    return stack


class CustomObjectScope(object):
    """Context in which names resolve to the given objects before the registries are consulted.

    Example:
        >>> with CustomObjectScope({'MyLayer': MyLayer}):
        ...     model = load_model('m.h5')
    """

    def __init__(self, *args):
        self.custom_objects = {}
        for a in args:
            if not isinstance(a, dict):
                raise TypeError("CustomObjectScope expects dicts of name -> object. Received %r" % (a,))
            self.custom_objects.update(a)

    def __enter__(self):
        _scopes().append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scopes().pop()


def custom_object_scope(*args):
    """Return a :class:`CustomObjectScope` (Keras's function spelling)."""
    return CustomObjectScope(*args)


def get_custom_objects():
    """The global dict of custom objects (Keras 2.2.4); entries resolve before the registries."""
    return _GLOBAL_CUSTOM_OBJECTS


def lookup_custom(name, custom_objects=None):
    """Look ``name`` up in explicit custom_objects, the active scopes, then the global dict."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for scope in reversed(_scopes()):
        if name in scope:
            return scope[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    return None


def serialize_keras_object(instance):
    """``{'class_name', 'config'}`` for objects with get_config, the name for functions."""
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        return {"class_name": instance.__class__.__name__, "config": instance.get_config()}
    if hasattr(instance, "__name__"):
        return instance.__name__
    raise ValueError("Cannot serialize %r: it has neither get_config() nor __name__." % (instance,))


def deserialize_keras_object(identifier, registry, custom_objects=None,
                             printable_module_name="object", context=None):
    """Resolve a string or ``{'class_name', 'config'}`` through custom objects then ``registry``.

    Classes are instantiated with ``from_config`` (given ``custom_objects`` when they accept it);
    functions named by strings are returned as they are.
    """
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError("Improper config format for %s: expected {'class_name': ..., 'config': ...}. "
                             "Received %r" % (printable_module_name, identifier))
        class_name = identifier["class_name"]
        cls = lookup_custom(class_name, custom_objects)
        if cls is None:
            cls = registry.get(class_name, context=context)
        config = identifier["config"]
        if hasattr(cls, "from_config"):
            import inspect
            try:
                params = inspect.signature(cls.from_config).parameters
            except (TypeError, ValueError):
                params = {}
            if "custom_objects" in params:
                merged = {}
                merged.update(_GLOBAL_CUSTOM_OBJECTS)
                for scope in _scopes():
                    merged.update(scope)
                merged.update(custom_objects or {})
                return cls.from_config(config, custom_objects=merged)
            with CustomObjectScope(custom_objects or {}):
                return cls.from_config(config)
        with CustomObjectScope(custom_objects or {}):
            return cls(**config)
    if isinstance(identifier, str):
        obj = lookup_custom(identifier, custom_objects)
        if obj is None:
            obj = registry.get(identifier, context=context)
        return obj
    raise ValueError("Could not interpret serialized %s: %r" % (printable_module_name, identifier))


def get_instance(identifier, deserialize, base_class, kind, example):
    """Keras's ``get()`` for class-based objects (initializers, regularizers, constraints).

    None -> None; a dict -> ``deserialize(dict)``; a name -> a new instance with default arguments
    (a name bound to a plain function in custom_objects gives that function); a subclass of
    ``base_class`` -> an instance; any other callable -> itself.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        custom = lookup_custom(identifier)
        if custom is not None and not isinstance(custom, type):
            return custom  # a user's function named in a saved config
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, type) and issubclass(identifier, base_class):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret %s identifier: %r. Expected a name such as %r, a "
                     "{'class_name', 'config'} dict, a callable, or None." % (kind, identifier, example))


def to_list(x):
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def unpack_singleton(x):
    if isinstance(x, list) and len(x) == 1:
        return x[0]
    return x


def has_arg(fn, name, accept_all=False):
    import inspect
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    if accept_all and any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values()):
        return True
    return name in sig.parameters


def _stdout_isatty():
    try:
        return sys.stdout.isatty() or "ipykernel" in sys.modules
    except (AttributeError, ValueError):
        return False


from ._progbar import Progbar  # noqa: E402,F401  (defined in its own module)
