"""Unit tests of torkeras.optimizers: configs, lookup, hyperparameter tensors, state and clipping.

Numerics against real Keras live in compat_tests/test_optimizers_golden.py.
"""
import json

import numpy as np
import pytest
import torch

from torkeras import backend as K
from torkeras import optimizers
from torkeras.errors import UnknownObjectError

ALL = [optimizers.SGD, optimizers.RMSprop, optimizers.Adagrad, optimizers.Adadelta,
       optimizers.Adam, optimizers.Adamax, optimizers.Nadam]

# Non-default settings for each class (every key of its Keras 2.2.4 config).
SETTINGS = {
    "SGD": dict(lr=0.05, momentum=0.8, decay=0.01, nesterov=True),
    "RMSprop": dict(lr=0.002, rho=0.8, epsilon=1e-6, decay=0.01),
    "Adagrad": dict(lr=0.02, epsilon=1e-6, decay=0.01),
    "Adadelta": dict(lr=0.5, rho=0.9, epsilon=1e-6, decay=0.01),
    "Adam": dict(lr=0.002, beta_1=0.8, beta_2=0.99, epsilon=1e-6, decay=0.01, amsgrad=True),
    "Adamax": dict(lr=0.003, beta_1=0.8, beta_2=0.99, epsilon=1e-6, decay=0.01),
    "Nadam": dict(lr=0.003, beta_1=0.8, beta_2=0.99, epsilon=1e-6, schedule_decay=0.01),
}
KEYS = {
    "SGD": {"lr", "momentum", "decay", "nesterov"},
    "RMSprop": {"lr", "rho", "decay", "epsilon"},
    "Adagrad": {"lr", "decay", "epsilon"},
    "Adadelta": {"lr", "rho", "decay", "epsilon"},
    "Adam": {"lr", "beta_1", "beta_2", "decay", "epsilon", "amsgrad"},
    "Adamax": {"lr", "beta_1", "beta_2", "decay", "epsilon"},
    "Nadam": {"lr", "beta_1", "beta_2", "epsilon", "schedule_decay"},
}
# Number of optimizer weights for P parameters, Keras 2.2.4 order (facts sheet 2.4).
N_WEIGHTS = {"SGD": lambda n: 1 + n, "RMSprop": lambda n: n, "Adagrad": lambda n: n,
             "Adadelta": lambda n: 2 * n, "Adam": lambda n: 1 + 3 * n,
             "Adamax": lambda n: 1 + 2 * n, "Nadam": lambda n: 1 + 2 * n}


def _params(seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    shapes = [(4, 3), (3,), (3, 2), (2,)]
    return [torch.nn.Parameter(torch.randn(s, generator=g, dtype=dtype)) for s in shapes]


def _grads(params, step, seed=100):
    g = torch.Generator().manual_seed(seed + step)
    for p in params:
        p.grad = torch.randn(p.shape, generator=g, dtype=p.dtype)


def _run(opt, params, steps, start=0):
    for s in range(start, start + steps):
        _grads(params, s)
        opt.step(params)


def _clone(params):
    return [torch.nn.Parameter(p.detach().clone()) for p in params]


# ---- configs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_config_keys_and_json_round_trip(cls):
    opt = cls(clipnorm=1.5, clipvalue=0.5, **SETTINGS[cls.__name__])
    config = opt.get_config()
    assert set(config) == KEYS[cls.__name__] | {"clipnorm", "clipvalue"}
    for k, v in config.items():
        assert type(v) in (float, bool), (k, v)
    text = json.dumps(optimizers.serialize(opt))
    clone = optimizers.deserialize(json.loads(text))
    assert type(clone) is cls
    assert clone.get_config() == config


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_default_config_has_no_clip_keys(cls):
    config = cls().get_config()
    assert set(config) == KEYS[cls.__name__]
    if "epsilon" in config:
        assert config["epsilon"] == K.epsilon() == 1e-7


def test_defaults_match_keras_224():
    assert optimizers.SGD().get_config() == {"lr": pytest.approx(0.01), "momentum": 0.0,
                                             "decay": 0.0, "nesterov": False}
    assert optimizers.Adam().get_config()["lr"] == pytest.approx(0.001)
    assert optimizers.Adamax().get_config()["lr"] == pytest.approx(0.002)
    assert optimizers.Nadam().get_config()["schedule_decay"] == 0.004
    assert optimizers.Adadelta().get_config()["rho"] == 0.95
    assert optimizers.RMSprop().get_config()["rho"] == pytest.approx(0.9)


# ---- lookup ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["adam", "Adam", "ADAM", "sgd", "SGD", "rmsprop", "RMSprop",
                                  "adagrad", "adadelta", "adamax", "nadam", "Nadam"])
def test_get_by_name(name):
    opt = optimizers.get(name)
    assert type(opt).__name__.lower() == name.lower()


def test_get_dict_instance_and_errors():
    opt = optimizers.get({"class_name": "Adam", "config": {"lr": 0.5}})
    assert float(K.get_value(opt.lr)) == 0.5
    assert optimizers.get(opt) is opt
    # An uninitialised instance is enough for the type check (constructing a torch optimizer
    # imports torch._dynamo, which takes seconds).
    with pytest.raises(TypeError, match="torkeras optimizer"):
        optimizers.get(torch.optim.Adam.__new__(torch.optim.Adam))
    with pytest.raises(TypeError, match="Adam"):
        optimizers.get(torch.optim.Adam)
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get(42)
    with pytest.raises(UnknownObjectError, match="adamm"):
        optimizers.get("adamm")


def test_deserialize_custom_objects():
    class MyOpt(optimizers.SGD):
        pass
    opt = optimizers.deserialize({"class_name": "MyOpt", "config": {"lr": 0.3}},
                                 custom_objects={"MyOpt": MyOpt})
    assert type(opt) is MyOpt and float(K.get_value(opt.lr)) == pytest.approx(0.3)


def test_builtin_objects_listing():
    listing = optimizers._builtin_objects()
    assert [(name, aliases) for _, name, aliases in listing] == [
        (c.__name__, (c.__name__.lower(),)) for c in ALL]
    assert optimizers.adam is optimizers.Adam and optimizers.sgd is optimizers.SGD


def test_get_updates_is_not_supported():
    with pytest.raises(NotImplementedError, match="step"):
        optimizers.Adam().get_updates(None, [])


def test_tfoptimizer_rejected():
    with pytest.raises(TypeError, match="PyTorch"):
        optimizers.TFOptimizer(None)


# ---- arguments ----------------------------------------------------------------------------------

def test_learning_rate_alias():
    opt = optimizers.Adam(learning_rate=0.25)
    assert float(K.get_value(opt.lr)) == 0.25
    assert opt.learning_rate is opt.lr
    opt.learning_rate = 0.5
    assert float(K.get_value(opt.lr)) == 0.5
    with pytest.raises(TypeError, match="learning_rate"):
        optimizers.Adam(lr=0.1, learning_rate=0.2)
    with pytest.raises(TypeError, match="learning_rate"):
        optimizers.SGD(0.1, learning_rate=0.2)
    assert float(K.get_value(optimizers.SGD(0.3).lr)) == pytest.approx(0.3)
    opt = optimizers.deserialize({"class_name": "SGD", "config": {"learning_rate": 0.2}})
    assert float(K.get_value(opt.lr)) == pytest.approx(0.2)


def test_unknown_kwarg_names_it():
    with pytest.raises(TypeError, match="betas"):
        optimizers.Adam(betas=(0.9, 0.99))
    with pytest.raises(TypeError, match="foo"):
        optimizers.SGD.from_config({"lr": 0.1, "foo": 1})


@pytest.mark.parametrize("kwargs, exc", [
    (dict(lr=-1.0), ValueError), (dict(lr="fast"), TypeError), (dict(lr=None), TypeError),
    (dict(decay=-0.1), ValueError), (dict(beta_1=1.0), ValueError), (dict(beta_2=-0.5), ValueError),
    (dict(epsilon=-1e-7), ValueError), (dict(clipnorm=-1.0), ValueError),
    (dict(clipvalue=float("nan")), ValueError), (dict(lr=float("inf")), ValueError),
])
def test_bad_values(kwargs, exc):
    with pytest.raises(exc, match=list(kwargs)[0]):
        optimizers.Adam(**kwargs)


def test_tf_keras_configs():
    tf_adam = {"name": "Adam", "learning_rate": 0.01, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999,
               "epsilon": 1e-07, "amsgrad": False}
    opt = optimizers.deserialize({"class_name": "Adam", "config": tf_adam})
    assert opt.get_config()["lr"] == pytest.approx(0.01)
    tf_nadam = {"name": "Nadam", "learning_rate": 0.001, "decay": 0.004, "beta_1": 0.9,
                "beta_2": 0.999, "epsilon": 1e-07}
    assert optimizers.Nadam.from_config(tf_nadam).schedule_decay == 0.004
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        optimizers.Adagrad.from_config({"name": "Adagrad", "learning_rate": 0.01,
                                        "initial_accumulator_value": 0.1, "epsilon": 1e-7})
    ok = optimizers.Adagrad.from_config({"name": "Adagrad", "learning_rate": 0.01,
                                         "initial_accumulator_value": 0.0, "epsilon": 1e-7})
    assert isinstance(ok, optimizers.Adagrad)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.RMSprop.from_config({"name": "RMSprop", "learning_rate": 0.01, "momentum": 0.9})
    with pytest.raises(ValueError, match="global"):
        optimizers.SGD.from_config({"name": "SGD", "learning_rate": 0.01, "clipnorm": 1.0})
    opt = optimizers.SGD.from_config({"name": "SGD", "learning_rate": 0.01, "global_clipnorm": 2.0})
    assert opt.get_config()["clipnorm"] == 2.0
    with pytest.raises(ValueError, match="use_ema"):
        optimizers.Adam.from_config({"learning_rate": 0.01, "use_ema": True})


# ---- hyperparameter tensors -----------------------------------------------------------------------

@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_hyperparameters_are_cpu_scalars(cls):
    opt = cls()
    names = ["lr", "decay", "momentum", "rho", "beta_1", "beta_2"]
    if cls is optimizers.Adadelta:
        names.remove("rho")  # a plain float in Keras 2.2.4
        assert isinstance(opt.rho, float)
    for name in names:
        t = getattr(opt, name, None)
        if t is None:
            continue
        assert isinstance(t, torch.Tensor) and t.dim() == 0, name
        assert t.dtype == torch.float32 and t.device.type == "cpu", name
    assert opt.iterations.dtype == torch.int64 and opt.iterations.dim() == 0
    assert int(K.get_value(opt.iterations)) == 0
    if cls is optimizers.Nadam:
        assert not hasattr(opt, "decay")


def test_set_value_lr_changes_next_step():
    p = [torch.nn.Parameter(torch.zeros(3))]
    opt = optimizers.SGD(lr=0.1)
    p[0].grad = torch.ones(3)
    opt.step(p)
    assert torch.allclose(p[0].detach(), torch.full((3,), -0.1))
    K.set_value(opt.lr, 0.5)
    opt.step(p)
    assert torch.allclose(p[0].detach(), torch.full((3,), -0.6))
    assert int(K.get_value(opt.iterations)) == 2


def test_sgd_velocity_holds_learning_rate():
    # Keras: v = m*v - lr*g, so a changed lr does not rescale the stored velocity (unlike torch).
    p = [torch.nn.Parameter(torch.zeros(1))]
    opt = optimizers.SGD(lr=1.0, momentum=0.5)
    p[0].grad = torch.ones(1)
    opt.step(p)                     # v = -1, p = -1
    K.set_value(opt.lr, 0.1)
    opt.step(p)                     # v = -0.5 - 0.1 = -0.6, p = -1.6
    assert p[0].item() == pytest.approx(-1.6)
    assert opt.get_weights()[1][0] == pytest.approx(-0.6)


def test_decay_is_per_batch_and_needs_initial_decay():
    p = [torch.nn.Parameter(torch.zeros(1))]
    opt = optimizers.SGD(lr=1.0, decay=1.0)
    for _ in range(3):
        p[0].grad = torch.ones(1)
        opt.step(p)
    assert p[0].item() == pytest.approx(-(1 + 1 / 2 + 1 / 3))
    # Keras 2.2.4 applies decay only when the optimizer was created with decay > 0.
    q = [torch.nn.Parameter(torch.zeros(1))]
    opt = optimizers.SGD(lr=1.0)
    K.set_value(opt.decay, 1.0)
    for _ in range(2):
        q[0].grad = torch.ones(1)
        opt.step(q)
    assert q[0].item() == pytest.approx(-2.0)


# ---- state: weights, set_weights, resume ------------------------------------------------------------

@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_weights_layout_and_names(cls):
    params = _params()
    opt = cls()
    assert opt.weights == [] and opt.weight_names() == []
    _run(opt, params, 1)
    weights = opt.get_weights()
    names = opt.weight_names()
    assert len(weights) == len(names) == N_WEIGHTS[cls.__name__](len(params))
    n = cls.__name__
    if cls in (optimizers.SGD, optimizers.Adam, optimizers.Adamax, optimizers.Nadam):
        assert names[0] == "%s/iterations:0" % n and weights[0].shape == () and weights[0] == 1
        rest = names[1:]
    else:
        rest = names
    assert rest[0] == "training/%s/Variable:0" % n
    assert rest[-1] == "training/%s/Variable_%d:0" % (n, len(rest) - 1)
    slot_shapes = [w.shape for w in weights[len(names) - len(rest):]]
    if cls is optimizers.Adam:  # vhat placeholders, shape (1,), unless amsgrad
        assert slot_shapes == [tuple(p.shape) for p in params] * 2 + [(1,)] * len(params)
    else:
        k = len(slot_shapes) // len(params)
        assert slot_shapes == [tuple(p.shape) for p in params] * k


def test_adam_amsgrad_vhat_full_size():
    params = _params()
    opt = optimizers.Adam(amsgrad=True)
    opt.build(params)
    assert [w.shape for w in opt.get_weights()[-4:]] == [tuple(p.shape) for p in params]


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_resume_from_weights_equals_continuous_run(cls):
    settings = dict(SETTINGS[cls.__name__])
    if cls in (optimizers.RMSprop, optimizers.Adagrad, optimizers.Adadelta):
        settings["decay"] = 0.0  # Keras 2.2.4 does not save their iterations
    ref_params = _params()
    ref = cls(**settings)
    _run(ref, ref_params, 5)

    params = _params()
    first = cls(**settings)
    _run(first, params, 3)
    saved = first.get_weights()
    resumed_params = _clone(params)
    second = cls.from_config(first.get_config())
    second.build(resumed_params)               # as the HDF5 loader does
    second.set_weights(saved)
    _run(second, resumed_params, 2, start=3)
    for a, b in zip(ref_params, resumed_params):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-7)
    for a, b in zip(ref.get_weights(), second.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_set_weights_errors():
    params = _params()
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match="build"):
        opt.set_weights([])
    opt.build(params)
    weights = opt.get_weights()
    with pytest.raises(ValueError, match=r"Adam.*13.*received 12"):
        opt.set_weights(weights[:-1])
    bad = list(weights)
    bad[1] = np.zeros((3, 4), "float32")
    with pytest.raises(ValueError, match=r"Adam.*\(4, 3\).*\(3, 4\)"):
        opt.set_weights(bad)
    opt.set_weights(weights)  # unchanged on error, valid list accepted


def test_get_weights_returns_copies():
    params = _params()
    opt = optimizers.Adam()
    _run(opt, params, 1)
    w = opt.get_weights()
    before = [a.copy() for a in w]
    _run(opt, params, 1, start=1)
    for a, b in zip(w, before):
        np.testing.assert_array_equal(a, b)


# ---- step details ---------------------------------------------------------------------------------

def test_clipnorm_uses_global_norm():
    p = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(1))]
    opt = optimizers.SGD(lr=1.0, clipnorm=2.5)
    p[0].grad = torch.tensor([3.0, 0.0])
    p[1].grad = torch.tensor([4.0])           # global norm 5 -> scale 0.5
    opt.step(p)
    assert p[0].detach().tolist() == pytest.approx([-1.5, 0.0])
    assert p[1].detach().tolist() == pytest.approx([-2.0])
    q = [torch.nn.Parameter(torch.zeros(2))]
    opt = optimizers.SGD(lr=1.0, clipnorm=10.0)
    q[0].grad = torch.tensor([3.0, 4.0])      # below the threshold: unchanged
    opt.step(q)
    assert q[0].detach().tolist() == pytest.approx([-3.0, -4.0])


def test_clipvalue_is_elementwise():
    p = [torch.nn.Parameter(torch.zeros(3))]
    opt = optimizers.SGD(lr=1.0, clipvalue=0.5)
    p[0].grad = torch.tensor([2.0, -0.2, -3.0])
    opt.step(p)
    assert p[0].detach().tolist() == pytest.approx([-0.5, 0.2, 0.5])


def test_clip_norm_function():
    g = torch.tensor([3.0, 4.0])
    assert optimizers.clip_norm(g, 2.5, torch.tensor(5.0)).tolist() == pytest.approx([1.5, 2.0])
    assert optimizers.clip_norm(g, 0.0, torch.tensor(5.0)) is g


def test_params_without_grad_are_skipped():
    params = _params()
    opt = optimizers.Adam()
    _grads(params, 0)
    params[1].grad = None
    before = params[1].detach().clone()
    opt.step(params)
    assert torch.equal(params[1].detach(), before)
    assert int(K.get_value(opt.iterations)) == 1
    assert len(opt.weights) == 1 + 3 * len(params)  # slots exist for every parameter


def test_parameter_list_change_keeps_state_of_remaining_params():
    params = _params()
    opt = optimizers.Adam()
    _run(opt, params, 2)
    m0 = opt.get_weights()[1].copy()
    extra = torch.nn.Parameter(torch.ones(5))
    new = params + [extra]
    _grads(new, 7)
    opt.step(new)
    assert len(opt.weights) == 1 + 3 * len(new)
    # m of params[0] continued from its old value; the new parameter started from zeros.
    g0 = params[0].grad
    np.testing.assert_allclose(opt.get_weights()[1], 0.9 * m0 + 0.1 * g0.numpy(), rtol=1e-5,
                               atol=1e-7)
    np.testing.assert_allclose(opt.get_weights()[len(new)], 0.1 * extra.grad.numpy(), rtol=1e-5,
                               atol=1e-7)


def test_mixed_dtypes_are_grouped():
    p32 = _params(0)
    p64 = _params(1, dtype=torch.float64)
    opt = optimizers.Adam(lr=0.01)
    mixed = [p32[0], p64[0], p32[1], p64[1]]
    _run(opt, mixed, 3)
    assert mixed[1].dtype == torch.float64
    assert opt.get_weights()[2].dtype == np.float64
    # the same float32 params alone give the same result
    a32 = _params(0)
    solo = optimizers.Adam(lr=0.01)
    for s in range(3):
        _grads(mixed, s)
        for src, dst in zip([mixed[0], mixed[2]], [a32[0], a32[1]]):
            dst.grad = src.grad.clone()
        solo.step([a32[0], a32[1]])
    np.testing.assert_allclose(a32[0].detach().numpy(), mixed[0].detach().numpy(), rtol=1e-6)


def test_zero_grad():
    params = _params()
    _grads(params, 0)
    optimizers.SGD().zero_grad(params)
    assert all(p.grad is None for p in params)


def test_step_does_not_track_autograd():
    params = _params()
    opt = optimizers.Adam()
    _run(opt, params, 1)
    assert all(p.grad_fn is None and p.requires_grad for p in params)
    assert all(not w.requires_grad for w in opt.weights)
