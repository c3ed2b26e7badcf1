"""The line fit (helpers.regression): loss, gradient, exact answer, the statistics of batch gradients, and fit()."""

import math

import numpy as np
import pytest

from helpers import steps
from helpers.data import linear_regression
from helpers.regression import (
    _LineFit,
    excess_loss,
    fit,
    least_squares,
    mse_grad,
    mse_loss,
    predicted_batch_variance,
    sample_batch_grads,
)


@pytest.fixture(scope="module")
def data():
    return linear_regression(300, w=2.0, b=-1.0, noise=1.0, rng=np.random.default_rng(7))


def rng(seed=0):
    return np.random.default_rng(seed)


def frozen(x, state, grad, lr):
    """An update rule that never moves: every batch gradient of a run is then taken at the start."""
    return x, state


def sample_grads(params, x, y):
    """Gradients of the per-sample losses (y_i − (w·x_i + b))², one row per point."""
    w, b = params
    r = y - (w * x + b)
    return np.column_stack([-2.0 * r * x, -2.0 * r])


def batch_grad(theta, x, y):
    """The batch's gradient (−2·mean(r·x), −2·mean(r)), written out."""
    r = y - (theta[0] * x + theta[1])
    return np.array([-2.0 * np.mean(r * x), -2.0 * np.mean(r)])


def plain_loop(x, y, lr, batch_size, epochs, seed, shuffle=True, decay=0.0, params0=(0.0, 0.0), beta=None):
    """The textbook loop: a fresh permutation per epoch, batches cut in order, the last one smaller."""
    g = rng(seed)
    n = len(x)
    theta, v = np.array(params0, dtype=float), np.zeros(2)
    out = [theta]
    for e in range(epochs):
        order = g.permutation(n) if shuffle else np.arange(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            grad = batch_grad(theta, x[idx], y[idx])
            if beta is not None:
                v = beta * v + (1 - beta) * grad
                grad = v
            theta = theta - lr / (1 + decay * e) * grad
            out.append(theta)
    return np.array(out)


# -- primitives ---------------------------------------------------------------------------------------
def test_mse_loss_on_hand_computed_values():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    assert mse_loss((2.0, 1.0), x, y) == 0.0
    assert mse_loss((0.0, 0.0), x, y) == pytest.approx((1 + 9 + 25) / 3)
    assert mse_loss((1.0, 0.0), x, y) == pytest.approx((1 + 4 + 9) / 3)
    assert isinstance(mse_loss((1.0, 0.0), x, y), float)


def test_mse_grad_on_hand_computed_values():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    # at (0, 0) the residuals are y: ∂L/∂w = −2·(0 + 3 + 10)/3, ∂L/∂b = −2·(1 + 3 + 5)/3
    np.testing.assert_allclose(mse_grad((0.0, 0.0), x, y), [-26 / 3, -6.0])
    np.testing.assert_array_equal(mse_grad((2.0, 1.0), x, y), [0.0, 0.0])


@pytest.mark.parametrize("params", [(0.0, 0.0), (-1.0, 2.0), (3.5, -2.25)])
def test_mse_grad_matches_central_differences(data, params):
    x, y = data
    h = 1e-6
    numeric = [
        (mse_loss(np.add(params, e), x, y) - mse_loss(np.subtract(params, e), x, y)) / (2 * h)
        for e in (np.array([h, 0.0]), np.array([0.0, h]))
    ]
    grad = mse_grad(params, x, y)
    assert grad.shape == (2,)
    np.testing.assert_allclose(grad, numeric, rtol=1e-7, atol=1e-8)


def test_least_squares_agrees_with_lstsq_and_zeroes_the_gradient(data):
    x, y = data
    A = np.column_stack([x, np.ones_like(x)])
    expected = np.linalg.lstsq(A, y, rcond=None)[0]
    opt = least_squares(x, y)
    np.testing.assert_allclose(opt, expected, rtol=1e-12)
    assert np.max(np.abs(mse_grad(opt, x, y))) < 1e-13
    for d in ([1e-3, 0.0], [0.0, 1e-3], [-1e-3, 1e-3]):
        assert mse_loss(opt + d, x, y) > mse_loss(opt, x, y)


def test_least_squares_of_an_exact_line():
    x = np.array([-1.0, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(least_squares(x, 0.5 * x + 4.0), [0.5, 4.0], rtol=1e-14)


def test_excess_loss(data):
    x, y = data
    opt = least_squares(x, y)
    assert excess_loss(opt, x, y) == 0.0
    points = np.array([[0.0, 0.0], [-1.0, 2.0], [opt[0] + 1e-3, opt[1]]])
    expected = [mse_loss(p, x, y) - mse_loss(opt, x, y) for p in points]
    out = excess_loss(points, x, y)
    assert out.shape == (3,)
    np.testing.assert_allclose(out, expected, rtol=1e-8)
    assert isinstance(excess_loss((0.0, 0.0), x, y), float)


def test_excess_loss_stays_accurate_where_a_difference_of_losses_is_noise(data):
    x, y = data
    opt = least_squares(x, y)
    tiny = excess_loss(opt + np.array([1e-9, 0.0]), x, y)
    assert tiny == pytest.approx(np.mean(x * x) * 1e-18, rel=1e-6)  # ½·H_ww·dw² with H_ww = 2·mean x²


def test_line_fit_loss_is_the_mse_at_every_row(data):
    x, y = data
    model = _LineFit(x, y)
    rows = np.array([[0.0, 0.0], [2.0, -1.0], [-3.0, 5.0], least_squares(x, y)])
    np.testing.assert_allclose(model.loss(rows), [mse_loss(p, x, y) for p in rows], rtol=1e-12)
    assert model.n == 300
    assert model.grad_norm((0.5, 0.5)) == pytest.approx(np.linalg.norm(batch_grad((0.5, 0.5), x, y)), rel=1e-12)


def test_line_fit_batch_coefficients_give_the_batch_gradient(data):
    x, y = data
    model = _LineFit(x, y)
    order = rng(4).permutation(len(x))
    starts = np.arange(0, len(x), 70)  # batches of 70, the last one of 20
    theta = np.array([0.3, -0.7])
    coefficients = model.affine(order, starts)
    assert len(coefficients) == 5
    for (a, c, d, e, f), start in zip(coefficients, starts, strict=True):
        idx = order[start:start + 70]
        gw, gb = a * theta[0] + c * theta[1] - d, c * theta[0] + e * theta[1] - f
        np.testing.assert_allclose([gw, gb], batch_grad(theta, x[idx], y[idx]), rtol=1e-10, atol=1e-12)


# -- fit: the one code path for every batch size ------------------------------------------------------
def test_full_batch_converges_to_least_squares(data):
    x, y = data
    result = fit(x, y, steps.gradient_descent, lr=0.3, batch_size=len(x), epochs=500, rng=rng(),
                 params0=(-1.0, 2.0), tol=1e-10)
    assert result.status == "converged" and result.converged
    np.testing.assert_allclose(result.x, least_squares(x, y), rtol=0, atol=1e-8)
    assert np.linalg.norm(mse_grad(result.x, x, y)) <= 1e-10
    epoch_params = result.iterates[result.epoch_ends]
    assert np.all(np.linalg.norm([mse_grad(p, x, y) for p in epoch_params[:-1]], axis=1) > 1e-10)


def test_batch_size_n_is_full_batch_exactly(data):
    x, y = data
    n = len(x)
    runs = [fit(x, y, steps.gradient_descent, lr=0.2, batch_size=n, epochs=30, rng=r, shuffle=shuffle, tol=0)
            for r, shuffle in [(rng(0), True), (rng(1), True), (rng(2), False), (None, True)]]
    for result in runs[1:]:
        np.testing.assert_array_equal(result.iterates, runs[0].iterates)  # rng and shuffle play no part
    full = runs[0]
    assert full.updates == full.epochs == full.steps == 30 and full.updates_per_epoch == 1
    np.testing.assert_array_equal(full.evals, n * np.arange(31))
    np.testing.assert_array_equal(full.epoch_ends, np.arange(31))
    theta, expected = np.zeros(2), [np.zeros(2)]
    for _ in range(30):  # full-batch gradient descent written independently
        theta = theta - 0.2 * batch_grad(theta, x, y)
        expected.append(theta)
    np.testing.assert_allclose(full.iterates, expected, rtol=1e-12, atol=1e-14)


def test_batch_size_one_is_sgd(data):
    x, y = data
    n, lr = len(x), 0.01
    result = fit(x, y, steps.gradient_descent, lr=lr, batch_size=1, epochs=3, rng=rng(11), tol=0)
    assert result.updates == 3 * n and result.updates_per_epoch == n
    np.testing.assert_array_equal(np.diff(result.evals), np.ones(3 * n))
    g, w, b, expected = rng(11), 0.0, 0.0, [(0.0, 0.0)]
    for _ in range(3):  # per-sample loss (y_i − ŷ_i)², no 1/n; one sample per update
        for i in g.permutation(n):
            r = y[i] - (w * x[i] + b)
            w, b = w + 2 * lr * r * x[i], b + 2 * lr * r
            expected.append((w, b))
    np.testing.assert_allclose(result.iterates, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("size, shuffle, decay", [(1, True, 0.0), (7, True, 0.0), (32, False, 0.0), (50, True, 0.5)])
def test_every_batch_size_agrees_with_the_plain_loop(data, size, shuffle, decay):
    x, y = data
    result = fit(x, y, steps.gradient_descent, lr=0.05, batch_size=size, epochs=4, rng=rng(2), shuffle=shuffle,
                 decay=decay, tol=0)
    np.testing.assert_allclose(result.iterates, plain_loop(x, y, 0.05, size, 4, 2, shuffle, decay), rtol=1e-10,
                               atol=1e-12)
    per_epoch = math.ceil(len(x) / size)
    assert result.updates == 4 * per_epoch == result.updates_per_epoch * 4
    np.testing.assert_array_equal(result.epoch_ends, per_epoch * np.arange(5))
    sizes = np.diff(result.evals)[:per_epoch]
    assert sizes.sum() == len(x) and sizes[-1] == (len(x) % size or size)


def test_record_losses_are_the_full_data_mse(data):
    x, y = data
    result = fit(x, y, steps.gradient_descent, lr=0.05, batch_size=16, epochs=3, rng=rng(), tol=0)
    rows = [0, 1, 5, result.updates // 2, result.updates]
    np.testing.assert_allclose(result.losses[rows], [mse_loss(result.iterates[k], x, y) for k in rows], rtol=1e-12)
    assert len(result.losses) == len(result.iterates) == len(result.evals) == result.updates + 1
    np.testing.assert_array_equal(result.x, result.iterates[-1])
    assert (result.n, result.batch_size, result.max_epochs, result.lr) == (300, 16, 3, 0.05)


def test_same_seed_repeats_and_another_seed_differs(data):
    x, y = data
    a, b, c = (fit(x, y, steps.gradient_descent, lr=0.05, batch_size=8, epochs=2, rng=rng(s), tol=0) for s in (4, 4, 5))
    np.testing.assert_array_equal(a.iterates, b.iterates)
    assert not np.array_equal(a.iterates, c.iterates)
    d, e = (fit(x, y, steps.gradient_descent, lr=0.05, batch_size=8, epochs=2, rng=rng(s), shuffle=False, tol=0)
            for s in (4, 5))
    np.testing.assert_array_equal(d.iterates, e.iterates)


def test_decay_schedule(data):
    x, y = data  # full batches: one step per epoch, with η/(1 + decay·e)
    result = fit(x, y, steps.gradient_descent, lr=0.1, batch_size=len(x), epochs=3, rng=None, decay=2.0, tol=0)
    assert result.decay == 2.0
    theta, expected = np.zeros(2), [np.zeros(2)]
    for eta in (0.1, 0.1 / 3, 0.1 / 5):
        theta = theta - eta * batch_grad(theta, x, y)
        expected.append(theta)
    np.testing.assert_allclose(result.iterates, expected, rtol=1e-12, atol=1e-14)


def test_converged_status_stops_early_and_tol_zero_runs_every_epoch(data):
    x, y = data
    early = fit(x, y, steps.gradient_descent, lr=0.3, batch_size=len(x), epochs=200, rng=rng(), tol=1e-6)
    assert early.status == "converged" and early.epochs < 200
    assert early.outcome() == f"converged in {early.epochs} epochs ({early.updates} updates)"
    every = fit(x, y, steps.gradient_descent, lr=0.3, batch_size=len(x), epochs=200, rng=rng(), tol=0)
    assert every.status == "max_steps" and every.epochs == 200
    assert every.outcome() == "not converged after 200 epochs (200 updates)"
    at_start = fit(x, y, steps.gradient_descent, lr=0.3, batch_size=5, epochs=3, rng=rng(),
                   params0=least_squares(x, y), tol=1e-6)
    assert at_start.status == "converged" and at_start.updates == 0 and at_start.epochs == 0
    assert len(at_start.iterates) == 1


def test_constant_rate_sgd_never_meets_a_tight_tolerance(data):
    x, y = data
    result = fit(x, y, steps.gradient_descent, lr=0.02, batch_size=1, epochs=30, rng=rng(), tol=1e-6)
    assert result.status == "max_steps" and not result.converged


@pytest.mark.parametrize("lr, size", [(5.0, 1), (5.0, 10), (50.0, 300), (1e300, 3)])
def test_divergence_is_caught_before_overflow(data, lr, size):
    x, y = data
    result = fit(x, y, steps.gradient_descent, lr=lr, batch_size=size, epochs=50, rng=rng(), params0=(1.0, 1.0),
                 bound=1e6)
    assert result.status == "diverged"
    assert result.outcome().startswith(f"diverged in epoch {result.epochs + 1} (after")
    assert np.all(np.abs(result.iterates) <= 1e6) and np.all(np.isfinite(result.losses))
    assert len(result.losses) == len(result.evals) == result.updates + 1


def test_noise_ball_with_a_constant_rate_and_convergence_with_a_decaying_one(data):
    x, y = data
    kw = dict(batch_size=1, epochs=60, params0=(-1.0, 2.0), tol=0)
    const = fit(x, y, steps.gradient_descent, lr=0.02, rng=rng(1), **kw)
    decay = fit(x, y, steps.gradient_descent, lr=0.02, decay=1.0, rng=rng(1), **kw)
    const_epochs, decay_epochs = const.iterates[const.epoch_ends], decay.iterates[decay.epoch_ends]
    late_const = excess_loss(const_epochs[-20:], x, y)
    late_decay = excess_loss(decay_epochs[-20:], x, y)
    # constant η: stays in a ball of roughly constant size; decaying η: keeps shrinking
    assert np.mean(late_const) > 20 * np.mean(late_decay)
    assert np.mean(excess_loss(const_epochs[20:40], x, y)) < 5 * np.mean(late_const)
    assert np.mean(excess_loss(decay_epochs[20:40], x, y)) > 1.5 * np.mean(late_decay)


# -- fit with momentum: noisy mini-batch gradients ----------------------------------------------------
def regression_data():
    g = rng(11)
    x = g.uniform(-2, 2, 60)
    return x, 1.5 * x - 0.5 + 0.3 * g.standard_normal(60)


def test_momentum_with_beta_zero_is_plain_minibatch_sgd():
    x, y = regression_data()
    result = fit(x, y, steps.momentum, lr=0.1, beta=0.0, batch_size=8, epochs=3, rng=rng(2), tol=0)
    np.testing.assert_allclose(result.iterates, plain_loop(x, y, 0.1, 8, 3, 2), rtol=1e-10, atol=1e-12)
    assert result.updates == 3 * 8 and result.status == "max_steps"


def test_momentum_agrees_with_the_plain_loop():
    x, y = regression_data()
    result = fit(x, y, steps.momentum, lr=0.05, beta=0.8, batch_size=7, epochs=4, rng=rng(6), params0=(1.0, -1.0),
                 decay=0.5, tol=0)
    expected = plain_loop(x, y, 0.05, 7, 4, 6, decay=0.5, params0=(1.0, -1.0), beta=0.8)
    np.testing.assert_allclose(result.iterates, expected, rtol=1e-10, atol=1e-12)
    assert result.beta == 0.8


def test_velocity_is_the_moving_average_of_the_batch_gradients():
    x, y = regression_data()
    beta = 0.8
    result = fit(x, y, steps.momentum, lr=0.05, beta=beta, batch_size=5, epochs=2, rng=rng(3), params0=(1.0, 1.0),
                 tol=0, trace=True)
    assert result.gradients.shape == (result.updates, 2) and result.states.shape == (result.updates + 1, 2)
    v, expected = np.zeros(2), [np.zeros(2)]
    for g in result.gradients:
        v = beta * v + (1 - beta) * g
        expected.append(v)
    np.testing.assert_allclose(result.states, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.diff(result.iterates, axis=0), -0.05 * result.states[1:], rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(result.losses[0], np.mean((y - (x + 1.0)) ** 2))
    # each recorded gradient is the gradient of a batch of 5 at the parameters before that update
    g = rng(3)
    order = g.permutation(60)
    for k in range(12):
        idx = order[5 * k:5 * k + 5]
        np.testing.assert_allclose(result.gradients[k], batch_grad(result.iterates[k], x[idx], y[idx]), rtol=1e-9,
                                   atol=1e-12)


def test_momentum_conventions_agree_after_rescaling():
    x, y = regression_data()
    kw = dict(beta=0.9, batch_size=6, epochs=4, tol=0)
    a = fit(x, y, steps.momentum, lr=0.2, rng=rng(5), **kw)
    s = fit(x, y, steps.momentum_sum, lr=0.2 * 0.1, rng=rng(5), **kw)
    np.testing.assert_allclose(s.iterates, a.iterates, rtol=0, atol=1e-12)


def test_momentum_divergence_is_caught():
    x, y = regression_data()
    result = fit(x, y, steps.momentum, lr=50.0, beta=0.5, batch_size=10, epochs=50, rng=rng(1), bound=1e3)
    assert result.status == "diverged"
    assert np.all(np.isfinite(result.iterates)) and np.all(np.abs(result.iterates) <= 1e3)


# -- the statistics of the mini-batch gradient --------------------------------------------------------
def test_per_sample_gradients_average_to_the_full_gradient(data):
    x, y = data
    g = sample_grads((0.5, 0.5), x, y)
    np.testing.assert_allclose(g.mean(axis=0), mse_grad((0.5, 0.5), x, y), rtol=1e-12)
    np.testing.assert_allclose(g[:7], [mse_grad((0.5, 0.5), x[i:i + 1], y[i:i + 1]) for i in range(7)], rtol=1e-12)


def test_the_batches_of_one_epoch_average_to_the_full_gradient_exactly(data):
    x, y = data  # 300 points in 10 equal batches: the mean of the batch means is the full mean
    result = fit(x, y, frozen, lr=1.0, batch_size=30, epochs=1, rng=rng(9), params0=(0.5, -0.5), tol=0, trace=True)
    assert result.gradients.shape == (10, 2)
    np.testing.assert_allclose(result.gradients.mean(axis=0), mse_grad((0.5, -0.5), x, y), rtol=1e-12)
    assert np.ptp(result.gradients[:, 0]) > 0  # the batches do differ


@pytest.mark.parametrize("size", [1, 10, 100])
def test_minibatch_gradient_is_unbiased(data, size):
    """Statistical test, fixed seed: each component of the mean of 20 000 batch gradients lies within
    4 standard errors of the full gradient (a fair estimator fails this with probability ≈ 6e−5)."""
    x, y = data
    params, draws = (0.5, 0.5), 20_000
    g = sample_batch_grads(params, x, y, size, draws, rng=rng(123))
    assert g.shape == (draws, 2)
    full = mse_grad(params, x, y)
    per_sample = sample_grads(params, x, y)
    n = len(x)
    se = np.sqrt(per_sample.var(axis=0) / size * (n - size) / (n - 1) / draws)
    assert np.all(np.abs(g.mean(axis=0) - full) <= 4 * se)
    assert np.all(se > 0)


@pytest.mark.parametrize("size", [1, 3, 30, 150, 299])
def test_measured_batch_variance_matches_the_prediction(data, size):
    x, y = data
    params = (0.5, 0.5)
    g = sample_batch_grads(params, x, y, size, 20_000, rng=rng(size))
    measured = float(np.mean(np.sum((g - mse_grad(params, x, y)) ** 2, axis=1)))
    predicted = predicted_batch_variance(params, x, y, size)
    assert measured == pytest.approx(predicted, rel=0.05)


def test_sampled_batches_are_batches_of_distinct_points():
    x, y = np.arange(5.0), np.zeros(5)  # at (w, b) = (0, −1) every residual is 1: a point's gradient is (−2x, −2)
    g = sample_batch_grads((0.0, -1.0), x, y, 5, 3, rng=rng())
    np.testing.assert_allclose(g, np.tile([-4.0, -2.0], (3, 1)))  # all five points once: mean of −2x is −4
    g2 = sample_batch_grads((0.0, -1.0), x, y, 2, 1000, rng=rng(1))
    pair_sums = np.round(-g2[:, 0]).astype(int)  # −mean(−2x_i, −2x_j) = x_i + x_j
    assert set(pair_sums.tolist()) == {1, 2, 3, 4, 5, 6, 7}  # 0 + 0 or 4 + 4 would need a repeated point


def test_predicted_variance_formula_by_hand():
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, -1.0, 0.0, 2.0])
    g = np.array([[0.0, -2.0 * 1.0], [-2.0 * -1.0 * 1.0, -2.0 * -1.0], [0.0, 0.0], [-2.0 * 2.0 * 3.0, -2.0 * 2.0]])
    spread = np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1))
    assert predicted_batch_variance((0.0, 0.0), x, y, 1) == pytest.approx(spread)
    assert predicted_batch_variance((0.0, 0.0), x, y, 2) == pytest.approx(spread / 2 * 2 / 3)
    assert predicted_batch_variance((0.0, 0.0), x, y, 4) == 0.0
    assert predicted_batch_variance((0.0, 0.0), [1.0], [2.0], 1) == 0.0  # one point: no randomness
    # every batch of size n is the whole set: no noise at all
    g4 = sample_batch_grads((0.0, 0.0), x, y, 4, 5, rng=rng())
    np.testing.assert_allclose(g4, np.tile(mse_grad((0.0, 0.0), x, y), (5, 1)), rtol=1e-14)


# -- validation ---------------------------------------------------------------------------------------
X3, Y3 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 2.0])
GD = steps.gradient_descent


@pytest.mark.parametrize(
    "call, error, match",
    [
        pytest.param(lambda: mse_loss((1.0, 2.0, 3.0), X3, Y3), ValueError, r"params must have shape \(2,\)",
                     id="loss-params-shape"),
        pytest.param(lambda: mse_loss((1.0, np.nan), X3, Y3), ValueError, "params must contain only finite",
                     id="loss-params-nan"),
        pytest.param(lambda: mse_loss((1.0, 2.0), X3, Y3[:2]), ValueError,
                     "x and y must have the same length, got 3 and 2", id="loss-lengths"),
        pytest.param(lambda: mse_grad((1.0, 2.0), [[1.0]], [1.0]), ValueError, "x must have 1 dimension",
                     id="grad-x-2d"),
        pytest.param(lambda: mse_grad((1.0, 2.0), X3, [1.0, np.inf, 0.0]), ValueError, "y must contain only finite",
                     id="grad-y-inf"),
        pytest.param(lambda: mse_grad("ab", X3, Y3), TypeError, "params must be numeric", id="grad-params-text"),
        pytest.param(lambda: mse_loss((1.0, 2.0), [], []), ValueError, "x must not be empty", id="loss-empty"),
        pytest.param(lambda: least_squares([1.0, 1.0], [0.0, 2.0]), ValueError, "at least two distinct values",
                     id="least-squares-one-x"),
        pytest.param(lambda: _LineFit(X3, Y3[:2]), ValueError, "x and y must have the same length",
                     id="line-fit-lengths"),
        pytest.param(lambda: _LineFit([], []), ValueError, "x must not be empty", id="line-fit-empty"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.0, batch_size=1, rng=rng()), ValueError, r"lr must be in \(0, inf\)",
                     id="fit-lr-zero"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=-0.1, batch_size=1, rng=rng()), ValueError, "lr must be in",
                     id="fit-lr-negative"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=float("nan"), batch_size=1, rng=rng()), ValueError,
                     "lr must .*finite", id="fit-lr-nan"),
        pytest.param(lambda: fit(X3, Y3, GD, lr="0.1", batch_size=1, rng=rng()), TypeError,
                     r"lr must be (a real number|numeric)", id="fit-lr-string"),
        pytest.param(lambda: fit(X3, Y3, GD, batch_size=1, rng=rng()), TypeError, "needs the learning rate lr",
                     id="fit-lr-missing"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=np.array([0.1, 0.2]), batch_size=1, rng=rng()), (TypeError, ValueError),
                     "lr must be a (single|real) number", id="fit-lr-array"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=0, rng=rng()), ValueError,
                     r"batch_size must be an integer in \[1, 3\], got 0", id="fit-batch-size-zero"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=4, rng=rng()), ValueError,
                     r"batch_size must be an integer in \[1, 3\], got 4", id="fit-batch-size-too-big"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1.5, rng=rng()), TypeError,
                     "batch_size must be an integer", id="fit-batch-size-float"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, epochs=0, rng=rng()), ValueError,
                     r"epochs must be an integer in \[1, 1000000\], got 0", id="fit-epochs-zero"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, epochs=-2, rng=rng()), ValueError, "got -2",
                     id="fit-epochs-negative"),
        pytest.param(lambda: fit(np.arange(300.0), np.ones(300), GD, lr=0.1, batch_size=1, epochs=40_000, rng=rng()),
                     ValueError, r"epochs must be at most 33333 for n = 300 and batch_size = 1", id="fit-too-many"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=None), TypeError,
                     "rng must be a numpy.random.Generator", id="fit-rng-none"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=0), TypeError,
                     "rng must be a numpy.random.Generator", id="fit-rng-seed"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=rng(), shuffle=1), TypeError,
                     "shuffle must be True or False", id="fit-shuffle-int"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=rng(), params0=(1.0,)), ValueError,
                     r"params0 must have shape \(2,\)", id="fit-params0-shape"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=rng(), params0=(np.nan, 0.0)), ValueError,
                     "params0 must contain only finite numbers", id="fit-params0-nan"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=rng(), params0=(2e6, 0.0)), ValueError,
                     "params0 must lie inside the divergence bound", id="fit-params0-outside"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=rng(), decay=-1.0), ValueError,
                     r"decay must be in \[0", id="fit-decay-negative"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=rng(), tol=-1e-3), ValueError,
                     r"tol must be in \[0", id="fit-tol-negative"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=rng(), bound=0.0), ValueError,
                     r"bound must be in \(0", id="fit-bound-zero"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, batch_size=1, rng=rng(), bound=float("nan")), ValueError,
                     "bound must", id="fit-bound-nan"),
        pytest.param(lambda: fit(X3, Y3[:2], GD, lr=0.1, batch_size=1, rng=rng()), ValueError, "same length",
                     id="fit-lengths"),
        pytest.param(lambda: fit(X3, Y3, "gd", lr=0.1, batch_size=1, rng=rng()), TypeError,
                     "step must be an update rule", id="fit-step-not-callable"),
        pytest.param(lambda: fit(X3, Y3, steps.momentum, lr=0.1, beta=1.0, batch_size=1, rng=rng()), ValueError,
                     r"beta must be in \[0, 1\), got 1.0", id="fit-beta-one"),
        pytest.param(lambda: fit(X3, Y3, steps.momentum, lr=0.1, beta=-0.5, batch_size=1, rng=rng()), ValueError,
                     r"beta must be in \[0, 1\)", id="fit-beta-negative"),
        pytest.param(lambda: fit(X3, Y3, steps.momentum, lr=0.1, batch_size=1, rng=rng()), TypeError, "beta",
                     id="fit-beta-missing"),
        pytest.param(lambda: fit(X3, Y3, GD, lr=0.1, beta=0.9, batch_size=1, rng=rng()), TypeError, "beta",
                     id="fit-beta-unknown-to-the-rule"),
        pytest.param(lambda: excess_loss((1.0, 2.0, 3.0), X3, Y3), ValueError, "params must have 2 entries",
                     id="excess-params-shape"),
        pytest.param(lambda: excess_loss((1.0, 2.0), [1.0], [2.0]), ValueError, "at least 2 points",
                     id="excess-one-point"),
        pytest.param(lambda: predicted_batch_variance((1.0, 2.0), X3, Y3, 4), ValueError,
                     r"batch_size .* \[1, 3\], got 4", id="variance-batch-size"),
        pytest.param(lambda: sample_batch_grads((1.0, 2.0), X3, Y3, 2, 0, rng=rng()), ValueError,
                     r"draws must be .* got 0", id="sample-draws"),
        pytest.param(lambda: sample_batch_grads((1.0, 2.0), X3, Y3, 4, 5, rng=rng()), ValueError,
                     r"batch_size .* \[1, 3\], got 4", id="sample-batch-size"),
        pytest.param(lambda: sample_batch_grads((1.0, 2.0), X3, Y3, 2, 5, rng=1), TypeError, "rng must be",
                     id="sample-rng"),
    ],
)
def test_validation_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
