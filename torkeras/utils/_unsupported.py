"""Keras names that torkeras keeps importable but does not provide: using one raises.

Old scripts import internals (``from keras.engine.training_utils import standardize_input_data``);
the import works, and the first call says what the name was and what to use instead, so nothing is
silently ignored.
"""
from ..errors import TorkerasError


class UnsupportedError(TorkerasError, NotImplementedError):
    """A Keras name that torkeras does not implement was used."""


def unsupported(qualname, instead):
    """A function that raises :class:`UnsupportedError` naming ``qualname`` when called.

    Args:
        qualname: the Keras name, e.g. ``'keras.engine.training_arrays.fit_loop'``.
        instead: what to use, a sentence.

    Example:
        >>> fit_loop = unsupported('keras.engine.training_arrays.fit_loop', 'Use model.fit().')
    """
    def refuse(*args, **kwargs):
        raise UnsupportedError("`%s` (a Keras internal) is not supported by torkeras. %s"
                               % (qualname, instead))
    refuse.__name__ = qualname.rsplit(".", 1)[-1]
    refuse.__qualname__ = refuse.__name__
    refuse.__doc__ = "Not supported by torkeras: calling it raises UnsupportedError. %s" % instead
    refuse._torkeras_unsupported = qualname
    return refuse


def unsupported_names(module, names, instead):
    """``{name: unsupported('<module>.<name>', instead)}`` for each of ``names``."""
    return {n: unsupported("%s.%s" % (module, n), instead) for n in names}
