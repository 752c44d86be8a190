"""``keras.backend.tensorflow_backend``: the ``K`` API plus the TensorFlow names old scripts use.

Everything ``torkeras.backend`` exports is here under the same name (Keras 2.2.4 and 1.2.2 scripts
import ``keras.backend.tensorflow_backend as KTF`` and call ``KTF.mean``...). TensorFlow objects do
not exist on torch: ``get_session``/``set_session`` raise with what to do instead, and
``tf_major_version``/``tf_minor_version`` (Keras 1.2.2) are importable values whose use raises
(:class:`~torkeras.backend._per_backend.UnsupportedValue`): a TensorFlow version number would send
old code down TensorFlow-only branches.

Example:
    >>> from keras.backend.tensorflow_backend import _get_available_gpus
    >>> len(_get_available_gpus())   # GPUs torch can use
    0
"""
from .device import cuda_device_count as _cuda_device_count
from ._per_backend import public_api

globals().update(public_api())   # tf_major_version / tf_minor_version: legacy/backend_compat


def _get_available_gpus():
    """Names of the GPUs torch can use, in Keras 2.2.4's format.

    Keras 2.2.4 listed its TensorFlow session's GPU devices by full name
    (``'/job:localhost/replica:0/task:0/device:GPU:0'``); scripts mostly take ``len()`` of it, e.g.
    to choose ``multi_gpu_model(model, gpus=...)``. The count comes from
    :mod:`torkeras.backend.device`.

    Returns:
        list of str, one per CUDA device (empty without CUDA).

    Example:
        >>> _get_available_gpus()
        ['/job:localhost/replica:0/task:0/device:GPU:0']
    """
    return ["/job:localhost/replica:0/task:0/device:GPU:%d" % i
            for i in range(_cuda_device_count())]


__all__ = sorted(public_api())
