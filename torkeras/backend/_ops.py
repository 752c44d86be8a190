"""Keras backend functions (``keras.backend``) over torch tensors, gathered from their families.

Families: :mod:`._ops_math` (reductions, elementwise, shapes), :mod:`._ops_nn` (activations, losses,
convolution, pooling, CTC), :mod:`._ops_random`, :mod:`._ops_graph` (placeholders, ``function``,
``gradients``, learning phase). Every function taking tensors accepts symbolic values too (Keras
tensors, placeholders): it then returns a :class:`~._ops_graph.SymbolicTensor` that ``K.function``
evaluates.
"""
from . import _ops_graph, _ops_math, _ops_nn, _ops_random
from ._ops_graph import symbolic_aware
from ._ops_math import _torch_dtype  # noqa: F401  (used by initializers)

#: Functions that inspect their argument rather than compute with it: never recorded symbolically.
_INSPECTORS = frozenset(["is_tensor", "is_sparse", "dtype", "int_shape", "ndim", "cast_to_floatx",
                         "to_tensor", "get_variable_shape"])

__all__ = []
for _module in (_ops_math, _ops_nn, _ops_random):
    for _name in _module.__all__:
        _fn = getattr(_module, _name)
        globals()[_name] = _fn if _name in _INSPECTORS else symbolic_aware(_fn)
        __all__.append(_name)
for _name in _ops_graph.__all__:
    globals()[_name] = getattr(_ops_graph, _name)
    __all__.append(_name)
del _module, _name, _fn
