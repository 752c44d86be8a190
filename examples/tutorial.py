"""The classic Keras 1 MNIST "hello world", unchanged except for loading the data.

Run it with `python -m torkeras run examples/tutorial.py` (`keras` resolves to torkeras).
Environment: TUTORIAL_EPOCHS (default 20) shortens the run.
"""
import os

import numpy as np
from tutorial_data import load_data

from keras.models import Sequential, load_model
from keras.layers.core import Dense, Activation
from keras.optimizers import SGD, Adam
from keras.utils import np_utils

(x_train, labels), (x_test, test_labels), _ = load_data()
x_train = x_train.reshape(len(x_train), 28 * 28).astype('float32') / 255
x_test = x_test.reshape(len(x_test), 28 * 28).astype('float32') / 255
nb_epoch = int(os.environ.get('TUTORIAL_EPOCHS', '20'))

# ---- the tutorial, as written for Keras 1 ----
y_train = np_utils.to_categorical(labels, 10)
y_test = np_utils.to_categorical(test_labels, 10)
model = Sequential()
model.add(Dense(input_dim=28*28, output_dim=500))
model.add(Activation('sigmoid'))
model.add(Dense(output_dim=500))
model.add(Activation('sigmoid'))
model.add(Dense(output_dim=10))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
model.fit(x_train, y_train, batch_size=100, nb_epoch=nb_epoch)
score = model.evaluate(x_test, y_test)      # [loss, accuracy]
print('Total loss on Testing Set:', score[0])
print('Accuracy of Testing Set:', score[1])
result = model.predict(x_test)
model.save('my_model.h5'); del model; model = load_model('my_model.h5')
# ---- end of the tutorial ----

reloaded = model.predict(x_test)
print('Reloaded model predicts the same:', bool(np.allclose(result, reloaded, atol=1e-6)))
os.remove('my_model.h5')
