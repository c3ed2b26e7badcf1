"""Notebook 07's demo: a softmax network learning the handwritten digits, epoch by epoch.

Controls: optimiser, learning rate, batch size, schedule and epochs; a change of any retrains once (the
run is kept, :data:`CACHE` of them) and the "show epoch" slider with Play only replays the record.
Left, the cross-entropy on the training and validation sets; middle, their accuracy; right, the validation
digits the network gets wrong at the shown epoch (the first 36 of them), so Play shows the mistakes thinning
out as it learns. A retraining that takes longer than :data:`PROGRESS_AFTER` seconds says how far
it is, in the figure and the readout, every :data:`PROGRESS_EVERY` seconds.
"""

from __future__ import annotations

import functools
import time
from collections import OrderedDict

import ipywidgets as widgets
import numpy as np

from .. import data, plotting, schedules
from ..demo import Demo
from ..live import control_layout, log_slider, slider
from ..mlp import OPTIMISERS, fit, network_at
from .backprop import GridImage

SEED = 0  # the data split
TRAIN_SEED = 1  # the initial weights and the shuffles: the same for every setting, so runs compare
HIDDEN = 32
TILES = 6  # wrong digits in a 6×6 mosaic
MAX_EPOCHS = 60
BATCHES = [4, 8, 16, 32, 64, 128, 256]  # and the whole training set
LR_RANGE = (1e-4, 10.0)
LOSS_VIEW = (1e-3, 10.0)
CACHE = 16
PROGRESS_AFTER, PROGRESS_EVERY = 0.3, 0.25
GAP = (200, 200, 200, 255)  # the grey between tiles


@functools.cache
def digits():
    """The notebook's data: the digits split with seed :data:`SEED` (loaded once)."""
    return data.digits(rng=np.random.default_rng(SEED))


def make_schedule(name, epochs):
    """The schedule called ``name`` for a run of ``epochs`` epochs (None: constant)."""
    return {"constant": None, "warm-up": functools.partial(schedules.linear_warmup, warmup=max(1, epochs // 10)),
            "step decay": functools.partial(schedules.step_decay, every=max(1, epochs // 3)),
            "1/t": functools.partial(schedules.inverse_time, decay=0.1),
            "cosine": functools.partial(schedules.cosine, epochs=epochs),
            "warm-up + cosine": functools.partial(schedules.warmup_cosine, epochs=epochs, warmup=max(1, epochs // 10)),
            }[name]


SCHEDULES = ["constant", "warm-up", "step decay", "1/t", "cosine", "warm-up + cosine"]


def mosaic(images):
    """RGBA pixels of up to 36 images (rows of 64 pixels in [0, 1]) as 8×8 tiles, 6 to a row, dark strokes on white,
    each framed by grey gaps; places without an image stay white, gaps included (no empty grid)."""
    size = 9 * TILES - 1
    rgba = np.full((size, size, 4), 255, np.uint8)
    for k, image in enumerate(images[:TILES * TILES]):
        r, c = divmod(k, TILES)
        rgba[max(9 * r - 1, 0):9 * r + 9, max(9 * c - 1, 0):9 * c + 9] = GAP
        rgba[9 * r:9 * r + 8, 9 * c:9 * c + 8, :3] = np.round(255 * (1.0 - image.reshape(8, 8)))[..., None]
    return rgba[::-1]  # GridImage puts row 0 at the bottom


def wrong_digits(result):
    """At every epoch of ``result``: the mosaic of the validation digits its network gets wrong, and the label
    '17 of 359 wrong' (', first 36' when the mosaic has no room for them all)."""
    X, labels = digits()["val"]
    shown = []
    for k in range(result.epochs + 1):
        wrong = np.flatnonzero(network_at(result, k).predict(X) != labels)
        shown.append((mosaic(X[wrong]), f"{len(wrong)} of {len(labels)} wrong" + (", first 36" if len(wrong) > 36
                                                                                   else "")))
    return shown


class TrainingDemo(Demo):
    """Train the network with one optimiser and watch the curves and the digits it gets wrong."""

    name = "training"

    def __init__(self, optimiser="Adam", lr=0.003, batch_size=32, schedule="constant", epochs=30, shown=None):
        self._runs = OrderedDict()
        self._wrong = {}  # run → its mosaic and label at every epoch, made when it is trained (a few ms)
        self.n = len(digits()["train"][1])
        batches = [b for b in BATCHES if b < self.n] + [self.n]
        controls = {
            "optimiser": widgets.Dropdown(options=list(OPTIMISERS), value=optimiser, description="optimiser",
                                          style={"description_width": "initial"}, layout=control_layout()),
            "lr": log_slider("learning rate η", lr, *LR_RANGE, steps_per_decade=20),
            "batch_size": widgets.SelectionSlider(options=batches, value=batch_size, description="batch size b",
                                                  continuous_update=True, style={"description_width": "initial"},
                                                  layout=control_layout()),
            "schedule": widgets.Dropdown(options=SCHEDULES, value=schedule, description="schedule",
                                         style={"description_width": "initial"}, layout=control_layout()),
            "epochs": slider("epochs", epochs, 5, MAX_EPOCHS, 5),
            "shown": slider("show epoch", epochs if shown is None else shown, 0, MAX_EPOCHS, 1),
        }
        super().__init__(controls, play="shown")

    # -- computing (cached) ---------------------------------------------------------------------
    def run(self, optimiser, lr, batch_size, schedule, epochs):
        """The training record for these settings (trained once, then kept)."""
        key = (optimiser, float(lr), int(batch_size), schedule, int(epochs))
        if key in self._runs:
            self._runs.move_to_end(key)
            return self._runs[key]
        started, shown = time.perf_counter(), [0.0]

        def progress(epoch, _params):
            now = time.perf_counter() - started
            if now > PROGRESS_AFTER and now - shown[0] > PROGRESS_EVERY:
                shown[0] = now
                self.show_progress(f"training {optimiser}, η = {lr:.3g}, b = {batch_size}: epoch {epoch} of {epochs} …")

        result = fit(digits(), optimiser, lr=lr, batch_size=batch_size, epochs=epochs, seed=TRAIN_SEED,
                     hidden=HIDDEN, schedule=make_schedule(schedule, epochs), on_epoch=progress)
        self._runs[key] = result
        self._wrong[result] = wrong_digits(result)
        if len(self._runs) > CACHE:
            del self._wrong[self._runs.popitem(last=False)[1]]
        return result

    def show_progress(self, text):
        """During a long retraining: the old curves under a banner saying how far the new run is, and the readout."""
        self.banner.set_text(text.replace(": ", ":\n", 1))
        self.banner.set_visible(True)
        self.live.render(readout=text)

    # -- drawing --------------------------------------------------------------------------------
    def build(self):
        fig, (loss, accuracy, weights) = plotting.new_figure(3, height=3.9, lecture_height=4.4,
                                                             gridspec_kw={"width_ratios": [1, 1, 0.9]})
        self.ax_loss, self.ax_acc, self.ax_wrong = loss, accuracy, weights
        blue, orange, red = plotting.OKABE_ITO["blue"], plotting.OKABE_ITO["orange"], plotting.OKABE_ITO["vermillion"]
        loss.set_yscale("log")
        loss.set_ylim(*LOSS_VIEW)
        loss.set_xlabel("epoch")
        loss.set_title("cross-entropy")
        accuracy.set_ylim(0, 100)
        accuracy.set_xlabel("epoch")
        accuracy.set_title("accuracy (%)")
        accuracy.axhline(10, color=plotting.CURVE, lw=1, ls=":")  # chance: one class of ten
        self.lines = {}
        for ax, key in ((loss, "loss"), (accuracy, "acc")):
            self.lines[key, "train"], = ax.plot([], [], color=blue, lw=2, label="training")
            self.lines[key, "val"], = ax.plot([], [], color=orange, lw=2, ls="--", label="validation")
            self.lines[key, "marker"], = ax.plot([], [], "o", color=plotting.CURRENT, ms=9, zorder=5)
        loss.legend(loc="lower left")
        weights.set_box_aspect(1)
        weights.set_xticks([])
        weights.set_yticks([])
        weights.grid(False)
        weights.set_title("digits it gets wrong")
        self.image = weights.add_artist(GridImage(weights, mosaic(np.zeros((0, 64)))))
        self.wrong_label = weights.text(0.5, -0.03, " ", transform=weights.transAxes, ha="center", va="top")
        self.banner = loss.text(0.5, 0.5, "diverged", transform=loss.transAxes, ha="center", va="center",
                                fontsize=14, color=red, fontweight="bold", zorder=10,
                                bbox={"facecolor": "white", "edgecolor": red})
        self._epochs = self._curves_of = None
        return fig

    def animated_artists(self):
        spines = [s for s in self.ax_wrong.spines.values() if s.get_visible()]
        return [*self.lines.values(), self.image, *spines, self.wrong_label, self.banner]

    def view_changed(self, epochs, **_):
        return self._epochs != epochs

    def play_length(self, optimiser, lr, batch_size, schedule, epochs):
        return self.run(optimiser, lr, batch_size, schedule, epochs).epochs

    def draw(self, optimiser, lr, batch_size, schedule, epochs, shown):
        result = self.run(optimiser, lr, batch_size, schedule, epochs)
        if self._epochs != epochs:
            for ax in (self.ax_loss, self.ax_acc):
                ax.set_xlim(-0.02 * epochs, 1.02 * epochs)
            self._epochs = epochs
        k = min(int(shown), result.epochs)
        t = np.arange(result.epochs + 1)
        for key, train, val in (("loss", result.losses, result.val_loss),
                                ("acc", 100 * result.accuracy, 100 * result.val_accuracy)):
            clip = (lambda v: np.clip(v, *LOSS_VIEW)) if key == "loss" else (lambda v: v)
            if self._curves_of is not result:  # the same run's curves stay as they are while the epoch moves
                self.lines[key, "train"].set_data(t, clip(train))
                self.lines[key, "val"].set_data(t, clip(val))
            self.lines[key, "marker"].set_data([k], [clip(val[k])])
        self._curves_of = result
        image, label = self._wrong[result][k]
        self.image.set_data(image)
        self.wrong_label.set_text(label)
        self.banner.set_text("diverged")
        self.banner.set_visible(result.status == "diverged")
        return readout(result, schedule, k)

    def animation_frames(self):
        """Adam at η = 0.003 and SGD at η = 0.5 with a cosine schedule, 30 epochs each, epoch by epoch."""
        settings = [dict(optimiser="Adam", lr=0.003, schedule="constant"), dict(optimiser="SGD", lr=0.5,
                                                                              schedule="cosine")]
        return [{**s, "batch_size": 32, "epochs": 30, "shown": k} for s in settings for k in range(31)]


def readout(result, schedule, epoch):
    """'Adam · η = 0.003 · b = 32 · constant · epoch 12 of 30: training loss 0.051, validation accuracy 95.8 % ·
    after 30 epochs: validation accuracy 96.1 %, 95 % first in epoch 9'"""
    parts = [result.optimiser, f"η = {result.lr:.3g}", f"b = {result.batch_size}", schedule,
             f"epoch {epoch} of {result.epochs}: training loss {result.losses[epoch]:.3g}, validation accuracy "
             f"{100 * result.val_accuracy[epoch]:.1f} %"]
    if result.status == "diverged":
        parts.append(f"{result.outcome()}: a weight passed ±{result.bound:g}")
    else:
        reached = np.flatnonzero(result.val_accuracy >= 0.95)
        first = f"95 % first in epoch {reached[0]}" if reached.size else "never 95 %"
        final = 100 * result.val_accuracy[-1]
        parts.append(f"after {result.epochs} epochs: validation accuracy {final:.1f} %, {first}")
        if result.accuracy[-1] <= 0.2:
            parts.append("collapsed: it predicts (almost) one class")
    return " · ".join(parts)


BENCHMARKS = [
    (TrainingDemo.name, TrainingDemo, "shown", list(range(0, 31))),
]
#: Changes that retrain the network at the notebook's default setting (benchmarks/recompute_latency.py).
RECOMPUTE = [
    (TrainingDemo.name, TrainingDemo, "lr", [float(v) for v in np.geomspace(0.001, 0.01, 12)]),
]
