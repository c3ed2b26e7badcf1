"""Notebook 02: the quartic's critical points, its demo (driven headlessly) and its exercise checks."""


import numpy as np
import pytest

from helpers import Quartic, run
from helpers.demos import benchmark_cases
from helpers.demos import quartic as demo_module
from helpers.demos.quartic import LR_RANGE, MAX_STEPS, X0_RANGE, QuarticDemo, default_map, trajectory
from helpers.exercises import Feedback
from helpers.exercises import quartic as ex
from helpers.outcomes import classify_run
from helpers.plotting import CURRENT, _legend_labels, draw_outcome_map, new_figure
from helpers.steps import gradient_descent as descent_step

QUARTIC = Quartic()


def gradient_descent(x0, lr, **kwargs):
    """One run of plain gradient descent on the quartic."""
    return run(QUARTIC, descent_step, x0, lr=lr, **kwargs)


def bisect(g, lo, hi, n=200):
    """A root of g in [lo, hi] by bisection (independent of numpy.roots and Newton)."""
    for _ in range(n):
        mid = 0.5 * (lo + hi)
        if (g(lo) < 0) == (g(mid) < 0):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def fprime(x):
    return 4 * x**3 - 10 * x - 3  # the lecture's derivative, signs restored


ROOTS = [bisect(fprime, -2.0, -1.0), bisect(fprime, -1.0, 0.0), bisect(fprime, 1.0, 2.0)]


# -- the landscape ---------------------------------------------------------------------------------


def test_critical_points_are_roots_of_the_derivative_found_independently():
    points = QUARTIC.critical_points()
    assert len(points) == 3
    for p, root in zip(points, ROOTS, strict=True):
        assert abs(float(QUARTIC.grad(p.x))) < 1e-10
        assert p.x == pytest.approx(root, abs=1e-12)
        assert p.value == pytest.approx(root**4 - 5 * root**2 - 3 * root, abs=1e-12)


def test_critical_points_are_classified_by_the_second_derivative():
    kinds = ["minimum" if 12 * r * r - 10 > 0 else "maximum" for r in ROOTS]
    assert [p.kind for p in QUARTIC.critical_points()] == kinds == ["minimum", "maximum", "minimum"]
    left, _, right = QUARTIC.critical_points()
    assert right.value < left.value  # the right-hand minimum is the global one


def test_stability_limits():
    left, _, right = QUARTIC.critical_points()
    assert ex._limit(right.x) == pytest.approx(2 / (12 * ROOTS[2] ** 2 - 10))
    assert ex._limit(left.x) == pytest.approx(2 / (12 * ROOTS[0] ** 2 - 10))
    # just below / above the limit at the global minimum, starting next to it
    assert gradient_descent(right.x + 0.01, 0.99 * ex._limit(right.x), max_steps=5000).converged
    assert not gradient_descent(right.x + 0.01, 1.01 * ex._limit(right.x), max_steps=5000).converged


# -- the demo --------------------------------------------------------------------------------------



@pytest.fixture
def demo():
    return QuarticDemo()


def plain_steps_to(x0, lr, tol=1e-6, limit=300):
    x = x0
    for k in range(limit + 1):
        g = 4 * x * x * x - 10 * x - 3
        if abs(g) <= tol:
            return k, x
        x = x - lr * g
    return None, x


@pytest.mark.parametrize("x0, lr, which", [(-1.5, 0.05, 0), (0.0, 0.05, 2), (0.0, 0.13, 0), (2.5, 0.01, 2)])
def test_readout_for_converged_runs_names_the_minimum(demo, x0, lr, which):
    demo.controls["x0"].value = x0
    demo.controls["lr"].value = lr
    steps, _ = plain_steps_to(x0, lr)
    name = "global" if which == 2 else "local"
    expected = (f"x₀ = {x0:.2f} · η = {lr:.3f} · converged to the {name} minimum x* = {ROOTS[which]:.6f} "
                f"in {steps} steps").replace("-", "−")
    assert demo.readout_text == expected


def test_readout_for_the_unstable_learning_rates(demo):
    demo.controls["x0"].value = 0.0
    demo.controls["lr"].value = 0.09
    assert demo.readout_text.endswith("cycle of period 2, not converged after 300 steps")
    demo.controls["lr"].value = 0.12
    assert demo.readout_text.endswith("bounded but not converged after 300 steps")
    demo.controls["lr"].value = 0.25
    xs = [0.0]
    while abs(xs[-1]) <= 1e6:
        xs.append(xs[-1] - 0.25 * fprime(xs[-1]))
    assert f"diverged after {len(xs) - 1} steps (|x| passed 1,000,000)" in demo.readout_text


def test_a_small_step_budget_is_reported_as_not_converged(demo):
    demo.controls["x0"].value = 0.0
    demo.controls["lr"].value = 0.05
    demo.controls["steps"].value = 5
    assert demo.readout_text.endswith("bounded but not converged after 5 steps")
    assert "minimum" not in demo.readout_text


def test_iterates_drawn_on_the_curve_and_show_step(demo):
    demo.controls["x0"].value = 0.0
    demo.controls["lr"].value = 0.05
    xs, ys = demo.path.get_data()
    np.testing.assert_array_equal(xs, gradient_descent(0.0, 0.05, max_steps=300).iterates)
    np.testing.assert_array_equal(ys, QUARTIC.f(xs))
    demo.controls["shown"].value = 3
    xs, _ = demo.path.get_data()
    assert len(xs) == 4 and demo.current.get_data()[0][0] == xs[-1]
    assert f"showing step 3: x = {xs[-1]:.4f}" in demo.readout_text


def test_marker_on_the_map_follows_the_sliders(demo):
    demo.controls["x0"].value = -1.25
    demo.controls["lr"].value = 0.1
    x, y = demo.marker.get_data()
    assert x[0] == -1.25 and y[0] == pytest.approx(np.log10(0.1))
    assert demo.marker.get_color() == demo.current.get_color() == CURRENT  # "where you are" on both panels


def test_trajectory_is_one_cached_run_and_its_honest_outcome():
    result, outcome = trajectory(0.0, 0.05, 300)
    assert trajectory(0.0, 0.05, 300)[0] is result  # cached: a Play replay never reruns it
    independent = gradient_descent(0.0, 0.05, max_steps=300, tol=demo_module.TOL, bound=demo_module.BOUND)
    np.testing.assert_array_equal(result.iterates, independent.iterates)
    assert outcome.phrase() == classify_run(independent, QUARTIC).phrase()
    assert outcome.kind == "converged" and outcome.point_name == "global minimum"


def map_starts(omap):
    """The starts (columns) and learning rates (rows) of a map of x0[None, :] × lr[:, None]."""
    return omap.runs.x0[0], omap.runs.lr[:, 0]


def lookup(omap, x0, lr):
    """The code of the map cell nearest to (x0, lr), nearest in x₀ and in log η."""
    starts, rates = map_starts(omap)
    j = int(np.argmin(np.abs(starts - x0)))
    i = int(np.argmin(np.abs(np.log(rates) - np.log(lr))))
    return int(omap.code[i, j])


def test_readout_agrees_with_the_map_inside_each_region(demo):
    omap = demo.omap
    seen = set()
    for x0, lr in [(-2.0, 0.01), (1.0, 0.02), (1.0, 0.09), (0.0, 0.28)]:
        demo.controls["x0"].value = x0
        demo.controls["lr"].value = lr
        code = lookup(omap, x0, lr)
        kind = omap.kinds[code]
        text = demo.readout_text
        assert {"converged": "converged to the", "cycle": "cycle of period", "diverged": "diverged after"}[kind] in text
        if kind == "converged":
            assert omap.point_names[code] in text
        seen.add(kind)
    assert {"converged", "cycle", "diverged"} <= seen  # the four settings cover every region named above


def test_axes_stay_fixed_while_sliding(demo):
    axes = demo.live.fig.axes
    limits = [ax.get_xlim() + ax.get_ylim() for ax in axes]
    for x0, lr in [(-2.5, 0.3), (2.5, 0.005), (0.0, 0.2), (1.0, 0.12)]:
        demo.controls["x0"].value = x0
        demo.controls["lr"].value = lr
    assert [ax.get_xlim() + ax.get_ylim() for ax in axes] == limits


def test_every_slider_extreme_is_quiet_and_finite(demo):
    # conftest turns any warning into an error; every combination of the extremes must draw cleanly
    lr_extremes = [10 ** demo.controls["lr"].min, 10 ** demo.controls["lr"].max]
    step = 10 ** demo.controls["lr"].step
    assert LR_RANGE[0] / step < lr_extremes[0] <= LR_RANGE[0] and LR_RANGE[1] <= lr_extremes[1] < LR_RANGE[1] * step
    for x0 in (demo.controls["x0"].min, demo.controls["x0"].max):
        for lr in lr_extremes:
            for steps in (1, MAX_STEPS):
                for shown in (0, MAX_STEPS):
                    demo.controls["x0"].value = x0
                    demo.controls["lr"].value = lr
                    demo.controls["steps"].value = steps
                    demo.controls["shown"].value = shown
                    for artist in (demo.path, demo.recent, demo.current, demo.marker):
                        assert np.all(np.isfinite(np.asarray(artist.get_data(), dtype=float)))
                    assert demo.readout_text.startswith(f"x₀ = {x0:.2f}".replace("-", "−"))
    assert (demo.controls["x0"].min, demo.controls["x0"].max) == X0_RANGE


def test_play_is_linked_to_the_show_step_slider(demo):
    last = demo.play_length(**{k: v for k, v in demo.values.items() if k != "shown"})
    assert demo.play is not None and demo.play.max == demo.controls["shown"].max == last < MAX_STEPS


def test_demo_is_benchmarked():
    cases = {case[0]: case for case in benchmark_cases()}
    name, factory, control, values = cases["quartic"]
    assert factory is QuarticDemo and control == "lr"
    assert min(values) == pytest.approx(LR_RANGE[0]) and max(values) == pytest.approx(LR_RANGE[1])


def test_the_map_is_computed_once_and_covers_the_sliders():
    omap = default_map()
    assert default_map() is omap
    assert omap.code.shape[0] * omap.code.shape[1] >= 400 * 300
    starts, rates = map_starts(omap)
    assert np.all(omap.runs.x0 == starts[None, :]) and np.all(omap.runs.lr == rates[:, None])
    assert (starts[0], starts[-1]) == X0_RANGE
    assert (rates[0], rates[-1]) == pytest.approx(LR_RANGE)


def test_map_drawing_and_legend():
    omap = default_map()
    fig, ax = new_figure(1)
    image = draw_outcome_map(ax, omap)
    assert image.get_array().shape == omap.code.shape
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    labels = _legend_labels(omap)
    assert texts[:-1] == [labels[c] for c in omap.present()] and texts[-1] == "η = 2/f''(x*)"
    assert labels[0] == f"local minimum x* = {ROOTS[0]:.2f}".replace("-", "−")
    lines = [line.get_ydata()[0] for line in ax.get_lines()]
    assert sorted(lines) == pytest.approx(sorted(np.log10(2 / (12 * np.array(ROOTS)[[0, 2]] ** 2 - 10))))


# -- the exercise checks ---------------------------------------------------------------------------

CHECKS = [ex.check_largest_stable_lr]


@pytest.mark.parametrize("check", CHECKS)
def test_placeholder_and_junk_answers(check):
    feedback = check(...)
    assert isinstance(feedback, Feedback) and feedback.correct is None
    assert repr(feedback).startswith("No answer yet.")
    for junk in ("0.1", float("nan"), True, None):
        assert check(junk).correct in (False, None)


def g(x):
    return x**4 - 4 * x**2


def test_largest_stable_lr_of_another_function_agrees_with_runs():
    """g(x) = x⁴ − 4x²: minima at ±√2 with g'' = 16, so gradient descent is stable there for η < 0.125. Runs
    started next to the minimum converge just below that limit and do not just above it."""
    h = 1e-4
    x_star = np.sqrt(2.0)
    curvature = (g(x_star + h) - 2 * g(x_star) + g(x_star - h)) / h**2
    assert curvature == pytest.approx(16.0, rel=1e-6)
    limit = 2 / curvature
    assert ex.check_largest_stable_lr.answer() == pytest.approx(limit, rel=1e-6)
    for lr, settles in ((0.97 * limit, True), (1.03 * limit, False)):
        x = x_star + 1e-3
        for _ in range(3000):
            x = x - lr * (4 * x**3 - 8 * x)
        assert bool(abs(x - x_star) < 1e-9) is settles, lr
    assert ex.check_largest_stable_lr(limit).correct is True
    assert ex.check_largest_stable_lr(0.125).correct is True


@pytest.mark.parametrize("answer, phrase", [
    (1 / 16, "lands on the minimum in about one step"),
    (0.25, "the local maximum between the minima"),
    (2 / (12 * np.sqrt(2) - 8), "square x* = √2 first"),
    (2 / (12 * ROOTS[2] ** 2 - 10), "the limit for another function"),
    (0.5, "the limit for another function"),
    (0.3, "find x* from g'(x) = 4x³ − 8x = 0"),
])
def test_largest_stable_lr_wrong_answers_explain(answer, phrase):
    feedback = ex.check_largest_stable_lr(answer)
    assert feedback.correct is False and phrase in feedback.message, feedback.message
