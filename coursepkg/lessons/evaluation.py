"""Evaluating classifiers: hyper-parameter grids, architecture tables and digit galleries.

The functions train estimators with the scikit-learn interface (``fit``, ``score``,
``set_params``), so they work with :class:`coursepkg.models.mlp.MLPClassifier` as well as with
scikit-learn's own classifiers. A training run that diverges
(:class:`coursepkg.nn.divergence.TrainingDivergedError`) is recorded as a failed cell, not raised.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from sklearn.base import clone

from coursepkg.nn.divergence import TrainingDivergedError
from coursepkg.nn.feedforward import count_parameters

__all__ = ["GridResult", "ArchitectureResult", "accuracy_grid", "plot_accuracy_grid",
           "compare_architectures", "plot_digits"]


class GridResult(NamedTuple):
    """Accuracies of a two-parameter grid."""

    #: tuple of str: The two hyper-parameters, ``names[0]`` varying along the rows and
    #: ``names[1]`` along the columns.
    names: tuple
    #: tuple of ndarray: Their values, of shapes (n_rows,) and (n_columns,).
    values: tuple
    #: ndarray of shape (n_rows, n_columns): Accuracy on the training set; NaN where
    #: training diverged.
    train: np.ndarray
    #: ndarray of shape (n_rows, n_columns): Accuracy on the held-out (validation) set;
    #: NaN where training diverged.
    validation: np.ndarray
    #: ndarray of bool, shape (n_rows, n_columns): Where training diverged.
    diverged: np.ndarray


def _as_values(name, values):
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"the values of {name!r} must be a non-empty 1-D sequence, "
                         f"got shape {values.shape}")
    return values


def accuracy_grid(estimator, grid, X_train, y_train, X_val, y_val):
    """Train a copy of ``estimator`` for every pair of values of two hyper-parameters.

    Each cell is judged on held-out data, ``X_val`` and ``y_val``: a validation set
    when the grid chooses the hyper-parameters, never the test set that reports the
    final score.

    Parameters
    ----------
    estimator : classifier
        Not modified; each cell trains ``sklearn.base.clone(estimator)`` with the cell's
        values.
    grid : dict
        Exactly two entries ``{name: values}``; the first varies along the rows.
    X_train : array of shape (n_train, n_features)
    y_train : array of shape (n_train,)
    X_val : array of shape (n_val, n_features)
    y_val : array of shape (n_val,)

    Returns
    -------
    GridResult
        Train and validation accuracy of every cell, NaN where the training loss
        diverged.
    """
    if not isinstance(grid, dict) or len(grid) != 2:
        raise ValueError("grid must be a dict of exactly two hyper-parameters, "
                         f"got {grid!r}")
    names = tuple(grid)
    values = tuple(_as_values(name, grid[name]) for name in names)
    known = estimator.get_params()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"{type(estimator).__name__} has no hyper-parameter "
                         f"{unknown[0]!r}")
    shape = (values[0].size, values[1].size)
    train, validation = np.full(shape, np.nan), np.full(shape, np.nan)
    diverged = np.zeros(shape, dtype=bool)
    for i, row_value in enumerate(values[0]):
        for j, column_value in enumerate(values[1]):
            model = clone(estimator).set_params(**{names[0]: row_value,
                                                   names[1]: column_value})
            try:
                model.fit(X_train, y_train)
            except TrainingDivergedError:
                diverged[i, j] = True
                continue
            train[i, j] = model.score(X_train, y_train)
            validation[i, j] = model.score(X_val, y_val)
    return GridResult(names, values, train, validation, diverged)


def plot_accuracy_grid(result, *, axes=None, fmt=".2f"):
    """Heatmaps of the train and validation accuracy of a :class:`GridResult`, side by side.

    A diverged cell is left blank (grey) and marked "div.".

    Returns
    -------
    matplotlib.figure.Figure
    """
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    else:
        fig = axes[0].figure
    rows, columns = ([f"{v:g}" for v in values] for values in result.values)
    for ax, accuracy, title in zip(axes, (result.train, result.validation),
                                   ("train", "validation")):
        ax.set_facecolor("0.8")
        sns.heatmap(accuracy, ax=ax, vmin=0, vmax=1, cmap="viridis", annot=True, fmt=fmt,
                    xticklabels=columns, yticklabels=rows, square=True,
                    cbar_kws={"label": f"{title} accuracy"})
        for i, j in np.argwhere(result.diverged):
            ax.text(j + 0.5, i + 0.5, "div.", ha="center", va="center", color="crimson",
                    fontsize=9, fontweight="bold")
        ax.set_xlabel(result.names[1])
        ax.set_ylabel(result.names[0])
        ax.set_title(f"{title} accuracy")
    return fig


class ArchitectureResult(NamedTuple):
    """One row of :func:`compare_architectures`."""

    #: tuple of int: The widths of the hidden layers.
    hidden_layer_sizes: tuple
    #: int: Weights and biases, counted from the layer widths.
    n_parameters: int
    #: float: Accuracy on the training set.
    train_accuracy: float
    #: float: Accuracy on the held-out (validation) set.
    validation_accuracy: float
    #: float: Wall-clock seconds of ``fit``.
    seconds: float


def compare_architectures(estimator, hidden_layer_sizes, X_train, y_train, X_val, y_val):
    """Train ``estimator`` once per architecture; time the training.

    Parameters
    ----------
    estimator : classifier with a ``hidden_layer_sizes`` hyper-parameter
    hidden_layer_sizes : sequence of tuple of int
        The architectures, e.g. ``[(3, 3), (128,)]``.
    X_train, y_train, X_val, y_val : arrays
        As for :func:`accuracy_grid`: the training data, and held-out data to compare the
        architectures on.

    Returns
    -------
    list of ArchitectureResult
        ``n_parameters`` counts the weights and biases from the layer widths
        (:func:`coursepkg.nn.feedforward.count_parameters`); ``seconds`` is the wall time of ``fit``.
    """
    n_features = np.shape(X_train)[1]
    n_classes = np.unique(y_train).size
    n_outputs = 1 if n_classes == 2 else n_classes
    rows = []
    for sizes in hidden_layer_sizes:
        sizes = tuple(int(s) for s in np.atleast_1d(sizes))
        model = clone(estimator).set_params(hidden_layer_sizes=sizes)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        rows.append(ArchitectureResult(
            sizes, count_parameters((n_features, *sizes, n_outputs)),
            float(model.score(X_train, y_train)), float(model.score(X_val, y_val)), seconds))
    return rows


def plot_digits(images, titles=None, *, n_columns=10, image_shape=None, size=1.2):
    """Draw grey-scale digit images in a grid, with a title above each.

    Parameters
    ----------
    images : array of shape (n_images, height, width) or (n_images, height * width)
        Flat rows are reshaped to ``image_shape``, by default a square.
    titles : sequence of str, optional
        One per image.
    n_columns : int, default 10
    size : float, default 1.2
        Width and height of one image, in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = np.asarray(images)
    if images.ndim == 2:
        if image_shape is None:
            side = int(round(np.sqrt(images.shape[1])))
            if side * side != images.shape[1]:
                raise ValueError(f"rows of {images.shape[1]} pixels are not square images; "
                                 "give image_shape")
            image_shape = (side, side)
        images = images.reshape(len(images), *image_shape)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"expected (n_images, height, width) images, got shape "
                         f"{images.shape}")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"{len(titles)} titles for {len(images)} images")
    n_columns = min(n_columns, len(images))
    n_rows = -(-len(images) // n_columns)
    fig, axes = plt.subplots(n_rows, n_columns, figsize=(size * n_columns, size * n_rows * 1.25),
                             squeeze=False, constrained_layout=True)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < len(images):
            ax.imshow(images[k], cmap="gray_r")
            if titles is not None:
                ax.set_title(titles[k], fontsize=9)
    return fig
