"""Checks for notebook 03 (backpropagation in a small sigmoid network): two deltas by hand, two predictions
(the cost of finite differences, per-sample against full batch), a stalling λ, and two pieces of code to
write (a central-difference gradient, the deltas of a hidden layer in matrix form)."""

from __future__ import annotations

import math

import numpy as np

from .. import data
from ..network import (
    LAM_MAX,
    Network,
    first_epoch_solved,
    forward_passes,
    network_at,
    relative_error,
    stalled,
    train,
)
from . import Feedback, _numbers, _short, numeric, right, unwritten, wrong

#: The numbers of exercises 1 and 2 (an output unit, then a hidden unit feeding it).
OUTPUT = {"o": 0.8, "y": 1.0, "lam": 2.0}
HIDDEN = {"h": 0.5, "w": 1.5}
#: The XOR training run of the notebook, used by exercise 5 and prediction 2.
XOR_RUN = {"hidden": 4, "lr": 1.0, "momentum": 0.9, "epochs": 300, "mode": "sample", "seed": 0}


def output_delta(o, y, lam):
    """δₒ = ∂E/∂z = (o − y)·λ·o(1 − o) for E = ½(y − o)²."""
    return (o - y) * lam * o * (1.0 - o)


def hidden_delta(delta_out, w, h, lam):
    """δⱼ = δₒ·wⱼ·λ·hⱼ(1 − hⱼ): the next layer's delta times the weight, times the unit's own slope."""
    return delta_out * w * lam * h * (1.0 - h)


@numeric("the output delta δₒ", answer=lambda: (0.8 - 1.0) * 2.0 * 0.8 * 0.2)
def check_output_delta(value):
    """Exercise 1: δₒ for an output unit with λ = 2, output o = 0.8 and target y = 1."""
    o, y, lam = OUTPUT["o"], OUTPUT["y"], OUTPUT["lam"]
    expected = output_delta(o, y, lam)
    if math.isclose(value, expected, rel_tol=1e-3):
        return right(f"δₒ = (o − y)·λ·o(1 − o) = ({o:g} − {y:g})·{lam:g}·{o:g}·{1 - o:.1f} = {expected:.4g}. "
                     "Negative: increasing z_out would lower the error, so the weights into the output grow.")
    if math.isclose(value, -expected, rel_tol=1e-3):
        return wrong("The size is right, the sign is not: for E = ½(y − o)², ∂E/∂o = o − y (the lecture's "
                     "y − o is the direction of descent, not the derivative).")
    if math.isclose(value, o - y, rel_tol=1e-3) or math.isclose(value, y - o, rel_tol=1e-3):
        return wrong("That is ∂E/∂o only. The delta is ∂E/∂z: multiply by the sigmoid's slope ∂o/∂z = λ·o(1 − o).")
    if math.isclose(abs(value), abs(expected) / lam, rel_tol=1e-3):
        return wrong(f"Almost: the slope of the sigmoid with steepness λ is λ·o(1 − o); the factor λ = {lam:g} "
                     "is missing.")
    return wrong(f"Use δₒ = (o − y)·λ·o(1 − o) with o = {o:g}, y = {y:g}, λ = {lam:g}; {value:g} is not it.")


@numeric("the hidden delta δ", answer=lambda: (0.8 - 1.0) * 2.0 * 0.8 * 0.2 * 1.5 * 2.0 * 0.25)
def check_hidden_delta(value):
    """Exercise 2: δ for a hidden unit with output h = 0.5 and weight w = 1.5 to the output of exercise 1."""
    lam, h, w = OUTPUT["lam"], HIDDEN["h"], HIDDEN["w"]
    d_out = output_delta(OUTPUT["o"], OUTPUT["y"], lam)
    expected = hidden_delta(d_out, w, h, lam)
    if math.isclose(value, expected, rel_tol=1e-3):
        return right(f"δ = δₒ·w·λ·h(1 − h) = {d_out:.4g}·{w:g}·{lam:g}·{h:g}·{1 - h:g} = {expected:.4g}: the "
                     "output's delta, passed back along the weight, times this unit's own slope.")
    if math.isclose(value, -expected, rel_tol=1e-3):
        return wrong("Check the sign of δₒ: it is (o − y)·λ·o(1 − o), negative here because o < y.")
    if math.isclose(value, d_out * w, rel_tol=1e-3):
        return wrong("That is ∂E/∂h (the sum over the next layer of delta times weight). The delta is ∂E/∂z: "
                     "multiply by the unit's own slope λ·h(1 − h).")
    if math.isclose(value, d_out * w * h * (1 - h), rel_tol=1e-3):
        return wrong(f"The hidden unit's slope is λ·h(1 − h): the factor λ = {lam:g} is missing.")
    return wrong(f"Use δ = δₒ·w·λ·h(1 − h) with δₒ from exercise 1 ({d_out:.4g}), w = {w:g}, h = {h:g}; "
                 f"{value:g} is not it.")


@numeric("a whole number of forward passes", answer=lambda: 2 * (2 * 8 + 8 + 8 + 1))
def check_forward_passes(value, n_in=2, hidden=8):
    """Prediction 1: forward passes central differences need for a whole gradient of a 2-8-1 network."""
    n_params = Network.random(n_in, hidden, rng=np.random.default_rng(0)).n_params
    weights = n_params - hidden - 1
    expected = forward_passes(n_params, "central")
    if value == expected:
        return right(f"{n_in}·{hidden} + {hidden} + {hidden} + 1 = {n_params} parameters, two passes each: "
                     f"{expected} forward passes, against one forward and one backward pass for backpropagation.")
    if value == forward_passes(n_params, "forward"):
        return wrong("That is the count for the lecture's forward difference (one pass per parameter plus one "
                     "for E(w)). Central differences evaluate E(w + ε) and E(w − ε) for every parameter.")
    if value == n_params:
        return wrong("That is the number of parameters; central differences need two passes for each.")
    if value == 2 * weights:
        return wrong(f"Do not forget the biases: {hidden} in the hidden layer and one at the output are "
                     "parameters too.")
    if value in (1, 2, 3):
        return wrong("That is backpropagation's cost (one forward and one backward pass). Finite differences "
                     "nudge one parameter at a time and evaluate E again for each nudge.")
    return wrong(f"Count the parameters (weights and biases of a {n_in}-{hidden}-1 network), then two forward "
                 f"passes per parameter; {value:g} is not it.")


def xor_history(lam, run=None):
    """The notebook's XOR run (per-sample, seeded start) with steepness ``lam``."""
    run = XOR_RUN if run is None else run
    X, y = data.xor()
    net = Network.random(2, run["hidden"], lam=lam, rng=np.random.default_rng(run["seed"]))
    return train(net, X, y, lr=run["lr"], momentum=run["momentum"], epochs=run["epochs"], mode=run["mode"])


@numeric("a steepness λ")
def check_stalling_lambda(value):
    """Exercise 5: a steepness λ at which the notebook's XOR training stalls."""
    if not 0.0 < value <= LAM_MAX:
        return wrong(f"λ must be in (0, {LAM_MAX:g}].")
    history = xor_history(value)
    X, y = data.xor()
    net = network_at(history)
    o = net.predict(X)
    first = first_epoch_solved(history)
    if not stalled(history):
        if first is not None:
            return wrong(f"With λ = {value:g} the network learns XOR (all four corners right from epoch {first}). "
                         "Try a much larger or a much smaller λ.")
        return wrong(f"With λ = {value:g} the error is still moving after {history.epochs} epochs "
                     f"(E = {history.losses[-1]:.3g}): slow, but not stalled. Go further in the same direction.")
    slope = float(np.max(value * o * (1.0 - o)))
    outputs = ", ".join(f"{v:.3f}" for v in o)
    if slope < 1e-3:
        return right(f"Stalled at E = {history.losses[-1]:.3g}. With λ = {value:g} the first large steps push the "
                     f"outputs to {outputs}: saturated at 0 or 1, where the slope λ·o(1 − o) is at most "
                     f"{slope:.1e}. Every delta carries that factor, so the gradient vanishes and the wrong "
                     "outputs never move again.")
    if np.all(np.abs(o - 0.5) < 0.05):
        return right(f"Stalled at E = {history.losses[-1]:.3g}. With λ = {value:g} every output stays near ½ "
                     f"({outputs}): the sigmoid is almost flat (slope at most λ/4 = {value / 4:.3g}), the output "
                     "delta carries λ once and a hidden weight's gradient λ², so the steps are tiny and the "
                     "network never leaves the flat start.")
    return right(f"Stalled at E = {history.losses[-1]:.3g} with outputs {outputs}: the run settled where the "
                 "gradient is (nearly) zero but some corners are still wrong, a poor local minimum or a flat "
                 "region. Try a very large or a very small λ to see the two textbook ways of stalling.")


# -- prediction 2: per-sample against full batch ---------------------------------------------------------
#: "Reaches E < ERROR_LEVEL": the level of prediction 2; runs within SAME_WITHIN (relative) count as the same.
ERROR_LEVEL, SAME_WITHIN = 0.1, 0.1
_CHOICES = {"per-sample": ("per-sample", "per sample", "sample", "sgd", "online"),
            "full-batch": ("full-batch", "full batch", "batch", "full"),
            "about the same": ("about the same", "the same", "same", "equal", "neither", "both")}


def epochs_to_error(mode, level=ERROR_LEVEL, momentum=0.0):
    """First epoch after which the notebook's XOR run (η = 1, seed 0) has E < ``level`` (None: never)."""
    X, y = data.xor()
    net = Network.random(2, XOR_RUN["hidden"], lam=1.0, rng=np.random.default_rng(XOR_RUN["seed"]))
    history = train(net, X, y, lr=XOR_RUN["lr"], momentum=momentum, epochs=XOR_RUN["epochs"], mode=mode)
    below = np.flatnonzero(history.losses < level)
    return int(below[0]) if below.size else None


def check_sample_or_batch(answer):
    """Prediction 2: without momentum, at η = 1, does per-sample or full-batch training reach E < 0.1 in
    fewer epochs on XOR, or do they take about the same number?"""
    if answer is ... or answer is None:
        return Feedback(None, "Replace ... with your prediction, 'per-sample', 'full-batch' or 'about the same', "
                              "then run the cell again.")
    key = answer.strip().lower().replace("_", " ") if isinstance(answer, str) else None
    choice = next((c for c, names in _CHOICES.items() if key in names), None)
    if choice is None:
        return wrong(f"Answer with one of the strings 'per-sample', 'full-batch' or 'about the same'; got {answer!r}.")
    sample, batch = epochs_to_error("sample"), epochs_to_error("batch")
    if abs(sample - batch) <= SAME_WITHIN * max(sample, batch):
        expected = "about the same"
    else:
        expected = "per-sample" if sample < batch else "full-batch"
    counts = (f"Epochs to E < {ERROR_LEVEL:g} with η = {XOR_RUN['lr']:g}, μ = 0: per-sample {sample}, "
              f"full batch {batch}.")
    why = ("A full-batch step follows the gradient of E = Σ Eᵢ, the sum of the four samples' gradients, so "
           "one full-batch step goes about as far as the four small per-sample steps of an epoch.")
    if choice == expected:
        return right(f"{counts} {why} Four times as many updates is not four times as fast.")
    if choice == "per-sample":
        return wrong(f"{counts} Per-sample training makes 4 updates per epoch, but each follows one sample's "
                     f"Eᵢ only. {why}")
    return wrong(f"{counts} Full batch's gradient is exact, but it makes one update per epoch. {why}")


# -- exercise 4 (code): a central-difference gradient -------------------------------------------------------
def central_difference(E, w, eps):
    """The reference: (E(w + ε·eₖ) − E(w − ε·eₖ)) / 2ε for every weight k, one weight nudged at a time."""
    w = np.asarray(w, dtype=float)
    grad = np.empty_like(w)
    for k in range(w.size):
        plus, minus = w.copy(), w.copy()
        plus[k] += eps
        minus[k] -= eps
        grad[k] = (E(plus) - E(minus)) / (2.0 * eps)
    return grad


def deep_example(seed=5):
    """A 2-3-2-2 network (two hidden layers, two outputs), five samples and their targets."""
    rng = np.random.default_rng(seed)
    net = Network.random(2, (3, 2), n_out=2, rng=rng)
    return net, rng.standard_normal((5, 2)), rng.uniform(0.0, 1.0, (5, 2))


def _difference_cases():
    net, X, Y = deep_example()
    return [
        ("E(w) = Σ w³", lambda w: float(np.sum(w**3)), np.array([1.0, -2.0, 0.5]), 0.1),
        ("E(w) = w₀²·w₁ + sin(w₂)·w₀", lambda w: float(w[0] ** 2 * w[1] + np.sin(w[2]) * w[0]),
         np.array([0.5, -1.0, 2.0]), 1e-3),
        ("E(w) = e^w₀", lambda w: float(np.exp(w[0])), np.array([0.3]), 1e-4),
        ("the error of a 2-3-2-2 network", lambda w: net.with_vector(w).error(X, Y), net.vector(), 1e-5),
    ]


def _one_at_a_time(step):
    def gradient(E, w, eps):
        grad = np.empty_like(w)
        for k in range(w.size):
            e = np.zeros_like(w)
            e[k] = eps
            grad[k] = step(E, w, e, eps)
        return grad
    return gradient


_DIFFERENCE_MISTAKES = [
    (_one_at_a_time(lambda E, w, e, eps: (E(w + e) - E(w)) / eps),
     "That is the forward difference (E(w + ε·eₖ) − E(w))/ε, the lecture's formula. The central difference "
     "nudges both ways: (E(w + ε·eₖ) − E(w − ε·eₖ))/(2ε)."),
    (_one_at_a_time(lambda E, w, e, eps: (E(w) - E(w - e)) / eps),
     "That is a one-sided difference (E(w) − E(w − ε·eₖ))/ε. The central difference nudges both ways: "
     "(E(w + ε·eₖ) − E(w − ε·eₖ))/(2ε)."),
    (_one_at_a_time(lambda E, w, e, eps: (E(w + e) - E(w - e)) / eps),
     "Your gradient is twice the central difference: divide by 2ε, the distance between w − ε·eₖ and w + ε·eₖ."),
    (_one_at_a_time(lambda E, w, e, eps: (E(w - e) - E(w + e)) / (2.0 * eps)),
     "Your gradient has the wrong sign, so a step against it would go uphill: E at the nudge up comes first, "
     "E(w + ε·eₖ) − E(w − ε·eₖ)."),
    (_one_at_a_time(lambda E, w, e, eps: (E(w + eps) - E(w - eps)) / (2.0 * eps)),
     "You nudge every weight at once (w + ε adds ε to all of them): nudge one weight k at a time, w + ε·eₖ, "
     "and leave the others where they are."),
]


def _call(student, name, args, where):
    """(result as an array, None) or (None, the feedback for junk)."""
    try:
        with np.errstate(all="ignore"):
            got = student(*args)
    except Exception as err:  # the student's code: any error is feedback
        hint = ""
        if name == "tanh_deltas" and isinstance(err, ValueError) and any(
                w in str(err) for w in ("matmul", "shape", "broadcast")):
            hint = (" The weights W_next have one row per unit of layer l and one column per unit of layer l + 1: "
                    "the deltas go back with delta_next @ W_next.T.")
        return None, wrong(f"Your {name} raised {type(err).__name__}: {err} (for {where}).{hint}")
    if got is None:
        return None, Feedback(None, f"Your {name} returns None: write its body in place of ... and end it with "
                                    "a return.")
    if isinstance(got, (str, bytes)) or not _numbers(got):
        return None, wrong(f"{name} must return an array of numbers, got {_short(got)} (for {where}).")
    return np.asarray(got, dtype=float), None


def _agrees(got, want):
    return got.shape == want.shape and np.allclose(got, want, rtol=1e-7, atol=1e-10 * max(1.0, np.abs(want).max()))


def check_central_difference(student):
    """Exercise 4: the student's ``central_difference(E, w, eps)`` against :func:`central_difference`
    on four functions, then as the check of backpropagation on a network with two hidden layers."""
    name = "central_difference"
    feedback = unwritten(student, name, "E, w, eps")
    if feedback:
        return feedback
    cases = _difference_cases()
    for label, E, w, eps in cases:
        where = f"{label} at w = {_short(w)}, ε = {eps:g}"
        given = w.copy()
        got, feedback = _call(student, name, (E, given, eps), where)
        if feedback:
            return feedback
        want = central_difference(E, w, eps)
        if got.shape != want.shape:
            return wrong(f"Your gradient has shape {got.shape}; it needs one partial derivative per weight, shape "
                         f"{want.shape} (for {where}).")
        if not np.all(np.isfinite(got)):
            return wrong(f"Your gradient contains nan or inf (for {where}): a division by zero?")
        if not np.allclose(given, w, rtol=1e-12, atol=1e-15):
            return wrong(f"Your function changed the w it was given, from {_short(w)} to {_short(given)}: nudge a "
                         "copy (plus = w.copy()), or put each weight back after nudging it.")
        if _agrees(got, want):
            continue
        for mistake, message in _DIFFERENCE_MISTAKES:
            with np.errstate(all="ignore"):
                typical = mistake(E, w.copy(), eps)
            if _agrees(got, typical):
                return wrong(f"{message} (For {where}: you get {_short(got)}, expected {_short(want)}.)")
        if not np.any(got) and np.any(want):
            return wrong(f"All your partial derivatives are 0 (for {where}): are plus and minus the same array? "
                         "plus = w does not copy w, so nudging plus nudges w and minus too; use w.copy().")
        return wrong(f"For {where} you get {_short(got)}; expected {_short(want)}.")
    net, X, Y = deep_example()  # the last case: its gradient, by the student's code, against backpropagation
    error = relative_error(net.gradient(X, Y), got)
    if error > 1e-8:
        return wrong(f"Right on the four test functions, but on the 2-3-2-2 network it differs from backpropagation "
                     f"by a relative error of {error:.1e}.")
    return right(f"{name} agrees with the reference on all {len(cases)} functions, and on a network with two "
                 "hidden layers and two outputs it agrees with backpropagation to a relative error below 1e-8.")


# -- optional exercise (code): the deltas of a tanh layer ----------------------------------------------------
def tanh_deltas(delta_next, W_next, a):
    """The reference: δˡ = (δˡ⁺¹ · (Wˡ⁺¹)ᵀ) ⊙ (1 − (aˡ)²) for a layer of units a = tanh(z), samples in rows."""
    return (delta_next @ W_next.T) * (1.0 - a * a)


def _delta_cases():
    rng = np.random.default_rng(12)
    shapes = [(3, 2, 2), (4, 3, 2), (1, 2, 3)]  # samples, units of layer l, units of layer l + 1
    return [(rng.standard_normal((n, k)), rng.standard_normal((m, k)), rng.uniform(-0.95, 0.95, (n, m)))
            for n, m, k in shapes]


_DELTA_MISTAKES = [
    (lambda d, W, a: (d @ W.T) * a * (1 - a),
     "a·(1 − a) is the slope of the sigmoid. These units compute a = tanh(z), whose slope is 1 − tanh²(z) = 1 − a²."),
    (lambda d, W, a: (d @ W) * (1 - a * a),
     "Pass the deltas back along the weights, δˡ⁺¹·(Wˡ⁺¹)ᵀ: W_next has one row per unit of layer l, so it is "
     "delta_next @ W_next.T, not delta_next @ W_next."),
    (lambda d, W, a: d @ W.T,
     "That is ∂E/∂a, the sum over the next layer of delta × weight. The delta is ∂E/∂z: multiply by the slope 1 − a²."),
    (lambda d, W, a: (d @ W.T) * (1 - np.tanh(a) ** 2),
     "a already holds the units' outputs, a = tanh(z): the slope is 1 − a², without applying tanh again."),
    (lambda d, W, a: (d @ W.T) * (1 - a) ** 2, "The slope is 1 − a², one minus the square, not (1 − a)²."),
    (lambda d, W, a: (d[:, :1] * W[:, 0]) * (1 - a * a),
     "You pass back only the first unit's delta. A hidden unit feeds every unit of the next layer, so "
     "∂E/∂aⱼ = Σₖ δₖ·wⱼₖ sums over all of them: delta_next @ W_next.T."),
]


def tanh_example(seed=8):
    """A 2-3-2-1 network of tanh hidden units and a linear output (weights, biases), five samples, targets."""
    rng = np.random.default_rng(seed)
    layers = [(rng.standard_normal((m, k)) / np.sqrt(m), rng.standard_normal(k) / 2)
              for m, k in ((2, 3), (3, 2), (2, 1))]
    return layers, rng.standard_normal((5, 2)), rng.standard_normal((5, 1))


def _tanh_error(layers, X, Y):
    a = X
    for W, b in layers[:-1]:
        a = np.tanh(a @ W + b)
    W, b = layers[-1]
    return 0.5 * float(np.sum((a @ W + b - Y) ** 2))


def tanh_backward_with(deltas, layers, X, Y):
    """E = ½Σ(y − o)² of the tanh network, its gradient by backpropagation with ``deltas(delta_next, W_next, a)``
    for the hidden layers: [(∂E/∂W, ∂E/∂b) of every layer]."""
    a = [X]
    for W, b in layers[:-1]:
        a.append(np.tanh(a[-1] @ W + b))
    W, b = layers[-1]
    delta = a[-1] @ W + b - Y  # a linear output unit: δ = ∂E/∂o = o − y
    grads = []
    for k in range(len(layers), 0, -1):
        grads.append((a[k - 1].T @ delta, delta.sum(axis=0)))
        if k > 1:
            delta = np.asarray(deltas(delta, layers[k - 1][0], a[k - 1]), dtype=float)
    return grads[::-1]


def _tanh_numeric(layers, X, Y, eps=1e-6):
    flat = np.concatenate([p.ravel() for pair in layers for p in pair])
    shapes = [p.shape for pair in layers for p in pair]

    def error(v):
        parts, k = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            parts.append(v[k:k + size].reshape(shape))
            k += size
        return _tanh_error(list(zip(parts[::2], parts[1::2], strict=True)), X, Y)

    return central_difference(error, flat, eps)


def check_tanh_deltas(student):
    """Optional exercise: the student's ``tanh_deltas(delta_next, W_next, a)`` against :func:`tanh_deltas` on
    three layers, then inside a whole backward pass of a 2-3-2-1 tanh network, against central differences."""
    name = "tanh_deltas"
    feedback = unwritten(student, name, "delta_next, W_next, a")
    if feedback:
        return feedback
    cases = _delta_cases()
    for d, W, a in cases:
        where = f"{len(a)} sample(s), {W.shape[0]} units in layer l, {W.shape[1]} in layer l + 1"
        got, feedback = _call(student, name, (d.copy(), W.copy(), a.copy()), where)
        if feedback:
            return feedback
        want = tanh_deltas(d, W, a)
        if got.shape != want.shape:
            return wrong(f"Your deltas have shape {got.shape}; they need one row per sample and one column per unit "
                         f"of layer l, shape {want.shape} (for {where}).")
        if not np.all(np.isfinite(got)):
            return wrong(f"Your deltas contain nan or inf (for {where}).")
        if _agrees(got, want):
            continue
        for mistake, message in _DELTA_MISTAKES:
            try:
                typical = mistake(d, W, a)
            except ValueError:  # a shape mismatch: this mistake cannot be made with these shapes
                continue
            if _agrees(got, typical):
                return wrong(f"{message} (For {where}.)")
        return wrong(f"For {where} you get {_short(got)}; expected {_short(want)}.")
    layers, X, Y = tanh_example()
    try:
        with np.errstate(all="ignore"):
            mine = np.concatenate([g.ravel() for pair in tanh_backward_with(student, layers, X, Y) for g in pair])
    except Exception as err:  # the student's code inside a whole backward pass
        return wrong(f"Right on the three layers, but inside a whole backward pass of the tanh network your "
                     f"{name} raised {type(err).__name__}: {err}.")
    error = relative_error(_tanh_numeric(layers, X, Y), mine) if mine.shape == (20,) else 1.0
    if error > 1e-7:
        return wrong("Right on the three layers, but inside a whole backward pass it gives a different gradient: "
                     "does it keep something between calls?")
    return right(f"{name} agrees with the reference on all {len(cases)} layers, and a whole backward pass of a 2-3-2-1 "
                 "tanh network with it agrees with central differences (relative error below 1e-7). Only the "
                 "slope changed: the rest of backpropagation does not care which activation the units use.")
