"""The update rules of helpers.steps: hand-computed steps, the stated equivalences, and broadcasting."""

import numpy as np
import pytest

from helpers import steps

# Numbers chosen to be exact in binary, so every expected value below is exact too.
X, V, GRAD, LR, BETA = 1.0, 1.0, 2.0, 0.25, 0.5


def quartic_grad(x):
    """f'(x) for f(x) = x⁴ − 5x² − 3x, written out here for independent sequences."""
    return 4.0 * x * x * x - 10.0 * x - 3.0


def iterate(rule, x, state, n, **hyper):
    """n steps of ``rule`` on the quartic, a plain loop: the iterates and the states."""
    xs, states = [x], [state]
    for _ in range(n):
        x, state = rule(x, state, quartic_grad(x), **hyper)
        xs.append(x)
        states.append(state)
    return np.array(xs), np.array(states)


# -- each rule on numbers worked out by hand ----------------------------------------------------------


def test_gradient_descent_by_hand():
    # x ← 1 − 0.25·2 = 0.5
    assert steps.gradient_descent(X, 0.0, GRAD, lr=LR) == (0.5, 0.0)


def test_gradient_descent_passes_its_state_through_unchanged():
    state = object()
    x, out = steps.gradient_descent(3.0, state, -4.0, lr=0.5)
    assert x == 5.0 and out is state


def test_momentum_by_hand():
    # v ← 0.5·1 + (1 − 0.5)·2 = 1.5, x ← 1 − 0.25·1.5 = 0.625
    assert steps.momentum(X, V, GRAD, lr=LR, beta=BETA) == (0.625, 1.5)


def test_momentum_sum_by_hand():
    # v ← 0.5·1 + 2 = 2.5, x ← 1 − 0.25·2.5 = 0.375
    assert steps.momentum_sum(X, V, GRAD, lr=LR, beta=BETA) == (0.375, 2.5)


def test_momentum_delta_by_hand():
    # Δw ← −0.25·2 + 0.5·(−0.5) = −0.75, w ← 1 − 0.75 = 0.25
    assert steps.momentum_delta(X, -0.5, GRAD, lr=LR, mu=BETA) == (0.25, -0.75)


def test_momentum_from_rest_takes_a_damped_first_step():
    # v₀ = 0: the first velocity is (1 − β)·∇f, the first step η·(1 − β)·∇f
    x, v = steps.momentum(2.0, 0.0, 4.0, lr=0.5, beta=0.75)
    assert (x, v) == (1.5, 1.0)


def test_two_momentum_steps_by_hand():
    # f(x) = x², ∇f = 2x, η = 0.25, β = 0.5, from x = 4, v = 0:
    # v₁ = 0.5·8 = 4, x₁ = 4 − 1 = 3; v₂ = 0.5·4 + 0.5·6 = 5, x₂ = 3 − 1.25 = 1.75
    x, v = steps.momentum(4.0, 0.0, 8.0, lr=0.25, beta=0.5)
    assert (x, v) == (3.0, 4.0)
    assert steps.momentum(x, v, 2.0 * x, lr=0.25, beta=0.5) == (1.75, 5.0)


# -- the equivalences stated in the docstrings --------------------------------------------------------


def test_momentum_with_beta_zero_is_gradient_descent_bit_for_bit():
    a, _ = iterate(steps.momentum, 0.3, 0.0, 200, lr=0.05, beta=0.0)
    b, _ = iterate(steps.gradient_descent, 0.3, 0.0, 200, lr=0.05)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_momentum_sum_with_scaled_lr_is_momentum(beta):
    lr = 0.02
    avg, v_avg = iterate(steps.momentum, -2.0, 0.0, 300, lr=lr, beta=beta)
    total, v_sum = iterate(steps.momentum_sum, -2.0, 0.0, 300, lr=lr * (1 - beta), beta=beta)
    np.testing.assert_allclose(total, avg, rtol=1e-9, atol=1e-12)
    # the summed velocity is the averaged one without the factor (1 − β)
    np.testing.assert_allclose((1 - beta) * v_sum, v_avg, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mu", [0.0, 0.5, 0.9])
def test_momentum_delta_is_momentum_sum_with_dw_equal_to_minus_lr_v(mu):
    lr = 0.01
    w, dw = iterate(steps.momentum_delta, 2.2, 0.0, 300, lr=lr, mu=mu)
    x, v = iterate(steps.momentum_sum, 2.2, 0.0, 300, lr=lr, beta=mu)
    np.testing.assert_allclose(w, x, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dw, -lr * v, rtol=1e-9, atol=1e-12)


def test_momentum_delta_step_by_hand_matches_momentum_sum():
    v = 3.0
    x_sum, v_sum = steps.momentum_sum(1.0, v, GRAD, lr=LR, beta=BETA)
    w, dw = steps.momentum_delta(1.0, -LR * v, GRAD, lr=LR, mu=BETA)
    assert (w, dw) == (x_sum, -LR * v_sum)  # exact here: every number is a short binary fraction


# -- one rule, any shape ------------------------------------------------------------------------------

RULES = [
    (steps.gradient_descent, {}),
    (steps.momentum, {"beta": 0.6}),
    (steps.momentum_sum, {"beta": 0.6}),
    (steps.momentum_delta, {"mu": 0.6}),
]


@pytest.mark.parametrize("rule, extra", RULES, ids=lambda r: getattr(r, "__name__", ""))
def test_rule_works_on_numbers_arrays_and_broadcast_grids(rule, extra):
    x = np.array([-1.5, 0.25, 2.0])
    state = np.array([0.5, -0.125, 1.0])
    grad = np.array([3.0, -2.0, 0.75])
    lr = np.array([0.01, 0.1])
    # a number: plain Python floats in, Python floats out
    x1, s1 = rule(float(x[0]), float(state[0]), float(grad[0]), lr=0.1, **extra)
    assert isinstance(x1, float) and isinstance(s1, float)
    # an array of points: each entry as if alone
    xa, sa = rule(x, state, grad, lr=0.1, **extra)
    assert xa.shape == sa.shape == (3,)
    for j in range(3):
        assert (xa[j], sa[j]) == rule(float(x[j]), float(state[j]), float(grad[j]), lr=0.1, **extra)
    # a grid: learning rates down, points across
    xg, sg = rule(x[None, :], state[None, :], grad[None, :], lr=lr[:, None], **extra)
    assert xg.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            xs, ss = rule(float(x[j]), float(state[j]), float(grad[j]), lr=float(lr[i]), **extra)
            assert xg[i, j] == xs and np.broadcast_to(sg, (2, 3))[i, j] == ss


@pytest.mark.parametrize("rule, name", [(steps.momentum, "beta"), (steps.momentum_sum, "beta"),
                                        (steps.momentum_delta, "mu")])
def test_momentum_rules_broadcast_a_grid_of_lr_and_beta(rule, name):
    lr, beta = np.array([0.05, 0.1, 0.2]), np.array([0.0, 0.5, 0.9, 0.99])
    x, v = rule(1.5, 0.25, -0.5, lr=lr[None, :], **{name: beta[:, None]})
    assert x.shape == (4, 3)
    v = np.broadcast_to(v, x.shape)  # a velocity that does not involve η has one row per β
    for i in range(4):
        for j in range(3):
            assert (x[i, j], v[i, j]) == rule(1.5, 0.25, -0.5, lr=float(lr[j]), **{name: float(beta[i])})


def test_rules_work_on_points_in_the_plane():
    x, v, g = np.array([[1.0, -2.0], [0.5, 4.0]]), np.zeros((2, 2)), np.array([[2.0, -20.0], [1.0, 40.0]])
    lr = np.array([[0.1], [0.01]])  # one learning rate per point
    out, _ = steps.gradient_descent(x, None, g, lr=lr)
    np.testing.assert_array_equal(out, [[1.0 - 0.1 * 2.0, -2.0 + 0.1 * 20.0], [0.5 - 0.01 * 1.0, 4.0 - 0.01 * 40.0]])
    out, vel = steps.momentum(x, v, g, lr=lr, beta=0.5)
    np.testing.assert_array_equal(vel, 0.5 * g)
    np.testing.assert_array_equal(out, x - lr * 0.5 * g)
