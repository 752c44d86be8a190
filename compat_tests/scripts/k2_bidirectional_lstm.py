'''Keras 2.2.4 style: a bidirectional LSTM classifier (keras/examples/imdb_bidirectional_lstm.py
@ 2.2.4 shape) on synthetic token sequences.'''
from __future__ import print_function
import numpy as np

from keras.models import Sequential
from keras.layers import Dense, Dropout, Embedding, LSTM, Bidirectional

np.random.seed(3)
max_features = 50
maxlen = 20
batch_size = 32

# label 1 sequences use the upper half of the vocabulary more often
y = np.random.randint(0, 2, 400)
x = np.where(np.random.rand(400, maxlen) < 0.7,
             np.random.randint(1, 25, (400, maxlen)) + 25 * y[:, None],
             np.random.randint(1, max_features, (400, maxlen)))

model = Sequential()
model.add(Embedding(max_features, 16, input_length=maxlen))
model.add(Bidirectional(LSTM(16)))
model.add(Dropout(0.5))
model.add(Dense(1, activation='sigmoid'))
model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])

history = model.fit(x[:320], y[:320], batch_size=batch_size, epochs=4,
                    validation_data=[x[320:], y[320:]], verbose=2)
assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert model.predict(x[:7]).shape == (7, 1)
assert set(history.history) >= {'loss', 'acc', 'val_loss', 'val_acc'}
