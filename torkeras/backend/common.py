"""``keras.backend.common``: the backend-independent settings (floatx, epsilon, image data format).

The same functions as ``torkeras.backend`` (Keras 2.2.4 and 1.2.2 imported them from here), and Keras
1.2.2's ``legacy_weight_ordering`` / ``set_legacy_weight_ordering`` (kept in
:mod:`torkeras.legacy.backend_compat`, which says what the flag changes).

Example:
    >>> from torkeras.backend.common import epsilon
    >>> epsilon()
    1e-07
"""
from . import (cast_to_floatx, epsilon, floatx, get_uid, image_data_format,  # noqa: F401
               image_dim_ordering, is_keras_tensor, legacy_weight_ordering, normalize_data_format,
               reset_uids, set_epsilon, set_floatx, set_image_data_format, set_image_dim_ordering,
               set_legacy_weight_ordering)
