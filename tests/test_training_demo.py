"""Notebook 07's demo, driven headlessly by setting control values."""

import numpy as np
import pytest

from helpers import mlp, schedules
from helpers.demos import benchmark_cases
from helpers.demos import training as demo_module
from helpers.demos.training import HIDDEN, SCHEDULES, TRAIN_SEED, TrainingDemo, digits, make_schedule, mosaic


def expected(optimiser="Adam", lr=0.003, batch_size=32, schedule="constant", epochs=30):
    return mlp.fit(digits(), optimiser, lr=lr, batch_size=batch_size, epochs=epochs, seed=TRAIN_SEED, hidden=HIDDEN,
                   schedule=make_schedule(schedule, epochs))


@pytest.fixture(scope="module")
def demo():
    return TrainingDemo()


def test_the_default_readout_reports_the_run(demo):
    run = expected()
    text = demo.readout_text
    assert text.startswith("Adam · η = 0.003 · b = 32 · constant · epoch 30 of 30: training loss ")
    assert f"validation accuracy {100 * run.val_accuracy[-1]:.1f} %" in text
    first = int(np.argmax(run.val_accuracy >= 0.95))
    assert text.endswith(f"95 % first in epoch {first}") and run.val_accuracy[first] >= 0.95


def test_the_epoch_slider_replays_without_retraining(monkeypatch):
    demo = TrainingDemo()
    run = expected()

    def fail(*args, **kwargs):
        raise AssertionError("moving the shown epoch must not retrain")

    monkeypatch.setattr(demo_module, "fit", fail)
    for k in (0, 7, 19):
        demo.controls["shown"].value = k
        assert f"epoch {k} of 30: training loss {run.losses[k]:.3g}, validation accuracy " \
               f"{100 * run.val_accuracy[k]:.1f} %" in demo.readout_text
        xs, ys = demo.lines["acc", "marker"].get_data()
        assert xs[0] == k and ys[0] == pytest.approx(100 * run.val_accuracy[k])
        X, labels = digits()["val"]
        wrong = np.flatnonzero(mlp.network_at(run, k).predict(X) != labels)
        assert 0 < len(wrong) == round((1 - run.val_accuracy[k]) * len(labels))
        np.testing.assert_array_equal(demo.image.get_array(), mosaic(X[wrong]))
        assert demo.wrong_label.get_text().startswith(f"{len(wrong)} of 359 wrong")


def test_the_curves_hold_every_epoch(demo):
    run = expected()
    xs, ys = demo.lines["loss", "val"].get_data()
    np.testing.assert_array_equal(xs, np.arange(31))
    np.testing.assert_allclose(ys, np.clip(run.val_loss, *demo_module.LOSS_VIEW), rtol=0)
    xs, ys = demo.lines["acc", "train"].get_data()
    np.testing.assert_allclose(ys, 100 * run.accuracy, rtol=0)


def test_a_change_retrains_once_and_is_cached(monkeypatch):
    demo = TrainingDemo()
    calls = []
    real = demo_module.fit
    monkeypatch.setattr(demo_module, "fit", lambda *a, **k: calls.append(k["lr"]) or real(*a, **k))
    demo.controls["optimiser"].value = "SGD"
    demo.controls["lr"].value = 0.5
    demo.controls["schedule"].value = "cosine"
    assert calls == [0.003, 0.5, 0.5]  # SGD at 0.003, at 0.5, then at 0.5 with the cosine
    run = expected("SGD", 0.5, schedule="cosine")
    assert demo.readout_text.startswith("SGD · η = 0.5 · b = 32 · cosine · epoch 30 of 30")
    assert f"validation accuracy {100 * run.val_accuracy[-1]:.1f} %" in demo.readout_text
    demo.controls["schedule"].value = "constant"
    demo.controls["schedule"].value = "cosine"
    assert len(calls) == 3  # both from the cache


def test_epochs_set_the_play_range_and_the_axes():
    demo = TrainingDemo(epochs=10)
    assert demo.controls["shown"].max == 10 and demo.play.max == 10
    assert demo.ax_loss.get_xlim()[1] == pytest.approx(10.2)
    demo.controls["epochs"].value = 20
    assert demo.controls["shown"].max == 20 and demo.controls["shown"].value == 20
    assert demo.ax_acc.get_xlim()[1] == pytest.approx(20.4)


def test_a_collapsed_and_a_diverged_run_say_so():
    demo = TrainingDemo(optimiser="SGD", lr=3.0)
    assert "collapsed: it predicts (almost) one class" in demo.readout_text
    assert not demo.banner.get_visible()
    demo.controls["lr"].value = 10.0
    demo.controls["optimiser"].value = "momentum"
    run = demo.run("momentum", 10.0, 32, "constant", 30)
    assert run.status == "diverged"
    assert f"diverged in epoch {run.epochs + 1}" in demo.readout_text and "a weight passed ±1000" in demo.readout_text
    assert demo.banner.get_visible() and demo.banner.get_text() == "diverged"
    assert "nan" not in demo.readout_text
    assert demo.controls["shown"].max == run.epochs


def test_a_long_retraining_shows_its_progress(monkeypatch):
    demo = TrainingDemo()
    frames, texts = [], []
    monkeypatch.setattr(demo_module, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(demo_module, "PROGRESS_EVERY", 0.0)
    real_render = demo.live.render
    monkeypatch.setattr(demo.live, "render",
                        lambda push=True, **kw: frames.append(demo.banner.get_text()) or real_render(push, **kw))
    demo.readout.observe(lambda change: texts.append(change.new), names="value")
    demo.controls["epochs"].value = 5
    progress = [t for t in texts if t.startswith("training Adam")]
    assert progress == [f"training Adam, η = 0.003, b = 32: epoch {e} of 5 …" for e in range(1, 6)]
    assert [f for f in frames if f.startswith("training")] == [p.replace(": ", ":\n", 1) for p in progress]
    assert not demo.banner.get_visible() and demo.readout_text.startswith("Adam · η = 0.003 · b = 32 · constant · "
                                                                          "epoch 5 of 5")


def test_the_schedules_are_the_helpers():
    assert make_schedule("constant", 30) is None
    assert make_schedule("cosine", 30)(7) == schedules.cosine(7, 30)
    assert make_schedule("warm-up + cosine", 30)(1) == schedules.warmup_cosine(1, 30, 3)
    assert make_schedule("warm-up", 30)(0) == schedules.linear_warmup(0, 3)
    assert make_schedule("step decay", 30)(10) == 0.5 and make_schedule("1/t", 30)(10) == 0.5
    assert set(SCHEDULES) == {"constant", "warm-up", "step decay", "1/t", "cosine", "warm-up + cosine"}


def test_the_mosaic_puts_each_digit_in_its_tile():
    images = np.zeros((40, 64))
    images[7, 0] = 1.0  # digit 7 (row 1, column 1 of the 6×6 tiles), its top-left pixel: black
    images[0, 63] = 0.5  # digit 0, bottom-right pixel: mid grey
    images[36:] = 1.0  # beyond the first 36: not shown
    rgba = mosaic(images)[::-1]  # top row first again
    assert rgba.shape == (53, 53, 4) and np.all(rgba[..., 3] == 255)
    assert tuple(rgba[9, 9, :3]) == (0, 0, 0) and tuple(rgba[7, 7, :3]) == (128, 128, 128)
    assert tuple(rgba[0, 0, :3]) == (255, 255, 255)  # an empty pixel of digit 0
    assert tuple(rgba[8, 0, :3]) == tuple(rgba[0, 8, :3]) == (200, 200, 200)  # the gaps between tiles
    assert len(mosaic(np.zeros((0, 64)))) == 53  # nothing wrong: an empty mosaic
    empty = mosaic(np.zeros((0, 64)))
    assert np.all(empty[..., :3] == 255)  # all white: no grid without digits
    three = mosaic(np.zeros((3, 64)))[::-1]
    assert tuple(three[8, 20, :3]) == tuple(three[3, 17, :3]) == (200, 200, 200)  # the third tile framed
    assert tuple(three[8, 30, :3]) == tuple(three[3, 30, :3]) == (255, 255, 255)  # beyond its frame: white
    assert tuple(three[30, 3, :3]) == (255, 255, 255)  # the rows below: white


def test_the_benchmarks_cover_the_demo():
    shown = [case for case in benchmark_cases() if case[0] == "training"]
    assert shown and shown[0][2] == "shown"
    recompute = [case for case in benchmark_cases("RECOMPUTE") if case[0].startswith("training")]
    assert [case[2] for case in recompute] == ["lr"]


def test_animation_frames_replay_two_runs():
    frames = TrainingDemo().animation_frames()
    assert len(frames) == 62 and frames[0]["shown"] == 0 and frames[30]["shown"] == 30
    assert {f["optimiser"] for f in frames} == {"Adam", "SGD"}
