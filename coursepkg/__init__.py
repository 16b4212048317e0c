"""coursepkg: the companion package of the open textbook on neural networks.

Its subpackages are layers, each importing only the ones below it:

- :mod:`coursepkg.course`: the course tools (checks, grading, exercise generation, the
  notebook setup cell); grading and generation need ``pip install 'coursepkg[course]'``;
- :mod:`coursepkg.lessons`: helpers of one chapter each (figures, small experiments);
- :mod:`coursepkg.models`: estimators with scikit-learn's interface (linear models,
  multi-layer perceptrons, a random-feature regressor) and weight transfer;
- :mod:`coursepkg.data`: the data sets and generators; :mod:`coursepkg.autodiff`:
  automatic differentiation;
- :mod:`coursepkg.nn`: the neural-network library a reader studies, NumPy and SciPy only.

Import what you need from its module, for example
``from coursepkg.nn.activations import sigmoid`` or ``from coursepkg.data import load_mnist``.
"""

__version__ = "0.1.0"
