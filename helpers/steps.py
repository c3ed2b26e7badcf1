"""Update rules: one small function per optimiser, the unit the notebooks teach.

Every rule is ``step(x, state, grad, **hyper) -> (x, state)``: new parameters and optimiser state (a
velocity, …; ``0.0`` before the first step) from the parameters, the state and the gradient at ``x``.
Only elementwise arithmetic, so one rule updates a number, a batch of points or a whole grid of
settings (arrays of η or β broadcast against the points). :mod:`helpers.runner` runs any of them.
"""

from __future__ import annotations


def gradient_descent(x, state, grad, lr):
    """x ← x − η·∇f(x). No memory: the state passes through unchanged."""
    return x - lr * grad, state


def momentum(x, v, grad, lr, beta):
    """The lecture's momentum with the learning rate written out: v ← β·v + (1 − β)·∇f(x), x ← x − η·v."""
    v = beta * v + (1 - beta) * grad
    return x - lr * v, v


def momentum_sum(x, v, grad, lr, beta):
    """Momentum as PyTorch's ``SGD(momentum=β)`` writes it: v ← β·v + ∇f(x), x ← x − η·v.

    The same method as :func:`momentum` when this η is (1 − β) times that one.
    """
    v = beta * v + grad
    return x - lr * v, v


def momentum_delta(w, dw, grad, lr, mu):
    """Momentum in the form of the lecture's backpropagation slide, corrected: Δw ← −η·∇E + μ·Δw, w ← w + Δw.

    It is :func:`momentum_sum` with β = μ and Δw = −η·v.
    """
    dw = -lr * grad + mu * dw
    return w + dw, dw
