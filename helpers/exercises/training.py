"""Checks for notebook 07 (training a network on the digits): two predictions (batch size and learning rate,
a schedule at a large learning rate), the softmax–cross-entropy gradient, and writing a cosine schedule with
warm-up. The experiments the predictions ask about are computed here (once per kernel) and shown by the
notebook."""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

from ..demos.training import digits
from ..mlp import cross_entropy, fit, softmax
from ..runner import log_grid
from ..schedules import cosine, inverse_time, step_decay, warmup_cosine
from . import Feedback, _short, numeric, right, unwritten, wrong

#: The batch-size experiment: SGD, 30 epochs, seed 0, these batch sizes and learning rates (quarter decades).
BATCH_SIZES = (16, 64, 256)
BATCH_LRS = log_grid(0.1, 10**0.25, 6)
#: The schedule experiment: Adam at η = 0.01, 3.5 times its best constant rate, 30 epochs, three seeds.
SCHEDULE_LR, SCHEDULE_SEEDS, EPOCHS = 0.01, (1, 2, 3), 30
SCHEDULES = {"constant": None, "step decay": functools.partial(step_decay, every=10),
             "1/t": functools.partial(inverse_time, decay=0.1),
             "cosine": functools.partial(cosine, epochs=EPOCHS),
             "warm-up + cosine": functools.partial(warmup_cosine, epochs=EPOCHS, warmup=3)}


@functools.cache
def batch_runs():
    """SGD for 30 epochs from seed 0 for every batch size in :data:`BATCH_SIZES` (keys) and learning rate in
    :data:`BATCH_LRS` (a list of runs per batch size)."""
    return {b: [fit(digits(), "SGD", lr=lr, batch_size=b, epochs=EPOCHS, seed=0) for lr in BATCH_LRS]
            for b in BATCH_SIZES}


def batch_sweep():
    """Final validation accuracy of :func:`batch_runs`: a row per batch size, a column per learning rate."""
    return np.array([[r.val_accuracy[-1] for r in runs] for runs in batch_runs().values()])


def best_batch_lrs():
    """The best learning rate of each batch size (the smallest of equals)."""
    return {b: float(BATCH_LRS[int(np.argmax(row))]) for b, row in zip(BATCH_SIZES, batch_sweep(), strict=True)}


def _word(answer, words, question):
    """(the key of ``words`` the answer means, None) or (None, feedback for a missing or malformed answer)."""
    if answer is ... or answer is None:
        return None, Feedback(None, f"Replace ... with your prediction, {question}, then run the cell again.")
    key = answer.strip().lower() if isinstance(answer, str) else None
    found = next((k for k, synonyms in words.items() if key in synonyms), None)
    if found is None:
        return None, wrong(f"Answer with one of {', '.join(repr(k) for k in words)}; got {_short(answer)}.")
    return found, None


def check_batch_lr(answer):
    """Prediction 1: at a fixed budget of epochs, does a larger batch need a larger, smaller or the same η?"""
    words = {"larger": {"larger", "bigger", "higher", "up", "increase", "more"},
             "smaller": {"smaller", "lower", "down", "decrease", "less"}, "same": {"same", "equal", "unchanged"}}
    said, feedback = _word(answer, words, "'larger', 'smaller' or 'same'")
    if feedback:
        return feedback
    best = best_batch_lrs()
    small, large = best[BATCH_SIZES[0]], best[BATCH_SIZES[-1]]
    truth = "larger" if large > small else "smaller" if large < small else "same"
    found = "Best η after 30 epochs: " + ", ".join(f"b = {b}: {lr:.3g}" for b, lr in best.items()) + "."
    n = len(digits()["train"][1])
    if said == truth:
        why = (" A batch of b makes n/b updates per epoch, so at a fixed number of epochs a larger batch has fewer "
               "steps and needs longer ones; and its gradient is an average of more samples, less noisy (notebook "
               "04: variance ∝ 1/b), so it can take them. Up to the stability limit: beyond η ≈ 1.8 every batch "
               "size collapses.")
        return right(found + (why if truth == "larger" else ""))
    hints = {"smaller": "A larger batch averages more samples: its gradient is less noisy (notebook 04), so it "
                        "tolerates a larger step, and with fewer updates per epoch (n/b) it needs one.",
             "same": f"Count the updates: 30 epochs of b = {BATCH_SIZES[-1]} are {EPOCHS * -(-n // BATCH_SIZES[-1]):,} "
                     f"steps, of b = {BATCH_SIZES[0]} {EPOCHS * -(-n // BATCH_SIZES[0]):,}.",
             "larger": "Look at the table: here the larger batches did not want a larger η."}
    return wrong(f"{found} {hints[said]}")


@functools.cache
def schedule_runs():
    """Adam at η = :data:`SCHEDULE_LR` for 30 epochs with each schedule of :data:`SCHEDULES`, one run per seed."""
    return {name: [fit(digits(), "Adam", lr=SCHEDULE_LR, epochs=EPOCHS, seed=seed, schedule=s)
                   for seed in SCHEDULE_SEEDS] for name, s in SCHEDULES.items()}


def check_cosine_helps(answer):
    """Prediction 2: Adam at η = 0.01 with a cosine schedule instead of a constant η: is the validation accuracy after
    30 epochs higher or lower (mean over three seeds)?"""
    words = {"higher": {"higher", "up", "better", "larger", "more"}, "lower": {"lower", "down", "worse", "less"}}
    said, feedback = _word(answer, words, "'higher' or 'lower'")
    if feedback:
        return feedback
    means = {name: 100 * np.mean([r.val_accuracy[-1] for r in schedule_runs()[name]])
             for name in ("constant", "cosine")}
    truth = "higher" if means["cosine"] > means["constant"] else "lower"
    found = (f"Mean validation accuracy over seeds {', '.join(map(str, SCHEDULE_SEEDS))}: constant η "
             f"{means['constant']:.1f} %, cosine {means['cosine']:.1f} %.")
    if said == truth:
        return right(found + (" η = 0.01 is large for Adam: the run gets near a good network early, then keeps jumping "
                              "around (notebook 04's noise ball) and chasing the training images. The cosine keeps the "
                              "large early steps and makes the last ones small: the run settles, with a lower "
                              "validation loss (and a higher training loss) than at the constant rate."
                              if truth == "higher" else ""))
    return wrong(f"{found} Think of notebook 04: with a constant η a stochastic run ends in a noise ball whose size "
                 "grows with η; a decaying η shrinks it.")


# -- the softmax–cross-entropy gradient ----------------------------------------------------------------------
LOGITS, LABEL = (2.0, 1.0, 0.0), 0


@numeric("∂L/∂z₀, a number", answer=lambda: float(softmax(np.array([LOGITS]))[0, LABEL]) - 1.0)
def check_logit_gradient(value, z=LOGITS, label=LABEL):
    """Exercise: ∂L/∂z₀ of the cross-entropy of one sample with logits ``z`` and the label ``label``."""
    o = float(softmax(np.array([z]))[0, label])
    expected = o - 1.0
    if math.isclose(value, expected, rel_tol=1e-3):
        loss = cross_entropy(np.array([z]), [label])
        return right(f"o₀ = e²/(e² + e + 1) = {o:.4f}, and ∂L/∂z₀ = o₀ − y₀ = {o:.4f} − 1 = {expected:.4f}: negative, "
                     f"so gradient descent raises the right class's logit and lowers L = −log o₀ = {loss:.4f}.")
    if math.isclose(value, -expected, rel_tol=1e-3):
        return wrong("That is y₀ − o₀, the direction of descent. The gradient is o − y; the step goes against it.")
    if math.isclose(value, o, rel_tol=1e-3):
        return wrong(f"That is o₀ = {o:.4f} itself; the gradient subtracts the one-hot target y₀ = 1.")
    if math.isclose(value, expected * o * (1 - o), rel_tol=1e-3):
        return wrong("That is notebook 03's delta with the sigmoid's factor o(1 − o). With softmax and cross-entropy "
                     "that factor cancels against the logarithm: δ = o − y.")
    return wrong("Work out o = softmax(z) (divide each e^z by their sum), then o₀ − y₀ with y the one-hot label.")


# -- coding: cosine with warm-up ------------------------------------------------------------------------------
SCHEDULE_CASES = [(30, 3), (10, 2), (12, 1), (8, 0), (5, 4)]


def _schedule_mistakes():
    return [
        (lambda e, n, w: e / w if e < w else cosine(e - w, n - w),
         "Your warm-up starts at 0: in epoch 0 the factor is 0 and the first epoch makes no progress. Start at "
         "1/warmup: (epoch + 1)/warmup."),
        (lambda e, n, w: (e + 1) / w if e < w else cosine(e, n),
         "After the warm-up your cosine starts where it would have been without one, below 1: start it anew at the "
         "end of the warm-up, cosine over epoch − warmup of epochs − warmup."),
        (lambda e, n, w: (e + 1) / w if e < w else cosine(e - w, n),
         "Your cosine starts at 1 after the warm-up but runs over all the epochs, so it never comes down near 0: "
         "it has epochs − warmup epochs left."),
        (lambda e, n, w: (e + 1) / w if e <= w else cosine(e - w, n - w),
         "In epoch = warmup your factor is (warmup + 1)/warmup, above 1: the warm-up covers epochs 0 … warmup − 1."),
        (lambda e, n, w: cosine(e, n), "There is no warm-up: the first warmup epochs should rise linearly to 1."),
        (lambda e, n, w: (e + 1) / w if e < w else math.cos(math.pi * (e - w) / (n - w)),
         "The cosine part goes negative: use ½(1 + cos(π·t/T)), which falls from 1 to 0."),
    ]


def _call(student, epoch, epochs, warmup):
    """(the student's factor, None) or (None, feedback for junk)."""
    where = f"epoch = {epoch}, epochs = {epochs}, warmup = {warmup}"
    try:
        got = student(epoch, epochs, warmup)
    except Exception as err:  # the student's code: any error is feedback
        return None, wrong(f"Your my_warmup_cosine raised {type(err).__name__}: {err} (for {where}).")
    if got is None:
        return None, Feedback(None, "Your my_warmup_cosine returns None: write its body in place of ... and end it "
                                    "with `return` and the factor.")
    if isinstance(got, bool) or not isinstance(got, numbers.Real) or not math.isfinite(got):
        return None, wrong(f"my_warmup_cosine must return one finite number, the factor, got {_short(got)} ({where}).")
    return float(got), None


def check_warmup_cosine(student):
    """Coding exercise: ``student(epoch, epochs, warmup)`` returns the factor of linear warm-up, then cosine."""
    feedback = unwritten(student, "my_warmup_cosine", "epoch, epochs, warmup")
    if feedback:
        return feedback
    for epochs, warmup in SCHEDULE_CASES:
        for epoch in range(epochs):
            got, feedback = _call(student, epoch, epochs, warmup)
            if feedback:
                return feedback
            want = warmup_cosine(epoch, epochs, warmup)
            if math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
                continue
            for mistake, message in _schedule_mistakes():
                try:
                    typical = mistake(epoch, epochs, warmup)
                except ZeroDivisionError:  # a typical mistake with warmup = 0
                    continue
                if math.isclose(got, typical, rel_tol=1e-9, abs_tol=1e-12):
                    return wrong(f"{message} (For epoch = {epoch}, epochs = {epochs}, warmup = {warmup} you give "
                                 f"{got:.4g}, expected {want:.4g}.)")
            return wrong(f"For epoch = {epoch}, epochs = {epochs}, warmup = {warmup} you give {got:.4g}, expected "
                         f"{want:.4g}.")
    epochs = 10
    mine = fit(digits(), "SGD", lr=0.5, epochs=epochs, seed=1, schedule=lambda e: student(e, epochs, 2))
    cases = sum(e for e, _ in SCHEDULE_CASES)
    return right(f"my_warmup_cosine agrees with the reference in all {cases} epochs of {len(SCHEDULE_CASES)} runs. "
                 f"Plugged into run_epochs (SGD, η = 0.5, {epochs} epochs, 2 of warm-up) it trains the network to "
                 f"{100 * mine.val_accuracy[-1]:.1f} % validation accuracy.")
