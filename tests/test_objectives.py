import numpy as np
import pytest

import helpers
from helpers.objectives import Quadratic2D, Quartic, Square

ONE_D = [Square(), Quartic()]


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("objective", ONE_D, ids=lambda o: type(o).__name__)
def test_gradient_matches_central_differences(objective):
    x = np.linspace(*objective.xlim, 41)
    np.testing.assert_allclose(objective.grad(x), central_difference(objective.f, x), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(objective.hess(x), central_difference(objective.grad, x), rtol=1e-6, atol=1e-6)


def test_quadratic2d_gradient_matches_central_differences():
    bowl = Quadratic2D((1.0, 25.0))
    rng = np.random.default_rng(1)
    h = 1e-6
    for x in rng.uniform(-5, 5, (10, 2)):
        numeric = [(bowl.f(x + h * e) - bowl.f(x - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(bowl.grad(x), numeric, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(bowl.hess(x), np.diag([1.0, 25.0]))


def test_square_has_one_minimum_at_zero():
    (point,) = Square().critical_points()
    assert (point.x, point.value, point.kind) == (0.0, 0.0, "minimum")


def test_quartic_critical_points_are_roots_of_the_derivative():
    quartic = Quartic()
    points = quartic.critical_points()
    assert [p.kind for p in points] == ["minimum", "maximum", "minimum"]
    for p in points:
        assert abs(float(quartic.grad(p.x))) < 1e-10
        assert p.value == pytest.approx(float(quartic.f(p.x)))
    left, _, right = points
    assert right.value < left.value, "the right-hand minimum is the global one"
    # The sign the lecture dropped: f(x) = x^4 - 5x^2 - 3x, so f(1) = -7.
    assert float(quartic.f(1.0)) == -7.0


def test_vectorised_and_scalar_evaluation_agree_exactly():
    quartic = Quartic()
    x = np.linspace(-2.5, 2.5, 101)
    assert np.array_equal(quartic.grad(x), np.array([float(quartic.grad(v)) for v in x]))


@pytest.mark.parametrize(
    "curvatures, error, match",
    [((0.0, 1.0), ValueError, r"curvatures\[0\]"), ((1.0, -2.0), ValueError, r"curvatures\[1\]"),
     (("a", 1.0), TypeError, r"curvatures\[0\]")],
)
def test_quadratic2d_validates_curvatures(curvatures, error, match):
    with pytest.raises(error, match=match):
        Quadratic2D(curvatures)


def test_package_exports_objectives():
    assert helpers.Square is Square and helpers.Quartic is Quartic
