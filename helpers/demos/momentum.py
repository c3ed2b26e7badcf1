"""Notebook 05's demos: the moving average under the β slider, and momentum against plain gradient
descent in a ravine."""

from __future__ import annotations

import numpy as np

from .. import plotting
from ..averages import effective_window, ewma
from ..data import noisy_series
from ..demo import Demo
from ..live import log_slider, slider
from ..objectives import Quadratic2D
from ..runner import run
from ..steps import gradient_descent, momentum
from ..theory import stability_limit

# -- the moving average -----------------------------------------------------------------------------
SERIES_LENGTH = 150
SERIES_SEED = 5
ZOOM = 30  # points shown in the start-up panel
# The live titles are static: redrawing a line of text costs about as much as the rest of a frame, and
# the parameters are in the readout. Only the kernel-free animation (no readout) has them in a caption.


class EwmaDemo(Demo):
    """Left: a noisy series, its clean signal and the moving average (raw and bias-corrected).
    Right: the first points, where V_0 = 0 drags the raw average down.

    Controls: β, and the last time step shown (with Play) to watch the average being built.
    The series is fixed (seeded), so only the average is recomputed when β moves.
    """

    name = "ewma"

    def __init__(self, beta=0.9, noise=1.0, seed=SERIES_SEED):
        self.t, self.signal, self.series = noisy_series(SERIES_LENGTH, noise=noise, rng=np.random.default_rng(seed))
        self._cache = {}
        controls = {
            "beta": slider("β", beta, 0.0, 0.99, 0.01, fmt=".2f"),
            "shown": slider("show up to t", SERIES_LENGTH, 1, SERIES_LENGTH, 1),
        }
        super().__init__(controls, play="shown")

    def build(self):
        fig, (left, right) = plotting.new_figure(2, height=3.4, lecture_height=3.9,
                                                 gridspec_kw={"width_ratios": [2.2, 1]})
        t = self.t + 1  # the series is X_1 … X_n
        low, high = min(0.0, float(self.series.min())) - 0.5, float(self.series.max()) + 0.5  # V_0 = 0 in view
        top = high + 0.4 * (high - low)  # headroom above the data for the legend's two rows
        for ax, stop in ((left, SERIES_LENGTH), (right, ZOOM)):
            ax.plot(t[:stop], self.series[:stop], "o", color="#AAAAAA", ms=2.5, label="data $X_t$")
            ax.plot(t[:stop], self.signal[:stop], color="black", lw=1, label="clean signal")
            ax.set_xlabel("$t$")
        left.set_xlim(0, SERIES_LENGTH + 1)
        left.set_ylim(low, top)
        right.set_xlim(0, ZOOM + 0.5)
        right.set_ylim(-0.5, top)
        left.set_ylabel("value")
        right.set_title(f"start, $t \\leq {ZOOM}$")
        blue, orange = plotting.OKABE_ITO["blue"], plotting.OKABE_ITO["orange"]
        (self.raw,) = left.plot([], [], color=blue, lw=2, label="$V_t$ (raw)")
        (self.corrected,) = left.plot([], [], "--", color=orange, lw=2, label="$V_t/(1-\\beta^t)$")
        (self.raw_zoom,) = right.plot([], [], "-o", color=blue, lw=2, ms=3)
        (self.corrected_zoom,) = right.plot([], [], "--o", color=orange, lw=2, ms=3)
        left.legend(loc="upper center", ncol=2)
        left.set_title("moving average $V_t$")
        return fig

    def animated_artists(self):
        return [self.raw, self.corrected, self.raw_zoom, self.corrected_zoom]

    def averages(self, beta):
        """(raw, corrected) moving averages for β, cached: the Play slider only replays them."""
        key = round(float(beta), 12)
        if key not in self._cache:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = (ewma(self.series, beta), ewma(self.series, beta, bias_correction=True))
        return self._cache[key]

    def animation_caption(self, beta, shown):
        return f"β = {beta:.2f}: an average over about {effective_window(beta):.3g} points"

    def draw(self, beta, shown):
        raw, corrected = self.averages(beta)
        t = self.t[:shown] + 1
        self.raw.set_data(t, raw[:shown])
        self.corrected.set_data(t, corrected[:shown])
        z = min(shown, ZOOM)
        self.raw_zoom.set_data(t[:z], raw[:z])
        self.corrected_zoom.set_data(t[:z], corrected[:z])
        return ewma_readout(beta, raw, corrected, self.signal, shown)

    def animation_frames(self):
        """β = 0.5, 0.9 and 0.98 one after the other, the average built up 15 values per frame."""
        return [{"beta": beta, "shown": t} for beta in (0.5, 0.9, 0.98) for t in range(15, SERIES_LENGTH + 1, 15)]


def ewma_readout(beta, raw, corrected, signal, shown):
    """'β = 0.90 · window ≈ 10 points · V_1 = 0.52, corrected 5.2 · t = 150: V = 5.4 · …'"""
    k = shown - 1
    err_raw = float(np.sqrt(np.mean((raw - signal) ** 2)))
    err_cor = float(np.sqrt(np.mean((corrected - signal) ** 2)))
    return " · ".join([
        f"β = {beta:.2f}",
        f"window ≈ {effective_window(beta):.3g} points",
        f"V₁ = {raw[0]:.2f} (corrected {corrected[0]:.2f})",
        f"t = {shown}: V = {raw[k]:.2f} (corrected {corrected[k]:.2f}, signal {signal[k]:.2f})",
        f"RMS distance to the signal: raw {err_raw:.2f}, corrected {err_cor:.2f}",
    ])


# -- momentum in the ravine ---------------------------------------------------------------------------
RAVINE = (1.0, 25.0)  # curvatures: condition number 25
MAX_STEPS = 400
BOUND = 100.0  # ‖x‖ beyond this counts as diverged (ten times the view: stable runs may swing out and back)
TOL = 1e-6
LOSS_FLOOR = 1e-12


class RavineDemo(Demo):
    """Plain gradient descent and momentum (the lecture's form, learning rate written out) from the same
    start with the same η, on the contours of the ravine ½(x₁² + 25·x₂²); right, f(x_k) against k.

    Controls: η (log scale), β, the start (x₁, x₂) and the number of steps shown (with Play). Runs are
    cached per setting, so the step slider only replays them.
    """

    name = "ravine"

    def __init__(self, lr=0.2, beta=0.5, x1=-9.0, x2=4.0, shown=MAX_STEPS):
        self.objective = Quadratic2D(RAVINE)
        self._cache = {}
        controls = {
            "lr": log_slider("learning rate η", lr, 0.005, 3.0),
            "beta": slider("β", beta, 0.0, 0.99, 0.01, fmt=".2f"),
            "x1": slider("start x₁", x1, -9.0, 9.0, 0.5, fmt=".1f"),
            "x2": slider("start x₂", x2, -4.5, 4.5, 0.5, fmt=".1f"),
            "shown": slider("steps shown", shown, 0, MAX_STEPS, 1),
        }
        super().__init__(controls, play="shown")

    def build(self):
        fig, (left, right) = plotting.new_figure(2, height=3.8, lecture_height=3.9,
                                                 gridspec_kw={"width_ratios": [1.6, 1]})
        (x_lo, x_hi), (y_lo, y_hi) = self.objective.xlim, self.objective.ylim
        gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, 161), np.linspace(y_lo, y_hi, 81))
        levels = np.geomspace(0.1, 300.0, 9)
        left.contour(gx, gy, self.objective.f(np.stack([gx, gy], axis=-1)), levels=levels, colors=plotting.CURVE,
                     linewidths=0.7)
        left.plot([0], [0], "*", color="black", ms=12)
        left.set_xlim(x_lo, x_hi)
        left.set_ylim(y_lo, y_hi)
        left.set_xlabel("$x_1$ (flat: curvature 1)")
        left.set_ylabel("$x_2$ (steep: 25)")
        right.set_yscale("log")
        right.set_xlim(-2, MAX_STEPS + 2)
        right.set_ylim(LOSS_FLOOR, 1e4)
        right.set_xlabel("step $k$")
        right.set_ylabel("$f(x_k)$, log scale")
        right.set_title("loss $f(x_k)$")
        gd, mom = plotting.OKABE_ITO["vermillion"], plotting.OKABE_ITO["blue"]
        (self.gd_path,) = left.plot([], [], "-o", color=gd, lw=1, ms=3, label="gradient descent")
        (self.mom_path,) = left.plot([], [], "-o", color=mom, lw=1, ms=3, label="momentum")
        (self.gd_now,) = left.plot([], [], "o", color=gd, ms=9, mec="white")
        (self.mom_now,) = left.plot([], [], "o", color=mom, ms=9, mec="white")
        (self.gd_loss,) = right.plot([], [], color=gd)
        (self.mom_loss,) = right.plot([], [], color=mom)
        # Above the axes, in place of a title: trajectories may sweep the whole view.
        left.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, borderaxespad=0.2)
        return fig

    def animated_artists(self):
        return [self.gd_path, self.mom_path, self.gd_now, self.mom_now, self.gd_loss, self.mom_loss]

    def runs(self, lr, beta, x1, x2):
        """(gradient descent, momentum) runs for these settings, computed once and cached."""

        def cached(step, **hyper):
            key = (step.__name__, *(round(float(v), 12) for v in hyper.values()), float(x1), float(x2))
            if key not in self._cache:
                if len(self._cache) > 512:
                    self._cache.clear()
                self._cache[key] = run(self.objective, step, [x1, x2], max_steps=MAX_STEPS, tol=TOL, bound=BOUND,
                                       **hyper)
            return self._cache[key]

        return cached(gradient_descent, lr=lr), cached(momentum, lr=lr, beta=beta)

    def play_length(self, lr, beta, x1, x2):
        return max(r.steps for r in self.runs(lr, beta, x1, x2))

    def animation_caption(self, lr, beta, x1, x2, shown):
        return f"same start ({x1:g}, {x2:g}), same η = {lr:.3g}; momentum β = {beta:.2f}; step {shown}"

    def draw(self, lr, beta, x1, x2, shown):
        gd, mom = self.runs(lr, beta, x1, x2)
        for record, path, now, loss in ((gd, self.gd_path, self.gd_now, self.gd_loss),
                                        (mom, self.mom_path, self.mom_now, self.mom_loss)):
            k = min(shown, record.steps)
            pts = record.iterates[: k + 1]
            path.set_data(pts[:, 0], pts[:, 1])
            now.set_data(pts[-1:, 0], pts[-1:, 1])
            loss.set_data(np.arange(k + 1), np.maximum(record.losses[: k + 1], LOSS_FLOOR))
        return ravine_readout(gd, mom, shown)

    def animation_frames(self):
        """η = 0.2 with β = 0.5 (gradient descent diverges, momentum converges fast), then η = 0.07 with
        β = 0.75 (both converge; momentum first), step by step."""
        fast = [{"lr": 0.2, "beta": 0.5, "x1": -9.0, "x2": 4.0, "shown": k} for k in range(0, 41, 4)]
        slow = [{"lr": 0.07, "beta": 0.75, "x1": -9.0, "x2": 4.0, "shown": k} for k in range(0, 221, 20)]
        return fast + slow


def _phrase(record):
    text = record.outcome()
    if record.status == "diverged":
        text += f" (‖x‖ > {BOUND:g})"
    return text


def ravine_readout(gd, mom, shown):
    """'η = 0.2 · β = 0.50 · start (−9, 4) · gradient descent (stable for η < 0.08): diverged after 3 steps …'"""
    lam = max(RAVINE)
    start = mom.iterates[0]
    parts = [
        f"η = {mom.lr:.3g}",
        f"β = {mom.beta:.2f}",
        f"start ({start[0]:g}, {start[1]:g})",
        f"gradient descent (stable for η < {stability_limit(lam):.3g}): {_phrase(gd)}",
        f"momentum (stable for η < {stability_limit(lam, mom.beta):.3g}): {_phrase(mom)}",
    ]
    if shown < max(gd.steps, mom.steps):
        parts.append(f"showing {shown} step{'s' if shown != 1 else ''}")
    return " · ".join(parts)


BENCHMARKS = [
    (EwmaDemo.name, EwmaDemo, "beta", [round(b, 2) for b in np.linspace(0.0, 0.99, 67)]),
    (RavineDemo.name, RavineDemo, "lr", list(np.geomspace(0.01, 2.0, 61))),
]
