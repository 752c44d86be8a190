"""Convolution-family ``K`` functions (Keras 2.2.4 names and Keras 1.2.2 names/call forms) against
golden values.

Fixture: ``fixtures/backend/conv_ops.npz``, written by ``fixtures/make_backend_conv_fixtures.py``
from tf-keras 2.21, or the Keras 2.2.4 way where tf-keras differs (each case's ``source``; the
script says where and why). Keras-1 cases hold the Keras 1.2.2 call and the value of its Keras 2
equivalent.
"""
import json
import os
import warnings

import numpy as np
import pytest
import torch

import torkeras.backend as K
from torkeras.legacy import keras1

PATH = os.path.join(os.path.dirname(__file__), "fixtures", "backend", "conv_ops.npz")
DATA = np.load(PATH)
CASES = json.loads(str(DATA["cases"]))
TOL = 1e-5


def _call(case):
    args = [torch.as_tensor(DATA["%s__%s" % (case["name"], a)]) for a in case["args"]]
    return getattr(K, case["function"])(*args, **case["kwargs"])


def _check(case, got):
    want = DATA["%s__out" % case["name"]]
    got = got.detach().cpu().numpy()
    assert got.shape == want.shape, (case["name"], got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=TOL, atol=TOL,
                               err_msg="%s (%s)" % (case["name"], case["source"]))


KERAS2 = [c for c in CASES if not c["name"].startswith("k1_")]
KERAS1 = [c for c in CASES if c["name"].startswith("k1_")]


@pytest.mark.parametrize("case", KERAS2, ids=[c["name"] for c in KERAS2])
def test_keras2_function(case):
    _check(case, _call(case))


@pytest.mark.parametrize("case", KERAS1, ids=[c["name"] for c in KERAS1])
def test_keras1_function(case):
    keras1._reset_warnings_for_tests()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check(case, _call(case))


def test_fixture_covers_every_function_and_both_formats():
    functions = {c["function"] for c in KERAS2}
    assert functions == {
        "conv1d", "conv2d", "conv3d", "conv2d_transpose", "conv3d_transpose", "separable_conv1d",
        "separable_conv2d", "depthwise_conv2d", "pool2d", "pool3d", "local_conv1d", "local_conv2d",
        "resize_images", "resize_volumes", "temporal_padding", "spatial_2d_padding",
        "spatial_3d_padding"}
    for fn in functions - {"local_conv1d", "temporal_padding"}:
        formats = {c["kwargs"].get("data_format") for c in KERAS2 if c["function"] == fn}
        assert {"channels_last", "channels_first"} <= formats, fn
    assert {c["function"] for c in KERAS1} >= {"atrous_conv2d", "deconv2d",
                                               "asymmetric_temporal_padding",
                                               "asymmetric_spatial_2d_padding"}


def test_symbolic_arguments_evaluate_to_the_golden_value():
    case = next(c for c in KERAS2 if c["name"] == "conv2d_transpose_same_s2_odd_cf")
    x = K.placeholder(shape=DATA[case["name"] + "__x"].shape)
    kernel = torch.as_tensor(DATA[case["name"] + "__kernel"])
    out = K.conv2d_transpose(x, kernel, **case["kwargs"])
    got = K.function([x], [out])([DATA[case["name"] + "__x"]])[0]
    np.testing.assert_allclose(got, DATA[case["name"] + "__out"], rtol=TOL, atol=TOL)
