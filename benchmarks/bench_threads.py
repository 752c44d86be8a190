"""One plain-torch training step (Adam, cross-entropy) under the current thread settings.

Shows how torch's CPU threading behaves on this machine; run it under the settings to compare:

    python benchmarks/bench_threads.py            # torch default threads
    python benchmarks/bench_threads.py 1          # one thread
    OMP_WAIT_POLICY=PASSIVE python benchmarks/bench_threads.py 2
"""
import os
import sys
import time

import torch


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    if n:
        torch.set_num_threads(n)
    lin = torch.nn.Linear(784, 10)
    opt = torch.optim.Adam(lin.parameters())
    x = torch.randn(32, 784)
    y = torch.randint(0, 10, (32,))

    def small_step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(lin(x), y).backward()
        opt.step()

    net = torch.nn.Sequential(torch.nn.Linear(784, 500), torch.nn.Sigmoid(), torch.nn.Linear(500, 500),
                              torch.nn.Sigmoid(), torch.nn.Linear(500, 10))
    opt2 = torch.optim.Adam(net.parameters())
    xb = torch.randn(100, 784)
    yb = torch.randint(0, 10, (100,))

    def big_step():
        opt2.zero_grad()
        torch.nn.functional.cross_entropy(net(xb), yb).backward()
        opt2.step()

    def timed(step, warm, reps):
        for _ in range(warm):
            step()
        t = time.perf_counter()
        for _ in range(reps):
            step()
        return (time.perf_counter() - t) / reps * 1e6

    small = timed(small_step, 50, 500)
    big = timed(big_step, 20, 100)
    print("threads=%d OMP_WAIT_POLICY=%s  Dense(784->10) batch 32: %.0f us/step  MLP 784-500-500-10 "
          "batch 100: %.0f us/step" % (torch.get_num_threads(), os.environ.get("OMP_WAIT_POLICY"),
                                       small, big))


if __name__ == "__main__":
    main()
