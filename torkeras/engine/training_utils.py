"""Keras 2.2.4 module path ``keras.engine.training_utils``: Keras's input-checking internals.

torkeras checks inputs inside :mod:`torkeras.engine.training`; these names are importable and raise
:class:`~torkeras.utils._unsupported.UnsupportedError` when called.
"""
from ..utils._unsupported import unsupported_names

globals().update(unsupported_names(
    "keras.engine.training_utils",
    ["batch_shuffle", "check_array_length_consistency", "check_loss_and_target_compatibility",
     "check_num_samples", "collect_metrics", "iter_sequence_infinite", "make_batches",
     "standardize_class_weights", "standardize_input_data", "standardize_sample_or_class_weights",
     "standardize_sample_weights", "standardize_single_array", "standardize_weights",
     "weighted_masked_objective"],
    "The Model methods (fit, evaluate, predict, *_on_batch) check and slice their inputs themselves."))
