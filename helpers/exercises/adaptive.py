"""Checks for notebook 06 (Nesterov, AdaGrad, RMSProp, Adam): two predictions, Adam's first step and writing
Adam from RMSProp and notebook 05's bias correction."""

from __future__ import annotations

import math

import numpy as np

from ..demos.adaptive import RACERS, SURFACES, first_step, race
from ..objectives import Saddle
from ..runner import run
from ..steps import adam
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


def _pick(answer, options, question):
    """(the option an answer names, None) or (None, the feedback for a missing or malformed answer)."""
    if answer is ... or answer is None:
        return None, Feedback(None, f"Replace ... with your prediction, {question}, as a string such as "
                                    f"{options[0]!r}, then run the cell again.")
    name = _name(answer)
    if name not in options:
        return None, wrong(f"Answer with one of {', '.join(repr(o) for o in options)}; got {answer!r}.")
    return name, None


def rosenbrock_distances(steps=ROSENBROCK_STEPS):
    """Distance to the minimum (1, 1) after ``steps`` steps of gradient descent and momentum, from (−1.2, 1) at the
    race's settings (η = 0.001, β = 0.9, momentum in the summed form)."""
    runs = race("rosenbrock", steps=steps)
    return {name: float(np.hypot(*(runs[name].x - 1.0))) for name in ("gradient descent", "momentum")}


def check_rosenbrock_closer(answer):
    """Prediction 1: on Rosenbrock's valley at η = 0.001, which ends closer to (1, 1): gradient descent or momentum?"""
    name, feedback = _pick(answer, ("gradient descent", "momentum"), "the method that ends closer")
    if feedback:
        return feedback
    far = rosenbrock_distances()
    closer = min(far, key=far.get)
    facts = (f"After {ROSENBROCK_STEPS:,} steps: gradient descent {far['gradient descent']:.2g} from (1, 1), momentum "
             f"{far['momentum']:.2g}.")
    if name == closer:
        return right(f"{facts} Along the valley's long, almost flat floor the gradient keeps its direction, so the "
                     "summed velocity grows to about 1/(1 − β) = 10 gradients: ten times gradient descent's step, at "
                     "the same η. Across the steep walls the gradients alternate and cancel: notebook 05's ravine, "
                     "on a curved valley.")
    return wrong(f"{facts} η must suit the steep walls, so gradient descent crawls along the floor; momentum's "
                 "velocity adds up the floor's gradients, which keep their direction (notebook 05's ravine).")


def saddle_escapes():
    """Step at which each racer first has |y| > :data:`ESCAPE`, from :data:`SADDLE_START` (None: never)."""
    return {name: first_step(r, lambda p: np.abs(p[:, 1]) > ESCAPE)
            for name, r in race("saddle", start=SADDLE_START).items()}


def check_saddle_first(answer):
    """Prediction 2: from (−1.8, 0.001), which leaves the saddle first (|y| > 0.5): gradient descent or Adam?"""
    name, feedback = _pick(answer, ("gradient descent", "Adam"), "the method that leaves first")
    if feedback:
        return feedback
    escapes = saddle_escapes()
    first = min(("gradient descent", "Adam"), key=lambda n: escapes[n] if escapes[n] is not None else math.inf)
    spec = SURFACES["saddle"]
    facts = (f"|y| > {ESCAPE} first at step {escapes['gradient descent']} for gradient descent (η = {spec.lr:g}), "
             f"{escapes['Adam']} for Adam (η = {spec.lr_adaptive:g}).")
    if name == first:
        return right(f"{facts} Near the saddle the y-gradient is about −y: gradient descent's y-step is η·|y|, so y "
                     f"grows only by a factor 1 + η = {1 + spec.lr:g} per step, from 0.001 to 0.5 in about "
                     f"ln 500/ln {1 + spec.lr:g} ≈ {math.log(500) / math.log(1 + spec.lr):.0f} steps. Adam divides by "
                     "the gradient's own size: its steps are about η long however small the gradient.")
    return wrong(f"{facts} Gradient descent's step is η times the gradient, which is tiny near the saddle; Adam "
                 "rescales each coordinate by the size of its own gradients.")


def adam_first_step(lr=0.003, grad=(0.002, -80.0)):
    """How far Adam's first step moves each coordinate (with PyTorch's defaults)."""
    x, _ = adam(np.zeros(2), (0.0, 0.0, 0), np.asarray(grad), lr)
    return np.abs(x)


@numeric("the length of the first step in x₁", answer=lambda: 0.003)
def check_adam_first_step(value, lr=0.003, grad=(0.002, -80.0)):
    """Exercise 1: the size of Adam's first step in the first coordinate, for η = 0.003 and ∇f = (0.002, −80)."""
    expected = float(adam_first_step(lr, grad)[0])
    g, b1, b2 = grad[0], 0.9, 0.999
    if math.isclose(abs(value), expected, rel_tol=1e-3):
        sign = (f" The move itself is {-np.sign(g) * expected:+.4g}, against the positive gradient; its length is "
                f"{expected:.4g}." if value < 0 else "")
        return right(f"m̂ = g and ŝ = g² after one step, so the step is η·g/(|g| + ε) ≈ η = {expected:.4g} in every "
                     f"coordinate, whether the gradient is {grad[0]:g} or {grad[1]:g}.{sign}")
    if math.isclose(abs(value), lr * abs(g), rel_tol=1e-3):
        return wrong("That is gradient descent's step η·|g|. Adam divides by the root of the squared gradient.")
    if math.isclose(abs(value), lr / math.sqrt(1 - b2), rel_tol=1e-3):
        return wrong(f"That is the step without the bias correction of ŝ: s₁ = (1 − β₂)·g² = {1 - b2:g}·g² is far "
                     "too small before it is divided by 1 − β₂.")
    if math.isclose(abs(value), lr * (1 - b1) / math.sqrt(1 - b2), rel_tol=1e-3) or math.isclose(
            abs(value), lr * (1 - b1), rel_tol=1e-3):
        return wrong("m₁ = (1 − β₁)·g needs its correction too: m̂₁ = m₁/(1 − β₁) = g.")
    return wrong("Work out m₁, s₁ from zero, correct both (t = 1), then η·m̂/(√ŝ + ε).")


# -- coding: Adam -------------------------------------------------------------------------------------------------
def _adam_cases():
    return [  # t > 0 first (at t = 0 some mistakes coincide), ε = 0.1 where it shows, β₁ ≠ β₂ everywhere
        (1.0, (0.1, 0.02, 3), 0.5, dict(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)),
        (np.array([1.0, -2.0]), (np.array([0.2, -1.0]), np.array([0.05, 2.0]), 1), np.array([0.5, -20.0]),
         dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8)),
        (-2.0, (-0.5, 0.3, 7), -3.0, dict(lr=0.05, beta1=0.9, beta2=0.999, eps=0.1)),
        (np.array([0.0, 3.0]), (np.zeros(2), np.zeros(2), 0), np.array([1.0, -1.0]),
         dict(lr=0.2, beta1=0.5, beta2=0.9, eps=1e-8)),
    ]


def _adam_variant(correct_m=True, correct_s=True, count=1, old_t=False, eps_inside=False, squared=True,
                  swapped=False, store=False, sign=-1.0):
    """Adam with one thing changed: the typical mistakes of writing it from RMSProp and notebook 05."""
    def rule(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        m, s, t = state
        b1, b2 = (beta2, beta1) if swapped else (beta1, beta2)
        m = b1 * m + (1 - b1) * grad
        s = b2 * s + (1 - b2) * (grad * grad if squared else grad)
        t_new = t + count
        k = t if old_t else t_new
        m_hat = m / (1 - b1**k) if correct_m else m
        s_hat = s / (1 - b2**k) if correct_s else s
        root = np.sqrt(s_hat + eps) if eps_inside else np.sqrt(s_hat) + eps
        new = x + sign * lr * m_hat / root
        return new, ((m_hat, s_hat, t_new) if store else (m, s, t_new))
    return rule


_ADAM_MISTAKES = [
    (_adam_variant(correct_m=False, correct_s=False), "No bias correction: divide m by 1 − β₁ᵗ and s by 1 − β₂ᵗ before "
                                                      "the step, as notebook 05 corrects its moving average."),
    (_adam_variant(correct_m=False), "Only s is corrected: m̂ = m/(1 − β₁ᵗ) too."),
    (_adam_variant(correct_s=False), "Only m is corrected: ŝ = s/(1 − β₂ᵗ) too."),
    (_adam_variant(count=0), "t must count the steps: return t + 1, or the correction never fades."),
    (_adam_variant(old_t=True), "Correct with the new step count: after the first update t = 1, and 1 − β⁰ = 0."),
    (_adam_variant(store=True), "Keep the plain averages m and s in the state and correct only for the step: "
                                "corrected values fed back are corrected again at every step."),
    (_adam_variant(eps_inside=True), "ε goes outside the square root, √ŝ + ε, as in PyTorch (with ε = 0.1 that "
                                     "shows)."),
    (_adam_variant(squared=False), "s averages the squared gradients, grad², as in RMSProp: not the gradients."),
    (_adam_variant(swapped=True), "β₁ and β₂ are swapped: β₁ (0.9) belongs to m, the average of the gradients, and "
                                  "β₂ (0.999) to s, the average of their squares."),
    (_adam_variant(sign=1.0), "Your step moves uphill: subtract η·m̂/(√ŝ + ε)."),
]


def check_adam(student):
    """Exercise 2: the student's Adam (state (m, s, t)) against :func:`helpers.steps.adam`, then in the runner on
    the saddle with ``state=(0.0, 0.0, 0)``."""
    feedback = check_rule(student, adam, _adam_cases(), name="my_adam", mistakes=_ADAM_MISTAKES, state="(m, s, t)")
    if feedback.correct is not True:
        return feedback
    saddle, steps = Saddle(), 40
    try:
        with np.errstate(all="ignore"):
            mine = run(saddle, student, list(SADDLE_START), lr=0.05, state=(0.0, 0.0, 0), max_steps=steps)
    except Exception as err:  # the student's code inside the runner
        return wrong(f"Your rule is right on single steps but failed inside helpers.run: {type(err).__name__}: {err}.")
    ref = run(saddle, adam, list(SADDLE_START), lr=0.05, max_steps=steps)
    # (β**t here and helpers' steps.power agree for numbers; g**2 and g*g may not: equal up to rounding)
    if mine.steps != ref.steps or not np.allclose(mine.iterates, ref.iterates, rtol=1e-9, atol=1e-12):
        return wrong("Your rule is right on single steps, but inside helpers.run it drifts from the reference: "
                     "does it keep something between calls other than the state it returns?")
    return right(f"{feedback.message} helpers.run runs it as it runs its own: {steps} steps on the saddle from "
                 f"{SADDLE_START}, the same path as helpers.steps.adam up to rounding. Adam is notebook 05's "
                 "corrected momentum divided, coordinate by coordinate, by the root of RMSProp's corrected average.")
