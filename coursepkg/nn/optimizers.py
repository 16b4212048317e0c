"""Gradient-descent optimizers.

Each optimizer is a small class whose ``step(params, grads)`` updates a list of parameter
arrays **in place** from the matching list of gradients. Per-parameter state (velocities,
running averages) is created at the first step, so one optimizer object serves one model.
Hyper-parameter names and update rules follow scikit-learn and Keras.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "get", "clip_by_global_norm"]


class Optimizer:
    """Base class: validates the learning rate and counts the steps in ``iterations``."""

    def __init__(self, learning_rate):
        if not np.isfinite(learning_rate) or learning_rate <= 0:
            raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
        self.learning_rate = learning_rate
        self.iterations = 0
        self._state = None

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                         if not k.startswith("_") and k != "iterations")
        return f"{type(self).__name__}({args})"

    def step(self, params, grads):
        """Update every array of ``params`` in place.

        Parameters
        ----------
        params : list of ndarray
            Parameters of any shapes (for a network: weights and biases).
        grads : list of ndarray
            ``grads[i]`` is the gradient of the loss with respect to ``params[i]``.
        """
        if len(params) != len(grads):
            raise ValueError(f"got {len(params)} parameters but {len(grads)} gradients")
        for p, g in zip(params, grads):
            if p.shape != g.shape:
                raise ValueError(f"parameter of shape {p.shape} got a gradient "
                                 f"of shape {g.shape}")
        if self._state is None:
            self._state = self._init_state(params)
        self.iterations += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self.update(i, p, g)

    def _init_state(self, params):
        return None

    def update(self, i, param, grad):
        """The rule of one optimizer: change ``param`` in place, given its gradient ``grad``
        (same shape); ``i`` indexes the parameter's own state (velocity, averages)."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum and time decay.

    With velocity ``v`` (starting at 0), step number ``t = 0, 1, ...`` and
    ``lr_t = learning_rate / (1 + decay * t)``::

        v <- momentum * v - lr_t * g
        p <- p + v                              (classical momentum)
        p <- p + momentum * v - lr_t * g        (nesterov=True)

    With ``momentum = 0`` this is plain gradient descent ``p <- p - lr_t * g``.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, decay=0.0):
        super().__init__(learning_rate)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        if decay < 0:
            raise ValueError(f"decay must be >= 0, got {decay!r}")
        self.momentum = momentum
        self.nesterov = nesterov
        self.decay = decay

    def _init_state(self, params):
        return [np.zeros_like(p) for p in params] if self.momentum else None

    def update(self, i, param, grad):
        lr = self.learning_rate / (1 + self.decay * (self.iterations - 1))
        if not self.momentum:
            param -= lr * grad
            return
        v = self._state[i]
        v *= self.momentum
        v -= lr * grad
        if self.nesterov:
            param += self.momentum * v - lr * grad
        else:
            param += v


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011): per-parameter steps shrink with the gradients' history.

    ::

        G <- G + g**2
        p <- p - learning_rate * g / (sqrt(G) + epsilon)

    With ``momentum = beta > 0`` (Adagrad with momentum) the normalised steps accumulate
    in a velocity, as SGD's momentum does with the raw ones::

        v <- beta * v - learning_rate * g / (sqrt(G) + epsilon)
        p <- p + v
    """

    def __init__(self, learning_rate=0.01, epsilon=1e-7, momentum=0.0):
        super().__init__(learning_rate)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.epsilon = epsilon
        self.momentum = momentum

    def _init_state(self, params):
        return [(np.zeros_like(p), np.zeros_like(p) if self.momentum else None)
                for p in params]

    def update(self, i, param, grad):
        G, v = self._state[i]
        G += grad * grad
        step = self.learning_rate * grad / (np.sqrt(G) + self.epsilon)
        if not self.momentum:
            param -= step
            return
        v *= self.momentum
        v -= step
        param += v


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012): Adagrad with a moving average that forgets the old gradients.

    ::

        s <- rho * s + (1 - rho) * g**2
        p <- p - learning_rate * g / (sqrt(s) + epsilon)
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        super().__init__(learning_rate)
        self.rho = rho
        self.epsilon = epsilon

    def _init_state(self, params):
        return [np.zeros_like(p) for p in params]

    def update(self, i, param, grad):
        s = self._state[i]
        s *= self.rho
        s += (1 - self.rho) * grad * grad
        param -= self.learning_rate * grad / (np.sqrt(s) + self.epsilon)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum plus RMSprop, with bias correction.

    At step ``t = 1, 2, ...``::

        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g**2
        lr_t = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        p <- p - lr_t * m / (sqrt(v) + epsilon)

    This is the form of section 2 of the paper ("efficient version"), used by scikit-learn
    and Keras; it differs from ``m_hat / (sqrt(v_hat) + epsilon)`` only in where
    ``epsilon`` enters.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _init_state(self, params):
        return [(np.zeros_like(p), np.zeros_like(p)) for p in params]

    def update(self, i, param, grad):
        m, v = self._state[i]
        m *= self.beta_1
        m += (1 - self.beta_1) * grad
        v *= self.beta_2
        v += (1 - self.beta_2) * grad * grad
        t = self.iterations
        # a Python float, so float32 parameters are never upcast to float64
        lr_t = float(self.learning_rate * np.sqrt(1 - self.beta_2 ** t)
                     / (1 - self.beta_1 ** t))
        param -= lr_t * m / (np.sqrt(v) + self.epsilon)


OPTIMIZERS = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam}


def get(name, learning_rate):
    """Build the optimizer called ``name`` with ``learning_rate``; unknown names raise."""
    key = name.lower() if isinstance(name, str) else name
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; valid names are {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key](learning_rate=learning_rate)


def clip_by_global_norm(grads, max_norm):
    """Scale every gradient by ``min(1, max_norm / ||g||)``, in place; return ``||g||``.

    ``||g||`` is the norm of all the arrays together, as one vector: the direction of
    the step is kept, its length bounded by ``max_norm`` (Pascanu et al., 2013).

    Parameters
    ----------
    grads : list of ndarray
        The gradients of one step, any shapes; modified in place.
    max_norm : float
        The largest global norm let through.
    """
    grad_norm = np.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    if grad_norm > max_norm:
        for g in grads:
            g *= max_norm / grad_norm
    return grad_norm
