"""`python -m torkeras inspect` names the conversions each generation's reader applies."""
import os

import pytest

from torkeras.saving import _inspect

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


@pytest.mark.parametrize("path,generation,expected", [
    ("keras2x/k216_cudnn.h5", "keras2", ["CuDNNLSTM layer", "CuDNNGRU layer"]),
    ("keras2x/k216_merge.h5", "keras2", ["Merge layer"]),
    ("keras2x/k216_theano_conv.h5", "keras2", ["Theano-backend convolution kernels flipped"]),
    ("keras2x/k231_seq_dict.h5", "keras2", []),
])
def test_keras2_conversions(path, generation, expected):
    info = _inspect.inspect_file(os.path.join(FIX, path))
    assert info["generation"] == generation
    text = "\n".join(info["conversions"])
    for phrase in expected:
        assert phrase in text, text
    if not expected:
        assert not any("Theano" in l or "CuDNN" in l or "Merge" in l for l in info["conversions"])


def test_keras3_conversions():
    name = sorted(n for n in os.listdir(os.path.join(FIX, "keras3")) if n.endswith(".h5"))[0]
    info = _inspect.inspect_file(os.path.join(FIX, "keras3", name))
    assert info["generation"] == "keras3"
    assert any("Keras 3 config rewritten" in l for l in info["conversions"])


@pytest.mark.parametrize("name,present,absent", [
    ("cnn_th.h5", ["'th' (channels_first) kernels transposed", "original_backend='theano'"],
     ["regrouped"]),
    ("lstm.h5", ["per-gate recurrent arrays regrouped into Keras-2 kernels (LSTM)"], ["'th'"]),
    ("lstm_gpu.h5", [], ["regrouped"]),
    ("mlp_weights.h5", ["Keras-1 weight names"], ["config translated"]),
])
def test_keras1_conversions(name, present, absent):
    info = _inspect.inspect_file(os.path.join(FIX, "keras1", name))
    assert info["generation"] == "keras1"
    text = "\n".join(info["conversions"])
    for phrase in present:
        assert phrase in text, text
    for phrase in absent:
        assert phrase not in text, text
