"""Noise layers: GaussianNoise, GaussianDropout, AlphaDropout (Keras 2.2.4 ``keras/layers/noise.py``).

All three are active only in training (``fit`` or ``training=True``); at inference they return
their input unchanged.
"""
import math

import numpy as np
import torch

from .. import backend as K
from ..engine.base_layer import Layer
from ..legacy import keras1

__all__ = ["GaussianNoise", "GaussianDropout", "AlphaDropout"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _float_arg(layer, name, value, low, high, high_inclusive):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError("`%s`: `%s` must be a float. Received: %s=%r" % (layer, name, name, value))
    value = float(value)
    ok = value >= low and (value <= high if high_inclusive else value < high)
    if not ok:
        raise ValueError("`%s`: `%s` must be in [%s, %s%s. Received: %s=%r"
                         % (layer, name, low, high, "]" if high_inclusive else ")", name, value))
    return value


def _check_seed(layer, seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TypeError("`%s`: `seed` must be an integer or None. Received: seed=%r" % (layer, seed))
    return None if seed is None else int(seed)


class _SeededNoise(Layer):
    """Holds the optional seed (a torch.Generator per device)."""

    def _rng(self, device):
        if self.seed is None:
            return None
        if self._generator is None or self._generator.device != device:
            self._generator = torch.Generator(device=device)
            self._generator.manual_seed(self.seed)
        return self._generator

    def _normal(self, inputs):
        return torch.randn(inputs.shape, generator=self._rng(inputs.device), device=inputs.device,
                           dtype=inputs.dtype)

    def get_config(self):
        base = super(_SeededNoise, self).get_config()
        base.update(self._own_config())
        if self.seed is not None:
            base["seed"] = self.seed
        return base


def _training(training):
    return bool(K.learning_phase()) if training is None else bool(training)


class GaussianNoise(_SeededNoise):
    """Adds zero-centered Gaussian noise (a regulariser), in training only.

    Args:
        stddev: float >= 0, standard deviation of the noise.
        seed: optional integer seed (a tf.keras argument; saved in the config only when set).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> model.add(GaussianNoise(0.1, input_shape=(20,)))
    """

    @keras1.legacy_interface("GaussianNoise")
    def __init__(self, stddev, seed=None, **kwargs):
        super(GaussianNoise, self).__init__(**kwargs)
        self.supports_masking = True
        self.seed = _check_seed("GaussianNoise", seed)
        self._generator = None
        self.stddev = _float_arg("GaussianNoise", "stddev", stddev, 0.0, math.inf, True)

    def call(self, inputs, training=None):
        if not _training(training) or self.stddev == 0.0:
            return inputs
        return inputs + self._normal(inputs) * self.stddev

    def compute_output_shape(self, input_shape):
        return input_shape

    def _own_config(self):
        return {"stddev": self.stddev}


class GaussianDropout(_SeededNoise):
    """Multiplies the input by 1-centered Gaussian noise of std ``sqrt(rate / (1 - rate))``.

    Active in training only, and only for ``0 < rate < 1`` (as Keras).

    Args:
        rate: float in [0, 1), drop probability (as for Dropout).
        seed: optional integer seed (a tf.keras argument; saved in the config only when set).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> model.add(GaussianDropout(0.2, input_shape=(20,)))
    """

    @keras1.legacy_interface("GaussianDropout")
    def __init__(self, rate, seed=None, **kwargs):
        super(GaussianDropout, self).__init__(**kwargs)
        self.supports_masking = True
        self.seed = _check_seed("GaussianDropout", seed)
        self._generator = None
        self.rate = _float_arg("GaussianDropout", "rate", rate, 0.0, 1.0, False)

    def call(self, inputs, training=None):
        if not (0.0 < self.rate < 1.0) or not _training(training):
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * (1.0 + self._normal(inputs) * stddev)

    def compute_output_shape(self, input_shape):
        return input_shape

    def _own_config(self):
        return {"rate": self.rate}


class AlphaDropout(_SeededNoise):
    """Dropout that keeps the self-normalising property of SELU networks (training only).

    Dropped units are set to SELU's negative saturation value, then an affine correction
    restores zero mean and unit variance.

    Args:
        rate: float in [0, 1), drop probability.
        noise_shape: shape of the keep/drop mask (None: the input's shape; None entries take the
            input's size).
        seed: optional integer seed.

    Keras 2.2.4's config of this layer holds only ``rate`` (noise_shape and seed are not saved);
    torkeras writes ``rate`` and, when one is set, ``seed`` (as tf.keras does).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> model.add(AlphaDropout(0.1, input_shape=(20,)))
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super(AlphaDropout, self).__init__(**kwargs)
        self.rate = _float_arg("AlphaDropout", "rate", rate, 0.0, 1.0, False)
        if noise_shape is not None:
            try:
                noise_shape = tuple(None if d is None else int(d) for d in noise_shape)
            except (TypeError, ValueError):
                raise ValueError("`AlphaDropout`: `noise_shape` must be a tuple of integers (or "
                                 "None entries). Received: noise_shape=%r" % (noise_shape,))
        self.noise_shape = noise_shape
        self.seed = _check_seed("AlphaDropout", seed)
        self.supports_masking = True
        self._generator = None

    def call(self, inputs, training=None):
        if not (0.0 < self.rate < 1.0) or not _training(training):
            return inputs
        if self.noise_shape is None:
            shape = inputs.shape
        else:
            if len(self.noise_shape) != inputs.dim():
                raise ValueError("`AlphaDropout` layer %r: noise_shape %r does not match the input "
                                 "rank %d." % (self.name, self.noise_shape, inputs.dim()))
            shape = tuple(inputs.shape[i] if d is None else d
                          for i, d in enumerate(self.noise_shape))
        gen = self._rng(inputs.device)
        rate = self.rate
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        kept = (torch.rand(shape, generator=gen, device=inputs.device, dtype=inputs.dtype)
                >= rate).to(inputs.dtype)
        a = ((1.0 - rate) * (1.0 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate
        x = inputs * kept + alpha_p * (1.0 - kept)
        return a * x + b

    def compute_output_shape(self, input_shape):
        return input_shape

    def _own_config(self):
        return {"rate": self.rate}


def _builtin_objects():
    return [(GaussianNoise, "GaussianNoise", ()), (GaussianDropout, "GaussianDropout", ()),
            (AlphaDropout, "AlphaDropout", ())]
