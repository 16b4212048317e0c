"""Tests of coursepkg.nn.optimizers against updates computed by hand from each formula.

Every hand computation starts at p = 1 and applies the gradients 0.5, -1.0, 2.0 in turn.
"""

import numpy as np
import pytest

from coursepkg.nn import optimizers as opt

GRADS = [0.5, -1.0, 2.0]


def run(optimizer, n_steps):
    p = np.array([1.0])
    trajectory = []
    for g in GRADS[:n_steps]:
        optimizer.step([p], [np.array([g])])
        trajectory.append(p[0])
    return trajectory


def test_sgd_plain_is_p_minus_lr_g():
    # p1 = 1 - 0.1*0.5 = 0.95 ; p2 = 0.95 + 0.1 = 1.05 ; p3 = 1.05 - 0.2 = 0.85
    assert run(opt.SGD(0.1), 3) == pytest.approx([0.95, 1.05, 0.85], rel=1e-12)


def test_sgd_with_time_decay():
    # lr_t = 0.1 / (1 + 1*t), t = 0, 1, 2  ->  0.1, 0.05, 0.0333...
    # p1 = 1 - 0.1*0.5 = 0.95 ; p2 = 0.95 + 0.05*1 = 1.0 ; p3 = 1.0 - (0.1/3)*2 = 0.933333
    assert run(opt.SGD(0.1, decay=1.0), 3) == pytest.approx([0.95, 1.0, 0.9333333], rel=1e-6)


def test_sgd_momentum():
    # v <- 0.9 v - 0.1 g ; p <- p + v
    # v1 = -0.05            p1 = 0.95
    # v2 = -0.045 + 0.1 = 0.055    p2 = 1.005
    # v3 = 0.0495 - 0.2 = -0.1505  p3 = 0.8545
    assert run(opt.SGD(0.1, momentum=0.9), 3) == pytest.approx([0.95, 1.005, 0.8545], rel=1e-12)


def test_sgd_nesterov():
    # v as above ; p <- p + 0.9 v - 0.1 g
    # p1 = 1 - 0.045 - 0.05 = 0.905
    # p2 = 0.905 + 0.0495 + 0.1 = 1.0545
    # p3 = 1.0545 - 0.13545 - 0.2 = 0.71905
    result = run(opt.SGD(0.1, momentum=0.9, nesterov=True), 3)
    assert result == pytest.approx([0.905, 1.0545, 0.71905], rel=1e-12)


def test_adagrad():
    # G <- G + g^2 ; p <- p - 0.1 g / sqrt(G)     (epsilon = 0)
    # G1 = 0.25   p1 = 1 - 0.05/0.5 = 0.9
    # G2 = 1.25   p2 = 0.9 + 0.1/1.1180340 = 0.9894427
    # G3 = 5.25   p3 = 0.9894427 - 0.2/2.2912878 = 0.9021556
    result = run(opt.Adagrad(0.1, epsilon=0.0), 3)
    assert result == pytest.approx([0.9, 0.9894427, 0.9021556], rel=1e-6)


def test_adagrad_with_momentum():
    # v <- 0.5 v - 0.1 g / sqrt(G) ; p <- p + v     (epsilon = 0, G as in test_adagrad)
    # v1 = -0.1                            p1 = 0.9
    # v2 = -0.05 + 0.1/1.1180340 = 0.0394427   p2 = 0.9394427
    # v3 = 0.0197214 - 0.2/2.2912878 = -0.0675659   p3 = 0.8718768
    result = run(opt.Adagrad(0.1, epsilon=0.0, momentum=0.5), 3)
    assert result == pytest.approx([0.9, 0.9394427, 0.8718768], rel=1e-6)
    with pytest.raises(ValueError, match="momentum"):
        opt.Adagrad(0.1, momentum=1.0)


def test_rmsprop():
    # s <- 0.9 s + 0.1 g^2 ; p <- p - 0.1 g / sqrt(s)     (epsilon = 0)
    # s1 = 0.025     p1 = 1 - 0.05/0.1581139 = 0.6837722
    # s2 = 0.1225    p2 = 0.6837722 + 0.1/0.35 = 0.9694865
    # s3 = 0.51025   p3 = 0.9694865 - 0.2/0.7143179 = 0.6894992
    result = run(opt.RMSprop(0.1, rho=0.9, epsilon=0.0), 3)
    assert result == pytest.approx([0.6837722, 0.9694865, 0.6894992], rel=1e-6)


def test_adam():
    # m <- 0.9 m + 0.1 g ; v <- 0.999 v + 0.001 g^2
    # lr_t = 0.1 sqrt(1 - 0.999^t) / (1 - 0.9^t) ; p <- p - lr_t m / sqrt(v)   (epsilon = 0)
    # t=1: m = 0.05, v = 0.00025, lr_t = 0.0316228, p1 = 1 - 0.0316228*0.05/0.0158114 = 0.9
    # t=2: m = -0.055, v = 0.00124975, lr_t = 0.1*0.0447102/0.19 = 0.0235317,
    #      p2 = 0.9 + 0.0235317*0.055/0.0353518 = 0.9366101
    result = run(opt.Adam(0.1, beta_1=0.9, beta_2=0.999, epsilon=0.0), 2)
    assert result == pytest.approx([0.9, 0.9366101], rel=1e-6)


@pytest.mark.parametrize("cls", [opt.SGD, opt.Adagrad, opt.RMSprop, opt.Adam])
def test_updates_lists_of_arrays_in_place_and_keeps_float32(cls):
    optimizer = cls(learning_rate=0.01)
    params = [np.ones((3, 2), np.float32), np.ones(2, np.float32)]
    ids = [id(p) for p in params]
    grads = [np.full((3, 2), 0.5, np.float32), np.full(2, -0.5, np.float32)]
    for _ in range(2):
        optimizer.step(params, grads)
    assert [id(p) for p in params] == ids
    assert all(p.dtype == np.float32 for p in params)
    assert np.all(params[0] < 1) and np.all(params[1] > 1)
    assert optimizer.iterations == 2


@pytest.mark.parametrize("cls", [opt.SGD, opt.Adagrad, opt.RMSprop, opt.Adam])
@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan")])
def test_non_positive_learning_rate_is_an_error(cls, lr):
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        cls(learning_rate=lr)


def test_mismatched_lists_and_unknown_names():
    with pytest.raises(ValueError, match="2 parameters but 1 gradients"):
        opt.SGD(0.1).step([np.ones(2), np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="gradient of shape"):
        opt.SGD(0.1).step([np.ones(2)], [np.ones(3)])
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'.*adam"):
        opt.get("adamw", 0.1)
    assert isinstance(opt.get("Adam", 0.1), opt.Adam)
