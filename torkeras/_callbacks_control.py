"""Built-in callbacks that act on training from the monitored metrics: ``ModelCheckpoint``,
``EarlyStopping``, ``LearningRateScheduler`` and ``ReduceLROnPlateau``.

Private module: the public home of these names is :mod:`torkeras.callbacks`.
"""
import inspect
import warnings

import numpy as np
import torch

from . import backend as K
from ._callback_base import (Callback, _as_path, _check_mode, _epoch_value, _lr_value,
                             _monitored)
from .utils._progbar import to_float


class ModelCheckpoint(Callback):
    """Saves the model after every epoch.

    ``filepath`` may hold format fields filled with the epoch number (from 1) and the epoch logs,
    e.g. ``weights.{epoch:02d}-{val_loss:.2f}.hdf5``.

    Args:
        filepath: path of the file to write.
        monitor: quantity watched when ``save_best_only``.
        verbose: 0 or 1 (a message per epoch).
        save_best_only: only save when the monitored quantity improved.
        save_weights_only: ``model.save_weights(filepath)`` instead of ``model.save(filepath)``.
        mode: ``'auto'``, ``'min'`` or ``'max'``; ``'auto'`` maximises names containing ``'acc'``
            or starting with ``'fmeasure'`` and minimises the rest.
        period: number of epochs between checkpoints.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", period=1):
        super(ModelCheckpoint, self).__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = _as_path(filepath, "ModelCheckpoint")
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.period = period
        self.epochs_since_last_save = 0
        mode = _check_mode("ModelCheckpoint", mode)
        if mode == "max" or (mode == "auto" and ("acc" in monitor or monitor.startswith("fmeasure"))):
            self.monitor_op = np.greater
            self.best = -np.inf
        else:
            self.monitor_op = np.less
            self.best = np.inf

    def _save(self, filepath):
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        self.epochs_since_last_save += 1
        if self.epochs_since_last_save < self.period:
            return
        self.epochs_since_last_save = 0
        filepath = self.filepath.format(epoch=epoch + 1, **{k: _epoch_value(v) for k, v in logs.items()})
        if not self.save_best_only:
            if self.verbose > 0:
                print("\nEpoch %05d: saving model to %s" % (epoch + 1, filepath))
            self._save(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn("Can save best model only with %s available, skipping." % (self.monitor,),
                          RuntimeWarning)
            return
        current = to_float(current)
        if self.monitor_op(current, self.best):
            if self.verbose > 0:
                print("\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s"
                      % (epoch + 1, self.monitor, self.best, current, filepath))
            self.best = current
            self._save(filepath)
        elif self.verbose > 0:
            print("\nEpoch %05d: %s did not improve from %0.5f" % (epoch + 1, self.monitor, self.best))


class EarlyStopping(Callback):
    """Stops training when a monitored quantity has stopped improving.

    Args:
        monitor: quantity to watch.
        min_delta: smallest change that counts as an improvement.
        patience: number of epochs without improvement after which training stops.
        verbose: verbosity mode.
        mode: ``'auto'``, ``'min'`` or ``'max'``; ``'auto'`` maximises names containing ``'acc'``.
        baseline: value the quantity must improve on; training stops if it does not.
        restore_best_weights: when stopping, put back the weights of the best epoch
            (``model.get_weights()``/``set_weights()``).
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False):
        super(EarlyStopping, self).__init__()
        self.monitor = monitor
        self.baseline = baseline
        self.patience = patience
        self.verbose = verbose
        self.min_delta = min_delta
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        mode = _check_mode("EarlyStopping", mode)
        if mode == "max" or (mode == "auto" and "acc" in monitor):
            self.monitor_op = np.greater
        else:
            self.monitor_op = np.less
            self.min_delta = -self.min_delta
        self.best = self._initial_best()

    def _initial_best(self):
        if self.baseline is not None:
            return self.baseline
        return np.inf if self.monitor_op is np.less else -np.inf

    def on_train_begin(self, logs=None):
        # Instances can be re-used across fits.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = self._initial_best()

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs or {})
        if current is None:
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose > 0:
                    print("Restoring model weights from the end of the best epoch")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print("Epoch %05d: early stopping" % (self.stopped_epoch + 1))

    def get_monitor_value(self, logs):
        return _monitored(logs, self.monitor, "Early stopping")


def _schedule_arity(schedule):
    """2 if ``schedule`` accepts (epoch, lr), 1 if only (epoch), None if it cannot be told."""
    try:
        sig = inspect.signature(schedule)
    except (TypeError, ValueError):
        return None
    positional = 0
    for p in sig.parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            return 2
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional += 1
    return 2 if positional >= 2 else 1


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch from a schedule.

    Args:
        schedule: function ``schedule(epoch, lr) -> new_lr`` (or the older ``schedule(epoch)``),
            with ``epoch`` counted from 0 and ``lr`` the current rate; it must return a float.
        verbose: 0 (quiet) or 1 (a message per epoch).

    Example:
        >>> LearningRateScheduler(lambda epoch, lr: lr * 0.9 if epoch else lr)
    """

    def __init__(self, schedule, verbose=0):
        super(LearningRateScheduler, self).__init__()
        if not callable(schedule):
            raise TypeError("LearningRateScheduler: `schedule` must be a function of (epoch, lr) "
                            "or (epoch). Received: %r" % (schedule,))
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "lr"):
            raise ValueError('Optimizer must have a "lr" attribute.')
        lr = float(_lr_value(self.model))
        arity = _schedule_arity(self.schedule)
        if arity == 2:
            lr = self.schedule(epoch, lr)
        elif arity == 1:
            lr = self.schedule(epoch)
        else:
            try:
                lr = self.schedule(epoch, lr)
            except TypeError:
                lr = self.schedule(epoch)
        if isinstance(lr, torch.Tensor) and lr.numel() == 1 and lr.dtype.is_floating_point:
            lr = float(lr.detach())
        if not isinstance(lr, (float, np.floating)):
            raise ValueError('The output of the "schedule" function should be float. Received: %r '
                             '(%s)' % (lr, type(lr).__name__))
        K.set_value(self.model.optimizer.lr, lr)
        if self.verbose > 0:
            print("\nEpoch %05d: LearningRateScheduler setting learning rate to %s." % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["lr"] = _lr_value(self.model)


class ReduceLROnPlateau(Callback):
    """Reduces the learning rate when a metric has stopped improving.

    Args:
        monitor: quantity to watch.
        factor: the new rate is ``lr * factor`` (must be < 1).
        patience: number of epochs without improvement before the rate is reduced.
        verbose: 0 (quiet) or 1 (a message when the rate changes).
        mode: ``'auto'``, ``'min'`` or ``'max'``; ``'auto'`` maximises names containing ``'acc'``.
        min_delta: threshold for measuring a new optimum.
        cooldown: number of epochs to wait after a reduction before counting again.
        min_lr: lower bound of the rate.
        epsilon: Keras-1/2.0 spelling of ``min_delta`` (warns; it takes precedence as in Keras).

    Example:
        >>> ReduceLROnPlateau(monitor='val_loss', factor=0.2, patience=5, min_lr=0.001)
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        super(ReduceLROnPlateau, self).__init__()
        self.monitor = monitor
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0. Received: factor=%r"
                             % (factor,))
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            warnings.warn("`epsilon` argument is deprecated and will be removed, use `min_delta` "
                          "instead.", stacklevel=2)
        if kwargs:
            raise TypeError("ReduceLROnPlateau got unexpected keyword arguments: %s"
                            % (", ".join(sorted(kwargs)),))
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0
        self.mode = _check_mode("Learning Rate Plateau Reducing", mode)
        self.monitor_op = None
        self._reset()

    def _reset(self):
        """Resets the wait and cooldown counters."""
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["lr"] = _lr_value(self.model)
        current = _monitored(logs, self.monitor, "Reduce LR on plateau")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(_lr_value(self.model))
                if old_lr > self.min_lr:
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    K.set_value(self.model.optimizer.lr, new_lr)
                    if self.verbose > 0:
                        print("\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s."
                              % (epoch + 1, new_lr))
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
