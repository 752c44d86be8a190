"""Keras 2.2.4 module path ``keras.engine.saving``: saving and loading models and weights.

The working functions are torkeras's (:mod:`torkeras.saving.hdf5_format`, :mod:`torkeras.models`);
the h5py-group helpers with the same layout keep Keras's names. The Keras internals below with
another calling convention raise :class:`~torkeras.utils._unsupported.UnsupportedError` when called.

Example:
    >>> from keras.engine.saving import load_model
"""
from ..models import load_model, model_from_json, model_from_yaml, save_model  # noqa: F401
from ..saving.hdf5_format import HDF5_OBJECT_HEADER_LIMIT, model_from_config  # noqa: F401
from ..saving.hdf5_format import load_attributes as load_attributes_from_hdf5_group  # noqa: F401
from ..saving.hdf5_format import save_attributes as save_attributes_to_hdf5_group  # noqa: F401
from ..saving.hdf5_format import save_weights_to_group as save_weights_to_hdf5_group  # noqa: F401
from ..utils._unsupported import unsupported_names

globals().update(unsupported_names(
    "keras.engine.saving", ["load_weights_from_hdf5_group", "load_weights_from_hdf5_group_by_name",
                            "preprocess_weights_for_loading"],
    "Use model.load_weights(filepath, by_name=...), which converts Keras 1/2, tf.keras and Keras 3 "
    "weights itself."))
globals().update(unsupported_names(
    "keras.engine.saving", ["pickle_model", "unpickle_model"],
    "torkeras does not pickle models; use model.save(filepath) and load_model(filepath)."))
