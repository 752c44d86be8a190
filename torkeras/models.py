"""Keras's ``keras.models``: Sequential, Model, load_model, save_model, model_from_json."""
import json

from .engine.input_layer import InputLayer  # noqa: F401
from .engine.sequential import Sequential  # noqa: F401
from .engine.training import Model  # noqa: F401
from .engine import Input  # noqa: F401
from .saving.hdf5_format import load_model as _load_model, model_from_config  # noqa: F401


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Save ``model`` to a Keras ``.h5`` file (see :meth:`Model.save`)."""
    model.save(filepath, overwrite=overwrite, include_optimizer=include_optimizer)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True, original_backend=None):
    """Load a model from a Keras ``.h5`` file written by Keras 1, Keras 2, tf.keras, Keras 3 or torkeras.

    Args:
        filepath: path of the ``.h5`` file.
        custom_objects: dict name -> class/function for objects not in the registries.
        compile: compile with the saved training config (and restore the optimizer state).
        safe_mode: refuse Lambda layers stored as Python bytecode unless False.
        original_backend: 'tensorflow', 'theano' or 'cntk': the backend that trained the model,
            for files that do not record it (Keras 1); 'theano' flips the convolution kernels.

    Example:
        >>> model = load_model('my_model.h5')
    """
    return _load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode,
                       original_backend=original_backend)


def model_from_json(json_string, custom_objects=None):
    """Instantiate a model from the JSON string made by ``model.to_json()``."""
    try:
        config = json.loads(json_string)
    except ValueError as e:
        raise ValueError("model_from_json: the string is not valid JSON (%s)." % (e,))
    return model_from_config(config, custom_objects=custom_objects)


def model_from_yaml(yaml_string, custom_objects=None):
    """Instantiate a model from the YAML made by ``model.to_yaml()`` (Keras 2 or torkeras).

    Read with PyYAML's safe loader, so a YAML document cannot construct Python objects; the one
    Python tag Keras 2's ``to_yaml`` wrote (``!!python/tuple``, for shapes) is read as a list.

    Example:
        >>> model = model_from_yaml(open('model.yaml').read())
    """
    try:
        import yaml
    except ImportError:
        raise ImportError("model_from_yaml requires PyYAML: `pip install pyyaml`.")

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_constructor("tag:yaml.org,2002:python/tuple",
                            lambda loader, node: loader.construct_sequence(node, deep=True))
    try:
        config = yaml.load(yaml_string, Loader=_Loader)
    except yaml.YAMLError as e:
        raise ValueError("model_from_yaml: the string is not YAML that the safe loader reads (%s). "
                         "Only plain data (and !!python/tuple) is accepted." % (e,))
    return model_from_config(config, custom_objects=custom_objects)
