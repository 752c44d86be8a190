"""Wrappers that let torkeras models work with other libraries (``keras.wrappers``).

``scikit_learn`` needs scikit-learn only for scikit-learn's own tools (``cross_val_score``,
``GridSearchCV``...); importing it does not import scikit-learn.
"""
from . import scikit_learn  # noqa: F401
