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
#: One colour per outcome of a run, the same in every notebook: by the critical point a converged run
#: reached, then by what an unconverged run did.
OUTCOME_COLORS = {
    "local minimum": OKABE_ITO["sky"],
    "local maximum": OKABE_ITO["purple"],
    "global minimum": OKABE_ITO["blue"],
    "cycle": OKABE_ITO["orange"],
    "bounded": OKABE_ITO["yellow"],
    "diverged": OKABE_ITO["vermillion"],
}


def outcome_color(label):
    """The colour of an outcome label such as 'converged to the global minimum x* = 1.71' or 'diverged'."""
    return next(colour for key, colour in OUTCOME_COLORS.items() if key in label)

STYLE = {
    "figure.figsize": (10.8, 4.0),
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


#: Width of every figure, in inches at 100 dpi: 1080 px, the output column of JupyterLab in a
#: 1280×720 window with the file browser closed (1100 px), so a figure is shown at its own size.
FIGURE_WIDTH = 10.8
#: Panels narrower than this (inches) wrap onto another row: a panel needs room for its tick labels,
#: its axis label and a title, and in lecture mode these are half as large again.
MIN_PANEL_WIDTH = {False: 2.6, True: 3.5}
#: Tallest figure in lecture mode (inches): with a line of text above it, it still fits a 1280×720 slide.
LECTURE_MAX_HEIGHT = 6.2

#: Projector settings: a figure is shown 1:1 (see FIGURE_WIDTH), so 16 pt is 22 px on the screen.
LECTURE_MIN_FONT = 16.0
LECTURE_STYLE = {
    "font.size": 17,
    "axes.titlesize": 18,
    "axes.labelsize": 17,
    "xtick.labelsize": 16,
    "ytick.labelsize": 16,
    "legend.fontsize": 16,
    "figure.titlesize": 18,
    "lines.markersize": 8,
    "grid.alpha": 0.5,
    "axes.linewidth": 1.5,
    "axes.titlepad": 10.0,
    "legend.handlelength": 1.6,
    "legend.borderpad": 0.3,
    "legend.labelspacing": 0.3,
}
_lecture = os.environ.get("GD_LECTURE_MODE", "").strip().lower() not in ("", "0", "false", "no", "off")


def lecture_mode(on=True):
    """Switch every later figure and widget of the collection to projector size (or back).

    Larger fonts (≥ 16 pt), thicker lines, darker curves, a larger readout and larger controls, each
    figure laid out for them. Off by default; also switched on by the environment variable
    ``GD_LECTURE_MODE=1``. Only pictures change, never a printed number, so the notebooks'
    regression baseline is unaffected.
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


def projector_strokes(fig):
    """In lecture mode, thicken the lines and darken grey curves of a finished figure (or do nothing).

    Only strokes change: every text is laid out by the figure's own builder for the current mode
    (:func:`new_figure` and the rc settings), never enlarged afterwards.
    """
    if not _lecture:
        return fig
    for line in fig.findobj(Line2D):
        line.set_linewidth(line.get_linewidth() * 1.5)
        if line.get_color() == CURVE:
            line.set_color("#000000")
    return fig


def new_figure(ncols=1, nrows=1, *, width=FIGURE_WIDTH, height=4.0, lecture_height=None, **kwargs):
    """A figure and its axes, laid out for the current mode (made without pyplot, so it never auto-displays).

    Every figure is :data:`FIGURE_WIDTH` wide in lecture mode (at most that otherwise), so it is shown
    at its own size on a 1280×720 screen and fills a slide. A single row of panels that would be
    narrower than :data:`MIN_PANEL_WIDTH` wraps onto more rows; the axes still come back as one flat
    array in reading order (unused cells removed), so code that loops over them works in both modes.

    Parameters
    ----------
    ncols, nrows : int
    width, height : float
        Size in inches in normal mode (``height`` per row).
    lecture_height : float, optional
        Height per row in lecture mode; default ``1.15 × height``, room for the larger text.
    **kwargs
        Passed to ``Figure.subplots`` (``sharey``, ``gridspec_kw``, …).
    """
    lecture = _lecture
    width = FIGURE_WIDTH if lecture else min(width, FIGURE_WIDTH)
    row_height = (lecture_height or 1.15 * height) if lecture else height
    panels = ncols * nrows
    per_row = max(1, int(width // MIN_PANEL_WIDTH[lecture]))
    if nrows == 1 and ncols > per_row and "gridspec_kw" not in kwargs:
        nrows = -(-ncols // per_row)
        ncols = -(-ncols // nrows)  # 5 panels: 3 + 2 rather than 4 + 1
    total = min(row_height * nrows, LECTURE_MAX_HEIGHT) if lecture else row_height * nrows
    with mpl.rc_context(current_style()):
        fig = Figure(figsize=(width, total), dpi=100, layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs).ravel()
    for ax in axes[panels:]:
        ax.remove()
    axes = axes[:panels]
    return fig, axes if panels > 1 else axes[0]


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
    ax.set_xlabel("step $k$")
    ax.set_ylabel("$x_k$")
    return line


def figure_png(fig, *, compact=False):
    """The figure rendered to PNG bytes at its own size and dpi, with no metadata (no software version).

    With ``compact`` the picture is stored in 256 colours (about a third of the bytes; the eye sees no
    difference on a plot): that is how the notebooks store their figures, to stay small in git.
    Either way the same figure always gives the same bytes.
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    out = io.BytesIO()
    if not compact:
        canvas.print_png(out, metadata={"Software": None})
        return out.getvalue()
    canvas.draw()
    rgb = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    rgb.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, format="png", optimize=True)
    return out.getvalue()


def show(fig, alt):
    """Display a figure as a PNG with ``alt`` as its text form.

    The text form is what a screen reader, a text-only export and nbval see; it replaces the
    default ``<Figure size …>`` line, which says nothing about the picture.
    """
    import base64

    from IPython.display import display

    projector_strokes(fig)
    data = {"image/png": base64.b64encode(figure_png(fig, compact=True)).decode("ascii"), "text/plain": alt}
    display(data, raw=True)
