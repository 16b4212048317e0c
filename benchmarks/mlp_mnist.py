"""Benchmark: MLP 784-128-10 on MNIST, coursepkg against Keras, scikit-learn and bare NumPy.

Every library trains the same network (ReLU hidden layer, softmax output, cross-entropy,
plain SGD with learning rate 0.1, batch 128, no L2 penalty, float32) for 5 epochs, with the
training functions of :mod:`coursepkg.lessons.comparison` that chapter 13 shows. Beside them
runs the same training written as one bare NumPy loop, with no library around it: the
difference between its epoch and ours is what the library adds. The four run interleaved,
several times, and each epoch is timed; medians resist the noise of a shared machine.

Also measured in the same run, between the trainings: the *matrix-product floor*, the time of
one epoch's matrix products alone at their real shapes. For each batch of 128 (and the last,
partial batch) the five products of an SGD step, ``X_b @ W1`` (128 x 784 times 784 x 128),
``A1 @ W2``, ``A1.T @ D2``, ``D2 @ W2.T`` and ``X_b.T @ D1``, are computed in float32 on
random arrays allocated beforehand, with no other work. No training of this network in NumPy
can be faster; each library's median epoch is printed as a multiple of it, and the floor's
GFLOP/s is the rate these small products reach on this machine.

The report prints, from that one run, each library's median and fastest epoch, its test
accuracy and its multiple of the floor, then the targets, each marked met or NOT met: our
epoch at most 0.4 of Keras's, 0.65 of scikit-learn's and 1.1 of the bare loop's, and test
accuracies within 0.3 points of the other libraries'.

Each ratio is *paired*: within a repeat the four trainings run one after the other, within
seconds, so the ratio of their median epochs in that repeat compares them under the same
load; the ratio reported is the median over the repeats of these ratios, and each repeat's
ratios are printed too. On a shared machine the load changes over tens of seconds (every
library's epoch can slow by half at once), which the ratio of two medians pooled over the
whole run would mix into the comparison.

Run (not part of the test suite)::

    COURSEPKG_DATA=../shared/data python benchmarks/mlp_mnist.py [--repeats 5] [--threads 1]

Threads
-------
The report says, at its start and in its summary, how many threads each BLAS (and OpenMP)
pool runs, as :func:`threadpoolctl.threadpool_info` reports them, and TensorFlow's intra-op
setting. By default each starts one thread per core. A multi-threaded BLAS splits every
product among its threads, which spin-wait for the next one; when another process holds one
of the cores, every product waits for the thread that cannot run, and an epoch of these small
products can slow down up to 10 times. On a machine shared with other work, limit them:

- ``--threads N`` limits numpy's and scipy's BLAS and scikit-learn's OpenMP (through
  threadpoolctl) and TensorFlow's intra-op and inter-op pools to N threads, for every part of
  the run, the floor included;
- or set ``OPENBLAS_NUM_THREADS=1`` and ``OMP_NUM_THREADS=1`` in the environment before
  Python starts (``OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python benchmarks/mlp_mnist.py``):
  a BLAS reads them once, when it loads, so setting them from a running Python is too late.
  They do not reach TensorFlow's own pool, which only ``--threads`` limits.

One thread gives far steadier figures on a busy machine.
"""

import os

os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

from coursepkg.data import load_mnist  # noqa: E402
from coursepkg.lessons.comparison import train_coursepkg, train_keras, train_sklearn  # noqa: E402

EPOCHS, BATCH_SIZE, LEARNING_RATE, HIDDEN = 5, 128, 0.1, 128
N_IN, N_OUT = 784, 10
TARGETS = {"vs_keras": 0.4, "vs_sklearn": 0.65, "vs_numpy_loop": 1.1, "accuracy_points": 0.3}
LABELS = {"vs_keras": "our epoch time / Keras's", "vs_sklearn": "our epoch time / sklearn's",
          "vs_numpy_loop": "our epoch time / bare loop's",
          "accuracy_points": "accuracy gap (points)"}


def flops_per_epoch(n_samples, n_in=N_IN, n_hidden=HIDDEN, n_out=N_OUT):
    """Matrix-product FLOPs of one epoch, counting the backward pass actually computed.

    forward : X @ W1 and A1 @ W2
    backward: A1.T @ delta2 (dW2), delta2 @ W2.T (delta1), X.T @ delta1 (dW1);
              the gradient with respect to the input X is not computed.
    """
    forward = 2 * n_samples * (n_in * n_hidden + n_hidden * n_out)
    backward = 2 * n_samples * (n_hidden * n_out + n_out * n_hidden + n_in * n_hidden)
    return forward + backward


def step_products(rng, size, W1, W2):
    """The five matrix products of one SGD step on a batch of ``size`` samples.

    Returns
    -------
    list of (a, b, out)
        ``np.matmul(a, b, out=out)`` in the order of a step: X_b @ W1, A1 @ W2, A1.T @ D2,
        D2 @ W2.T, X_b.T @ D1. Transposes are views, as in a training loop; the batch arrays
        are float32 random data, the outputs allocated here.
    """
    n_in, n_hidden = W1.shape
    X, A1, D2 = (rng.random((size, n), dtype=np.float32) for n in (n_in, n_hidden, W2.shape[1]))
    Z1, Z2, D1 = (np.empty((size, n), np.float32) for n in (n_hidden, W2.shape[1], n_hidden))
    dW1, dW2 = np.empty_like(W1), np.empty_like(W2)
    return [(X, W1, Z1), (A1, W2, Z2), (A1.T, D2, dW2), (D2, W2.T, D1), (X.T, D1, dW1)]


def epoch_products(n_samples, batch_size=BATCH_SIZE, n_in=N_IN, n_hidden=HIDDEN, n_out=N_OUT,
                   seed=0):
    """The matrix products of one epoch: :func:`step_products` for every batch, in order.

    Batches of the same size share their arrays (one set for the full batches, one for the
    last, partial batch if ``batch_size`` does not divide ``n_samples``), so that the epoch
    holds no more memory than a training step.

    Returns
    -------
    list of (a, b, out)
        Five products per batch, ``ceil(n_samples / batch_size)`` batches.
    """
    rng = np.random.default_rng(seed)
    W1 = rng.random((n_in, n_hidden), dtype=np.float32)
    W2 = rng.random((n_hidden, n_out), dtype=np.float32)
    steps, products = {}, []
    for first in range(0, n_samples, batch_size):
        size = min(batch_size, n_samples - first)
        if size not in steps:
            steps[size] = step_products(rng, size, W1, W2)
        products += steps[size]
    return products


def time_products(products, repeats=3):
    """Wall-clock seconds of each of ``repeats`` passes through ``products``.

    Each pass only computes ``np.matmul(a, b, out=out)`` for every triple; one untimed pass
    comes first.
    """
    matmul = np.matmul
    times = []
    for repeat in range(repeats + 1):
        start = time.perf_counter()
        for a, b, out in products:
            matmul(a, b, out=out)
        times.append(time.perf_counter() - start)
    return times[1:]


def pool_threads():
    """Threads each pool runs now, by name: the BLAS and OpenMP pools that threadpoolctl
    finds loaded, e.g. ``"blas openblas (numpy)"``, and TensorFlow's intra-op pool if it is
    imported (0 is its default, one thread per core)."""
    threads = {}
    for pool in threadpool_info():
        owner = Path(pool["filepath"]).parent.name.removesuffix(".libs")
        threads[f"{pool['user_api']} {pool['internal_api']} ({owner})"] = pool["num_threads"]
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        threads["tensorflow intra-op"] = tf.config.threading.get_intra_op_parallelism_threads()
    return threads


def describe_threads():
    """One line naming every pool of :func:`pool_threads` with its number of threads."""
    return "threads: " + ", ".join(f"{name} {n if n else f'default ({os.cpu_count()} cores)'}"
                                   for name, n in pool_threads().items())


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
    import sklearn.neural_network  # noqa: F401  load scipy's BLAS and OpenMP before the limit
    import tensorflow as tf  # import TensorFlow before timing anything
    limit = contextlib.nullcontext()
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
        limit = threadpool_limits(args.threads)
    with limit:
        run_all(data, args)


def measure(data, repeats):
    """Train with every runner ``repeats`` times, interleaved, and time the floor around them.

    Returns
    -------
    epoch_times : dict of list of list
        Per runner, per repeat, the seconds of every epoch.
    accuracies : dict of list
        Per runner, the test accuracy of every repeat.
    floor : list of float
        Seconds of every timed pass through :func:`epoch_products`.
    """
    products = epoch_products(len(data[0][0]))
    epoch_times = {name: [] for name in RUNNERS}
    accuracies = {name: [] for name in RUNNERS}
    floor = []
    names = list(RUNNERS)
    for repeat in range(repeats):
        floor += time_products(products)
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:  # rotate the order
            times, accuracy = RUNNERS[name](data, seed=repeat)
            epoch_times[name].append(list(times))
            accuracies[name].append(accuracy)
            print(f"repeat {repeat + 1}/{repeats} {name:11s} epochs "
                  f"{' '.join(f'{t:.3f}' for t in times)} s, test accuracy {accuracy:.4f}",
                  flush=True)
        floor += time_products(products)
    return epoch_times, accuracies, floor


def run_all(data, args):
    """Measure (:func:`measure`) and print the report, every ratio from this one run."""
    limit = f"--threads {args.threads}" if args.threads else "no thread limit"
    print(f"{limit}; {describe_threads()}", flush=True)
    epoch_times, accuracies, floor = measure(data, args.repeats)
    accuracy = {name: float(np.mean(a)) for name, a in accuracies.items()}
    ratios = paired_ratios(epoch_times)
    results = {key: float(np.median(r)) for key, r in ratios.items()}
    results["accuracy_points"] = 100 * max(abs(accuracy["coursepkg"] - accuracy[other])
                                           for other in ("keras", "sklearn"))
    print(f"\nMLP 784-{HIDDEN}-10, batch {BATCH_SIZE}, SGD {LEARNING_RATE}, float32, "
          f"{EPOCHS} epochs, {args.repeats} interleaved repeats, {limit}")
    print(describe_threads())
    pooled = {name: [t for times in repeats for t in times]
              for name, repeats in epoch_times.items()}
    print_times(pooled, accuracy, floor, n_samples=len(data[0][0]))
    print("Ratios: in each repeat, our median epoch over the other's; reported, their median.")
    for key, value in results.items():
        met = "met" if value <= TARGETS[key] else "NOT met"
        each = (" repeats " + " ".join(f"{r:.3f}" for r in ratios[key])) if key in ratios \
            else ""
        print(f"{LABELS[key]:29s} {value:6.3f}   target <= {TARGETS[key]:<5}  {met:7s}{each}")


def paired_ratios(epoch_times):
    """Per repeat, our median epoch divided by each other runner's median epoch.

    Parameters
    ----------
    epoch_times : dict of list of list
        As :func:`measure` returns it: per runner, per repeat, the epochs' seconds.

    Returns
    -------
    dict of list
        ``"vs_keras"``, ``"vs_sklearn"`` and ``"vs_numpy_loop"``, one ratio per repeat.
    """
    others = {"vs_keras": "keras", "vs_sklearn": "sklearn", "vs_numpy_loop": "numpy loop"}
    ours = [np.median(times) for times in epoch_times["coursepkg"]]
    return {key: [float(mine / np.median(theirs))
                  for mine, theirs in zip(ours, epoch_times[name])]
            for key, name in others.items()}


def print_times(epoch_times, accuracy, floor, n_samples):
    """The table of epoch times, accuracies and multiples of the floor, then the floor."""
    floor_median = float(np.median(floor))
    print(f"{'library':12s} {'median epoch':>13s} {'fastest epoch':>14s} {'test accuracy':>15s}"
          f" {'x floor':>8s}")
    for name, times in epoch_times.items():
        median = float(np.median(times))
        print(f"{name:12s} {median:11.3f} s {min(times):12.3f} s "
              f"{100 * accuracy[name]:13.2f} % {median / floor_median:8.2f}")
    flops = flops_per_epoch(n_samples)
    print(f"{'matrix-product floor':26s} {floor_median:.3f} s median, {min(floor):.3f} s fastest:"
          f" the epoch's {5 * -(-n_samples // BATCH_SIZE)} products alone at their real shapes,"
          f"\n{'':26s} {flops / 1e9:.1f} GFLOP at {flops / floor_median / 1e9:.1f} GFLOP/s\n")


if __name__ == "__main__":
    main()
