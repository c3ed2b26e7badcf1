import math

import numpy as np
import pytest

from helpers.exercises import Feedback
from helpers.exercises import minibatch as ex
from helpers.regression import fit, predicted_batch_variance
from helpers.steps import gradient_descent

CHECKS = (ex.check_updates_per_epoch, ex.check_slip_factor, ex.check_variance_ratio)


def test_placeholder_is_not_yet_answered():
    for check in CHECKS:
        feedback = check(...)
        assert isinstance(feedback, Feedback) and feedback.correct is None
        assert repr(feedback).startswith("No answer yet.")


def test_malformed_answers_are_wrong_not_errors():
    for check in CHECKS:
        for answer in ("16", None, float("nan"), True):
            assert check(answer).correct in (False, None)


def updates_in_one_epoch(n, size):
    """Count the updates of one real epoch of mini-batch training on n points (tol = 0: the whole epoch runs)."""
    x = np.linspace(-1.0, 1.0, n)
    run = fit(x, 0.5 * x, gradient_descent, batch_size=size, epochs=1, rng=np.random.default_rng(0), tol=0.0,
              lr=1e-3)
    assert run.epochs == 1 and run.status == "max_steps"
    assert run.evals[-1] == n  # every point used exactly once
    assert run.updates_per_epoch == run.updates == len(run.iterates) - 1
    return run.updates


@pytest.mark.parametrize("n, size", [(1000, 64), (1000, 10), (300, 7), (5, 5)])
def test_updates_per_epoch_agree_with_training(n, size):
    expected = updates_in_one_epoch(n, size)
    assert ex.check_updates_per_epoch(expected, n, size).correct is True
    assert ex.check_updates_per_epoch(expected + 1, n, size).correct is False


def test_updates_per_epoch_hints():
    floor = ex.check_updates_per_epoch(15)
    assert floor.correct is False and "left over" in floor.message
    assert ex.check_updates_per_epoch(1000 / 64).correct is False


def test_slip_factor():
    assert ex.check_slip_factor(1000).correct is True
    inverse = ex.check_slip_factor(1 / 1000)
    assert inverse.correct is False and "inverse" in inverse.message
    assert ex.check_slip_factor(math.sqrt(1000)).correct is False
    assert ex.check_slip_factor(50, n=50).correct is True


@pytest.mark.parametrize("n, size", [(1000, 100), (300, 30), (50, 1)])
def test_variance_ratio_agrees_with_the_helper(n, size):
    x = np.linspace(-2.0, 2.0, n)
    y = np.random.default_rng(1).standard_normal(n)
    ratio = predicted_batch_variance((0.3, 0.1), x, y, size) / predicted_batch_variance((0.3, 0.1), x, y, 1)
    assert ex.check_variance_ratio(ratio, n, size).correct is True
    assert ex.variance_ratio(n, size) == pytest.approx(ratio)


def test_variance_ratio_hints():
    with_replacement = ex.check_variance_ratio(0.01)
    assert with_replacement.correct is False and "finite-population" in with_replacement.message
    assert "standard deviation" in ex.check_variance_ratio(0.1).message
    assert ex.check_variance_ratio(0.5).correct is False
