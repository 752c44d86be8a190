"""``K.ctc_decode(greedy=False)``: argument errors (what TensorFlow's op rejects, as ValueError/TypeError
naming the argument) and properties of TF's beam search that the golden cases rely on.

What TF 2.21 raises for the same calls (checked with tf-keras's ``ctc_decode``): ``top_paths >
beam_width`` -> InvalidArgumentError "requested more paths than the beam width."; ``beam_width`` or
``top_paths`` < 1 -> InvalidArgumentError "Value for attr ... must be at least minimum 1"; an
``input_length`` above the number of steps -> FailedPreconditionError "sequence_length(0) <= 3"; a
batch mismatch -> FailedPreconditionError "len(sequence_length) != batch_size"; no time steps ->
InvalidArgumentError "inputs must not be empty"; fewer prefixes than ``top_paths`` (e.g. a sample of
length 0 with top_paths=2) -> InvalidArgumentError "Less leaves in the beam search than requested.".
A negative ``input_length`` decodes nothing (empty path, log probability 0), as TF does.
"""
import numpy as np
import pytest
import torch

import torkeras.backend as K


def _uniform(samples=2, steps=3, classes=4):
    return torch.full((samples, steps, classes), 1.0 / classes)


def _peaked(labels, classes, high=0.9):
    """Softmax-like rows, ``high`` on the given class of each step (blank = classes - 1)."""
    rows = torch.full((len(labels), classes), (1.0 - high) / (classes - 1))
    rows[torch.arange(len(labels)), torch.as_tensor(labels)] = high
    return rows.unsqueeze(0)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(beam_width=2, top_paths=3), ValueError, "top_paths.*beam_width"),
    (dict(beam_width=0, top_paths=1), ValueError, "beam_width.*at least 1"),
    (dict(beam_width=3, top_paths=0), ValueError, "top_paths.*at least 1"),
    (dict(beam_width=2.5, top_paths=1), TypeError, "beam_width.*integer"),
    (dict(beam_width="3", top_paths=1), TypeError, "beam_width.*integer"),
    (dict(beam_width=3, top_paths=True), TypeError, "top_paths.*integer"),
])
def test_bad_beam_arguments_name_the_argument(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        K.ctc_decode(_uniform(), torch.tensor([3, 3]), greedy=False, **kwargs)


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="input_length.*sample 0 is 4.*3 time steps"):
        K.ctc_decode(_uniform(), torch.tensor([4, 3]), greedy=False, beam_width=3)
    with pytest.raises(ValueError, match=r"input_length.*\(2,\)"):
        K.ctc_decode(_uniform(), torch.tensor([3]), greedy=False, beam_width=3)
    with pytest.raises(ValueError, match="y_pred.*3-D"):
        K.ctc_decode(_uniform()[0], torch.tensor([3]), greedy=False, beam_width=3)
    with pytest.raises(ValueError, match="y_pred.*non-empty"):
        K.ctc_decode(torch.zeros(2, 0, 4), torch.tensor([0, 0]), greedy=False, beam_width=3)


def test_fewer_prefixes_than_top_paths_is_an_error():
    with pytest.raises(ValueError, match="sample 0 .*input_length=0.*top_paths=2"):
        K.ctc_decode(_uniform(), torch.tensor([0, 3]), greedy=False, beam_width=3, top_paths=2)


def test_negative_or_zero_length_decodes_nothing():
    for n in (0, -1):
        decoded, log_prob = K.ctc_decode(_uniform(), torch.tensor([n, 3]), greedy=False,
                                         beam_width=3)
        assert (decoded[0][0] == -1).all() and float(log_prob[0, 0]) == 0.0


def test_whole_float_width_and_column_lengths_are_accepted():
    y = _uniform()
    ref, ref_lp = K.ctc_decode(y, torch.tensor([3, 2]), greedy=False, beam_width=2, top_paths=2)
    got, got_lp = K.ctc_decode(y, np.array([[3.0], [2.0]]), greedy=False, beam_width=2.0,
                               top_paths=2)
    for a, b in zip(ref, got):
        assert torch.equal(a, b)
    assert torch.equal(ref_lp, got_lp)


def test_repeated_labels_of_a_prefix_are_merged():
    # Steps "a, blank, a": the best prefix is "a a", which TF's merge_repeated returns as "a".
    y = _peaked([0, 3, 0], classes=4, high=0.97)
    decoded, _ = K.ctc_decode(y, torch.tensor([3]), greedy=False, beam_width=10, top_paths=1)
    assert decoded[0].tolist() == [[0]]
    greedy, _ = K.ctc_decode(y, torch.tensor([3]), greedy=True)
    assert greedy[0].tolist() == [[0, 0]]


def test_paths_come_best_first_and_are_distinct_prefixes():
    gen = torch.Generator().manual_seed(3)
    y = torch.softmax(torch.randn(3, 9, 5, generator=gen) * 2, dim=-1)
    decoded, log_prob = K.ctc_decode(y, torch.tensor([9, 6, 2]), greedy=False, beam_width=8,
                                     top_paths=4)
    assert log_prob.shape == (3, 4) and len(decoded) == 4
    assert (log_prob[:, :-1] >= log_prob[:, 1:]).all()
    assert (log_prob <= 0).all()


def test_float64_inputs_give_float64_log_probs_and_the_same_paths():
    gen = torch.Generator().manual_seed(5)
    y = torch.softmax(torch.randn(2, 7, 4, generator=gen) * 3, dim=-1)
    d32, lp32 = K.ctc_decode(y, torch.tensor([7, 5]), greedy=False, beam_width=5, top_paths=2)
    d64, lp64 = K.ctc_decode(y.double(), torch.tensor([7, 5]), greedy=False, beam_width=5,
                             top_paths=2)
    assert lp64.dtype == torch.float64 and lp32.dtype == torch.float32
    for a, b in zip(d32, d64):
        assert torch.equal(a, b)
    np.testing.assert_allclose(lp64.numpy(), lp32.numpy(), atol=1e-4)
