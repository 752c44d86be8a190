"""Activations, losses and metrics against golden outputs of real Keras.

``fixtures/objects_tfkeras.npz`` holds inputs and outputs computed with tf-keras 2.21, or with
NumPy following the Keras 2.2.4 formula where tf-keras differs from Keras 2.2.4 (see
``fixtures/make_object_fixtures.py``, which regenerates it). No TensorFlow is needed here.
"""
import json
import os

import numpy as np
import pytest
import torch

from torkeras import activations, losses, metrics

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "objects_tfkeras.npz")
MODULES = {"activation": activations, "loss": losses, "metric": metrics}
RTOL = ATOL = 1e-6


def _load():
    with np.load(FIXTURE, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    return arrays, json.loads(str(arrays["cases"]))


ARRAYS, CASES = _load()


def _case_id(case):
    kw = ",".join("%s=%s" % kv for kv in sorted(case["kwargs"].items()))
    return "%s-%s(%s%s)" % (case["kind"], case["fn"], ",".join(case["inputs"]),
                            ";" + kw if kw else "")


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_matches_keras(case):
    fn = getattr(MODULES[case["kind"]], case["fn"])
    args = [torch.from_numpy(ARRAYS["in__" + name]) for name in case["inputs"]]
    got = fn(*args, **case["kwargs"])
    assert isinstance(got, torch.Tensor)
    expected = ARRAYS[case["out"]]
    assert tuple(got.shape) == expected.shape, case["ref"]
    np.testing.assert_allclose(got.numpy().astype(np.float64), expected.astype(np.float64),
                               rtol=RTOL, atol=ATOL, err_msg="reference: %s" % case["ref"])


def test_fixture_covers_every_builtin():
    covered = {(c["kind"], c["fn"]) for c in CASES}
    for kind, module in MODULES.items():
        names = {obj.__name__ for obj, _, _ in module._builtin_objects()}
        if kind == "metric":  # the losses re-exported are covered as losses
            names -= {obj.__name__ for obj, _, _ in losses._builtin_objects()}
            # Keras-1 metrics (removed in Keras 2.0, absent from tf-keras): checked against their
            # Keras 1.2.2 formulas in tests/test_legacy_objects.py
            from torkeras.legacy import objects as keras1_objects
            names -= {obj.__name__ for obj in vars(keras1_objects).values()
                      if callable(obj) and getattr(obj, "__module__", "") == keras1_objects.__name__}
        missing = sorted(n for n in names if (kind, n) not in covered)
        assert not missing, "no golden case for %s %s" % (kind, missing)
