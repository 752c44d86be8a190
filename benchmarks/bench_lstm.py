"""torkeras LSTM text model `fit` against a hand-written PyTorch nn.LSTM loop, in one process (issue #3).

Model: Embedding(20000 -> 128), LSTM(128), Dense(1, sigmoid); binary crossentropy (Keras's
formula on probabilities), Adam, batch 32, integer sequences of length 80.

Cases:
  sigmoid       LSTM(128, recurrent_activation='sigmoid'): torkeras runs torch's fused LSTM kernel
                on views of the Keras-layout weights. Target <= 1.10x the hand loop.
  hard_sigmoid  Keras 2.2.4's default LSTM(128) (recurrent_activation='hard_sigmoid'): torkeras
                runs its exact step loop. Reported for the record (the hand loop still uses
                nn.LSTM, i.e. sigmoid: it is not the same math).

Runs are paired (hand loop, then torkeras, repeated) and the median of the per-pair ratios is printed.

Usage: OMP_WAIT_POLICY=PASSIVE python benchmarks/bench_lstm.py [--case sigmoid|hard_sigmoid|all]
       [--threads 1] [--pairs 5] [--samples 3200] [--device cpu]
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
from torkeras.layers.recurrent import LSTM  # noqa: E402
from torkeras.models import Sequential  # noqa: E402

try:
    from torkeras.layers.embeddings import Embedding  # noqa: E402
except ImportError:  # pragma: no cover - only while the Embedding layer is being written
    Embedding = None

EPS = 1e-7
VOCAB, EMB, UNITS, LENGTH, BATCH = 20000, 128, 128, 80, 32


def keras_binary_crossentropy(y, p):
    p = p.clamp(EPS, 1 - EPS)
    logits = torch.log(p / (1 - p))
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none").mean(-1)


class HandNet(torch.nn.Module):
    def __init__(self, use_embedding):
        super().__init__()
        self.emb = torch.nn.Embedding(VOCAB, EMB) if use_embedding else None
        if self.emb is not None:
            torch.nn.init.uniform_(self.emb.weight, -0.05, 0.05)
        self.lstm = torch.nn.LSTM(EMB, UNITS, batch_first=True)
        self.out = torch.nn.Linear(UNITS, 1)

    def forward(self, x):
        if self.emb is not None:
            x = self.emb(x)
        _, (h, _) = self.lstm(x)
        return torch.sigmoid(self.out(h[0]))


def hand_epoch(net, opt, x, y):
    n = x.shape[0]
    perm = torch.randperm(n, device=x.device)
    loss_sum = torch.zeros((), device=x.device)
    acc_sum = torch.zeros((), device=x.device)
    for start in range(0, n, BATCH):
        idx = perm[start:start + BATCH]
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        p = net(xb)
        loss = keras_binary_crossentropy(yb, p).mean()
        loss.backward()
        opt.step()
        with torch.no_grad():
            acc = ((p > 0.5).float() == yb).float().mean()
            loss_sum += loss.detach() * xb.shape[0]
            acc_sum += acc * xb.shape[0]
    return float(loss_sum) / n, float(acc_sum) / n


def torkeras_model(recurrent_activation, use_embedding):
    model = Sequential()
    if use_embedding:
        model.add(Embedding(VOCAB, EMB, input_length=LENGTH))
        model.add(LSTM(UNITS, recurrent_activation=recurrent_activation))
    else:
        model.add(LSTM(UNITS, recurrent_activation=recurrent_activation,
                       input_shape=(LENGTH, EMB)))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def run_case(name, recurrent_activation, samples, pairs, device):
    use_embedding = Embedding is not None
    rng = np.random.RandomState(0)
    if use_embedding:
        x = rng.randint(1, VOCAB, size=(samples, LENGTH)).astype("int64")
    else:
        x = rng.randn(samples, LENGTH, EMB).astype("float32")
    y = rng.randint(0, 2, size=(samples, 1)).astype("float32")
    keras.backend.set_device(device)
    model = torkeras_model(recurrent_activation, use_embedding)
    net = HandNet(use_embedding).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7, foreach=True)
    xt = torch.from_numpy(x).to(device)
    yt = torch.from_numpy(y).to(device)

    def sync():
        if torch.device(device).type == "cuda":
            torch.cuda.synchronize()

    warm = BATCH * 5
    hand_epoch(net, opt, xt[:warm], yt[:warm])
    model.fit(x[:warm], y[:warm], batch_size=BATCH, epochs=1, verbose=0)
    ratios, hand_t, tk_t = [], [], []
    for _ in range(pairs):
        sync()
        t0 = time.perf_counter()
        hand_epoch(net, opt, xt, yt)
        sync()
        t1 = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        sync()
        t2 = time.perf_counter()
        hand_t.append(t1 - t0)
        tk_t.append(t2 - t1)
        ratios.append((t2 - t1) / (t1 - t0))
    steps = (samples + BATCH - 1) // BATCH
    print("%-12s hand %.3fs/epoch (%.1f ms/step)  torkeras %.3fs/epoch (%.1f ms/step)  ratio median "
          "%.3f  [min %.3f, max %.3f]  input=%s threads=%d device=%s"
          % (name, statistics.median(hand_t), statistics.median(hand_t) / steps * 1e3,
             statistics.median(tk_t), statistics.median(tk_t) / steps * 1e3,
             statistics.median(ratios), min(ratios), max(ratios),
             "Embedding" if use_embedding else "float (B,80,128)", torch.get_num_threads(), device))
    return statistics.median(ratios)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", default="all", choices=["sigmoid", "hard_sigmoid", "all"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=3200)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    np.random.seed(0)
    if args.case in ("sigmoid", "all"):
        run_case("sigmoid", "sigmoid", args.samples, args.pairs, args.device)
    if args.case in ("hard_sigmoid", "all"):
        run_case("hard_sigmoid", "hard_sigmoid", args.samples, args.pairs, args.device)


if __name__ == "__main__":
    main()
