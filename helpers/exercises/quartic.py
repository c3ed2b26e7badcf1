"""Checks for notebook 02 (gradient descent on the quartic f(x) = x⁴ − 5x² − 3x): two numbers, two
predictions and writing the loop with its stopping rule.

Every expected value is computed here from :class:`helpers.Quartic`, and every run a check makes
is classified honestly (:func:`helpers.outcomes.classify_run`), so a feedback line never calls a
run that stopped at its step budget a minimum.
"""

from __future__ import annotations

import math

import numpy as np

from ..objectives import Quartic
from ..outcomes import classify_run, critical_names
from ..runner import run
from ..steps import gradient_descent
from ..theory import stability_limit
from . import Feedback, numeric, right, unwritten, wrong

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


def g_second(x):
    """g''(x) for exercise 2's g(x) = x⁴ − 4x²: 12x² − 8."""
    return 12.0 * x * x - 8.0


@numeric("the learning rate 2/g''(x*)", answer=lambda: 2.0 / g_second(math.sqrt(2.0)))
def check_largest_stable_lr(value):
    """Exercise 2: the largest learning rate for which gradient descent is stable at the minima ±√2 of
    g(x) = x⁴ − 4x²: 2/g''(√2)."""
    x_star = math.sqrt(2.0)
    curvature = g_second(x_star)
    expected = 2.0 / curvature
    if math.isclose(value, expected, rel_tol=1e-3):
        return right(f"g'(x) = 4x³ − 8x vanishes at x* = ±√2, where g''(x*) = 12·2 − 8 = {curvature:g}: stable for "
                     f"η < 2/{curvature:g} = {expected:g}. Above it each step multiplies the distance to x* by "
                     "1 − η·g''(x*) < −1: the iterates bounce away. Both minima have the same curvature, so the "
                     "same limit.")
    if math.isclose(value, 1.0 / curvature, rel_tol=1e-3):
        return wrong(f"1/g''(x*) = {1 / curvature:g} lands on the minimum in about one step; larger learning rates "
                     "still converge (zig-zagging), up to twice that value.")
    if math.isclose(value, 2.0 / 8.0, rel_tol=1e-3):
        return wrong("8 is the size of g'' at x = 0, the local maximum between the minima. Take the curvature at a "
                     "minimum, where g' = 0 and g'' > 0.")
    if math.isclose(value, 2.0 / (12.0 * x_star - 8.0), rel_tol=1e-3):
        return wrong("g''(x) = 12x² − 8: square x* = √2 first (x*² = 2).")
    if math.isclose(value, _limit(_points()["global minimum"].x), rel_tol=1e-3) or math.isclose(value, 0.5):
        return wrong("That is the limit for another function. Here find the minima of g(x) = x⁴ − 4x² (where "
                     "g'(x) = 4x³ − 8x = 0 and g'' > 0) and use 2/g'' there.")
    return wrong("Near a minimum x*, x_(k+1) − x* ≈ (1 − η·g''(x*))·(x_k − x*): find x* from g'(x) = 4x³ − 8x = 0, "
                 "then ask when |1 − η·g''(x*)| < 1.")


# -- predictions ---------------------------------------------------------------------------------------
def _choice(answer, options, aliases, question):
    """(the option an answer names, None) or (None, the feedback for a missing or malformed answer)."""
    if answer is ... or answer is None:
        return None, Feedback(None, f"Replace ... with your prediction, {question}, as a string such as "
                                    f"{options[0]!r}, then run the cell again.")
    key = " ".join(answer.strip().lower().replace("_", " ").split()) if isinstance(answer, str) else None
    key = aliases.get(key, key)
    if key not in options:
        return None, wrong(f"Answer with one of {', '.join(repr(o) for o in options)}; got {answer!r}.")
    return key, None


SIDES = ("left", "right")
_SIDE_ALIASES = {"local": "left", "local minimum": "left", "the left one": "left",
                 "global": "right", "global minimum": "right", "the right one": "right"}


def check_unstable_first(answer):
    """Prediction 1: as η grows from 0, which minimum stops being stable first, the left or the right one?"""
    side, feedback = _choice(answer, SIDES, _SIDE_ALIASES, "which minimum")
    if feedback:
        return feedback
    points = _points()
    minima = {"left": points["local minimum"], "right": points["global minimum"]}
    curv = {k: float(QUARTIC.hess(p.x)) for k, p in minima.items()}
    first = min(SIDES, key=lambda k: _limit(minima[k].x))
    facts = "; ".join(f"{k} minimum (x* = {minima[k].x:.2f}): f'' = {curv[k]:.2f}, stable for η < "
                      f"{_limit(minima[k].x):.4f}" for k in SIDES)
    facts = facts[0].upper() + facts[1:]
    if side == first:
        return right(f"{facts}. The limit is 2/f'': the more sharply curved minimum, here the {first} one, "
                     "becomes unstable first. Depth does not matter, and the slope is zero at both.")
    return wrong(f"{facts}. Stability near a minimum depends on its curvature f'', not on its depth (f = "
                 f"{minima['left'].value:.2f} on the left, {minima['right'].value:.2f} on the right) nor on a slope "
                 "(zero at every minimum): the limit 2/f'' is lower where f'' is larger.")


_YES_NO_ALIASES = {"y": "yes", "true": "yes", "n": "no", "false": "no"}


def check_global_holds(answer, lr=0.1):
    """Prediction 2: with η = ``lr``, above the global minimum's stability limit, can a run end there?"""
    if isinstance(answer, bool):
        answer = "yes" if answer else "no"
    choice, feedback = _choice(answer, ("yes", "no"), _YES_NO_ALIASES, "yes or no")
    if feedback:
        return feedback
    best = _points()["global minimum"]
    curvature = float(QUARTIC.hess(best.x))
    factor = 1.0 - lr * curvature
    facts = (f"At the global minimum f''(x*) = {curvature:.2f}, so near it each step multiplies the distance to x* by "
             f"1 − η·f''(x*) = 1 − {lr:g}·{curvature:.2f} = {factor:.2f}")
    holds = abs(factor) < 1.0
    if choice == ("yes" if holds else "no"):
        return right(f"{facts}: of size below 1, so near it the distance shrinks at every step." if holds else
                     f"{facts}: of size above 1, so a run that comes near is pushed away again, step after step "
                     "(only a run landing exactly on x* would stay). The next cell shows what the iterates do "
                     "instead.")
    return wrong(f"{facts}. Its size is below 1: the distance shrinks near x*, so the minimum holds a run that comes "
                 "near." if holds else
                 f"{facts}. Its size is above 1: the distance grows at every step near x*, so the global minimum "
                 f"cannot hold the iterates (η = {lr:g} is above its limit 2/f'' = {_limit(best.x):.4f}).")


# -- writing the loop with its stopping rule -----------------------------------------------------------
STATUSES = ("converged", "diverged", "max_steps")


def _grad(x):
    return float(QUARTIC.grad(x))


def descend_until(grad, x0, lr, tol, max_steps, bound):
    """The reference: gradient descent from ``x0`` until |f'(x)| ≤ ``tol`` (``"converged"``), |x| > ``bound``
    (``"diverged"``) or ``max_steps`` updates (``"max_steps"``); returns (last x, updates made, status), as
    :func:`helpers.run` does for gradient descent."""
    result = run(QUARTIC, gradient_descent, x0, lr=lr, tol=tol, max_steps=max_steps, bound=bound)
    return result.x, result.steps, result.status


def _loop_cases():
    """(x0, lr, tol, max_steps, bound): a minimum, the other minimum, a start on a minimum, a 2-cycle, a
    divergence and a budget too small; none where the tolerance is met exactly at the last step."""
    best = _points()["global minimum"].x
    return [(1.0, 0.05, 1e-6, 300, 1e6), (-1.0, 0.01, 1e-6, 1000, 1e6), (best, 0.05, 1e-6, 300, 1e6),
            (0.0, 0.09, 1e-6, 300, 1e6), (0.0, 0.25, 1e-6, 300, 1e6), (1.0, 0.01, 1e-6, 10, 1e6)]


def _loop_mistakes():
    def uphill(grad, x0, lr, tol, max_steps, bound):
        x = x0
        for k in range(max_steps):
            if abs(grad(x)) <= tol:
                return x, k, "converged"
            x = x + lr * grad(x)
            if abs(x) > bound:
                return x, k + 1, "diverged"
        return x, max_steps, "max_steps"

    def step_size_rule(grad, x0, lr, tol, max_steps, bound):
        x = x0
        for k in range(max_steps):
            x_new = x - lr * grad(x)
            if abs(x_new) > bound:
                return x_new, k + 1, "diverged"
            if abs(x_new - x) <= tol:
                return x_new, k + 1, "converged"
            x = x_new
        return x, max_steps, "max_steps"

    def test_after_step(grad, x0, lr, tol, max_steps, bound):
        x = x0
        for k in range(1, max_steps + 1):
            x = x - lr * grad(x)
            if abs(x) > bound:
                return x, k, "diverged"
            if abs(grad(x)) <= tol:
                return x, k, "converged"
        return x, max_steps, "max_steps"

    def always_converged(grad, x0, lr, tol, max_steps, bound):
        x, k, status = descend_until(grad, x0, lr, tol, max_steps, bound)
        return x, k, "converged" if status == "max_steps" else status

    return [
        (uphill, "Your loop moves uphill: the step is x ← x − η·f'(x), against the slope."),
        (step_size_rule, "You stop when the step |x_new − x| is small, which happens after one update too many "
                         "or too early depending on η: stop on the slope, |f'(x)| ≤ tol, tested before each update."),
        (test_after_step, "You update before you test: a start that is already a minimum (|f'(x₀)| ≤ tol) needs 0 "
                          "updates. Test |f'(x)| ≤ tol before each update."),
        (always_converged, "Your loop calls a run that used up its budget 'converged': when the loop ends "
                           "without |f'(x)| ≤ tol, the status is 'max_steps', whatever the last x looks like."),
    ]


def _explain(got, want, where, tol):
    """The first difference between the student's (x, steps, status) and the reference's, in words."""
    (x, k, status), (x_ref, k_ref, status_ref) = got, want
    slope = abs(_grad(x)) if np.isfinite(x) else math.inf
    if status != status_ref:
        if status_ref == "diverged":
            return (f"For {where} the iterates leave |x| ≤ bound after {k_ref} updates: stop there and report "
                    f"'diverged'; you report {status!r}.")
        if status_ref == "converged":
            return (f"For {where} the slope falls to |f'(x)| ≤ tol after {k_ref} updates: stop there and report "
                    f"'converged'; you report {status!r}.")
        if status == "converged":
            return (f"For {where} you report 'converged', but at your last x = {x:.6g} the slope is |f'(x)| = "
                    f"{slope:.3g}, far above tol: a run that used up its budget is 'max_steps'.")
        return (f"For {where} you report {status!r}, but the iterates stay inside |x| ≤ bound: the run used up "
                "its budget, 'max_steps'.")
    if k != k_ref:
        if status == "converged" and k_ref == 0:
            return f"For {where} the start already has |f'(x₀)| ≤ tol: 0 updates. You report {k}."
        if status == "converged" and k < k_ref:
            return (f"For {where} you stop after {k} updates, the reference after {k_ref}: at your last x = {x:.6g} "
                    f"the slope is |f'(x)| = {slope:.3g}, still above tol = {tol:g}. Stop on the slope, "
                    "|f'(x)| ≤ tol.")
        if abs(k - k_ref) == 1:
            return (f"For {where} you count {k} update{'' if k == 1 else 's'}, the reference {k_ref}: off by one. "
                    "Count the updates made; the start x₀ is update 0, and the test |f'(x)| ≤ tol comes before "
                    "each update.")
        return (f"For {where} you stop after {k} updates, the reference after {k_ref}; at your last x = {x:.6g} "
                f"the slope is |f'(x)| = {slope:.3g}.")
    return (f"For {where} status and count agree, but your x = {x:.10g}, expected {x_ref:.10g}: return the last "
            "iterate, the one the test (or the bound) was applied to.")


def check_descend_until(student):
    """Exercise 4: the student's loop ``descend_until(grad, x0, lr, tol, max_steps, bound) -> (x, steps,
    status)`` on the quartic against :func:`helpers.run`, with the first difference explained."""
    feedback = unwritten(student, "descend_until", "grad, x0, lr, tol, max_steps, bound")
    if feedback:
        return feedback
    cases, outputs = _loop_cases(), []
    for x0, lr, tol, max_steps, bound in cases:
        where = f"x₀ = {x0:g}, η = {lr:g}, max_steps = {max_steps}"
        try:
            with np.errstate(all="ignore"):
                got = student(_grad, x0, lr, tol, max_steps, bound)
        except Exception as err:  # the student's code: any error is feedback
            return wrong(f"Your descend_until raised {type(err).__name__}: {err} (for {where}).")
        if got is None:
            return Feedback(None, "Your descend_until returns None: write its body in place of ... and end it "
                                  "with `return x, steps, status`.")
        if (not isinstance(got, tuple) or len(got) != 3 or not _number(got[0]) or not _number(got[1])
                or float(got[1]) != int(got[1])):
            return wrong(f"descend_until must return three things, the last x, the number of updates and the "
                         f"status (`return x, k, 'converged'`), got {got!r:.80}.")
        if got[2] not in STATUSES:
            return wrong(f"The status must be one of {', '.join(repr(s) for s in STATUSES)}, got {got[2]!r}.")
        if not math.isfinite(got[0]):
            return wrong(f"For {where} your x is {got[0]}: stop as soon as |x| > bound, before the numbers overflow.")
        outputs.append((float(got[0]), int(got[1]), got[2]))
    wants = [descend_until(_grad, *case) for case in cases]
    differ = [i for i, (got, want) in enumerate(zip(outputs, wants, strict=True)) if not _same(got, want)]
    if not differ:
        return right(f"descend_until agrees with helpers.run on all {len(cases)} runs: two minima, a start on a "
                     "minimum, a 2-cycle reported as max_steps, a divergence and a budget too small.")
    i = differ[0]
    x0, lr, _, max_steps, _ = cases[i]
    explained = _explain(outputs[i], wants[i], f"x₀ = {x0:g}, η = {lr:g}, max_steps = {max_steps}", cases[i][2])
    for mistake, message in _loop_mistakes():
        with np.errstate(all="ignore"):
            typical = [mistake(_grad, *case) for case in cases]
        if all(_same(got, t) for got, t in zip(outputs, typical, strict=True)):
            return wrong(f"{message} ({explained})")
    return wrong(explained)


def _same(got, want):
    return got[1:] == want[1:] and math.isclose(got[0], want[0], rel_tol=1e-9, abs_tol=1e-12)


def _number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
