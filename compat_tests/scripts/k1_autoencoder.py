'''Keras 1.2.2 style: a functional autoencoder with Model(input=..., output=...) and an encoder
model sharing the layers.'''
from __future__ import print_function
import numpy as np
np.random.seed(7)

from keras.layers import Input, Dense
from keras.models import Model

encoding_dim = 8
input_img = Input(shape=(64,))
encoded = Dense(encoding_dim, activation='relu')(input_img)
decoded = Dense(output_dim=64, activation='sigmoid', init='glorot_uniform')(encoded)

autoencoder = Model(input=input_img, output=decoded)
encoder = Model(input=input_img, output=encoded)
encoded_input = Input(shape=(encoding_dim,))
decoder_layer = autoencoder.layers[-1]
decoder = Model(input=encoded_input, output=decoder_layer(encoded_input))

autoencoder.compile(optimizer='adadelta', loss='binary_crossentropy')

# low-rank data: 8 factors mixed into 64 pixels
factors = np.random.rand(500, 4).astype('float32')
x_train = np.clip(factors.dot(np.random.rand(4, 64)) / 2.0, 0, 1).astype('float32')
x_test = x_train[:50]

history = autoencoder.fit(x_train, x_train, nb_epoch=8, batch_size=32, shuffle=True,
                          validation_data=(x_test, x_test), verbose=2)
encoded_imgs = encoder.predict(x_test)
decoded_imgs = decoder.predict(encoded_imgs)

assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert encoded_imgs.shape == (50, encoding_dim)
assert decoded_imgs.shape == (50, 64)
print('final loss', history.history['loss'][-1])
