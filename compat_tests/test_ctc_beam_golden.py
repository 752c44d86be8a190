"""``K.ctc_decode(..., greedy=False)`` against TensorFlow's CTC beam-search decoder.

Fixture: ``fixtures/backend/ctc_beam.npz``, written by ``fixtures/make_ctc_beam_fixtures.py`` (TF 2.21's
``ctc_beam_search_decoder`` called the Keras 2.2.4 way, cross-checked against tf-keras's ``ctc_decode``).
Paths must match exactly, shapes included (2.2.4 pads path ``p`` to its longest decoding). Log
probabilities within 1e-4: TF sums float32 log values, and torch's and Eigen's float32 ``log`` of the
inputs may differ in the last bit, which moves a path's score by a few 1e-7 over 50 steps (the largest
difference seen on these cases is under 4e-6).
"""
import json
import os

import numpy as np
import pytest
import torch

import torkeras.backend as K

PATH = os.path.join(os.path.dirname(__file__), "fixtures", "backend", "ctc_beam.npz")
DATA = np.load(PATH)
CASES = json.loads(str(DATA["cases"]))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_ctc_beam_decode_matches_tensorflow(case):
    name = case["name"]
    decoded, log_prob = K.ctc_decode(torch.as_tensor(DATA[name + "__y_pred"]),
                                     torch.as_tensor(DATA[name + "__input_length"]), greedy=False,
                                     beam_width=case["beam_width"], top_paths=case["top_paths"])
    assert isinstance(decoded, list) and len(decoded) == case["top_paths"]
    for p, got in enumerate(decoded):
        want = DATA["%s__path%d" % (name, p)]
        assert got.dtype == torch.int64
        assert tuple(got.shape) == want.shape, (name, p)
        np.testing.assert_array_equal(got.numpy(), want, err_msg="%s path %d" % (name, p))
    want_lp = DATA[name + "__log_prob"]
    assert tuple(log_prob.shape) == want_lp.shape and log_prob.dtype == torch.float32
    np.testing.assert_allclose(log_prob.numpy(), want_lp, rtol=0, atol=1e-4, err_msg=name)


def test_fixture_covers_the_documented_cases():
    widths = {c["beam_width"] for c in CASES}
    tops = {c["top_paths"] for c in CASES}
    assert {1, 3, 10, 100} <= widths and {1, 3} <= tops
    names = " ".join(c["name"] for c in CASES)
    for kind in ("repeats", "near_tie", "uniform", "zero_length", "big"):
        assert kind in names
