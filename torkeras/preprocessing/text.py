"""Text preprocessing (``keras.preprocessing.text``).

Behaviour follows Keras 2.2.4, whose implementation lived in ``keras_preprocessing`` 1.0.5
(``keras_preprocessing/text.py``): the same tokenization, the same word index order (by count, ties
in first-seen order), the same ``texts_to_matrix`` modes with Keras's tf-idf formula
``(1 + log(count)) * log(1 + document_count / (1 + document_frequency))``, and the same JSON config.
Keras-1 spellings (``Tokenizer(nb_words=...)``) are translated by :mod:`torkeras.legacy.keras1`.
"""
import json
import numbers
from collections import OrderedDict, defaultdict
from hashlib import md5

import numpy as np

from ..legacy.keras1 import legacy_interface

_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_MODES = ('binary', 'count', 'tfidf', 'freq')


def text_to_word_sequence(text, filters=_FILTERS, lower=True, split=" "):
    """Split a text into a list of words.

    Args:
        text: the string.
        filters: characters replaced by ``split`` before splitting (default: punctuation, tab and
            newline, without the apostrophe).
        lower: lowercase the text first.
        split: the word separator.

    Returns:
        List of non-empty words.

    Example:
        >>> text_to_word_sequence("Hello, world!")
        ['hello', 'world']
    """
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in text.split(split) if w]


def one_hot(text, n, filters=_FILTERS, lower=True, split=' '):
    """Word indices in ``[1, n)`` from Python's ``hash`` (not stable across processes).

    Args:
        text: the string.
        n: size of the hashing space.
        filters, lower, split: as :func:`text_to_word_sequence`.

    Returns:
        List of integers (different words may share one).

    Example:
        >>> one_hot("the cat sat", 10)
    """
    return hashing_trick(text, n, hash_function=hash, filters=filters, lower=lower, split=split)


def _md5_hash(word):
    return int(md5(word.encode()).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=_FILTERS, lower=True, split=' '):
    """Word indices ``hash(word) % (n - 1) + 1`` (0 stays free for padding).

    Args:
        text: the string.
        n: size of the hashing space.
        hash_function: ``None`` (Python's ``hash``, not stable across processes), ``'md5'``
            (stable) or a function from a string to an int.
        filters, lower, split: as :func:`text_to_word_sequence`.

    Returns:
        List of integers.

    Example:
        >>> hashing_trick("the cat sat", 10, hash_function='md5')
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == 'md5':
        hash_function = _md5_hash
    elif not callable(hash_function):
        raise ValueError("hashing_trick: `hash_function` must be None, 'md5' or a function from a string "
                         "to an int. Received: %r" % (hash_function,))
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError("hashing_trick: `n` must be an integer >= 2. Received: n=%r" % (n,))
    words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [hash_function(w) % (n - 1) + 1 for w in words]


class Tokenizer(object):
    """Turns texts into sequences of word indices or into word-count matrices.

    Index 0 is reserved; the most frequent word is 1. Words tie in the order they were first seen.

    Args:
        num_words: keep only the ``num_words - 1`` most frequent words when converting (indices
            ``< num_words``); ``None`` keeps all.
        filters: characters removed from texts (default: punctuation, tab and newline, without ``'``).
        lower: lowercase texts.
        split: word separator.
        char_level: every character is a token.
        oov_token: if given, it gets an index and replaces unknown words in ``texts_to_sequences``.
        document_count: initial number of documents (used when restoring from a config).

    Example:
        >>> tok = Tokenizer(num_words=100)
        >>> tok.fit_on_texts(["the cat sat", "the dog"])
        >>> tok.texts_to_sequences(["the dog sat"])
        [[1, 4, 3]]
    """

    @legacy_interface("Tokenizer")
    def __init__(self, num_words=None, filters=_FILTERS, lower=True, split=' ', char_level=False,
                 oov_token=None, document_count=0, **kwargs):
        if kwargs:
            raise TypeError("`Tokenizer` got unrecognized keyword arguments: %s. Known arguments: "
                            "num_words, filters, lower, split, char_level, oov_token, document_count."
                            % (sorted(kwargs),))
        if num_words is not None and (isinstance(num_words, bool)
                                      or not isinstance(num_words, numbers.Integral) or num_words < 0):
            raise ValueError("`Tokenizer`: `num_words` must be None or a non-negative integer. "
                             "Received: num_words=%r" % (num_words,))
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = defaultdict(int)
        self.word_index = dict()
        self.index_word = dict()

    def _tokens(self, text):
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts):
        """Update the vocabulary from texts (strings, or lists of tokens).

        Args:
            texts: list or generator of strings, or list of lists of tokens.
        """
        for text in texts:
            self.document_count += 1
            seq = self._tokens(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        counts = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary.extend(w for w, _ in counts)
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences):
        """Update document frequencies from sequences of word indices (for ``sequences_to_matrix``).

        Args:
            sequences: list of lists of word indices.
        """
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts):
        """List of word-index sequences, one per text (see :meth:`texts_to_sequences_generator`)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Yield one word-index sequence per text.

        Words outside the vocabulary, or with index ``>= num_words``, are dropped, or replaced by the
        ``oov_token``'s index when one is set.
        """
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            vect = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                if i is not None:
                    if num_words and i >= num_words:
                        if oov_index is not None:
                            vect.append(oov_index)
                    else:
                        vect.append(i)
                elif self.oov_token is not None:
                    vect.append(oov_index)
            yield vect

    def sequences_to_texts(self, sequences):
        """List of space-joined texts, one per sequence (see :meth:`sequences_to_texts_generator`)."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Yield the text of each sequence of word indices, with the same num_words/oov rules."""
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None:
                    if num_words and num >= num_words:
                        if oov_index is not None:
                            words.append(self.index_word[oov_index])
                    else:
                        words.append(word)
                elif self.oov_token is not None:
                    words.append(self.index_word[oov_index])
            yield ' '.join(words)

    def texts_to_matrix(self, texts, mode='binary'):
        """Matrix ``(len(texts), num_words)`` of the texts (see :meth:`sequences_to_matrix`)."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode='binary'):
        """Matrix ``(len(sequences), num_words)`` with one column per word index.

        Args:
            sequences: list of lists of word indices.
            mode: ``'binary'`` (1 if present), ``'count'``, ``'freq'`` (count / sequence length) or
                ``'tfidf'`` (``(1 + log(count)) * log(1 + documents / (1 + document frequency))``).

        Returns:
            float64 array.
        """
        if mode not in _MODES:
            raise ValueError("`Tokenizer.sequences_to_matrix`: unknown vectorization mode %r; expected "
                             "one of %s." % (mode, ", ".join(repr(m) for m in _MODES)))
        if not self.num_words:
            if not self.word_index:
                raise ValueError("Specify a dimension (num_words argument), or fit on some text data "
                                 "first.")
            num_words = len(self.word_index) + 1
        else:
            num_words = self.num_words
        if mode == 'tfidf' and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            if not seq:
                continue
            counts = defaultdict(int)
            for j in seq:
                if j < num_words:
                    counts[j] += 1
            for j, c in list(counts.items()):
                if mode == 'count':
                    x[i][j] = c
                elif mode == 'freq':
                    x[i][j] = c / len(seq)
                elif mode == 'binary':
                    x[i][j] = 1
                else:
                    tf = 1 + np.log(c)
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i][j] = tf * idf
        return x

    def get_config(self):
        """The configuration, with the count dictionaries as JSON strings (Keras's layout)."""
        return {
            'num_words': self.num_words,
            'filters': self.filters,
            'lower': self.lower,
            'split': self.split,
            'char_level': self.char_level,
            'oov_token': self.oov_token,
            'document_count': self.document_count,
            'word_counts': json.dumps(self.word_counts),
            'word_docs': json.dumps(self.word_docs),
            'index_docs': json.dumps(self.index_docs),
            'index_word': json.dumps(self.index_word),
            'word_index': json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """JSON string ``{"class_name": "Tokenizer", "config": ...}``; kwargs go to ``json.dumps``.

        Example:
            >>> restored = tokenizer_from_json(tok.to_json())
        """
        return json.dumps({'class_name': self.__class__.__name__, 'config': self.get_config()},
                          **kwargs)


def tokenizer_from_json(json_string):
    """A :class:`Tokenizer` from :meth:`Tokenizer.to_json`'s string.

    Args:
        json_string: the JSON text.

    Returns:
        The Tokenizer, with its counts and indices restored.

    Example:
        >>> tok2 = tokenizer_from_json(tok.to_json())
    """
    payload = json.loads(json_string)
    if not isinstance(payload, dict) or 'config' not in payload:
        raise ValueError("tokenizer_from_json: expected a JSON object with a 'config' entry (the output "
                         "of Tokenizer.to_json()). Received: %.80r" % (json_string,))
    config = dict(payload['config'])
    word_counts = json.loads(config.pop('word_counts'))
    word_docs = json.loads(config.pop('word_docs'))
    index_docs = {int(k): v for k, v in json.loads(config.pop('index_docs')).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop('index_word')).items()}
    word_index = json.loads(config.pop('word_index'))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = word_docs
    tokenizer.index_docs = index_docs
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer


# Keras 1.2.2 name (torkeras.legacy.preprocessing): Python 3's str.maketrans.
from ..legacy.preprocessing import maketrans  # noqa: E402,F401
