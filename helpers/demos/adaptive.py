"""Notebook 06's demo: a race of six optimisers on one surface.

Gradient descent, momentum, Nesterov, AdaGrad, RMSProp and Adam start from the same point; left, their
paths on the contours (click on it to choose the start); right, f(x_k) against k. Every run is
:func:`helpers.run` with a rule of :mod:`helpers.steps`. When a slider moves, each rule it affects is
run for every position of that slider at once (one vectorised grid run), so the rest of the drag only
looks runs up.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import _validate, plotting
from ..demo import Demo
from ..live import control_layout, log_slider, slider
from ..objectives import Quadratic2D, Rosenbrock, Saddle
from ..runner import Run, run
from ..steps import adagrad, adam, gradient_descent, momentum_sum, nesterov, rmsprop

MAX_STEPS = 1500  # the longest race (Rosenbrock's); each surface has its own budget
TOL = 1e-6
LOSS_FLOOR = 1e-12
START_POSITIONS = 80  # slider positions across each coordinate of the view
LR_PER_DECADE = 20
LOSS_POINTS = 500  # at most this many points of each loss curve are drawn (every 2nd or 3rd of a long run)
SHOWN_STEP = 10  # the step slider and Play move 10 steps at a time: a 1,500-step race plays in 150 frames


@dataclass(frozen=True)
class Surface:
    """A surface of the race: the objective, its view, a good start and learning rates for it."""

    label: str
    objective: object
    start: tuple
    lr: float  # gradient descent, momentum, Nesterov
    lr_adaptive: float  # AdaGrad, RMSProp, Adam
    steps: int  # the step budget of every run

    @property
    def view(self):
        return self.objective.xlim, self.objective.ylim

    @property
    def bound(self):
        """‖x‖ beyond this counts as diverged: ten times the view."""
        return 10.0 * float(np.max(np.abs(self.view)))


SURFACES = {
    "ravine": Surface("ravine ½(x² + 25y²)", Quadratic2D((1.0, 25.0)), (-9.0, 4.0), 0.03, 0.3, 500),
    "rosenbrock": Surface("Rosenbrock's banana valley", Rosenbrock(), (-1.2, 1.0), 0.001, 0.05, MAX_STEPS),
    "saddle": Surface("saddle between two minima", Saddle(), (-1.8, 0.05), 0.1, 0.05, 500),
}

#: The racers: name, rule, colour and which control sets each hyper-parameter of the rule.
RACERS = [
    ("gradient descent", gradient_descent, "vermillion", {"lr": "lr"}),
    ("momentum", momentum_sum, "blue", {"lr": "lr", "beta": "beta1"}),
    ("Nesterov", nesterov, "sky", {"lr": "lr", "beta": "beta1"}),
    ("AdaGrad", adagrad, "green", {"lr": "lr_adaptive"}),
    ("RMSProp", rmsprop, "orange", {"lr": "lr_adaptive", "beta2": "beta2"}),
    ("Adam", adam, "purple", {"lr": "lr_adaptive", "beta1": "beta1", "beta2": "beta2"}),
]
ADAPTIVE = {"AdaGrad", "RMSProp", "Adam"}  # drawn dashed: per-coordinate step sizes


def race(surface, *, steps=None, start=None, lr=None, lr_adaptive=None, beta1=0.9, beta2=0.99):
    """The six runs of the race on ``surface`` ("ravine", "rosenbrock" or "saddle"), by racer name; settings
    default to the surface's (as the demo starts), ``steps`` to its budget."""
    spec = SURFACES[_validate.choice("surface", surface, SURFACES)]
    controls = {"lr": spec.lr if lr is None else lr, "lr_adaptive": spec.lr_adaptive if lr_adaptive is None
                else lr_adaptive, "beta1": beta1, "beta2": beta2}
    start = list(spec.start if start is None else start)
    return {name: run(spec.objective, rule, start, max_steps=spec.steps if steps is None else steps, tol=TOL,
                      bound=spec.bound, **{h: controls[c] for h, c in params.items()})
            for name, rule, _, params in RACERS}


def first_step(record, reached):
    """The first step k at which ``reached(x_k)`` holds (a function of the iterates, vectorised), or None."""
    hits = np.flatnonzero(reached(record.iterates))
    return int(hits[0]) if hits.size else None


def draw_surface(ax, surface):
    """Contours of a race surface over its view, its minima (stars) and saddles (crosses); returns the artists."""
    spec = SURFACES[surface]
    (x_lo, x_hi), (y_lo, y_hi) = spec.view
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, 161), np.linspace(y_lo, y_hi, 121))
    f = spec.objective.f(np.stack([gx, gy], axis=-1))
    levels = np.geomspace(max(float(f.min()), 1e-3), float(f.max()), 12)
    artists = [ax.contour(gx, gy, f, levels=levels, colors=plotting.CURVE, linewidths=0.7)]
    for p in spec.objective.critical_points():
        minimum = p.kind == "minimum"
        artists += ax.plot(*p.x, "*" if minimum else "X", color="black", ms=11 if minimum else 9)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    # no tick label at the lower left corner, where the first x and y labels would collide
    ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], prune="lower"))
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    return artists


def _key(value):
    """A setting as a cache key: nine significant digits absorb the front end's last-bit rounding."""
    return float(f"{value:.9g}")


def _start_key(value):
    """A start coordinate: rounded to 10⁻⁶, so a slider's 2·10⁻¹⁶ is the 0 it shows (on a saddle's line it matters)."""
    return round(float(value), 6) + 0.0


class RaceDemo(Demo):
    """Six optimisers from one start on one surface: paths on the contours, loss against steps.

    Controls: the surface, η of the three gradient methods and η of the three adaptive ones (log scale),
    β₁ (momentum, Nesterov and Adam's first moment), β₂ (RMSProp and Adam's second moment), the start
    (x₀, y₀; or click on the contour plot) and the steps shown (with Play).
    """

    name = "race"

    def __init__(self, surface="rosenbrock", lr=None, lr_adaptive=None, beta1=0.9, beta2=0.99, start=None,
                 shown=MAX_STEPS):
        surface = _validate.choice("surface", surface, SURFACES)
        spec = SURFACES[surface]
        lr = spec.lr if lr is None else _validate.real("lr", lr, low=1e-4, high=1.0)
        lr_adaptive = spec.lr_adaptive if lr_adaptive is None else _validate.real("lr_adaptive", lr_adaptive,
                                                                                  low=1e-3, high=3.0)
        beta1 = _validate.real("beta1", beta1, low=0.0, high=0.99)
        beta2 = _validate.real("beta2", beta2, low=0.5, high=0.999)
        start = spec.start if start is None else _validate.finite_array("start", start, shape=(2,))
        for name, value, (lo, hi) in zip(("start[0]", "start[1]"), start, spec.view, strict=True):
            _validate.real(name, value, low=lo, high=hi)
        self._cache, self._moving, self._surface_shown = {}, None, None
        (x_lo, x_hi), (y_lo, y_hi) = spec.view
        controls = {
            "surface": widgets.Dropdown(options=[(s.label, k) for k, s in SURFACES.items()], value=surface,
                                        description="surface", style={"description_width": "initial"},
                                        layout=control_layout()),
            "lr": log_slider("η: gradient", lr, 1e-4, 1.0, steps_per_decade=LR_PER_DECADE),
            "lr_adaptive": log_slider("η: adaptive", lr_adaptive, 1e-3, 3.0,
                                      steps_per_decade=LR_PER_DECADE),
            "beta1": slider("β₁", beta1, 0.0, 0.99, 0.01, fmt=".2f"),
            "beta2": slider("β₂", beta2, 0.5, 0.999, 0.001, fmt=".3f"),
            "x0": slider("start x₀", float(start[0]), x_lo, x_hi, (x_hi - x_lo) / START_POSITIONS, fmt=".2f"),
            "y0": slider("start y₀", float(start[1]), y_lo, y_hi, (y_hi - y_lo) / START_POSITIONS, fmt=".2f"),
            "shown": slider("steps shown", min(int(shown), MAX_STEPS) // SHOWN_STEP * SHOWN_STEP, 0, MAX_STEPS,
                            SHOWN_STEP),
        }
        super().__init__(controls, play="shown")
        self._listen_for_clicks()

    # -- the figure -------------------------------------------------------------------------------
    def build(self):
        fig, (left, right) = plotting.new_figure(2, height=3.6, lecture_height=3.7,
                                                 gridspec_kw={"width_ratios": [1.25, 1]})
        self.contours = {key: draw_surface(left, key) for key in SURFACES}
        self._surface_shown = None  # a new figure: draw() chooses which surface's contours show
        right.set_yscale("log")
        right.set_ylim(LOSS_FLOOR, 1e4)
        right.set_xlabel("step $k$")
        right.set_ylabel("$f(x_k)$, log scale")
        self.left, self.right = left, right
        self.paths, self.nows, self.losses = [], [], []
        self._drawn = [(None, None)] * len(RACERS)  # each racer's run and step as its artists show them
        for name, _, colour, _ in RACERS:
            colour, style = plotting.OKABE_ITO[colour], "--" if name in ADAPTIVE else "-"
            self.paths.append(left.plot([], [], style, color=colour, lw=1.5, label=name)[0])
            self.nows.append(left.plot([], [], "o", color=colour, ms=8, mec="white")[0])
            self.losses.append(right.plot([], [], style, color=colour, lw=1.5)[0])
        (self.start_mark,) = left.plot([], [], "s", color="black", ms=7)
        fig.legend(handles=self.paths, loc="outside right center", frameon=False)
        return fig

    def animated_artists(self):
        return [*self.paths, *self.nows, *self.losses, self.start_mark]

    def view_changed(self, surface, **values):
        return surface != self._surface_shown

    def _show_surface(self, surface):
        for key, artists in self.contours.items():
            for artist in artists:
                artist.set_visible(key == surface)
        (x_lo, x_hi), (y_lo, y_hi) = SURFACES[surface].view
        self.left.set_xlim(x_lo, x_hi)
        self.left.set_ylim(y_lo, y_hi)
        self.left.set_title(SURFACES[surface].label)
        self.right.set_xlim(-0.01 * SURFACES[surface].steps, 1.01 * SURFACES[surface].steps)
        self._surface_shown = surface

    # -- the runs ---------------------------------------------------------------------------------
    def _settings(self, racer, values):
        _, _, _, params = racer
        start = (_start_key(values["x0"]), _start_key(values["y0"]))
        return {hyper: _key(values[control]) for hyper, control in params.items()}, start

    def runs(self, **values):
        """The six runs for these control values (``shown`` is ignored), computed once and cached."""
        return [self._run(racer, values) for racer in RACERS]

    def _run(self, racer, values):
        name, rule, _, params = racer
        surface = values["surface"]
        hyper, start = self._settings(racer, values)
        key = (name, surface, start, tuple(hyper.items()))
        if key not in self._cache:
            if len(self._cache) > 20000:
                self._cache.clear()
            axis = self._moving if self._moving in (*params.values(), "x0", "y0") else None
            if axis is not None:
                self._run_row(racer, surface, hyper, start, axis)
            if key not in self._cache:  # no row to compute, or a value off the slider's positions
                self._cache[key] = self._single(rule, surface, start, hyper)
        return self._cache[key]

    def _single(self, rule, surface, start, hyper):
        spec = SURFACES[surface]
        return run(spec.objective, rule, list(start), max_steps=spec.steps, tol=TOL, bound=spec.bound, **hyper)

    def _positions(self, control):
        """Every value the slider ``control`` can take, as the front end computes them."""
        c = self.controls[control]
        k = np.arange(int(round((c.max - c.min) / c.step)) + 1)
        values = c.min + k * c.step
        return 10.0**values if isinstance(c, widgets.FloatLogSlider) else values

    def _run_row(self, racer, surface, hyper, start, axis):
        """Run ``racer`` for every position of slider ``axis`` (the others fixed) in one grid run; cache each."""
        name, rule, _, params = racer
        spec = SURFACES[surface]
        positions = np.array([_key(p) for p in self._positions(axis)])  # every run uses settings as keyed
        starts, grid_hyper = np.array(start, dtype=float), dict(hyper)
        if axis in ("x0", "y0"):
            positions = np.array([_start_key(p) for p in positions])
            starts = np.repeat(starts[None, :], len(positions), axis=0)
            starts[:, 0 if axis == "x0" else 1] = positions
            current = start[0 if axis == "x0" else 1]
        else:
            hyper_name = next(h for h, c in params.items() if c == axis)
            grid_hyper[hyper_name], current = positions, hyper[hyper_name]
        if not np.any([_key(p) == _key(current) for p in positions]):
            return  # the value is off the slider's positions (a click, a value set in code): no row to share
        grid = run(spec.objective, rule, starts, max_steps=spec.steps, tol=TOL, bound=spec.bound, tail=spec.steps + 1,
                   **grid_hyper)
        losses = spec.objective.f(grid.iterates)
        for j, p in enumerate(positions):
            n = int(grid.steps[j])
            if axis in ("x0", "y0"):
                key_start, key_hyper = tuple(starts[j]), hyper
            else:
                key_start, key_hyper = start, {**hyper, hyper_name: _key(p)}
            self._cache[(name, surface, key_start, tuple(key_hyper.items()))] = Run(
                grid.iterates[j, : n + 1], str(grid.status[j]), n, {**key_hyper}, losses[j, : n + 1])

    def play_length(self, **values):
        """The longest run's last step, rounded up to the step slider's grid (Play moves along it)."""
        return -(-max(r.steps for r in self.runs(**values)) // SHOWN_STEP) * SHOWN_STEP

    # -- drawing ----------------------------------------------------------------------------------
    def draw(self, surface, lr, lr_adaptive, beta1, beta2, x0, y0, shown):
        if surface != self._surface_shown:
            self._show_surface(surface)
        values = dict(surface=surface, lr=lr, lr_adaptive=lr_adaptive, beta1=beta1, beta2=beta2, x0=x0, y0=y0)
        records = self.runs(**values)
        for i, (record, path, now, loss) in enumerate(zip(records, self.paths, self.nows, self.losses, strict=True)):
            k = min(shown, record.steps)
            if self._drawn[i][0] is record and self._drawn[i][1] == k:
                continue  # a racer whose run and step did not change (another's learning rate moved): left as it is
            self._drawn[i] = (record, k)
            pts = record.iterates[: k + 1]
            path.set_data(pts[:, 0], pts[:, 1])
            now.set_data(pts[-1:, 0], pts[-1:, 1])
            drawn = np.r_[0:k:max(1, (k + 1) // LOSS_POINTS), k]  # ~400 px wide: more points cost only time
            loss.set_data(drawn, np.maximum(record.losses[drawn], LOSS_FLOOR))
        start = ([_start_key(x0)], [_start_key(y0)])
        if [list(v) for v in self.start_mark.get_data()] != list(start):
            self.start_mark.set_data(*start)
        return race_readout(SURFACES[surface], records, shown)

    # -- choosing the start by a click ------------------------------------------------------------
    def _listen_for_clicks(self):
        self.live.on_click(self.on_click)  # on the canvas; on the PNG image (no canvas front end) by ipyevents
        try:
            from ipyevents import Event
        except ImportError:  # the sliders still choose the start
            self.clicks = None
            return
        self.clicks = Event(source=self.live.image, watched_events=["click"])
        self.clicks.on_dom_event(self.on_click)

    def on_click(self, event):
        """A click on the figure (ipyevents' event: ``dataX``, ``dataY`` in image pixels): on the contour
        plot it moves the start there; elsewhere it does nothing."""
        height = self.live.canvas.get_width_height()[1]
        px, py = event.get("dataX"), event.get("dataY")
        if not all(isinstance(v, (int, float)) and np.isfinite(v) for v in (px, py)):
            return
        x, y = self.left.transData.inverted().transform((px, height - py))
        self.choose_start(x, y)

    def choose_start(self, x, y):
        """Move the start to (x, y), snapped to the sliders' positions; ignored outside the view."""
        (x_lo, x_hi), (y_lo, y_hi) = SURFACES[self.controls["surface"].value].view
        if not (x_lo <= x <= x_hi and y_lo <= y <= y_hi):
            return False
        self._adjusting = True
        try:
            for name, value in (("x0", x), ("y0", y)):
                c = self.controls[name]
                c.value = _start_key(c.min + round((value - c.min) / c.step) * c.step)
        finally:
            self._adjusting = False
        self._moving = None
        self.update()
        return True

    # -- the controls -----------------------------------------------------------------------------
    def _on_change(self, change):
        if self._adjusting:
            return
        name = next(k for k, c in self.controls.items() if c is change.owner)
        same = _start_key if name in ("x0", "y0") else _key
        if name not in ("surface", "shown") and same(change.new) == same(change.old):
            return  # the front end's echo of a value set here (a click), snapped to its grid: nothing to redo
        if name == "surface":
            self._set_surface(change.new)
        self._moving = name
        self.refresh(change)

    def _set_surface(self, surface):
        """A new surface: its view on the start sliders, and its start and learning rates."""
        spec = SURFACES[surface]
        self._adjusting = True
        try:
            for name, (lo, hi), value in zip(("x0", "y0"), spec.view, spec.start, strict=True):
                c = self.controls[name]
                c.min, c.max = min(lo, c.min), max(hi, c.max)  # never min > max on the way
                c.value = value
                c.min, c.max, c.step = lo, hi, (hi - lo) / START_POSITIONS
            self.controls["lr"].value = spec.lr
            self.controls["lr_adaptive"].value = spec.lr_adaptive
            self.controls["shown"].value = self.controls["shown"].max
        finally:
            self._adjusting = False

    def animation_caption(self, surface, lr, lr_adaptive, beta1, beta2, x0, y0, shown):
        return f"{SURFACES[surface].label}: step {shown}"

    def animation_frames(self):
        """Each surface at its defaults, in 20 frames."""
        frames = []
        for key, spec in SURFACES.items():
            base = dict(surface=key, lr=spec.lr, lr_adaptive=spec.lr_adaptive, beta1=0.9, beta2=0.99,
                        x0=spec.start[0], y0=spec.start[1])
            frames += [{**base, "shown": k} for k in range(0, spec.steps + 1, spec.steps // 20)]
        return frames


def _where(spec, record):
    """' at the saddle (0, 0)' when a run ends on a critical point, else ''."""
    if record.status != "converged":
        return ""
    for p in spec.objective.critical_points():
        if np.linalg.norm(np.asarray(record.x) - np.asarray(p.x)) < 1e-3:
            return f" at the {p.kind} ({p.x[0]:g}, {p.x[1]:g})"
    return ""


def race_readout(spec, records, shown):
    """'converged at the minimum (1, 1): momentum in 310 steps, Adam in 402 steps · not converged after 1,500 steps:
    gradient descent f = 0.19 · RMSProp: diverged after 12 steps (‖x‖ > 30)': racers that end alike share one
    phrase (where the first of them stands), so the line stays short enough for a projector."""
    parts, groups = [], {}
    for (name, *_), record in zip(RACERS, records, strict=True):
        if record.status == "diverged":
            parts.append(f"{name}: {record.outcome()} (‖x‖ > {spec.bound:g})")
            continue
        if record.status == "converged":
            phrase, own = f"converged{_where(spec, record)}", f"in {record.steps:,} step{'s' * (record.steps != 1)}"
        else:
            phrase, own = record.outcome(), f"f = {float(record.losses[-1]):.2g}"
        if phrase not in groups:
            groups[phrase] = len(parts), []
            parts.append(None)  # filled below
        groups[phrase][1].append(f"{name} {own}")
    for phrase, (k, members) in groups.items():
        parts[k] = f"{phrase}: {', '.join(members)}"
    if shown < max(r.steps for r in records):
        parts.append(f"showing {shown} step{'s' if shown != 1 else ''}")
    return " · ".join(parts)


BENCHMARKS = [
    # slider positions (20 per decade from the default 0.001), as a drag produces them
    (RaceDemo.name, RaceDemo, "lr", [10.0 ** (-3 + k / LR_PER_DECADE) for k in range(-20, 7)]),
]
RECOMPUTE = [
    # starts off the sliders' positions, as a click gives them: each value runs all six rules anew
    ("race click on Rosenbrock", RaceDemo, "y0", [0.013, 0.27, 0.61, 1.234, 1.77, 2.21, 2.63, -0.33, -0.71]),
]
