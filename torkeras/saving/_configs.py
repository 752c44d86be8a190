"""Model and training configs read from or written to files (plain data, no h5py here).

``hdf5_format`` reads the JSON attributes; this module turns them into models and compile calls:
generation upgrades (Keras 1 / standalone Keras 2.0-2.3 / Keras 3 dialects, tf.keras-only keys,
plugin hooks), :func:`model_from_config` through the layer registry, and the training config.
"""
import numpy as np

from ..errors import HDF5FormatError
from ..legacy import keras1
from . import _generations, _keras1, _keras2, _keras3, _tfkeras


def json_default(obj):
    """JSON encoder for configs: numpy values, objects with get_config, callables (by name)."""
    if hasattr(obj, "get_config"):
        return {"class_name": obj.__class__.__name__, "config": obj.get_config()}
    if type(obj).__module__ == np.__name__:
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if callable(obj):
        return obj.__name__
    if type(obj).__name__ == type.__name__:
        return obj.__name__
    raise TypeError("Not JSON Serializable: %r" % (obj,))


def _training_config(model):
    c = model._compiled
    opt = c.optimizer
    return {
        "optimizer_config": {"class_name": opt.__class__.__name__, "config": opt.get_config()},
        "loss": c.loss_config,
        "metrics": c.metrics_config,
        "sample_weight_mode": c.sample_weight_mode_config,
        "loss_weights": c.loss_weights_config,
    }


def upgrade_layer_configs(config, keras_version):
    """Let plugins rewrite the configs of their layers (hook ``upgrade_layer_config``).

    Walks every ``{'class_name', 'config'}`` entry of the model's layer lists (Sequential lists,
    functional ``layers``, nested models) and replaces it with the first plugin answer.
    """
    from .. import plugins, _registry
    _registry.ensure_loaded()
    hook = plugins.hook()

    def walk(entry):
        if not isinstance(entry, dict) or "class_name" not in entry:
            return entry
        try:
            entry = _tfkeras.strip_tf_only_keys(entry)
        except ValueError as e:
            raise HDF5FormatError("Cannot read this model: %s" % (e,))
        answer = hook.upgrade_layer_config(class_name=entry["class_name"],
                                           config=entry.get("config"), keras_version=keras_version)
        if answer is not None:
            class_name, cfg = answer
            entry = dict(entry, class_name=class_name, config=cfg)
        inner = entry.get("config")
        if isinstance(inner, list):
            entry = dict(entry, config=[walk(e) for e in inner])
        elif isinstance(inner, dict) and isinstance(inner.get("layers"), list):
            entry = dict(entry, config=dict(inner, layers=[walk(e) for e in inner["layers"]]))
        elif isinstance(inner, dict) and isinstance(inner.get("layer"), dict):
            entry = dict(entry, config=dict(inner, layer=walk(inner["layer"])))
        return entry

    return walk(config)


def _upgrade_for_generation(config, keras_version, filepath):
    """The model config of a standalone Keras 2.0-2.3 or Keras 3 file in the dialect torkeras reads
    (``_keras2`` / ``_keras3``; tf.keras keys are handled per layer by :func:`upgrade_layer_configs`,
    Keras 1 by ``_keras1``)."""
    if keras_version is None:
        return config
    try:
        generation = _generations.detect(keras_version)
        if generation == _generations.KERAS2:
            return _keras2.upgrade_config(config)
        if generation == _generations.KERAS3:
            return _keras3.upgrade_model_config(config)
    except ValueError as e:
        raise HDF5FormatError("Cannot read the model in %r (keras_version %r): %s"
                              % (filepath, keras_version, e))
    return config


def model_from_config(config, custom_objects=None):
    """Instantiate a model from ``{'class_name', 'config'}`` through the layer registry."""
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Maybe you meant to use "
                        "`Sequential.from_config(config)`?")
    if isinstance(config, dict) and "keras_version" in config and _keras1.is_keras1(
            config["keras_version"]):
        # A Keras-1 ``model.to_json()``: its configs use Keras-1 names and node formats.
        config = _keras1.upgrade_model_config(config, "the model config (keras_version %r)"
                                              % (config["keras_version"],))
        from ..layers import deserialize
        with keras1.reading_file():
            return deserialize(config, custom_objects=custom_objects)
    elif isinstance(config, dict) and _keras3.is_keras3_config(config):
        # Keras 3 ``model.to_json()`` (it records no keras_version)
        config = _keras3.upgrade_model_config(config)
    from ..layers import deserialize
    return deserialize(config, custom_objects=custom_objects)


def _compile_from_training_config(model, training_config, custom_objects, filepath):
    from .. import optimizers, _registry
    try:
        opt_cfg = dict(training_config["optimizer_config"])
        class_name = opt_cfg.get("class_name", "")
        # tf-keras 2.11+ registers its own optimizers as "Custom>Adam".
        if class_name.startswith("Custom>") and class_name[7:] in _registry.OPTIMIZERS:
            opt_cfg["class_name"] = class_name[7:]
        optimizer = optimizers.deserialize(opt_cfg, custom_objects=custom_objects)
    except (KeyError, TypeError) as e:
        raise HDF5FormatError("%r: cannot read the optimizer from training_config (%s)." % (filepath, e))

    def convert(obj):
        if obj is None:
            return None
        if isinstance(obj, dict) and "class_name" not in obj:
            return {k: convert(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [convert(v) for v in obj]
        if isinstance(obj, dict):
            return obj.get("config", {}).get("name", obj["class_name"]) if obj.get(
                "class_name") in ("MeanMetricWrapper", "LossFunctionWrapper") else obj["class_name"]
        if custom_objects and obj in custom_objects:
            return custom_objects[obj]
        return obj

    metrics = convert(training_config.get("metrics"))
    if isinstance(metrics, list) and metrics and all(isinstance(m, list) for m in metrics):
        # tf.keras writes one list of metrics per output
        names = model.output_names
        if len(metrics) != len(names):
            raise HDF5FormatError("%r: training_config lists metrics for %d outputs; the model has %d."
                                  % (filepath, len(metrics), len(names)))
        # tf-keras names a multi-output model's metric "<output>_<name>" in its config
        metrics = {n: [m[len(n) + 1:] if isinstance(m, str) and len(names) > 1 and
                       m.startswith(n + "_") else m for m in ms]
                   for n, ms in zip(names, metrics)}
    model.compile(optimizer=optimizer,
                  loss=convert(training_config.get("loss")),
                  metrics=metrics,
                  loss_weights=training_config.get("loss_weights"),
                  sample_weight_mode=training_config.get("sample_weight_mode"),
                  weighted_metrics=convert(training_config.get("weighted_metrics")))
