"""Draw a model's graph with pydot and GraphViz (``keras.utils.vis_utils``, Keras 2.2.4).

pydot is imported when a function runs, never at import time. :func:`model_to_dot` needs only
pydot (it builds the graph; nothing is rendered); :func:`plot_model` also runs GraphViz's ``dot``
program to write the file. Missing pydot raises ``ImportError`` and missing GraphViz ``OSError``
(Keras 2.2.4's error types), each saying what to install.

Graph content as in Keras 2.2.4: one ``record`` node per layer labelled ``name: ClassName``
(``name(inner): Wrapper(Inner)`` for wrappers), with input/output shapes when ``show_shapes``; one
edge per connection inside the model. A Sequential model also gets a node for its input (Keras
2.2.4 drew that edge from an unlabelled node).

Example:
    >>> from torkeras.utils import plot_model
    >>> plot_model(model, to_file='model.png', show_shapes=True)
"""
import os

__all__ = ["model_to_dot", "plot_model"]

_RANKDIRS = ("TB", "LR", "BT", "RL")


def _import_pydot():
    try:
        import pydot
    except ImportError as e:
        raise ImportError("Failed to import `pydot` (%s). model_to_dot and plot_model need it: "
                          "`pip install pydot`; plot_model also needs GraphViz (https://graphviz.org, "
                          "e.g. `apt-get install graphviz`)." % (e,))
    return pydot


def _check_graphviz(pydot):
    try:
        pydot.Dot.create(pydot.Dot())
    except OSError as e:
        raise OSError("`pydot` failed to call GraphViz (%s). Please install GraphViz "
                      "(https://graphviz.org, e.g. `apt-get install graphviz` or `brew install "
                      "graphviz`) and make sure its `dot` program is on the $PATH." % (e,))


def _shape_text(get):
    try:
        return str(get())
    except AttributeError:
        return "multiple"


def _layer_label(layer, show_shapes, show_layer_names):
    from ..layers.wrappers import Wrapper
    name, class_name = layer.name, type(layer).__name__
    if isinstance(layer, Wrapper):
        name = "%s(%s)" % (name, layer.layer.name)
        class_name = "%s(%s)" % (class_name, type(layer.layer).__name__)
    label = "%s: %s" % (name, class_name) if show_layer_names else class_name
    if show_shapes:
        label = "%s\n|{input:|output:}|{{%s}|{%s}}" % (
            label, _shape_text(lambda: layer.input_shape), _shape_text(lambda: layer.output_shape))
    return label


def model_graph(model, show_shapes=False, show_layer_names=True):
    """The graph :func:`model_to_dot` draws, as plain data.

    Args:
        model: a built model.
        show_shapes: add input/output shapes to the labels.
        show_layer_names: start labels with the layer name.

    Returns:
        ``(nodes, edges)``: ``nodes`` is a list of ``(node_id, label)`` in ``model.layers`` order,
        ``edges`` a list of ``(from_id, to_id)``.

    Example:
        >>> nodes, edges = model_graph(model)
    """
    from ..engine.sequential import Sequential
    if isinstance(model, Sequential):
        if not model.built:
            model.build()
        return _sequential_graph(model, show_shapes, show_layer_names)
    if not getattr(model, "_is_graph_network", False):
        raise ValueError("model_to_dot: %r is not a built graph model (no layers to draw). Build it "
                         "first, e.g. by calling it on Input tensors." % (getattr(model, "name", model),))
    nodes = [(str(id(layer)), _layer_label(layer, show_shapes, show_layer_names))
             for layer in model.layers]
    edges = []
    for layer in model.layers:
        for i, node in enumerate(layer._inbound_nodes):
            if "%s_ib-%d" % (layer.name, i) not in model._network_nodes:
                continue   # a call of this layer in another model
            edges.extend((str(id(inbound)), str(id(layer))) for inbound in node.inbound_layers)
    return nodes, edges


def _sequential_graph(model, show_shapes, show_layer_names):
    shape = model._input_batch_shape
    input_name = model._input_layer_name or (model.layers[0].name + "_input")
    label = "%s: InputLayer" % input_name if show_layer_names else "InputLayer"
    if show_shapes:
        label = "%s\n|{input:|output:}|{{%s}|{%s}}" % (label, shape, shape)
    nodes = [(input_name, label)]
    nodes.extend((str(id(layer)), _layer_label(layer, show_shapes, show_layer_names))
                 for layer in model.layers)
    ids = [n for n, _ in nodes]
    return nodes, list(zip(ids[:-1], ids[1:]))


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir="TB"):
    """Convert a model to a ``pydot.Dot`` graph.

    Args:
        model: a built model.
        show_shapes: whether to display input/output shapes.
        show_layer_names: whether to display layer names.
        rankdir: ``'TB'`` (vertical) or ``'LR'`` (horizontal); ``'BT'``/``'RL'`` also work.

    Returns:
        A ``pydot.Dot``.

    Raises:
        ImportError: pydot is not installed.
        ValueError: an unknown ``rankdir``.

    Example:
        >>> print(model_to_dot(model, show_shapes=True).to_string())
    """
    if rankdir not in _RANKDIRS:
        raise ValueError("model_to_dot: `rankdir` must be one of %s. Received: rankdir=%r"
                         % (", ".join(repr(r) for r in _RANKDIRS), rankdir))
    pydot = _import_pydot()
    nodes, edges = model_graph(model, show_shapes, show_layer_names)
    dot = pydot.Dot()
    dot.set("rankdir", rankdir)
    dot.set("concentrate", True)
    dot.set_node_defaults(shape="record")
    for node_id, label in nodes:
        dot.add_node(pydot.Node(node_id, label=label))
    for src, dst in edges:
        dot.add_edge(pydot.Edge(src, dst))
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_layer_names=True, rankdir="TB"):
    """Draw a model to an image file with GraphViz.

    Args:
        model: a built model.
        to_file: output file; its extension picks the format (``.png`` when there is none).
        show_shapes: whether to display input/output shapes.
        show_layer_names: whether to display layer names.
        rankdir: ``'TB'`` (vertical) or ``'LR'`` (horizontal).

    Raises:
        ImportError: pydot is not installed.
        OSError: GraphViz is not installed.

    Example:
        >>> plot_model(model, to_file='model.png', show_shapes=True)
    """
    dot = model_to_dot(model, show_shapes, show_layer_names, rankdir)
    _check_graphviz(_import_pydot())
    extension = os.path.splitext(to_file)[1][1:] or "png"
    directory = os.path.dirname(os.path.abspath(to_file))
    tmp = os.path.join(directory, ".%s.tmp-%d" % (os.path.basename(to_file), os.getpid()))
    try:
        dot.write(tmp, format=extension)
        os.replace(tmp, to_file)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
