import math

import numpy as np
import pytest

import helpers
from helpers import Quadratic2D, Quartic, Square, closed_form_square, gradient_descent
from helpers.exercises.square import steps_to_tolerance

SQUARE = Square()


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 1.05])
def test_iterates_follow_the_closed_form(lr):
    run = gradient_descent(SQUARE, 10.0, lr, max_steps=30, tol=1e-300, bound=1e6)
    np.testing.assert_allclose(run.iterates, closed_form_square(10.0, lr, run.steps), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(run.losses, run.iterates**2)


@pytest.mark.parametrize(
    "lr, status, steps",
    [
        (0.1, "converged", steps_to_tolerance(10.0, 0.1, 1e-6)),  # monotone
        (0.5, "converged", 1),  # one step
        (0.7, "converged", steps_to_tolerance(10.0, 0.7, 1e-6)),  # alternating
        (1.0, "max_steps", 200),  # bouncing forever
        (1.1, "diverged", math.ceil(math.log(1e6 / 10) / math.log(1.2))),  # growing by 1.2 per step
    ],
)
def test_each_regime_is_classified(lr, status, steps):
    run = gradient_descent(SQUARE, 10.0, lr, max_steps=200, tol=1e-6, bound=1e6)
    assert run.status == status
    assert run.steps == steps == len(run.iterates) - 1


def test_monotone_and_alternating_regimes():
    monotone = gradient_descent(SQUARE, 10.0, 0.2, max_steps=20).iterates
    assert np.all(monotone > 0) and np.all(np.diff(monotone) < 0)
    alternating = gradient_descent(SQUARE, 10.0, 0.8, max_steps=20).iterates
    assert np.all(np.sign(alternating[1:]) == -np.sign(alternating[:-1]))
    assert np.all(np.abs(np.diff(np.abs(alternating))) > 0) and abs(alternating[-1]) < abs(alternating[0])
    bouncing = gradient_descent(SQUARE, 10.0, 1.0, max_steps=20).iterates
    assert set(np.abs(bouncing)) == {10.0}


def test_converged_run_meets_the_stopping_rule_and_earlier_iterates_do_not():
    run = gradient_descent(SQUARE, 3.0, 0.15, tol=1e-8)
    grads = np.abs(SQUARE.grad(run.iterates))
    assert grads[-1] <= 1e-8 and np.all(grads[:-1] > 1e-8)


def test_divergence_is_caught_before_overflow_and_nothing_non_finite_is_recorded():
    run = gradient_descent(Quartic(), 0.0, 5.0, max_steps=10_000)
    assert run.status == "diverged"
    assert np.all(np.isfinite(run.iterates)) and np.all(np.isfinite(run.losses))
    assert abs(run.iterates[-1]) > run.bound and np.all(np.abs(run.iterates[:-1]) <= run.bound)


def test_huge_learning_rate_never_warns_or_records_inf():
    # -W error::RuntimeWarning turns any overflow into a failure here.
    run = gradient_descent(Quartic(), 2.0, 1e300, max_steps=50)
    assert run.status == "diverged"
    assert np.all(np.isfinite(run.iterates))


def test_max_steps_run_is_not_reported_as_a_minimum():
    run = gradient_descent(Quartic(), 0.0, 0.001, max_steps=50)
    assert run.status == "max_steps" and not run.converged
    assert run.outcome() == "not converged after 50 steps"


def test_two_dimensional_run():
    bowl = Quadratic2D((1.0, 10.0))
    run = gradient_descent(bowl, [5.0, 2.0], 0.15, max_steps=1000, tol=1e-8)
    assert run.status == "converged"
    assert run.iterates.shape == (run.steps + 1, 2)
    np.testing.assert_allclose(run.iterates[:, 1], 2.0 * (1 - 0.15 * 10) ** np.arange(run.steps + 1), rtol=1e-10)


def test_outcome_phrases():
    assert gradient_descent(SQUARE, 10.0, 0.5).outcome() == "converged in 1 step"
    # q = 1 - 2*1.5 = -2: 10, -20, 40, -80, 160 leaves |x| <= 100 at the fourth step
    assert gradient_descent(SQUARE, 10.0, 1.5, bound=100).outcome() == "diverged after 4 steps"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr=0.0), ValueError, r"lr must be in \(0, inf\), got 0.0"),
        (dict(lr=-0.1), ValueError, r"lr must be in \(0, inf\)"),
        (dict(lr=float("nan")), ValueError, "lr must be finite"),
        (dict(lr=float("inf")), ValueError, "lr must be finite"),
        (dict(lr="0.1"), TypeError, "lr must be a real number"),
        (dict(lr=True), TypeError, "lr must be a real number"),
        (dict(max_steps=0), ValueError, r"max_steps must be an integer in \[1, 10000000\], got 0"),
        (dict(max_steps=-5), ValueError, "max_steps"),
        (dict(max_steps=10.0), TypeError, "max_steps must be an integer"),
        (dict(max_steps=2.5), TypeError, "max_steps must be an integer"),
        (dict(tol=0.0), ValueError, "tol"),
        (dict(tol=float("nan")), ValueError, "tol must be finite"),
        (dict(bound=-1.0), ValueError, "bound"),
        (dict(x0=float("nan")), ValueError, "x0 must contain only finite numbers"),
        (dict(x0=float("inf")), ValueError, "x0 must contain only finite numbers"),
        (dict(x0="ten"), TypeError, "x0 must be numeric"),
        (dict(x0=[1.0, 2.0]), ValueError, "x0 must have 1 coordinate"),
        (dict(x0=1e7), ValueError, "x0 must lie inside the divergence bound"),
    ],
)
def test_bad_input_gets_a_clear_error(kwargs, error, match):
    args = dict(objective=SQUARE, x0=10.0, lr=0.1) | kwargs
    with pytest.raises(error, match=match):
        gradient_descent(**args)


def test_objective_must_be_an_objective():
    with pytest.raises(TypeError, match="objective must be a helpers Objective"):
        gradient_descent(lambda x: 2 * x, 10.0, 0.1)


def test_two_dimensional_start_needs_two_coordinates():
    with pytest.raises(ValueError, match="x0 must have 2 coordinates"):
        gradient_descent(Quadratic2D(), 1.0, 0.1)


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((10.0, 0.0, 5), ValueError, "lr"),
        ((10.0, 0.1, -1), ValueError, "steps"),
        ((float("nan"), 0.1, 5), ValueError, "x0"),
    ],
)
def test_closed_form_validates(args, error, match):
    with pytest.raises(error, match=match):
        closed_form_square(*args)


def test_run_record_is_exported():
    assert helpers.Run is type(gradient_descent(SQUARE, 1.0, 0.1))
