"""``keras.applications.mobilenetv2``: Keras 2.2.4's old module name for
:mod:`torkeras.applications.mobilenet_v2` (same objects)."""
from .mobilenet_v2 import (MobileNetV2, decode_predictions, keras_modules_injection,  # noqa: F401
                           preprocess_input)
