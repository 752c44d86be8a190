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
"""
import operator

import numpy as np
import torch

from . import backend as K
from ._registry import OPTIMIZERS
from .utils.generic_utils import (deserialize_keras_object, lookup_custom,
                                  serialize_keras_object)

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam",
           "TFOptimizer", "sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam",
           "clip_norm", "serialize", "deserialize", "get"]


class _Default(float):
    """A default ``lr`` value: lets ``__init__`` tell "not given" from an explicit number."""
    __slots__ = ()


def _number(value, what, owner):
    """``value`` as a Python float; accepts numbers, numpy scalars and 0-dim arrays/tensors."""
    if isinstance(value, bool) or value is None:
        raise TypeError("`%s`: `%s` must be a number. Received %s=%r"
                        % (owner, what, what, value))
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ValueError("`%s`: `%s` must be a scalar. Received a tensor of shape %s"
                             % (owner, what, tuple(value.shape)))
        return float(value.detach().reshape(()).item())
    try:
        arr = np.asarray(value)
    except Exception as e:  # an unconvertible object: report it as a type error
        raise TypeError("`%s`: `%s` must be a number. Received %s=%r (%s)"
                        % (owner, what, what, value, e))
    if arr.shape != () or arr.dtype.kind not in "iuf":
        raise TypeError("`%s`: `%s` must be a number. Received %s=%r" % (owner, what, what, value))
    return float(arr)


def _check(value, what, owner, low=0.0, high=None, high_open=False):
    v = _number(value, what, owner)
    if not np.isfinite(v) or v < low or (high is not None and (v >= high if high_open else v > high)):
        if high is None:
            rule = ">= %g" % low
        else:
            rule = "in [%g, %g%s" % (low, high, ")" if high_open else "]")
        raise ValueError("`%s`: `%s` must be a finite number %s. Received %s=%r"
                         % (owner, what, rule, what, value))
    return v


class _Hyper(object):
    """A hyperparameter held in a 0-dim CPU tensor; assigning a number fills the tensor in place,
    so references handed out earlier (callbacks, ``K.set_value``) stay valid."""

    def __init__(self, dtype=torch.float32):
        self.dtype = dtype

    def __set_name__(self, owner, name):
        self.name = name
        self.key = "_h_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        try:
            return obj.__dict__[self.key]
        except KeyError:
            raise AttributeError("%r object has no attribute %r" % (type(obj).__name__, self.name))

    def __set__(self, obj, value):
        current = obj.__dict__.get(self.key)
        owner = type(obj).__name__
        if self.dtype is torch.int64:
            v = int(_number(value, self.name, owner))
        else:
            v = _number(value, self.name, owner)
        if current is None:
            obj.__dict__[self.key] = torch.tensor(v, dtype=self.dtype, device="cpu")
        else:
            with torch.no_grad():
                current.fill_(v)


class _Group(object):
    """Parameters sharing one device and dtype, with their slots, for one foreach call each."""
    __slots__ = ("params", "slots", "first", "device", "dtype")

    def __init__(self, params, slots):
        self.params = params
        self.slots = slots
        self.first = params[0]
        self.device = params[0].device
        self.dtype = params[0].dtype


class _Plan(object):
    __slots__ = ("params", "groups")

    def __init__(self, params, groups):
        self.params = params
        self.groups = groups


def clip_norm(g, c, n):
    """Keras's ``clip_norm``: ``g * c / n`` when the norm ``n`` is at least ``c``, else ``g``.

    Args:
        g: gradient tensor.
        c: float, the clipping threshold; ``c <= 0`` returns ``g`` unchanged.
        n: tensor, the norm that decides (for ``clipnorm`` the global norm of all gradients).
    """
    if c <= 0:
        return g
    return torch.where(n >= c, g * c / n, g)


class Optimizer(object):
    """Base class of torkeras optimizers (Keras 2.2.4 ``keras.optimizers.Optimizer``).

    Args:
        clipnorm: float >= 0. Gradients are scaled by ``clipnorm / norm`` when the global L2 norm
            over all gradients is at least ``clipnorm`` (Keras's ``clip_norm``).
        clipvalue: float >= 0. Gradients are clipped elementwise to ``[-clipvalue, clipvalue]``.

    Clipping modifies ``param.grad`` in place, like ``torch.nn.utils.clip_grad_norm_``.
    """

    _iterations_in_weights = True

    iterations = _Hyper(torch.int64)
    lr = _Hyper()

    def __init__(self, **kwargs):
        owner = type(self).__name__
        allowed = ("clipnorm", "clipvalue")
        for k in kwargs:
            if k not in allowed:
                raise TypeError("Unexpected keyword argument passed to optimizer %s: %r. Accepted "
                                "besides its own arguments: %s." % (owner, k, ", ".join(allowed)))
        self._clipnorm = None
        self._clipvalue = None
        for k in allowed:
            if k in kwargs and kwargs[k] is not None:
                v = _check(kwargs[k], k, owner)
                setattr(self, "_" + k, v)
                # Keras keeps the attribute only when it was given (get_config tests hasattr).
                self.__dict__[k] = v
        self.updates = []
        self._plan = None
        self._slots = {}
        if "_h_iterations" not in self.__dict__:
            self.iterations = 0

    @staticmethod
    def _resolve_lr(lr, kwargs, owner):
        if "learning_rate" in kwargs:
            alias = kwargs.pop("learning_rate")
            if not isinstance(lr, _Default):
                raise TypeError("`%s`: pass either `lr` or its Keras 2.3 spelling `learning_rate`, "
                                "not both. Received lr=%r, learning_rate=%r" % (owner, lr, alias))
            lr = alias
        return _check(lr, "lr", owner)

    # ---- Keras-compatible attributes -------------------------------------------------------

    @property
    def learning_rate(self):
        """Alias of ``lr`` (the Keras 2.3 / tf.keras spelling)."""
        return self.lr

    @learning_rate.setter
    def learning_rate(self, value):
        self.lr = value

    def get_updates(self, loss, params):
        raise NotImplementedError(
            "%s.get_updates(loss, params) builds symbolic Keras update ops, which torkeras does not "
            "support: it runs on PyTorch eagerly. Call loss.backward() and then "
            "optimizer.step(params) instead (model.fit does this for you)." % type(self).__name__)

    def get_gradients(self, loss, params):
        raise NotImplementedError(
            "%s.get_gradients(loss, params) needs symbolic gradients, which torkeras does not "
            "support. Call loss.backward() and read param.grad." % type(self).__name__)

    # ---- slots ---------------------------------------------------------------------------

    def _slot_specs(self):
        """``[(slot_name, 'like' | 'dummy'), ...]`` in Keras's creation order."""
        return []

    def _scalars(self, iteration):
        """Per-step Python scalars handed to :meth:`_apply` (computed once per step)."""
        raise NotImplementedError("%s must implement _scalars(iteration)" % type(self).__name__)

    def _apply(self, params, grads, slots, scalars):
        """Update one device/dtype group in place with foreach ops."""
        raise NotImplementedError("%s must implement _apply()" % type(self).__name__)

    def build(self, params):
        """Create the slots for ``params`` (zeros), as Keras does when it makes the train function.

        The HDF5 loader calls ``build(trainable_params)`` then :meth:`set_weights`. Calling it again
        with the same parameters does nothing; with a different list, slots of parameters that
        remain are kept and new parameters get zero slots.
        """
        self._get_plan(_as_list(params))

    @property
    def built(self):
        return self._plan is not None

    def _get_plan(self, params):
        plan = self._plan
        if (plan is not None and len(params) == len(plan.params)
                and all(map(operator.is_, params, plan.params))):
            return plan
        return self._rebuild(params)

    def _rebuild(self, params):
        for i, p in enumerate(params):
            if not isinstance(p, torch.Tensor):
                raise TypeError("%s.step/build expects torch tensors (the trainable parameters). "
                                "Received %r at position %d" % (type(self).__name__, type(p).__name__, i))
        old = {}
        if self._plan is not None:
            for i, p in enumerate(self._plan.params):
                old[id(p)] = (p, i)
        specs = self._slot_specs()
        slots = {}
        for name, kind in specs:
            lst = []
            for p in params:
                prev = old.get(id(p))
                prev_t = None
                if prev is not None and prev[0] is p:
                    prev_t = self._slots[name][prev[1]] if name in self._slots else None
                if kind == "dummy":
                    t = prev_t if prev_t is not None and prev_t.shape == (1,) else torch.zeros(1)
                else:
                    if prev_t is not None and prev_t.shape == p.shape:
                        t = prev_t
                        if t.device != p.device or t.dtype != p.dtype:
                            t = t.to(device=p.device, dtype=p.dtype)
                    else:
                        t = torch.zeros_like(p, memory_format=torch.preserve_format,
                                             requires_grad=False)
                lst.append(t)
            slots[name] = lst
        self._slots = slots
        like = [name for name, kind in specs if kind == "like"]
        by_key = {}
        order = []
        for i, p in enumerate(params):
            key = (p.device, p.dtype)
            if key not in by_key:
                by_key[key] = []
                order.append(key)
            by_key[key].append(i)
        groups = []
        for key in order:
            idx = by_key[key]
            groups.append(_Group([params[i] for i in idx],
                                 tuple([slots[name][i] for i in idx] for name in like)))
        self._plan = _Plan(list(params), groups)
        return self._plan

    # ---- the training step ------------------------------------------------------------------

    def step(self, params):
        """Apply one Keras update to ``params`` from their ``.grad`` (skipping ``grad is None``).

        Clipping, the update and ``iterations += 1`` run under ``torch.no_grad()``.
        """
        if not isinstance(params, (list, tuple)):
            params = list(params)
        with torch.no_grad():
            plan = self._get_plan(params)
            groups = plan.groups
            for grp in groups:
                first = grp.first
                if first.device != grp.device or first.dtype != grp.dtype:
                    plan = self._rebuild(params)  # the model moved (model.to / .half())
                    groups = plan.groups
                    break
            batches = []
            partial = False
            for grp in groups:
                grads = [p.grad for p in grp.params]
                for g in grads:
                    if g is None or g.is_sparse:
                        partial = True
                        break
                if partial:
                    break
                batches.append((grp.params, grads, grp.slots))
            if partial:
                batches = self._partial_batches(groups)
            if batches:
                if self._clipnorm:
                    self._clip_by_global_norm([b[1] for b in batches])
                if self._clipvalue:
                    c = self._clipvalue
                    for b in batches:
                        torch._foreach_clamp_min_(b[1], -c)
                        torch._foreach_clamp_max_(b[1], c)
            it = self.__dict__["_h_iterations"]
            scalars = self._scalars(it.item())
            for p, g, s in batches:
                self._apply(p, g, s, scalars)
            it.add_(1)

    def _partial_batches(self, groups):
        """Groups restricted to parameters that have a gradient; sparse gradients densified."""
        out = []
        for grp in groups:
            ps, gs = [], []
            keep = []
            for j, p in enumerate(grp.params):
                g = p.grad
                if g is None:
                    continue
                if g.is_sparse:
                    g = g.to_dense()
                ps.append(p)
                gs.append(g)
                keep.append(j)
            if ps:
                out.append((ps, gs, tuple([s[j] for j in keep] for s in grp.slots)))
        return out

    def _clip_by_global_norm(self, grad_lists):
        c = self._clipnorm
        dev = grad_lists[0][0].device
        parts = []
        for gs in grad_lists:
            norms = torch._foreach_norm(gs)
            part = torch.linalg.vector_norm(torch.stack(norms).to(torch.float32))
            parts.append(part if part.device == dev else part.to(dev))
        total = parts[0] if len(parts) == 1 else torch.linalg.vector_norm(torch.stack(parts))
        # c / max(n, c) is exactly c / n when n >= c and exactly 1 otherwise (Keras's clip_norm),
        # without reading the norm back to the host.
        coef = c / torch.clamp(total, min=c)
        for gs in grad_lists:
            g0 = gs[0]
            torch._foreach_mul_(gs, coef.to(device=g0.device, dtype=g0.dtype))

    def zero_grad(self, params):
        """Set ``.grad`` of every parameter to None."""
        for p in params:
            p.grad = None

    def _decayed_lr(self, iteration):
        lr = self.__dict__["_h_lr"].item()
        if self.initial_decay > 0:
            lr = lr * (1.0 / (1.0 + self.__dict__["_h_decay"].item() * iteration))
        return lr

    # ---- optimizer weights (Keras order) ------------------------------------------------------

    @property
    def weights(self):
        """Optimizer state in Keras 2.2.4 order; empty until built (as in Keras before training)."""
        if self._plan is None:
            return []
        out = [self.iterations] if self._iterations_in_weights else []
        for name, _ in self._slot_specs():
            out.extend(self._slots[name])
        return out

    def weight_names(self):
        """Names Keras 2.2.4 (TensorFlow backend) writes for :attr:`weights` in ``.h5`` files."""
        if self._plan is None:
            return []
        cls = type(self).__name__
        names = ["%s/iterations:0" % cls] if self._iterations_in_weights else []
        n = sum(len(self._slots[name]) for name, _ in self._slot_specs())
        for i in range(n):
            names.append("training/%s/Variable%s:0" % (cls, "" if i == 0 else "_%d" % i))
        return names

    def get_weights(self):
        """Current values of :attr:`weights` as numpy arrays (copies)."""
        return [w.detach().to("cpu", copy=True).numpy() for w in self.weights]

    def set_weights(self, weights):
        """Set :attr:`weights` from numpy arrays (same count and shapes as :meth:`get_weights`).

        Before the first step, call :meth:`build` with the trainable parameters first.

        Raises:
            ValueError: the optimizer is not built, or the count or a shape does not match.
        """
        owner = type(self).__name__
        if self._plan is None:
            raise ValueError(
                "%s.set_weights: the optimizer has no weights yet. Call optimizer.build(params) with "
                "the model's trainable parameters first (or run one training step)." % owner)
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError("%s.set_weights: expected a list of %d arrays (the optimizer's weights: "
                             "%s), received %d." % (owner, len(params), ", ".join(self.weight_names()),
                                                    len(weights)))
        arrays = []
        names = self.weight_names()
        for i, (p, w) in enumerate(zip(params, weights)):
            w = np.asarray(w)
            if tuple(w.shape) != tuple(p.shape):
                raise ValueError("%s.set_weights: weight %d (%s) has shape %s, received an array of "
                                 "shape %s." % (owner, i, names[i], tuple(p.shape), tuple(w.shape)))
            arrays.append(w)
        with torch.no_grad():
            for p, w in zip(params, arrays):
                src = torch.from_numpy(np.array(w, order="C"))  # copy; keeps 0-dim shape
                p.copy_(src.to(device=p.device, dtype=p.dtype))

    # ---- config ----------------------------------------------------------------------------

    def get_config(self):
        config = {}
        if "clipnorm" in self.__dict__:
            config["clipnorm"] = self.clipnorm
        if "clipvalue" in self.__dict__:
            config["clipvalue"] = self.clipvalue
        return config

    # Keys written by tf.keras / Keras 3 that do not change Keras 2.2.4 results when they hold the
    # value given here (a callable decides); anything else that is unknown reaches __init__ and
    # raises TypeError there.
    _HARMLESS = {
        "name": lambda v: True,
        "is_legacy_optimizer": lambda v: True,
        "jit_compile": lambda v: True,
        "global_clipnorm": lambda v: v is None,
        "weight_decay": lambda v: v is None or v == 0,
        "use_ema": lambda v: not v,
        "ema_momentum": lambda v: True,  # only read when use_ema is true, which is rejected
        "ema_overwrite_frequency": lambda v: True,
        "loss_scale_factor": lambda v: v is None,
        "gradient_accumulation_steps": lambda v: v is None,
    }
    _HARMLESS_OWN = {}

    @classmethod
    def from_config(cls, config):
        """Create an optimizer from :meth:`get_config` output.

        Also reads Keras 2.3 / tf.keras configs: ``learning_rate`` is taken as ``lr``; tf.keras
        extras (``name``...) are dropped only when they cannot change the updates; others raise.
        """
        config = dict(config)
        owner = cls.__name__
        tf_style = "name" in config or "is_legacy_optimizer" in config
        if tf_style and config.get("clipnorm") is not None:
            raise ValueError(
                "%s.from_config: this tf.keras config sets clipnorm=%r, which tf.keras applies to "
                "each gradient separately; Keras 2.2.4 (and torkeras) clip by the global norm of all "
                "gradients. Replace it with 'global_clipnorm' (same meaning as Keras 2.2.4 clipnorm) "
                "or remove it." % (owner, config["clipnorm"]))
        gcn = config.get("global_clipnorm")
        if gcn is not None:
            config.pop("global_clipnorm")
            if config.get("clipnorm") is not None:
                raise ValueError("%s.from_config: config sets both clipnorm and global_clipnorm."
                                 % owner)
            config["clipnorm"] = gcn
        cls._translate_config(config, tf_style)
        harmless = dict(Optimizer._HARMLESS)
        harmless.update(cls._HARMLESS_OWN)
        for key in list(config):
            if key in harmless:
                if harmless[key](config[key]):
                    del config[key]
                else:
                    raise ValueError(
                        "%s.from_config: %s=%r would change the updates, and Keras 2.2.4's %s has no "
                        "such setting. Remove the key to train with Keras 2.2.4 behaviour, or write a "
                        "custom optimizer." % (owner, key, config[key], owner))
        return cls(**config)

    @classmethod
    def _translate_config(cls, config, tf_style):
        """Hook for class-specific renames of foreign config keys (in place)."""

    def __repr__(self):
        args = ", ".join("%s=%r" % kv for kv in self.get_config().items())
        return "%s(%s)" % (type(self).__name__, args)


def _as_list(params):
    return params if isinstance(params, (list, tuple)) else list(params)


def _eps(epsilon, owner):
    return K.epsilon() if epsilon is None else _check(epsilon, "epsilon", owner)


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
