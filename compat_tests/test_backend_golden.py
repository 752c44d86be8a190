"""``torkeras.backend`` functions against golden outputs of tf-keras 2.21's ``tf_keras.backend``.

Fixtures: ``fixtures/backend/backend_tfkeras.npz``, written by ``fixtures/make_backend_fixtures.py``
(which documents the cases left out because tf-keras differs from Keras 2.2.4).
"""
import json
import os

import numpy as np
import pytest
import torch

import torkeras.backend as K

PATH = os.path.join(os.path.dirname(__file__), "fixtures", "backend", "backend_tfkeras.npz")
DATA = np.load(PATH)
CASES = json.loads(str(DATA["cases"]))


def _arg(a):
    return torch.as_tensor(a)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_backend_function_matches_tf_keras(case):
    name = case["name"]
    args = [_arg(DATA["%s__in%d" % (name, i)]) for i in range(case["n_inputs"])]
    kwargs = dict(case["kwargs"])
    for key in ("axes", "pool_size", "strides", "dilation_rate", "pattern"):
        if isinstance(kwargs.get(key), list) and not (key == "axes" and case["function"] == "reverse"):
            kwargs[key] = tuple(kwargs[key])
    out = getattr(K, case["function"])(*args, **kwargs)
    if case["function"] == "ctc_decode":
        out = [out[0][0], out[1]]
    outs = out if isinstance(out, (list, tuple)) else [out]
    assert len(outs) == case["n_outputs"]
    for i, got in enumerate(outs):
        key = "%s__out" % name if case["n_outputs"] == 1 else "%s__out%d" % (name, i)
        want = DATA[key]
        got = got.detach().cpu().numpy()
        if case["function"] == "ctc_decode" and i == 0:
            # Keras 2.2.4 pads to the longest decoded sequence, tf-keras to the number of steps.
            assert (want[:, got.shape[1]:] == -1).all(), want
            want = want[:, :got.shape[1]]
        assert got.shape == want.shape, (name, got.shape, want.shape)
        if want.dtype == bool or want.dtype.kind in "iu":
            np.testing.assert_array_equal(got.astype(want.dtype), want, err_msg=name)
        else:
            np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5, err_msg=name)
