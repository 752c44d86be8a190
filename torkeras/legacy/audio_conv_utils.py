"""``keras.applications.audio_conv_utils`` of Keras 1.2.2: mel-spectrogram input and tag decoding for
:func:`torkeras.legacy.music_tagger_crnn.MusicTaggerCRNN` (Keras-1 only; removed in Keras 2.0).

``preprocess_input`` needs librosa only to read and resample the audio file (imported when called;
an ImportError says ``pip install librosa`` when it is missing). The spectrogram math runs in torch
and reproduces what Keras 1.2.2 computed with librosa 0.4/0.5: ``melspectrogram(y, sr=12000,
n_fft=512, hop_length=256, n_mels=96)`` (centered frames, reflect padding, periodic Hann window,
Slaney mel filters with area normalization, power 2), squared once more by Keras, then
``logamplitude(S, ref_power=1.0)`` (``10 * log10(max(S, 1e-10))``, floored at 80 dB below the
maximum). ``compat_tests/fixtures/make_music_tagger_fixture.py melgram`` recorded librosa's numbers
for ``tests/test_music_tagger.py``.
"""
import math

import numpy as np
import torch

from .. import backend as K

__all__ = ["TAGS", "librosa_exists", "preprocess_input", "decode_predictions"]

#: The 50 tags of the Million Song Dataset model, in its output order (Keras 1.2.2).
TAGS = ["rock", "pop", "alternative", "indie", "electronic", "female vocalists", "dance", "00s",
        "alternative rock", "jazz", "beautiful", "metal", "chillout", "male vocalists",
        "classic rock", "soul", "indie rock", "Mellow", "electronica", "80s", "folk", "90s",
        "chill", "instrumental", "punk", "oldies", "blues", "hard rock", "ambient", "acoustic",
        "experimental", "female vocalist", "guitar", "Hip-Hop", "70s", "party", "country",
        "easy listening", "sexy", "catchy", "funk", "electro", "heavy metal", "Progressive rock",
        "60s", "rnb", "indie pop", "sad", "House", "happy"]

SR = 12000
N_FFT = 512
N_MELS = 96
HOP_LENGTH = 256
DURATION = 29.12
_AMIN = 1e-10
_TOP_DB = 80.0


def librosa_exists():
    """True when librosa can be imported (Keras 1.1.1-1.2.0 had this helper).

    Example:
        >>> librosa_exists() in (True, False)
        True
    """
    try:
        __import__("librosa")
    except ImportError:
        return False
    return True


def _import_librosa():
    try:
        import librosa
    except ImportError as e:
        raise ImportError("Librosa is required to read audio files for the music tagger "
                          "(keras.applications.audio_conv_utils.preprocess_input). Install it "
                          "with `pip install librosa` (see https://librosa.org).") from e
    return librosa


def _hz_to_mel(f):
    """Slaney's mel scale: linear below 1 kHz (3 mels per 200 Hz), logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    mel = f / (200.0 / 3)
    log_part = 15.0 + np.log(np.maximum(f, 1e-300) / 1000.0) / (math.log(6.4) / 27.0)
    return np.where(f >= 1000.0, log_part, mel)


def _mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    return np.where(m >= 15.0, 1000.0 * np.exp((math.log(6.4) / 27.0) * (m - 15.0)),
                    m * (200.0 / 3))


def _mel_filters(sr, n_fft, n_mels):
    """Triangular mel filters ``(n_mels, 1 + n_fft // 2)`` from 0 Hz to sr / 2, each scaled to
    unit area over its band (2 / bandwidth in Hz)."""
    bins = np.linspace(0.0, sr / 2.0, 1 + n_fft // 2)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(sr / 2.0), n_mels + 2))
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins[None, :] - lo) / (mid - lo)
    falling = (hi - bins[None, :]) / (hi - mid)
    tri = np.maximum(0.0, np.minimum(rising, falling))
    return tri * (2.0 / (edges[2:] - edges[:-2]))[:, None]


def _log_melgram(signal):
    """Keras 1.2.2's ``logamplitude(melspectrogram(...) ** 2, ref_power=1.0)`` of a mono signal.

    Returns ``(N_MELS, frames)`` float32, ``frames = 1 + len(signal) // HOP_LENGTH``.
    """
    y = torch.as_tensor(np.asarray(signal, dtype=np.float64))
    window = torch.hann_window(N_FFT, periodic=True, dtype=torch.float64)
    spec = torch.stft(y, N_FFT, hop_length=HOP_LENGTH, window=window, center=True,
                      pad_mode="reflect", return_complex=True)
    power = spec.real ** 2 + spec.imag ** 2
    mel = torch.as_tensor(_mel_filters(SR, N_FFT, N_MELS)) @ power
    db = 10.0 * torch.log10(torch.clamp(mel ** 2, min=_AMIN))   # ref_power=1.0: minus 0 dB
    db = torch.maximum(db, db.max() - _TOP_DB)
    return db.numpy().astype(np.float32)


def _fit_duration(src, n_wanted):
    """Zero-pad a short signal at the end; cut a long one around its center (Keras 1.2.2)."""
    n = src.shape[0]
    if n < n_wanted:
        return np.hstack((src, np.zeros((n_wanted - n,), dtype=src.dtype)))
    if n > n_wanted:
        return src[(n - n_wanted) // 2:(n + n_wanted) // 2]
    return src


def preprocess_input(audio_path, dim_ordering="default"):
    """Read an audio file and return the music tagger's log mel-spectrogram input.

    The audio is read at 12 kHz (librosa), cut around its center or zero-padded at the end to
    29.12 s, and turned into 96 mel bands x 1366 frames (see the module docstring).

    Args:
        audio_path: path of the audio file (any format librosa reads).
        dim_ordering: ``'th'`` (output ``(1, 96, 1366)``), ``'tf'`` (``(96, 1366, 1)``) or
            ``'default'`` (``K.image_dim_ordering()``).

    Returns:
        float32 numpy array for one example (add the batch axis before ``predict``).

    Raises:
        ImportError: librosa is not installed.

    Example:
        >>> x = preprocess_input('song.mp3')  # doctest: +SKIP
        >>> preds = MusicTaggerCRNN(weights='msd').predict(x[None])  # doctest: +SKIP
    """
    if dim_ordering == "default":
        dim_ordering = K.image_dim_ordering()
    if dim_ordering not in ("tf", "th"):
        raise ValueError("preprocess_input: `dim_ordering` must be 'tf', 'th' or 'default'. "
                         "Received: dim_ordering=%r" % (dim_ordering,))
    librosa = _import_librosa()
    src, sr = librosa.load(audio_path, sr=SR)
    x = _log_melgram(_fit_duration(np.asarray(src), int(DURATION * sr)))
    return x[None] if dim_ordering == "th" else x[:, :, None]


def decode_predictions(preds, top_n=5):
    """The ``top_n`` best tags of each prediction of the music tagger.

    Args:
        preds: array of shape ``(samples, 50)`` (the model's sigmoid outputs).
        top_n: how many ``(tag, score)`` pairs to keep per sample (0 to 50).

    Returns:
        One list per sample of ``(tag, score)`` tuples, highest score first (ties keep the order
        of :data:`TAGS`).

    Example:
        >>> [tag for tag, score in decode_predictions(np.eye(50)[1:2], top_n=1)[0]]
        ['pop']
    """
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != len(TAGS):
        raise ValueError("decode_predictions expects a batch of music tagger predictions: an "
                         "array of shape (samples, %d). Received an array of shape %s."
                         % (len(TAGS), preds.shape))
    if isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer)) or top_n < 0:
        raise ValueError("decode_predictions: `top_n` must be an integer in [0, %d]. Received: "
                         "top_n=%r" % (len(TAGS), top_n))
    results = []
    for pred in preds:
        ranked = sorted(zip(TAGS, pred), key=lambda pair: pair[1], reverse=True)
        results.append(ranked[:top_n])
    return results
