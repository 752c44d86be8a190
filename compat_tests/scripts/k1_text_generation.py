'''Keras 1.2.2 style: character-level text generation with an LSTM (keras/examples/lstm_text_generation.py
@ 1.2.2 shape) on a small embedded text.'''
from __future__ import print_function
import random
import sys

import numpy as np

from keras.models import Sequential
from keras.layers import Dense, Activation
from keras.layers import LSTM
from keras.optimizers import RMSprop

text = ("the quick brown fox jumps over the lazy dog. " * 12).lower()
chars = sorted(list(set(text)))
char_indices = dict((c, i) for i, c in enumerate(chars))
indices_char = dict((i, c) for i, c in enumerate(chars))

maxlen = 10
step = 3
sentences = []
next_chars = []
for i in range(0, len(text) - maxlen, step):
    sentences.append(text[i: i + maxlen])
    next_chars.append(text[i + maxlen])
print('nb sequences:', len(sentences))

X = np.zeros((len(sentences), maxlen, len(chars)), dtype=np.bool_)
y = np.zeros((len(sentences), len(chars)), dtype=np.bool_)
for i, sentence in enumerate(sentences):
    for t, char in enumerate(sentence):
        X[i, t, char_indices[char]] = 1
    y[i, char_indices[next_chars[i]]] = 1

model = Sequential()
model.add(LSTM(32, input_shape=(maxlen, len(chars)), consume_less='gpu'))
model.add(Dense(len(chars)))
model.add(Activation('softmax'))

optimizer = RMSprop(lr=0.01)
model.compile(loss='categorical_crossentropy', optimizer=optimizer)


def sample(preds, temperature=1.0):
    preds = np.asarray(preds).astype('float64')
    preds = np.log(preds) / temperature
    exp_preds = np.exp(preds)
    preds = exp_preds / np.sum(exp_preds)
    probas = np.random.multinomial(1, preds, 1)
    return np.argmax(probas)


losses = []
for iteration in range(1, 4):
    print('Iteration', iteration)
    h = model.fit(X, y, batch_size=64, nb_epoch=1, verbose=0)
    losses.append(h.history['loss'][0])
    start_index = random.randint(0, len(text) - maxlen - 1)
    sentence = text[start_index: start_index + maxlen]
    generated = sentence
    for i in range(20):
        x = np.zeros((1, maxlen, len(chars)))
        for t, char in enumerate(sentence):
            x[0, t, char_indices[char]] = 1.
        preds = model.predict(x, verbose=0)[0]
        assert preds.shape == (len(chars),)
        next_char = indices_char[sample(preds, 0.5)]
        generated += next_char
        sentence = sentence[1:] + next_char
    sys.stdout.write(generated + '\n')

assert losses[-1] < losses[0], losses
