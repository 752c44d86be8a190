"""Progbar and print_summary against Keras 2.2.4's own output.

The golden text in compat_tests/fixtures/keras224_console_golden.json was produced by running
Keras 2.2.4's Progbar and print_summary (taken from its source) through the scenarios of
compat_tests/fixtures/make_summary_fixture.py; here torkeras runs the same scenarios.
"""
import importlib.util
import json
import os
import sys

import numpy as np
import pytest
import torch

from torkeras.utils import _progbar
from torkeras.utils._progbar import Progbar
from torkeras.utils import layer_utils
from torkeras.utils.layer_utils import count_params, print_summary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location(
    "keras224_scenarios", os.path.join(ROOT, "compat_tests", "fixtures", "make_summary_fixture.py"))
fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fx)

with open(fx.GOLDEN) as _f:
    GOLDEN = json.load(_f)

PROGBAR_IDS = [c["name"] for c in fx.PROGBAR_CASES]
SUMMARY_IDS = [c["name"] for c in fx.SUMMARY_CASES]


@pytest.fixture
def clock(monkeypatch):
    c = fx.FakeClock()
    monkeypatch.setattr(_progbar, "_clock", c.time)
    return c


def _final_line(keras_not_tty):
    """What torkeras writes off a terminal: Keras's finished line, once, without redraw padding."""
    line = keras_not_tty.rstrip("\n").split("\n")[-1]
    return line.rstrip(" ") + "\n"


# ------------------------------------------------------------------------------------- Progbar
@pytest.mark.parametrize("case", fx.PROGBAR_CASES, ids=PROGBAR_IDS)
def test_progbar_tty_matches_keras(case, clock):
    assert fx.run_progbar(Progbar, case, clock, tty=True) == GOLDEN["progbar"][case["name"]]["tty"]


@pytest.mark.parametrize("case", fx.PROGBAR_CASES, ids=PROGBAR_IDS)
def test_progbar_tty_with_tensor_values(case, clock):
    def as_tensor(v):
        return torch.tensor(v, dtype=torch.float64)

    assert (fx.run_progbar(Progbar, case, clock, tty=True, convert=as_tensor)
            == GOLDEN["progbar"][case["name"]]["tty"])


@pytest.mark.parametrize("case", fx.PROGBAR_CASES, ids=PROGBAR_IDS)
def test_progbar_not_tty_prints_final_line_only(case, clock):
    keras = GOLDEN["progbar"][case["name"]]["not_tty"]
    ours = fx.run_progbar(Progbar, case, clock, tty=False)
    verbose = case["args"].get("verbose", 1)
    if verbose != 1:
        assert ours == keras  # verbose 0 and 2 do not depend on the terminal
    elif case["args"]["target"] is None:
        # Unknown target: one line, then at most one per _NON_TTY_UNKNOWN_INTERVAL seconds.
        assert ours == keras.split("\n")[1] + "\n"
    else:
        assert ours == _final_line(keras)
        assert ours.count("\n") == 1 and "\b" not in ours and "\r" not in ours


def test_progbar_unknown_target_not_tty_throttles(clock, monkeypatch):
    stream = fx.FakeStdout(False)
    monkeypatch.setattr(sys, "stdout", stream)
    bar = Progbar(None)
    for i in range(1, 40):
        clock.t += 1.0
        bar.update(i * 10, [("loss", 0.5)])
    lines = stream.getvalue().split("\n")
    assert lines[-1] == ""
    assert len(lines) - 1 == 4  # t = 1, 11, 21, 31 s
    assert lines[0] == "     10/Unknown - 1s 100ms/step - loss: 0.5000"


def test_progbar_output_goes_to_current_stdout(clock, capsys):
    bar = Progbar(2, verbose=2)
    bar.update(2, [("loss", 0.25)])
    assert capsys.readouterr().out == " - 0s - loss: 0.2500\n"


def test_progbar_reads_tensors_only_when_drawing(clock, monkeypatch):
    calls = []
    real = _progbar.to_floats

    def counting(values):
        calls.append(len(values))
        return real(values)

    monkeypatch.setattr(_progbar, "to_floats", counting)
    monkeypatch.setattr(sys, "stdout", fx.FakeStdout(False))
    bar = Progbar(100)
    loss = torch.tensor(0.5)
    for i in range(1, 10):
        clock.t += 1.0
        bar.update(i * 10, [("loss", loss), ("acc", torch.tensor(0.25))])
    assert calls == []
    bar.update(100, [("loss", loss), ("acc", torch.tensor(0.25))])
    assert calls == [2]
    assert "loss: 0.5000 - acc: 0.2500" in sys.stdout.getvalue()


def test_weighted_accumulation_keeps_non_scalar_cpu_or_device_tensors():
    # Tensors that are not CPU scalars (accelerator tensors) are combined with torch ops, in place
    # on the running total, and never read.
    v = torch.tensor([0.5, 1.0])
    total = _progbar._weighted(v, 3)
    assert isinstance(total, torch.Tensor) and total is not v
    total2 = _progbar._weighted_add(total, v, 5)
    assert total2 is total
    assert total.tolist() == [4.0, 8.0]
    assert v.tolist() == [0.5, 1.0]
    # CPU scalar tensors are read at once (no device to wait for).
    assert _progbar._weighted(torch.tensor(0.5), 4) == 2.0
    assert _progbar._weighted_add(2.0, torch.tensor(0.25), 4) == 3.0
    grad = torch.tensor([1.0], requires_grad=True) * 2
    assert _progbar._weighted(grad, 2) == 4.0


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_progbar_cuda_tensors(clock, monkeypatch):
    stream = fx.FakeStdout(False)
    monkeypatch.setattr(sys, "stdout", stream)
    bar = Progbar(4)
    bar.update(2, [("loss", torch.tensor(0.5, device="cuda")), ("acc", torch.tensor(1.0, device="cuda"))])
    bar.update(4, [("loss", torch.tensor(0.25, device="cuda")), ("acc", torch.tensor(0.5, device="cuda"))])
    assert stream.getvalue().endswith(" - loss: 0.3750 - acc: 0.7500\n")


def test_to_floats_mixed():
    vals = _progbar.to_floats([1.5, torch.tensor(2.0, dtype=torch.float64), np.float32(0.5),
                               np.array(3.0), "x", torch.tensor([1.0, 2.0])])
    assert vals[:4] == [1.5, 2.0, 0.5, 3.0]
    assert vals[4] == "x" and isinstance(vals[5], torch.Tensor)


def test_progbar_end_line_for_stopped_bar(clock, monkeypatch):
    stream = fx.FakeStdout(True)
    monkeypatch.setattr(sys, "stdout", stream)
    bar = Progbar(10)
    clock.t += 0.5
    bar.update(3, [("loss", 1.0)])
    bar._end_line()
    out = stream.getvalue()
    assert out.endswith("\r 3/10 [========>.....................] - ETA: 1s - loss: 1.0000\n")
    stream = fx.FakeStdout(False)
    monkeypatch.setattr(sys, "stdout", stream)
    bar = Progbar(10)
    bar.update(3, [("loss", 1.0)])
    assert stream.getvalue() == ""
    bar._end_line()
    assert stream.getvalue() == " 3/10 [========>.....................] - ETA: 0s - loss: 1.0000\n"


def test_progbar_argument_validation():
    with pytest.raises(ValueError, match="target"):
        Progbar(-1)
    with pytest.raises(ValueError, match="width"):
        Progbar(10, width=0)
    Progbar(0).update(0)  # a zero target does not divide by zero


@pytest.mark.parametrize("eta,text", [(0.9, "0s"), (59.9, "59s"), (60.0, "60s"), (61.5, "1:01"),
                                      (3600.0, "60:00"), (3600.5, "1:00:00"), (86399.0, "23:59:59")])
def test_eta_formats(eta, text):
    assert _progbar._format_eta(eta) == text


def test_generic_utils_reexports_progbar():
    from torkeras.utils.generic_utils import Progbar as P
    assert P is Progbar


# ------------------------------------------------------------------------------------- summary
def _tensor(shape):
    return torch.zeros(tuple(shape))


@pytest.mark.parametrize("case", fx.SUMMARY_CASES, ids=SUMMARY_IDS)
def test_summary_matches_keras(case):
    assert fx.run_summary(print_summary, case, _tensor) == GOLDEN["summary"][case["name"]]


@pytest.mark.parametrize("case", [c for c in fx.SUMMARY_CASES if c["model"] == "Model"],
                         ids=[c["name"] for c in fx.SUMMARY_CASES if c["model"] == "Model"])
def test_summary_with_summary_connections_method(case):
    out = fx.run_summary(print_summary, case, _tensor, connections_method=True)
    assert out == GOLDEN["summary"][case["name"]]


def test_summary_default_print_goes_to_stdout(capsys):
    case = fx.SUMMARY_CASES[0]
    print_summary(fx.build_summary_model(case, _tensor))
    out = capsys.readouterr().out
    assert out == GOLDEN["summary"]["mnist_mlp"]
    lines = out.split("\n")
    assert lines[3] == "dense_1 (Dense)              (None, 512)               401920    "
    assert all(len(l) == 65 for l in lines[:-5] if l)


def test_summary_shape_normalisation():
    class Dense(object):
        name = "d"

        def __init__(self, shape):
            self.output_shape = shape

        def count_params(self):
            return 0

    for shape in [[None, 3], torch.Size([2, 3]), (np.int64(4), None)]:
        layer = Dense(shape)
        assert layer_utils._shape_text(layer) in ("(None, 3)", "(2, 3)", "(4, None)")


def test_count_params_unique_and_types():
    w = torch.zeros(3, 4)
    assert count_params([w, w, torch.zeros(5)]) == 17
    assert count_params([np.zeros((2, 2)), np.zeros(3)]) == 7
    assert count_params([]) == 0


def test_convert_all_kernels_in_model():
    kernel = np.arange(2 * 3 * 1 * 2, dtype=np.float32).reshape(2, 3, 1, 2)

    class Conv2D(object):
        def __init__(self):
            self.weights = [kernel.copy(), np.zeros(2, np.float32)]

        def get_weights(self):
            return [w.copy() for w in self.weights]

        def set_weights(self, ws):
            self.weights = ws

    class Dense(Conv2D):
        pass

    class M(object):
        layers = [Conv2D(), Dense()]

    layer_utils.convert_all_kernels_in_model(M)
    np.testing.assert_array_equal(M.layers[0].weights[0], kernel[::-1, ::-1, :, :])
    np.testing.assert_array_equal(M.layers[1].weights[0], kernel)
    with pytest.raises(ValueError, match="kernel"):
        layer_utils._flip_kernel(np.zeros((2, 2)))


@pytest.mark.parametrize("target", ["channels_first", "channels_last"])
def test_convert_dense_weights_data_format(target):
    fm = (2, 3, 4)
    units = 5
    kernel = np.random.RandomState(0).rand(24, units)
    bias = np.zeros(units)

    class D(object):
        w = None

        def get_weights(self):
            return [kernel.copy(), bias]

        def set_weights(self, ws):
            self.w = ws

    d = D()
    layer_utils.convert_dense_weights_data_format(d, fm, target)
    expected = kernel.copy()
    for i in range(units):  # Keras's per-unit rule
        if target == "channels_first":
            c, h, w = fm
            ki = np.transpose(kernel[:, i].reshape((h, w, c)), (2, 0, 1))
        else:
            h, w, c = fm
            ki = np.transpose(kernel[:, i].reshape((c, h, w)), (1, 2, 0))
        expected[:, i] = ki.reshape(-1)
    np.testing.assert_array_equal(d.w[0], expected)
    with pytest.raises(ValueError):
        layer_utils.convert_dense_weights_data_format(d, fm, "nchw")


def test_get_source_inputs():
    class T(object):
        pass

    class L(object):
        def __init__(self, name):
            self.name = name
            self._inbound_nodes = []

    inp, a, b = L("in"), L("a"), L("b")
    x, ya, yb = T(), T(), T()
    inp._inbound_nodes.append(fx.FakeNode([], [], []))
    inp._inbound_nodes[0].input_tensors = [x]
    na = fx.FakeNode([inp], [0], [0])
    na.input_tensors = [x]
    a._inbound_nodes.append(na)
    nb = fx.FakeNode([a, inp], [0, 0], [0, 0])
    nb.input_tensors = [ya, x]
    b._inbound_nodes.append(nb)
    x._keras_history, ya._keras_history, yb._keras_history = (inp, 0, 0), (a, 0, 0), (b, 0, 0)
    assert layer_utils.get_source_inputs(yb) == [x]
    plain = object()
    assert layer_utils.get_source_inputs(plain) is plain
