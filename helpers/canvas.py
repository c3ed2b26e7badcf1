"""Frames as data: the moving artists of a live figure go to the browser as pixel-space paths, markers, grids
and text pixels; ``canvas.js`` (an anywidget front end, no build step) draws them over the background.

A PNG frame costs 3–7 ms of kernel time and 75–150 KB on the wire. Here the kernel draws the moving artists
into :class:`_Recorder`, an Agg renderer that writes down what it is asked to draw, in the figure's pixels and
cleaned as Agg cleans paths; text is Agg's own pixels. A frame is one message of a few KB.
"""

from __future__ import annotations

import json
import pathlib
import struct
import zlib

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets

from ._recorder import _OFFSETS, _Recorder, _Unsupported  # noqa: F401 (the canvas's API: live.py, the tests)

#: A polyline that starts as the one sent at its place in the last live frame is sent as the steps after the first
#: ``keep`` it shares with it, when it shares at least this many.
_KEEP_MIN = 32


def _continue_lines(recorder):
    """Make ``recorder``'s frame a live frame: a polyline that begins as the one at its place in the last live frame (a
    run that grows with a step slider) keeps ``keep`` of its steps and gets only the new ones, ``d``. The page
    keeps the polylines of the last live frame it drew (canvas.js); Play's and reference frames are whole."""
    sent, recorder._sent, shortened = recorder._sent, {}, False
    for place, op in enumerate(recorder.ops):
        if "d" not in op:
            continue
        start, count = op["d"]
        steps = np.frombuffer(recorder.blob, np.int8, count, start)
        recorder._sent[place] = (op["v0"], steps.copy())
        v0, before = sent.get(place, (None, None))
        if v0 != op["v0"]:
            continue
        n = min(len(before), count)
        differ = np.flatnonzero(before[:n] != steps[:n])
        keep = (int(differ[0]) if len(differ) else n) // 2
        if keep >= _KEEP_MIN:
            op["d"], op["keep"], shortened = [start + 2 * keep, count - 2 * keep], keep, True
    if shortened:  # the buffer without the steps the page has
        old, recorder.blob, moved = recorder.blob, bytearray(), {}
        for op in recorder.ops:
            for key in (key for key in _OFFSETS if key in op):
                start, count = op[key]
                end = start + count * _OFFSETS[key]
                if (start, end) not in moved:
                    recorder.blob += b"\0" * (-len(recorder.blob) % 4)
                    moved[start, end] = len(recorder.blob)
                    recorder.blob += old[start:end]
                op[key] = [moved[start, end], count]


def _record(recorder, artists, deflate=True, live=False):
    """One frame, ``artists`` drawn on ``recorder``, as one buffer: the length of the operations' JSON (4 bytes,
    little-endian), the JSON, then the coordinates and pixels the operations point into; with ``deflate``
    compressed as a zlib stream (the browser's DecompressionStream("deflate") reads it). A ``live`` frame may
    continue the polylines of the last one (see :func:`_continue_lines`)."""
    recorder.reset()
    for artist in artists:
        if artist.get_visible():
            recorder.record(artist)
    if live:
        _continue_lines(recorder)
    header = json.dumps(recorder.ops, separators=(",", ":")).encode()
    frame = struct.pack("<I", len(header)) + header + bytes(recorder.blob)
    return zlib.compress(frame, 6) if deflate else frame


class _CanvasFigure(anywidget.AnyWidget):
    """The browser side of a live figure: a canvas that shows the background and draws each frame's operations.
    ``key`` names it in the page, for the Play button that draws a run's frames on it; a frame's message may carry
    the text of ``readout`` (an HTML widget), which the page then sets itself."""

    _esm = pathlib.Path(__file__).with_name("canvas.js")
    role = traitlets.Unicode("figure").tag(sync=True)
    key = traitlets.Unicode("").tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)
    readout = traitlets.Instance(widgets.Widget, allow_none=True).tag(sync=True, **widgets.widget_serialization)


class _PlayButton(anywidget.AnyWidget):
    """Play in the page: the same buttons as ``ipywidgets.Play`` (whose range, interval and repeat it reads), but
    it asks the kernel once for the run's frames and shows them on the figure ``figure`` (a key) at their pace,
    moving ``slider`` and setting ``readout`` in the page only; the kernel hears the step where it stops."""

    _esm = pathlib.Path(__file__).with_name("canvas.js")
    role = traitlets.Unicode("play").tag(sync=True)
    figure = traitlets.Unicode("").tag(sync=True)
    play = traitlets.Instance(widgets.Play).tag(sync=True, **widgets.widget_serialization)
    slider = traitlets.Instance(widgets.Widget).tag(sync=True, **widgets.widget_serialization)
    readout = traitlets.Instance(widgets.Widget).tag(sync=True, **widgets.widget_serialization)
