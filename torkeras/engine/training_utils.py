"""Keras 2.2.4 module path ``keras.engine.training_utils``: Keras's input-checking internals.

``make_batches`` and ``batch_shuffle`` are Keras's small index helpers; the rest is checked inside
:mod:`torkeras.engine.training`, and those names are importable and raise
:class:`~torkeras.utils._unsupported.UnsupportedError` when called.
"""
import numpy as np

from ..utils._unsupported import unsupported_names


def make_batches(size, batch_size):
    """``[(start, end), ...]`` covering ``range(size)`` in batches of ``batch_size``.

    Example:
        >>> make_batches(5, 2)
        [(0, 2), (2, 4), (4, 5)]
    """
    num_batches = int(np.ceil(size / float(batch_size)))
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(num_batches)]


def batch_shuffle(index_array, batch_size):
    """Shuffle ``index_array`` by whole batches (for HDF5 data), the last partial batch kept last.

    Uses numpy's global random state, as Keras.

    Example:
        >>> batch_shuffle(np.arange(10), 4)
    """
    batch_count = int(len(index_array) / batch_size)
    last_batch = index_array[batch_count * batch_size:]
    index_array = index_array[:batch_count * batch_size].reshape((batch_count, batch_size))
    np.random.shuffle(index_array)
    return np.append(index_array.flatten(), last_batch)


globals().update(unsupported_names(
    "keras.engine.training_utils",
    ["check_array_length_consistency", "check_loss_and_target_compatibility",
     "check_num_samples", "collect_metrics", "iter_sequence_infinite",
     "standardize_class_weights", "standardize_input_data", "standardize_sample_or_class_weights",
     "standardize_sample_weights", "standardize_single_array", "standardize_weights",
     "weighted_masked_objective"],
    "The Model methods (fit, evaluate, predict, *_on_batch) check and slice their inputs themselves."))
