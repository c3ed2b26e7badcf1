import pytest

from helpers import Square, run, steps
from helpers.exercises import Feedback
from helpers.exercises import square as ex


def test_placeholder_is_not_yet_answered():
    for check in (ex.check_gradient_at_10, ex.check_steps, ex.check_alternating_lr, ex.check_largest_lr):
        feedback = check(...)
        assert isinstance(feedback, Feedback) and feedback.correct is None
        assert repr(feedback).startswith("No answer yet.")


def test_gradient_at_10():
    assert ex.check_gradient_at_10(20).correct is True
    wrong = ex.check_gradient_at_10(-20)
    assert wrong.correct is False and "sign" in wrong.message
    assert ex.check_gradient_at_10("20").correct is False


def test_steps_agree_with_a_real_run():
    expected = run(Square(), steps.gradient_descent, 10.0, lr=0.1, tol=1e-6, max_steps=10_000).steps
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
