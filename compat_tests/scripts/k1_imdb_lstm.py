'''Keras 1.2.2 style: the IMDB LSTM (keras/examples/imdb_lstm.py @ 1.2.2 shape): variable-length
word-index reviews (synthetic here, since the real imdb.npz cannot be downloaded offline and
keras.datasets checks its hash), pad_sequences, Embedding + LSTM(dropout_W, dropout_U).'''
from __future__ import print_function
import numpy as np
np.random.seed(1337)

from keras.preprocessing import sequence
from keras.models import Sequential
from keras.layers import Dense, Embedding
from keras.layers import LSTM

max_features = 200
maxlen = 20
batch_size = 32
rng = np.random.RandomState(0)


def reviews(n):
    '''Lists of word indices; positive reviews use words 100-199 more often.'''
    labels = rng.randint(0, 2, n)
    seqs = [[int(w) for w in rng.randint(4, 100, rng.randint(5, 30)) + 100 * labels[i] *
             (rng.rand() < 0.8)] for i in range(n)]
    return seqs, labels


print('Loading data...')
(X_train, y_train), (X_test, y_test) = reviews(300), reviews(60)
X_train = [[w if w < max_features else 2 for w in s] for s in X_train]  # nb_words cut-off
X_test = [[w if w < max_features else 2 for w in s] for s in X_test]
print(len(X_train), 'train sequences')
print(len(X_test), 'test sequences')

print('Pad sequences (samples x time)')
X_train = sequence.pad_sequences(X_train, maxlen=maxlen)
X_test = sequence.pad_sequences(X_test, maxlen=maxlen)
print('X_train shape:', X_train.shape)
assert X_train.shape == (300, maxlen)

model = Sequential()
model.add(Embedding(max_features, 16))
model.add(LSTM(16, dropout_W=0.2, dropout_U=0.2))
model.add(Dense(1, activation='sigmoid'))
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])

history = model.fit(X_train, y_train, batch_size=batch_size, nb_epoch=4,
                    validation_data=(X_test, y_test), verbose=2)
score, acc = model.evaluate(X_test, y_test, batch_size=batch_size)
print('Test score:', score)
print('Test accuracy:', acc)
assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert model.predict(X_test).shape == (60, 1)
