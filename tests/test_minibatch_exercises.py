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
    assert ex.check_slip_factor(50_000).correct is True and ex.check_slip_factor.answer() == 50_000
    assert ex.check_slip_factor(1000, n=1000).correct is True
    inverse = ex.check_slip_factor(1 / 50_000)
    assert inverse.correct is False and "inverse" in inverse.message
    assert ex.check_slip_factor(math.sqrt(50_000)).correct is False
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


# -- predictions ------------------------------------------------------------------------------------------------
def test_closest_prediction_is_computed_from_the_runs():
    found = ex.distances_after()
    x, y = ex.notebook_data()
    run = fit(x, y, gradient_descent, batch_size=32, epochs=10, rng=np.random.default_rng(1), params0=(-1.0, 2.0),
              tol=0, lr=0.05)
    assert found["mini-batch"] == pytest.approx(float(np.linalg.norm(run.x - np.array([1.994815, -1.011650]))),
                                                abs=1e-5)
    assert min(found, key=found.get) == "mini-batch"
    for answer in ("mini-batch", " Minibatch ", "mini_batch", "b = 32"):
        assert ex.check_closest(answer).correct is True, answer


@pytest.mark.parametrize("answer, phrase", [
    ("full batch", "one step per epoch"),
    ("GD", "one step per epoch"),
    ("SGD", "wide noise ball"),
    ("stochastic", "wide noise ball"),
])
def test_closest_wrong_predictions_explain(answer, phrase):
    feedback = ex.check_closest(answer)
    assert feedback.correct is False and phrase in feedback.message
    assert "Distance to (w*, b*) after 10 epochs: full batch 1.3847, mini-batch 0.0222, SGD 0.4299." in feedback.message


@pytest.mark.parametrize("junk", [3, "Adam", ["SGD"], 0.5])
def test_closest_rejects_junk(junk):
    feedback = ex.check_closest(junk)
    assert feedback.correct is False and "Answer with one of 'full batch', 'mini-batch' or 'SGD'" in feedback.message


def test_std_ratio_prediction():
    x, y = ex.notebook_data()
    var10, var20 = (predicted_batch_variance((-1.0, 2.0), x, y, b) for b in (10, 20))
    expected = math.sqrt(var10 / var20)
    assert ex.std_ratio() == pytest.approx(expected)
    # independently: σ²/b·(n − b)/(n − 1)
    assert expected == pytest.approx(math.sqrt(2 * 990 / 980))
    for answer in (expected, math.sqrt(2), 1.41, 1.42):
        feedback = ex.check_std_ratio(answer)
        assert feedback.correct is True and "not 2" in feedback.message
    halved = ex.check_std_ratio(2)
    assert halved.correct is False and "Halving is what happens to the variance" in halved.message
    assert "Halving is what happens to the variance" in ex.check_std_ratio(2.02).message
    same = ex.check_std_ratio(1)
    assert same.correct is False and "the noise does shrink" in same.message
    four = ex.check_std_ratio(4)
    assert four.correct is False and "Four times the batch" in four.message
    other = ex.check_std_ratio(3)
    assert other.correct is False and "3 is not the factor" in other.message
    for junk in ("1.41", float("nan"), True, [1.41]):
        assert ex.check_std_ratio(junk).correct is False


@pytest.mark.parametrize("check", [ex.check_closest, ex.check_std_ratio, ex.check_constant_epoch])
def test_new_checks_wait_for_an_answer(check):
    for placeholder in (..., None):
        feedback = check(placeholder)
        assert feedback.correct is None and repr(feedback).startswith("No answer yet.")


# -- coding: one epoch of mini-batch gradient descent on a constant ---------------------------------------------
def by_hand(c, y, lr, batch_size, rng):
    """Right, written differently from the reference: shuffled copy, batches by a while loop, the derivative
    d/dc of (1/b)·Σ(yᵢ − c)² spelled out."""
    shuffled = y[rng.permutation(len(y))]
    start = 0
    while start < len(y):
        batch = shuffled[start:start + batch_size]
        c -= lr * sum(-2.0 * (yi - c) for yi in batch) / len(batch)
        start += batch_size
    return c


def test_a_right_epoch_passes_and_converges_to_the_mean():
    for student in (by_hand, ex.constant_epoch):
        feedback = ex.check_constant_epoch(student)
        assert feedback.correct is True and "all 6 inputs" in feedback.message, feedback.message
    y, c, rng = ex.constant_data(200), 0.0, np.random.default_rng(1)
    for _ in range(20):
        c = by_hand(c, y, 0.05, 10, rng)
    assert f"ends at c = {c:.3f}" in ex.check_constant_epoch(by_hand).message
    assert abs(c - y.mean()) < 0.1  # SGD's noise ball around the least-squares constant


def test_the_reference_is_minibatch_gradient_descent_of_the_mse():
    """With batch_size = n one epoch of the reference is one full-batch gradient step on L(c) = mean (y − c)²,
    whose derivative is taken here by a central difference."""
    y = ex.constant_data(30)
    loss = lambda c: np.mean((y - c) ** 2)  # noqa: E731
    h = 1e-6
    derivative = (loss(0.7 + h) - loss(0.7 - h)) / (2 * h)
    assert ex.constant_epoch(0.7, y, 0.1, 30, np.random.default_rng(0)) == pytest.approx(0.7 - 0.1 * derivative,
                                                                                        rel=1e-8)


@pytest.mark.parametrize("mistake, phrase", [
    (lambda c, y, lr, b, rng: _loop(c, y, lr, b, np.arange(len(y))), "same order every time"),
    (lambda c, y, lr, b, rng: _loop(c, y, lr, b, rng.permutation(len(y)), batch_of_all=True), "uses all n points"),
    (lambda c, y, lr, b, rng: _loop(c, y, lr, b, rng.permutation(len(y)), drop_last=True), "remainder) is missing"),
    (lambda c, y, lr, b, rng: _loop(c, y, lr, b, rng.permutation(len(y)), factor=1.0), "The factor 2 is missing"),
    (lambda c, y, lr, b, rng: _loop(c, y, lr, b, rng.permutation(len(y)), factor=-2.0), "steps go uphill"),
    (lambda c, y, lr, b, rng: _loop(c, y, lr, b, rng.permutation(len(y)), total=True), "not its sum"),
    (lambda c, y, lr, b, rng: _loop(c, y, lr, b, np.random.permutation(len(y))), "not np.random"),
    (lambda c, y, lr, b, rng: _loop(c, y, 0.5 * lr, b, rng.permutation(len(y))), "you get c ="),
])
def test_typical_epoch_mistakes_are_explained(mistake, phrase):
    feedback = ex.check_constant_epoch(mistake)
    assert feedback.correct is False and phrase in feedback.message, feedback.message


def _loop(c, y, lr, b, order, batch_of_all=False, drop_last=False, factor=2.0, total=False):
    end = len(y) - len(y) % b if drop_last else len(y)
    for a in range(0, end, b):
        batch = y if batch_of_all else y[order[a:a + b]]
        c = c + factor * lr * (np.sum(batch - c) if total else np.mean(batch - c))
    return c


def _raises(c, y, lr, b, rng):
    raise IndexError("out of range")


def _shuffles_y(c, y, lr, b, rng):
    rng.shuffle(y)
    return _loop(c, y, lr, b, np.arange(len(y)))


@pytest.mark.parametrize("junk, correct, phrase", [
    ("c - lr * g", False, "should be a function"),
    (None, None, "Write the function"),
    (lambda c, y, lr, b, rng: None, None, "returns None"),
    (_raises, False, "raised IndexError"),
    (lambda c, y, lr, b, rng: "c", False, "one finite number"),
    (lambda c, y, lr, b, rng: np.array([c, c]), False, "one finite number"),
    (lambda c, y, lr, b, rng: np.nan, False, "one finite number"),
    (_shuffles_y, False, "changed the data y"),
])
def test_junk_epochs_get_a_clear_message(junk, correct, phrase):
    feedback = ex.check_constant_epoch(junk)
    assert feedback.correct is correct and phrase in feedback.message, feedback.message
