"""Checks for notebook 04 (full-batch, stochastic and mini-batch gradient descent): two predictions, writing an
epoch of mini-batch gradient descent for another model, and three numbers."""

from __future__ import annotations

import math

import numpy as np

from ..data import linear_regression
from ..regression import fit, least_squares, predicted_batch_variance
from ..steps import gradient_descent
from . import Feedback, _short, numeric, right, unwritten, wrong


@numeric("a whole number of updates", answer=lambda: 16)
def check_updates_per_epoch(value, n=1000, batch_size=64):
    """Exercise 1: how many updates one epoch makes with n points and batches of ``batch_size``."""
    expected = -(-n // batch_size)
    rest = n - (expected - 1) * batch_size
    if value == expected:
        return right(f"⌈{n}/{batch_size}⌉ = {expected}: {expected - 1} full batches of {batch_size} and a last, "
                     f"smaller one of {rest}, so every point is used exactly once per epoch.")
    if value == n // batch_size:
        return wrong(f"{n} = {n // batch_size}·{batch_size} + {n % batch_size}: the {n % batch_size} points "
                     "left over form one more, smaller batch, and every point is used once per epoch.")
    if math.isclose(value, n / batch_size):
        return wrong("An update count is a whole number: the last batch may be smaller, but it is a batch.")
    return wrong(f"Each update uses {batch_size} new points until the {n} points are used up; "
                 f"{value:g} is not that count.")


@numeric("a factor", answer=lambda: 50_000)
def check_slip_factor(value, n=50_000):
    """Exercise 2: with L_i = (1/n)(y_i − ŷ_i)² (the lecture's slide), how many times too small is an SGD step?"""
    if math.isclose(value, n):
        return right(f"∇L_i carries the factor 1/n = 1/{n}, so every step is {n} times smaller than with "
                     "(y_i − ŷ_i)², whose gradient is an unbiased estimate of ∇L. It is as if η were divided "
                     f"by {n}.")
    if math.isclose(value, 1.0 / n):
        return wrong("That is the factor the step is multiplied by; the question asks how many times too small "
                     "it is, so give its inverse.")
    if math.isclose(value, math.sqrt(n)):
        return wrong("The 1/n multiplies the loss, and the gradient is linear in the loss: no square root.")
    return wrong("Compare ∇[(1/n)(y_i − ŷ_i)²] with ∇[(y_i − ŷ_i)²], whose average over i is ∇L.")


def variance_ratio(n, batch_size):
    """Var(g_B)/Var(g_1) = (1/b)·(n − b)/(n − 1) for batches drawn without replacement."""
    return (n - batch_size) / (batch_size * (n - 1))


@numeric("a ratio (a number between 0 and 1)", answer=lambda: 0.01 * 900 / 999)
def check_variance_ratio(value, n=1000, batch_size=100):
    """Exercise 3: the variance of a batch-of-b gradient as a fraction of the single-sample gradient's."""
    expected = variance_ratio(n, batch_size)
    if math.isclose(value, expected, rel_tol=1e-3):
        return right(f"(1/{batch_size})·({n} − {batch_size})/({n} − 1) = {expected:.6f}: the 1/b of averaging, "
                     "times the finite-population factor, because a batch never repeats a point.")
    if math.isclose(value, 1.0 / batch_size, rel_tol=1e-3):
        return wrong(f"1/{batch_size} is right for batches drawn with replacement. A batch of an epoch "
                     f"never repeats a point: multiply by the finite-population factor (n − b)/(n − 1).")
    if math.isclose(value, 1.0 / math.sqrt(batch_size), rel_tol=1e-3):
        return wrong("1/√b is how the standard deviation falls; the question asks for the variance.")
    return wrong(f"Use Var(g_B) = (σ²/b)·(n − b)/(n − 1) with n = {n}, b = {batch_size}, and divide by the "
                 "same formula with b = 1.")


# -- the notebook's problem, for the checks that compute their answer from it --------------------------------
START = (-1.0, 2.0)
METHODS = {"full batch": 1000, "mini-batch": 32, "SGD": 1}


def notebook_data():
    """The 1000 points of notebook 04 (same seed)."""
    return linear_regression(1000, w=2.0, b=-1.0, noise=1.0, rng=np.random.default_rng(0))


def std_ratio(small=10, large=20):
    """By what factor the standard deviation of the batch gradient shrinks from b = ``small`` to ``large``
    (notebook 04's data, at its start point), from the predicted variance σ²/b·(n − b)/(n − 1)."""
    x, y = notebook_data()
    return math.sqrt(predicted_batch_variance(START, x, y, small) / predicted_batch_variance(START, x, y, large))


@numeric("a factor (how many times smaller the standard deviation gets)", answer=lambda: 2**0.5)
def check_std_ratio(value, small=10, large=20):
    """Prediction 2: doubling the batch from 10 to 20, by what factor does the batch gradient's standard deviation
    shrink?"""
    expected = std_ratio(small, large)
    variance = expected**2
    if math.isclose(value, expected, rel_tol=0.02):
        return right(f"It shrinks by a factor {expected:.3f}, about √2 = {math.sqrt(2):.3f}, not 2: averaging b "
                     f"gradients divides the variance by b, so doubling b halves the variance (here by "
                     f"{variance:.3f}, a little more than 2 because a batch never repeats a point) and the "
                     "standard deviation, its square root, falls by √2. Halving the noise takes 4 times the batch.")
    if math.isclose(value, 2.0, rel_tol=0.02) or math.isclose(value, variance, rel_tol=0.02):
        return wrong("Halving is what happens to the variance (the mean squared error of the batch gradient). The "
                     "standard deviation is the square root of the variance: it shrinks by less.")
    if math.isclose(value, 1.0, rel_tol=0.02):
        return wrong("A bigger batch averages more independent per-sample gradients, and an average of more "
                     "numbers scatters less: the noise does shrink.")
    if math.isclose(value, 4.0, rel_tol=0.02):
        return wrong("Four times the batch would halve the standard deviation; the batch is only doubled.")
    return wrong(f"The variance of the batch gradient is about σ²/b. What does doubling b do to it, and to its "
                 f"square root? ({value:g} is not the factor.)")


def _method(answer):
    if not isinstance(answer, str):
        return None
    key = answer.strip().lower().replace("-", " ").replace("_", " ")
    aliases = {"full batch": "full batch", "fullbatch": "full batch", "full": "full batch", "batch": "full batch",
               "gd": "full batch", "gradient descent": "full batch", "full batch gradient descent": "full batch",
               "mini batch": "mini-batch", "minibatch": "mini-batch", "mini": "mini-batch",
               "mini batch b = 32": "mini-batch", "b = 32": "mini-batch", "b=32": "mini-batch",
               "sgd": "SGD", "stochastic": "SGD", "stochastic gradient descent": "SGD", "sgd (b = 1)": "SGD",
               "b = 1": "SGD", "b=1": "SGD"}
    return aliases.get(key)


def distances_after(epochs=10, lr=0.05):
    """Distance to the least-squares (w*, b*) of each method after ``epochs`` epochs, as in notebook 04 section 2."""
    x, y = notebook_data()
    opt = least_squares(x, y)
    return {name: float(np.linalg.norm(fit(x, y, gradient_descent, batch_size=b, epochs=epochs,
                                           rng=np.random.default_rng(1), params0=START, tol=0, lr=lr).x - opt))
            for name, b in METHODS.items()}


def check_closest(answer):
    """Prediction 1: after 10 epochs at η = 0.05, which method is closest to the exact solution?"""
    if answer is ... or answer is None:
        return Feedback(None, "Replace ... with your prediction, 'full batch', 'mini-batch' or 'SGD', "
                              "then run the cell again.")
    name = _method(answer)
    if name is None:
        return wrong(f"Answer with one of 'full batch', 'mini-batch' or 'SGD'; got {answer!r}.")
    found = distances_after()
    closest = min(found, key=found.get)
    table = "Distance to (w*, b*) after 10 epochs: " + ", ".join(f"{k} {v:.4f}" for k, v in found.items()) + "."
    if name == closest:
        per_epoch = -(-1000 // METHODS["mini-batch"])
        return right(f"{table} Many updates per epoch ({per_epoch}) with a fairly calm gradient: the mini-batch gets "
                     "close early, and its noise ball is small.")
    if name == "full batch":
        return wrong(f"{table} The exact gradient, but one step per epoch: 10 steps of η = 0.05 do not get far. "
                     "Per gradient evaluation the noisy methods are much faster.")
    return wrong(f"{table} SGD makes the most updates (1000 per epoch) and gets near quickly, but each step "
                 "follows one point: with a constant η it keeps jittering in a wide noise ball.")


# -- coding: one epoch of mini-batch gradient descent on another model --------------------------------------
#: (start c, n, batch size, η): batches that divide n and batches that leave a remainder, SGD and full batch.
EPOCH_CASES = [(0.0, 11, 4, 0.1), (2.0, 1000, 64, 0.05), (-1.0, 10, 5, 0.3), (0.5, 7, 7, 0.2), (1.0, 5, 1, 0.1),
               (3.0, 30, 7, 0.25)]


def constant_data(n):
    """n data points around 3 (seeded): the exercise fits a constant c to them."""
    return np.random.default_rng(100 + n).normal(3.0, 1.0, n)


def constant_epoch(c, y, lr, batch_size, rng):
    """The reference: one epoch of mini-batch gradient descent on L(c) = (1/n)·Σ(yᵢ − c)², whose batch gradient
    is −2·mean(y_B − c): a fresh permutation from ``rng``, cut into batches (the last holds the remainder)."""
    order = rng.permutation(len(y))
    for a in range(0, len(y), batch_size):
        batch = y[order[a:a + batch_size]]
        c = c - lr * (-2.0 * np.mean(batch - c))
    return float(c)


def _epoch_with(step, shuffle=True, drop_last=False):
    """An epoch like :func:`constant_epoch` with another batch step ``step(c, batch, y, lr)`` (a typical mistake)."""
    def epoch(c, y, lr, batch_size, rng):
        order = rng.permutation(len(y)) if shuffle else np.arange(len(y))
        end = len(y) - len(y) % batch_size if drop_last else len(y)
        for a in range(0, end, batch_size):
            c = step(c, y[order[a:a + batch_size]], y, lr)
        return c
    return epoch


_EPOCH_MISTAKES = [
    (_epoch_with(lambda c, b, y, lr: c + 2 * lr * np.mean(b - c), shuffle=False),
     "Your epoch visits the points in the same order every time: shuffle first, order = rng.permutation(n)."),
    (_epoch_with(lambda c, b, y, lr: c + 2 * lr * np.mean(y - c)),
     "Each step uses all n points: a mini-batch step takes the gradient of its own batch only, y[batch]."),
    (_epoch_with(lambda c, b, y, lr: c + 2 * lr * np.mean(b - c), drop_last=True),
     "The last, smaller batch (the remainder) is missing: every point is used once per epoch."),
    (_epoch_with(lambda c, b, y, lr: c + lr * np.mean(b - c)),
     "The factor 2 is missing: the derivative of (y − c)² with respect to c is −2(y − c)."),
    (_epoch_with(lambda c, b, y, lr: c - 2 * lr * np.mean(b - c)),
     "Your steps go uphill: the gradient is −2·mean(y_B − c), and the step subtracts η times it."),
    (_epoch_with(lambda c, b, y, lr: c + 2 * lr * np.sum(b - c)),
     "Use the batch's mean, not its sum: with the sum a batch of b points makes a step b times larger."),
]


def check_constant_epoch(student):
    """Coding exercise: ``student(c, y, lr, batch_size, rng)`` makes one epoch of mini-batch gradient descent on
    L(c) = mean (y − c)² and returns c; compared with :func:`constant_epoch` for the same seed on several inputs,
    then run for 20 epochs."""
    name = "constant_epoch"
    feedback = unwritten(student, name, "c, y, lr, batch_size, rng")
    if feedback:
        return feedback
    for c, n, batch_size, lr in EPOCH_CASES:
        y = constant_data(n)
        where = f"c = {c:g}, n = {n}, batch_size = {batch_size}, lr = {lr:g}, seed 7"
        given = y.copy()
        try:
            with np.errstate(all="ignore"):
                got = student(c, given, lr, batch_size, np.random.default_rng(7))
        except Exception as err:  # the student's code: any error is feedback
            return wrong(f"Your {name} raised {type(err).__name__}: {err} (for {where}).")
        if got is None:
            return Feedback(None, f"Your {name} returns None: write its body in place of ... and end it with "
                                  "`return c`.")
        if isinstance(got, (bool, str, bytes)) or not _numeric(got) or np.size(got) != 1 or not np.all(
                np.isfinite(got)):
            return wrong(f"{name} must return the new c, one finite number, got {_short(got)} (for {where}).")
        if not np.array_equal(given, y):
            return wrong(f"Your {name} changed the data y it was given (for {where}): shuffle the indices, not y.")
        want = constant_epoch(c, y, lr, batch_size, np.random.default_rng(7))
        got = float(np.asarray(got, dtype=float).ravel()[0])
        if math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            continue
        again = student(c, y.copy(), lr, batch_size, np.random.default_rng(7))
        if not math.isclose(float(np.asarray(again, dtype=float).ravel()[0]), got, rel_tol=1e-12, abs_tol=1e-15):
            return wrong(f"Two calls with the same seed give different results (for {where}): shuffle with the rng "
                         "you are given, rng.permutation(n), not np.random, so that a run can be repeated.")
        for mistake, message in _EPOCH_MISTAKES:
            if math.isclose(got, float(mistake(c, y, lr, batch_size, np.random.default_rng(7))), rel_tol=1e-9,
                            abs_tol=1e-12):
                return wrong(f"{message} (For {where}: you get c = {got:.6g}, expected {want:.6g}.)")
        return wrong(f"For {where} you get c = {got:.6g}; expected {want:.6g}.")
    y, rng, c = constant_data(200), np.random.default_rng(1), 0.0
    for _ in range(20):
        c = float(student(c, y, 0.05, 10, rng))
    return right(f"{name} agrees with the reference on all {len(EPOCH_CASES)} inputs. Run for 20 epochs on 200 "
                 f"points (batches of 10, η = 0.05) from c = 0 it ends at c = {c:.3f}; the mean of the data is "
                 f"{y.mean():.3f}, the constant with the smallest squared error.")


def _numeric(value):
    try:
        return np.asarray(value).dtype.kind in "iuf"
    except (TypeError, ValueError):
        return False
