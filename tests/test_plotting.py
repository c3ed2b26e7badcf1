import base64

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.contour import ContourSet
from matplotlib.image import AxesImage
from matplotlib.text import Text

from helpers import Quartic, Square, outcome_map, plotting, regression, steps
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
    assert not plotting._lecture
    demo = SquareDemo()
    assert min(visible_font_sizes(demo.live.fig)) < plotting._LECTURE_MIN_FONT
    assert demo.readout.style.font_size == "14px"
    assert "gd-lecture" not in demo.widget._dom_classes


def test_lecture_mode_lays_out_text_and_controls_for_the_projector(lecture):
    demo = SquareDemo()
    sizes = visible_font_sizes(demo.live.fig)
    assert sizes and min(sizes) >= plotting._LECTURE_MIN_FONT
    assert demo.live.fig.get_figwidth() == plotting._FIGURE_WIDTH
    assert demo.path.get_linewidth() == pytest.approx(1.5)  # built with lw=1, strokes thickened 1.5×
    assert demo.readout.style.font_size == "20px"
    assert "gd-lecture" in demo.widget._dom_classes
    assert any("font-size: 18px" in w.value for w in demo.widget.children if hasattr(w, "value"))
    assert mpl.rcParams["font.size"] >= 16


def test_static_figures_follow_lecture_mode(lecture, monkeypatch):
    shown = []
    monkeypatch.setattr(plotting, "display", lambda data, raw, metadata: shown.append(data))
    fig, ax = plotting.new_figure(width=6.0)
    ax.plot([0, 1], [0, 1], color=plotting.CURVE)
    ax.set_title("t")
    plotting.show(fig, "a line")
    assert shown[0]["text/plain"] == "a line"
    assert base64.b64decode(shown[0]["image/png"]).startswith(b"\x89PNG")
    assert min(visible_font_sizes(fig)) >= plotting._LECTURE_MIN_FONT
    assert fig.get_figwidth() == plotting._FIGURE_WIDTH  # fills the screen and a slide
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
    assert fig.get_figwidth() <= plotting._FIGURE_WIDTH


def test_projector_strokes_do_nothing_outside_lecture_mode():
    fig, ax = plotting.new_figure()
    (line,) = ax.plot([0, 1], [0, 1], lw=2)
    title = ax.set_title("t", fontsize=9)
    plotting._projector_strokes(fig)
    assert line.get_linewidth() == 2 and title.get_fontsize() == 9


# -- outcome maps: one colour per outcome, the same in every notebook ---------------------------------
QUARTIC = Quartic()
X0 = np.linspace(-2.5, 2.5, 41)
LR = np.geomspace(0.005, 0.3, 31)
MINUS = "\u2212"  # the typographic minus of legends and labels


@pytest.fixture(scope="module")
def gd_map():
    """Gradient descent on the quartic, starts across × learning rates up (as notebook 02 draws it)."""
    return outcome_map(QUARTIC, steps.gradient_descent, X0[None, :], lr=LR[:, None], max_steps=300)


@pytest.fixture(scope="module")
def momentum_map():
    """Momentum on the quartic from x0 = −2, learning rates × β (as notebook 05 draws it)."""
    lr, beta = np.geomspace(0.01, 1.0, 25), np.linspace(0.0, 0.98, 15)
    return outcome_map(QUARTIC, steps.momentum, -2.0, lr=lr[None, :], beta=beta[:, None], max_steps=1000,
                       bound=100.0)


def test_outcome_colors_name_every_code_by_its_critical_point_or_kind(gd_map):
    colors = plotting.outcome_colors(gd_map)
    assert colors == [plotting.OUTCOME_COLORS[key] for key in
                      ("local minimum", "local maximum", "global minimum", "cycle", "bounded", "diverged")]
    assert len(set(colors)) == len(gd_map.labels)  # every outcome its own colour


def test_the_global_minimum_has_the_same_colour_for_gradient_descent_and_momentum(gd_map, momentum_map):
    glob = plotting.OUTCOME_COLORS["global minimum"]
    for omap in (gd_map, momentum_map):
        code = omap.code_of("converged to the global")
        assert np.any(omap.code == code)  # both maps do reach it
        assert plotting.outcome_colors(omap)[code] == glob
    # the same label always gets the same colour, whichever outcomes a map happens to contain
    assert plotting.outcome_colors(gd_map) == plotting.outcome_colors(momentum_map)
    only_global = outcome_map(QUARTIC, steps.momentum, 1.7, lr=np.geomspace(0.01, 0.05, 5)[None, :],
                              beta=np.linspace(0.0, 0.5, 4)[:, None], max_steps=1000)
    assert only_global.present() == [only_global.code_of("converged to the global")]
    assert plotting.outcome_colors(only_global)[only_global.present()[0]] == glob
    square = outcome_map(Square(), steps.gradient_descent, 3.0, lr=np.geomspace(0.1, 1.2, 12), max_steps=200)
    assert plotting.outcome_colors(square) == [glob] + [plotting.OUTCOME_COLORS[k]
                                                        for k in ("cycle", "bounded", "diverged")]


def test_legend_labels_are_short_with_typographic_minus_signs(gd_map, momentum_map):
    points = QUARTIC.critical_points()
    expected = [f"local minimum x* = {points[0].x:.2f}".replace("-", MINUS),
                f"local maximum x* = {points[1].x:.2f}".replace("-", MINUS),
                f"global minimum x* = {points[2].x:.2f}",
                "cycle (period ≥ 2)", "bounded, not converged", "diverged"]
    assert plotting._legend_labels(gd_map) == expected
    assert expected[0] == f"local minimum x* = {MINUS}1.40" and expected[2] == "global minimum x* = 1.71"
    assert plotting._legend_labels(momentum_map) == expected  # the labels do not depend on the method
    assert len(plotting._legend_labels(gd_map)) == len(gd_map.labels)
    square = outcome_map(Square(), steps.gradient_descent, 3.0, lr=np.geomspace(0.1, 1.2, 12), max_steps=200)
    assert plotting._legend_labels(square) == ["global minimum x* = 0.00", "cycle (period ≥ 2)",
                                              "bounded, not converged", "diverged"]


def test_draw_outcome_map_draws_the_codes_in_their_colours(gd_map):
    fig, ax = plotting.new_figure(1)
    image = plotting.draw_outcome_map(ax, gd_map)
    assert isinstance(image, AxesImage) and list(ax.images) == [image]
    np.testing.assert_array_equal(image.get_array(), gd_map.code)
    colors = plotting.outcome_colors(gd_map)
    for code, color in enumerate(colors):
        assert image.cmap(image.norm(code)) == to_rgba(color)
    # x₀ across, log₁₀ η up, each cell centred on its setting
    dx, dy = (X0[1] - X0[0]) / 2, (np.log10(LR[-1]) - np.log10(LR[0])) / (len(LR) - 1) / 2
    assert image.get_extent() == pytest.approx([X0[0] - dx, X0[-1] + dx, np.log10(LR[0]) - dy,
                                                np.log10(LR[-1]) + dy])
    assert image.origin == "lower"
    assert ax.get_xlabel() == "start x₀" and ax.get_ylabel() == "learning rate η (log scale)"
    ticks = ax.get_yticks()
    assert [ax.yaxis.get_major_formatter()(t, None) for t in ticks] == ["0.005", "0.01", "0.02", "0.05", "0.1", "0.2"]
    # one dashed line per minimum at its stability limit 2/f''(x*), with its label
    minima = [p for p in QUARTIC.critical_points() if p.kind == "minimum"]
    limits = [np.log10(2.0 / float(QUARTIC.hess(p.x))) for p in minima]
    lines = ax.get_lines()
    assert sorted(line.get_ydata()[0] for line in lines) == pytest.approx(sorted(limits))
    assert all(line.get_linestyle() == "--" for line in lines)
    notes = sorted(t.get_text() for t in ax.texts)
    assert notes == sorted(f"2/f''({p.x:.2f})".replace("-", MINUS) for p in minima)
    # the legend names the outcomes that occur, in their colours, then the dashed line
    legend = ax.get_legend()
    labels = plotting._legend_labels(gd_map)
    assert [t.get_text() for t in legend.get_texts()] == [labels[c] for c in gd_map.present()] + ["η = 2/f''(x*)"]
    patches = legend.get_patches()
    assert [p.get_facecolor() for p in patches] == [to_rgba(colors[c]) for c in gd_map.present()]
    assert plotting._figure_png(fig).startswith(b"\x89PNG")  # draws without error


def test_draw_outcome_map_without_legend_or_limits(gd_map):
    fig, ax = plotting.new_figure(1)
    image = plotting.draw_outcome_map(ax, gd_map, legend=False, limits=False)
    assert list(ax.images) == [image] and ax.get_legend() is None
    assert len(ax.get_lines()) == 0 and len(ax.texts) == 0
    assert plotting._figure_png(fig).startswith(b"\x89PNG")


def line_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, n)
    return x, 2.0 * x - 1.0 + rng.standard_normal(n)


def test_line_contours_draw_the_excess_loss_the_solution_and_the_start():
    x, y = line_data()
    view = ((-1.5, 4.5), (-3.5, 2.5))
    fig, ax = plotting.new_figure(1)
    plotting.line_contours(ax, x, y, view, start=(-1.0, 2.0))
    (contours,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    np.testing.assert_allclose(contours.levels, np.geomspace(0.01, 30.0, 10))
    assert 0.0 <= contours.zmin < 0.01  # L − L* is never negative and nearly 0 at the grid point nearest (w*, b*)
    star, start = ax.get_lines()
    assert star.get_label() == "least squares (w*, b*)" and star.get_marker() == "*"
    np.testing.assert_allclose(star.get_xydata()[0], regression.least_squares(x, y))
    assert start.get_label() == "start" and start.get_marker() == "s"
    assert tuple(start.get_xydata()[0]) == (-1.0, 2.0)
    assert ax.get_xlim() == view[0] and ax.get_ylim() == view[1]
    assert ax.get_xlabel() == "slope w" and ax.get_ylabel() == "intercept b"
    assert [t.get_text() for t in ax.legend().get_texts()] == ["least squares (w*, b*)", "start"]
    assert plotting._figure_png(fig).startswith(b"\x89PNG")


def test_line_contours_without_a_start():
    x, y = line_data(seed=1)
    fig, ax = plotting.new_figure(1)
    plotting.line_contours(ax, x, y, ((0.0, 4.0), (-3.0, 1.0)))
    assert [line.get_label() for line in ax.get_lines()] == ["least squares (w*, b*)"]
    assert plotting._figure_png(fig).startswith(b"\x89PNG")


def test_shared_colours_of_the_demos():
    assert plotting.CURRENT == plotting.OKABE_ITO["green"]
    low, mid, high = plotting.PROBABILITY_CMAP([0.0, 0.5, 1.0])
    assert low == pytest.approx(to_rgba("#86B8E0")) and high == pytest.approx(to_rgba("#F0BD6E"))
    assert mid == pytest.approx((1.0, 1.0, 1.0, 1.0), abs=0.01)  # undecided, o = ½: white
