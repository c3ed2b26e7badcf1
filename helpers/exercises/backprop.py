"""Checks for notebook 03 (backpropagation in a small sigmoid network)."""

from __future__ import annotations

import math

import numpy as np

from .. import data
from ..network import LAM_MAX, Network, first_epoch_solved, network_at, stalled, train
from . import numeric, right, wrong

#: The numbers of exercises 1 and 2 (an output unit, then a hidden unit feeding it).
OUTPUT = {"o": 0.8, "y": 1.0, "lam": 2.0}
HIDDEN = {"h": 0.5, "w": 1.5}
#: The XOR training run of the notebook, used by exercise 4.
XOR_RUN = {"hidden": 4, "lr": 1.0, "momentum": 0.9, "epochs": 300, "mode": "sample", "seed": 0}


def output_delta(o, y, lam):
    """δₒ = ∂E/∂z = (o − y)·λ·o(1 − o) for E = ½(y − o)²."""
    return (o - y) * lam * o * (1.0 - o)


def hidden_delta(delta_out, w, h, lam):
    """δⱼ = δₒ·wⱼ·λ·hⱼ(1 − hⱼ): the next layer's delta times the weight, times the unit's own slope."""
    return delta_out * w * lam * h * (1.0 - h)


@numeric("the output delta δₒ")
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


@numeric("the hidden delta δ")
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


@numeric("a whole number of forward passes")
def check_forward_passes(value, n_in=2, hidden=8):
    """Exercise 3: forward passes central differences need for a whole gradient of a 2-8-1 network."""
    weights = n_in * hidden + hidden
    n_params = weights + hidden + 1
    expected = 2 * n_params
    if value == expected:
        return right(f"{n_in}·{hidden} + {hidden} + {hidden} + 1 = {n_params} parameters, two passes each: "
                     f"{expected} forward passes, against one forward and one backward pass for backpropagation.")
    if value == n_params + 1:
        return wrong("That is the count for the lecture's forward difference (one pass per parameter plus one "
                     "for E(w)). Central differences evaluate E(w + ε) and E(w − ε) for every parameter.")
    if value == n_params:
        return wrong("That is the number of parameters; central differences need two passes for each.")
    if value == 2 * weights:
        return wrong(f"Do not forget the biases: {hidden} in the hidden layer and one at the output are "
                     "parameters too.")
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
    """Exercise 4: a steepness λ at which the notebook's XOR training stalls."""
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
