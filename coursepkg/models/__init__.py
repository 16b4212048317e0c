"""Estimators with scikit-learn's interface, built on :mod:`coursepkg.nn`.

:mod:`~coursepkg.models.linear` (least squares, perceptron, Adaline, logistic regression),
:mod:`~coursepkg.models.mlp` (multi-layer perceptrons),
:mod:`~coursepkg.models.random_features` (one random hidden layer, a trained output) and
:mod:`~coursepkg.models.transfer` (weights moved between coursepkg, scikit-learn and Keras).
"""
