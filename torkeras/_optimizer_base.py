"""The ``Optimizer`` base class (step planning, slots, clipping, configs) and its helpers.

Private module: the public home of ``Optimizer`` and ``clip_norm`` is :mod:`torkeras.optimizers`,
whose docstring describes how to write an optimizer.
"""
import operator

import numpy as np
import torch

from . import backend as K


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
