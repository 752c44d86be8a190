"""Keras 1/2.0-2.1 module path ``keras.engine.topology``: re-exports of the engine classes."""
from .base_layer import Layer  # noqa: F401
from .input_spec import InputSpec  # noqa: F401
from .input_layer import InputLayer  # noqa: F401
from .training import Model as Container  # noqa: F401  (Keras-1 name of the graph base)
from .training import Model as Network  # noqa: F401
from . import Input  # noqa: F401
from .network import Node  # noqa: F401
from ..utils.generic_utils import object_list_uid, to_list  # noqa: F401
from ..utils.layer_utils import get_source_inputs  # noqa: F401


def __getattr__(name):
    # Keras 1 defined Merge and merge here (torkeras.legacy.layers, loaded on first use).
    if name in ("Merge", "merge"):
        from ..legacy import layers as legacy_layers
        return getattr(legacy_layers, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
