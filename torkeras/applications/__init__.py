"""Keras 2.2.4's ``keras.applications``: ImageNet architectures with Keras's layer names and order.

Each model takes ``weights=None`` (random initialization), ``weights='imagenet'`` (Keras's
pre-trained file, downloaded once into ``~/.keras/models`` through ``get_file``, with Keras's file
name, URL and hash) or the path of a weights file, and Keras 2.2.4's input-shape rules.

Example:
    >>> from torkeras.applications import VGG16
    >>> model = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
"""
from ._base import keras_modules_injection  # noqa: F401
from .densenet import DenseNet121, DenseNet169, DenseNet201  # noqa: F401
from .inception_resnet_v2 import InceptionResNetV2  # noqa: F401
from .inception_v3 import InceptionV3  # noqa: F401
from .mobilenet import MobileNet  # noqa: F401
from .mobilenet_v2 import MobileNetV2  # noqa: F401
from .nasnet import NASNetLarge, NASNetMobile  # noqa: F401
from .resnet50 import ResNet50  # noqa: F401
from .vgg16 import VGG16  # noqa: F401
from .vgg19 import VGG19  # noqa: F401
from .xception import Xception  # noqa: F401
