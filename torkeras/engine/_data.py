"""Turning user arrays into checked tensors, once per fit/evaluate/predict call."""
import numpy as np
import torch

from .. import backend as K


def _to_list(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _as_array(a, what, name):
    if isinstance(a, torch.Tensor):
        return a
    if hasattr(a, "shape") and hasattr(a, "__getitem__") and not isinstance(a, np.ndarray):
        a = a[:]  # e.g. HDF5Matrix / h5py datasets
    arr = np.asarray(a)
    if arr.dtype == object:
        raise ValueError("Error when checking %s: %r holds Python objects (dtype=object), not numbers. "
                         "Pass a numeric numpy array." % (what, name))
    return arr


def standardize(data, names, shapes, what, check_batch_axis=True, exception_prefix=None):
    """Check a list of arrays against expected Keras shapes (batch axis first).

    Returns a list of numpy arrays (or tensors). 1-D arrays become ``(n, 1)`` as in Keras.
    """
    prefix = exception_prefix or what
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError("No data provided for %r. Need data for each key in: %s" % (missing[0], names))
        arrays = [data[n] for n in names]
    else:
        arrays = _to_list(data)
    if len(arrays) != len(names):
        raise ValueError("Error when checking model %s: the list of Numpy arrays that you are passing "
                         "to your model is not the size the model expected. Expected to see %d "
                         "array(s) (%s), but instead got %d array(s)."
                         % (prefix, len(names), ", ".join(names), len(arrays)))
    out = []
    for arr, name, shape in zip(arrays, names, shapes):
        arr = _as_array(arr, prefix, name)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1) if isinstance(arr, np.ndarray) else arr.reshape(-1, 1)
        if shape is not None:
            if arr.ndim != len(shape):
                raise ValueError("Error when checking %s: expected %s to have %d dimensions, but got "
                                 "array with shape %s" % (prefix, name, len(shape), tuple(arr.shape)))
            for j, (dim, ref) in enumerate(zip(arr.shape, shape)):
                if j == 0 and not check_batch_axis:
                    continue
                if ref is not None and dim != ref:
                    raise ValueError("Error when checking %s: expected %s to have shape %s but got "
                                     "array with shape %s" % (prefix, name, tuple(shape[1:]),
                                                              tuple(arr.shape[1:])))
        out.append(arr)
    return out


def check_lengths(xs, ys, ws=None):
    nx = {len(a) for a in xs}
    ny = {len(a) for a in ys}
    if len(nx) > 1:
        raise ValueError("All input arrays (x) should have the same number of samples. Got array "
                         "shapes: %s" % ([tuple(a.shape) for a in xs],))
    if len(ny) > 1:
        raise ValueError("All target arrays (y) should have the same number of samples. Got array "
                         "shapes: %s" % ([tuple(a.shape) for a in ys],))
    if nx and ny and nx != ny:
        raise ValueError("Input arrays should have the same number of samples as target arrays. "
                         "Found %d input samples and %d target samples." % (list(nx)[0], list(ny)[0]))
    if ws:
        for w, y in zip(ws, ys):
            if w is not None and len(w) != len(y):
                raise ValueError("Found a sample_weight array with shape %s for an input with shape %s. "
                                 "sample_weight cannot be broadcast." % (tuple(w.shape), tuple(y.shape)))


def to_tensor(arr, device, float_dtype=torch.float32):
    """One conversion per fit: float arrays -> float32, integer arrays keep int64."""
    if isinstance(arr, torch.Tensor):
        t = arr
        if t.is_floating_point() and t.dtype != float_dtype:
            t = t.to(float_dtype)
        return t.to(device)
    if arr.dtype.kind in "fc" or arr.dtype == np.bool_:
        t = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32))
    elif arr.dtype.kind in "iu":
        t = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.int64))
    else:
        raise ValueError("Unsupported array dtype %s: expected numbers." % (arr.dtype,))
    return t.to(device)


def target_tensor(arr, device):
    """Targets are float32 tensors as Keras feeds its float placeholders."""
    if isinstance(arr, torch.Tensor):
        return arr.to(device=device, dtype=torch.float32)
    return torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32)).to(device)


def standardize_sample_weights(sample_weight, class_weight, ys, output_names, sample_weight_mode):
    """Per-output weight arrays (or None where every weight would be 1)."""
    sws = _to_list(sample_weight) if not isinstance(sample_weight, dict) else [
        sample_weight.get(n) for n in output_names]
    if sample_weight is not None and len(sws) != len(ys):
        raise ValueError("sample_weight: expected %d array(s), one per output (%s). Received %d."
                         % (len(ys), output_names, len(sws)))
    if not sws:
        sws = [None] * len(ys)
    cws = class_weight if isinstance(class_weight, (list, tuple)) else (
        [class_weight.get(n) for n in output_names] if isinstance(class_weight, dict) and
        set(class_weight).issubset(output_names) and len(output_names) > 1
        else [class_weight] * len(ys))
    out = []
    for sw, cw, y, mode in zip(sws, cws, ys, sample_weight_mode):
        if sw is not None:
            sw = np.asarray(sw, dtype=np.float32)
            if mode == "temporal":
                if sw.ndim != 2:
                    raise ValueError("Found a sample_weight array with shape %s. In order to use "
                                     "timestep-wise sample weighting, you should pass a 2D "
                                     "sample_weight array." % (sw.shape,))
            elif sw.ndim != 1:
                raise ValueError("Found a sample_weight array with shape %s. sample_weight must be "
                                 "1-D (one weight per sample); for timestep-wise weights compile with "
                                 "sample_weight_mode='temporal'." % (sw.shape,))
            out.append(sw)
        elif cw is not None:
            if not isinstance(cw, dict):
                raise ValueError("class_weight must be a dict mapping class indices to weights. "
                                 "Received %r" % (cw,))
            yv = y.cpu().numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
            if yv.ndim > 2:
                raise ValueError("class_weight not supported for 3+ dimensional targets.")
            if yv.ndim == 2 and yv.shape[1] > 1:
                classes = yv.argmax(axis=1)
            elif yv.ndim == 2 and yv.shape[1] == 1:
                classes = yv.reshape(-1)
            else:
                classes = yv
            classes = classes.astype(np.int64) if classes.dtype.kind == "f" and np.all(
                classes == np.round(classes)) else classes
            missing = sorted(set(np.unique(classes).tolist()) - set(cw))
            if missing:
                raise ValueError("`class_weight` must contain all classes in the data. The classes %s "
                                 "exist in the data but not in `class_weight`." % (missing,))
            out.append(np.asarray([cw[c] for c in classes.tolist()], dtype=np.float32))
        else:
            out.append(None)
    return out


def batch_slices(n, batch_size):
    num = (n + batch_size - 1) // batch_size
    return [(i * batch_size, min(n, (i + 1) * batch_size)) for i in range(num)]


def float_dtype():
    return getattr(torch, K.floatx())
