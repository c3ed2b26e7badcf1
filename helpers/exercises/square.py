"""Checks for notebook 01 (gradient descent on x²): four numbers, two predictions and a rule whose step shrinks."""

from __future__ import annotations

import math

import numpy as np

from ..objectives import Square
from ..runner import run
from ..steps import gradient_descent
from . import Feedback, check_rule, numeric, right, wrong


@numeric("the gradient f'(-3)", answer=lambda: -6.0)
def check_gradient(value, x=-3.0):
    """Exercise 1: f'(x) for f(x) = x² at a point left of the minimum, with its sign."""
    expected = 2.0 * x
    if math.isclose(value, expected):
        return right(f"f'(x) = 2x, so f'({x:g}) = {expected:+g}: x² falls to the right of {x:g}. The step −η·f'(x) = "
                     f"{-expected:+g}η is positive: x moves right, downhill, towards the minimum at 0.")
    if math.isclose(value, -expected):
        return wrong(f"That is the size, with the wrong sign. Left of the minimum x² falls as x grows, so its slope at "
                     f"{x:g} is negative; it is the step −η·f'(x) that is positive.")
    if math.isclose(value, x * x):
        return wrong(f"{value:g} is f({x:g}), the value of the function; the gradient is its slope, f'(x) = 2x.")
    return wrong(f"Differentiate x² and put x = {x:g} in; {value:g} is not f'({x:g}).")


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


@numeric("a whole number of steps", answer=lambda: steps_to_tolerance(10.0, 0.2, 1e-6))
def check_steps(value, x0=10.0, lr=0.2, tol=1e-6):
    """Exercise 2: how many steps until |f'(x_k)| ≤ tol, from x₀ with learning rate η."""
    expected = steps_to_tolerance(x0, lr, tol)
    factor, ratio = abs(1 - 2 * lr), tol / (2 * abs(x0))
    if value == expected and not 0 < factor < 1:
        return right(f"From x₀ = {x0:g} with η = {lr:g} the tolerance {tol:g} first holds at k = {expected}.")
    if value == expected:
        return right(f"|f'(x_k)| = 2·{factor:g}^k·{abs(x0):g} ≤ {tol:g} when k ≥ log({ratio:g})/log({factor:g}) = "
                     f"{math.log(ratio) / math.log(factor):.2f}: first at k = {expected}.")
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


@numeric("the bound on η", answer=lambda: 1.0 / 3.0)
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


# -- predictions ---------------------------------------------------------------------------------------
SQUARE = Square()
REGIMES = ("monotone", "one step", "alternating", "bouncing", "diverging")
_REGIME_ALIASES = {"zig-zag": "alternating", "zigzag": "alternating", "oscillating": "alternating",
                   "diverges": "diverging", "diverge": "diverging", "diverged": "diverging",
                   "bounces": "bouncing", "one-step": "one step", "monotonic": "monotone"}


def _choice(answer, options, aliases, question):
    """(the option an answer names, None) or (None, the feedback for a missing or malformed answer)."""
    if answer is ... or answer is None:
        return None, Feedback(None, f"Replace ... with your prediction, {question}, as a string such as "
                                    f"{options[0]!r}, then run the cell again.")
    key = answer.strip().lower().replace("_", " ") if isinstance(answer, str) else None
    key = aliases.get(key, key)
    if key not in options:
        return None, wrong(f"Answer with one of {', '.join(repr(o) for o in options)}; got {answer!r}.")
    return key, None


def regime(lr, x0=10.0, steps=50):
    """What gradient descent on x² does with learning rate ``lr``, read off a run of :func:`helpers.run`
    (not off the closed form): one of :data:`REGIMES`."""
    result = run(SQUARE, gradient_descent, x0, lr=lr, max_steps=steps, bound=1000.0)
    xs = np.abs(result.iterates)
    if result.status == "diverged" or xs[-1] > xs[0] * (1 + 1e-9):
        return "diverging"
    if np.all(np.abs(xs - xs[0]) <= 1e-9 * xs[0]):
        return "bouncing"
    if result.converged and result.steps == 1:
        return "one step"
    if np.any(result.iterates[1:] * result.iterates[:-1] < 0):
        return "alternating"
    return "monotone"


def check_regime(answer, lr=0.6, x0=10.0):
    """Prediction 1: with learning rate ``lr`` from ``x0``, what do the iterates of gradient descent on x² do?"""
    name, feedback = _choice(answer, REGIMES, _REGIME_ALIASES, "what the iterates do")
    if feedback:
        return feedback
    result = run(SQUARE, gradient_descent, x0, lr=lr, max_steps=50, bound=1000.0)
    expected, q = regime(lr, x0), 1.0 - 2.0 * lr
    first = ", ".join(f"{x:.4g}" for x in result.iterates[:5])
    seen = f"helpers.run gives x = {first}, …: {result.outcome()}."
    if name == expected:
        return right(f"{seen} Each step multiplies x by 1 − 2η = {q:+.2g}: negative, so the sign flips, and of size "
                     "below 1, so the iterates shrink. Overshooting the minimum is not the same as diverging."
                     if expected == "alternating" else seen)
    hints = {
        "diverging": f"The first step overshoots the minimum, but it lands closer than it started, at "
                     f"{result.iterates[1]:.4g}: the factor 1 − 2η = {q:+.2g} has size {abs(q):.2g}. Divergence needs "
                     "|1 − 2η| > 1, η > 1.",
        "monotone": f"Each step multiplies x by 1 − 2η = {q:+.2g}: with a negative factor the sign flips every step.",
        "one step": "Only η = 0.5 lands exactly on 0 (factor 1 − 2η = 0).",
        "bouncing": f"Bouncing needs a factor of exactly −1, η = 1; here 1 − 2η = {q:+.2g}.",
        "alternating": f"The factor 1 − 2η = {q:+.2g} does not flip the sign.",
    }
    return wrong(f"{seen} {hints[name]}")


STATUSES = ("converged", "max_steps", "diverged")
_STATUS_ALIASES = {"max steps": "max_steps", "maxsteps": "max_steps", "diverges": "diverged",
                   "converges": "converged"}


def check_status(answer, lr=0.1, x0=10.0, max_steps=50, tol=1e-6):
    """Prediction 2: the status helpers.run reports for x² from ``x0`` with ``lr`` in ``max_steps`` steps."""
    name, feedback = _choice(answer, STATUSES, _STATUS_ALIASES, "the status of the run")
    if feedback:
        return feedback
    result = run(SQUARE, gradient_descent, x0, lr=lr, max_steps=max_steps, tol=tol, bound=1000.0)
    q, needed = 1.0 - 2.0 * lr, steps_to_tolerance(x0, lr, tol)
    slope = abs(float(SQUARE.grad(result.x)))
    facts = (f"After {result.steps} steps x = {result.x:.3g} and |f'(x)| = {slope:.3g}; the tolerance {tol:g} "
             f"first holds at step {needed}." if needed is not None and result.status == "max_steps" else
             f"The run {result.outcome()}.")
    if name == result.status == "max_steps":
        return right(f"{facts} The iterates do converge mathematically (x shrinks by {abs(q):.2g} per step), but "
                     "the run's status says whether the stopping rule held within the budget, and it did not yet: "
                     "max_steps means 'not there yet', not 'failed'.")
    if name == result.status:
        return right(facts)
    if name == "converged" and result.status == "max_steps":
        return wrong(f"Mathematically yes: |1 − 2η| = {abs(q):.2g} < 1, so x_k → 0. But the status reports the "
                     f"stopping rule |f'(x)| ≤ {tol:g}. {facts}")
    if name == "diverged":
        return wrong(f"|1 − 2η| = {abs(q):.2g} < 1: every step shrinks x. {facts}")
    return wrong(facts)


# -- a rule whose learning rate decays -----------------------------------------------------------------
def decaying_gradient_descent(x, k, grad, lr):
    """Gradient descent with η_k = η/(1 + k/10) at step k = 0, 1, 2, …; the state counts the steps."""
    return x - lr / (1 + k / 10) * grad, k + 1


def _decaying_cases():
    return [  # k > 0 first: at k = 0 a rule without the decay looks right
        (-3.0, 4.0, -6.0, dict(lr=0.5)),
        (np.array([1.0, -2.0]), 10.0, np.array([0.5, -20.0]), dict(lr=0.05)),
        (np.array([[0.5], [2.0]]), 25.0, np.array([[3.0], [-1.0]]), dict(lr=2.0)),
        (3.0, 0.0, 6.0, dict(lr=0.1)),
    ]


def _decaying_mistakes():
    return [
        (lambda x, k, g, lr: (x - lr * g, k), "Neither the decay nor the count: step k uses η/(1 + k/10), and the new "
                                             "state is k + 1."),
        (lambda x, k, g, lr: (x - lr * g, k + 1), "Your step does not shrink: step k uses η/(1 + k/10), not η."),
        (lambda x, k, g, lr: (x - lr / (1 + k / 10) * g, k),
         "The state never changes: return k + 1, or every step is step 0 and the learning rate never decays."),
        (lambda x, k, g, lr: (x - lr / (1 + k / 10) * g, k + 1 / 10),
         "Count the steps: the new state is k + 1; the /10 belongs in the learning rate."),
        (lambda x, k, g, lr: (x - lr / (1 + (k + 1) / 10) * g, k + 1),
         "Off by one: the first step (k = 0) uses the full η, so use the k you were given, before adding 1."),
        (lambda x, k, g, lr: (x - lr / (1 + k) * g, k + 1),
         "That decays ten times too fast: η/(1 + k/10), not η/(1 + k)."),
        (lambda x, k, g, lr: (x - lr * (1 + k / 10) * g, k + 1),
         "Your learning rate grows with k: divide η by 1 + k/10 instead of multiplying."),
        (lambda x, k, g, lr: (x + lr / (1 + k / 10) * g, k + 1),
         "Your step moves uphill, along the gradient: subtract it."),
    ]


def check_decaying_step(student):
    """Exercise 5: the student's gradient-descent rule with a learning rate η/(1 + k/10) that decays with the step
    count k kept in the state; then in :func:`helpers.run` on x² from 10 with η = 1.5, which diverges with a
    constant η but converges as the rate decays."""
    feedback = check_rule(student, decaying_gradient_descent, _decaying_cases(), name="decaying_gradient_descent",
                          mistakes=_decaying_mistakes(), state="k")
    if feedback.correct is not True:
        return feedback
    try:
        with np.errstate(all="ignore"):
            mine = run(SQUARE, student, 10.0, lr=1.5, bound=1e6)
    except Exception as err:  # the student's code inside the runner
        return wrong(f"Your rule is right on single steps but failed inside helpers.run: {type(err).__name__}: {err}.")
    ref = run(SQUARE, decaying_gradient_descent, 10.0, lr=1.5, bound=1e6)
    if mine.status != ref.status or mine.steps != ref.steps or not np.allclose(mine.iterates, ref.iterates):
        return wrong("Your rule is right on single steps, but inside helpers.run it drifts from the reference: "
                     "does it keep something between calls other than the state it returns?")
    fixed = run(SQUARE, gradient_descent, 10.0, lr=1.5, bound=1e6)
    grow = int(np.argmax(np.abs(ref.iterates[1:]) < np.abs(ref.iterates[:-1])))
    return right(f"{feedback.message} In helpers.run on x² from 10 with η = 1.5: a constant η {fixed.outcome()}, "
                 f"yours {mine.outcome()}. Its first steps still grow (|1 − 2η_k| > 1 while η_k > 1), from step {grow} "
                 f"on η_k < 1 and they shrink: a decaying rate forgives a too large start, as notebook 04's SGD uses.")
