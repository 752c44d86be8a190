"""An example torkeras plugin: a ``Swish`` layer, a ``swish`` activation, a ``smooth_l1`` loss.

torkeras finds this module through the entry point ``example`` of group ``torkeras`` (see
``pyproject.toml``) and calls the hooks below on its first registry lookup. The objects live in
submodules that import torkeras; they are imported inside the hooks, so importing the plugin itself
is cheap and never depends on how far torkeras has got with its own imports.
"""
from torkeras.plugins import hookimpl

__version__ = "0.1.0"


@hookimpl
def register_layers(register):
    from .layers import Swish
    register(Swish)


@hookimpl
def register_activations(register):
    from .functions import swish
    register(swish)


@hookimpl
def register_losses(register):
    from .functions import smooth_l1
    register(smooth_l1)


@hookimpl
def upgrade_layer_config(class_name, config, keras_version):
    """Read files written with version 0.0.x, whose layer was ``SwishBeta(b=...)``."""
    if class_name != "SwishBeta":
        return None
    config = dict(config)
    config["beta"] = config.pop("b", 1.0)
    return "Swish", config
