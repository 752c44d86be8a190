"""Processing shared by the IMDB and Reuters loaders (Keras 2.2.4 datasets/imdb.py, reuters.py)."""
import json

import numpy as np

from ..legacy import keras1
from ..preprocessing.sequence import _remove_long_seq
from ..utils._get_file import get_file


def legacy_num_words(loader, num_words, kwargs):
    """Apply the Keras-1 table to ``load_data``'s extra keyword arguments; return ``num_words``."""
    if not kwargs:
        return num_words
    given = dict(kwargs)
    if num_words is not None:
        given["num_words"] = num_words
    _, given = keras1.convert("load_data", (), given)
    num_words = given.pop("num_words", None)
    if given:
        raise TypeError("%s.load_data: unrecognized keyword arguments: %s" % (loader, sorted(given)))
    return num_words


def shuffled(seed, *arrays):
    """Seed numpy's *global* RNG (as Keras does) and apply one permutation to every array."""
    np.random.seed(seed)
    indices = np.arange(len(arrays[0]))
    np.random.shuffle(indices)
    return [a[indices] for a in arrays]


def index_words(xs, start_char, index_from):
    """Prepend ``start_char`` (unless None) and shift every word id by ``index_from``."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def limit_vocabulary(xs, num_words, skip_top, oov_char):
    """Ids outside ``[skip_top, num_words)`` become ``oov_char`` (or are dropped when it is None).

    With ``num_words`` None/0 the bound is the largest id present, which (as in Keras) is itself
    outside the half-open range.
    """
    if not num_words:
        num_words = max([max(x) for x in xs if len(x)] or [0])
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def sequence_array(xs):
    """A 1-D object array holding one Python list per sample (what Keras's arrays held)."""
    out = np.empty(len(xs), dtype=object)
    for i, x in enumerate(xs):
        out[i] = x
    return out


def process_and_split(xs, labels, split_at, num_words, skip_top, maxlen, start_char, oov_char,
                      index_from, require_kept):
    """Keras 2.2.4's common tail of imdb/reuters ``load_data``: mark, filter, cut the vocabulary,
    split at ``split_at(number of kept sequences)``."""
    xs = index_words(xs, start_char, index_from)
    if maxlen:
        xs, labels = _remove_long_seq(maxlen, xs, labels)
        if require_kept and not xs:
            raise ValueError("After filtering for sequences shorter than maxlen=%s, no sequence was "
                             "kept. Increase maxlen." % (maxlen,))
    xs = limit_vocabulary(xs, num_words, skip_top, oov_char)
    idx = split_at(len(xs))
    return ((sequence_array(xs[:idx]), np.array(labels[:idx])),
            (sequence_array(xs[idx:]), np.array(labels[idx:])))


def load_word_index(fname, origin, file_hash):
    """Fetch (or find in the cache) a word-index JSON file and return its dict."""
    path = get_file(fname, origin=origin, file_hash=file_hash)
    with open(path, encoding="utf8") as f:
        return json.load(f)
