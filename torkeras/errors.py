"""Exceptions raised by torkeras.

Each error also subclasses the builtin exception Keras raised in the same situation, so
``except ValueError`` in old scripts keeps working.
"""


class TorkerasError(Exception):
    """Base class of every torkeras error."""


class UnknownObjectError(TorkerasError, ValueError):
    """A name (layer, loss, optimizer, ...) could not be resolved."""


class RegistrationError(TorkerasError, ValueError):
    """A registry refused a registration (usually: the name is taken)."""


class HDF5FormatError(TorkerasError, ValueError):
    """An ``.h5`` file is not in a layout torkeras can read, or is corrupt."""


class DeviceError(TorkerasError, RuntimeError):
    """A device request cannot be met (e.g. CUDA asked for, none present)."""


class LegacyArgumentError(TorkerasError, TypeError):
    """A Keras-1 spelling cannot be translated exactly, or clashes with its Keras-2 name."""


class PluginError(TorkerasError, RuntimeError):
    """A plugin is malformed (e.g. implements a hook that does not exist)."""


class DownloadError(TorkerasError, OSError):
    """A file could not be fetched from its origin (offline, HTTP error, bad hash)."""
