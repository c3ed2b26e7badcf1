"""Checks for notebook 04 (full-batch, stochastic and mini-batch gradient descent): two predictions, writing the
shuffle-and-cut of an epoch, and three numbers."""

from __future__ import annotations

import math

import numpy as np

from ..data import linear_regression
from ..regression import fit, least_squares, predicted_batch_variance
from ..steps import gradient_descent
from . import Feedback, _short, numeric, right, unwritten, wrong


@numeric("a whole number of updates")
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


@numeric("a factor")
def check_slip_factor(value, n=1000):
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


@numeric("a ratio (a number between 0 and 1)")
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


@numeric("a factor (how many times smaller the standard deviation gets)")
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


# -- coding: shuffle and cut one epoch ------------------------------------------------------------------------
BATCH_CASES = [(11, 4), (1000, 64), (10, 5), (7, 7), (5, 1), (30, 7)]


def reference_batches(n, batch_size, rng):
    """One epoch: a fresh permutation of 0 … n − 1 from ``rng``, cut into batches of ``batch_size`` (the last holds
    the remainder)."""
    order = rng.permutation(n)
    return [order[a:a + batch_size] for a in range(0, n, batch_size)]


def _as_batches(got):
    """A list of 1-d integer arrays, or a message saying what is wrong with ``got``."""
    if isinstance(got, np.ndarray) and got.ndim == 1:
        return "one array: cut the shuffled order into a list of batches, [order[0:b], order[b:2b], …]"
    if isinstance(got, (str, bytes, dict)) or not hasattr(got, "__iter__"):
        return f"{_short(got)}: return a list of index arrays, one per batch"
    out = []
    for batch in got:
        try:
            arr = np.asarray(batch)
        except (TypeError, ValueError):
            return f"a batch that is not an array of indices ({_short(batch)})"
        if arr.ndim != 1:
            return f"a batch of shape {arr.shape}: each batch is a 1-d array of sample indices"
        if arr.size and arr.dtype.kind not in "iu":
            if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
                arr = arr.astype(int)
            else:
                return (f"a batch of {arr.dtype} values ({_short(arr)}): indices are whole numbers, "
                        "0 … n − 1")
        out.append(arr.astype(int))
    return out


def _sizes(batches):
    return [len(b) for b in batches]


def _run_batches(student, n, batch_size, seed):
    """(the student's batches, None) or (None, the feedback for junk)."""
    where = f"for n = {n}, batch_size = {batch_size}"
    try:
        with np.errstate(all="ignore"):
            got = student(n, batch_size, np.random.default_rng(seed))
    except Exception as err:  # the student's code: any error is feedback
        return None, wrong(f"Your my_batches raised {type(err).__name__}: {err} ({where}).")
    if got is None:
        return None, Feedback(None, "Your my_batches returns None: write its body in place of ... and end it "
                                    "with `return` and the list of batches.")
    batches = _as_batches(got)
    if isinstance(batches, str):
        return None, wrong(f"my_batches returned {batches} ({where}).")
    return batches, None


def _explain(batches, n, batch_size):
    """The first way ``batches`` is not a shuffled epoch of n samples in batches of ``batch_size``, or None."""
    where = f"(n = {n}, batch_size = {batch_size})"
    flat = np.concatenate(batches) if batches else np.array([], dtype=int)
    outside = flat[(flat < 0) | (flat >= n)]
    if outside.size:
        return f"Index {outside[0]} is not a sample {where}: indices run from 0 to n − 1 = {n - 1}."
    values, counts = np.unique(flat, return_counts=True)
    if np.any(counts > 1):
        twice = values[counts > 1]
        return (f"Sample {twice[0]} appears {counts[counts > 1][0]} times {where}"
                + (f", and {twice.size - 1} more samples repeat" if twice.size > 1 else "")
                + ": an epoch uses every sample exactly once. Shuffle a permutation (rng.permutation(n)) rather "
                  "than drawing indices at random.")
    want = _sizes(reference_batches(n, batch_size, np.random.default_rng(0)))
    missing = n - values.size
    if missing:
        rest = n % batch_size
        hint = (f" the {rest} left over after the full batches form one more, smaller batch."
                if missing == rest else "")
        return f"Your batches skip the last {missing} samples {where}: every sample is used once per epoch;{hint}"
    sizes = _sizes(batches)
    if sizes != want:
        if sorted(sizes) == sorted(want):
            return (f"Your batch sizes are {_short(np.array(sizes))}, expected {_short(np.array(want))} {where}: "
                    "the last batch should hold the remainder.")
        if len(sizes) == len(want):
            return (f"Your batch sizes are {_short(np.array(sizes))}, expected {_short(np.array(want))} {where}: "
                    f"you spread the samples evenly; every batch holds batch_size = {batch_size} samples, and "
                    "the last batch should hold the remainder.")
        if len(sizes) == batch_size:
            return (f"Your batch sizes are {_short(np.array(sizes))}, expected {_short(np.array(want))} {where}: "
                    f"batch_size is the number of samples per batch, not the number of batches; the last "
                    "batch should hold the remainder.")
        return (f"Your batch sizes are {_short(np.array(sizes))}, expected {_short(np.array(want))} {where}: "
                f"batches of {batch_size}, and the last batch should hold the remainder.")
    if n >= 10 and np.array_equal(flat, np.arange(n)):
        return (f"Your batches are not shuffled {where}: they hold 0, 1, 2, … in order, so every epoch visits the "
                "samples in the same order. Cut a fresh permutation, rng.permutation(n).")
    return None


def check_batches(student):
    """Coding exercise: ``student(n, batch_size, rng)`` returns the batches of one epoch, a list of index arrays."""
    feedback = unwritten(student, "my_batches", "n, batch_size, rng")
    if feedback:
        return feedback
    for n, batch_size in BATCH_CASES:
        batches, feedback = _run_batches(student, n, batch_size, seed=n)
        if feedback:
            return feedback
        problem = _explain(batches, n, batch_size)
        if problem:
            return wrong(problem)
    n, batch_size = 30, 7
    first, feedback = _run_batches(student, n, batch_size, seed=5)
    again, _ = _run_batches(student, n, batch_size, seed=5)
    if feedback or again is None:
        return feedback or wrong("my_batches failed on a second call with the same seed.")
    if not all(np.array_equal(a, b) for a, b in zip(first, again, strict=True)):
        return wrong("Two generators with the same seed give different batches: your shuffle ignores rng (use "
                     "rng.permutation(n), not np.random.permutation), so a run cannot be repeated.")
    rng = np.random.default_rng(5)
    try:
        epochs = [_as_batches(student(n, batch_size, rng)) for _ in range(2)]
    except Exception as err:  # the student's code
        return wrong(f"Your my_batches raised {type(err).__name__}: {err} on a second call with the same rng.")
    if all(np.array_equal(a, b) for a, b in zip(*epochs, strict=True)):
        return wrong("Two calls with the same rng give the same order: shuffle afresh with the rng you are given "
                     "(no new default_rng inside), so that every epoch gets its own order.")
    same = all(np.array_equal(a, b) for a, b in zip(first, reference_batches(n, batch_size, np.random.default_rng(5)),
                                                    strict=True))
    how = ("the very batches of the notebook's batches() for the same seed" if same
           else "a different shuffle from the notebook's batches(), which is just as right: any fresh permutation is")
    return right(f"On all {len(BATCH_CASES)} inputs every sample is used exactly once, in batches of batch_size and "
                 f"a last one with the remainder, shuffled afresh from rng on every call: {how}.")
