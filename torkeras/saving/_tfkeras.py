"""tf.keras / tf-keras file dialect: plain-data conversions (no h5py here).

tf-keras 2.11+ writes "new" optimizers (class ``Custom>Adam``; weights named ``iteration:0``,
``Adam/m/dense/kernel:0``, ``Adam/v/dense/kernel:0``... one slot after another for each variable);
tf.keras optimizer_v2 ("legacy") writes ``Adam/iter:0`` then ``Adam/dense/kernel/m:0``... (every
variable's first slot, then every variable's second slot). Keras 2.2.4, and torkeras, store
``[iterations] + m + v + vhat``. This module reorders the saved arrays into torkeras's order.

Sources: tf_keras/optimizers/optimizer.py and optimizer_v2/optimizer_v2.py (variable naming and
creation order), read in the tf-keras 2.21 sources; Keras 2.2.4 optimizers.py ``weights`` order.
"""
import re
import warnings

import numpy as np

_NEW = re.compile(r"^(?P<opt>[^/]+)/(?P<slot>[^/]+)/(?P<var>.+?)(:\d+)?$")
_ITER = re.compile(r"^(?:[^/]+/)?(iteration|iter|iterations)(:\d+)?$")

#: torkeras optimizer class -> its weights layout: 'iterations' or a tuple of slot-name synonyms.
LAYOUTS = {
    "SGD": ["iterations", ("momentum", "m")],
    "RMSprop": [("velocity", "rms")],
    "Adagrad": [("accumulator",)],
    "Adadelta": [("accumulated_grad", "accum_grad"), ("accumulated_delta_var", "accum_var")],
    "Adam": ["iterations", ("m",), ("v",), ("vhat", "velocity_hat")],
    "Adamax": ["iterations", ("m",), ("u", "v", "norm")],
    "Nadam": ["iterations", ("m",), ("v",)],
}


def is_tf_optimizer_layout(names):
    """True for weight names written by tf.keras optimizers (new or optimizer_v2)."""
    return any(_ITER.match(n) and not n.startswith("training/") and "iterations" not in n
               for n in names)


def _split(names, values):
    iteration = None
    slots = {}
    for name, value in zip(names, values):
        if _ITER.match(name):
            iteration = value
            continue
        parts = name.split(":")[0].split("/")
        if len(parts) < 3:
            raise ValueError("unrecognised optimizer weight name %r" % (name,))
        # new style: Opt/slot/var...; optimizer_v2: Opt/var.../slot
        m = _NEW.match(name)
        new_slot, new_var = m.group("slot"), m.group("var")
        v2_slot, v2_var = parts[-1], "/".join(parts[1:-1])
        slots.setdefault("new", []).append((new_slot, new_var, value))
        slots.setdefault("v2", []).append((v2_slot, v2_var, value))
    return iteration, slots


def _group(entries):
    by_slot = {}
    for slot, var, value in entries:
        by_slot.setdefault(slot, []).append((var, value))
    return by_slot


def reorder_optimizer_weights(optimizer, names, values, current):
    """Arrays from a tf.keras file in ``optimizer``'s Keras 2.2.4 order.

    Args:
        optimizer: the torkeras optimizer (built for the model's parameters).
        names: weight names from the file's ``optimizer_weights``.
        values: the arrays, same order.
        current: ``optimizer.get_weights()`` (gives shapes and dummy slots).

    Raises:
        ValueError: the layout cannot be matched exactly.
    """
    cls = type(optimizer).__name__
    layout = LAYOUTS.get(cls)
    if layout is None:
        raise ValueError("no tf.keras weight layout known for optimizer %s" % (cls,))
    iteration, styles = _split(names, values)
    best = None
    known = {name for part in layout if part != "iterations" for name in part}
    for style in ("new", "v2"):
        by_slot = _group(styles.get(style, []))
        # The style is the one whose slot names are this optimizer's (``Adam/dense/kernel/m`` would
        # otherwise read as slot "dense" in the new style) and whose variables are unique per slot.
        if set(by_slot) <= known and all(len({var for var, _ in entries}) == len(entries)
                                         for entries in by_slot.values()):
            best = by_slot
            break
    if best is None:
        raise ValueError("cannot group the optimizer weights %s by slot" % (names[:4],))
    out = []
    pos = 0
    for part in layout:
        if part == "iterations":
            if iteration is None:
                raise ValueError("the file has no iteration counter")
            out.append(np.asarray(iteration).astype(current[pos].dtype).reshape(current[pos].shape))
            pos += 1
            continue
        count = _count_for(current, layout)
        found = next((best[s] for s in part if s in best), None)
        if found is None:
            # tf.keras creates no variable for a slot the rule does not use (SGD without momentum,
            # Adam without amsgrad): keep torkeras's zeros / shape-(1,) dummies.
            out.extend(current[pos:pos + count])
        else:
            if len(found) != count:
                raise ValueError("slot %r has %d arrays, expected %d" % (part[0], len(found), count))
            for (var, value), ref in zip(found, current[pos:pos + count]):
                value = np.asarray(value)
                if value.shape != ref.shape:
                    raise ValueError("slot %r of %r has shape %s, expected %s"
                                     % (part[0], var, value.shape, ref.shape))
                out.append(value.astype(ref.dtype))
        pos += count
    if pos != len(current):
        raise ValueError("layout covers %d arrays, optimizer has %d" % (pos, len(current)))
    return out


def _count_for(current, layout):
    """Arrays per slot: every slot holds one array per trained variable."""
    slots = [p for p in layout if p != "iterations"]
    n_iter = len(layout) - len(slots)
    return (len(current) - n_iter) // len(slots)


def _unused_tail(optimizer, n_values):
    """How many trailing arrays of ``optimizer.get_weights()`` carry no state (Keras 2.2.4 dummies).

    Keras 2.2.4 stores shape-(1,) ``vhat`` dummies for Adam without amsgrad, and SGD momenta that a
    momentum of 0 never reads. tf.keras's optimizers have no such variables, so files that include
    them cannot restore their optimizer state in tf-keras.
    """
    cls = type(optimizer).__name__
    get = getattr(optimizer, "get_config", dict)
    cfg = get()
    if cls == "Adam" and not cfg.get("amsgrad", False) and n_values >= 1 and (n_values - 1) % 3 == 0:
        return (n_values - 1) // 3
    if cls == "SGD" and float(cfg.get("momentum", 0.0)) == 0.0 and n_values >= 1:
        return n_values - 1
    return 0


def compact_optimizer_weights(optimizer, names, values):
    """The optimizer state as tf-keras's legacy optimizers store it.

    Drops the stateless trailing arrays (see :func:`_unused_tail`), and for Nadam inserts the
    momentum schedule product after ``iterations`` (tf-keras's ``momentum_cache``; Keras 2.2.4 did
    not save it), so tf-keras restores the state.
    """
    names, values = list(names), list(values)
    drop = _unused_tail(optimizer, len(values))
    if drop:
        names, values = names[:len(names) - drop], values[:len(values) - drop]
    if type(optimizer).__name__ == "Nadam" and values:
        names.insert(1, "Nadam/momentum_cache:0")
        values.insert(1, np.asarray(optimizer.m_schedule, dtype=np.float32))
    return names, values


def expand_optimizer_weights(optimizer, values, current):
    """Inverse of :func:`compact_optimizer_weights`: re-add the stateless arrays from ``current``
    and drop Nadam's ``momentum_cache`` (torkeras recomputes it from ``iterations``)."""
    values = list(values)
    if type(optimizer).__name__ == "Nadam" and len(values) == len(current) + 1:
        values.pop(1)
    drop = _unused_tail(optimizer, len(current))
    if drop and len(values) == len(current) - drop:
        return values + list(current[len(values):])
    return values


#: Keys tf.keras / tf-keras write into layer configs that Keras 2.2.4 lacks, with the one value that
#: means Keras 2.2.4's behaviour (tf_keras/layers/rnn/base_rnn.py: ``time_major``,
#: ``zero_output_for_mask``). Other values change the results and are refused.
TF_ONLY_KEYS = {"time_major": False, "zero_output_for_mask": False}

#: tf.keras layers that take ``groups`` (tf.keras 2.3+ writes it into every convolution config) but
#: never read it: they pass it to the base ``Conv`` and convolve with their own depthwise kernels
#: (tf_keras/layers/convolutional/base_depthwise_conv.py and base_separable_conv.py @ 2.21; checked:
#: ``groups=2`` and ``groups=1`` give identical outputs there). Any value is read as 1.
IGNORED_GROUPS = ("DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D")


def strip_tf_only_keys(entry):
    """Drop :data:`TF_ONLY_KEYS` holding their neutral value from a ``{'class_name', 'config'}``
    entry and the layers or cells nested in it; raise ValueError for any other value."""
    if not isinstance(entry, dict):
        return entry
    config = entry.get("config")
    if not isinstance(config, dict):
        return entry
    config = dict(config)
    if entry.get("class_name") in IGNORED_GROUPS and "groups" in config:
        if config["groups"] != 1:
            warnings.warn("layer %r (%s) sets groups=%r, which tf.keras ignores for this layer; read "
                          "as groups=1, the computation tf.keras did."
                          % (config.get("name"), entry.get("class_name"), config["groups"]))
        del config["groups"]
    if isinstance(config.get("dtype"), dict):
        config["dtype"] = _policy_name(config["dtype"], entry)
    for key, neutral in TF_ONLY_KEYS.items():
        if key in config:
            if config[key] != neutral:
                raise ValueError("layer %r (%s) sets %s=%r, a tf.keras option Keras 2.2.4 (and "
                                 "torkeras) do not implement; only %s=%r can be read."
                                 % (config.get("name"), entry.get("class_name"), key, config[key],
                                    key, neutral))
            del config[key]
    for nested in ("layer", "backward_layer", "cell"):
        if isinstance(config.get(nested), dict):
            config[nested] = strip_tf_only_keys(config[nested])
        elif isinstance(config.get(nested), list):
            config[nested] = [strip_tf_only_keys(c) for c in config[nested]]
    if isinstance(config.get("cells"), list):
        config["cells"] = [strip_tf_only_keys(c) for c in config["cells"]]
    return dict(entry, config=config)


def _policy_name(policy, entry):
    """tf.keras mixed-precision ``Policy`` dicts: a plain float policy is its dtype name; a mixed one
    (``mixed_float16``...) computes in another precision than its variables and is refused."""
    name = (policy.get("config") or {}).get("name")
    if name in ("float16", "float32", "float64"):
        return name
    raise ValueError("layer %r (%s) has dtype policy %r; torkeras computes each layer in one float "
                     "type. Save the model with the float32 policy." % (
                         (entry.get("config") or {}).get("name"), entry.get("class_name"), name))
