"""Keras's ``keras.models``: Sequential, Model, load_model, save_model, model_from_json."""
import json

from .engine.input_layer import InputLayer  # noqa: F401
from .engine.sequential import Sequential  # noqa: F401
from .engine.training import Model  # noqa: F401
from .engine import Input  # noqa: F401
from .saving.hdf5_format import load_model as _load_model, model_from_config  # noqa: F401
from .engine.base_layer import Layer  # noqa: F401
from .engine.network import Node  # noqa: F401
from .utils.layer_utils import get_source_inputs  # noqa: F401
from .utils.generic_utils import to_list as _to_list
from .legacy.layers import Merge  # noqa: F401  (Keras 1 / 2.0-2.1 exported it here)
from .legacy.objects import optimizer_from_config  # noqa: F401  (Keras 1 name)


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


def _clone_layer(layer):
    """A new layer of the same class from ``layer``'s config (new weights)."""
    from .engine.network import Network
    if isinstance(layer, Network):
        custom = {type(l).__name__: type(l) for l in _all_layers(layer)}
        return layer.__class__.from_config(layer.get_config(), custom_objects=custom)
    return layer.__class__.from_config(layer.get_config())


def _all_layers(model):
    out = []
    for layer in model.layers:
        out.append(layer)
        if hasattr(layer, "layers") and isinstance(layer, Model):
            out.extend(_all_layers(layer))
    return out


def _clone_sequential_model(model, input_tensors=None):
    configs = model.get_config()["layers"] if model.layers else []
    # the first config carries the model's input shape (InputLayer included), as Sequential writes it
    layers = [layer.__class__.from_config(cfg["config"]) for layer, cfg in zip(model.layers, configs)]
    if input_tensors is None:
        return Sequential(layers=layers, name=model.name)
    tensors = _to_list(input_tensors, allow_tuple=True)
    if len(tensors) != 1:
        raise ValueError("To clone a `Sequential` model, we expect at most one tensor as part of "
                         "`input_tensors`. Received %d." % (len(tensors),))
    x = tensors[0]
    origin = getattr(x, "_keras_history", (None,))[0]
    if origin is None:
        raise ValueError("clone_model: `input_tensors` must be Keras tensors made with "
                         "`torkeras.layers.Input` (torkeras has no symbolic backend tensors to wrap). "
                         "Received: %r" % (x,))
    if not isinstance(origin, InputLayer):
        raise ValueError("Cannot clone a `Sequential` model on top of a tensor that comes from a Keras "
                         "layer other than an `InputLayer` (%r). Use the functional API instead."
                         % (origin.name,))
    return Sequential(layers=[origin] + layers, name=model.name)


def _clone_functional_model(model, input_tensors=None):
    if not isinstance(model, Model) or not model._is_graph_network:
        raise ValueError("Expected `model` argument to be a functional `Model` instance, got %r."
                         % (model,))
    if input_tensors is None:
        input_tensors = [Input(batch_shape=layer.batch_input_shape, dtype=layer.dtype, name=layer.name)
                         for layer in model.input_layers]
    else:
        input_tensors = _to_list(input_tensors, allow_tuple=True)
        if len(input_tensors) != len(model.inputs):
            raise ValueError("clone_model: the model has %d input(s); `input_tensors` has %d."
                             % (len(model.inputs), len(input_tensors)))
        for i, x in enumerate(input_tensors):
            if not hasattr(x, "_keras_history"):
                raise ValueError("clone_model: input_tensors[%d] must be a Keras tensor (from "
                                 "`torkeras.layers.Input` or a layer call); torkeras cannot wrap %r "
                                 "in an InputLayer." % (i, x))
    tensor_map = {id(x): y for x, y in zip(model.inputs, input_tensors)}
    layer_map = {}
    for depth in sorted(model._nodes_by_depth, reverse=True):
        for node in model._nodes_by_depth[depth]:
            layer = node.outbound_layer
            if isinstance(layer, InputLayer):
                continue
            if layer not in layer_map:
                layer_map[layer] = _clone_layer(layer)
            if not all(id(x) in tensor_map for x in node.input_tensors):
                continue
            computed = [tensor_map[id(x)] for x in node.input_tensors]
            output = layer_map[layer](computed[0] if len(computed) == 1 else computed,
                                      **dict(node.arguments or {}))
            for x, y in zip(node.output_tensors, _to_list(output, allow_tuple=True)):
                tensor_map[id(x)] = y
    outputs = [tensor_map[id(x)] for x in model.outputs]
    return Model(input_tensors if len(input_tensors) > 1 else input_tensors[0],
                 outputs if len(outputs) > 1 else outputs[0], name=model.name)


def clone_model(model, input_tensors=None):
    """A new model with the same architecture as ``model`` and newly initialized weights.

    Every layer is re-created from its config (shared layers once, and reused as in the original);
    a ``Sequential`` model gives a ``Sequential`` one, a functional model a functional one. Weights
    are not copied: use ``clone.set_weights(model.get_weights())`` for that.

    Args:
        model: a ``Sequential`` or functional ``Model``.
        input_tensors: optional Keras tensors (from ``Input``) to build the clone on, one per model
            input (at most one for ``Sequential``); default: new ``Input``s like the model's.

    Returns:
        The new model.

    Example:
        >>> twin = clone_model(model)
        >>> twin.set_weights(model.get_weights())
    """
    if isinstance(model, Sequential):
        return _clone_sequential_model(model, input_tensors=input_tensors)
    return _clone_functional_model(model, input_tensors=input_tensors)
