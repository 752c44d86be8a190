"""Does the tutorial net reach the accuracy real Keras reaches, on real MNIST digits?

The same code runs under torkeras (system python) or tf-keras (a venv with tensorflow-cpu and
tf-keras 2.21): the Keras 2 tutorial net (784-500-500-10, sigmoid/sigmoid/softmax, Adam, batch 100,
20 epochs) on the MNIST digits that examples/tutorial_data.py finds (the 10,000-digit MNIST test set
in ../shared/data/mnist: 8,000 to train, 2,000 to test). Several seeds; prints mean and spread.

Usage:
    python benchmarks/mnist_accuracy.py --backend torkeras --seeds 3
    .venv-tf/bin/python benchmarks/mnist_accuracy.py --backend tfkeras --seeds 3
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))
sys.path.insert(0, os.path.join(HERE, ".."))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["torkeras", "tfkeras"], default="torkeras")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    if args.backend == "tfkeras":
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tensorflow as tf
        import tf_keras as keras

        def seed(s):
            tf.keras.utils.set_random_seed(s)
        version = "tf-keras %s" % keras.__version__
    else:
        import torch
        import torkeras as keras

        def seed(s):
            torch.manual_seed(s)
        version = "torkeras %s (torch %s)" % (keras.__version__, torch.__version__)
    import numpy as np
    from tutorial_data import load_data
    (x, labels), (xt, lt), source = load_data()
    x = x.reshape(len(x), 784).astype("float32") / 255
    xt = xt.reshape(len(xt), 784).astype("float32") / 255
    y = keras.utils.to_categorical(labels, 10)
    yt = keras.utils.to_categorical(lt, 10)
    accs = []
    for s in range(args.seeds):
        np.random.seed(s)
        seed(s)
        model = keras.models.Sequential()
        model.add(keras.layers.Dense(500, input_dim=784, activation="sigmoid"))
        model.add(keras.layers.Dense(500, activation="sigmoid"))
        model.add(keras.layers.Dense(10, activation="softmax"))
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        t = time.time()
        model.fit(x, y, batch_size=100, epochs=args.epochs, verbose=0)
        loss, acc = model.evaluate(xt, yt, verbose=0)
        accs.append(acc)
        print("seed %d: test loss %.4f  test accuracy %.4f  (%.1fs)" % (s, loss, acc, time.time() - t))
    print("%s: mean test accuracy %.4f (min %.4f, max %.4f) over %d seeds"
          % (version, float(np.mean(accs)), min(accs), max(accs), len(accs)))


if __name__ == "__main__":
    main()
