"""Sequence data utilities (``keras.preprocessing.sequence``).

Behaviour follows Keras 2.2.4, whose implementation lived in ``keras_preprocessing`` 1.0.5
(``keras_preprocessing/sequence.py``): the same padding and truncation rules, the same word2vec
sampling table, the same use of Python's ``random`` module in :func:`skipgrams` (so a seeded run gives
Keras's pairs), and :class:`TimeseriesGenerator` as a :class:`~torkeras.utils.data_utils.Sequence`.
"""
import json
import numbers
import random

import numpy as np

from ..utils.data_utils import Sequence

_SIDES = ("pre", "post")


def _check_side(name, value):
    if value not in _SIDES:
        raise ValueError("pad_sequences: `%s` must be 'pre' or 'post'. Received: %s=%r"
                         % (name, name, value))


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre', value=0.):
    """Pad (and truncate) a list of sequences to one length.

    Args:
        sequences: list of sequences (lists or arrays; each element may itself be an array, all of
            one shape).
        maxlen: length of the output sequences (default: the longest sequence).
        dtype: dtype of the output (``object`` or a string dtype to pad strings).
        padding: ``'pre'`` or ``'post'``: where the padding goes.
        truncating: ``'pre'`` or ``'post'``: which end of a too-long sequence is cut off.
        value: padding value.

    Returns:
        Array of shape ``(len(sequences), maxlen) + element_shape``.

    Example:
        >>> pad_sequences([[1, 2], [3]], maxlen=3)
        array([[0, 1, 2],
               [0, 0, 3]], dtype=int32)
    """
    if not hasattr(sequences, '__len__'):
        raise ValueError("pad_sequences: `sequences` must be a list of sequences. Received an object "
                         "of type %s without a length." % (type(sequences).__name__,))
    _check_side("padding", padding)
    _check_side("truncating", truncating)
    lengths = []
    for seq in sequences:
        if not hasattr(seq, '__len__'):
            raise ValueError("pad_sequences: `sequences` must be a list of iterables. Found "
                             "non-iterable: %r" % (seq,))
        lengths.append(len(seq))
    if maxlen is None:
        if not lengths:
            raise ValueError("pad_sequences: `sequences` is empty and `maxlen` is None; pass maxlen "
                             "to get an array of shape (0, maxlen).")
        maxlen = int(np.max(lengths))
    if isinstance(maxlen, bool) or not isinstance(maxlen, numbers.Integral) or maxlen < 0:
        raise ValueError("pad_sequences: `maxlen` must be None or a non-negative integer. Received: "
                         "maxlen=%r" % (maxlen,))
    sample_shape = ()
    for seq in sequences:
        if len(seq) > 0:
            sample_shape = np.asarray(seq).shape[1:]
            break
    is_str_dtype = np.issubdtype(dtype, np.str_)
    if isinstance(value, str) and dtype != object and not is_str_dtype:
        raise ValueError("pad_sequences: `dtype` %s is not compatible with the type of `value` (%s). "
                         "Pass dtype=object to pad variable-length strings." % (dtype, type(value)))
    out = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for idx, seq in enumerate(sequences):
        if not len(seq):
            continue
        if not maxlen:
            kept = seq[:0]
        else:
            kept = seq[-maxlen:] if truncating == 'pre' else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError("pad_sequences: the elements of the sequence at position %d have shape %s; "
                             "expected %s (the shape of the first non-empty sequence's elements)."
                             % (idx, kept.shape[1:], sample_shape))
        if padding == 'post':
            out[idx, :len(kept)] = kept
        else:
            out[idx, -len(kept):] = kept
    return out


def make_sampling_table(size, sampling_factor=1e-5):
    """Word-rank sampling probabilities for :func:`skipgrams` (word2vec's subsampling formula).

    Word frequencies are approximated from their rank with Zipf's law; entry ``i`` is the probability
    of keeping the ``i``-th most frequent word.

    Args:
        size: number of words.
        sampling_factor: the ``t`` of word2vec's formula.

    Returns:
        1-D float array of length ``size``.

    Example:
        >>> table = make_sampling_table(1000)
    """
    gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inv_fq = rank * (np.log(rank) + gamma) + 0.5 - 1. / (12. * rank)
    f = sampling_factor * inv_fq
    return np.minimum(1., f / np.sqrt(f))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1., shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """Skip-gram word pairs with labels: 1 for words within a window, 0 for random negatives.

    Uses Python's ``random`` module as Keras did: call ``random.seed(...)`` first to reproduce
    Keras's pairs. Index 0 is a non-word and is skipped.

    Args:
        sequence: list of word indices.
        vocabulary_size: largest word index + 1.
        window_size: half-width of the context window.
        negative_samples: number of negatives per positive pair (0 for none).
        shuffle: shuffle the pairs (and labels, in the same order).
        categorical: labels as ``[0, 1]`` / ``[1, 0]`` instead of 1 / 0.
        sampling_table: per-rank keep probabilities (see :func:`make_sampling_table`).
        seed: seed of the shuffle.

    Returns:
        ``(couples, labels)``: lists of ``[word, context]`` pairs and their labels.

    Example:
        >>> couples, labels = skipgrams([1, 2, 3], vocabulary_size=4, window_size=1)
    """
    couples = []
    labels = []
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < random.random():
            continue
        window_start = max(0, i - window_size)
        window_end = min(len(sequence), i + window_size + 1)
        for j in range(window_start, window_end):
            if j == i:
                continue
            wj = sequence[j]
            if not wj:
                continue
            couples.append([wi, wj])
            labels.append([0, 1] if categorical else 1)
    if negative_samples > 0:
        num_negative = int(len(labels) * negative_samples)
        words = [c[0] for c in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, vocabulary_size - 1)]
                    for i in range(num_negative)]
        labels += [[1, 0] if categorical else 0 for _ in range(num_negative)]
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10 ** 7)
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels


def _remove_long_seq(maxlen, seq, label):
    """Keep the (sequence, label) pairs whose sequence is shorter than ``maxlen``."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


def _positive_int(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError("`%s`: `%s` must be a positive integer. Received: %s=%r"
                         % (owner, name, name, value))


class TimeseriesGenerator(Sequence):
    """Batches of fixed-length windows over a time series, with the target that follows each window.

    Sample ``k`` ends just before row ``r = start_index + length + k * stride`` and holds rows
    ``r - length, r - length + sampling_rate, ...``; its target is ``targets[r]``.

    Args:
        data: array (or list) of time steps, axis 0 is time.
        targets: targets of the time steps, same length as ``data``.
        length: window length in time steps.
        sampling_rate: period between time steps within a window.
        stride: period between the ends of successive windows.
        start_index: first row that may be used (rows before it are never used).
        end_index: last row that may be a target (default ``len(data) - 1``).
        shuffle: draw window ends at random (``np.random``) instead of in order.
        reverse: windows in reverse chronological order.
        batch_size: windows per batch (the last batch may be smaller).

    Example:
        >>> data = np.arange(50).reshape(50, 1)
        >>> gen = TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
        >>> x, y = gen[0]          # x: (2, 5, 1), y: (2, 1)
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        if len(data) != len(targets):
            raise ValueError("`TimeseriesGenerator`: data and targets must have the same length. "
                             "Data length is %d while target length is %d." % (len(data), len(targets)))
        for name, value in (("length", length), ("sampling_rate", sampling_rate), ("stride", stride),
                            ("batch_size", batch_size)):
            _positive_int("TimeseriesGenerator", name, value)
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        if end_index is None:
            end_index = len(data) - 1
        self.end_index = end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError("`TimeseriesGenerator`: `start_index+length=%d > end_index=%d` is "
                             "disallowed, as no part of the sequence would be left to be used as "
                             "current step." % (self.start_index, self.end_index))

    def __len__(self):
        return ((self.end_index - self.start_index + self.batch_size * self.stride)
                // (self.batch_size * self.stride))

    def __getitem__(self, index):
        data = np.asarray(self.data)
        targets = np.asarray(self.targets)
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride, self.end_index + 1),
                             self.stride)
        samples = np.empty([len(rows), self.length // self.sampling_rate] + list(data.shape[1:]))
        batch_targets = np.empty([len(rows)] + list(targets.shape[1:]))
        for j, row in enumerate(rows):
            samples[j] = data[np.arange(row - self.length, row, self.sampling_rate)]
            batch_targets[j] = targets[row]
        if self.reverse:
            return samples[:, ::-1, ...], batch_targets
        return samples, batch_targets

    def get_config(self):
        """The generator's configuration (data and targets as JSON strings), as keras_preprocessing.

        ``start_index`` is stored as Keras stores it: already including ``length``.
        """
        def to_json(name, value):
            if isinstance(value, np.ndarray):
                value = value.tolist()
            try:
                return json.dumps(value)
            except TypeError as e:
                raise TypeError("`TimeseriesGenerator.get_config`: %s is not JSON serializable (%s)."
                                % (name, e))
        return {
            'data': to_json('data', self.data),
            'targets': to_json('targets', self.targets),
            'length': self.length,
            'sampling_rate': self.sampling_rate,
            'stride': self.stride,
            'start_index': self.start_index,
            'end_index': self.end_index,
            'shuffle': self.shuffle,
            'reverse': self.reverse,
            'batch_size': self.batch_size,
        }

    def to_json(self, **kwargs):
        """JSON string ``{"class_name": "TimeseriesGenerator", "config": ...}``; kwargs go to json.dumps."""
        return json.dumps({'class_name': self.__class__.__name__, 'config': self.get_config()},
                          **kwargs)
