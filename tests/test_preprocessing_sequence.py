"""keras.preprocessing.sequence: semantics and bad input (Keras goldens: compat_tests)."""
import json
import random

import numpy as np
import pytest

from torkeras.preprocessing import sequence
from torkeras.preprocessing.sequence import (TimeseriesGenerator, make_sampling_table, pad_sequences,
                                             skipgrams)
from torkeras.utils.data_utils import Sequence


def test_pad_sequences_sides_and_value():
    seqs = [[1, 2, 3, 4], [5], []]
    out = pad_sequences(seqs, maxlen=3, padding="post", truncating="pre", value=9)
    np.testing.assert_array_equal(out, [[2, 3, 4], [5, 9, 9], [9, 9, 9]])
    out = pad_sequences(seqs, maxlen=3, padding="pre", truncating="post")
    np.testing.assert_array_equal(out, [[1, 2, 3], [0, 0, 5], [0, 0, 0]])
    assert out.dtype == np.int32
    out = pad_sequences(seqs, dtype="float32", value=0.5)
    assert out.shape == (3, 4) and out.dtype == np.float32 and out[1, 0] == 0.5


def test_pad_sequences_float_values_truncated_by_int_dtype():
    out = pad_sequences([[1.7, 2.2]], maxlen=2)
    np.testing.assert_array_equal(out, [[1, 2]])


def test_pad_sequences_maxlen_zero_and_empty_with_maxlen():
    assert pad_sequences([[1, 2], []], maxlen=0).shape == (2, 0)
    assert pad_sequences([], maxlen=4).shape == (0, 4)


@pytest.mark.parametrize("kwargs,match", [
    (dict(padding="middle"), "padding"),
    (dict(truncating="both"), "truncating"),
    (dict(value="x"), "dtype=object"),
    (dict(maxlen=-1), "maxlen"),
])
def test_pad_sequences_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pad_sequences([[1, 2]], **kwargs)


def test_pad_sequences_bad_sequences():
    with pytest.raises(ValueError, match="non-iterable"):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match="without a length"):
        pad_sequences(iter([[1]]))
    with pytest.raises(ValueError, match="empty"):
        pad_sequences([])
    with pytest.raises(ValueError, match="position 1"):
        pad_sequences([np.zeros((2, 3)), np.zeros((2, 4))])


def test_make_sampling_table_keeps_rare_words_more_often():
    table = make_sampling_table(200)
    assert table.shape == (200,)
    assert np.all(table > 0) and np.all(table <= 1)
    assert np.all(np.diff(table[1:]) >= 0)  # frequent (low-rank) words are kept less often


def test_skipgrams_pairs_and_labels():
    seq = [1, 2, 0, 3, 4]
    random.seed(0)
    couples, labels = skipgrams(seq, vocabulary_size=5, window_size=1, shuffle=False)
    positives = [c for c, l in zip(couples, labels) if l == 1]
    assert positives == [[1, 2], [2, 1], [3, 4], [4, 3]]
    negatives = [c for c, l in zip(couples, labels) if l == 0]
    assert len(negatives) == len(positives)
    assert all(c[0] in (1, 2, 3, 4) and 1 <= c[1] <= 4 for c in negatives)
    random.seed(0)
    couples, labels = skipgrams(seq, 5, window_size=1, negative_samples=0, categorical=True)
    assert sorted(map(tuple, couples)) == [(1, 2), (2, 1), (3, 4), (4, 3)]
    assert labels == [[0, 1]] * 4


def test_skipgrams_seed_makes_shuffle_reproducible():
    random.seed(1)
    a = skipgrams([1, 2, 3, 4, 5, 6], 7, seed=3)
    random.seed(1)
    b = skipgrams([1, 2, 3, 4, 5, 6], 7, seed=3)
    assert a == b


def test_remove_long_seq():
    seqs, labels = sequence._remove_long_seq(3, [[1], [1, 2, 3], [1, 2]], ["a", "b", "c"])
    assert seqs == [[1], [1, 2]] and labels == ["a", "c"]


def test_timeseries_generator_windows_built_from_the_data():
    data = np.arange(50).reshape(50, 1)
    gen = TimeseriesGenerator(data, data * 10, length=10, sampling_rate=2, batch_size=2)
    assert isinstance(gen, Sequence)
    assert len(gen) == 20
    x, y = gen[0]
    np.testing.assert_array_equal(x, [data[0:10:2], data[1:11:2]])
    np.testing.assert_array_equal(y, [data[10] * 10, data[11] * 10])
    x, y = gen[len(gen) - 1]
    np.testing.assert_array_equal(x[-1], data[39:49:2])
    assert sum(len(batch[0]) for batch in gen) == 40
    rev = TimeseriesGenerator(data, data, length=4, reverse=True, batch_size=1)
    np.testing.assert_array_equal(rev[0][0][0], data[3::-1])


def test_timeseries_generator_accepts_lists_and_round_trips_config():
    data = [[float(i)] for i in range(12)]
    gen = TimeseriesGenerator(data, list(range(12)), length=3, stride=2, start_index=1, end_index=10,
                              batch_size=2)
    x, y = gen[0]
    np.testing.assert_array_equal(x[:, :, 0], [[1, 2, 3], [3, 4, 5]])
    np.testing.assert_array_equal(y, [4, 6])
    payload = json.loads(gen.to_json())
    assert payload["class_name"] == "TimeseriesGenerator"
    assert json.loads(payload["config"]["data"]) == data
    assert payload["config"]["start_index"] == 4


def test_timeseries_generator_bad_input():
    with pytest.raises(ValueError, match="same length"):
        TimeseriesGenerator(np.zeros((5, 1)), np.zeros(4), length=2)
    with pytest.raises(ValueError, match="start_index"):
        TimeseriesGenerator(np.zeros((5, 1)), np.zeros(5), length=5)
    with pytest.raises(ValueError, match="batch_size"):
        TimeseriesGenerator(np.zeros((5, 1)), np.zeros(5), length=2, batch_size=0)
    with pytest.raises(ValueError, match="stride"):
        TimeseriesGenerator(np.zeros((5, 1)), np.zeros(5), length=2, stride=1.5)
