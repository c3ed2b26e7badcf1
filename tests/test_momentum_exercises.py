"""Notebook 05's new checks: each with the right answer, typical wrong answers (their messages asserted) and junk.
(The four numeric exercises are tested in test_momentum_demos.py.)"""

import numpy as np
import pytest

from helpers import Quadratic2D, run, steps
from helpers.exercises import momentum as ex


# -- prediction 1: β = 0.9 in the ravine at η = 0.07 -----------------------------------------------------------
def plain_loop_steps(lr, beta, tol=1e-6, max_steps=3000):
    """Steps until the next step is shorter than η·tol, written out as a loop (the runner's rule)."""
    lam = np.array([1.0, 25.0])
    x, v = np.array([-9.0, 4.0]), np.zeros(2)
    for k in range(max_steps):
        v = beta * v + (1 - beta) * lam * x
        if np.linalg.norm(lr * v) / lr <= tol:
            return k
        x = x - lr * v
    return None


def test_ravine_prediction_is_computed_from_runs():
    found = ex.ravine_steps()
    assert found == {0.0: 221, 0.9: 325}
    reference = run(Quadratic2D((1.0, 25.0)), steps.momentum, [-9.0, 4.0], lr=0.07, beta=0.9, max_steps=3000)
    assert reference.steps == 325 and reference.converged
    for answer in ("slower", " Slower ", "no"):
        feedback = ex.check_ravine_faster(answer)
        assert feedback.correct is True and "221 steps" in feedback.message and "325 steps" in feedback.message


@pytest.mark.parametrize("answer", ["faster", "yes", "FASTER"])
def test_ravine_wrong_prediction_explains(answer):
    feedback = ex.check_ravine_faster(answer)
    assert feedback.correct is False and "More momentum is not always faster" in feedback.message


def test_ravine_prediction_follows_the_runs_for_other_settings():
    feedback = ex.check_ravine_faster("slower", lr=0.2, beta=0.5)  # plain gradient descent diverges at 0.2
    assert feedback.correct is False and "does not converge" in feedback.message
    assert "builds up speed" in feedback.message
    assert ex.check_ravine_faster("faster", lr=0.2, beta=0.5).correct is True


@pytest.mark.parametrize("junk", [1, "maybe", ["slower"], True])
def test_ravine_prediction_rejects_junk(junk):
    feedback = ex.check_ravine_faster(junk)
    assert feedback.correct is False and "Answer 'faster' or 'slower'" in feedback.message


# -- prediction 2: the stability limit in effective step size --------------------------------------------------
def largest_stable_lr(rule, lam=25.0, beta=0.9):
    """The largest η of a grid on which ``rule`` still converges on λx²/2, measured."""
    objective = Quadratic2D((lam, lam))
    lrs = np.linspace(0.001, 0.5, 2000)
    grid = run(objective, rule, np.array([1.0, 1.0]), lr=lrs[:, None], beta=beta, max_steps=20_000, tail=1)
    return lrs[grid.status.ravel() == "converged"].max()


def test_limit_factor_is_measured_too():
    measured = largest_stable_lr(steps.momentum_sum) / (2 / 25)
    assert measured == pytest.approx(1.9, abs=0.01)
    assert ex.limit_factor() == pytest.approx(1.9)
    assert ex.limit_factor(convention="average") == pytest.approx(19.0)


def test_limit_factor_prediction():
    right = ex.check_limit_factor(1.9)
    assert right.correct is True and "not 19 times" in right.message
    averaged = ex.check_limit_factor(19)
    assert averaged.correct is False and "lecture's averaged form" in averaged.message
    window = ex.check_limit_factor(10)
    assert window.correct is False and "the velocity's window" in window.message
    same = ex.check_limit_factor(1)
    assert same.correct is False and "Momentum does move the limit" in same.message
    other = ex.check_limit_factor(2)
    assert other.correct is False and "2 is not the ratio" in other.message
    for junk in ("1.9", float("inf"), False, [1.9]):
        assert ex.check_limit_factor(junk).correct is False


@pytest.mark.parametrize("check", [ex.check_ravine_faster, ex.check_limit_factor, ex.check_corrected_momentum])
def test_new_checks_wait_for_an_answer(check):
    for placeholder in (..., None):
        feedback = check(placeholder)
        assert feedback.correct is None and repr(feedback).startswith("No answer yet.")


# -- coding: bias-corrected momentum ---------------------------------------------------------------------------
def right_rule(x, state, grad, lr, beta):
    v, t = state
    t += 1
    v = v * beta + grad * (1 - beta)  # written differently from the reference on purpose
    return x - lr * (v / (1.0 - beta**t)), (v, t)


def by_hand(lr, beta, steps):
    """The corrected rule in the ravine, written out as a loop."""
    lam, x, v = np.array([1.0, 25.0]), np.array([-9.0, 4.0]), np.zeros(2)
    path = [x]
    for t in range(1, steps + 1):
        v = beta * v + (1 - beta) * lam * x
        x = x - lr * v / (1 - beta**t)
        path.append(x)
    return np.array(path)


def test_a_right_rule_passes_and_runs_in_the_runner():
    feedback = ex.check_corrected_momentum(right_rule)
    assert feedback.correct is True and "agrees with the reference on all 4 inputs" in feedback.message
    assert "its first step is 10 long, plain momentum's 1" in feedback.message
    run_ = run(Quadratic2D((1.0, 25.0)), right_rule, [-9.0, 4.0], lr=0.1, beta=0.9, state=(0.0, 0), max_steps=40,
               tol=1e-12)
    np.testing.assert_allclose(run_.iterates, by_hand(0.1, 0.9, run_.steps), rtol=1e-12, atol=1e-12)
    assert ex.check_corrected_momentum(ex.corrected_momentum).correct is True


def wrong_rule(change):
    def rule(x, state, grad, lr, beta):
        v, t = state
        v_new, t_new = beta * v + (1 - beta) * grad, t + 1
        corrected = v_new / (1 - beta**t_new)
        if change == "no correction":
            return x - lr * v_new, (v_new, t_new)
        if change == "t not counted":
            return x - lr * v_new / (1 - beta ** (t + 1)), (v_new, t)
        if change == "old t":
            return x - lr * v_new / (1 - beta**t), (v_new, t_new)
        if change == "corrected v stored":
            return x - lr * corrected, (corrected, t_new)
        if change == "the slide's w - v":
            return x - corrected, (v_new, t_new)
        if change == "summed":
            v_sum = beta * v + grad
            return x - lr * v_sum / (1 - beta**t_new), (v_sum, t_new)
        if change == "divided by beta^t":
            return x - lr * v_new / beta**t_new, (v_new, t_new)
        if change == "uphill":
            return x + lr * corrected, (v_new, t_new)
        if change == "swapped return":
            return (v_new, t_new), x - lr * corrected
        if change == "other":
            return x - 0.5 * lr * corrected, (v_new, t_new)
        raise AssertionError(change)
    return rule


@pytest.mark.parametrize("change, phrase", [
    ("no correction", "Your step is plain momentum"),
    ("t not counted", "t must count the steps"),
    ("old t", "Correct with the new step count"),
    ("corrected v stored", "Keep v the plain moving average"),
    ("the slide's w - v", "η is missing"),
    ("summed", "That is the summed velocity"),
    ("divided by beta^t", "not by βᵗ"),
    ("uphill", "Your step moves uphill"),
    ("swapped return", "returns the state first"),
    ("other", "you get x ="),
])
def test_typical_mistakes_are_explained(change, phrase):
    feedback = ex.check_corrected_momentum(wrong_rule(change))
    assert feedback.correct is False and phrase in feedback.message, feedback.message


def failing(x, state, grad, lr, beta):
    raise ZeroDivisionError("oops")


def stateful():
    calls = []

    def rule(x, state, grad, lr, beta):
        calls.append(1)
        x, state = ex.corrected_momentum(x, state, grad, lr, beta)
        return x * (1 + 1e-3 * (len(calls) > 4)), state
    return rule


@pytest.mark.parametrize("junk, correct, phrase", [
    ("def corrected_momentum", False, "should be a function"),
    (0.9, False, "should be a function"),
    (failing, False, "raised ZeroDivisionError"),
    (lambda x, state, grad, lr, beta: None, None, "returns None"),
    (lambda x, state, grad, lr, beta: x, False, "must return two arrays of numbers"),
    (lambda x, state, grad, lr, beta: (x, state[0]), False, "must return two arrays of numbers"),
    (lambda x, state, grad, lr, beta: ("x", ("v", 1)), False, "must return two arrays of numbers"),
    (lambda x, state, grad, lr, beta: (x * np.nan, state), False, "contains nan or inf"),
    (lambda x, state, grad, lr: (x, state), False, "raised TypeError"),
    (stateful(), False, "inside helpers.run it drifts"),
])
def test_junk_gets_a_clear_message(junk, correct, phrase):
    feedback = ex.check_corrected_momentum(junk)
    assert feedback.correct is correct and phrase in feedback.message, feedback.message
