"""torkeras.activations: Keras 2.2.4 functions, get/serialize/deserialize through the registry.

Numerical agreement with real Keras is in compat_tests/test_objects_golden.py; these tests cover
the API, the lookups and the properties that do not need Keras.
"""
import json

import pytest
import torch

from torkeras import activations
from torkeras._registry import ACTIVATIONS
from torkeras.errors import UnknownObjectError
from torkeras.utils.generic_utils import custom_object_scope

BUILTINS = [obj for obj, _, _ in activations._builtin_objects()]
NAMES = [name for _, name, _ in activations._builtin_objects()]


def _x(*shape):
    g = torch.Generator().manual_seed(0)
    return torch.randn(*shape, generator=g) * 3


def test_builtin_listing_has_keras_224_names_once():
    assert sorted(NAMES) == sorted(["softmax", "elu", "selu", "softplus", "softsign", "relu", "tanh",
                                    "sigmoid", "hard_sigmoid", "exponential", "linear"])
    assert all(getattr(activations, name) is obj for obj, name, _ in activations._builtin_objects())
    assert set(NAMES) <= set(activations.__all__)


@pytest.mark.parametrize("name", NAMES)
def test_every_activation_is_registered_and_round_trips(name):
    fn = getattr(activations, name)
    assert ACTIVATIONS.get(name) is fn
    assert activations.get(name) is fn
    assert activations.serialize(fn) == name
    assert activations.deserialize(json.loads(json.dumps(activations.serialize(fn)))) is fn
    assert activations.get({"class_name": name, "config": {}}) is fn
    assert activations.get({"class_name": "function", "config": name}) is fn  # Keras 3 / tf-keras


@pytest.mark.parametrize("name", NAMES)
def test_every_activation_keeps_shape_and_is_differentiable(name):
    x = _x(3, 4).requires_grad_(True)
    y = getattr(activations, name)(x)
    assert y.shape == x.shape and y.dtype == x.dtype
    y.sum().backward()
    assert torch.isfinite(x.grad).all()


def test_get_none_is_linear_and_callables_pass_through():
    assert activations.get(None) is activations.linear

    def swish(x):
        return x * torch.sigmoid(x)
    assert activations.get(swish) is swish


def test_get_rejects_other_types_with_the_value():
    with pytest.raises(ValueError, match="activation function identifier: 42"):
        activations.get(42)


def test_unknown_name_lists_close_matches():
    with pytest.raises(UnknownObjectError) as info:
        activations.get("rlu")
    assert "'relu'" in str(info.value) and "custom_objects" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_function_given_a_config_is_rejected():
    with pytest.raises(ValueError, match="takes no config"):
        activations.deserialize({"class_name": "relu", "config": {"alpha": 0.1}})


def test_custom_objects_and_scope_come_before_the_registry():
    def relu(x):
        return x
    assert activations.deserialize("relu", custom_objects={"relu": relu}) is relu
    with custom_object_scope({"my_act": relu}):
        assert activations.get("my_act") is relu
    with pytest.raises(UnknownObjectError):
        activations.get("my_act")


def test_softmax_normalises_the_requested_axis():
    x = _x(2, 3, 4)
    assert torch.allclose(activations.softmax(x).sum(-1), torch.ones(2, 3))
    assert torch.allclose(activations.softmax(x, axis=1).sum(1), torch.ones(2, 4))
    assert torch.allclose(activations.softmax(x[0], axis=0).sum(0), torch.ones(4))


def test_softmax_of_1d_input_raises_value_error_with_the_shape():
    with pytest.raises(ValueError, match=r"1D.*\(5,\)"):
        activations.softmax(torch.zeros(5))


def test_hard_sigmoid_is_keras_slope_not_torch():
    x = torch.linspace(-4, 4, 33)
    y = activations.hard_sigmoid(x)
    assert torch.allclose(y, torch.clamp(0.2 * x + 0.5, 0.0, 1.0))
    assert not torch.allclose(y, torch.nn.functional.hardsigmoid(x))


def test_relu_options_follow_the_keras_definition():
    x = _x(50)
    assert torch.equal(activations.relu(x), torch.relu(x))
    assert torch.allclose(activations.relu(x, alpha=0.3), torch.where(x > 0, x, 0.3 * x))
    assert torch.allclose(activations.relu(x, max_value=1.5), torch.clamp(x, 0, 1.5))
    thresholded = activations.relu(x, alpha=0.5, threshold=1.0)
    assert torch.allclose(thresholded, torch.where(x > 1.0, x, 0.5 * (x - 1.0)))


def test_elu_alpha_and_selu_constants():
    x = _x(40)
    assert torch.allclose(activations.elu(x, alpha=0.5), torch.where(x > 0, x, 0.5 * torch.expm1(x)))
    assert torch.allclose(activations.selu(x), torch.selu(x))


def test_linear_returns_its_input():
    x = _x(3)
    assert activations.linear(x) is x
