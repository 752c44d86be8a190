"""``keras.applications.music_tagger_crnn`` of Keras 1.2.2: the convolutional-recurrent music
tagger (Keunwoo Choi et al., https://github.com/keunwoochoi/music-auto_tagging-keras), Keras-1 only
(removed in Keras 2.0).

The architecture is 1.2.2's, built from torkeras's layers; ``compat_tests/fixtures/
make_music_tagger_fixture.py`` records it from tf-keras for ``tests/test_music_tagger.py``. The
pre-trained ``'msd'`` weights are Keras-1 weight files, downloaded through ``get_file`` with 1.2.2's
URLs and file names and read by ``model.load_weights`` (its Keras-1 reader: per-gate GRU arrays,
Keras-1 batch normalization) with ``by_name=True`` as 1.2.2 did. Their kernels are TensorFlow
kernels ("tf_kernels" in the file names), which torch convolutions use unchanged.
"""
from .. import backend as K
from ..applications._base import get_source_inputs, image_input, model_inputs  # noqa: F401
from ..engine.training import Model
from ..layers import (ELU, GRU, BatchNormalization, Conv2D, Convolution2D, Dense,  # noqa: F401
                      Dropout, Input, MaxPooling2D, Permute, Reshape, ZeroPadding2D)
from ..utils._get_file import get_file
from .audio_conv_utils import decode_predictions, preprocess_input  # noqa: F401

__all__ = ["MusicTaggerCRNN", "decode_predictions", "preprocess_input", "TH_WEIGHTS_PATH",
           "TF_WEIGHTS_PATH"]

_RELEASE = "https://github.com/fchollet/deep-learning-models/releases/download/v0.3/"
_TH_FILE = "music_tagger_crnn_weights_tf_kernels_th_dim_ordering.h5"
_TF_FILE = "music_tagger_crnn_weights_tf_kernels_tf_dim_ordering.h5"
TH_WEIGHTS_PATH = _RELEASE + _TH_FILE
TF_WEIGHTS_PATH = _RELEASE + _TF_FILE

# (filters, pooling size) of the four convolution blocks
_BLOCKS = ((64, 2), (128, 3), (128, 4), (128, 4))


def MusicTaggerCRNN(weights="msd", input_tensor=None, include_top=True, classes=50):
    """Keras 1.2.2's MusicTaggerCRNN: 4 conv blocks + 2 GRUs on a 96 x 1366 log mel-spectrogram.

    The dim ordering is ``K.image_dim_ordering()`` ('tf': input ``(96, 1366, 1)``, 'th': input
    ``(1, 96, 1366)``). Prepare inputs with :func:`preprocess_input` and read the output with
    :func:`decode_predictions`.

    Args:
        weights: ``'msd'`` (pre-trained on the Million Song Dataset; downloaded into
            ``~/.keras/models`` on first use) or None (random initialization).
        input_tensor: optional Keras tensor (output of ``Input()``) to use as the model's input.
        include_top: whether to end with the 50-tag sigmoid ``Dense`` layer ('output'); without
            it the model outputs the 32 features of the last GRU.
        classes: number of output tags with ``include_top``; must be 50 with ``weights='msd'``.

    Returns:
        A :class:`torkeras.models.Model` named ``'music_tagger_crnn'``.

    Example:
        >>> model = MusicTaggerCRNN(weights=None)
        >>> model.output_shape
        (None, 50)
    """
    if weights not in ("msd", None):
        raise ValueError("The `weights` argument should be either `None` (random initialization) "
                         "or `msd` (pre-training on Million Song Dataset). Received: weights=%r"
                         % (weights,))
    if weights == "msd" and include_top and classes != 50:
        raise ValueError("If using `weights` as msd with `include_top` as true, `classes` should "
                         "be 50. Received: classes=%r" % (classes,))
    th = K.image_dim_ordering() == "th"
    if th:
        input_shape, channel_axis, time_axis = (1, 96, 1366), 1, 3
    else:
        input_shape, channel_axis, time_axis = (96, 1366, 1), 3, 2
    melgram_input = image_input(input_tensor, input_shape)

    x = ZeroPadding2D(padding=(0, 37))(melgram_input)
    x = BatchNormalization(axis=time_axis, name="bn_0_freq")(x)
    for i, (filters, pool) in enumerate(_BLOCKS, 1):
        x = Conv2D(filters, (3, 3), padding="same", name="conv%d" % i)(x)
        x = BatchNormalization(axis=channel_axis, name="bn%d" % i)(x)
        x = ELU()(x)
        x = MaxPooling2D(pool_size=(pool, pool), strides=(pool, pool), name="pool%d" % i)(x)
    if th:
        x = Permute((3, 1, 2))(x)
    x = Reshape((15, 128))(x)
    x = GRU(32, return_sequences=True, name="gru1")(x)
    x = GRU(32, return_sequences=False, name="gru2")(x)
    if include_top:
        x = Dense(classes, activation="sigmoid", name="output")(x)
    model = Model(model_inputs(input_tensor, melgram_input), x, name="music_tagger_crnn")

    if weights == "msd":
        if th:
            path = get_file(_TH_FILE, TH_WEIGHTS_PATH, cache_subdir="models")
        else:
            path = get_file(_TF_FILE, TF_WEIGHTS_PATH, cache_subdir="models")
        model.load_weights(path, by_name=True, original_backend="tensorflow")
    return model
