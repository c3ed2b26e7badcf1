"""Notebook 03's demo, driven headlessly by setting control values."""


import re

import numpy as np
import pytest
from support import pixels

from helpers import network as nw
from helpers import plotting
from helpers.demo import Demo
from helpers.demos import backprop as demo_module
from helpers.demos import benchmark_cases
from helpers.demos.backprop import DATASETS, GRID, SEED, NetworkDemo, make_data
from helpers.live import _readout_html


def expected_run(dataset="two moons", mode="batch", lr=0.1, momentum=0.9, hidden=8, lam=1.0, epochs=200):
    X, y = make_data(dataset)
    net = nw.Network.random(2, hidden, lam=lam, rng=np.random.default_rng(SEED))
    return nw.train(net, X, y, lr=lr, momentum=momentum, epochs=epochs, mode=mode)


@pytest.fixture(scope="module")
def demo():
    return NetworkDemo()


def test_data_sets():
    X, y = make_data("XOR")
    assert X.shape == (4, 2) and list(y) == [0.0, 1.0, 1.0, 0.0]
    X, y = make_data("two moons")
    assert X.shape == (100, 2) and y.sum() == 50
    assert 0 < np.sum(np.diff(y) != 0) > 20  # shuffled: classes alternate, not fifty of one and then the other
    np.testing.assert_array_equal(make_data("two moons")[0], X)  # seeded: the same points every time
    with pytest.raises(ValueError, match="name must be one of"):
        make_data("spirals")


def test_default_readout_reports_the_run(demo):
    run = expected_run()
    text = demo.readout_text
    assert text.startswith("two moons · full-batch · η = 0.1 · μ = 0.90 · 8 hidden · λ = 1 · epoch 200 of 200")
    assert f"final E = {run.losses[-1]:.3g}, accuracy {100 * run.accuracy[-1]:.0f} %" in text
    assert run.accuracy[-1] == 1.0 and "stalled" not in text


def test_epoch_slider_replays_the_stored_run_without_retraining(monkeypatch):
    demo = NetworkDemo()
    run = expected_run()

    def fail(*args, **kwargs):
        raise AssertionError("stepping through epochs must not retrain")

    monkeypatch.setattr(demo_module, "train", fail)
    for t in (0, 37, 120):
        demo.controls["epoch"].value = t
        assert f"epoch {t} of 200: E = {run.losses[t]:.3g}" in demo.readout_text
        assert demo.epoch_label.get_text() == f"epoch {t}"
        xs, ys = demo.marker.get_data()
        assert xs[0] == t and ys[0] == pytest.approx(run.losses[t])
        # the image shows the network after epoch t on the grid's cell centres
        x0, x1, y0, y1 = DATASETS["two moons"]["view"]
        i, j = 17, 41  # a row (x₂) and a column (x₁) of the grid
        point = [[x0 + (j + 0.5) * (x1 - x0) / GRID, y0 + (i + 0.5) * (y1 - y0) / GRID]]
        expected = NetworkDemo.colour(nw.network_at(run, t).predict(point).reshape(1, 1))[0, 0]
        # One point alone (a one-row matrix product, then exp) and the same point in the demo's grid may
        # round differently in the last bit (BLAS and numpy pick their kernels by shape and CPU): one colour
        # level of 255 is that much, a wrong cell or epoch is far more.
        np.testing.assert_allclose(demo.image.get_array()[i, j].astype(int), expected.astype(int), atol=1, rtol=0)


def test_curve_holds_the_whole_error_history(demo):
    run = expected_run()
    xs, ys = demo.curve.get_data()
    np.testing.assert_array_equal(xs, np.arange(201))
    np.testing.assert_allclose(ys, np.maximum(run.losses, demo_module.ERROR_FLOOR / 2))


def test_changing_a_training_setting_retrains_and_caches():
    demo = NetworkDemo()
    demo.controls["momentum"].value = 0.0
    run = expected_run(momentum=0.0)
    assert "μ = 0.00" in demo.readout_text
    assert f"final E = {run.losses[-1]:.3g}" in demo.readout_text
    first = demo.run("two moons", "full-batch", 0.1, 0.0, 8, 1.0, 200)[1]
    demo.controls["momentum"].value = 0.9
    demo.controls["momentum"].value = 0.0
    assert demo.run("two moons", "full-batch", 0.1, 0.0, 8, 1.0, 200)[1] is first  # kept, not retrained


def test_per_sample_mode_and_xor():
    demo = NetworkDemo(dataset="XOR", mode="per-sample", lr=1.0, momentum=0.9, hidden=4, epochs=300)
    run = expected_run("XOR", "sample", 1.0, 0.9, 4, 1.0, 300)
    assert demo.readout_text.startswith("XOR · per-sample · η = 1 ")
    assert f"final E = {run.losses[-1]:.3g}, accuracy 100 %" in demo.readout_text
    assert len(demo.class0.get_offsets()) == 2 and len(demo.class1.get_offsets()) == 2
    assert demo.ax_map.get_xlim() == (-0.5, 1.5)


def test_changing_epochs_resizes_the_epoch_slider_and_the_axis():
    demo = NetworkDemo()
    demo.controls["epoch"].value = 50
    demo.controls["epochs"].value = 80  # a shown epoch inside the new run stays where it is
    assert demo.controls["epoch"].max == 80 and demo.controls["epoch"].value == 50
    assert demo.play.max == 80
    assert "epoch 50 of 80" in demo.readout_text
    assert demo.ax_err.get_xlim() == pytest.approx((-1.6, 81.6))
    demo.controls["epoch"].value = 80
    demo.controls["epochs"].value = 300  # the last epoch shown: it follows the end of the new run
    assert demo.controls["epoch"].max == 300 and "epoch 300 of 300" in demo.readout_text
    demo.controls["epochs"].value = 20  # past the end of a shorter run: its last epoch
    assert demo.controls["epoch"].value == 20 and "epoch 20 of 20" in demo.readout_text


def test_switching_data_moves_the_view_and_keeps_it_while_sliding():
    demo = NetworkDemo()
    limits = demo.ax_map.get_xlim() + demo.ax_map.get_ylim()
    for name in ("lr", "momentum", "hidden", "lam"):
        demo.controls[name].value = demo.controls[name].value * 0.5 if name != "hidden" else 3
    demo.controls["epoch"].value = 10
    assert demo.ax_map.get_xlim() + demo.ax_map.get_ylim() == limits
    demo.controls["dataset"].value = "XOR"
    assert demo.ax_map.get_xlim() + demo.ax_map.get_ylim() == (-0.5, 1.5, -0.5, 1.5)
    assert demo.ax_err.get_ylim()[1] == pytest.approx(3.0)


def test_a_stalled_run_says_so():
    demo = NetworkDemo(dataset="XOR", mode="per-sample", lr=1.0, momentum=0.9, hidden=4, lam=10.0, epochs=300)
    assert "stalled: the error no longer moves" in demo.readout_text
    assert "accuracy 50 %" in demo.readout_text


def extremes(control):
    if hasattr(control, "base"):  # log slider: min and max are exponents
        return [control.base**control.min, control.base**control.max]
    if hasattr(control, "options"):
        return list(control.options)
    return [control.min, control.max]


@pytest.mark.parametrize("name", ["dataset", "mode", "lr", "momentum", "hidden", "lam", "epochs", "epoch"])
def test_every_control_extreme_is_quiet_and_finite(name):
    demo = NetworkDemo(dataset="XOR", epochs=60) if name != "epochs" else NetworkDemo(dataset="XOR")
    control = demo.controls[name]
    for value in extremes(control):
        control.value = value
        for artist in (demo.curve, demo.marker):
            assert np.all(np.isfinite(np.asarray(artist.get_data(), dtype=float)))
        assert np.all(np.isfinite(demo.image.get_array()))
        assert demo.readout_text and "nan" not in demo.readout_text


def test_all_extremes_together_are_quiet():
    demo = NetworkDemo(dataset="XOR", mode="per-sample", epochs=50)
    for name in ("lr", "momentum", "lam", "hidden"):
        control = demo.controls[name]
        control.value = extremes(control)[-1]
    assert "accuracy" in demo.readout_text
    demo.controls["mode"].value = "full-batch"
    demo.controls["lam"].value = extremes(demo.controls["lam"])[0]
    demo.controls["lr"].value = extremes(demo.controls["lr"])[0]
    assert "stalled" in demo.readout_text


def test_benchmark_entry():
    cases = {case[0]: case for case in benchmark_cases()}
    name, factory, control, values = cases["network"]
    assert control == "epoch" and factory is NetworkDemo
    assert max(values) <= NetworkDemo().controls["epoch"].max


def test_the_output_map_is_drawn_where_its_points_are():
    demo = NetworkDemo()
    for artist in (demo.class0, demo.class1, demo.epoch_label):
        artist.set_visible(False)
    demo.controls["epoch"].value = 60
    png = pixels(demo.live.png)
    grid = demo.image.get_array()
    x0, x1, y0, y1 = DATASETS["two moons"]["view"]
    height = png.shape[0]
    for i, j in [(3, 5), (50, 10), (30, 30), (8, 55), (56, 52)]:
        # centre of grid cell (row i from the bottom, column j) in data, then in display pixels
        x = x0 + (j + 0.5) * (x1 - x0) / GRID
        y = y0 + (i + 0.5) * (y1 - y0) / GRID
        px, py = demo.ax_map.transData.transform((x, y))
        colour = png[height - 1 - int(py), int(px)]
        np.testing.assert_array_equal(colour, grid[i, j])


def test_output_maps_are_kept_for_the_current_run_only():
    demo = NetworkDemo(dataset="XOR", epochs=20)
    for t in range(0, 21, 5):
        demo.controls["epoch"].value = t
    assert len(demo._grids) == 5
    demo.controls["lr"].value = 0.5
    assert len(demo._grids) == 1 and next(iter(demo._grids))[0][2] == 0.5


def test_animation_frames_replay_the_default_run():
    demo = NetworkDemo(dataset="XOR")
    frames = demo.animation_frames()
    assert 20 <= len(frames) <= 60 and all(set(f) <= set(demo.controls) for f in frames)
    run = expected_run()
    for frame in (frames[0], frames[len(frames) // 2]):
        text = demo.draw(**{**demo.values, **frame})
        assert f"epoch {frame['epoch']} of 200: E = {run.losses[frame['epoch']]:.3g}" in text


def test_a_view_that_changes_and_changes_back_is_the_same_picture():
    demo = NetworkDemo()
    before = pixels(demo.live.png).astype(int)
    demo.controls["epochs"].value = 500
    for epochs in range(490, 190, -10):
        demo.controls["epochs"].value = epochs
    after = pixels(demo.live.png).astype(int)
    assert np.array_equal(before, after)  # constrained layout starts from the grid at every redraw


def test_the_output_map_is_coloured_by_the_shared_probability_colour_map():
    o = np.array([[0.0, 0.5, 1.0]])
    np.testing.assert_array_equal(NetworkDemo.colour(o), plotting.PROBABILITY_CMAP(o, bytes=True))
    assert np.all(NetworkDemo.colour(o)[0, 1] >= 250)  # undecided, o = ½: white (to one entry of 256)


def test_the_demo_uses_the_shared_update_and_its_readout_is_escaped_html():
    assert "update" not in vars(NetworkDemo) and NetworkDemo.update is Demo.update
    demo = NetworkDemo(dataset="XOR", epochs=20)
    assert demo.readout_text.startswith("XOR · full-batch · ")
    assert demo.readout.value == _readout_html(demo.readout_text)
    demo.controls["epoch"].value = 5
    assert "epoch 5 of 20" in demo.readout_text and demo.readout.value == _readout_html(demo.readout_text)
    # one unbreakable span per part, and one more after each comma before a word ("E = 0.797, accuracy 50 %")
    breaks = demo.readout_text.count(" · ") + len(re.findall(r", (?=[a-z])", demo.readout_text))
    assert demo.readout.value.count('<span style="white-space: nowrap">') == breaks + 1
    assert '<span style="white-space: nowrap">epoch 5 of 20: E = 0.797,</span>' in demo.readout.value
    demo.draw = lambda **values: "E < 1 & o > ½"
    assert demo.update() == demo.readout_text == "E < 1 & o > ½"
    assert demo.readout.value == '<span style="white-space: nowrap">E &lt; 1 &amp; o &gt; ½</span>'
