"""torkeras `fit` against a hand-written PyTorch loop doing the same math, in one process.

Cases (issue #2):
  tutorial  784-500-500-10 MLP (sigmoid, sigmoid, softmax), categorical crossentropy on probabilities,
            accuracy metric, Adam, batch 100, one epoch on 60,000 MNIST-shaped samples. Target <= 1.05x.
  overhead  Dense(10, softmax) on 784 inputs, batch 32, same loss/metric/optimizer: per-step overhead.
            Target <= 1.3x.

Runs are paired (hand loop, then torkeras, repeated) and the median of the per-pair ratios is printed.
Time with one thread (default here) or two with OMP_WAIT_POLICY=PASSIVE; never compare absolute
times across runs on a shared machine.

Usage: OMP_WAIT_POLICY=PASSIVE python benchmarks/bench_mlp.py [--case tutorial|overhead|all]
       [--threads 1] [--pairs 5] [--samples 60000] [--device cpu]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import torkeras as keras  # noqa: E402
from torkeras.layers import Dense  # noqa: E402
from torkeras.models import Sequential  # noqa: E402

EPS = 1e-7


def keras_categorical_crossentropy(y, p):
    p = p / p.sum(dim=-1, keepdim=True)
    p = p.clamp(EPS, 1 - EPS)
    return -(y * torch.log(p)).sum(dim=-1)


def hand_model(sizes, device):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = torch.nn.Linear(a, b)
        torch.nn.init.xavier_uniform_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        layers.append(torch.nn.Sigmoid() if i < len(sizes) - 2 else torch.nn.Softmax(dim=-1))
    return torch.nn.Sequential(*layers).to(device)


def hand_epoch(net, opt, x, y, batch_size):
    """A careful hand-written loop: data already on the device, shuffled index slices, the Keras
    loss on probabilities, accuracy tracked, no host sync inside the epoch."""
    n = x.shape[0]
    perm = torch.randperm(n, device=x.device)
    loss_sum = torch.zeros((), device=x.device)
    acc_sum = torch.zeros((), device=x.device)
    for start in range(0, n, batch_size):
        idx = perm[start:start + batch_size]
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        p = net(xb)
        loss = keras_categorical_crossentropy(yb, p).mean()
        loss.backward()
        opt.step()
        with torch.no_grad():
            acc = (p.argmax(-1) == yb.argmax(-1)).float().mean()
            loss_sum += loss.detach() * xb.shape[0]
            acc_sum += acc * xb.shape[0]
    return float(loss_sum) / n, float(acc_sum) / n


def torkeras_model(sizes):
    model = Sequential()
    model.add(Dense(sizes[1], input_dim=sizes[0], activation="sigmoid" if len(sizes) > 2 else "softmax"))
    for i, s in enumerate(sizes[2:]):
        model.add(Dense(s, activation="sigmoid" if i < len(sizes) - 3 else "softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def run_case(name, sizes, batch_size, samples, pairs, device):
    rng = np.random.RandomState(0)
    x = rng.rand(samples, sizes[0]).astype("float32")
    y = keras.utils.to_categorical(rng.randint(0, sizes[-1], samples), sizes[-1])
    keras.backend.set_device(device)
    model = torkeras_model(sizes)
    net = hand_model(sizes, device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7, foreach=True)
    xt = torch.from_numpy(x).to(device)
    yt = torch.from_numpy(y).to(device)

    def sync():
        if torch.device(device).type == "cuda":
            torch.cuda.synchronize()

    # warm-up both
    hand_epoch(net, opt, xt[:batch_size * 20], yt[:batch_size * 20], batch_size)
    model.fit(x[:batch_size * 20], y[:batch_size * 20], batch_size=batch_size, epochs=1, verbose=0)
    ratios, hand_t, tk_t = [], [], []
    for _ in range(pairs):
        sync()
        t0 = time.perf_counter()
        hand_epoch(net, opt, xt, yt, batch_size)
        sync()
        t1 = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
        sync()
        t2 = time.perf_counter()
        hand_t.append(t1 - t0)
        tk_t.append(t2 - t1)
        ratios.append((t2 - t1) / (t1 - t0))
    steps = (samples + batch_size - 1) // batch_size
    print("%-9s hand %.3fs/epoch (%.0f us/step)  torkeras %.3fs/epoch (%.0f us/step)  ratio median "
          "%.3f  [min %.3f, max %.3f]  threads=%d device=%s"
          % (name, statistics.median(hand_t), statistics.median(hand_t) / steps * 1e6,
             statistics.median(tk_t), statistics.median(tk_t) / steps * 1e6,
             statistics.median(ratios), min(ratios), max(ratios), torch.get_num_threads(), device))
    return statistics.median(ratios)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", default="all", choices=["tutorial", "overhead", "all"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    np.random.seed(0)
    if args.case in ("tutorial", "all"):
        run_case("tutorial", [784, 500, 500, 10], 100, args.samples, args.pairs, args.device)
    if args.case in ("overhead", "all"):
        run_case("overhead", [784, 10], 32, min(args.samples, 20000), args.pairs, args.device)


if __name__ == "__main__":
    main()
