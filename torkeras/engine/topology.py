"""Keras 1/2.0-2.1 module path ``keras.engine.topology``: re-exports of the engine classes."""
from .base_layer import Layer  # noqa: F401
from .input_spec import InputSpec  # noqa: F401
from .input_layer import InputLayer  # noqa: F401
from .training import Model as Container  # noqa: F401  (Keras-1 name of the graph base)
from .training import Model as Network  # noqa: F401
from . import Input  # noqa: F401
