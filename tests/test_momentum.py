"""Moving averages, momentum in both conventions, the stability limit and the vectorised grids."""

import math

import numpy as np
import pytest

from helpers import Quadratic2D, Quartic, Run, Square, gradient_descent
from helpers import momentum as mom
from helpers.minibatch import batches, mse_grad
from helpers.optimizers import classify_run

RAVINE = Quadratic2D((1.0, 25.0))
START = np.array([-9.0, 4.0])
QUARTIC = Quartic()


# -- the moving average -------------------------------------------------------------------------------
def direct_sums(x, beta):
    """V_t = Σ_{i ≤ t} (1 − β)·β^(t−i)·X_i, written out as a double loop."""
    out = []
    for t in range(len(x)):
        out.append(sum((1 - beta) * beta ** (t - i) * x[i] for i in range(t + 1)))
    return np.array(out)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.99])
def test_ewma_equals_the_direct_weighted_sums(beta):
    x = np.random.default_rng(3).normal(5.0, 2.0, 60)
    np.testing.assert_allclose(mom.ewma(x, beta), direct_sums(x, beta), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
def test_bias_correction_gives_the_weighted_mean_of_the_values_so_far(beta):
    x = np.random.default_rng(4).normal(-2.0, 1.0, 50)
    expected = [np.sum(beta ** np.arange(t, -1, -1) * x[: t + 1]) / np.sum(beta ** np.arange(t + 1))
                for t in range(len(x))]
    np.testing.assert_allclose(mom.ewma(x, beta, bias_correction=True), expected, rtol=1e-12)


def test_constant_series_shows_the_start_up_bias_and_its_removal():
    beta, c = 0.9, 7.0
    x = np.full(30, c)
    t = np.arange(1, 31)
    np.testing.assert_allclose(mom.ewma(x, beta), c * (1 - beta**t), rtol=1e-12)
    np.testing.assert_allclose(mom.ewma(x, beta, bias_correction=True), c, rtol=1e-12)
    assert mom.ewma(x, beta)[0] == pytest.approx(0.7)


def test_beta_zero_is_the_series_itself():
    x = np.random.default_rng(5).normal(size=20)
    assert np.array_equal(mom.ewma(x, 0.0), x)
    assert np.array_equal(mom.ewma(x, 0.0, bias_correction=True), x)


def test_long_series_with_beta_near_one_stays_finite_and_quiet():
    x = np.ones(5000)
    out = mom.ewma(x, 0.999, bias_correction=True)
    assert np.all(np.isfinite(out)) and out[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("beta, window", [(0.0, 1.0), (0.5, 2.0), (0.9, 10.0), (0.98, 50.0)])
def test_effective_window(beta, window):
    assert mom.effective_window(beta) == pytest.approx(window)


def test_last_window_carries_about_63_percent_of_the_weight():
    beta = 0.999
    n = round(mom.effective_window(beta))
    assert 1 - beta**n == pytest.approx(1 - math.exp(-1), abs=1e-3)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (([1.0, 2.0], 1.0), {}, ValueError, r"beta must be in \[0, 1\), got 1.0"),
        (([1.0, 2.0], -0.1), {}, ValueError, r"beta must be in \[0, 1\)"),
        (([1.0, 2.0], float("nan")), {}, ValueError, "beta must be finite"),
        (([1.0, 2.0], "0.9"), {}, TypeError, "beta must be a real number"),
        (([1.0, 2.0], True), {}, TypeError, "beta must be a real number"),
        (([], 0.5), {}, ValueError, "x must not be empty"),
        (([[1.0, 2.0]], 0.5), {}, ValueError, "x must have 1 dimension"),
        (([1.0, float("nan")], 0.5), {}, ValueError, "x must contain only finite numbers"),
        ((["a", "b"], 0.5), {}, TypeError, "x must be numeric"),
        (([1.0, 2.0], 0.5), {"bias_correction": "yes"}, TypeError, "bias_correction must be True or False"),
    ],
)
def test_ewma_validates(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        mom.ewma(*args, **kwargs)


def test_effective_window_validates():
    with pytest.raises(ValueError, match="beta must be in"):
        mom.effective_window(1.0)


# -- momentum -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "objective, x0, lr",
    [
        (RAVINE, START, 0.07),  # converges
        (RAVINE, START, 0.081),  # diverges slowly
        (RAVINE, START, 0.2),  # diverges at once
        (RAVINE, START, 0.001),  # stops at max steps
        (QUARTIC, -2.0, 0.05),
        (QUARTIC, 0.5, 0.3),
        (Square(), 10.0, 1.0),  # bounces: max steps
    ],
)
def test_beta_zero_reproduces_plain_gradient_descent_exactly(objective, x0, lr):
    gd = gradient_descent(objective, x0, lr, max_steps=600, tol=1e-6, bound=100.0)
    for convention in mom.CONVENTIONS:
        run = mom.momentum(objective, x0, lr, 0.0, convention=convention, max_steps=600, tol=1e-6, bound=100.0)
        assert np.array_equal(run.iterates, gd.iterates)
        assert np.array_equal(run.losses, gd.losses)
        assert (run.status, run.steps) == (gd.status, gd.steps)


@pytest.mark.parametrize("lr, beta", [(0.2, 0.5), (0.5, 0.9), (1.0, 0.95), (0.2, 4 / 9), (0.3, 0.0), (1.4, 0.9)])
def test_the_two_conventions_give_the_same_iterates_after_rescaling(lr, beta):
    averaged = mom.momentum(RAVINE, START, lr, beta, max_steps=2000)
    summed = mom.momentum(RAVINE, START, mom.equivalent_lr(lr, beta), beta, convention="sum", max_steps=2000)
    assert (averaged.status, averaged.steps) == (summed.status, summed.steps)
    np.testing.assert_allclose(summed.iterates, averaged.iterates, rtol=0, atol=1e-12)
    # the summed velocity is the averaged one divided by 1 − β
    np.testing.assert_allclose(summed.velocities * (1 - beta), averaged.velocities, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("lr, beta", [(0.05, 0.9), (0.3, 0.9), (0.15, 0.4)])
def test_conventions_agree_on_the_quartic_too(lr, beta):
    averaged = mom.momentum(QUARTIC, -2.0, lr, beta, max_steps=3000, bound=100.0)
    summed = mom.momentum(QUARTIC, -2.0, lr * (1 - beta), beta, convention="sum", max_steps=3000, bound=100.0)
    assert (averaged.status, averaged.steps) == (summed.status, summed.steps)
    np.testing.assert_allclose(summed.iterates, averaged.iterates, rtol=0, atol=1e-12)


def test_equivalent_lr_round_trip():
    assert mom.equivalent_lr(0.5, 0.9) == pytest.approx(0.05)
    assert mom.equivalent_lr(0.05, 0.9, source="sum") == pytest.approx(0.5)
    assert mom.equivalent_lr(mom.equivalent_lr(0.37, 0.6), 0.6, source="sum") == pytest.approx(0.37)


def test_velocity_is_the_moving_average_of_the_gradients_and_drives_the_step():
    lr, beta = 0.2, 0.7
    run = mom.momentum(RAVINE, START, lr, beta, max_steps=50, tol=1e-12)
    grads = RAVINE.grad(run.iterates[:-1])
    for axis in range(2):
        np.testing.assert_allclose(run.velocities[1:, axis], mom.ewma(grads[:, axis], beta), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(run.iterates[1:], run.iterates[:-1] - lr * run.velocities[1:], rtol=0, atol=1e-14)
    assert np.all(run.velocities[0] == 0.0)


def test_loop_written_out_agrees():
    lr, beta = 0.2, 0.5
    w, v, path = START.copy(), 0.0, [START.copy()]
    for _ in range(40):
        v = beta * v + (1 - beta) * RAVINE.grad(w)
        w = w - lr * v
        path.append(w)
    run = mom.momentum(RAVINE, START, lr, beta, max_steps=40, tol=1e-12)
    assert np.array_equal(np.array(path), run.iterates)


def test_converged_run_meets_the_stopping_rule_and_earlier_iterates_do_not():
    lr, beta, tol = 0.2, 0.6, 1e-8
    run = mom.momentum(RAVINE, START, lr, beta, max_steps=5000, tol=tol)
    assert run.status == "converged"
    grads = RAVINE.grad(run.iterates)
    next_v = beta * run.velocities + (1 - beta) * grads  # the velocity of the step each iterate would take
    small = (np.linalg.norm(grads, axis=1) <= tol) & (np.linalg.norm(next_v, axis=1) <= tol)
    assert small[-1] and not np.any(small[:-1])


def test_a_fast_iterate_crossing_the_minimum_is_not_converged():
    # On x² with η = 1, β = 0.5 from x = 1: v_1 = 0.5·2 = 1, so x_1 = 0 exactly, where the gradient is 0;
    # but the iterate is still moving (v_2 = 0.5), and x_2 = -0.5. A gradient-only rule would stop at x_1.
    run = mom.momentum(Square(), 1.0, 1.0, 0.5, max_steps=500)
    assert run.iterates[1] == 0.0 and run.iterates[2] == -0.5
    assert run.status == "converged" and run.steps > 2 and abs(run.x) < 1e-6


def test_divergence_is_caught_before_overflow_and_nothing_non_finite_is_recorded():
    for lr in (5.0, 1e300):
        run = mom.momentum(QUARTIC, 2.0, lr, 0.9, max_steps=100)
        assert run.status == "diverged"
        assert np.all(np.isfinite(run.iterates)) and np.all(np.isfinite(run.losses))
        assert np.all(np.isfinite(run.velocities))
        assert np.all(np.abs(run.iterates[:-1]) <= run.bound)


def test_escaping_point_is_recorded_like_gradient_descent():
    run = mom.momentum(RAVINE, START, 0.2, 0.0, max_steps=100, bound=100.0)
    assert run.status == "diverged" and np.linalg.norm(run.iterates[-1]) > 100.0
    assert run.outcome() == f"diverged after {run.steps} steps"


def test_max_steps_run_is_reported_honestly():
    run = mom.momentum(RAVINE, START, 0.001, 0.5, max_steps=30)
    assert run.status == "max_steps" and run.steps == 30 and not run.converged
    assert run.outcome() == "not converged after 30 steps"


def test_run_record_is_a_run_and_can_be_classified():
    run = mom.momentum(QUARTIC, -2.0, 0.3, 0.9, max_steps=3000, bound=100.0)
    assert isinstance(run, Run) and isinstance(run, mom.MomentumRun)
    assert (run.beta, run.convention) == (0.9, "average")
    outcome = classify_run(run, QUARTIC)
    assert outcome.kind == "converged" and outcome.point_name == "global minimum"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(beta=1.0), ValueError, r"beta must be in \[0, 1\), got 1.0"),
        (dict(beta=-0.5), ValueError, r"beta must be in \[0, 1\)"),
        (dict(beta=float("nan")), ValueError, "beta must be finite"),
        (dict(beta="0.9"), TypeError, "beta must be a real number"),
        (dict(beta=None), TypeError, "beta must be a real number"),
        (dict(lr=0.0), ValueError, r"lr must be in \(0, inf\)"),
        (dict(lr=float("inf")), ValueError, "lr must be finite"),
        (dict(convention="nesterov"), ValueError, r"convention must be one of \['average', 'sum'\]"),
        (dict(max_steps=0), ValueError, r"max_steps must be an integer in \[1, 10000000\]"),
        (dict(max_steps=2.0), TypeError, "max_steps must be an integer"),
        (dict(tol=0.0), ValueError, "tol"),
        (dict(bound=-1.0), ValueError, "bound"),
        (dict(x0=[1.0]), ValueError, "x0 must have 2 coordinate"),
        (dict(x0=1.0), ValueError, "x0 must have 2 coordinates"),
        (dict(x0=[np.nan, 1.0]), ValueError, "x0 must contain only finite numbers"),
        (dict(x0=[1e7, 0.0]), ValueError, "x0 must lie inside the divergence bound"),
        (dict(objective=lambda x: x), TypeError, "objective must be a helpers Objective"),
    ],
)
def test_momentum_validates(kwargs, error, match):
    args = dict(objective=RAVINE, x0=START, lr=0.1, beta=0.5) | kwargs
    with pytest.raises(error, match=match):
        mom.momentum(**args)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr=-1.0), ValueError, "lr must be in"),
        (dict(beta=1.0), ValueError, "beta must be in"),
        (dict(source="other"), ValueError, "source must be one of"),
    ],
)
def test_equivalent_lr_validates(kwargs, error, match):
    with pytest.raises(error, match=match):
        mom.equivalent_lr(**(dict(lr=0.5, beta=0.9) | kwargs))


# -- the stability limit ------------------------------------------------------------------------------
def test_stability_limit_values():
    assert mom.stability_limit(0.0, 25.0) == pytest.approx(2 / 25)
    assert mom.stability_limit(0.9, 25.0) == pytest.approx(2 * 1.9 / (0.1 * 25))
    assert mom.stability_limit(0.9, 25.0, convention="sum") == pytest.approx(2 * 1.9 / 25)
    np.testing.assert_allclose(mom.stability_limit(np.array([0.0, 0.5]), 2.0), [1.0, 3.0])


@pytest.mark.parametrize("convention", mom.CONVENTIONS)
@pytest.mark.parametrize("beta", [0.0, 0.3, 0.6, 0.9, 0.97])
@pytest.mark.parametrize("lam", [2.0, 25.0])
def test_stability_limit_predicts_convergence_below_and_divergence_above(convention, beta, lam):
    bowl = Quadratic2D((lam, lam))
    limit = mom.stability_limit(beta, lam, convention=convention)
    below = mom.momentum(bowl, [3.0, -1.0], 0.98 * limit, beta, convention=convention, max_steps=100_000,
                         bound=1e3)
    above = mom.momentum(bowl, [3.0, -1.0], 1.02 * limit, beta, convention=convention, max_steps=100_000,
                         bound=1e3)
    assert below.status == "converged"
    assert above.status == "diverged"


def test_at_the_limit_itself_the_iterates_bounce_forever():
    beta, lam = 0.5, 4.0
    run = mom.momentum(Quadratic2D((lam, lam)), [1.0, 1.0], mom.stability_limit(beta, lam), beta, max_steps=400)
    assert run.status == "max_steps"
    tail = np.abs(run.iterates[-50:, 0])
    assert 0.1 < tail.max() < 10.0  # neither decaying to 0 nor blowing up


def companion_radius(lr, beta, lam, convention):
    h = lr * (1 - beta) * lam if convention == "average" else lr * lam
    return max(abs(np.roots([1.0, -(1 + beta - h), beta])))


@pytest.mark.parametrize("convention", mom.CONVENTIONS)
@pytest.mark.parametrize("lr, beta, lam", [(0.2, 0.5, 25.0), (0.05, 0.9, 1.0), (1.0, 0.3, 3.0), (0.01, 0.0, 5.0),
                                           (3.0, 0.95, 25.0)])
def test_spectral_radius_is_the_largest_root_modulus(convention, lr, beta, lam):
    expected = companion_radius(lr, beta, lam, convention)
    assert mom.spectral_radius(lr, beta, lam, convention=convention) == pytest.approx(expected, rel=1e-9)


def test_spectral_radius_matches_the_observed_decay():
    lr, beta, lam = 0.03, 0.2, 10.0  # real roots (trace² > 4β): a clean geometric tail
    run = mom.momentum(Quadratic2D((lam, lam)), [1.0, 1.0], lr, beta, max_steps=400, tol=1e-300)
    x = np.abs(run.iterates[:, 0])
    observed = (x[150] / x[50]) ** (1 / 100)
    assert observed == pytest.approx(mom.spectral_radius(lr, beta, lam), rel=1e-6)


def test_spectral_radius_crosses_one_at_the_limit():
    for beta in (0.0, 0.4, 0.9):
        limit = mom.stability_limit(beta, 25.0)
        radii = mom.spectral_radius(np.array([0.99, 1.0, 1.01]) * limit, beta, 25.0)
        assert radii[0] < 1.0 and radii[1] == pytest.approx(1.0) and radii[2] > 1.0


def test_optimal_parameters_balance_both_directions_and_beat_their_neighbours():
    lr, beta = mom.optimal_parameters([1.0, 25.0])
    assert (lr, beta) == (pytest.approx(0.2), pytest.approx(4 / 9))
    best = max(mom.spectral_radius(lr, beta, lam) for lam in (1.0, 25.0))
    assert best == pytest.approx(2 / 3)
    for dl, db in [(1.05, 0), (0.95, 0), (1, 0.02), (1, -0.02)]:
        worse = max(mom.spectral_radius(lr * dl, beta + db, lam) for lam in (1.0, 25.0))
        assert worse > best
    lr_sum, beta_sum = mom.optimal_parameters([1.0, 25.0], convention="sum")
    assert beta_sum == beta and lr_sum == pytest.approx(lr * (1 - beta))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: mom.stability_limit(1.0, 25.0), ValueError, r"beta must be in \[0, 1\)"),
        (lambda: mom.stability_limit(np.array([0.5, 1.2]), 25.0), ValueError, r"beta must be in \[0, 1\)"),
        (lambda: mom.stability_limit(0.5, 0.0), ValueError, "curvature must be in"),
        (lambda: mom.stability_limit(0.5, 1.0, convention="x"), ValueError, "convention must be one of"),
        (lambda: mom.spectral_radius(0.0, 0.5, 1.0), ValueError, r"lr must be in \(0, inf\)"),
        (lambda: mom.spectral_radius(0.1, -0.5, 1.0), ValueError, "beta must be in"),
        (lambda: mom.spectral_radius(0.1, 0.5, -1.0), ValueError, r"curvature must be in \(0, inf\), got -1.0"),
        (lambda: mom.spectral_radius(0.1, 0.5, np.nan), ValueError, "curvature must contain only finite"),
        (lambda: mom.optimal_parameters([0.0, 1.0]), ValueError, "curvatures must all be > 0, got 0.0"),
        (lambda: mom.optimal_parameters([[1.0, 2.0]]), ValueError, "curvatures must have 1 dimension"),
    ],
)
def test_theory_functions_validate(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- whole grids at once ------------------------------------------------------------------------------
@pytest.mark.parametrize("convention", mom.CONVENTIONS)
@pytest.mark.parametrize("objective, x0, lrs", [
    (RAVINE, START, np.geomspace(0.01, 3.0, 13)),
    (QUARTIC, -2.0, np.geomspace(0.01, 1.0, 13)),
])
def test_every_grid_cell_is_exactly_the_single_run(convention, objective, x0, lrs):
    betas = np.linspace(0.0, 0.97, 9)
    grid = mom.momentum_grid(objective, x0, lrs[None, :], betas[:, None], convention=convention, max_steps=400,
                             bound=100.0, tail=6)
    assert grid.status.shape == (9, 13) and grid.steps.shape == (9, 13)
    assert grid.x.shape == (9, 13) + np.shape(x0)
    assert set(grid.status.ravel()) == {"converged", "diverged", "max_steps"}  # all three paths are exercised
    for i, beta in enumerate(betas):
        for j, lr in enumerate(lrs):
            run = mom.momentum(objective, x0, lr, beta, convention=convention, max_steps=400, bound=100.0)
            assert (grid.status[i, j], grid.steps[i, j]) == (run.status, run.steps)
            assert np.array_equal(grid.x[i, j], run.iterates[-1])
            tail = run.iterates[-6:]
            if len(tail) < 6:
                tail = np.concatenate([run.iterates[:1].repeat(6 - len(tail), axis=0), tail])
            if run.status == "max_steps":
                assert np.array_equal(grid.tail[i, j], tail)
            else:
                assert np.array_equal(grid.tail[i, j][-1], run.iterates[-1])
    counts = grid.counts()
    assert sum(counts.values()) == grid.status.size


def test_grid_broadcasts_scalars_and_vectors():
    grid = mom.momentum_grid(RAVINE, START, 0.2, np.array([0.0, 0.5, 0.9]), max_steps=300, bound=100.0)
    assert grid.status.shape == (3,)
    assert list(grid.status) == ["diverged", "converged", "max_steps"]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr=np.array([0.1, 0.0])), ValueError, r"lr must be in \(0, inf\), got 0.0"),
        (dict(beta=np.array([0.5, 1.0])), ValueError, r"beta must be in \[0, 1\), got 1.0"),
        (dict(lr=np.ones(3), beta=np.full(4, 0.5)), ValueError, "lr and beta must broadcast together"),
        (dict(tail=0), ValueError, r"tail must be an integer in \[1, 1000\]"),
        (dict(max_steps=0), ValueError, "max_steps"),
        (dict(convention="heavy"), ValueError, "convention must be one of"),
        (dict(x0=[1.0, 2.0, 3.0]), ValueError, "x0 must have 2 coordinate"),
    ],
)
def test_grid_validates(kwargs, error, match):
    args = dict(objective=RAVINE, x0=START, lr=np.array([0.1, 0.2]), beta=0.5) | kwargs
    with pytest.raises(error, match=match):
        mom.momentum_grid(**args)


def test_outcome_map_names_each_cell_like_a_single_classified_run():
    lrs = np.geomspace(0.02, 1.0, 9)
    betas = np.array([0.0, 0.5, 0.9, 0.96])
    qmap = mom.momentum_outcome_map(QUARTIC, -2.0, lrs, betas, max_steps=3000, bound=100.0)
    assert qmap.code.shape == (4, 9)
    for i, beta in enumerate(betas):
        for j, lr in enumerate(lrs):
            outcome = classify_run(mom.momentum(QUARTIC, -2.0, lr, beta, max_steps=3000, bound=100.0), QUARTIC)
            label = qmap.labels[qmap.code[i, j]]
            if outcome.kind == "converged":
                assert label == f"converged to the {outcome.point_name} x* = {outcome.point.x:.2f}"
            else:
                assert label.startswith({"cycle": "cycle", "bounded": "bounded", "diverged": "diverged"}[outcome.kind])
    glob = qmap.code_of("converged to the global")
    assert not np.any(qmap.code[0] == glob)  # plain gradient descent never gets over the hump from -2 ...
    assert np.any(qmap.code == glob)  # ... momentum does for some settings
    assert sum(qmap.fraction(c) for c in qmap.present()) == pytest.approx(1.0)


def test_outcome_map_validates():
    with pytest.raises(TypeError, match="objective must be a helpers Objective of one variable"):
        mom.momentum_outcome_map(RAVINE, START, [0.1], [0.5])
    with pytest.raises(ValueError, match="lr must have 1 dimension"):
        mom.momentum_outcome_map(QUARTIC, -2.0, [[0.1]], [0.5])
    qmap = mom.momentum_outcome_map(QUARTIC, -2.0, [0.1], [0.5], max_steps=50)
    with pytest.raises(ValueError, match="label_start must match exactly one"):
        qmap.code_of("converged")


# -- noisy mini-batch gradients -----------------------------------------------------------------------
def regression_data():
    rng = np.random.default_rng(11)
    x = rng.uniform(-2, 2, 60)
    return x, 1.5 * x - 0.5 + 0.3 * rng.standard_normal(60)


def test_minibatch_momentum_with_beta_zero_is_plain_minibatch_sgd():
    x, y = regression_data()
    run = mom.minibatch_momentum(x, y, [0.0, 0.0], 0.1, 0.0, batch_size=8, epochs=3, rng=np.random.default_rng(2))
    rng, p, path = np.random.default_rng(2), np.zeros(2), [np.zeros(2)]
    for _ in range(3):
        for idx in batches(60, 8, rng=rng):
            p = p - 0.1 * mse_grad(p, x[idx], y[idx])
            path.append(p)
    assert np.array_equal(run.params, np.array(path))
    assert run.updates == 3 * 8 and run.status == "max_steps"


def test_minibatch_velocity_is_the_moving_average_of_the_batch_gradients():
    x, y = regression_data()
    run = mom.minibatch_momentum(x, y, [1.0, 1.0], 0.05, 0.8, batch_size=5, epochs=2, rng=np.random.default_rng(3))
    for axis in range(2):
        np.testing.assert_allclose(run.velocities[1:, axis], mom.ewma(run.batch_grads[:, axis], 0.8), rtol=1e-12,
                                   atol=1e-14)
    np.testing.assert_allclose(run.losses[0], np.mean((y - (x + 1.0)) ** 2))


def test_minibatch_conventions_agree_after_rescaling():
    x, y = regression_data()
    a = mom.minibatch_momentum(x, y, [0.0, 0.0], 0.2, 0.9, batch_size=6, epochs=4, rng=np.random.default_rng(5))
    s = mom.minibatch_momentum(x, y, [0.0, 0.0], 0.2 * 0.1, 0.9, batch_size=6, epochs=4, rng=np.random.default_rng(5),
                               convention="sum")
    np.testing.assert_allclose(s.params, a.params, rtol=0, atol=1e-12)


def test_minibatch_divergence_is_caught():
    x, y = regression_data()
    run = mom.minibatch_momentum(x, y, [0.0, 0.0], 50.0, 0.5, batch_size=10, epochs=50, rng=np.random.default_rng(1),
                                 bound=1e3)
    assert run.status == "diverged"
    assert np.all(np.isfinite(run.params)) and np.all(np.abs(run.params) <= 1e3)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(y=np.zeros(5)), ValueError, "x and y must have the same length"),
        (dict(params0=[0.0]), ValueError, r"params0 must have shape \(2,\)"),
        (dict(batch_size=61), ValueError, r"batch_size must be an integer in \[1, 60\]"),
        (dict(epochs=0), ValueError, "epochs must be an integer"),
        (dict(rng=0), TypeError, "rng must be a numpy.random.Generator"),
        (dict(beta=1.0), ValueError, "beta must be in"),
        (dict(lr=0.0), ValueError, "lr must be in"),
        (dict(convention="x"), ValueError, "convention must be one of"),
        (dict(params0=[1e7, 0.0]), ValueError, "params0 must lie inside the bound"),
    ],
)
def test_minibatch_momentum_validates(kwargs, error, match):
    x, y = regression_data()
    args = dict(x=x, y=y, params0=[0.0, 0.0], lr=0.1, beta=0.5, batch_size=10, epochs=1,
                rng=np.random.default_rng(0)) | kwargs
    with pytest.raises(error, match=match):
        mom.minibatch_momentum(**args)
