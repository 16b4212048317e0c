"""MNIST: the 70,000 handwritten digits of chapters 10 to 13, read from local files.

MNIST is read from four IDX files in ``<data root>/mnist/``. The data root is, in order,
the ``data_home`` argument, the ``COURSEPKG_DATA`` environment variable, or
``~/.cache/coursepkg`` (the same meaning as scikit-learn's ``data_home``). Missing files
are downloaded from public mirrors. Every load verifies the SHA-256 of the *decoded*
arrays, so a corrupt or truncated file can never turn into a silently wrong data set.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

__all__ = ["DatasetError", "get_data_home", "load_mnist", "read_idx"]

#: Mirrors tried in order; each serves the four canonical ``.gz`` files.
MNIST_MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
]

#: file name, expected shape and SHA-256 of the decoded array's bytes (C order, uint8).
MNIST_FILES = {
    "x_train": ("train-images-idx3-ubyte.gz", (60000, 28, 28),
                "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757"),
    "y_train": ("train-labels-idx1-ubyte.gz", (60000,),
                "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"),
    "x_test": ("t10k-images-idx3-ubyte.gz", (10000, 28, 28),
               "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"),
    "y_test": ("t10k-labels-idx1-ubyte.gz", (10000,),
               "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"),
}

DOWNLOAD_TIMEOUT = 30  # seconds per connection attempt
DOWNLOAD_ATTEMPTS = 3  # per mirror


class DatasetError(OSError):
    """A data file is missing, corrupt or truncated."""


def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Return the data root: ``data_home``, else ``$COURSEPKG_DATA``, else ``~/.cache/coursepkg``."""
    if data_home is None:
        data_home = os.environ.get("COURSEPKG_DATA") or Path.home() / ".cache" / "coursepkg"
    return Path(data_home).expanduser()


# --------------------------------------------------------------------------- MNIST

def load_mnist(data_home=None, *, download=True, flatten=False, scale=False):
    """Load MNIST, downloading the four files if they are missing.

    Parameters
    ----------
    data_home : str or path-like, optional
        Data root; the files are read from ``<data_home>/mnist/``.
    download : bool, default True
        Download missing files. With ``False`` a missing file raises :class:`DatasetError`.
    flatten : bool, default False
        Return images as rows of 784 pixels instead of 28 x 28 arrays.
    scale : bool, default False
        Return images as float32 in [0, 1] instead of uint8 in [0, 255].

    Returns
    -------
    (X_train, y_train), (X_test, y_test)
        ``X_train`` has shape (60000, 28, 28), or (60000, 784) with ``flatten``; ``y_train``
        has shape (60000,) and dtype uint8; the test arrays hold 10000 samples.

    Raises
    ------
    DatasetError
        If a file is missing and cannot be downloaded, or is corrupt or truncated.
    """
    folder = get_data_home(data_home) / "mnist"
    arrays = {}
    for key, (name, shape, sha256) in MNIST_FILES.items():
        path = folder / name
        if not path.exists():
            if not download:
                raise DatasetError(_missing_message(folder, [name], "download=False"))
            _download(name, folder, shape, sha256)
        arrays[key] = _read_verified(path, shape, sha256)
    X_train, X_test = arrays["x_train"], arrays["x_test"]
    if flatten:
        X_train, X_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
    if scale:
        X_train = X_train.astype(np.float32) / np.float32(255)
        X_test = X_test.astype(np.float32) / np.float32(255)
    return (X_train, arrays["y_train"]), (X_test, arrays["y_test"])


def read_idx(path) -> np.ndarray:
    """Decode a gzip-compressed IDX file of unsigned bytes into an array.

    The header is a big-endian magic number ``0x000008DD`` (``DD`` = number of dimensions)
    followed by one big-endian uint32 per dimension.
    """
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4:
        raise ValueError("file is shorter than an IDX header")
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"not an IDX file of unsigned bytes (magic {raw[:4].hex()})")
    header_len = 4 + 4 * ndim
    shape = struct.unpack(f">{ndim}I", raw[4:header_len])
    data = np.frombuffer(raw, dtype=np.uint8, offset=header_len)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"header announces shape {shape} but {data.size} bytes follow")
    return data.reshape(shape)


def _read_verified(path: Path, shape, sha256: str) -> np.ndarray:
    try:
        array = read_idx(path)
    except (OSError, EOFError, ValueError, struct.error) as exc:  # gzip/zlib errors are OSError
        raise DatasetError(_corrupt_message(path, f"it cannot be decoded ({exc})")) from exc
    if array.shape != tuple(shape):
        raise DatasetError(_corrupt_message(path, f"its shape is {array.shape}, not {shape}"))
    if hashlib.sha256(array.tobytes()).hexdigest() != sha256:
        raise DatasetError(_corrupt_message(path, "its decoded contents fail the SHA-256 check"))
    return array


def _download(name: str, folder: Path, shape, sha256: str) -> None:
    """Fetch ``name`` from the first mirror that serves a verified copy; write it atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    failures = []
    for mirror in MNIST_MIRRORS:
        url = mirror + name
        for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
            try:
                tmp = _fetch_to_temp(url, folder)
            except urllib.error.HTTPError as exc:
                failures.append(f"{url} (attempt {attempt}): {exc}")
                if exc.code < 500:
                    break  # the mirror answered "no" (e.g. 404): asking again will not help
                time.sleep(0.5 * attempt)
                continue
            except OSError as exc:  # URLError, timeouts, refused connections
                failures.append(f"{url} (attempt {attempt}): {exc}")
                if attempt < DOWNLOAD_ATTEMPTS:
                    time.sleep(0.5 * attempt)
                continue
            try:
                _read_verified(tmp, shape, sha256)
            except DatasetError:
                tmp.unlink()
                failures.append(f"{url}: the downloaded file fails verification")
                break  # this mirror serves a bad file; try the next one
            os.replace(tmp, folder / name)
            return
    raise DatasetError(_missing_message(folder, [name], "every mirror failed:\n  " + "\n  ".join(failures)))


def _fetch_to_temp(url: str, folder: Path) -> Path:
    """Download ``url`` into a temporary file inside ``folder``, with a progress bar."""
    from tqdm import tqdm  # text bar: tqdm.auto warns on import in a kernel without ipywidgets

    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".download-", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1],
                      leave=False) as bar:
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    bar.update(len(chunk))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _how_to_get(folder: Path) -> str:
    names = " ".join(name for name, _, _ in MNIST_FILES.values())
    return (
        f"To fix it, put the four MNIST files ({names}) into {folder}, either by calling "
        f"load_mnist() on a machine with internet access or by downloading them from "
        f"{MNIST_MIRRORS[0]}. To read them from another folder, pass data_home=... or set "
        f"the COURSEPKG_DATA environment variable to the folder that contains mnist/."
    )


def _missing_message(folder: Path, names, reason: str) -> str:
    return f"MNIST file(s) {', '.join(names)} missing from {folder} ({reason}). {_how_to_get(folder)}"


def _corrupt_message(path: Path, reason: str) -> str:
    return (f"MNIST file {path.name} in {path.parent} is corrupt or truncated: {reason}. "
            f"Delete it and load again to re-download it. {_how_to_get(path.parent)}")
