'''Keras 1.2.2 style: the MNIST CNN (keras/examples/mnist_cnn.py @ 1.2.2 shape: Convolution2D(nb_filters,
nb_row, nb_col, border_mode=...), dim_ordering) trained with fit_generator(samples_per_epoch=...,
nb_epoch=...) from a Python generator, on synthetic 12x12 images.'''
from __future__ import print_function
import numpy as np
np.random.seed(1337)

from keras.models import Sequential
from keras.layers import Dense, Dropout, Activation, Flatten
from keras.layers import Convolution2D, MaxPooling2D
from keras.utils import np_utils
from keras import backend as K

batch_size = 20
nb_classes = 4
nb_epoch = 4
img_rows, img_cols = 12, 12
nb_filters = 8
pool_size = (2, 2)
kernel_size = (3, 3)

y = np.random.randint(0, nb_classes, 200)
X = 0.2 * np.random.rand(200, img_rows, img_cols).astype('float32')
for i, c in enumerate(y):
    X[i, 2 + 2 * c:5 + 2 * c, 2:10] += 0.8

if K.image_dim_ordering() == 'th':
    X = X.reshape(X.shape[0], 1, img_rows, img_cols)
    input_shape = (1, img_rows, img_cols)
else:
    X = X.reshape(X.shape[0], img_rows, img_cols, 1)
    input_shape = (img_rows, img_cols, 1)
Y = np_utils.to_categorical(y, nb_classes)
X_train, Y_train, X_test, Y_test = X[:160], Y[:160], X[160:], Y[160:]

model = Sequential()
model.add(Convolution2D(nb_filters, kernel_size[0], kernel_size[1],
                        border_mode='valid',
                        input_shape=input_shape))
model.add(Activation('relu'))
model.add(Convolution2D(nb_filters, kernel_size[0], kernel_size[1]))
model.add(Activation('relu'))
model.add(MaxPooling2D(pool_size=pool_size))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(32))
model.add(Activation('relu'))
model.add(Dropout(0.5))
model.add(Dense(nb_classes))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer='adadelta', metrics=['accuracy'])


def batches(X, Y, batch_size):
    while True:
        idx = np.random.permutation(len(X))
        for start in range(0, len(X) - batch_size + 1, batch_size):
            sel = idx[start:start + batch_size]
            yield X[sel], Y[sel]


history = model.fit_generator(batches(X_train, Y_train, batch_size),
                              samples_per_epoch=len(X_train), nb_epoch=nb_epoch,
                              validation_data=(X_test, Y_test), nb_worker=1)
score = model.evaluate_generator(batches(X_test, Y_test, batch_size), val_samples=2)
print('Test score:', score[0])
print('Test accuracy:', score[1])
assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert model.predict(X_test).shape == (40, nb_classes)
