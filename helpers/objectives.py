"""Objective functions with analytic derivatives, a plotting range and their critical points.

They work elementwise on arrays, so one call evaluates a whole grid of points. Polynomials use
products (``x * x * x``), not powers: a product rounds the same for a scalar and for every element of
an array, so a vectorised run reproduces a scalar run bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate


@dataclass(frozen=True)
class CriticalPoint:
    """A point where the gradient vanishes, with ``f`` there and its kind."""

    x: object  # a float, or a tuple for functions of several variables
    value: float
    kind: str  # "minimum", "maximum" or "saddle"


class Objective:
    """Base class: subclasses define ``f``, ``grad``, ``hess`` and ``critical_points``, a short ``name``
    for titles, the ``formula``, a plotting range ``xlim`` and ``ndim`` (1, or 2 for a point in the plane)."""

    name, formula, xlim, ndim = "objective", "", (-1.0, 1.0), 1

    def __repr__(self):
        return f"{type(self).__name__}({self.formula})"


def _classify(curvature):
    return "minimum" if curvature > 0 else "maximum" if curvature < 0 else "saddle"


class Square(Objective):
    """f(x) = x², the lecture's first example: f'(x) = 2x, f''(x) = 2, minimum at 0."""

    name, formula, xlim = "x²", "f(x) = x²", (-12.0, 12.0)

    def f(self, x):
        x = np.asarray(x, dtype=float)
        return x * x

    def grad(self, x):
        return 2.0 * np.asarray(x, dtype=float)

    def hess(self, x):
        return np.full_like(np.asarray(x, dtype=float), 2.0)

    def critical_points(self):
        return [CriticalPoint(0.0, 0.0, "minimum")]


class Quartic(Objective):
    """f(x) = x⁴ − 5x² − 3x, the lecture's second example: f'(x) = 4x³ − 10x − 3, f''(x) = 12x² − 10.
    A local minimum on the left, the global one on the right, a local maximum between them."""

    name, formula, xlim = "x⁴ − 5x² − 3x", "f(x) = x⁴ − 5x² − 3x", (-2.6, 2.6)

    def f(self, x):
        x = np.asarray(x, dtype=float)
        x2 = x * x
        return x2 * x2 - 5.0 * x2 - 3.0 * x

    def grad(self, x):
        x = np.asarray(x, dtype=float)
        return 4.0 * x * x * x - 10.0 * x - 3.0

    def hess(self, x):
        x = np.asarray(x, dtype=float)
        return 12.0 * x * x - 10.0

    def critical_points(self):
        """The three real roots of f', polished by Newton's method, classified by f''."""
        roots = np.sort(np.roots([4.0, 0.0, -10.0, -3.0]).real)
        points = []
        for x in roots:
            for _ in range(3):  # np.roots is already close; Newton takes it to machine precision
                x = x - float(self.grad(x)) / float(self.hess(x))
            points.append(CriticalPoint(float(x), float(self.f(x)), _classify(float(self.hess(x)))))
        return points


class Quadratic2D(Objective):
    """f(x) = ½(a·x₁² + b·x₂²), a bowl with curvatures a and b; with a ≪ b a narrow ravine, where plain
    gradient descent needs η < 2/b to stay stable and then crawls along the flat direction."""

    ndim = 2

    def __init__(self, curvatures=(1.0, 10.0), xlim=(-10.0, 10.0), ylim=(-5.0, 5.0)):
        a, b = _validate.positive("curvatures[0]", curvatures[0]), _validate.positive("curvatures[1]", curvatures[1])
        self.curvatures = np.array([a, b])
        self.xlim, self.ylim = tuple(float(v) for v in xlim), tuple(float(v) for v in ylim)
        self.name = f"½({a:g}·x₁² + {b:g}·x₂²)"
        self.formula = f"f(x) = {self.name}"

    def f(self, x):
        x = np.asarray(x, dtype=float)
        return 0.5 * (self.curvatures * x * x).sum(axis=-1)

    def grad(self, x):
        return self.curvatures * np.asarray(x, dtype=float)

    def hess(self, x):
        return np.diag(self.curvatures)

    def critical_points(self):
        return [CriticalPoint((0.0, 0.0), 0.0, "minimum")]


def _coordinates(p):
    """The two coordinates of a point, or of every point of an array."""
    p = np.asarray(p, dtype=float)
    return p[..., 0], p[..., 1]


def _point(x, y):
    """Two coordinates as points again (for one point a fifth of the time of ``np.stack``, which the
    single runs of the race demo call at every step)."""
    out = np.empty(np.shape(x) + (2,))
    out[..., 0], out[..., 1] = x, y
    return out


class Rosenbrock(Objective):
    """f(x, y) = (1 − x)² + 100·(y − x²)², the banana valley: a curved ravine with a flat floor, whose only
    minimum (1, 1) lies far along it."""

    name, formula, ndim = "Rosenbrock's valley", "f(x, y) = (1 − x)² + 100·(y − x²)²", 2
    xlim, ylim = (-2.0, 2.0), (-1.0, 3.0)

    def f(self, p):
        x, y = _coordinates(p)
        return (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x)

    def grad(self, p):
        x, y = _coordinates(p)
        return _point(-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x))

    def critical_points(self):
        return [CriticalPoint((1.0, 1.0), 0.0, "minimum")]


class Saddle(Objective):
    """f(x, y) = x² + (y² − 1)²/4: two minima (0, ±1) and between them a saddle at the origin, a minimum along
    x and a maximum along y. Gradient descent started on the line y = 0 never leaves it."""

    name, formula, ndim = "two minima and a saddle", "f(x, y) = x² + (y² − 1)²/4", 2
    xlim, ylim = (-2.0, 2.0), (-1.6, 1.6)

    def f(self, p):
        x, y = _coordinates(p)
        return x * x + 0.25 * (y * y - 1.0) * (y * y - 1.0)

    def grad(self, p):
        x, y = _coordinates(p)
        return _point(2.0 * x, y * (y * y - 1.0))

    def critical_points(self):
        return [CriticalPoint((0.0, -1.0), 0.0, "minimum"), CriticalPoint((0.0, 1.0), 0.0, "minimum"),
                CriticalPoint((0.0, 0.0), 0.25, "saddle")]
