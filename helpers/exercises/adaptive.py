"""Checks for notebook 06 (Nesterov, AdaGrad, RMSProp, Adam): two predictions, Adam's first step and
writing the RMSProp step."""

from __future__ import annotations

import math

import numpy as np

from ..demos.adaptive import RACERS, SURFACES, first_step, race
from ..objectives import Saddle
from ..runner import run
from ..steps import adam, rmsprop
from . import Feedback, check_rule, numeric, right, wrong

NAMES = [name for name, *_ in RACERS]
ARRIVAL = 0.01  # "reaches the minimum": within this distance of (1, 1)
ROSENBROCK_STEPS = 3000
SADDLE_START = (-1.8, 0.001)
ESCAPE = 0.5  # "leaves the saddle": |y| beyond this


def _name(answer):
    """The racer an answer names (case and spaces ignored; "GD" for gradient descent), or None."""
    if not isinstance(answer, str):
        return None
    key = answer.strip().lower().replace("_", " ")
    aliases = {"gd": "gradient descent", "heavy ball": "momentum", "nag": "nesterov"}
    key = aliases.get(key, key)
    return next((n for n in NAMES if n.lower() == key), None)


def _choice(answer, question):
    """(the named racer, None) or (None, the feedback for a missing or malformed answer)."""
    if answer is ... or answer is None:
        return None, Feedback(None, f"Replace ... with your prediction, {question}, as a string such as "
                                    "'Adam', then run the cell again.")
    name = _name(answer)
    if name is None:
        return None, wrong(f"Answer with one of the names {', '.join(repr(n) for n in NAMES)}; got {answer!r}.")
    return name, None


def _ranking(steps):
    """(the racer with the fewest steps, 'Adam 632; momentum 1,027; …; AdaGrad never')."""
    order = sorted((k, n) for n, k in steps.items() if k is not None)
    return order[0][1], "; ".join(f"{n} {k:,}" for k, n in order) + "".join(
        f"; {n} never" for n, k in steps.items() if k is None)


def rosenbrock_arrivals():
    """Step at which each racer first comes within :data:`ARRIVAL` of (1, 1), from (−1.2, 1) at the race's
    settings, in :data:`ROSENBROCK_STEPS` steps (None: never)."""
    return {name: first_step(r, lambda p: np.hypot(p[:, 0] - 1.0, p[:, 1] - 1.0) < ARRIVAL)
            for name, r in race("rosenbrock", steps=ROSENBROCK_STEPS).items()}


def check_rosenbrock_first(answer):
    """Prediction 1: which optimiser is first within 0.01 of Rosenbrock's minimum?"""
    name, feedback = _choice(answer, "the optimiser that arrives first")
    if feedback:
        return feedback
    winner, order = _ranking(rosenbrock_arrivals())
    ranking = f"Steps to within {ARRIVAL} of (1, 1): {order}."
    if name == winner:
        return right(f"{ranking} The valley floor is long and flat and curves: a memory of past gradients "
                     "(momentum, Nesterov, Adam's first moment) keeps the speed along it.")
    if name in ("AdaGrad", "RMSProp"):
        return wrong(f"{ranking} Per-coordinate step sizes alone do not follow a curved valley: the valley "
                     "runs diagonally, so no coordinate is 'the flat one'.")
    if name == "gradient descent":
        return wrong(f"{ranking} Its step is η times the gradient, and η must suit the steep walls (curvature "
                     "about 1000 across the valley): along the almost flat floor that step is tiny.")
    return wrong(f"{ranking} {name} gets there, but not first.")


def saddle_escapes():
    """Step at which each racer first has |y| > :data:`ESCAPE`, from :data:`SADDLE_START` (None: never)."""
    return {name: first_step(r, lambda p: np.abs(p[:, 1]) > ESCAPE)
            for name, r in race("saddle", start=SADDLE_START).items()}


def check_saddle_escape(answer):
    """Prediction 2: from (−1.8, 0.001), which optimiser is first to leave the saddle?"""
    name, feedback = _choice(answer, "the optimiser that leaves the saddle first")
    if feedback:
        return feedback
    winner, order = _ranking(saddle_escapes())
    ranking = f"First step with |y| > {ESCAPE}: {order}."
    lr = SURFACES["saddle"].lr_adaptive
    if name == winner:
        return right(f"{ranking} Not for a deep reason: RMSProp's first step is η/√(1 − β₂) = 10η = {10 * lr:g} "
                     "in every coordinate, because its average of squares starts at 0 and is not corrected. "
                     "Adam, which corrects it, needs a few steps; gradient descent, whose step is η times the "
                     "tiny gradient, needs dozens.")
    if name == "Adam":
        return wrong(f"{ranking} Adam is fast (its step does not shrink with the gradient), but RMSProp's "
                     "uncorrected first step is ten times η.")
    return wrong(f"{ranking} Look at the first step of each rule when the gradient's y-part is tiny.")


def adam_first_step(lr=0.01, grad=(0.001, -50.0)):
    """How far Adam's first step moves each coordinate (with PyTorch's defaults)."""
    x, _ = adam(np.zeros(2), (0.0, 0.0, 0), np.asarray(grad), lr)
    return np.abs(x)


@numeric("the length of the first step in x₁")
def check_adam_first_step(value, lr=0.01, grad=(0.001, -50.0)):
    """Exercise 1: the size of Adam's first step in the first coordinate, for η = 0.01 and ∇f = (0.001, −50)."""
    expected = float(adam_first_step(lr, grad)[0])
    g, b1, b2 = grad[0], 0.9, 0.999
    if math.isclose(value, expected, rel_tol=1e-3):
        return right(f"m̂ = g and ŝ = g² after one step, so the step is η·g/(|g| + ε) ≈ η = {expected:.4g} in every "
                     f"coordinate, whether the gradient is {grad[0]:g} or {grad[1]:g}.")
    if math.isclose(value, lr * abs(g), rel_tol=1e-3):
        return wrong("That is gradient descent's step η·|g|. Adam divides by the root of the squared gradient.")
    if math.isclose(value, lr * abs(g) / math.sqrt(1 - b2) / abs(g), rel_tol=1e-3):
        return wrong(f"That is the step without the bias correction of ŝ: s₁ = (1 − β₂)·g² = {1 - b2:g}·g² is far "
                     "too small before it is divided by 1 − β₂.")
    if math.isclose(value, lr * (1 - b1) / math.sqrt(1 - b2), rel_tol=1e-3) or math.isclose(
            value, lr * (1 - b1), rel_tol=1e-3):
        return wrong("m₁ = (1 − β₁)·g needs its correction too: m̂₁ = m₁/(1 − β₁) = g.")
    return wrong("Work out m₁, s₁ from zero, correct both (t = 1), then η·m̂/(√ŝ + ε).")


def _rmsprop_cases():
    return [
        (1.0, 0.0, 0.5, dict(lr=0.1, beta2=0.99, eps=1e-8)),
        (-2.0, 4.0, -3.0, dict(lr=0.1, beta2=0.9, eps=1e-8)),
        (np.array([1.0, -2.0]), np.array([0.25, 100.0]), np.array([0.5, -20.0]), dict(lr=0.01, beta2=0.99, eps=1e-8)),
        (np.array([0.0, 0.0]), np.array([0.0, 0.0]), np.array([1e-3, -1e-3]), dict(lr=0.1, beta2=0.5, eps=0.1)),
    ]


def _rmsprop_mistakes():
    def old_s(x, s, grad, lr, beta2, eps):
        return x - lr * grad / (np.sqrt(beta2 * s + (1 - beta2) * grad * grad) + eps), s

    def step_with_old_s(x, s, grad, lr, beta2, eps):
        return x - lr * grad / (np.sqrt(s) + eps), beta2 * s + (1 - beta2) * grad * grad

    def without_one_minus(x, s, grad, lr, beta2, eps):
        s = beta2 * s + grad * grad
        return x - lr * grad / (np.sqrt(s) + eps), s

    def not_squared(x, s, grad, lr, beta2, eps):
        s = beta2 * s + (1 - beta2) * grad
        return x - lr * grad / (np.sqrt(s) + eps), s

    def weights_swapped(x, s, grad, lr, beta2, eps):
        s = (1 - beta2) * s + beta2 * grad * grad
        return x - lr * grad / (np.sqrt(s) + eps), s

    def eps_inside(x, s, grad, lr, beta2, eps):
        s = beta2 * s + (1 - beta2) * grad * grad
        return x - lr * grad / np.sqrt(s + eps), s

    def no_root(x, s, grad, lr, beta2, eps):
        s = beta2 * s + (1 - beta2) * grad * grad
        return x - lr * grad / (s + eps), s

    def uphill(x, s, grad, lr, beta2, eps):
        s = beta2 * s + (1 - beta2) * grad * grad
        return x + lr * grad / (np.sqrt(s) + eps), s

    return [
        (old_s, "Your s never changes: compute the new s = β₂·s + (1 − β₂)·grad² and return it."),
        (step_with_old_s, "Divide by the root of the new s, the one that already includes this gradient."),
        (without_one_minus, "The new square enters with the weight 1 − β₂: s = β₂·s + (1 − β₂)·grad²."),
        (not_squared, "s averages the squared gradients, grad², not the gradients."),
        (weights_swapped, "The weights are swapped: β₂ goes with the old s, 1 − β₂ with the new grad²."),
        (eps_inside, "ε goes outside the square root, √s + ε, as in PyTorch (with ε = 0.1 that shows)."),
        (no_root, "Divide by the square root of s, √s + ε: s is a squared gradient, its root has the gradient's size."),
        (uphill, "Your step moves uphill: subtract η·grad/(√s + ε)."),
    ]


def check_rmsprop(student):
    """Exercise 2: the student's RMSProp step against :func:`helpers.steps.rmsprop`, then in the runner."""
    feedback = check_rule(student, rmsprop, _rmsprop_cases(), name="my_rmsprop", mistakes=_rmsprop_mistakes())
    if feedback.correct is not True:
        return feedback
    saddle, steps = Saddle(), 40
    try:
        with np.errstate(all="ignore"):
            mine = run(saddle, student, list(SADDLE_START), lr=0.05, max_steps=steps)
    except Exception as err:  # the student's code inside the runner
        return wrong(f"Your rule is right on single steps but failed inside helpers.run: {type(err).__name__}: {err}.")
    ref = run(saddle, rmsprop, list(SADDLE_START), lr=0.05, max_steps=steps)
    # (g**2 and g*g round alike, but (1 − β₂)·g·g and (1 − β₂)·g² need not: equal up to rounding)
    if mine.steps != ref.steps or not np.allclose(mine.iterates, ref.iterates, rtol=1e-9, atol=1e-12):
        return wrong("Your rule is right on single steps, but inside helpers.run it drifts from the reference: "
                     "does it keep something between calls?")
    return right(f"{feedback.message} helpers.run runs it as it runs its own: {steps} steps on the saddle from "
                 f"{SADDLE_START}, the same path as helpers.steps.rmsprop up to rounding.")
