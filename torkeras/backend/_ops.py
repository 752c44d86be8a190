"""Keras backend functions (``keras.backend``) over torch tensors, gathered from their families.

Families: :mod:`._ops_math` (reductions, elementwise, shapes), :mod:`._ops_nn` (activations,
losses, CTC), :mod:`._ops_conv` (convolution, pooling, resizing, padding), :mod:`._ops_random`,
:mod:`._ops_graph` (placeholders, ``function``, ``gradients``, learning phase) and
:mod:`._ops_control` (``rnn``, ``map_fn``, folds, batch statistics); Keras-1 names come from
:mod:`torkeras.legacy.backend_compat`. Every function taking tensors accepts symbolic values too
(Keras tensors, placeholders): it then returns a :class:`~._ops_graph.SymbolicTensor` that
``K.function`` evaluates.
"""
from . import _ops_control, _ops_conv, _ops_graph, _ops_math, _ops_nn, _ops_random
from ._ops_graph import symbolic_aware
from ._ops_math import _torch_dtype  # noqa: F401  (used by initializers)

#: Functions that inspect their argument rather than compute with it: never recorded symbolically.
_INSPECTORS = frozenset(["is_tensor", "is_sparse", "dtype", "int_shape", "ndim", "cast_to_floatx",
                         "to_tensor", "get_variable_shape"])

__all__ = []
for _module in (_ops_math, _ops_nn, _ops_conv, _ops_random):
    for _name in _module.__all__:
        _fn = getattr(_module, _name)
        globals()[_name] = _fn if _name in _INSPECTORS else symbolic_aware(_fn)
        __all__.append(_name)
# _ops_graph and _ops_control (loops taking Python callables, tuple results) handle symbolic
# arguments themselves.
for _module in (_ops_graph, _ops_control):
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
Function = _ops_graph.Function   # the class K.function returns (Keras exports it as K.Function)
__all__.append("Function")
del _module, _name, _fn

# Keras 1.2.2 names, kept in torkeras.legacy (imported last: it reads less/less_equal from here).
from ..legacy import backend_compat as _backend_compat  # noqa: E402
for _name in _backend_compat.__all__:
    globals()[_name] = getattr(_backend_compat, _name)
    __all__.append(_name)
del _name
