"""What a file may make torkeras do while it loads (plain data, no h5py here).

* Safe mode: marshaled Python bytecode (Lambda / Merge functions) only when the caller passes
  ``safe_mode=False``.
* Allocation budget: while a model is built from a file's ``model_config``, every weight the
  layers create is charged, before it is allocated, against the number of values the file's weight
  datasets hold (plus :data:`ALLOCATION_SLACK`). A config asking for ``Dense(units=10**12)`` next to
  a few kilobytes of weights therefore fails with :class:`HDF5FormatError` naming the layer, and
  nothing large is allocated. ``Layer.add_weight`` calls :func:`check_weight_allocation`.
* Locating errors: :func:`failing_layer` names the layer whose configuration or build raised, so
  a corrupt ``model_config`` is reported by layer.

Class names in a file resolve only through ``custom_objects``, the custom-object scopes and the
registries (``utils.generic_utils.deserialize_keras_object``); a file's ``module``,
``registered_name`` or dotted class names are never imported.
"""
import contextlib
import threading

from ..errors import HDF5FormatError

_state = threading.local()

#: Values a model built from a file may create beyond those its weight datasets hold (a margin for
#: weights a torkeras layer keeps that another writer did not save): 16 Mi values, 64 MiB of float32.
ALLOCATION_SLACK = 1 << 24


def unsafe_allowed(safe_mode=None):
    """True only when the caller passed ``safe_mode=False`` (here or to an enclosing load)."""
    if safe_mode is not None:
        return safe_mode is False
    return getattr(_state, "safe_mode", True) is False


@contextlib.contextmanager
def safe_mode_scope(safe_mode):
    """Within the block, :func:`unsafe_allowed` answers for ``safe_mode`` (None: safe)."""
    previous = getattr(_state, "safe_mode", True)
    _state.safe_mode = True if safe_mode is None else bool(safe_mode)
    try:
        yield
    finally:
        _state.safe_mode = previous


class _Budget(object):
    def __init__(self, limit, file_values, source):
        self.remaining = limit
        self.file_values = file_values
        self.source = source


@contextlib.contextmanager
def weight_budget(file_values, source):
    """Cap the weight values created in this thread within the block.

    Args:
        file_values: how many values the file's weight datasets hold (from their shapes, nothing
            read); the cap is this plus :data:`ALLOCATION_SLACK`.
        source: the file, named in the error.

    Example:
        >>> with weight_budget(60, "m.h5"):
        ...     model = model_from_config(config)
    """
    previous = getattr(_state, "budget", None)
    _state.budget = _Budget(int(file_values) + ALLOCATION_SLACK, int(file_values), source)
    try:
        yield
    finally:
        _state.budget = previous


def check_weight_allocation(layer, weight_name, shape):
    """Charge a weight of ``shape`` about to be created by ``layer`` to the active budget.

    Does nothing outside :func:`weight_budget`.

    Raises:
        HDF5FormatError: the weight would take the model past the values its file holds.
    """
    budget = getattr(_state, "budget", None)
    if budget is None:
        return
    count = 1
    for dim in shape:
        count *= int(dim)
    if count > budget.remaining:
        raise HDF5FormatError(
            "%r: layer %r (%s) would create weight %r of shape %s (%d values), but the file's weight "
            "datasets hold %d values in all: its model_config does not match its weights (a corrupt "
            "or crafted file). Nothing was allocated for it."
            % (budget.source, getattr(layer, "name", None), type(layer).__name__, weight_name,
               tuple(shape), count, budget.file_values))
    budget.remaining -= count


def failing_layer(exc):
    """``(name, class_name)`` of the innermost layer being configured or built when ``exc`` was
    raised, read from its traceback; None when no layer was involved.

    Example:
        >>> failing_layer(error)
        ('dense_1', 'Dense')
    """
    from ..engine.network import Network
    from ..engine.base_layer import Layer
    found = None
    tb = exc.__traceback__
    while tb is not None:
        local = tb.tb_frame.f_locals
        obj = local.get("self")
        identifier = local.get("identifier")
        if isinstance(obj, Layer) and not isinstance(obj, Network):
            name = obj.__dict__.get("name")
            found = (name, type(obj).__name__) if name else found
        elif isinstance(identifier, dict) and isinstance(identifier.get("config"), dict):
            name = identifier["config"].get("name")
            if isinstance(name, str) and identifier.get("class_name") not in ("Sequential", "Model"):
                found = (name, str(identifier.get("class_name")))
        tb = tb.tb_next
    return found
