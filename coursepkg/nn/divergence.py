"""Diverging training: one exception, raised wherever training can diverge.

Gradient descent with too large a learning rate overshoots the minimum by more each step,
and the loss or the weights grow until they overflow to infinity or NaN. Every training
loop of the package checks for that and raises :class:`TrainingDivergedError`, whose
message names the learning rate and asks for a smaller one.

The book's trajectory helpers (:func:`coursepkg.lessons.descent.gradient_descent`,
:func:`coursepkg.lessons.training.optimizer_path`) exist to draw a path, a diverging one
included, so they do not raise: they return the path up to its last finite point, and a
path with fewer than ``n_steps + 1`` rows is one that diverged.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TrainingDivergedError", "diverged", "check_finite"]


class TrainingDivergedError(FloatingPointError):
    """The loss or the weights became NaN or infinite during training.

    A subclass of :class:`FloatingPointError`, so code that catches that still works.
    """


def diverged(who: str, learning_rate, *, step: str = "", value=None,
             remedy: str = "scale the input features") -> TrainingDivergedError:
    """The error to raise when ``who`` (e.g. ``"MLPClassifier"``) diverged.

    Parameters
    ----------
    who : str
        What was trained, as the reader knows it.
    learning_rate : float
        The step size in use; the message suggests one ten times smaller.
    step : str, optional
        Where it happened, e.g. ``"after 12 epochs"``.
    value : float, optional
        The non-finite loss, if it is known.
    remedy : str, optional
        What else may help, after a smaller learning rate.
    """
    what = "the loss became " + str(value) if value is not None else "it left the finite numbers"
    where = f" {step}" if step else ""
    return TrainingDivergedError(
        f"{who} diverged: {what}{where}. The learning rate ({learning_rate:g}) is probably "
        f"too large: try a smaller one, for example {learning_rate / 10:g}, or {remedy}.")


def check_finite(*values, who: str, learning_rate, step: str = "",
                 remedy: str = "scale the input features") -> None:
    """Raise :func:`diverged`'s error unless every array in ``values`` is finite."""
    for value in values:
        if not np.all(np.isfinite(value)):
            scalar = float(value) if np.ndim(value) == 0 else None
            raise diverged(who, learning_rate, step=step, value=scalar, remedy=remedy)
