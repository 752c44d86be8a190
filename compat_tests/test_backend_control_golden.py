"""``K.rnn``, ``K.map_fn``, ``K.foldl``/``foldr``, ``K.normalize_batch_in_training`` and
``K.batch_normalization`` against golden values.

Fixture: ``fixtures/backend/control_ops.npz``, written by
``fixtures/make_backend_control_fixtures.py`` from tf-keras 2.21, or from NumPy following Keras
2.2.4's code where tf-keras differs (each case's ``source``; the script says where and why).
"""
import json
import os

import numpy as np
import pytest
import torch

import torkeras.backend as K

PATH = os.path.join(os.path.dirname(__file__), "fixtures", "backend", "control_ops.npz")
DATA = np.load(PATH)
CASES = json.loads(str(DATA["cases"]))
TOL = 1e-5


def _cases(*functions):
    chosen = [c for c in CASES if c["function"] in functions]
    return pytest.mark.parametrize("case", chosen, ids=[c["name"] for c in chosen])


def _check(case, got):
    got = got if isinstance(got, (list, tuple)) else [got]
    assert len(got) == case["n_outputs"]
    for i, value in enumerate(got):
        want = DATA["%s__out%d" % (case["name"], i)]
        value = value.detach().cpu().numpy()
        assert value.shape == want.shape, (case["name"], i, value.shape, want.shape)
        np.testing.assert_allclose(value, want, rtol=TOL, atol=TOL, err_msg="%s output %d (%s)"
                                   % (case["name"], i, case["source"]))


def _rnn_step(W, U):
    def step(x_t, states):
        h, s, c = states[0], states[1], states[2]
        h_new = K.tanh(K.dot(x_t, W) + K.dot(h, U) + c)
        s_new = s * 0.5 + h_new[:, :2]
        return 2.0 * h_new + 0.1, [h_new, s_new]
    return step


def _rnn_input(key):
    return torch.as_tensor(DATA["rnn__" + key])


@_cases("rnn")
def test_rnn(case):
    step = _rnn_step(_rnn_input("W"), _rnn_input("U"))
    last, outputs, states = K.rnn(
        step, _rnn_input("x"), [_rnn_input("h0"), _rnn_input("s0")],
        go_backwards=case["go_backwards"], mask=_rnn_input("mask") if case["masked"] else None,
        constants=[_rnn_input("c")], unroll=case["unroll"], input_length=5)
    _check(case, [last, outputs] + list(states))


def test_rnn_symbolic_through_k_function():
    x = K.placeholder(shape=(None, 5, 4))
    mask = K.placeholder(shape=(None, 5))
    step = _rnn_step(_rnn_input("W"), _rnn_input("U"))
    last, outputs, states = K.rnn(step, x, [_rnn_input("h0"), _rnn_input("s0")], mask=mask,
                                  constants=[_rnn_input("c")])
    f = K.function([x, mask], [last, outputs, states[0], states[1]])
    case = [c for c in CASES if c["name"] == "rnn_fwd_mask_loop"][0]
    _check(case, [torch.as_tensor(v) for v in f([DATA["rnn__x"], DATA["rnn__mask"]])])


@_cases("map", "foldl", "foldr")
def test_map_and_folds(case):
    x = torch.as_tensor(DATA["fold__x"])
    init = torch.as_tensor(DATA["fold__init"])
    name = case["name"]
    if name == "map_tanh":
        got = K.map_fn(lambda r: K.tanh(r) * 2.0, x)
    elif name == "map_sum":
        got = K.map_fn(lambda r: K.sum(r * r), x)
    else:
        fold = K.foldl if case["function"] == "foldl" else K.foldr
        got = fold(lambda a, r: a * 0.5 + r, x, init if name.endswith("_init") else None)
    _check(case, got)


def _inputs(case):
    return [torch.as_tensor(DATA["%s__in%d" % (case["name"], i)]) if i in case["present"] else None
            for i in range(case["n_inputs"])]


@_cases("normalize_batch_in_training", "batch_normalization")
def test_batch_statistics(case):
    fn = getattr(K, case["function"])
    _check(case, fn(*_inputs(case), **case["kwargs"]))


def test_normalize_batch_in_training_symbolic():
    case = [c for c in CASES if c["name"] == "nbt_3d_mid"][0]
    x, gamma, beta = _inputs(case)
    px = K.placeholder(shape=(None, 4, 5))
    normed, mean, var = K.normalize_batch_in_training(px, gamma, beta, **case["kwargs"])
    f = K.function([px], [normed, mean, var])
    _check(case, [torch.as_tensor(v) for v in f([x.numpy()])])
