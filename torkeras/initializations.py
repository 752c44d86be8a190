"""Keras-1 module name for the initializers: ``from keras import initializations`` keeps working.

Re-exports the Keras 2 initializers under the Keras 1.2.2 names. Each name is the Keras 2 class
or preset function (``uniform`` is :class:`~torkeras.initializers.RandomUniform`, ``zero`` is
:class:`~torkeras.initializers.Zeros`), so ``initializations.get('glorot_uniform')`` and string
names in layer arguments behave exactly as in :mod:`torkeras.initializers`. Keras 1's
``fn(shape, scale=..., name=...)`` call style is not reproduced: call an instance with the shape.

Example:
    >>> from torkeras import initializations
    >>> initializations.uniform(-0.1, 0.1)((2, 2)).shape
    torch.Size([2, 2])
"""
from .initializers import (Identity as identity, Ones as one, Orthogonal as orthogonal,  # noqa: F401
                           RandomNormal as normal, RandomUniform as uniform, Zeros as zero,
                           deserialize, get, glorot_normal, glorot_uniform, he_normal, he_uniform,
                           lecun_uniform, serialize)

__all__ = ["uniform", "normal", "lecun_uniform", "glorot_normal", "glorot_uniform", "he_normal",
           "he_uniform", "orthogonal", "identity", "zero", "one", "get", "serialize", "deserialize"]

from .legacy.objects import get_fans  # noqa: E402,F401
