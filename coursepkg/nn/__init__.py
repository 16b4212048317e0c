"""The neural-network library the book builds and a reader studies: NumPy and SciPy only.

One module per idea: :mod:`~coursepkg.nn.activations`, :mod:`~coursepkg.nn.losses`,
:mod:`~coursepkg.nn.initializers`, :mod:`~coursepkg.nn.layers` (the dense layer),
:mod:`~coursepkg.nn.feedforward` (the forward pass of a network given by its weights),
:mod:`~coursepkg.nn.backprop` (the backward pass), :mod:`~coursepkg.nn.optimizers`,
:mod:`~coursepkg.nn.gradcheck` (finite differences), :mod:`~coursepkg.nn.preprocessing`,
:mod:`~coursepkg.nn.seeding` (an estimator's ``random_state``).
Weights have shape ``(fan_in, fan_out)`` and a layer computes ``X @ W + b``.
"""
