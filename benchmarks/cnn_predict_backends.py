"""CNN predict throughput under torkeras or under real tf-keras (TensorFlow), same model and data.

The issue #3 CNN (Conv2D 32 3x3 relu, Conv2D 64 3x3 relu, MaxPooling2D 2x2, Flatten, Dense 128
relu, Dense 10 softmax) on 2,560 random 28x28x1 inputs, batch 128, one CPU thread each; best of
several runs (samples/s). Run the two back to back on the same machine and compare:

    OMP_WAIT_POLICY=PASSIVE python benchmarks/cnn_predict_backends.py --backend torkeras
    OMP_WAIT_POLICY=PASSIVE .venv-tf/bin/python benchmarks/cnn_predict_backends.py --backend tfkeras
"""
import argparse
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["torkeras", "tfkeras"], default="torkeras")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.backend == "tfkeras":
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        import tf_keras as keras
        version = "tf-keras %s" % keras.__version__
    else:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
        import torch
        torch.set_num_threads(1)
        import torkeras as keras
        version = "torkeras %s (torch %s)" % (keras.__version__, torch.__version__)
    import numpy as np
    L = keras.layers
    model = keras.models.Sequential([
        L.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        L.Conv2D(64, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)), L.Flatten(),
        L.Dense(128, activation="relu"), L.Dense(10, activation="softmax")])
    x = np.random.RandomState(0).rand(2560, 28, 28, 1).astype("float32")
    model.predict(x, batch_size=128, verbose=0)
    rates = []
    for _ in range(args.runs):
        t = time.perf_counter()
        model.predict(x, batch_size=128, verbose=0)
        rates.append(len(x) / (time.perf_counter() - t))
    print("%s: predict %.0f samples/s (best of %d; median %.0f)"
          % (version, max(rates), len(rates), sorted(rates)[len(rates) // 2]))


if __name__ == "__main__":
    main()
