"""Keras 2.2.4's text progress bar, with lazy reading of torch values.

The text is Keras's, character for character, on a terminal. Two things differ on purpose:

* Values may be Python numbers, NumPy scalars or 0-dim torch tensors (on any device). Tensors are
  accumulated with torch ops and turned into Python floats only when a line is actually written,
  so a step that draws nothing costs no host-device synchronisation.
* When stdout is not a terminal (a log file, a pipe, ``tee``, a batch scheduler), ``verbose=1`` writes
  only the finished line of each bar instead of one line per refresh (Keras 2.2.4 wrote a new line
  every 0.05 s there). A bar with an unknown target writes at most one line per
  ``_NON_TTY_UNKNOWN_INTERVAL`` seconds there.
"""
import collections
import math
import sys
import time

import numpy as np
import torch

# Patched by tests to drive the bar with a fake clock.
_clock = time.time

# Seconds between lines for a bar with unknown target when stdout is not a terminal.
_NON_TTY_UNKNOWN_INTERVAL = 10.0

_LOW_PRECISION = (torch.float16, torch.bfloat16)


def _dynamic_display():
    """True when the bar can be redrawn in place: a terminal, or inside IPython/Jupyter."""
    stream = sys.stdout
    try:
        if hasattr(stream, "isatty") and stream.isatty():
            return True
    except ValueError:  # closed stream
        return False
    return "ipykernel" in sys.modules


def _cpu_float(tensor):
    return float(tensor.detach() if tensor.requires_grad else tensor)


def _weighted(value, weight):
    """``value * weight`` as a new object. A CPU tensor is read at once (cheap, no device to wait
    for); an accelerator tensor stays on its device, so nothing waits for it."""
    if isinstance(value, torch.Tensor):
        if value.is_cpu and value.numel() == 1:
            return _cpu_float(value) * weight
        if value.requires_grad:
            value = value.detach()
        if value.dtype in _LOW_PRECISION:
            value = value.float()
        return value * weight
    return value * weight


def _weighted_add(total, value, weight):
    """``total + value * weight``. ``total`` must come from :func:`_weighted` (it is updated in
    place when it is a tensor: one kernel, no sync)."""
    if isinstance(value, torch.Tensor):
        if value.is_cpu and value.numel() == 1:
            value = _cpu_float(value)
        elif isinstance(total, torch.Tensor):
            if value.requires_grad:
                value = value.detach()
            if value.device != total.device:
                value = value.to(total.device)
            return total.add_(value, alpha=weight)
        else:
            return _weighted(value, weight) + total
    if isinstance(total, torch.Tensor):
        return total.add_(value * weight)
    return total + value * weight


def to_floats(values):
    """Python floats for a list of numbers / 0-dim tensors, with one device sync per device.

    Non-numeric entries (strings, arrays with several elements) are returned unchanged.
    """
    out = list(values)
    by_device = collections.OrderedDict()
    for i, v in enumerate(out):
        if isinstance(v, torch.Tensor):
            if v.numel() != 1:
                continue
            if v.is_cpu:
                out[i] = _cpu_float(v)
            else:
                by_device.setdefault(v.device, []).append(i)
        elif hasattr(v, "dtype") and getattr(v, "ndim", None) == 0:
            out[i] = float(v)  # NumPy scalar / 0-d array
    for idxs in by_device.values():
        dtype = out[idxs[0]].dtype
        for i in idxs[1:]:
            dtype = torch.promote_types(dtype, out[i].dtype)
        if not dtype.is_floating_point:
            dtype = torch.float32
        stacked = torch.stack([out[i].detach().reshape(()).to(dtype) for i in idxs])
        for i, f in zip(idxs, stacked.tolist()):
            out[i] = float(f)
    return out


def to_float(value):
    """One value as a Python float when it is a scalar number or 0-dim/1-element tensor."""
    return to_floats([value])[0]


def _mean(value):
    """Mean of an array-like value as a Python float (Keras shows ``np.mean`` of what it was given)."""
    if isinstance(value, torch.Tensor):
        return float(value.detach().float().mean())
    return float(np.mean(value))


def _format_eta(eta):
    if eta > 3600:
        secs = int(eta)
        return "%d:%02d:%02d" % (secs // 3600, (secs % 3600) // 60, secs % 60)
    if eta > 60:
        secs = int(eta)
        return "%d:%02d" % (secs // 60, secs % 60)
    return "%ds" % eta


def _format_per_step(seconds):
    if seconds >= 1:
        return " %.0fs/step" % seconds
    if seconds >= 1e-3:
        return " %.0fms/step" % (seconds * 1e3)
    return " %.0fus/step" % (seconds * 1e6)


class Progbar(object):
    """Displays a progress bar (Keras 2.2.4 text).

    Args:
        target: total number of steps expected, or None if unknown.
        width: width of the bar on screen, in characters.
        verbose: 0 (silent), 1 (a bar), 2 (one line when the target is reached).
        interval: minimum number of seconds between two redraws of the bar.
        stateful_metrics: names of values shown as given instead of averaged over time.

    Values passed to :meth:`update`/:meth:`add` are averaged weighted by the number of steps each
    covers. They may be numbers or 0-dim torch tensors; tensors are only read when a line is drawn.

    Example:
        >>> bar = Progbar(target=100)
        >>> for i in range(10):
        ...     bar.add(10, values=[('loss', 0.5)])
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None):
        if target is not None:
            if isinstance(target, bool) or not isinstance(target, (int, float)) or target < 0:
                raise ValueError("Progbar: `target` must be a non-negative number of steps or None. "
                                 "Received: target=%r" % (target,))
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise ValueError("Progbar: `width` must be a positive integer. Received: width=%r" % (width,))
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self._dynamic_display = _dynamic_display()
        self._total_width = 0
        self._seen_so_far = 0
        self._values = collections.OrderedDict()  # name -> [weighted sum, weight]
        self._start = _clock()
        self._last_update = 0
        self._line_open = False  # a redrawn line is on screen without its final newline

    # -- accumulation -------------------------------------------------------------------------
    def _accumulate(self, current, values):
        step = current - self._seen_so_far
        stateful = self.stateful_metrics
        store = self._values
        for name, value in values:
            if name in stateful:
                store[name] = [value, 1]
                continue
            entry = store.get(name)
            if entry is None:
                store[name] = [_weighted(value, step), step]
            else:
                entry[0] = _weighted_add(entry[0], value, step)
                entry[1] += step
        self._seen_so_far = current

    def _averages(self):
        names = list(self._values)
        sums = to_floats([self._values[k][0] for k in names])
        out = []
        for name, total in zip(names, sums):
            avg = total / max(1, self._values[name][1])
            if not isinstance(avg, float):
                avg = _mean(avg)
            out.append((name, avg))
        return out

    # -- rendering ----------------------------------------------------------------------------
    def _bar(self, current):
        target = self.target
        if target is None:
            return "%7d/Unknown" % current
        digits = int(math.floor(math.log10(target))) + 1 if target > 0 else 1
        text = "%*d/%d [" % (digits, current, target)
        done = int(self.width * (float(current) / target)) if target > 0 else self.width
        if done > 0:
            text += "=" * (done - 1)
            text += ">" if current < target else "="
        text += "." * (self.width - done)
        return text + "]"

    def _info(self, current, now):
        elapsed = now - self._start
        per_step = elapsed / current if current else 0
        if self.target is not None and current < self.target:
            info = " - ETA: %s" % _format_eta(per_step * (self.target - current))
        else:
            info = " - %.0fs" % elapsed + _format_per_step(per_step)
        for name, avg in self._averages():
            if isinstance(avg, float):
                info += (" - %s: %.4f" if abs(avg) > 1e-3 else " - %s: %.4e") % (name, avg)
            else:
                info += " - %s: %s" % (name, avg)
        return info

    def _line(self, current, now):
        bar = self._bar(current)
        info = self._info(current, now)
        return bar, info

    def _draw_dynamic(self, current, now):
        out = sys.stdout
        previous = self._total_width
        bar, info = self._line(current, now)
        self._total_width = len(bar) + len(info)
        if previous > self._total_width:
            info += " " * (previous - self._total_width)
        finished = self.target is not None and current >= self.target
        out.write("\b" * previous + "\r" + bar + info + ("\n" if finished else ""))
        out.flush()
        self._line_open = not finished

    def _write_line(self, current, now):
        bar, info = self._line(current, now)
        out = sys.stdout
        out.write(bar + info + "\n")
        out.flush()

    def _summary_line(self, now):
        info = " - %.0fs" % (now - self._start)
        for name, avg in self._averages():
            # Keras 2.2.4 tests ``avg > 1e-3`` here (no abs): negative values print as %.4e.
            info += (" - %s: %.4f" if avg > 1e-3 else " - %s: %.4e") % (name, avg)
        out = sys.stdout
        out.write(info + "\n")
        out.flush()

    # -- public API ---------------------------------------------------------------------------
    def update(self, current, values=None):
        """Move the bar to step ``current``.

        Args:
            current: index of the current step (steps or samples seen so far).
            values: list of ``(name, value_for_last_step)`` tuples. Names in ``stateful_metrics``
                are shown as given; others are averaged over the steps seen.
        """
        if values:
            self._accumulate(current, values)
        else:
            self._seen_so_far = current
        verbose = self.verbose
        if verbose != 1 and verbose != 2:
            return
        target = self.target
        finished = target is not None and current >= target
        now = _clock()
        if verbose == 1:
            if self._dynamic_display:
                if not finished and now - self._last_update < self.interval and target is not None:
                    return
                self._draw_dynamic(current, now)
            elif finished:
                self._write_line(current, now)
            elif target is None:
                if now - self._last_update < max(self.interval, _NON_TTY_UNKNOWN_INTERVAL):
                    return
                self._write_line(current, now)
            else:
                return
        elif target is None or finished:
            self._summary_line(now)
        self._last_update = now

    def add(self, n, values=None):
        """Advance the bar by ``n`` steps (see :meth:`update`)."""
        self.update(self._seen_so_far + n, values)

    def _end_line(self):
        """Finish a bar stopped before its target (training stopped mid-epoch).

        Draws the current state once more and ends the line, so that what follows starts on a new
        line. A bar that reached its target has already done this and is left alone.
        """
        current = self._seen_so_far
        if self.target is not None and current >= self.target:
            return
        now = _clock()
        if self.verbose == 1:
            if self._dynamic_display:
                self._draw_dynamic(current, now)
                if self._line_open:
                    sys.stdout.write("\n")
                    sys.stdout.flush()
                    self._line_open = False
            else:
                self._write_line(current, now)
        elif self.verbose == 2:
            self._summary_line(now)
        self._last_update = now
