"""Keras 2.2.4 optimizers running as torch ``_foreach_*`` kernels.

Each optimizer applies exactly the update rule of Keras 2.2.4 (``keras/optimizers.py``): Keras's
epsilon placement, SGD velocity with the learning rate folded in, per-batch ``decay``
(``lr / (1 + decay * iterations)``), Nadam's momentum schedule, global-norm ``clipnorm`` and
elementwise ``clipvalue``.

The training engine calls :meth:`Optimizer.step` after ``loss.backward()``::

    opt = Adam(lr=1e-3)
    loss.backward()
    opt.step(params)      # params: the trainable torch.nn.Parameter list, same order every call

Hyperparameters that Keras keeps in backend variables (``lr``, ``decay``, ``momentum``, ``rho``,
``beta_1``, ``beta_2``) are 0-dim float32 CPU tensors, and ``iterations`` is a 0-dim int64 CPU
tensor, so ``K.get_value(opt.lr)`` / ``K.set_value(opt.lr, 0.01)`` work as in Keras and reading
them each step never synchronises a GPU. Slots (moments, accumulators) are created lazily, on each
parameter's device; ``opt.weights`` lists them in Keras 2.2.4 order, which is what a Keras ``.h5``
file stores under ``optimizer_weights``.

Writing your own optimizer: subclass :class:`Optimizer`, declare tensor hyperparameters as
``_Hyper()`` class attributes, and implement
``_slot_specs()`` (``[(name, 'like' | 'dummy'), ...]`` in Keras's creation order),
``_scalars(iteration)`` (Python floats computed once per step) and
``_apply(params, grads, slots, scalars)`` (in-place foreach updates of one device/dtype group).

The base class and its helpers live in ``_optimizer_base.py``; this module is their public home.
"""
import torch

from ._optimizer_base import Optimizer, _Default, _Hyper, _check, _eps, clip_norm
from ._registry import OPTIMIZERS
from .utils.generic_utils import (deserialize_keras_object, lookup_custom,
                                  serialize_keras_object)

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam",
           "TFOptimizer", "sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam",
           "clip_norm", "serialize", "deserialize", "get"]


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, Nesterov momentum and per-batch decay.

    Keras's velocity holds the learning rate: ``v = momentum * v - lr_t * g``, then ``p += v``
    (Nesterov: ``p += momentum * v - lr_t * g``), ``lr_t = lr / (1 + decay * iterations)``.

    Args:
        lr: float >= 0. Learning rate (``learning_rate=`` is accepted as an alias).
        momentum: float >= 0.
        decay: float >= 0. Learning rate decay over each update.
        nesterov: bool. Whether to apply Nesterov momentum.

    Example:
        >>> model.compile(optimizer=SGD(lr=0.01, momentum=0.9, nesterov=True), loss='mse')
    """

    momentum = _Hyper()
    decay = _Hyper()

    def __init__(self, lr=_Default(0.01), momentum=0., decay=0., nesterov=False, **kwargs):
        owner = type(self).__name__
        lr = self._resolve_lr(lr, kwargs, owner)
        super(SGD, self).__init__(**kwargs)
        self.lr = lr
        self.momentum = _check(momentum, "momentum", owner)
        self.decay = _check(decay, "decay", owner)
        self.initial_decay = float(decay)
        self.nesterov = bool(nesterov)

    def _slot_specs(self):
        return [("moments", "like")]

    def _scalars(self, iteration):
        return (self._decayed_lr(iteration), self._h_momentum.item())

    def _apply(self, params, grads, slots, scalars):
        lr, mom = scalars
        (moments,) = slots
        torch._foreach_mul_(moments, mom)
        torch._foreach_add_(moments, grads, alpha=-lr)
        if self.nesterov:
            torch._foreach_add_(params, moments, alpha=mom)
            torch._foreach_add_(params, grads, alpha=-lr)
        else:
            torch._foreach_add_(params, moments)

    def get_config(self):
        config = {"lr": float(self._h_lr.item()),
                  "momentum": float(self._h_momentum.item()),
                  "decay": float(self._h_decay.item()),
                  "nesterov": self.nesterov}
        base = super(SGD, self).get_config()
        base.update(config)
        return base


class RMSprop(Optimizer):
    """RMSProp: ``a = rho * a + (1 - rho) * g^2``, ``p -= lr_t * g / (sqrt(a) + epsilon)``.

    Keras 2.2.4 does not save ``iterations`` with RMSprop's weights (only the accumulators).

    Args:
        lr: float >= 0. Learning rate.
        rho: float >= 0.
        epsilon: float >= 0. Fuzz factor; None means ``K.epsilon()`` (1e-7).
        decay: float >= 0. Learning rate decay over each update.

    Example:
        >>> model.compile(optimizer=RMSprop(lr=0.001), loss='mse')
    """

    _iterations_in_weights = False
    rho = _Hyper()
    decay = _Hyper()

    def __init__(self, lr=_Default(0.001), rho=0.9, epsilon=None, decay=0., **kwargs):
        owner = type(self).__name__
        lr = self._resolve_lr(lr, kwargs, owner)
        super(RMSprop, self).__init__(**kwargs)
        self.lr = lr
        self.rho = _check(rho, "rho", owner)
        self.decay = _check(decay, "decay", owner)
        self.epsilon = _eps(epsilon, owner)
        self.initial_decay = float(decay)

    def _slot_specs(self):
        return [("accumulators", "like")]

    def _scalars(self, iteration):
        return (self._decayed_lr(iteration), self._h_rho.item())

    def _apply(self, params, grads, slots, scalars):
        lr, rho = scalars
        (acc,) = slots
        torch._foreach_mul_(acc, rho)
        torch._foreach_addcmul_(acc, grads, grads, 1.0 - rho)
        denom = torch._foreach_sqrt(acc)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(params, grads, denom, -lr)

    def get_config(self):
        config = {"lr": float(self._h_lr.item()),
                  "rho": float(self._h_rho.item()),
                  "decay": float(self._h_decay.item()),
                  "epsilon": self.epsilon}
        base = super(RMSprop, self).get_config()
        base.update(config)
        return base

    _HARMLESS_OWN = {"momentum": lambda v: v == 0, "centered": lambda v: not v}


class Adagrad(Optimizer):
    """Adagrad: ``a += g^2``, ``p -= lr_t * g / (sqrt(a) + epsilon)``; accumulators start at 0.

    Args:
        lr: float >= 0. Initial learning rate.
        epsilon: float >= 0. None means ``K.epsilon()``.
        decay: float >= 0. Learning rate decay over each update.

    Example:
        >>> model.compile(optimizer=Adagrad(), loss='mse')
    """

    _iterations_in_weights = False
    decay = _Hyper()

    def __init__(self, lr=_Default(0.01), epsilon=None, decay=0., **kwargs):
        owner = type(self).__name__
        lr = self._resolve_lr(lr, kwargs, owner)
        super(Adagrad, self).__init__(**kwargs)
        self.lr = lr
        self.decay = _check(decay, "decay", owner)
        self.epsilon = _eps(epsilon, owner)
        self.initial_decay = float(decay)

    def _slot_specs(self):
        return [("accumulators", "like")]

    def _scalars(self, iteration):
        return self._decayed_lr(iteration)

    def _apply(self, params, grads, slots, lr):
        (acc,) = slots
        torch._foreach_addcmul_(acc, grads, grads)
        denom = torch._foreach_sqrt(acc)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(params, grads, denom, -lr)

    def get_config(self):
        config = {"lr": float(self._h_lr.item()),
                  "decay": float(self._h_decay.item()),
                  "epsilon": self.epsilon}
        base = super(Adagrad, self).get_config()
        base.update(config)
        return base

    # tf.keras starts the accumulators at 0.1 by default; only 0 is Keras 2.2.4's rule.
    _HARMLESS_OWN = {"initial_accumulator_value": lambda v: v == 0}


class Adadelta(Optimizer):
    """Adadelta with Keras's learning rate and decay.

    ``a = rho*a + (1-rho)*g^2``; ``u = g * sqrt(d + eps) / sqrt(a + eps)``; ``p -= lr_t * u``;
    ``d = rho*d + (1-rho)*u^2``. ``rho`` is a plain float, as in Keras.

    Args:
        lr: float >= 0. Initial learning rate (default 1.0).
        rho: float >= 0. Decay factor of the running averages.
        epsilon: float >= 0. None means ``K.epsilon()``.
        decay: float >= 0. Learning rate decay over each update.

    Example:
        >>> model.compile(optimizer=Adadelta(), loss='mse')
    """

    _iterations_in_weights = False
    decay = _Hyper()

    def __init__(self, lr=_Default(1.0), rho=0.95, epsilon=None, decay=0., **kwargs):
        owner = type(self).__name__
        lr = self._resolve_lr(lr, kwargs, owner)
        super(Adadelta, self).__init__(**kwargs)
        self.lr = lr
        self.rho = _check(rho, "rho", owner)
        self.decay = _check(decay, "decay", owner)
        self.epsilon = _eps(epsilon, owner)
        self.initial_decay = float(decay)

    def _slot_specs(self):
        return [("accumulators", "like"), ("delta_accumulators", "like")]

    def _scalars(self, iteration):
        return self._decayed_lr(iteration)

    def _apply(self, params, grads, slots, lr):
        acc, delta = slots
        rho, eps = self.rho, self.epsilon
        torch._foreach_mul_(acc, rho)
        torch._foreach_addcmul_(acc, grads, grads, 1.0 - rho)
        update = torch._foreach_add(delta, eps)
        torch._foreach_sqrt_(update)
        den = torch._foreach_add(acc, eps)
        torch._foreach_sqrt_(den)
        torch._foreach_div_(update, den)
        torch._foreach_mul_(update, grads)
        torch._foreach_add_(params, update, alpha=-lr)
        torch._foreach_mul_(delta, rho)
        torch._foreach_addcmul_(delta, update, update, 1.0 - rho)

    def get_config(self):
        config = {"lr": float(self._h_lr.item()),
                  "rho": self.rho,
                  "decay": float(self._h_decay.item()),
                  "epsilon": self.epsilon}
        base = super(Adadelta, self).get_config()
        base.update(config)
        return base


class Adam(Optimizer):
    """Adam with Keras's "epsilon hat": ``p -= lr_t * m / (sqrt(v) + epsilon)``, where
    ``lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)`` (epsilon on the uncorrected ``sqrt(v)``).

    Args:
        lr: float >= 0. Learning rate.
        beta_1, beta_2: floats in [0, 1).
        epsilon: float >= 0. None means ``K.epsilon()`` (1e-7).
        decay: float >= 0. Learning rate decay over each update.
        amsgrad: bool. Use the AMSGrad variant (``vhat = max(vhat, v)`` in the denominator).

    Example:
        >>> model.compile(optimizer=Adam(lr=1e-3), loss='categorical_crossentropy')
    """

    beta_1 = _Hyper()
    beta_2 = _Hyper()
    decay = _Hyper()

    def __init__(self, lr=_Default(0.001), beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.,
                 amsgrad=False, **kwargs):
        owner = type(self).__name__
        lr = self._resolve_lr(lr, kwargs, owner)
        super(Adam, self).__init__(**kwargs)
        self.lr = lr
        self.beta_1 = _check(beta_1, "beta_1", owner, 0.0, 1.0, True)
        self.beta_2 = _check(beta_2, "beta_2", owner, 0.0, 1.0, True)
        self.decay = _check(decay, "decay", owner)
        self.epsilon = _eps(epsilon, owner)
        self.initial_decay = float(decay)
        self.amsgrad = bool(amsgrad)

    def _slot_specs(self):
        return [("m", "like"), ("v", "like"), ("vhat", "like" if self.amsgrad else "dummy")]

    def _scalars(self, iteration):
        lr = self._decayed_lr(iteration)
        b1 = self._h_beta_1.item()
        b2 = self._h_beta_2.item()
        t = iteration + 1.0
        lr_t = lr * ((1.0 - b2 ** t) ** 0.5 / (1.0 - b1 ** t))
        return lr_t, b1, b2

    def _apply(self, params, grads, slots, scalars):
        lr_t, b1, b2 = scalars
        m, v = slots[0], slots[1]
        torch._foreach_lerp_(m, grads, 1.0 - b1)
        torch._foreach_mul_(v, b2)
        torch._foreach_addcmul_(v, grads, grads, 1.0 - b2)
        if self.amsgrad:
            vhat = slots[2]
            torch._foreach_maximum_(vhat, v)
            denom = torch._foreach_sqrt(vhat)
        else:
            denom = torch._foreach_sqrt(v)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(params, m, denom, -lr_t)

    def get_config(self):
        config = {"lr": float(self._h_lr.item()),
                  "beta_1": float(self._h_beta_1.item()),
                  "beta_2": float(self._h_beta_2.item()),
                  "decay": float(self._h_decay.item()),
                  "epsilon": self.epsilon,
                  "amsgrad": self.amsgrad}
        base = super(Adam, self).get_config()
        base.update(config)
        return base


class Adamax(Optimizer):
    """Adamax (Adam with the infinity norm): ``u = max(beta_2 * u, |g|)``,
    ``p -= lr_t / (1 - beta_1^t) * m / (u + epsilon)``.

    Args:
        lr: float >= 0. Learning rate (default 0.002).
        beta_1, beta_2: floats in [0, 1).
        epsilon: float >= 0. None means ``K.epsilon()``.
        decay: float >= 0. Learning rate decay over each update.

    Example:
        >>> model.compile(optimizer=Adamax(), loss='mse')
    """

    beta_1 = _Hyper()
    beta_2 = _Hyper()
    decay = _Hyper()

    def __init__(self, lr=_Default(0.002), beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.,
                 **kwargs):
        owner = type(self).__name__
        lr = self._resolve_lr(lr, kwargs, owner)
        super(Adamax, self).__init__(**kwargs)
        self.lr = lr
        self.beta_1 = _check(beta_1, "beta_1", owner, 0.0, 1.0, True)
        self.beta_2 = _check(beta_2, "beta_2", owner, 0.0, 1.0, True)
        self.decay = _check(decay, "decay", owner)
        self.epsilon = _eps(epsilon, owner)
        self.initial_decay = float(decay)

    def _slot_specs(self):
        return [("m", "like"), ("u", "like")]

    def _scalars(self, iteration):
        lr = self._decayed_lr(iteration)
        b1 = self._h_beta_1.item()
        b2 = self._h_beta_2.item()
        return lr / (1.0 - b1 ** (iteration + 1.0)), b1, b2

    def _apply(self, params, grads, slots, scalars):
        lr_t, b1, b2 = scalars
        m, u = slots
        torch._foreach_lerp_(m, grads, 1.0 - b1)
        torch._foreach_mul_(u, b2)
        torch._foreach_maximum_(u, torch._foreach_abs(grads))
        denom = torch._foreach_add(u, self.epsilon)
        torch._foreach_addcdiv_(params, m, denom, -lr_t)

    def get_config(self):
        config = {"lr": float(self._h_lr.item()),
                  "beta_1": float(self._h_beta_1.item()),
                  "beta_2": float(self._h_beta_2.item()),
                  "decay": float(self._h_decay.item()),
                  "epsilon": self.epsilon}
        base = super(Adamax, self).get_config()
        base.update(config)
        return base


class Nadam(Optimizer):
    """Nesterov Adam with Keras's warming momentum schedule (no ``decay`` argument).

    ``mu_t = beta_1 * (1 - 0.5 * 0.96^(t * schedule_decay))``; ``m_schedule`` is the running product
    of ``mu``. Keras 2.2.4 does not save ``m_schedule``; torkeras recomputes it from ``iterations``
    whenever ``iterations`` was set from outside (``set_weights``), so a resumed run continues
    exactly where it stopped.

    Args:
        lr: float >= 0. Learning rate (default 0.002).
        beta_1, beta_2: floats in [0, 1).
        epsilon: float >= 0. None means ``K.epsilon()``.
        schedule_decay: float >= 0 (default 0.004).

    Example:
        >>> model.compile(optimizer=Nadam(), loss='mse')
    """

    beta_1 = _Hyper()
    beta_2 = _Hyper()

    def __init__(self, lr=_Default(0.002), beta_1=0.9, beta_2=0.999, epsilon=None,
                 schedule_decay=0.004, **kwargs):
        owner = type(self).__name__
        lr = self._resolve_lr(lr, kwargs, owner)
        super(Nadam, self).__init__(**kwargs)
        self.lr = lr
        self.beta_1 = _check(beta_1, "beta_1", owner, 0.0, 1.0, True)
        self.beta_2 = _check(beta_2, "beta_2", owner, 0.0, 1.0, True)
        self.epsilon = _eps(epsilon, owner)
        self.schedule_decay = _check(schedule_decay, "schedule_decay", owner)
        self._m_schedule = 1.0
        self._m_schedule_at = 0

    def _mu(self, b1, t):
        return b1 * (1.0 - 0.5 * 0.96 ** (t * self.schedule_decay))

    @property
    def m_schedule(self):
        """Running product of the momentum schedule after ``iterations`` steps (a float)."""
        it = int(self._h_iterations.item())
        if it != self._m_schedule_at:
            self._sync_m_schedule(it)
        return self._m_schedule

    def _sync_m_schedule(self, it):
        b1 = self._h_beta_1.item()
        s = 1.0
        for k in range(1, it + 1):
            s *= self._mu(b1, k)
        self._m_schedule = s
        self._m_schedule_at = it

    def _slot_specs(self):
        return [("m", "like"), ("v", "like")]

    def _scalars(self, iteration):
        if iteration != self._m_schedule_at:
            self._sync_m_schedule(iteration)
        b1 = self._h_beta_1.item()
        b2 = self._h_beta_2.item()
        t = iteration + 1.0
        mu_t = self._mu(b1, t)
        mu_next = self._mu(b1, t + 1.0)
        sched_new = self._m_schedule * mu_t
        sched_next = sched_new * mu_next
        self._m_schedule = sched_new
        self._m_schedule_at = iteration + 1
        c_g = (1.0 - mu_t) / (1.0 - sched_new)
        c_m = mu_next / (1.0 - sched_next)
        v_scale = (1.0 - b2 ** t) ** 0.5
        return self._h_lr.item(), b1, b2, c_g, c_m, v_scale

    def _apply(self, params, grads, slots, scalars):
        lr, b1, b2, c_g, c_m, v_scale = scalars
        m, v = slots
        torch._foreach_lerp_(m, grads, 1.0 - b1)
        torch._foreach_mul_(v, b2)
        torch._foreach_addcmul_(v, grads, grads, 1.0 - b2)
        # m_bar = (1 - mu_t) * g / (1 - sched_new) + mu_{t+1} * m / (1 - sched_next)
        num = torch._foreach_mul(grads, c_g)
        torch._foreach_add_(num, m, alpha=c_m)
        # sqrt(v / (1 - beta_2^t)) + eps
        denom = torch._foreach_sqrt(v)
        torch._foreach_div_(denom, v_scale)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(params, num, denom, -lr)

    def get_config(self):
        config = {"lr": float(self._h_lr.item()),
                  "beta_1": float(self._h_beta_1.item()),
                  "beta_2": float(self._h_beta_2.item()),
                  "epsilon": self.epsilon,
                  "schedule_decay": self.schedule_decay}
        base = super(Nadam, self).get_config()
        base.update(config)
        return base

    @classmethod
    def _translate_config(cls, config, tf_style):
        # tf.keras's legacy Nadam stores its schedule decay under 'decay' (no learning-rate decay).
        if "decay" in config:
            d = config["decay"]
            if tf_style and "schedule_decay" not in config:
                config["schedule_decay"] = config.pop("decay")
            elif d == 0:
                del config["decay"]
            else:
                raise ValueError("Nadam.from_config: decay=%r is not supported: Keras 2.2.4's Nadam "
                                 "has no learning-rate decay (it has schedule_decay)." % (d,))


class TFOptimizer(Optimizer):
    """Keras's wrapper of native TensorFlow optimizers: not available on PyTorch."""

    def __init__(self, optimizer=None):
        raise TypeError("TFOptimizer wraps TensorFlow optimizers, and torkeras runs on PyTorch. "
                        "Use a torkeras optimizer (keras.optimizers.Adam(), 'sgd', ...).")


# Aliases (Keras 2.2.4).
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam
adamax = Adamax
nadam = Nadam

_BUILTINS = (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam)
_LOWER = {cls.__name__.lower() for cls in _BUILTINS}


def _builtin_objects():
    """``[(class, name, aliases), ...]`` for the plugin manager (class name + lowercase alias)."""
    return [(cls, cls.__name__, (cls.__name__.lower(),)) for cls in _BUILTINS]


def serialize(optimizer):
    """``{'class_name': ..., 'config': ...}`` of an optimizer."""
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Optimizer from ``{'class_name', 'config'}``; built-in names are case-insensitive
    (``'Adam'``, ``'adam'``, ``'ADAM'``), as in Keras."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("Could not interpret serialized optimizer: expected {'class_name': ..., "
                         "'config': {...}}. Received %r" % (config,))
    config = dict(config)
    name = config["class_name"]
    if (isinstance(name, str) and name.lower() in _LOWER
            and lookup_custom(name, custom_objects) is None):
        config["class_name"] = name.lower()
    if config.get("config") is None:
        config["config"] = {}
    return deserialize_keras_object(config, OPTIMIZERS, custom_objects=custom_objects,
                                    printable_module_name="optimizer")


def get(identifier):
    """An optimizer from a name (``'adam'``), a config dict or an instance (returned as is).

    Raises:
        TypeError: ``identifier`` is a ``torch.optim.Optimizer``.
        ValueError: ``identifier`` cannot be interpreted.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, torch.optim.Optimizer) or (
            isinstance(identifier, type) and issubclass(identifier, torch.optim.Optimizer)):
        raise TypeError(
            "torkeras models need a torkeras optimizer, received torch.optim.%s. torkeras optimizers "
            "apply Keras's update rules, are saved with the model and work with Keras callbacks. "
            "Use e.g. keras.optimizers.%s(lr=...) or the string %r."
            % (getattr(identifier, "__name__", type(identifier).__name__),
               _torch_equivalent(identifier), _torch_equivalent(identifier).lower()))
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": str(identifier), "config": {}})
    raise ValueError("Could not interpret optimizer identifier: %r. Pass a name ('adam'), a config "
                     "dict or a torkeras optimizer instance." % (identifier,))


def _torch_equivalent(torch_opt):
    name = getattr(torch_opt, "__name__", type(torch_opt).__name__)
    for cls in _BUILTINS:
        if cls.__name__.lower() == name.lower():
            return cls.__name__
    return "Adam"

from .legacy.objects import optimizer_from_config  # noqa: E402,F401  (Keras 1.2.2 name)
