"""Keras 1.2.2's ``keras.applications.music_tagger_crnn`` and ``audio_conv_utils``.

References (``compat_tests/fixtures/make_music_tagger_fixture.py``): ``architecture.json`` is the
1.2.2 network built with tf-keras 2.21's layers (names, classes, weight shapes, output shapes,
parameter count); ``melgram.npz`` is librosa's log mel-spectrogram of two fixed signals, computed as
Keras 1.2.2 asked librosa 0.4/0.5 for it. Loading the real 'msd' weight files needs the internet
and is not tested here; the download arguments and the loading call are.
"""
import json
import os
import sys

import numpy as np
import pytest

import torkeras
from torkeras import backend as K
from torkeras.engine.training import Model
from torkeras.legacy import audio_conv_utils, music_tagger_crnn
from torkeras.legacy.audio_conv_utils import TAGS, decode_predictions, preprocess_input
from torkeras.legacy.music_tagger_crnn import MusicTaggerCRNN

FIX = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "compat_tests",
                   "fixtures", "music_tagger")
with open(os.path.join(FIX, "architecture.json")) as _f:
    ARCH = json.load(_f)["cases"]


def _shape(s):
    return [None if d is None else int(d) for d in s]


def _build(ordering, **kwargs):
    K.clear_session()
    old = K.image_data_format()
    K.set_image_data_format("channels_first" if ordering == "th" else "channels_last")
    try:
        return MusicTaggerCRNN(**kwargs)
    finally:
        K.set_image_data_format(old)


@pytest.mark.parametrize("case", sorted(ARCH))
def test_architecture_matches_keras_122(case):
    ref = ARCH[case]
    model = _build(ref["dim_ordering"], weights=None, include_top=ref["include_top"])
    assert model.name == ref["name"]
    assert _shape(model.input_shape) == ref["input_shape"]
    assert _shape(model.output_shape) == ref["output_shape"]
    assert model.count_params() == ref["count_params"]
    rows = [[l.name, type(l).__name__, [list(w.shape) for w in l.get_weights()],
             _shape(l.output_shape)] for l in model.layers]
    assert len(rows) == len(ref["layers"])
    for got, want in zip(rows, ref["layers"]):
        assert got == want


def test_predicts_tag_probabilities():
    model = _build("tf", weights=None)
    x = np.random.RandomState(0).randn(1, 96, 1366, 1).astype("float32")
    y = model.predict(x)
    assert y.shape == (1, 50) and np.all((y > 0) & (y < 1))
    assert len(decode_predictions(y)[0]) == 5


def test_input_tensor_and_headless():
    K.clear_session()
    inp = torkeras.layers.Input(shape=(96, 1366, 1))
    model = MusicTaggerCRNN(weights=None, input_tensor=inp, include_top=False)
    assert model.inputs[0] is inp and model.output_shape == (None, 32)
    with pytest.raises(TypeError, match="input_tensor"):
        MusicTaggerCRNN(weights=None, input_tensor=np.zeros((1, 96, 1366, 1)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="msd"):
        MusicTaggerCRNN(weights="imagenet")
    with pytest.raises(ValueError, match="classes"):
        MusicTaggerCRNN(weights="msd", classes=10)


@pytest.mark.parametrize("ordering,fname", [
    ("tf", "music_tagger_crnn_weights_tf_kernels_tf_dim_ordering.h5"),
    ("th", "music_tagger_crnn_weights_tf_kernels_th_dim_ordering.h5")])
def test_msd_weights_download_and_load(ordering, fname, tmp_path, monkeypatch):
    source = _build(ordering, weights=None)
    path = str(tmp_path / "w.h5")
    source.save_weights(path)
    calls, loads = [], []

    def fake_get_file(name, origin, **kwargs):
        calls.append((name, origin, kwargs))
        return path
    real_load = Model.load_weights

    def spy_load(self, filepath, **kwargs):
        loads.append((filepath, kwargs))
        return real_load(self, filepath, **kwargs)
    monkeypatch.setattr(music_tagger_crnn, "get_file", fake_get_file)
    monkeypatch.setattr(Model, "load_weights", spy_load)
    model = _build(ordering, weights="msd")
    url = ("https://github.com/fchollet/deep-learning-models/releases/download/v0.3/" + fname)
    assert calls == [(fname, url, {"cache_subdir": "models"})]
    assert url == (music_tagger_crnn.TF_WEIGHTS_PATH if ordering == "tf"
                   else music_tagger_crnn.TH_WEIGHTS_PATH)
    assert loads == [(path, {"by_name": True, "original_backend": "tensorflow"})]
    for a, b in zip(model.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------------------ audio_conv_utils
def test_log_melgram_matches_librosa():
    with np.load(os.path.join(FIX, "melgram.npz")) as f:
        signals, expected = f["signals"], f["melgram"]
    for src, want in zip(signals, expected):
        got = audio_conv_utils._log_melgram(src)
        assert got.shape == want.shape == (96, 94) and got.dtype == np.float32
        np.testing.assert_allclose(got, want, atol=1e-3, rtol=0)
    assert (expected[0] == expected[0].max() - 80.0).any()   # the 80 dB floor was exercised


def test_fit_duration_pads_at_the_end_and_cuts_around_the_center():
    src = np.arange(10, dtype=np.float32)
    np.testing.assert_array_equal(audio_conv_utils._fit_duration(src, 13),
                                  np.concatenate([src, np.zeros(3, np.float32)]))
    np.testing.assert_array_equal(audio_conv_utils._fit_duration(src, 4), src[3:7])
    np.testing.assert_array_equal(audio_conv_utils._fit_duration(src, 5), src[2:7])
    assert audio_conv_utils._fit_duration(src, 10) is src


class _FakeLibrosa(object):
    """Stands in for librosa's audio reader: returns a signal the test chose."""

    def __init__(self, signal):
        self.signal = signal
        self.calls = []

    def load(self, path, sr=None):
        self.calls.append((path, sr))
        return self.signal, sr


def test_preprocess_input_shapes_and_orderings(monkeypatch):
    with np.load(os.path.join(FIX, "melgram.npz")) as f:
        short = f["signals"][1]                       # 2 s: zero-padded to 29.12 s
    fake = _FakeLibrosa(short)
    monkeypatch.setitem(sys.modules, "librosa", fake)
    tf_x = preprocess_input("song.mp3", dim_ordering="tf")
    th_x = preprocess_input("song.mp3", dim_ordering="th")
    assert fake.calls == [("song.mp3", 12000)] * 2
    assert tf_x.shape == (96, 1366, 1) and th_x.shape == (1, 96, 1366)
    np.testing.assert_array_equal(tf_x[:, :, 0], th_x[0])
    padded = np.concatenate([short, np.zeros(int(29.12 * 12000) - len(short), np.float32)])
    np.testing.assert_array_equal(tf_x[:, :, 0], audio_conv_utils._log_melgram(padded))
    assert preprocess_input("song.mp3").shape == (96, 1366, 1)   # 'default': K's ordering
    with pytest.raises(ValueError, match="dim_ordering"):
        preprocess_input("song.mp3", dim_ordering="channels_last")


def test_preprocess_input_without_librosa_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "librosa", None)   # makes `import librosa` fail
    assert audio_conv_utils.librosa_exists() is False
    with pytest.raises(ImportError, match="pip install librosa"):
        preprocess_input("song.mp3")


def test_decode_predictions():
    preds = np.zeros((2, 50), np.float32)
    preds[0, [3, 10, 49]] = [0.9, 0.5, 0.7]
    preds[1, :] = 0.25
    preds[1, 20] = 0.3
    out = decode_predictions(preds, top_n=3)
    assert [[t for t, _ in row] for row in out] == [["indie", "happy", "beautiful"],
                                                    ["folk", "rock", "pop"]]
    assert [float(s) for _, s in out[0]] == [preds[0, 3], preds[0, 49], preds[0, 10]]
    assert len(decode_predictions(preds)[0]) == 5 and decode_predictions(preds, 0) == [[], []]
    assert [t for t, _ in decode_predictions(preds[:1], top_n=50)[0]][3:] == \
        [t for t in TAGS if t not in ("indie", "happy", "beautiful")]
    with pytest.raises(ValueError, match="shape \\(2, 49\\)"):
        decode_predictions(preds[:, :49])
    with pytest.raises(ValueError, match="top_n"):
        decode_predictions(preds, top_n=-1)
    assert len(TAGS) == 50 and len(set(TAGS)) == 50
