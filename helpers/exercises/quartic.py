"""Checks for notebook 02 (gradient descent on the quartic f(x) = x⁴ − 5x² − 3x).

Every expected value is computed here from :class:`helpers.Quartic`, and every run a check makes
is classified honestly (:func:`helpers.outcomes.classify_run`), so a feedback line never calls a
run that stopped at its step budget a minimum.
"""

from __future__ import annotations

import math

from ..objectives import Quartic
from ..outcomes import classify_run, critical_names
from ..runner import run
from ..steps import gradient_descent
from ..theory import stability_limit
from . import numeric, right, wrong

QUARTIC = Quartic()
MAX_STEPS = 1000
START_LIMIT = 100.0  # starts farther out than this are not what the exercises ask about


def _points():
    points, names = critical_names(QUARTIC)
    return {name: p for p, name in zip(points, names, strict=True)}


def _limit(x):
    """2/f''(x): the largest learning rate for which gradient descent is stable near a minimum x."""
    return stability_limit(float(QUARTIC.hess(x)))


def _outcome(x0, lr):
    return classify_run(run(QUARTIC, gradient_descent, x0, lr=lr, max_steps=MAX_STEPS), QUARTIC)


@numeric("a start point x₀")
def check_start_for_local_minimum(value, lr=0.02):
    """Exercise 1: a start x₀ from which gradient descent with learning rate ``lr`` ends in the local minimum."""
    if abs(value) > START_LIMIT:
        return wrong(f"Start closer to the action: the interesting starts lie within |x₀| ≤ 3, got {value:g}.")
    points = _points()
    peak = points["local maximum"].x
    outcome = _outcome(value, lr)
    if outcome.kind == "converged" and outcome.point_name == "local minimum":
        local, best = points["local minimum"], points["global minimum"]
        return right(f"From x₀ = {value:g} the run settles at the local minimum x* = {local.x:.4f} in "
                     f"{outcome.steps} steps, where f = {local.value:.3f}, although f = {best.value:.3f} at the "
                     f"global minimum: stuck. With a small η every start left of the local maximum "
                     f"x = {peak:.4f} ends there.")
    if outcome.kind == "converged" and outcome.point_name == "global minimum":
        return wrong(f"From x₀ = {value:g} the run reaches the global minimum. With a small learning rate the "
                     f"local maximum x = {peak:.4f} separates the two basins: start on its other side.")
    if outcome.kind == "converged":
        return wrong(f"x₀ = {value:g} is (numerically) the local maximum itself: the gradient is zero there, so "
                     "the run never moves. Start a little to its left.")
    return wrong(f"From x₀ = {value:g} with η = {lr:g}: {outcome.phrase()}. Start closer to the minima "
                 "(between −2.5 and 2.5).")


@numeric("the learning rate 2/f''(x*)")
def check_largest_stable_lr(value):
    """Exercise 2: the largest learning rate for which the global minimum is stable, 2/f''(x*)."""
    points = _points()
    best, local = points["global minimum"], points["local minimum"]
    expected = _limit(best.x)
    curvature = float(QUARTIC.hess(best.x))
    if math.isclose(value, expected, rel_tol=1e-3):
        return right(f"f''(x*) = 12·{best.x:.4f}² − 10 = {curvature:.4f}, so η < 2/{curvature:.4f} = {expected:.6f}. "
                     "Above it the iterates near x* are multiplied by 1 − η·f''(x*) < −1 each step: they bounce "
                     "away instead of settling.")
    if math.isclose(value, _limit(local.x), rel_tol=1e-3):
        return wrong("That is the limit at the local minimum on the left, where the curve is less steep. The "
                     "question asks about the global minimum on the right.")
    if math.isclose(value, 1.0 / curvature, rel_tol=1e-3):
        return wrong("1/f''(x*) is the learning rate that lands on the minimum in about one step. Larger ones "
                     "still converge (zig-zagging), up to twice that value.")
    if math.isclose(value, 0.5, rel_tol=1e-3):
        return wrong("0.5 is the limit for x², whose curvature is 2. Here use the curvature f''(x*) = 12x*² − 10 "
                     "at the global minimum.")
    return wrong("Near a minimum x*, x_(k+1) − x* ≈ (1 − η·f''(x*))·(x_k − x*). Ask when |1 − η·f''(x*)| < 1, with "
                 "f''(x) = 12x² − 10 at the global minimum.")


@numeric("a learning rate η")
def check_lr_to_local_minimum(value, x0=0.0):
    """Exercise 3: a learning rate that takes gradient descent from ``x0`` (right of the hump) to the local minimum."""
    if value <= 0:
        return wrong("A learning rate must be positive.")
    points = _points()
    best, local = points["global minimum"], points["local minimum"]
    outcome = _outcome(x0, value)
    low, high = _limit(best.x), _limit(local.x)
    if outcome.kind == "converged" and outcome.point_name == "local minimum":
        return right(f"With η = {value:g} from x₀ = {x0:g}: {outcome.phrase()}. η is above "
                     f"2/f''({best.x:.2f}) = {low:.4f}, so the global minimum pushes the iterates away, and "
                     f"below 2/f''({local.x:.2f}) = {high:.4f}, so the local one can hold them: the learning "
                     "rate, not the start, chose the minimum.")
    if outcome.kind == "converged":
        return wrong(f"With η = {value:g} from x₀ = {x0:g}: {outcome.phrase()}. Below {low:.4f} the global minimum is "
                     "stable and the run stays on its side of the hump; try a larger η.")
    hint = (f"Try a smaller η: above 2/f''({local.x:.2f}) = {high:.4f} neither minimum can hold the iterates."
            if value > high else
            f"The global minimum is unstable (η > {low:.4f}), but the run has not settled on the left; look for "
            f"the band of local-minimum outcomes above x₀ = {x0:g} on the outcome map.")
    return wrong(f"With η = {value:g} from x₀ = {x0:g}: {outcome.phrase()}. {hint}")
