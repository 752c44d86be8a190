"""Keras's small datasets (``keras.datasets``), cached under ``~/.keras/datasets`` by ``get_file``."""
from . import boston_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters  # noqa: F401
