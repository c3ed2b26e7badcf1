"""The base of every interactive demo, :class:`Demo`: sliders, a live figure and a one-line readout, wired together."""

from __future__ import annotations

import asyncio
import html
import sys
import time
import zlib

import ipywidgets as widgets
import numpy as np

from . import canvas, plotting
from .live import _READOUT_FONT, _lecture_css, _LiveFigure, _readout_html


class Demo:
    """Sliders + live figure + text readout. Subclasses define ``build``, ``animated_artists`` and ``draw``.

    ``controls`` maps parameter names to value widgets; a change of any calls :meth:`update`:
    ``draw(**values)``, then a render. ``play`` names an integer control (a step or epoch slider) that
    a Play button drives (Play ticks in the browser; the kernel keeps both at the same value); with
    :meth:`play_length` the slider and Play end where the run ends, and a whole run plays in at most
    :data:`PLAY_SECONDS`.
    """

    #: Short name, used in the benchmark's and the browser test's output and as a CSS class.
    name = "demo"
    #: Longest time Play takes from the first to the last step of a run, and its slowest and fastest
    #: frame interval (faster than the kernel can draw, the browser simply skips frames).
    PLAY_SECONDS = 5.0
    PLAY_INTERVAL_MS = (15, 250)
    #: Play in the page gets a run's frames in parts of about this much drawing time.
    PLAY_PART_SECONDS = 0.05

    def __init__(self, controls, play):
        self.controls = dict(controls)
        self.lecture = plotting._lecture  # the mode when the demo is made
        # An HTML widget, not a Label: a Label cuts a long line off, this one wraps it (between parts).
        self.readout = widgets.HTML(layout=widgets.Layout(width="100%"),
                                    style={"font_size": _READOUT_FONT[self.lecture]})
        self.readout.add_class("gd-readout")
        self.live = _LiveFigure(self.build(), self.readout)
        self.live.image.add_class("gd-figure")
        for artist in self.animated_artists():
            self.live.animate(artist)
        self.play_control = play
        self._adjusting = self._update_due = False
        target = self.controls[play]
        self.play = widgets.Play(
            value=target.value, min=target.min, max=target.max, step=target.step,
            interval=self.PLAY_INTERVAL_MS[1], description="Play", layout=widgets.Layout(width="auto"),
        )
        self._relaying = False
        # Play in the page (frames as data): asks for the run's frames once, shows them without the kernel
        self.play_button = canvas._PlayButton(figure=self.live.view.key, play=self.play, slider=target,
                                              readout=self.readout, layout=widgets.Layout(width="auto"))
        self.play_button.on_msg(self._on_play_message)
        self.live.pair(self.play, self.play_button)
        self._script = None  # the token of the run whose frames go to Play in the page
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        for widget in (target, self.play):
            widget.observe(self._keep_play_equal, names="value")
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
        if self._script is not None and change.owner is not self.controls[self.play_control]:
            self._script = None  # another setting: the frames Play in the page plays are stale
            self.play_button.send({"type": "stop"})
        if not self._adjusting:  # a range adjustment of fit_play_range() is not a new setting
            self.refresh(change)

    def _on_play_message(self, _, content, buffers):
        if content.get("type") == "play":
            control = self.controls[self.play_control]
            self._script = content["token"]
            self._send_frames(content["token"], list(range(int(content["from"]), control.max + 1, control.step)))

    def _send_frames(self, token, steps):
        """Send the frames of ``steps`` (and their readouts) to Play in the page, in parts of about
        :data:`PLAY_PART_SECONDS` of drawing: Play starts at once, and the kernel hears other messages between parts."""
        if token != self._script or not steps:
            return
        others = {name: value for name, value in self.values.items() if name != self.play_control}
        started, part = time.perf_counter(), []
        while steps and (not part or time.perf_counter() - started < self.PLAY_PART_SECONDS):
            step = steps.pop(0)
            text = self.draw(**others, **{self.play_control: step})
            part.append((step, canvas._record(self.live._recorder, self.live._artists, deflate=False),
                         _readout_html(text)))
        self.draw(**self.values)  # the artists as the controls have them
        steps_sent, frames, texts = zip(*part, strict=True)
        self.play_button.send({"type": "frames", "token": token, "steps": list(steps_sent), "texts": list(texts),
                               "sizes": [len(frame) for frame in frames], "interval": self.play_interval},
                              [zlib.compress(b"".join(frames), 6)])
        try:
            asyncio.get_running_loop().call_later(0, self._send_frames, token, steps)
        except RuntimeError:  # no kernel: the rest at once
            self._send_frames(token, steps)

    def _keep_play_equal(self, change):
        """Play and its slider move together. They are kept equal here, not by a link in the page: such a link
        sends every value the kernel sets on one of them back to the kernel for the other, a second message
        (and kernel round trip) per frame while a slider is dragged."""
        other = self.controls[self.play_control] if change.owner is self.play else self.play
        if other is self.play and self.live.data_frames:
            return  # hidden: Play in the page follows the slider (see fit_play_range)
        if other.value != change.new:
            self._relaying = change.name in change.owner._property_lock  # Play ticking in the browser
            try:
                other.value = change.new
            finally:
                self._relaying = False

    def refresh(self, change):
        """:meth:`update` for a control's ``change``: at once for a change made in Python; for one the browser
        sent (a slider dragged), just after the kernel has answered its message, with the values current then.
        The browser sends a slider's next value only when the kernel has answered the last one: drawing inside
        the answer would add the frame's cost to every round trip. Values superseded meanwhile are skipped."""
        try:
            loop = asyncio.get_running_loop()  # the kernel's; none in a plain Python process
        except RuntimeError:
            loop = None
        from_browser = self._relaying or change.name in change.owner._property_lock  # ipywidgets' mark of one
        if loop is None or not from_browser:
            self.update()
        elif not self._update_due:
            self._update_due = True
            loop.call_soon(self._due_update)

    def _due_update(self):
        self._update_due = False
        try:
            sys.stdout.flush()  # in a kernel: returns once the answer (its "idle" status) has left
            self.update()
        except Exception as err:  # the browser's message is answered already: say it in the demo, log the traceback
            self.readout.value = html.escape(f"The demo failed: {type(err).__name__}: {err}")
            raise

    def fit_play_range(self):
        """Make the Play control's slider end at the current run's last step (a slider at the old end moves
        to the new one), and Play's interval such that a whole run takes at most :data:`PLAY_SECONDS`."""
        control = self.controls[self.play_control]
        last = self.play_length(**{k: v for k, v in self.values.items() if k != self.play_control})
        last = control.max if last is None else max(int(last), control.min)
        self._adjusting = True
        # With frames as data Play in the page reads the slider's range, gets its interval with the run's frames,
        # and ipywidgets' Play is hidden: it is brought up to date (messages fewer per change) only for PNG frames.
        ranges = [control] if self.live.data_frames else [control, self.play]
        try:  # in an order in which no value is ever above its widget's maximum (it would be clamped)
            if last > control.max:  # (two messages: the page may set a new end and value in either order)
                at_end = control.value >= control.max
                for widget in ranges:
                    widget.max = last
                if at_end:
                    control.value = last
            elif last < control.max:
                control.value = min(control.value, last)
                for widget in ranges:
                    widget.max = last
            if not self.live.data_frames and self.play.max != control.max:  # back from frames as data
                self.play.max = max(self.play.max, control.max)
                self.play.value = control.value
                self.play.max = control.max
            frames = max(1, (last - control.min) // control.step)
            self.play_interval = int(np.clip(round(1000.0 * self.PLAY_SECONDS / frames), *self.PLAY_INTERVAL_MS))
            if not self.live.data_frames:
                self.play.interval = self.play_interval
        finally:
            self._adjusting = False

    def update(self):
        """Redraw for the current control values; returns the readout text."""
        self.fit_play_range()
        values = self.values
        if self.view_changed(**values):  # the axes move: the cached background is stale
            self.live.invalidate()
        text = self.draw(**values)
        self.readout_text = text
        self.live.render(readout=_readout_html(text))  # with frames as data, in the frame's message
        return text

    def _layout(self):
        rows = [*self.controls.values(), self.play, self.play_button]
        box = widgets.Box(rows, layout=widgets.Layout(display="flex", flex_flow="row wrap"))
        parts = [box, self.live.image, self.live.view, self.readout, self.live.note]
        parts += [_lecture_css()] if self.lecture else []
        # CSS classes let the browser test find each demo, its figure and its readout on the page.
        demo = widgets.VBox(parts).add_class("gd-demo").add_class(f"gd-demo-{self.name}")
        return demo.add_class("gd-lecture") if self.lecture else demo

    def placeholder(self):
        """What a reader sees in place of the demo before its cell has run (the output's text form)."""
        names = ", ".join(control.description for control in self.controls.values())
        return (f"[Live demo '{self.name}': run this cell to get its figure and controls ({names}); "
                "the static figures above show the same cases.]")

    def _repr_mimebundle_(self, **kwargs):
        self.live.expect_view()
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.placeholder()
        return bundle

    # -- for readers without a kernel (tools/export.py) ----------------------------------------
    def animation_frames(self):
        """Control values (dicts) for each frame of the kernel-free animation: the Play control's steps, or
        several settings in turn; an optional ``animation_caption(**values)`` gives a line above each frame."""
        raise NotImplementedError
