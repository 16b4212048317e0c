"""Benchmark: MLP 784-128-10 on MNIST, coursepkg against Keras and scikit-learn.

Every library trains the same network (ReLU hidden layer, softmax output, cross-entropy,
plain SGD with learning rate 0.1, batch 128, no L2 penalty, float32) for 5 epochs, with the
training functions of :mod:`coursepkg.lessons.comparison` that chapter 13 shows. The three run
interleaved, several times, and each epoch is timed; medians resist the noise
of a shared machine. Also measured in the same run: numpy's float32 GEMM rate, against
which our achieved GFLOP/s are compared, and the same training written as one bare NumPy
loop, whose time is what the arithmetic costs without any library around it.

Run (not part of the test suite)::

    COURSEPKG_DATA=../shared/data python benchmarks/mlp_mnist.py [--repeats 5] [--threads 1]

``--threads N`` limits every library to N threads (numpy's BLAS and scikit-learn through
threadpoolctl, TensorFlow through its intra-op pool), the GEMM reference included. On a
machine whose cores are shared with other work, one thread gives far steadier figures:
a multi-threaded BLAS slows down badly when another process takes one of its cores.
"""

import os

os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from coursepkg.data import load_mnist  # noqa: E402
from coursepkg.lessons.comparison import train_coursepkg, train_keras, train_sklearn  # noqa: E402

EPOCHS, BATCH_SIZE, LEARNING_RATE, HIDDEN = 5, 128, 0.1, 128
TARGETS = {"vs_keras": 0.4, "vs_sklearn": 0.8, "gemm_fraction": 0.55, "accuracy_points": 0.3}


def gemm_gflops(n=2048, repeats=7):
    """Median GFLOP/s of numpy's float32 matrix product of two n x n matrices."""
    rng = np.random.default_rng(0)
    A, B = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    A @ B  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        A @ B
        times.append(time.perf_counter() - start)
    return 2 * n ** 3 / np.median(times) / 1e9


def flops_per_epoch(n_samples, n_in=784, n_hidden=HIDDEN, n_out=10):
    """Matrix-product FLOPs of one epoch, counting the backward pass actually computed.

    forward : X @ W1 and A1 @ W2
    backward: A1.T @ delta2 (dW2), delta2 @ W2.T (delta1), X.T @ delta1 (dW1);
              the gradient with respect to the input X is not computed.
    """
    forward = 2 * n_samples * (n_in * n_hidden + n_hidden * n_out)
    backward = 2 * n_samples * (n_hidden * n_out + n_out * n_hidden + n_in * n_hidden)
    return forward + backward


def accuracy_on(model, X_test, y_test):
    """Test accuracy of a trained coursepkg, scikit-learn or Keras model."""
    if hasattr(model, "score"):  # the two estimators
        return model.score(X_test, y_test)
    predicted = model.predict(X_test, batch_size=1024, verbose=0).argmax(axis=1)  # Keras
    return float(np.mean(predicted == y_test))


def library_runner(train):
    """A runner from one of the trainers of :mod:`coursepkg.lessons.comparison`, which chapter 13
    shows side by side: plain SGD, no L2 penalty, each epoch timed."""
    def run(data, seed):
        (X, y), (X_test, y_test) = data
        result = train(X, y, hidden=(HIDDEN,), epochs=EPOCHS, batch_size=BATCH_SIZE,
                       learning_rate=LEARNING_RATE, seed=seed)
        return result.epoch_seconds, accuracy_on(result.model, X_test, y_test)
    return run


def run_numpy_loop(data, seed):
    """The same training written as one bare NumPy loop: no classes, no checks, no options.

    Not a library: a reference for the cost of the arithmetic itself, so that the
    difference from coursepkg is what the library adds on top of it.
    """
    (X, y), (X_test, y_test) = data
    rng = np.random.default_rng(seed)
    Y = np.eye(10, dtype=np.float32)[y]
    W1 = (rng.standard_normal((784, HIDDEN)) * np.sqrt(2 / 784)).astype(np.float32)
    W2 = (rng.standard_normal((HIDDEN, 10)) * np.sqrt(2 / HIDDEN)).astype(np.float32)
    b1, b2 = np.zeros(HIDDEN, np.float32), np.zeros(10, np.float32)
    times = []
    for epoch in range(EPOCHS):
        start = time.perf_counter()
        order = rng.permutation(len(X))
        for first in range(0, len(X), BATCH_SIZE):
            batch = order[first:first + BATCH_SIZE]
            Xb, Yb = np.take(X, batch, axis=0), np.take(Y, batch, axis=0)
            Z1 = Xb @ W1
            Z1 += b1
            A1 = np.maximum(Z1, 0)
            Z2 = A1 @ W2
            Z2 += b2
            Z2 -= Z2.max(axis=1, keepdims=True)
            P = np.exp(Z2)
            P /= P.sum(axis=1, keepdims=True)
            loss = -np.log(P[Yb > 0]).mean()  # computed, as every library does per batch
            D2 = (P - Yb) * (1 / len(Xb))
            D1 = D2 @ W2.T
            D1 *= Z1 > 0
            W2 -= LEARNING_RATE * (A1.T @ D2)
            b2 -= LEARNING_RATE * D2.sum(axis=0)
            W1 -= LEARNING_RATE * (Xb.T @ D1)
            b1 -= LEARNING_RATE * D1.sum(axis=0)
        if not np.isfinite(loss):
            raise FloatingPointError("the NumPy loop diverged")
        times.append(time.perf_counter() - start)
    predicted = (np.maximum(X_test @ W1 + b1, 0) @ W2 + b2).argmax(axis=1)
    return times, float(np.mean(predicted == y_test))


RUNNERS = {"coursepkg": library_runner(train_coursepkg), "keras": library_runner(train_keras),
           "sklearn": library_runner(train_sklearn), "numpy loop": run_numpy_loop}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None,
                        help="limit every library to this many threads (default: no limit)")
    args = parser.parse_args()

    (X, y), (X_test, y_test) = load_mnist(scale=True, flatten=True)
    data = (X.astype(np.float32, copy=False), y), (X_test.astype(np.float32, copy=False), y_test)
    import tensorflow as tf  # import TensorFlow before timing anything
    limit = contextlib.nullcontext()
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
        limit = threadpool_limits(args.threads)
    with limit:
        run_all(data, args)


def run_all(data, args):
    n_samples = len(data[0][0])

    epoch_times = {name: [] for name in RUNNERS}
    accuracies = {name: [] for name in RUNNERS}
    gemm = []
    names = list(RUNNERS)
    for repeat in range(args.repeats):
        gemm.append(gemm_gflops())
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:  # rotate the order
            times, accuracy = RUNNERS[name](data, seed=repeat)
            epoch_times[name] += times
            accuracies[name].append(accuracy)
            print(f"repeat {repeat + 1}/{args.repeats} {name:11s} epochs "
                  f"{' '.join(f'{t:.3f}' for t in times)} s, test accuracy {accuracy:.4f}",
                  flush=True)
        gemm.append(gemm_gflops())

    median = {name: float(np.median(t)) for name, t in epoch_times.items()}
    accuracy = {name: float(np.mean(a)) for name, a in accuracies.items()}
    gflops = flops_per_epoch(n_samples) / median["coursepkg"] / 1e9
    gemm_rate = float(np.median(gemm))
    results = {
        "vs_keras": median["coursepkg"] / median["keras"],
        "vs_sklearn": median["coursepkg"] / median["sklearn"],
        "gemm_fraction": gflops / gemm_rate,
        "accuracy_points": 100 * max(abs(accuracy["coursepkg"] - accuracy[other])
                                     for other in ("keras", "sklearn")),
    }

    threads = f"{args.threads} thread(s)" if args.threads else "default threads"
    print(f"\nMLP 784-{HIDDEN}-10, batch {BATCH_SIZE}, SGD {LEARNING_RATE}, float32, "
          f"{EPOCHS} epochs, {args.repeats} interleaved repeats, {threads}")
    print(f"{'library':12s} {'median epoch':>13s} {'fastest epoch':>14s} {'test accuracy':>14s}")
    for name in RUNNERS:
        print(f"{name:12s} {median[name]:11.3f} s {min(epoch_times[name]):12.3f} s "
              f"{100 * accuracy[name]:13.2f} %")
    print(f"\nnumpy float32 GEMM (2048^3), median: {gemm_rate:.1f} GFLOP/s")
    print(f"{flops_per_epoch(n_samples) / 1e9:.1f} GFLOP of matrix products per epoch")
    for name in ("coursepkg", "numpy loop"):
        rate = flops_per_epoch(n_samples) / median[name] / 1e9
        print(f"{name:12s} {rate:6.1f} GFLOP/s = {rate / gemm_rate:.3f} of the GEMM rate")
    print(f"our epoch time / the bare NumPy loop's: "
          f"{median['coursepkg'] / median['numpy loop']:.3f} (what the library adds)\n")
    labels = {"vs_keras": "our epoch time / Keras's", "vs_sklearn": "our epoch time / sklearn's",
              "gemm_fraction": "our GFLOP/s / GEMM rate",
              "accuracy_points": "accuracy gap (points)"}
    for key, value in results.items():
        target = TARGETS[key]
        ok = value >= target if key == "gemm_fraction" else value <= target
        sign = ">=" if key == "gemm_fraction" else "<="
        print(f"{labels[key]:28s} {value:6.3f}   target {sign} {target}   "
              f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
