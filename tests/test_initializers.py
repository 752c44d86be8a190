"""torkeras.initializers: Keras 2.2.4 statistics and fans, configs, seeds, lookups, bad input.

Expected statistics are derived from the Keras formulas and the shapes (no typed-in numbers).
"""
import json
import math

import numpy as np
import pytest
import torch

from torkeras import initializations, initializers
from torkeras._registry import INITIALIZERS
from torkeras.errors import UnknownObjectError
from torkeras.utils.generic_utils import custom_object_scope

TRUNC_STD = initializers._TRUNCATED_STD
ENTRIES = initializers._builtin_objects()
ALL_NAMES = [n for _, name, aliases in ENTRIES for n in (name,) + tuple(aliases)]


def keras_fans(shape):
    """Keras 2.2.4 ``_compute_fans`` (channels_last kernels)."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (3, 4, 5):
        receptive = int(np.prod(shape[:-2]))
        return shape[-2] * receptive, shape[-1] * receptive
    return math.sqrt(np.prod(shape)), math.sqrt(np.prod(shape))


def keras_n(shape, mode):
    fan_in, fan_out = keras_fans(shape)
    return max(1.0, {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode])


PRESETS = [  # (function, scale, mode, distribution) as documented by Keras 2.2.4
    (initializers.glorot_uniform, 1.0, "fan_avg", "uniform"),
    (initializers.glorot_normal, 1.0, "fan_avg", "normal"),
    (initializers.he_uniform, 2.0, "fan_in", "uniform"),
    (initializers.he_normal, 2.0, "fan_in", "normal"),
    (initializers.lecun_uniform, 1.0, "fan_in", "uniform"),
    (initializers.lecun_normal, 1.0, "fan_in", "normal"),
]
# Each under 32768 elements: larger tensors go multi-threaded, which is slow on a busy machine.
SHAPES = [(120, 250), (3, 3, 16, 32), (5, 40, 60), (7, 7), (2, 3, 4, 5, 6, 7)]


# ------------------------------------------------------------------ statistics

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("preset,scale,mode,distribution", PRESETS,
                         ids=[p[0].__name__ for p in PRESETS])
def test_presets_have_keras_fans_and_spread(preset, scale, mode, distribution, shape):
    init = preset(seed=7)
    assert init.get_config() == {"scale": scale, "mode": mode, "distribution": distribution,
                                 "seed": 7}
    w = init(shape)
    assert w.shape == shape and w.dtype == torch.float32 and w.device.type == "cpu"
    n = keras_n(shape, mode)
    target_std = math.sqrt(scale / n)
    if distribution == "uniform":
        limit = math.sqrt(3.0 * scale / n)
        assert w.abs().max().item() <= limit
        bound = limit
    else:  # truncated at 2 std of the pre-truncation normal, whose std is target / 0.8796
        bound = 2.0 * target_std / TRUNC_STD
        assert w.abs().max().item() <= bound * (1 + 1e-6)
    if w.numel() >= 10000:
        assert w.std().item() == pytest.approx(target_std, rel=0.03)
        assert abs(w.mean().item()) < 0.02 * target_std * 5
        assert w.abs().max().item() > 0.97 * bound


@pytest.mark.parametrize("distribution", ["normal", "truncated_normal", "untruncated_normal"])
def test_variance_scaling_normal_flavours(distribution):
    init = initializers.VarianceScaling(scale=3.0, mode="fan_out", distribution=distribution, seed=1)
    w = init((300, 100))
    target_std = math.sqrt(3.0 / 100)
    assert w.std().item() == pytest.approx(target_std, rel=0.03)
    truncated_bound = 2 * target_std / TRUNC_STD
    if distribution == "untruncated_normal":
        assert w.abs().max().item() > truncated_bound
        assert init.get_config()["distribution"] == "untruncated_normal"
    else:
        assert w.abs().max().item() <= truncated_bound * (1 + 1e-6)
        assert init.get_config()["distribution"] == "normal"


def test_random_and_truncated_normal_and_uniform_statistics():
    n = initializers.RandomNormal(mean=1.0, stddev=0.5, seed=2)((150, 200))
    assert n.mean().item() == pytest.approx(1.0, abs=0.01)
    assert n.std().item() == pytest.approx(0.5, rel=0.02)
    t = initializers.TruncatedNormal(mean=-1.0, stddev=0.5, seed=2)((150, 200))
    assert ((t >= -2.0) & (t <= 0.0)).all()
    assert t.std().item() == pytest.approx(0.5 * TRUNC_STD, rel=0.02)
    u = initializers.RandomUniform(minval=-0.3, maxval=0.1, seed=2)((150, 200))
    assert ((u >= -0.3) & (u < 0.1)).all()
    assert u.mean().item() == pytest.approx(-0.1, abs=0.005)
    defaults = initializers.RandomUniform()((100, 100))
    assert defaults.abs().max().item() <= initializers.RandomUniform().get_config()["maxval"]


def test_constant_zeros_ones_identity():
    assert torch.equal(initializers.Zeros()((2, 3)), torch.zeros(2, 3))
    assert torch.equal(initializers.Ones()((4,)), torch.ones(4))
    assert torch.equal(initializers.Constant(2.5)((2, 2)), torch.full((2, 2), 2.5))
    values = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert torch.equal(initializers.Constant(values)((2, 3)), torch.tensor(values))
    assert torch.equal(initializers.Constant(np.arange(6.0))((3, 2)),
                       torch.arange(6.0).reshape(3, 2))
    assert torch.equal(initializers.Identity(gain=3.0)((3, 3)), 3.0 * torch.eye(3))
    assert torch.equal(initializers.Identity()((4, 2)), torch.cat([torch.eye(2)] * 2, 0))
    assert torch.equal(initializers.Identity()((2, 6)), torch.cat([torch.eye(2)] * 3, 1))


@pytest.mark.parametrize("shape", [(6, 6), (10, 4), (4, 10), (3, 3, 2, 5)])
def test_orthogonal_is_orthogonal_times_gain(shape):
    gain = 1.5
    q = initializers.Orthogonal(gain=gain, seed=3)(shape).double()
    flat = q.reshape(-1, shape[-1])
    rows, cols = flat.shape
    if rows >= cols:
        gram, size = flat.T @ flat, cols
    else:
        gram, size = flat @ flat.T, rows
    assert torch.allclose(gram, gain ** 2 * torch.eye(size, dtype=torch.float64), atol=1e-5)


def test_seeded_orthogonal_follows_keras_numpy_recipe_without_touching_global_rng():
    shape, seed = (5, 3), 11
    state = np.random.get_state()
    got = initializers.Orthogonal(seed=seed)(shape, dtype="float64").numpy()
    assert np.array_equal(np.random.get_state()[1], state[1])
    a = np.random.RandomState(seed).normal(0.0, 1.0, shape)
    u, _, v = np.linalg.svd(a, full_matrices=False)
    assert np.allclose(got, u if u.shape == shape else v)


def test_dtype_argument():
    for dtype in ("float64", torch.float64, np.float64):
        assert initializers.glorot_uniform()((3, 3), dtype=dtype).dtype == torch.float64
    assert initializers.TruncatedNormal()((3, 3), dtype="float16").dtype == torch.float16
    assert initializers.Orthogonal()((3, 3), dtype="float64").dtype == torch.float64
    assert initializers.Constant(1)((2,), dtype="float64").dtype == torch.float64


# ------------------------------------------------------------------ seeds

@pytest.mark.parametrize("make", [
    lambda s: initializers.RandomNormal(seed=s), lambda s: initializers.RandomUniform(seed=s),
    lambda s: initializers.TruncatedNormal(seed=s), lambda s: initializers.glorot_uniform(seed=s),
    lambda s: initializers.he_normal(seed=s), lambda s: initializers.Orthogonal(seed=s)])
def test_seeds_are_deterministic_and_unseeded_follows_torch_manual_seed(make):
    shape = (8, 6)
    first = make(5)(shape)
    assert torch.equal(first, make(5)(shape))
    assert torch.equal(first, make(5)(shape))
    assert not torch.equal(first, make(6)(shape))
    unseeded = make(None)
    torch.manual_seed(123)
    a = unseeded(shape)
    b = unseeded(shape)
    torch.manual_seed(123)
    assert torch.equal(a, unseeded(shape))
    assert not torch.equal(a, b)


def test_each_call_returns_a_new_tensor():
    init = initializers.Ones()
    a = init((2,))
    a += 1
    assert torch.equal(init((2,)), torch.ones(2))


# ------------------------------------------------------------------ configs and lookups

def test_config_keys_are_keras_224():
    expected = {
        initializers.Zeros(): {}, initializers.Ones(): {},
        initializers.Constant(0.5): {"value": 0.5},
        initializers.RandomNormal(): {"mean": 0.0, "stddev": 0.05, "seed": None},
        initializers.RandomUniform(): {"minval": -0.05, "maxval": 0.05, "seed": None},
        initializers.TruncatedNormal(): {"mean": 0.0, "stddev": 0.05, "seed": None},
        initializers.VarianceScaling(): {"scale": 1.0, "mode": "fan_in", "distribution": "normal",
                                         "seed": None},
        initializers.Orthogonal(): {"gain": 1.0, "seed": None},
        initializers.Identity(): {"gain": 1.0},
    }
    for init, config in expected.items():
        assert init.get_config() == config
    assert initializers.serialize(initializers.glorot_uniform()) == {
        "class_name": "VarianceScaling",
        "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_registered_name_round_trips_through_json(name):
    init = initializers.get(name)
    assert INITIALIZERS.get(name) is not None
    config = json.loads(json.dumps(initializers.serialize(init)))
    again = initializers.deserialize(config)
    assert type(again) is type(init)
    assert again.get_config() == init.get_config()
    assert repr(again) == repr(init)
    assert again((3, 3)).shape == (3, 3)


def test_keras_names_and_aliases():
    for name, cls in [("zero", initializers.Zeros), ("zeros", initializers.Zeros),
                      ("Zeros", initializers.Zeros), ("one", initializers.Ones),
                      ("ones", initializers.Ones), ("uniform", initializers.RandomUniform),
                      ("random_uniform", initializers.RandomUniform),
                      ("normal", initializers.RandomNormal), ("random_normal", initializers.RandomNormal),
                      ("truncated_normal", initializers.TruncatedNormal),
                      ("orthogonal", initializers.Orthogonal), ("identity", initializers.Identity),
                      ("constant", initializers.Constant), ("glorot_uniform", initializers.VarianceScaling)]:
        assert type(initializers.get(name)) is cls, name
    assert initializers.zero is initializers.Zeros and initializers.normal is initializers.RandomNormal


def test_tf_keras_configs_load():
    init = initializers.get({"class_name": "GlorotUniform", "config": {"seed": None}})
    assert init.get_config() == initializers.glorot_uniform().get_config()
    vs = initializers.deserialize({"class_name": "VarianceScaling", "config": {
        "scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal", "seed": None,
        "dtype": "float32"}})
    assert vs.get_config() == initializers.he_normal().get_config()
    config = {"mean": 0.0, "stddev": 1.0, "seed": 3, "dtype": "float32"}
    assert initializers.RandomNormal.from_config(config).seed == 3
    assert "dtype" in config  # from_config does not mutate the caller's dict


def test_get_none_callable_class_and_bad_types():
    assert initializers.get(None) is None

    def my_init(shape, dtype=None):
        return torch.zeros(shape)
    assert initializers.get(my_init) is my_init
    assert type(initializers.get(initializers.Ones)) is initializers.Ones
    with pytest.raises(ValueError, match="initializer identifier: 1.5"):
        initializers.get(1.5)


def test_unknown_name_lists_close_matches_and_custom_objects_win():
    with pytest.raises(UnknownObjectError) as info:
        initializers.get("glorot_unifrom")
    assert "'glorot_uniform'" in str(info.value)
    with custom_object_scope({"glorot_unifrom": initializers.Ones}):
        assert type(initializers.get("glorot_unifrom")) is initializers.Ones
    got = initializers.deserialize({"class_name": "Mine", "config": {}},
                                   custom_objects={"Mine": initializers.Zeros})
    assert type(got) is initializers.Zeros

    def my_init(shape, dtype=None):
        return torch.full(shape, 0.5)
    with custom_object_scope({"my_init": my_init}):  # saved as 'my_init', loaded as the function
        assert initializers.get("my_init") is my_init


@pytest.mark.parametrize("make,exc,words", [
    (lambda: initializers.RandomUniform(minval=0.1, maxval=-0.1), ValueError, ["minval", "maxval=-0.1"]),
    (lambda: initializers.RandomNormal(stddev=-1), ValueError, ["stddev", "stddev=-1"]),
    (lambda: initializers.TruncatedNormal(mean="a"), TypeError, ["mean", "'a'"]),
    (lambda: initializers.RandomNormal(seed="x"), TypeError, ["seed", "'x'"]),
    (lambda: initializers.VarianceScaling(scale=0), ValueError, ["scale", "scale=0"]),
    (lambda: initializers.VarianceScaling(mode="fan_bad"), ValueError, ["mode", "fan_avg"]),
    (lambda: initializers.VarianceScaling(distribution="gauss"), ValueError, ["distribution", "gauss"]),
    (lambda: initializers.Constant("big"), TypeError, ["value", "'big'"]),
    (lambda: initializers.Identity()((2, 3, 4)), ValueError, ["2-D", "(2, 3, 4)"]),
    (lambda: initializers.Identity()((2, 3)), ValueError, ["multiple", "(2, 3)"]),
    (lambda: initializers.Orthogonal()((5,)), ValueError, ["2-D", "(5,)"]),
    (lambda: initializers.Zeros()((2, None)), ValueError, ["shape", "None"]),
])
def test_bad_arguments_name_the_argument_and_value(make, exc, words):
    with pytest.raises(exc) as info:
        make()
    for word in words:
        assert word in str(info.value)


def test_keras1_initializations_module():
    assert initializations.zero is initializers.Zeros
    assert initializations.one is initializers.Ones
    assert initializations.uniform is initializers.RandomUniform
    assert initializations.normal is initializers.RandomNormal
    assert initializations.orthogonal is initializers.Orthogonal
    assert initializations.identity is initializers.Identity
    for name in ("lecun_uniform", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
                 "get", "serialize", "deserialize"):
        assert getattr(initializations, name) is getattr(initializers, name)
    assert type(initializations.get("zero")) is initializers.Zeros
