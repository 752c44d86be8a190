"""THE only importer of h5py: Keras's HDF5 layout, read and written.

Written files follow the Keras 2.2.4 layout that tf-keras 2.x loads: root attributes
``keras_version``, ``backend``, ``model_config``, ``training_config``; group ``model_weights`` with
``layer_names``/``weight_names`` attributes (chunked past 64512 bytes); group ``optimizer_weights``.
Every write goes to a temporary file in the same folder and is renamed into place, so a failed or
interrupted save leaves the previous file intact.

Reading accepts bytes, ``numpy.bytes_`` and ``str`` attributes (h5py 3) and chunked attributes.
Class names resolve only through the registries (never an import path from the file).
"""
import contextlib
import json
import os
import tempfile
import warnings

import h5py
import numpy as np

from .. import __version__ as _torkeras_version
from ..errors import HDF5FormatError, UnknownObjectError
from . import _safety, _tfkeras

#: Keras version string written into files: tf-keras and Keras 2 readers apply no Keras-1 conversions.
WRITTEN_KERAS_VERSION = "2.2.4"
WRITTEN_BACKEND = "tensorflow"
HDF5_OBJECT_HEADER_LIMIT = 64512


# ---------------------------------------------------------------------------- JSON / attributes
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


def _text(value):
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value.item())
    return str(value)


def save_attributes(group, name, data):
    """Keras's chunked list attribute: ``name`` or ``name0``, ``name1``... when too large."""
    encoded = [x.encode("utf8") if isinstance(x, str) else bytes(x) for x in data]
    bad = [x for x in encoded if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if bad:
        raise RuntimeError("The following attributes cannot be saved to HDF5 file because they are "
                           "larger than %d bytes: %s" % (HDF5_OBJECT_HEADER_LIMIT, bad[:1]))
    arr = np.asarray(encoded) if encoded else np.asarray([], dtype="S1")
    num_chunks = 1
    chunks = np.array_split(arr, num_chunks)
    while encoded and any(c.nbytes > HDF5_OBJECT_HEADER_LIMIT for c in chunks):
        num_chunks += 1
        chunks = np.array_split(arr, num_chunks)
    if num_chunks > 1:
        for i, chunk in enumerate(chunks):
            group.attrs["%s%d" % (name, i)] = chunk
    else:
        group.attrs[name] = arr


def load_attributes(group, name):
    """Read a list attribute written whole or in chunks; elements decoded to str."""
    if name in group.attrs:
        raw = group.attrs[name]
        values = list(np.atleast_1d(raw)) if not isinstance(raw, (str, bytes)) else [raw]
    else:
        values = []
        i = 0
        while "%s%d" % (name, i) in group.attrs:
            values.extend(list(np.atleast_1d(group.attrs["%s%d" % (name, i)])))
            i += 1
        if i == 0:
            return None
    return [_text(v) for v in values]


def _set_text_attr(group, name, text):
    """A scalar string attribute as Keras 2 wrote it with h5py 2: fixed-length bytes (``|S``).

    Values too large for an HDF5 object header are stored as variable-length strings instead
    (every Keras 2 / tf.keras reader accepts both).
    """
    data = text.encode("utf8")
    if len(data) < HDF5_OBJECT_HEADER_LIMIT - 512:
        group.attrs[name] = np.bytes_(data)
    else:
        group.attrs[name] = data


def _root_text(f, name, default=None):
    if name not in f.attrs:
        return default
    return _text(f.attrs[name])


# ---------------------------------------------------------------------------- atomic write
@contextlib.contextmanager
def _atomic_h5(filepath):
    filepath = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise HDF5FormatError("Cannot save to %r: the folder %r does not exist." % (filepath, directory))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(filepath) + ".",
                               suffix=".tmp")
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as f:
            yield f
            f.flush()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if os.path.exists(filepath):
            try:
                os.chmod(tmp, os.stat(filepath).st_mode & 0o777)
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _confirm_overwrite(filepath, overwrite):
    if overwrite or not os.path.isfile(filepath):
        return True
    from ..utils.io_utils import ask_to_proceed_with_overwrite
    return ask_to_proceed_with_overwrite(filepath)


@contextlib.contextmanager
def _open_for_read(filepath):
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise HDF5FormatError("Cannot load %r: no such file." % (filepath,))
    try:
        f = h5py.File(filepath, "r")
    except OSError as e:
        raise HDF5FormatError("Cannot open %r as an HDF5 file (%s). The file may be truncated or not "
                              "an .h5 file." % (filepath, e))
    try:
        yield f
    finally:
        f.close()


# ---------------------------------------------------------------------------- weights groups
def _layer_weight_values(layer):
    return layer.get_weights()


def _unique_names(names):
    """Keras 2.2.4 makes duplicate weight names unique when saving (``name_1:0``, ``name_2:0``...):
    e.g. the cells of a StackedRNNCells all own a ``kernel``."""
    seen = set()
    out = []
    for name in names:
        unique = name
        base, sep, tail = name.rpartition(":")
        if not sep:
            base, tail = name, ""
        k = 1
        while unique in seen:
            unique = "%s_%d%s%s" % (base, k, sep, tail)
            k += 1
        seen.add(unique)
        out.append(unique)
    return out


def save_weights_to_group(group, layers):
    """Write ``layers``' weights in Keras's ``save_weights`` layout into an open h5py group."""
    save_attributes(group, "layer_names", [layer.name for layer in layers])
    _set_text_attr(group, "backend", WRITTEN_BACKEND)
    _set_text_attr(group, "keras_version", WRITTEN_KERAS_VERSION)
    for layer in layers:
        g = group.create_group(layer.name)
        names = _unique_names(layer.weight_names())
        values = _layer_weight_values(layer)
        save_attributes(g, "weight_names", names)
        for name, val in zip(names, values):
            ds = g.create_dataset(name, val.shape, dtype=val.dtype)
            if not val.shape:
                ds[()] = val
            else:
                ds[:] = val


def _read_layer_groups(group, filepath):
    layer_names = load_attributes(group, "layer_names")
    if layer_names is None:
        raise HDF5FormatError("%r has no `layer_names` attribute: it is not a Keras weights file."
                              % (filepath,))
    out = []
    for name in layer_names:
        if name not in group:
            raise HDF5FormatError("%r is inconsistent: layer %r is listed in layer_names but has no "
                                  "group." % (filepath, name))
        g = group[name]
        weight_names = load_attributes(g, "weight_names") or []
        values = []
        for wn in weight_names:
            if wn not in g:
                raise HDF5FormatError("%r is inconsistent: weight %r of layer %r is listed but missing."
                                      % (filepath, wn, name))
            ds = g[wn]
            if not isinstance(ds, h5py.Dataset):
                raise HDF5FormatError("%r: weight %r of layer %r is not a dataset." % (filepath, wn, name))
            try:
                values.append(np.asarray(ds[()]))
            except (OSError, ValueError) as e:
                raise HDF5FormatError("%r: cannot read weight %r of layer %r (%s)."
                                      % (filepath, wn, name, e))
        out.append((name, weight_names, values))
    return out


def _weighted_layers(model):
    return [layer for layer in model.layers if layer.weights]


def _assign(layer, values, filepath, file_layer, skip_mismatch=False, reshape=False):
    expected = [tuple(w.shape) for w in layer.get_weights()]
    if len(values) != len(expected):
        msg = ("Layer %r (%s) expects %d weight(s), but the saved weights of layer %r in %r have %d "
               "element(s)." % (layer.name, layer.__class__.__name__, len(expected), file_layer,
                                filepath, len(values)))
        if skip_mismatch:
            warnings.warn("Skipping loading of weights for layer %r due to mismatch in number of "
                          "weights (%s)" % (layer.name, msg))
            return
        raise HDF5FormatError(msg)
    fixed = []
    for i, (val, exp) in enumerate(zip(values, expected)):
        if tuple(val.shape) != exp:
            if reshape and val.size == int(np.prod(exp)):
                val = val.reshape(exp)
            else:
                msg = ("Weight %d of layer %r (%s) has shape %s, but the saved weight of layer %r in %r "
                       "has shape %s." % (i, layer.name, layer.__class__.__name__, exp, file_layer,
                                          filepath, tuple(val.shape)))
                if skip_mismatch:
                    warnings.warn("Skipping loading of weights for layer %r due to mismatch in shape "
                                  "(%s)" % (layer.name, msg))
                    return
                raise HDF5FormatError(msg)
        fixed.append(val)
    layer.set_weights(fixed)


def load_weights_from_group(model, group, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """Load weights from an open Keras weights group into ``model`` (topological or by name)."""
    keras_version = _text(group.attrs["keras_version"]) if "keras_version" in group.attrs else "1"
    if keras_version.startswith("1"):
        raise HDF5FormatError("%r holds Keras 1 weights (keras_version %r). Keras-1 files are read by "
                              "the Keras-1 reader, which this torkeras version does not have yet."
                              % (filepath, keras_version))
    file_layers = _read_layer_groups(group, filepath)
    if by_name:
        index = {}
        for layer in model._flat_layers() if hasattr(model, "_flat_layers") else model.layers:
            index.setdefault(layer.name, []).append(layer)
        for name, _, values in file_layers:
            for layer in index.get(name, []):
                _assign(layer, values, filepath, name, skip_mismatch=skip_mismatch, reshape=reshape)
        return
    file_layers = [fl for fl in file_layers if fl[1]]
    layers = _weighted_layers(model)
    if len(file_layers) != len(layers):
        raise HDF5FormatError("You are trying to load a weight file containing %d layers into a model "
                              "with %d layers (file %r; file layers: %s; model layers: %s)."
                              % (len(file_layers), len(layers), filepath,
                                 [n for n, _, _ in file_layers], [l.name for l in layers]))
    for layer, (name, _, values) in zip(layers, file_layers):
        _assign(layer, values, filepath, name, reshape=reshape)


# ---------------------------------------------------------------------------- public API
def save_weights(model, filepath, overwrite=True):
    """``model.save_weights``: Keras's weights-only layout, written atomically."""
    if not _confirm_overwrite(filepath, overwrite):
        return
    with _atomic_h5(filepath) as f:
        save_weights_to_group(f, model.layers)


def load_weights(model, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """``model.load_weights`` for weights files and full-model files."""
    if skip_mismatch and not by_name:
        raise ValueError("When calling model.load_weights, skip_mismatch can only be set to True when "
                         "by_name is True.")
    with _open_for_read(filepath) as f:
        group = f
        if "layer_names" not in f.attrs and "layer_names0" not in f.attrs and "model_weights" in f:
            group = f["model_weights"]
        load_weights_from_group(model, group, os.fspath(filepath), by_name=by_name,
                                skip_mismatch=skip_mismatch, reshape=reshape)


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


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """``model.save``: architecture, weights, training config and optimizer state, atomically."""
    if not _confirm_overwrite(filepath, overwrite):
        return
    model_config = json.dumps({"class_name": model.__class__.__name__, "config": model.get_config()},
                              default=json_default)
    training_config = None
    if include_optimizer and model._compiled is not None:
        training_config = json.dumps(_training_config(model), default=json_default)
    with _atomic_h5(filepath) as f:
        _set_text_attr(f, "keras_version", WRITTEN_KERAS_VERSION)
        _set_text_attr(f, "backend", WRITTEN_BACKEND)
        _set_text_attr(f, "torkeras_version", _torkeras_version)
        _set_text_attr(f, "model_config", model_config)
        save_weights_to_group(f.create_group("model_weights"), model.layers)
        if training_config is not None:
            _set_text_attr(f, "training_config", training_config)
            opt = model._compiled.optimizer
            values = opt.get_weights() if opt.weights else []
            names = opt.weight_names() if values else []
            names, values = _tfkeras.compact_optimizer_weights(opt, names, values)
            if values:
                g = f.create_group("optimizer_weights")
                save_attributes(g, "weight_names", names)
                for name, val in zip(names, values):
                    val = np.asarray(val)
                    ds = g.create_dataset(name, val.shape, dtype=val.dtype)
                    if not val.shape:
                        ds[()] = val
                    else:
                        ds[:] = val


def _json_attr(f, name, filepath):
    raw = _root_text(f, name)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError as e:
        raise HDF5FormatError("%r: the `%s` attribute is not valid JSON (%s)." % (filepath, name, e))


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


def model_from_config(config, custom_objects=None):
    """Instantiate a model from ``{'class_name', 'config'}`` through the layer registry."""
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Maybe you meant to use "
                        "`Sequential.from_config(config)`?")
    from ..layers import deserialize
    return deserialize(config, custom_objects=custom_objects)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved by Keras 2 / tf.keras / torkeras ``model.save``.

    Args:
        filepath: path of the ``.h5`` file.
        custom_objects: dict name -> class/function for objects not in the registries.
        compile: compile with the saved training config (and restore the optimizer state).
        safe_mode: refuse marshaled Python bytecode (Lambda layers) unless False.
    """
    filepath = os.fspath(filepath)
    with _open_for_read(filepath) as f:
        config = _json_attr(f, "model_config", filepath)
        if config is None:
            raise HDF5FormatError("No model found in config file %r (no `model_config` attribute); was "
                                  "it written by save_weights? Use model.load_weights() instead."
                                  % (filepath,))
        if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
            raise HDF5FormatError("%r: `model_config` is not a {'class_name', 'config'} dict."
                                  % (filepath,))
        config = upgrade_layer_configs(config, _root_text(f, "keras_version", "1"))
        try:
            with _safety.safe_mode_scope(safe_mode):
                model = model_from_config(config, custom_objects=custom_objects)
        except UnknownObjectError as e:
            raise UnknownObjectError("%s (while reading model_config of %r)" % (e, filepath))
        if "model_weights" not in f:
            raise HDF5FormatError("%r has a model_config but no `model_weights` group." % (filepath,))
        load_weights_from_group(model, f["model_weights"], filepath)
        if not compile:
            return model
        training_config = _json_attr(f, "training_config", filepath)
        if training_config is None:
            warnings.warn("No training configuration found in save file %r: the model was *not* "
                          "compiled. Compile it manually." % (filepath,))
            return model
        _compile_from_training_config(model, training_config, custom_objects, filepath)
        if "optimizer_weights" in f:
            g = f["optimizer_weights"]
            names = load_attributes(g, "weight_names") or []
            try:
                values = [np.asarray(g[n][()]) for n in names]
            except KeyError as e:
                raise HDF5FormatError("%r: optimizer weight %s is listed but missing." % (filepath, e))
            opt = model._compiled.optimizer
            try:
                opt.build(model._compiled.train_params)
                current = opt.get_weights()
                if _tfkeras.is_tf_optimizer_layout(names):
                    values = _tfkeras.reorder_optimizer_weights(opt, names, values, current)
                else:
                    values = _tfkeras.expand_optimizer_weights(opt, values, current)
                opt.set_weights(values)
            except ValueError as e:
                warnings.warn("Error in loading the saved optimizer state from %r (%s). As a result, "
                              "your model is starting with a freshly initialized optimizer."
                              % (filepath, e))
    return model


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
