"""VGG16 (``keras.applications.vgg16``): Simonyan & Zisserman, "Very Deep Convolutional Networks
for Large-Scale Image Recognition" (https://arxiv.org/abs/1409.1556), as in Keras 2.2.4."""
from ..engine.training import Model  # noqa: F401  (Keras 1.2.2's module had it)
from ..layers import Convolution2D, Dense, Flatten, Input, MaxPooling2D  # noqa: F401  (idem)
from ._base import get_source_inputs, keras_modules_injection  # noqa: F401  (idem; Keras 2.2.4)
from ._vgg import make_vgg, urls
from .imagenet_utils import decode_predictions, preprocess_input  # noqa: F401

# Keras 2.2.4's names, then the names of Keras 1.2.2 (TF = the same files, TH = Theano files)
WEIGHTS_PATH, WEIGHTS_PATH_NO_TOP, TH_WEIGHTS_PATH, TH_WEIGHTS_PATH_NO_TOP = urls("vgg16")
TF_WEIGHTS_PATH, TF_WEIGHTS_PATH_NO_TOP = WEIGHTS_PATH, WEIGHTS_PATH_NO_TOP

VGG16 = make_vgg("vgg16", (2, 2, 3, 3, 3), ("64373286793e3c8b2b4e3219cbf3544b",
                                            "6d6bbae143d832006294945121d1f1fc"))
