'''Keras 2.2.4 style: a custom layer (build/add_weight/call/compute_output_shape), a custom loss and
a custom metric written with backend code, saved and loaded back with custom_objects.'''
from __future__ import print_function
import os
import sys
import tempfile

import numpy as np

from keras import backend as K
from keras.layers import Layer, Input, Dense
from keras.models import Model, load_model

np.random.seed(4)


class Scale(Layer):
    '''Learns one multiplier per feature.'''

    def __init__(self, **kwargs):
        super(Scale, self).__init__(**kwargs)

    def build(self, input_shape):
        self.gamma = self.add_weight(name='gamma', shape=(input_shape[-1],),
                                     initializer='ones', trainable=True)
        super(Scale, self).build(input_shape)

    def call(self, x):
        return x * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape


def huber_loss(y_true, y_pred):
    err = y_true - y_pred
    small = K.cast(K.abs(err) < 1.0, K.floatx())
    return K.mean(small * 0.5 * K.square(err) + (1 - small) * (K.abs(err) - 0.5), axis=-1)


def rmse(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))


inp = Input(shape=(6,))
h = Scale()(inp)
h = Dense(12, activation='relu')(h)
out = Dense(2)(h)
model = Model(inputs=inp, outputs=out)
model.compile(optimizer='adam', loss=huber_loss, metrics=[rmse])

x = np.random.rand(256, 6).astype('float32')
y = np.stack([x.sum(axis=1), x[:, 0] - x[:, 1]], axis=1).astype('float32')
history = model.fit(x, y, epochs=8, batch_size=32, verbose=2)
assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert 'rmse' in history.history

workdir = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
path = os.path.join(workdir, 'custom.h5')
model.save(path)
restored = load_model(path, custom_objects={'Scale': Scale, 'huber_loss': huber_loss, 'rmse': rmse})
np.testing.assert_allclose(restored.predict(x[:5]), model.predict(x[:5]), rtol=1e-6, atol=1e-6)
assert restored.predict(x[:5]).shape == (5, 2)
