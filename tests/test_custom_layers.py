"""Custom layers written in Keras 2 style (add_weight / call / compute_output_shape) and in Keras 1
style (self.W = K.variable, self.trainable_weights, get_output_shape_for, call(x, mask=None),
self.regularizers, self.constraints), trained with fit, saved and loaded."""
import os

import numpy as np
import pytest
import torch

import torkeras.backend as K
from torkeras import constraints, regularizers
from torkeras.engine.base_layer import Layer
from torkeras.layers import Dense, Input
from torkeras.models import Model, Sequential, load_model


class Keras2Dense(Layer):
    """Keras 2.2.4 documentation style."""

    def __init__(self, units, **kwargs):
        self.units = units
        super(Keras2Dense, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[1], self.units),
                                      initializer="uniform", trainable=True)
        self.scale = self.add_weight(name="scale", shape=(1,), initializer="ones", trainable=False)
        super(Keras2Dense, self).build(input_shape)

    def call(self, x):
        return K.dot(x, self.kernel) * self.scale

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        config = super(Keras2Dense, self).get_config()
        config["units"] = self.units
        return config


class Keras1Dense(Layer):
    """Keras 1.2.2 documentation style (K.variable attributes + trainable_weights)."""

    def __init__(self, output_units, **kwargs):
        self.output_units = output_units
        super(Keras1Dense, self).__init__(**kwargs)

    def build(self, input_shape):
        rng = np.random.RandomState(0)
        self.W = K.variable(rng.uniform(-0.3, 0.3, (input_shape[1], self.output_units)))
        self.b = K.zeros((self.output_units,))
        self.unused = K.variable(np.ones(2))      # not listed: not a weight (Keras replaces the list)
        self.trainable_weights = [self.W, self.b]
        self.built = True

    def call(self, x, mask=None):
        return K.dot(x, self.W) + self.b

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.output_units)


class Keras12Dense(Layer):
    """Keras 1.2 add_weight form: shape first, no name, plus a Keras-1 constraints dict."""

    def __init__(self, output_units, **kwargs):
        self.output_units = output_units
        super(Keras12Dense, self).__init__(**kwargs)

    def build(self, input_shape):
        self.W = self.add_weight((input_shape[1], self.output_units), "glorot_uniform")
        self.b = self.add_weight(shape=(self.output_units,), initializer="zero")
        self.constraints[self.W] = constraints.MaxNorm(0.5)
        super(Keras12Dense, self).build(input_shape)

    def call(self, x, mask=None):
        return K.dot(x, self.W) + self.b

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.output_units)


class Keras1L1(object):
    """A Keras 1 regularizer: bound with set_param, called with the loss."""

    def __init__(self, l1):
        self.l1 = l1

    def set_param(self, p):
        self.p = p

    def __call__(self, loss):
        return loss + self.l1 * K.sum(K.abs(self.p))


class Keras1Regularized(Layer):
    def build(self, input_shape):
        self.W = K.variable(np.full((input_shape[1], 2), 0.5))
        self.trainable_weights = [self.W]
        reg = Keras1L1(0.1)
        reg.set_param(self.W)
        self.regularizers.append(reg)

    def call(self, x, mask=None):
        return K.dot(x, self.W)

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], 2)


def _data():
    rng = np.random.RandomState(3)
    x = rng.rand(64, 5).astype("float32")
    y = (x @ rng.randn(5, 3)).astype("float32")
    return x, y


@pytest.mark.parametrize("cls", [Keras2Dense, Keras1Dense, Keras12Dense])
def test_custom_layer_trains_in_sequential(cls):
    torch.manual_seed(0)
    x, y = _data()
    model = Sequential()
    model.add(cls(3, input_shape=(5,)))
    model.compile("adam", "mse")
    assert model.output_shape == (None, 3)
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=16, epochs=5, verbose=0)
    loss = history.history["loss"]
    assert loss[-1] < loss[0]
    after = model.get_weights()
    shapes = [w.shape for w in after]
    assert shapes[:2] == [(5, 3), (1,)] if cls is Keras2Dense else shapes == [(5, 3), (3,)]
    assert not np.allclose(before[0], after[0])
    if cls is Keras2Dense:
        np.testing.assert_array_equal(after[1], before[1])        # the non-trainable weight
    np.testing.assert_allclose(model.predict(x[:4]), x[:4] @ after[0] * after[1] if cls is Keras2Dense
                               else x[:4] @ after[0] + after[1], rtol=1e-5, atol=1e-5)


def test_keras1_layer_weights_listing_and_unlisted_variable():
    layer = Keras1Dense(3)
    model = Sequential([layer])
    model.build((None, 5))
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(5, 3), (3,)]
    assert layer.non_trainable_weights == []
    assert layer.weight_names() == ["%s/W:0" % layer.name, "%s/b:0" % layer.name]
    layer.set_weights([np.zeros((5, 3)), np.ones(3)])
    np.testing.assert_array_equal(model.predict(np.ones((2, 5))), np.ones((2, 3)))
    with pytest.raises(TypeError, match="made with K.variable"):
        layer.trainable_weights = [torch.zeros(2)]


def test_keras1_constraints_dict_is_applied_after_each_step():
    x, y = _data()
    model = Sequential([Keras12Dense(3, input_shape=(5,))])
    model.compile("sgd", "mse")
    model.fit(x, y * 10, batch_size=64, epochs=2, verbose=0)
    w = model.layers[0].get_weights()[0]
    assert np.sqrt((w ** 2).sum(axis=0)).max() <= 0.5 + 1e-5


def test_keras1_regularizers_join_the_loss():
    layer = Keras1Regularized()
    model = Sequential([layer])
    model.build((None, 4))
    penalties = layer.losses
    assert len(penalties) == 1
    np.testing.assert_allclose(float(penalties[0]), 0.1 * 0.5 * 8, rtol=1e-6)
    model.compile("sgd", "mse")
    x = np.zeros((2, 4), "float32")
    np.testing.assert_allclose(model.evaluate(x, np.zeros((2, 2)), verbose=0), 0.4, rtol=1e-5)


def test_unbound_keras1_regularizer_is_a_clear_error():
    class Bad(Layer):
        def build(self, input_shape):
            self.W = K.variable(np.ones((input_shape[1], 2)))
            self.regularizers.append(regularizers.l2(0.1))

        def call(self, x, mask=None):
            return K.dot(x, self.W)

        def get_output_shape_for(self, input_shape):
            return (input_shape[0], 2)

    with pytest.raises(TypeError, match="set_param"):
        Sequential([Bad(input_shape=(3,))])


@pytest.mark.parametrize("cls", [Keras2Dense, Keras1Dense])
def test_custom_layer_in_functional_model_with_K_function_and_h5(tmp_path, cls):
    x, y = _data()
    inp = Input(shape=(5,))
    hidden = cls(4)(inp)
    out = Dense(3)(hidden)
    model = Model(inp, out)
    model.compile("adam", "mse")
    loss = model.fit(x, y, batch_size=16, epochs=4, verbose=0).history["loss"]
    assert loss[-1] < loss[0]
    get_hidden = K.function([model.input, K.learning_phase()], [model.layers[1].output])
    w = model.layers[1].get_weights()
    expected = x @ w[0] * w[1] if cls is Keras2Dense else x @ w[0] + w[1]
    np.testing.assert_allclose(get_hidden([x, 0])[0], expected, rtol=1e-5, atol=1e-5)
    if cls is Keras1Dense:
        return   # its constructor argument is not in a get_config: not rebuildable from a file
    path = os.path.join(str(tmp_path), "custom.h5")
    model.save(path)
    with pytest.raises(ValueError, match="Keras2Dense"):
        load_model(path)
    loaded = load_model(path, custom_objects={"Keras2Dense": Keras2Dense})
    np.testing.assert_allclose(loaded.predict(x[:5]), model.predict(x[:5]), rtol=1e-6)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
