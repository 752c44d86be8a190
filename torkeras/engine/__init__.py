"""The engine: Layer, InputSpec, InputLayer, Model and Sequential."""
from .base_layer import Layer  # noqa: F401
from .input_spec import InputSpec  # noqa: F401
from .input_layer import InputLayer  # noqa: F401
from .network import Input, KerasTensor, Node  # noqa: F401
from .training import Model  # noqa: F401
from .sequential import Sequential  # noqa: F401
