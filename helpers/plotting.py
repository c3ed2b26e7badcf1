"""House style and figure builders.

Colours are the Okabe–Ito palette, which stays distinguishable for the common kinds of colour
blindness and on a washed-out projector. Figures are sized for a 1280×720 projector.
"""

from __future__ import annotations

import os

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: Colours in the order plots use them.
CYCLE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]
#: Colour of the objective's curve or contours, kept out of the cycle.
CURVE = "#555555"

STYLE = {
    "figure.figsize": (10.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "legend.fontsize": 11,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "figure.constrained_layout.use": True,
}


#: Projector settings: at 1280×720 a 10-inch-wide figure is shown about 1:1, so 16 pt is ≥ 22 px.
LECTURE_MIN_FONT = 16.0
LECTURE_STYLE = {
    "font.size": 18,
    "axes.titlesize": 19,
    "axes.labelsize": 18,
    "xtick.labelsize": 16,
    "ytick.labelsize": 16,
    "legend.fontsize": 16,
    "lines.linewidth": 3.0,
    "lines.markersize": 9,
    "grid.alpha": 0.5,
    "axes.linewidth": 1.5,
}
_lecture = os.environ.get("GD_LECTURE_MODE", "").strip().lower() not in ("", "0", "false", "no", "off")


def lecture_mode(on=True):
    """Switch every later figure and widget of the collection to projector size (or back).

    Larger fonts (≥ 16 pt), thicker lines, darker curves, a larger readout. Off by default; also
    switched on by the environment variable ``GD_LECTURE_MODE=1``. Only pictures change, never a
    printed number, so the notebooks' regression baseline is unaffected.
    """
    global _lecture
    _lecture = bool(on)
    use_house_style()


def is_lecture_mode():
    return _lecture


def current_style():
    """The house style, with the projector settings on top in lecture mode."""
    return {**STYLE, **LECTURE_STYLE} if _lecture else dict(STYLE)


def use_house_style():
    """Apply the collection's matplotlib style (palette, sizes, grid) to every later figure."""
    mpl.rcParams.update(current_style())


def for_projector(fig):
    """In lecture mode, enlarge every text to ≥ 16 pt, thicken lines and darken grey curves.

    Applied to each finished figure (static or live) so that it holds whatever sizes a figure
    builder chose; does nothing outside lecture mode.
    """
    if not _lecture:
        return fig
    for ax in fig.axes:
        ax.tick_params(labelsize=LECTURE_MIN_FONT)
    for text in fig.findobj(Text):
        text.set_fontsize(max(text.get_fontsize() * 1.4, LECTURE_MIN_FONT))
    for line in fig.findobj(Line2D):
        line.set_linewidth(line.get_linewidth() * 1.5)
        line.set_markersize(line.get_markersize() * 1.3)
        if line.get_color() == CURVE:
            line.set_color("#000000")
    return fig


def new_figure(ncols=1, nrows=1, *, width=10.0, height=4.0, **kwargs):
    """A figure and its axes, made without pyplot (for live figures, which must not auto-display)."""
    with mpl.rc_context(current_style()):
        fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes.ravel() if axes.size > 1 else axes[0, 0]


def plot_objective(ax, objective, xlim=None, n=400, **kwargs):
    """Draw a one-dimensional objective as a grey curve over ``xlim``."""
    lo, hi = objective.xlim if xlim is None else xlim
    x = np.linspace(lo, hi, n)
    kwargs.setdefault("color", CURVE)
    kwargs.setdefault("lw", 1.5)
    (line,) = ax.plot(x, objective.f(x), **kwargs)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    return line


def plot_path(ax, run, objective, color=None, label=None, max_points=None):
    """Draw a one-dimensional run as points on the curve joined by a thin zig-zag line."""
    x = run.iterates if max_points is None else run.iterates[:max_points]
    y = objective.f(x)
    (line,) = ax.plot(x, y, "-o", color=color, lw=1, ms=5, alpha=0.9, label=label)
    return line


def plot_iterates(ax, run, color=None, label=None, **kwargs):
    """Draw x_k against k (one-dimensional runs)."""
    k = np.arange(len(run.iterates))
    (line,) = ax.plot(k, run.iterates, "-o", color=color, ms=4, label=label, **kwargs)
    ax.set_xlabel("step k")
    ax.set_ylabel("x_k")
    return line


def figure_png(fig):
    """The figure rendered to PNG bytes at its own size and dpi."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    out = io.BytesIO()
    FigureCanvasAgg(fig).print_png(out)
    return out.getvalue()


def show(fig, alt):
    """Display a figure as a PNG with ``alt`` as its text form.

    The text form is what a screen reader, a text-only export and nbval see; it replaces the
    default ``<Figure size …>`` line, which says nothing about the picture.
    """
    import base64

    from IPython.display import display

    for_projector(fig)
    data = {"image/png": base64.b64encode(figure_png(fig)).decode("ascii"), "text/plain": alt}
    display(data, raw=True)
