"""Keras 2.2.4 module path ``keras.engine.training_arrays``: Keras's array training loops.

torkeras's loops live in :mod:`torkeras.engine.training`; these internal names are importable and
raise :class:`~torkeras.utils._unsupported.UnsupportedError` when called.
"""
from ..utils._unsupported import unsupported_names

globals().update(unsupported_names("keras.engine.training_arrays",
                                   ["fit_loop", "predict_loop", "test_loop"],
                                   "Use model.fit(), model.predict() or model.evaluate()."))
