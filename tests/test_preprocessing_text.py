"""keras.preprocessing.text: semantics, Keras-1 wiring and bad input (Keras goldens: compat_tests)."""
import json
import warnings
from collections import OrderedDict, defaultdict

import numpy as np
import pytest

from torkeras.legacy import keras1
from torkeras.preprocessing.text import (Tokenizer, hashing_trick, one_hot, text_to_word_sequence,
                                         tokenizer_from_json)

TEXTS = ["The cat sat.", "The dog sat on the cat!", "a bird"]


def test_text_to_word_sequence():
    assert text_to_word_sequence("Hello, World!  again") == ["hello", "world", "again"]
    assert text_to_word_sequence("a-b c", filters="", lower=False, split="-") == ["a", "b c"]


def test_one_hot_and_hashing_trick_ranges():
    idx = one_hot("the cat the", 7)
    assert len(idx) == 3 and idx[0] == idx[2] and all(1 <= i < 7 for i in idx)
    md5 = hashing_trick("the cat the", 7, hash_function="md5")
    assert md5 == hashing_trick("The CAT the", 7, hash_function="md5")
    assert hashing_trick("ab cd", 3, hash_function=len) == [len("ab") % 2 + 1, len("cd") % 2 + 1]
    with pytest.raises(ValueError, match="hash_function"):
        hashing_trick("a", 5, hash_function="sha1")
    with pytest.raises(ValueError, match="n"):
        hashing_trick("a", 1)


def test_tokenizer_index_by_count_then_first_seen():
    tok = Tokenizer()
    tok.fit_on_texts(iter(TEXTS))
    assert tok.document_count == 3
    assert isinstance(tok.word_counts, OrderedDict) and isinstance(tok.word_docs, defaultdict)
    assert isinstance(tok.index_docs, defaultdict)
    assert list(tok.word_index)[:3] == ["the", "cat", "sat"]
    assert tok.word_index["the"] == 1 and tok.index_word[1] == "the"
    assert tok.word_counts["the"] == 3 and tok.word_docs["the"] == 2
    assert tok.index_docs[tok.word_index["cat"]] == 2
    assert tok.texts_to_sequences(["the cat flew"]) == [[1, 2]]


def test_tokenizer_num_words_oov_and_back_to_text():
    tok = Tokenizer(num_words=3, oov_token="?")
    tok.fit_on_texts(TEXTS)
    assert tok.word_index["?"] == 1
    seqs = tok.texts_to_sequences(["the cat sat zebra"])
    assert seqs == [[2, 1, 1, 1]]
    assert tok.sequences_to_texts(seqs) == ["the ? ? ?"]
    assert list(tok.texts_to_sequences_generator(["the"])) == [[2]]


def test_tokenizer_char_level_and_token_lists():
    tok = Tokenizer(char_level=True)
    tok.fit_on_texts(["abA"])
    assert tok.word_index == {"a": 1, "b": 2}
    tok = Tokenizer()
    tok.fit_on_texts([["New", "York"], ["new"]])
    assert tok.word_index == {"new": 1, "york": 2}


def test_texts_to_matrix_modes_from_counts():
    tok = Tokenizer()
    tok.fit_on_texts(TEXTS)
    probe = ["the the cat"]
    count = tok.texts_to_matrix(probe, mode="count")
    assert count.shape == (1, len(tok.word_index) + 1)
    assert count[0, 1] == 2 and count[0, 2] == 1 and count.sum() == 3
    np.testing.assert_array_equal(tok.texts_to_matrix(probe, mode="binary"), (count > 0).astype(float))
    np.testing.assert_allclose(tok.texts_to_matrix(probe, mode="freq"), count / 3)
    tfidf = tok.texts_to_matrix(probe, mode="tfidf")
    docs = tok.document_count
    expected = (1 + np.log(2)) * np.log(1 + docs / (1 + tok.index_docs[1]))
    assert tfidf[0, 1] == expected
    assert tok.texts_to_matrix([""], mode="tfidf").sum() == 0


def test_sequences_to_matrix_errors():
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="tfidf"):
        Tokenizer(num_words=4).sequences_to_matrix([[1]], mode="tfidf")
    tok = Tokenizer(num_words=4)
    with pytest.raises(ValueError, match="'onehot'"):
        tok.sequences_to_matrix([[1]], mode="onehot")
    tok.fit_on_sequences([[1, 1, 2], [3]])
    assert tok.document_count == 2 and tok.index_docs[1] == 1
    np.testing.assert_array_equal(tok.sequences_to_matrix([[1, 1, 9]], mode="count"), [[0, 2, 0, 0]])


def test_tokenizer_json_round_trip():
    tok = Tokenizer(num_words=10, oov_token="<unk>", lower=False)
    tok.fit_on_texts(TEXTS)
    payload = json.loads(tok.to_json())
    assert payload["class_name"] == "Tokenizer"
    assert set(payload["config"]) == {"num_words", "filters", "lower", "split", "char_level",
                                      "oov_token", "document_count", "word_counts", "word_docs",
                                      "index_docs", "index_word", "word_index"}
    back = tokenizer_from_json(tok.to_json())
    assert back.word_index == tok.word_index and back.index_word == tok.index_word
    assert back.texts_to_sequences(["The cat zebra"]) == tok.texts_to_sequences(["The cat zebra"])
    np.testing.assert_array_equal(back.texts_to_matrix(TEXTS, "tfidf"), tok.texts_to_matrix(TEXTS, "tfidf"))
    with pytest.raises(ValueError, match="config"):
        tokenizer_from_json("[1, 2]")


def test_tokenizer_bad_arguments():
    with pytest.raises(TypeError, match="unrecognized keyword arguments: \\['nb_wordz'\\]"):
        Tokenizer(nb_wordz=3)
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer(num_words=-2)


def test_keras1_nb_words_goes_through_the_legacy_table(monkeypatch):
    assert ("Tokenizer", "nb_words", "num_words") in keras1.table_rows()
    keras1._reset_warnings_for_tests()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tok = Tokenizer(nb_words=7)
    assert tok.num_words == 7
    assert any("num_words=7" in str(w.message) for w in caught)
    keras1._reset_warnings_for_tests()
