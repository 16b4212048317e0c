"""Reproduce published MNIST results with coursepkg's estimators and data loader.

Three classic networks, each built with :class:`coursepkg.models.mlp.MLPClassifier` alone
(no hand-written training loop) and trained as its source describes:

* **Raschka** (*Machine Learning with PyTorch and Scikit-Learn*, 2022, ch. 11): 784-50-10,
  sigmoid hidden and sigmoid output units, mean squared error on one-hot targets,
  weights N(0, 0.1²), zero biases, SGD with learning rate 0.1 and mini-batches of 100,
  50 epochs on 55,000 images (5,000 held out for validation), pixels scaled to [-1, 1].
  Published test accuracy: 94.54 %.
* **Nielsen, chapter 1** (*Neural Networks and Deep Learning*, 2015): 784-30-10, sigmoid
  everywhere, quadratic cost, weights and biases N(0, 1), SGD with η = 3.0 and
  mini-batches of 10, on the first 50,000 training images, pixels in [0, 1]. Published
  test accuracy after epochs 0, 1 and 2 (the best of his three runs): 91.29, 92.95,
  93.48 %.
* **Nielsen, chapter 3**: the same network with the cross-entropy cost, weights
  N(0, 1/784) and N(0, 1/30) (``lecun_normal``), biases N(0, 1), η = 0.5, L2 penalty
  λ = 5.0, 30 epochs. Published test accuracy: 96.49 %.

How the sources' conventions map onto the estimator's:

* ``loss="squared_error"`` is half the squared error summed over the outputs, averaged
  over the batch: exactly Nielsen's quadratic cost, so η is his. Raschka's gradient
  is ``2 (a - y) / n``, twice ours, so his learning rate 0.1 is ``learning_rate=0.2``.
* Nielsen's cross-entropy sums the binary cross-entropy of the 10 sigmoid outputs:
  ``loss="log_loss", output_activation="sigmoid"``.
* Nielsen's L2 term is ``λ / (2 n) Σ w²`` with ``n`` the size of the whole training
  set, which shrinks each weight by ``η λ / n`` per step; the estimator's penalty is
  ``alpha / (2 m) Σ w²`` per mini-batch of ``m``, which shrinks it by ``η alpha / m``.
  So ``alpha = λ m / n = 5.0 * 10 / 50,000 = 0.001``.

Run (not part of the test suite; about 2 minutes on 2 cores with the default seeds)::

    COURSEPKG_DATA=../shared/data python benchmarks/references.py [--seeds 5]

It prints, for each reference, the published figure beside ours: the mean and standard
deviation over the seeds, and the range.
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np
from sklearn.model_selection import train_test_split

from coursepkg.data import load_mnist
from coursepkg.models.mlp import MLPClassifier
from coursepkg.nn.initializers import normal

NIELSEN_TRAIN = 50_000  # his training set: the first 50,000 images (the rest validate)
NIELSEN_BATCH = 10


def raschka_network(random_state, epochs=50):
    """784-50-10, sigmoid outputs, squared error, SGD 0.1 in Raschka's units."""
    return MLPClassifier(
        (50,), activation="sigmoid", loss="squared_error", output_activation="sigmoid",
        optimizer="sgd", learning_rate=0.2, batch_size=100, epochs=epochs, alpha=0.0,
        init=partial(normal, std=0.1), bias_init="zeros", random_state=random_state)


def nielsen_chapter1_network(random_state):
    """784-30-10 sigmoid network, quadratic cost, η = 3.0, batches of 10."""
    return MLPClassifier(
        (30,), activation="sigmoid", loss="squared_error", output_activation="sigmoid",
        optimizer="sgd", learning_rate=3.0, batch_size=NIELSEN_BATCH, epochs=1,
        alpha=0.0, init=normal, bias_init="normal", random_state=random_state)


def nielsen_chapter3_network(random_state, epochs=30, n_train=NIELSEN_TRAIN):
    """784-30-10, cross-entropy on sigmoid outputs, η = 0.5, λ = 5.0."""
    return MLPClassifier(
        (30,), activation="sigmoid", loss="log_loss", output_activation="sigmoid",
        optimizer="sgd", learning_rate=0.5, batch_size=NIELSEN_BATCH, epochs=epochs,
        alpha=5.0 * NIELSEN_BATCH / n_train, init="lecun_normal", bias_init="normal",
        random_state=random_state)


def accuracies_by_epoch(model, X, y, X_test, y_test, epochs):
    """Test accuracy after each of ``epochs`` passes (``fit`` for the first one, then
    ``partial_fit``, which goes on from the current weights)."""
    model.set_params(epochs=1).fit(X, y)
    scores = [model.score(X_test, y_test)]
    for _ in range(epochs - 1):
        scores.append(model.partial_fit(X, y).score(X_test, y_test))
    return scores


def run_raschka(mnist, seeds, epochs=50, n_train=None):
    """Test accuracy of Raschka's network after ``epochs`` epochs, per seed."""
    (X, y), (X_test, y_test) = mnist
    X, X_test = 2 * X - 1, 2 * X_test - 1  # his scaling: ((X / 255) - 0.5) * 2
    X_train, X_valid, y_train, y_valid = train_test_split(
        X, y, test_size=5_000, random_state=123, stratify=y)
    if n_train:
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    scores = []
    for seed in seeds:
        model = raschka_network(seed, epochs).fit(X_train, y_train)
        scores.append(model.score(X_test, y_test))
        print(f"  Raschka 784-50-10, seed {seed}: validation "
              f"{model.score(X_valid, y_valid):.4f}, test {scores[-1]:.4f}", flush=True)
    return scores


def run_nielsen_chapter1(mnist, seeds, epochs=3, n_train=NIELSEN_TRAIN):
    """Test accuracy after epochs 0, 1, 2 (Nielsen counts from 0), per seed."""
    (X, y), (X_test, y_test) = mnist
    runs = []
    for seed in seeds:
        runs.append(accuracies_by_epoch(nielsen_chapter1_network(seed), X[:n_train],
                                        y[:n_train], X_test, y_test, epochs))
        print(f"  Nielsen ch. 1, seed {seed}: "
              f"{' '.join(f'{s:.4f}' for s in runs[-1])}", flush=True)
    return np.array(runs)


def run_nielsen_chapter3(mnist, seeds, epochs=30, n_train=NIELSEN_TRAIN):
    """Test accuracy after ``epochs`` epochs, per seed."""
    (X, y), (X_test, y_test) = mnist
    scores = []
    for seed in seeds:
        model = nielsen_chapter3_network(seed, epochs, n_train)
        scores.append(model.fit(X[:n_train], y[:n_train]).score(X_test, y_test))
        print(f"  Nielsen ch. 3, seed {seed}: test {scores[-1]:.4f}", flush=True)
    return scores


def summary(scores):
    """``mean ± std [min, max]`` of accuracies, in percent."""
    scores = 100 * np.asarray(scores)
    return (f"{scores.mean():.2f} ± {scores.std(ddof=1) if len(scores) > 1 else 0:.2f} "
            f"[{scores.min():.2f}, {scores.max():.2f}]")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per reference")
    parser.add_argument("--chapter3-seeds", type=int, default=3,
                        help="seeds for Nielsen's chapter-3 network (30 epochs each)")
    args = parser.parse_args()
    (X, y), (X_test, y_test) = load_mnist(scale=True, flatten=True)
    mnist = (X, y), (X_test, y_test)
    seeds = range(args.seeds)

    start = time.perf_counter()
    raschka = run_raschka(mnist, seeds)
    chapter1 = run_nielsen_chapter1(mnist, seeds)
    chapter3 = run_nielsen_chapter3(mnist, range(args.chapter3_seeds))
    rows = [("Raschka ch. 11, 784-50-10 MSE, 50 epochs", "94.54", summary(raschka))]
    for epoch, published in enumerate(("91.29", "92.95", "93.48")):
        rows.append((f"Nielsen ch. 1, 784-30-10 quadratic, epoch {epoch}",
                     f"{published} (best of 3)", summary(chapter1[:, epoch])))
    rows.append(("Nielsen ch. 3, cross-entropy, λ 5.0, 30 epochs", "96.49",
                 summary(chapter3)))

    print(f"\nMNIST test accuracy (%), ours over seeds: mean ± standard deviation "
          f"[min, max]; {time.perf_counter() - start:.0f} s in all")
    print(f"{'reference':48s} {'published':>16s}   ours")
    for name, published, ours in rows:
        print(f"{name:48s} {published:>16s}   {ours}")
    best = chapter1.max(axis=0)
    print(f"Nielsen ch. 1, the best of our seeds per epoch: "
          f"{' / '.join(f'{100 * s:.2f}' for s in best)}")


if __name__ == "__main__":
    main()
