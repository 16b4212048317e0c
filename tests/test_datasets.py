"""Tests of coursepkg.data: the real MNIST files, corruption, offline use and download."""

import functools
import gzip
import hashlib
import http.server
import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from coursepkg import data as datasets
from coursepkg.data import DatasetError, load_mnist, mnist

NAMES = [name for name, _, _ in mnist.MNIST_FILES.values()]


@pytest.fixture(scope="module")
def mnist_root():
    """The data root that holds the real files (CI: COURSEPKG_DATA=../shared/data)."""
    root = datasets.get_data_home()
    load_mnist(root)  # downloads on an online machine; raises a clear error otherwise
    return root


@pytest.fixture
def mnist_copy(mnist_root, tmp_path):
    """A private, writable copy of the four files under tmp_path/mnist."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in NAMES:
        shutil.copyfile(mnist_root / "mnist" / name, folder / name)
    return tmp_path


# ------------------------------------------------------------------ the real files

def test_load_real_files_shapes_dtypes_and_checksums(mnist_root):
    (X_train, y_train), (X_test, y_test) = load_mnist(mnist_root)
    assert X_train.shape == (60000, 28, 28) and X_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert X_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    for array, (_, _, sha) in zip((X_train, y_train, X_test, y_test),
                                  mnist.MNIST_FILES.values()):
        assert hashlib.sha256(array.tobytes()).hexdigest() == sha
    assert set(np.unique(y_train)) == set(range(10))
    assert np.bincount(y_test).tolist()[:3] == [980, 1135, 1032]  # the well-known class counts


def test_flatten_and_scale(mnist_root):
    (X_train, _), (X_test, _) = load_mnist(mnist_root, flatten=True, scale=True)
    assert X_train.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert X_train.dtype == np.float32
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    (raw, _), _ = load_mnist(mnist_root)
    np.testing.assert_array_equal(X_train[7], raw[7].reshape(-1) / np.float32(255))


def test_data_root_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSEPKG_DATA", str(tmp_path / "from-env"))
    assert datasets.get_data_home() == tmp_path / "from-env"
    assert datasets.get_data_home(tmp_path / "explicit") == tmp_path / "explicit"
    monkeypatch.delenv("COURSEPKG_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert datasets.get_data_home() == tmp_path / "home" / ".cache" / "coursepkg"


def test_environment_variable_is_used(mnist_root, monkeypatch):
    monkeypatch.setenv("COURSEPKG_DATA", str(mnist_root))
    (_, y_train), _ = load_mnist(download=False)
    assert len(y_train) == 60000


# ---------------------------------------------------------------- corrupt files

def test_flipped_byte_in_compressed_stream_is_an_error(mnist_copy):
    path = mnist_copy / "mnist" / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the deflate stream, not the gzip header
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="t10k-labels-idx1-ubyte.gz.*corrupt"):
        load_mnist(mnist_copy, download=False)


def test_flipped_byte_in_decoded_data_fails_checksum(mnist_copy):
    # A well-formed gzip whose decoded contents differ in one byte: only the SHA-256 of the
    # decoded array can catch it.
    path = mnist_copy / "mnist" / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[100] = (raw[100] + 1) % 10
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DatasetError, match="SHA-256"):
        load_mnist(mnist_copy, download=False)


def test_truncated_file_is_an_error(mnist_copy):
    path = mnist_copy / "mnist" / "train-labels-idx1-ubyte.gz"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(DatasetError) as excinfo:
        load_mnist(mnist_copy, download=False)
    message = str(excinfo.value)
    assert "train-labels-idx1-ubyte.gz" in message and "truncated" in message
    assert str(mnist_copy / "mnist") in message


def test_header_that_disagrees_with_the_data_is_an_error(mnist_copy):
    path = mnist_copy / "mnist" / "t10k-labels-idx1-ubyte.gz"
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-5]))  # valid gzip, five labels short
    with pytest.raises(DatasetError, match="header announces"):
        load_mnist(mnist_copy, download=False)


# -------------------------------------------------------------------- offline

def test_missing_file_offline_names_folder_files_and_remedy(tmp_path):
    with pytest.raises(DatasetError) as excinfo:
        load_mnist(tmp_path, download=False)
    message = str(excinfo.value)
    assert str(tmp_path / "mnist") in message
    for name in NAMES:
        assert name in message
    assert "COURSEPKG_DATA" in message and "data_home" in message
    assert not (tmp_path / "mnist").exists() or not any((tmp_path / "mnist").iterdir())


def test_unreachable_mirrors_give_the_offline_message(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "MNIST_MIRRORS", ["http://127.0.0.1:9/mnist/"])  # discard port
    monkeypatch.setattr(mnist, "DOWNLOAD_ATTEMPTS", 2)
    monkeypatch.setattr(mnist, "DOWNLOAD_TIMEOUT", 2)
    with pytest.raises(DatasetError) as excinfo:
        load_mnist(tmp_path)
    message = str(excinfo.value)
    assert "every mirror failed" in message and "attempt 2" in message
    assert str(tmp_path / "mnist") in message and "COURSEPKG_DATA" in message
    assert list((tmp_path / "mnist").iterdir()) == []  # no partial file left behind


# ---------------------------------------------------------- download (local HTTP)

@pytest.fixture
def local_mirror(mnist_root, tmp_path):
    """An HTTP server on 127.0.0.1 that serves copies of the files under /good/ and /bad/."""
    served = tmp_path / "served"
    (served / "good").mkdir(parents=True)
    (served / "bad").mkdir()
    for name in NAMES:
        shutil.copyfile(mnist_root / "mnist" / name, served / "good" / name)
        data = (mnist_root / "mnist" / name).read_bytes()
        (served / "bad" / name).write_bytes(data[: len(data) // 2])  # truncated copies

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_falls_back_to_second_mirror(local_mirror, tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "MNIST_MIRRORS",
                        [f"{local_mirror}/missing/", f"{local_mirror}/good/"])
    monkeypatch.setattr(mnist, "DOWNLOAD_ATTEMPTS", 2)
    target = tmp_path / "data"
    (X_train, y_train), (X_test, y_test) = load_mnist(target)
    assert X_train.shape == (60000, 28, 28) and y_test.shape == (10000,)
    assert sorted(p.name for p in (target / "mnist").iterdir()) == sorted(NAMES)
    # the second call reads the cache without a server
    monkeypatch.setattr(mnist, "MNIST_MIRRORS", ["http://127.0.0.1:9/"])
    load_mnist(target)


def test_mirror_serving_a_bad_file_is_skipped(local_mirror, tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "MNIST_MIRRORS",
                        [f"{local_mirror}/bad/", f"{local_mirror}/good/"])
    target = tmp_path / "data"
    load_mnist(target)
    assert sorted(p.name for p in (target / "mnist").iterdir()) == sorted(NAMES)


def test_only_bad_mirrors_leave_nothing_behind(local_mirror, tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "MNIST_MIRRORS", [f"{local_mirror}/bad/"])
    target = tmp_path / "data"
    with pytest.raises(DatasetError, match="fails verification"):
        load_mnist(target)
    assert list((target / "mnist").iterdir()) == []


# ------------------------------------------------------------- the other data

def test_sklearn_wrappers():
    X, y = datasets.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,) and X.max() == 16
    assert datasets.load_digits(scale=True)[0].max() == 1.0
    X, y = datasets.load_breast_cancer()
    assert X.shape == (569, 30) and set(np.unique(y)) == {0, 1}


@pytest.mark.parametrize("name, expected", [
    ("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0]),
    ("NOR", [1, 0, 0, 0]), ("XOR", [0, 1, 1, 0]), ("xor", [0, 1, 1, 0]),
])
def test_logic_gates(name, expected):
    X, y = datasets.logic_gate(name)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == expected


def test_unknown_gate_lists_the_valid_names():
    with pytest.raises(ValueError, match="XNOR.*AND, OR, NAND, NOR, XOR"):
        datasets.logic_gate("XNOR")


def test_quadratic_regression():
    X, y = datasets.make_quadratic_regression(500, random_state=0)
    assert X.shape == (500, 2) and y.shape == (500,)
    np.testing.assert_allclose(y, X[:, 0] ** 2 + 3 * X[:, 0] * X[:, 1] + X[:, 1] ** 2 + 5)
    X2, y2 = datasets.make_quadratic_regression(500, random_state=0)
    np.testing.assert_array_equal(X, X2)
    _, noisy = datasets.make_quadratic_regression(2000, noise=0.5, random_state=1)
    X3, _ = datasets.make_quadratic_regression(2000, random_state=1)
    clean = X3[:, 0] ** 2 + 3 * X3[:, 0] * X3[:, 1] + X3[:, 1] ** 2 + 5
    assert 0.45 < np.std(noisy - clean) < 0.55
    with pytest.raises(ValueError, match="n_samples"):
        datasets.make_quadratic_regression(0)
    with pytest.raises(ValueError, match="noise"):
        datasets.make_quadratic_regression(10, noise=-1)
