"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector, Lambda,
Masking, ActivityRegularization (Keras 2.2.4 ``keras/layers/core.py`` behaviour)."""
import base64
import marshal
import types

import numpy as np
import torch

from .. import activations, backend as K, regularizers
from ._common import kernel_bias_config, set_kernel_bias_options
from ..engine.base_layer import InputSpec, Layer
from ..legacy import keras1


def _positive_int(layer, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError("`%s`: `%s` must be a positive integer. Received: %s=%r"
                         % (layer, name, name, value))
    return int(value)


class Dense(Layer):
    """Densely-connected layer: ``output = activation(dot(input, kernel) + bias)``.

    Args:
        units: positive integer, dimensionality of the output space.
        activation: activation function or its name (default: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers (default glorot_uniform, zeros).
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
        input_dim: Keras shorthand for ``input_shape=(input_dim,)``.

    Input shape:
        nD tensor ``(batch_size, ..., input_dim)``.

    Output shape:
        nD tensor ``(batch_size, ..., units)``.

    Example:
        >>> model.add(Dense(500, input_dim=784, activation='sigmoid'))
    """

    @keras1.legacy_interface("Dense")
    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        if "input_shape" not in kwargs and "input_dim" in kwargs:
            input_dim = kwargs.pop("input_dim")
            if input_dim is not None:
                kwargs["input_shape"] = (_positive_int("Dense", "input_dim", input_dim),)
        super(Dense, self).__init__(**kwargs)
        self.units = _positive_int("Dense", "units", units)
        set_kernel_bias_options(self, activation, use_bias, kernel_initializer, bias_initializer,
                                kernel_regularizer, bias_regularizer, activity_regularizer,
                                kernel_constraint, bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True
        self._linear = self.activation is activations.linear

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError("`Dense` layer %r: the last dimension of the input must be known. "
                             "Received input shape %s" % (self.name, tuple(input_shape)))
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        if inputs.dim() == 2 and self.bias is not None:
            out = torch.addmm(self.bias, inputs, self.kernel)
        else:
            out = torch.matmul(inputs, self.kernel)
            if self.bias is not None:
                out = out + self.bias
        if self._linear:
            return out
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = {
            "units": self.units,
        }
        config.update(kernel_bias_config(self))
        base = super(Dense, self).get_config()
        base.update(config)
        return base


class Activation(Layer):
    """Applies an activation function to an output.

    Args:
        activation: name of an activation function (e.g. ``'sigmoid'``) or a callable.

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> model.add(Activation('softmax'))
    """

    def __init__(self, activation, **kwargs):
        super(Activation, self).__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        base = super(Activation, self).get_config()
        base["activation"] = activations.serialize(self.activation)
        return base


class Dropout(Layer):
    """Randomly sets a fraction ``rate`` of inputs to 0 at training time (scaled by 1/(1-rate)).

    Args:
        rate: float in [0, 1), fraction of the inputs to drop.
        noise_shape: shape of the binary mask (None entries take the input's size).
        seed: optional integer seed.

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> model.add(Dropout(0.5))
    """

    @keras1.legacy_interface("Dropout")
    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super(Dropout, self).__init__(**kwargs)
        try:
            rate = float(rate)
        except (TypeError, ValueError):
            raise ValueError("`Dropout`: `rate` must be a float in [0, 1). Received: rate=%r" % (rate,))
        if not 0.0 <= rate < 1.0:
            raise ValueError("`Dropout`: `rate` must be a float in [0, 1). Received: rate=%r" % (rate,))
        self.rate = min(1., max(0., rate))
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True
        self._generator = None

    def _rng(self, device):
        if self.seed is None:
            return None
        if self._generator is None or self._generator.device != device:
            self._generator = torch.Generator(device=device)
            self._generator.manual_seed(int(self.seed))
        return self._generator

    def call(self, inputs, training=None):
        if training is None:
            training = bool(K.learning_phase())
        if not training or self.rate <= 0.0:
            return inputs
        keep = 1.0 - self.rate
        if self.noise_shape is None:
            if self.seed is None:
                return torch.nn.functional.dropout(inputs, p=self.rate, training=True)
            shape = inputs.shape
        else:
            shape = tuple(inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        gen = self._rng(inputs.device)
        mask = torch.empty(shape, device=inputs.device, dtype=inputs.dtype).bernoulli_(keep, generator=gen)
        return inputs * mask / keep

    def get_config(self):
        base = super(Dropout, self).get_config()
        base.update({"rate": self.rate,
                     "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
                     "seed": self.seed})
        return base


class SpatialDropout1D(Dropout):
    """Dropout of whole 1D feature maps: drops entire channels for all timesteps.

    Args:
        rate: float in [0, 1), fraction of the channels to drop.

    Input shape:
        3D tensor ``(samples, timesteps, channels)``.

    Output shape:
        Same as input.

    Example:
        >>> model.add(SpatialDropout1D(0.2))
    """

    @keras1.legacy_interface("SpatialDropout1D")
    def __init__(self, rate, **kwargs):
        super(SpatialDropout1D, self).__init__(rate, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _noise_shape(self, inputs):
        return (inputs.shape[0], 1, inputs.shape[2])

    def call(self, inputs, training=None):
        return _dropout_with_shape(self, inputs, training, self._noise_shape(inputs))

    def get_config(self):
        base = super(SpatialDropout1D, self).get_config()
        base.pop("noise_shape", None)
        base.pop("seed", None)
        return base


class SpatialDropout2D(SpatialDropout1D):
    """Dropout of whole 2D feature maps (channels).

    Args:
        rate: float in [0, 1), fraction of the channels to drop.
        data_format: 'channels_last' (default) or 'channels_first'.

    Input shape:
        4D tensor ``(samples, rows, cols, channels)`` (channels_last).

    Output shape:
        Same as input.

    Example:
        >>> model.add(SpatialDropout2D(0.25))
    """

    _ndim = 4

    @keras1.legacy_interface("SpatialDropout2D")
    def __init__(self, rate, data_format=None, **kwargs):
        SpatialDropout1D.__init__.__wrapped__(self, rate, **kwargs)
        self.data_format = K.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._ndim)

    def _noise_shape(self, inputs):
        ones = (1,) * (self._ndim - 2)
        if self.data_format == "channels_first":
            return (inputs.shape[0], inputs.shape[1]) + ones
        return (inputs.shape[0],) + ones + (inputs.shape[-1],)

    def get_config(self):
        base = super(SpatialDropout2D, self).get_config()
        base["data_format"] = self.data_format
        return base


class SpatialDropout3D(SpatialDropout2D):
    """Dropout of whole 3D feature maps (channels).

    Args:
        rate: float in [0, 1), fraction of the channels to drop.
        data_format: 'channels_last' (default) or 'channels_first'.

    Input shape:
        5D tensor ``(samples, dim1, dim2, dim3, channels)`` (channels_last).

    Output shape:
        Same as input.

    Example:
        >>> model.add(SpatialDropout3D(0.25))
    """

    _ndim = 5

    @keras1.legacy_interface("SpatialDropout3D")
    def __init__(self, rate, data_format=None, **kwargs):
        SpatialDropout2D.__init__.__wrapped__(self, rate, data_format=data_format, **kwargs)


def _dropout_with_shape(layer, inputs, training, shape):
    if training is None:
        training = bool(K.learning_phase())
    if not training or layer.rate <= 0.0:
        return inputs
    keep = 1.0 - layer.rate
    gen = layer._rng(inputs.device)
    mask = torch.empty(shape, device=inputs.device, dtype=inputs.dtype).bernoulli_(keep, generator=gen)
    return inputs * mask / keep


class Flatten(Layer):
    """Flattens the input, not affecting the batch size.

    Args:
        data_format: 'channels_last' or 'channels_first' (default: ``K.image_data_format()``).
            channels_first inputs are flattened in channels-last order, as Keras >= 2.2.0 does.

    Input shape:
        ``(batch, d1, d2, ...)``.

    Output shape:
        ``(batch, d1 * d2 * ...)``.

    Example:
        >>> model.add(Flatten())
    """

    def __init__(self, data_format=None, **kwargs):
        super(Flatten, self).__init__(**kwargs)
        self.input_spec = InputSpec(min_ndim=3)
        self.data_format = K.normalize_data_format(data_format)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            raise ValueError('The shape of the input to "Flatten" is not fully defined (got %s). Make '
                             "sure to pass a complete `input_shape` or `batch_input_shape` argument to "
                             "the first layer in your model." % (tuple(rest),))
        return (input_shape[0], int(np.prod(rest)))

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.dim() > 2:
            inputs = inputs.permute(0, *range(2, inputs.dim()), 1)
        return inputs.reshape(inputs.shape[0], -1)

    def get_config(self):
        base = super(Flatten, self).get_config()
        base["data_format"] = self.data_format
        return base


class Reshape(Layer):
    """Reshapes an output to a certain shape (one entry may be -1).

    Args:
        target_shape: tuple of integers, not including the batch axis.

    Input shape:
        Arbitrary.

    Output shape:
        ``(batch_size,) + target_shape``.

    Example:
        >>> model.add(Reshape((3, 4), input_shape=(12,)))
    """

    def __init__(self, target_shape, **kwargs):
        super(Reshape, self).__init__(**kwargs)
        try:
            self.target_shape = tuple(int(d) for d in target_shape)
        except (TypeError, ValueError):
            raise ValueError("`Reshape`: `target_shape` must be a tuple of integers. Received: "
                             "target_shape=%r" % (target_shape,))
        if sum(1 for d in self.target_shape if d == -1) > 1:
            raise ValueError("`Reshape`: can only specify one unknown dimension (-1). Received: "
                             "target_shape=%r" % (self.target_shape,))

    def _fix_unknown_dimension(self, input_shape, output_shape):
        output_shape = list(output_shape)
        msg = ("total size of new array must be unchanged (layer %r: input shape %s, target shape %s)"
               % (self.name, tuple(input_shape), tuple(self.target_shape)))
        known, unknown = 1, None
        for index, dim in enumerate(output_shape):
            if dim < 0:
                unknown = index
            else:
                known *= dim
        original = int(np.prod(input_shape))
        if unknown is not None:
            if known == 0 or original % known != 0:
                raise ValueError(msg)
            output_shape[unknown] = original // known
        elif original != known:
            raise ValueError(msg)
        return tuple(output_shape)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if None in rest:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        return (input_shape[0],) + self._fix_unknown_dimension(rest, self.target_shape)

    def call(self, inputs):
        return inputs.reshape((inputs.shape[0],) + self.target_shape)

    def get_config(self):
        base = super(Reshape, self).get_config()
        base["target_shape"] = list(self.target_shape)
        return base


class Permute(Layer):
    """Permutes the non-batch dimensions of the input (indices start at 1).

    Args:
        dims: tuple of integers, a permutation of ``1..ndim-1``.

    Input shape:
        Arbitrary.

    Output shape:
        Input shape with dimensions reordered.

    Example:
        >>> model.add(Permute((2, 1), input_shape=(10, 64)))
    """

    def __init__(self, dims, **kwargs):
        super(Permute, self).__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("`Permute`: `dims` must be a permutation of 1..%d (indices start at 1). "
                             "Received: dims=%r" % (len(self.dims), tuple(dims)))
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def call(self, inputs):
        return inputs.permute((0,) + self.dims)

    def get_config(self):
        base = super(Permute, self).get_config()
        base["dims"] = list(self.dims)
        return base


class RepeatVector(Layer):
    """Repeats the input n times: ``(batch, features)`` -> ``(batch, n, features)``.

    Args:
        n: integer, repetition factor.

    Input shape:
        2D tensor ``(batch, features)``.

    Output shape:
        3D tensor ``(batch, n, features)``.

    Example:
        >>> model.add(RepeatVector(3))
    """

    def __init__(self, n, **kwargs):
        super(RepeatVector, self).__init__(**kwargs)
        self.n = _positive_int("RepeatVector", "n", n)
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return inputs.unsqueeze(1).expand(inputs.shape[0], self.n, inputs.shape[1])

    def get_config(self):
        base = super(RepeatVector, self).get_config()
        base["n"] = self.n
        return base


def _dump_function(func):
    """Keras 2.2.4 ``func_dump``: base64 marshal of the code, defaults, closure values."""
    raw = marshal.dumps(func.__code__)
    code = base64.b64encode(raw).decode("ascii")
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def _load_function(code, defaults=None, closure=None):
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
        if isinstance(defaults, list):
            defaults = tuple(defaults)

    def cell(value):
        return (lambda: value).__closure__[0]
    raw = base64.b64decode(code.encode("ascii") if isinstance(code, str) else code)
    code_obj = marshal.loads(raw)
    if closure is not None:
        closure = tuple(cell(c) for c in closure)
    return types.FunctionType(code_obj, globals(), name=code_obj.co_name, argdefs=defaults,
                              closure=closure)


class Lambda(Layer):
    """Wraps an arbitrary function of tensors as a layer.

    Args:
        function: the function; its first argument is the input tensor.
        output_shape: tuple (without batch axis) or function of the input shape; default: same.
        mask: a mask tensor, or a function ``(inputs, mask) -> mask``.
        arguments: dict of keyword arguments passed to ``function``.

    Input shape:
        Arbitrary.

    Output shape:
        Given by ``output_shape`` (default: the input shape).

    Example:
        >>> model.add(Lambda(lambda x: x ** 2))
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super(Lambda, self).__init__(**kwargs)
        if not callable(function):
            raise TypeError("`Lambda`: `function` must be callable. Received: %r" % (function,))
        self.function = function
        self.arguments = arguments if arguments else {}
        if mask is not None:
            self.supports_masking = True
        self.mask = mask
        if output_shape is not None and not callable(output_shape):
            if not isinstance(output_shape, (list, tuple)):
                raise TypeError("`Lambda`: `output_shape` must be a tuple, a list or a function. "
                                "Received: %r" % (output_shape,))
            output_shape = tuple(output_shape)
        self._output_shape = output_shape

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._infer_output_shape(input_shape)
        if callable(self._output_shape):
            return tuple(self._output_shape(input_shape))
        batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return (batch,) + tuple(self._output_shape)

    def _infer_output_shape(self, input_shape):
        """Run the function on zeros, as Keras on TF infers the shape: twice, with the batch axis 2
        then 3 and unknown axes 1 then 3; output axes that change between the runs are unknown."""
        def run(batch, unknown):
            def dummy(shape):
                return torch.zeros([batch] + [unknown if d is None else int(d) for d in shape[1:]])
            x = [dummy(s) for s in input_shape] if isinstance(input_shape, list) else dummy(input_shape)
            try:
                with torch.no_grad():
                    out = self.call(x)
            except Exception as e:  # report what the user must supply instead of guessing a shape
                raise ValueError("Lambda layer %r: could not infer its output shape by running the "
                                 "function on zeros for input shape %s (%s: %s). Pass "
                                 "output_shape=... explicitly." % (self.name, input_shape,
                                                                   type(e).__name__, e))
            return [tuple(t.shape) for t in out] if isinstance(out, (list, tuple)) else tuple(out.shape)

        first, second = run(2, 1), run(3, 3)

        def merge(a, b):
            if len(a) != len(b):
                raise ValueError("Lambda layer %r: the output rank depends on the input size; pass "
                                 "output_shape=... explicitly." % (self.name,))
            return tuple(x if x == y else None for x, y in zip(a, b))
        if isinstance(first, list):
            return [merge(a, b) for a, b in zip(first, second)]
        return merge(first, second)

    def call(self, inputs, mask=None):
        kwargs = dict(self.arguments)
        import inspect
        try:
            if "mask" in inspect.signature(self.function).parameters:
                kwargs["mask"] = mask
        except (TypeError, ValueError):
            pass
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def _serialize_callable(self, fn):
        from ..utils.generic_utils import lookup_custom
        name = getattr(fn, "__name__", None)
        if name and name != "<lambda>" and (lookup_custom(name) is fn
                                            or K._ops.__dict__.get(name) is fn
                                            or activations.__dict__.get(name) is fn):
            return name, "function"
        return _dump_function(fn), "lambda"

    def get_config(self):
        function, function_type = self._serialize_callable(self.function)
        if isinstance(self._output_shape, (types.FunctionType, types.LambdaType)):
            output_shape, output_shape_type = _dump_function(self._output_shape), "lambda"
        else:
            output_shape = None if self._output_shape is None else list(self._output_shape)
            output_shape_type = "raw"
        base = super(Lambda, self).get_config()
        base.update({"function": function, "function_type": function_type,
                     "output_shape": output_shape, "output_shape_type": output_shape_type,
                     "arguments": self.arguments})
        return base

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuild a Lambda. Marshaled bytecode is refused unless ``safe_mode=False``.

        A ``'function'``-type config resolves its name through custom_objects, the active
        custom_object_scope and the activations registry; never through an import path.
        """
        from ..utils.generic_utils import lookup_custom
        from ..saving import _safety
        config = dict(config)
        name = config.get("name")

        def resolve(value, kind, what):
            if kind == "function":
                fn = lookup_custom(value, custom_objects)
                if fn is None:
                    from .. import _registry
                    fn = _registry.ACTIVATIONS.lookup(value)
                if fn is None:
                    raise ValueError("Lambda layer %r: unknown function %r. Pass custom_objects={%r: "
                                     "your_function}." % (name, value, value))
                return fn
            if kind == "lambda":
                if not _safety.unsafe_allowed(safe_mode):
                    fn = lookup_custom(name, custom_objects) if name else None
                    if fn is not None and what == "function":
                        return fn
                    raise ValueError(
                        "Lambda layer %r stores its %s as marshaled Python bytecode, which can run "
                        "arbitrary code, so it is refused. If you trust this file, load it with "
                        "safe_mode=False; or supply the function instead: custom_objects={%r: fn} "
                        "(keyed by the layer name), or register it once for every load: "
                        "keras.utils.get_custom_objects()[%r] = fn." % (name, what, name, name))
                return _load_function(value)
            if kind == "raw":
                return value
            raise ValueError("Lambda layer %r: unknown %s_type %r" % (name, what, kind))

        function = resolve(config.pop("function"), config.pop("function_type", "function"), "function")
        output_shape = config.pop("output_shape", None)
        output_shape_type = config.pop("output_shape_type", "raw")
        if output_shape is not None:
            output_shape = resolve(output_shape, output_shape_type, "output_shape")
        return cls(function, output_shape=output_shape, **config)


class Masking(Layer):
    """Masks timesteps where every feature equals ``mask_value``.

    Args:
        mask_value: the value marking padded timesteps.

    Input shape:
        ``(batch, timesteps, features)``.

    Output shape:
        Same as input.

    Example:
        >>> model.add(Masking(mask_value=0., input_shape=(10, 8)))
    """

    def __init__(self, mask_value=0., **kwargs):
        super(Masking, self).__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return torch.any(inputs != self.mask_value, dim=-1)

    def call(self, inputs):
        keep = torch.any(inputs != self.mask_value, dim=-1, keepdim=True)
        return inputs * keep.to(inputs.dtype)

    def get_config(self):
        base = super(Masking, self).get_config()
        base["mask_value"] = self.mask_value
        return base


class ActivityRegularization(Layer):
    """Identity layer that adds an L1/L2 penalty on its input activity to the loss.

    Args:
        l1: L1 factor (positive float).
        l2: L2 factor (positive float).

    Input shape:
        Arbitrary.

    Output shape:
        Same as input.

    Example:
        >>> model.add(ActivityRegularization(l1=1e-4))
    """

    def __init__(self, l1=0., l2=0., **kwargs):
        super(ActivityRegularization, self).__init__(**kwargs)
        self.supports_masking = True
        self.l1 = float(l1)
        self.l2 = float(l2)
        self.activity_regularizer = regularizers.L1L2(l1=self.l1, l2=self.l2)

    def get_config(self):
        base = super(ActivityRegularization, self).get_config()
        base.update({"l1": self.l1, "l2": self.l2})
        return base


def _builtin_objects():
    return [(Dense, "Dense", ()), (Activation, "Activation", ()), (Dropout, "Dropout", ()),
            (Flatten, "Flatten", ()), (Reshape, "Reshape", ()), (Permute, "Permute", ()),
            (RepeatVector, "RepeatVector", ()), (Lambda, "Lambda", ()), (Masking, "Masking", ()),
            (ActivityRegularization, "ActivityRegularization", ()),
            (SpatialDropout1D, "SpatialDropout1D", ()), (SpatialDropout2D, "SpatialDropout2D", ()),
            (SpatialDropout3D, "SpatialDropout3D", ())]


# Keras 1 kept these in keras.layers.core (implemented in torkeras.legacy; Merge lazily: its module
# imports torkeras.layers).
from ..legacy._old_layers import Highway, MaxoutDense, TimeDistributedDense  # noqa: E402,F401


def __getattr__(name):
    if name == "Merge":
        from ..legacy.layers import Merge
        return Merge
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
