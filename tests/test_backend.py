"""torkeras.backend: variables, symbolic K.function / K.gradients, learning phase, updates, errors.

Numerics of the math functions are checked against tf-keras in compat_tests/test_backend_golden.py;
here the expected values come from numpy computations on the test's own data.
"""
import numpy as np
import pytest
import torch

import torkeras.backend as K
from torkeras.layers import Dense, Dropout, Input, Lambda
from torkeras.models import Model


@pytest.fixture(autouse=True)
def _reset_phase():
    yield
    K.clear_session()


def test_variable_is_parameter_with_value_and_name():
    v = K.variable(np.arange(6).reshape(2, 3), name="W")
    assert isinstance(v, torch.nn.Parameter) and v.requires_grad
    assert K.dtype(v) == "float32" and K.int_shape(v) == (2, 3) and K.ndim(v) == 2
    np.testing.assert_array_equal(K.get_value(v), np.arange(6).reshape(2, 3))
    assert v._keras_name == "W"
    K.set_value(v, np.ones((2, 3)))
    assert K.eval(v).sum() == 6
    K.batch_set_value([(v, np.zeros((2, 3)))])
    assert K.batch_get_value([v])[0].sum() == 0
    i = K.variable([1, 2], dtype="int32")
    assert not i.requires_grad and K.dtype(i) == "int32"
    assert K.count_params(K.zeros((3, 4))) == 12
    np.testing.assert_array_equal(K.get_value(K.eye(3)), np.eye(3))
    assert K.get_value(K.ones((2,))).tolist() == [1.0, 1.0]


def test_random_variables_are_seeded():
    a = K.random_uniform_variable((3, 4), -1, 1, seed=5)
    b = K.random_uniform_variable((3, 4), -1, 1, seed=5)
    np.testing.assert_array_equal(K.get_value(a), K.get_value(b))
    assert K.get_value(a).min() >= -1 and K.get_value(a).max() < 1
    n = K.get_value(K.random_normal_variable((2000,), 3.0, 0.5, seed=1))
    assert abs(n.mean() - 3.0) < 0.05 and abs(n.std() - 0.5) < 0.05


def test_updates_and_moving_average_zero_debias():
    v = K.variable(np.zeros(2))
    K.update_add(v, np.ones(2))
    K.update_sub(v, np.array([0.5, 0.0]))
    np.testing.assert_allclose(K.get_value(v), [0.5, 1.0])
    K.update(v, np.array([3.0, 4.0]))
    np.testing.assert_allclose(K.get_value(v), [3.0, 4.0])
    m = K.variable(np.zeros(1))
    values = [2.0, 4.0, 8.0]
    biased = 0.0
    for t, val in enumerate(values, 1):
        K.moving_average_update(m, np.array([val]), 0.9)
        biased = biased * 0.9 + val * 0.1
        np.testing.assert_allclose(K.get_value(m), [biased / (1 - 0.9 ** t)], rtol=1e-6)


def test_sqrt_clips_negatives_and_mean_of_bools():
    np.testing.assert_array_equal(K.sqrt(torch.tensor([-4.0, 4.0])).numpy(), [0.0, 2.0])
    assert K.mean(torch.tensor([True, False, True, True])).item() == 0.75


def test_switch_with_vector_condition_picks_rows_as_keras_224():
    cond = torch.tensor([True, False, True])
    a, b = torch.ones(3, 2), torch.zeros(3, 2)
    np.testing.assert_array_equal(K.switch(cond, a, b).numpy(), [[1, 1], [0, 0], [1, 1]])
    assert K.switch(torch.tensor(False), lambda: a, lambda: b) is b


def test_batch_dot_keras_224_batch_axes_on_rank_4():
    # The capsule-network case (examples/cifar10_cnn_capsule.py @ 2.2.4).
    rng = np.random.RandomState(0)
    c = rng.randn(2, 3, 5).astype("float32")
    u = rng.randn(2, 3, 5, 4).astype("float32")
    out = K.batch_dot(torch.tensor(c), torch.tensor(u), [2, 2])
    np.testing.assert_allclose(out.numpy(), np.einsum("bni,bnid->bnd", c, u), rtol=1e-5, atol=1e-5)
    o = rng.randn(2, 3, 4).astype("float32")
    out = K.batch_dot(torch.tensor(o), torch.tensor(u), [2, 3])
    np.testing.assert_allclose(out.numpy(), np.einsum("bnd,bnid->bni", o, u), rtol=1e-5, atol=1e-5)


def test_batch_dot_refuses_axes_keras_224_got_wrong():
    with pytest.raises(ValueError, match="last two axes"):
        K.batch_dot(torch.ones(2, 3, 4, 5), torch.ones(2, 3, 4, 5), axes=(1, 1))
    with pytest.raises(ValueError, match="batch axis"):
        K.batch_dot(torch.ones(2, 3), torch.ones(2, 3), axes=0)
    with pytest.raises(ValueError, match="Multiple target"):
        K.batch_dot(torch.ones(2, 3), torch.ones(2, 3), axes=[[1], [1]])


def _mlp():
    inp = Input(shape=(4,))
    hidden = Dense(3, activation="relu", name="hidden")(inp)
    drop = Dropout(0.5)(hidden)
    out = Dense(2, name="out")(drop)
    return Model(inp, out), inp, hidden


def test_function_gives_intermediate_layer_output_with_learning_phase():
    model, inp, hidden = _mlp()
    x = np.random.RandomState(1).rand(5, 4).astype("float32")
    f = K.function([model.input, K.learning_phase()], [model.get_layer("hidden").output])
    got = f([x, 0])[0]
    w, b = model.get_layer("hidden").get_weights()
    np.testing.assert_allclose(got, np.maximum(x @ w + b, 0), rtol=1e-5, atol=1e-6)
    test_out = K.function([model.input, K.learning_phase()], [model.output])
    np.testing.assert_allclose(test_out([x, 0])[0], model.predict(x), rtol=1e-5, atol=1e-6)
    # phase 1 runs dropout: some hidden units of the output path are dropped (outputs differ)
    torch.manual_seed(0)
    assert not np.allclose(test_out([x, 1])[0], model.predict(x))
    assert model.layers[1].input is inp and model.layers[1].output is hidden


def test_function_with_placeholders_ops_and_updates():
    a = K.placeholder(shape=(None, 3))
    b = K.placeholder(ndim=2)
    v = K.variable(np.zeros((1,)))
    total = K.sum(a * 2 + K.exp(b), axis=1, keepdims=True)
    f = K.function([a, b], [total, K.mean(a[:, 0])], updates=[(v, K.max(total))])
    x, y = np.ones((2, 3)), np.zeros((2, 3))
    got = f([x, y])
    np.testing.assert_allclose(got[0], [[9.0], [9.0]])
    np.testing.assert_allclose(got[1], 1.0)
    np.testing.assert_allclose(K.get_value(v), [9.0])
    upd = K.function([a], [], updates=[K.update_add(v, K.sum(a))])
    upd([np.ones((1, 3))])
    np.testing.assert_allclose(K.get_value(v), [12.0])
    with pytest.raises(ValueError, match="expects 2 input values"):
        f([x])
    with pytest.raises(ValueError, match="was not fed"):
        K.function([a], [total])([x])


def test_gradients_symbolic_wrt_input_and_weights():
    model, inp, hidden = _mlp()
    loss = K.mean(K.square(model.output))
    grads = K.gradients(loss, [model.input, model.get_layer("out").kernel])
    f = K.function([model.input], [loss] + grads)
    x = np.random.RandomState(2).rand(3, 4).astype("float32")
    value, gx, gw = f([x])
    xt = torch.tensor(x, requires_grad=True)
    ref = (model(xt) ** 2).mean()
    ref_gx, ref_gw = torch.autograd.grad(ref, [xt, model.get_layer("out").kernel])
    np.testing.assert_allclose(value, ref.item(), rtol=1e-5)
    np.testing.assert_allclose(gx, ref_gx.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gw, ref_gw.numpy(), rtol=1e-5, atol=1e-7)


def test_gradients_eager_and_errors():
    w = K.variable(np.array([1.0, 2.0]))
    loss = K.sum(K.square(w))
    np.testing.assert_allclose(K.gradients(loss, [w])[0].detach().numpy(), [2.0, 4.0])
    with pytest.raises(ValueError, match="autograd history"):
        K.gradients(torch.tensor(1.0), [w])
    other = K.variable(np.array([1.0]))
    with pytest.raises(ValueError, match="does not depend"):
        K.gradients(loss, [other])
    # gradient of a gradient inside a layer (mnist_swwae's getwhere trick)
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    g = K.gradients(K.sum(K.pow(x, 3)), x)[0]
    gg = K.gradients(K.sum(g), x)[0]
    np.testing.assert_allclose(gg.detach().numpy(), 6 * x.detach().numpy())


def test_in_train_phase_reads_phase_of_running_call():
    seen = []

    def fn(t):
        seen.append(K.learning_phase())
        return K.in_train_phase(t * 0, t)

    inp = Input(shape=(2,))
    dense = Dense(2, kernel_initializer="ones", use_bias=False)
    model = Model(inp, dense(Lambda(fn)(inp)))
    model.compile("sgd", "mse")
    x = np.ones((4, 2), "float32")
    np.testing.assert_array_equal(model.predict(x), 2 * x)
    assert seen[-1] == 0
    model.train_on_batch(x, x)
    assert seen[-1] == 1
    assert K.in_train_phase(1, 2, training=0) == 2 and K.in_test_phase(1, 2, training=0) == 1
    assert bool(K.learning_phase()) is False
    K.set_learning_phase(1)
    assert K.learning_phase() == 1
    with pytest.raises(ValueError, match="0 or 1"):
        K.set_learning_phase(2)


def test_keras_tensor_checks_and_clear_errors():
    inp = Input(shape=(3,))
    assert K.is_keras_tensor(inp)
    assert not K.is_keras_tensor(K.variable(np.zeros(2)))
    with pytest.raises(ValueError, match="Expected a symbolic tensor"):
        K.is_keras_tensor(np.zeros(2))
    assert K.int_shape(inp) == (None, 3) and K.ndim(inp) == 2
    assert K.is_placeholder(K.placeholder((None, 2))) and K.int_shape(K.placeholder((None, 2))) == \
        (None, 2)
    with pytest.raises(RuntimeError, match="no TensorFlow session"):
        K.get_session()
    with pytest.raises(RuntimeError, match="no TensorFlow session"):
        K.set_session(None)
    with pytest.raises(TypeError, match="symbolic"):
        K.get_value(K.mean(inp))
    with pytest.raises(TypeError, match="inputs` should be a list"):
        K.function(inp, [inp])
    with pytest.raises(ValueError, match="unsupported keyword"):
        K.function([inp], [inp], fetches=[])
    with K.name_scope("block") as scope:
        assert scope == "block"
    assert K.backend() == "pytorch"


def test_image_dim_ordering_round_trip():
    assert K.image_dim_ordering() == "tf"
    K.set_image_dim_ordering("th")
    try:
        assert K.image_data_format() == "channels_first"
    finally:
        K.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="'tf' or 'th'"):
        K.set_image_dim_ordering("default")


def test_dropout_seeded_and_scaled():
    x = torch.ones(1000)
    a, b = K.dropout(x, 0.25, seed=3), K.dropout(x, 0.25, seed=3)
    assert torch.equal(a, b)
    kept = a[a > 0]
    np.testing.assert_allclose(kept.numpy(), 1 / 0.75, rtol=1e-6)
    assert 0.2 < (a == 0).float().mean().item() < 0.3
    with pytest.raises(ValueError, match="level"):
        K.dropout(x, 1.0)
