"""THE one place that decides devices (and CPU thread settings).

``set_device('cuda')``, ``with device('cuda:1'):``, env ``TORKERAS_DEVICE``; default ``'auto'`` (CUDA
when available, resolved on first use). A request that cannot be met raises :class:`DeviceError`;
there is never a silent fallback to another device.
"""
import contextlib
import os
import threading

import torch

from ..errors import DeviceError

_state = threading.local()
_global = {"requested": None, "resolved": None}


def _validate(spec):
    if isinstance(spec, torch.device):
        dev = spec
    else:
        if not isinstance(spec, str) or not spec.strip():
            raise DeviceError("Device must be 'auto', 'cpu', 'cuda' or 'cuda:N' (or a torch.device). "
                              "Received %r" % (spec,))
        spec = spec.strip().lower()
        if spec == "auto":
            return "auto"
        if spec == "gpu":
            spec = "cuda"
        elif spec.startswith("gpu:"):
            spec = "cuda:" + spec[4:]
        try:
            dev = torch.device(spec)
        except (RuntimeError, ValueError) as e:
            raise DeviceError("Unknown device %r (%s). Use 'auto', 'cpu', 'cuda' or 'cuda:N'." % (spec, e))
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError("Device %r was requested but CUDA is not available on this machine "
                              "(torch %s, torch.version.cuda=%s). Use 'cpu' or 'auto'."
                              % (str(dev), torch.__version__, torch.version.cuda))
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise DeviceError("Device %r was requested but only %d CUDA device(s) exist (cuda:0..cuda:%d)."
                              % (str(dev), count, count - 1))
    elif dev.type not in ("cpu", "mps", "xpu"):
        raise DeviceError("Unsupported device type %r. Use 'cpu' or 'cuda'." % (dev.type,))
    return dev


def _resolve_auto():
    return torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")


def set_device(spec):
    """Choose the device new layers and models use. ``'auto'`` picks CUDA when available."""
    dev = _validate(spec)
    _global["requested"] = spec
    _global["resolved"] = _resolve_auto() if dev == "auto" else dev
    return _global["resolved"]


def get_device():
    """The device in force: the innermost ``device()`` context, else ``set_device``, else the
    ``TORKERAS_DEVICE`` environment variable, else ``'auto'``."""
    stack = getattr(_state, "stack", None)
    if stack:
        return stack[-1]
    if _global["resolved"] is None:
        env = os.environ.get("TORKERAS_DEVICE", "").strip()
        if env:
            try:
                set_device(env)
            except DeviceError as e:
                raise DeviceError("TORKERAS_DEVICE=%r cannot be used: %s" % (env, e))
        else:
            _global["resolved"] = _resolve_auto()
    return _global["resolved"]


@contextlib.contextmanager
def device(spec):
    """Context manager: layers built and models run inside use ``spec``.

    Example:
        >>> with torkeras.backend.device('cpu'):
        ...     model.fit(x, y)
    """
    dev = _validate(spec)
    if dev == "auto":
        dev = _resolve_auto()
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    stack.append(dev)
    try:
        yield dev
    finally:
        stack.pop()


def cuda_available():
    return torch.cuda.is_available()


def cuda_device_count():
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def synchronize(dev):
    if dev is not None and torch.device(dev).type == "cuda":
        torch.cuda.synchronize(dev)


def _reset_for_tests():
    _global["requested"] = None
    _global["resolved"] = None
    _state.stack = []
