"""Reuters newswire topics (``keras.datasets.reuters``)."""
from ..utils._get_file import get_file
from . import _sequences as seq
from ._safe_load import load_npz

ORIGIN = "https://s3.amazonaws.com/text-datasets/reuters.npz"
FILE_HASH = "87aedbeb0cb229e378797a632c1997b6"
WORD_INDEX_ORIGIN = "https://s3.amazonaws.com/text-datasets/reuters_word_index.json"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """Load the Reuters newswires (11,228 wires, 46 topics) as lists of word ids.

    All wires are shuffled once with ``np.random.seed(seed)`` (numpy's global RNG), processed as in
    :func:`torkeras.datasets.imdb.load_data` (without the error when ``maxlen`` keeps nothing), then
    split at ``int(n * (1 - test_split))``.

    Args:
        path: file name in the cache (``~/.keras/datasets/``).
        num_words: keep only the most frequent words (None: all).
        skip_top: also replace the ids below ``skip_top``.
        maxlen: drop sequences of ``maxlen`` ids or more (None: keep all).
        test_split: fraction of the wires used as test data, in [0, 1].
        seed: seed of the shuffle.
        start_char: id put at the start of every sequence (None: none).
        oov_char: id of cut-out words (None: drop them).
        index_from: offset added to every word id.
        **kwargs: Keras-1 spellings, translated by :mod:`torkeras.legacy.keras1`.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of lists of ints, int labels.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)  # doctest: +SKIP
    """
    num_words = seq.legacy_num_words("reuters", num_words, kwargs)
    if not 0 <= test_split <= 1:
        raise ValueError("reuters.load_data: `test_split` must be in [0, 1]. Received: test_split=%r"
                         % (test_split,))
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    f = load_npz(path)
    xs, labels = seq.shuffled(seed, f["x"], f["y"])
    return seq.process_and_split(xs, labels, lambda n: int(n * (1 - test_split)), num_words,
                                 skip_top, maxlen, start_char, oov_char, index_from,
                                 require_kept=False)


def get_word_index(path="reuters_word_index.json"):
    """Return the Reuters dictionary ``{word: id}`` (ids before the ``index_from`` shift).

    Args:
        path: file name in the cache (``~/.keras/datasets/``).

    Example:
        >>> index = reuters.get_word_index()  # doctest: +SKIP
    """
    return seq.load_word_index(path, WORD_INDEX_ORIGIN, WORD_INDEX_HASH)
