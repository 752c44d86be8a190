"""torkeras.regularizers and torkeras.constraints: Keras 2.2.4 formulas, configs, lookups, errors."""
import json

import numpy as np
import pytest
import torch

from torkeras import backend as K
from torkeras import constraints, regularizers
from torkeras._registry import CONSTRAINTS, REGULARIZERS
from torkeras.errors import UnknownObjectError
from torkeras.utils.generic_utils import custom_object_scope


def _w(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def _as_float32(value):
    return float(np.float32(value))


# ------------------------------------------------------------------ regularizers

def test_l1l2_penalty_is_keras_formula_without_one_half():
    w = _w(4, 3)
    l1_factor, l2_factor = 0.3, 0.7
    reg = regularizers.L1L2(l1=l1_factor, l2=l2_factor)
    expected = _as_float32(l1_factor) * w.abs().sum() + _as_float32(l2_factor) * (w ** 2).sum()
    out = reg(w)
    assert out.dim() == 0 and torch.allclose(out, expected)
    assert torch.allclose(regularizers.l1(l1_factor)(w), _as_float32(l1_factor) * w.abs().sum())
    assert torch.allclose(regularizers.l2(l2_factor)(w), _as_float32(l2_factor) * (w ** 2).sum())


def test_penalty_gradient():
    w = _w(5).requires_grad_(True)
    regularizers.l1_l2(l1=0.1, l2=0.2)(w).backward()
    expected = _as_float32(0.1) * torch.sign(w) + 2 * _as_float32(0.2) * w
    assert torch.allclose(w.grad, expected.detach())


def test_zero_factors_give_a_zero_scalar_tensor():
    w = _w(3)
    out = regularizers.L1L2()(w)
    assert isinstance(out, torch.Tensor) and out.dim() == 0 and out.item() == 0.0
    assert regularizers.Regularizer()(w).item() == 0.0


def test_defaults_and_float32_config_as_keras_writes_it():
    assert regularizers.l1().get_config() == {"l1": _as_float32(0.01), "l2": 0.0}
    assert regularizers.l2().get_config() == {"l1": 0.0, "l2": _as_float32(0.01)}
    assert regularizers.l1_l2().get_config() == {"l1": _as_float32(0.01), "l2": _as_float32(0.01)}
    config = regularizers.L1L2(l2=0.5).get_config()
    assert all(type(v) is float for v in config.values())


@pytest.mark.parametrize("name", ["L1L2", "l1", "l2", "l1_l2", "L1", "L2"])
def test_regularizer_names_round_trip_through_json(name):
    reg = regularizers.get(name)
    assert REGULARIZERS.get(name) is not None
    config = json.loads(json.dumps(regularizers.serialize(reg)))
    assert config["class_name"] == "L1L2"
    again = regularizers.deserialize(config)
    assert again.get_config() == reg.get_config() and repr(again) == repr(reg)


def test_regularizer_get_forms():
    assert regularizers.get(None) is None
    assert regularizers.get("l2").get_config() == regularizers.l2().get_config()
    got = regularizers.get({"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.25}})
    assert got.get_config() == {"l1": 0.0, "l2": 0.25}
    tf_keras = regularizers.get({"class_name": "L2", "config": {"l2": 0.001}})  # tf.keras 2.x file
    assert tf_keras.get_config() == regularizers.l2(0.001).get_config()

    def my_reg(w):
        return w.sum()
    assert regularizers.get(my_reg) is my_reg
    assert type(regularizers.get(regularizers.L1L2)) is regularizers.L1L2
    with pytest.raises(ValueError, match="regularizer identifier: 7"):
        regularizers.get(7)
    with pytest.raises(UnknownObjectError) as info:
        regularizers.get("l1_l3")
    assert "'l1_l2'" in str(info.value)
    with custom_object_scope({"Mine": regularizers.L1L2, "my_reg": my_reg}):
        assert type(regularizers.get("Mine")) is regularizers.L1L2
        assert regularizers.get("my_reg") is my_reg  # a saved custom function comes back as is


@pytest.mark.parametrize("make,exc,words", [
    (lambda: regularizers.L1L2(l1=-0.1), ValueError, ["l1", "-0.1"]),
    (lambda: regularizers.l2(float("nan")), ValueError, ["l2", "nan"]),
    (lambda: regularizers.l2("0.1"), TypeError, ["l2", "'0.1'"]),
])
def test_regularizer_bad_input(make, exc, words):
    with pytest.raises(exc) as info:
        make()
    for word in words:
        assert word in str(info.value)


# ------------------------------------------------------------------ constraints

def _norms(w, axis):
    return torch.sqrt(torch.sum(w ** 2, dim=axis, keepdim=True))


@pytest.mark.parametrize("axis", [0, 1, [0, 1, 2]])
def test_max_norm_keras_formula(axis):
    w = _w(3, 3, 4, 5) * 2
    dims = tuple(axis) if isinstance(axis, list) else axis
    norms = _norms(w, dims)
    expected = w * (torch.clamp(norms, 0, 1.5) / (K.epsilon() + norms))
    out = constraints.MaxNorm(1.5, axis=axis)(w)
    assert torch.allclose(out, expected)
    assert (_norms(out, dims) <= 1.5 + 1e-5).all()


def test_unit_norm_and_epsilon_placement():
    w = _w(6, 4)
    out = constraints.UnitNorm(axis=0)(w)
    assert torch.allclose(out, w / (K.epsilon() + _norms(w, 0)))
    assert torch.allclose(_norms(out, 0), torch.ones(1, 4), atol=1e-5)
    zeros = torch.zeros(3, 2)
    for c in (constraints.UnitNorm(), constraints.MaxNorm(), constraints.MinMaxNorm(0.5, 1.0)):
        assert torch.equal(c(zeros), zeros)  # epsilon in the denominator: no NaN


def test_min_max_norm_rate():
    w = _w(5, 3) * 3
    rate = 0.4
    out = constraints.MinMaxNorm(min_value=0.5, max_value=1.0, rate=rate, axis=0)(w)
    norms = _norms(w, 0)
    desired = rate * torch.clamp(norms, 0.5, 1.0) + (1 - rate) * norms
    assert torch.allclose(out, w * desired / (K.epsilon() + norms))


def test_non_neg_and_base_constraint():
    w = _w(10)
    assert torch.equal(constraints.NonNeg()(w), torch.where(w >= 0, w, torch.zeros_like(w)))
    assert constraints.Constraint()(w) is w


def test_constraints_do_not_modify_their_input():
    w = _w(4, 4) * 5
    before = w.clone()
    constraints.MaxNorm(1.0)(w)
    constraints.NonNeg()(w)
    assert torch.equal(w, before)


CONSTRAINT_NAMES = [n for _, name, aliases in constraints._builtin_objects() for n in (name,) + aliases]


def test_constraint_aliases_are_keras_224():
    assert sorted(CONSTRAINT_NAMES) == sorted([
        "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm", "non_neg", "unit_norm",
        "min_max_norm", "maxnorm", "nonneg", "unitnorm"])
    for name in CONSTRAINT_NAMES:
        assert isinstance(getattr(constraints, name)(), constraints.Constraint)


@pytest.mark.parametrize("name", CONSTRAINT_NAMES)
def test_constraint_names_round_trip_through_json(name):
    c = constraints.get(name)
    assert CONSTRAINTS.get(name) is type(c)
    config = json.loads(json.dumps(constraints.serialize(c)))
    again = constraints.deserialize(config)
    assert type(again) is type(c) and again.get_config() == c.get_config()
    assert repr(again) == repr(c)


def test_constraint_configs_are_keras_224():
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0,
                                                     "rate": 1.0, "axis": 0}
    assert constraints.NonNeg().get_config() == {}
    assert constraints.MaxNorm(axis=(0, 1, 2)).get_config()["axis"] == [0, 1, 2]


def test_constraint_get_forms():
    assert constraints.get(None) is None
    assert type(constraints.get({"class_name": "MaxNorm", "config": {"max_value": 3, "axis": [0, 1]}})) \
        is constraints.MaxNorm

    def clip(w):
        return w.clamp(-1, 1)
    assert constraints.get(clip) is clip
    assert type(constraints.get(constraints.NonNeg)) is constraints.NonNeg
    with pytest.raises(ValueError, match="constraint identifier: 2"):
        constraints.get(2)
    with pytest.raises(UnknownObjectError) as info:
        constraints.get("max_nrom")
    assert "'max_norm'" in str(info.value)
    with custom_object_scope({"clip": clip}):
        assert constraints.get("clip") is clip


@pytest.mark.parametrize("make,exc,words", [
    (lambda: constraints.MaxNorm(max_value=-1), ValueError, ["max_value", "-1"]),
    (lambda: constraints.MaxNorm(axis="rows"), TypeError, ["axis", "'rows'"]),
    (lambda: constraints.UnitNorm(axis=[]), TypeError, ["axis", "[]"]),
    (lambda: constraints.MinMaxNorm(min_value=2.0, max_value=1.0), ValueError, ["min_value", "2.0"]),
    (lambda: constraints.MinMaxNorm(rate=1.5), ValueError, ["rate", "1.5"]),
])
def test_constraint_bad_input(make, exc, words):
    with pytest.raises(exc) as info:
        make()
    for word in words:
        assert word in str(info.value)
