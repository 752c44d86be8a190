"""Shared by ``keras.backend.tensorflow_backend`` / ``theano_backend`` / ``cntk_backend``.

Old scripts import the per-backend modules directly (``from keras.backend.tensorflow_backend import
_get_available_gpus``, ``import keras.backend.theano_backend as KTH``). Each of torkeras's three
modules re-exports the whole ``K`` API (:func:`public_api`) plus the module's own extras: real
implementations where the name is generic math, and names that raise where it is a TensorFlow /
Theano / CNTK object (a session, a CNTK ``UserFunction``, a device handle).

A non-callable Keras value (``tf_major_version``, ``NAME_SCOPE_STACK``...) that torkeras cannot give
truthfully is an :class:`UnsupportedValue`: importing it works, and any use (comparison, arithmetic,
truth value, iteration, attribute access, call) raises :class:`~torkeras.utils._unsupported.
UnsupportedError` naming it, so old code fails at the line that depends on it instead of taking a
branch on a made-up value.
"""
from ..utils._unsupported import UnsupportedError


def public_api():
    """``{name: object}`` of everything ``torkeras.backend`` exports (its ``__all__``)."""
    from .. import backend
    return {name: getattr(backend, name) for name in backend.__all__}


class UnsupportedValue(object):
    """A Keras module-level value that torkeras keeps importable but cannot provide.

    Args:
        qualname: the Keras name, e.g. ``'keras.backend.tensorflow_backend.tf_major_version'``.
        instead: a sentence saying why, and what to use.

    Example:
        >>> tf_major_version = UnsupportedValue('keras.backend.tensorflow_backend.tf_major_version',
        ...                                     'There is no TensorFlow.')
        >>> tf_major_version >= 1   # raises UnsupportedError
    """

    __slots__ = ("_torkeras_unsupported", "_instead")

    def __init__(self, qualname, instead):
        object.__setattr__(self, "_torkeras_unsupported", qualname)
        object.__setattr__(self, "_instead", instead)

    def _refuse(self, *args, **kwargs):
        raise UnsupportedError("`%s` (a Keras backend value) is not supported by torkeras. %s"
                               % (self._torkeras_unsupported, self._instead))

    def __repr__(self):
        return "<unsupported Keras value %s>" % (self._torkeras_unsupported,)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()

    def __eq__(self, other):
        if other is self:
            return True
        self._refuse()

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = object.__hash__


for _dunder in ("call", "bool", "int", "float", "index", "iter", "len", "getitem", "setitem",
                "delitem", "contains", "lt", "le", "gt", "ge", "add", "radd", "sub", "rsub", "mul",
                "rmul", "truediv", "rtruediv", "floordiv", "mod", "pow", "neg", "abs", "str",
                "format", "setattr"):
    setattr(UnsupportedValue, "__%s__" % _dunder, UnsupportedValue._refuse)
del _dunder
