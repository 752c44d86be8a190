"""Which Keras generation wrote a file, from its root attributes (plain data, no h5py here).

Keras 2.2.4's loader treats a file with no ``keras_version`` attribute as Keras 1; tf.keras marks
its files ``2.2.4-tf`` (TF 1.x - 2.3) or with the TF release number (2.4 and later); Keras 3 writes
``3.x``.
"""
import re

KERAS1 = "keras1"
KERAS2 = "keras2"
TF_KERAS = "tf.keras"
KERAS3 = "keras3"

GENERATIONS = (KERAS1, KERAS2, TF_KERAS, KERAS3)
_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?")


def detect(keras_version):
    """Generation name for a file whose root ``keras_version`` attribute is ``keras_version``.

    Args:
        keras_version: the attribute as text, or None when the file has none.

    Returns:
        one of ``GENERATIONS``.

    Example:
        >>> detect("2.2.4-tf")
        'tf.keras'
    """
    if keras_version is None:
        return KERAS1
    text = str(keras_version).strip()
    if text.endswith("-tf"):
        return TF_KERAS
    m = _VERSION.match(text)
    if not m:
        raise ValueError("Cannot tell which Keras wrote this file: keras_version=%r is not a version "
                         "number (expected e.g. '1.2.2', '2.2.4', '2.2.4-tf', '2.13.1' or '3.5.0')."
                         % (keras_version,))
    major, minor = int(m.group(1)), int(m.group(2) or 0)
    if major <= 1:
        return KERAS1
    if major == 2:
        return KERAS2 if minor <= 3 else TF_KERAS
    return KERAS3
