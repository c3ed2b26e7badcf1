"""Notebook 02's new checks: each with the right answer, typical wrong answers (their messages asserted) and junk.
(The three numeric checks are tested in tests/test_quartic.py.)"""

import math

import numpy as np
import pytest

from helpers import Quartic, run, steps
from helpers.exercises import quartic as ex
from helpers.outcomes import classify_run

QUARTIC = Quartic()


# -- predictions ---------------------------------------------------------------------------------------
def test_unstable_first_is_the_more_curved_minimum():
    left, _, right = QUARTIC.critical_points()
    more_curved = "right" if QUARTIC.hess(right.x) > QUARTIC.hess(left.x) else "left"
    assert more_curved == "right"
    feedback = ex.check_unstable_first("right")
    assert feedback.correct is True and "f'' = 25.25" in feedback.message and "f'' = 13.58" in feedback.message
    assert ex.check_unstable_first(" Global minimum ").correct is True


@pytest.mark.parametrize("answer", ["left", "local", "local minimum"])
def test_unstable_first_wrong_answer_names_curvature_not_slope(answer):
    feedback = ex.check_unstable_first(answer)
    assert feedback.correct is False
    assert "depends on its curvature f''" in feedback.message and "zero at every minimum" in feedback.message


def test_global_holds_follows_from_the_factor_and_from_a_run():
    outcome = classify_run(run(QUARTIC, steps.gradient_descent, 0.0, lr=0.1, max_steps=300), QUARTIC)
    assert outcome.point_name != "global minimum"  # what the prediction says, seen in a run
    feedback = ex.check_global_holds("no")
    assert feedback.correct is True and "1 − 0.1·25.25 = -1.53" in feedback.message
    assert ex.check_global_holds(False).correct is True and ex.check_global_holds(" N ").correct is True
    wrong = ex.check_global_holds("yes")
    assert wrong.correct is False and "above its limit 2/f'' = 0.0792" in wrong.message
    below = ex.check_global_holds("yes", lr=0.05)  # below the limit it does hold: the answer follows the factor
    assert below.correct is True and "1 − 0.05·25.25 = -0.26" in below.message
    assert ex.check_global_holds("no", lr=0.05).correct is False


@pytest.mark.parametrize("check", [ex.check_unstable_first, ex.check_global_holds])
@pytest.mark.parametrize("junk", [0.1, "middle", ["right"]])
def test_predictions_reject_junk(check, junk):
    feedback = check(junk)
    assert feedback.correct is False and "Answer with one of" in feedback.message


@pytest.mark.parametrize("check", [ex.check_unstable_first, ex.check_global_holds, ex.check_descend_until])
def test_placeholder_is_not_yet_answered(check):
    assert check(...).correct is None and check(None).correct is None
    assert repr(check(...)).startswith("No answer yet.")


# -- writing the loop ----------------------------------------------------------------------------------
def plain_loop(grad, x0, lr, tol, max_steps, bound):
    x = x0
    for k in range(max_steps):
        if abs(grad(x)) <= tol:
            return x, k, "converged"
        x = x - lr * grad(x)
        if abs(x) > bound:
            return x, k + 1, "diverged"
    return x, max_steps, "max_steps"


def test_the_reference_is_helpers_run_and_a_plain_loop():
    for case in ex._loop_cases():
        x, k, status = ex.descend_until(ex._grad, *case)
        px, pk, pstatus = plain_loop(ex._grad, *case)
        assert (k, status) == (pk, pstatus) and math.isclose(x, px, rel_tol=1e-12)
    assert {ex.descend_until(ex._grad, *case)[2] for case in ex._loop_cases()} == {"converged", "diverged", "max_steps"}


def test_a_right_loop_passes():
    feedback = ex.check_descend_until(plain_loop)
    assert feedback.correct is True and "all 6 runs" in feedback.message

    def while_loop(grad, x0, lr, tol, max_steps, bound):  # written differently on purpose
        x, k = x0, 0
        while abs(grad(x)) > tol:
            if k == max_steps:
                return x, k, "max_steps"
            x, k = x - lr * grad(x), k + 1
            if not abs(x) <= bound:
                return x, k, "diverged"
        return x, k, "converged"

    assert ex.check_descend_until(while_loop).correct is True


def variant(change):
    def loop(grad, x0, lr, tol, max_steps, bound):
        x = x0
        first = 1 if change == "test after step" else 0
        for k in range(first, max_steps + first):
            if change not in ("test after step", "step size") and abs(grad(x)) <= tol:
                return x, k, "converged"
            x_old = x
            x = x + lr * grad(x) if change == "uphill" else x - lr * grad(x)
            if change != "no bound" and abs(x) > bound:
                return (x_old if change == "old x" else x), k + 1 - first, "diverged"
            if change == "test after step" and abs(grad(x)) <= tol:
                return x, k, "converged"
            if change in ("step size", "step size or slope") and abs(x - x_old) <= tol:
                return x, k + 1, "converged"
        return x, max_steps, "converged" if change == "always converged" else "max_steps"
    return loop


@pytest.mark.parametrize("change, phrase", [
    ("uphill", "Your loop moves uphill"),
    ("step size", "You stop when the step |x_new − x| is small"),
    ("step size or slope", "still above tol = 1e-06. Stop on the slope"),
    ("test after step", "You update before you test"),
    ("always converged", "calls a run that used up its budget 'converged'"),
    ("no bound", "stop as soon as |x| > bound"),
    ("old x", "return the last iterate"),
])
def test_typical_loop_mistakes_are_explained(change, phrase):
    feedback = ex.check_descend_until(variant(change))
    assert feedback.correct is False and phrase in feedback.message, feedback.message


def off_by_one(grad, x0, lr, tol, max_steps, bound):
    x, k, status = plain_loop(grad, x0, lr, tol, max_steps, bound)
    return x, k + 1, status


def _raises(grad, x0, lr, tol, max_steps, bound):
    raise IndexError("oops")


@pytest.mark.parametrize("junk, correct, phrase", [
    ("for k in range(max_steps)", False, "should be a function"),
    (_raises, False, "raised IndexError"),
    (lambda grad, x0, lr, tol, max_steps, bound: None, None, "returns None"),
    (lambda grad, x0, lr, tol, max_steps, bound: x0, False, "must return three things"),
    (lambda grad, x0, lr, tol, max_steps, bound: (x0, 1.5, "converged"), False, "must return three things"),
    (lambda grad, x0, lr, tol, max_steps, bound: ("x", 1, "converged"), False, "must return three things"),
    (lambda grad, x0, lr, tol, max_steps, bound: (x0, 0, "done"), False, "The status must be one of"),
    (lambda grad, x0, lr, tol, max_steps, bound: (np.nan, 0, "converged"), False, "your x is nan"),
    (lambda grad, x0, lr: (x0, 0, "converged"), False, "raised TypeError"),
    (off_by_one, False, "off by one"),
])
def test_junk_loops_get_a_clear_message(junk, correct, phrase):
    feedback = ex.check_descend_until(junk)
    assert feedback.correct is correct and phrase in feedback.message, feedback.message
