"""The live-figure machinery and notebook 01's demo, driven headlessly by setting slider values."""

import asyncio

import numpy as np
import pytest
from support import demo_classes, pixels

from helpers.demo import Demo
from helpers.demos import benchmark_cases, naive_render, time_updates
from helpers.demos.square import VIEW, SquareDemo
from helpers.live import _encode_png, _readout_html, log_slider, slider


def test_encode_png_round_trips():
    rgba = np.random.default_rng(0).integers(0, 256, (7, 5, 4), dtype=np.uint8)
    assert np.array_equal(pixels(_encode_png(rgba)), rgba)


@pytest.mark.parametrize("case", benchmark_cases(), ids=lambda c: c[0])
def test_blitted_frame_equals_a_full_redraw(case):
    _, factory, control, values = case
    demo = factory()
    demo.controls[control].value = values[len(values) // 2]
    fast, full = pixels(demo.live.png), pixels(naive_render(demo))
    assert fast.shape == full.shape
    # Antialiased edges may differ by a rounding step where artists overlap; the pictures must not.
    assert np.mean(np.any(np.abs(fast.astype(int) - full.astype(int)) > 8, axis=-1)) < 1e-3


def test_changing_lr_updates_readout_image_and_artists():
    demo = SquareDemo(lr=0.1, x0=10.0, steps=30)
    before_png, before_text = demo.live.png, demo.readout_text
    demo.controls["lr"].value = 0.3
    assert demo.readout_text != before_text and demo.readout_text.startswith("η = 0.3 ·")
    assert "converged in" in demo.readout_text
    assert demo.live.png != before_png
    xs, ys = demo.path.get_data()
    np.testing.assert_allclose(xs, 10.0 * 0.4 ** np.arange(len(xs)))
    np.testing.assert_allclose(ys, xs**2)


@pytest.mark.parametrize(
    "lr, phrase",
    [(0.5, "converged in 1 step"), (1.0, "not converged after 30 steps"), (1.2, "diverged after 1 step")],
)
def test_readout_reports_each_regime(lr, phrase):
    demo = SquareDemo(steps=30)
    demo.controls["lr"].value = lr
    assert phrase in demo.readout_text
    if "diverged" in phrase:
        assert f"left the view ±{VIEW:g}" in demo.readout_text


def test_show_step_truncates_the_drawn_path_and_says_so():
    demo = SquareDemo(lr=0.1, steps=30)
    demo.controls["shown"].value = 3
    xs, _ = demo.trace.get_data()
    assert len(xs) == 4
    assert "showing step 3: x = 5.12" in demo.readout_text
    assert demo.current.get_data()[0][0] == pytest.approx(5.12)


def test_play_and_the_step_slider_move_together():
    demo = SquareDemo(lr=0.1, steps=30)
    shown = demo.controls["shown"]
    assert (demo.play.value, demo.play.max) == (shown.value, shown.max)
    demo.play.value = 3  # Play ticking: the slider follows and the figure shows step 3
    assert shown.value == 3 and "showing step 3" in demo.readout_text
    shown.value = 5  # the slider dragged: Play goes on from there
    assert demo.play.value == 5
    for lr in (0.5, 0.01, 0.45, 0.1):  # runs shorter, longer, shorter, longer: both ranges follow the run
        demo.controls["lr"].value = lr
        assert (demo.play.value, demo.play.max) == (shown.value, shown.max), lr


def test_axes_stay_fixed_while_sliding():
    demo = SquareDemo()
    left, right = demo.live.fig.axes
    limits = [ax.get_xlim() + ax.get_ylim() for ax in (left, right)]
    for lr in (0.01, 0.3, 0.99, 1.2):
        demo.controls["lr"].value = lr
        demo.controls["x0"].value = -10.0 if lr > 0.5 else 7.5
    assert [ax.get_xlim() + ax.get_ylim() for ax in (left, right)] == limits


@pytest.mark.parametrize("name", ["lr", "x0", "steps", "shown"])
def test_every_slider_extreme_is_quiet_and_finite(name):
    demo = SquareDemo()
    control = demo.controls[name]
    for value in (control.min if name != "lr" else 10**control.min, control.max if name != "lr" else 10**control.max):
        control.value = value
        for artist in demo.live._artists:
            if hasattr(artist, "get_data"):
                assert np.all(np.isfinite(np.asarray(artist.get_data(), dtype=float)))
        assert demo.readout_text


def test_every_demo_module_offers_benchmark_cases():
    names = [case[0] for case in benchmark_cases()]
    assert "square" in names and len(names) == len(set(names))


@pytest.mark.parametrize("kind", ["BENCHMARKS", "RECOMPUTE"])
def test_benchmark_entries_name_real_controls_and_values(kind):
    cases = benchmark_cases(kind)
    assert cases
    for name, factory, control, values in cases:
        demo = factory()
        assert control in demo.controls, (name, control)
        widget = demo.controls[control]
        lo, hi = (10**widget.min, 10**widget.max) if hasattr(widget, "base") else (widget.min, widget.max)
        assert all(lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9) for v in values), (name, control)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: log_slider("η", 0.1, 0.0, 1.0), ValueError, "low must be in"),
        (lambda: log_slider("η", 0.1, 1.0, 0.5), ValueError, "low must be smaller than high"),
        (lambda: log_slider("η", 5.0, 0.01, 1.0), ValueError, r"value must be in \[0.01, 1\]"),
    ],
)
def test_slider_factories_validate(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_int_and_float_sliders():
    assert type(slider("n", 3, 1, 10, 1)).__name__ == "IntSlider"
    assert type(slider("x", 0.5, 0.0, 1.0, 0.1)).__name__ == "FloatSlider"


@pytest.mark.parametrize(
    "value, low, high", [(0.05, 1e-3, 1.5), (1.0, 0.05, 50.0), (0.2, 0.005, 3.0), (0.1, 0.01, 1.2)]
)
def test_log_slider_grid_passes_through_the_start_value_and_covers_the_range(value, low, high):
    # The browser snaps a value to min + k·step and sends it back; the start value must survive that.
    widget = log_slider("η", value, low, high)
    k = (np.log10(value) - widget.min) / widget.step
    assert abs(k - round(k)) < 1e-9
    assert 10**widget.min <= low * (1 + 1e-12) and 10**widget.max >= high * (1 - 1e-12)
    assert 10**widget.min > low / 10**widget.step and 10**widget.max < high * 10**widget.step


def test_readout_is_escaped_html_that_wraps_and_keeps_the_plain_text():
    demo = SquareDemo()
    demo.readout_text = None
    demo.draw = lambda **values: "η < 2 & more"
    demo.update()
    assert demo.readout_text == "η < 2 & more"
    assert demo.readout.value == '<span style="white-space: nowrap">η &lt; 2 &amp; more</span>'


def test_readout_wraps_between_parts_never_inside_a_number():
    assert _readout_html("a · b = 9.93e-01") == ('<span style="white-space: nowrap">a</span>&nbsp;· '
                                                '<span style="white-space: nowrap">b = 9.93e-01</span>')
    # a list of racers may break after a comma before a word, never inside "(0, 0)", "1,500" or "-0.5, 2"
    nowrap = '<span style="white-space: nowrap">{}</span>'.format
    assert _readout_html("after 1,500 steps: a f = 0.1, b f = 2 · at (0, 0): c, d -0.5, 2") == (
        nowrap("after 1,500 steps: a f = 0.1,") + " " + nowrap("b f = 2") + "&nbsp;· "
        + nowrap("at (0, 0): c,") + " " + nowrap("d -0.5, 2"))



def test_every_notebook_has_its_demos():
    assert {cls.name for cls in demo_classes()} == {"square", "quartic", "network", "minibatch", "ewma", "ravine",
                                                    "race", "training"}


@pytest.mark.parametrize("cls", demo_classes(), ids=lambda c: c.name)
def test_every_demo_uses_the_shared_update_and_an_escaped_readout(cls):
    assert all("update" not in vars(k) for k in cls.__mro__ if k is not Demo)  # one update path for all demos
    demo = cls()
    assert isinstance(demo.readout_text, str) and demo.readout_text
    assert demo.readout.value == _readout_html(demo.readout_text)
    demo.draw = lambda **values: "a < b & c"
    assert demo.update() == demo.readout_text == "a < b & c"
    assert demo.readout.value == '<span style="white-space: nowrap">a &lt; b &amp; c</span>'


def test_time_updates_sets_each_value_in_turn_or_renders_naively():
    demo = SquareDemo(lr=0.1)
    seen = []
    demo.controls["lr"].observe(lambda change: seen.append(change["new"]), names="value")
    times = time_updates(demo, "lr", [0.2, 0.3])
    assert len(times) == 2 and all(isinstance(t, float) and t >= 0 for t in times)
    assert seen == [0.2, 0.3] and demo.readout_text.startswith("η = 0.3 ·")
    before = demo.live.png
    naive = time_updates(demo, "lr", [0.5, 0.7], naive=True)
    assert len(naive) == 2 and all(isinstance(t, float) and t >= 0 for t in naive)
    # the naive path builds its own figures: the live demo is left as it was
    assert seen == [0.2, 0.3] and demo.controls["lr"].value == 0.3
    assert demo.readout_text.startswith("η = 0.3 ·") and demo.live.png == before


# -- a change the browser sends is drawn after the kernel has answered it ----------------------------------
def from_browser(control, value):
    """What the kernel's comm handler does with a browser's new slider value: ipywidgets' ``set_state``."""
    control.set_state({"value": value})


def counting_updates(demo):
    drawn = []
    update = demo.update
    demo.update = lambda: drawn.append(demo.controls["lr"].value) or update()
    return drawn


def test_browser_changes_are_drawn_after_the_answer_once_with_the_latest_value():
    demo = SquareDemo(lr=0.1, x0=10.0, steps=30)
    drawn, before = counting_updates(demo), demo.readout_text

    async def in_the_kernel():
        for value in (0.2, 0.3, 0.4):  # three messages before the kernel is free to draw
            from_browser(demo.controls["lr"], value)
        assert drawn == [] and demo.readout_text == before  # each answered without drawing
        await asyncio.sleep(0)
        assert drawn == [0.4] and demo.readout_text.startswith("η = 0.4 ·")
        from_browser(demo.controls["lr"], 0.5)
        await asyncio.sleep(0)
        assert drawn == [0.4, 0.5]

    asyncio.run(in_the_kernel())


def test_play_ticking_in_the_browser_moves_the_slider_and_is_drawn_after_the_answer():
    demo = SquareDemo(lr=0.1, x0=10.0, steps=30)
    shown, drawn, sent = demo.controls["shown"], counting_updates(demo), []
    for widget in (shown, demo.play):  # what the kernel sends to the page
        widget.send_state = lambda key=None, widget=widget: sent.append((widget.description, key))

    async def in_the_kernel():
        for step in (1, 2):  # two ticks before the kernel is free
            from_browser(demo.play, step)
            assert shown.value == step
        assert drawn == [] and sent == [("show step", "value")] * 2  # the slider's moves, nothing back to Play
        await asyncio.sleep(0)
        assert len(drawn) == 1 and "showing step 2" in demo.readout_text
        from_browser(shown, 4)  # the slider dragged: Play follows, in the kernel
        assert demo.play.value == 4 and sent[2:] == [("Play", "value")]

    asyncio.run(in_the_kernel())


def test_changes_made_in_python_are_drawn_at_once_even_in_the_kernel():
    demo = SquareDemo(lr=0.1, steps=30)
    drawn = counting_updates(demo)

    async def in_the_kernel():
        demo.controls["lr"].value = 0.3
        assert drawn == [0.3] and demo.readout_text.startswith("η = 0.3 ·")

    asyncio.run(in_the_kernel())
    from_browser(demo.controls["lr"], 0.4)  # no event loop (a script, a test): drawn at once
    assert drawn == [0.3, 0.4]


def test_a_failing_deferred_update_says_so_in_the_readout_and_logs_the_traceback():
    demo = SquareDemo(lr=0.1, steps=30)
    demo.draw = lambda **values: 1 / 0
    reported = []

    async def in_the_kernel():
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context["exception"]))
        from_browser(demo.controls["lr"], 0.3)
        await asyncio.sleep(0)

    asyncio.run(in_the_kernel())
    assert demo.readout.value == "The demo failed: ZeroDivisionError: division by zero"
    assert [type(err) for err in reported] == [ZeroDivisionError]
