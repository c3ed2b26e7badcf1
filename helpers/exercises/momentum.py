"""Checks for notebook 05 (moving averages and momentum)."""

from __future__ import annotations

import math

from ..averages import effective_window
from ..theory import equivalent_lr, stability_limit
from . import numeric, right, wrong


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
                     f"{expected:.4g}, against 2/{curvature:g} = {2 / curvature:.3g} without momentum.")
    if math.isclose(value, 2.0 / curvature, rel_tol=1e-3):
        return wrong("That is the limit of plain gradient descent (β = 0). Momentum moves it: use "
                     "η·λ < 2(1 + β)/(1 − β).")
    if math.isclose(value, 2.0 * (1.0 + beta) / curvature, rel_tol=1e-3):
        return wrong("That is the limit for v = βv + ∇L. In the lecture's form the gradient enters with the "
                     "factor 1 − β, so the limit is 1/(1 − β) times larger.")
    return wrong(f"Solve η·{curvature:g} < 2(1 + β)/(1 − β) for η with β = {beta:g}.")
