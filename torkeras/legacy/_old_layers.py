"""Keras 1 layers that Keras 2 dropped: ``Highway``, ``MaxoutDense``, ``TimeDistributedDense``,
``ParametricSoftplus``, ``SReLU``, the ``time_distributed_dense`` helper, and the step-based
``Recurrent`` / ``ConvRecurrent2D`` base classes of Keras-1 custom recurrent layers.

Sources: Keras 2.2.4 ``keras/legacy/layers.py`` (Highway, MaxoutDense, Recurrent, ConvRecurrent2D:
Keras-1 argument names, weights ``W``/``b``...), Keras 1.2.2 ``keras/layers/core.py``
(TimeDistributedDense), ``keras/layers/advanced_activations.py`` (ParametricSoftplus, SReLU) and
``keras/layers/recurrent.py`` (time_distributed_dense). Weights are created and listed in Keras's
order, so Keras-1 files load. Constructing one warns once with what Keras 2 offers instead
(``TORKERAS_STRICT=1``: an error).

Where torkeras differs, on purpose: ``SReLU``'s ``'glorot_uniform'`` initializers use Keras 2 fan
rules (Keras 1 used ``sqrt(prod(shape))`` for parameters of rank 3 or more); ``ParametricSoftplus``
and ``SReLU`` also write ``shared_axes`` in their config (Keras 1 forgot it); ``Highway`` rejects
``transform_bias`` (Keras 1.2 ignored it with a warning: its carry bias always starts at 1).
"""
import numpy as np
import torch

from .. import activations, backend as K, constraints, initializers, regularizers
from ..engine.base_layer import InputSpec, Layer
from ..utils import conv_utils
from .objects import warn_once

__all__ = ["Highway", "MaxoutDense", "TimeDistributedDense", "ParametricSoftplus", "SReLU",
           "time_distributed_dense", "Recurrent", "ConvRecurrent2D"]


def _removed(name, instead):
    warn_once(("layer", name), "The `%s` layer was removed in Keras 2 (torkeras keeps the Keras 1 "
              "layer). %s" % (name, instead), stacklevel=4)


def _positive_int(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError("`%s`: `%s` must be a positive integer. Received: %s=%r"
                         % (owner, name, name, value))
    return int(value)


class _WeightBias(Layer):
    """Shared Keras-1 options of Highway, MaxoutDense and TimeDistributedDense: ``init``,
    ``W_/b_regularizer``, ``activity_regularizer``, ``W_/b_constraint``, ``bias``, ``input_dim``."""

    def __init__(self, init, W_regularizer, b_regularizer, activity_regularizer, W_constraint,
                 b_constraint, bias, input_dim, weights, input_shape_of, kwargs):
        if input_dim:
            kwargs.setdefault("input_shape", input_shape_of(_positive_int(
                type(self).__name__, "input_dim", input_dim)))
        if weights is not None:
            kwargs["weights"] = weights
        super(_WeightBias, self).__init__(**kwargs)
        self.init = initializers.get(init)
        self.W_regularizer = regularizers.get(W_regularizer)
        self.b_regularizer = regularizers.get(b_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.W_constraint = constraints.get(W_constraint)
        self.b_constraint = constraints.get(b_constraint)
        self.bias = bool(bias)
        self.input_dim = input_dim

    def _add_W_b(self, w_shape, b_shape):
        self.W = self.add_weight(name="W", shape=w_shape, initializer=self.init,
                                 regularizer=self.W_regularizer, constraint=self.W_constraint)
        if self.bias:
            self.b = self.add_weight(name="b", shape=b_shape, initializer="zero",
                                     regularizer=self.b_regularizer, constraint=self.b_constraint)
        else:
            self.b = None

    def _options_config(self):
        return {"init": initializers.serialize(self.init),
                "W_regularizer": regularizers.serialize(self.W_regularizer),
                "b_regularizer": regularizers.serialize(self.b_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "W_constraint": constraints.serialize(self.W_constraint),
                "b_constraint": constraints.serialize(self.b_constraint),
                "bias": self.bias, "input_dim": self.input_dim}

    def get_config(self):
        base = super(_WeightBias, self).get_config()
        base.update(self._layer_config())
        base.update(self._options_config())
        return base


class MaxoutDense(_WeightBias):
    """Element-wise maximum of ``nb_feature`` dense (linear) layers (Keras 1).

    Args:
        output_dim: positive integer, output size.
        nb_feature: number of linear pieces.
        init: initializer of ``W``; ``weights``: initial ``[W, b]``.
        W_regularizer, b_regularizer, activity_regularizer, W_constraint, b_constraint: as Dense.
        bias: whether to add ``b``.
        input_dim: shorthand for ``input_shape=(input_dim,)``.

    Input shape:
        ``(batch, input_dim)``.

    Output shape:
        ``(batch, output_dim)``.

    Example:
        >>> model.add(MaxoutDense(16, nb_feature=4, input_dim=8))
    """

    def __init__(self, output_dim, nb_feature=4, init="glorot_uniform", weights=None,
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None, bias=True, input_dim=None, **kwargs):
        _removed("MaxoutDense", "Keras 2 has no replacement: it is `Lambda(max)` over several "
                 "`Dense` layers.")
        super(MaxoutDense, self).__init__(init, W_regularizer, b_regularizer, activity_regularizer,
                                          W_constraint, b_constraint, bias, input_dim, weights,
                                          lambda d: (d,), kwargs)
        self.output_dim = _positive_int("MaxoutDense", "output_dim", output_dim)
        self.nb_feature = _positive_int("MaxoutDense", "nb_feature", nb_feature)
        self.input_spec = InputSpec(ndim=2)

    def build(self, input_shape):
        input_dim = input_shape[1]
        self._add_W_b((self.nb_feature, input_dim, self.output_dim),
                      (self.nb_feature, self.output_dim))
        self.input_spec = InputSpec(ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        out = torch.einsum("bi,fio->bfo", inputs, self.W)
        if self.b is not None:
            out = out + self.b
        return torch.amax(out, dim=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)

    def _layer_config(self):
        return {"output_dim": self.output_dim, "nb_feature": self.nb_feature}


class Highway(_WeightBias):
    """Highway layer: ``t * activation(x W + b) + (1 - t) * x`` with gate
    ``t = sigmoid(x W_carry + b_carry)`` (Keras 1).

    Args:
        init: initializer of ``W`` and ``W_carry``; ``activation``: activation (default linear).
        weights: initial ``[W, W_carry, b, b_carry]``.
        W_regularizer, b_regularizer, activity_regularizer, W_constraint, b_constraint: for ``W``
            and ``b``.
        bias: whether to use ``b`` and ``b_carry`` (``b_carry`` starts at 1).
        input_dim: shorthand for ``input_shape=(input_dim,)``.

    Input shape:
        ``(batch, input_dim)``.

    Output shape:
        ``(batch, input_dim)``.

    Example:
        >>> model.add(Highway(activation='relu', input_dim=32))
    """

    def __init__(self, init="glorot_uniform", activation=None, weights=None, W_regularizer=None,
                 b_regularizer=None, activity_regularizer=None, W_constraint=None,
                 b_constraint=None, bias=True, input_dim=None, **kwargs):
        if "transform_bias" in kwargs:
            raise TypeError("`Highway`: `transform_bias` was removed in Keras 1.2 (the carry bias "
                            "always starts at 1, and Keras ignored the argument). Remove it.")
        _removed("Highway", "Keras 2 has no replacement layer: write the gate with two `Dense` "
                 "layers and merge layers.")
        super(Highway, self).__init__(init, W_regularizer, b_regularizer, activity_regularizer,
                                      W_constraint, b_constraint, bias, input_dim, weights,
                                      lambda d: (d,), kwargs)
        self.activation = activations.get(activation)
        self.input_spec = InputSpec(ndim=2)

    def build(self, input_shape):
        input_dim = input_shape[1]
        self.W = self.add_weight(name="W", shape=(input_dim, input_dim), initializer=self.init,
                                 regularizer=self.W_regularizer, constraint=self.W_constraint)
        self.W_carry = self.add_weight(name="W_carry", shape=(input_dim, input_dim),
                                       initializer=self.init)
        if self.bias:
            self.b = self.add_weight(name="b", shape=(input_dim,), initializer="zero",
                                     regularizer=self.b_regularizer, constraint=self.b_constraint)
            self.b_carry = self.add_weight(name="b_carry", shape=(input_dim,), initializer="one")
        else:
            self.b = self.b_carry = None
        self.input_spec = InputSpec(ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        gate = inputs @ self.W_carry
        if self.b_carry is not None:
            gate = gate + self.b_carry
        gate = torch.sigmoid(gate)
        y = inputs @ self.W
        if self.b is not None:
            y = y + self.b
        return self.activation(y) * gate + (1 - gate) * inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def _layer_config(self):
        return {"activation": activations.serialize(self.activation)}


class TimeDistributedDense(_WeightBias):
    """Keras 1 dense layer applied to every time step of a 3-D input: ``activation(x W + b)``.

    Keras 2 spells it ``Dense(output_dim)`` (which acts on the last axis) or
    ``TimeDistributed(Dense(output_dim))``; the weights ``[W, b]`` are the same arrays.

    Args:
        output_dim: positive integer, output size per time step.
        init, activation, weights, W_regularizer, b_regularizer, activity_regularizer,
        W_constraint, b_constraint, bias: as Keras 1 ``Dense``.
        input_dim, input_length: shorthand for ``input_shape=(input_length, input_dim)``.

    Input shape:
        ``(batch, timesteps, input_dim)``.

    Output shape:
        ``(batch, timesteps, output_dim)``.

    Example:
        >>> model.add(TimeDistributedDense(8, input_dim=4, input_length=10))
    """

    def __init__(self, output_dim, init="glorot_uniform", activation=None, weights=None,
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None, bias=True, input_dim=None,
                 input_length=None, **kwargs):
        _removed("TimeDistributedDense", "Use `Dense(%r)` (it applies to the last axis) or "
                 "`TimeDistributed(Dense(%r))`." % (output_dim, output_dim))
        super(TimeDistributedDense, self).__init__(
            init, W_regularizer, b_regularizer, activity_regularizer, W_constraint, b_constraint,
            bias, input_dim, weights, lambda d: (input_length, d), kwargs)
        self.output_dim = _positive_int("TimeDistributedDense", "output_dim", output_dim)
        self.activation = activations.get(activation)
        self.input_length = input_length
        self.input_spec = InputSpec(ndim=3)
        self.supports_masking = True

    def build(self, input_shape):
        self._add_W_b((input_shape[2], self.output_dim), (self.output_dim,))
        self.input_spec = InputSpec(ndim=3, axes={-1: input_shape[2]})
        self.built = True

    def call(self, inputs):
        return self.activation(time_distributed_dense(inputs, self.W, self.b))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], self.output_dim)

    def _layer_config(self):
        return {"output_dim": self.output_dim,
                "activation": activations.serialize(self.activation),
                "input_length": self.input_length}


def time_distributed_dense(x, w, b=None, dropout=None, input_dim=None, output_dim=None,
                           timesteps=None, training=None):
    """``x_t . w + b`` for every time step ``x_t`` of a 3-D tensor (Keras 1 helper).

    Args:
        x: ``(batch, timesteps, input_dim)`` tensor.
        w: ``(input_dim, output_dim)`` weight; ``b``: optional ``(output_dim,)`` bias.
        dropout: fraction of input features dropped in the training phase, with one mask shared
            by all time steps (as Keras 1).
        input_dim, output_dim, timesteps: optional sizes; checked against the tensors when given.
        training: the phase (default: ``K.learning_phase()``).

    Returns:
        ``(batch, timesteps, output_dim)`` tensor.

    Example:
        >>> y = time_distributed_dense(x, w, b)
    """
    for name, value, actual in (("input_dim", input_dim, x.shape[2]),
                                ("timesteps", timesteps, x.shape[1]),
                                ("output_dim", output_dim, w.shape[1])):
        if value and int(value) != int(actual):
            raise ValueError("time_distributed_dense: %s=%r does not match the tensors (%d)."
                             % (name, value, actual))
    if dropout is not None and 0. < dropout < 1.:
        def dropped():
            mask = K.dropout(torch.ones_like(x[:, 0, :]), dropout)
            return x * mask.unsqueeze(1)
        x = K.in_train_phase(dropped, x, training=training)
    y = torch.matmul(x, w)
    if b is not None:
        y = y + b
    return y


class _SharedAxesActivation(Layer):
    """Base of the Keras-1 learned activations: parameters of shape ``input_shape[1:]`` with the
    ``shared_axes`` (1-based, after the batch axis) of size 1."""

    def __init__(self, shared_axes, kwargs):
        super(_SharedAxesActivation, self).__init__(**kwargs)
        self.supports_masking = True
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [int(a) for a in shared_axes]
        else:
            self.shared_axes = [int(shared_axes)]

    def _param_shape(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis <= len(shape):
                raise ValueError("`%s` %r: shared axis %d is not an axis of the input %s (axes are "
                                 "counted from 1, after the batch axis)."
                                 % (type(self).__name__, self.name, axis, tuple(input_shape)))
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError("`%s` %r needs every non-shared input axis known. Received input "
                             "shape %s" % (type(self).__name__, self.name, tuple(input_shape)))
        return tuple(shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        base = super(_SharedAxesActivation, self).get_config()
        base.update(self._layer_config())
        base["shared_axes"] = self.shared_axes
        return base


class ParametricSoftplus(_SharedAxesActivation):
    """Learned softplus ``alpha * log(1 + exp(beta * x))`` with per-unit ``alpha``, ``beta``.

    Args:
        alpha_init: initial value of every ``alpha``; ``beta_init``: of every ``beta``.
        weights: initial ``[alphas, betas]``.
        shared_axes: input axes (from 1) sharing one parameter.

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> model.add(ParametricSoftplus(input_shape=(10,)))
    """

    def __init__(self, alpha_init=0.2, beta_init=5.0, weights=None, shared_axes=None, **kwargs):
        _removed("ParametricSoftplus", "Keras 2 users took it from keras-contrib.")
        if weights is not None:
            kwargs["weights"] = weights
        super(ParametricSoftplus, self).__init__(shared_axes, kwargs)
        self.alpha_init = float(np.float32(alpha_init))
        self.beta_init = float(np.float32(beta_init))

    def build(self, input_shape):
        shape = self._param_shape(input_shape)
        self.alphas = self.add_weight(name="alphas", shape=shape,
                                      initializer=initializers.Constant(self.alpha_init))
        self.betas = self.add_weight(name="betas", shape=shape,
                                     initializer=initializers.Constant(self.beta_init))
        self.built = True

    def call(self, inputs):
        return torch.nn.functional.softplus(self.betas * inputs) * self.alphas

    def _layer_config(self):
        return {"alpha_init": self.alpha_init, "beta_init": self.beta_init}


class SReLU(_SharedAxesActivation):
    """S-shaped ReLU: slope ``a_left`` below ``t_left``, identity between ``t_left`` and
    ``t_right_actual = t_left + |t_right|``, slope ``a_right`` above (Keras 1).

    Args:
        t_left_init, a_left_init, t_right_init, a_right_init: initializer names.
        shared_axes: input axes (from 1) sharing one parameter.

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> model.add(SReLU(input_shape=(10,)))
    """

    _INITS = ("t_left_init", "a_left_init", "t_right_init", "a_right_init")

    def __init__(self, t_left_init="zero", a_left_init="glorot_uniform",
                 t_right_init="glorot_uniform", a_right_init="one", shared_axes=None, **kwargs):
        _removed("SReLU", "Keras 2 users took it from keras-contrib.")
        super(SReLU, self).__init__(shared_axes, kwargs)
        for key, value in zip(self._INITS, (t_left_init, a_left_init, t_right_init, a_right_init)):
            initializers.get(value)   # fail early on an unknown name
            setattr(self, key, value)

    def build(self, input_shape):
        shape = self._param_shape(input_shape)
        for key in self._INITS:
            name = key[:-len("_init")]
            setattr(self, name, self.add_weight(name=name, shape=shape,
                                                initializer=getattr(self, key)))
        self.built = True

    def call(self, inputs):
        t_right_actual = self.t_left + torch.abs(self.t_right)
        shifted = inputs - self.t_left
        left_and_center = (self.t_left + torch.minimum(torch.relu(shifted), t_right_actual - self.t_left)
                           - self.a_left * torch.relu(-shifted))
        return left_and_center + torch.relu(inputs - t_right_actual) * self.a_right

    def _layer_config(self):
        return {key: getattr(self, key) if isinstance(getattr(self, key), str)
                else initializers.serialize(getattr(self, key)) for key in self._INITS}


from ._recurrent_base import ConvRecurrent2D, Recurrent  # noqa: E402,F401


def _builtin_objects():
    return [(Highway, "Highway", ()), (MaxoutDense, "MaxoutDense", ()),
            (TimeDistributedDense, "TimeDistributedDense", ()),
            (ParametricSoftplus, "ParametricSoftplus", ()), (SReLU, "SReLU", ())]
