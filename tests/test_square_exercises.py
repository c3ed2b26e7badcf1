import numpy as np
import pytest

from helpers import Square, run, steps
from helpers.exercises import Feedback
from helpers.exercises import square as ex


def test_placeholder_is_not_yet_answered():
    for check in (ex.check_gradient, ex.check_steps, ex.check_alternating_lr, ex.check_largest_lr):
        feedback = check(...)
        assert isinstance(feedback, Feedback) and feedback.correct is None
        assert repr(feedback).startswith("No answer yet.")


def test_gradient_left_of_the_minimum():
    assert ex.check_gradient(-6).correct is True and "moves right" in ex.check_gradient(-6).message
    wrong = ex.check_gradient(6)
    assert wrong.correct is False and "wrong sign" in wrong.message
    assert "value of the function" in ex.check_gradient(9).message
    assert ex.check_gradient("-6").correct is False
    assert ex.check_gradient(20, x=10.0).correct is True
    assert ex.check_gradient.answer() == float(Square().grad(-3.0))


def test_steps_agree_with_a_real_run():
    expected = run(Square(), steps.gradient_descent, 10.0, lr=0.2, tol=1e-6, max_steps=10_000).steps
    assert ex.check_steps.answer() == expected == 33
    assert ex.check_steps(expected).correct is True
    assert ex.check_steps(expected - 1).correct is False
    assert ex.check_steps(expected + 1).correct is False


@pytest.mark.parametrize("x0, lr, tol", [(10.0, 0.1, 1e-6), (3.0, 0.7, 1e-9), (-5.0, 0.25, 1e-3), (1.0, 0.5, 1e-6)])
def test_closed_form_step_count_matches_runs(x0, lr, tol):
    result = run(Square(), steps.gradient_descent, x0, lr=lr, tol=tol, max_steps=10_000)
    assert result.converged and ex.steps_to_tolerance(x0, lr, tol) == result.steps


def test_steps_to_tolerance_is_none_when_the_run_never_converges():
    assert ex.steps_to_tolerance(10.0, 1.0, 1e-6) is None
    assert run(Square(), steps.gradient_descent, 10.0, lr=1.0, tol=1e-6, max_steps=10_000).status == "max_steps"


@pytest.mark.parametrize("lr, ok", [(0.7, True), (0.51, True), (0.99, True), (0.3, False), (1.0, False), (1.5, False),
                                    (-0.7, False)])
def test_alternating_lr(lr, ok):
    assert ex.check_alternating_lr(lr).correct is ok


def test_largest_lr():
    assert ex.check_largest_lr(1 / 3).correct is True
    assert ex.check_largest_lr(0.5).correct is False
    assert ex.check_largest_lr(1 / 6).correct is False
    assert ex.check_largest_lr(float("nan")).correct is False


# -- predictions ---------------------------------------------------------------------------------------
def test_regime_prediction_is_read_off_a_run():
    assert [ex.regime(lr) for lr in (0.1, 0.5, 0.6, 0.7, 1.0, 1.01, 1.1)] == [
        "monotone", "one step", "alternating", "alternating", "bouncing", "diverging", "diverging"]
    feedback = ex.check_regime("alternating")
    assert feedback.correct is True and "10, -2, 0.4, -0.08" in feedback.message
    assert ex.check_regime(" Zig-Zag ").correct is True


@pytest.mark.parametrize("answer, phrase", [
    ("diverging", "lands closer than it started, at -2"),
    ("monotone", "the sign flips every step"),
    ("one step", "Only η = 0.5 lands exactly on 0"),
    ("bouncing", "Bouncing needs a factor of exactly −1"),
])
def test_regime_wrong_predictions_explain(answer, phrase):
    feedback = ex.check_regime(answer)
    assert feedback.correct is False and phrase in feedback.message, feedback.message


def test_status_prediction():
    assert run(Square(), steps.gradient_descent, 10.0, lr=0.1, max_steps=50, bound=1000.0).status == "max_steps"
    feedback = ex.check_status("max_steps")
    assert feedback.correct is True and "first holds at step 76" in feedback.message
    assert ex.check_status("max steps").correct is True
    converged = ex.check_status("converged")
    assert converged.correct is False and "Mathematically yes" in converged.message
    assert "first holds at step 76" in converged.message
    diverged = ex.check_status("diverged")
    assert diverged.correct is False and "every step shrinks x" in diverged.message
    assert ex.check_status("converged", lr=0.7).correct is True  # 19 steps: within the budget


@pytest.mark.parametrize("check", [ex.check_regime, ex.check_status])
@pytest.mark.parametrize("junk", [3, "fast", ["max_steps"], 0.6])
def test_predictions_reject_junk(check, junk):
    feedback = check(junk)
    assert feedback.correct is False and "Answer with one of" in feedback.message


@pytest.mark.parametrize("check", [ex.check_regime, ex.check_status, ex.check_decaying_step])
def test_new_checks_wait_for_an_answer(check):
    assert check(...).correct is None and check(None).correct is None
    assert repr(check(...)).startswith("No answer yet.")


# -- a rule whose learning rate decays -----------------------------------------------------------------
def by_hand(x0, lr, steps):
    """The decaying rule's iterates on x², written out: x_(k+1) = x_k − η/(1 + k/10)·2x_k."""
    xs = [x0]
    for k in range(steps):
        xs.append(xs[-1] - lr / (1 + k / 10) * 2 * xs[-1])
    return xs


def test_a_right_rule_passes_and_runs_in_the_runner():
    def mine(x, k, grad, lr):
        eta = lr / (1.0 + 0.1 * k)  # written differently from the reference on purpose
        return x - eta * grad, k + 1

    feedback = ex.check_decaying_step(mine)
    assert feedback.correct is True and "all 4 inputs" in feedback.message
    reference = run(Square(), ex.decaying_gradient_descent, 10.0, lr=1.5)
    assert f"yours {reference.outcome()}" in feedback.message and "a constant η diverged" in feedback.message
    np.testing.assert_allclose(reference.iterates, by_hand(10.0, 1.5, reference.steps), rtol=1e-12, atol=1e-300)
    assert reference.converged and np.all(reference.states == np.arange(reference.steps + 1))


@pytest.mark.parametrize("rule, phrase", [
    (lambda x, k, g, lr: (x - lr * g, k), "Neither the decay nor the count"),
    (lambda x, k, g, lr: (x - lr * g, k + 1), "does not shrink"),
    (lambda x, k, g, lr: (x - lr / (1 + k / 10) * g, k), "The state never changes"),
    (lambda x, k, g, lr: (x - lr / (1 + (k + 1) / 10) * g, k + 1), "Off by one"),
    (lambda x, k, g, lr: (x - lr / (1 + k) * g, k + 1), "ten times too fast"),
    (lambda x, k, g, lr: (x - lr * (1 + k / 10) * g, k + 1), "grows with k"),
    (lambda x, k, g, lr: (x + lr / (1 + k / 10) * g, k + 1), "moves uphill"),
    (lambda x, k, g, lr: (x - 0.5 * lr / (1 + k / 10) * g, k + 1), "For x = -3, k = 4, grad = -6"),
    (lambda x, k, g, lr: (float(np.sum(x - lr / (1 + k / 10) * g)), k + 1), "has shape ()"),
])
def test_typical_mistakes_are_explained(rule, phrase):
    feedback = ex.check_decaying_step(rule)
    assert feedback.correct is False and phrase in feedback.message, feedback.message


def _raises(x, k, grad, lr):
    raise ValueError("no")


def _drifts():
    calls = []

    def rule(x, k, grad, lr):
        calls.append(1)
        return x - lr / (1 + k / 10) * grad * (1 + 1e-3 * (len(calls) > 6)), k + 1
    return rule


@pytest.mark.parametrize("junk, correct, phrase", [
    ("x - lr * grad", False, "should be a function"),
    (None, None, "Write the function"),
    (_raises, False, "raised ValueError"),
    (lambda x, k, grad, lr: None, None, "returns None"),
    (lambda x, k, grad, lr: x - lr * grad, False, "must return two arrays of numbers"),
    (lambda x, k, grad, lr: ("x", k), False, "must return two arrays of numbers"),
    (lambda x, k, grad, lr: (x * np.nan, k + 1), False, "contains nan or inf"),
    (lambda x, k, grad: (x, k), False, "raised TypeError"),
    (_drifts(), False, "inside helpers.run it drifts"),
])
def test_junk_rules_get_a_clear_message(junk, correct, phrase):
    feedback = ex.check_decaying_step(junk)
    assert feedback.correct is correct and phrase in feedback.message, feedback.message


def test_steps_solution_shows_the_computed_bound():
    assert "log(5e-08)/log(0.6) = 32.91" in ex.check_steps(33).message
    assert "log(5e-08)/log(0.8) = 75.34" in ex.check_steps(76, lr=0.1).message
    assert ex.check_steps(1, lr=0.5).correct is True
