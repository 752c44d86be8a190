"""InputSpec: what a layer accepts (ndim, min_ndim, max_ndim, dtype, known axes)."""


class InputSpec(object):
    """Specifies the rank, dtype and shape of every input to a layer.

    Args:
        dtype: expected dtype of the input.
        shape: expected shape tuple (None for any size).
        ndim: expected rank.
        max_ndim / min_ndim: bounds on the rank.
        axes: dict axis -> required size.

    Example:
        >>> self.input_spec = InputSpec(min_ndim=2, axes={-1: 784})
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype = dtype
        self.shape = shape
        if shape is not None:
            self.ndim = len(shape)
        else:
            self.ndim = ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def __repr__(self):
        return ("InputSpec(dtype=%r, shape=%r, ndim=%r, max_ndim=%r, min_ndim=%r, axes=%r)"
                % (self.dtype, self.shape, self.ndim, self.max_ndim, self.min_ndim, self.axes))

    def check_shape(self, layer, shape, index=0):
        """Raise ValueError (Keras's wording, with the layer name) if ``shape`` does not fit."""
        name = layer.name
        n = len(shape)
        if self.ndim is not None and n != self.ndim:
            raise ValueError("Input %d is incompatible with layer %s: expected ndim=%d, found ndim=%d "
                             "(input shape %s)" % (index, name, self.ndim, n, tuple(shape)))
        if self.max_ndim is not None and n > self.max_ndim:
            raise ValueError("Input %d is incompatible with layer %s: expected max_ndim=%d, found "
                             "ndim=%d (input shape %s)" % (index, name, self.max_ndim, n, tuple(shape)))
        if self.min_ndim is not None and n < self.min_ndim:
            raise ValueError("Input %d is incompatible with layer %s: expected min_ndim=%d, found "
                             "ndim=%d (input shape %s)" % (index, name, self.min_ndim, n, tuple(shape)))
        for axis, value in self.axes.items():
            if value is None:
                continue
            try:
                got = shape[axis]
            except IndexError:
                continue
            if got is not None and got != value:
                raise ValueError("Input %d is incompatible with layer %s: expected axis %d of input "
                                 "shape to have value %d but got shape %s"
                                 % (index, name, axis, value, tuple(shape)))
