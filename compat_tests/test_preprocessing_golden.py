"""keras.preprocessing against goldens from keras_preprocessing 1.0.5, the code Keras 2.2.4 ran
(``compat_tests/fixtures/make_preprocessing_fixtures.py``). Every random draw is seeded the way the
fixture script seeded it, so equal outputs mean equal draws in the same order."""
import json
import os
import random
import warnings

import numpy as np
import pytest

from torkeras.preprocessing import image, sequence, text

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "preprocessing")


def _load(name):
    with np.load(os.path.join(FIX, name + ".npz")) as data:
        return {k: data[k] for k in data.files}


IMG = _load("image")
SEQ = _load("sequence")
TXT = _load("text")


def _json(arrays, key):
    return json.loads(str(arrays[key]))


def _close(actual, expected, atol=1e-5):
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=atol)


# ----------------------------------------------------------------------------- image
@pytest.mark.parametrize("name,kwargs", _json(IMG, "affine_cases"), ids=lambda v: v if isinstance(v, str) else "")
def test_apply_affine_transform(name, kwargs):
    x = IMG["affine_x"]
    if kwargs.get("channel_axis") == 0:
        x = x.transpose(2, 0, 1)
    _close(image.apply_affine_transform(x, **kwargs), IMG["affine_" + name])


def test_random_helpers_draw_like_keras():
    chw = IMG["affine_x"].transpose(2, 0, 1).copy()
    np.random.seed(1)
    _close(image.random_rotation(chw, 35), IMG["random_rotation"])
    _close(image.random_shift(chw, 0.2, 0.3, fill_mode="reflect"), IMG["random_shift"])
    _close(image.random_shear(chw, 20, fill_mode="constant", cval=0.3), IMG["random_shear"])
    _close(image.random_zoom(chw, (0.7, 1.3), fill_mode="wrap"), IMG["random_zoom"])
    _close(image.random_channel_shift(chw, 0.5), IMG["random_channel_shift"])


def test_brightness_is_keras_pil_round_trip():
    img = IMG["affine_x"]
    np.random.seed(2)
    _close(image.random_brightness(img * 3 - 1, (0.2, 1.8)), IMG["random_brightness"], atol=0)
    _close(image.apply_brightness_shift(img[:, :, :1], 1.3), IMG["brightness_gray"], atol=0)
    _close(image.apply_brightness_shift(IMG["brightness_rgba_x"], 0.6), IMG["brightness_rgba"], atol=0)


def _generator(kwargs):
    kwargs = dict(kwargs)
    if kwargs.get("preprocessing_function") == "square":
        kwargs["preprocessing_function"] = np.square
    return image.ImageDataGenerator(**kwargs)


@pytest.mark.parametrize("name,kwargs", _json(IMG, "generator_cases"), ids=lambda v: v if isinstance(v, str) else "")
def test_seeded_flow_matches_keras(name, kwargs):
    gen = _generator(kwargs)
    x, y = IMG["flow_x"], np.arange(10)
    if kwargs.get("data_format") == "channels_first":
        x = x.transpose(0, 3, 1, 2)
    it = gen.flow(x, y, batch_size=4, seed=42)
    for k in range(2):
        bx, by = next(it)
        _close(bx, IMG["flow_%s_next%d_x" % (name, k)])
        np.testing.assert_array_equal(by, IMG["flow_%s_next%d_y" % (name, k)])
    it = gen.flow(x, y, batch_size=4, seed=42)
    for k in (2, 0):
        bx, by = it[k]
        _close(bx, IMG["flow_%s_item%d_x" % (name, k)])
        np.testing.assert_array_equal(by, IMG["flow_%s_item%d_y" % (name, k)])
    np.random.seed(9)
    params = gen.get_random_transform(x.shape[1:])
    expected = _json(IMG, "params_" + name)
    assert sorted(params) == sorted(expected)
    for key, value in expected.items():
        if value is None:
            assert params[key] is None, key
        else:
            assert float(params[key]) == pytest.approx(value, rel=1e-12, abs=1e-12), key


def test_flow_sample_weight_extra_inputs_subsets_and_no_labels():
    gen = image.ImageDataGenerator(rotation_range=10, validation_split=0.3)
    x, labels, sw = IMG["flow_x"], IMG["flow_labels"], IMG["flow_sample_weight"]
    bx, by, bw = next(gen.flow(x, labels, batch_size=3, sample_weight=sw, seed=4))
    _close(bx, IMG["flow_sw_x"])
    np.testing.assert_array_equal(by, IMG["flow_sw_y"])
    _close(bw, IMG["flow_sw_w"])
    (bx, bmisc), by = next(gen.flow((x, IMG["flow_misc_extra"]), labels, batch_size=4, seed=6))
    _close(bx, IMG["flow_misc_x"])
    np.testing.assert_array_equal(bmisc, IMG["flow_misc_misc"])
    np.testing.assert_array_equal(by, IMG["flow_misc_y"])
    for subset in ("training", "validation"):
        bx, by = gen.flow(x, labels, batch_size=10, seed=8, subset=subset)[0]
        _close(bx, IMG["flow_%s_x" % subset])
        np.testing.assert_array_equal(by, IMG["flow_%s_y" % subset])
    _close(next(gen.flow(x, batch_size=4, shuffle=False, seed=1)), IMG["flow_noy_x"])


@pytest.mark.parametrize("name,kwargs,fit_kwargs", _json(IMG, "fit_cases"), ids=lambda v: v if isinstance(v, str) else "")
def test_fit_and_standardize(name, kwargs, fit_kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ZCA overrides featurewise settings with a warning
        gen = image.ImageDataGenerator(**kwargs)
    data = IMG["fit_x"]
    if kwargs.get("data_format") == "channels_first":
        data = data.transpose(0, 3, 1, 2)
    gen.fit(data, **fit_kwargs)
    checked = 0
    for attr in ("mean", "std", "principal_components"):
        key = "fit_%s_%s" % (name, attr)
        if key in IMG:
            _close(getattr(gen, attr), IMG[key], atol=2e-4 if attr == "principal_components" else 1e-5)
            checked += 1
        else:
            assert getattr(gen, attr) is None
    assert checked
    _close(gen.standardize(np.copy(data[0])), IMG["fit_%s_standardized" % name], atol=2e-4)


def _write_directory(tmp_path):
    for k, rel in enumerate(_json(IMG, "dir_files")):
        path = tmp_path.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(IMG["dir_file_%d" % k].tobytes())
    return str(tmp_path)


@pytest.mark.parametrize("name,kwargs", _json(IMG, "dir_cases"), ids=lambda v: v if isinstance(v, str) else "")
def test_flow_from_directory_matches_keras(tmp_path, capsys, name, kwargs):
    root = _write_directory(tmp_path)
    gen = image.ImageDataGenerator(rotation_range=20, horizontal_flip=True, rescale=1. / 255,
                                   validation_split=0.34)
    it = gen.flow_from_directory(root, **kwargs)
    assert "Found %d images belonging to %d classes." % (it.samples, it.num_classes) in capsys.readouterr().out
    assert [f.replace(os.sep, "/") for f in it.filenames] == _json(IMG, "dir_%s_filenames" % name)
    np.testing.assert_array_equal(it.classes, IMG["dir_%s_classes" % name])
    assert it.class_indices == _json(IMG, "dir_%s_class_indices" % name)
    for k in range(2):
        batch = next(it)
        key = "dir_%s_next%d_" % (name, k)
        if key + "y" in IMG:
            _close(batch[0], IMG[key + "x"], atol=1e-4)
            _close(batch[1], IMG[key + "y"], atol=1e-4)
        else:
            _close(batch, IMG[key + "x"], atol=1e-4)


def test_load_img_and_img_to_array_match_keras(tmp_path):
    root = _write_directory(tmp_path)
    checked = 0
    for rel in _json(IMG, "dir_files"):
        for color_mode in ("rgb", "grayscale", "rgba"):
            key = "load_%s_%s" % (rel.split("/", 1)[1].replace("/", "_"), color_mode)
            if key not in IMG:
                continue
            path = os.path.join(root, *rel.split("/"))
            _close(image.img_to_array(image.load_img(path, color_mode=color_mode)), IMG[key], atol=0)
            checked += 1
    assert checked == 33


# ----------------------------------------------------------------------------- sequence
@pytest.mark.parametrize("name,kwargs", _json(SEQ, "pad_cases"), ids=lambda v: v if isinstance(v, str) else "")
def test_pad_sequences(name, kwargs):
    out = sequence.pad_sequences(_json(SEQ, "pad_sequences_input"), **kwargs)
    expected = SEQ["pad_" + name]
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)


def test_pad_sequences_vectors_and_strings():
    flat = SEQ["pad_vectors_input"]
    out = sequence.pad_sequences([flat[:3], flat[3:]], maxlen=4, padding="post", value=-1)
    np.testing.assert_array_equal(out, SEQ["pad_vectors"])
    out = sequence.pad_sequences([["a", "b"], ["c"]], maxlen=3, dtype=object, value="<pad>")
    np.testing.assert_array_equal(out.astype(str), SEQ["pad_strings"])


def test_make_sampling_table():
    np.testing.assert_array_equal(sequence.make_sampling_table(50), SEQ["sampling_table_50"])
    np.testing.assert_array_equal(sequence.make_sampling_table(12, sampling_factor=1e-2),
                                  SEQ["sampling_table_12"])


@pytest.mark.parametrize("name,seed,kwargs", _json(SEQ, "skipgram_cases"), ids=lambda v: v if isinstance(v, str) else "")
def test_skipgrams_with_seeded_random(name, seed, kwargs):
    if name == "sampling_table":
        kwargs = dict(kwargs, sampling_table=sequence.make_sampling_table(10, 0.05))
    random.seed(seed)
    couples, labels = sequence.skipgrams(SEQ["skipgram_sentence"].tolist(), 10, **kwargs)
    np.testing.assert_array_equal(np.array(couples, dtype="int64").reshape(-1, 2),
                                  SEQ["skipgram_%s_couples" % name])
    np.testing.assert_array_equal(np.array(labels, dtype="int64"), SEQ["skipgram_%s_labels" % name])
    assert random.random() == float(SEQ["skipgram_%s_after" % name])


@pytest.mark.parametrize("name,kwargs", _json(SEQ, "ts_cases"), ids=lambda v: v if isinstance(v, str) else "")
def test_timeseries_generator(name, kwargs):
    gen = sequence.TimeseriesGenerator(SEQ["ts_data"], SEQ["ts_targets"], **kwargs)
    assert len(gen) == int(SEQ["ts_%s_len" % name])
    np.random.seed(3)
    for k in sorted({0, 1, len(gen) - 1}):
        bx, by = gen[k]
        np.testing.assert_array_equal(bx, SEQ["ts_%s_%d_x" % (name, k)])
        np.testing.assert_array_equal(by, SEQ["ts_%s_%d_y" % (name, k)])
        assert bx.dtype == SEQ["ts_%s_%d_x" % (name, k)].dtype
    assert gen.get_config() == _json(SEQ, "ts_%s_config" % name)


# ----------------------------------------------------------------------------- text
TEXTS = _json(TXT, "texts")


def test_text_to_word_sequence_and_hashing():
    assert [text.text_to_word_sequence(t) for t in TEXTS] == _json(TXT, "word_sequences")
    assert [text.text_to_word_sequence(t, filters="aeiou", lower=False, split="t")
            for t in TEXTS] == _json(TXT, "word_sequences_custom")
    assert [text.hashing_trick(t, 17, hash_function="md5") for t in TEXTS] == _json(TXT, "hashing_md5")
    assert [text.hashing_trick(t, 5, hash_function="md5", lower=False)
            for t in TEXTS] == _json(TXT, "hashing_md5_nolower")


@pytest.mark.parametrize("name,kwargs", _json(TXT, "tokenizer_cases"), ids=lambda v: v if isinstance(v, str) else "")
def test_tokenizer(name, kwargs):
    tok = text.Tokenizer(**kwargs)
    tok.fit_on_texts(TEXTS)
    prefix = "tok_%s_" % name
    assert tok.word_index == _json(TXT, prefix + "word_index")
    assert [list(kv) for kv in tok.word_counts.items()] == _json(TXT, prefix + "word_counts")
    assert sorted(map(list, tok.word_docs.items())) == _json(TXT, prefix + "word_docs")
    assert sorted(map(list, tok.index_docs.items())) == _json(TXT, prefix + "index_docs")
    probe = _json(TXT, "probe")
    seqs = tok.texts_to_sequences(probe)
    assert seqs == _json(TXT, prefix + "sequences")
    assert tok.sequences_to_texts(seqs + [[1, 2, 99, 3]]) == _json(TXT, prefix + "texts")
    for mode in ("binary", "count", "tfidf", "freq"):
        np.testing.assert_array_equal(tok.texts_to_matrix(probe, mode=mode), TXT[prefix + "matrix_" + mode])
    ours, theirs = json.loads(tok.to_json()), json.loads(str(TXT[prefix + "json"]))
    assert ours["class_name"] == theirs["class_name"] == "Tokenizer"
    assert sorted(ours["config"]) == sorted(theirs["config"])
    for key, value in theirs["config"].items():
        if key in ("word_counts", "word_docs", "index_docs", "index_word", "word_index"):
            assert json.loads(ours["config"][key]) == json.loads(value), key
        else:
            assert ours["config"][key] == value, key
    restored = text.tokenizer_from_json(str(TXT[prefix + "json"]))
    assert restored.texts_to_sequences(probe) == _json(TXT, prefix + "sequences")


def test_fit_on_sequences_matrix_and_token_lists():
    tok = text.Tokenizer(num_words=8)
    seqs = _json(TXT, "seq_fit_input")
    tok.fit_on_sequences(seqs)
    for mode in ("binary", "count", "tfidf", "freq"):
        np.testing.assert_array_equal(tok.sequences_to_matrix(seqs, mode=mode), TXT["seq_fit_matrix_" + mode])
    tok = text.Tokenizer()
    tok.fit_on_texts([["Hello", "World"], ["hello", "again"]])
    assert tok.word_index == _json(TXT, "token_lists_word_index")
