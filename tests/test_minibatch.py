"""Full-batch, stochastic and mini-batch gradient descent (helpers.minibatch)."""

import math

import numpy as np
import pytest

from helpers.data import linear_regression
from helpers.minibatch import (
    MinibatchRun,
    batches,
    excess_loss,
    least_squares,
    minibatch_gd,
    mse_grad,
    mse_loss,
    per_sample_grads,
    predicted_batch_variance,
    sample_batch_grads,
)


@pytest.fixture(scope="module")
def data():
    return linear_regression(300, w=2.0, b=-1.0, noise=1.0, rng=np.random.default_rng(7))


def rng(seed=0):
    return np.random.default_rng(seed)


# -- primitives ----------------------------------------------------------------------------------
def test_mse_loss_on_hand_computed_values():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    assert mse_loss((2.0, 1.0), x, y) == 0.0
    assert mse_loss((0.0, 0.0), x, y) == pytest.approx((1 + 9 + 25) / 3)
    assert mse_loss((1.0, 0.0), x, y) == pytest.approx((1 + 4 + 9) / 3)
    assert isinstance(mse_loss((1.0, 0.0), x, y), float)


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


@pytest.mark.parametrize("n, size", [(10, 3), (10, 5), (10, 1), (10, 10), (7, 6), (1, 1)])
def test_batches_cover_each_index_once_with_a_smaller_last_batch(n, size):
    parts = batches(n, size, rng=rng())
    assert sorted(np.concatenate(parts).tolist()) == list(range(n))
    expected_sizes = [size] * (n // size) + ([n % size] if n % size else [])
    assert [len(p) for p in parts] == expected_sizes


def test_batches_shuffle_is_a_fresh_permutation_from_rng_and_repeats_with_the_seed():
    g = rng(3)
    first, second = np.concatenate(batches(50, 7, rng=g)), np.concatenate(batches(50, 7, rng=g))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, np.random.default_rng(3).permutation(50))
    np.testing.assert_array_equal(np.concatenate(batches(50, 7, rng=rng(3))), first)


def test_batches_without_shuffle_are_in_order_and_leave_rng_alone():
    g = rng(5)
    state = g.bit_generator.state
    parts = batches(7, 3, rng=g, shuffle=False)
    assert [p.tolist() for p in parts] == [[0, 1, 2], [3, 4, 5], [6]]
    assert g.bit_generator.state == state


# -- the optimiser ---------------------------------------------------------------------------------
def plain_loop(x, y, lr, batch_size, epochs, seed, shuffle=True, decay=0.0, params0=(0.0, 0.0)):
    """The textbook loop, built from batches() and mse_grad() only."""
    g = rng(seed)
    theta = np.array(params0, dtype=float)
    out = [theta]
    for e in range(epochs):
        for idx in batches(len(x), batch_size, rng=g, shuffle=shuffle):
            theta = theta - lr / (1 + decay * e) * mse_grad(theta, x[idx], y[idx])
            out.append(theta)
    return np.array(out)


def test_full_batch_converges_to_least_squares(data):
    x, y = data
    run = minibatch_gd(x, y, 0.3, batch_size=len(x), epochs=500, rng=rng(), params0=(-1.0, 2.0), tol=1e-10)
    assert run.status == "converged" and run.converged
    np.testing.assert_allclose(run.final, least_squares(x, y), rtol=0, atol=1e-8)
    assert np.linalg.norm(mse_grad(run.final, x, y)) <= 1e-10
    assert np.all(np.linalg.norm([mse_grad(p, x, y) for p in run.epoch_params[:-1]], axis=1) > 1e-10)


def test_batch_size_n_is_full_batch_exactly(data):
    x, y = data
    n = len(x)
    runs = [minibatch_gd(x, y, 0.2, batch_size=n, epochs=30, rng=rng(seed), shuffle=shuffle, tol=0)
            for seed, shuffle in [(0, True), (1, True), (2, False)]]
    for run in runs[1:]:
        np.testing.assert_array_equal(run.params, runs[0].params)  # rng and shuffle play no part
    full = runs[0]
    assert full.updates == full.epochs == 30 and full.updates_per_epoch == 1
    np.testing.assert_array_equal(full.evals, n * np.arange(31))
    np.testing.assert_array_equal(full.epoch_ends, np.arange(31))
    theta, expected = np.zeros(2), [np.zeros(2)]
    for _ in range(30):  # full-batch gradient descent written independently
        r = y - (theta[0] * x + theta[1])
        theta = theta - 0.2 * np.array([-2 * np.mean(r * x), -2 * np.mean(r)])
        expected.append(theta)
    np.testing.assert_allclose(full.params, expected, rtol=1e-12, atol=1e-14)


def test_batch_size_one_is_sgd(data):
    x, y = data
    n, lr = len(x), 0.01
    run = minibatch_gd(x, y, lr, batch_size=1, epochs=3, rng=rng(11), tol=0)
    assert run.updates == 3 * n and run.updates_per_epoch == n
    np.testing.assert_array_equal(np.diff(run.evals), np.ones(3 * n))
    g, w, b, expected = rng(11), 0.0, 0.0, [(0.0, 0.0)]
    for _ in range(3):  # per-sample loss (y_i − ŷ_i)², no 1/n; one sample per update
        for i in g.permutation(n):
            r = y[i] - (w * x[i] + b)
            w, b = w + 2 * lr * r * x[i], b + 2 * lr * r
            expected.append((w, b))
    np.testing.assert_allclose(run.params, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("size, shuffle, decay", [(1, True, 0.0), (7, True, 0.0), (32, False, 0.0), (50, True, 0.5)])
def test_every_batch_size_agrees_with_the_plain_loop(data, size, shuffle, decay):
    x, y = data
    run = minibatch_gd(x, y, 0.05, batch_size=size, epochs=4, rng=rng(2), shuffle=shuffle, decay=decay, tol=0)
    np.testing.assert_allclose(run.params, plain_loop(x, y, 0.05, size, 4, 2, shuffle, decay), rtol=1e-10,
                               atol=1e-12)
    per_epoch = math.ceil(len(x) / size)
    assert run.updates == 4 * per_epoch == run.updates_per_epoch * 4
    np.testing.assert_array_equal(run.epoch_ends, per_epoch * np.arange(5))
    sizes = np.diff(run.evals)[:per_epoch]
    assert sizes.sum() == len(x) and sizes[-1] == (len(x) % size or size)


def test_record_losses_are_the_full_data_mse(data):
    x, y = data
    run = minibatch_gd(x, y, 0.05, batch_size=16, epochs=3, rng=rng(), tol=0)
    assert isinstance(run, MinibatchRun)
    rows = [0, 1, 5, run.updates // 2, run.updates]
    np.testing.assert_allclose(run.losses[rows], [mse_loss(run.params[k], x, y) for k in rows], rtol=1e-12)
    np.testing.assert_allclose(run.epoch_losses, run.losses[run.epoch_ends])
    np.testing.assert_array_equal(run.final, run.params[-1])


def test_same_seed_repeats_and_another_seed_differs(data):
    x, y = data
    a, b, c = (minibatch_gd(x, y, 0.05, batch_size=8, epochs=2, rng=rng(s), tol=0) for s in (4, 4, 5))
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)
    d, e = (minibatch_gd(x, y, 0.05, batch_size=8, epochs=2, rng=rng(s), shuffle=False, tol=0) for s in (4, 5))
    np.testing.assert_array_equal(d.params, e.params)


def test_decay_schedule(data):
    x, y = data
    run = minibatch_gd(x, y, 0.1, batch_size=30, epochs=3, rng=rng(), decay=2.0, tol=0)
    assert [run.lr_at(e) for e in range(3)] == pytest.approx([0.1, 0.1 / 3, 0.1 / 5])


def test_converged_status_stops_early_and_tol_zero_runs_every_epoch(data):
    x, y = data
    early = minibatch_gd(x, y, 0.3, batch_size=len(x), epochs=200, rng=rng(), tol=1e-6)
    assert early.status == "converged" and early.epochs < 200
    assert early.outcome() == f"converged in {early.epochs} epochs ({early.updates} updates)"
    every = minibatch_gd(x, y, 0.3, batch_size=len(x), epochs=200, rng=rng(), tol=0)
    assert every.status == "max_epochs" and every.epochs == 200
    assert every.outcome() == "not converged after 200 epochs (200 updates)"
    at_start = minibatch_gd(x, y, 0.3, batch_size=5, epochs=3, rng=rng(), params0=least_squares(x, y), tol=1e-6)
    assert at_start.status == "converged" and at_start.updates == 0 and at_start.epochs == 0


def test_constant_rate_sgd_never_meets_a_tight_tolerance(data):
    x, y = data
    run = minibatch_gd(x, y, 0.02, batch_size=1, epochs=30, rng=rng(), tol=1e-6)
    assert run.status == "max_epochs"


@pytest.mark.parametrize("lr, size", [(5.0, 1), (5.0, 10), (50.0, 300), (1e300, 3)])
def test_divergence_is_caught_before_overflow(data, lr, size):
    x, y = data
    run = minibatch_gd(x, y, lr, batch_size=size, epochs=50, rng=rng(), params0=(1.0, 1.0), bound=1e6)
    assert run.status == "diverged"
    assert run.outcome().startswith(f"diverged in epoch {run.epochs + 1} (after")
    assert np.all(np.abs(run.params) <= 1e6) and np.all(np.isfinite(run.losses))
    assert len(run.losses) == len(run.evals) == run.updates + 1


def test_noise_ball_with_a_constant_rate_and_convergence_with_a_decaying_one(data):
    x, y = data
    kw = dict(batch_size=1, epochs=60, rng=None, params0=(-1.0, 2.0), tol=0)
    const = minibatch_gd(x, y, 0.02, **{**kw, "rng": rng(1)})
    decay = minibatch_gd(x, y, 0.02, decay=1.0, **{**kw, "rng": rng(1)})
    late_const = excess_loss(const.epoch_params[-20:], x, y)
    late_decay = excess_loss(decay.epoch_params[-20:], x, y)
    # constant η: stays in a ball of roughly constant size; decaying η: keeps shrinking
    assert np.mean(late_const) > 20 * np.mean(late_decay)
    assert np.mean(excess_loss(const.epoch_params[20:40], x, y)) < 5 * np.mean(late_const)
    assert np.mean(excess_loss(decay.epoch_params[20:40], x, y)) > 1.5 * np.mean(late_decay)


# -- the statistics of the mini-batch gradient -------------------------------------------------------
def test_per_sample_gradients_average_to_the_full_gradient(data):
    x, y = data
    g = per_sample_grads((0.5, 0.5), x, y)
    assert g.shape == (len(x), 2)
    np.testing.assert_allclose(g.mean(axis=0), mse_grad((0.5, 0.5), x, y), rtol=1e-12)


def test_the_batches_of_one_epoch_average_to_the_full_gradient_exactly(data):
    x, y = data  # 300 points in 10 equal batches: the mean of the batch means is the full mean
    grads = [mse_grad((0.5, -0.5), x[idx], y[idx]) for idx in batches(len(x), 30, rng=rng(9))]
    np.testing.assert_allclose(np.mean(grads, axis=0), mse_grad((0.5, -0.5), x, y), rtol=1e-12)


@pytest.mark.parametrize("size", [1, 10, 100])
def test_minibatch_gradient_is_unbiased(data, size):
    """Statistical test, fixed seed: each component of the mean of 20 000 batch gradients lies within
    4 standard errors of the full gradient (a fair estimator fails this with probability ≈ 6e−5)."""
    x, y = data
    params, draws = (0.5, 0.5), 20_000
    g = sample_batch_grads(params, x, y, size, draws, rng=rng(123))
    assert g.shape == (draws, 2)
    full = mse_grad(params, x, y)
    per_sample = per_sample_grads(params, x, y)
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


def test_predicted_variance_formula_by_hand():
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, -1.0, 0.0, 2.0])
    g = np.array([[0.0, -2.0 * 1.0], [-2.0 * -1.0 * 1.0, -2.0 * -1.0], [0.0, 0.0], [-2.0 * 2.0 * 3.0, -2.0 * 2.0]])
    spread = np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1))
    assert predicted_batch_variance((0.0, 0.0), x, y, 1) == pytest.approx(spread)
    assert predicted_batch_variance((0.0, 0.0), x, y, 2) == pytest.approx(spread / 2 * 2 / 3)
    assert predicted_batch_variance((0.0, 0.0), x, y, 4) == 0.0
    # every batch of size n is the whole set: no noise at all
    g4 = sample_batch_grads((0.0, 0.0), x, y, 4, 5, rng=rng())
    np.testing.assert_allclose(g4, np.tile(mse_grad((0.0, 0.0), x, y), (5, 1)), rtol=1e-14)


def test_excess_loss(data):
    x, y = data
    opt = least_squares(x, y)
    assert excess_loss(opt, x, y) == 0.0
    points = np.array([[0.0, 0.0], [-1.0, 2.0], [opt[0] + 1e-3, opt[1]]])
    expected = [mse_loss(p, x, y) - mse_loss(opt, x, y) for p in points]
    np.testing.assert_allclose(excess_loss(points, x, y), expected, rtol=1e-8)
    assert isinstance(excess_loss((0.0, 0.0), x, y), float)


# -- validation ------------------------------------------------------------------------------------
X3, Y3 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 2.0])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: mse_loss((1.0, 2.0, 3.0), X3, Y3), ValueError, r"params must have shape \(2,\)"),
        (lambda: mse_loss((1.0, np.nan), X3, Y3), ValueError, "params must contain only finite"),
        (lambda: mse_loss((1.0, 2.0), X3, Y3[:2]), ValueError, "x and y must have the same length, got 3 and 2"),
        (lambda: mse_grad((1.0, 2.0), [[1.0]], [1.0]), ValueError, "x must have 1 dimension"),
        (lambda: mse_grad((1.0, 2.0), X3, [1.0, np.inf, 0.0]), ValueError, "y must contain only finite"),
        (lambda: mse_grad("ab", X3, Y3), TypeError, "params must be numeric"),
        (lambda: mse_loss((1.0, 2.0), [], []), ValueError, "x must not be empty"),
        (lambda: least_squares([1.0, 1.0], [0.0, 2.0]), ValueError, "at least two distinct values"),
        (lambda: batches(0, 1, rng=rng()), ValueError, r"n must be an integer in \[1, 10000000\], got 0"),
        (lambda: batches(10, 0, rng=rng()), ValueError, r"batch_size must be an integer in \[1, 10\], got 0"),
        (lambda: batches(10, 11, rng=rng()), ValueError, r"batch_size must be an integer in \[1, 10\], got 11"),
        (lambda: batches(10, 2.0, rng=rng()), TypeError, "batch_size must be an integer"),
        (lambda: batches(10, 2, rng=0), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: batches(10, 2, rng=rng(), shuffle="yes"), TypeError, "shuffle must be True or False"),
        (lambda: minibatch_gd(X3, Y3, 0.0, batch_size=1, rng=rng()), ValueError, r"lr must be in \(0, inf\)"),
        (lambda: minibatch_gd(X3, Y3, -0.1, batch_size=1, rng=rng()), ValueError, "lr must be in"),
        (lambda: minibatch_gd(X3, Y3, float("nan"), batch_size=1, rng=rng()), ValueError, "lr must be finite"),
        (lambda: minibatch_gd(X3, Y3, "0.1", batch_size=1, rng=rng()), TypeError, "lr must be a real number"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=0, rng=rng()), ValueError, r"batch_size .* \[1, 3\], got 0"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=4, rng=rng()), ValueError, r"batch_size .* \[1, 3\], got 4"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1.5, rng=rng()), TypeError, "batch_size must be an integer"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1, epochs=0, rng=rng()), ValueError, "epochs must be an integer"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1, epochs=-2, rng=rng()), ValueError, "got -2"),
        (lambda: minibatch_gd(np.arange(300.0), np.ones(300), 0.1, batch_size=1, epochs=40_000, rng=rng()),
         ValueError, r"epochs must be at most 33333 for n = 300 and batch_size = 1"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1, rng=None), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1, rng=rng(), shuffle=1), TypeError, "shuffle must be True"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1, rng=rng(), params0=(1.0,)), ValueError,
         r"params0 must have shape \(2,\)"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1, rng=rng(), params0=(2e6, 0.0)), ValueError,
         "params0 must lie inside the divergence bound"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1, rng=rng(), decay=-1.0), ValueError, r"decay must be in \[0"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1, rng=rng(), tol=-1e-3), ValueError, r"tol must be in \[0"),
        (lambda: minibatch_gd(X3, Y3, 0.1, batch_size=1, rng=rng(), bound=0.0), ValueError, r"bound must be in \(0"),
        (lambda: minibatch_gd(X3, Y3[:2], 0.1, batch_size=1, rng=rng()), ValueError, "same length"),
        (lambda: excess_loss((1.0, 2.0, 3.0), X3, Y3), ValueError, "params must have 2 entries"),
        (lambda: excess_loss((1.0, 2.0), [1.0], [2.0]), ValueError, "at least 2 points"),
        (lambda: predicted_batch_variance((1.0, 2.0), X3, Y3, 4), ValueError, r"batch_size .* \[1, 3\], got 4"),
        (lambda: sample_batch_grads((1.0, 2.0), X3, Y3, 2, 0, rng=rng()), ValueError, r"draws must be .* got 0"),
        (lambda: sample_batch_grads((1.0, 2.0), X3, Y3, 2, 5, rng=1), TypeError, "rng must be"),
    ],
)
def test_validation_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
