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


@pytest.mark.parametrize("check", [ex.check_closest, ex.check_std_ratio, ex.check_batches])
def test_new_checks_wait_for_an_answer(check):
    for placeholder in (..., None):
        feedback = check(placeholder)
        assert feedback.correct is None and repr(feedback).startswith("No answer yet.")


# -- coding: the shuffle-and-cut of an epoch ----------------------------------------------------------------------
def cut(order, b):
    return [order[a:a + b] for a in range(0, len(order), b)]


def right_batches(n, batch_size, rng):
    order = np.arange(n)
    rng.shuffle(order)  # written differently from the reference on purpose
    return cut(order, batch_size)


def other_shuffle(n, batch_size, rng):
    return cut(rng.choice(n, size=n, replace=False), batch_size)


def test_right_batches_pass():
    def reference(n, batch_size, rng):
        order = rng.permutation(n)
        return [order[a:a + batch_size] for a in range(0, n, batch_size)]

    for student in (reference, right_batches, ex.reference_batches):
        feedback = ex.check_batches(student)
        assert feedback.correct is True and "the very batches of the notebook's batches()" in feedback.message
    feedback = ex.check_batches(other_shuffle)
    assert feedback.correct is True and "a different shuffle" in feedback.message


def test_the_reference_is_a_shuffled_partition():
    for n, b in ex.BATCH_CASES:
        found = ex.reference_batches(n, b, np.random.default_rng(n))
        assert sorted(np.concatenate(found).tolist()) == list(range(n))
        assert [len(x) for x in found] == [b] * (n // b) + ([n % b] if n % b else [])


def drops_the_rest(n, b, rng):
    return cut(rng.permutation(n), b)[: n // b]


def with_replacement(n, b, rng):
    return cut(rng.integers(0, n, size=n), b)


def not_shuffled(n, b, rng):
    return cut(np.arange(n), b)


def remainder_first(n, b, rng):
    order, rest = rng.permutation(n), n % b
    return ([order[:rest]] if rest else []) + cut(order[rest:], b)


def even_split(n, b, rng):
    return np.array_split(rng.permutation(n), -(-n // b))


def b_batches(n, b, rng):
    return np.array_split(rng.permutation(n), b)


def global_random(n, b, rng):
    return cut(np.random.default_rng().permutation(n), b)


def fixed_seed(n, b, rng):
    return cut(np.random.default_rng(0).permutation(n), b)


def one_based(n, b, rng):
    return cut(rng.permutation(n) + 1, b)


@pytest.mark.parametrize("student, phrase", [
    (drops_the_rest, "Your batches skip the last 3 samples (n = 11, batch_size = 4)"),
    (with_replacement, "appears"),
    (not_shuffled, "Your batches are not shuffled"),
    (remainder_first, "the last batch should hold the remainder"),
    (even_split, "you spread the samples evenly"),
    (b_batches, "batch_size is the number of samples per batch, not the number of batches"),
    (global_random, "your shuffle ignores rng"),
    (fixed_seed, "Two calls with the same rng give the same order"),
    (one_based, "Index 11 is not a sample"),
])
def test_typical_batch_mistakes_are_explained(student, phrase):
    feedback = ex.check_batches(student)
    assert feedback.correct is False and phrase in feedback.message, feedback.message


def test_a_repeated_sample_is_named():
    def twice(n, b, rng):
        order = rng.permutation(n)
        order[1] = order[0]
        return cut(order, b)

    feedback = ex.check_batches(twice)
    assert feedback.correct is False and "appears 2 times" in feedback.message and "exactly once" in feedback.message


def raises(n, b, rng):
    raise IndexError("out of range")


@pytest.mark.parametrize("junk, correct, phrase", [
    ("def my_batches", False, "should be a function"),
    (42, False, "should be a function"),
    (raises, False, "raised IndexError: out of range"),
    (lambda n, b, rng: None, None, "returns None"),
    (lambda n, b, rng: rng.permutation(n), False, "one array: cut the shuffled order"),
    (lambda n, b, rng: "batches", False, "return a list of index arrays"),
    (lambda n, b, rng: 7, False, "return a list of index arrays"),
    (lambda n, b, rng: cut(rng.permutation(n) * np.nan, b), False, "indices are whole numbers"),
    (lambda n, b, rng: cut(rng.permutation(n) + 0.5, b), False, "indices are whole numbers"),
    (lambda n, b, rng: [x[:, None] for x in cut(rng.permutation(n), b)], False, "each batch is a 1-d array"),
    (lambda n, b, rng: rng.permutation(n).reshape(-1, b), False, "raised ValueError"),
    (lambda n, b: cut(np.arange(n), b), False, "raised TypeError"),
])
def test_junk_batches_get_a_clear_message(junk, correct, phrase):
    feedback = ex.check_batches(junk)
    assert feedback.correct is correct and phrase in feedback.message, feedback.message
