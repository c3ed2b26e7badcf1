"""Checks for notebook 01 (gradient descent on x²)."""

from __future__ import annotations

import math

from . import numeric, right, wrong


@numeric("the gradient f'(10)")
def check_gradient_at_10(value):
    """Exercise 1: f'(10) for f(x) = x²."""
    expected = 2.0 * 10.0
    if math.isclose(value, expected):
        return right("f'(x) = 2x, so f'(10) = +20. The *step* is −η·20: it points downhill, to the left.")
    if math.isclose(value, -expected):
        return wrong("That is the sign the lecture prints, but the slope of x² at x = 10 is uphill to the "
                     "right, so the gradient is positive. The minus sign belongs to the step −η·f'(x).")
    return wrong(f"Differentiate x² and put x = 10 in; {value:g} is not f'(10).")


def steps_to_tolerance(x0, lr, tol):
    """Smallest k with |f'(x_k)| = 2|1 − 2η|^k |x₀| ≤ tol, from the closed form (None if never)."""
    factor = abs(1.0 - 2.0 * lr)
    if 2.0 * abs(x0) <= tol:
        return 0
    if factor == 0.0:
        return 1
    if factor >= 1.0:
        return None
    return math.ceil(math.log(tol / (2.0 * abs(x0))) / math.log(factor) - 1e-12)


@numeric("a whole number of steps")
def check_steps(value, x0=10.0, lr=0.1, tol=1e-6):
    """Exercise 2: how many steps until |f'(x_k)| ≤ tol, from x₀ with learning rate η."""
    expected = steps_to_tolerance(x0, lr, tol)
    if value == expected:
        return right(f"|f'(x_k)| = 2·{abs(1 - 2 * lr):g}^k·{abs(x0):g} first drops to {tol:g} at k = {expected}.")
    if value == expected - 1:
        return wrong(f"Close: at k = {value:g} the gradient is still above {tol:g}. Count the first k at "
                     "which it is at or below the tolerance.")
    return wrong(f"Use x_k = (1 − 2η)^k·x₀, so |f'(x_k)| = 2·|1 − 2η|^k·|x₀|, and solve for the first k "
                 f"with |f'(x_k)| ≤ {tol:g}; {value:g} is not it.")


@numeric("a learning rate")
def check_alternating_lr(value):
    """Exercise 3: a learning rate whose iterates alternate in sign and still converge."""
    factor = 1.0 - 2.0 * value
    if value <= 0:
        return wrong("A learning rate must be positive.")
    if -1.0 < factor < 0.0:
        return right(f"1 − 2η = {factor:.3g} is negative (the sign flips every step) and of size below 1 "
                     "(the iterates shrink): any 0.5 < η < 1 works.")
    if factor >= 0.0:
        return wrong(f"With η = {value:g}, 1 − 2η = {factor:.3g} ≥ 0: the iterates keep their sign. "
                     "Make the factor negative.")
    return wrong(f"With η = {value:g}, |1 − 2η| = {abs(factor):.3g} ≥ 1: the sign flips, but the iterates "
                 "do not shrink.")


@numeric("the bound on η")
def check_largest_lr(value, a=3.0):
    """Exercise 4: the learning rates that converge on f(x) = a·x² are 0 < η < 1/a; give the bound."""
    expected = 1.0 / a
    if math.isclose(value, expected, rel_tol=1e-3):
        return right(f"f'(x) = {2 * a:g}x, so x_(k+1) = (1 − {2 * a:g}η)·x_k; |1 − {2 * a:g}η| < 1 "
                     f"exactly when 0 < η < 1/{a:g} ≈ {expected:.4f}. At the bound itself it bounces forever.")
    if math.isclose(value, 0.5, rel_tol=1e-3):
        return wrong("0.5 is the bound for x², whose curvature is 2. Here the curvature is "
                     f"f''(x) = {2 * a:g}.")
    if math.isclose(value, 1.0 / (2.0 * a), rel_tol=1e-3):
        return wrong("That is the learning rate that lands on the minimum in one step; larger ones still "
                     "converge while they alternate.")
    return wrong(f"Write the update as x_(k+1) = (1 − {2 * a:g}η)·x_k and ask when |1 − {2 * a:g}η| < 1.")
