"""Keras utilities (``keras.utils``)."""
from . import generic_utils, io_utils, np_utils  # noqa: F401
from .generic_utils import (CustomObjectScope, Progbar, custom_object_scope,  # noqa: F401
                            deserialize_keras_object, get_custom_objects, serialize_keras_object)
from .np_utils import normalize, to_categorical  # noqa: F401
from .data_utils import GeneratorEnqueuer, OrderedEnqueuer, Sequence  # noqa: F401
from .io_utils import h5dict  # noqa: F401
from .layer_utils import convert_all_kernels_in_model, get_source_inputs  # noqa: F401
from .data_utils import get_file  # noqa: F401
from .io_utils import HDF5Matrix  # noqa: F401
from . import conv_utils, multi_gpu_utils, vis_utils  # noqa: F401,E402
from .multi_gpu_utils import multi_gpu_model  # noqa: F401
from .vis_utils import plot_model  # noqa: F401


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Print a summary of ``model`` (see :func:`torkeras.utils.layer_utils.print_summary`)."""
    from .layer_utils import print_summary as _ps
    return _ps(model, line_length=line_length, positions=positions, print_fn=print_fn)
