'''Keras 2.2.4 style: a small CIFAR-10-like CNN trained with ImageDataGenerator and fit_generator
(keras/examples/cifar10_cnn.py @ 2.2.4 shape), on synthetic 16x16 colour images.'''
from __future__ import print_function
import numpy as np

import keras
from keras.preprocessing.image import ImageDataGenerator
from keras.models import Sequential
from keras.layers import Dense, Dropout, Activation, Flatten
from keras.layers import Conv2D, MaxPooling2D

np.random.seed(2)
batch_size = 32
num_classes = 3
epochs = 4

# each class is a coloured blob at its own place
y = np.random.randint(0, num_classes, 240)
x = 0.1 * np.random.rand(240, 16, 16, 3).astype('float32')
for i, c in enumerate(y):
    x[i, 3 + 4 * c:7 + 4 * c, 3:13, c] += 0.9
y_train = keras.utils.to_categorical(y, num_classes)
x_train, x_test = x[:200], x[200:]
y_train, y_test = y_train[:200], y_train[200:]

model = Sequential()
model.add(Conv2D(16, (3, 3), padding='same', input_shape=x_train.shape[1:]))
model.add(Activation('relu'))
model.add(Conv2D(16, (3, 3)))
model.add(Activation('relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(32))
model.add(Activation('relu'))
model.add(Dense(num_classes))
model.add(Activation('softmax'))

opt = keras.optimizers.rmsprop(lr=0.001, decay=1e-6)
model.compile(loss='categorical_crossentropy', optimizer=opt, metrics=['accuracy'])

datagen = ImageDataGenerator(
    featurewise_center=False,
    samplewise_center=False,
    featurewise_std_normalization=False,
    samplewise_std_normalization=False,
    zca_whitening=False,
    rotation_range=0,
    width_shift_range=0.1,
    height_shift_range=0.1,
    horizontal_flip=False,
    vertical_flip=False)
datagen.fit(x_train)

history = model.fit_generator(datagen.flow(x_train, y_train, batch_size=batch_size),
                              steps_per_epoch=len(x_train) // batch_size,
                              epochs=epochs,
                              validation_data=(x_test, y_test),
                              workers=2)
scores = model.evaluate(x_test, y_test, verbose=1)
print('Test loss:', scores[0])
print('Test accuracy:', scores[1])
assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert model.predict(x_test).shape == (40, num_classes)
