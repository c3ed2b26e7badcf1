"""Notebook 04's demo: full-batch, mini-batch and stochastic gradient descent on a linear regression.

Left: the contours of the MSE over (w, b), the exact least-squares solution (star) and the path of
the parameters, one point per update. Right: the excess loss L − L* against epochs (log scale),
with the full-batch run at the same learning rate in grey for reference.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from .. import plotting
from ..data import linear_regression
from ..demo import Demo
from ..live import control_layout, log_slider, slider
from ..regression import fit, least_squares
from ..steps import gradient_descent

N = 1000
MAX_EPOCHS = 50
START = (-1.0, 2.0)
W_VIEW = (-1.5, 4.5)
B_VIEW = (-3.5, 2.5)
LOSS_VIEW = (1e-12, 1e2)
LR_RANGE = (1e-3, 1.5)
MAX_DRAWN = 800  # path points drawn per frame; longer paths are thinned (see _thin)
HEAD = 200
TOL = 1e-9


def example_data(n=N, seed=0):
    """The notebook's data: n points of y = 2x − 1 + ε, ε ~ N(0, 1), x ~ U(−2, 2)."""
    return linear_regression(n, w=2.0, b=-1.0, noise=1.0, rng=np.random.default_rng(seed))


def batch_options(n):
    """1, 2, 5, 10, 20, 50, … below n, then n itself."""
    out = []
    scale = 1
    while True:
        for m in (1, 2, 5):
            if m * scale >= n:
                return out + [n]
            out.append(m * scale)
        scale *= 10


def _thin(k, total):
    """Indices 0 … k−1 of a run of ``total`` points, at most MAX_DRAWN of them: the first HEAD all kept (the
    approach, where the shape of the path matters), the rest (mostly the noise ball) evenly on the whole run's grid,
    the last always kept. A path that grows keeps the points it had: a frame adds to the one before (the
    canvas sends only what is new) and the noise ball does not flicker as Play goes on."""
    if total <= MAX_DRAWN or k <= HEAD:
        return slice(0, k)
    grid = np.linspace(HEAD, total - 1, MAX_DRAWN - HEAD).round().astype(int)
    return np.r_[0:HEAD, grid[grid < k - 1], k - 1]


class MinibatchDemo(Demo):
    """Batch size, learning rate, epochs, seed, shuffle and decay; an epoch slider with Play replays.

    Every run is computed once per parameter setting (cached); the "show epoch" slider only slices
    the stored parameters, so playing through the epochs costs a blit, not a training run.
    """

    name = "minibatch"
    CACHE_SIZE = 24

    def __init__(self, x=None, y=None, *, batch_size=10, lr=0.05, epochs=20, seed=0, shuffle=True, decay=False,
                 params0=START):
        if x is None and y is None:
            x, y = example_data()
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.n = self.x.shape[0]
        self.params0 = tuple(float(v) for v in params0)
        self.optimum = least_squares(self.x, self.y)
        self.loss_star = float(np.mean((self.y - self.optimum[0] * self.x - self.optimum[1]) ** 2))
        self._cache = {}
        options = batch_options(self.n)
        controls = {
            "batch_size": widgets.SelectionSlider(
                options=options, value=batch_size, description="batch size b", continuous_update=True,
                style={"description_width": "initial"}, layout=control_layout(),
            ),
            "lr": log_slider("learning rate η", lr, *LR_RANGE),
            "epochs": slider("epochs", epochs, 1, MAX_EPOCHS, 1),
            "seed": slider("shuffle seed", seed, 0, 99, 1),
            "shuffle": widgets.Checkbox(value=shuffle, description="shuffle every epoch", indent=False),
            "decay": widgets.Checkbox(value=decay, description="decay η_e = η/(1+e)", indent=False),
            "shown": slider("show epoch", MAX_EPOCHS, 0, MAX_EPOCHS, 1),
        }
        super().__init__(controls, play="shown")

    # -- computing (cached) ---------------------------------------------------------------------
    def run(self, batch_size, lr, epochs, seed, shuffle, decay):
        """The run for these settings (computed once, then served from the cache)."""
        key = (batch_size, float(lr), epochs, seed, bool(shuffle), bool(decay))
        run = self._cache.get(key)
        if run is None:
            run = fit(self.x, self.y, gradient_descent, batch_size=batch_size, epochs=epochs,
                      rng=np.random.default_rng(seed), shuffle=bool(shuffle), params0=self.params0,
                      decay=1.0 if decay else 0.0, tol=TOL, lr=lr)
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = run
        return run

    # -- drawing --------------------------------------------------------------------------------
    def build(self):
        fig, (left, right) = plotting.new_figure(2, height=4.2, lecture_height=4.0)
        plotting.line_contours(left, self.x, self.y, (W_VIEW, B_VIEW), start=self.params0)
        left.legend(loc="lower left")
        blue, red = plotting.OKABE_ITO["blue"], plotting.OKABE_ITO["vermillion"]
        (self.path,) = left.plot([], [], "-", color=blue, lw=0.8)
        (self.current,) = left.plot([], [], "o", color=red, ms=9, zorder=6)
        # The star again, drawn over the path so the noise ball never hides the target.
        (self.target,) = left.plot(*self.optimum, "*", color="black", mec="white", ms=15)
        left.set_title("(w, b) after every update")
        right.set_yscale("log")
        right.set_xlim(-1, MAX_EPOCHS + 1)  # markers at either end stay inside
        right.set_ylim(*LOSS_VIEW)
        right.set_xlabel("epoch")
        right.set_ylabel("L − L*")
        (self.reference,) = right.plot([], [], "-", color=plotting.CURVE, lw=1.5, label="full batch, same η")
        (self.curve,) = right.plot([], [], "-", color=blue, lw=1.0, label="this run")
        (self.curve_current,) = right.plot([], [], "o", color=red, ms=8)
        right.legend(loc="lower left")  # the curves start high and fall to the right
        right.set_title("excess loss of the whole data set")
        self.banner = left.text(0.5, 0.9, "diverged", transform=left.transAxes, ha="center", va="center", fontsize=18,
                                color=red, fontweight="bold", bbox={"facecolor": "white", "edgecolor": red})
        return fig

    def animated_artists(self):
        return [self.path, self.current, self.target, self.reference, self.curve, self.curve_current, self.banner]

    def _excess(self, losses):
        return np.clip(losses - self.loss_star, LOSS_VIEW[0] * 1e-2, LOSS_VIEW[1] * 1e2)

    def play_length(self, batch_size, lr, epochs, seed, shuffle, decay):
        run = self.run(batch_size, lr, epochs, seed, shuffle, decay)
        return run.epochs + (run.status == "diverged")  # a diverged run's last, partial epoch is shown too

    def draw(self, batch_size, lr, epochs, seed, shuffle, decay, shown):
        run = self.run(batch_size, lr, epochs, seed, shuffle, decay)
        reference = self.run(self.n, lr, epochs, 0, False, decay)
        k = min(shown, run.epochs)
        # A diverged run is shown to its last recorded point, the partial epoch included.
        last = run.updates if (run.status == "diverged" and shown > run.epochs) else int(run.epoch_ends[k])
        pick = _thin(last + 1, len(run.iterates))
        pts = run.iterates[: last + 1][pick]
        self.path.set_data(pts[:, 0], pts[:, 1])
        self.current.set_data([run.iterates[last, 0]], [run.iterates[last, 1]])
        t = np.arange(last + 1) / run.updates_per_epoch
        self.curve.set_data(t[pick], self._excess(run.losses[: last + 1][pick]))
        self.curve_current.set_data([t[-1]], [self._excess(run.losses[last:last + 1])[0]])
        ref_t = np.arange(reference.updates + 1, dtype=float)
        self.reference.set_data(ref_t, self._excess(reference.losses))
        self.banner.set_visible(run.status == "diverged")
        return readout(run, self.optimum, last, k, seed)


    def animation_frames(self):
        """Full batch, a mini-batch of 20 and SGD one after the other, 20 epochs each, replayed epoch by epoch."""
        return [{"batch_size": b, "lr": 0.05, "epochs": 20, "seed": 0, "shuffle": True, "decay": False, "shown": k}
                for b in (self.n, 20, 1) for k in range(21)]


def readout(run, optimum, row, epoch, seed):
    """One line, most important first: 'mini-batch b = 10 · η = 0.05 · seed 0 · not converged after 20 epochs
    (2,000 updates) · distance to exact solution 4.98e-02' (‖(w, b) − (w*, b*)‖ at the point shown)."""
    kind = "full batch" if run.batch_size == run.n else ("SGD" if run.batch_size == 1 else "mini-batch")
    parts = [f"{kind} b = {run.batch_size}", f"η = {run.lr:.3g}" + (" decaying" if run.decay else ""),
             f"seed {seed}" if run.shuffle else "no shuffle", run.outcome()]
    if run.status == "diverged":
        parts[-1] += f" (|w| or |b| passed {run.bound:.0e})"
    dist = float(np.hypot(*(run.iterates[row] - optimum)))
    where = "" if row == run.updates else f"at epoch {epoch}: "
    parts.append(f"{where}distance to exact solution {dist:.2e}")
    return " · ".join(parts)


BENCHMARKS = [
    # The heaviest replay: SGD (b = 1), every one of the 50 000 updates stored.
    (MinibatchDemo.name, functools.partial(MinibatchDemo, batch_size=1, epochs=MAX_EPOCHS), "shown",
     list(range(0, MAX_EPOCHS + 1))),
]
#: Changes that re-run the epochs at the notebook's default size (benchmarks/recompute_latency.py):
#: SGD with b = 1 is the most expensive, full batch the cheapest.
RECOMPUTE = [
    (f"{MinibatchDemo.name} b={b}", functools.partial(MinibatchDemo, batch_size=b), "lr",
     [float(v) for v in np.geomspace(0.002, 0.3, 25)])
    for b in (1, 10, N)
] + [(f"{MinibatchDemo.name} b=1", functools.partial(MinibatchDemo, batch_size=1), "seed", list(range(1, 26)))]
