"""coursepkg: the companion package of the open textbook on neural networks.

Modules by concept; import the one you need, for example
``from coursepkg.datasets import load_mnist``.
"""

__version__ = "0.1.0"
