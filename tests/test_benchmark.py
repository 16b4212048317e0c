"""The benchmark script keeps working: each runner learns, and the report names every target.

``benchmarks/mlp_mnist.py`` is not timed here (speed is the benchmark's business); these
tests run it on a slice of MNIST for one or two epochs, so that a change in the package or
in a library it compares with cannot silently break it.
"""

import argparse
import importlib.util
from pathlib import Path

import pytest
from optional_tools import needs_tensorflow

from coursepkg.data import load_mnist

ROOT = Path(__file__).resolve().parents[1]
N_TRAIN, N_TEST = 3000, 1000


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("mlp_mnist_benchmark",
                                                  ROOT / "benchmarks" / "mlp_mnist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mnist_slice():
    (X, y), (X_test, y_test) = load_mnist(scale=True, flatten=True, download=False)
    return (X[:N_TRAIN], y[:N_TRAIN]), (X_test[:N_TEST], y_test[:N_TEST])


def test_flops_count_the_five_products_of_a_step(script):
    forward = 2 * (784 * 128 + 128 * 10)               # X @ W1, A1 @ W2
    backward = 2 * (128 * 10 + 10 * 128 + 784 * 128)   # A1.T @ D2, D2 @ W2.T, X.T @ D1
    assert script.flops_per_epoch(1) == forward + backward
    assert script.flops_per_epoch(60000) == 60000 * (forward + backward)


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
    for label in ("our epoch time / Keras's", "our epoch time / sklearn's",
                  "our GFLOP/s / GEMM rate", "accuracy gap (points)",
                  "of the GEMM rate", "the bare NumPy loop's"):
        assert label in report, f"the report lacks {label!r}:\n{report}"
