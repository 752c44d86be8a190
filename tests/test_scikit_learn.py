"""keras.wrappers.scikit_learn: KerasClassifier / KerasRegressor with Keras 2.2.4 semantics."""
import warnings

import numpy as np
import pytest

from torkeras.layers import Dense
from torkeras.models import Sequential
from torkeras.wrappers.scikit_learn import BaseWrapper, KerasClassifier, KerasRegressor

sklearn = pytest.importorskip("sklearn")   # the dev extra installs it
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402

N_IN = 4


def _data(n=48, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, N_IN).astype("float32")
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0)      # 3 classes
    return x, y


def build_classifier(units=8, loss="categorical_crossentropy", n_out=3):
    model = Sequential([Dense(units, activation="relu", input_dim=N_IN),
                        Dense(n_out, activation="softmax" if n_out > 1 else "sigmoid")])
    model.compile("adam", loss, metrics=["accuracy"])
    return model


def build_regressor(units=8):
    model = Sequential([Dense(units, activation="relu", input_dim=N_IN), Dense(1)])
    model.compile("sgd", "mse")
    return model


class ClassifierWithCall(KerasClassifier):
    def __call__(self, units=4):
        return build_classifier(units)


class Builder(object):
    def __call__(self, units=5):
        return build_classifier(units)


def test_params_and_legality():
    clf = KerasClassifier(build_classifier, units=6, epochs=2, batch_size=8, verbose=0)
    assert clf.get_params() == {"build_fn": build_classifier, "units": 6, "epochs": 2,
                                "batch_size": 8, "verbose": 0}
    assert clf.get_params(deep=False) == clf.get_params()
    assert clf.set_params(units=3) is clf and clf.sk_params["units"] == 3
    with pytest.raises(ValueError, match="nonsense is not a legal parameter"):
        KerasClassifier(build_classifier, nonsense=1)
    with pytest.raises(ValueError, match="typo is not a legal parameter"):
        clf.set_params(typo=2)
    assert clf.filter_sk_params(build_classifier) == {"units": 3}
    assert clf.filter_sk_params(Sequential.fit, {"epochs": 9}) == {"epochs": 9, "batch_size": 8,
                                                                  "verbose": 0}
    # build_fn arguments of a callable object and of the subclass's __call__ are legal
    KerasClassifier(Builder(), units=2)
    ClassifierWithCall(units=2)
    with pytest.raises(ValueError, match="units"):
        KerasRegressor(build_fn=lambda: None, units=2)


@pytest.mark.parametrize("make", [
    lambda: KerasClassifier(build_classifier, units=8, epochs=2, batch_size=16, verbose=0),
    lambda: KerasClassifier(Builder(), epochs=2, batch_size=16, verbose=0),
    lambda: ClassifierWithCall(epochs=2, batch_size=16, verbose=0)])
def test_classifier_fit_predict_score(make):
    x, y = _data()
    labels = np.array(["a", "b", "c"])[y]
    clf = make()
    hist = clf.fit(x, labels)
    assert len(hist.history["loss"]) == 2
    assert list(clf.classes_) == ["a", "b", "c"] and clf.n_classes_ == 3
    assert clf.model.output_shape == (None, 3)    # indices one-hot encoded for the model
    proba = clf.predict_proba(x)
    np.testing.assert_allclose(proba, clf.model.predict(x), rtol=1e-6)
    np.testing.assert_array_equal(clf.predict(x), clf.classes_[proba.argmax(-1)])
    score = clf.score(x, labels)
    expected = np.mean(clf.predict(x) == labels)
    assert score == pytest.approx(expected, abs=1e-6)


def test_fit_kwargs_win_over_sk_params():
    x, y = _data()
    clf = KerasClassifier(build_classifier, epochs=3, verbose=0)
    assert len(clf.fit(x, y, epochs=1).history["loss"]) == 1


def test_binary_sigmoid_probabilities_have_two_columns():
    x, y = _data()
    yb = (y > 0).astype(int)
    clf = KerasClassifier(build_classifier, loss="binary_crossentropy", n_out=1, epochs=1, verbose=0)
    clf.fit(x, yb)
    p = clf.model.predict(x)
    np.testing.assert_allclose(clf.predict_proba(x), np.hstack([1 - p, p]), rtol=1e-6)
    np.testing.assert_array_equal(clf.predict(x).ravel(), (p > 0.5).astype("int32").ravel())


def test_one_hot_labels_and_bad_shapes():
    x, y = _data()
    clf = KerasClassifier(build_classifier, epochs=1, verbose=0)
    clf.fit(x, np.eye(3)[y])
    assert list(clf.classes_) == [0, 1, 2]
    with pytest.raises(ValueError, match="Invalid shape for y"):
        clf.fit(x, np.zeros((len(x), 2, 2)))


def test_score_without_accuracy_raises():
    x, y = _data()

    def build():
        model = Sequential([Dense(3, activation="softmax", input_dim=N_IN)])
        model.compile("sgd", "categorical_crossentropy")
        return model
    clf = KerasClassifier(build, epochs=1, verbose=0)
    clf.fit(x, y)
    with pytest.raises(ValueError, match='metrics=\\["accuracy"\\]'):
        clf.score(x, y)


def test_unfitted_estimator_says_so():
    with pytest.raises(AttributeError, match="call fit"):
        KerasRegressor(build_regressor).predict(np.zeros((2, N_IN)))


def test_regressor_predict_and_score():
    x, _ = _data()
    y = x[:, 0] * 2 - x[:, 1]
    reg = KerasRegressor(build_regressor, epochs=2, batch_size=16, verbose=0)
    reg.fit(x, y)
    pred = reg.predict(x)
    assert pred.shape == (len(x),)
    np.testing.assert_allclose(pred, reg.model.predict(x)[:, 0], rtol=1e-6)
    assert reg.score(x, y) == pytest.approx(-np.mean((reg.model.predict(x)[:, 0] - y) ** 2),
                                            rel=1e-4)


def test_keras1_nb_epoch_reaches_fit():
    x, y = _data()
    clf = KerasClassifier(build_classifier, verbose=0, **{"nb_" + "epoch": 2})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hist = clf.fit(x, y)
    assert len(hist.history["loss"]) == 2
    assert any("epochs" in str(w.message) for w in caught)


def test_works_with_sklearn_tools():
    x, y = _data(60)
    clf = KerasClassifier(build_classifier, units=4, epochs=1, batch_size=16, verbose=0)
    cloned = clone(clf)
    assert cloned is not clf and cloned.get_params() == clf.get_params()
    scores = cross_val_score(clf, x, y, cv=3)
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    grid = GridSearchCV(clf, {"units": [2, 4], "epochs": [1, 2]}, cv=2).fit(x, y)
    assert set(grid.best_params_) == {"units", "epochs"}
    assert grid.best_estimator_.model.layers[0].units == grid.best_params_["units"]
    reg = KerasRegressor(build_regressor, epochs=1, verbose=0)
    assert cross_val_score(reg, x, x[:, 0], cv=2).shape == (2,)


def test_base_wrapper_is_exported():
    assert issubclass(KerasClassifier, BaseWrapper) and issubclass(KerasRegressor, BaseWrapper)
