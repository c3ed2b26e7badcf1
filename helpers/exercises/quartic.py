"""Checks for notebook 02 (gradient descent on the quartic f(x) = x⁴ − 5x² − 3x): three numbers, two
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
        return wrong(f"That is the limit at the local minimum on the left, where the curvature is smaller "
                     f"(f'' = {float(QUARTIC.hess(local.x)):.2f} against {curvature:.2f}). The question asks about "
                     "the global minimum on the right.")
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


ENDINGS = ("global minimum", "local minimum", "cycle", "chaos", "diverges")
_ENDING_ALIASES = {"global": "global minimum", "the global minimum": "global minimum", "local": "local minimum",
                   "the local minimum": "local minimum", "bounded": "chaos", "chaotic": "chaos",
                   "diverged": "diverges", "diverge": "diverges", "diverging": "diverges"}
_KIND = {"cycle": "cycle", "bounded": "chaos", "diverged": "diverges"}


def ending(x0, lr, steps=MAX_STEPS):
    """How gradient descent from ``x0`` with ``lr`` ends, as one of :data:`ENDINGS`, with its outcome and run."""
    result = run(QUARTIC, gradient_descent, x0, lr=lr, max_steps=steps)
    outcome = classify_run(result, QUARTIC)
    return (outcome.point_name if outcome.kind == "converged" else _KIND[outcome.kind]), outcome, result


def check_ending(answer, lr=0.1, x0=0.0):
    """Prediction 2: from ``x0`` with ``lr``, does gradient descent reach a minimum, and which?"""
    name, feedback = _choice(answer, ENDINGS, _ENDING_ALIASES, "how the run ends")
    if feedback:
        return feedback
    expected, outcome, result = ending(x0, lr)
    tail = result.iterates[-100:]
    points = _points()
    best, local = points["global minimum"], points["local minimum"]
    low, high = _limit(best.x), _limit(local.x)
    seen = f"From x₀ = {x0:g} with η = {lr:g}: {outcome.phrase()}."
    if name == expected:
        why = (f" η is above 2/f'' = {low:.4f} at the global minimum, so it cannot hold the iterates, but they are "
               "not thrown over the hump either: they settle into a repeating pattern around it."
               if expected == "cycle" else "")
        return right(seen + why)
    hints = {
        "global minimum": f"η = {lr:g} is above the global minimum's limit 2/f'' = {low:.4f}: near it, every step "
                          "multiplies the distance by 1 − η·f'' < −1, so the iterates are pushed away.",
        "local minimum": f"The local minimum would be stable (its limit is {high:.4f}), but the iterates have to "
                         "get there: here they keep bouncing around the global minimum without crossing the hump.",
        "cycle": "The run does not repeat; look at the outcome it reached.",
        "chaos": f"Close: no minimum holds the iterates. But they repeat: {outcome.phrase()}, not chaos.",
        "diverges": "The overshoots stay bounded: each lands where the slope pulls back, and the last 100 "
                    f"iterates stay between {tail.min():.2f} and {tail.max():.2f}.",
    }
    return wrong(f"{seen} {hints[name]}")


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
