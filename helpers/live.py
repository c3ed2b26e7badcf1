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

import base64
import html
import io
import struct
import time
import zlib

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from . import _validate
from .plotting import figure_png, is_lecture_mode, projector_strokes


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
        self.fig = projector_strokes(fig)
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

    def unanimate(self, artist):
        """Stop treating ``artist`` as a changing one (it is drawn with the background again)."""
        artist.set_animated(False)
        self._artists.remove(artist)

    def invalidate(self):
        """Call after changing a static part (axis limits, a background curve): redrawn next render."""
        self._background = None

    def render(self, push=True):
        """Draw the changing artists over the cached background and (with ``push``) send the PNG to the
        widget; returns the PNG, or None without ``push``."""
        if self._background is None:
            # Constrained layout refines the axes' current positions: start it from the grid each time,
            # so a view that changes and changes back is laid out (and drawn) exactly as before. (The
            # public set_position would take the axes out of the layout.)
            for ax in self.fig.axes:
                if ax.get_subplotspec() is not None:
                    ax._set_position(ax.get_subplotspec().get_position(self.fig))
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.canvas.restore_region(self._background)
        for artist in self._artists:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        if not push:
            return None
        png = encode_png(np.asarray(self.canvas.buffer_rgba()))
        self.image.value = png
        return png


#: Width of one control: three in a row fill the 1100-px output column of a 1280×720 window.
CONTROL_WIDTH = "350px"
#: Font sizes of the controls' labels and of the readout, normal and lecture mode.
CONTROL_FONT = {False: "13px", True: "18px"}
READOUT_FONT = {False: "14px", True: "20px"}


def control_layout():
    """The house layout of one control (a slider, a selector)."""
    return widgets.Layout(width=CONTROL_WIDTH, margin="2px 12px 2px 0")


def lecture_css():
    """Projector-size labels, readouts and buttons for the controls of demos made in lecture mode.

    ipywidgets has no font-size setting for sliders, so this is a style sheet, scoped to the
    ``gd-lecture`` class that such demos carry.
    """
    size = CONTROL_FONT[True]
    return widgets.HTML(
        "<style>"
        f".gd-lecture .widget-label, .gd-lecture .widget-readout, .gd-lecture .widget-toggle-button,"
        f" .gd-lecture .widget-checkbox label, .gd-lecture .jupyter-button {{font-size: {size}; line-height: 1.4;}}"
        ".gd-lecture .widget-readout {min-width: 4.5em;}"
        ".gd-lecture .widget-toggle-buttons .widget-toggle-button {height: auto;}"
        "</style>",
        layout=widgets.Layout(display="none"),
    )


def readout_html(text):
    """The readout line as HTML: its ' · '-separated parts never break inside (no "9.93e-" / "01")."""
    parts = (html.escape(part, quote=False) for part in text.split(" · "))
    return " · ".join(f'<span style="white-space: nowrap">{part}</span>' for part in parts)


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
        layout=control_layout(),
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
        layout=control_layout(),
        **extra,
    )


class Demo:
    """Sliders + live figure + text readout. Subclasses define ``build``, ``animated_artists`` and ``draw``.

    ``controls`` maps parameter names to value widgets; every change of any of them calls
    :meth:`update`, which calls ``draw(**values)`` and then renders the figure. With ``play`` set
    to the name of an integer control (a step or epoch slider), a Play button is linked to it in the
    browser, so playing costs no kernel round trips beyond the updates themselves. The slider's range
    follows the run: a subclass that returns the run's last step from :meth:`play_length` gets a
    slider (and a Play) that end where the run ends, and a Play that takes at most
    :data:`PLAY_SECONDS` for a whole run.
    """

    #: Short name, used in the benchmark's and the browser test's output and as a CSS class.
    name = "demo"
    #: Longest time Play takes from the first to the last step of a run, and its slowest and fastest
    #: frame interval (faster than the kernel can draw, the browser simply skips frames).
    PLAY_SECONDS = 5.0
    PLAY_INTERVAL_MS = (15, 250)

    def __init__(self, controls, play=None):
        self.controls = dict(controls)
        self.lecture = is_lecture_mode()
        # An HTML widget, not a Label: a Label cuts a long line off, this one wraps it (between parts).
        self.readout = widgets.HTML(layout=widgets.Layout(width="100%"),
                                    style={"font_size": READOUT_FONT[self.lecture]})
        self.readout.add_class("gd-readout")
        fig = self.build()
        self.live = LiveFigure(fig)
        self.live.image.add_class("gd-figure")
        for artist in self.animated_artists():
            self.live.animate(artist)
        self.play = None
        self.play_control = play
        self._adjusting = False
        if play is not None:
            target = self.controls[play]
            self.play = widgets.Play(
                value=target.value, min=target.min, max=target.max, step=1,
                interval=self.PLAY_INTERVAL_MS[1], description="Play", layout=widgets.Layout(width="auto"),
            )
            widgets.jslink((self.play, "value"), (target, "value"))
            widgets.jslink((self.play, "max"), (target, "max"))
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.widget = self._layout()
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

    def play_length(self, **values):
        """The last step of the run for these settings (every control but the Play one), or None when
        the Play control keeps its own fixed range."""
        return None

    def view_changed(self, **values):
        """True when these settings need a new background (axes that move); the default never does."""
        return False

    # -- machinery ----------------------------------------------------------------------------
    @property
    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change):
        if not self._adjusting:  # a range adjustment of fit_play_range() is not a new setting
            self.update()

    def fit_play_range(self):
        """Make the Play control's slider end at the current run's last step.

        A slider that showed the end of the old run shows the end of the new one; one that showed an
        earlier step keeps it (or the new last step, if the run is shorter). Play's frame interval is
        set so that a whole run takes at most :data:`PLAY_SECONDS`.
        """
        if self.play is None:
            return
        control = self.controls[self.play_control]
        last = self.play_length(**{k: v for k, v in self.values.items() if k != self.play_control})
        last = control.max if last is None else max(int(last), control.min)
        self._adjusting = True
        try:
            if last != control.max:
                at_end = control.value >= control.max
                if last > control.max:
                    control.max = last
                    if at_end:
                        control.value = last
                else:
                    control.value = min(control.value, last)
                    control.max = last
                self.play.max = last
            frames = max(1, last - control.min)
            low, high = self.PLAY_INTERVAL_MS
            self.play.interval = int(np.clip(round(1000.0 * self.PLAY_SECONDS / frames), low, high))
        finally:
            self._adjusting = False

    def update(self):
        """Redraw for the current control values; returns the readout text."""
        self.fit_play_range()
        values = self.values
        if self.view_changed(**values):  # the axes move: the cached background is stale
            self.live.invalidate()
        text = self.draw(**values)
        self.live.render()
        self.readout_text = text
        self.readout.value = readout_html(text)
        return text

    def _layout(self):
        rows = list(self.controls.values())
        if self.play is not None:
            rows.append(self.play)
        box = widgets.Box(rows, layout=widgets.Layout(display="flex", flex_flow="row wrap"))
        parts = [box, self.live.image, self.readout] + ([lecture_css()] if self.lecture else [])
        # CSS classes let the browser test find each demo, its figure and its readout on the page.
        demo = widgets.VBox(parts).add_class("gd-demo").add_class(f"gd-demo-{self.name}")
        return demo.add_class("gd-lecture") if self.lecture else demo

    def placeholder(self):
        """What a reader sees in place of the demo before its cell has run (the output's text form)."""
        names = ", ".join(control.description for control in self.controls.values())
        return (f"[Live demo '{self.name}': run this cell to get its figure and controls ({names}); "
                "the static figures above show the same cases.]")

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.placeholder()
        return bundle

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

        Each frame is drawn the fast way (blitted onto the cached background) and embedded as a PNG in
        matplotlib's JavaScript player (the page ``Animation.to_jshtml`` writes), so the animation plays
        in an exported HTML page with no kernel and no network. The player's id is derived from the
        demo's name, so the same demo exports to the same page every time.
        """
        from matplotlib._animation_data import DISPLAY_TEMPLATE, JS_INCLUDE, STYLE_INCLUDE
        from matplotlib.animation import _embedded_frames
        from PIL import Image

        frames = self.animation_frames()
        if not frames:
            raise ValueError(f"demo {self.name!r} defines no animation frames")
        start, fig = self.values, self.live.fig
        # There is no readout under an animation: a demo that has a caption writes it above the figure.
        caption = None
        if self.animation_caption(**{**start, **frames[0]}):
            caption = self.live.animate(fig.suptitle(" "))
        self.live.invalidate()  # the caption takes room at the top: lay the background out again
        encoded = []
        try:
            for frame in frames:
                values = {**start, **frame}
                if self.view_changed(**values):
                    self.live.invalidate()
                self.draw(**values)
                if caption is not None:
                    caption.set_text(self.animation_caption(**values))
                self.live.render(push=False)
                out = io.BytesIO()
                Image.fromarray(np.asarray(self.live.canvas.buffer_rgba())).save(out, format="png")
                encoded.append(base64.encodebytes(out.getvalue()).decode("ascii"))
        finally:
            if caption is not None:
                self.live.unanimate(caption)
                caption.remove()
                fig._suptitle = None  # matplotlib keeps the suptitle here too
            self.live.invalidate()
            self.update()
        modes = {"once_checked": "", "loop_checked": "checked", "reflect_checked": ""}
        return JS_INCLUDE + STYLE_INCLUDE + DISPLAY_TEMPLATE.format(
            id=f"gd_{self.name}", Nframes=len(encoded), fill_frames=_embedded_frames(encoded, "png"),
            interval=1000 // fps, **modes)

    def animation_caption(self, **values):
        """The line written above each frame of the kernel-free animation, or None for no caption."""
        return None

    # -- for the benchmark and the tests -------------------------------------------------------
    def naive_render(self, **values):
        """What an ``interact`` callback would do: build the figure anew, draw it all, encode a PNG.

        Uses this demo's own ``build`` and ``draw``, so the naive and the fast path draw the same
        picture and the benchmark compares only the rendering strategy.
        """
        saved = self.__dict__.copy()
        try:
            fig = projector_strokes(self.build())
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
