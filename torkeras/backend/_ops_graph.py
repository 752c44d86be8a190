"""Symbolic backend expressions: placeholders, the learning phase, ``K.function`` and ``K.gradients``.

torkeras runs eagerly. Old scripts still build small graphs: ``K.function([model.input,
K.learning_phase()], [layer.output])``, or a loss from a layer output and ``K.gradients`` of it. Here
a backend function called on a symbolic value (a Keras tensor from ``Input``/a layer call, a
:func:`placeholder`, the learning phase, or the result of another such call) returns a
:class:`SymbolicTensor` that records the call; :func:`function` evaluates those records, running the
layers of the functional graph between the fed inputs and the requested outputs.
"""
import functools
import operator

import numpy as np
import torch
from torch import nn

__all__ = ["placeholder", "is_placeholder", "is_keras_tensor", "function", "gradients",
           "stop_gradient", "learning_phase", "set_learning_phase", "in_train_phase",
           "in_test_phase"]

# [value set by set_learning_phase (None: not set), phase of the running layer call (None: none)]
_PHASE = [None, None]


class SymbolicTensor(object):
    """A backend call on symbolic arguments, evaluated by :func:`function`.

    Supports Python arithmetic, comparisons and indexing, each recorded as another call.
    """

    _keras_shape = None

    def __init__(self, fn, args, kwargs, name=None):
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.name = name or getattr(fn, "__name__", "op")

    def _evaluate(self, ctx):
        return self.fn(*ctx.resolve(self.args), **ctx.resolve(self.kwargs))

    def _inputs(self):
        return list(self.args) + list(self.kwargs.values())

    def __repr__(self):
        return "<SymbolicTensor %r>" % (self.name,)

    def __bool__(self):
        raise TypeError("%r is symbolic (evaluate it with K.function); it has no truth value." % (self,))

    def __len__(self):
        raise TypeError("%r is symbolic: it has no length. Use K.int_shape on eager tensors." % (self,))

    def __iter__(self):
        raise TypeError("%r is symbolic and cannot be iterated." % (self,))


def _binary(op, reflected=False):
    if reflected:
        def method(self, other):
            return SymbolicTensor(op, (other, self), {})
    else:
        def method(self, other):
            return SymbolicTensor(op, (self, other), {})
    method.__name__ = op.__name__
    return method


for _name, _op in [("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("floordiv", operator.floordiv),
                   ("mod", operator.mod), ("pow", operator.pow), ("matmul", operator.matmul)]:
    setattr(SymbolicTensor, "__%s__" % _name, _binary(_op))
    setattr(SymbolicTensor, "__r%s__" % _name, _binary(_op, reflected=True))
for _name, _op in [("lt", operator.lt), ("le", operator.le), ("gt", operator.gt),
                   ("ge", operator.ge), ("and", operator.and_), ("or", operator.or_)]:
    setattr(SymbolicTensor, "__%s__" % _name, _binary(_op))
SymbolicTensor.__neg__ = lambda self: SymbolicTensor(operator.neg, (self,), {})
SymbolicTensor.__abs__ = lambda self: SymbolicTensor(operator.abs, (self,), {})
SymbolicTensor.__getitem__ = lambda self, key: SymbolicTensor(operator.getitem, (self, key), {})
SymbolicTensor.__hash__ = object.__hash__


class Placeholder(SymbolicTensor):
    """A symbolic input fed through :func:`function` (``K.placeholder``)."""

    def __init__(self, shape, dtype, name):
        SymbolicTensor.__init__(self, None, (), {}, name=name)
        self._keras_shape = shape
        self.dtype = dtype

    @property
    def shape(self):
        return self._keras_shape

    def _evaluate(self, ctx):
        raise ValueError("K.function: the placeholder %r was not fed. Add it to the `inputs` list of "
                         "K.function and pass its value when calling the function." % (self.name,))

    def __repr__(self):
        return "<Placeholder %r shape=%s dtype=%s>" % (self.name, self._keras_shape, self.dtype)


class _LearningPhase(Placeholder):
    """The learning-phase placeholder: 0 (test) unless fed 1 through :func:`function`.

    Outside ``K.function`` it reads as 0 (``bool(K.learning_phase())`` is False), as eager Keras.
    """

    def __init__(self):
        Placeholder.__init__(self, (), "uint8", "keras_learning_phase")

    def _evaluate(self, ctx):
        return ctx.phase

    def __bool__(self):
        return False

    def __int__(self):
        return 0

    __index__ = __int__


LEARNING_PHASE = _LearningPhase()


def learning_phase():
    """The learning phase: 1 (train) or 0 (test).

    The value given to :func:`set_learning_phase` when set; inside a layer call during ``fit`` (or
    ``predict``...) the phase of that call; otherwise the learning-phase placeholder, which
    ``K.function`` inputs accept and which reads as 0 elsewhere.
    """
    if _PHASE[0] is not None:
        return _PHASE[0]
    if _PHASE[1] is not None:
        return _PHASE[1]
    return LEARNING_PHASE


def set_learning_phase(value):
    """Fix the learning phase to 0 (test) or 1 (train) for every later call."""
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1. Received set_learning_phase(%r)."
                         % (value,))
    _PHASE[0] = int(value)


def _clear_learning_phase():
    _PHASE[0] = None


def in_train_phase(x, alt, training=None):
    """``x`` in the training phase, ``alt`` otherwise (either may be a callable).

    ``training`` defaults to :func:`learning_phase`; with the placeholder and symbolic ``x``/``alt``
    the choice is made when ``K.function`` runs, with eager values it is the test phase.
    """
    if training is None:
        training = learning_phase()
    if training is LEARNING_PHASE and not any_symbolic((x, alt)):
        training = 0   # eager values outside any K.function or layer call: the test phase
    if _is_symbolic(training):
        return SymbolicTensor(_pick_phase, (training, x, alt), {}, name="in_train_phase")
    return _pick_phase(training, x, alt)


def _pick_phase(training, x, alt):
    if isinstance(training, torch.Tensor) and training.dim() > 0:
        from ._ops_math import switch
        return switch(training, x, alt)
    chosen = x if bool(training) else alt
    return chosen() if callable(chosen) else chosen


def in_test_phase(x, alt, training=None):
    """``x`` in the test phase, ``alt`` in the training phase."""
    return in_train_phase(alt, x, training=training)


class _PhaseScope(object):
    """Sets the phase seen by :func:`learning_phase` while a layer's ``call`` runs."""

    __slots__ = ("phase", "saved")

    def __init__(self, training):
        self.phase = 1 if training else 0

    def __enter__(self):
        self.saved = _PHASE[1]
        _PHASE[1] = self.phase

    def __exit__(self, *exc):
        _PHASE[1] = self.saved


def phase_scope(training):
    return _PhaseScope(training)


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input for :func:`function` (``K.placeholder``).

    Args:
        shape: shape tuple, ``None`` for free dimensions.
        ndim: rank, when ``shape`` is not given.
        dtype: Keras dtype name (default ``K.floatx()``).
        sparse: must be False (torkeras has no sparse placeholders).
        name: optional name.

    Example:
        >>> x = K.placeholder(shape=(None, 3))
        >>> f = K.function([x], [K.sum(x, axis=1)])
    """
    from .config import floatx
    if sparse:
        raise ValueError("K.placeholder(sparse=True): torkeras has no sparse placeholders; feed dense "
                         "arrays.")
    if shape is None:
        if ndim is None:
            raise ValueError("K.placeholder: give `shape` or `ndim`.")
        shape = (None,) * int(ndim)
    return Placeholder(tuple(shape), dtype or floatx(), name or "placeholder")


def is_placeholder(x):
    return isinstance(x, Placeholder)


def is_keras_tensor(x):
    """Whether ``x`` is a Keras tensor (an ``Input`` or a layer output in the functional graph).

    Raises:
        ValueError: ``x`` is not a tensor at all.
    """
    if hasattr(x, "_keras_history"):
        return True
    if isinstance(x, (torch.Tensor, SymbolicTensor)):
        return False
    raise ValueError("Unexpectedly found an instance of type `%s`. Expected a symbolic tensor "
                     "instance." % (type(x).__name__,))


_EAGER_TYPES = frozenset([torch.Tensor, nn.Parameter, int, float, bool, str, type(None),
                          np.ndarray, torch.Size])


def _is_symbolic(x):
    return isinstance(x, SymbolicTensor) or hasattr(x, "_keras_history")


def any_symbolic(values):
    for a in values:
        t = type(a)
        if t in _EAGER_TYPES:
            continue
        if t is list or t is tuple:
            if any_symbolic(a):
                return True
        elif _is_symbolic(a):
            return True
    return False


def symbolic_aware(fn):
    """``fn`` that records a :class:`SymbolicTensor` when any argument is symbolic."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if any_symbolic(args) or (kwargs and any_symbolic(kwargs.values())):
            return SymbolicTensor(fn, args, kwargs)
        return fn(*args, **kwargs)
    return wrapper


# ---------------------------------------------------------------------------------------- gradients
class _Gradient(SymbolicTensor):
    def __init__(self, loss, variable):
        SymbolicTensor.__init__(self, None, (loss, variable), {}, name="gradient")

    def _evaluate(self, ctx):
        loss, var = ctx.resolve(self.args)
        return _grad(loss, [var], [self.args[1]])[0]


def _grad(loss, variables, names):
    if not isinstance(loss, torch.Tensor) or not loss.requires_grad:
        raise ValueError("K.gradients: the loss does not depend on any variable with a gradient "
                         "(it was computed without autograd history, e.g. under torch.no_grad or "
                         "from constants).")
    grad_out = None if loss.numel() == 1 else torch.ones_like(loss)
    loss = loss if loss.numel() != 1 else loss.reshape(())
    wanted = [v for v in variables if isinstance(v, torch.Tensor) and v.requires_grad]
    found = torch.autograd.grad(loss, wanted, grad_out, retain_graph=True,
                                create_graph=torch.is_grad_enabled(), allow_unused=True)
    found = iter(found)
    out = [next(found) if isinstance(v, torch.Tensor) and v.requires_grad else None
           for v in variables]
    for g, name in zip(out, names):
        if g is None and isinstance(loss, torch.Tensor):
            _unused(name)
    return out


def _unused(name):
    raise ValueError("K.gradients: the loss does not depend on %r, so it has no gradient for it "
                     "(TensorFlow returns None here and K.function then fails)." % (name,))


def gradients(loss, variables):
    """Gradients of ``loss`` with respect to ``variables`` (a list; one tensor per variable).

    Symbolic ``loss`` (built from Keras tensors or placeholders): returns symbolic gradients to
    evaluate with :func:`function`; a variable may be a weight, a placeholder, a model input or any
    layer output. Eager ``loss`` (a torch tensor with autograd history, e.g. inside a layer or a
    loss function): returns the gradients now, keeping the graph (gradients of gradients work).

    Raises:
        ValueError: an eager loss without autograd history, or a loss that does not depend on a
            variable (at evaluation time for symbolic losses).

    Example:
        >>> grads = K.gradients(K.mean(model.output), model.input)
        >>> f = K.function([model.input], grads)
    """
    single = not isinstance(variables, (list, tuple))
    variables = [variables] if single else list(variables)
    if _is_symbolic(loss) or any_symbolic(variables):
        return [_Gradient(loss, v) for v in variables]
    return _grad(loss, variables, [getattr(v, "_keras_name", v) for v in variables])


def stop_gradient(variables):
    """``variables`` (a tensor or a list) with their gradient blocked."""
    if isinstance(variables, (list, tuple)):
        return [stop_gradient(v) for v in variables]
    if _is_symbolic(variables):
        return SymbolicTensor(stop_gradient, (variables,), {})
    return variables.detach()


def _walk(values, seen, found_grad):
    """Whether the graph under ``values`` contains a gradient (depth-first, each node once)."""
    stack = list(values)
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
            continue
        if isinstance(x, dict):
            stack.extend(x.values())
            continue
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, _Gradient):
            return True
        if isinstance(x, SymbolicTensor):
            stack.extend(x._inputs())
        elif hasattr(x, "_keras_history"):
            layer, node_index, _ = x._keras_history
            stack.extend(layer._inbound_nodes[node_index].input_tensors)
    return found_grad


# ---------------------------------------------------------------------------------------- evaluation
class _Context(object):
    """One evaluation: fed values, the learning phase, computed values and masks by tensor id."""

    def __init__(self, feeds, phase):
        self.values = feeds
        self.masks = {}
        self.phase = phase

    def resolve(self, x):
        t = type(x)
        if t in _EAGER_TYPES:
            return x
        if t is list or t is tuple:
            return t(self.resolve(v) for v in x)
        if t is dict:
            return {k: self.resolve(v) for k, v in x.items()}
        if t is slice:
            return slice(self.resolve(x.start), self.resolve(x.stop), self.resolve(x.step))
        if isinstance(x, SymbolicTensor) or hasattr(x, "_keras_history"):
            return self.value(x)
        return x

    def value(self, x):
        key = id(x)
        if key in self.values:
            return self.values[key]
        if isinstance(x, SymbolicTensor):
            v = x._evaluate(self)
            self.values[key] = v
            return v
        self._run_node(x)
        return self.values[key]

    def _run_node(self, tensor):
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        if not node.input_tensors:
            raise ValueError("K.function: the model input %r was not fed. Add it to the `inputs` list "
                             "of K.function." % (getattr(tensor, "name", tensor),))
        ins = [self.value(t) for t in node.input_tensors]
        in_masks = [self.masks.get(id(t)) for t in node.input_tensors]
        single = len(ins) == 1
        x = ins[0] if single else ins
        mask = in_masks[0] if single else (in_masks if any(m is not None for m in in_masks) else None)
        training = bool(self.phase)
        kwargs = {k: v for k, v in node.arguments.items() if k not in ("mask", "training")}
        if hasattr(layer, "_run_as_layer"):
            out = layer._run_as_layer(x, training)
        elif kwargs:
            out = layer(x, training=training, mask=mask, **kwargs)
        else:
            out = layer.forward(x, training=training, mask=mask)
        outs = out if isinstance(out, (list, tuple)) else [out]
        out_mask = layer.compute_mask(x, mask)
        out_masks = out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] * len(outs)
        for t, v, m in zip(node.output_tensors, outs, out_masks):
            self.values[id(t)] = v
            if m is not None:
                self.masks[id(t)] = m


def _to_feed(value, like, device):
    if isinstance(value, torch.Tensor):
        return value.to(device)
    arr = np.asarray(value)
    dtype = getattr(like, "dtype", None)
    if isinstance(dtype, str) and (arr.dtype.kind in "fiub") and dtype.startswith("float"):
        arr = arr.astype(dtype)
    return torch.as_tensor(arr, device=device)


class Function(object):
    """What :func:`function` returns: call it with a list of input values, get a list of arrays."""

    def __init__(self, inputs, outputs, updates=None, name=None):
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("K.function: `inputs` should be a list or tuple. Received %r"
                            % (type(inputs).__name__,))
        self.single_output = not isinstance(outputs, (list, tuple))
        self.inputs = list(inputs)
        self.outputs = [outputs] if self.single_output else list(outputs)
        self.updates = list(updates or [])
        self.name = name
        for i, x in enumerate(self.inputs):
            if not _is_symbolic(x) and x is not LEARNING_PHASE:
                raise TypeError("K.function: input %d must be a symbolic tensor (a Keras tensor such "
                                "as model.input, a K.placeholder, or K.learning_phase()). Received %r"
                                % (i, type(x).__name__))
        for u in self.updates:
            if not (isinstance(u, SymbolicTensor) or (isinstance(u, (list, tuple)) and len(u) == 2)):
                raise TypeError("K.function: each update must be a (variable, new_value) pair or the "
                                "result of K.update/update_add/update_sub. Received %r" % (u,))
        self._needs_grad = _walk([self.outputs, self.updates], set(), False)

    def __call__(self, inputs):
        from .device import get_device
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("`inputs` should be a list or tuple. Received %r" % (type(inputs).__name__,))
        if len(inputs) != len(self.inputs):
            raise ValueError("K.function expects %d input values (one per input: %s); received %d."
                             % (len(self.inputs), [getattr(x, "name", x) for x in self.inputs],
                                len(inputs)))
        phase = _PHASE[0] if _PHASE[0] is not None else 0
        feeds = {}
        device = get_device()
        for x, v in zip(self.inputs, inputs):
            if x is LEARNING_PHASE:
                phase = int(np.asarray(v).reshape(()))
                continue
            t = _to_feed(v, x, device)
            if self._needs_grad and t.is_floating_point():
                t = t.detach().requires_grad_(True)
            feeds[id(x)] = t
        ctx = _Context(feeds, phase)
        with torch.enable_grad() if self._needs_grad else torch.no_grad():
            outs = [ctx.resolve(o) for o in self.outputs]
            assigns = []
            for u in self.updates:
                if isinstance(u, SymbolicTensor):
                    ctx.resolve(u)
                else:
                    assigns.append((u[0], ctx.resolve(u[1])))
            with torch.no_grad():
                for var, new in assigns:
                    var.copy_(torch.as_tensor(new, dtype=var.dtype, device=var.device)
                              .reshape(var.shape))
        result = [_numpy(o) for o in outs]
        return result[0] if self.single_output else result


def _numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def function(inputs, outputs, updates=None, **kwargs):
    """A callable that evaluates ``outputs`` from values fed for ``inputs``.

    Args:
        inputs: list of symbolic inputs: Keras tensors (``model.input``, ``Input(...)``),
            ``K.placeholder``s, and optionally ``K.learning_phase()`` (fed 0 or 1).
        outputs: list of what to compute: layer outputs (``model.layers[i].output``), results of
            backend functions on symbolic values, ``K.gradients`` results, variables.
        updates: list of ``(variable, new_value)`` pairs or ``K.update*`` results, applied after the
            outputs are computed.

    Returns:
        A :class:`Function`; calling it with a list of values returns a list of numpy arrays.

    Example:
        >>> get_hidden = K.function([model.input, K.learning_phase()], [model.layers[1].output])
        >>> hidden = get_hidden([x_test, 0])[0]
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError("K.function: unsupported keyword arguments %s (torkeras has no TensorFlow "
                         "session to pass them to)." % (sorted(kwargs),))
    return Function(inputs, outputs, updates=updates, name=name)
