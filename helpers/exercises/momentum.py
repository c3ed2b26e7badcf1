"""Checks for notebook 05 (moving averages and momentum): two predictions, writing bias-corrected momentum, and
four numbers."""

from __future__ import annotations

import math

import numpy as np

from ..averages import effective_window
from ..objectives import Quadratic2D
from ..runner import run
from ..steps import momentum
from ..theory import equivalent_lr, stability_limit
from . import Feedback, check_rule, numeric, right, wrong


@numeric("a number of values", answer=lambda: effective_window(0.985))
def check_window(value, beta=0.985):
    """Exercise 1: about how many recent values does a moving average with factor β reflect?"""
    expected = effective_window(beta)
    if math.isclose(value, expected, rel_tol=0.02):
        return right(f"1/(1 − β) = 1/{1 - beta:.2g} = {expected:.3g}: the weights (1 − β)·β^k of the last "
                     f"{expected:.3g} values add up to about 63 % of the total.")
    if math.isclose(value, 1.0 / beta, rel_tol=0.02):
        return wrong("That is 1/β. The weight lost per step is 1 − β, so the window is 1/(1 − β).")
    return wrong(f"The weights fall by a factor β per step back; their 'length' is 1/(1 − β). {value:g} is not it.")


def second_average(beta=0.9, values=(10.0, 20.0)):
    """V_2 from V_0 = 0, V_t = β·V_{t−1} + (1 − β)·X_t, without bias correction."""
    v = 0.0
    for x in values:
        v = beta * v + (1.0 - beta) * x
    return v


@numeric("the value of V₂", answer=lambda: second_average())
def check_second_average(value, beta=0.9, values=(10.0, 20.0)):
    """Exercise 2: V_2 of the series 10, 20 with β = 0.9 and V_0 = 0 (no bias correction)."""
    expected = second_average(beta, values)
    corrected = expected / (1.0 - beta**2)
    if math.isclose(value, expected, rel_tol=1e-6):
        return right(f"V₁ = {1 - beta:.2g}·{values[0]:g} = {(1 - beta) * values[0]:.3g}, V₂ = {beta:g}·V₁ + "
                     f"{1 - beta:.2g}·{values[1]:g} = {expected:.3g}: far below the data, because V₀ = 0 still weighs "
                     f"{beta**2:.2g}. Dividing by 1 − β² = {1 - beta**2:.3g} gives {corrected:.3g}, a weighted mean "
                     "of the data.")
    if math.isclose(value, corrected, rel_tol=1e-6):
        return wrong(f"{corrected:g} is the bias-corrected value V₂/(1 − β²). Without the correction the start "
                     "value V₀ = 0 pulls the average down: work out V₁ first.")
    return wrong("Start from V₀ = 0 and apply V_t = β·V_(t−1) + (1 − β)·X_t twice.")


@numeric("the learning rate η'", answer=lambda: equivalent_lr(0.3, 0.8))
def check_sum_lr(value, lr=0.3, beta=0.8):
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


@numeric("the largest stable learning rate", answer=lambda: stability_limit(25.0, 0.8))
def check_stability_limit(value, beta=0.8, curvature=25.0):
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


@numeric("a factor (the new largest stable η divided by 2/λ)", answer=lambda: limit_factor())
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


# -- coding: momentum with the moving average's bias correction -------------------------------------------
def corrected_momentum(x, state, grad, lr, beta):
    """The reference: the lecture's momentum with section 1's bias correction; the state is (v, t).
    v ← β·v + (1 − β)·∇f(x), t ← t + 1, x ← x − η·v/(1 − βᵗ)."""
    v, t = state
    v, t = beta * v + (1 - beta) * grad, t + 1
    return x - lr * v / (1 - beta**t), (v, t)


def _corrected_cases():
    return [  # t > 0 first: at t = 0 some mistakes coincide with the right rule
        (1.0, (0.2, 3), 0.5, dict(lr=0.1, beta=0.9)),
        (np.array([1.0, -2.0]), (np.array([0.25, -1.0]), 1), np.array([0.5, -20.0]), dict(lr=0.2, beta=0.75)),
        (-2.0, (3.0, 10), -4.0, dict(lr=0.5, beta=0.5)),
        (np.array([0.0, 3.0]), (np.zeros(2), 0), np.array([1.0, 1.0]), dict(lr=2.0, beta=0.8)),
    ]


def _corrected_mistakes():
    def rule(step, count=1, corrected=True, keep=False, lr_in=True):
        def mistake(x, state, grad, lr, beta):
            v, t = state
            v_new, t_new = beta * v + (1 - beta) * grad, t + count
            divisor = (1 - beta ** (t if keep else t_new)) if corrected else 1.0
            return step(x, (lr if lr_in else 1.0) * v_new / divisor), (v_new, t_new)
        return mistake

    def stored(x, state, grad, lr, beta):
        v, t = state
        v, t = beta * v + (1 - beta) * grad, t + 1
        v = v / (1 - beta**t)
        return x - lr * v, (v, t)

    def summed(x, state, grad, lr, beta):
        v, t = state
        v, t = beta * v + grad, t + 1
        return x - lr * v / (1 - beta**t), (v, t)

    def by_power(x, state, grad, lr, beta):
        v, t = state
        v, t = beta * v + (1 - beta) * grad, t + 1
        return x - lr * v / beta**t, (v, t)

    down = lambda x, d: x - d  # noqa: E731
    return [
        (rule(down, corrected=False), "Your step is plain momentum: divide the velocity by 1 − βᵗ before the step, "
                                      "as section 1 corrects the moving average."),
        (rule(down, count=0), "t must count the steps: return t + 1 as the new step count, or the correction never "
                              "fades."),
        (lambda x, state, grad, lr, beta: (corrected_momentum(x, state, grad, lr, beta)[0],
                                           (corrected_momentum(x, state, grad, lr, beta)[1][0], state[1])),
         "t must count the steps: you divide by 1 − β^(t + 1), but return the old t, so every step is the first."),
        (rule(down, keep=True), "Correct with the new step count: after the first update t = 1 and the divisor is "
                                "1 − β¹, not 1 − β⁰ = 0."),
        (stored, "Keep v the plain moving average in the state and correct only the step: a corrected v fed back "
                 "into the average is corrected again at every step."),
        (rule(down, lr_in=False), "η is missing: the slide's w = w − v folds it into v; here the step is η times "
                                  "the corrected velocity."),
        (summed, "That is the summed velocity, v = β·v + grad: the moving average of section 1 weighs the new "
                 "gradient with 1 − β."),
        (by_power, "Divide by 1 − βᵗ, the weight the average has collected, not by βᵗ."),
        (rule(lambda x, d: x + d), "Your step moves uphill, along the velocity: subtract it."),
    ]


def check_corrected_momentum(student):
    """Coding exercise: the student's bias-corrected momentum (state (v, t)) against :func:`corrected_momentum`,
    then in the runner on the ravine with state=(0.0, 0)."""
    feedback = check_rule(student, corrected_momentum, _corrected_cases(), name="corrected_momentum",
                          mistakes=_corrected_mistakes(), state="(v, t)")
    if feedback.correct is not True:
        return feedback
    ravine, steps = Quadratic2D((1.0, 25.0)), 60
    try:
        with np.errstate(all="ignore"):
            mine = run(ravine, student, list(RAVINE_START), lr=0.1, beta=0.9, state=(0.0, 0), max_steps=steps)
    except Exception as err:  # the student's code inside the runner
        return wrong(f"Your rule is right on single steps but failed inside helpers.run: {type(err).__name__}: {err}.")
    ref = run(ravine, corrected_momentum, list(RAVINE_START), lr=0.1, beta=0.9, state=(0.0, 0), max_steps=steps)
    if mine.steps != ref.steps or not np.allclose(mine.iterates, ref.iterates, rtol=1e-9, atol=1e-12):
        return wrong("Your rule is right on single steps, but inside helpers.run it drifts from the reference: "
                     "does it keep something between calls other than the state it returns?")
    plain = run(ravine, momentum, list(RAVINE_START), lr=0.1, beta=0.9, max_steps=1)
    first, plain_first = (np.linalg.norm(r.iterates[1] - r.iterates[0]) for r in (mine, plain))
    return right(f"{feedback.message} In the ravine from {RAVINE_START} with η = 0.1, β = 0.9, its first step is "
                 f"{first:.3g} long, plain momentum's {plain_first:.3g}: ten times longer, η times the gradient "
                 "from the start. Adam, in notebook 06, corrects its averages in the same way.")
