"""THE only place that knows Keras-1 spellings.

The table below is data: per class or method, which positional arguments Keras 2 allows, which
keyword arguments were renamed, which values are mapped, and which arguments are dropped because they
had no effect in Keras 1.2.2. :func:`convert` applies it to constructor calls, method calls and
configs read from files (``from_config`` calls the constructor, so the decorator covers files too).

Each converted spelling warns once, with the Keras-2 call to write instead. ``TORKERAS_STRICT=1`` turns
the warnings into :class:`~torkeras.errors.LegacyArgumentError`. Giving the old and the new name
together is a ``TypeError``. Anything the table cannot translate exactly is rejected.

Sources: keras/legacy/interfaces.py @ 2.2.4, keras/layers/core.py @ 1.2.2, keras/models.py @ 1.2.2
(see ../shared/reference/keras_facts.md section 1).
"""
import contextlib
import functools
import os
import threading
import warnings

import numpy as np

from ..errors import LegacyArgumentError

_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": None}

#: name -> spec. ``positional``: names of the positional arguments Keras 2 accepts (None: no check).
#: ``renames``: old kwarg -> new kwarg. ``values``: old kwarg -> {old value: new value}, applied
#: before the rename. ``dropped``: old kwarg -> reason it is safe to drop (no effect in Keras 1.2.2).
TABLE = {
    "Dense": {
        "positional": ("units",),
        "renames": {
            "output_dim": "units",
            "init": "kernel_initializer",
            "W_regularizer": "kernel_regularizer",
            "b_regularizer": "bias_regularizer",
            "W_constraint": "kernel_constraint",
            "b_constraint": "bias_constraint",
            "bias": "use_bias",
        },
    },
    "Dropout": {
        "positional": ("rate", "noise_shape", "seed"),
        "renames": {"p": "rate"},
    },
    "InputLayer": {
        "positional": None,
        "renames": {"input_dtype": "dtype"},
    },
    "Layer": {
        # Base-layer keyword every Keras-1 layer accepted (engine/topology.py @ 1.2.2).
        "positional": None,
        "renames": {"input_dtype": "dtype"},
    },
    "fit": {
        "positional": None,
        "renames": {"nb_epoch": "epochs"},
        "dropped": {
            "show_accuracy": "it had no effect in Keras 1.2.2 (pass metrics=['accuracy'] to compile)",
        },
    },
    "Model": {
        "positional": None,
        "renames": {"input": "inputs", "output": "outputs"},
    },
}

_DIM = {"dim_ordering": _DIM_ORDERING}
_W_B = {
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
}
_CONV_2D_RENAMES = dict(_W_B, nb_filter="filters", subsample="strides", border_mode="padding",
                        dim_ordering="data_format")
_CONV_1D_RENAMES = dict(_W_B, nb_filter="filters", filter_length="kernel_size",
                        subsample_length="strides", border_mode="padding")
_RNN_RENAMES = {
    "output_dim": "units",
    "init": "kernel_initializer",
    "inner_init": "recurrent_initializer",
    "inner_activation": "recurrent_activation",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "U_regularizer": "recurrent_regularizer",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "consume_less": "implementation",
}
_CONSUME_LESS = {"consume_less": {"cpu": 0, "mem": 1, "gpu": 2}}


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _input_dim_pre(name, args, kwargs):
    """``input_dim`` (+ ``input_length``) -> ``input_shape=(input_length, input_dim)``."""
    converted = []
    if "input_dim" in kwargs:
        if "input_shape" in kwargs or "batch_input_shape" in kwargs:
            raise TypeError("`%s` received both the Keras-1 argument `input_dim` and the Keras 2 "
                            "argument `input_shape`. Stick to the latter!" % (name,))
        length = kwargs.pop("input_length", None)
        kwargs["input_shape"] = (length, kwargs.pop("input_dim"))
        converted.append("input_dim")
    return args, kwargs, converted


def _forget_bias_pre(name, args, kwargs):
    converted = []
    if "forget_bias_init" in kwargs:
        value = kwargs.pop("forget_bias_init")
        mapping = {"one": True, "ones": True, "zero": False, "zeros": False}
        if value not in mapping:
            raise LegacyArgumentError(
                "`%s`: the Keras-1 argument forget_bias_init=%r cannot be translated exactly: Keras 2 "
                "only has unit_forget_bias (forget-gate bias 1, 'one') or zeros ('zero')."
                % (name, value))
        if "unit_forget_bias" in kwargs:
            raise TypeError("`%s` received both forget_bias_init and unit_forget_bias. Stick to the "
                            "latter!" % (name,))
        kwargs["unit_forget_bias"] = mapping[value]
        converted.append("forget_bias_init")
    return args, kwargs, converted


def _recurrent_pre(name, args, kwargs):
    args, kwargs, a = _input_dim_pre(name, args, kwargs)
    args, kwargs, b = _forget_bias_pre(name, args, kwargs)
    return args, kwargs, a + b


def _kernel_pre(name, args, kwargs, dims, kw_names):
    """Merge Keras-1 per-axis kernel sizes (positional ints or ``nb_row``/``nb_col``...) into
    ``kernel_size``. Three ints in ``Conv2D(64, 3, 3)`` mean a 3x3 kernel, never ``strides=3``."""
    converted = []
    if len(args) > dims + 1:
        raise TypeError("`%s` can receive at most %d positional arguments (filters and %d kernel "
                        "sizes). Received %r" % (name, dims + 1, dims, args))
    if len(args) == dims + 1 and all(_is_int(a) for a in args[1:]):
        for kw in ("padding", "strides", "data_format"):
            if kw in kwargs:
                raise ValueError(
                    "`%s%r` with `%s=` looks like Keras 2 code passing both `kernel_size` and "
                    "`strides` as integer positional arguments; this is ambiguous and disallowed "
                    "(as in Keras 2). Pass `strides` as a keyword argument." % (name, args, kw))
        args = (args[0], tuple(args[1:]))
        converted.append("/".join(kw_names))
    elif len(args) >= 2 and len(args) <= dims and _is_int(args[-1]) and len(args) > 1 and \
            all(k in kwargs for k in kw_names[len(args) - 1:]):
        sizes = list(args[1:]) + [kwargs.pop(k) for k in kw_names[len(args) - 1:]]
        args = (args[0], tuple(sizes))
        converted.append("/".join(kw_names))
    elif len(args) <= 1 and all(k in kwargs for k in kw_names):
        kwargs["kernel_size"] = tuple(kwargs.pop(k) for k in kw_names)
        converted.append("/".join(kw_names))
    elif any(k in kwargs for k in kw_names):
        raise LegacyArgumentError("`%s`: Keras-1 kernel sizes %s must all be given. Received %r"
                                  % (name, "/".join(kw_names),
                                     {k: kwargs[k] for k in kw_names if k in kwargs}))
    return args, kwargs, converted


def _conv2d_pre(name, args, kwargs):
    return _kernel_pre(name, args, kwargs, 2, ("nb_row", "nb_col"))


def _conv3d_pre(name, args, kwargs):
    return _kernel_pre(name, args, kwargs, 3, ("kernel_dim1", "kernel_dim2", "kernel_dim3"))


def _separable_pre(name, args, kwargs):
    converted = []
    if "init" in kwargs:
        init = kwargs.pop("init")
        for new in ("depthwise_initializer", "pointwise_initializer"):
            if new in kwargs:
                raise TypeError("`%s` received both the Keras-1 `init` and `%s`. Stick to the latter!"
                                % (name, new))
            kwargs[new] = init
        converted.append("init")
    args, kwargs, more = _conv2d_pre(name, args, kwargs)
    return args, kwargs, converted + more


def _deconv2d_pre(name, args, kwargs):
    """Keras 1 ``Deconvolution2D(nb_filter, nb_row, nb_col, output_shape, ...)``: Keras 2.2.4 drops
    ``output_shape`` (the output size follows from the input, strides and padding)."""
    converted = []
    if len(args) == 4 and isinstance(args[3], (tuple, list)):
        kwargs["output_shape"] = args[3]
        args = args[:3]
    if "output_shape" in kwargs:
        kwargs.pop("output_shape")
        converted.append("output_shape")
    args, kwargs, more = _conv2d_pre(name, args, kwargs)
    return args, kwargs, converted + more


def _conv_lstm_pre(name, args, kwargs):
    args, kwargs, a = _conv2d_pre(name, args, kwargs)
    args, kwargs, b = _forget_bias_pre(name, args, kwargs)
    return args, kwargs, a + b


def _zeropadding2d_pre(name, args, kwargs):
    converted = []
    padding = args[0] if args else kwargs.get("padding")
    if isinstance(padding, dict):
        keys = {"top_pad", "bottom_pad", "left_pad", "right_pad"}
        unknown = set(padding) - keys
        if unknown:
            raise LegacyArgumentError("`%s`: unexpected key(s) %s in the Keras-1 padding dict; "
                                      "expected %s." % (name, sorted(unknown), sorted(keys)))
        value = ((padding.get("top_pad", 0), padding.get("bottom_pad", 0)),
                 (padding.get("left_pad", 0), padding.get("right_pad", 0)))
        if args:
            args = (value,) + tuple(args[1:])
        else:
            kwargs["padding"] = value
        converted.append("padding dict")
    return args, kwargs, converted


def _mode_zero(value):
    if value == 0:
        return None
    return ("BatchNormalization mode=%r (1: sample-wise, 2: feature-wise with batch statistics at "
            "test time) does not exist in Keras 2; only mode=0 can be read." % (value,))


def _no_embedding_dropout(value):
    if not value:
        return None
    return ("Embedding(dropout=...) dropped whole embedding rows in Keras 1 and was removed in Keras 2; "
            "add SpatialDropout1D(%r) after the Embedding for a similar (not identical) effect." % (value,))


def _update(base, **more):
    out = dict(base)
    out.update(more)
    return out


TABLE.update({
    "Conv1D": {"positional": ("filters", "kernel_size"), "renames": _CONV_1D_RENAMES,
               "preprocess": _input_dim_pre},
    "LocallyConnected1D": {"positional": ("filters", "kernel_size"), "renames": _CONV_1D_RENAMES,
                           "preprocess": _input_dim_pre},
    "Conv2D": {"positional": ("filters", "kernel_size"), "renames": _CONV_2D_RENAMES,
               "values": _DIM, "preprocess": _conv2d_pre},
    "LocallyConnected2D": {"positional": ("filters", "kernel_size"), "renames": _CONV_2D_RENAMES,
                           "values": _DIM, "preprocess": _conv2d_pre},
    "Conv2DTranspose": {"positional": ("filters", "kernel_size"), "renames": _CONV_2D_RENAMES,
                        "values": _DIM, "preprocess": _deconv2d_pre},
    "SeparableConv2D": {"positional": ("filters", "kernel_size"),
                        "renames": {k: v for k, v in _CONV_2D_RENAMES.items()
                                    if k not in ("init", "W_regularizer", "W_constraint")},
                        "values": _DIM, "preprocess": _separable_pre},
    "Conv3D": {"positional": ("filters", "kernel_size"), "renames": _CONV_2D_RENAMES,
               "values": _DIM, "preprocess": _conv3d_pre},
    "MaxPooling1D": {"positional": ("pool_size", "strides", "padding"),
                     "renames": {"pool_length": "pool_size", "stride": "strides",
                                 "border_mode": "padding"}},
    "AveragePooling1D": {"positional": ("pool_size", "strides", "padding"),
                         "renames": {"pool_length": "pool_size", "stride": "strides",
                                     "border_mode": "padding"}},
    "MaxPooling2D": {"positional": ("pool_size", "strides", "padding"),
                     "renames": {"border_mode": "padding", "dim_ordering": "data_format"},
                     "values": _DIM},
    "AveragePooling2D": {"positional": ("pool_size", "strides", "padding"),
                         "renames": {"border_mode": "padding", "dim_ordering": "data_format"},
                         "values": _DIM},
    "MaxPooling3D": {"positional": ("pool_size", "strides", "padding"),
                     "renames": {"border_mode": "padding", "dim_ordering": "data_format"},
                     "values": _DIM},
    "AveragePooling3D": {"positional": ("pool_size", "strides", "padding"),
                         "renames": {"border_mode": "padding", "dim_ordering": "data_format"},
                         "values": _DIM},
    "GlobalMaxPooling2D": {"positional": None, "renames": {"dim_ordering": "data_format"}, "values": _DIM},
    "GlobalAveragePooling2D": {"positional": None, "renames": {"dim_ordering": "data_format"},
                               "values": _DIM},
    "GlobalMaxPooling3D": {"positional": None, "renames": {"dim_ordering": "data_format"}, "values": _DIM},
    "GlobalAveragePooling3D": {"positional": None, "renames": {"dim_ordering": "data_format"},
                               "values": _DIM},
    "UpSampling1D": {"positional": ("size",), "renames": {"length": "size"}},
    "UpSampling2D": {"positional": ("size",), "renames": {"dim_ordering": "data_format"}, "values": _DIM},
    "UpSampling3D": {"positional": ("size",), "renames": {"dim_ordering": "data_format"}, "values": _DIM},
    "ZeroPadding2D": {"positional": ("padding",), "renames": {"dim_ordering": "data_format"},
                      "values": _DIM, "preprocess": _zeropadding2d_pre},
    "ZeroPadding3D": {"positional": ("padding",), "renames": {"dim_ordering": "data_format"},
                      "values": _DIM},
    "Cropping2D": {"positional": ("cropping",), "renames": {"dim_ordering": "data_format"},
                   "values": _DIM},
    "Cropping3D": {"positional": ("cropping",), "renames": {"dim_ordering": "data_format"},
                   "values": _DIM},
    "SpatialDropout1D": {"positional": ("rate",), "renames": {"p": "rate"}},
    "SpatialDropout2D": {"positional": ("rate",), "renames": {"p": "rate", "dim_ordering": "data_format"},
                         "values": _DIM},
    "SpatialDropout3D": {"positional": ("rate",), "renames": {"p": "rate", "dim_ordering": "data_format"},
                         "values": _DIM},
    "SimpleRNN": {"positional": ("units",),
                  "renames": {k: v for k, v in _RNN_RENAMES.items() if k != "inner_activation"},
                  "values": _CONSUME_LESS, "preprocess": _recurrent_pre},
    "GRU": {"positional": ("units",), "renames": _RNN_RENAMES, "values": _CONSUME_LESS,
            "preprocess": _recurrent_pre},
    "LSTM": {"positional": ("units",), "renames": _RNN_RENAMES, "values": _CONSUME_LESS,
             "preprocess": _recurrent_pre},
    "ConvLSTM2D": {"positional": ("filters", "kernel_size"),
                   "renames": _update(_CONV_2D_RENAMES, inner_init="recurrent_initializer",
                                      inner_activation="recurrent_activation",
                                      U_regularizer="recurrent_regularizer", dropout_W="dropout",
                                      dropout_U="recurrent_dropout"),
                   "values": _DIM, "preprocess": _conv_lstm_pre},
    "Embedding": {"positional": ("input_dim", "output_dim"),
                  "renames": {"init": "embeddings_initializer", "W_regularizer": "embeddings_regularizer",
                              "W_constraint": "embeddings_constraint"},
                  "drop_if": {"dropout": _no_embedding_dropout}},
    "BatchNormalization": {"positional": (), "renames": {"beta_init": "beta_initializer",
                                                         "gamma_init": "gamma_initializer"},
                           "drop_if": {"mode": _mode_zero}},
    "PReLU": {"positional": ("alpha_initializer",), "renames": {"init": "alpha_initializer"}},
    "GaussianNoise": {"positional": ("stddev",), "renames": {"sigma": "stddev"}},
    "GaussianDropout": {"positional": ("rate",), "renames": {"p": "rate"}},
})


# Model.fit_generator / evaluate_generator / predict_generator: legacy_generator_methods_support in
# keras/legacy/interfaces.py @ 2.2.4. Keras 1.2.2 counted samples; Keras 2 counts batches (steps).
_GENERATOR_RENAMES = {"nb_worker": "workers", "pickle_safe": "use_multiprocessing",
                      "max_q_size": "max_queue_size"}
#: Spellings after which Keras 2.2.4 warned that a step is a batch, not a sample.
_STEP_SPELLINGS = ("samples_per_epoch", "val_samples", "nb_epoch", "nb_val_samples", "nb_worker")


def _generator_pre(name, args, kwargs):
    """``samples_per_epoch`` by keyword (at most the generator before it) becomes
    ``steps_per_epoch = samples_per_epoch // generator.batch_size`` when the generator has a
    ``batch_size`` attribute; otherwise the sample count is kept, unchanged, as the step count (both as
    Keras 2.2.4). ``nb_val_samples`` and ``val_samples`` are renamed without division, as in Keras.
    A warning says that steps are batches: for Keras 2.2.4's spellings, and for an undivided
    ``samples_per_epoch``."""
    converted = []
    undivided = False
    if name == "fit_generator" and "samples_per_epoch" in kwargs and len(args) < 2:
        if "steps_per_epoch" in kwargs:
            raise TypeError("For the `steps_per_epoch` argument, `%s` received both the legacy keyword "
                            "argument `samples_per_epoch` and the Keras 2 keyword argument "
                            "`steps_per_epoch`. Stick to the latter!" % (name,))
        samples = kwargs.pop("samples_per_epoch")
        generator = args[0] if args else kwargs.get("generator")
        if hasattr(generator, "batch_size"):
            kwargs["steps_per_epoch"] = samples // generator.batch_size
        else:
            kwargs["steps_per_epoch"] = samples
            undivided = True
        converted.append("samples_per_epoch")
    if (undivided or any(k in kwargs for k in _STEP_SPELLINGS)) and not strict():
        with _warned_lock:
            first = (name, "steps are batches") not in _warned
            _warned.add((name, "steps are batches"))
        if first:
            warnings.warn(
                "`%s`: a Keras 2 step is one batch, not one sample. `steps_per_epoch` (Keras 1: "
                "samples_per_epoch) is the number of batches drawn per epoch, about samples / "
                "batch_size; `validation_steps` (nb_val_samples) and `steps` (val_samples) count "
                "batches too. Check the converted values%s."
                % (name, " (samples_per_epoch=%r was kept as the step count: the generator has no "
                         "`batch_size` attribute)" % (kwargs["steps_per_epoch"],) if undivided else ""),
                UserWarning, stacklevel=4)
    return args, kwargs, converted


TABLE.update({
    "fit_generator": {"positional": ("generator", "steps_per_epoch", "epochs"),
                      "renames": _update(_GENERATOR_RENAMES, samples_per_epoch="steps_per_epoch",
                                         nb_epoch="epochs", nb_val_samples="validation_steps"),
                      "preprocess": _generator_pre},
    "evaluate_generator": {"positional": ("generator", "steps", "max_queue_size"),
                           "renames": _update(_GENERATOR_RENAMES, val_samples="steps"),
                           "preprocess": _generator_pre},
    "predict_generator": {"positional": ("generator", "steps", "max_queue_size"),
                          "renames": _update(_GENERATOR_RENAMES, val_samples="steps"),
                          "preprocess": _generator_pre},
})


# keras.preprocessing (Keras 1.2.2 preprocessing/image.py and text.py). Keras 2.2.4 had no shim for
# ``dim_ordering`` here (TypeError); torkeras translates it like the layers' dim_ordering.
_DIM_ONLY = {"positional": None, "renames": {"dim_ordering": "data_format"}, "values": _DIM}
TABLE.update({
    "ImageDataGenerator": _DIM_ONLY,
    "NumpyArrayIterator": _DIM_ONLY,
    "DirectoryIterator": _DIM_ONLY,
    "array_to_img": _DIM_ONLY,
    "img_to_array": _DIM_ONLY,
    "Tokenizer": {"positional": None, "renames": {"nb_words": "num_words"}},
    # keras.datasets.imdb / reuters load_data (Keras 2.2.4 converted nb_words with a warning)
    "load_data": {"positional": None, "renames": {"nb_words": "num_words"}},
})


#: ``Layer.add_weight`` in Keras 1.2.2 and 2.0.0 (engine/topology.py): ``add_weight(shape,
#: initializer, name=None, trainable=True, regularizer=None, constraint=None)``; Keras 2.2.4:
#: ``add_weight(name, shape, dtype=None, initializer=None, regularizer=None, trainable=True,
#: constraint=None)``.
_ADD_WEIGHT_KERAS1 = ("shape", "initializer", "name", "trainable", "regularizer", "constraint")
_ADD_WEIGHT_KERAS2 = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")


def _add_weight_pre(name, args, kwargs):
    """A leading shape (tuple or list) means the Keras-1 order: its positional arguments become
    keywords, written in Keras 2's order."""
    if not args or not isinstance(args[0], (tuple, list)):
        return args, kwargs, []
    if len(args) > len(_ADD_WEIGHT_KERAS1):
        raise TypeError("`%s` in the Keras-1 order %s can accept only %d positional arguments, but "
                        "you passed %d: %r." % (name, _ADD_WEIGHT_KERAS1, len(_ADD_WEIGHT_KERAS1),
                                                 len(args), tuple(args)))
    given = dict(kwargs)
    for key, value in zip(_ADD_WEIGHT_KERAS1, args):
        if key in given:
            raise TypeError("`%s` got multiple values for argument `%s` (Keras-1 positional order: "
                            "%s)." % (name, key, ", ".join(_ADD_WEIGHT_KERAS1)))
        given[key] = value
    ordered = {k: given.pop(k) for k in _ADD_WEIGHT_KERAS2 if k in given}
    ordered.update(given)
    return (), ordered, ["shape first"]


TABLE["add_weight"] = {"positional": _ADD_WEIGHT_KERAS2, "preprocess": _add_weight_pre}

#: Keras-1 module paths and the torkeras module that answers them (used by ``python -m torkeras run``).
MODULE_ALIASES = {
    "keras.objectives": "torkeras.objectives",
    "keras.initializations": "torkeras.initializations",
    "keras.utils.np_utils": "torkeras.utils.np_utils",
    "keras.engine.topology": "torkeras.engine.topology",
    "keras.utils.visualize_util": "torkeras.legacy.visualize_util",
    "keras.applications.audio_conv_utils": "torkeras.legacy.audio_conv_utils",
    "keras.applications.music_tagger_crnn": "torkeras.legacy.music_tagger_crnn",
}

_warned = set()
_warned_lock = threading.Lock()
_file_state = threading.local()


def strict():
    """True when ``TORKERAS_STRICT=1``: Keras-1 spellings are errors, not warnings."""
    return os.environ.get("TORKERAS_STRICT", "").strip() not in ("", "0", "false", "False")


def _short(v):
    if isinstance(v, np.ndarray):
        return "array"
    s = repr(v)
    if isinstance(v, str):
        s = '"%s"' % v
    if len(s) > 10:
        s = s[:8] + "..."
    return s


def _signature(name, args, kwargs):
    parts = [_short(a) for a in args] + ["%s=%s" % (k, _short(v)) for k, v in kwargs.items()]
    return "`%s(%s)`" % (name, ", ".join(parts))


def _report(name, old_spellings, new_args, new_kwargs):
    key = (name, tuple(sorted(old_spellings)))
    msg = ("Update your `%s` call to the Keras 2 API: %s (Keras-1 spelling: %s)."
           % (name, _signature(name, new_args, new_kwargs), ", ".join(sorted(old_spellings))))
    if getattr(_file_state, "on", False):
        return   # a config read from a Keras-1 file: the reader warns once per file instead
    if strict():
        raise LegacyArgumentError(msg + " TORKERAS_STRICT=1 makes Keras-1 spellings errors.")
    with _warned_lock:
        if key in _warned:
            return
        _warned.add(key)
    warnings.warn(msg, UserWarning, stacklevel=4)


def convert(name, args, kwargs):
    """Translate a Keras-1 call of ``name`` (a class or method in :data:`TABLE`).

    Order (as keras/legacy/interfaces.py @ 2.2.4): the preprocessor (structural changes such as
    ``Conv2D(32, 3, 3)``), the positional-count check, value maps (applied under the old name), then
    renames. Arguments in ``drop_if`` are dropped when their value has no effect and rejected with
    the reason otherwise.

    Args:
        name: key of :data:`TABLE`, e.g. ``'Dense'`` or ``'fit'``.
        args: positional arguments (tuple, without ``self``).
        kwargs: keyword arguments (dict, not modified).

    Returns:
        ``(args, kwargs)`` in Keras-2 spelling.

    Raises:
        TypeError: too many positional arguments, or an old and a new name given together.
        LegacyArgumentError: a Keras-1 value that cannot be translated exactly.
    """
    spec = TABLE.get(name)
    if spec is None:
        return args, kwargs
    old_used = []
    pre = spec.get("preprocess")
    if pre is not None:
        args, kwargs, converted = pre(name, tuple(args), dict(kwargs))
        old_used.extend(converted)
    allowed = spec.get("positional")
    if allowed is not None and len(args) > len(allowed):
        raise TypeError("`%s` can accept only %d positional arguments %s, but you passed %d: %r."
                        % (name, len(allowed), tuple(allowed), len(args), tuple(args)))
    renames = spec.get("renames", {})
    values = spec.get("values", {})
    dropped = spec.get("dropped", {})
    drop_if = spec.get("drop_if", {})
    if not old_used and not any(k in kwargs for k in renames) and not any(
            k in kwargs for k in dropped) and not any(k in kwargs for k in drop_if):
        return args, kwargs
    new_kwargs = {}
    for key, value in kwargs.items():
        if key in dropped:
            old_used.append(key)
            continue
        if key in drop_if:
            reason = drop_if[key](value)
            if reason:
                raise LegacyArgumentError("`%s`: the Keras-1 argument %s=%r cannot be translated "
                                          "exactly: %s" % (name, key, value, reason))
            old_used.append(key)
            continue
        if key in renames:
            new_key = renames[key]
            if new_key in kwargs:
                raise TypeError("For the `%s` argument, `%s` received both the legacy keyword argument "
                                "`%s` and the Keras 2 keyword argument `%s`. Stick to the latter!"
                                % (new_key, name, key, new_key))
            if key in values:
                vmap = values[key]
                try:
                    known = value in vmap
                except TypeError:
                    known = False
                if not known:
                    raise LegacyArgumentError(
                        "`%s`: cannot translate the Keras-1 value %s=%r; expected one of %s."
                        % (name, key, value, sorted(map(str, vmap))))
                value = vmap[value]
            old_used.append(key)
            new_kwargs[new_key] = value
        else:
            new_kwargs[key] = value
    if allowed:
        for pos_name in allowed[:len(args)]:
            if pos_name in new_kwargs:
                raise TypeError("`%s` got multiple values for argument `%s`." % (name, pos_name))
    if old_used:
        _report(name, old_used, args, new_kwargs)
    return args, new_kwargs


def legacy_interface(name):
    """Decorator for ``__init__`` (or a method) applying :func:`convert` for ``name``."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            args, kwargs = convert(name, args, kwargs)
            return func(self, *args, **kwargs)
        wrapper._legacy_name = name
        return wrapper
    return decorator


def table_rows():
    """Every (name, old, new) rename and (name, old, None) drop in the table: one test per row."""
    rows = []
    for name, spec in sorted(TABLE.items()):
        for old, new in sorted(spec.get("renames", {}).items()):
            rows.append((name, old, new))
        for old in sorted(spec.get("dropped", {})):
            rows.append((name, old, None))
    return rows


def _reset_warnings_for_tests():
    with _warned_lock:
        _warned.clear()


# ---------------------------------------------------------------------------- Keras-1 files
# Layer configs and weight layouts read from files written by Keras 1.x. The configs go through the
# same TABLE as constructor calls (quietly: the file reader warns once per file, and
# TORKERAS_STRICT=1 is about code, not about old files). saving/_keras1.py applies the layout data.

#: Keras-1 class names found in files -> (Keras-2 class, renames only that class had).
#: Sources: keras/layers/convolutional.py @ 1.2.2 (class names, ``atrous_rate``);
#: keras/legacy/layers.py @ 2.2.4 (the atrous convolutions become Conv1D/Conv2D + dilation_rate).
CLASS_RENAMES = {
    "Convolution1D": ("Conv1D", {}),
    "Convolution2D": ("Conv2D", {}),
    "Convolution3D": ("Conv3D", {}),
    "Deconvolution2D": ("Conv2DTranspose", {}),
    "SeparableConvolution2D": ("SeparableConv2D", {}),
    "AtrousConvolution1D": ("Conv1D", {"atrous_rate": "dilation_rate"}),
    "AtrousConvolution2D": ("Conv2D", {"atrous_rate": "dilation_rate"}),
}

#: Config keys Keras 1 recorded from the input when the layer was built (Dense.build sets
#: ``input_dim``; Recurrent/Convolution1D ``get_config`` write ``input_dim``/``input_length``,
#: keras/layers/{core,recurrent,convolutional,local}.py @ 1.2.2). A first layer also carries
#: ``batch_input_shape``, so these keys add nothing and are dropped (Keras 2.2.4 turned them into an
#: ``input_shape`` that ``batch_input_shape`` then overrode).
BUILD_RECORDED_KEYS = {
    "Dense": ("input_dim",),
    "SimpleRNN": ("input_dim", "input_length"),
    "GRU": ("input_dim", "input_length"),
    "LSTM": ("input_dim", "input_length"),
    "Conv1D": ("input_dim", "input_length"),
    "LocallyConnected1D": ("input_dim", "input_length"),
}

#: Keras-1 kernel layout -> Keras-2 layout, per (Keras-2 class, data_format): for each weight
#: index, the config key of its constraint and the numpy transpose (Keras-2 axis i = Keras-1 axis
#: perm[i]). Sources: ``preprocess_weights_for_loading`` in keras/engine/saving.py @ 2.2.4 (Conv2D,
#: Conv3D, Conv2DTranspose, ConvLSTM2D); ``separable_conv2d`` in keras/backend/tensorflow_backend.py
#: @ 1.2.2 (SeparableConvolution2D 'th' kernels, which Keras 2.2.4 left untranslated).
KERNEL_TRANSPOSES = {
    ("Conv2D", "channels_first"): ((0, "kernel_constraint", (2, 3, 1, 0)),),
    ("Conv3D", "channels_first"): ((0, "kernel_constraint", (2, 3, 4, 1, 0)),),
    ("Conv2DTranspose", "channels_last"): ((0, "kernel_constraint", (0, 1, 3, 2)),),
    ("Conv2DTranspose", "channels_first"): ((0, "kernel_constraint", (2, 3, 0, 1)),),
    ("SeparableConv2D", "channels_first"): ((0, "depthwise_constraint", (2, 3, 1, 0)),
                                            (1, "pointwise_constraint", (2, 3, 1, 0))),
    ("ConvLSTM2D", "channels_first"): ((0, "kernel_constraint", (2, 3, 1, 0)),
                                       (1, "recurrent_constraint", (2, 3, 1, 0))),
}

#: Keras-1 Convolution1D kernel ``(filter_length, 1, input_dim, nb_filter)`` loses its axis 1
#: (keras/layers/convolutional.py @ 1.2.2; saving.py @ 2.2.4): Keras-1 axis -> Keras-2 axis.
CONV1D_AXES = {0: 0, 2: 1, 3: 2}

#: Per-gate recurrent weights (consume_less 'cpu'/'mem') -> Keras-2 fused arrays: array count and,
#: for kernel / recurrent_kernel / bias, the indices concatenated on the last axis. Keras 1 LSTM
#: listed its weights i, c, f, o (``trainable_weights`` in keras/layers/recurrent.py @ 1.2.2); Keras 2
#: fuses them i, f, c, o. GRU: z, r, h in both. ConvLSTM2D as LSTM (saving.py @ 2.2.4).
GATE_REGROUPS = {
    "LSTM": (12, ((0, 6, 3, 9), (1, 7, 4, 10), (2, 8, 5, 11))),
    "ConvLSTM2D": (12, ((0, 6, 3, 9), (1, 7, 4, 10), (2, 8, 5, 11))),
    "GRU": (9, ((0, 3, 6), (1, 4, 7), (2, 5, 8))),
}

#: Classes whose kernels Theano convolved (true convolution, ``filter_flip=True`` in
#: keras/backend/theano_backend.py @ 1.2.2): weight indices to flip on every spatial axis when the
#: file was trained with Theano (``_need_convert_kernel`` / ``convert_kernel``, saving.py @ 2.2.4).
THEANO_FLIPPED = {"Conv1D": (0,), "Conv2D": (0,), "Conv3D": (0,), "Conv2DTranspose": (0,),
                  "ConvLSTM2D": (0, 1)}

#: Keras-1 regularizer / constraint configs (``{'name': class, ...}``, keras/regularizers.py and
#: keras/constraints.py @ 1.2.2) -> Keras-2 class and argument renames.
_OBJECT_RENAMES = {
    "L1L2Regularizer": ("L1L2", {"l1": "l1", "l2": "l2"}),
    "WeightRegularizer": ("L1L2", {"l1": "l1", "l2": "l2"}),
    "ActivityRegularizer": ("L1L2", {"l1": "l1", "l2": "l2"}),
    "MaxNorm": ("MaxNorm", {"m": "max_value", "axis": "axis"}),
    "NonNeg": ("NonNeg", {}),
    "UnitNorm": ("UnitNorm", {"axis": "axis"}),
    "MinMaxNorm": ("MinMaxNorm", {"low": "min_value", "high": "max_value", "rate": "rate",
                                  "axis": "axis"}),
}


def _file_object(value, class_name, key):
    """A Keras-1 ``{'name': ...}`` regularizer/constraint config as ``{'class_name', 'config'}``."""
    if not isinstance(value, dict) or "class_name" in value or "name" not in value:
        return value
    name = value["name"]
    if name not in _OBJECT_RENAMES:
        raise LegacyArgumentError(
            "`%s`: the Keras-1 %s=%r has no Keras 2 equivalent (Keras 2 has L1L2, MaxNorm, NonNeg, "
            "UnitNorm and MinMaxNorm)." % (class_name, key, value))
    new_name, renames = _OBJECT_RENAMES[name]
    unknown = sorted(set(value) - set(renames) - {"name"})
    if unknown:
        raise LegacyArgumentError("`%s`: unexpected key(s) %s in the Keras-1 %s config %r."
                                  % (class_name, unknown, key, value))
    return {"class_name": new_name,
            "config": {renames[k]: v for k, v in value.items() if k != "name"}}


def _remap_axis(axis, mapping, class_name, key):
    """Constraint axes follow the kernel from the Keras-1 to the Keras-2 layout."""
    many = isinstance(axis, (list, tuple))
    out = []
    for a in (axis if many else [axis]):
        if a not in mapping:
            raise LegacyArgumentError("`%s`: the Keras-1 %s acts on axis %r of the Keras-1 kernel, "
                                      "which the Keras-2 kernel does not have." % (class_name, key, a))
        out.append(mapping[a])
    return out if many else out[0]


def _constraint_axes(class_name, config):
    if class_name == "Conv1D":
        entries = ((0, "kernel_constraint", None),)
    else:
        entries = KERNEL_TRANSPOSES.get((class_name, config.get("data_format")), ())
    for _, key, perm in entries:
        value = config.get(key)
        if not isinstance(value, dict) or "axis" not in value.get("config", {}):
            continue
        if perm is None:
            mapping = CONV1D_AXES
        else:
            mapping = {old: new for new, old in enumerate(perm)}
            mapping.update({old - len(perm): new for old, new in list(mapping.items())})
        inner = dict(value["config"], axis=_remap_axis(value["config"]["axis"], mapping, class_name, key))
        config[key] = dict(value, config=inner)
    return config


def file_layer_config(class_name, config):
    """Translate one layer config read from a Keras-1 file into Keras-2 spelling.

    Applies :data:`CLASS_RENAMES`, drops :data:`BUILD_RECORDED_KEYS`, turns Keras-1 regularizer and
    constraint configs into Keras-2 ones, runs the class's TABLE row (and the base ``Layer`` row for
    ``input_dtype``) without per-spelling warnings, and moves constraint axes with the kernel layout.

    Args:
        class_name: the class name written in the file (``'Convolution2D'``, ``'Dense'``...).
        config: the layer's config dict from the file (not modified).

    Returns:
        ``(keras2_class_name, keras2_config)``.

    Raises:
        LegacyArgumentError: something Keras 2 cannot express exactly (e.g. BatchNormalization
            ``mode=1``, ``Embedding(dropout=0.2)``, an ``EigenvalueRegularizer``).
        TypeError: an old and a new name for one argument.

    Example:
        >>> file_layer_config('Dense', {'name': 'dense_1', 'output_dim': 3, 'input_dim': 4})
        ('Dense', {'name': 'dense_1', 'units': 3})
    """
    new_class, extra = CLASS_RENAMES.get(class_name, (class_name, {}))
    config = dict(config)
    for old, new in extra.items():
        if old in config:
            if new in config:
                raise TypeError("`%s` config has both the Keras-1 `%s` and the Keras 2 `%s`."
                                % (class_name, old, new))
            config[new] = config.pop(old)
    for key in BUILD_RECORDED_KEYS.get(new_class, ()):
        config.pop(key, None)
    config = {k: _file_object(v, class_name, k) for k, v in config.items()}
    with reading_file():
        _, config = convert(new_class, (), config)
        if "input_dtype" in config:
            _, config = convert("Layer", (), config)
    return new_class, _constraint_axes(new_class, config)


@contextlib.contextmanager
def reading_file():
    """While a Keras-1 file's model is built, its spellings neither warn per spelling nor raise under
    ``TORKERAS_STRICT=1`` (the reader warns once per file instead)."""
    previous = getattr(_file_state, "on", False)
    _file_state.on = True
    try:
        yield
    finally:
        _file_state.on = previous


def reading_file_now():
    """True inside :func:`reading_file`."""
    return getattr(_file_state, "on", False)


def channels_first_config(config):
    """True when a Keras-1 layer config says ``dim_ordering='th'`` (kernels stored channels-first)."""
    return isinstance(config, dict) and config.get("dim_ordering") == "th"
