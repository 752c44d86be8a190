"""Activation layers with parameters: LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, ReLU
(Keras 2.2.4 ``keras/layers/advanced_activations.py``)."""
import numpy as np
import torch
import torch.nn.functional as F

from .. import activations, backend as K, constraints, initializers, regularizers
from ..engine.base_layer import InputSpec, Layer
from ..legacy import keras1

__all__ = ["LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax", "ReLU"]


def _float(layer, name, value, allow_none=False, minimum=None):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError("`%s`: `%s` must be a float%s. Received: %s=%r"
                        % (layer, name, " or None" if allow_none else "", name, value))
    value = float(np.float32(value))   # K.cast_to_floatx, as Keras stores it
    if minimum is not None and value < minimum:
        raise ValueError("`%s`: `%s` cannot be negative. Received: %s=%r"
                         % (layer, name, name, value))
    return value


class LeakyReLU(Layer):
    """Leaky ReLU: ``f(x) = alpha * x`` for ``x < 0``, ``x`` otherwise.

    Args:
        alpha: float >= 0, slope for negative inputs (Keras default 0.3; torch's is 0.01).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> LeakyReLU()(torch.tensor([[-1.0, 2.0]]))
        tensor([[-0.3000,  2.0000]])
    """

    def __init__(self, alpha=0.3, **kwargs):
        super(LeakyReLU, self).__init__(**kwargs)
        self.supports_masking = True
        self.alpha = _float("LeakyReLU", "alpha", alpha)

    def call(self, inputs):
        return F.leaky_relu(inputs, self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base = super(LeakyReLU, self).get_config()
        base["alpha"] = self.alpha
        return base


class PReLU(Layer):
    """Parametric ReLU: ``f(x) = alpha * x`` for ``x < 0``, ``x`` otherwise, ``alpha`` learned.

    Args:
        alpha_initializer: initializer of the weights (default zeros).
        alpha_regularizer: optional regularizer.
        alpha_constraint: optional constraint.
        shared_axes: axes (1-based, batch excluded) along which alpha is shared, e.g.
            ``[1, 2]`` after a channels_last Conv2D for one alpha per channel.

    Weights:
        ``alpha`` of shape ``input_shape[1:]`` with the shared axes set to 1 (Keras's layout).

    Input shape:
        Arbitrary (known non-batch sizes).

    Output shape:
        Same as input.

    Example:
        >>> model.add(PReLU(shared_axes=[1, 2]))
    """

    @keras1.legacy_interface("PReLU")
    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super(PReLU, self).__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) and a >= 1
                       for a in axes):
                raise ValueError("`PReLU`: `shared_axes` must be an integer >= 1 or a list of them "
                                 "(axis 0 is the batch). Received: shared_axes=%r"
                                 % (shared_axes,))
            self.shared_axes = [int(a) for a in axes]

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        if self.shared_axes is not None:
            for i in self.shared_axes:
                if i > len(param_shape):
                    raise ValueError("`PReLU` layer %r: shared axis %d does not exist for input "
                                     "shape %s." % (self.name, i, tuple(input_shape)))
                param_shape[i - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError("`PReLU` layer %r: every non-batch, non-shared axis must have a known "
                             "size (alpha has one value per position). Received input shape %s; "
                             "share the unknown axes with `shared_axes`."
                             % (self.name, tuple(input_shape)))
        self.alpha = self.add_weight(name="alpha", shape=param_shape,
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        axes = {}
        if self.shared_axes:
            for i in range(1, len(input_shape)):
                if i not in self.shared_axes:
                    axes[i] = input_shape[i]
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        return torch.relu(inputs) - self.alpha * torch.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base = super(PReLU, self).get_config()
        base.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return base


class ELU(Layer):
    """Exponential linear unit: ``alpha * (exp(x) - 1)`` for ``x < 0``, ``x`` otherwise.

    Args:
        alpha: scale of the negative part (default 1.0).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> model.add(ELU(alpha=0.5))
    """

    def __init__(self, alpha=1.0, **kwargs):
        super(ELU, self).__init__(**kwargs)
        self.supports_masking = True
        self.alpha = _float("ELU", "alpha", alpha)

    def call(self, inputs):
        return F.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base = super(ELU, self).get_config()
        base["alpha"] = self.alpha
        return base


class ThresholdedReLU(Layer):
    """Thresholded ReLU: ``x`` where ``x > theta``, 0 elsewhere.

    Args:
        theta: float, threshold (default 1.0).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> ThresholdedReLU(theta=1.0)(torch.tensor([[0.5, 1.0, 2.0]]))
        tensor([[0., 0., 2.]])
    """

    def __init__(self, theta=1.0, **kwargs):
        super(ThresholdedReLU, self).__init__(**kwargs)
        self.supports_masking = True
        self.theta = _float("ThresholdedReLU", "theta", theta)

    def call(self, inputs):
        return inputs * (inputs > self.theta).to(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base = super(ThresholdedReLU, self).get_config()
        base["theta"] = self.theta
        return base


class Softmax(Layer):
    """Softmax activation along ``axis``.

    Args:
        axis: integer, the axis normalised to sum to 1 (default -1).

    Input shape:
        Arbitrary (rank >= 2).

    Output shape:
        Same as input.

    Example:
        >>> model.add(Softmax(axis=-1))
    """

    def __init__(self, axis=-1, **kwargs):
        super(Softmax, self).__init__(**kwargs)
        self.supports_masking = True
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError("`Softmax`: `axis` must be an integer. Received: axis=%r" % (axis,))
        self.axis = int(axis)

    def call(self, inputs):
        return activations.softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base = super(Softmax, self).get_config()
        base["axis"] = self.axis
        return base


class ReLU(Layer):
    """Rectified linear unit with Keras 2.2.4's options.

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold <= x < max_value``,
    ``negative_slope * (x - threshold)`` otherwise.

    Args:
        max_value: float >= 0 or None, saturation value.
        negative_slope: float >= 0, slope below the threshold.
        threshold: float, threshold for thresholded activation.

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> ReLU(max_value=6.0)(torch.tensor([[-1.0, 3.0, 9.0]]))
        tensor([[0., 3., 6.]])
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super(ReLU, self).__init__(**kwargs)
        self.supports_masking = True
        self.max_value = _float("ReLU", "max_value", max_value, allow_none=True, minimum=0.0)
        self.negative_slope = _float("ReLU", "negative_slope", negative_slope, minimum=0.0)
        self.threshold = _float("ReLU", "threshold", threshold)

    def call(self, inputs):
        return K.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                      threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base = super(ReLU, self).get_config()
        base.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                     "threshold": self.threshold})
        return base


def _builtin_objects():
    return [(LeakyReLU, "LeakyReLU", ()), (PReLU, "PReLU", ()), (ELU, "ELU", ()),
            (ThresholdedReLU, "ThresholdedReLU", ()), (Softmax, "Softmax", ()), (ReLU, "ReLU", ())]

from ..legacy._old_layers import ParametricSoftplus, SReLU  # noqa: E402,F401  (Keras 1.2.2 names)
