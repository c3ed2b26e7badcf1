"""Data sets: synthetic ones, always made from an explicit ``numpy.random.Generator``, and the handwritten
digits shipped in ``helpers/datasets/`` (no downloads)."""

from __future__ import annotations

import functools
import gzip
from importlib import resources

import numpy as np

from . import _validate


def linear_regression(n, *, w=2.0, b=-1.0, noise=0.5, rng):
    """n points x ~ U(−2, 2), y = w·x + b + noise·ε with ε ~ N(0, 1): arrays x and y of shape (n,)."""
    n = _validate.integer("n", n, low=2, high=10**7)
    w = _validate.real("w", w)
    b = _validate.real("b", b)
    noise = _validate.real("noise", noise, low=0.0)
    rng = _validate.rng("rng", rng)
    x = rng.uniform(-2.0, 2.0, n)
    return x, w * x + b + noise * rng.standard_normal(n)


def xor():
    """The XOR problem: X the four corners of the unit square, y = 1.0 where exactly one coordinate is 1."""
    return np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0.0, 1.0, 1.0, 0.0])


def two_moons(n, *, noise=0.1, rng):
    """Two interleaving half circles: X of shape (n, 2) and labels y, 0.0 or 1.0, as equal in number as n allows."""
    n = _validate.integer("n", n, low=2, high=10**7)
    noise = _validate.real("noise", noise, low=0.0)
    rng = _validate.rng("rng", rng)
    n_top = n // 2
    t_top, t_bottom = rng.uniform(0.0, np.pi, n_top), rng.uniform(0.0, np.pi, n - n_top)  # top, then bottom
    top = np.column_stack([np.cos(t_top), np.sin(t_top)])
    bottom = np.column_stack([1.0 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)])
    X = np.vstack([top, bottom]) + noise * rng.standard_normal((n, 2))
    return X, np.concatenate([np.zeros(n_top), np.ones(n - n_top)])


def noisy_series(n, *, noise=1.0, rng):
    """(t, signal, series): t = 0 … n − 1, the slowly varying signal 5 + 3·sin(2πt/n) + t/n and
    signal + noise·ε, for the moving averages."""
    n = _validate.integer("n", n, low=2, high=10**7)
    noise = _validate.real("noise", noise, low=0.0)
    rng = _validate.rng("rng", rng)
    t = np.arange(n, dtype=float)
    signal = 5.0 + 3.0 * np.sin(2.0 * np.pi * t / n) + t / n
    return t, signal, signal + noise * rng.standard_normal(n)


def digits(*, rng, val=0.2, test=0.2):
    """The handwritten digits shipped with the package (``helpers/datasets/digits.csv.gz``: 1,797 images of
    8×8 pixels in 17 grey levels, classes 0–9, by 13 writers; the UCI test file, see the folder's README),
    pixels scaled to [0, 1] and split at random into training, validation and test sets.
    Returns ``{"train": (X, labels), "val": …, "test": …}``, X of shape (n, 64)."""
    rng = _validate.rng("rng", rng)
    val = _validate.real("val", val, low=0.0, high=0.4, low_open=True)
    test = _validate.real("test", test, low=0.0, high=0.4, low_open=True)
    X, labels = _digits_file()
    order = rng.permutation(len(labels))
    n_test, n_val = round(test * len(labels)), round(val * len(labels))
    parts = {"train": order[n_test + n_val:], "val": order[n_test:n_test + n_val], "test": order[:n_test]}
    return {name: (X[rows] / 16.0, labels[rows]) for name, rows in parts.items()}


@functools.cache
def _digits_file():
    """Pixels (float, 0–16) and labels (int) of the shipped file, read once per session."""
    with resources.files(__package__).joinpath("datasets", "digits.csv.gz").open("rb") as raw, \
            gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    X, labels = table[:, :-1].astype(float), table[:, -1]
    X.flags.writeable = labels.flags.writeable = False  # shared by every call: nobody may change them
    return X, labels
