"""torkeras: the Keras 1 and Keras 2 API, running on PyTorch.

``import torkeras as keras``. Importing has no side effects: no prints, no file writes, no plugin
scan and no CUDA initialisation. Registries fill on first lookup.
"""
__version__ = "0.1.0"

from . import _registry


def _load_plugins():
    from . import plugins
    plugins.load()


_registry.set_loader(_load_plugins)

from . import backend  # noqa: E402
from . import activations, losses, metrics, initializers, regularizers, constraints  # noqa: E402
from . import optimizers, callbacks  # noqa: E402
from . import engine, layers, models, utils  # noqa: E402
from . import datasets, preprocessing, wrappers  # noqa: E402
from .engine import Input, Model, Sequential  # noqa: E402

__all__ = ["__version__", "backend", "activations", "losses", "metrics", "initializers",
           "regularizers", "constraints", "optimizers", "callbacks", "engine", "layers", "models",
           "utils", "datasets", "preprocessing", "wrappers", "Input", "Model", "Sequential"]
