"""scikit-learn estimators around a model-building function (``keras.wrappers.scikit_learn``).

Keras 2.2.4 semantics: ``build_fn`` builds and compiles a model; ``sk_params`` hold both the
arguments of ``build_fn`` and those of ``fit``/``predict``/``evaluate`` (``epochs``,
``batch_size``...). Arguments passed to ``fit``/``predict``/``score`` win over ``sk_params``, which win
over the model methods' defaults. scikit-learn clones the estimators through ``get_params`` /
``set_params``, so ``cross_val_score`` and ``GridSearchCV`` work (scikit-learn itself is needed only
for those tools, not to import this module).

One difference from Keras 2.2.4, on purpose: the Keras-1 ``nb_epoch`` in ``sk_params`` was accepted
and then silently dropped by Keras 2.2.4; here it reaches ``fit``, which translates it to ``epochs``
with the usual Keras-1 warning.

Example:
    >>> def build(units=8):
    ...     model = Sequential([Dense(units, activation='relu', input_dim=4),
    ...                         Dense(3, activation='softmax')])
    ...     model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    ...     return model
    >>> clf = KerasClassifier(build, units=16, epochs=5, batch_size=8, verbose=0)
    >>> cross_val_score(clf, x, y, cv=3)
"""
import copy
import inspect
import types

import numpy as np

from ..legacy import keras1
from ..models import Sequential
from ..utils.np_utils import to_categorical

__all__ = ["BaseWrapper", "KerasClassifier", "KerasRegressor"]


def _has_arg(fn, name):
    """True when ``fn`` has a parameter called ``name`` (``**kwargs`` does not count)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    p = params.get(name)
    return p is not None and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)


def _loss_name(model):
    loss = model.loss
    return getattr(loss, "__name__", loss)


def _is_plain_function(fn):
    return isinstance(fn, (types.FunctionType, types.MethodType))


class BaseWrapper(object):
    """Base class of :class:`KerasClassifier` and :class:`KerasRegressor` (use those).

    Args:
        build_fn: a function, or an object with ``__call__``, that builds, compiles and returns a
            model; or None in a subclass that defines ``__call__`` (then ``self.__call__`` builds).
        **sk_params: arguments of ``build_fn`` and of ``fit``, ``predict``, ``predict_classes`` and
            ``evaluate``. Unknown names raise ``ValueError``.

    Example:
        >>> KerasRegressor(build_fn=make_model, epochs=10, batch_size=16, verbose=0)
    """

    #: scikit-learn < 1.6 reads this attribute; newer versions call ``__sklearn_tags__``.
    _estimator_type = None

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _build_callable(self):
        if self.build_fn is None:
            return self.__call__
        if _is_plain_function(self.build_fn):
            return self.build_fn
        if not callable(self.build_fn):
            raise TypeError("%s: `build_fn` must be a function or an object with a `__call__` method "
                            "that returns a compiled model. Received: %r"
                            % (type(self).__name__, self.build_fn))
        return self.build_fn.__call__

    def check_params(self, params):
        """Check that every name in ``params`` is an argument of ``build_fn`` or of a model method.

        Args:
            params: dict of parameters.

        Raises:
            ValueError: a name no function accepts (a typo).
        """
        legal = [Sequential.fit, Sequential.predict, Sequential.predict_classes, Sequential.evaluate,
                 self._build_callable()]
        keras1_fit = keras1.TABLE["fit"]["renames"]
        for name in params:
            if name in keras1_fit:
                continue   # reaches fit(), which translates it with a warning
            if not any(_has_arg(fn, name) for fn in legal):
                raise ValueError("{} is not a legal parameter".format(name))

    def get_params(self, **params):
        """Parameters of this estimator: a copy of ``sk_params`` plus ``build_fn``.

        Args:
            **params: ignored (scikit-learn passes ``deep=``).

        Returns:
            A dict.
        """
        res = copy.deepcopy(self.sk_params)
        res.update({"build_fn": self.build_fn})
        return res

    def set_params(self, **params):
        """Update ``sk_params`` (checked as in ``__init__``).

        Returns:
            self.
        """
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn, override=None):
        """The ``sk_params`` that ``fn`` accepts, updated with ``override``.

        Args:
            fn: any function.
            override: dict of values that replace those of ``sk_params``.

        Returns:
            A dict.
        """
        res = {name: value for name, value in self.sk_params.items() if _has_arg(fn, name)}
        res.update(override or {})
        return res

    def _fit_args(self, kwargs):
        args = copy.deepcopy(self.filter_sk_params(Sequential.fit))
        # Keras-1 spellings of fit arguments: fit() translates (and warns about) them.
        args.update({k: v for k, v in self.sk_params.items() if k in keras1.TABLE["fit"]["renames"]})
        args.update(kwargs)
        return args

    def fit(self, x, y, **kwargs):
        """Build a new model with ``build_fn`` and fit it to ``(x, y)``.

        Args:
            x: array of shape ``(n_samples, n_features)``.
            y: targets, shape ``(n_samples,)`` or ``(n_samples, n_outputs)``.
            **kwargs: arguments of ``Sequential.fit`` (they win over ``sk_params``).

        Returns:
            The ``History`` of the fit.
        """
        fn = self._build_callable()
        self.model = fn(**self.filter_sk_params(fn))
        if _loss_name(self.model) == "categorical_crossentropy" and len(np.shape(y)) != 2:
            y = to_categorical(y)
        return self.model.fit(x, y, **self._fit_args(kwargs))

    def __sklearn_tags__(self):
        """scikit-learn (>= 1.6) estimator tags: classifier or regressor, labels required."""
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags
        kind = self._estimator_type
        return Tags(estimator_type=kind, target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags() if kind == "classifier" else None,
                    regressor_tags=RegressorTags() if kind == "regressor" else None,
                    non_deterministic=True)

    def _check_fitted(self, method):
        if not hasattr(self, "model"):
            raise AttributeError("%s.%s: call fit() first (this estimator has no model yet)."
                                 % (type(self).__name__, method))


class KerasClassifier(BaseWrapper):
    """scikit-learn classifier around a model-building function.

    Labels may be any sortable values (``classes_`` holds them, sorted), class indices, or one-hot
    rows. With ``loss='categorical_crossentropy'`` class indices are one-hot encoded for the model.

    Args:
        build_fn: see :class:`BaseWrapper`.
        **sk_params: see :class:`BaseWrapper`.

    Example:
        >>> clf = KerasClassifier(build_fn=make_model, epochs=20, verbose=0)
        >>> clf.fit(x, y).history['loss'][-1]
        >>> clf.predict(x[:3]), clf.predict_proba(x[:3]), clf.score(x, y)
    """

    _estimator_type = "classifier"

    def fit(self, x, y, sample_weight=None, **kwargs):
        """Build a new model and fit it; sets ``classes_`` and ``n_classes_``.

        Args:
            x: array of shape ``(n_samples, n_features)``.
            y: labels, shape ``(n_samples,)``, ``(n_samples, 1)`` or one-hot ``(n_samples, n)``.
            sample_weight: optional per-sample weights.
            **kwargs: arguments of ``Sequential.fit``.

        Returns:
            The ``History`` of the fit.

        Raises:
            ValueError: ``y`` has another shape.
        """
        y = np.array(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif (y.ndim == 2 and y.shape[1] == 1) or y.ndim == 1:
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError("Invalid shape for y: " + str(y.shape))
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return super(KerasClassifier, self).fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """Predicted labels (values of ``classes_``), shape ``(n_samples,)``.

        Args:
            x: array of shape ``(n_samples, n_features)``.
            **kwargs: arguments of ``Sequential.predict_classes``.
        """
        self._check_fitted("predict")
        kwargs = self.filter_sk_params(Sequential.predict_classes, kwargs)
        proba = self.model.predict(x, **kwargs)
        if proba.shape[-1] > 1:
            classes = proba.argmax(axis=-1)
        else:
            classes = (proba > 0.5).astype("int32")
        return self.classes_[classes]

    def predict_proba(self, x, **kwargs):
        """Class probabilities, shape ``(n_samples, n_classes)``.

        A single sigmoid output gives two columns ``[1 - p, p]``, as scikit-learn expects.

        Args:
            x: array of shape ``(n_samples, n_features)``.
            **kwargs: arguments of ``Sequential.predict_proba``.
        """
        self._check_fitted("predict_proba")
        kwargs = self.filter_sk_params(Sequential.predict_proba, kwargs)
        probs = self.model.predict(x, **kwargs)
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x, y, **kwargs):
        """Accuracy of the model on ``(x, y)`` (the model must be compiled with ``metrics=['accuracy']``).

        Args:
            x: array of shape ``(n_samples, n_features)``.
            y: labels as given to ``fit``.
            **kwargs: arguments of ``Sequential.evaluate``.

        Returns:
            A float.

        Raises:
            ValueError: the model computes no accuracy.
        """
        self._check_fitted("score")
        y = np.searchsorted(self.classes_, y)
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        if _loss_name(self.model) == "categorical_crossentropy" and len(y.shape) != 2:
            y = to_categorical(y)
        outputs = self.model.evaluate(x, y, **kwargs)
        if not isinstance(outputs, list):
            outputs = [outputs]
        for name, output in zip(self.model.metrics_names, outputs):
            if name in ("acc", "accuracy"):
                return output
        raise ValueError("The model is not configured to compute accuracy. You should pass "
                         "`metrics=[\"accuracy\"]` to the `model.compile()` method.")


class KerasRegressor(BaseWrapper):
    """scikit-learn regressor around a model-building function.

    ``score`` is the negated loss (scikit-learn maximises scores).

    Args:
        build_fn: see :class:`BaseWrapper`.
        **sk_params: see :class:`BaseWrapper`.

    Example:
        >>> reg = KerasRegressor(build_fn=make_model, epochs=50, batch_size=8, verbose=0)
        >>> cross_val_score(reg, x, y, cv=3)
    """

    _estimator_type = "regressor"

    def predict(self, x, **kwargs):
        """Predictions, squeezed (shape ``(n_samples,)`` for one output unit).

        Args:
            x: array of shape ``(n_samples, n_features)``.
            **kwargs: arguments of ``Sequential.predict``.
        """
        self._check_fitted("predict")
        kwargs = self.filter_sk_params(Sequential.predict, kwargs)
        return np.squeeze(self.model.predict(x, **kwargs))

    def score(self, x, y, **kwargs):
        """Negated loss of the model on ``(x, y)``.

        Args:
            x: array of shape ``(n_samples, n_features)``.
            y: targets.
            **kwargs: arguments of ``Sequential.evaluate``.

        Returns:
            A float.
        """
        self._check_fitted("score")
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = self.model.evaluate(x, y, **kwargs)
        if isinstance(loss, list):
            return -loss[0]
        return -loss
