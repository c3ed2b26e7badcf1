"""Notebook 03's demo: a small sigmoid network learning XOR or two moons, epoch by epoch.

A change of a training parameter (data, mode, η, μ, hidden units, λ, epochs) retrains once and keeps
the run's record (the parameters after every epoch); the epoch slider and its Play button only replay
that record. A step evaluates the stored network on a coarse 60×60 grid (a few thousand sigmoids),
swaps the image data and moves the marker on the error curve, then blits.

The output map is drawn by :class:`GridImage` rather than ``imshow``: an ``AxesImage`` resamples its
data on every draw (≈5–9 ms here, the largest part of a frame), while a grid that always fills the
axes can be enlarged to the axes' pixels by integer indexing in well under a millisecond.
"""

from __future__ import annotations

from collections import OrderedDict

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.ticker import MaxNLocator

from .. import _validate, data, plotting
from ..demo import Demo
from ..live import log_slider, slider
from ..network import Network, network_at, stalled, train

GRID = 60  # grid cells per side of the decision-boundary image
MAX_EPOCHS = 500
SEED = 3  # data and initial weights; the same start for every setting, so runs can be compared
CACHE = 16  # training runs kept, so sliding back to a setting is instant

DATASETS = {
    "two moons": {"view": (-1.6, 2.6, -1.1, 1.6)},
    "XOR": {"view": (-0.5, 1.5, -0.5, 1.5)},
}
MODES = {"full-batch": "batch", "per-sample": "sample"}
ERROR_FLOOR = 1e-4  # lower edge of the log-scaled error axis


class GridImage(Artist):
    """An RGBA grid stretched over the whole of ``ax`` (row 0 at the bottom), nearest-neighbour scaled."""

    zorder = 0

    def __init__(self, ax, rgba):
        super().__init__()
        self.ax = ax
        self.rgba = np.asarray(rgba, dtype=np.uint8)
        self.set_in_layout(False)
        self._index = None

    def set_data(self, rgba):
        self.rgba = np.asarray(rgba, dtype=np.uint8)
        self.stale = True

    def get_array(self):
        return self.rgba

    @allow_rasterization
    def draw(self, renderer):
        if not self.get_visible():
            return
        box = self.ax.bbox
        x0, y0 = int(round(box.x0)), int(round(box.y0))
        width, height = int(round(box.x1)) - x0, int(round(box.y1)) - y0
        rows, cols = self.rgba.shape[:2]
        if hasattr(renderer, "draw_grid"):  # a canvas front end scales the grid itself (helpers.canvas)
            renderer.draw_grid((x0, y0, width, height), self.rgba)
            self.stale = False
            return
        if self._index is None or self._index[0] != (width, height, rows, cols):
            # the renderer takes image rows bottom first, like the grid
            r = np.arange(height) * rows // height
            c = np.arange(width) * cols // width
            self._index = ((width, height, rows, cols), r, c)
        _, r, c = self._index
        # one 32-bit word per pixel: two 1-d gathers, ≈20 times faster than indexing the four bytes by (r, c)
        words = np.ascontiguousarray(self.rgba).view(np.uint32)[..., 0]
        pixels = words.take(r, axis=0).take(c, axis=1).view(np.uint8).reshape(height, width, 4)
        gc = renderer.new_gc()
        gc.set_clip_rectangle(box)
        renderer.draw_image(gc, x0, y0, pixels)
        gc.restore()
        self.stale = False


def make_data(name, seed=SEED):
    """The demo's data: the four XOR corners, or 100 two-moons points in a seeded random order.

    The moons come sorted by class; a fixed shuffle matters for per-sample training, which would
    otherwise see fifty points of one class and then fifty of the other.
    """
    _validate.choice("name", name, set(DATASETS))
    if name == "XOR":
        return data.xor()
    rng = np.random.default_rng(seed)
    X, y = data.two_moons(100, noise=0.15, rng=rng)
    order = rng.permutation(len(y))
    return X[order], y[order]


class NetworkDemo(Demo):
    """Left: the network's output o over the plane (blue: class 0, orange: class 1) with the data.
    Right: the error E = ½ Σ (yᵢ − oᵢ)² after every epoch, with the shown epoch marked.

    Controls: data set, per-sample or full-batch updates, learning rate η, momentum μ, hidden units,
    steepness λ, number of epochs, and the epoch shown (with Play).
    """

    name = "network"

    def __init__(self, dataset="two moons", mode="full-batch", lr=0.1, momentum=0.9, hidden=8, lam=1.0,
                 epochs=200, epoch=None):
        self._runs = OrderedDict()
        self._grids = {}
        self._data = {name: make_data(name) for name in DATASETS}
        self._view = None
        epoch = epochs if epoch is None else epoch
        controls = {
            "dataset": widgets.ToggleButtons(options=list(DATASETS), value=dataset, description="data"),
            "mode": widgets.ToggleButtons(options=list(MODES), value=mode, description="updates"),
            "lr": log_slider("learning rate η", lr, 0.001, 10.0),
            "momentum": slider("momentum μ", momentum, 0.0, 0.99, 0.01, fmt=".2f"),
            "hidden": slider("hidden units", hidden, 1, 16, 1),
            "lam": log_slider("steepness λ", lam, 0.05, 50.0),
            "epochs": slider("epochs", epochs, 10, MAX_EPOCHS, 10),
            "epoch": slider("show epoch", epoch, 0, epochs, 1),
        }
        super().__init__(controls, play="epoch")

    # -- figure ---------------------------------------------------------------------------------
    def build(self):
        self._view = self._curve_of = None
        fig, (left, right) = plotting.new_figure(2, height=4.2, lecture_height=3.8)
        self.ax_map, self.ax_err = left, right
        blank = np.full((GRID, GRID), 0.5)
        # Ready-made RGBA pixels (coloured on the coarse grid), stretched over the axes; see GridImage.
        self.image = left.add_artist(GridImage(left, self.colour(blank)))
        style = {"s": 36, "edgecolors": "black", "linewidths": 0.6}
        self.class0 = left.scatter([], [], marker="o", color=plotting.OKABE_ITO["blue"], **style)
        self.class1 = left.scatter([], [], marker="^", color=plotting.OKABE_ITO["vermillion"], **style)
        left.set_xlabel("x₁")
        left.set_ylabel("x₂")
        left.grid(False)
        left.set_title("network output o")  # short: lecture mode enlarges every text
        self.epoch_label = left.text(0.02, 0.96, " ", transform=left.transAxes, va="top", ha="left",
                                     bbox={"boxstyle": "round", "fc": "white", "ec": plotting.CURVE, "alpha": 0.9})
        right.set_yscale("log")
        right.set_xlabel("epoch")
        right.set_ylabel("E = ½Σ(yᵢ − oᵢ)²")
        right.set_title("error per epoch")
        (self.curve,) = right.plot([], [], color=plotting.OKABE_ITO["blue"], lw=2)
        (self.marker,) = right.plot([], [], "o", color=plotting.OKABE_ITO["vermillion"], ms=9)
        return fig

    def animation_frames(self):
        """Two moons, full-batch, μ = 0.9: the boundary forming over 200 epochs, every 5th epoch shown."""
        setting = {"dataset": "two moons", "mode": "full-batch", "lr": 0.1, "momentum": 0.9, "hidden": 8,
                   "lam": 1.0, "epochs": 200}
        return [{**setting, "epoch": t} for t in range(0, 201, 5)]

    def animated_artists(self):
        # The map's spines go on top of the image (as in a full draw), so they are redrawn each frame too.
        spines = [s for s in self.ax_map.spines.values() if s.get_visible()]
        return [self.image, *spines, self.class0, self.class1, self.epoch_label, self.curve, self.marker]

    @staticmethod
    def colour(probabilities):
        """RGBA pixels (uint8) for a grid of outputs o in [0, 1]."""
        return plotting.PROBABILITY_CMAP(probabilities, bytes=True)

    def _set_view(self, dataset, epochs):
        X, y = self._data[dataset]
        x0, x1, y0, y1 = DATASETS[dataset]["view"]
        self.ax_map.set_xlim(x0, x1)
        self.ax_map.set_ylim(y0, y1)
        for axis in (self.ax_map.xaxis, self.ax_map.yaxis):  # few enough ticks for any view and font size
            axis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10], prune="lower"))
        self.ax_err.set_xlim(-0.02 * epochs, 1.02 * epochs)
        self.ax_err.set_ylim(ERROR_FLOOR, 0.75 * len(y))  # E ≤ n/2: every output wrong by the whole range
        self.class0.set_offsets(X[y < 0.5])
        self.class1.set_offsets(X[y >= 0.5])
        self._view = (dataset, epochs)

    # -- computation ----------------------------------------------------------------------------
    def run(self, dataset, mode, lr, momentum, hidden, lam, epochs):
        """The training record for these settings (trained once, then kept) and its cache key."""
        key = (dataset, mode, float(lr), float(momentum), int(hidden), float(lam), int(epochs))
        if key in self._runs:
            self._runs.move_to_end(key)
            return key, self._runs[key]
        X, y = self._data[dataset]
        net = Network.random(X.shape[1], hidden, lam=lam, rng=np.random.default_rng(SEED))
        history = train(net, X, y, lr=lr, momentum=momentum, epochs=epochs, mode=MODES[mode])
        self._runs[key] = history
        if len(self._runs) > CACHE:
            self._runs.popitem(last=False)
        return key, history

    def grid_probabilities(self, key, history, dataset, epoch):
        """o on the GRID×GRID cell centres of the view after ``epoch`` epochs, as RGBA pixels.

        Kept for the current run only (14 kB per epoch); another run's maps are recomputed (< 1 ms each).
        """
        if self._grids and next(iter(self._grids))[0] != key:
            self._grids = {}
        if (key, epoch) not in self._grids:
            x0, x1, y0, y1 = DATASETS[dataset]["view"]
            gx = x0 + (np.arange(GRID) + 0.5) * (x1 - x0) / GRID
            gy = y0 + (np.arange(GRID) + 0.5) * (y1 - y0) / GRID
            xx, yy = np.meshgrid(gx, gy)
            points = np.column_stack([xx.ravel(), yy.ravel()])
            self._grids[(key, epoch)] = self.colour(network_at(history, epoch).predict(points).reshape(GRID, GRID))
        return self._grids[(key, epoch)]

    # -- one frame ------------------------------------------------------------------------------
    def draw(self, dataset, mode, lr, momentum, hidden, lam, epochs, epoch):
        key, history = self.run(dataset, mode, lr, momentum, hidden, lam, epochs)
        t = min(int(epoch), history.epochs)
        if self._view != (dataset, epochs):
            self._set_view(dataset, epochs)
        self.image.set_data(self.grid_probabilities(key, history, dataset, t))
        errors = np.maximum(history.losses, ERROR_FLOOR / 2)  # E = 0 exactly cannot sit on a log axis
        if self._curve_of is not history:  # the same run's curve stays as it is while the epoch moves
            self.curve.set_data(np.arange(history.epochs + 1), errors)
            self._curve_of = history
        self.marker.set_data([t], [errors[t]])
        self.epoch_label.set_text(f"epoch {t}")
        return readout(history, dataset, mode, hidden, t)

    def play_length(self, epochs, **_):
        return epochs

    def view_changed(self, dataset, epochs, **_):
        return self._view != (dataset, epochs)  # a new data set or epoch range moves the axes


def readout(history, dataset, mode, hidden, epoch):
    """'two moons · full-batch · η = 0.1 · μ = 0.9 · 8 hidden · λ = 1 · epoch 50 of 200: E = 3.1, accuracy 92 % ·
    final E = 0.25, accuracy 100 %'"""
    parts = [dataset, mode, f"η = {history.lr:.3g}", f"μ = {history.momentum:.2f}", f"{hidden} hidden",
             f"λ = {history.lam:.3g}",
             f"epoch {epoch} of {history.epochs}: E = {history.losses[epoch]:.3g}, "
             f"accuracy {100 * history.accuracy[epoch]:.0f} %",
             f"final E = {history.losses[-1]:.3g}, accuracy {100 * history.accuracy[-1]:.0f} %"]
    if stalled(history):
        parts.append("stalled: the error no longer moves")
    return " · ".join(parts)


BENCHMARKS = [
    (NetworkDemo.name, NetworkDemo, "epoch", list(range(0, 201, 4))),
]
#: Changes that retrain the network at the notebook's default size (benchmarks/recompute_latency.py).
RECOMPUTE = [
    (NetworkDemo.name, NetworkDemo, "lr", [float(v) for v in np.geomspace(0.02, 0.6, 25)]),
    (NetworkDemo.name, NetworkDemo, "momentum", [round(float(v), 2) for v in np.linspace(0.0, 0.95, 20)]),
    (NetworkDemo.name, NetworkDemo, "hidden", list(range(1, 17))),
]
