"""Decision boundaries of binary classifiers on two-feature data.

A linear model with weights ``coef = (w1, w2)`` and intercept ``b`` predicts the probability
``sigmoid(w1 x1 + w2 x2 + b)`` of the positive class. Every contour line of that probability is
a straight line, and :func:`probability_line` gives it in slope-intercept form.
:func:`plot_probability_contours` draws the probability that any fitted classifier with a
``predict_proba`` method (ours, scikit-learn's, an MLP) assigns to the positive class over a
grid that covers the data, with the samples on top.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["probability_line", "probability_grid", "plot_probability_contours"]


def _logit(probability):
    if isinstance(probability, bool) or not np.isscalar(probability) \
            or not 0 < float(probability) < 1:
        raise ValueError(f"probability must be a number strictly between 0 and 1, got "
                         f"{probability!r}")
    return float(np.log(probability / (1 - probability)))


def probability_line(coef, intercept, probability=0.5):
    """The line ``x2 = slope * x1 + offset`` where a 2-feature logistic model predicts ``probability``.

    ``sigmoid(w1 x1 + w2 x2 + b) = p`` holds exactly where ``w1 x1 + w2 x2 + b = log(p / (1 - p))``,
    the log-odds of ``p``; solving for ``x2`` gives the line. ``p = 0.5`` (log-odds 0) is the
    decision boundary.

    Parameters
    ----------
    coef : array-like of shape (2,)
        The weights ``(w1, w2)``.
    intercept : float
        The bias ``b``.
    probability : float in (0, 1), default 0.5

    Returns
    -------
    slope, offset : float
        ``slope = -w1 / w2`` and ``offset = (log(p / (1 - p)) - b) / w2``.

    Raises
    ------
    ValueError
        If ``coef`` does not hold 2 finite numbers, if ``w2 == 0`` (the line is vertical,
        ``x1 = (log-odds - b) / w1``, and has no slope) or if ``probability`` is not in (0, 1).
    """
    coef = np.asarray(coef, dtype=np.float64).reshape(-1) if np.ndim(coef) <= 2 else None
    if coef is None or coef.shape != (2,):
        raise ValueError(f"coef must hold the 2 weights (w1, w2) of a two-feature model, got "
                         f"shape {np.shape(coef)}")
    intercept = float(np.asarray(intercept, dtype=np.float64).reshape(-1)[0]) \
        if np.size(intercept) == 1 else np.nan
    if not (np.all(np.isfinite(coef)) and np.isfinite(intercept)):
        raise ValueError(f"coef and intercept must be finite numbers, got {coef} and {intercept}")
    w1, w2 = coef
    log_odds = _logit(probability)
    if w2 == 0:
        raise ValueError("w2 is 0: the line is vertical, x1 = (log-odds - b) / w1, "
                         "and has no slope-intercept form")
    return float(-w1 / w2), float((log_odds - intercept) / w2)


def probability_grid(model, X, *, resolution=200, margin=0.5):
    """Evaluate ``model.predict_proba(.)[:, 1]`` on a grid that covers the samples ``X``.

    Parameters
    ----------
    model : fitted classifier with ``predict_proba``
    X : ndarray of shape (n_samples, 2)
    resolution : int, default 200
        Grid points along each axis.
    margin : float, default 0.5
        Added on every side of the range of the data.

    Returns
    -------
    x1, x2 : ndarray of shape (resolution, resolution)
        The grid, as returned by :func:`numpy.meshgrid`.
    probability : ndarray of shape (resolution, resolution)
        The probability of ``model.classes_[1]`` at each grid point.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) to draw in the plane, got {X.shape}")
    if len(X) == 0 or not np.all(np.isfinite(X)):
        raise ValueError("X must hold at least one sample and only finite numbers")
    if not hasattr(model, "predict_proba"):
        raise TypeError(f"{type(model).__name__} has no predict_proba: probability contours "
                        "need a probabilistic classifier")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) \
            or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    x1, x2 = np.meshgrid(np.linspace(low[0], high[0], resolution),
                         np.linspace(low[1], high[1], resolution))
    grid = np.column_stack([x1.ravel(), x2.ravel()])           # (resolution**2, 2)
    probability = model.predict_proba(grid)[:, 1].reshape(x1.shape)
    return x1, x2, probability


def plot_probability_contours(model, X, y, *, ax=None, levels=(0.1, 0.25, 0.5, 0.75, 0.9),
                              resolution=200, feature_names=("$x_1$", "$x_2$"), title=None):
    """Shade the positive-class probability of ``model`` and draw its contour lines.

    The decision boundary (probability 0.5) is drawn as a thick line, the other ``levels``
    as thin labelled lines; the samples are drawn on top, coloured by class.

    Parameters
    ----------
    model : fitted classifier with ``predict_proba`` and ``classes_``
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        Labels among ``model.classes_``.
    ax : matplotlib Axes, optional
        Draw there; by default a new figure is made.
    levels : sequence of float in (0, 1)
        Probabilities whose contour lines are drawn.
    resolution : int, default 200
    feature_names : pair of str
        Axis labels.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},), got {y.shape}")
    levels = sorted(float(level) for level in levels)
    for level in levels:
        _logit(level)
    x1, x2, probability = probability_grid(model, X, resolution=resolution)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.8))
    shading = ax.contourf(x1, x2, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                          alpha=0.45, vmin=0, vmax=1)
    ax.figure.colorbar(shading, ax=ax, label=f"P(y = {model.classes_[1]} | x)")
    thin = [level for level in levels if level != 0.5]
    if thin:
        lines = ax.contour(x1, x2, probability, levels=thin, colors="0.25", linewidths=0.8,
                           linestyles="dashed")
        ax.clabel(lines, fmt="%.2f", fontsize=8)
    ax.contour(x1, x2, probability, levels=[0.5], colors="black", linewidths=2)
    for label, color, marker in zip(model.classes_, ("tab:blue", "tab:red"), ("o", "s")):
        mine = y == label
        ax.scatter(X[mine, 0], X[mine, 1], s=18, c=color, marker=marker, edgecolors="white",
                   linewidths=0.5, label=f"y = {label}")
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_xlim(x1.min(), x1.max())
    ax.set_ylim(x2.min(), x2.max())
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    if title:
        ax.set_title(title)
    return ax
