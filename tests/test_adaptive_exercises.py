"""Notebook 06's checks: each with the right answer, typical wrong answers (their messages asserted) and junk."""

import math

import numpy as np
import pytest

from helpers import run, steps
from helpers.exercises import adaptive as ex
from helpers.exercises import check_rule
from helpers.objectives import Rosenbrock, Saddle


# -- predictions -----------------------------------------------------------------------------------
def test_rosenbrock_prediction_is_computed_from_runs():
    far = ex.rosenbrock_distances()
    gd = run(Rosenbrock(), steps.gradient_descent, [-1.2, 1.0], lr=0.001, max_steps=3000, tol=1e-6, bound=20.0)
    assert far["gradient descent"] == pytest.approx(math.hypot(*(gd.x - 1.0)), rel=1e-9)
    assert far["momentum"] < 1e-3 < 0.1 < far["gradient descent"]
    feedback = ex.check_rosenbrock_closer("momentum")
    assert feedback.correct is True and "1/(1 − β) = 10 gradients" in feedback.message
    assert ex.check_rosenbrock_closer(" Heavy Ball ").correct is True
    wrong = ex.check_rosenbrock_closer("GD")
    assert wrong.correct is False and "η must suit the steep walls" in wrong.message


def test_saddle_prediction_is_computed_from_runs():
    escapes = ex.saddle_escapes()
    assert escapes["Adam"] < escapes["gradient descent"]
    gd = run(Saddle(), steps.gradient_descent, [-1.8, 0.001], lr=0.1, max_steps=500, tol=1e-6, bound=20.0)
    assert escapes["gradient descent"] == int(np.flatnonzero(np.abs(gd.iterates[:, 1]) > 0.5)[0])
    right = ex.check_saddle_first("Adam")
    assert right.correct is True and f"{escapes['Adam']} for Adam" in right.message and "≈ 65 steps" in right.message
    wrong = ex.check_saddle_first("gradient descent")
    assert wrong.correct is False and "rescales each coordinate" in wrong.message


@pytest.mark.parametrize("check, other", [(ex.check_rosenbrock_closer, "Adam"), (ex.check_saddle_first, "momentum")])
@pytest.mark.parametrize("junk", [3, "newton", ["Adam"]])
def test_predictions_reject_junk_and_other_names(check, other, junk):
    for answer in (junk, other):
        feedback = check(answer)
        assert feedback.correct is False and "Answer with one of" in feedback.message


@pytest.mark.parametrize("check", [ex.check_rosenbrock_closer, ex.check_saddle_first, ex.check_adam_first_step,
                                   ex.check_adam])
def test_the_placeholder_is_not_yet_answered(check):
    assert check(...).correct is None and check(None).correct is None


# -- Adam's first step ---------------------------------------------------------------------------------
def test_adam_first_step():
    assert ex.check_adam_first_step(0.003).correct is True and ex.check_adam_first_step.answer() == 0.003
    assert ex.check_adam_first_step(float(ex.adam_first_step()[0])).correct is True
    signed = ex.check_adam_first_step(-0.003)
    assert signed.correct is True and "The move itself is -0.003, against the positive gradient" in signed.message
    gd = ex.check_adam_first_step(0.003 * 0.002)
    assert gd.correct is False and "gradient descent's step" in gd.message
    uncorrected = ex.check_adam_first_step(0.003 / np.sqrt(0.001))
    assert uncorrected.correct is False and "without the bias correction of ŝ" in uncorrected.message
    first_moment = ex.check_adam_first_step(0.0003)
    assert first_moment.correct is False and "m₁ = (1 − β₁)·g needs its correction too" in first_moment.message
    assert ex.check_adam_first_step("0.003").correct is False
    assert ex.check_adam_first_step(float("nan")).correct is False


# -- writing Adam --------------------------------------------------------------------------------------
def right_adam(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m, s, t = state
    t = t + 1
    m = m * beta1 + grad * (1 - beta1)  # written differently from the reference on purpose
    s = s * beta2 + grad**2 * (1 - beta2)
    step = lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps)
    return x - step, (m, s, t)


def test_a_right_adam_passes_and_runs_in_the_runner():
    feedback = ex.check_adam(right_adam)
    assert feedback.correct is True and "agrees with the reference on all 4 inputs" in feedback.message
    assert "helpers.run runs it" in feedback.message
    assert ex.check_adam(steps.adam).correct is True


@pytest.mark.parametrize("variant, phrase", [
    (dict(correct_m=False, correct_s=False), "No bias correction"),
    (dict(correct_m=False), "Only s is corrected"),
    (dict(correct_s=False), "Only m is corrected"),
    (dict(count=0), "t must count the steps"),
    (dict(old_t=True), "Correct with the new step count"),
    (dict(store=True), "Keep the plain averages m and s"),
    (dict(eps_inside=True), "ε goes outside the square root"),
    (dict(squared=False), "s averages the squared gradients"),
    (dict(swapped=True), "β₁ and β₂ are swapped"),
    (dict(sign=1.0), "Your step moves uphill"),
])
def test_typical_adam_mistakes_are_explained(variant, phrase):
    feedback = ex.check_adam(ex._adam_variant(**variant))
    assert feedback.correct is False and phrase in feedback.message, feedback.message


def test_mistakes_written_by_hand_get_the_same_messages():
    def no_correction(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):  # RMSProp with momentum
        m, s, t = state
        m, s = beta1 * m + (1 - beta1) * grad, beta2 * s + (1 - beta2) * grad * grad
        return x - lr * m / (np.sqrt(s) + eps), (m, s, t + 1)

    def state_first(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        new_x, new_state = steps.adam(x, state, grad, lr, beta1, beta2, eps)
        return new_state, new_x

    assert "No bias correction" in ex.check_adam(no_correction).message
    assert "returns the state first" in ex.check_adam(state_first).message


def _raises(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    raise ValueError("too many values to unpack")


def _drifts():
    calls = []

    def rule(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        calls.append(1)
        new_x, new_state = steps.adam(x, state, grad, lr, beta1, beta2, eps)
        return new_x * (1 + 1e-3 * (len(calls) > 5)), new_state
    return rule


@pytest.mark.parametrize("junk, correct, phrase", [
    ("adam", False, "should be a function"),
    (lambda x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8: None, None, "returns None"),
    (_raises, False, "raised ValueError"),
    (lambda x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8: x, False, "must return two arrays of numbers"),
    (lambda x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8: (x, state[0]), False,
     "must return two arrays of numbers"),
    (lambda x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8: (x * np.nan, state), False, "contains nan or inf"),
    (lambda x, state, grad, lr: (x, state), False, "raised TypeError"),
    (_drifts(), False, "inside helpers.run it drifts"),
])
def test_junk_gets_a_clear_message(junk, correct, phrase):
    feedback = ex.check_adam(junk)
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
