"""torkeras small CNN against hand-written PyTorch loops doing the same math, in one process.

Model (issue #3): Conv2D(32, 3x3, relu), Conv2D(64, 3x3, relu), MaxPooling2D(2x2), Flatten,
Dense(128, relu), Dense(10, softmax) on 28x28x1 inputs, batch 128, Adam (lr 1e-3, eps 1e-7), Keras
categorical crossentropy on probabilities, accuracy metric.

Cases:
  train    torkeras ``fit`` (one epoch) vs (a) a plain NCHW torch loop and (b) the same loop in
           channels_last memory format. Target: <= 0.80x the plain NCHW loop.
  predict  torkeras ``predict`` vs a plain torch loop (``no_grad``, NCHW, ``torch.cat`` of the
           batches) in samples/s. Target: about 3x the plain loop.

Runs are paired (hand loop, then torkeras, repeated); the median of the per-pair ratios is printed.
MaxPooling2D comes from ``torkeras.layers.pooling``; while that module does not define it yet, a
stand-in defined here (``F.max_pool2d`` on the channels_last view) is used and the output says so.

Usage: OMP_WAIT_POLICY=PASSIVE python benchmarks/bench_cnn.py [--case train|predict|all]
       [--threads 1] [--pairs 5] [--samples 6400] [--device cpu]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import torkeras as keras  # noqa: E402
from torkeras.engine.base_layer import Layer  # noqa: E402
from torkeras.layers.convolutional import Conv2D  # noqa: E402
from torkeras.layers.core import Dense, Flatten  # noqa: E402
from torkeras.models import Sequential  # noqa: E402

try:
    from torkeras.layers.pooling import MaxPooling2D  # noqa: E402
    POOLING = "torkeras.layers.pooling.MaxPooling2D"
except ImportError:
    class MaxPooling2D(Layer):
        """Benchmark stand-in until torkeras.layers.pooling defines MaxPooling2D (2x2, valid)."""

        def __init__(self, pool_size=(2, 2), **kwargs):
            super(MaxPooling2D, self).__init__(**kwargs)
            self.pool_size = tuple(pool_size)

        def call(self, inputs):
            return F.max_pool2d(inputs.permute(0, 3, 1, 2), self.pool_size).permute(0, 2, 3, 1)

        def compute_output_shape(self, input_shape):
            return (input_shape[0], input_shape[1] // self.pool_size[0],
                    input_shape[2] // self.pool_size[1], input_shape[3])

    POOLING = "benchmark stand-in (torkeras.layers.pooling has no MaxPooling2D yet)"

# The hand-written training loop and the Keras loss are the ones bench_mlp.py times.
from bench_mlp import hand_epoch  # noqa: E402


def hand_model(device, channels_last):
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(12 * 12 * 64, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10), torch.nn.Softmax(dim=-1))
    for m in net:
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    net = net.to(device)
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
    return net


def hand_predict(net, x, batch_size):
    """The plain loop: no_grad, one forward per batch, outputs concatenated, copied to numpy."""
    outs = []
    with torch.no_grad():
        for start in range(0, x.shape[0], batch_size):
            outs.append(net(x[start:start + batch_size]))
    return torch.cat(outs).cpu().numpy()


def torkeras_model():
    model = Sequential()
    model.add(Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
    model.add(Conv2D(64, (3, 3), activation="relu"))
    model.add(MaxPooling2D((2, 2)))
    model.add(Flatten())
    model.add(Dense(128, activation="relu"))
    model.add(Dense(10, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def _sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def _report(name, what, hand, tk, ratios, unit):
    print("%-16s hand %s  torkeras %s  ratio median %.3f [min %.3f, max %.3f]  (%s)"
          % (name, unit(statistics.median(hand)), unit(statistics.median(tk)),
             statistics.median(ratios), min(ratios), max(ratios), what))


def run_train(x, y, batch_size, pairs, device):
    xt_nhwc = torch.from_numpy(x).to(device)
    xt = xt_nhwc.permute(0, 3, 1, 2).contiguous()                      # plain NCHW
    xt_cl = xt.to(memory_format=torch.channels_last)                   # NCHW shape, NHWC memory
    yt = torch.from_numpy(y).to(device)
    model = torkeras_model()
    results = {}
    for label, channels_last, xin in (("vs NCHW loop", False, xt), ("vs channels_last", True, xt_cl)):
        net = hand_model(device, channels_last)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7, foreach=True)
        warm = batch_size * 5
        hand_epoch(net, opt, xin[:warm], yt[:warm], batch_size)
        model.fit(x[:warm], y[:warm], batch_size=batch_size, epochs=1, verbose=0)
        hand_t, tk_t, ratios = [], [], []
        for _ in range(pairs):
            _sync(device)
            t0 = time.perf_counter()
            hand_epoch(net, opt, xin, yt, batch_size)
            _sync(device)
            t1 = time.perf_counter()
            model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
            _sync(device)
            t2 = time.perf_counter()
            hand_t.append(t1 - t0)
            tk_t.append(t2 - t1)
            ratios.append((t2 - t1) / (t1 - t0))
        steps = (x.shape[0] + batch_size - 1) // batch_size
        _report("train " + label, "time ratio, lower is better", hand_t, tk_t, ratios,
                lambda t: "%.1f ms/step" % (t / steps * 1e3))
        results[label] = statistics.median(ratios)
    return results


def run_predict(x, batch_size, pairs, device):
    xt = torch.from_numpy(x).to(device).permute(0, 3, 1, 2).contiguous()
    model = torkeras_model()
    net = hand_model(device, False)
    hand_predict(net, xt[:batch_size * 4], batch_size)
    model.predict(x[:batch_size * 4], batch_size=batch_size)
    n = x.shape[0]
    hand_r, tk_r, ratios = [], [], []
    for _ in range(pairs):
        _sync(device)
        t0 = time.perf_counter()
        hand_predict(net, xt, batch_size)
        _sync(device)
        t1 = time.perf_counter()
        model.predict(x, batch_size=batch_size)
        _sync(device)
        t2 = time.perf_counter()
        hand_r.append(n / (t1 - t0))
        tk_r.append(n / (t2 - t1))
        ratios.append((t1 - t0) / (t2 - t1))
    _report("predict", "samples/s ratio, higher is better", hand_r, tk_r, ratios,
            lambda r: "%.0f samples/s" % r)
    return statistics.median(ratios)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", default="all", choices=["train", "predict", "all"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=6400)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    np.random.seed(0)
    keras.backend.set_device(args.device)
    rng = np.random.RandomState(0)
    x = rng.rand(args.samples, 28, 28, 1).astype("float32")
    y = keras.utils.to_categorical(rng.randint(0, 10, args.samples), 10)
    print("MaxPooling2D: %s; threads=%d device=%s samples=%d batch=%d torch %s"
          % (POOLING, torch.get_num_threads(), args.device, args.samples, args.batch_size,
             torch.__version__))
    if args.case in ("train", "all"):
        run_train(x, y, args.batch_size, args.pairs, args.device)
    if args.case in ("predict", "all"):
        run_predict(x, args.batch_size, args.pairs, args.device)


if __name__ == "__main__":
    main()
