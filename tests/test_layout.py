"""What a viewer sees: every figure of every notebook and every demo frame, in normal and lecture mode.

A figure fails when two of its texts overlap, a text crosses the figure's edge, a legend inside an
axes hides data, or (lecture mode) a text is smaller than 16 pt as shown on a 1280×720 screen. The
notebooks' code runs in this process with ``plotting.show`` intercepted; each demo is drawn at its
defaults and with every control at each end of its range (one at a time).
"""

import pathlib

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import pytest
from layout import demo_problems, figure_problems, notebook_figures
from support import demo_classes

from helpers import plotting

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Width of JupyterLab's output column in a 1280×720 window with the file browser closed (measured).
DISPLAY_PX = 1100



@pytest.fixture(params=[False, True], ids=["normal", "lecture"])
def lecture(request):
    saved = mpl.rcParams.copy()
    plotting.lecture_mode(request.param)
    yield request.param
    plotting.lecture_mode(False)
    mpl.rcParams.update(saved)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_of_the_notebook_is_readable(path, lecture, monkeypatch):
    figures = notebook_figures(path, monkeypatch.setattr)
    assert figures, f"{path.name} shows no figure"
    problems = []
    for k, (fig, alt) in enumerate(figures, start=1):
        plotting._projector_strokes(fig)
        problems += [f"figure {k} ({alt[:60]}…): {p}" for p in figure_problems(fig, lecture=lecture,
                                                                                display_px=DISPLAY_PX)]
    assert not problems, "\n".join(problems)


def extremes(control):
    """The values at the two ends of a control's range (every option of a selector)."""
    if isinstance(control, widgets.FloatLogSlider):
        return [control.base**control.min, control.base**control.max]
    if isinstance(control, (widgets.ToggleButtons, widgets.SelectionSlider, widgets.Dropdown)):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return [options[0], options[-1]] if isinstance(control, widgets.SelectionSlider) else options
    if isinstance(control, widgets.Checkbox):
        return [not control.value]
    return [control.min, control.max]


@pytest.mark.parametrize("cls", demo_classes(), ids=lambda c: c.name)
def test_every_demo_frame_is_readable(cls, lecture):
    demo = cls()
    problems = [f"defaults: {p}" for p in demo_problems(demo, lecture=lecture, display_px=DISPLAY_PX)]
    for name, control in demo.controls.items():
        start = control.value
        for value in extremes(control):
            control.value = value
            problems += [f"{name} = {value!r}: {p}" for p in demo_problems(demo, lecture=lecture,
                                                                            display_px=DISPLAY_PX)]
        control.value = start
    assert not problems, "\n".join(problems)


def test_the_check_catches_overlapping_clipped_and_small_text():
    fig, (left, right) = plotting.new_figure(2, width=4.0, height=2.0)
    left.set_title("a title much too long for its narrow panel")
    right.set_title("and a second one just as long")
    left.text(1.5, 0.5, "off the edge", transform=left.transAxes, fontsize=8)
    left.plot(np.linspace(0, 1, 20), np.linspace(0, 1, 20), label="data")
    left.legend(loc="center")
    problems = "\n".join(figure_problems(fig, lecture=True, display_px=DISPLAY_PX))
    assert "overlap" in problems and "crosses the figure edge" in problems
    assert "below the lecture minimum" in problems and "hides" in problems
