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


# ---------------------------------------------------------------------------------------------
# CPU threads. Measured on a shared 2-core machine (benchmarks/README.md): with OpenMP's default
# spin-waiting and other processes competing for the cores, torch's default of one thread per core
# made a Dense(10) step 15x and the tutorial MLP step 12x slower than one thread; on an idle machine
# two threads and one thread were within 10% of each other. torkeras therefore leaves torch's
# setting alone by default (a library should not change a process-wide setting behind the user's
# back) and offers the knob here: TORKERAS_NUM_THREADS=N, applied when a model first runs, or
# set_num_threads(N).
_threads = {"applied": False}


def set_num_threads(n):
    """Set torch's intra-op CPU thread count (``torch.set_num_threads``), validated."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError("set_num_threads: expected a positive integer. Received %r" % (n,))
    torch.set_num_threads(n)
    _threads["applied"] = True


def apply_thread_settings():
    """Apply ``TORKERAS_NUM_THREADS`` once per process (called by fit/evaluate/predict)."""
    if _threads["applied"]:
        return
    _threads["applied"] = True
    raw = os.environ.get("TORKERAS_NUM_THREADS", "").strip()
    if not raw:
        return
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError("TORKERAS_NUM_THREADS must be a positive integer. Received %r" % (raw,))
    torch.set_num_threads(n)
