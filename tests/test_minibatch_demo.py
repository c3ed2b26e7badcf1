"""Notebook 04's demo, driven headlessly by setting control values."""

import pathlib

import numpy as np
import pytest
from matplotlib.contour import ContourSet
from support import tool

import helpers.demos.minibatch as mod
from helpers.demos import benchmark_cases
from helpers.demos.minibatch import LR_RANGE, MAX_EPOCHS, MinibatchDemo, batch_options, example_data
from helpers.regression import fit, least_squares
from helpers.steps import gradient_descent

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo():
    return MinibatchDemo()


@pytest.fixture(scope="module")
def export():
    """tools/export.py, which turns a demo into a kernel-free animation for the exported pages."""
    return tool("export")


def fresh(**kwargs):
    return MinibatchDemo(**kwargs)


def test_batch_options_span_one_to_n():
    assert batch_options(1000) == [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
    assert batch_options(300) == [1, 2, 5, 10, 20, 50, 100, 200, 300]
    assert batch_options(2) == [1, 2]


def test_example_data_is_seeded():
    x1, y1 = example_data()
    x2, y2 = example_data()
    assert len(x1) == mod.N and np.array_equal(x1, x2) and np.array_equal(y1, y2)


def test_readout_matches_an_independent_run():
    d = fresh(batch_size=20, lr=0.05, epochs=5, seed=3)
    x, y = example_data()
    run = fit(x, y, gradient_descent, batch_size=20, epochs=5, rng=np.random.default_rng(3), params0=mod.START,
              tol=mod.TOL, lr=0.05)
    dist = np.hypot(*(run.iterates[-1] - least_squares(x, y)))
    text = d.readout_text
    assert text == f"mini-batch b = 20 · η = 0.05 · seed 3 · not converged after 5 epochs (250 updates) · " \
                   f"distance to exact solution {dist:.2e}"
    xs, ys = d.path.get_data()
    np.testing.assert_allclose(np.column_stack([xs, ys]), run.iterates)  # 250 updates: nothing thinned


def test_full_batch_converges_and_says_so():
    d = fresh(batch_size=mod.N, lr=0.3, epochs=MAX_EPOCHS)
    assert "converged in" in d.readout_text and d.readout_text.startswith(f"full batch b = {mod.N} ·")
    assert not d.banner.get_visible()


def test_show_epoch_replays_without_recomputing(monkeypatch):
    d = fresh(batch_size=10, lr=0.05, epochs=20)
    calls = []
    monkeypatch.setattr(mod, "fit", lambda *a, **k: calls.append(1))
    run = d.run(10, 0.05, 20, 0, True, False)
    for k in (0, 3, 7, 20, MAX_EPOCHS):
        d.controls["shown"].value = k
        xs, ys = d.path.get_data()
        last = run.epoch_ends[min(k, run.epochs)]
        assert len(xs) <= mod.MAX_DRAWN and (len(xs) == last + 1 or len(run.iterates) > mod.MAX_DRAWN)
        assert (xs[-1], ys[-1]) == tuple(run.iterates[last])
        assert (f"at epoch {k}:" in d.readout_text) == (k < 20)
        dist = np.hypot(*(run.iterates[last] - least_squares(d.x, d.y)))
        assert d.readout_text.endswith(f"distance to exact solution {dist:.2e}")
    assert calls == []


def test_every_control_changes_the_picture_and_text():
    d = fresh(batch_size=10, lr=0.05, epochs=10)
    for name, value in [("batch_size", 100), ("lr", 0.02), ("epochs", 12), ("seed", 4), ("shuffle", False),
                        ("decay", True)]:
        before_text, before_png = d.readout_text, d.live.png
        d.controls[name].value = value
        assert d.readout_text != before_text, name
        assert d.live.png != before_png, name
    assert "no shuffle" in d.readout_text and "decaying" in d.readout_text


def test_shuffle_off_makes_the_seed_irrelevant():
    d = fresh(batch_size=10, shuffle=False)
    first = d.path.get_data()[0].copy()
    d.controls["seed"].value = 7
    np.testing.assert_array_equal(d.path.get_data()[0], first)


def test_divergence_is_shown():
    d = fresh(batch_size=1)
    d.controls["lr"].value = LR_RANGE[1]
    assert "diverged in epoch 1" in d.readout_text and "passed 1e+06" in d.readout_text
    assert d.banner.get_visible()
    d.controls["lr"].value = 0.05
    assert not d.banner.get_visible()


def test_long_paths_are_thinned_but_keep_their_ends():
    d = fresh(batch_size=1, epochs=MAX_EPOCHS)
    run = d.run(1, d.controls["lr"].value, MAX_EPOCHS, 0, True, False)
    xs, ys = d.path.get_data()
    assert len(xs) == mod.MAX_DRAWN < run.updates
    assert (xs[0], ys[0]) == tuple(run.iterates[0]) and (xs[-1], ys[-1]) == tuple(run.iterates[-1])


def test_axes_stay_fixed_while_sliding():
    d = fresh()
    limits = [ax.get_xlim() + ax.get_ylim() for ax in d.live.fig.axes]
    for b, lr in [(1, 1.5), (1000, 0.001), (50, 0.3)]:
        d.controls["batch_size"].value = b
        d.controls["lr"].value = lr
    assert [ax.get_xlim() + ax.get_ylim() for ax in d.live.fig.axes] == limits


def extremes(control):
    if hasattr(control, "options"):
        return [control.options[0], control.options[-1]]
    if isinstance(control.value, bool):
        return [False, True]
    if type(control).__name__ == "FloatLogSlider":
        return [10**control.min, 10**control.max]
    return [control.min, control.max]


@pytest.mark.parametrize("name", ["batch_size", "lr", "epochs", "seed", "shuffle", "decay", "shown"])
@pytest.mark.parametrize("lr", [LR_RANGE[0], LR_RANGE[1]])
def test_every_slider_extreme_is_quiet_and_finite(name, lr):
    d = fresh(batch_size=1 if name != "batch_size" else 10, epochs=MAX_EPOCHS if name != "epochs" else 5)
    d.controls["lr"].value = lr
    for value in extremes(d.controls[name]):
        d.controls[name].value = value
        for artist in d.live._artists:
            if hasattr(artist, "get_data"):
                assert np.all(np.isfinite(np.asarray(artist.get_data(), dtype=float)))
        assert d.readout_text


def test_cache_is_bounded():
    d = fresh(batch_size=100, epochs=2)
    for i in range(MinibatchDemo.CACHE_SIZE + 5):
        d.controls["seed"].value = i
    assert len(d._cache) <= MinibatchDemo.CACHE_SIZE


def test_benchmark_case_is_registered():
    cases = {case[0]: case for case in benchmark_cases()}
    name, factory, control, values = cases["minibatch"]
    assert control == "shown" and values[0] == 0 and values[-1] == MAX_EPOCHS
    assert factory().controls["batch_size"].value == 1


def test_animation_frames_replay_three_methods():
    d = fresh()
    frames = d.animation_frames()
    assert {f["batch_size"] for f in frames} == {1, 20, mod.N}
    assert all(set(f) == set(d.controls) for f in frames)
    assert [f["shown"] for f in frames[:21]] == list(range(21))
    text = d.draw(**frames[-1])
    assert text.startswith("SGD b = 1 ·") and "after 20 epochs" in text


def test_kernel_free_animation_renders(export, monkeypatch):
    d = fresh()
    frames = d.animation_frames()
    monkeypatch.setattr(d, "animation_frames", lambda: frames[19:23])  # a few frames test the pipeline
    before = d.readout_text
    html = export.animation_html(d, fps=5)
    assert html.count("data:image/png;base64") >= 4
    assert d.readout_text == before  # the live demo is restored afterwards


def test_thinning_keeps_the_approach_whole():
    idx = mod._thin(50_001, 50_001)
    assert len(idx) == mod.MAX_DRAWN
    assert list(idx[: mod.HEAD]) == list(range(mod.HEAD))
    assert idx[-1] == 50_000 and np.all(np.diff(idx) > 0)
    assert mod._thin(10, 10) == slice(0, 10) and mod._thin(10, 50_001) == slice(0, 10)


@pytest.mark.parametrize("total", [mod.MAX_DRAWN + 1, 3_001, 50_001])
def test_a_thinned_path_that_grows_keeps_its_points(total):
    """As the shown epoch moves on, the path only gains points (the last one moves): the frame adds to the one
    before it and the noise ball does not change its look from one epoch to the next."""
    before = np.arange(mod.HEAD)
    for k in range(mod.HEAD + 1, total + 1, 97):
        idx = mod._thin(k, total)
        assert idx[-1] == k - 1 and len(idx) <= mod.MAX_DRAWN and np.all(np.diff(idx) > 0)
        np.testing.assert_array_equal(idx[:len(before) - 1], before[:-1])
        before = idx


def test_left_panel_shows_the_loss_contours_the_solution_and_the_start():
    d = fresh()
    left = d.live.fig.axes[0]
    assert any(isinstance(c, ContourSet) for c in left.collections)
    lines = {line.get_label(): line for line in left.get_lines()}
    np.testing.assert_allclose(lines["least squares (w*, b*)"].get_xydata()[0], least_squares(d.x, d.y))
    assert tuple(lines["start"].get_xydata()[0]) == mod.START
    assert left.get_xlim() == mod.W_VIEW and left.get_ylim() == mod.B_VIEW
