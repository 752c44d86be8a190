'''Keras 2.2.4 style: callbacks (ModelCheckpoint, EarlyStopping, ReduceLROnPlateau, CSVLogger,
LambdaCallback) on a small regression, then load_model of the best checkpoint.'''
from __future__ import print_function
import os
import sys
import tempfile

import numpy as np

from keras.models import Sequential, load_model
from keras.layers import Dense
from keras.callbacks import ModelCheckpoint, EarlyStopping, ReduceLROnPlateau, CSVLogger, LambdaCallback

np.random.seed(11)
x = np.random.rand(256, 4).astype('float32')
y = x.dot(np.array([[1.0], [-2.0], [0.5], [3.0]], dtype='float32')) + 0.1

workdir = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
best = os.path.join(workdir, 'best.h5')
log = os.path.join(workdir, 'log.csv')
epochs_seen = []

model = Sequential()
model.add(Dense(16, activation='tanh', input_shape=(4,)))
model.add(Dense(1))
model.compile(optimizer='adam', loss='mse', metrics=['mae'])
callbacks = [
    ModelCheckpoint(best, monitor='val_loss', save_best_only=True, verbose=1),
    EarlyStopping(monitor='val_loss', patience=2, verbose=1),
    ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=1, verbose=1),
    CSVLogger(log),
    LambdaCallback(on_epoch_end=lambda epoch, logs: epochs_seen.append(epoch)),
]
history = model.fit(x, y, epochs=15, batch_size=16, validation_split=0.25, callbacks=callbacks,
                    verbose=2)

assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert epochs_seen == list(range(len(history.history['loss'])))
assert os.path.exists(best) and os.path.exists(log)
with open(log) as f:
    header = f.readline().strip().split(',')
assert header[0] == 'epoch' and 'val_loss' in header, header
restored = load_model(best)
assert restored.predict(x[:3]).shape == (3, 1)
best_val = min(history.history['val_loss'])
assert abs(restored.evaluate(x[192:], y[192:], verbose=0)[0] - best_val) < 1e-4
