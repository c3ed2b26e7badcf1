"""What the algebra says: stability limits and rates on quadratics.

Along a direction of curvature λ, gradient descent multiplies the error by 1 − η·λ per step; momentum
makes it x_{t+1} = (1 + β − h)·x_t − β·x_{t−1}, h = η·(1 − β)·λ (:func:`helpers.steps.momentum`) or η·λ
(the summed form, :func:`helpers.steps.momentum_sum`)."""

from __future__ import annotations

import numpy as np

from . import _validate

_CONVENTIONS = ("average", "sum")


def stability_limit(curvature, beta=0.0, *, convention="average"):
    """The largest stable learning rate along a direction of curvature λ (f'' at a minimum).

    Gradient descent (β = 0): η < 2/λ. Momentum: both roots of z² − (1 + β − h)·z + β lie inside the unit circle exactly
    when 0 < h < 2·(1 + β), that is η·λ < 2·(1 + β)/(1 − β) in the averaged form and η·λ < 2·(1 + β) in the summed form.
    At the limit the iterates bounce forever. Works elementwise on arrays of λ and β.
    """
    lam, b = _validate.hyper("curvature", curvature), _validate.hyper("beta", beta)
    convention = _validate.choice("convention", convention, _CONVENTIONS)
    limit = 2.0 * (1.0 + np.asarray(b)) / lam
    if convention == "average":
        limit = limit / (1.0 - b)
    return float(limit) if limit.ndim == 0 else limit


def spectral_radius(lr, beta, curvature, *, convention="average"):
    """The factor by which momentum shrinks the error per step (asymptotically) along curvature λ:
    the larger modulus of the roots of z² − (1 + β − h)·z + β; < 1 means convergence. Broadcasts."""
    lr, b, lam = np.broadcast_arrays(*(_validate.hyper(n, v) for n, v in
                                       (("lr", lr), ("beta", beta), ("curvature", curvature))))
    convention = _validate.choice("convention", convention, _CONVENTIONS)
    h = lr * (1.0 - b) * lam if convention == "average" else lr * lam
    trace = 1.0 + b - h
    disc = trace * trace - 4.0 * b
    # real roots: (|trace| + √disc)/2; a complex pair: both of modulus √β
    radius = np.where(disc >= 0.0, 0.5 * (np.abs(trace) + np.sqrt(np.abs(disc))), np.sqrt(b))
    return float(radius) if radius.ndim == 0 else radius


def optimal_parameters(curvatures, *, convention="average"):
    """The (η, β) with the smallest worst-case rate on a quadratic with curvatures μ … L (heavy ball):
    β* = ((√κ − 1)/(√κ + 1))², κ = L/μ, a step 4/(√L + √μ)² in the summed form (divided by 1 − β* in
    the averaged one). Every direction then shrinks by √β* per step."""
    lam = _validate.finite_array("curvatures", curvatures, ndim=1)
    if np.any(lam <= 0):
        raise ValueError(f"curvatures must all be > 0, got {float(lam[lam <= 0][0])!r}")
    convention = _validate.choice("convention", convention, _CONVENTIONS)
    mu, big = float(lam.min()), float(lam.max())
    beta = ((np.sqrt(big) - np.sqrt(mu)) / (np.sqrt(big) + np.sqrt(mu))) ** 2
    step = 4.0 / (np.sqrt(big) + np.sqrt(mu)) ** 2
    return (float(step / (1.0 - beta)) if convention == "average" else float(step)), float(beta)


def equivalent_lr(lr, beta, *, source="average"):
    """The learning rate that gives the same iterates in the other form: "average" → "sum": η·(1 − β);
    "sum" → "average": η/(1 − β)."""
    lr, beta = _validate.hyper("lr", lr), _validate.hyper("beta", beta)
    source = _validate.choice("source", source, _CONVENTIONS)
    return lr * (1.0 - beta) if source == "average" else lr / (1.0 - beta)
