"""CTC prefix beam search with TensorFlow's ``CTCBeamSearchDecoder`` semantics (the op behind Keras
2.2.4's ``K.ctc_decode(..., greedy=False)``, with ``merge_repeated=True``), on the CPU, one sample at
a time. Checked against TensorFlow 2.21 (``compat_tests/test_ctc_beam_golden.py``).

What is reproduced, because it changes which paths come out, their scores and their order:

* the blank is the last class; each step's inputs are shifted by ``max + log(sum(exp(x - max)))``
  (a log-softmax); in float32 every operation is rounded to float32 as the C++ code computes it;
* each step first updates every beam entry's own probability, then grows children from the entries
  in descending order of their previous probability, labels in ascending order. A child already in
  the beam is left alone (its probability through that parent is not added this step); a child that
  is considered and rejected is cleared, including its previous-step probability, so when it is itself
  an entry whose turn comes later it is not expanded;
* the beam is TensorFlow's bounded top-n container (``gtl::TopN`` as shipped in 2.21): an unordered
  vector until full, its bottom found by a linear scan, a heap once it overflows; the evicted bottom
  is marked inactive. Ties follow that container and libstdc++'s ``std::sort`` and heap algorithms;
* ``merge_repeated`` collapses equal adjacent labels of a finished prefix, so the prefix ``a a``
  (``a``, blank, ``a``) comes back as ``a``;
* a path's score is the beam's ``total`` for it, TensorFlow's log probability.
"""
import math
import numbers
import struct

import numpy as np
import torch

from .config import epsilon

_NEG_INF = float("-inf")
_F32 = struct.Struct("f")
_UNORDERED, _BOTTOM_KNOWN, _HEAP_SORTED = 0, 1, 2


def _to_f32(value):
    """Round a Python float to the nearest float32 (what a C++ ``float`` operation returns)."""
    return _F32.unpack(_F32.pack(value))[0]


def _same(value):
    return value


class _Entry(object):
    """One prefix in the trie: parent, last label, children, and its old/new probabilities."""
    __slots__ = ("parent", "label", "children", "old_total", "old_blank", "total", "blank", "lab")

    def __init__(self, parent, label):
        self.parent = parent
        self.label = label
        self.children = {}
        self.old_total = self.old_blank = _NEG_INF
        self.total = self.blank = self.lab = _NEG_INF

    def reset_new(self):
        self.total = self.blank = self.lab = _NEG_INF

    def labels(self, merge_repeated):
        out, prev, node = [], -1, self
        while node.parent is not None:
            if not merge_repeated or node.label != prev:
                out.append(node.label)
            prev = node.label
            node = node.parent
        out.reverse()
        return out


# --- libstdc++ heap and sort algorithms, comparator "a.total > b.total" --------------------------

def _push_up(el, hole, top, value):
    parent = (hole - 1) // 2
    while hole > top and el[parent].total > value.total:
        el[hole] = el[parent]
        hole = parent
        parent = (hole - 1) // 2
    el[hole] = value


def _adjust(el, first, hole, length, value):
    # Positions are relative to ``first``.
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if el[first + child].total > el[first + child - 1].total:
            child -= 1
        el[first + hole] = el[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        el[first + hole] = el[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and el[first + parent].total > value.total:
        el[first + hole] = el[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    el[first + hole] = value


def _make_heap(el, first, last):
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust(el, first, parent, length, el[first + parent])
        if parent == 0:
            return
        parent -= 1


def _pop_heap(el, first, last, result):
    value = el[result]
    el[result] = el[first]
    _adjust(el, first, 0, last - first, value)


def _sort_heap(el, first, last):
    while last - first > 1:
        last -= 1
        _pop_heap(el, first, last, last)


def _linear_insert(el, last):
    value = el[last]
    prev = last - 1
    while value.total > el[prev].total:
        el[last] = el[prev]
        last = prev
        prev -= 1
    el[last] = value


def _insertion_sort(el, first, last):
    if first == last:
        return
    for i in range(first + 1, last):
        if el[i].total > el[first].total:
            value = el[i]
            el[first + 1:i + 1] = el[first:i]
            el[first] = value
        else:
            _linear_insert(el, i)


def _median_to_first(el, result, a, b, c):
    ta, tb, tc = el[a].total, el[b].total, el[c].total
    if ta > tb:
        pick = b if tb > tc else (c if ta > tc else a)
    else:
        pick = a if ta > tc else (c if tb > tc else b)
    el[result], el[pick] = el[pick], el[result]


def _partition(el, first, last, pivot):
    key = el[pivot]
    while True:
        while el[first].total > key.total:
            first += 1
        last -= 1
        while key.total > el[last].total:
            last -= 1
        if not first < last:
            return first
        el[first], el[last] = el[last], el[first]
        first += 1


def _introsort_loop(el, first, last, depth):
    while last - first > 16:
        if depth == 0:
            _make_heap(el, first, last)
            _sort_heap(el, first, last)
            return
        depth -= 1
        mid = first + (last - first) // 2
        _median_to_first(el, first, first + 1, mid, last - 1)
        cut = _partition(el, first + 1, last, first)
        _introsort_loop(el, cut, last, depth)
        last = cut


def _std_sort(el):
    n = len(el)
    if n < 2:
        return
    _introsort_loop(el, 0, n, 2 * (n.bit_length() - 1))
    if n > 16:
        _insertion_sort(el, 0, 16)
        for i in range(16, n):
            _linear_insert(el, i)
    else:
        _insertion_sort(el, 0, n)


class _TopN(object):
    """TensorFlow's ``gtl::TopN`` over beam entries, keyed by their current ``total``."""

    def __init__(self, limit):
        self.limit = limit
        self.el = []
        self.state = _UNORDERED

    def size(self):
        return len(self.el)

    def push(self, value):
        el = self.el
        if self.state != _HEAP_SORTED:
            el.append(value)
            if len(el) == self.limit + 1:
                _make_heap(el, 0, len(el))
                _pop_heap(el, 0, len(el) - 1, len(el) - 1)
                el.pop()
                self.state = _HEAP_SORTED
            elif self.state != _UNORDERED and not value.total > el[0].total:
                el[0], el[-1] = el[-1], el[0]
        elif value.total > el[0].total:
            _pop_heap(el, 0, len(el) - 1, len(el) - 1)
            el[-1] = value
            _push_up(el, len(el) - 1, 0, value)

    def bottom(self):
        el = self.el
        if self.state == _UNORDERED:
            low = 0
            for i in range(1, len(el)):
                if el[low].total > el[i].total:
                    low = i
            if low:
                el[0], el[low] = el[low], el[0]
            self.state = _BOTTOM_KNOWN
        return el[0]

    def extract(self):
        out, self.el = self.el, []
        if self.state != _HEAP_SORTED:
            _std_sort(out)
        else:
            _sort_heap(out, 0, len(out))
        self.state = _UNORDERED
        return out

    def unsorted(self):
        return list(self.el)


def _log_sum_exp(a, b, rnd):
    if a == _NEG_INF:
        return b
    if b == _NEG_INF:
        return a
    if a > b:
        return rnd(a + rnd(math.log1p(rnd(math.exp(rnd(b - a))))))
    return rnd(b + rnd(math.log1p(rnd(math.exp(rnd(a - b))))))


def _norm_offset(row, rnd):
    """``max + log(sum(exp(row - max)))`` summed left to right in the row's precision."""
    top = float(row.max())
    acc = 0.0
    for v in row.tolist():
        acc = rnd(acc + rnd(math.exp(rnd(v - top))))
    return rnd(top + rnd(math.log(acc)))


def _step(leaves, row, width, rnd, dtype):
    """One time step of the beam search; ``row`` holds the step's log-values (1-D numpy array)."""
    norm = _norm_offset(row, rnd)
    shifted_np = (row - row.dtype.type(norm)).astype(dtype)
    shifted = shifted_np.tolist()
    raw_blank = float(row[-1])
    n_labels = row.shape[0] - 1
    label_np = shifted_np[:n_labels]

    branches = leaves.extract()
    for b in branches:
        b.old_total, b.old_blank = b.total, b.blank

    for b in branches:
        parent = b.parent
        if parent is not None:
            if parent.total != _NEG_INF:
                prev = parent.old_blank if b.label == parent.label else parent.old_total
                b.lab = _log_sum_exp(b.lab, prev, rnd)
            b.lab = rnd(b.lab + shifted[b.label])
        b.blank = rnd(rnd(b.old_total + raw_blank) - norm)
        b.total = _log_sum_exp(b.blank, b.lab, rnd)
        leaves.push(b)

    for b in branches:
        old_total = b.old_total
        if not (old_total > _NEG_INF and (leaves.size() < width or old_total > leaves.bottom().total)):
            continue
        scores = label_np + label_np.dtype.type(old_total)
        if b.parent is not None:
            scores[b.label] = rnd(shifted[b.label] + b.old_blank)
        children = b.children
        if leaves.size() >= width:
            # The bottom only rises while children are added, so a label scoring below it now is
            # rejected later too; existing children are still visited (a rejected one loses its
            # previous-step probability, which TensorFlow then reads when it expands that child).
            labels = np.flatnonzero(scores > leaves.bottom().total).tolist()
            if children:
                labels = sorted(set(labels).union(children))
        else:
            labels = range(n_labels)
        scores = scores.tolist()
        for label in labels:
            child = children.get(label)
            if child is not None and child.total != _NEG_INF:
                continue
            score = scores[label]
            if not (score > _NEG_INF and (leaves.size() < width or score > leaves.bottom().total)):
                if child is not None:
                    child.old_total = child.old_blank = _NEG_INF
                continue
            if child is None:
                child = children[label] = _Entry(b, label)
            child.blank = _NEG_INF
            child.lab = child.total = score
            if leaves.size() == width:
                leaves.bottom().reset_new()
            leaves.push(child)


def beam_search(logv, lengths, beam_width, top_paths, merge_repeated=True):
    """Decode every sample of ``logv`` (``(samples, steps, classes)`` numpy log-values).

    Args:
        logv: float32 or float64 numpy array, batch-major; the blank is the last class.
        lengths: one int per sample, the number of steps to decode (negative acts as 0).
        beam_width: the number of prefixes kept per step (>= 1).
        top_paths: how many of the best prefixes to return (1 <= top_paths <= beam_width).
        merge_repeated: collapse equal adjacent labels of a returned prefix (TensorFlow 1 default).

    Returns:
        ``(paths, scores)``: ``paths[p][b]`` is the label list of the ``p``-th best path of sample
        ``b``; ``scores`` is a ``(samples, top_paths)`` float64 array of their log probabilities.

    Raises:
        ValueError: a sample has fewer distinct prefixes in its beam than ``top_paths``.
    """
    rnd = _to_f32 if logv.dtype == np.float32 else _same
    n = logv.shape[0]
    paths = [[None] * n for _ in range(top_paths)]
    scores = np.zeros((n, top_paths), dtype=np.float64)
    for s in range(n):
        root = _Entry(None, -1)
        root.total = root.blank = 0.0
        leaves = _TopN(beam_width)
        leaves.push(root)
        for t in range(max(int(lengths[s]), 0)):
            _step(leaves, logv[s, t], beam_width, rnd, logv.dtype)
        if top_paths > leaves.size():
            raise ValueError(
                "ctc_decode: sample %d (input_length=%d) has only %d distinct prefixes in its beam, "
                "fewer than top_paths=%d; lower top_paths or give that sample more time steps."
                % (s, int(lengths[s]), leaves.size(), top_paths))
        best = _TopN(top_paths)
        for entry in leaves.unsorted():
            best.push(entry)
        for p, entry in enumerate(best.extract()[:top_paths]):
            paths[p][s] = entry.labels(merge_repeated)
            scores[s, p] = entry.total
    return paths, scores


def _count(name, value):
    """``beam_width``/``top_paths`` as an int >= 1 (TF attrs ``int >= 1``; whole floats accepted)."""
    if isinstance(value, bool) or not (isinstance(value, numbers.Integral) or (
            isinstance(value, numbers.Real) and float(value).is_integer())):
        raise TypeError("ctc_decode: `%s` must be an integer >= 1, got %r (%s)."
                        % (name, value, type(value).__name__))
    if int(value) < 1:
        raise ValueError("ctc_decode: `%s` must be at least 1, got %r." % (name, value))
    return int(value)


def dense_paths(seqs, device):
    """One label list per sample -> int64 tensor ``(samples, longest)`` padded with -1 (Keras's
    dense form of a decoded batch), on ``device``."""
    width = max([len(seq) for seq in seqs] + [0])
    dense = np.full((len(seqs), width), -1, dtype=np.int64)
    for b, seq in enumerate(seqs):
        dense[b, :len(seq)] = seq
    return torch.from_numpy(dense).to(device)


def ctc_beam_decode(y_pred, input_length, beam_width, top_paths):
    """Keras 2.2.4 ``ctc_decode(greedy=False)``: beam search on ``log(y_pred + epsilon)``.

    Args:
        y_pred: ``(samples, time_steps, num_categories)`` probabilities, blank last.
        input_length: ``(samples,)`` (or ``(samples, 1)``) number of steps to decode per sample.
        beam_width: prefixes kept per step, an integer >= 1.
        top_paths: paths returned per sample, 1 <= top_paths <= beam_width.

    Returns:
        ``(decoded, log_prob)``: ``decoded`` is a list of ``top_paths`` int64 tensors, the ``p``-th
        of shape ``(samples, longest p-th path)`` padded with -1; ``log_prob`` is
        ``(samples, top_paths)``, best path first.

    Example:
        >>> decoded, log_prob = ctc_beam_decode(probs, torch.tensor([5, 3]), 10, 2)
    """
    beam_width = _count("beam_width", beam_width)
    top_paths = _count("top_paths", top_paths)
    if top_paths > beam_width:
        raise ValueError("ctc_decode: `top_paths`=%d is larger than `beam_width`=%d; a beam search "
                         "cannot return more paths than it keeps. Lower top_paths or raise "
                         "beam_width." % (top_paths, beam_width))
    y_pred = torch.as_tensor(y_pred)
    if y_pred.dim() != 3 or y_pred.shape[0] == 0 or y_pred.shape[1] == 0 or y_pred.shape[2] == 0:
        raise ValueError("ctc_decode: `y_pred` must be a non-empty 3-D tensor (samples, time_steps, "
                         "num_categories), got shape %s." % (tuple(y_pred.shape),))
    samples, steps = y_pred.shape[0], y_pred.shape[1]
    lengths = torch.as_tensor(input_length)
    if lengths.dim() == 2 and lengths.shape[1] == 1:
        lengths = lengths[:, 0]
    if lengths.dim() != 1 or lengths.shape[0] != samples:
        raise ValueError("ctc_decode: `input_length` must have shape (samples,) = (%d,), got %s."
                         % (samples, tuple(lengths.shape)))
    lengths = lengths.long().tolist()
    too_long = [i for i, n in enumerate(lengths) if n > steps]
    if too_long:
        raise ValueError("ctc_decode: `input_length` of sample %d is %d, more than the %d time steps "
                         "of y_pred." % (too_long[0], lengths[too_long[0]], steps))
    logv = torch.log(y_pred + epsilon())
    dtype = np.float64 if logv.dtype == torch.float64 else np.float32
    logv_np = logv.detach().cpu().numpy().astype(dtype, copy=False)
    paths, scores = beam_search(logv_np, lengths, beam_width, top_paths)
    decoded = [dense_paths(per_sample, y_pred.device) for per_sample in paths]
    log_prob = torch.as_tensor(scores, dtype=logv.dtype, device=y_pred.device)
    return decoded, log_prob
