"""Notebook 06's race demo driven headlessly: the runs it draws, the row cache, clicks, surfaces, bad input."""

import numpy as np
import pytest

import helpers
from helpers.demos import adaptive
from helpers.demos.adaptive import RACERS, SURFACES, RaceDemo, race


@pytest.fixture(scope="module")
def demo():
    return RaceDemo(surface="saddle")


def drawn_path(demo, name):
    i = [n for n, *_ in RACERS].index(name)
    return np.column_stack(demo.paths[i].get_data())


def test_the_demo_draws_the_runs_of_helpers_run(demo):
    demo.controls["surface"].value = "saddle"
    spec = SURFACES["saddle"]
    for name, rule, _, params in RACERS:
        hyper = {h: demo.controls[c].value for h, c in params.items()}
        alone = helpers.run(spec.objective, rule, list(spec.start), max_steps=spec.steps, tol=adaptive.TOL,
                            bound=spec.bound, **hyper)
        np.testing.assert_allclose(drawn_path(demo, name), alone.iterates[: demo.controls["shown"].value + 1])


def test_a_row_of_slider_positions_equals_single_runs():
    """Moving a slider runs the affected rules for all its positions in one grid run; each cached run is
    the single run of that setting, bit for bit."""
    demo = RaceDemo(surface="ravine")
    lr = demo.controls["lr_adaptive"]
    positions = demo._positions("lr_adaptive")
    lr.value = float(positions[5])
    spec = SURFACES["ravine"]
    for value in positions[::7]:
        lr.value = float(value)
        for name, rule, _, params in RACERS:
            if "lr_adaptive" not in params.values():
                continue
            hyper = {h: adaptive._key(demo.controls[c].value) for h, c in params.items()}  # 9 digits, as drawn
            alone = helpers.run(spec.objective, rule, list(spec.start), max_steps=spec.steps, tol=adaptive.TOL,
                                bound=spec.bound, **hyper)
            cached = demo._run(next(r for r in RACERS if r[0] == name), demo.values)
            assert (cached.status, cached.steps) == (alone.status, alone.steps)
            np.testing.assert_array_equal(cached.iterates, alone.iterates)
            np.testing.assert_array_equal(cached.losses, alone.losses)


def test_the_start_row_rounds_a_slider_zero_to_zero():
    """On the saddle, y₀ = 2·10⁻¹⁶ (a slider's rounding) and y₀ = 0 differ in kind; the demo takes the 0 it shows."""
    demo = RaceDemo(surface="saddle")
    demo.controls["y0"].value = 2.2e-16
    assert "at the saddle (0, 0)" in demo.readout_text
    assert drawn_path(demo, "Adam")[:, 1].max() == 0.0


def test_a_click_on_the_contours_moves_the_start_there():
    demo = RaceDemo(surface="rosenbrock")
    height = demo.live.canvas.get_width_height()[1]
    px, py = demo.left.transData.transform((0.5, 2.0))  # display pixels, origin bottom left
    demo.on_click({"type": "click", "dataX": float(px), "dataY": float(height - py)})
    assert demo.controls["x0"].value == pytest.approx(0.5, abs=0.026)
    assert demo.controls["y0"].value == pytest.approx(2.0, abs=0.026)
    start = drawn_path(demo, "gradient descent")[0]
    np.testing.assert_allclose(start, [demo.controls["x0"].value, demo.controls["y0"].value])


@pytest.mark.parametrize("event", [{"dataX": 5.0, "dataY": 5.0}, {"dataX": None, "dataY": 3.0}, {}])
def test_a_click_outside_the_contours_or_without_coordinates_changes_nothing(event):
    demo = RaceDemo(surface="rosenbrock")
    before = dict(demo.values)
    demo.on_click(event)
    assert demo.values == before


def test_choosing_another_surface_sets_its_view_start_and_learning_rates():
    demo = RaceDemo(surface="rosenbrock")
    demo.controls["surface"].value = "ravine"
    spec = SURFACES["ravine"]
    (x_lo, x_hi), (y_lo, y_hi) = spec.view
    assert (demo.controls["x0"].min, demo.controls["x0"].max) == (x_lo, x_hi)
    assert (demo.controls["y0"].min, demo.controls["y0"].max) == (y_lo, y_hi)
    assert (demo.controls["x0"].value, demo.controls["y0"].value) == spec.start
    assert demo.controls["lr"].value == pytest.approx(spec.lr)
    assert demo.left.get_xlim() == (x_lo, x_hi)
    longest = max(r.steps for r in race("ravine").values())
    assert demo.controls["shown"].max == -(-longest // 10) * 10


def test_play_ends_where_the_longest_run_ends_ten_steps_a_frame():
    demo = RaceDemo(surface="saddle")
    longest = max(r.steps for r in demo.runs(**demo.values))
    last = demo.controls["shown"].max
    assert last % 10 == 0 and longest <= last < longest + 10 and demo.play.max == last
    assert demo.play.step == demo.controls["shown"].step == 10
    assert last / 10 * demo.play.interval <= 1000 * demo.PLAY_SECONDS


def test_a_diverging_run_is_reported_and_drawn_finite():
    demo = RaceDemo(surface="rosenbrock")
    demo.controls["lr"].value = 0.05
    assert "gradient descent: diverged after" in demo.readout_text and "(‖x‖ > 30)" in demo.readout_text
    for artist in demo.live._artists:
        assert np.all(np.isfinite(np.asarray(artist.get_data(), dtype=float)))


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(surface="bowl"), ValueError, r"surface must be one of \['ravine', 'rosenbrock', 'saddle'\], got 'bowl'"),
    (dict(beta2=1.0), ValueError, r"beta2 must be in \[0.5, 0.999\], got 1.0"),
    (dict(beta1=-0.1), ValueError, r"beta1 must be in \[0, 0.99\]"),
    (dict(lr=0.0), ValueError, r"lr must be in \[0.0001, 1\]"),
    (dict(lr_adaptive=float("inf")), ValueError, "lr_adaptive must be finite"),
    (dict(start=(3.0, 0.0)), ValueError, r"start\[0\] must be in \[-2, 2\], got 3.0"),
    (dict(start=(0.0, 9.0), surface="saddle"), ValueError, r"start\[1\] must be in \[-1.6, 1.6\], got 9.0"),
    (dict(start="left"), TypeError, "start must be numeric"),
])
def test_bad_input_names_the_parameter_and_its_range(kwargs, error, match):
    with pytest.raises(error, match=match):
        RaceDemo(**kwargs)


def test_race_runs_every_rule_through_the_shared_runner(monkeypatch):
    calls = []
    real = adaptive.run
    monkeypatch.setattr(adaptive, "run", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    race("saddle", steps=10)
    assert calls == [rule for _, rule, _, _ in RACERS]


def test_the_race_is_benchmarked_on_slider_positions():
    (name, factory, control, values), = adaptive.BENCHMARKS
    demo = factory()
    positions = {adaptive._key(p) for p in demo._positions(control)}
    assert all(adaptive._key(v) in positions for v in values)


def test_the_front_ends_echo_of_a_clicked_start_recomputes_nothing(monkeypatch):
    """After a click the slider sends the value back, snapped to its grid in the last bits: no new runs."""
    demo = RaceDemo(surface="rosenbrock")
    demo.choose_start(0.55, 2.1)
    calls = []
    monkeypatch.setattr(adaptive, "run", lambda *a, **k: calls.append(1))
    before = demo.readout_text
    clicked = demo.controls["x0"].value
    demo.controls["x0"].value = float(np.nextafter(clicked, 9.0))
    assert demo.controls["x0"].value != clicked  # a real change of the trait, 1 ulp
    assert calls == [] and demo.readout_text == before


def test_a_slider_moved_away_and_back_shows_the_first_picture_again():
    """Rosenbrock at the start settings: the first picture comes from single runs, the one after moving the
    adaptive η away and back from the cached grid row. Adam's bouncing run there turns one ulp into another
    ending (f = 0.0022 instead of 1.2e-05 on an AVX-512 CPU, before the grid and the single run took the same
    path), so the readout and every drawn path must be exactly the first ones."""
    demo = RaceDemo(surface="rosenbrock")
    first_text = demo.readout_text
    first_paths = [np.column_stack(line.get_data()).copy() for line in demo.paths]
    lr = demo.controls["lr_adaptive"]
    start = lr.value
    positions = demo._positions("lr_adaptive")
    here = int(np.argmin(np.abs(positions - start)))
    for k in (here + 3, here - 2, here):
        lr.value = float(positions[k])
    assert lr.value == pytest.approx(start, rel=1e-12)
    assert demo.readout_text == first_text
    for line, path in zip(demo.paths, first_paths, strict=True):
        np.testing.assert_array_equal(np.column_stack(line.get_data()), path)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_the_readout_names_every_racer_once_and_groups_those_that_end_alike(surface):
    """Each racer appears once, with its own figure; racers that stopped alike share one phrase."""
    demo = RaceDemo(surface=surface)
    values = {name: control.value for name, control in demo.controls.items() if name != "shown"}
    text, records = demo.readout_text, demo.runs(**values)
    for (name, *_), record in zip(RACERS, records, strict=True):
        assert text.count(f"{name} ") + text.count(f"{name}:") == 1, (name, text)
        if record.status == "max_steps":
            assert f"f = {float(record.losses[-1]):.2g}" in text
        elif record.status == "converged":
            assert f"{record.steps:,} steps" in text
    spec = SURFACES[surface]
    endings = {(r.status, r.steps if r.status == "max_steps" else adaptive._where(spec, r))
               for r in records if r.status != "diverged"}
    phrases = text.count("not converged after") + text.count("converged at") + text.count("converged:")
    assert phrases == len(endings), text


def test_a_racer_alone_in_its_ending_is_a_group_of_one():
    demo = RaceDemo(surface="saddle")
    demo.controls["lr"].value = 0.01  # gradient descent alone still on its way after 500 steps
    demo.controls["lr_adaptive"].value = 2.0  # RMSProp's first step leaves the plot
    assert "RMSProp: diverged after 1 step (‖x‖ > 20)" in demo.readout_text
    assert demo.readout_text.startswith("not converged after 500 steps: gradient descent f = 7.8e-05 · ")
