"""Exponentially weighted moving averages: V_0 = 0, V_t = β·V_{t−1} + (1 − β)·X_t, 0 ≤ β < 1.

An average over roughly the last 1/(1 − β) values; dividing by 1 − β^t removes the pull of V_0 = 0.
Momentum (:func:`helpers.steps.momentum`) steps along such an average of the gradients.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .steps import power


def ewma(x, beta, *, bias_correction=False):
    """The moving averages V_1 … V_n of a series X_1 … X_n (``bias_correction``: each divided by 1 − β^t)."""
    x = _validate.finite_array("x", x, ndim=1)
    beta = _validate.real("beta", beta, low=0.0, high=1.0, high_open=True)
    if not isinstance(bias_correction, (bool, np.bool_)):
        raise TypeError(f"bias_correction must be True or False, got {bias_correction!r}")
    out, v = np.empty_like(x), 0.0
    for t, value in enumerate(x):
        v = beta * v + (1.0 - beta) * value
        out[t] = v
    if bias_correction:
        out /= 1.0 - power(beta, np.arange(1, len(x) + 1))  # Python's rounding: the same bits on every CPU
    return out


def effective_window(beta):
    """1/(1 − β): how many recent values an average with factor β mostly reflects (their weights carry
    about 1 − 1/e ≈ 63 % of the total)."""
    return 1.0 / (1.0 - _validate.hyper("beta", beta))
