"""IMDB movie-review sentiment (``keras.datasets.imdb``)."""
import numpy as np

from ..utils._get_file import get_file
from . import _sequences as seq
from ._safe_load import load_npz

ORIGIN = "https://s3.amazonaws.com/text-datasets/imdb.npz"
FILE_HASH = "599dadb1135973df5b59232a0e9a887c"
WORD_INDEX_ORIGIN = "https://s3.amazonaws.com/text-datasets/imdb_word_index.json"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """Load the IMDB reviews (25,000 train, 25,000 test) as lists of word ids, labels 0/1.

    Train and test are each shuffled with ``np.random.seed(seed)`` (numpy's global RNG). Word ids
    are shifted by ``index_from`` and each review starts with ``start_char``. Reviews with
    ``maxlen`` or more ids (counting ``start_char``) are dropped; ids outside
    ``[skip_top, num_words)`` become ``oov_char`` (or are removed when it is None). As in Keras the
    train/test boundary is the original train size, so ``maxlen`` filtering moves samples from test
    into train.

    Args:
        path: file name in the cache (``~/.keras/datasets/``).
        num_words: keep only the ``num_words - index_from`` most frequent words (None: all).
        skip_top: also replace the ids below ``skip_top`` (the most frequent words).
        maxlen: drop sequences of ``maxlen`` ids or more (None: keep all).
        seed: seed of the shuffle.
        start_char: id put at the start of every sequence (None: none).
        oov_char: id of cut-out words (None: drop them).
        index_from: offset added to every word id.
        **kwargs: Keras-1 spellings, translated by :mod:`torkeras.legacy.keras1`.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of lists of ints, int labels.

    Raises:
        ValueError: ``maxlen`` is so low that no sequence is kept.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=20000)  # doctest: +SKIP
    """
    num_words = seq.legacy_num_words("imdb", num_words, kwargs)
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    f = load_npz(path)
    x_train, labels_train = seq.shuffled(seed, f["x_train"], f["y_train"])
    # Keras draws the test permutation right after the train one, from the same seeded RNG.
    indices = np.arange(len(f["x_test"]))
    np.random.shuffle(indices)
    x_test, labels_test = f["x_test"][indices], f["y_test"][indices]

    n_train = len(x_train)  # Keras splits at the original train size, before maxlen filtering
    return seq.process_and_split(np.concatenate([x_train, x_test]),
                                 np.concatenate([labels_train, labels_test]), lambda n: n_train,
                                 num_words, skip_top, maxlen, start_char, oov_char, index_from,
                                 require_kept=True)


def get_word_index(path="imdb_word_index.json"):
    """Return the IMDB dictionary ``{word: id}`` (ids before the ``index_from`` shift).

    Args:
        path: file name in the cache (``~/.keras/datasets/``).

    Example:
        >>> index = imdb.get_word_index()  # doctest: +SKIP
    """
    return seq.load_word_index(path, WORD_INDEX_ORIGIN, WORD_INDEX_HASH)
