"""Safe-mode switch for loading: marshaled bytecode (Lambda layers) only when the caller opts in."""
import contextlib
import threading

_state = threading.local()


def unsafe_allowed(safe_mode=None):
    """True only when the caller passed ``safe_mode=False`` (here or to an enclosing load)."""
    if safe_mode is not None:
        return safe_mode is False
    return getattr(_state, "safe_mode", True) is False


@contextlib.contextmanager
def safe_mode_scope(safe_mode):
    previous = getattr(_state, "safe_mode", True)
    _state.safe_mode = True if safe_mode is None else bool(safe_mode)
    try:
        yield
    finally:
        _state.safe_mode = previous
