"""canvas.js alone in Chromium (no JupyterLab): a live frame that continues the last one's lines is drawn as the whole
frame is, and a view that lacks those lines does not draw it but asks the kernel again ("ready").

The JupyterLab test (test_browser.py) shows that every demo's canvas matches its PNG frames as the sliders move; a
view that opens while frames are under way is a matter of timing there, so it is tested here, with frames the
kernel's code makes (helpers/canvas.py) handed to the page's front end by a stand-in for the widget model.
"""

import base64
import io
import pathlib

import numpy as np
import pytest
from matplotlib.figure import Figure
from test_browser import chromium  # noqa: F401 (the fixture: headless Chromium)

from helpers import canvas

pytestmark = pytest.mark.browser

CANVAS_JS = pathlib.Path(canvas.__file__).with_name("canvas.js")
WIDTH, HEIGHT = 400, 300

# Figures rendered by canvas.js with a stand-in model; window.gd.figure(key) → its handle in Python's terms.
HARNESS_JS = """
async (source) => {
  const module = await import(`data:text/javascript;base64,${source}`);
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const figures = {};
  window.gd = {
    figure(key, width, height) {
      const handlers = {}, sent = [], el = document.createElement('div');
      document.body.appendChild(el);
      const traits = {role: 'figure', key, width, height, readout: null};
      const on = (event, f) => { handlers[event] = f; };
      const model = {get: (name) => traits[name], on, send: (m) => sent.push(m)};
      module.default.render({model, el});
      figures[key] = {handlers, sent, canvas: el.querySelector('canvas')};
    },
    message(key, content, b64) { figures[key].handlers['msg:custom'](content, b64 ? [bytes(b64)] : []); },
    sent: (key) => figures[key].sent,
    frames: (key) => Number(figures[key].canvas.dataset.frames),
    pixels: (key) => {
      const c = figures[key].canvas;
      return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
    },
  };
}
"""


def b64(data):
    return base64.b64encode(data).decode()


def frames():
    """A line's first live frame (150 points), the next (300: it continues the first), and that one whole; and a
    background PNG."""
    fig = Figure(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100)
    ax = fig.add_subplot()
    ax.set_xlim(0, 300)
    ax.set_ylim(-2, 2)
    x = np.arange(300.0)
    y = np.sin(x / 20) + np.random.default_rng(3).normal(0, 0.1, 300)
    (line,) = ax.plot([], [], lw=1.5)
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=100)
    recorder = canvas._Recorder(WIDTH, HEIGHT, fig.dpi)
    line.set_data(x[:150], y[:150])
    first = canvas._record(recorder, [line], live=True)
    line.set_data(x, y)
    second = canvas._record(recorder, [line], live=True)
    whole = canvas._record(canvas._Recorder(WIDTH, HEIGHT, fig.dpi), [line])
    assert len(second) < len(whole)  # the second frame continues the first
    return first, second, whole, png.getvalue()


@pytest.mark.xdist_group("projector")
def test_a_continued_line_is_drawn_as_the_whole_line_and_a_late_view_asks_again(chromium):  # noqa: F811
    first, second, whole, background = frames()
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.evaluate(HARNESS_JS, b64(CANVAS_JS.read_bytes()))
        frame = {"type": "frame", "deflate": True}
        page.evaluate("([w, h]) => { gd.figure('late', w, h); gd.figure('whole', w, h); }", [WIDTH, HEIGHT])
        assert page.evaluate("gd.sent('late')") == [{"type": "ready", "deflate": True}]

        # A view that gets a frame continuing lines it never had: nothing drawn, "ready" sent once more (the kernel
        # then sends the background and a whole frame)
        page.evaluate("([f, b]) => gd.message('late', f, b)", [frame, b64(second)])
        page.wait_for_function("gd.sent('late').length === 2", timeout=10_000)
        assert page.evaluate("gd.sent('late')")[1] == {"type": "ready", "deflate": True}
        assert page.evaluate("gd.frames('late')") == 0

        for key, messages in (("late", [first, second]), ("whole", [whole])):
            page.evaluate("([k, b]) => gd.message(k, {type: 'background'}, b)", [key, b64(background)])
            page.wait_for_function(f"gd.frames('{key}') === 1", timeout=10_000)  # drawn once decoded
            for data in messages:
                page.evaluate("([k, f, b]) => gd.message(k, f, b)", [key, frame, b64(data)])
            page.wait_for_function(f"gd.frames('{key}') === {1 + len(messages)}", timeout=10_000)
        late, complete = (np.array(page.evaluate(f"gd.pixels('{key}')"), np.uint8) for key in ("late", "whole"))
        assert late.reshape(HEIGHT, WIDTH, 4)[..., 3].all()  # the background is there
        assert np.array_equal(late, complete)  # the continued line is the whole line, pixel for pixel
        assert len(page.evaluate("gd.sent('late')")) == 2  # no more asking
    finally:
        page.close()
