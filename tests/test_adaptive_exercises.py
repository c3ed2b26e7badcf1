"""Notebook 06's checks: each with the right answer, typical wrong answers (their messages asserted) and junk."""

import numpy as np
import pytest

from helpers import steps
from helpers.exercises import adaptive as ex
from helpers.exercises import check_rule


def right_rmsprop(x, s, grad, lr, beta2=0.99, eps=1e-8):
    s = beta2 * s + (1 - beta2) * grad**2  # written differently from the reference on purpose
    return x - lr * grad / (np.sqrt(s) + eps), s


# -- predictions -----------------------------------------------------------------------------------
def test_rosenbrock_prediction_is_computed_from_the_race():
    arrivals = ex.rosenbrock_arrivals()
    winner = min((k, n) for n, k in arrivals.items() if k is not None)[1]
    assert ex.check_rosenbrock_first(winner).correct is True
    assert ex.check_rosenbrock_first(f"  {winner.upper()} ").correct is True
    assert arrivals["gradient descent"] is None  # crawls: never within 0.01 in 3000 steps


@pytest.mark.parametrize("answer, phrase", [
    ("gradient descent", "η must suit the steep walls"),
    ("GD", "η must suit the steep walls"),
    ("RMSProp", "Per-coordinate step sizes alone do not follow a curved valley"),
    ("AdaGrad", "Per-coordinate step sizes alone do not follow a curved valley"),
    ("momentum", "gets there, but not first"),
])
def test_rosenbrock_wrong_predictions_explain(answer, phrase):
    feedback = ex.check_rosenbrock_first(answer)
    assert feedback.correct is False and phrase in feedback.message
    assert "Steps to within 0.01 of (1, 1): Adam" in feedback.message


def test_saddle_prediction():
    escapes = ex.saddle_escapes()
    assert escapes["RMSProp"] == 1 and escapes["gradient descent"] > escapes["Adam"]
    assert ex.check_saddle_escape("rmsprop").correct is True
    adam = ex.check_saddle_escape("Adam")
    assert adam.correct is False and "uncorrected first step is ten times η" in adam.message
    gd = ex.check_saddle_escape("gradient descent")
    assert gd.correct is False and "gradient descent 67" in gd.message


@pytest.mark.parametrize("check", [ex.check_rosenbrock_first, ex.check_saddle_escape])
@pytest.mark.parametrize("junk, phrase", [(3, "Answer with one of the names"), ("newton", "got 'newton'"),
                                          (["Adam"], "Answer with one of the names")])
def test_predictions_reject_junk(check, junk, phrase):
    feedback = check(junk)
    assert feedback.correct is False and phrase in feedback.message


@pytest.mark.parametrize("check", [ex.check_rosenbrock_first, ex.check_saddle_escape, ex.check_adam_first_step,
                                   ex.check_rmsprop])
def test_the_placeholder_is_not_yet_answered(check):
    assert check(...).correct is None and check(None).correct is None


# -- Adam's first step ---------------------------------------------------------------------------------
def test_adam_first_step():
    assert ex.check_adam_first_step(0.01).correct is True
    assert ex.check_adam_first_step(float(ex.adam_first_step()[0])).correct is True
    gd = ex.check_adam_first_step(1e-5)
    assert gd.correct is False and "gradient descent's step" in gd.message
    uncorrected = ex.check_adam_first_step(0.01 / np.sqrt(0.001))
    assert uncorrected.correct is False and "without the bias correction of ŝ" in uncorrected.message
    first_moment = ex.check_adam_first_step(0.001)
    assert first_moment.correct is False and "m₁ = (1 − β₁)·g needs its correction too" in first_moment.message
    assert ex.check_adam_first_step("0.01").correct is False
    assert ex.check_adam_first_step(float("nan")).correct is False


# -- writing the RMSProp step --------------------------------------------------------------------------
def test_a_right_rmsprop_passes_and_runs_in_the_runner():
    feedback = ex.check_rmsprop(right_rmsprop)
    assert feedback.correct is True
    assert "agrees with the reference on all 4 inputs" in feedback.message and "helpers.run runs it" in feedback.message
    assert ex.check_rmsprop(steps.rmsprop).correct is True


def wrong_rule(change):
    """RMSProp with one typical mistake."""
    def rule(x, s, grad, lr, beta2=0.99, eps=1e-8):
        if change == "sign":
            s = beta2 * s + (1 - beta2) * grad * grad
            return x + lr * grad / (np.sqrt(s) + eps), s
        if change == "no (1 - beta2)":
            s = beta2 * s + grad * grad
            return x - lr * grad / (np.sqrt(s) + eps), s
        if change == "not squared":
            s = beta2 * s + (1 - beta2) * grad
            return x - lr * grad / (np.sqrt(s) + eps), s
        if change == "eps inside":
            s = beta2 * s + (1 - beta2) * grad * grad
            return x - lr * grad / np.sqrt(s + eps), s
        if change == "old s returned":
            new = beta2 * s + (1 - beta2) * grad * grad
            return x - lr * grad / (np.sqrt(new) + eps), s
        if change == "no root":
            s = beta2 * s + (1 - beta2) * grad * grad
            return x - lr * grad / (s + eps), s
        if change == "swapped":
            s = (1 - beta2) * s + beta2 * grad * grad
            return x - lr * grad / (np.sqrt(s) + eps), s
        if change == "step with old s":
            new = beta2 * s + (1 - beta2) * grad * grad
            return x - lr * grad / (np.sqrt(s) + eps), new
        if change == "other":
            s = beta2 * s + (1 - beta2) * grad * grad
            return x - 0.5 * lr * grad / (np.sqrt(s) + eps), s
        if change == "scalar only":  # right for numbers, one number for a vector
            x, s = steps.rmsprop(x, s, grad, lr, beta2, eps)
            return float(np.sum(x)), float(np.sum(s))
        raise AssertionError(change)
    return rule


@pytest.mark.parametrize("change, phrase", [
    ("sign", "Your step moves uphill"),
    ("no (1 - beta2)", "The new square enters with the weight 1 − β₂"),
    ("not squared", "s averages the squared gradients"),
    ("eps inside", "ε goes outside the square root"),
    ("old s returned", "Your s never changes"),
    ("no root", "Divide by the square root of s"),
    ("swapped", "The weights are swapped"),
    ("step with old s", "Divide by the root of the new s"),
    ("other", "For x = 1, s = 0, grad = 0.5"),
    ("scalar only", "has shape ()"),
])
def test_typical_mistakes_are_explained(change, phrase):
    feedback = ex.check_rmsprop(wrong_rule(change))
    assert feedback.correct is False and phrase in feedback.message, feedback.message


def failing(x, s, grad, lr, beta2=0.99, eps=1e-8):
    raise KeyError("beta")


def returns_one(x, s, grad, lr, beta2=0.99, eps=1e-8):
    return x


def returns_nan(x, s, grad, lr, beta2=0.99, eps=1e-8):
    return x * np.nan, s


def returns_text(x, s, grad, lr, beta2=0.99, eps=1e-8):
    return "x", "s"


def missing_hyper(x, s, grad, lr):
    return x, s


def stateful():
    calls = []

    def rule(x, s, grad, lr, beta2=0.99, eps=1e-8):
        calls.append(1)
        s = beta2 * s + (1 - beta2) * grad * grad
        return x - lr * grad / (np.sqrt(s) + eps) * (1 + 1e-3 * (len(calls) > 4)), s
    return rule


@pytest.mark.parametrize("junk, correct, phrase", [
    ("def my_rmsprop(...)", False, "should be a function"),
    (42, False, "should be a function"),
    (failing, False, "raised KeyError"),
    (lambda *args, **kwargs: None, None, "returns None"),
    (returns_one, False, "must return two arrays of numbers"),
    (returns_text, False, "must return two arrays of numbers"),
    (returns_nan, False, "contains nan or inf"),
    (missing_hyper, False, "raised TypeError"),
    (stateful(), False, "inside helpers.run it drifts"),
])
def test_junk_gets_a_clear_message(junk, correct, phrase):
    feedback = ex.check_rmsprop(junk)
    assert feedback.correct is correct and phrase in feedback.message, feedback.message


def test_check_rule_leaves_the_callers_arrays_alone():
    x, s, g = np.array([1.0, 2.0]), np.array([0.5, 0.5]), np.array([0.1, -0.2])

    def in_place(x, s, grad, lr, beta2=0.99, eps=1e-8):
        s *= beta2
        s += (1 - beta2) * grad * grad
        x -= lr * grad / (np.sqrt(s) + eps)
        return x, s

    feedback = check_rule(in_place, steps.rmsprop, [(x, s, g, dict(lr=0.1, beta2=0.9, eps=1e-8))], name="f")
    assert feedback.correct is True
    np.testing.assert_array_equal(x, [1.0, 2.0])
    np.testing.assert_array_equal(s, [0.5, 0.5])
