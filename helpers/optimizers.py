"""Gradient descent that returns a run record instead of printing.

A run ends in one of three honest states:

``"converged"``
    the gradient norm fell to the tolerance: ‖∇f(x_k)‖ ≤ tol;
``"diverged"``
    an iterate left the ball ‖x‖ ≤ bound (or stopped being a finite number); the run stops there,
    before anything can overflow, so no ``inf`` or ``nan`` reaches a plot;
``"max_steps"``
    the step budget ran out first. Such a run is *not* at a minimum, whatever its last iterate
    looks like: it may still be creeping, bouncing in a cycle or wandering chaotically.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate
from .functions import Objective

STATUSES = ("converged", "diverged", "max_steps")


@dataclass(frozen=True)
class Run:
    """The record of one optimisation run.

    Attributes
    ----------
    iterates : ndarray, shape (steps + 1,) or (steps + 1, d)
        x₀, x₁, …, every point visited (all finite).
    losses : ndarray, shape (steps + 1,)
        f at each iterate.
    status : {"converged", "diverged", "max_steps"}
    steps : int
        Number of update steps taken (``len(iterates) - 1``).
    lr, tol, bound : float
        The settings the run used.
    """

    iterates: np.ndarray
    losses: np.ndarray
    status: str
    steps: int
    lr: float
    tol: float
    bound: float

    @property
    def x(self):
        """The last iterate (a float for one-dimensional runs)."""
        last = self.iterates[-1]
        return float(last) if np.ndim(last) == 0 else last

    @property
    def converged(self):
        return self.status == "converged"

    def outcome(self):
        """One short phrase: 'converged in 23 steps', 'diverged after 7 steps', …"""
        if self.status == "converged":
            return f"converged in {self.steps} step{'s' if self.steps != 1 else ''}"
        if self.status == "diverged":
            return f"diverged after {self.steps} step{'s' if self.steps != 1 else ''}"
        return f"not converged after {self.steps} steps"


def _norm(v):
    """Euclidean norm that cannot overflow (scaled by the largest entry first)."""
    a = np.abs(v)
    m = float(np.max(a))
    if m == 0.0 or not np.isfinite(m):
        return m
    return m * float(np.sqrt(np.sum((a / m) ** 2)))


def gradient_descent(objective, x0, lr, *, max_steps=1000, tol=1e-6, bound=1e6):
    """Plain gradient descent, x_{k+1} = x_k − η ∇f(x_k).

    Stopping rule: before each step the gradient at the current iterate is checked; the run has
    *converged* at step k when ‖∇f(x_k)‖ ≤ ``tol``. It has *diverged* as soon as an iterate has
    ‖x‖ > ``bound``, and it *stops at max steps* when ``max_steps`` updates were made without either.

    Parameters
    ----------
    objective : Objective
        Provides ``f`` and ``grad``.
    x0 : float or array_like
        Start point (finite).
    lr : float
        Learning rate η > 0.
    max_steps : int, default 1000
        Largest number of updates, 1 … 10⁷.
    tol : float, default 1e-6
        Gradient-norm tolerance, > 0.
    bound : float, default 1e6
        Divergence radius, > 0 (and larger than ‖x0‖).

    Returns
    -------
    Run
    """
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be a helpers Objective (e.g. Square()), got {objective!r}")
    x = _validate.finite_array("x0", x0, ndim=(0, 1))
    if x.ndim == 1 and x.shape[0] != objective.ndim:
        raise ValueError(f"x0 must have {objective.ndim} coordinate(s) for {objective.name}, got {x.shape[0]}")
    if x.ndim == 0 and objective.ndim != 1:
        raise ValueError(f"x0 must have {objective.ndim} coordinates for {objective.name}, got a single number")
    lr = _validate.positive("lr", lr)
    max_steps = _validate.integer("max_steps", max_steps, low=1, high=10**7)
    tol = _validate.positive("tol", tol)
    bound = _validate.positive("bound", bound)
    if _norm(x) > bound:
        raise ValueError(f"x0 must lie inside the divergence bound ‖x0‖ ≤ bound = {bound:g}, got ‖x0‖ = {_norm(x):g}")

    iterates = [x]
    status = "max_steps"
    for _ in range(max_steps + 1):
        g = objective.grad(x)
        if _norm(g) <= tol:
            status = "converged"
            break
        if len(iterates) > max_steps:
            break
        with np.errstate(over="ignore", invalid="ignore"):
            x = x - lr * g
        if not np.all(np.isfinite(x)) or _norm(x) > bound:
            status = "diverged"
            with np.errstate(over="ignore", invalid="ignore"):
                keep = np.all(np.isfinite(x)) and np.isfinite(objective.f(x))
            if keep:
                iterates.append(x)  # the escaping point: the plot shows the run leaving the view
            break
        iterates.append(x)
    points = np.array(iterates)
    losses = np.asarray(objective.f(points), dtype=float)
    return Run(points, losses, status, len(iterates) - 1, lr, tol, bound)


def closed_form_square(x0, lr, steps):
    """x_k = (1 − 2η)^k · x₀ for f(x) = x², k = 0 … steps (vectorised, no loop)."""
    x0 = float(_validate.finite_array("x0", x0, ndim=0))
    lr = _validate.positive("lr", lr)
    steps = _validate.integer("steps", steps, low=0, high=10**7)
    k = np.arange(steps + 1)
    return (1.0 - 2.0 * lr) ** k * x0
