"""``python -m torkeras inspect``: what a Keras ``.h5`` file holds and what loading it would change.

Plain data (no h5py here): :func:`inspect_file` turns ``hdf5_format.describe_file`` into a report
dict; :func:`format_report` prints it.

Conversions are described by the reader that applies them. Each generation module of
``torkeras.saving`` (``_keras1``, ``_keras2``, ``_keras3``, ``_tfkeras``) may define::

    def describe_conversions(info):
        '''Lines saying what loading this file converts (empty when nothing applies).'''

``info`` is the report dict (keys documented in :func:`inspect_file`; ``model_config`` and
``training_config`` hold the parsed JSON). :func:`planned_conversions` collects the lines of every
module that defines the function, after the tf.keras ones this module knows itself.
"""
import importlib
import importlib.util

from .. import __version__
from ..errors import HDF5FormatError
from . import _generations, _tfkeras

#: Modules asked for ``describe_conversions(info)``, in this order.
READER_MODULES = ("_keras1", "_keras2", "_keras3", "_tfkeras")


def _layer_entries(model_config):
    """Top-level ``{'class_name', 'config'}`` layer entries of a Sequential or functional config."""
    if not isinstance(model_config, dict):
        return []
    inner = model_config.get("config")
    entries = inner.get("layers") if isinstance(inner, dict) else inner
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _entry_name(entry):
    config = entry.get("config")
    name = entry.get("name") or (config.get("name") if isinstance(config, dict) else None)
    return name if isinstance(name, str) else None


def inspect_file(filepath):
    """Describe a Keras ``.h5`` file without building its model.

    Args:
        filepath: path of the file.

    Returns:
        dict with ``path``, ``generation`` (see ``saving/_generations.py``), ``keras_version``,
        ``backend``, ``torkeras_version``, ``kind`` ('model' or 'weights'), ``model_class``,
        ``layers`` (each ``name``, ``class_name`` (None when the file has no config) and
        ``weights``: ``{name, shape, dtype}``), ``optimizer`` (class name or None),
        ``optimizer_weights`` (``{name, shape, dtype}``), ``model_config``, ``training_config`` and
        ``conversions`` (lines from :func:`planned_conversions`).

    Raises:
        HDF5FormatError: the file is missing, not HDF5, or damaged.

    Example:
        >>> inspect_file("model.h5")["generation"]
        'tf.keras'
    """
    from . import hdf5_format
    info = hdf5_format.describe_file(filepath)
    try:
        info["generation"] = _generations.detect(info["keras_version"])
    except ValueError as e:
        raise HDF5FormatError("%r: %s" % (filepath, e))
    config = info["model_config"]
    info["path"] = str(filepath)
    info["kind"] = "model" if config is not None else "weights"
    info["model_class"] = config.get("class_name") if isinstance(config, dict) else None
    classes = {_entry_name(e): e.get("class_name") for e in _layer_entries(config)}
    for layer in info["layers"]:
        layer["class_name"] = classes.get(layer["name"])
    training = info["training_config"]
    optimizer = training.get("optimizer_config") if isinstance(training, dict) else None
    info["optimizer"] = optimizer.get("class_name") if isinstance(optimizer, dict) else None
    info["conversions"] = planned_conversions(info)
    return info


def _tfkeras_conversions(info):
    """The tf.keras / tf-keras conversions the loader applies today (``saving/_tfkeras.py``)."""
    lines = []
    names = [w["name"] for w in info["optimizer_weights"]]
    if names and _tfkeras.is_tf_optimizer_layout(names):
        lines.append("tf.keras optimizer weights reordered into Keras 2.2.4 order (iterations, then "
                     "each slot for every weight)")
    if any("momentum_cache" in n for n in names):
        lines.append("Nadam momentum_cache dropped (torkeras recomputes it from iterations)")
    if str(info["optimizer"]).startswith("Custom>"):
        lines.append("tf-keras optimizer class %r read as %r" % (info["optimizer"],
                                                               info["optimizer"][len("Custom>"):]))

    def walk(entry):
        if isinstance(entry, dict):
            config = entry.get("config")
            if isinstance(config, dict) and "class_name" in entry:
                for key, neutral in _tfkeras.TF_ONLY_KEYS.items():
                    if key in config:
                        verb = "dropped" if config[key] == neutral else "refused (changes results)"
                        lines.append("argument %s=%r of layer %r (%s), absent from Keras 2.2.4, %s"
                                     % (key, config[key], config.get("name"), entry["class_name"],
                                        verb))
            for value in entry.values():
                walk(value)
        elif isinstance(entry, list):
            for value in entry:
                walk(value)
    walk(info["model_config"])
    return lines


def planned_conversions(info):
    """What loading the described file converts, as lines of text (see the module docstring).

    Example:
        >>> planned_conversions(inspect_file("tf_model.h5"))
        ['tf.keras optimizer weights reordered into Keras 2.2.4 order (...)']
    """
    lines = _tfkeras_conversions(info)
    for name in READER_MODULES:
        module_name = "%s.%s" % (__package__, name)
        if importlib.util.find_spec(module_name) is None:
            continue  # a reader not written yet
        describe = getattr(importlib.import_module(module_name), "describe_conversions", None)
        if describe is not None:
            lines.extend(line for line in describe(info) if line not in lines)
    return lines


def json_report(info):
    """The report without the raw configs (what ``inspect --json`` prints)."""
    keys = ("path", "generation", "keras_version", "backend", "torkeras_version", "kind",
            "model_class", "optimizer", "layers", "optimizer_weights", "conversions")
    report = {k: info[k] for k in keys}
    report["inspected_by"] = "torkeras %s" % (__version__,)
    return report


def _shape(shape):
    return "(%s)" % ", ".join(str(d) for d in shape) if len(shape) != 1 else "(%d,)" % shape[0]


def format_report(info):
    """Human-readable text of an :func:`inspect_file` report."""
    contents = "full model (%s)" % info["model_class"] if info["kind"] == "model" else \
        "weights only (no model_config: rebuild the model, then load_weights)"
    if info["training_config"] is not None:
        contents += ", training config (optimizer %s)" % info["optimizer"]
    n_opt = len(info["optimizer_weights"])
    contents += ", optimizer state: %s" % ("%d arrays" % n_opt if n_opt else "none")
    out = ["file:        %s" % info["path"],
           "generation:  %s" % info["generation"],
           "keras:       %s" % (info["keras_version"] or "(not recorded)"),
           "backend:     %s" % (info["backend"] or "(not recorded)"),
           "contents:    %s" % contents,
           "layers:"]
    width = max([len(w["name"]) for layer in info["layers"] for w in layer["weights"]] + [10])
    for layer in info["layers"]:
        head = "  %s (%s)" % (layer["name"], layer["class_name"] or "class not recorded")
        out.append(head if layer["weights"] else head + "  no weights")
        for w in layer["weights"]:
            out.append("    %-*s  %-14s %s" % (width, w["name"], _shape(w["shape"]), w["dtype"]))
    conversions = info["conversions"]
    out.append("conversions on load:%s" % ("" if conversions else " none"))
    out.extend("  - %s" % line for line in conversions)
    return "\n".join(out)
