"""Notebook 05's demos driven headlessly, and its exercise checks."""

import pathlib

import numpy as np
import pytest
from support import pixels, tool

from helpers import Quadratic2D, runner, steps
from helpers.averages import ewma
from helpers.data import noisy_series
from helpers.demos import benchmark_cases, naive_render
from helpers.demos import momentum as demos
from helpers.demos.momentum import BOUND, MAX_STEPS, EwmaDemo, RavineDemo
from helpers.exercises import Feedback
from helpers.exercises import momentum as ex

ROOT = pathlib.Path(__file__).resolve().parents[1]



def slider_extremes(control):
    if type(control).__name__ == "FloatLogSlider":
        return [10**control.min, 10**control.max]
    return [control.min, control.max]


def all_finite(demo):
    for artist in demo.live._artists:
        if hasattr(artist, "get_data"):
            assert np.all(np.isfinite(np.asarray(artist.get_data(), dtype=float)))


# -- the moving average -------------------------------------------------------------------------------
def test_ewma_demo_draws_the_helper_averages_of_the_seeded_series():
    demo = EwmaDemo(beta=0.9)
    _, signal, series = noisy_series(demos.SERIES_LENGTH, noise=1.0, rng=np.random.default_rng(demos.SERIES_SEED))
    demo.controls["beta"].value = 0.8
    xs, ys = demo.raw.get_data()
    np.testing.assert_allclose(xs, np.arange(1, demos.SERIES_LENGTH + 1))
    np.testing.assert_allclose(ys, ewma(series, 0.8))
    np.testing.assert_allclose(demo.corrected.get_data()[1], ewma(series, 0.8, bias_correction=True))
    assert len(demo.raw_zoom.get_data()[0]) == demos.ZOOM
    text = demo.readout_text
    assert text.startswith("β = 0.80 · window ≈ 5 points")
    assert f"V₁ = {0.2 * series[0]:.2f} (corrected {series[0]:.2f})" in text
    rms = np.sqrt(np.mean((ewma(series, 0.8, bias_correction=True) - signal) ** 2))
    assert f"corrected {rms:.2f}" in text


def test_ewma_demo_step_slider_replays_without_recomputing(monkeypatch):
    demo = EwmaDemo(beta=0.9)
    calls = []
    monkeypatch.setattr(demos, "ewma", lambda *a, **k: calls.append(a) or ewma(*a, **k))
    for shown in (1, 5, 40, 150):
        demo.controls["shown"].value = shown
        assert len(demo.raw.get_data()[0]) == shown
        assert f"t = {shown}:" in demo.readout_text
    assert calls == []
    demo.controls["beta"].value = 0.5
    assert len(calls) == 2


@pytest.mark.parametrize("name", ["beta", "shown"])
def test_ewma_demo_extremes_are_quiet_and_finite(name):
    demo = EwmaDemo()
    for value in slider_extremes(demo.controls[name]):
        demo.controls[name].value = value
        all_finite(demo)
        assert demo.readout_text


def test_ewma_demo_axes_stay_fixed_and_play_is_linked():
    demo = EwmaDemo()
    limits = [ax.get_xlim() + ax.get_ylim() for ax in demo.live.fig.axes]
    for beta in (0.0, 0.5, 0.99):
        demo.controls["beta"].value = beta
    assert [ax.get_xlim() + ax.get_ylim() for ax in demo.live.fig.axes] == limits
    assert demo.play is not None and demo.play.max == demo.controls["shown"].max


# -- the ravine ---------------------------------------------------------------------------------------
def test_ravine_demo_runs_match_independent_runs_and_the_readout_says_so():
    demo = RavineDemo(lr=0.2, beta=0.5)
    ravine = Quadratic2D(demos.RAVINE)
    gd = runner.run(ravine, steps.gradient_descent, [-9.0, 4.0], lr=0.2, max_steps=MAX_STEPS, tol=demos.TOL,
                    bound=BOUND)
    mo = runner.run(ravine, steps.momentum, [-9.0, 4.0], lr=0.2, beta=0.5, max_steps=MAX_STEPS, tol=demos.TOL,
                    bound=BOUND)
    assert gd.status == "diverged" and mo.status == "converged"
    np.testing.assert_array_equal(np.column_stack(demo.gd_path.get_data()), gd.iterates)
    np.testing.assert_array_equal(np.column_stack(demo.mom_path.get_data()), mo.iterates)
    text = demo.readout_text
    assert text.startswith("η = 0.2 · β = 0.50 · start (-9, 4) · ")
    assert f"gradient descent (stable for η < 0.08): diverged after {gd.steps} steps (‖x‖ > 100)" in text
    assert f"momentum (stable for η < 0.24): converged in {mo.steps} steps" in text


def test_ravine_demo_steps_slider_truncates_and_replays_from_the_cache(monkeypatch):
    demo = RavineDemo(lr=0.07, beta=0.8)
    calls = []
    monkeypatch.setattr(demos, "run", lambda *a, **k: calls.append(a[1]) or runner.run(*a, **k))
    demo.controls["shown"].value = 10
    xs, _ = demo.mom_path.get_data()
    assert len(xs) == 11 and "showing 10 steps" in demo.readout_text
    assert len(demo.gd_loss.get_data()[0]) == 11
    demo.controls["shown"].value = 0
    assert len(demo.mom_path.get_data()[0]) == 1 and "showing 0 steps" in demo.readout_text
    assert calls == []
    demo.controls["beta"].value = 0.3  # the gradient-descent run is still cached; momentum is recomputed
    assert calls == [steps.momentum]
    demo.controls["lr"].value = 0.05  # a new η: both runs are recomputed
    assert sorted(calls[1:], key=lambda step: step.__name__) == [steps.gradient_descent, steps.momentum]


def test_ravine_demo_shows_diverging_settings_as_diverged():
    demo = RavineDemo()
    demo.controls["beta"].value = 0.0
    demo.controls["lr"].value = 3.0
    text = demo.readout_text
    assert text.count("diverged after") == 2 and text.count("(‖x‖ > 100)") == 2
    all_finite(demo)


def test_ravine_loss_panel_never_draws_zero_or_negative_values():
    demo = RavineDemo()
    demo.controls["x1"].value = 0.0
    demo.controls["x2"].value = 0.0  # start at the minimum: f = 0 exactly
    assert "converged in 0 steps" in demo.readout_text
    assert np.all(demo.mom_loss.get_data()[1] >= demos.LOSS_FLOOR)


@pytest.mark.parametrize("name", ["lr", "beta", "x1", "x2", "shown"])
def test_ravine_demo_extremes_are_quiet_and_finite(name):
    demo = RavineDemo()
    for value in slider_extremes(demo.controls[name]):
        demo.controls[name].value = value
        all_finite(demo)
        assert "gradient descent" in demo.readout_text and "momentum" in demo.readout_text


def test_ravine_demo_corners_of_the_parameter_space_are_quiet():
    demo = RavineDemo()
    for lr in slider_extremes(demo.controls["lr"]):
        for beta in (0.0, 0.99):
            for x1, x2 in ((-9.0, -4.5), (9.0, 4.5)):
                demo.controls["lr"].value = lr
                demo.controls["beta"].value = beta
                demo.controls["x1"].value = x1
                demo.controls["x2"].value = x2
                all_finite(demo)


def test_ravine_demo_axes_stay_fixed_and_frame_matches_full_redraw():
    demo = RavineDemo()
    limits = [ax.get_xlim() + ax.get_ylim() for ax in demo.live.fig.axes]
    for lr in (0.005, 0.2, 3.0):
        demo.controls["lr"].value = lr
    assert [ax.get_xlim() + ax.get_ylim() for ax in demo.live.fig.axes] == limits
    demo.controls["lr"].value = 0.5
    demo.controls["beta"].value = 0.9
    fast, full = pixels(demo.live.png), pixels(naive_render(demo))
    assert np.mean(np.any(np.abs(fast.astype(int) - full.astype(int)) > 8, axis=-1)) < 1e-3
    gd, mo = demo.runs(0.5, 0.9, -9.0, 4.0)
    assert demo.play is not None and demo.play.max == demo.controls["shown"].max == max(gd.steps, mo.steps)


def test_both_demos_are_benchmarked():
    names = [case[0] for case in benchmark_cases()]
    assert {"ewma", "ravine"} <= set(names) and len(names) == len(set(names))


# -- exercises ----------------------------------------------------------------------------------------
CHECKS = [ex.check_window, ex.check_second_average, ex.check_sum_lr, ex.check_stability_limit]


@pytest.mark.parametrize("check", CHECKS)
def test_placeholder_is_not_yet_answered_and_junk_is_wrong(check):
    feedback = check(...)
    assert isinstance(feedback, Feedback) and feedback.correct is None
    assert repr(feedback).startswith("No answer yet.")
    assert check("1.9").correct is False
    assert check(float("nan")).correct is False


def test_window():
    assert ex.check_window(1 / (1 - 0.985)).correct is True and ex.check_window.answer() == pytest.approx(200 / 3)
    assert ex.check_window(67).correct is True
    hint = ex.check_window(1 / 0.985)
    assert hint.correct is False and "1/β" in hint.message
    assert ex.check_window(60).correct is False
    assert ex.check_window(20, beta=0.95).correct is True


def test_second_average():
    expected = 0.1 * 20 + 0.9 * (0.1 * 10)  # V_2 = (1 − β)·X_2 + β·(1 − β)·X_1 for X = 10, 20
    assert ex.check_second_average(expected).correct is True
    assert ex.check_second_average.answer() == pytest.approx(expected)
    hint = ex.check_second_average(expected / (1 - 0.9**2))
    assert hint.correct is False and "bias-corrected" in hint.message
    assert ex.check_second_average(1.0).correct is False


def test_sum_lr():
    assert ex.check_sum_lr(0.3 * (1 - 0.8)).correct is True and ex.check_sum_lr.answer() == pytest.approx(0.06)
    assert "other way round" in ex.check_sum_lr(0.3 / 0.2).message
    assert ex.check_sum_lr(0.3).correct is False


def test_stability_limit_exercise():
    limit = 2 * 1.8 / (0.2 * 25)
    assert ex.check_stability_limit(limit).correct is True and ex.check_stability_limit.answer() == pytest.approx(limit)
    assert "only 1.8 times 0.08" in ex.check_stability_limit(limit).message
    assert "plain gradient descent" in ex.check_stability_limit(2 / 25).message
    assert "v = βv + ∇L" in ex.check_stability_limit(2 * 1.8 / 25).message
    assert ex.check_stability_limit(1.0).correct is False


# -- kernel-free animations (for the exported pages) ----------------------------------------------------

@pytest.fixture(scope="module")
def export():
    """tools/export.py, which turns a demo into a kernel-free animation for the exported pages."""
    return tool("export")


@pytest.mark.parametrize("cls", [EwmaDemo, RavineDemo])
def test_animation_frames_are_valid_settings_of_the_controls(cls):
    demo = cls()
    frames = demo.animation_frames()
    assert 20 <= len(frames) <= 40  # each frame is a PNG in the exported page
    for frame in frames:
        for name, value in frame.items():
            control = demo.controls[name]
            low, high = slider_extremes(control)
            if name == demo.play_control:  # its range follows the run of the frame's settings
                last = demo.play_length(**{k: v for k, v in frame.items() if k != name})
                high = control.max if last is None else last
            assert low <= value <= high


@pytest.mark.parametrize("cls", [EwmaDemo, RavineDemo])
def test_animation_writes_parameters_into_a_caption_and_restores_the_live_figure(cls, export, monkeypatch):
    demo = cls()
    full = demo.animation_frames()
    monkeypatch.setattr(demo, "animation_frames", lambda: full[:2] + full[-1:])  # three frames suffice here
    captions = []
    render = demo.live.render
    fig = demo.live.fig
    monkeypatch.setattr(demo.live, "render",
                        lambda push=True, **kw: (captions.append(fig.get_suptitle()), render(push, **kw))[1])
    before_png, before_text = demo.live.png, demo.readout_text
    html = export.animation_html(demo)
    assert html.count("data:image/png;base64") == 3
    # every frame carries its parameters (there is no readout), the live figure again has no caption
    assert len(captions) == 4 and all("β = " in text for text in captions[:3])
    assert captions[3] == fig.get_suptitle() == "" and fig.texts == []
    assert demo.readout_text == before_text
    after = pixels(demo.live.png).astype(int)  # the same picture, up to antialiasing
    assert np.mean(np.any(np.abs(after - pixels(before_png).astype(int)) > 8, axis=-1)) < 1e-3
