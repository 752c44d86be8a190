"""Keras-1 module name for the losses: ``from keras import objectives`` keeps working.

Keras 2.2.4 kept ``keras.objectives`` as an alias of ``keras.losses``; this module re-exports the
same objects explicitly.

Example:
    >>> from torkeras import objectives
    >>> objectives.mse is objectives.mean_squared_error
    True
"""
from .losses import (MAE, MAPE, MSE, MSLE, KLD, binary_crossentropy,  # noqa: F401
                     categorical_crossentropy, categorical_hinge, cosine, cosine_proximity,
                     deserialize, get, hinge, kld, kullback_leibler_divergence, logcosh, mae, mape,
                     mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                     mean_squared_logarithmic_error, mse, msle, poisson, serialize,
                     sparse_categorical_crossentropy, squared_hinge)

__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge", "logcosh",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
           "kullback_leibler_divergence", "poisson", "cosine_proximity", "mse", "MSE", "mae", "MAE",
           "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "cosine", "serialize", "deserialize", "get"]
