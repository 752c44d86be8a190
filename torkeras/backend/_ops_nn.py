"""Backend neural-network functions: activations, losses, normalization, dropout and CTC (Keras 2.2.4
TF-backend semantics over torch). Convolution and pooling are in :mod:`._ops_conv`."""
import torch
import torch.nn.functional as F

from ._ctc_beam import ctc_beam_decode, dense_paths
from .config import epsilon, normalize_data_format

__all__ = [
    "softmax", "relu", "sigmoid", "hard_sigmoid", "tanh", "elu", "selu", "softplus", "softsign",
    "l2_normalize", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "binary_crossentropy", "in_top_k", "dropout", "bias_add", "ctc_batch_cost", "ctc_decode",
]


def softmax(x, axis=-1):
    return torch.softmax(x, dim=axis)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras 2.2.4's options (TF backend order of operations).

    ``x`` above ``threshold`` passes, the rest becomes ``alpha * (x - threshold)``; when ``max_value``
    is given the positive part is clipped to ``[0, max_value]`` before the negative part is added.
    """
    if alpha == 0.0 and max_value is None and threshold == 0.0:
        return torch.relu(x)
    if alpha != 0.0 and max_value is None and threshold == 0.0:
        return F.leaky_relu(x, alpha)
    if threshold != 0.0:
        out = torch.where(x > threshold, x, torch.zeros_like(x))
    else:
        out = torch.relu(x)
    if max_value is not None:
        out = torch.clamp(out, 0.0, max_value)
    if alpha != 0.0:
        out = out - alpha * torch.relu(threshold - x)
    return out


def sigmoid(x):
    return torch.sigmoid(x)


def hard_sigmoid(x):
    """Keras 1/2 hard sigmoid: clip(0.2 * x + 0.5, 0, 1) (not torch's slope 1/6)."""
    return torch.clamp(x * 0.2 + 0.5, 0.0, 1.0)


def tanh(x):
    return torch.tanh(x)


def elu(x, alpha=1.0):
    return F.elu(x, alpha=alpha)


def selu(x):
    return torch.selu(x)


def softplus(x):
    return F.softplus(x)


def softsign(x):
    return F.softsign(x)


def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x ** 2, axis), 1e-12))`` (``tf.nn.l2_normalize``)."""
    if axis is None:
        square_sum = torch.sum(torch.square(x))
    else:
        square_sum = torch.sum(torch.square(x), dim=axis, keepdim=True)
    return x * torch.rsqrt(torch.clamp(square_sum, min=1e-12))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Keras 2.2.4 TF backend: renormalise, clip to [eps, 1-eps], -sum(target * log(output))."""
    if from_logits:
        return -torch.sum(target * torch.log_softmax(output, dim=axis), dim=axis)
    output = output / torch.sum(output, dim=axis, keepdim=True)
    eps = epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    return -torch.sum(target * torch.log(output), dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Keras 2.2.4 TF backend: log of clipped probabilities fed to softmax cross-entropy."""
    if axis != -1 and axis != output.dim() - 1:
        output = output.movedim(axis, -1)
    if not from_logits:
        eps = epsilon()
        output = torch.log(torch.clamp(output, eps, 1.0 - eps))
    logp = torch.log_softmax(output, dim=-1)
    target = target.reshape(logp.shape[:-1]).long()
    return -torch.gather(logp, -1, target.unsqueeze(-1)).squeeze(-1)


def binary_crossentropy(target, output, from_logits=False):
    """Keras 2.2.4 TF backend: clip, convert to logits, sigmoid cross-entropy with logits.

    A saturated prediction costs ``-log(1e-7)`` (about 16.1), not torch's ``BCELoss`` cap of 100.
    """
    if not from_logits:
        eps = epsilon()
        output = torch.clamp(output, eps, 1.0 - eps)
        output = torch.log(output / (1.0 - output))
    if target.dtype != output.dtype:
        target = target.to(output.dtype)
    # max(x, 0) - x * z + log(1 + exp(-|x|)), as one fused torch kernel.
    return F.binary_cross_entropy_with_logits(output, target, reduction="none")


def in_top_k(predictions, targets, k):
    """Whether ``predictions[..., targets]`` is among the ``k`` largest values of its row.

    TF semantics: classes tied with the k-th value all count as in the top k, and a non-finite
    prediction for the target is never in the top k.

    Args:
        predictions: float tensor ``(..., classes)``.
        targets: integer class indices, shape ``predictions.shape[:-1]``.
        k: number of top elements to consider.

    Returns:
        A bool tensor of shape ``predictions.shape[:-1]``.
    """
    targets = targets.reshape(predictions.shape[:-1]).long()
    target_values = torch.gather(predictions, -1, targets.unsqueeze(-1))
    n_larger = torch.sum(predictions > target_values, dim=-1)
    return (n_larger < k) & torch.isfinite(target_values.squeeze(-1))


def dropout(x, level, noise_shape=None, seed=None):
    """Zero entries of ``x`` with probability ``level`` and scale the rest by ``1 / (1 - level)``.

    Args:
        x: tensor.
        level: fraction of entries to drop, in ``[0, 1)``.
        noise_shape: shape of the keep/drop mask, broadcast against ``x`` (None: ``x.shape``).
        seed: int; the same seed gives the same mask.
    """
    if not 0.0 <= level < 1.0:
        raise ValueError("dropout: `level` must be in [0, 1). Received level=%r" % (level,))
    retain = 1.0 - level
    shape = tuple(x.shape) if noise_shape is None else tuple(
        x.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
    gen = None
    if seed is not None:
        gen = torch.Generator(device=x.device)
        gen.manual_seed(int(seed))
    u = torch.empty(shape, dtype=x.dtype, device=x.device).uniform_(0.0, 1.0, generator=gen)
    return x * (u < retain).to(x.dtype) / retain


def bias_add(x, bias, data_format=None):
    """Add ``bias`` (``(channels,)`` or ``x.shape[1:]``) on the channel axis of ``x``."""
    data_format = normalize_data_format(data_format)
    if bias.dim() != 1 and bias.dim() != x.dim() - 1:
        raise ValueError("bias_add: unexpected bias dimensions %d; expected 1 or %d (ndim(x) - 1)."
                         % (bias.dim(), x.dim() - 1))
    if bias.dim() == 1 and data_format == "channels_first" and x.dim() > 2:
        return x + bias.reshape((1, -1) + (1,) * (x.dim() - 2))
    if bias.dim() > 1 and data_format == "channels_first":
        return x + bias.movedim(-1, 0).unsqueeze(0)
    return x + bias


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss per sample, as Keras 2.2.4 (TF ``ctc_loss`` on ``log(y_pred + epsilon)``).

    The blank is the LAST class; ``y_pred`` holds softmax probabilities (TF renormalises
    ``y_pred + epsilon`` with a softmax of its log, which this does too).

    Args:
        y_true: ``(samples, max_string_length)`` label indices (padding past ``label_length`` ignored).
        y_pred: ``(samples, time_steps, num_categories)`` probabilities, blank last.
        input_length: ``(samples, 1)`` number of valid time steps of each ``y_pred``.
        label_length: ``(samples, 1)`` number of labels of each ``y_true``.

    Returns:
        ``(samples, 1)`` tensor of CTC losses.
    """
    y_pred = torch.as_tensor(y_pred)
    logp = torch.log_softmax(torch.log(y_pred + epsilon()), dim=-1).transpose(0, 1)
    device = logp.device
    il = torch.as_tensor(input_length, device=device).reshape(-1).long()
    ll = torch.as_tensor(label_length, device=device).reshape(-1).long()
    labels = torch.as_tensor(y_true, device=device).long()
    loss = F.ctc_loss(logp, labels, il, ll, blank=logp.shape[-1] - 1, reduction="none",
                      zero_infinity=False)
    return loss.to(y_pred.dtype).unsqueeze(1)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """CTC decoding of softmax outputs, as Keras 2.2.4 (TF decoders on ``log(y_pred + epsilon)``).

    Greedy: per sample, the best class of each of the first ``input_length`` steps, repeats merged,
    blanks (the last class) removed. ``greedy=False``: TF's prefix beam search (``beam_width``
    prefixes kept, the ``top_paths`` best returned, repeated labels merged), see :mod:`._ctc_beam`.

    Returns:
        ``(decoded, log_prob)``: ``decoded`` is a list (one entry, or ``top_paths``) of int64 tensors
        ``(samples, longest)`` padded with -1; ``log_prob`` is ``(samples, 1)`` (greedy: minus the
        sum over valid steps of the best log-value) or ``(samples, top_paths)`` (beam search: the
        log probability of each path).

    Raises:
        ValueError/TypeError: bad ``beam_width``/``top_paths``/``input_length`` (beam search).
    """
    if not greedy:
        return ctc_beam_decode(y_pred, input_length, beam_width, top_paths)
    y_pred = torch.as_tensor(y_pred)
    logv = torch.log(y_pred + epsilon())
    best, idx = logv.max(dim=-1)
    lengths = torch.as_tensor(input_length).reshape(-1).long().tolist()
    blank = y_pred.shape[-1] - 1
    seqs, scores = [], []
    for b, n in enumerate(lengths):
        path = idx[b, :n].tolist()
        out, prev = [], None
        for c in path:
            if c != prev and c != blank:
                out.append(c)
            prev = c
        seqs.append(out)
        scores.append(-best[b, :n].sum())
    log_prob = torch.stack(scores).reshape(-1, 1) if scores else torch.zeros((0, 1))
    return [dense_paths(seqs, y_pred.device)], log_prob
