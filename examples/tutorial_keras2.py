"""The tutorial in Keras 2 spelling, with `import torkeras as keras`.

Run it with `python examples/tutorial_keras2.py`. Environment: TUTORIAL_EPOCHS (default 20).
"""
import os

import numpy as np
from tutorial_data import load_data

import torkeras as keras
from torkeras.models import Sequential, load_model
from torkeras.layers import Dense

(x_train, labels), (x_test, test_labels), _ = load_data()
x_train = x_train.reshape(len(x_train), 784).astype('float32') / 255
x_test = x_test.reshape(len(x_test), 784).astype('float32') / 255
y_train = keras.utils.to_categorical(labels, 10)
y_test = keras.utils.to_categorical(test_labels, 10)

model = Sequential()
model.add(Dense(input_dim=28 * 28, units=500, activation='sigmoid'))
model.add(Dense(units=500, activation='sigmoid'))
model.add(Dense(units=10, activation='softmax'))
model.summary()
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
history = model.fit(x_train, y_train, batch_size=100, epochs=int(os.environ.get('TUTORIAL_EPOCHS', '20')),
                    validation_split=0.1, verbose=2)
print('History keys:', sorted(history.history))
loss, acc = model.evaluate(x_test, y_test, verbose=0)
print('Test loss: %.4f  Test accuracy: %.4f' % (loss, acc))
model.save('my_model_keras2.h5')
reloaded = load_model('my_model_keras2.h5')
print('Reloaded model predicts the same:',
      bool(np.allclose(model.predict(x_test), reloaded.predict(x_test), atol=1e-6)))
os.remove('my_model_keras2.h5')
