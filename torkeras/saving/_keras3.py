"""Keras 3 legacy ``.h5`` files (``model.save('x.h5')`` in Keras 3.x): config upgrade (plain data).

Keras 3 writes the Keras 2 HDF5 layout (``model_weights`` with ``layer_names``/``weight_names``,
weights in the same arrays and order as Keras 2, names like ``dense/kernel`` without ``:0``) but a
different config dialect. :func:`upgrade_model_config` rewrites it into the Keras 2 dialect, read
in the Keras 3.15.1 sources (keras/src/models/functional.py ``functional_like_constructor`` and
``serialize_node``, keras/src/layers/input_spec/input_layer.py, keras/src/dtype_policies,
keras/src/saving/serialization_lib.py) and in files it wrote:

* every serialized object carries ``module`` and ``registered_name``, layers ``build_config``
  (and models ``compile_config``): dropped; class names resolve through torkeras's registries
  only, never through ``module``;
* ``dtype`` is a ``DTypePolicy`` dict: its name is kept when it is a plain float type; mixed
  policies (``mixed_float16``...) change the numerics and are refused;
* ``InputLayer``: ``batch_shape`` is Keras 2's ``batch_input_shape``;
* functional ``inbound_nodes`` are ``{"args": [...], "kwargs": {...}}`` with tensors written as
  ``{"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node, tensor]}}``:
  rewritten into Keras 2 ``[layer, node, tensor, kwargs]`` entries; a single model input or output
  is written flat (``["input_layer", 0, 0]``) and becomes a one-element list;
* renamed arguments (``LeakyReLU(negative_slope)`` is Keras 2's ``alpha``) and Keras 3 keys that
  Keras 2 lacks (:data:`NEUTRAL_KEYS`): dropped when they hold the value that means Keras 2's
  behaviour, refused otherwise;
* ``hard_sigmoid`` is ``relu6(x + 3) / 6`` in Keras 3 (keras/src/activations/activations.py), not
  Keras 2's ``0.2 x + 0.5``: a Keras 3 file that uses it is refused rather than computed with the
  other formula.
"""

#: Keys that Keras 3 writes and Keras 2 layers lack -> predicate "this value means Keras 2's
#: behaviour". ``seed`` only seeds dropout masks during training (inference is unchanged);
#: ``use_cudnn`` picks a kernel for the same math.
NEUTRAL_KEYS = {
    "quantization_config": lambda v: v is None,
    "lora_rank": lambda v: v is None,
    "lora_alpha": lambda v: v is None,
    "use_cudnn": lambda v: True,
    "seed": lambda v: True,
    "synchronized": lambda v: not v,
    "renorm": lambda v: not v,
    "renorm_clipping": lambda v: v is None,
    "renorm_momentum": lambda v: True,     # read only when renorm is on
    "keepdims": lambda v: not v,
    "optional": lambda v: not v,
    "zero_output_for_mask": lambda v: True,
}
#: Layers whose own ``seed`` key Keras 2 keeps (so it is not dropped).
_KEEPS_SEED = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
               "GaussianNoise", "GaussianDropout", "AlphaDropout")
#: Keras 3 argument name -> Keras 2 name, per class.
RENAMED = {"LeakyReLU": {"negative_slope": "alpha"}}
_DROPPED = ("module", "registered_name", "build_config", "compile_config")
_FLOAT_POLICIES = ("float16", "float32", "float64")
_TENSOR = "__keras_tensor__"


class Keras3ConfigError(ValueError):
    """A Keras 3 config that cannot be read with the same meaning."""


def _policy_name(dtype, where):
    if not isinstance(dtype, dict):
        return dtype
    name = (dtype.get("config") or {}).get("name")
    if name in _FLOAT_POLICIES:
        return name
    raise Keras3ConfigError("%s has dtype policy %r; torkeras computes in one float type per layer "
                            "(one of %s). Convert the model to float32 in Keras 3 before saving."
                            % (where, name, ", ".join(_FLOAT_POLICIES)))


def _object(value, where):
    """An object config (initializer, regularizer, constraint, activation...) without Keras 3
    bookkeeping keys; activations checked for Keras 3's hard_sigmoid."""
    if isinstance(value, dict):
        out = {k: _object(v, where) for k, v in value.items() if k not in _DROPPED}
        if isinstance(out.get("config"), dict) and "class_name" in out:
            cfg = dict(out["config"])
            for key in ("input_axes", "output_axes"):       # VarianceScaling (Keras 3.10+)
                if key in cfg:
                    if cfg[key] is not None:
                        raise Keras3ConfigError("%s: initializer %s sets %s=%r, which Keras 2 "
                                                "initializers do not have."
                                                % (where, out["class_name"], key, cfg[key]))
                    del cfg[key]
            out["config"] = cfg
        return out
    if isinstance(value, list):
        return [_object(v, where) for v in value]
    if value == "hard_sigmoid":
        raise Keras3ConfigError("%s uses 'hard_sigmoid', which Keras 3 defines as relu6(x + 3) / 6; "
                                "torkeras's hard_sigmoid is Keras 2's 0.2 * x + 0.5, so the results "
                                "would differ. Save the model with another activation, or load the "
                                "weights into a model that names the activation you mean."
                                % (where,))
    return value


def upgrade_layer_config(class_name, config):
    """One Keras 3 layer config in Keras 2 terms (see the module docstring)."""
    where = "layer %r (%s)" % (config.get("name"), class_name)
    out = {}
    renames = RENAMED.get(class_name, {})
    for key, value in config.items():
        if key in _DROPPED:
            continue
        if key == "dtype":
            out[key] = _policy_name(value, where)
            continue
        if key in NEUTRAL_KEYS and not (key == "seed" and class_name in _KEEPS_SEED):
            if not NEUTRAL_KEYS[key](value):
                raise Keras3ConfigError("%s sets %s=%r, a Keras 3 option that Keras 2 (and "
                                        "torkeras) do not have; only the default can be read."
                                        % (where, key, value))
            continue
        if key == "batch_shape" and class_name == "InputLayer":
            key = "batch_input_shape"
        if key in ("layer", "backward_layer", "cell") and isinstance(value, dict):
            out[renames.get(key, key)] = upgrade_entry(value)
            continue
        if key in ("layers", "cells") and isinstance(value, list):
            out[key] = [upgrade_entry(v) for v in value]
            continue
        out[renames.get(key, key)] = _object(value, where)
    return out


def _history(tensor, where):
    if not (isinstance(tensor, dict) and tensor.get("class_name") == _TENSOR):
        return None
    history = (tensor.get("config") or {}).get("keras_history")
    if not (isinstance(history, list) and len(history) == 3):
        raise Keras3ConfigError("%s: a Keras tensor without a valid keras_history: %r"
                                % (where, tensor))
    return list(history)


def _contains_tensor(value):
    if isinstance(value, dict):
        return value.get("class_name") == _TENSOR or any(_contains_tensor(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_contains_tensor(v) for v in value)
    return False


_MODELS = ("Sequential", "Functional", "Model")


def _node(node, where, models=()):
    """A Keras 3 ``{"args", "kwargs"}`` node as a Keras 2 list of ``[layer, node, tensor, kwargs]``.

    A model nested in a Keras 2 model owns an internal node 0 (its own input), so its calls are
    numbered from 1; Keras 3 numbers them from 0 (``models``: names of the nested models)."""
    if isinstance(node, list):
        return node  # already Keras 2 form
    args = list(node.get("args") or [])
    kwargs = dict(node.get("kwargs") or {})
    if not args:
        raise Keras3ConfigError("%s: an inbound node without arguments: %r" % (where, node))
    first, extra = args[0], args[1:]
    if extra or _contains_tensor(kwargs):
        raise Keras3ConfigError("%s is called with more than one tensor argument (%r); torkeras reads "
                                "Keras 3 nodes whose only tensors are the first argument."
                                % (where, node))
    tensors = first if isinstance(first, list) else [first]
    refs = [_history(t, where) for t in tensors]
    refs = [[r[0], r[1] + 1, r[2]] if r is not None and r[0] in models else r for r in refs]
    if any(r is None for r in refs):
        raise Keras3ConfigError("%s: the first argument is not a Keras tensor (or list of them): %r"
                                % (where, first))
    for key, neutral in (("training", (None, False)), ("mask", (None,))):
        if key in kwargs and kwargs[key] in neutral:
            del kwargs[key]
    if kwargs:
        refs[0] = refs[0] + [kwargs]
    return refs


def _refs(value):
    if isinstance(value, list) and value and isinstance(value[0], str):
        return [value]
    return value


def upgrade_entry(entry, models=()):
    """A ``{'class_name', 'config'}`` entry (layer or model) written by Keras 3, in Keras 2 form."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        return entry
    class_name = entry["class_name"]
    config = entry.get("config")
    out = {k: v for k, v in entry.items() if k not in _DROPPED}
    if isinstance(config, dict) and isinstance(config.get("layers"), list) and (
            "input_layers" in config or class_name in ("Sequential", "Functional", "Model")):
        out["config"] = _model_config(class_name, config)
    elif isinstance(config, dict):
        if class_name == "Bidirectional":
            config = _bidirectional(config)
        out["config"] = upgrade_layer_config(class_name, config)
    if "inbound_nodes" in entry:
        where = "layer %r (%s)" % (entry.get("name"), class_name)
        out["inbound_nodes"] = [_node(n, where, models) for n in entry["inbound_nodes"]]
    return out


def _bidirectional(config):
    """Keras 3 writes ``backward_layer`` always; Keras 2 builds the same layer itself (the forward
    layer's config with ``go_backwards`` flipped), so it is dropped when it is that layer."""
    config = dict(config)
    backward = config.pop("backward_layer", None)
    if backward is None:
        return config
    forward = config.get("layer") or {}
    strip = lambda e: {k: v for k, v in (e.get("config") or {}).items() if k != "name"}
    expected = dict(strip(forward), go_backwards=not strip(forward).get("go_backwards", False))
    if backward.get("class_name") != forward.get("class_name") or strip(backward) != expected:
        raise Keras3ConfigError("Bidirectional layer %r has a backward_layer that is not the forward "
                                "layer run backwards; Keras 2 (and torkeras) build the backward "
                                "layer from the forward one." % (config.get("name"),))
    return config


def _model_config(class_name, config):
    out = {}
    for key, value in config.items():
        if key in _DROPPED or (key == "trainable" and value is True):
            continue
        if key == "dtype":
            _policy_name(value, "model %r" % (config.get("name"),))
            continue
        if key == "layers":
            models = {v.get("name") for v in value if isinstance(v, dict) and v.get("class_name") in _MODELS}
            out[key] = [upgrade_entry(v, models) for v in value]
        elif key in ("input_layers", "output_layers"):
            out[key] = _refs(value)
        else:
            out[key] = value
    return out


def upgrade_model_config(config):
    """The ``model_config`` of a Keras 3 ``.h5`` file in the Keras 2 dialect.

    Args:
        config: the parsed ``{'class_name', 'config'}`` of the model.

    Returns:
        a new dict; ``config`` is not modified.

    Raises:
        Keras3ConfigError (a ValueError): something that would not compute the same here.

    Example:
        >>> upgrade_model_config(json.loads(f.attrs['model_config']))['config']['layers'][0]
    """
    return upgrade_entry(config)


def is_keras3_config(config):
    """True for a model config in the Keras 3 dialect (``model.to_json()`` of Keras 3 records no
    ``keras_version``): it holds Keras tensors, dtype-policy dicts or an InputLayer ``batch_shape``."""
    import json
    text = json.dumps(config)
    return any(marker in text for marker in ('"__keras_tensor__"', '"DTypePolicy"', '"batch_shape"'))


def optimizer_state_note(names, values, filepath):
    """Keras 3 optimizer state is not read back (its variables are named and ordered per Keras 3
    optimizer). Silent when the file holds only the state of an optimizer that never stepped
    (``iteration`` 0 and ``learning_rate``), which a fresh optimizer equals; a warning otherwise."""
    import warnings
    import numpy as np
    state = dict(zip([n.rsplit("/", 1)[-1] for n in names], values))
    if set(state) <= {"iteration", "learning_rate"} and int(np.asarray(state.get("iteration", 0))) == 0:
        return
    warnings.warn("%r was written by Keras 3; its optimizer state (%d arrays) is not restored, so "
                  "training continues with a freshly initialized optimizer." % (filepath, len(names)))


def describe_conversions(info):
    """What loading a Keras 3 ``.h5`` file converts (for ``python -m torkeras inspect``).

    Args:
        info: the report dict of ``saving._inspect.inspect_file``.

    Returns:
        list of lines (empty unless the file is a Keras 3 file).
    """
    if info.get("generation") != "keras3":
        return []
    lines = ["Keras 3 config rewritten in the Keras 2 dialect (module/registered_name/build_config "
             "dropped, batch_shape -> batch_input_shape, dtype policies -> dtype names, "
             "functional nodes -> Keras 2 inbound_nodes)"]
    if info.get("optimizer_weights"):
        lines.append("Keras 3 optimizer state not restored (the optimizer starts fresh; a warning "
                     "says so when it had stepped)")
    return lines
