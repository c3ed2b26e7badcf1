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
    assert "gd-lecture" not in demo.widget._dom_classes


def test_lecture_mode_lays_out_text_and_controls_for_the_projector(lecture):
    demo = SquareDemo()
    sizes = visible_font_sizes(demo.live.fig)
    assert sizes and min(sizes) >= plotting.LECTURE_MIN_FONT
    assert demo.live.fig.get_figwidth() == plotting.FIGURE_WIDTH
    assert demo.path.get_linewidth() == pytest.approx(1.5)  # built with lw=1, strokes thickened 1.5×
    assert demo.readout.style.font_size == "20px"
    assert "gd-lecture" in demo.widget._dom_classes
    assert any("font-size: 18px" in w.value for w in demo.widget.children if hasattr(w, "value"))
    assert mpl.rcParams["font.size"] >= 16


def test_static_figures_follow_lecture_mode(lecture, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda data, raw: shown.append(data))
    fig, ax = plotting.new_figure(width=6.0)
    ax.plot([0, 1], [0, 1], color=plotting.CURVE)
    ax.set_title("t")
    plotting.show(fig, "a line")
    assert shown[0]["text/plain"] == "a line"
    assert base64.b64decode(shown[0]["image/png"]).startswith(b"\x89PNG")
    assert min(visible_font_sizes(fig)) >= plotting.LECTURE_MIN_FONT
    assert fig.get_figwidth() == plotting.FIGURE_WIDTH  # fills the screen and a slide
    assert ax.lines[0].get_color() == "#000000"


@pytest.mark.parametrize("on, panels, rows", [(False, 2, 1), (False, 5, 2), (False, 6, 2), (True, 2, 1),
                                              (True, 3, 1), (True, 5, 2), (True, 6, 2)])
def test_narrow_panels_wrap_onto_more_rows(on, panels, rows):
    plotting.lecture_mode(on)
    try:
        fig, axes = plotting.new_figure(panels, width=15.0, height=3.0)
    finally:
        plotting.lecture_mode(False)
    assert len(axes) == len(fig.axes) == panels
    assert len({round(ax.get_position().y0, 3) for ax in axes}) == rows
    assert fig.get_figwidth() <= plotting.FIGURE_WIDTH


def test_projector_strokes_do_nothing_outside_lecture_mode():
    fig, ax = plotting.new_figure()
    (line,) = ax.plot([0, 1], [0, 1], lw=2)
    title = ax.set_title("t", fontsize=9)
    plotting.projector_strokes(fig)
    assert line.get_linewidth() == 2 and title.get_fontsize() == 9
