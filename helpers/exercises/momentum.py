"""Checks for notebook 05 (moving averages and momentum): two predictions, writing the momentum step, and four
numbers."""

from __future__ import annotations

import math

import numpy as np

from ..averages import effective_window
from ..objectives import Quadratic2D
from ..runner import run
from ..steps import momentum
from ..theory import equivalent_lr, stability_limit
from . import Feedback, check_rule, numeric, right, wrong


@numeric("a number of values")
def check_window(value, beta=0.95):
    """Exercise 1: about how many recent values does a moving average with factor β reflect?"""
    expected = effective_window(beta)
    if math.isclose(value, expected, rel_tol=0.02):
        return right(f"1/(1 − β) = 1/{1 - beta:.2g} = {expected:.3g}: the weights (1 − β)·β^k of the last "
                     f"{expected:.3g} values add up to about 63 % of the total.")
    if math.isclose(value, 1.0 / beta, rel_tol=0.02):
        return wrong("That is 1/β. The weight lost per step is 1 − β, so the window is 1/(1 − β).")
    return wrong(f"The weights fall by a factor β per step back; their 'length' is 1/(1 − β). {value:g} is not it.")


def second_average(beta=0.9, values=(10.0, 10.0)):
    """V_2 from V_0 = 0, V_t = β·V_{t−1} + (1 − β)·X_t, without bias correction."""
    v = 0.0
    for x in values:
        v = beta * v + (1.0 - beta) * x
    return v


@numeric("the value of V₂")
def check_second_average(value, beta=0.9, values=(10.0, 10.0)):
    """Exercise 2: V_2 of the series 10, 10 with β = 0.9 and V_0 = 0 (no bias correction)."""
    expected = second_average(beta, values)
    corrected = expected / (1.0 - beta**2)
    if math.isclose(value, expected, rel_tol=1e-6):
        return right(f"V₁ = {1 - beta:.2g}·{values[0]:g} = {(1 - beta) * values[0]:.3g}, V₂ = {beta:g}·V₁ + "
                     f"{1 - beta:.2g}·{values[1]:g} = {expected:.3g}: far below the data, because V₀ = 0 still weighs "
                     f"{beta**2:.2g}. Dividing by 1 − β² = {1 - beta**2:.3g} gives back {corrected:.3g}.")
    if math.isclose(value, corrected, rel_tol=1e-6):
        return wrong(f"{corrected:g} is the bias-corrected value V₂/(1 − β²). Without the correction the start "
                     "value V₀ = 0 pulls the average down: work out V₁ first.")
    return wrong("Start from V₀ = 0 and apply V_t = β·V_(t−1) + (1 − β)·X_t twice.")


@numeric("the learning rate η'")
def check_sum_lr(value, lr=0.5, beta=0.9):
    """Exercise 3: the learning rate of v = βv + ∇L, w ← w − η'v that equals the lecture's form with (η, β)."""
    expected = equivalent_lr(lr, beta, source="average")
    if math.isclose(value, expected, rel_tol=1e-6):
        return right(f"The summed velocity is the averaged one divided by 1 − β, so the step η'·v_sum equals "
                     f"η·v_avg when η' = η·(1 − β) = {lr:g}·{1 - beta:.2g} = {expected:.3g}.")
    if math.isclose(value, lr / (1.0 - beta), rel_tol=1e-6):
        return wrong("The other way round: v = βv + ∇L adds up gradients without the factor 1 − β, so it is "
                     "larger and needs a smaller learning rate.")
    if math.isclose(value, lr, rel_tol=1e-6):
        return wrong("With the same η the two forms differ: the summed velocity is 1/(1 − β) times larger.")
    return wrong(f"Compare the two velocities: v_sum = v_avg/(1 − β). Which η' makes η'·v_sum = {lr:g}·v_avg?")


@numeric("the largest stable learning rate")
def check_stability_limit(value, beta=0.9, curvature=25.0):
    """Exercise 4: the largest stable η of the lecture's form with β on a direction of curvature λ."""
    expected = stability_limit(curvature, beta)
    if math.isclose(value, expected, rel_tol=1e-3):
        return right(f"η·λ < 2(1 + β)/(1 − β) gives η < 2·{1 + beta:g}/({1 - beta:.2g}·{curvature:g}) = "
                     f"{expected:.4g}, against 2/{curvature:g} = {2 / curvature:.3g} without momentum. But this η "
                     f"multiplies a gradient scaled by 1 − β: in effective step size, (1 − β)·η < "
                     f"{(1 - beta) * expected:.3g}, only {1 + beta:g} times {2 / curvature:.3g}.")
    if math.isclose(value, 2.0 / curvature, rel_tol=1e-3):
        return wrong("That is the limit of plain gradient descent (β = 0). Momentum moves it: use "
                     "η·λ < 2(1 + β)/(1 − β).")
    if math.isclose(value, 2.0 * (1.0 + beta) / curvature, rel_tol=1e-3):
        return wrong("That is the limit for v = βv + ∇L. In the lecture's form the gradient enters with the "
                     "factor 1 − β, so the limit is 1/(1 − β) times larger.")
    return wrong(f"Solve η·{curvature:g} < 2(1 + β)/(1 − β) for η with β = {beta:g}.")


# -- predictions ------------------------------------------------------------------------------------------------
RAVINE_START = (-9.0, 4.0)


def ravine_steps(lr=0.07, betas=(0.0, 0.9)):
    """Steps (or None if not converged) of momentum in notebook 05's ravine ½(x₁² + 25x₂²) from (−9, 4), for each β."""
    ravine = Quadratic2D((1.0, 25.0))
    found = {}
    for beta in betas:
        result = run(ravine, momentum, list(RAVINE_START), lr=lr, beta=beta, max_steps=3000, bound=100.0)
        found[beta] = result.steps if result.converged else None
    return found


def check_ravine_faster(answer, lr=0.07, beta=0.9):
    """Prediction 1: at η = 0.07, does β = 0.9 make the ravine faster or slower than plain gradient descent?"""
    if answer is ... or answer is None:
        return Feedback(None, "Replace ... with your prediction, 'faster' or 'slower', then run the cell again.")
    key = answer.strip().lower() if isinstance(answer, str) else None
    key = {"yes": "faster", "no": "slower", "quicker": "faster", "fewer": "faster", "more": "slower"}.get(key, key)
    if key not in ("faster", "slower"):
        return wrong(f"Answer 'faster' or 'slower'; got {answer!r}.")
    found = ravine_steps(lr, (0.0, beta))
    plain, heavy = found[0.0], found[beta]
    truth = "faster" if heavy is not None and (plain is None or heavy < plain) else "slower"
    def said(k):
        return "does not converge" if k is None else f"converges in {k} steps"

    counts = f"At η = {lr:g}: plain gradient descent {said(plain)}, momentum with β = {beta:g} {said(heavy)}."
    if key == truth == "slower":
        return right(f"{counts} Too much memory: the velocity keeps about the last 1/(1 − β) = 10 gradients, so the "
                     "run overshoots along the valley and circles the minimum (every direction shrinks only by "
                     "√β ≈ 0.95 per step). In the lecture's form β = 0.9 also scales the gradient by 1 − β = 0.1: "
                     "it needs a larger η to pay off.")
    if key == truth:
        return right(f"{counts} Here the velocity's memory pays off.")
    if truth == "faster":
        return wrong(f"{counts} The velocity builds up speed along the valley floor, where the gradients keep "
                     "pointing the same way.")
    return wrong(f"{counts} More momentum is not always faster: with β = {beta:g} the velocity carries the run past "
                 "the minimum along the valley, and it circles back (√β ≈ 0.95 per step).")


def limit_factor(beta=0.9, curvature=25.0, convention="sum"):
    """How many times plain gradient descent's largest stable η the largest stable η of momentum is."""
    return stability_limit(curvature, beta, convention=convention) / stability_limit(curvature, 0.0)


@numeric("a factor (the new largest stable η divided by 2/λ)")
def check_limit_factor(value, beta=0.9, curvature=25.0):
    """Prediction 2: in PyTorch's form (v = βv + ∇L, x ← x − ηv) with β = 0.9, how many times larger can η be than
    plain gradient descent's 2/λ?"""
    expected = limit_factor(beta, curvature, "sum")
    averaged = limit_factor(beta, curvature, "average")
    if math.isclose(value, expected, rel_tol=0.01):
        return right(f"1 + β = {expected:.3g}: this form is stable for ηλ < 2(1 + β). The effective step size, the η "
                     f"that multiplies each gradient, may be {expected:.3g} times larger than without momentum, not "
                     f"{averaged:.3g} times: the {averaged:.3g} of the lecture's form, ηλ < 2(1 + β)/(1 − β), counts "
                     f"an η that multiplies the gradient scaled by 1 − β = {1 - beta:.2g}.")
    if math.isclose(value, averaged, rel_tol=0.01):
        return wrong(f"{averaged:.3g} is the factor of the lecture's averaged form, where the gradient enters the "
                     f"velocity scaled by 1 − β = {1 - beta:.2g}: η there is not the step size. In PyTorch's form the "
                     "step size is η itself.")
    if math.isclose(value, 1.0 / (1.0 - beta), rel_tol=0.01):
        return wrong(f"1/(1 − β) = {1 / (1 - beta):.3g} is the velocity's window, not the stability limit. Find where "
                     "the iteration x_(t+1) = (1 + β − ηλ)x_t − βx_(t−1) starts to bounce without end.")
    if math.isclose(value, 1.0, rel_tol=0.01):
        return wrong("Momentum does move the limit: the velocity's memory lets the oscillation across the valley "
                     "partly cancel.")
    return wrong(f"The summed form is stable for ηλ < 2(1 + β); plain gradient descent for ηλ < 2. "
                 f"{value:g} is not the ratio.")


# -- coding: the momentum step ----------------------------------------------------------------------------------
def _momentum_cases():
    return [
        (1.0, 0.2, 0.5, dict(lr=0.1, beta=0.9)),
        (-2.0, 3.0, -4.0, dict(lr=0.5, beta=0.5)),
        (np.array([1.0, -2.0]), np.array([0.25, -1.0]), np.array([0.5, -20.0]), dict(lr=0.2, beta=0.75)),
        (np.array([0.0, 3.0]), np.array([2.0, 2.0]), np.array([1.0, 1.0]), dict(lr=2.0, beta=0.0)),
    ]


def _momentum_mistakes():
    def summed(x, v, grad, lr, beta):
        v = beta * v + grad
        return x - lr * v, v

    def swapped(x, v, grad, lr, beta):
        v = (1 - beta) * v + beta * grad
        return x - lr * v, v

    def old_velocity_step(x, v, grad, lr, beta):
        return x - lr * v, beta * v + (1 - beta) * grad

    def velocity_not_returned(x, v, grad, lr, beta):
        return x - lr * (beta * v + (1 - beta) * grad), v

    def lr_folded_in(x, v, grad, lr, beta):
        v = beta * v + (1 - beta) * lr * grad
        return x - v, v

    def gradient_only(x, v, grad, lr, beta):
        return x - lr * grad, grad

    def uphill(x, v, grad, lr, beta):
        v = beta * v + (1 - beta) * grad
        return x + lr * v, v

    return [
        (summed, "That is the summed form (PyTorch's), v = β·v + grad. The lecture's velocity is an average: the new "
                 "gradient enters with the weight 1 − β."),
        (swapped, "The weights are swapped: β goes with the old velocity, 1 − β with the new gradient."),
        (old_velocity_step, "Step with the new velocity, the one that already includes this gradient."),
        (velocity_not_returned, "Your velocity never changes: return the new v, not the old one."),
        (lr_folded_in, "You folded η into the velocity (as the slide prints it, w = w − v). Keep v the average of "
                       "the gradients and step by η·v."),
        (gradient_only, "Your velocity is just the gradient: that is plain gradient descent, with no memory. "
                        "Mix in the old velocity, β·v."),
        (uphill, "Your step moves uphill, along the velocity: subtract η·v."),
    ]


def check_momentum(student):
    """Coding exercise: the student's momentum step (the lecture's averaged form) against
    :func:`helpers.steps.momentum`, then in the runner on the ravine."""
    feedback = check_rule(student, momentum, _momentum_cases(), name="my_momentum", mistakes=_momentum_mistakes(),
                          state="v")
    if feedback.correct is not True:
        return feedback
    ravine, steps = Quadratic2D((1.0, 25.0)), 60
    try:
        with np.errstate(all="ignore"):
            mine = run(ravine, student, list(RAVINE_START), lr=0.2, beta=0.5, max_steps=steps)
    except Exception as err:  # the student's code inside the runner
        return wrong(f"Your rule is right on single steps but failed inside helpers.run: {type(err).__name__}: {err}.")
    ref = run(ravine, momentum, list(RAVINE_START), lr=0.2, beta=0.5, max_steps=steps)
    if mine.steps != ref.steps or not np.allclose(mine.iterates, ref.iterates, rtol=1e-9, atol=1e-12):
        return wrong("Your rule is right on single steps, but inside helpers.run it drifts from the reference: "
                     "does it keep something between calls?")
    return right(f"{feedback.message} helpers.run runs it as it runs its own: η = 0.2, β = 0.5 in the ravine from "
                 f"{RAVINE_START}, {mine.outcome()}, the same path as helpers.steps.momentum.")
