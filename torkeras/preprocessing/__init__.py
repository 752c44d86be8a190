"""Data preprocessing (``keras.preprocessing``): ``image``, ``sequence`` and ``text``."""
from . import image, sequence, text  # noqa: F401
