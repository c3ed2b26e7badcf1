"""What a viewer sees in a figure: overlapping or clipped text, fonts too small for a projector, legends
over data. Used by ``test_layout.py`` on every figure the notebooks draw and on every demo frame.

The check records the texts a real draw puts on the canvas (so tick labels outside the view, empty
strings and hidden artists do not count) and measures them with the renderer that drew them.
"""

from __future__ import annotations

import io
import itertools
import json
import pathlib
from contextlib import redirect_stdout

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.text import Text

from helpers import plotting

#: Edge crossings smaller than this (in pixels) are antialiasing, not a problem.
SLACK_PX = 1.0
#: Two texts closer than this (in pixels) read as one ("−0.50−0.25"), even where they do not overlap.
GAP_PX = 3.0


def drawn_texts(fig, draw):
    """``draw()`` the figure once and return every (text artist, its window extent) that was drawn."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    seen = []
    original = Text.draw

    def record(text, renderer):  # what Text.draw itself skips (hidden, empty) does not count
        if text.get_visible() and text.get_text().strip():
            seen.append(text)
        return original(text, renderer)

    Text.draw = record
    try:
        draw()
    finally:
        Text.draw = original
    renderer = canvas.get_renderer()
    unique = list(dict.fromkeys(seen))
    return [(t, t.get_window_extent(renderer)) for t in unique], renderer


def describe(text):
    return repr(text.get_text().replace("\n", " ")[:40])


def text_problems(texts, fig, *, lecture, display_px):
    """Overlapping texts, texts crossing the figure edge and (``lecture``) fonts below the projector minimum."""
    width, height = fig.bbox.width, fig.bbox.height
    scale = min(1.0, display_px / width)  # a figure wider than the screen is shown shrunk
    problems = []
    for text, box in texts:
        if box.x0 < -SLACK_PX or box.y0 < -SLACK_PX or box.x1 > width + SLACK_PX or box.y1 > height + SLACK_PX:
            problems.append(f"text {describe(text)} crosses the figure edge ({box.x0:.0f}, {box.y0:.0f}, "
                            f"{box.x1:.0f}, {box.y1:.0f}) in a {width:.0f}×{height:.0f} figure")
        shown = text.get_fontsize() * scale
        if lecture and shown < plotting._LECTURE_MIN_FONT - 1e-6:
            problems.append(f"text {describe(text)} is {shown:.1f} pt on screen, below the lecture minimum "
                            f"{plotting._LECTURE_MIN_FONT:g} pt")
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
        dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if dx > -GAP_PX and dy > -GAP_PX:
            what = f"overlap by {dx:.0f}×{dy:.0f} px" if dx > 0 and dy > 0 else f"are less than {GAP_PX:g} px apart"
            problems.append(f"texts {describe(a)} and {describe(b)} {what}")
    return problems


def _data_points(ax, renderer, legend):
    """Display coordinates of the data an axes shows: line vertices and scatter offsets (not contours,
    images or axis-spanning reference lines, which sit behind everything)."""
    points = []
    for line in ax.get_lines():
        if not line.get_visible() or line in legend.get_lines():
            continue
        xy = line.get_xydata()
        if len(xy) == 0 or line.get_transform() is not ax.transData:
            continue  # axhline/axvline are drawn in mixed coordinates: guides, not data
        points.append(ax.transData.transform(xy))
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and coll.get_visible() and len(coll.get_offsets()):
            points.append(coll.get_offset_transform().transform(coll.get_offsets()))
    return np.concatenate(points) if points else np.empty((0, 2))


def legend_problems(fig, renderer):
    """Legends drawn inside an axes that cover some of its data."""
    problems = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if not isinstance(legend, Legend) or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        if not box.overlaps(ax.bbox):
            continue  # placed beside the axes
        pts = _data_points(ax, renderer, legend)
        inside_axes = (pts[:, 0] >= ax.bbox.x0) & (pts[:, 0] <= ax.bbox.x1) & (pts[:, 1] >= ax.bbox.y0) & (
            pts[:, 1] <= ax.bbox.y1)
        pts = pts[inside_axes & np.all(np.isfinite(pts), axis=1)]
        hidden = (pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)
        if hidden.any():
            title = ax.get_title() or "an axes"
            problems.append(f"the legend of {title!r} hides {int(hidden.sum())} data point(s)")
    return problems


def figure_problems(fig, *, lecture, display_px, draw=None):
    """Every layout problem of ``fig`` as drawn by ``draw`` (default: a full draw of the canvas)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    texts, renderer = drawn_texts(fig, draw or canvas.draw)
    return text_problems(texts, fig, lecture=lecture, display_px=display_px) + legend_problems(fig, renderer)


def demo_problems(demo, *, lecture, display_px):
    """Layout problems of a live demo's current frame: the cached background plus its animated artists."""
    live = demo.live

    def draw():
        live.invalidate()
        live.render()

    return figure_problems(live.fig, lecture=lecture, display_px=display_px, draw=draw)


# -- every figure of a notebook ---------------------------------------------------------------------
def code_cells(path):
    nb = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        yield "".join(cell["source"]), "nbval-ignore-output" in tags


def notebook_figures(path, setattr_):
    """Run the notebook's code cells in this process (widget cells skipped: demos are checked on their
    own) and return the figures it shows, as ``(fig, alt)``."""
    shown = []
    setattr_(plotting, "show", lambda fig, alt, **_: shown.append((fig, alt)))
    namespace = {"__name__": "__notebook__"}
    with redirect_stdout(io.StringIO()):
        for source, widget in code_cells(path):
            if not widget:
                exec(compile(source, str(path), "exec"), namespace)  # noqa: S102 - the project's own notebooks
    return shown
