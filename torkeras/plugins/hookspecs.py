"""The hooks a torkeras plugin may implement.

A plugin is a module (or any object) whose functions are marked with :data:`hookimpl` and named
after the hooks below. torkeras's own objects are registered through the same hooks, by the
built-in plugin ``torkeras`` (:mod:`torkeras.plugins.builtin`).

Every ``register_*`` hook receives one argument, a ``register`` callback::

    register(obj, name=None, aliases=())

``name`` defaults to ``obj.__name__``; ``aliases`` are extra names for the same object (Keras
spells some objects several ways: ``'mse'`` and ``'mean_squared_error'``). The callback records
which plugin registered each name, so a name that is already taken raises
:class:`torkeras.errors.RegistrationError` naming both plugins.

Call a hook by keyword, as pluggy requires::

    torkeras.plugins.hook().upgrade_layer_config(
        class_name="Swish", config={...}, keras_version="2.2.4")

Example:
    >>> from torkeras.plugins import hookimpl
    >>> @hookimpl
    ... def register_activations(register):
    ...     register(my_swish, name="swish")
"""
import pluggy

PROJECT = "torkeras"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_layers(register):
    """Register layer classes (``Layer`` subclasses), looked up by ``class_name`` in configs.

    Args:
        register: ``register(cls, name=None, aliases=())``; ``name`` defaults to ``cls.__name__``,
            the ``class_name`` that ``get_config`` envelopes and ``.h5`` files carry.

    Example:
        >>> @hookimpl
        ... def register_layers(register):
        ...     register(Swish)
    """


@hookspec
def register_losses(register):
    """Register loss functions ``fn(y_true, y_pred) -> per-sample loss`` (or loss classes).

    Args:
        register: ``register(fn, name=None, aliases=())``, e.g. ``register(smooth_l1)`` makes
            ``model.compile(loss='smooth_l1')`` work.
    """


@hookspec
def register_optimizers(register):
    """Register optimizer classes, resolved by ``model.compile(optimizer='name')`` and configs.

    Args:
        register: ``register(cls, name=None, aliases=())``; Keras registers each optimizer under
            its class name and a lower-case alias (``'SGD'``, ``'sgd'``).
    """


@hookspec
def register_initializers(register):
    """Register initializer classes or functions (``kernel_initializer='name'``).

    Args:
        register: ``register(obj, name=None, aliases=())``.
    """


@hookspec
def register_activations(register):
    """Register activation functions ``fn(x) -> tensor`` (``activation='name'``).

    Args:
        register: ``register(fn, name=None, aliases=())``.
    """


@hookspec
def register_metrics(register):
    """Register metric functions ``fn(y_true, y_pred) -> tensor`` (``metrics=['name']``).

    Args:
        register: ``register(fn, name=None, aliases=())``.
    """


@hookspec
def register_callbacks(register):
    """Register ``Callback`` subclasses, so configs and the command line can name them.

    Args:
        register: ``register(cls, name=None, aliases=())``.
    """


@hookspec
def register_regularizers(register):
    """Register regularizer classes or functions (``kernel_regularizer='name'``).

    Args:
        register: ``register(obj, name=None, aliases=())``.
    """


@hookspec
def register_constraints(register):
    """Register constraint classes or functions (``kernel_constraint='name'``).

    Args:
        register: ``register(obj, name=None, aliases=())``.
    """


@hookspec(firstresult=True)
def upgrade_layer_config(class_name, config, keras_version):
    """Translate a layer config read from a model file into one the plugin's layers accept.

    The file reader calls this for every layer, before looking ``class_name`` up in the layer
    registry, with the config as stored in the file. The first plugin that returns something
    wins; return ``None`` for layers you do not know. Never change ``config`` in place.

    Args:
        class_name: the ``class_name`` stored in the file (e.g. ``'SwishBeta'``, an old name).
        config: the layer's ``config`` dict as stored in the file.
        keras_version: the ``keras_version`` attribute of the file (e.g. ``'2.2.4'``,
            ``'1.2.2'``), or ``None`` when the file does not say.

    Returns:
        ``(class_name, config)`` to use instead, or ``None`` to leave the layer alone.

    Example:
        >>> @hookimpl
        ... def upgrade_layer_config(class_name, config, keras_version):
        ...     if class_name == "SwishBeta":          # the name used by version 0.0.x
        ...         config = dict(config)
        ...         config["beta"] = config.pop("b")
        ...         return "Swish", config
        ...     return None
    """
