"""Backend random functions (seeded as Keras: a ``seed`` gives the same values on every call)."""
import math

import torch

from ._ops_math import _torch_dtype

__all__ = ["random_normal", "random_uniform", "truncated_normal", "random_binomial"]


def _random_setup(shape, dtype, seed, device):
    """Shape tuple, (sampling dtype, result dtype), device and generator for the random functions."""
    shape = tuple(int(d) for d in shape)
    dtype = _torch_dtype(dtype)
    if device is None:
        from .device import get_device
        device = get_device()
    device = torch.device(device)
    generator = None
    if seed is not None:
        generator = torch.Generator(device=device)
        generator.manual_seed(int(seed))
    # half-precision samples are drawn in float32 and rounded (erfinv and friends need float32).
    sample_dtype = dtype if dtype in (torch.float32, torch.float64) else torch.float32
    return shape, sample_dtype, dtype, device, generator


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, device=None):
    """A tensor of normal samples. ``seed`` gives the same values on every call; without it the
    global torch RNG is used (``torch.manual_seed`` reproduces runs).

    ``device`` defaults to the backend's current device.
    """
    shape, sdt, dt, device, gen = _random_setup(shape, dtype, seed, device)
    out = torch.empty(shape, dtype=sdt, device=device)
    out.normal_(float(mean), float(stddev), generator=gen)
    return out.to(dt)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None, device=None):
    """A tensor of samples uniform in ``[minval, maxval)`` (see :func:`random_normal` for seeds)."""
    shape, sdt, dt, device, gen = _random_setup(shape, dtype, seed, device)
    out = torch.empty(shape, dtype=sdt, device=device)
    out.uniform_(float(minval), float(maxval), generator=gen)
    return out.to(dt)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, device=None):
    """Normal samples restricted to ``mean +- 2 * stddev`` (TF's truncated normal: the std of the
    result is about ``0.8796 * stddev``). See :func:`random_normal` for seeds and devices."""
    shape, sdt, dt, device, gen = _random_setup(shape, dtype, seed, device)
    mean, stddev = float(mean), float(stddev)
    if stddev == 0.0:
        return torch.full(shape, mean, dtype=dt, device=device)
    # Inverse CDF of the standard normal restricted to [-2, 2]: the distribution TF's redrawing
    # gives, in one pass (redrawing took most of the build time of large models).
    lo = 0.5 * (1.0 + math.erf(-2.0 / math.sqrt(2.0)))
    u = torch.empty(shape, dtype=sdt, device=device).uniform_(lo, 1.0 - lo, generator=gen)
    out = torch.erfinv(u.mul_(2.0).sub_(1.0)).mul_(math.sqrt(2.0)).clamp_(-2.0, 2.0)
    return (out * stddev + mean).to(dt)


def random_binomial(shape, p=0.0, dtype=None, seed=None, device=None):
    """A tensor of 0/1 values, 1 with probability ``p`` (``uniform <= p``, as Keras)."""
    shape, sdt, dt, device, gen = _random_setup(shape, dtype, seed, device)
    u = torch.empty(shape, dtype=sdt, device=device).uniform_(0.0, 1.0, generator=gen)
    return (u <= p).to(dt)
