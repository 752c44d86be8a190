"""The engine: Layer, InputSpec, InputLayer, Model and Sequential."""
from .base_layer import Layer  # noqa: F401
from .input_spec import InputSpec  # noqa: F401
from .input_layer import InputLayer  # noqa: F401
from .network import Input, KerasTensor, Node  # noqa: F401
from .training import Model  # noqa: F401
from .sequential import Sequential  # noqa: F401
from ..utils.layer_utils import get_source_inputs  # noqa: F401,E402


def __getattr__(name):
    # Keras 2.0-2.1 exported the Keras-1 Merge layer and merge function here; their module imports
    # torkeras.layers, so they load on first use.
    if name in ("Merge", "merge"):
        from ..legacy import layers as legacy_layers
        return getattr(legacy_layers, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
