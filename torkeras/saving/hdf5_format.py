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
import math
import os
import tempfile
import threading
import warnings

import h5py
import numpy as np

from .. import __version__ as _torkeras_version
from ..errors import HDF5FormatError, TorkerasError, UnknownObjectError
from ..legacy import keras1 as keras1_spellings
from . import _generations, _keras1, _keras2, _keras3, _safety, _tfkeras
from ._configs import (_compile_from_training_config, _training_config,  # noqa: F401
                       _upgrade_for_generation, json_default, model_from_config,
                       upgrade_layer_configs)

#: Keras version string written into files: tf-keras and Keras 2 readers apply no Keras-1 conversions.
WRITTEN_KERAS_VERSION = "2.2.4"
WRITTEN_BACKEND = "tensorflow"
HDF5_OBJECT_HEADER_LIMIT = 64512


# ---------------------------------------------------------------------------- JSON / attributes
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


#: h5py and numpy errors a damaged file raises while it is read (turned into HDF5FormatError).
_READ_ERRORS = (OSError, KeyError, RuntimeError, ValueError, TypeError, IndexError, AttributeError)


@contextlib.contextmanager
def _reading(filepath, what):
    """Errors raised by h5py on a damaged file, as HDF5FormatError naming the file and ``what``."""
    try:
        yield
    except UnknownObjectError as e:
        if filepath in str(e):
            raise
        raise UnknownObjectError("%s (while reading %s of %r)" % (e, what, filepath)) from e
    except TorkerasError:
        raise
    except _READ_ERRORS as e:
        raise HDF5FormatError("%r: cannot read %s: the file is damaged or not a Keras file (%s: %s)."
                              % (filepath, what, type(e).__name__, e)) from e


def _read_attr(obj, name):
    """Attribute ``name`` of an h5py object, after checking from its header that it is text or
    numbers and no larger than the file (nothing is allocated for a damaged header)."""
    filepath = obj.file.filename
    what = "attribute %r of %r" % (name, obj.name)
    with _reading(filepath, what):
        aid = obj.attrs.get_id(name)
        dtype = aid.dtype
        if not (dtype.kind in "SUfiub" or h5py.check_string_dtype(dtype) is not None):
            raise HDF5FormatError("%r: %s has type %s; Keras files hold only text and numbers there."
                                  % (filepath, what, dtype))
        nbytes = dtype.itemsize * math.prod(aid.shape or ())
        if nbytes > obj.file.id.get_filesize():
            raise HDF5FormatError("%r: %s claims shape %s (%d bytes), more than the whole file: the "
                                  "file is damaged." % (filepath, what, aid.shape, nbytes))
        return obj.attrs[name]


def _attr_text(obj, name, value):
    try:
        return _text(value)
    except UnicodeDecodeError as e:
        raise HDF5FormatError("%r: attribute %r of %r is not UTF-8 text (%s)."
                              % (obj.file.filename, name, obj.name, e))


def load_attributes(group, name):
    """Read a list attribute written whole or in chunks; elements decoded to str."""
    if name in group.attrs:
        raw = _read_attr(group, name)
        values = list(np.atleast_1d(raw)) if not isinstance(raw, (str, bytes)) else [raw]
    else:
        values = []
        i = 0
        while "%s%d" % (name, i) in group.attrs:
            values.extend(list(np.atleast_1d(_read_attr(group, "%s%d" % (name, i)))))
            i += 1
        if i == 0:
            return None
    return [_attr_text(group, name, v) for v in values]


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
    return _attr_text(f, name, _read_attr(f, name))


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
        with _reading(filepath, "the file"):
            yield f
    finally:
        f.close()


def _check_dataset(ds, filepath, what):
    """Refuse, from its header alone, a dataset that is not a plain numeric array or that claims
    more bytes than the file stores for it (so reading it allocates at most what the file holds)."""
    if not isinstance(ds, h5py.Dataset):
        raise HDF5FormatError("%r: %s is a %s, not a dataset." % (filepath, what, type(ds).__name__))
    if ds.dtype.kind not in "fiub":
        raise HDF5FormatError("%r: %s has type %s; weights are numeric arrays (object, string and "
                              "variable-length data are refused)." % (filepath, what, ds.dtype))
    nbytes = ds.dtype.itemsize * math.prod(ds.shape or ())
    stored = ds.id.get_storage_size()
    # A compressed dataset may expand (gzip at most ~1000x); an uncompressed one stores every byte.
    limit = stored * 1100 + (1 << 20) if ds.id.get_create_plist().get_nfilters() else stored
    if nbytes > limit:
        raise HDF5FormatError("%r: %s claims shape %s (%d bytes) but the file stores %d bytes for it: "
                              "the file is damaged or crafted." % (filepath, what, ds.shape, nbytes,
                                                                   stored))
    return ds


def _read_dataset(group, name, filepath, what):
    """The array of dataset ``name`` in ``group``, checked by :func:`_check_dataset` first."""
    with _reading(filepath, what):
        if name not in group:
            raise HDF5FormatError("%r is inconsistent: %s is listed but missing." % (filepath, what))
        return np.asarray(_check_dataset(group[name], filepath, what)[()])


def _declared_weight_values(group, filepath):
    """How many values the weight datasets under ``group`` hold, from their headers (each checked
    by :func:`_check_dataset`; nothing is read)."""
    sizes = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            layer, _, weight = name.partition("/")
            _check_dataset(obj, filepath, "weight %r of layer %r" % (weight, layer))
            sizes.append(math.prod(obj.shape or ()))
    with _reading(filepath, "the weights of %r" % (group.name,)):
        group.visititems(visit)
    return sum(sizes)


# ---------------------------------------------------------------------------- weights groups
def _layer_weight_values(layer):
    """Arrays in Keras's ``layer.weights`` order, the order of ``weight_names``: for a nested model,
    every sublayer's trainable arrays, then the non-trainable ones (``Network.get_weights`` goes
    layer by layer instead)."""
    from ..engine.base_layer import Layer
    return Layer.get_weights(layer)


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
        with _reading(filepath, "the weights of layer %r" % (name,)):
            g = group[name] if name in group else None
            if not isinstance(g, h5py.Group):
                raise HDF5FormatError("%r is inconsistent: layer %r is listed in layer_names but has "
                                      "no group." % (filepath, name))
            weight_names = load_attributes(g, "weight_names") or []
            values = [_read_dataset(g, wn, filepath, "weight %r of layer %r" % (wn, name))
                      for wn in weight_names]
        out.append((name, weight_names, values))
    return out


def _weighted_layers(model, file_layer_names=()):
    return [layer for layer in _keras2.saved_layers(model, file_layer_names) if layer.weights]


def _assign(layer, values, filepath, file_layer, skip_mismatch=False, reshape=False):
    from ..engine.base_layer import Layer
    current = _layer_weight_values(layer)
    expected = [tuple(w.shape) for w in current]
    if len(values) != len(expected):
        msg = ("Layer %r (%s) expects %d weight(s), but the saved weights of layer %r in %r have %d "
               "element(s)." % (layer.name, layer.__class__.__name__, len(expected), file_layer,
                                filepath, len(values)))
        if skip_mismatch:
            # Keras 2.2.4's wording (engine/saving.py load_weights_from_hdf5_group_by_name)
            warnings.warn("Skipping loading of weights for layer %s due to mismatch in number of "
                          "weights (%d vs %d)." % (layer.name, len(expected), len(values)))
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
                    # As Keras 2.2.4: only this array is skipped, the layer's others are loaded.
                    warnings.warn("Skipping loading of weights for layer %s due to mismatch in shape "
                                  "(%s vs %s)." % (layer.name, exp, tuple(val.shape)))
                    val = current[i]
                else:
                    raise HDF5FormatError(msg)
        fixed.append(val)
    Layer.set_weights(layer, fixed)


def load_weights_from_group(model, group, filepath, by_name=False, skip_mismatch=False, reshape=False,
                            original_backend=None):
    """Load weights from an open Keras weights group into ``model`` (topological or by name)."""
    keras_version = _text(group.attrs["keras_version"]) if "keras_version" in group.attrs else "1"
    if _keras1.is_keras1(keras_version, filepath):
        _load_keras1_weights(model, group, filepath, by_name, skip_mismatch, reshape, original_backend)
        return
    file_layers = _read_layer_groups(group, filepath)
    backend = original_backend or _root_text(group, "backend") or _root_text(group.file, "backend")

    def assign(layer, values, name, skip=False):
        # Keras 2.x / tf.keras / Keras 3: wrapper and nested-model splits, Theano kernels, CuDNN.
        try:
            values = _keras2.preprocess_weights(layer, values, backend=backend, reshape=reshape)
        except ValueError as e:
            raise HDF5FormatError("%r: cannot load the weights of layer %r into layer %r (%s): %s"
                                  % (filepath, name, layer.name, layer.__class__.__name__, e))
        _assign(layer, values, filepath, name, skip_mismatch=skip, reshape=reshape)

    if by_name:
        # Keras 2.2.4 and tf.keras match the model's own layers (not those nested in them).
        index = {}
        for layer in _keras2.saved_layers(model, [n for n, _, _ in file_layers]):
            index.setdefault(layer.name, []).append(layer)
        for name, _, values in file_layers:
            for layer in index.get(name, []):
                assign(layer, values, name, skip=skip_mismatch)
        return
    layers = _weighted_layers(model, [n for n, _, _ in file_layers])
    file_layers = [fl for fl in file_layers if fl[1]]
    if len(file_layers) != len(layers):
        raise HDF5FormatError("You are trying to load a weight file containing %d layers into a model "
                              "with %d layers (file %r; file layers: %s; model layers: %s)."
                              % (len(file_layers), len(layers), filepath,
                                 [n for n, _, _ in file_layers], [l.name for l in layers]))
    for layer, (name, _, values) in zip(layers, file_layers):
        assign(layer, values, name)


# ---------------------------------------------------------------------------- public API
def save_weights(model, filepath, overwrite=True):
    """``model.save_weights``: Keras's weights-only layout, written atomically."""
    if not _confirm_overwrite(filepath, overwrite):
        return
    with _atomic_h5(filepath) as f:
        save_weights_to_group(f, model.layers)


def _load_keras1_weights(model, group, filepath, by_name, skip_mismatch, reshape, original_backend):
    """Keras 1.x weights (``saving/_keras1.py``); the backend: the caller's, else a ``backend``
    attribute of the group or the file (Keras 1 wrote none), else unknown."""
    backend = _keras1.check_original_backend(original_backend)
    if backend is None:
        recorded = _root_text(group, "backend") or _root_text(group.file, "backend")
        try:
            backend = _keras1.check_original_backend(recorded)
        except ValueError as e:
            raise HDF5FormatError("%r: unknown `backend` attribute (%s)." % (filepath, e))
    plan = _keras1.weights_plan(model, _read_layer_groups(group, filepath), filepath, by_name=by_name,
                                original_backend=backend)
    for layer, file_layer, values in plan:
        _assign(layer, values, filepath, file_layer, skip_mismatch=skip_mismatch, reshape=reshape)


def load_weights(model, filepath, by_name=False, skip_mismatch=False, reshape=False,
                 original_backend=None):
    """``model.load_weights`` for weights files and full-model files.

    ``original_backend`` ('tensorflow', 'theano' or 'cntk'): the backend that trained a Keras-1
    file's model, which Keras 1 did not record; 'theano' flips the convolution kernels.
    """
    _keras1.check_original_backend(original_backend)
    if skip_mismatch and not by_name:
        raise ValueError("When calling model.load_weights, skip_mismatch can only be set to True when "
                         "by_name is True.")
    with _open_for_read(filepath) as f:
        group = f
        if "layer_names" not in f.attrs and "layer_names0" not in f.attrs and "model_weights" in f:
            group = f["model_weights"]
        load_weights_from_group(model, group, os.fspath(filepath), by_name=by_name,
                                skip_mismatch=skip_mismatch, reshape=reshape,
                                original_backend=original_backend)


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


def _build_from_file_config(config, custom_objects, safe_mode, filepath, file_values):
    """The model of a file's ``model_config``; its weights may take at most ``file_values`` values
    (plus slack) before allocation (:func:`_safety.weight_budget`); errors name file and layer."""
    try:
        with _safety.safe_mode_scope(safe_mode), _safety.weight_budget(file_values, filepath):
            return model_from_config(config, custom_objects=custom_objects)
    except UnknownObjectError as e:
        raise UnknownObjectError("%s (while reading model_config of %r)" % (e, filepath))
    except TorkerasError:
        raise
    except _READ_ERRORS as e:
        layer = _safety.failing_layer(e)
        where = " at layer %r (%s)" % layer if layer else ""
        raise HDF5FormatError("%r: cannot build the model from its model_config%s: %s: %s"
                              % (filepath, where, type(e).__name__, e)) from e


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True, original_backend=None):
    """Load a model saved by Keras 2 / tf.keras / torkeras ``model.save``.

    Args:
        filepath: path of the ``.h5`` file.
        custom_objects: dict name -> class/function for objects not in the registries.
        compile: compile with the saved training config (and restore the optimizer state).
        safe_mode: refuse marshaled Python bytecode (Lambda layers) unless False.
        original_backend: 'tensorflow', 'theano' or 'cntk': the backend that trained a Keras-1
            file's model (Keras 1 did not record it); 'theano' flips the convolution kernels.
    """
    filepath = os.fspath(filepath)
    _keras1.check_original_backend(original_backend)
    with _open_for_read(filepath) as f:
        config = _json_attr(f, "model_config", filepath)
        if config is None:
            raise HDF5FormatError("No model found in config file %r (no `model_config` attribute); was "
                                  "it written by save_weights? Use model.load_weights() instead."
                                  % (filepath,))
        if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
            raise HDF5FormatError("%r: `model_config` is not a {'class_name', 'config'} dict."
                                  % (filepath,))
        from_keras1 = _keras1.is_keras1(_root_text(f, "keras_version"), filepath)
        if from_keras1:
            _keras1.file_warning(filepath, _root_text(f, "keras_version"))
            config = _keras1.upgrade_model_config(config, filepath)
        config = _upgrade_for_generation(config, _root_text(f, "keras_version"), filepath)
        config = upgrade_layer_configs(config, _root_text(f, "keras_version", "1"))
        if "model_weights" not in f:
            raise HDF5FormatError("%r has a model_config but no `model_weights` group." % (filepath,))
        with (keras1_spellings.reading_file() if from_keras1 else contextlib.nullcontext()):
            model = _build_from_file_config(config, custom_objects, safe_mode, filepath,
                                            _declared_weight_values(f["model_weights"], filepath))
        load_weights_from_group(model, f["model_weights"], filepath, original_backend=original_backend)
        if not compile:
            return model
        training_config = _json_attr(f, "training_config", filepath)
        if training_config is None:
            warnings.warn("No training configuration found in save file %r: the model was *not* "
                          "compiled. Compile it manually." % (filepath,))
            return model
        with _reading(filepath, "its training_config"):
            _compile_from_training_config(model, training_config, custom_objects, filepath)
        if "optimizer_weights" in f:
            g = f["optimizer_weights"]
            names = load_attributes(g, "weight_names") or []
            values = [_read_dataset(g, n, filepath, "optimizer weight %r" % (n,)) for n in names]
            if _generations.detect(_root_text(f, "keras_version")) == _generations.KERAS3:
                _keras3.optimizer_state_note(names, values, filepath)
                return model
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


# ---------------------------------------------------------------------------- inspect
def _weight_headers(group, names, filepath, owner):
    out = []
    for name in names:
        what = "weight %r of %s" % (name, owner)
        with _reading(filepath, what):
            if name not in group:
                raise HDF5FormatError("%r is inconsistent: %s is listed but missing." % (filepath, what))
            ds = _check_dataset(group[name], filepath, what)
            out.append({"name": name, "shape": list(ds.shape), "dtype": str(ds.dtype)})
    return out


def describe_file(filepath):
    """What a Keras ``.h5`` file holds, read from its headers only (no weight array is read).

    Returns:
        dict of plain data: ``keras_version``, ``backend``, ``torkeras_version`` (text or None),
        ``model_config`` and ``training_config`` (parsed JSON or None), ``layers`` (per entry of
        ``layer_names``: ``name`` and ``weights``, a list of ``{name, shape, dtype}``) and
        ``optimizer_weights`` (same form).
    """
    filepath = os.fspath(filepath)
    with _open_for_read(filepath) as f:
        group = f["model_weights"] if isinstance(f.get("model_weights"), h5py.Group) else f
        info = {key: _root_text(f, key, _root_text(group, key)) for key in
                ("keras_version", "backend", "torkeras_version")}
        info["model_config"] = _json_attr(f, "model_config", filepath)
        info["training_config"] = _json_attr(f, "training_config", filepath)
        info["layers"] = []
        for name in load_attributes(group, "layer_names") or []:
            g = group.get(name)
            if not isinstance(g, h5py.Group):
                raise HDF5FormatError("%r is inconsistent: layer %r is listed in layer_names but has "
                                      "no group." % (filepath, name))
            names = load_attributes(g, "weight_names") or []
            info["layers"].append({"name": name, "weights": _weight_headers(
                g, names, filepath, "layer %r" % (name,))})
        opt = f.get("optimizer_weights")
        info["optimizer_weights"] = _weight_headers(
            opt, load_attributes(opt, "weight_names") or [], filepath,
            "optimizer_weights") if isinstance(opt, h5py.Group) else []
    return info


# ------------------------------------------------------------- read-only datasets (HDF5Matrix)

_READ_HANDLES = {}  # realpath -> (file signature, h5py.File), like Keras's HDF5Matrix.refs
_READ_LOCK = threading.Lock()


def _file_signature(path):
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class DatasetReader(object):
    """Read access to one HDF5 dataset: ``shape``, ``dtype``, ``ndim`` and :meth:`read` of rows.

    Args:
        dataset: an open ``h5py.Dataset``.
        source: text naming the file and dataset, for error messages.
    """

    def __init__(self, dataset, source):
        self._dataset = dataset
        self.source = source

    @property
    def shape(self):
        return tuple(self._dataset.shape)

    @property
    def dtype(self):
        return self._dataset.dtype

    @property
    def ndim(self):
        return self._dataset.ndim

    def read(self, rows):
        """Rows of the dataset: ``rows`` is an int, a ``slice`` with step 1, or a 1-D int array
        (any order, repeats allowed; HDF5 itself only reads increasing, distinct indices)."""
        if isinstance(rows, (slice, int, np.integer)):
            return self._dataset[rows]
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return np.empty((0,) + self.shape[1:], dtype=self.dtype)
        unique, inverse = np.unique(rows, return_inverse=True)
        data = self._dataset[unique.tolist()]
        return data[inverse.reshape(-1)]


def open_read_dataset(datapath, dataset):
    """Open dataset ``dataset`` of the HDF5 file ``datapath`` for reading.

    The file is opened read-only once per path and the handle kept for later calls (as Keras's
    ``HDF5Matrix.refs``); it is reopened when the file changed on disk.

    Args:
        datapath: path of the HDF5 file.
        dataset: name (path) of a dataset inside it.

    Returns:
        A :class:`DatasetReader`.

    Raises:
        FileNotFoundError: no file at ``datapath``.
        HDF5FormatError: the file is not HDF5, or ``dataset`` is a group.
        KeyError: no object named ``dataset`` in the file.
    """
    path = os.path.realpath(os.fspath(datapath))
    if not os.path.isfile(path):
        raise FileNotFoundError("HDF5Matrix: no HDF5 file at %r." % (datapath,))
    signature = _file_signature(path)
    with _READ_LOCK:
        cached = _READ_HANDLES.get(path)
        if cached is not None and cached[0] == signature and cached[1].id.valid:
            f = cached[1]
        else:
            try:
                f = h5py.File(path, "r")
            except OSError as e:
                raise HDF5FormatError("HDF5Matrix: %r is not a readable HDF5 file (%s)." % (datapath, e))
            _READ_HANDLES[path] = (signature, f)
    if dataset not in f:
        raise KeyError("HDF5Matrix: no dataset %r in %r. Top-level names: %s."
                       % (dataset, datapath, sorted(f.keys())))
    obj = f[dataset]
    if not isinstance(obj, h5py.Dataset):
        raise HDF5FormatError("HDF5Matrix: %r in %r is a group, not a dataset. It contains: %s."
                              % (dataset, datapath, sorted(obj.keys())))
    return DatasetReader(obj, "dataset %r of %r" % (dataset, datapath))


def close_read_handles():
    """Close the cached read-only file handles of :func:`open_read_dataset`."""
    with _READ_LOCK:
        handles = list(_READ_HANDLES.values())
        _READ_HANDLES.clear()
    for _, f in handles:
        if f.id.valid:
            f.close()
