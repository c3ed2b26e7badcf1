"""Synthetic data sets, always made from an explicit ``numpy.random.Generator`` (no downloads)."""

from __future__ import annotations

import numpy as np

from . import _validate


def linear_regression(n, *, w=2.0, b=-1.0, noise=0.5, rng):
    """n points x ~ U(−2, 2), y = w·x + b + noise·ε with ε ~ N(0, 1).

    Returns
    -------
    x, y : ndarray, shape (n,)
    """
    n = _validate.integer("n", n, low=2, high=10**7)
    w = _validate.real("w", w)
    b = _validate.real("b", b)
    noise = _validate.real("noise", noise, low=0.0)
    rng = _validate.rng("rng", rng)
    x = rng.uniform(-2.0, 2.0, n)
    y = w * x + b + noise * rng.standard_normal(n)
    return x, y


def xor(n_per_corner=1, *, noise=0.0, rng=None):
    """The XOR problem: the four corners of the unit square, label 1 where exactly one coordinate is 1.

    With ``n_per_corner`` > 1 each corner becomes a small cloud of Gaussian ``noise`` (needs ``rng``).

    Returns
    -------
    X : ndarray, shape (4·n_per_corner, 2)
    y : ndarray, shape (4·n_per_corner,), values 0.0 or 1.0
    """
    n_per_corner = _validate.integer("n_per_corner", n_per_corner, low=1, high=10**6)
    noise = _validate.real("noise", noise, low=0.0)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    labels = np.array([0.0, 1.0, 1.0, 0.0])
    X = np.repeat(corners, n_per_corner, axis=0)
    y = np.repeat(labels, n_per_corner)
    if noise > 0:
        rng = _validate.rng("rng", rng)
        X = X + noise * rng.standard_normal(X.shape)
    return X, y


def two_moons(n, *, noise=0.1, rng):
    """Two interleaving half circles, n points in all (labels 0 and 1, as equal as n allows).

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,), values 0.0 or 1.0
    """
    n = _validate.integer("n", n, low=2, high=10**7)
    noise = _validate.real("noise", noise, low=0.0)
    rng = _validate.rng("rng", rng)
    n_top = n // 2
    t_top = rng.uniform(0.0, np.pi, n_top)
    t_bottom = rng.uniform(0.0, np.pi, n - n_top)
    top = np.column_stack([np.cos(t_top), np.sin(t_top)])
    bottom = np.column_stack([1.0 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)])
    X = np.vstack([top, bottom]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n_top), np.ones(n - n_top)])
    return X, y


def noisy_series(n, *, noise=1.0, rng):
    """A slowly varying signal plus Gaussian noise, for the moving-average demos.

    Returns
    -------
    t : ndarray, shape (n,)
        0, 1, …, n − 1.
    signal : ndarray, shape (n,)
        The clean signal 5 + 3·sin(2πt/n) + t/n.
    series : ndarray, shape (n,)
        signal + noise·ε.
    """
    n = _validate.integer("n", n, low=2, high=10**7)
    noise = _validate.real("noise", noise, low=0.0)
    rng = _validate.rng("rng", rng)
    t = np.arange(n, dtype=float)
    signal = 5.0 + 3.0 * np.sin(2.0 * np.pi * t / n) + t / n
    return t, signal, signal + noise * rng.standard_normal(n)
