import base64

import matplotlib as mpl
import pytest
from matplotlib.text import Text

from helpers import plotting
from helpers.demos.square import SquareDemo


@pytest.fixture
def lecture():
    saved = mpl.rcParams.copy()
    plotting.lecture_mode(True)
    yield
    plotting.lecture_mode(False)
    mpl.rcParams.update(saved)


def visible_font_sizes(fig):
    return [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_lecture_mode_is_off_by_default():
    assert not plotting.is_lecture_mode()
    demo = SquareDemo()
    assert min(visible_font_sizes(demo.live.fig)) < plotting.LECTURE_MIN_FONT
    assert demo.readout.style.font_size == "14px"


def test_lecture_mode_enlarges_every_text_and_line(lecture):
    demo = SquareDemo()
    sizes = visible_font_sizes(demo.live.fig)
    assert sizes and min(sizes) >= plotting.LECTURE_MIN_FONT
    assert demo.path.get_linewidth() == pytest.approx(1.5)  # built with lw=1, thickened 1.5×
    assert demo.readout.style.font_size == "20px"
    assert mpl.rcParams["font.size"] >= 16 and mpl.rcParams["lines.linewidth"] >= 3


def test_static_figures_follow_lecture_mode(lecture, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda data, raw: shown.append(data))
    fig, ax = plotting.new_figure()
    ax.plot([0, 1], [0, 1], color=plotting.CURVE)
    ax.set_title("t")
    plotting.show(fig, "a line")
    assert shown[0]["text/plain"] == "a line"
    assert base64.b64decode(shown[0]["image/png"]).startswith(b"\x89PNG")
    assert min(visible_font_sizes(fig)) >= plotting.LECTURE_MIN_FONT
    assert ax.lines[0].get_color() == "#000000"


def test_for_projector_does_nothing_outside_lecture_mode():
    fig, ax = plotting.new_figure()
    (line,) = ax.plot([0, 1], [0, 1], lw=2)
    plotting.for_projector(fig)
    assert line.get_linewidth() == 2
