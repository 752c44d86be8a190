"""Keras 2.2.4 module path ``keras.engine.training_generator``: Keras's generator loops.

These internal functions took the model as first argument; torkeras's are the model methods. The
names are importable and raise :class:`~torkeras.utils._unsupported.UnsupportedError` when called.
"""
from ..utils._unsupported import unsupported_names

globals().update(unsupported_names(
    "keras.engine.training_generator", ["fit_generator", "evaluate_generator", "predict_generator"],
    "Use model.fit_generator(), model.evaluate_generator() or model.predict_generator()."))
