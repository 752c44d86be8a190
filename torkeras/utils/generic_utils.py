"""Keras's generic utilities: custom-object scopes, (de)serialization helpers, Progbar."""
import sys
import threading
import types


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


def to_list(x, allow_tuple=False):
    """``x`` as a list: a list as is, a tuple as a list when ``allow_tuple``, anything else
    (a tuple too, by default) wrapped in a one-element list (Keras 2.2.4).

    Example:
        >>> to_list((1, 2)), to_list((1, 2), allow_tuple=True)
        ([(1, 2)], [1, 2])
    """
    if isinstance(x, list):
        return x
    if allow_tuple and isinstance(x, tuple):
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


def object_list_uid(object_list):
    """A string naming the objects of ``object_list`` by ``id`` (Keras's cache key).

    Example:
        >>> object_list_uid([a, b])
        '140234..., 140235...'
    """
    return ", ".join(str(abs(id(x))) for x in to_list(object_list))


def is_all_none(iterable_or_element):
    """True when every element (or the single element) is None.

    Example:
        >>> is_all_none([None, None]), is_all_none((None, 1))
        (True, False)
    """
    return all(e is None for e in to_list(iterable_or_element, allow_tuple=True))


def slice_arrays(arrays, start=None, stop=None):
    """``arrays[start:stop]``, or for a list each array sliced (None entries stay None).

    ``start`` may be a list/array of indices (then ``stop`` is ignored). As Keras 2.2.4, ``None``
    arrays give ``[None]``, and a non-list ``arrays`` with an integer ``start`` that cannot be
    sliced gives ``[None]``.

    Example:
        >>> slice_arrays([x, y], 0, 10)
    """
    if arrays is None:
        return [None]
    if hasattr(start, "__len__") and hasattr(start, "shape"):
        start = start.tolist()
    if isinstance(arrays, list):
        if hasattr(start, "__len__"):
            return [None if x is None else x[start] for x in arrays]
        return [None if x is None else x[start:stop] for x in arrays]
    if hasattr(start, "__len__"):
        return arrays[start]
    if hasattr(start, "__getitem__"):
        return arrays[start:stop]
    return [None]


def transpose_shape(shape, target_format, spatial_axes):
    """Reorder a channels-last ``shape`` for ``target_format`` (Keras 2.2.4).

    Args:
        shape: tuple or list in channels_last order.
        target_format: ``'channels_first'`` or ``'channels_last'``.
        spatial_axes: indices of the spatial axes in ``shape``.

    Example:
        >>> transpose_shape((16, 128, 128, 32), 'channels_first', spatial_axes=(1, 2))
        (16, 32, 128, 128)
    """
    if target_format == "channels_first":
        values = tuple(shape[:spatial_axes[0]]) + (shape[-1],) + tuple(shape[x] for x in spatial_axes)
        return list(values) if isinstance(shape, list) else values
    if target_format == "channels_last":
        return shape
    raise ValueError('The `data_format` argument must be one of "channels_first", "channels_last". '
                     'Received: %r' % (target_format,))


def func_dump(func):
    """Serialize a Python function as ``(base64 marshal of its code, defaults, closure values)``.

    The result can run arbitrary code when loaded: :func:`func_load` refuses it unless the caller
    opts in with ``safe_mode=False``. (The one marshal home is ``torkeras.layers.core``, whose
    ``Lambda`` writes the same triple.)

    Example:
        >>> code, defaults, closure = func_dump(lambda x: x + 1)
    """
    from ..layers.core import _dump_function
    return _dump_function(func)


def func_load(code, defaults=None, closure=None, globs=None, safe_mode=None):
    """Rebuild a function written by :func:`func_dump` (marshaled Python bytecode).

    Bytecode can do anything when run, so this refuses unless ``safe_mode=False`` is passed here or
    to an enclosing load (``load_model(..., safe_mode=False)``).

    Args:
        code: the code string, or the whole ``(code, defaults, closure)`` tuple.
        defaults, closure: the function's defaults and closure values.
        globs: the globals the function sees (default: those of ``torkeras.layers.core``).
        safe_mode: pass False to allow loading bytecode.

    Example:
        >>> fn = func_load(func_dump(lambda x: x + 1), safe_mode=False)
    """
    from ..saving import _safety
    if not _safety.unsafe_allowed(safe_mode):
        raise ValueError("func_load: loading marshaled Python bytecode can run arbitrary code, so it "
                         "is refused. If you trust its source, call func_load(..., safe_mode=False).")
    from ..layers.core import _load_function
    fn = _load_function(code, defaults, closure)
    if globs is None:
        return fn
    return types.FunctionType(fn.__code__, globs, name=fn.__name__, argdefs=fn.__defaults__,
                              closure=fn.__closure__)


# Keras 1.2.2 helpers (torkeras.legacy.objects).
from ..legacy.objects import get_from_module, make_tuple  # noqa: E402,F401


def _stdout_isatty():
    try:
        return sys.stdout.isatty() or "ipykernel" in sys.modules
    except (AttributeError, ValueError):
        return False


from ._progbar import Progbar  # noqa: E402,F401  (defined in its own module)
