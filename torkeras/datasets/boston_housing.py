"""Boston housing prices (``keras.datasets.boston_housing``)."""
import numpy as np

from ..utils._get_file import get_file
from ._sequences import shuffled

ORIGIN = "https://s3.amazonaws.com/keras-datasets/boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Load the Boston housing data: 506 samples of 13 features, target price in k$.

    The samples are shuffled with ``np.random.seed(seed)`` (numpy's global RNG) and split at
    ``int(n * (1 - test_split))``.

    Args:
        path: file name in the cache (``~/.keras/datasets/``).
        test_split: fraction of the data kept for testing, in [0, 1).
        seed: seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float64 arrays of shape ``(n, 13)`` and ``(n,)``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = boston_housing.load_data()  # doctest: +SKIP
    """
    if not 0 <= test_split < 1:
        raise ValueError("boston_housing.load_data: `test_split` must be in [0, 1). Received: "
                         "test_split=%r" % (test_split,))
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    x, y = shuffled(seed, x, y)
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (np.array(x[split:]), np.array(y[split:]))
