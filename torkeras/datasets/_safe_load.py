"""Reading Keras's dataset files without running code from them.

CIFAR batches are Python pickles and Keras's ``imdb.npz``/``reuters.npz`` hold object arrays (which
numpy stores as pickles). Keras read both with the plain pickle module, which runs whatever a file
asks for. Here every pickle goes through :class:`RestrictedUnpickler`: it rebuilds dicts, lists,
bytes, str, int and numpy arrays/scalars/dtypes, and refuses any other global with
``pickle.UnpicklingError`` before anything is called.
"""
import codecs
import io
import pickle
import zipfile

import numpy as np

try:  # numpy >= 2
    from numpy._core import multiarray as _multiarray
    from numpy._core import numeric as _numeric
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core import multiarray as _multiarray
    from numpy.core import numeric as _numeric


def _latin1_encode(text, encoding="latin1", errors="strict"):
    """``_codecs.encode`` as Python 3 pickles bytes at protocol 2, limited to latin-1."""
    if codecs.lookup(encoding).name != "iso8859-1":
        raise pickle.UnpicklingError("Refusing _codecs.encode with encoding %r in a pickle; only "
                                     "latin-1 (how Python pickles bytes) is allowed." % (encoding,))
    return codecs.encode(text, "latin1", errors)


_BUILTINS = {"dict": dict, "list": list, "bytes": bytes, "str": str, "int": int}
_ALLOWED = {("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype,
            ("_codecs", "encode"): _latin1_encode}
for _module in ("builtins", "__builtin__"):
    for _name, _obj in _BUILTINS.items():
        _ALLOWED[(_module, _name)] = _obj
for _module in ("numpy.core.multiarray", "numpy._core.multiarray"):
    _ALLOWED[(_module, "_reconstruct")] = _multiarray._reconstruct
    _ALLOWED[(_module, "scalar")] = _multiarray.scalar
for _module in ("numpy.core.numeric", "numpy._core.numeric"):
    _ALLOWED[(_module, "_frombuffer")] = _numeric._frombuffer


class RestrictedUnpickler(pickle.Unpickler):
    """A pickle reader that only rebuilds plain data and numpy arrays.

    Allowed globals: builtins ``dict``, ``list``, ``bytes``, ``str``, ``int``; ``numpy.ndarray``,
    ``numpy.dtype`` and numpy's own array/scalar reconstruction helpers; ``_codecs.encode`` for
    latin-1 only. Anything else (``os.system``, ``builtins.eval``, arbitrary classes...) raises
    ``pickle.UnpicklingError`` naming the refused global.

    Example:
        >>> with open('data_batch_1', 'rb') as f:  # doctest: +SKIP
        ...     batch = RestrictedUnpickler(f, encoding='bytes').load()
    """

    def __init__(self, file, source="<pickle>", **kwargs):
        super(RestrictedUnpickler, self).__init__(file, **kwargs)
        self._source = source

    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                "Refusing to load global %s.%s from %s: torkeras reads dataset pickles with a "
                "restricted unpickler that only rebuilds dicts, lists, bytes, str, int and numpy "
                "arrays. The file is corrupt or not what it claims to be; delete it and download it "
                "again." % (module, name, self._source))

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("Refusing persistent id %r in %s." % (pid, self._source))


def load_pickle(path, encoding="bytes"):
    """Load a pickle file with :class:`RestrictedUnpickler`.

    Args:
        path: the file.
        encoding: how Python 2 ``str`` objects are decoded (``'bytes'`` keeps them as bytes, as
            Keras did for CIFAR).

    Returns:
        The unpickled object.
    """
    with open(path, "rb") as f:
        return RestrictedUnpickler(f, source=repr(path), encoding=encoding).load()


def _read_npy(member_file, source):
    version = np.lib.format.read_magic(member_file)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(member_file)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(member_file)
    else:
        raise ValueError("%s: unsupported .npy format version %s." % (source, version))
    if not dtype.hasobject:
        return None
    array = RestrictedUnpickler(member_file, source=source, encoding="latin1").load()
    if not isinstance(array, np.ndarray):
        raise ValueError("%s: expected a pickled numpy array, found %s." % (source, type(array).__name__))
    return array


def load_npz(path):
    """Read every array of a ``.npz`` file into a dict; object arrays go through the restricted reader.

    Args:
        path: the ``.npz`` file.

    Returns:
        ``{name: numpy array}``.
    """
    out = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            source = "%r (array %r)" % (path, key)
            with archive.open(info) as member:
                array = _read_npy(io.BufferedReader(member), source)
            if array is None:
                with archive.open(info) as member:
                    array = np.lib.format.read_array(io.BufferedReader(member), allow_pickle=False)
            out[key] = array
    return out
