"""Reading CIFAR batch files (shared by ``cifar10`` and ``cifar100``)."""
import numpy as np

from .. import backend as K

from ._safe_load import load_pickle


def load_batch(fpath, label_key="labels"):
    """Read one CIFAR batch file (a Python pickle of a dict).

    The pickle is read with a restricted unpickler (:class:`~._safe_load.RestrictedUnpickler`)
    that only rebuilds dicts, lists, bytes, str, int and numpy arrays and refuses every other
    global, so a tampered file cannot run code (Keras used plain ``cPickle.load``).

    Args:
        fpath: path of the batch file.
        label_key: key of the labels in the dict (``'labels'``, ``'fine_labels'``, ``'coarse_labels'``).

    Returns:
        ``(data, labels)``: data of shape ``(n, 3, 32, 32)``, labels as stored (a list of ints).

    Example:
        >>> data, labels = load_batch('cifar-10-batches-py/test_batch')  # doctest: +SKIP
    """
    d = load_pickle(fpath, encoding="bytes")
    if not isinstance(d, dict):
        raise ValueError("%r is not a CIFAR batch: expected a pickled dict, found %s."
                         % (fpath, type(d).__name__))
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    for key in ("data", label_key):
        if key not in d:
            raise ValueError("%r is not a CIFAR batch with key %r; its keys are %s."
                             % (fpath, key, sorted(d)))
    data = np.asarray(d["data"])
    labels = d[label_key]
    data = data.reshape(data.shape[0], 3, 32, 32)
    return data, labels


def finish(x_train, y_train, x_test, y_test):
    """Labels to shape ``(n, 1)``; images to NHWC (a transposed view) under ``channels_last``."""
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if K.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
