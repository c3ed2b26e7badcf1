"""Fast interactive figures: draw the static parts once, then blit only what changes.

A slider callback that rebuilds a two-panel figure and renders it costs ≈190 ms here, so a drag shows
a few frames per second. :class:`LiveFigure` renders the axes, curves and labels once into a cached
background; each update restores that background, draws just the changing artists on top
(matplotlib blitting: ``copy_from_bbox`` / ``restore_region`` / ``draw_artist``) and sends the pixels
as a PNG to an ``ipywidgets.Image``, about ten times less work.

:class:`Demo` wires sliders, a :class:`LiveFigure` and a one-line text readout together; a notebook
demo subclasses it and writes two methods: ``build`` (the figure and its artists) and ``draw``
(put the current values into the artists, return the readout text).
"""

from __future__ import annotations

import html
import struct
import time
import zlib

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from . import _validate
from .plotting import figure_png, for_projector, is_lecture_mode


def _chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def encode_png(rgba, level=2):
    """Encode an (h, w, 4) uint8 RGBA array as PNG.

    Written out directly (no row filters, fast zlib level) because encoding is the largest part of
    a frame: ≈3 ms here for a 1000×400 figure, against ≈9 ms through Pillow's default settings.
    """
    height, width = rgba.shape[:2]
    raw = np.empty((height, 1 + 4 * width), np.uint8)
    raw[:, 0] = 0  # filter type "none" for every row
    raw[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
        + _chunk(b"IEND", b"")
    )


class LiveFigure:
    """A matplotlib figure shown in an ``ipywidgets.Image`` and updated by blitting.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Made with ``matplotlib.figure.Figure`` (not pyplot), so the inline backend never shows it
        as a second, static copy.
    """

    def __init__(self, fig):
        self.fig = for_projector(fig)
        self.canvas = FigureCanvasAgg(fig)
        width, height = (int(round(v)) for v in fig.get_size_inches() * fig.dpi)
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%", height="auto")
        )
        self._artists = []
        self._background = None

    def animate(self, artist):
        """Register an artist that changes between frames; it is left out of the background."""
        artist.set_animated(True)
        self._artists.append(artist)
        return artist

    def invalidate(self):
        """Call after changing a static part (axis limits, a background curve): redrawn next render."""
        self._background = None

    def render(self):
        """Draw the changing artists over the cached background and push the PNG to the widget."""
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.canvas.restore_region(self._background)
        for artist in self._artists:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        png = encode_png(np.asarray(self.canvas.buffer_rgba()))
        self.image.value = png
        return png


def log_slider(description, value, low, high, *, steps_per_decade=50, fmt=".3g"):
    """A ``FloatLogSlider`` covering ``low`` to ``high`` (both > 0) whose grid passes through ``value``."""
    low = _validate.positive("low", low)
    high = _validate.positive("high", high)
    if not low < high:
        raise ValueError(f"low must be smaller than high, got low={low:g}, high={high:g}")
    value = _validate.real("value", value, low=low, high=high)
    # The front end snaps the value to the grid min + k·step and sends the snapped value back, so
    # anchor the grid at the starting value: what the notebook text promises is what the demo shows.
    step = 1.0 / steps_per_decade
    anchor = np.log10(value)
    # The ends move outwards by less than one step so that [low, high] stays covered.
    lo = anchor - step * np.ceil((anchor - np.log10(low)) / step - 1e-9)
    hi = anchor + step * np.ceil((np.log10(high) - anchor) / step - 1e-9)
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=lo,
        max=hi,
        step=step,
        description=description,
        readout_format=fmt,
        continuous_update=True,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )


def slider(description, value, low, high, step, *, fmt=None):
    """A ``FloatSlider`` (or ``IntSlider`` when every argument is an int) with house layout."""
    kind = widgets.IntSlider if all(isinstance(v, int) for v in (value, low, high, step)) else widgets.FloatSlider
    extra = {} if fmt is None else {"readout_format": fmt}
    return kind(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=True,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
        **extra,
    )


class Demo:
    """Sliders + live figure + text readout. Subclasses define ``build`` and ``draw``.

    ``controls`` maps parameter names to value widgets; every change of any of them calls
    :meth:`update`, which calls ``draw(**values)`` and then renders the figure. With ``play`` set
    to the name of an integer control, a Play button is linked to it (in the browser, so playing
    costs no extra kernel round trips beyond the updates themselves).
    """

    #: Short name, used in the benchmark's and the browser test's output and as a CSS class.
    name = "demo"
    play_interval_ms = 250

    def __init__(self, controls, play=None):
        self.controls = dict(controls)
        # An HTML widget, not a Label: a Label cuts a long line off, this one wraps it.
        self.readout = widgets.HTML(
            layout=widgets.Layout(width="100%"), style={"font_size": "20px" if is_lecture_mode() else "14px"}
        )
        self.readout.add_class("gd-readout")
        fig = self.build()
        self.live = LiveFigure(fig)
        self.live.image.add_class("gd-figure")
        for artist in self.animated_artists():
            self.live.animate(artist)
        self.play = None
        self.play_control = play
        if play is not None:
            target = self.controls[play]
            self.play = widgets.Play(
                value=target.value, min=target.min, max=target.max, step=1,
                interval=self.play_interval_ms, description="Play", layout=widgets.Layout(width="120px"),
            )
            widgets.jslink((self.play, "value"), (target, "value"))
            widgets.jslink((self.play, "max"), (target, "max"))
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    # -- to be provided by a subclass ---------------------------------------------------------
    def build(self):
        """Create and return the figure, storing the artists that ``draw`` will change."""
        raise NotImplementedError

    def animated_artists(self):
        """The artists that change with the controls (drawn on top of the cached background)."""
        raise NotImplementedError

    def draw(self, **values):
        """Put ``values`` into the animated artists; return the one-line readout text."""
        raise NotImplementedError

    # -- machinery ----------------------------------------------------------------------------
    @property
    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change):
        self.update()

    def update(self):
        """Redraw for the current control values; returns the readout text."""
        text = self.draw(**self.values)
        self.live.render()
        self.readout_text = text
        self.readout.value = html.escape(text, quote=False)
        return text

    @property
    def widget(self):
        rows = list(self.controls.values())
        if self.play is not None:
            rows.append(self.play)
        box = widgets.Box(rows, layout=widgets.Layout(display="flex", flex_flow="row wrap", gap="0 24px"))
        # CSS classes let the browser test find each demo, its figure and its readout on the page.
        return widgets.VBox([box, self.live.image, self.readout]).add_class("gd-demo").add_class(f"gd-demo-{self.name}")

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # -- for readers without a kernel ----------------------------------------------------------
    def animation_frames(self):
        """Control values for each frame of the kernel-free animation (a list of dicts).

        By default the Play control runs from its minimum to its maximum with the other controls
        as they are; a subclass may override this to show several settings one after the other.
        """
        if self.play_control is None:
            return []
        control = self.controls[self.play_control]
        return [{self.play_control: v} for v in range(control.min, control.max + 1)]

    def animation_html(self, fps=5):
        """The frames of :meth:`animation_frames` as a self-contained JavaScript animation.

        matplotlib's ``to_jshtml``: the frames are embedded as PNGs with a small player, so the
        animation plays in an exported HTML page with no kernel and no network.
        """
        from matplotlib import animation

        frames = self.animation_frames()
        if not frames:
            raise ValueError(f"demo {self.name!r} defines no animation frames")
        start = self.values

        def show(values):
            self.draw(**{**start, **values})

        anim = animation.FuncAnimation(self.live.fig, show, frames=frames, interval=1000 / fps, repeat=True)
        try:
            return anim.to_jshtml(fps=fps, embed_frames=True, default_mode="loop")
        finally:
            self.live.invalidate()
            self.update()

    # -- for the benchmark and the tests -------------------------------------------------------
    def naive_render(self, **values):
        """What an ``interact`` callback would do: build the figure anew, draw it all, encode a PNG.

        Uses this demo's own ``build`` and ``draw``, so the naive and the fast path draw the same
        picture and the benchmark compares only the rendering strategy.
        """
        saved = self.__dict__.copy()
        try:
            fig = for_projector(self.build())
            self.draw(**{**self.values, **values})
            return figure_png(fig)
        finally:
            self.__dict__.update(saved)


def time_updates(demo, name, values, *, naive=False):
    """Set control ``name`` to each of ``values`` in turn; return the per-update times in ms."""
    times = []
    control = demo.controls[name]
    for value in values:
        start = time.perf_counter()
        if naive:
            demo.naive_render(**{name: value})
        else:
            control.value = value
        times.append(1000.0 * (time.perf_counter() - start))
    return times
