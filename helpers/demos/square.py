"""Notebook 01's demo: gradient descent on f(x) = x² under the learning-rate slider."""

from __future__ import annotations

import numpy as np

from .. import plotting
from ..demo import Demo
from ..live import log_slider, slider
from ..objectives import Square
from ..runner import run
from ..steps import gradient_descent

VIEW = 12.0  # half-width of both panels; a run that leaves it is reported as diverged
MAX_STEPS = 60


class SquareDemo(Demo):
    """Left: the parabola with the iterates on it. Right: x_k against k.

    Controls: learning rate η (log scale), start x₀, the step budget, and the step shown (with Play)
    to watch the iterations one by one. The axes never move, so frames can be compared by eye.
    """

    name = "square"

    def __init__(self, lr=0.1, x0=10.0, steps=30, tol=1e-6):
        self.objective = Square()
        self.tol = tol
        controls = {
            "lr": log_slider("learning rate η", lr, 0.01, 1.2),
            "x0": slider("start x₀", x0, -10.0, 10.0, 0.5, fmt=".1f"),
            "steps": slider("max steps", steps, 1, MAX_STEPS, 1),
            "shown": slider("show step", MAX_STEPS, 0, MAX_STEPS, 1),
        }
        super().__init__(controls, play="shown")

    def build(self):
        fig, (left, right) = plotting.new_figure(2, height=4.0, lecture_height=4.0)
        plotting.plot_objective(left, self.objective, (-VIEW, VIEW))
        left.set_ylim(-5, VIEW * VIEW)
        right.set_xlim(-1.5, MAX_STEPS + 1.5)  # room for the current-step marker at either end
        right.set_ylim(-VIEW, VIEW)
        right.axhline(0.0, color=plotting.CURVE, lw=1)
        right.set_xlabel("step $k$")
        right.set_ylabel("$x_k$")
        blue, orange = plotting.OKABE_ITO["blue"], plotting.OKABE_ITO["vermillion"]
        (self.path,) = left.plot([], [], "-o", color=blue, lw=1, ms=5)
        (self.current,) = left.plot([], [], "o", color=orange, ms=11)
        (self.trace,) = right.plot([], [], "-o", color=blue, ms=4)
        (self.trace_current,) = right.plot([], [], "o", color=orange, ms=9)
        # Fixed titles: the readout under the figure gives η and x₀ (an animated title cost ≈5 ms of glyph
        # rendering a frame, a third of the frame); the exported animation has them in its caption.
        left.set_title("f(x) = x²")
        right.set_title("iterates $x_k$")
        return fig

    def animated_artists(self):
        return [self.path, self.current, self.trace, self.trace_current]

    def play_length(self, lr, x0, steps):
        return self.run(lr, x0, steps).steps

    def run(self, lr, x0, steps):
        return run(self.objective, gradient_descent, x0, lr=lr, max_steps=steps, tol=self.tol, bound=VIEW)

    def draw(self, lr, x0, steps, shown):
        run = self.run(lr, x0, steps)
        k = min(shown, run.steps)
        xs = run.iterates[: k + 1]
        self.path.set_data(xs, xs * xs)
        self.current.set_data(xs[-1:], xs[-1:] ** 2)
        ks = np.arange(k + 1)
        self.trace.set_data(ks, xs)
        self.trace_current.set_data(ks[-1:], xs[-1:])
        return readout(run, x0, k)

    def animation_caption(self, lr, x0, steps, shown):
        return f"η = {lr:.3g}, x₀ = {x0:g}: step {shown}"

    def animation_frames(self):
        """Three learning rates one after the other: monotone, zig-zag, diverging; 16 steps each."""
        return [{"lr": lr, "x0": 10.0, "steps": 30, "shown": k} for lr in (0.1, 0.7, 1.05) for k in range(17)]


def readout(run, x0, shown):
    """'η = 0.3 · x₀ = 10 · converged in 23 steps · x = 2.1e-06 · step 5: x₅ = 0.1'"""
    parts = [f"η = {run.lr:.3g}", f"x₀ = {x0:g}", run.outcome()]
    if run.status == "diverged":
        parts[-1] += f" (|x| left the view ±{VIEW:g})"
    parts.append(f"x = {run.x:.2g}")
    if shown < run.steps:
        parts.append(f"showing step {shown}: x = {run.iterates[shown]:.3g}")
    return " · ".join(parts)


BENCHMARKS = [
    (SquareDemo.name, SquareDemo, "lr", list(np.geomspace(0.01, 1.2, 61))),
]
