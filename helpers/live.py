"""Fast interactive figures: draw the static parts once, then blit only what changes; and the controls.

Rebuilding a two-panel figure per slider step costs ≈190 ms, a few frames per second. :class:`_LiveFigure`
renders axes, curves and labels once into a cached background; an update restores it, draws only the
changing artists (``restore_region`` / ``draw_artist``) and sends a PNG to an ``ipywidgets.Image``,
about ten times less work; once the canvas front end is there, it sends those artists as data instead
(:mod:`helpers.canvas`). :class:`helpers.demo.Demo` wires these together.
"""

from __future__ import annotations

import asyncio
import base64
import html
import os
import re
import struct
import uuid
import zlib

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from . import _validate, canvas, plotting
from .plotting import _projector_strokes


def _chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def _encode_png(rgba, level=2):
    """Encode an (h, w, 4) uint8 RGBA array as PNG, directly (no row filters, fast zlib level): encoding is
    the largest part of a frame, ≈3 ms for a 1000×400 figure against ≈9 ms with Pillow's defaults."""
    height, width = rgba.shape[:2]
    raw = np.zeros((height, 1 + 4 * width), np.uint8)  # column 0: filter type "none" for every row
    raw[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, level))
            + _chunk(b"IEND", b""))


#: Seconds after a demo is shown within which its canvas front end should answer (else PNG frames, and a note).
_FALLBACK_SECONDS = 15


class _LiveFigure:
    """A matplotlib figure shown in an ``ipywidgets.Image`` and updated by blitting. Make ``fig`` with
    ``matplotlib.figure.Figure``, not pyplot, so the inline backend never shows a second, static copy.

    The image is sent as a ``data:`` URL (``png`` keeps the PNG): for PNG bytes the page makes a Blob and an
    object URL per frame, each a call into the browser process, ≈6 ms of the page's busiest thread a frame
    on a loaded 2-core machine; a third more bytes cost far less."""

    def __init__(self, fig, readout=None):
        self.fig = _projector_strokes(fig)
        # the readout line (an ipywidgets.HTML), if any: with frames as data its text goes with the frame
        self.readout, self.readout_html, self._readout_stale = readout, None, False
        self.canvas = FigureCanvasAgg(fig)
        width, height = (int(round(v)) for v in fig.get_size_inches() * fig.dpi)
        self.image = widgets.Image(format="url", layout=widgets.Layout(width=f"{width}px", max_width="100%",
                                                                       height="auto"))
        self._artists, self._background, self.png = [], None, b""
        # Frames as data once a canvas front end says it is there (until then, and without one, PNG frames)
        self.view = canvas._CanvasFigure(key=uuid.uuid4().hex, width=width, height=height, readout=readout,
                                         layout=widgets.Layout(display="none"))
        self._pairs = [(self.image, self.view)]  # (PNG-frame widget, data-frame widget): one of each is shown
        self.view.on_msg(self._on_view_message)
        self._recorder = canvas._Recorder(width, height, fig.dpi)
        self._click_handlers = []
        # Said once, under the figure, if no canvas front end has answered _FALLBACK_SECONDS after the demo is shown
        self.note = widgets.HTML(layout=widgets.Layout(display="none"))
        self.note.add_class("gd-note")
        self.data_frames, self._background_sent, self._deflate, self.frame_bytes = False, False, True, 0

    def _on_view_message(self, _, content, buffers):
        kind = content.get("type")
        if kind == "ready" and os.environ.get("GD_FRAMES", "data") != "png":  # GD_FRAMES=png: PNG frames only
            self._deflate = bool(content.get("deflate"))
            self._show(data_frames=True)
            self._background_sent = False  # a new view: it needs the background and the frame
            self.render()
        elif kind == "click":
            for handler in self._click_handlers:
                handler(content)
        elif kind == "reference":  # for the browser test: this frame as a PNG, drawn by Agg
            self.render(push=False)
            self.view.send({"type": "reference"}, [self._canvas_png()])

    def _canvas_png(self):
        return _encode_png(np.asarray(self.canvas.buffer_rgba()))

    def _show(self, data_frames):
        self._recorder.forget()
        if data_frames:
            self.note.layout.display = "none"
        if data_frames != self.data_frames:
            self.data_frames = data_frames
            shown = ("none", None) if data_frames else (None, "none")
            for png_widget, data_widget in self._pairs:
                png_widget.layout.display, data_widget.layout.display = shown

    def pair(self, png_widget, data_widget):
        """Show ``data_widget`` in place of ``png_widget`` while frames are data (e.g. Play in the page)."""
        self._pairs.append((png_widget, data_widget))
        data_widget.layout.display = None if self.data_frames else "none"

    def expect_view(self, seconds=_FALLBACK_SECONDS):
        """Once shown: unless a canvas front end answers within ``seconds``, say once that frames are PNGs."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in a kernel: nobody to tell
            return
        loop.call_later(seconds, self._note_fallback)

    def _note_fallback(self):
        if not self.data_frames and os.environ.get("GD_FRAMES", "data") != "png":
            self.note.value = ("<i>This Jupyter has no canvas front end for the demos (the anywidget extension): "
                               "frames come as pictures, which is slower. <code>pip install anywidget</code> "
                               "where JupyterLab runs, restart it and reload the page.</i>")
            self.note.layout.display = None

    def on_click(self, handler):
        """Call ``handler`` with ``{"dataX": x, "dataY": y}`` (figure pixels, from the top left) on a click on
        the canvas; a click on the PNG image is ipyevents' to report (it needs a source widget)."""
        self._click_handlers.append(handler)

    def animate(self, artist):
        """Register an artist that changes between frames; it is left out of the background."""
        artist.set_animated(True)
        self._artists.append(artist)
        return artist

    def invalidate(self):
        """Call after changing a static part (axis limits, a background curve): redrawn next render."""
        self._background = None
        self._recorder.forget()

    def render(self, push=True, readout=None):
        """Draw the changing artists over the cached background and (with ``push``) send the frame: a PNG to the
        image or, once a canvas front end is there, the frame as data; ``readout`` (HTML) is the readout's new text,
        sent in the frame's message then."""
        if readout is not None:
            self.readout_html = readout
        if self._background is None:
            # Constrained layout refines the axes' current positions: start it from the grid each time,
            # so a view that changes and changes back is laid out (and drawn) exactly as before. (The
            # public set_position would take the axes out of the layout.)
            for ax in self.fig.axes:
                if ax.get_subplotspec() is not None:
                    ax._set_position(ax.get_subplotspec().get_position(self.fig))
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._background_sent = False
        if push and self.data_frames:
            try:
                frame = canvas._record(self._recorder, self._artists, self._deflate, live=True)
            except canvas._Unsupported:  # an artist the canvas cannot draw as Agg does: PNG frames from now on
                self._show(data_frames=False)
            else:
                if not self._background_sent:
                    self.canvas.restore_region(self._background)
                    self.view.send({"type": "background"}, [self._canvas_png()])
                    self._background_sent = True
                content = {"type": "frame", "deflate": self._deflate}
                if self.readout is not None and self.readout_html is not None:
                    content["readout"], self._readout_stale = self.readout_html, True  # set in the page only
                self.view.send(content, [frame])
                self.frame_bytes = len(frame)
                return
        self.canvas.restore_region(self._background)
        for artist in self._artists:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        if push:
            self.png = self._canvas_png()
            self.image.value = b"data:image/png;base64," + base64.b64encode(self.png)
            if self.readout is not None and self.readout_html is not None:
                if self._readout_stale and self.readout.value == self.readout_html:
                    self.readout.send_state("value")  # the page shows a text the frames as data set there
                self.readout.value, self._readout_stale = self.readout_html, False


#: Width of one control and the gap after it: three in a row fill the 1100-px output column of a 1280×720
#: window. In lecture mode (larger labels and readouts) the gap gives 5 px to the control.
_CONTROL_BOX = {False: ("350px", "12px"), True: ("355px", "7px")}
#: Font sizes of the controls' labels and of the readout, normal and lecture mode.
_CONTROL_FONT = {False: "13px", True: "18px"}
_READOUT_FONT = {False: "14px", True: "20px"}


def control_layout():
    """The house layout of one control (a slider, a selector), for the current mode."""
    width, gap = _CONTROL_BOX[plotting._lecture]
    return widgets.Layout(width=width, margin=f"2px {gap} 2px 0")


def _house():
    return {"continuous_update": True, "style": {"description_width": "initial"}, "layout": control_layout()}


def _lecture_css():
    """Projector-size labels, readouts and buttons for the controls of demos made in lecture mode.

    ipywidgets has no font-size setting for sliders, so this is a style sheet, scoped to the
    ``gd-lecture`` class that such demos carry.
    """
    size = _CONTROL_FONT[True]
    return widgets.HTML(
        "<style>"
        f".gd-lecture .widget-label, .gd-lecture .widget-readout, .gd-lecture .widget-toggle-button,"
        f" .gd-lecture .widget-checkbox label, .gd-lecture .jupyter-button {{font-size: {size}; line-height: 1.4;}}"
        ".gd-lecture .widget-readout {min-width: 4.3em; flex-shrink: 0; margin-left: 2px;}"
        ".gd-lecture .widget-toggle-buttons .widget-toggle-button {height: auto;}"
        "</style>",
        layout=widgets.Layout(display="none"),
    )


def _readout_html(text):
    """The readout as HTML: it breaks at ' · ' (never before it) and after a comma before a word, never in a number."""
    nowrap = '<span style="white-space: nowrap">'
    spans = re.sub(r" · |(?<=,) (?=[^\W\d_])", lambda m: "</span>" + m[0].replace(" ·", "&nbsp;·") + nowrap,
                   html.escape(text, quote=False))
    return f"{nowrap}{spans}</span>"


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
    return widgets.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=step, description=description,
                                  readout_format=fmt, **_house())


def slider(description, value, low, high, step, *, fmt=None):
    """A ``FloatSlider`` (or ``IntSlider`` when every argument is an int) with house layout."""
    kind = widgets.IntSlider if all(isinstance(v, int) for v in (value, low, high, step)) else widgets.FloatSlider
    extra = {} if fmt is None else {"readout_format": fmt}
    return kind(value=value, min=low, max=high, step=step, description=description, **extra, **_house())
