"""A Sequential is a graph (Keras 2.2.4): model.input/output, layer.input/output, K.function on them,
feature extractors, Keras-tensor arithmetic, deferred build, pop(), nesting and Keras-1 Merge firsts.

Expected values come from the models themselves (predict, eager layer calls, numpy on get_weights).
"""
import warnings

import numpy as np
import pytest
import torch

from torkeras import backend as K
from torkeras import regularizers
from torkeras.engine.network import KerasTensor
from torkeras.layers import (Activation, Conv2D, Dense, Dropout, Flatten, Input, InputLayer, Lambda,
                             Layer)
from torkeras.models import Model, Sequential

RNG = np.random.RandomState(0)
X = RNG.rand(6, 5).astype("float32")


def _mlp():
    return Sequential([Dense(8, input_shape=(5,), name="hidden"), Activation("relu"), Dropout(0.5),
                       Dense(3, activation="softmax")])


def _relu_hidden(model, x):
    kernel, bias = model.layers[0].get_weights()
    return np.maximum(x @ kernel + bias, 0)


def test_sequential_has_keras_tensors_like_keras():
    model = _mlp()
    assert isinstance(model.input, KerasTensor) and model.inputs == [model.input]
    assert model.outputs == [model.output] and model.output is model.layers[-1].output
    assert model.input._keras_history[0].name == "hidden_input"
    assert isinstance(model.input_layers[0], InputLayer) and model.output_layers == [model.layers[-1]]
    assert [type(l).__name__ for l in model.layers] == ["Dense", "Activation", "Dropout", "Dense"]
    assert model.layers[0].input is model.input
    for before, after in zip(model.layers[:-1], model.layers[1:]):
        assert after.input is before.output
        assert after.get_input_at(0) is before.get_output_at(0)
    assert model.input_shape == (None, 5) and model.output_shape == (None, 3)
    assert model.layers[1].output_shape == (None, 8) and K.int_shape(model.layers[2].output) == (None, 8)
    # node 0 of the model links its input to its output, as Keras's internal node
    assert model.get_input_at(0) is model.input and model.get_output_at(0) is model.output


def test_k_function_on_sequential_with_learning_phase():
    model = _mlp()
    get_out = K.function([model.layers[0].input, K.learning_phase()], [model.layers[3].output])
    np.testing.assert_allclose(get_out([X, 0])[0], model.predict(X), rtol=1e-5, atol=1e-6)
    get_dropped = K.function([model.input, K.learning_phase()], [model.layers[2].output])
    hidden = _relu_hidden(model, X)
    np.testing.assert_allclose(get_dropped([X, 0])[0], hidden, rtol=1e-5, atol=1e-6)
    x = np.repeat(X, 20, axis=0)
    train = get_dropped([x, 1])[0]
    expected = np.repeat(hidden, 20, axis=0)
    kept = train != 0
    assert 0 < kept.sum() < (expected != 0).sum()          # some units dropped, not all
    np.testing.assert_allclose(train[kept], 2 * expected[kept], rtol=1e-5, atol=1e-6)   # kept: scaled by 1/0.5


def test_feature_extractor_from_sequential():
    model = _mlp()
    extractor = Model(inputs=model.input, outputs=model.layers[1].output)
    assert [l.name for l in extractor.layers] == ["hidden_input", "hidden", model.layers[1].name]
    np.testing.assert_allclose(extractor.predict(X), _relu_hidden(model, X), rtol=1e-5, atol=1e-6)
    model.compile("sgd", "categorical_crossentropy")
    model.fit(X, np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]], epochs=2, verbose=0)
    # the extractor shares the trained weights
    np.testing.assert_allclose(extractor.predict(X), _relu_hidden(model, X), rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore:__array_wrap__")   # numpy scalar * torch tensor, at evaluation
def test_keras_tensor_arithmetic_in_k_function():
    model = _mlp()
    out = model.layers[0].output
    f = K.function([model.input], [K.mean(out[:, 1]), -out * 2 + out ** 2 - 1, 3 - out / 4,
                                   np.float32(2) * out, abs(out) >= 0.5, (out @ np.eye(8, dtype="float32"))])
    kernel, bias = model.layers[0].get_weights()
    h = X @ kernel + bias
    mean, poly, affine, doubled, big, same = f([X])
    np.testing.assert_allclose(mean, h[:, 1].mean(), rtol=1e-5)
    np.testing.assert_allclose(poly, -h * 2 + h ** 2 - 1, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(affine, 3 - h / 4, rtol=1e-5)
    np.testing.assert_allclose(doubled, 2 * h, rtol=1e-5)
    np.testing.assert_array_equal(big, np.abs(h) >= 0.5)
    np.testing.assert_allclose(same, h, rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError, match="iterated"):
        list(out)


def test_filter_visualization_pattern_on_conv_sequential():
    """``K.mean(layer.output[:, :, :, i])`` and its gradient w.r.t. the input (filter visualization)."""
    model = Sequential([Conv2D(4, (3, 3), input_shape=(6, 6, 2), name="conv"), Flatten()])
    loss = K.mean(model.layers[0].output[:, :, :, 2])
    grads = K.gradients(loss, model.input)[0]
    iterate = K.function([model.input], [loss, grads])
    x = RNG.rand(2, 6, 6, 2).astype("float32")
    got_loss, got_grads = iterate([x])
    xt = torch.tensor(x, requires_grad=True)
    ref = model.layers[0](xt)[:, :, :, 2].mean()
    ref.backward()
    np.testing.assert_allclose(got_loss, ref.item(), rtol=1e-5)
    np.testing.assert_allclose(got_grads, xt.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_layer_called_on_backend_expression_says_use_lambda():
    model = _mlp()
    with pytest.raises(ValueError, match="Wrap backend operations in a Lambda layer"):
        Dense(2)(model.output * 2)
    with pytest.raises(ValueError, match="Lambda"):
        Dense(2)([model.output, K.placeholder(shape=(None, 3))])
    doubled = Lambda(lambda t: t * 2)(model.output)
    np.testing.assert_allclose(Model(model.input, doubled).predict(X), 2 * model.predict(X), rtol=1e-5)


@pytest.mark.parametrize("how", ["predict", "fit", "build"])
def test_deferred_build_gets_its_graph_on_first_data(how):
    model = Sequential([Dense(4, name="first"), Dense(2)])
    assert model.inputs == [] and not hasattr(model, "input") and not model.layers[0]._inbound_nodes
    with pytest.raises(AttributeError, match="no input tensor yet"):
        Sequential.input.fget(model)
    if how == "predict":
        model.predict(X)
    elif how == "fit":
        model.compile("sgd", "mse")
        model.fit(X, np.zeros((6, 2), dtype="float32"), epochs=1, verbose=0)
    else:
        model.build((None, 5))
    # named after the first layer, as tf.keras names it (Keras 2.2.4 used the model's name)
    assert model.input.shape == (None, 5) and model.input._keras_history[0].name == "first_input"
    assert model.layers[0].input is model.input and model.output is model.layers[1].output
    f = K.function([model.input], [model.output])
    np.testing.assert_allclose(f([X])[0], model.predict(X), rtol=1e-5, atol=1e-6)
    model.build((None, 5))   # built already: the graph stays (Keras 2.2.4)
    assert len(model.layers[0]._inbound_nodes) == 1


def test_pop_keeps_graph_consistent():
    model = _mlp()
    dropout = model.layers[2]
    model.pop()
    assert model.output is dropout.output and model.output_shape == (None, 8)
    assert dropout._outbound_nodes == []
    model.add(Dense(2, name="new_top"))
    assert model.layers[-1].input is dropout.output and model.output is model.layers[-1].output
    f = K.function([model.input], [model.output])
    np.testing.assert_allclose(f([X])[0], model.predict(X), rtol=1e-5, atol=1e-6)
    for _ in range(4):
        model.pop()
    assert model.inputs == [] and model.outputs == [] and not model.built
    kept = Sequential([InputLayer(input_shape=(5,), name="x"), Dense(2)])
    kept.pop()
    assert kept.input is kept.output and kept.input._keras_history[0].name == "x"
    kept.add(Dense(3))
    assert kept.layers[0].input is kept.input and kept.output_shape == (None, 3)


def test_failed_add_leaves_the_model_unchanged():
    model = Sequential([Dense(3, input_shape=(5,))])
    with pytest.raises(ValueError):
        model.add(Conv2D(2, (3, 3)))      # needs a rank-4 input
    assert len(model.layers) == 1 and model.output is model.layers[0].output
    empty = Sequential()
    with pytest.raises(ValueError):
        empty.add(Conv2D(2, (3, 3), input_shape=(5,)))
    assert empty.inputs == [] and not empty.built


def test_nested_sequential_and_node_indices():
    inner = Sequential([Dense(4, input_shape=(5,), name="inner_dense")])
    outer = Sequential([inner, Dense(2)])
    assert outer.input._keras_history[0].name == inner.name + "_input"
    assert outer.layers[0] is inner and outer.layers[0].get_output_at(1) is outer.layers[1].input
    f = K.function([outer.input], [outer.layers[0].get_output_at(1), outer.output])
    hidden, out = f([X])
    np.testing.assert_allclose(hidden, inner.predict(X), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, outer.predict(X), rtol=1e-5, atol=1e-6)
    # a layer used in a Sequential, then reused in a functional model: that call is node 1 (Keras)
    dense = Sequential([Dense(3, input_shape=(5,))]).layers[0]
    y = dense(Input(shape=(5,)))
    assert y._keras_history[1] == 1 and dense.get_output_at(1) is y
    with pytest.raises(AttributeError, match="multiple inbound nodes"):
        Layer.output.fget(dense)
    reused = Model(y._keras_history[0].get_input_at(1), y)
    assert reused.get_config()["layers"][1]["inbound_nodes"][0][0][1] == 0
    np.testing.assert_allclose(reused.predict(X), X @ dense.get_weights()[0] + dense.get_weights()[1],
                               rtol=1e-5, atol=1e-6)


def test_multi_output_layer_is_refused():
    class Split(Layer):
        def call(self, inputs):
            return [inputs, inputs]

        def compute_output_shape(self, input_shape):
            return [input_shape, input_shape]

    model = Sequential([Dense(3, input_shape=(5,))])
    with pytest.raises(TypeError, match="single output tensor"):
        model.add(Split())
    assert len(model.layers) == 1


def test_keras1_merge_first_sequential_graph():
    from torkeras.legacy.layers import Merge
    left = Sequential([Dense(3, input_shape=(5,), name="left")])
    right = Sequential([Dense(3, input_shape=(4,), name="right")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Sequential([Merge([left, right], mode="concat"), Dense(2)])
    assert [t._keras_history[0].name for t in model.inputs] == ["left_input", "right_input"]
    assert model.input == model.inputs and model.output_shape == (None, 2)
    a, b = RNG.rand(3, 5).astype("float32"), RNG.rand(3, 4).astype("float32")
    f = K.function(model.inputs + [K.learning_phase()], [model.layers[0].output, model.output])
    merged, out = f([a, b, 0])
    np.testing.assert_allclose(merged, np.concatenate([left.predict(a), right.predict(b)], -1),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, model.predict([a, b]), rtol=1e-5, atol=1e-6)


def test_config_round_trip_rebuilds_the_graph():
    model = _mlp()
    clone = Sequential.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert clone.input.shape == (None, 5) and clone.output is clone.layers[-1].output


def test_keras1_regularizer_set_param_binds_a_weight():
    """Keras-1 custom layer API: ``reg.set_param(W)`` then ``self.regularizers.append(reg)``."""
    class Keras1Dense(Layer):
        def build(self, input_shape):
            self.W = self.add_weight(name="W", shape=(input_shape[1], 2), initializer="ones")
            self.W_regularizer = regularizers.l2(0.5)
            self.W_regularizer.set_param(self.W)
            self.regularizers.append(self.W_regularizer)

        def call(self, inputs):
            return K.dot(inputs, self.W)

        def compute_output_shape(self, input_shape):
            return (input_shape[0], 2)

    model = Sequential([Keras1Dense(input_shape=(5,))])
    layer = model.layers[0]
    assert layer.W_regularizer.p is layer.W
    np.testing.assert_allclose(float(layer.losses[0].detach()), 0.5 * 5 * 2, rtol=1e-6)


def test_output_shape_given_as_a_list_is_one_shape():
    class ListShape(Layer):
        def get_output_shape_for(self, input_shape):    # Keras-1 spelling, a list
            return [input_shape[0], input_shape[1]]

    model = Sequential([Dense(3, input_shape=(5,)), ListShape()])
    assert model.output_shape == (None, 3) and model.output.shape == (None, 3)
