"""THE only place that knows Keras-1 spellings.

The table below is data: per class or method, which positional arguments Keras 2 allows, which
keyword arguments were renamed, which values are mapped, and which arguments are dropped because they
had no effect in Keras 1.2.2. :func:`convert` applies it to constructor calls, method calls and
configs read from files (``from_config`` calls the constructor, so the decorator covers files too).

Each converted spelling warns once, with the Keras-2 call to write instead. ``TORKERAS_STRICT=1`` turns
the warnings into :class:`~torkeras.errors.LegacyArgumentError`. Giving the old and the new name
together is a ``TypeError``. Anything the table cannot translate exactly is rejected.

Sources: keras/legacy/interfaces.py @ 2.2.4, keras/layers/core.py @ 1.2.2, keras/models.py @ 1.2.2
(see ../shared/reference/keras_facts.md section 1).
"""
import functools
import os
import threading
import warnings

import numpy as np

from ..errors import LegacyArgumentError

_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": None}

#: name -> spec. ``positional``: names of the positional arguments Keras 2 accepts (None: no check).
#: ``renames``: old kwarg -> new kwarg. ``values``: old kwarg -> {old value: new value}, applied
#: before the rename. ``dropped``: old kwarg -> reason it is safe to drop (no effect in Keras 1.2.2).
TABLE = {
    "Dense": {
        "positional": ("units",),
        "renames": {
            "output_dim": "units",
            "init": "kernel_initializer",
            "W_regularizer": "kernel_regularizer",
            "b_regularizer": "bias_regularizer",
            "W_constraint": "kernel_constraint",
            "b_constraint": "bias_constraint",
            "bias": "use_bias",
        },
    },
    "Dropout": {
        "positional": ("rate", "noise_shape", "seed"),
        "renames": {"p": "rate"},
    },
    "InputLayer": {
        "positional": None,
        "renames": {"input_dtype": "dtype"},
    },
    "Layer": {
        # Base-layer keyword every Keras-1 layer accepted (engine/topology.py @ 1.2.2).
        "positional": None,
        "renames": {"input_dtype": "dtype"},
    },
    "fit": {
        "positional": None,
        "renames": {"nb_epoch": "epochs"},
        "dropped": {
            "show_accuracy": "it had no effect in Keras 1.2.2 (pass metrics=['accuracy'] to compile)",
        },
    },
    "Model": {
        "positional": None,
        "renames": {"input": "inputs", "output": "outputs"},
    },
}

#: Keras-1 module paths and the torkeras module that answers them (used by ``python -m torkeras run``).
MODULE_ALIASES = {
    "keras.objectives": "torkeras.objectives",
    "keras.initializations": "torkeras.initializations",
    "keras.utils.np_utils": "torkeras.utils.np_utils",
    "keras.engine.topology": "torkeras.engine.topology",
}

_warned = set()
_warned_lock = threading.Lock()


def strict():
    """True when ``TORKERAS_STRICT=1``: Keras-1 spellings are errors, not warnings."""
    return os.environ.get("TORKERAS_STRICT", "").strip() not in ("", "0", "false", "False")


def _short(v):
    if isinstance(v, np.ndarray):
        return "array"
    s = repr(v)
    if isinstance(v, str):
        s = '"%s"' % v
    if len(s) > 10:
        s = s[:8] + "..."
    return s


def _signature(name, args, kwargs):
    parts = [_short(a) for a in args] + ["%s=%s" % (k, _short(v)) for k, v in kwargs.items()]
    return "`%s(%s)`" % (name, ", ".join(parts))


def _report(name, old_spellings, new_args, new_kwargs):
    key = (name, tuple(sorted(old_spellings)))
    msg = ("Update your `%s` call to the Keras 2 API: %s (Keras-1 spelling: %s)."
           % (name, _signature(name, new_args, new_kwargs), ", ".join(sorted(old_spellings))))
    if strict():
        raise LegacyArgumentError(msg + " TORKERAS_STRICT=1 makes Keras-1 spellings errors.")
    with _warned_lock:
        if key in _warned:
            return
        _warned.add(key)
    warnings.warn(msg, UserWarning, stacklevel=4)


def convert(name, args, kwargs):
    """Translate a Keras-1 call of ``name`` (a class or method in :data:`TABLE`).

    Args:
        name: key of :data:`TABLE`, e.g. ``'Dense'`` or ``'fit'``.
        args: positional arguments (tuple, without ``self``).
        kwargs: keyword arguments (dict, not modified).

    Returns:
        ``(args, kwargs)`` in Keras-2 spelling.

    Raises:
        TypeError: too many positional arguments, or an old and a new name given together.
    """
    spec = TABLE.get(name)
    if spec is None:
        return args, kwargs
    allowed = spec.get("positional")
    if allowed is not None and len(args) > len(allowed):
        raise TypeError("`%s` can accept only %d positional arguments %s, but you passed %d: %r."
                        % (name, len(allowed), tuple(allowed), len(args), tuple(args)))
    renames = spec.get("renames", {})
    values = spec.get("values", {})
    dropped = spec.get("dropped", {})
    if not any(k in kwargs for k in renames) and not any(k in kwargs for k in dropped):
        return args, kwargs
    new_kwargs = {}
    old_used = []
    for key, value in kwargs.items():
        if key in dropped:
            old_used.append(key)
            continue
        if key in renames:
            new_key = renames[key]
            if new_key in kwargs:
                raise TypeError("For the `%s` argument, `%s` received both the legacy keyword argument "
                                "`%s` and the Keras 2 keyword argument `%s`. Stick to the latter!"
                                % (new_key, name, key, new_key))
            if key in values:
                vmap = values[key]
                if value not in vmap:
                    raise LegacyArgumentError(
                        "`%s`: cannot translate the Keras-1 value %s=%r; expected one of %s."
                        % (name, key, value, sorted(vmap)))
                value = vmap[value]
            old_used.append(key)
            new_kwargs[new_key] = value
        else:
            new_kwargs[key] = value
    if allowed:
        # Keras 2 allows these positionally; fold positional values into names only for the message.
        for pos_name, pos_value in zip(allowed, args):
            if pos_name in new_kwargs:
                raise TypeError("`%s` got multiple values for argument `%s`." % (name, pos_name))
    _report(name, old_used, args, new_kwargs)
    return args, new_kwargs


def legacy_interface(name):
    """Decorator for ``__init__`` (or a method) applying :func:`convert` for ``name``."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            args, kwargs = convert(name, args, kwargs)
            return func(self, *args, **kwargs)
        wrapper._legacy_name = name
        return wrapper
    return decorator


def table_rows():
    """Every (name, old, new) rename and (name, old, None) drop in the table: one test per row."""
    rows = []
    for name, spec in sorted(TABLE.items()):
        for old, new in sorted(spec.get("renames", {}).items()):
            rows.append((name, old, new))
        for old in sorted(spec.get("dropped", {})):
            rows.append((name, old, None))
    return rows


def _reset_warnings_for_tests():
    with _warned_lock:
        _warned.clear()
