"""Update rules: one small function per optimiser, the unit the notebooks teach.

Every rule is ``step(x, state, grad, **hyper) -> (x, state)``: new parameters and optimiser state (a
velocity, …; ``0.0`` before the first step) from the parameters, the state and the gradient at ``x``.
Only elementwise arithmetic, so one rule updates a number, a batch of points or a whole grid of
settings (arrays of η or β broadcast against the points). :mod:`helpers.runner` runs any of them.
+ − × ÷ and √ round alike for a number and an array, on every CPU; powers go through :func:`power`.
"""

from __future__ import annotations

import numpy as np


def power(base, t):
    """``base ** t`` for a number or every entry of an array, each rounded as Python's float ``**`` rounds it
    (numpy's vectorised power may differ in the last bit, on some CPUs; an object array calls Python's)."""
    if np.ndim(base) == 0 and np.ndim(t) == 0:
        return float(base) ** np.asarray(t).item()  # .item(): a Python int or float, never a numpy scalar
    return np.power(np.asarray(base, dtype=float).astype(object), np.asarray(t).astype(object)).astype(float)


def gradient_descent(x, state, grad, lr):
    """x ← x − η·∇f(x). No memory: the state passes through unchanged."""
    return x - lr * grad, state


def momentum(x, v, grad, lr, beta):
    """The lecture's momentum with the learning rate written out: v ← β·v + (1 − β)·∇f(x), x ← x − η·v."""
    v = beta * v + (1 - beta) * grad
    return x - lr * v, v


def momentum_sum(x, v, grad, lr, beta):
    """Momentum as PyTorch's ``SGD(momentum=β)`` writes it: v ← β·v + ∇f(x), x ← x − η·v. The same method as
    :func:`momentum` when this η is (1 − β) times that one."""
    v = beta * v + grad
    return x - lr * v, v


def momentum_delta(w, dw, grad, lr, mu):
    """Momentum in the form of the lecture's backpropagation slide, corrected: Δw ← −η·∇E + μ·Δw, w ← w + Δw.
    It is :func:`momentum_sum` with β = μ and Δw = −η·v."""
    dw = -lr * grad + mu * dw
    return w + dw, dw


def nesterov(x, v, grad, lr, beta):
    """Nesterov momentum (PyTorch's ``SGD(nesterov=True)``): the step looks one velocity ahead.
    v ← β·v + ∇f(x), x ← x − η·(∇f(x) + β·v)."""
    v = beta * v + grad
    return x - lr * (grad + beta * v), v


def adagrad(x, s, grad, lr, eps=1e-10):
    """AdaGrad: s ← s + ∇f(x)², x ← x − η·∇f(x)/(√s + ε), per coordinate; steps shrink as s grows."""
    s = s + grad * grad
    return x - lr * grad / (np.sqrt(s) + eps), s


def rmsprop(x, s, grad, lr, beta2=0.99, eps=1e-8):
    """RMSProp: AdaGrad with a moving average, s ← β₂·s + (1 − β₂)·∇f(x)², x ← x − η·∇f(x)/(√s + ε)."""
    s = beta2 * s + (1 - beta2) * grad * grad
    return x - lr * grad / (np.sqrt(s) + eps), s


def adam(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam: momentum's average m of ∇f and RMSProp's s of ∇f², both bias-corrected (state (m, s, t), t the step).
    x ← x − η·m̂/(√ŝ + ε) with m̂ = m/(1 − β₁ᵗ), ŝ = s/(1 − β₂ᵗ)."""
    m, s, t = state
    m, s, t = beta1 * m + (1 - beta1) * grad, beta2 * s + (1 - beta2) * grad * grad, t + 1
    m_hat, s_hat = m / (1 - power(beta1, t)), s / (1 - power(beta2, t))
    return x - lr * m_hat / (np.sqrt(s_hat) + eps), (m, s, t)


#: The state each rule starts from (what ``helpers.run`` passes as ``state`` unless told otherwise).
START = {adam: (0.0, 0.0, 0)}
