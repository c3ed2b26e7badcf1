"""The stored notebooks review like code: re-executing one changes nothing, and its paired script matches it.

Each notebook is copied to a temporary folder, executed there the way ``tools/execute.py`` stores
notebooks, and compared with the stored file cell by cell (outputs of cells tagged
``nbval-ignore-output``, widgets and timings, excepted). A failure names the cell and its first
differing line. The py:percent script paired with each notebook (``notebooks/scripts/``) must be exactly
what jupytext writes for the notebook, so a diff of the scripts shows every change of code and text.
"""

import base64
import copy
import functools
import pathlib
import shutil

import jupytext
import nbformat
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from support import tool

from helpers import plotting

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


execute = tool("execute")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_re_executing_changes_nothing(path, tmp_path):
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    problems = execute.differences(nbformat.read(path, as_version=4), execute.fresh(copy))
    assert not problems, f"{path.name} does not reproduce (re-execute it with tools/execute.py?):\n" + "\n".join(
        problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_script_matches_the_notebook(path):
    script = path.parent / "scripts" / f"{path.stem}.py"
    assert script.is_file(), f"no paired script {script.relative_to(ROOT)}: run tools/execute.py {path.name}"
    expected = jupytext.writes(nbformat.read(path, as_version=4), fmt="py:percent")
    assert script.read_text(encoding="utf-8") == expected, (
        f"{script.relative_to(ROOT)} and {path.name} differ: run jupytext --sync {path.relative_to(ROOT)}")


def test_the_check_catches_a_timestamp_in_a_figure(tmp_path):
    """A figure that shows the time of the run is different on every run, and the check says where."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import time\nfrom helpers import plotting", id="setup"),
        nbformat.v4.new_code_cell("print('a number that does not change:', 6 * 7)", id="steady"),
        nbformat.v4.new_code_cell(
            "fig, ax = plotting.new_figure()\nax.set_title(f'drawn at {time.time_ns()}')\n"
            "plotting.show(fig, 'a figure with its time in the title')", id="stamped"),
    ]
    path = tmp_path / "stamped.ipynb"
    nbformat.write(execute.fresh_from(nb, tmp_path), path)
    problems = execute.differences(nbformat.read(path, as_version=4), execute.fresh(path))
    assert len(problems) == 1 and problems[0].startswith("cell 2 (id stamped):")


# -- figures as pictures ------------------------------------------------------------------------------
def run_figure(y, *, title="x_k of a run", colour="blue", xticks=(0, 2, 4, 6, 8, 10)):
    """A small figure of a run's iterates (markers joined by lines), as the notebooks store it."""
    fig, ax = plotting.new_figure(width=4.0, height=2.4)
    ax.plot(np.arange(len(y)), y, "o-", color=plotting.OKABE_ITO[colour], ms=5)
    ax.set(xlim=(0, 10), ylim=(-1, 1), xticks=xticks, title=title, xlabel="step k")
    return fig


def png(y, **kwargs):
    return plotting._figure_png(run_figure(y, **kwargs))


def raster(y):
    canvas = FigureCanvasAgg(run_figure(y))
    canvas.draw()
    return bytes(canvas.buffer_rgba())


Y = 0.8 * np.sin(np.arange(11.0))


@functools.cache
def one_ulp_apart_drawn_differently(i=2):
    """Two values of Y[i], one ulp apart, that the rasteriser draws differently (the point sits on the
    boundary where antialiasing or pixel snapping tips over): bisection on the float's bits."""
    lo, hi = Y[i], Y[i] + 0.01  # Y[2] > 0, so the bits order as the values; 0.01 is more than a pixel
    at = lambda v: raster(np.concatenate([Y[:i], [v], Y[i + 1:]]))  # noqa: E731
    low_picture = at(lo)
    a, b = np.array([lo, hi]).view(np.int64)
    while b - a > 1:
        mid = (a + b) // 2
        if at(np.int64(mid).view(np.float64)) == low_picture:
            a = mid
        else:
            b = mid
    values = [np.int64(k).view(np.float64) for k in (a, b)]
    assert values[1] == np.nextafter(values[0], np.inf)
    return [np.concatenate([Y[:i], [v], Y[i + 1:]]) for v in values]


def test_a_last_bit_change_of_the_data_is_the_same_picture():
    """Data one ulp apart, drawn into different PNG bytes: the same picture. So is every point moved by one
    ulp (``np.nextafter``), as numpy's vectorised functions on another CPU may move them."""
    before, after = one_ulp_apart_drawn_differently()
    a, b = png(before), png(after)
    assert a != b, "the two PNGs should differ in their bytes, or this test shows nothing"
    assert execute.changed_pixels(a, b) == 0
    assert execute.changed_pixels(png(Y), png(np.nextafter(Y, np.inf))) == 0


@pytest.mark.parametrize("change", ["a point moved by one data unit", "a point moved by a tenth of the view",
                                    "another title", "another tick label", "another colour"])
def test_a_real_change_is_another_picture(change):
    y = Y.copy()
    kwargs = {}
    if change == "a point moved by one data unit":  # on the x axis: every point one step later
        before, after = png(Y), plotting._figure_png(_shifted_figure())
    else:
        if change == "a point moved by a tenth of the view":
            y[6] += 0.2
        elif change == "another title":
            kwargs["title"] = "x_k of a ran"
        elif change == "another tick label":
            kwargs["xticks"] = (0, 2, 4, 6, 8, 9)
        else:
            kwargs["colour"] = "sky"  # blue and sky blue: the nearest pair of the palette
        before, after = png(Y), png(y, **kwargs)
    assert execute.changed_pixels(before, after) > 0


@pytest.mark.parametrize("change", ["a point moved by a tenth of the view", "another colour"])
def test_a_real_change_is_one_large_group_of_pixels(change):
    """What the browser test's canvas comparison counts on (test_browser.CANVAS_CLUSTER): a line or marker drawn
    elsewhere or in another colour is a connected group of more than 80 changed pixels. (One other letter in a
    label is fewer, 7 here: the canvas draws text as Agg's own pixels, so that is not a way it can differ.)"""
    y, kwargs = Y.copy(), {}
    if change == "a point moved by a tenth of the view":
        y[6] += 0.2
    else:
        kwargs["colour"] = "sky"
    changed = execute.changed_mask(png(Y), png(y, **kwargs))
    assert execute.largest_cluster(changed) > 80


def test_scattered_pixels_are_small_groups():
    changed = np.zeros((20, 30), bool)
    changed[2, 3] = changed[2, 4] = changed[3, 5] = True  # one group of three (8-connected)
    changed[10, 10:20] = True  # a row of ten
    changed[18, 28] = True
    assert execute.largest_cluster(changed) == 10
    assert execute.largest_cluster(np.zeros((4, 4), bool)) == 0


def _shifted_figure():
    fig = run_figure(Y)
    line = fig.axes[0].lines[0]
    line.set_xdata(line.get_xdata() + 1.0)
    return fig


def test_a_box_of_cpu_dependent_points_is_left_out_and_nothing_else():
    """``plotting.show(..., cpu_dependent=(ax, (x_from, x_to)))``: a change inside that strip of the axes
    passes, the same change outside it does not."""
    fig = run_figure(Y)
    plotting._figure_png(fig)  # lays the figure out
    box = plotting._pixel_box(fig, fig.axes[0], (-1.0, 3.5))
    inside, outside = Y.copy(), Y.copy()
    inside[2] += 0.5
    outside[8] += 0.5
    assert execute.changed_pixels(png(Y), png(inside), box) == 0
    assert execute.changed_pixels(png(Y), png(inside)) > 0
    assert execute.changed_pixels(png(Y), png(outside), box) > 0


def test_re_executing_keeps_a_stored_figure_that_is_the_same_picture():
    """On another CPU the same figure comes out a few pixels different: ``tools/execute.py`` keeps the stored
    PNG then (a diff shows only real changes), and takes the new one when the picture changed."""
    def notebook(figure_png):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("plotting.show(fig, 'a run')", id="figure")
        cell.outputs = [nbformat.v4.new_output("display_data", data={
            "image/png": base64.b64encode(figure_png).decode("ascii"), "text/plain": "a run"})]
        nb.cells = [cell]
        return nb

    before, after = one_ulp_apart_drawn_differently()
    stored, same, moved = notebook(png(before)), notebook(png(after)), notebook(png(before + 0.3))
    kept = execute.keep_stored_figures(stored, same)
    assert kept.cells[0].outputs == stored.cells[0].outputs and not execute.differences(stored, same)
    assert execute.keep_stored_figures(stored, moved).cells[0].outputs == moved.cells[0].outputs
    assert execute.differences(stored, moved)
    retitled = copy.deepcopy(same)
    retitled.cells[0].outputs[0].data["text/plain"] = "another run"
    assert execute.differences(stored, retitled)
