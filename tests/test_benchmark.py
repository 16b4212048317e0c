"""The benchmark script keeps working: each runner learns, the matrix-product floor does an
epoch's products and nothing else, and the report names every target and the threads.

``benchmarks/mlp_mnist.py`` is not timed here (speed is the benchmark's business); these
tests run it on a slice of MNIST for one or two epochs, so that a change in the package or
in a library it compares with cannot silently break it.
"""

import argparse

import numpy as np
import pytest
from optional_tools import needs_tensorflow
from scripts import load_script
from threadpoolctl import threadpool_limits

from coursepkg.data import load_mnist

N_TRAIN, N_TEST = 3000, 1000


@pytest.fixture(scope="module")
def script():
    return load_script("benchmarks/mlp_mnist.py", "mlp_mnist_benchmark")


@pytest.fixture(scope="module")
def mnist_slice():
    (X, y), (X_test, y_test) = load_mnist(scale=True, flatten=True, download=False)
    return (X[:N_TRAIN], y[:N_TRAIN]), (X_test[:N_TEST], y_test[:N_TEST])


def test_flops_count_the_five_products_of_a_step(script):
    forward = 2 * (784 * 128 + 128 * 10)               # X @ W1, A1 @ W2
    backward = 2 * (128 * 10 + 10 * 128 + 784 * 128)   # A1.T @ D2, D2 @ W2.T, X.T @ D1
    assert script.flops_per_epoch(1) == forward + backward
    assert script.flops_per_epoch(60000) == 60000 * (forward + backward)


def test_an_epoch_has_the_five_products_of_each_batch_at_their_real_shapes(script):
    n_samples, batch = 300, 128   # batches of 128, 128 and 44
    products = script.epoch_products(n_samples, batch_size=batch)
    shapes = [(a.shape, b.shape, out.shape) for a, b, out in products]
    expected = []
    for size in (128, 128, 44):
        expected += [((size, 784), (784, 128), (size, 128)),   # X_b @ W1
                     ((size, 128), (128, 10), (size, 10)),     # A1 @ W2
                     ((128, size), (size, 10), (128, 10)),     # A1.T @ D2
                     ((size, 10), (10, 128), (size, 128)),     # D2 @ W2.T
                     ((784, size), (size, 128), (784, 128))]   # X_b.T @ D1
    assert shapes == expected
    assert all(array.dtype == np.float32 for triple in products for array in triple)
    flops = sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b, _ in products)
    assert flops == script.flops_per_epoch(n_samples)


def test_the_floor_times_the_products_and_nothing_else(script):
    products = script.epoch_products(200, batch_size=128)
    for _, _, out in products:
        out.fill(np.nan)
    times = script.time_products(products, repeats=2)
    assert len(times) == 2 and all(t > 0 for t in times)
    inputs = [(a.copy(), b.copy()) for a, b, _ in products]
    assert all(np.allclose(out, a @ b, rtol=1e-5) for (a, b), (_, _, out) in zip(inputs, products))
    script.time_products(products, repeats=1)   # the inputs are left as they were
    assert all(np.array_equal(a, a0) and np.array_equal(b, b0)
               for (a0, b0), (a, b, _) in zip(inputs, products))


def test_the_threads_reported_follow_the_limit(script):
    with threadpool_limits(1):
        threads = script.pool_threads()
        line = script.describe_threads()
    blas = {name: n for name, n in threads.items() if name.startswith("blas ")}
    assert any("(numpy)" in name for name in blas), threads
    assert set(blas.values()) == {1}, threads
    assert all(f"{name} {n}" in line for name, n in blas.items())


@pytest.mark.mnist
@pytest.mark.parametrize("name", ["coursepkg", "sklearn", "numpy loop",
                                  pytest.param("keras", marks=needs_tensorflow)])
def test_every_runner_learns(script, mnist_slice, monkeypatch, name):
    monkeypatch.setattr(script, "EPOCHS", 2)
    times, accuracy = script.RUNNERS[name](mnist_slice, seed=0)
    assert len(times) == 2 and all(t > 0 for t in times)
    assert accuracy > 0.75, f"{name}: test accuracy {accuracy:.3f} after 2 epochs"


@pytest.mark.mnist
@needs_tensorflow
def test_the_report_gives_every_figure_and_target(script, mnist_slice, monkeypatch, capsys):
    monkeypatch.setattr(script, "EPOCHS", 1)
    script.run_all(mnist_slice, argparse.Namespace(repeats=1, threads=None))
    report = capsys.readouterr().out
    for name in script.RUNNERS:
        assert any(line.startswith(f"{name} ") for line in report.splitlines()), name
    labels = ["our epoch time / Keras's", "our epoch time / sklearn's",
              "our epoch time / bare loop's", "accuracy gap (points)",
              "matrix-product floor", "x floor"]
    for label in labels:
        assert label in report, f"the report lacks {label!r}:\n{report}"
    targets = [line for line in report.splitlines() if "target <=" in line]
    assert len(targets) == len(script.TARGETS) == 4
    assert all(" met" in line or "NOT met" in line for line in targets)
    assert sum(" repeats " in line for line in targets) == 3  # the paired time ratios
    threads = [line for line in report.splitlines() if "threads: " in line and "blas " in line]
    assert len(threads) == 2, "the BLAS threads, at the start and in the summary"
    assert "GFLOP/s of" not in report and "GEMM" not in report


def test_ratios_are_paired_within_each_repeat(script):
    # Repeat 2 ran under load: every runner is 1.5 times slower. Paired, the ratios of the
    # two repeats agree; pooled medians would mix the load into them.
    quiet = {"coursepkg": [0.30, 0.30], "keras": [0.80, 0.80], "sklearn": [0.40, 0.40],
             "numpy loop": [0.25, 0.25]}
    epoch_times = {name: [times, [1.5 * t for t in times]] for name, times in quiet.items()}
    ratios = script.paired_ratios(epoch_times)
    assert ratios.keys() == {"vs_keras", "vs_sklearn", "vs_numpy_loop"}
    assert ratios["vs_keras"] == pytest.approx([0.375, 0.375])
    assert ratios["vs_sklearn"] == pytest.approx([0.75, 0.75])
    assert ratios["vs_numpy_loop"] == pytest.approx([1.2, 1.2])
