'''Keras 1.2.2 style: a stateful LSTM on a time series (keras/examples/stateful_lstm.py @ 1.2.2 shape).'''
from __future__ import print_function
import numpy as np

from keras.models import Sequential
from keras.layers import Dense, LSTM

tsteps = 1
batch_size = 5
epochs = 5
lahead = 1

t = np.arange(500, dtype='float32')
cos = np.cos(2 * np.pi * t / 40.0).reshape(500, 1, 1).astype('float32')
expected_output = np.roll(cos[:, 0, :], -lahead, axis=0)

model = Sequential()
model.add(LSTM(output_dim=20, batch_input_shape=(batch_size, tsteps, 1), return_sequences=True,
               stateful=True))
model.add(LSTM(20, return_sequences=False, stateful=True))
model.add(Dense(1))
model.compile(loss='mse', optimizer='rmsprop')

losses = []
for i in range(epochs):
    print('Epoch', i, '/', epochs)
    h = model.fit(cos, expected_output, batch_size=batch_size, verbose=0, nb_epoch=1,
                  shuffle=False)
    losses.append(h.history['loss'][0])
    model.reset_states()

predicted_output = model.predict(cos, batch_size=batch_size)
assert predicted_output.shape == (500, 1)
assert losses[-1] < losses[0], losses
print('losses', losses)
