"""The engine: Layer, InputSpec, InputLayer, Model and Sequential."""
from .base_layer import Layer  # noqa: F401
from .input_spec import InputSpec  # noqa: F401
from .input_layer import InputLayer  # noqa: F401
from .training import Model  # noqa: F401
from .sequential import Sequential  # noqa: F401


def Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None):
    """Functional-API input tensor. Not available yet in torkeras (the functional API is planned)."""
    raise NotImplementedError("Input(): the functional API is not available in this torkeras version "
                              "yet. Use Sequential with input_shape=... on the first layer.")
