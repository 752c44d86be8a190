"""Loops, batch statistics and CTC label packing of the Keras backend (``K.rnn``, ``K.map_fn``...).

Semantics are Keras 2.2.4's TensorFlow backend (keras/backend/tensorflow_backend.py @ 2.2.4) on a
CPU-only TensorFlow, which is what the golden tests check. The loops run in Python over torch
tensors, so step functions may use any ``K`` function or torch op, and gradients flow through every
step (a custom recurrent layer written with ``K.rnn`` trains).

The higher-order functions take Python callables, which :func:`~._ops_graph.symbolic_aware` ignores
when it looks for symbolic arguments; each function here decides for itself: called on symbolic
values (a ``K.placeholder``, a Keras tensor) it returns symbolic results for ``K.function``, with
one symbolic value per element of a tuple result (``last, outputs, states = K.rnn(...)`` unpacks).
These functions are registered in :mod:`._ops` without a second wrapper.
"""
import builtins
import functools

import torch

from ._ops_graph import SymbolicTensor, any_symbolic, symbolic_aware
from ._ops_math import _torch_dtype

__all__ = ["rnn", "map_fn", "foldl", "foldr", "normalize_batch_in_training", "batch_normalization",
           "ctc_label_dense_to_sparse", "py_all", "py_any", "py_sum", "py_slice"]

# Keras 2.2.4 binds Python's builtins under these names (its own ``all``/``any``/``sum``/``slice``
# shadow them in the backend module); they are the builtins themselves, not tensor functions.
py_all = builtins.all
py_any = builtins.any
py_sum = builtins.sum
py_slice = builtins.slice

#: TensorFlow's fused batch-norm kernel raises any smaller epsilon to this (cuDNN's minimum).
_FUSED_MIN_EPSILON = 1.001e-5


def _symbolic_tuple(count):
    """Decorator: on symbolic arguments, return ``count(args, kwargs)`` symbolic items, not one.

    ``count`` gives the structure of the result: an int ``n`` for an ``n``-tuple, or a tuple whose
    entries are None (one value) or an int (a list of that many values).
    """
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not (any_symbolic(args) or (kwargs and any_symbolic(kwargs.values()))):
                return fn(*args, **kwargs)
            node = SymbolicTensor(fn, args, kwargs)
            layout = count(args, kwargs)
            return tuple(node[i] if n is None else [node[i][j] for j in range(n)]
                         for i, n in enumerate(layout))
        return wrapper
    return decorator


# -------------------------------------------------------------------------------------------- rnn
def _rnn_layout(args, kwargs):
    initial_states = kwargs["initial_states"] if "initial_states" in kwargs else args[2]
    return (None, None, len(initial_states))


def _mask_like(mask_t, value):
    """The (samples,) boolean mask of one step shaped to broadcast over ``value``."""
    return mask_t.reshape((-1,) + (1,) * (value.dim() - 1))


def _keep_where(mask_t, new, old, what):
    if tuple(new.shape) != tuple(old.shape):
        raise ValueError("K.rnn: with a mask, %s must keep its shape from step to step (it is "
                         "replaced by the previous value where the mask is 0); got %s, previous %s."
                         % (what, tuple(new.shape), tuple(old.shape)))
    return torch.where(_mask_like(mask_t, new), new, old)


def _check_step_result(result):
    if not (isinstance(result, (list, tuple)) and len(result) == 2):
        raise TypeError("K.rnn: `step_function` must return `(output, new_states)`, a pair. "
                        "Received %r" % (type(result).__name__,))
    output, new_states = result
    if not isinstance(new_states, (list, tuple)):
        raise TypeError("K.rnn: the states returned by `step_function` must be a list of tensors. "
                        "Received %r" % (type(new_states).__name__,))
    return output, list(new_states)


@_symbolic_tuple(_rnn_layout)
def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None):
    """Iterate ``step_function`` over the time axis (axis 1) of ``inputs``, as Keras 2.2.4.

    At each step ``output, new_states = step_function(inputs[:, t], states + constants)``.

    With a ``mask`` (``(samples, time)``, 0 = skip), where the mask is 0 the new states are the
    previous states, and the output is, exactly as Keras 2.2.4's TensorFlow backend:

    * ``unroll=True``: the previous step's (masked) output, zeros at the first step;
    * ``unroll=False`` (its ``while_loop``): ``states[0]``, the first state before the step (for
      LSTM/GRU/SimpleRNN cells that is the previous output; for other step functions it differs).

    Args:
        step_function: callable ``(input_t, states) -> (output_t, new_states)``; ``input_t`` is
            ``(samples, ...)``, ``states`` a list (``unroll=True``) or tuple of the states followed
            by ``constants``; ``new_states`` a list as long as ``initial_states``.
        inputs: tensor ``(samples, time, ...)``, at least 3D.
        initial_states: list of tensors ``(samples, ...)``.
        go_backwards: iterate from the last step to the first; ``outputs`` are then in that
            (reversed) order.
        mask: optional ``(samples, time)`` (or ``(samples, time, 1)``) tensor, 0 where masked.
        constants: optional list of tensors passed to every step after the states.
        unroll: choose the masked-output rule above (torch runs a Python loop either way).
        input_length: the number of time steps, when known; must equal ``inputs``'s.

    Returns:
        ``(last_output, outputs, new_states)``: ``(samples, ...)``, ``(samples, time, ...)`` and the
        list of last states.

    Example:
        >>> def step(x_t, states):
        ...     h = K.tanh(K.dot(x_t, W) + K.dot(states[0], U))
        ...     return h, [h]
        >>> last, outputs, states = K.rnn(step, x, [K.zeros_like(x[:, 0, :2])])
    """
    if not callable(step_function):
        raise TypeError("K.rnn: `step_function` must be callable. Received %r" % (step_function,))
    inputs = torch.as_tensor(inputs)
    if inputs.dim() < 3:
        raise ValueError("K.rnn: `inputs` should be at least 3D (samples, time, ...). Received "
                         "shape %s" % (tuple(inputs.shape),))
    if not isinstance(initial_states, (list, tuple)):
        raise TypeError("K.rnn: `initial_states` must be a list of tensors. Received %r"
                        % (type(initial_states).__name__,))
    steps = inputs.shape[1]
    if input_length is not None and int(input_length) != steps:
        raise ValueError("K.rnn: `input_length`=%r but `inputs` has %d time steps (shape %s)."
                         % (input_length, steps, tuple(inputs.shape)))
    if steps == 0:
        raise ValueError("K.rnn: `inputs` has no time steps (shape %s)." % (tuple(inputs.shape),))
    constants = list(constants or [])
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    if mask is not None:
        mask = torch.as_tensor(mask, device=inputs.device)
        if mask.dim() == 3 and mask.shape[2] == 1:
            mask = mask[:, :, 0]
        if mask.dim() != 2 or tuple(mask.shape) != tuple(inputs.shape[:2]):
            raise ValueError("K.rnn: `mask` must have shape (samples, time) = %s. Received %s"
                             % (tuple(inputs.shape[:2]), tuple(mask.shape)))
        mask = mask.bool()
        if not unroll and not initial_states:
            raise ValueError("K.rnn: no initial states provided. When using masking in an RNN, "
                             "provide initial states (and let your step function return as its "
                             "first state at time `t` the output at time `t-1`).")
    states = list(initial_states)
    outputs = []
    for t in order:
        packed = states + constants if unroll else tuple(states) + tuple(constants)
        output, new_states = _check_step_result(step_function(inputs[:, t], packed))
        if len(new_states) != len(states):
            raise ValueError("K.rnn: `step_function` returned %d states; %d initial states were "
                             "given." % (len(new_states), len(states)))
        if mask is not None:
            mask_t = mask[:, t]
            if unroll:
                previous = outputs[-1] if outputs else torch.zeros_like(output)
            else:
                previous = states[0]
            output = _keep_where(mask_t, output, previous, "the output")
            new_states = [_keep_where(mask_t, new, old, "state %d" % i)
                          for i, (new, old) in enumerate(zip(new_states, states))]
        states = new_states
        outputs.append(output)
    return outputs[-1], torch.stack(outputs, dim=1), states


# ------------------------------------------------------------------------------ map_fn and folds
def _flatten(structure):
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _pack_like(structure, leaves):
    leaves = iter(leaves)

    def pack(s):
        if isinstance(s, (list, tuple)):
            return type(s)(pack(item) for item in s)
        return next(leaves)
    return pack(structure)


def _elements(fn_name, elems):
    """The leaves of ``elems`` as tensors and their common length along axis 0."""
    leaves = [torch.as_tensor(e) for e in _flatten(elems)]
    if not leaves:
        raise ValueError("K.%s: `elems` is empty; give a tensor or a list of tensors." % fn_name)
    lengths = {int(e.shape[0]) if e.dim() else None for e in leaves}
    if None in lengths or len(lengths) != 1:
        raise ValueError("K.%s: every tensor in `elems` needs the same length along axis 0. "
                         "Received shapes %s" % (fn_name, [tuple(e.shape) for e in leaves]))
    return leaves, lengths.pop()


def _item(elems, leaves, i):
    return _pack_like(elems, [leaf[i] for leaf in leaves])


def _check_dtype(dtype, leaves):
    wanted = _flatten(dtype)
    if len(wanted) != len(leaves):
        raise TypeError("K.map_fn: `dtype` %r does not match the structure of what `fn` returns "
                        "(%d tensors)." % (dtype, len(leaves)))
    for want, got in zip(wanted, leaves):
        if _torch_dtype(want) != got.dtype:
            raise TypeError("K.map_fn: `fn` returned a tensor of dtype %s but `dtype` says %r. "
                            "Cast inside `fn` (K.cast) or pass the matching `dtype`."
                            % (str(got.dtype).replace("torch.", ""), want))


@symbolic_aware
def map_fn(fn, elems, name=None, dtype=None):
    """Apply ``fn`` to each element of ``elems`` along axis 0 and stack the results (``tf.map_fn``).

    Args:
        fn: callable taking one element (a tensor, or the same structure as ``elems``).
        elems: tensor, or a list/tuple of tensors of the same length along axis 0 (``fn`` then
            receives one slice of each, in the same structure).
        name: unused graph name (accepted for Keras's signature).
        dtype: dtype of ``fn``'s result (a structure of dtypes when it returns several tensors);
            a different dtype raises, as TensorFlow does.

    Returns:
        The stacked results: a tensor, or the structure ``fn`` returns.

    Example:
        >>> K.map_fn(lambda row: K.sum(row), K.constant([[1., 2.], [3., 4.]]))   # [3., 7.]
    """
    if not callable(fn):
        raise TypeError("K.map_fn: `fn` must be callable. Received %r" % (fn,))
    leaves, n = _elements("map_fn", elems)
    if n == 0:
        raise ValueError("K.map_fn: `elems` has length 0 along axis 0; there is nothing to call "
                         "`fn` on to learn the result's shape.")
    results = [fn(_item(elems, leaves, i)) for i in range(n)]
    structure = results[0]
    columns = list(zip(*[[torch.as_tensor(v) for v in _flatten(r)] for r in results]))
    stacked = [torch.stack(col) for col in columns]
    if dtype is not None:
        _check_dtype(dtype, stacked)
    return _pack_like(structure, stacked)


def _fold(fn_name, fn, elems, initializer, indices):
    if not callable(fn):
        raise TypeError("K.%s: `fn` must be callable. Received %r" % (fn_name, fn))
    leaves, n = _elements(fn_name, elems)
    indices = list(indices(n))
    if initializer is None:
        if n == 0:
            raise ValueError("K.%s: `elems` is empty and no `initializer` was given." % fn_name)
        acc = _item(elems, leaves, indices.pop(0))
    else:
        acc = initializer
    for i in indices:
        acc = fn(acc, _item(elems, leaves, i))
    return acc


@symbolic_aware
def foldl(fn, elems, initializer=None, name=None):
    """Reduce ``elems`` along axis 0 from left to right: ``acc = fn(acc, elems[i])`` (``tf.foldl``).

    Args:
        fn: callable ``(accumulator, element) -> accumulator``.
        elems: tensor, or a list/tuple of tensors of the same length along axis 0.
        initializer: the first accumulator (default: ``elems[0]``, then the fold starts at 1).
        name: unused graph name.

    Returns:
        The last accumulator.

    Example:
        >>> K.foldl(lambda acc, x: acc + x, K.constant([1., 2., 3.]))   # 6.
    """
    return _fold("foldl", fn, elems, initializer, lambda n: range(n))


@symbolic_aware
def foldr(fn, elems, initializer=None, name=None):
    """Reduce ``elems`` along axis 0 from right to left: ``acc = fn(acc, elems[i])`` (``tf.foldr``).

    Args:
        fn: callable ``(accumulator, element) -> accumulator``.
        elems: tensor, or a list/tuple of tensors of the same length along axis 0.
        initializer: the first accumulator (default: ``elems[-1]``).
        name: unused graph name.

    Returns:
        The last accumulator.

    Example:
        >>> K.foldr(lambda acc, x: acc * 10 + x, K.constant([1., 2., 3.]))   # 321.
    """
    return _fold("foldr", fn, elems, initializer, lambda n: range(n - 1, -1, -1))


# ---------------------------------------------------------------------------- batch normalization
def _normalize(x, mean, var, beta, gamma, epsilon):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta``, in tf.nn.batch_normalization's order."""
    inv = torch.rsqrt(var + epsilon)
    if gamma is not None:
        inv = inv * gamma
    shift = -mean * inv if beta is None else beta - mean * inv
    return x * inv + shift


def _as_like(value, x):
    return None if value is None else torch.as_tensor(value, dtype=x.dtype, device=x.device)


@_symbolic_tuple(lambda args, kwargs: (None, None, None))
def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    """Normalize ``x`` with its own mean and variance over ``reduction_axes`` (Keras 2.2.4).

    The batch variance is the biased one, except for a 4D ``x`` with ``reduction_axes``
    ``[0, 1, 2]`` (TensorFlow's fused NHWC kernel), where the returned variance is Bessel-corrected
    (``n / (n - 1)``; the normalisation itself still uses the biased variance) and ``epsilon`` is
    raised to at least 1.001e-5. ``[0, 2, 3]`` (NCHW) takes the broadcast path (biased), as on a
    CPU-only TensorFlow; on a GPU, Keras 2.2.4 fused it too.

    When ``reduction_axes`` is not "every axis but the last", mean, variance, ``gamma`` and ``beta``
    are reshaped to ``x``'s rank (1 on the reduced axes) before normalising.

    Args:
        x: input tensor.
        gamma: scale (shape of the kept axes), or None.
        beta: offset, or None.
        reduction_axes: list of axes to compute the statistics over.
        epsilon: added to the variance.

    Returns:
        ``(normed, mean, variance)``; mean and variance have the shape of the kept axes.

    Example:
        >>> normed, mean, var = K.normalize_batch_in_training(x, gamma, beta, [0])
    """
    x = torch.as_tensor(x)
    if not isinstance(reduction_axes, (list, tuple)) or not reduction_axes:
        raise TypeError("K.normalize_batch_in_training: `reduction_axes` must be a non-empty list "
                        "of axes. Received %r" % (reduction_axes,))
    nd = x.dim()
    axes = sorted(int(a) % nd for a in reduction_axes)
    gamma, beta = _as_like(gamma, x), _as_like(beta, x)
    var, mean = torch.var_mean(x, dim=axes, correction=0)
    if nd == 4 and list(reduction_axes) == [0, 1, 2]:
        normed = _normalize(x, mean, var, beta, gamma, builtins.max(epsilon, _FUSED_MIN_EPSILON))
        n = x.numel() // builtins.max(mean.numel(), 1)
        return normed, mean, var * (n / (n - 1.0)) if n > 1 else var
    if axes == list(range(nd - 1)):
        return _normalize(x, mean, var, beta, gamma, epsilon), mean, var
    target = [1 if a in axes else x.shape[a] for a in range(nd)]

    def shaped(v):
        return None if v is None else v.reshape(target)
    normed = _normalize(x, shaped(mean), shaped(var), shaped(beta), shaped(gamma), epsilon)
    return normed, mean, var


@symbolic_aware
def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` (Keras 2.2.4; Keras 1.2.2's form too).

    ``mean``, ``var``, ``beta`` and ``gamma`` broadcast against ``x`` (numpy rules). For a 4D ``x``
    with ``axis`` 3/-1 (NHWC) or 1/-3 (NCHW), Keras 2.2.4 used TensorFlow's fused kernel: the
    statistics are then flattened to one value per channel of that axis, and ``epsilon`` is raised
    to at least 1.001e-5. (For NCHW that is Keras's GPU path; a CPU-only TensorFlow broadcast
    them instead, which fails for per-channel vectors.) ``axis`` is otherwise unused, as in Keras.

    Keras 1.2.2's signature had no ``axis``: ``batch_normalization(x, mean, var, beta, gamma,
    1e-3)`` gives the epsilon positionally; a float in the ``axis`` position is read that way
    (with the Keras-1 warning of :mod:`torkeras.legacy.backend_compat`).

    Args:
        x: input tensor.
        mean, var: statistics.
        beta: offset or None; gamma: scale or None.
        axis: the features axis (only used for 4D inputs, see above).
        epsilon: added to the variance.

    Returns:
        The normalised tensor.

    Example:
        >>> y = K.batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3)
    """
    from ..legacy.backend_compat import batch_normalization_call_form
    axis, epsilon = batch_normalization_call_form(axis, epsilon)
    x = torch.as_tensor(x)
    mean, var, beta, gamma = (_as_like(v, x) for v in (mean, var, beta, gamma))
    if x.dim() == 4 and axis in (1, -3, 3, -1):
        shape = [1, 1, 1, 1]
        shape[axis % 4] = -1

        def per_channel(v):
            return None if v is None else v.reshape(shape)
        mean, var, beta, gamma = (per_channel(v) for v in (mean, var, beta, gamma))
        epsilon = builtins.max(epsilon, _FUSED_MIN_EPSILON)
    return _normalize(x, mean, var, beta, gamma, epsilon)


# -------------------------------------------------------------------------------------------- CTC
@symbolic_aware
def ctc_label_dense_to_sparse(labels, label_lengths):
    """Dense CTC labels to a sparse COO tensor of the first ``label_lengths[i]`` labels of each row.

    The result means what Keras 2.2.4's ``tf.SparseTensor`` meant: ``indices`` are the
    ``(row, position)`` pairs with ``position < label_lengths[row]`` in row-major order (int64),
    ``values`` the labels there (dtype of ``labels``), and the dense shape is ``labels``'s shape.
    Read them with ``.indices()`` (shape ``(2, n)``: torch's layout is the transpose of TF's),
    ``.values()`` and ``.shape``.

    Args:
        labels: ``(samples, max_label_length)`` integer labels.
        label_lengths: ``(samples,)`` (or ``(samples, 1)``) number of valid labels per row.

    Returns:
        A coalesced ``torch.sparse_coo_tensor``.

    Example:
        >>> labels, lengths = K.constant([[1, 2, 0]], 'int32'), K.constant([2], 'int32')
        >>> sp = K.ctc_label_dense_to_sparse(labels, lengths)
        >>> sp.values()
        tensor([1, 2], dtype=torch.int32)
    """
    labels = torch.as_tensor(labels)
    if labels.dim() != 2:
        raise ValueError("K.ctc_label_dense_to_sparse: `labels` must be 2D (samples, "
                         "max_label_length). Received shape %s" % (tuple(labels.shape),))
    lengths = torch.as_tensor(label_lengths, device=labels.device).reshape(-1)
    if lengths.numel() != labels.shape[0]:
        raise ValueError("K.ctc_label_dense_to_sparse: `label_lengths` needs one length per row of "
                         "`labels` (%d); received %d values." % (labels.shape[0], lengths.numel()))
    positions = torch.arange(labels.shape[1], device=labels.device)
    keep = positions.unsqueeze(0) < lengths.unsqueeze(1).to(positions.dtype)
    indices = keep.nonzero().t()
    # Built sorted and without duplicates, so the invariants hold by construction.
    return torch.sparse_coo_tensor(indices, labels[keep], tuple(labels.shape), is_coalesced=True,
                                   check_invariants=False)
