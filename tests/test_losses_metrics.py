"""torkeras.losses / metrics / objectives: lookups, aliases, shapes, gradients, Keras edge cases.

Numerical agreement with real Keras is in compat_tests/test_objects_golden.py.
"""
import json
import math

import pytest
import torch

from torkeras import backend as K
from torkeras import losses, metrics, objectives
from torkeras._registry import LOSSES, METRICS
from torkeras.errors import UnknownObjectError
from torkeras.utils.generic_utils import custom_object_scope

LOSS_ENTRIES = losses._builtin_objects()
LOSS_NAMES = [name for _, name, _ in LOSS_ENTRIES]
ACCURACIES = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
              "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy"]
KERAS_ALIASES = {"mse": "mean_squared_error", "MSE": "mean_squared_error",
                 "mae": "mean_absolute_error", "MAE": "mean_absolute_error",
                 "mape": "mean_absolute_percentage_error", "MAPE": "mean_absolute_percentage_error",
                 "msle": "mean_squared_logarithmic_error", "MSLE": "mean_squared_logarithmic_error",
                 "kld": "kullback_leibler_divergence", "KLD": "kullback_leibler_divergence",
                 "cosine": "cosine_proximity"}


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def _inputs(name, shape):
    """Valid (y_true, y_pred) for loss ``name`` with per-sample shape ``shape[:-1]``."""
    g = _gen(1)
    classes = shape[-1]
    probs = torch.softmax(torch.randn(*shape, generator=g), -1)
    labels = torch.randint(0, classes, shape[:-1], generator=g)
    if name == "sparse_categorical_crossentropy":
        return labels.float(), probs
    if name in ("categorical_crossentropy", "kullback_leibler_divergence", "categorical_hinge"):
        return torch.nn.functional.one_hot(labels, classes).float(), probs
    if name == "binary_crossentropy":
        return (torch.rand(*shape, generator=g) > 0.5).float(), torch.rand(*shape, generator=g)
    if name in ("hinge", "squared_hinge"):
        return torch.sign(torch.randn(*shape, generator=g)), torch.randn(*shape, generator=g)
    if name in ("poisson", "mean_squared_logarithmic_error"):
        return torch.rand(*shape, generator=g) * 3, torch.rand(*shape, generator=g) * 3 + 0.1
    return torch.randn(*shape, generator=g), torch.randn(*shape, generator=g)


# ------------------------------------------------------------------ names and lookups

def test_loss_listing_has_every_keras_224_loss_and_alias():
    assert sorted(LOSS_NAMES) == sorted([
        "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge", "logcosh",
        "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
        "kullback_leibler_divergence", "poisson", "cosine_proximity"])
    listed_aliases = {a: name for _, name, aliases in LOSS_ENTRIES for a in aliases}
    assert listed_aliases == KERAS_ALIASES
    for alias, name in KERAS_ALIASES.items():
        assert getattr(losses, alias) is getattr(losses, name)


@pytest.mark.parametrize("name", LOSS_NAMES + sorted(KERAS_ALIASES))
def test_losses_resolve_by_name_and_alias_in_both_registries(name):
    fn = getattr(losses, KERAS_ALIASES.get(name, name))
    assert losses.get(name) is fn and LOSSES.get(name) is fn
    assert metrics.get(name) is fn and METRICS.get(name) is fn
    assert getattr(metrics, name) is fn
    assert losses.get({"class_name": name, "config": {}}) is fn


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_serializes_to_its_canonical_name_through_json(name):
    fn = losses.get(name)
    text = json.dumps(losses.serialize(fn))
    assert json.loads(text) == name
    assert losses.deserialize(json.loads(text)) is fn
    assert losses.get({"class_name": "function", "config": name}) is fn


def test_alias_serializes_to_function_name_as_keras():
    assert losses.serialize(losses.get("mse")) == "mean_squared_error"
    assert metrics.serialize(metrics.get("cosine")) == "cosine_proximity"


@pytest.mark.parametrize("name", ACCURACIES)
def test_accuracies_are_registered_metrics_only(name):
    fn = getattr(metrics, name)
    assert metrics.get(name) is fn and metrics.serialize(fn) == name
    assert metrics.deserialize(json.loads(json.dumps(name))) is fn
    assert name not in LOSSES


def test_acc_is_left_to_the_training_engine():
    for name in ("acc", "accuracy"):
        with pytest.raises(UnknownObjectError):
            metrics.get(name)


def test_unknown_names_list_close_matches():
    with pytest.raises(UnknownObjectError) as info:
        losses.get("categorical_crossentropyy")
    assert "'categorical_crossentropy'" in str(info.value)
    with pytest.raises(UnknownObjectError) as info:
        metrics.get("categorical_acuracy")
    assert "'categorical_accuracy'" in str(info.value)


def test_get_none_and_callables():
    assert losses.get(None) is None
    with pytest.raises(ValueError, match="metric function identifier: None"):
        metrics.get(None)

    def my_loss(y_true, y_pred):
        return (y_true - y_pred).abs().sum(-1)
    assert losses.get(my_loss) is my_loss and metrics.get(my_loss) is my_loss
    with pytest.raises(ValueError, match="loss function identifier: 3"):
        losses.get(3)


def test_custom_objects_and_scope():
    def my_loss(y_true, y_pred):
        return y_pred.sum(-1)
    assert losses.deserialize("my_loss", custom_objects={"my_loss": my_loss}) is my_loss
    with custom_object_scope({"my_loss": my_loss}):
        assert losses.get("my_loss") is my_loss
        assert metrics.get("my_loss") is my_loss


def test_objectives_is_an_explicit_alias_of_losses():
    assert set(objectives.__all__) == set(losses.__all__)
    for name in objectives.__all__:
        assert getattr(objectives, name) is getattr(losses, name)


# ------------------------------------------------------------------ shapes, gradients

@pytest.mark.parametrize("shape", [(6, 5), (2, 3, 4)])
@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_reduces_the_last_axis_only_and_is_differentiable(name, shape):
    y_true, y_pred = _inputs(name, shape)
    y_pred = y_pred.clone().requires_grad_(True)
    out = losses.get(name)(y_true, y_pred)
    assert out.shape == shape[:-1]
    assert out.dtype == torch.float32
    out.sum().backward()
    assert torch.isfinite(y_pred.grad).all()


@pytest.mark.parametrize("name", ACCURACIES)
def test_metric_per_sample_shape_and_dtype(name):
    g = _gen(2)
    y_pred = torch.rand(8, 6, generator=g)
    labels = torch.randint(0, 6, (8,), generator=g)
    y_true = {"binary_accuracy": (torch.rand(8, 6, generator=g) > 0.5).float(),
              "categorical_accuracy": torch.nn.functional.one_hot(labels, 6).float(),
              "top_k_categorical_accuracy": torch.nn.functional.one_hot(labels, 6).float()
              }.get(name, labels.float().reshape(8, 1))
    out = getattr(metrics, name)(y_true, y_pred)
    assert out.shape == (8,) and out.dtype == torch.float32
    assert ((out >= 0) & (out <= 1)).all()


# ------------------------------------------------------------------ Keras semantics

def test_binary_crossentropy_saturates_at_minus_log_epsilon_not_torch_100():
    y_true = torch.tensor([[1.0], [0.0]])
    y_pred = torch.tensor([[0.0], [1.0]])
    out = losses.binary_crossentropy(y_true, y_pred)
    # clipped to [eps, 1 - eps] in float32, where 1 - 1e-7 rounds to 1 - 2**-23
    upper = torch.tensor(1.0 - K.epsilon(), dtype=torch.float32).item()
    assert out[0].item() == pytest.approx(-math.log(K.epsilon()), rel=1e-5)
    assert out[1].item() == pytest.approx(-math.log(1.0 - upper), rel=1e-5)
    torch_value = torch.nn.functional.binary_cross_entropy(y_pred, y_true)
    assert torch_value.item() == pytest.approx(100.0)


def test_categorical_crossentropy_renormalises_and_clips_probabilities():
    g = _gen(3)
    y_true = torch.nn.functional.one_hot(torch.arange(4) % 3, 3).float()
    p = torch.softmax(torch.randn(4, 3, generator=g), -1)
    assert torch.allclose(losses.categorical_crossentropy(y_true, 2.5 * p),
                          losses.categorical_crossentropy(y_true, p))
    saturated = losses.categorical_crossentropy(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 1.0]]))
    assert saturated.item() == pytest.approx(-math.log(K.epsilon()), rel=1e-5)


def test_sparse_and_categorical_crossentropy_agree_and_accept_both_label_shapes():
    g = _gen(4)
    p = torch.softmax(torch.randn(5, 4, generator=g), -1)
    labels = torch.tensor([0, 3, 1, 1, 2])
    one_hot = torch.nn.functional.one_hot(labels, 4).float()
    dense = losses.categorical_crossentropy(one_hot, p)
    for y in (labels, labels.float(), labels.float().reshape(5, 1)):
        assert torch.allclose(losses.sparse_categorical_crossentropy(y, p), dense, atol=1e-6)


def test_binary_accuracy_rounds_half_to_even():
    y_true = torch.tensor([[0.0, 0.0, 1.0, 2.0]])
    y_pred = torch.tensor([[0.5, 0.49, 0.51, 2.5]])
    assert metrics.binary_accuracy(y_true, y_pred).item() == 1.0


def test_categorical_accuracy_ties_pick_the_first_index():
    y_pred = torch.tensor([[0.4, 0.4, 0.2], [0.4, 0.4, 0.2]])
    y_true = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert metrics.categorical_accuracy(y_true, y_pred).tolist() == [1.0, 0.0]


def test_sparse_categorical_accuracy_label_forms():
    y_pred = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    expected = [1.0, 0.0, 1.0]
    for y in (torch.tensor([1.0, 1.0, 1.0]), torch.tensor([[1.0], [1.0], [1.0]]),
              torch.tensor([1, 1, 1])):
        assert metrics.sparse_categorical_accuracy(y, y_pred).tolist() == expected


def test_top_k_counts_ties_at_the_boundary_and_defaults_to_5():
    y_pred = torch.tensor([[0.5, 0.2, 0.2, 0.1]])
    sparse = torch.tensor([[2.0]])
    one_hot = torch.tensor([[0.0, 0.0, 1.0, 0.0]])
    assert metrics.sparse_top_k_categorical_accuracy(sparse, y_pred, k=2).item() == 1.0
    assert metrics.top_k_categorical_accuracy(one_hot, y_pred, k=2).item() == 1.0
    assert metrics.top_k_categorical_accuracy(one_hot, y_pred, k=1).item() == 0.0
    wide = torch.arange(8.0).flip(0).reshape(1, 8)
    fifth, sixth = torch.zeros(1, 8), torch.zeros(1, 8)
    fifth[0, 4], sixth[0, 5] = 1.0, 1.0
    assert metrics.top_k_categorical_accuracy(fifth, wide).item() == 1.0
    assert metrics.top_k_categorical_accuracy(sixth, wide).item() == 0.0


def test_cosine_proximity_is_the_keras_2_sum_not_mean():
    y = torch.tensor([[1.0, 2.0, 3.0]])
    assert losses.cosine_proximity(y, 2 * y).item() == pytest.approx(-1.0, abs=1e-6)
    assert losses.cosine_proximity(torch.zeros(1, 3), y).item() == 0.0


def test_mape_clips_zero_targets_by_epsilon():
    out = losses.mean_absolute_percentage_error(torch.zeros(1, 1), torch.full((1, 1), 1e-7))
    assert torch.isfinite(out).all()
