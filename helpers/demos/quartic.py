"""Notebook 02's demo: gradient descent on f(x) = x⁴ − 5x² − 3x, start point × learning rate.

Left, the quartic with the iterates on it; right, the outcome map (which minimum, cycle, bounded but
not converged, diverged) for a grid of starts × learning rates, drawn once as a background image,
with the current (x₀, η) as a moving marker. The map is computed once per process (vectorised, a
fraction of a second) and cached; a slider step only reruns one trajectory.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import plotting
from ..demo import Demo
from ..live import log_slider, slider
from ..objectives import Quartic
from ..outcomes import classify_run, critical_names, outcome_map
from ..runner import log_grid, run
from ..steps import gradient_descent

X0_RANGE = (-2.5, 2.5)  # start points the slider and the map cover
LR_RANGE = (0.005, 0.3)  # learning rates the slider and the map cover (log scale)
MAP_SHAPE = (300, 400)  # learning rates × starts
MAP_STEPS = 300  # step budget of every run on the map
MAX_STEPS = 300  # largest step budget of the demo
TOL = 1e-6
BOUND = 1e6  # |x| beyond this is divergence: for η ≥ 0.005 any |x| > 13 already grows without limit
VIEW_X = (-2.6, 2.6)
VIEW_Y = (-14.5, 21.0)
DRAW_CLIP = 10.0  # escaping iterates are drawn at |x| = 10, far outside the view, to keep the pixels sane

RECENT = 8  # the last steps drawn boldly: a cycle stands out from the faint earlier path


@functools.lru_cache(maxsize=4)
def default_map(shape=MAP_SHAPE, steps=MAP_STEPS):
    """The outcome map over :data:`X0_RANGE` × :data:`LR_RANGE` (computed once, then cached)."""
    n_lr, n_x0 = shape
    x0 = np.linspace(*X0_RANGE, n_x0)
    lr = log_grid(*LR_RANGE, n_lr)
    return outcome_map(Quartic(), gradient_descent, x0[None, :], lr=lr[:, None], max_steps=steps, tol=TOL, bound=BOUND)


@functools.lru_cache(maxsize=128)
def trajectory(x0, lr, steps):
    """One run (cached) and its honest :class:`~helpers.outcomes.Outcome`."""
    quartic = Quartic()
    result = run(quartic, gradient_descent, x0, lr=lr, max_steps=steps, tol=TOL, bound=BOUND)
    return result, classify_run(result, quartic)


def readout(x0, lr, result, outcome, shown):
    """'x₀ = −1.50 · η = 0.050 · converged to the local minimum x* = −1.401771 in 23 steps'"""
    parts = [f"x₀ = {x0:.2f}", f"η = {lr:.3f}", outcome.phrase()]
    if outcome.kind == "diverged":
        parts[-1] += f" (|x| passed {BOUND:,.0f})"
    if shown < result.steps:
        parts.append(f"showing step {shown}: x = {result.iterates[shown]:.4f}")
    return " · ".join(parts).replace("-", "−")


class QuarticDemo(Demo):
    """Gradient descent on the quartic under the start-point and learning-rate sliders.

    Controls: start x₀, learning rate η (log scale), the step budget, and the step shown (with Play).
    The axes never move; the outcome map is a static background and only its marker moves.
    """

    name = "quartic"

    def __init__(self, x0=0.0, lr=0.05, steps=MAX_STEPS):
        self.objective = Quartic()
        self.omap = default_map()
        controls = {
            "x0": slider("start x₀", x0, X0_RANGE[0], X0_RANGE[1], 0.01, fmt=".2f"),
            "lr": log_slider("learning rate η", lr, *LR_RANGE, steps_per_decade=100, fmt=".3f"),
            "steps": slider("max steps", steps, 1, MAX_STEPS, 1),
            "shown": slider("show step", MAX_STEPS, 0, MAX_STEPS, 1),
        }
        super().__init__(controls, play="shown")

    def build(self):
        fig, (left, right) = plotting.new_figure(2, height=4.4, lecture_height=4.2,
                                                 gridspec_kw={"width_ratios": [1.1, 1]})
        plotting.plot_objective(left, self.objective, VIEW_X)
        left.set_ylim(*VIEW_Y)
        for p, name in zip(*critical_names(self.objective), strict=True):
            face = plotting.OUTCOME_COLORS[name] if p.kind == "minimum" else "white"
            left.plot([p.x], [p.value], "D", color=face, mec="black", ms=8, zorder=3)
            # minima labelled below and inwards (the global one sits near the right edge), the hump above
            inward = {"local minimum": ((6, -8), "left"), "global minimum": ((-6, -8), "right")}
            offset, ha = inward.get(name, ((0, 8), "center"))
            left.annotate(name.replace("imum", "."), (p.x, p.value), xytext=offset, textcoords="offset points",
                          ha=ha, va="top" if p.kind == "minimum" else "bottom")
        plotting.draw_outcome_map(right, self.omap)
        right.set_title(f"outcome after {MAP_STEPS} steps")
        # the whole path as a plain line (markers on hundreds of points would cost milliseconds per frame),
        # in colours that stand out from the grey curve
        (self.path,) = left.plot([], [], "-", color=plotting.OKABE_ITO["orange"], lw=1.2)
        (self.recent,) = left.plot([], [], "-o", color=plotting.OKABE_ITO["vermillion"], lw=1.5, ms=5)
        (self.current,) = left.plot([], [], "o", color=plotting.CURRENT, mec="black", ms=12)
        # (x₀, η) never leaves the map, so its marker is drawn whole even at the map's edge
        (self.marker,) = right.plot([], [], "o", color=plotting.CURRENT, mec="black", mew=1.5, ms=12, clip_on=False)
        left.set_title(f"iterates, last {RECENT} steps bold")
        return fig

    def animated_artists(self):
        return [self.path, self.recent, self.current, self.marker]

    def animation_frames(self):
        """The two basins: starts just left and just right of the hump, η = 0.02, 60 steps each."""
        return [{"x0": x0, "lr": 0.02, "steps": MAX_STEPS, "shown": k} for x0 in (-0.4, -0.2) for k in range(0, 61, 3)]

    def play_length(self, x0, lr, steps):
        return trajectory(float(x0), float(lr), int(steps))[0].steps

    def draw(self, x0, lr, steps, shown):
        result, outcome = trajectory(float(x0), float(lr), int(steps))
        k = min(int(shown), result.steps)
        xs = np.clip(result.iterates[: k + 1], -DRAW_CLIP, DRAW_CLIP)
        ys = self.objective.f(xs)
        self.path.set_data(xs, ys)
        self.recent.set_data(xs[-RECENT - 1:], ys[-RECENT - 1:])
        self.current.set_data(xs[-1:], ys[-1:])
        self.marker.set_data([x0], [np.log10(lr)])
        return readout(x0, lr, result, outcome, k)


BENCHMARKS = [
    (QuarticDemo.name, QuarticDemo, "lr", list(np.geomspace(*LR_RANGE, 61))),
]
