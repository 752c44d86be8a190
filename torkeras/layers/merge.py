"""Layers that merge a list of inputs: Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, Dot, and their functional forms (Keras 2.2.4 ``keras/layers/merge.py``).

Element-wise merges broadcast as Keras does: sizes of 1 stretch, and inputs of lower rank get
size-1 axes inserted right after the batch axis. Incompatible shapes raise a ValueError naming
every input shape.
"""
import numpy as np
import torch

from ..engine.base_layer import Layer

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
           "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot"]


def _shape_str(shapes):
    return ", ".join(str(tuple(s)) if s is not None else "None" for s in shapes)


class _Merge(Layer):
    """Base of the element-wise merge layers (called on a list of at least 2 tensors)."""
    _exactly = None   # number of inputs required, if fixed

    def __init__(self, **kwargs):
        super(_Merge, self).__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError

    def _check_list(self, input_shape):
        cls = self.__class__.__name__
        if not isinstance(input_shape, (list, tuple)) or (
                len(input_shape) and not isinstance(input_shape[0], (list, tuple, type(None)))):
            raise ValueError("A `%s` layer (%r) should be called on a list of inputs. Received: %r"
                             % (cls, self.name, input_shape))
        if len(input_shape) < 2:
            raise ValueError("A `%s` layer (%r) should be called on a list of at least 2 inputs. "
                             "Got %d input(s)." % (cls, self.name, len(input_shape)))
        if self._exactly is not None and len(input_shape) != self._exactly:
            raise ValueError("A `%s` layer (%r) should be called on exactly %d inputs. Got %d "
                             "inputs with shapes %s." % (cls, self.name, self._exactly,
                                                         len(input_shape), _shape_str(input_shape)))

    def _elementwise_shape(self, shape1, shape2, all_shapes):
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            shape1, shape2 = shape2, shape1
        if not shape2:
            return tuple(shape1)
        out = list(shape1[:len(shape1) - len(shape2)])
        for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
            if i is None or j is None:
                out.append(None)
            elif i == 1:
                out.append(j)
            elif j == 1 or i == j:
                out.append(i)
            else:
                raise ValueError("`%s` layer %r: operands could not be broadcast together with "
                                 "shapes %s and %s (inputs' shapes: %s)."
                                 % (self.__class__.__name__, self.name, tuple(shape1),
                                    tuple(shape2), _shape_str(all_shapes)))
        return tuple(out)

    def _batch_sizes(self, input_shape):
        sizes = set(s[0] for s in input_shape if s is not None) - {None}
        if len(sizes) > 1:
            raise ValueError("`%s` layer %r: can not merge tensors with different batch sizes. Got "
                             "tensors with shapes: %s" % (self.__class__.__name__, self.name,
                                                          _shape_str(input_shape)))
        return sizes

    def build(self, input_shape):
        self._check_list(input_shape)
        self._batch_sizes(input_shape)
        out = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            out = self._elementwise_shape(out, None if shape is None else tuple(shape[1:]),
                                          input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("A `%s` layer (%r) should be called on a list of inputs."
                             % (self.__class__.__name__, self.name))
        self._check_list([tuple(x.shape) for x in inputs])
        self._batch_sizes([tuple(x.shape) for x in inputs])
        shapes = [(None,) + tuple(x.shape[1:]) for x in inputs]
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = self._elementwise_shape(out, s[1:], shapes)
        ranks = [x.dim() for x in inputs]
        if len(set(ranks)) > 1:
            top = max(ranks)
            inputs = [x.reshape((x.shape[0],) + (1,) * (top - x.dim()) + tuple(x.shape[1:]))
                      for x in inputs]
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        out = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            out = self._elementwise_shape(out, None if shape is None else tuple(shape[1:]),
                                          input_shape)
        sizes = self._batch_sizes(input_shape)
        batch = sizes.pop() if len(sizes) == 1 else None
        return (batch,) + tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError("`%s` layer %r: `mask` should be a list." % (type(self).__name__,
                                                                         self.name))
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("`%s` layer %r: `inputs` should be a list." % (type(self).__name__,
                                                                           self.name))
        if len(mask) != len(inputs):
            raise ValueError("`%s` layer %r: the lists `inputs` and `mask` should have the same "
                             "length (got %d and %d)." % (type(self).__name__, self.name,
                                                          len(inputs), len(mask)))
        masks = [m.bool() for m in mask if m is not None]
        if not masks:
            return None
        return torch.stack(masks, 0).all(dim=0)

    def get_config(self):
        return super(_Merge, self).get_config()


_EW_DOC = """Layer that {what} a list of inputs{count}.

    Inputs of equal shape give an output of that shape; size-1 axes broadcast and lower-rank
    inputs get size-1 axes inserted after the batch axis (Keras 2.2.4 rules).

    Input shape:
        A list of {n} tensors with compatible shapes.

    Output shape:
        The broadcast shape of the inputs.

    Example:
        >>> {name}()([torch.ones(2, 3), torch.full((2, 3), 2.0)])
        {result}
    """


class Add(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out


class Subtract(_Merge):
    _exactly = 2

    def _merge_function(self, inputs):
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out * x
        return out


class Average(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out / len(inputs)


class Maximum(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = torch.maximum(out, x)
        return out


class Minimum(_Merge):
    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = torch.minimum(out, x)
        return out


for _cls, _what, _res in ((Add, "adds", "tensor([[3., 3., 3.],\n                [3., 3., 3.]])"),
                          (Subtract, "subtracts (``inputs[0] - inputs[1]``)",
                           "tensor([[-1., -1., -1.],\n                [-1., -1., -1.]])"),
                          (Multiply, "multiplies (element-wise)",
                           "tensor([[2., 2., 2.],\n                [2., 2., 2.]])"),
                          (Average, "averages",
                           "tensor([[1.5000, 1.5000, 1.5000],\n                [1.5000, 1.5000, 1.5000]])"),
                          (Maximum, "takes the element-wise maximum of",
                           "tensor([[2., 2., 2.],\n                [2., 2., 2.]])"),
                          (Minimum, "takes the element-wise minimum of",
                           "tensor([[1., 1., 1.],\n                [1., 1., 1.]])")):
    _cls.__doc__ = _EW_DOC.format(what=_what, name=_cls.__name__, result=_res,
                                  count=" (exactly 2)" if _cls._exactly == 2 else "",
                                  n="2" if _cls._exactly == 2 else "2 or more")


def match_except_axis(shapes, axis):
    """True when the shapes are equal once the ``axis`` entry is left out of each (concatenation)."""
    reduced = set()
    for shape in shapes:
        s = list(shape)
        del s[axis]
        reduced.add(tuple(s))
    return len(reduced) <= 1


def concat_masks(inputs, mask, axis):
    """The mask of a concatenation: input masks broadcast to the inputs' shapes (a missing mask
    keeps everything), concatenated along ``axis``, then reduced over the last axis."""
    if all(m is None for m in mask):
        return None
    masks = []
    for x, m in zip(inputs, mask):
        if m is None:
            masks.append(torch.ones_like(x, dtype=torch.bool))
        elif m.dim() < x.dim():
            masks.append(m.bool().unsqueeze(-1))
        else:
            masks.append(m.bool())
    return torch.cat(masks, dim=axis).all(dim=-1)


class Concatenate(_Merge):
    """Layer that concatenates a list of inputs along ``axis``.

    Args:
        axis: the concatenation axis (default -1).

    Input shape:
        A list of tensors with equal shapes except along ``axis``.

    Output shape:
        The common shape with the ``axis`` sizes summed.

    Example:
        >>> Concatenate(axis=1)([torch.ones(2, 3), torch.ones(2, 4)]).shape
        torch.Size([2, 7])
    """

    def __init__(self, axis=-1, **kwargs):
        super(Concatenate, self).__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError("`Concatenate`: `axis` must be an integer. Received: axis=%r" % (axis,))
        self.axis = int(axis)

    def _check_shapes(self, input_shape):
        self._check_list(input_shape)
        if all(s is None for s in input_shape):
            return
        ranks = set(len(s) for s in input_shape)
        ndim = len(input_shape[0])
        if len(ranks) > 1 or not -ndim <= self.axis < ndim:
            raise ValueError("A `Concatenate` layer (%r) requires inputs of the same rank with "
                             "axis=%d inside it. Got inputs shapes: %s"
                             % (self.name, self.axis, _shape_str(input_shape)))
        if not match_except_axis(input_shape, self.axis):
            raise ValueError("A `Concatenate` layer (%r) requires inputs with matching shapes "
                             "except for the concat axis (axis=%d). Got inputs shapes: %s"
                             % (self.name, self.axis, _shape_str(input_shape)))

    def build(self, input_shape):
        self._check_shapes(input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("A `Concatenate` layer (%r) should be called on a list of inputs."
                             % (self.name,))
        self._check_shapes([tuple(x.shape) for x in inputs])
        return torch.cat(list(inputs), dim=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)):
            raise ValueError("A `Concatenate` layer should be called on a list of inputs.")
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            if out[self.axis] is None or shape[self.axis] is None:
                out[self.axis] = None
                break
            out[self.axis] += shape[self.axis]
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)):
            raise ValueError("`Concatenate` layer %r: `mask` and `inputs` should be lists."
                             % (self.name,))
        if len(mask) != len(inputs):
            raise ValueError("`Concatenate` layer %r: the lists `inputs` and `mask` should have "
                             "the same length (got %d and %d)." % (self.name, len(inputs),
                                                                   len(mask)))
        return concat_masks(inputs, mask, self.axis)

    def get_config(self):
        base = super(Concatenate, self).get_config()
        base["axis"] = self.axis
        return base


def _batch_dot(x, y, axes):
    """Keras ``K.batch_dot``: contract axis ``axes[0]`` of x with ``axes[1]`` of y per sample.

    The result has x's remaining axes then y's remaining axes (batch first); a result with only
    the batch axis gets a trailing axis of size 1.
    """
    a0, a1 = axes
    xs = x.movedim(a0, -1)        # (b, ..., k)
    ys = y.movedim(a1, 1)         # (b, k, ...)
    xr = xs.reshape(xs.shape[0], -1, xs.shape[-1])
    yr = ys.reshape(ys.shape[0], ys.shape[1], -1)
    out = torch.bmm(xr, yr)       # (b, prod(x rest), prod(y rest))
    out = out.reshape(tuple(xs.shape[:-1]) + tuple(ys.shape[2:]))
    if out.dim() == 1:
        out = out.unsqueeze(1)
    return out


def _l2_normalize(x, axis):
    return x * torch.rsqrt(torch.clamp(torch.sum(x * x, dim=axis, keepdim=True), min=1e-12))


class Dot(_Merge):
    """Layer that computes a dot product between samples in two tensors.

    For two inputs of shape ``(batch, n)`` the output is ``(batch, 1)``: each entry is the dot
    product of ``a[i]`` and ``b[i]``.

    Args:
        axes: integer or list/tuple of two integers, the axis (axes) to contract (the batch axis
            0 cannot be used).
        normalize: if True, L2-normalise both inputs along the contracted axis first (the output
            is then the cosine similarity).

    Input shape:
        A list of 2 tensors whose ``axes`` have the same size.

    Output shape:
        The first input's other axes followed by the second input's other axes (batch excluded);
        ``(batch, 1)`` when nothing else is left.

    Example:
        >>> Dot(axes=1)([torch.ones(2, 3), torch.ones(2, 3)])
        tensor([[3.],
                [3.]])
    """
    _exactly = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super(Dot, self).__init__(**kwargs)
        if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
            axes = int(axes)
        elif isinstance(axes, (list, tuple)):
            if len(axes) != 2 or not all(isinstance(a, (int, np.integer))
                                         and not isinstance(a, bool) for a in axes):
                raise ValueError("`Dot`: `axes` must be an integer or a list of two integers. "
                                 "Received: axes=%r" % (axes,))
            axes = [int(a) for a in axes]
        else:
            raise TypeError("`Dot`: `axes` must be an integer or a list of two integers. "
                            "Received: axes=%r" % (axes,))
        self.axes = axes
        self.normalize = bool(normalize)

    def _resolved_axes(self, shape1, shape2):
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        out = []
        for a, shape in zip(axes, (shape1, shape2)):
            r = a % len(shape) if a < 0 else a
            if not 0 < r < len(shape):
                raise ValueError("`Dot` layer %r: axes=%r is invalid for inputs of shapes %s, %s "
                                 "(axis 0 is the batch axis)."
                                 % (self.name, self.axes, tuple(shape1), tuple(shape2)))
            out.append(r)
        return out

    def _check(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError("A `Dot` layer (%r) should be called on a list of 2 inputs. Received: "
                             "%r" % (self.name, input_shape))
        shape1, shape2 = input_shape
        if shape1 is None or shape2 is None:
            return None
        axes = self._resolved_axes(shape1, shape2)
        d1, d2 = shape1[axes[0]], shape2[axes[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError("`Dot` layer %r: dimension incompatibility %s != %s. Layer shapes: %s, "
                             "%s" % (self.name, d1, d2, tuple(shape1), tuple(shape2)))
        return axes

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError("A `Dot` layer (%r) should be called on exactly 2 inputs." % (self.name,))
        x1, x2 = inputs
        self._batch_sizes([tuple(x1.shape), tuple(x2.shape)])
        axes = self._check([tuple(x1.shape), tuple(x2.shape)])
        if self.normalize:
            x1 = _l2_normalize(x1, axes[0])
            x2 = _l2_normalize(x2, axes[1])
        return _batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError("A `Dot` layer should be called on a list of 2 inputs.")
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = self._resolved_axes(shape1, shape2)
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        out = shape1 + shape2
        if len(out) == 1:
            out += [1]
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        base = super(Dot, self).get_config()
        base.update({"axes": self.axes, "normalize": self.normalize})
        return base


# ---------------------------------------------------------------------------- functional forms
def add(inputs, **kwargs):
    """Functional interface to :class:`Add`: ``Add(**kwargs)(inputs)``.

    Example:
        >>> added = add([x1, x2])
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional interface to :class:`Subtract` (exactly 2 inputs)."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional interface to :class:`Multiply`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional interface to :class:`Average`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional interface to :class:`Maximum`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional interface to :class:`Minimum`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional interface to :class:`Concatenate`: ``Concatenate(axis=axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional interface to :class:`Dot`: ``Dot(axes, normalize, **kwargs)(inputs)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


def _builtin_objects():
    return [(Add, "Add", ()), (Subtract, "Subtract", ()), (Multiply, "Multiply", ()),
            (Average, "Average", ()), (Maximum, "Maximum", ()), (Minimum, "Minimum", ()),
            (Concatenate, "Concatenate", ()), (Dot, "Dot", ())]
