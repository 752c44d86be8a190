'''Keras 2.2.4 style: a siamese network with a shared base, a Lambda distance written with backend
code and a contrastive loss (keras/examples/mnist_siamese.py @ 2.2.4 shape), on synthetic pairs.'''
from __future__ import print_function
import numpy as np

from keras.models import Model
from keras.layers import Input, Flatten, Dense, Dropout, Lambda
from keras.optimizers import RMSprop
from keras import backend as K

np.random.seed(5)
num_classes = 4
input_shape = (6, 6)


def euclidean_distance(vects):
    x, y = vects
    sum_square = K.sum(K.square(x - y), axis=1, keepdims=True)
    return K.sqrt(K.maximum(sum_square, K.epsilon()))


def eucl_dist_output_shape(shapes):
    shape1, shape2 = shapes
    return (shape1[0], 1)


def contrastive_loss(y_true, y_pred):
    margin = 1
    square_pred = K.square(y_pred)
    margin_square = K.square(K.maximum(margin - y_pred, 0))
    return K.mean(y_true * square_pred + (1 - y_true) * margin_square)


def accuracy(y_true, y_pred):
    return K.mean(K.equal(y_true, K.cast(y_pred < 0.5, y_true.dtype)))


def create_base_network(input_shape):
    input = Input(shape=input_shape)
    x = Flatten()(input)
    x = Dense(32, activation='relu')(x)
    x = Dropout(0.1)(x)
    x = Dense(32, activation='relu')(x)
    return Model(input, x)


protos = np.random.rand(num_classes, 6, 6).astype('float32')
labels = np.random.randint(0, num_classes, (300, 2))
labels[:150, 1] = labels[:150, 0]  # half the pairs are positives
a = protos[labels[:, 0]] + 0.2 * np.random.rand(300, 6, 6).astype('float32')
b = protos[labels[:, 1]] + 0.2 * np.random.rand(300, 6, 6).astype('float32')
y = (labels[:, 0] == labels[:, 1]).astype('float32')

base_network = create_base_network(input_shape)
input_a = Input(shape=input_shape)
input_b = Input(shape=input_shape)
processed_a = base_network(input_a)
processed_b = base_network(input_b)
distance = Lambda(euclidean_distance, output_shape=eucl_dist_output_shape)([processed_a, processed_b])
model = Model([input_a, input_b], distance)

rms = RMSprop()
model.compile(loss=contrastive_loss, optimizer=rms, metrics=[accuracy])
history = model.fit([a, b], y, batch_size=32, epochs=5, validation_split=0.2, verbose=2)
pred = model.predict([a, b])
assert pred.shape == (300, 1)
assert history.history['loss'][-1] < history.history['loss'][0], history.history
assert 'val_accuracy' in history.history
assert len(base_network.layers) == 5 and len(model.layers) == 4
