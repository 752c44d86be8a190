'''Keras 2.2.4 style: keras.wrappers.scikit_learn.KerasClassifier in scikit-learn's cross_val_score
and GridSearchCV (keras/examples/mnist_sklearn_wrapper.py @ 2.2.4 shape), on synthetic data.'''
from __future__ import print_function
import numpy as np

from keras.models import Sequential
from keras.layers import Dense
from keras.wrappers.scikit_learn import KerasClassifier
from sklearn.model_selection import GridSearchCV, cross_val_score

np.random.seed(9)
x = np.random.rand(180, 5).astype('float32')
y = (x[:, 0] + x[:, 1] > 1.0).astype('int32')


def make_model(dense_units=8):
    model = Sequential()
    model.add(Dense(dense_units, activation='relu', input_shape=(5,)))
    model.add(Dense(2, activation='softmax'))
    model.compile(loss='sparse_categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
    return model


clf = KerasClassifier(make_model, batch_size=16, epochs=15, verbose=0)
scores = cross_val_score(clf, x, y, cv=3)
print('cross_val_score', scores)
assert scores.shape == (3,)

grid = GridSearchCV(KerasClassifier(make_model, batch_size=16, epochs=15, verbose=0),
                    param_grid={'dense_units': [4, 16]}, cv=2)
grid.fit(x, y)
print('best', grid.best_params_, grid.best_score_)
assert grid.best_params_['dense_units'] in (4, 16)
proba = grid.best_estimator_.predict_proba(x[:6])
assert proba.shape == (6, 2)
assert grid.best_estimator_.predict(x[:6]).shape == (6,)
history = clf.fit(x, y)
assert history.history['loss'][-1] < history.history['loss'][0], history.history
