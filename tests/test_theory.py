"""What the algebra says on quadratics: the closed form on x² (against the runner), and helpers.theory's
stability limits and rates."""

import numpy as np
import pytest

from helpers import Quadratic2D, Square, run, steps
from helpers.theory import (
    _CONVENTIONS,
    equivalent_lr,
    optimal_parameters,
    spectral_radius,
    stability_limit,
)

RULES = {"average": steps.momentum, "sum": steps.momentum_sum}


def closed_form_square(x0, lr, steps):
    """x_k = (1 − 2η)^k · x₀ for f(x) = x², k = 0 … steps, the formula notebook 01 derives."""
    return (1.0 - 2.0 * lr) ** np.arange(steps + 1) * x0


# -- the closed form on x² ----------------------------------------------------------------------------
@pytest.mark.parametrize("lr", [0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 1.05])
def test_closed_form_matches_the_plain_loop(lr):
    x, expected = 10.0, [10.0]
    for _ in range(30):
        x = x - lr * 2.0 * x
        expected.append(x)
    out = closed_form_square(10.0, lr, 30)
    assert out.shape == (31,)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("lr", [0.1, 0.7, 1.0, 1.05])
def test_closed_form_matches_a_gradient_descent_run(lr):
    result = run(Square(), steps.gradient_descent, 10.0, lr=lr, max_steps=30, tol=1e-300)
    np.testing.assert_allclose(result.iterates, closed_form_square(10.0, lr, result.steps), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(result.losses, result.iterates**2)


def test_closed_form_regimes():
    assert closed_form_square(3.0, 0.5, 4).tolist() == [3.0, 0.0, 0.0, 0.0, 0.0]  # one step to the minimum
    assert closed_form_square(3.0, 1.0, 4).tolist() == [3.0, -3.0, 3.0, -3.0, 3.0]  # bouncing
    assert closed_form_square(3.0, 0.1, 0).tolist() == [3.0]
    assert np.all(np.diff(np.abs(closed_form_square(1.0, 1.2, 10))) > 0)  # growing


# -- the stability limit ------------------------------------------------------------------------------
def test_stability_limit_values():
    assert stability_limit(25.0) == pytest.approx(2 / 25)
    assert stability_limit(25.0, 0.0, convention="sum") == pytest.approx(2 / 25)
    assert stability_limit(2.0) == pytest.approx(1.0)  # x²: η < 1
    assert stability_limit(25.0, 0.9) == pytest.approx(2 * 1.9 / (0.1 * 25))
    assert stability_limit(25.0, 0.9, convention="sum") == pytest.approx(2 * 1.9 / 25)
    assert isinstance(stability_limit(25.0, 0.9), float)
    np.testing.assert_allclose(stability_limit(2.0, np.array([0.0, 0.5])), [1.0, 3.0])
    np.testing.assert_allclose(stability_limit(np.array([1.0, 4.0]), 0.5, convention="sum"), [3.0, 0.75])
    np.testing.assert_allclose(stability_limit(np.array([1.0, 4.0])[:, None], np.array([0.0, 0.5])[None, :]),
                               [[2.0, 6.0], [0.5, 1.5]])


@pytest.mark.parametrize("convention", _CONVENTIONS)
@pytest.mark.parametrize("lam", [2.0, 25.0])
def test_stability_limit_predicts_convergence_below_and_divergence_above(convention, lam):
    betas = np.array([0.0, 0.3, 0.6, 0.9, 0.97])
    limits = np.array([stability_limit(lam, b, convention=convention) for b in betas])
    lrs = limits[:, None] * np.array([0.98, 1.02])[None, :]
    grid = run(Quadratic2D((lam, lam)), RULES[convention], np.array([3.0, -1.0]), lr=lrs, beta=betas[:, None],
               max_steps=100_000, bound=1e3)
    assert grid.status[:, 0].tolist() == ["converged"] * len(betas)
    assert grid.status[:, 1].tolist() == ["diverged"] * len(betas)


@pytest.mark.parametrize("convention", _CONVENTIONS)
def test_at_the_limit_itself_the_iterates_bounce_forever(convention):
    beta, lam = 0.5, 4.0
    lr = stability_limit(lam, beta, convention=convention)
    result = run(Quadratic2D((lam, lam)), RULES[convention], [1.0, 1.0], lr=lr, beta=beta, max_steps=400)
    assert result.status == "max_steps"
    tail = np.abs(result.iterates[-50:, 0])
    assert 0.1 < tail.max() < 10.0  # neither decaying to 0 nor blowing up


# -- the spectral radius ------------------------------------------------------------------------------
def companion_radius(lr, beta, lam, convention):
    """The largest root modulus of z² − (1 + β − h)·z + β, from numpy's polynomial roots."""
    h = lr * (1 - beta) * lam if convention == "average" else lr * lam
    return max(abs(np.roots([1.0, -(1 + beta - h), beta])))


@pytest.mark.parametrize("convention", _CONVENTIONS)
@pytest.mark.parametrize("lr, beta, lam", [(0.2, 0.5, 25.0), (0.05, 0.9, 1.0), (1.0, 0.3, 3.0), (0.01, 0.0, 5.0),
                                           (3.0, 0.95, 25.0), (0.5, 0.0, 2.0)])
def test_spectral_radius_is_the_largest_root_modulus(convention, lr, beta, lam):
    expected = companion_radius(lr, beta, lam, convention)
    assert spectral_radius(lr, beta, lam, convention=convention) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_spectral_radius_of_gradient_descent_is_the_factor_of_the_closed_form():
    for lr in (0.1, 0.5, 0.9, 1.2):
        assert spectral_radius(lr, 0.0, 2.0) == pytest.approx(abs(1 - 2 * lr), abs=1e-15)


def test_spectral_radius_broadcasts():
    lrs, betas = np.array([0.01, 0.1, 0.3]), np.array([0.0, 0.5])
    radii = spectral_radius(lrs[:, None], betas[None, :], 10.0, convention="sum")
    assert radii.shape == (3, 2)
    for i, lr in enumerate(lrs):
        for j, beta in enumerate(betas):
            assert radii[i, j] == pytest.approx(companion_radius(lr, beta, 10.0, "sum"), rel=1e-9)


def test_spectral_radius_matches_the_observed_decay():
    lr, beta, lam = 0.03, 0.2, 10.0  # real roots (trace² > 4β): a clean geometric tail
    result = run(Quadratic2D((lam, lam)), steps.momentum, [1.0, 1.0], lr=lr, beta=beta, max_steps=400, tol=1e-300)
    x = np.abs(result.iterates[:, 0])
    observed = (x[150] / x[50]) ** (1 / 100)
    assert observed == pytest.approx(spectral_radius(lr, beta, lam), rel=1e-6)


@pytest.mark.parametrize("convention", _CONVENTIONS)
def test_spectral_radius_crosses_one_at_the_limit(convention):
    for beta in (0.0, 0.4, 0.9):
        limit = stability_limit(25.0, beta, convention=convention)
        radii = spectral_radius(np.array([0.99, 1.0, 1.01]) * limit, beta, 25.0, convention=convention)
        assert radii[0] < 1.0 and radii[1] == pytest.approx(1.0) and radii[2] > 1.0


# -- the best (η, β) ----------------------------------------------------------------------------------
def test_optimal_parameters_balance_both_directions_and_beat_their_neighbours():
    lr, beta = optimal_parameters([1.0, 25.0])
    assert (lr, beta) == (pytest.approx(0.2), pytest.approx(4 / 9))
    best = max(spectral_radius(lr, beta, lam) for lam in (1.0, 25.0))
    assert best == pytest.approx(2 / 3)
    for dl, db in [(1.05, 0), (0.95, 0), (1, 0.02), (1, -0.02)]:
        worse = max(spectral_radius(lr * dl, beta + db, lam) for lam in (1.0, 25.0))
        assert worse > best
    lr_sum, beta_sum = optimal_parameters([1.0, 25.0], convention="sum")
    assert beta_sum == beta and lr_sum == pytest.approx(lr * (1 - beta))


def test_optimal_parameters_use_only_the_extreme_curvatures():
    assert optimal_parameters([25.0, 3.0, 1.0, 7.0]) == pytest.approx(optimal_parameters([1.0, 25.0]))
    lr, beta = optimal_parameters([4.0, 4.0])  # one curvature: no momentum, the one-step rate 1/λ
    assert beta == 0.0 and lr == pytest.approx(0.25)


def test_optimal_parameters_beat_the_best_plain_gradient_descent():
    kappa = 100.0
    lr, beta = optimal_parameters([1.0, kappa])
    heavy_ball = max(spectral_radius(lr, beta, lam) for lam in (1.0, kappa))
    best_gd = (kappa - 1) / (kappa + 1)  # at η = 2/(μ + L)
    assert heavy_ball == pytest.approx((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1))
    assert heavy_ball < best_gd


# -- the two conventions ------------------------------------------------------------------------------
def test_equivalent_lr_round_trip():
    assert equivalent_lr(0.5, 0.9) == pytest.approx(0.05)
    assert equivalent_lr(0.05, 0.9, source="sum") == pytest.approx(0.5)
    assert equivalent_lr(equivalent_lr(0.37, 0.6), 0.6, source="sum") == pytest.approx(0.37)
    assert equivalent_lr(0.37, 0.0) == 0.37
    np.testing.assert_allclose(equivalent_lr(np.array([1.0, 2.0]), np.array([0.5, 0.75])), [0.5, 0.5])


def test_equivalent_lr_gives_the_same_stability_limit_and_rate():
    for beta in (0.0, 0.5, 0.9):
        average = stability_limit(25.0, beta)
        assert equivalent_lr(average, beta) == pytest.approx(stability_limit(25.0, beta, convention="sum"))
        rate = spectral_radius(0.05, beta, 25.0)
        assert spectral_radius(equivalent_lr(0.05, beta), beta, 25.0, convention="sum") == pytest.approx(rate)


# -- validation ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: stability_limit(25.0, 1.0), ValueError, r"beta must be in \[0, 1\), got 1.0"),
        (lambda: stability_limit(25.0, np.array([0.5, 1.2])), ValueError, r"beta must be in \[0, 1\), got 1.2"),
        (lambda: stability_limit(0.0, 0.5), ValueError, r"curvature must be in \(0, inf\), got 0.0"),
        (lambda: stability_limit(-2.0), ValueError, r"curvature must be in \(0, inf\)"),
        (lambda: stability_limit(1.0, 0.5, convention="x"), ValueError,
         r"convention must be one of \['average', 'sum'\], got 'x'"),
        (lambda: spectral_radius(0.0, 0.5, 1.0), ValueError, r"lr must be in \(0, inf\)"),
        (lambda: spectral_radius(0.1, -0.5, 1.0), ValueError, "beta must be in"),
        (lambda: spectral_radius(0.1, 0.5, -1.0), ValueError, r"curvature must be in \(0, inf\), got -1.0"),
        (lambda: spectral_radius(0.1, 0.5, np.nan), ValueError, "curvature must contain only finite"),
        (lambda: spectral_radius(0.1, 0.5, 1.0, convention="heavy"), ValueError, "convention must be one of"),
        (lambda: optimal_parameters([0.0, 1.0]), ValueError, "curvatures must all be > 0, got 0.0"),
        (lambda: optimal_parameters([[1.0, 2.0]]), ValueError, "curvatures must have 1 dimension"),
        (lambda: optimal_parameters([]), ValueError, "curvatures must not be empty"),
        (lambda: optimal_parameters([1.0, 4.0], convention="x"), ValueError, "convention must be one of"),
        (lambda: equivalent_lr(-1.0, 0.9), ValueError, r"lr must be in \(0, inf\)"),
        (lambda: equivalent_lr(0.5, 1.0), ValueError, r"beta must be in \[0, 1\)"),
        (lambda: equivalent_lr(0.5, 0.9, source="other"), ValueError, "source must be one of"),
    ],
)
def test_theory_functions_validate(call, error, match):
    with pytest.raises(error, match=match):
        call()
