'''Keras 1.2.2 style: custom layers written against the Keras 1 layer API (self.W = K.variable(...),
self.trainable_weights, get_output_shape_for, call(x, mask=None)) and backend code, trained in a
Sequential model (the "Writing your own Keras layers" page of Keras 1.2.2).'''
from __future__ import print_function
import numpy as np

from keras import backend as K
from keras.engine.topology import Layer
from keras.models import Sequential
from keras.layers import Dense, Activation

np.random.seed(21)


class MyDense(Layer):
    def __init__(self, output_dim, **kwargs):
        self.output_dim = output_dim
        super(MyDense, self).__init__(**kwargs)

    def build(self, input_shape):
        input_dim = input_shape[1]
        initial_weight_value = np.random.uniform(-0.1, 0.1, (input_dim, self.output_dim))
        self.W = K.variable(initial_weight_value)
        self.b = K.zeros((self.output_dim,))
        self.trainable_weights = [self.W, self.b]

    def call(self, x, mask=None):
        return K.dot(x, self.W) + self.b

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.output_dim)


class Antirectifier(Layer):
    '''Concatenates the positive part and the negative part of the L2-normalized, centred input.'''

    def get_output_shape_for(self, input_shape):
        shape = list(input_shape)
        shape[-1] *= 2
        return tuple(shape)

    def call(self, x, mask=None):
        x -= K.mean(x, axis=1, keepdims=True)
        x = K.l2_normalize(x, axis=1)
        pos = K.relu(x)
        neg = K.relu(-x)
        return K.concatenate([pos, neg], axis=1)


x = np.random.rand(300, 10).astype('float32')
y = (x[:, :3].sum(axis=1) > 1.5).astype('int32')
Y = np.eye(2)[y]

model = Sequential()
model.add(MyDense(16, input_shape=(10,)))
model.add(Antirectifier())
model.add(Dense(2))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
assert model.layers[1].output_shape == (None, 32)
history = model.fit(x, Y, batch_size=32, nb_epoch=6, verbose=2)
assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert len(model.layers[0].trainable_weights) == 2
assert [w.shape for w in model.layers[0].get_weights()] == [(10, 16), (16,)]
assert model.predict(x[:4]).shape == (4, 2)
