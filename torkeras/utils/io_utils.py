"""I/O helpers: ``HDF5Matrix`` and Keras's overwrite prompt (Keras 2.2.4 utils/io_utils.py)."""
import numpy as np


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class HDF5Matrix(object):
    """An HDF5 dataset that can stand in for a numpy array (read on demand).

    Indexing with an int, a slice, an int array or a list reads those rows of the window
    ``[start, end)`` of the dataset and passes them through ``normalizer`` when one is given.
    Negative indices count from the end of the window; a slice stop past the window raises
    IndexError (as in Keras); slice steps and unsorted or repeated indices are supported. Files are
    opened read-only and their handles cached per path (see
    :func:`torkeras.saving.hdf5_format.open_read_dataset`). ``model.fit`` / ``predict`` accept an
    HDF5Matrix wherever they accept an array (any ``shuffle`` mode, ``'batch'`` included).

    Args:
        datapath: path of the HDF5 file.
        dataset: name of the dataset in that file.
        start: first row of the window (int).
        end: row after the last one (int; None: the dataset's length).
        normalizer: function applied to every block of rows read.

    Example:
        >>> x_data = HDF5Matrix('input/file.hdf5', 'data')  # doctest: +SKIP
        >>> model.predict(x_data)  # doctest: +SKIP
    """

    def __init__(self, datapath, dataset, start=0, end=None, normalizer=None):
        from ..saving.hdf5_format import open_read_dataset
        if not _is_int(start) or start < 0:
            raise ValueError("HDF5Matrix: `start` must be a non-negative integer. Received: start=%r"
                             % (start,))
        if normalizer is not None and not callable(normalizer):
            raise TypeError("HDF5Matrix: `normalizer` must be callable or None. Received: %r"
                            % (normalizer,))
        self.data = open_read_dataset(datapath, dataset)
        if self.data.ndim == 0:
            raise ValueError("HDF5Matrix: %s is a scalar; it needs at least one (sample) axis."
                             % (self.data.source,))
        length = self.data.shape[0]
        if end is None:
            end = length
        if not _is_int(end) or not start <= end <= length:
            raise ValueError("HDF5Matrix: `end` must be an integer with start <= end <= %d (the length "
                             "of %s). Received: start=%r, end=%r" % (length, self.data.source, start, end))
        self.start = int(start)
        self.end = int(end)
        self.normalizer = normalizer
        first = self.data.read(slice(0, 1) if self.start == self.end else slice(self.start, self.start + 1))
        if normalizer is not None:
            first = normalizer(first)
        first = np.asarray(first)
        self._base_shape = first.shape[1:]
        self._base_dtype = first.dtype

    def __len__(self):
        return self.end - self.start

    def _row(self, i, n):
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("HDF5Matrix: index %d is out of range for %d rows." % (i, n))
        return self.start + i

    def _rows(self, key):
        """Translate ``key`` (relative to the window) into what DatasetReader.read takes."""
        n = len(self)
        if isinstance(key, slice):
            if key.stop is not None and _is_int(key.stop) and key.stop > n:
                raise IndexError("HDF5Matrix: slice stop %d is past the end of the %d rows." % (key.stop, n))
            first, stop, step = key.indices(n)
            if step == 1:
                return slice(self.start + first, self.start + max(first, stop))
            return self.start + np.arange(first, stop, step)
        if _is_int(key):
            return self._row(int(key), n)
        keys = np.asarray(key)
        if keys.dtype == bool:
            if keys.shape != (n,):
                raise IndexError("HDF5Matrix: a boolean mask must have shape (%d,). Received %s."
                                 % (n, keys.shape))
            return self.start + np.nonzero(keys)[0]
        if keys.ndim != 1 or (keys.size and not np.issubdtype(keys.dtype, np.integer)):
            raise IndexError("HDF5Matrix: index with an int, a slice, a 1-D list/array of ints or a "
                             "boolean mask. Received %r." % (key,))
        keys = keys.astype(np.int64)
        wrapped = np.where(keys < 0, keys + n, keys)
        if keys.size and (wrapped.min() < 0 or wrapped.max() >= n):
            raise IndexError("HDF5Matrix: indices out of range for %d rows: %r." % (n, key))
        return self.start + wrapped

    def __getitem__(self, key):
        if isinstance(key, tuple):
            if not key:
                return self[:]
            rows = self[key[0]]
            rest = key[1:]
            return rows[rest] if _is_int(key[0]) else rows[(slice(None),) + rest]
        data = self.data.read(self._rows(key))
        if self.normalizer is not None:
            return self.normalizer(data)
        return data

    def __array__(self, dtype=None, copy=None):
        data = np.asarray(self[:])
        return data if dtype is None else data.astype(dtype)

    @property
    def shape(self):
        """Numpy-style shape: ``(end - start,) + shape of one (normalized) row``."""
        return (self.end - self.start,) + self._base_shape

    @property
    def dtype(self):
        """Dtype of the (normalized) data."""
        return self._base_dtype

    @property
    def ndim(self):
        """Number of dimensions (of the normalized data)."""
        return len(self.shape)

    @property
    def size(self):
        """Total number of elements."""
        return int(np.prod(self.shape))

    def __repr__(self):
        return "<HDF5Matrix %s rows %d:%d shape=%s dtype=%s>" % (
            self.data.source, self.start, self.end, self.shape, self.dtype)


def ask_to_proceed_with_overwrite(filepath):
    """Ask the user whether to overwrite ``filepath``; True for yes."""
    overwrite = input("[WARNING] %s already exists - overwrite? [y/n]" % (filepath,)).strip().lower()
    while overwrite not in ("y", "n"):
        overwrite = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if overwrite == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


#: Keras 2.2.4: the HDF5 object header limit (bytes) past which attributes are split in chunks.
HDF5_OBJECT_HEADER_LIMIT = 64512

# Keras 2.2.4's H5Dict wrapped an open h5py file or group for its own saving code; torkeras keeps
# h5py inside torkeras.saving, so the name is importable and raises when used.
from ._unsupported import unsupported as _unsupported  # noqa: E402

_H5DICT_INSTEAD = ("Save and load with model.save()/load_model() and model.save_weights()/"
                   "load_weights(), or open the file with h5py directly.")
H5Dict = _unsupported("keras.utils.io_utils.H5Dict", _H5DICT_INSTEAD)
h5dict = _unsupported("keras.utils.io_utils.h5dict", _H5DICT_INSTEAD)

# Keras 1.2.2 PyTables helpers (torkeras.legacy.objects; they need `pip install tables`).
from ..legacy.objects import load_array, save_array  # noqa: E402,F401
