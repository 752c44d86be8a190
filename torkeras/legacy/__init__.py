"""Keras-1 compatibility: the translation table lives in :mod:`torkeras.legacy.keras1`."""
