"""Resume training: N steps + save + load_model + M steps equals N + M uninterrupted steps.

``load_model`` reads ``optimizer_weights`` back into the optimizer (Keras 2.2.4 order, and the
tf-keras orders), so training continues exactly. The tf-keras cases use real files from
compat_tests/fixtures/keras2x (make_keras2x_fixtures.py): tf-keras trained N steps, saved, and
recorded the weights after M more steps from the saved state.
"""
import os

import numpy as np
import pytest

import torkeras
from torkeras import optimizers
from torkeras.layers import Dense

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "compat_tests", "fixtures", "keras2x")
N_STEPS, M_STEPS, BATCH = 3, 4, 4

OPTIMIZERS = {
    "sgd_momentum": lambda: optimizers.SGD(lr=0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda: optimizers.RMSprop(lr=0.01),
    "adagrad": lambda: optimizers.Adagrad(lr=0.05),
    "adadelta": lambda: optimizers.Adadelta(),
    "adam_amsgrad": lambda: optimizers.Adam(lr=0.01, amsgrad=True),
    "adam_decay": lambda: optimizers.Adam(lr=0.01, decay=0.1),
    "adamax": lambda: optimizers.Adamax(lr=0.01),
    "nadam": lambda: optimizers.Nadam(lr=0.01),
}


def _data():
    rs = np.random.RandomState(3)
    x = rs.uniform(-1, 1, size=((N_STEPS + M_STEPS) * BATCH, 3)).astype("float32")
    y = rs.uniform(-1, 1, size=(len(x), 2)).astype("float32")
    return x, y


def _model(make_optimizer, init):
    model = torkeras.models.Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(2)])
    model.set_weights(init)
    model.compile(optimizer=make_optimizer(), loss="mse")
    return model


def _steps(model, x, y, start, count):
    for i in range(start, start + count):
        model.train_on_batch(x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_save_load_resume_equals_uninterrupted(name, tmp_path):
    x, y = _data()
    rs = np.random.RandomState(7)
    init = [rs.uniform(-0.5, 0.5, size=s).astype("float32") for s in [(3, 4), (4,), (4, 2), (2,)]]
    straight = _model(OPTIMIZERS[name], init)
    _steps(straight, x, y, 0, N_STEPS + M_STEPS)

    first = _model(OPTIMIZERS[name], init)
    _steps(first, x, y, 0, N_STEPS)
    path = str(tmp_path / "ckpt.h5")
    first.save(path)
    resumed = torkeras.models.load_model(path)
    assert type(resumed.optimizer) is type(first.optimizer)
    saved_state = first.optimizer.get_weights()
    for got, want in zip(resumed.optimizer.get_weights(), saved_state):
        np.testing.assert_array_equal(got, want)
    _steps(resumed, x, y, N_STEPS, M_STEPS)
    for got, want in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)
    for got, want in zip(resumed.optimizer.get_weights(), straight.optimizer.get_weights()):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)


def test_without_optimizer_state_the_trajectory_differs(tmp_path):
    """The test above can fail: dropping the optimizer state changes the result."""
    x, y = _data()
    rs = np.random.RandomState(7)
    init = [rs.uniform(-0.5, 0.5, size=s).astype("float32") for s in [(3, 4), (4,), (4, 2), (2,)]]
    straight = _model(OPTIMIZERS["adam_amsgrad"], init)
    _steps(straight, x, y, 0, N_STEPS + M_STEPS)
    first = _model(OPTIMIZERS["adam_amsgrad"], init)
    _steps(first, x, y, 0, N_STEPS)
    path = str(tmp_path / "ckpt.h5")
    first.save(path, include_optimizer=False)
    fresh = torkeras.models.load_model(path, compile=False)
    fresh.compile(optimizer=OPTIMIZERS["adam_amsgrad"](), loss="mse")
    _steps(fresh, x, y, N_STEPS, M_STEPS)
    diff = max(np.abs(a - b).max() for a, b in zip(fresh.get_weights(), straight.get_weights()))
    assert diff > 1e-4


@pytest.mark.parametrize("stem", ["tfk_resume_adam_amsgrad", "tfk_resume_adam_legacy",
                                  "tfk_resume_sgd_momentum"])
def test_tfkeras_file_resumes_like_tfkeras(stem):
    with np.load(os.path.join(FIXTURES, stem + ".npz")) as d:
        data = {k: d[k] for k in d.files}
    model = torkeras.models.load_model(os.path.join(FIXTURES, stem + ".h5"))
    model.fit(data["x"], data["y"], batch_size=int(data["batch_size"]), epochs=1, shuffle=False,
              verbose=0)
    weights = model.get_weights()
    assert len(weights) == len([k for k in data if k.startswith("w")])
    for i, w in enumerate(weights):
        np.testing.assert_allclose(w, data["w%d" % i], rtol=0, atol=1e-5, err_msg="weight %d" % i)
