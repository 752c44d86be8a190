"""Keras-1 module path ``keras.utils.visualize_util`` (Keras 1.2.2): ``plot`` and ``model_to_dot``.

Keras 2 renamed the module ``keras.utils.vis_utils`` and ``plot`` to ``plot_model``; this module
forwards to :mod:`torkeras.utils.vis_utils` with the Keras 1.2.2 signatures (no ``rankdir``).
Keras 1.2.2 raised ``ImportError`` when the module was imported without pydot; here the error comes
when a function runs.

Example:
    >>> from keras.utils.visualize_util import plot
    >>> plot(model, to_file='model.png', show_shapes=True)
"""
from ..engine.sequential import Sequential  # noqa: F401  (Keras 1.2.2 imported it here)
from ..layers.wrappers import Wrapper  # noqa: F401  (Keras 1.2.2 imported it here)
from ..utils import vis_utils

__all__ = ["model_to_dot", "plot"]


def model_to_dot(model, show_shapes=False, show_layer_names=True):
    """Keras 1.2.2 ``model_to_dot``: see :func:`torkeras.utils.vis_utils.model_to_dot`."""
    return vis_utils.model_to_dot(model, show_shapes=show_shapes, show_layer_names=show_layer_names)


def plot(model, to_file="model.png", show_shapes=False, show_layer_names=True):
    """Keras 1.2.2 ``plot``: Keras 2 calls it ``keras.utils.plot_model`` (same arguments).

    Example:
        >>> plot(model, to_file='model.png')
    """
    return vis_utils.plot_model(model, to_file=to_file, show_shapes=show_shapes,
                                show_layer_names=show_layer_names)
