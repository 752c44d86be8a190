"""``python -m torkeras convert``: a Keras ``.h5`` file as a plain PyTorch checkpoint.

The checkpoint is ``torch.save`` of a dict holding tensors and strings only, so
``torch.load(path, weights_only=True)`` reads it without unpickling any class::

    {"state_dict": model.state_dict(),      # torch parameter and buffer names
     "config": model.to_json(),             # the architecture, Keras 2.2.4 JSON
     "keras_version": "2.2.4", "torkeras_version": "0.1.0"}

:func:`load_checkpoint` rebuilds the model from it.
"""
import os
import tempfile

import torch

from .. import __version__
from ..errors import HDF5FormatError


def _model_from_file(filepath, config_path, custom_objects, safe_mode):
    from . import hdf5_format
    from ..models import model_from_json
    info = hdf5_format.describe_file(filepath)
    if info["model_config"] is not None:
        return hdf5_format.load_model(filepath, custom_objects=custom_objects, compile=False,
                                      safe_mode=safe_mode), info
    if config_path is None:
        raise HDF5FormatError(
            "%r holds weights only (no model_config), so the model cannot be rebuilt from it. Pass "
            "the architecture as JSON: `python -m torkeras convert %s OUT.pt --config model.json`, "
            "where model.json holds `model.to_json()` of the model that saved the weights."
            % (filepath, filepath))
    with open(config_path) as fh:
        model = model_from_json(fh.read(), custom_objects=custom_objects)
    model.load_weights(filepath)
    return model, info


def convert_file(filepath, out_path, config_path=None, custom_objects=None, safe_mode=True):
    """Write ``filepath``'s model as a plain PyTorch checkpoint at ``out_path``, atomically.

    Args:
        filepath: a Keras ``.h5`` file (full model; or weights only with ``config_path``).
        out_path: the checkpoint to write (usually ``.pt``).
        config_path: for weights-only files, a JSON file holding ``model.to_json()``.
        custom_objects: as for ``load_model``.
        safe_mode: as for ``load_model`` (False allows Lambda bytecode from a trusted file).

    Returns:
        the checkpoint dict that was written.

    Example:
        >>> convert_file("model.h5", "model.pt")["keras_version"]
        '2.2.4'
    """
    model, info = _model_from_file(os.fspath(filepath), config_path, custom_objects, safe_mode)
    checkpoint = {
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "config": model.to_json(),
        "keras_version": info["keras_version"],
        "torkeras_version": __version__,
    }
    out_path = os.fspath(out_path)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(out_path)),
                               prefix="." + os.path.basename(out_path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(checkpoint, fh)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it private; a plain file's mode instead
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return checkpoint


def load_checkpoint(path, custom_objects=None):
    """The model of a checkpoint written by :func:`convert_file` (read with ``weights_only=True``).

    Example:
        >>> model = load_checkpoint("model.pt")
    """
    from ..models import model_from_json
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model = model_from_json(checkpoint["config"], custom_objects=custom_objects)
    model.load_state_dict(checkpoint["state_dict"])
    return model
