'''Keras 1.2.2 style: the classic MNIST MLP (keras/examples/mnist_mlp.py @ 1.2.2 shape), on a small
synthetic digit-like data set so it runs offline.'''
from __future__ import print_function
import numpy as np
np.random.seed(1337)  # for reproducibility

from keras.models import Sequential
from keras.layers.core import Dense, Dropout, Activation
from keras.optimizers import RMSprop
from keras.utils import np_utils

batch_size = 32
nb_classes = 10
nb_epoch = 4

# 10 noisy prototypes of 784 pixels stand in for the digits
protos = np.random.rand(nb_classes, 784).astype('float32')
y_train = np.random.randint(0, nb_classes, 600)
y_test = np.random.randint(0, nb_classes, 100)
X_train = protos[y_train] + 0.3 * np.random.rand(600, 784).astype('float32')
X_test = protos[y_test] + 0.3 * np.random.rand(100, 784).astype('float32')
print(X_train.shape[0], 'train samples')

Y_train = np_utils.to_categorical(y_train, nb_classes)
Y_test = np_utils.to_categorical(y_test, nb_classes)

model = Sequential()
model.add(Dense(512, input_shape=(784,)))
model.add(Activation('relu'))
model.add(Dropout(0.2))
model.add(Dense(output_dim=512, init='glorot_uniform'))
model.add(Activation('relu'))
model.add(Dropout(p=0.2))
model.add(Dense(10))
model.add(Activation('softmax'))

model.summary()

model.compile(loss='categorical_crossentropy',
              optimizer=RMSprop(lr=0.001),
              metrics=['accuracy'])

history = model.fit(X_train, Y_train,
                    batch_size=batch_size, nb_epoch=nb_epoch,
                    verbose=1, validation_data=(X_test, Y_test))
score = model.evaluate(X_test, Y_test, verbose=0)
print('Test score:', score[0])
print('Test accuracy:', score[1])

assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert model.predict(X_test).shape == (100, 10)
assert score[1] > 0.5, score
