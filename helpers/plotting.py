"""House style and figure builders.

Colours are the Okabe–Ito palette, which stays distinguishable for the common kinds of colour
blindness and on a washed-out projector. Figures are sized for a 1280×720 projector.
"""

from __future__ import annotations

import base64
import io
import os

import matplotlib as mpl
import numpy as np
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter
from PIL import Image

from . import regression

OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}
#: Colours in the order plots use them.
CYCLE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]
#: Colour of the objective's curve or contours, kept out of the cycle.
CURVE = "#555555"
#: One colour per outcome of a run, the same in every notebook: by the critical point a converged run
#: reached, then by what an unconverged run did.
OUTCOME_COLORS = {"local minimum": OKABE_ITO["sky"], "local maximum": OKABE_ITO["purple"],
                  "global minimum": OKABE_ITO["blue"], "cycle": OKABE_ITO["orange"], "bounded": OKABE_ITO["yellow"],
                  "diverged": OKABE_ITO["vermillion"]}
#: "Where you are now": the current point or setting in every demo.
CURRENT = OKABE_ITO["green"]
#: Probability of class 1 as a colour: blue (class 0) through white (undecided, o = ½) to orange.
PROBABILITY_CMAP = LinearSegmentedColormap.from_list("class_probability", [(0.0, "#86B8E0"), (0.45, "#DCEAF6"),
                                                     (0.5, "#FFFFFF"), (0.55, "#FBE6C8"), (1.0, "#F0BD6E")], N=256)


def outcome_colors(omap):
    """The colour of every code of a :class:`~helpers.outcomes.OutcomeMap`, from :data:`OUTCOME_COLORS`."""
    return [OUTCOME_COLORS[omap.point_names[c] if c < len(omap.points) else omap.kinds[c]]
            for c in range(len(omap.labels))]


def _legend_labels(omap):
    """Short legend text per map code: 'local minimum x* = −1.40', 'cycle (period ≥ 2)', …"""
    short = {"cycle": "cycle (period ≥ 2)", "bounded": "bounded, not converged", "diverged": "diverged"}
    points = [f"{name} x* = {p.x:.2f}".replace("-", "−") for p, name in zip(omap.points, omap.point_names, strict=True)]
    return points + [short[kind] for kind in omap.kinds[len(points):]]


_STYLE = {"figure.figsize": (10.8, 4.0), "figure.dpi": 100, "savefig.dpi": 100, "figure.constrained_layout.use": True,
          "font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "legend.fontsize": 11, "lines.linewidth": 2.0,
          "lines.markersize": 6, "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False,
          "axes.spines.right": False, "axes.prop_cycle": mpl.cycler(color=CYCLE)}
#: Width of every figure, in inches at 100 dpi: 1080 px, the output column of JupyterLab in a
#: 1280×720 window with the file browser closed (1100 px), so a figure is shown at its own size.
_FIGURE_WIDTH = 10.8
#: Panels narrower than this (inches) wrap onto another row: a panel needs room for its tick labels,
#: its axis label and a title, and in lecture mode these are half as large again.
_MIN_PANEL_WIDTH = {False: 2.6, True: 3.5}
#: Tallest figure in lecture mode (inches): with a line of text above it, it still fits a 1280×720 slide.
_LECTURE_MAX_HEIGHT = 6.2

#: Projector settings: a figure is shown 1:1 (see _FIGURE_WIDTH), so 16 pt is 22 px on the screen.
_LECTURE_MIN_FONT = 16.0
_LECTURE_STYLE = {"font.size": 17, "axes.titlesize": 18, "axes.labelsize": 17, "xtick.labelsize": 16,
                  "ytick.labelsize": 16, "legend.fontsize": 16, "figure.titlesize": 18, "lines.markersize": 8,
                  "grid.alpha": 0.5, "axes.linewidth": 1.5, "axes.titlepad": 10.0, "legend.handlelength": 1.6,
                  "legend.borderpad": 0.3, "legend.labelspacing": 0.3}
_lecture = os.environ.get("GD_LECTURE_MODE", "").strip().lower() not in ("", "0", "false", "no", "off")


def lecture_mode(on=True):
    """Switch every later figure and widget to projector size (or back): fonts ≥ 16 pt, thicker lines,
    darker curves, larger readout and controls, each figure laid out for them. Off by default, on with
    ``GD_LECTURE_MODE=1``. Only pictures change, never a printed number."""
    global _lecture
    _lecture = bool(on)
    use_house_style()


def _current_style():
    """The house style, with the projector settings on top in lecture mode."""
    return {**_STYLE, **_LECTURE_STYLE} if _lecture else dict(_STYLE)


def use_house_style():
    """Apply the collection's matplotlib style (palette, sizes, grid) to every later figure."""
    mpl.rcParams.update(_current_style())


def _projector_strokes(fig):
    """In lecture mode, thicken the lines and darken grey curves of a finished figure (or do nothing).
    Only strokes change: texts are laid out for the mode when the figure is built, never enlarged later."""
    if not _lecture:
        return fig
    for line in fig.findobj(Line2D):
        line.set_linewidth(line.get_linewidth() * 1.5)
        if line.get_color() == CURVE:
            line.set_color("#000000")
    return fig


def new_figure(ncols=1, nrows=1, *, width=_FIGURE_WIDTH, height=4.0, lecture_height=None, **kwargs):
    """A figure and its axes, laid out for the current mode (made without pyplot, so it never auto-displays).

    Every figure is :data:`_FIGURE_WIDTH` wide in lecture mode (at most that otherwise), so it is shown
    at its own size on a 1280×720 screen and fills a slide. A single row of panels that would be
    narrower than :data:`_MIN_PANEL_WIDTH` wraps onto more rows; the axes still come back as one flat
    array in reading order (unused cells removed), so code that loops over them works in both modes.
    ``width`` and ``height`` (per row) are inches in normal mode; ``lecture_height`` is the height per
    row in lecture mode (default 1.15 × height, room for the larger text); ``kwargs`` go to
    ``Figure.subplots`` (``sharey``, ``gridspec_kw``, …).
    """
    lecture = _lecture
    width = _FIGURE_WIDTH if lecture else min(width, _FIGURE_WIDTH)
    row_height = (lecture_height or 1.15 * height) if lecture else height
    panels = ncols * nrows
    per_row = max(1, int(width // _MIN_PANEL_WIDTH[lecture]))
    if nrows == 1 and ncols > per_row and "gridspec_kw" not in kwargs:
        nrows = -(-ncols // per_row)
        ncols = -(-ncols // nrows)  # 5 panels: 3 + 2 rather than 4 + 1
    total = min(row_height * nrows, _LECTURE_MAX_HEIGHT) if lecture else row_height * nrows
    with mpl.rc_context(_current_style()):
        fig = Figure(figsize=(width, total), dpi=100, layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs).ravel()
    for ax in axes[panels:]:
        ax.remove()
    return fig, axes[:panels] if panels > 1 else axes[0]


def plot_objective(ax, objective, xlim=None):
    """Draw a one-dimensional objective as a grey curve over ``xlim`` (default: its own plotting range)."""
    lo, hi = objective.xlim if xlim is None else xlim
    x = np.linspace(lo, hi, 400)
    (line,) = ax.plot(x, objective.f(x), color=CURVE, lw=1.5)
    ax.set(xlim=(lo, hi), xlabel="x", ylabel="f(x)")
    return line


def draw_outcome_map(ax, omap, *, legend=True, limits=True):
    """Draw an outcome map of starts × learning rates as an image: x₀ across, η up on a log scale.

    ``omap`` is an :func:`~helpers.outcomes.outcome_map` with starts ``x0[None, :]`` and learning rates ``lr[:, None]``.
    With ``limits``, dashed lines mark each minimum's stability limit η = 2/f''(x*). Returns the image artist.
    """
    colors = outcome_colors(omap)
    x0, lr = omap.runs.x0[0], omap.runs.lr[:, 0]
    lo, hi = np.log10(lr[0]), np.log10(lr[-1])
    dx, dy = (x0[-1] - x0[0]) / (len(x0) - 1) / 2, (hi - lo) / (len(lr) - 1) / 2
    image = ax.imshow(omap.code, origin="lower", aspect="auto", interpolation="nearest", cmap=ListedColormap(colors),
                      vmin=-0.5, vmax=len(colors) - 0.5, extent=(x0[0] - dx, x0[-1] + dx, lo - dy, hi + dy))
    ax.grid(False)
    ax.yaxis.set_major_locator(FixedLocator(np.log10([t for t in (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
                                                      if lr[0] <= t <= lr[-1]])))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{10**y:g}"))
    ax.set(xlabel="start x₀", ylabel="learning rate η (log scale)")
    for p in omap.points if limits else ():
        if p.kind == "minimum":
            y = np.log10(2.0 / float(omap.objective.hess(p.x)))
            ax.axhline(y, color="black", ls="--", lw=1)
            ax.annotate(f"2/f''({p.x:.2f})".replace("-", "−"), (x0[0], y), xytext=(4, 3), textcoords="offset points")
    if legend:
        labels = _legend_labels(omap)
        handles = [Patch(color=colors[c], label=labels[c]) for c in omap.present()]
        if limits:
            handles.append(Line2D([], [], color="black", ls="--", lw=1, label="η = 2/f''(x*)"))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, borderaxespad=0)
    return image


def line_contours(ax, x, y, view, *, start=None):
    """Contours of L − L* of the line fit to (x, y) over ``view`` = ((w range), (b range)), the
    least-squares point (star) and, if given, the start (square)."""
    W, B = np.meshgrid(np.linspace(*view[0], 121), np.linspace(*view[1], 121))
    excess = regression.excess_loss(np.column_stack([W.ravel(), B.ravel()]), x, y).reshape(W.shape)
    ax.contour(W, B, excess, levels=np.geomspace(0.01, 30.0, 10), colors=CURVE, linewidths=0.8)
    ax.plot(*regression.least_squares(x, y), "*", color="black", ms=15, zorder=5, label="least squares (w*, b*)")
    if start is not None:
        ax.plot(*start, "s", color=CURVE, ms=7, zorder=5, label="start")
    ax.set(xlim=view[0], ylim=view[1], xlabel="slope w", ylabel="intercept b")


def _figure_png(fig):
    """The figure as PNG bytes at its own size and dpi, with no metadata (the same figure, the same bytes),
    in 256 colours: a third of the bytes (how the notebooks store figures, to stay small)."""
    canvas = FigureCanvasAgg(fig)
    out = io.BytesIO()
    canvas.draw()
    rgb = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    rgb.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, format="png", optimize=True)
    return out.getvalue()


def show(fig, alt, *, cpu_dependent=None):
    """Display a figure as a PNG with ``alt`` as its text form: what a screen reader, a text-only export
    and nbval see, in place of the default ``<Figure size …>`` line, which says nothing about the picture.
    ``cpu_dependent=(ax, (x_from, x_to))``: that strip of ``ax`` shows round-off itself, which moves with the
    CPU; its pixel box goes into the output's metadata, and ``tools/execute.py`` compares the rest only."""
    _projector_strokes(fig)
    data = {"image/png": base64.b64encode(_figure_png(fig)).decode("ascii"), "text/plain": alt}
    display(data, raw=True, metadata={"image/png": {"cpu_dependent_box": _pixel_box(fig, *cpu_dependent)}}
            if cpu_dependent else {})


def _pixel_box(fig, ax, x_range):
    """[left, top, right, bottom] in the drawn PNG's pixels (rows from the top) of ``ax`` between two x values."""
    (x0, y0), (x1, y1) = ax.transData.transform([(x_range[0], ax.get_ylim()[0]), (x_range[1], ax.get_ylim()[1])])
    box, height = ax.get_window_extent(), fig.canvas.get_width_height()[1]  # kept inside the axes
    xs, ys = np.clip(sorted((x0, x1)), box.x0, box.x1), np.clip(sorted((y0, y1)), box.y0, box.y1)
    return [int(np.floor(xs[0])), int(np.floor(height - ys[1])), int(np.ceil(xs[1])), int(np.ceil(height - ys[0]))]
