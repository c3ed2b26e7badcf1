"""Every notebook in real JupyterLab, driven in headless Chromium: what nbval cannot see.

nbval compares text outputs; a notebook can pass it while its sliders show "Error displaying widget" or
its figure never updates. For each notebook in ``notebooks/`` (found by glob) this test:

1. opens it in JupyterLab (a temporary copy, autosave off), waits for an idle kernel, clears the stored
   outputs and runs all cells; fails on any error or stderr output, any "Error displaying widget", any
   JavaScript console error, and any kernel message in JupyterLab's log console (e.g. a traceback from
   a slider callback);
2. finds every demo (``gd-demo-<name>``; the stored notebook says which demos to expect) and, for every
   slider, moves it to its far end with the keyboard and waits until both the figure and the readout
   have changed, then steps it back to where it was and checks that the readout reads exactly as
   before and the figure is the same picture (up to antialiasing noise);
3. burst, on the slider the demo's module benchmarks (its ``BENCHMARKS`` entry; else the first slider):
   20 arrow-key steps as fast as the page takes them, then 20 back; ``settle_ms`` is the time from the
   last key until figure and readout show what they showed for that value before the burst;
4. drag, same slider: its handle dragged with the mouse for two seconds, the mouse events dispatched
   from inside the page at exactly 60 moves per second (Playwright's own mouse waits for an
   acknowledgement of each move, which would cap the rate), across 90 % of the track and, on a slider
   with fewer steps than moves, back and forth so that every move offers a new value; ``drag_fps`` is
   the number of new figures the page loaded during the drag, per second.

Each demo's line says how the check went (printed at the end of the run, see ``report_line`` in
``conftest.py``):

    browser check demo=<name> settle_ms=<x> drag_fps=<y>

``tools/test.sh`` runs this module's two tests on two pytest-xdist workers at once (groups ``lab`` and
``projector``, the latter with the slide decks), so these lines are what a demo does on a shared core.

A demo answers a slider's message before it draws (``helpers/demo.py``), so "every request answered"
does not mean "drawn": before taking a demo's state as settled, the test sends a request of its own and
waits for its answer, which comes after any drawing the earlier messages scheduled. Timings are printed,
never asserted (the machines are shared and noisy); the figures (repeated drags, the ceiling notebooks,
the server with and without its TCP_NODELAY tuning) are measured by ``benchmarks/browser_timings.py``.
A new demo needs no line here: its
notebook is found by glob, the slider to time is its ``BENCHMARKS`` entry. A screenshot per notebook
goes to ``artifacts/screenshots/``. Without Chromium it skips with an install hint, unless ``CI`` is set.
Run only this layer with ``bash tools/test.sh -m browser`` (one notebook: add ``-k 01``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import (
    BARRIER_JS,
    CELL_PROMPTS_JS,
    CHROMIUM_ARGS,
    CONTROL_LAYOUT_JS,
    DEMO_GEOMETRY_JS,
    DEMOS_READY_JS,
    DIAGNOSE_JS,
    DRAG_MOVES_JS,
    DRAG_PRESS_JS,
    FIGURE_DIFFERENCE_JS,
    FIGURE_SHOWN,
    INSTALL_HINT,
    INSTRUMENT_JS,
    KERNEL_READY_JS,
    KERNEL_TRACKER_JS,
    LOG_JS,
    OUTPUT_PROBLEMS_JS,
    PLAYING_JS,
    QUIET_JS,
    REFERENCE_JS,
    RUN_DONE_JS,
    SLIDERS_JS,
    SNAPSHOT_JS,
    STATE_JS,
    SWAP_REFERENCE_JS,
    LabServer,
    find_chromium,
)
from support import tool

from helpers import live

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright
except ImportError:  # reported by the fixture: skip outside CI, fail in CI
    sync_playwright = None
    PlaywrightTimeout = TimeoutError

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
execute = tool("execute")  # figures compared as the reproducibility check compares them
#: How the canvas may differ from the PNG frame, beyond the reproducibility check's antialiasing and one-pixel
#: tolerance: Chromium's rasteriser and Agg cover the tips of a noisy line's spikes and the pixels where two
#: antialiased lines cross a little differently, scattered groups of a few pixels (largest group measured: 34
#: pixels, at the spikes of 04's noisy loss curve; all groups together at most 0.1 % of a frame). A missing or
#: misplaced marker, label or stretch of line, another colour or a wrong scale is one group of hundreds
#: (test_reproducible.py: a point moved, 532; another colour, 1,045).
CANVAS_CLUSTER, CANVAS_SHARE = 80, 2e-3
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LECTURE_SHOTS = ROOT / "artifacts" / "lecture"
DEMO_PLACEHOLDER = re.compile(r"\[Live demo '([\w-]+)'")

VIEWPORT = {"width": 1366, "height": 1000}
#: A classroom projector; in lecture mode every demo, controls and readout included, must fit the
#: notebook's visible height at this size (with the file browser closed).
PROJECTOR = {"width": 1280, "height": 720}
LECTURE_LABEL_PX = 18  # slider labels and readouts in lecture mode
LECTURE_READOUT_PX = 20
PLAY_TIMEOUT_S = 40
BURST_STEPS = 20
DRAG_HZ = 60  # mouse moves per second during a drag, dispatched in the page at exact times
DRAG_SECONDS = 2.0
DRAG_MOVES = round(DRAG_HZ * DRAG_SECONDS)
DRAG_SPAN = (0.05, 0.95)  # fractions of the track the drag starts and ends at
QUIET_MS = 200  # every request answered and nothing new for this long: the demo has caught up
OPEN_TIMEOUT_S = 120
RUN_TIMEOUT_S = 300
CHANGE_TIMEOUT_S = 30
# Two figures are the same picture when at most this fraction of pixels differ visibly (a cached background
# redrawn may move antialiased pixels by a few levels; one more iterate on a plot changes far more pixels).
SAME_FIGURE_FRACTION = 2e-5
#: Narrowest slider track a viewer can still drag with some precision (px), in both modes.
MIN_TRACK_PX = 120

# JavaScript console errors that say nothing about the notebooks: (pattern for the message, pattern for
# the URL it refers to). Keep this short and specific; none has been needed with JupyterLab 4.6 here.
IGNORED_CONSOLE_ERRORS = [
    (re.compile(r"^Failed to load resource: .* 404"), re.compile(r"/favicon\.ico$")),  # a favicon the server lacks
]


# -- fixtures -------------------------------------------------------------------------------------------
def _unavailable(reason):
    if os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}:
        pytest.fail(f"{reason}: {INSTALL_HINT} (CI is set, so this fails instead of skipping)")
    pytest.skip(f"{reason}: {INSTALL_HINT}")


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium (Debian's package, not Playwright's download), closed after this module."""
    path = find_chromium()
    if path is None:
        where = os.environ.get("CHROMIUM_PATH")
        _unavailable(f"CHROMIUM_PATH={where} is not an executable" if where else "no Chromium found")
    if sync_playwright is None:
        _unavailable("Playwright is not installed (`pip install -r requirements-dev.txt`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def notebook_digests():
    folder = ROOT / "notebooks"
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", autouse=True)
def notebooks_unchanged():
    """The stored notebooks are the regression baseline: nothing the browser does may write into them."""
    before = notebook_digests()
    yield
    after = notebook_digests()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"the browser test changed files in notebooks/: {changed}"


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """JupyterLab serving a temporary copy of notebooks/, stopped (kernels and all) after this module."""
    with LabServer(ROOT / "notebooks", tmp_path_factory.mktemp("jupyterlab")) as server:
        kernel_python = server.kernel_python()
        if kernel_python != sys.executable:
            pytest.fail(f"the python3 kernel would run {kernel_python}, not this environment's {sys.executable}")
        yield server


@pytest.fixture(scope="module")
def lecture_lab(chromium, tmp_path_factory):
    """A second JupyterLab whose kernels start in lecture mode (``GD_LECTURE_MODE=1``)."""
    with LabServer(ROOT / "notebooks", tmp_path_factory.mktemp("jupyterlab-lecture"),
                   env={"GD_LECTURE_MODE": "1"}) as server:
        yield server


def open_page(chromium, viewport=None, device_scale_factor=1):
    """A new browser context and its page, as the tests use them: 30-s timeouts and the kernel tracker."""
    context = chromium.new_context(viewport=viewport or VIEWPORT, device_scale_factor=device_scale_factor)
    context.set_default_timeout(30_000)
    context.add_init_script(KERNEL_TRACKER_JS)
    return context, context.new_page()


# -- the test ------------------------------------------------------------------------------------------
@pytest.mark.xdist_group("lab")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_in_jupyterlab(notebook, lab, chromium, report_line):
    context, page = open_page(chromium)
    console_errors = []
    page.on("console", lambda message: _console_error(message, console_errors))
    page.on("pageerror", lambda error: console_errors.append(f"uncaught exception: {error}"))
    lines, demos, passed = [], [], False
    try:
        served = lab.served(notebook)  # the copy taken when the server started
        open_notebook(page, lab, served)
        run_all_cells(page, served)
        demos = find_demos(page, served)
        assert_no_console_errors(console_errors, "while running the notebook")
        # A first start with fresh settings: JupyterLab's news prompt would sit over the demos (it is off).
        assert page.get_by_text("get notified about official Jupyter news").count() == 0
        for name, demo in demos:
            result = exercise_demo(page, demo, name)
            lines.append(f"browser check demo={name} settle_ms={result.settle_ms:.0f} drag_fps={result.drag_fps:.1f} "
                         + result.canvas)
            if name in CLICKABLE:
                lines.append(click_on_figure(Demo(page, demo, name), *CLICKABLE[name]))
        assert_no_output_problems(page)  # again: nothing broke while sliding
        assert_log_console_empty(page)
        assert_no_console_errors(console_errors, "while sliding")
        passed = True
    finally:
        # Clean up without hiding the test's own failure behind a failure here.
        for step in (lambda: save_screenshots(page, notebook.stem, demos if passed else []), context.close):
            try:
                step()
            except Exception as err:
                print(f"browser test cleanup: {err}", file=sys.stderr)
        lab.shutdown_kernels()
        for line in lines:
            report_line(line)


@pytest.mark.xdist_group("lab")
def test_without_the_canvas_front_end(chromium, tmp_path_factory, report_line):
    """In a JupyterLab without the canvas front end (the anywidget extension disabled, as in a server whose
    environment lacks it), a demo shows PNG frames, says so once, and still follows its sliders."""
    workdir = tmp_path_factory.mktemp("jupyterlab-no-canvas")
    (workdir / "config" / "labconfig").mkdir(parents=True)
    (workdir / "config" / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"anywidget": True}}), encoding="utf-8")
    notebook = next(nb for nb in NOTEBOOKS if nb.name.startswith("02_"))
    with LabServer(ROOT / "notebooks", workdir) as server:
        context, page = open_page(chromium)
        errors = []
        page.on("console", lambda message: _console_error(message, errors))
        try:
            served = server.served(notebook)
            open_notebook(page, server, served)
            run_all_cells(page, served)
            demos = find_demos(page, served, mode="png")
            # the one error expected: JupyterLab's widget manager cannot load the canvas widget's class
            unexpected = [e for e in errors if "No version of module anywidget is registered" not in e]
            assert_no_console_errors(unexpected, "without the canvas front end")
            notes = page.locator(".jp-NotebookPanel .gd-note:visible")
            notes.first.wait_for(timeout=(live._FALLBACK_SECONDS + 15) * 1000)
            assert notes.count() == len(demos), f"{notes.count()} notes for {len(demos)} demos"
            page.wait_for_function("(note) => note.textContent.includes('anywidget')", arg=notes.first.element_handle())
            for name, locator in demos:
                demo = Demo(page, locator, name)
                move_slider(demo, 0)  # figure and readout change, and are as before when the slider is back
                assert demo.state()["mode"] == "png"
                report_line(f"browser fallback demo={name} frames=png note_shown=once")
            assert notes.count() == len(demos)
        finally:
            context.close()
            server.shutdown_kernels()


@pytest.mark.xdist_group("lab")
def test_the_canvas_at_device_pixel_ratio_2(chromium, lab, report_line):
    """Normal mode on a HiDPI screen: the canvas, scaled by the browser as the PNG image was, shows what the PNG
    frame shows (the lecture test checks lecture mode at this ratio; the other tests run at 1)."""
    context, page = open_page(chromium, device_scale_factor=2)
    try:
        notebook = lab.served(next(nb for nb in NOTEBOOKS if nb.name.startswith("01_")))
        open_notebook(page, lab, notebook)
        run_all_cells(page, notebook)
        for name, locator in find_demos(page, notebook):
            demo = Demo(page, locator, name)
            demo.matches_png("as the notebook sets it up")
            for i, slider in enumerate(demo.sliders):
                if not slider["disabled"]:
                    move_slider(demo, i)  # compares again at the far end of each slider
            report_line(f"browser canvas demo={name} device_pixel_ratio=2 {canvas_line(demo)}")
    finally:
        context.close()
        lab.shutdown_kernels()


NOTEBOOKS_WITH_DEMOS = [nb for nb in NOTEBOOKS if DEMO_PLACEHOLDER.search(nb.read_text(encoding="utf-8"))]


@pytest.mark.xdist_group("projector")  # with the slide decks: one worker each for the two groups
@pytest.mark.parametrize("notebook", NOTEBOOKS_WITH_DEMOS, ids=lambda path: path.name)
def test_lecture_mode_on_a_projector(notebook, lecture_lab, chromium, report_line):
    """At 1280×720 with the file browser closed, in lecture mode: every demo fits the window without
    scrolling, with projector-size labels; Play plays the run to its last step, stops there, and
    from the end starts again at step 0; at a device pixel ratio of 2, the canvas shows what the PNG frame shows.
    A screenshot per demo goes to ``artifacts/lecture/``."""
    context, page = open_page(chromium, PROJECTOR, device_scale_factor=2)  # a projector fed by a HiDPI laptop
    console_errors, lines = [], []
    page.on("console", lambda message: _console_error(message, console_errors))
    page.on("pageerror", lambda error: console_errors.append(f"uncaught exception: {error}"))
    try:
        served = lecture_lab.served(notebook)
        open_notebook(page, lecture_lab, served)
        page.keyboard.press("Control+b")  # close the file browser, as a lecturer does on a projector
        run_all_cells(page, served)
        LECTURE_SHOTS.mkdir(parents=True, exist_ok=True)
        for name, locator in find_demos(page, served):
            locator.evaluate("(element) => element.scrollIntoView({block: 'start'})")
            demo = Demo(page, locator, name)
            demo.quiet()
            geometry = locator.evaluate(DEMO_GEOMETRY_JS)
            page.screenshot(path=LECTURE_SHOTS / f"{name}.png", scale="css")
            demo.matches_png("in lecture mode")
            lines.append(f"browser lecture demo={name} device_pixel_ratio=2 {canvas_line(demo)}")
            assert_controls_laid_out(locator, name, "lecture")
            assert geometry["height"] <= geometry["window"], (
                f"{name}: the demo is {geometry['height']:.0f} px tall, the notebook shows {geometry['window']:.0f} px "
                "at 1280×720: it does not fit without scrolling")
            assert geometry["width"] <= geometry["windowWidth"], f"{name}: wider than the window"
            assert min(geometry["labels"]) >= LECTURE_LABEL_PX, f"{name}: control labels {geometry['labels']} px"
            assert min(geometry["readouts"]) >= LECTURE_LABEL_PX, f"{name}: slider readouts {geometry['readouts']} px"
            assert geometry["readout"] >= LECTURE_READOUT_PX, f"{name}: readout {geometry['readout']} px"
            seconds, last, messages, drawn = play_through(demo)
            lines.append(f"browser lecture demo={name} height_px={geometry['height']:.0f} "
                         f"window_px={geometry['window']:.0f} play_s={seconds:.1f} play_steps={last:g} "
                         f"play_kernel_messages={messages} play_frames_drawn={drawn}")
        assert_no_output_problems(page)
        assert_log_console_empty(page)
        assert_no_console_errors(console_errors, "in lecture mode")
    finally:
        context.close()
        lecture_lab.shutdown_kernels()
        for line in lines:
            report_line(line)


@functools.cache
def play_label(name):
    """Label of the slider that demo ``name``'s Play button drives."""
    from helpers.demos import benchmark_cases

    for case_name, factory, _, _ in benchmark_cases():
        if case_name == name:
            demo = factory()
            return demo.controls[demo.play_control].description
    raise AssertionError(f"demo {name} has no benchmark entry to build it from")


def play_through(demo):
    """From step 0, press Play: it must run to the slider's end (the run's last step) and stop there;
    pressed at the end, it starts again from step 0. With frames as data Play runs in the page: the kernel hears
    of it twice (the request for the run's frames, the last step). Returns the seconds from the press to the last
    step, the last step, the messages the page sent the kernel and the frames drawn meanwhile."""
    labels = [slider["label"] for slider in demo.sliders]
    i = labels.index(play_label(demo.name))
    button = demo.locator.locator(".widget-play:visible button").first
    demo.press(i, "Home")
    demo.sliders = demo.locator.evaluate(SLIDERS_JS)  # the range follows the run: read it now
    low, last = demo.sliders[i]["min"], demo.sliders[i]["max"]
    demo.wait(lambda s: s["values"][i] == low, f"{demo.label(i)} to go to its start")
    demo.quiet()
    start, sent = time.perf_counter(), demo.page.evaluate("() => window.__gdKernel.sent")
    drawn = demo.state()["frames"]
    button.click()
    deadline = start + PLAY_TIMEOUT_S
    while True:
        state, playing = demo.state(), demo.locator.evaluate(PLAYING_JS)
        if not playing and state["values"][i] != last:  # the slider follows Play through the kernel: catch up
            state, playing = demo.quiet(f"{demo.label(i)} to follow Play"), demo.locator.evaluate(PLAYING_JS)
            assert playing or state["values"][i] == last, f"{demo.label(i)}: Play stopped at {state['values'][i]}"
        if not playing and state["values"][i] == last:
            break
        assert time.perf_counter() < deadline, f"{demo.label(i)}: Play did not reach step {last} and stop"
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    messages = demo.page.evaluate("() => window.__gdKernel.sent") - sent
    drawn = demo.state()["frames"] - drawn
    if demo.state()["mode"] == "canvas":  # Play in the page: one request for the frames, the last step
        assert messages <= 3, f"{demo.label(i)}: Play sent the kernel {messages} messages for one run"
    time.sleep(0.5)
    assert demo.state()["values"][i] == last and not demo.locator.evaluate(PLAYING_JS), "Play went on past the end"
    button.click()  # at the end: Play starts again from the first step
    demo.wait(lambda s: s["values"][i] < last, f"{demo.label(i)}: Play, pressed at the end, to start again")
    button.click()  # pause
    demo.wait(lambda s: True, "the pause")
    deadline = time.perf_counter() + 5
    while demo.locator.evaluate(PLAYING_JS):
        assert time.perf_counter() < deadline, "Play did not pause"
        time.sleep(0.05)
    demo.press(i, "End")
    demo.quiet()
    return seconds, last, messages, drawn


def save_screenshots(page, stem, demos):
    """``<stem>.png``: the first demo at the top of the notebook (after a failure: the page as it was);
    ``<stem>-<name>.png`` for each further demo."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for k, (name, demo) in enumerate(demos):
        demo.evaluate("(element) => element.scrollIntoView({block: 'start'})")
        page.screenshot(path=SCREENSHOTS / (f"{stem}.png" if k == 0 else f"{stem}-{name}.png"))
    if not demos:
        page.screenshot(path=SCREENSHOTS / f"{stem}.png")


def _console_error(message, errors):
    url = message.location.get("url", "")
    if message.type != "error" or any(
        text.search(message.text) and where.search(url) for text, where in IGNORED_CONSOLE_ERRORS
    ):
        return
    errors.append(f"{message.text} ({url})" if url else message.text)


# -- notebook level ------------------------------------------------------------------------------------
def open_notebook(page, lab, notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name", "python3")
    display_name = lab.api("GET", "api/kernelspecs")["kernelspecs"][kernel]["spec"]["display_name"]
    workspace = re.sub(r"[^A-Za-z0-9_-]", "-", notebook.stem)
    page.goto(lab.notebook_url(notebook.relative_to(lab.root).as_posix(), workspace))
    wait_js(page, KERNEL_READY_JS, display_name, OPEN_TIMEOUT_S, f"the notebook to open with an idle {display_name}")


def run_all_cells(page, notebook):
    """Clear the stored outputs, then Run → Run All Cells; every code cell must run, in order, cleanly."""
    if not any(cell["cell_type"] == "code" for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
        return
    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")
    wait_js(page, RUN_DONE_JS, None, RUN_TIMEOUT_S, "Run All Cells to finish")
    assert_no_output_problems(page)
    prompts = page.evaluate(CELL_PROMPTS_JS)
    expected = [f"[{i}]:" for i in range(1, len(prompts) + 1)]
    assert prompts == expected, f"{notebook.name}: not every cell ran once, in order: {' '.join(prompts)}"


def menu(page, menu_name, item):
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu_name}$")).click()
    page.locator(f".lm-Menu-item:has(.lm-Menu-itemLabel:text-is('{item}'))").click()


def assert_no_output_problems(page):
    problems = page.evaluate(OUTPUT_PROBLEMS_JS)
    if problems:
        pytest.fail("\n\n".join(problems))


def assert_no_console_errors(errors, when):
    if errors:
        pytest.fail(f"JavaScript console errors {when}:\n" + "\n".join(errors))


def assert_log_console_empty(page, when="after the interaction"):
    """Kernel output that belongs to no cell (e.g. a traceback from a slider callback) lands in the log console."""
    title = page.evaluate(DIAGNOSE_JS)["log"]
    match = re.search(r"(\d+) log entries", title)
    if match and int(match.group(1)) > 0:
        page.locator(".jp-LogConsoleStatusItem").click()
        page.locator(".jp-LogConsolePanel .jp-OutputArea-output").first.wait_for()
        text = page.locator(".jp-LogConsolePanel").inner_text()
        pytest.fail(f"{when}, the kernel logged {match.group(1)} message(s) outside the cells:\n{text[-4000:]}")


def stored_widgets(notebook):
    """The stored notebook's demos: how many widget outputs to wait for, and their names in order.

    A demo is stored as its text placeholder, "[Live demo '<name>': …]" (no widget state is saved).
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    names = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            match = DEMO_PLACEHOLDER.match("".join(output.get("data", {}).get("text/plain", "")))
            if match:
                names.append(match.group(1))
    return len(names), names


def find_demos(page, notebook, mode="canvas"):
    """The demos on the page once each shows its figure: on its canvas (``mode="canvas"``) or, without the
    canvas front end, as a PNG image (``"png"``)."""
    count, expected = stored_widgets(notebook)
    what = f"{count} widget output(s) to display" + (f", with demo(s) {', '.join(expected)}" if expected else "")
    names = wait_js(page, DEMOS_READY_JS, [count, mode], CHANGE_TIMEOUT_S, f"{what} ({mode} frames)").json_value()
    assert_no_output_problems(page)
    if expected is not None:
        assert names == expected, f"demos shown {names}, expected {expected} (as in the stored notebook)"
    demos = page.locator(".jp-NotebookPanel .gd-demo")
    return [(name, demos.nth(i)) for i, name in enumerate(names)]


def wait_js(page, script, arg, timeout_s, what):
    try:
        return page.wait_for_function(script, arg=arg, timeout=timeout_s * 1000, polling=50)
    except PlaywrightTimeout:
        pytest.fail(f"timed out after {timeout_s:g} s waiting for {what}{diagnose(page)}")


def diagnose(page):
    try:
        info = page.evaluate(DIAGNOSE_JS)
        problems = page.evaluate(OUTPUT_PROBLEMS_JS)
    except Exception as err:  # the page itself may be what broke
        return f"\n(could not read the page: {err})"
    parts = [f"dialog: {d}" for d in info["dialogs"]] + problems
    if info["log"]:
        parts.append(f"log console: {info['log']}")
    return "".join(f"\n{part}" for part in parts)


# -- one demo ------------------------------------------------------------------------------------------
@dataclass
class DemoResult:
    settle_ms: float
    drag_fps: float
    canvas: str = ""  # how the canvas compared with the PNG frames


class Demo:
    """A demo on the page: its sliders, what it shows, and waits on the page's own event log."""

    def __init__(self, page, locator, name):
        self.page, self.locator, self.name = page, locator, name
        locator.scroll_into_view_if_needed()
        locator.evaluate(INSTRUMENT_JS)
        self.handle = locator.element_handle()
        self.sliders = locator.evaluate(SLIDERS_JS)
        self.canvas_differences = []  # per comparison with the PNG frame: the share of pixels that differ

    def state(self):
        return self.locator.evaluate(STATE_JS)

    def snapshot(self, key):
        """Remember the figure shown now (its pixels, in the page) as ``key``."""
        self.page.evaluate(SNAPSHOT_JS, [self.handle, key])

    def same_figure(self, key):
        """Whether the figure shown now is the picture of snapshot ``key`` (up to antialiasing noise)."""
        return self.page.evaluate(FIGURE_DIFFERENCE_JS, [self.handle, key]) <= SAME_FIGURE_FRACTION

    def log(self):
        return self.locator.evaluate(LOG_JS)

    def matches_png(self, where):
        """The canvas shows the picture today's PNG frame shows for this setting: the canvas's own pixels (what
        a device pixel ratio of 1 shows) and a screenshot at the page's ratio, each against the PNG the kernel
        draws with Agg, compared as the reproducibility check compares figures (tools/execute.py)."""
        if self.quiet()["mode"] != "canvas":
            return  # PNG frames (test_without_the_canvas_front_end): they are the reference
        canvas_url, reference_url = self.locator.evaluate(REFERENCE_JS)
        own, reference = (base64.b64decode(url.split(",", 1)[1]) for url in (canvas_url, reference_url))
        shots = []
        for show_reference in (False, True):
            self.page.evaluate(SWAP_REFERENCE_JS, [self.handle, show_reference])
            shots.append(self.locator.locator(FIGURE_SHOWN).screenshot(animations="disabled"))
        self.page.evaluate(SWAP_REFERENCE_JS, [self.handle, None])
        ratio = self.page.evaluate("() => window.devicePixelRatio")
        for what, pair in [("its pixels", (own, reference)), (f"a screenshot at device pixel ratio {ratio:g}", shots)]:
            changed = execute.changed_mask(*pair)
            assert changed is not None, f"{self.name}: the canvas and the PNG frame differ in size, {what}, {where}"
            share, cluster = changed.mean(), execute.largest_cluster(changed)
            self.canvas_differences.append((share, cluster))
            if share > CANVAS_SHARE or cluster > CANVAS_CLUSTER:
                folder = ROOT / "artifacts" / "canvas"
                folder.mkdir(parents=True, exist_ok=True)
                for tag, png in zip(("canvas", "png"), pair, strict=True):
                    (folder / f"{self.name}-{tag}.png").write_bytes(png)
            assert share <= CANVAS_SHARE and cluster <= CANVAS_CLUSTER, (
                f"{self.name}: the canvas differs from the PNG frame in {changed.sum()} pixels ({share:.2e} of them; "
                f"largest group {cluster} pixels), {what}, {where} (artifacts/canvas/{self.name}-canvas.png, -png.png)")

    def knob(self, i):
        return self.locator.locator(".widget-slider").nth(i).locator(".noUi-handle").first

    def label(self, i):
        return f"demo {self.name}, slider {self.sliders[i]['label']!r}"

    def tolerance(self, i):
        return self.sliders[i]["step"] * 1e-3

    def wait(self, predicate, what, explain=None, timeout_s=CHANGE_TIMEOUT_S):
        """Poll ``predicate(state)`` until true; fail naming ``what``, ``explain(state)`` and what is shown."""
        deadline = time.monotonic() + timeout_s
        while True:
            state = self.state()
            if predicate(state):
                return state
            if state["logEntries"]:  # the kernel reported an error: no point waiting for the figure
                assert_log_console_empty(self.page, f"while waiting for {what}")
            if time.monotonic() > deadline:
                because = f" ({explain(state)})" if explain else ""
                pytest.fail(
                    f"{self.name}: timed out after {timeout_s:g} s waiting for {what}{because}; the readout "
                    f"shows {state['text']!r} at slider values {state['values']}{diagnose(self.page)}"
                )
            time.sleep(0.02)

    def quiet(self, what="the demo to catch up"):
        """The state once the demo has caught up. Every request answered is not enough: a demo answers a
        slider's message first and draws after, so then a barrier request (see KERNEL_TRACKER_JS) follows."""
        self._quiet(what)
        self.page.evaluate(BARRIER_JS)
        return self._quiet(what)

    def _quiet(self, what):
        try:
            state = self.page.wait_for_function(
                QUIET_JS, arg=[self.handle, QUIET_MS], timeout=CHANGE_TIMEOUT_S * 1000, polling=50
            ).json_value()
        except PlaywrightTimeout:
            pytest.fail(f"{self.name}: timed out waiting for {what}{diagnose(self.page)}")
        if state["logEntries"]:
            assert_log_console_empty(self.page, f"while waiting for {what}")
        return state

    def shows(self, i, value, text, snapshot, what):
        """Wait until slider ``i`` is at ``value``, the readout reads ``text`` and the figure is ``snapshot``."""
        deadline = time.monotonic() + CHANGE_TIMEOUT_S
        while True:
            state = self.quiet(what)
            same_value = abs(state["values"][i] - value) <= self.tolerance(i)
            if same_value and state["text"] == text and self.same_figure(snapshot):
                return state
            if time.monotonic() > deadline:
                differs = [
                    f"slider at {state['values'][i]:g} instead of {value:g}" if not same_value else "",
                    f"readout {state['text']!r} instead of {text!r}" if state["text"] != text else "",
                    "a different figure" if not self.same_figure(snapshot) else "",
                ]
                pytest.fail(f"{self.label(i)}: after {what}, " + "; ".join(d for d in differs if d))
            time.sleep(0.05)

    def press(self, i, key, times=1):
        self.knob(i).focus()
        for _ in range(times):
            self.page.keyboard.press(key)


#: Demos whose figure takes clicks: the sliders a click sets, and where to click (fractions of the figure's
#: width and height, on the contour panel).
CLICKABLE = {"race": (("start x₀", "start y₀"), (0.30, 0.25))}


def click_on_figure(demo, labels, where):
    """Click on the figure; the sliders ``labels`` must move, the figure and the readout change. Returns a
    line with the time from the click until the new figure is shown."""
    start = demo.quiet()
    demo.snapshot("before the click")
    indices = [[s["label"] for s in demo.sliders].index(label) for label in labels]
    box = demo.locator.locator(FIGURE_SHOWN).bounding_box()
    clicked = time.monotonic()
    demo.page.mouse.click(box["x"] + where[0] * box["width"], box["y"] + where[1] * box["height"])

    def moved(state):
        return (all(abs(state["values"][i] - start["values"][i]) > demo.tolerance(i) for i in indices)
                and state["src"] != start["src"] and state["complete"] and state["text"] != start["text"])

    state = demo.wait(moved, f"the click on {demo.name}'s figure to move {', '.join(labels)}")
    elapsed = 1000.0 * (time.monotonic() - clicked)
    assert not demo.same_figure("before the click")
    values = ", ".join(f"{label}={state['values'][i]:g}" for label, i in zip(labels, indices, strict=True))
    return f"browser click demo={demo.name} {values} shown_after_ms={elapsed:.0f}"


def assert_controls_laid_out(locator, name, mode):
    """No two controls of the demo overlap, no label or readout overlaps another or overflows its box, no
    slider track is narrower than MIN_TRACK_PX, and no part of the readout line is cut off at the right."""
    found = locator.evaluate(CONTROL_LAYOUT_JS, MIN_TRACK_PX)
    problems = [f"{kind}: {', '.join(items)}" for kind, items in found.items() if items]
    assert not problems, f"{name} ({mode} mode): controls collide or are cut off: " + "; ".join(problems)


def exercise_demo(page, locator, name):
    assert_controls_laid_out(locator, name, "normal")
    demo = Demo(page, locator, name)
    enabled = [i for i, slider in enumerate(demo.sliders) if not slider["disabled"]]
    for i in enabled:
        move_slider(demo, i)
    if not enabled:
        return DemoResult(math.nan, math.nan)
    result = time_demo(demo, enabled)
    result.canvas = canvas_line(demo)
    return result


def canvas_line(demo):
    """The canvas's comparisons with the PNG frames, and the page's time to draw its last (up to 100) frames."""
    shares, clusters = zip(*demo.canvas_differences, strict=True) if demo.canvas_differences else ((0,), (0,))
    draw_ms = demo.locator.evaluate("(d) => (d.querySelector('canvas.gd-canvas') || {}).gdDrawMs || []")
    return (f"canvas_vs_png comparisons={len(demo.canvas_differences)} max_share={max(shares):.1e} "
            f"largest_group_px={max(clusters)} page_draw_ms_median={statistics.median(draw_ms or [math.nan]):.1f}")


def time_demo(demo, enabled):
    """Burst and drag on the slider the demo's module benchmarks (else its first enabled one)."""
    labels = [demo.sliders[i]["label"] for i in enabled]
    timed = enabled[labels.index(label)] if (label := benchmarked_label(demo.name)) in labels else enabled[0]
    initial = demo.quiet()
    demo.snapshot("initial")
    result = DemoResult(burst(demo, timed), drag(demo, timed))
    restore(demo, timed, initial, "initial")  # and the screenshot shows the demo as the notebook sets it up
    return result


@functools.cache
def benchmarked_label(name):
    """Label of the slider that demo ``name``'s module benchmarks (``BENCHMARKS`` in helpers/demos/), if any.

    That is the slider meant to be dragged (a step/epoch slider replays cached results; others may
    retrain), so the burst and the drag time that one; without an entry they take the first slider.
    """
    from helpers.demos import benchmark_cases

    for case_name, factory, control, _ in benchmark_cases():
        if case_name == name:
            return factory().controls[control].description
    return None


def move_slider(demo, i):
    """Keyboard: to the far end of the track (figure and readout must change), then back, step by step."""
    slider = demo.sliders[i]
    start = demo.quiet()
    demo.snapshot("start")
    value = start["values"][i]
    to_max = value - slider["min"] <= slider["max"] - value
    key, end = ("End", slider["max"]) if to_max else ("Home", slider["min"])
    demo.press(i, key)
    tol = demo.tolerance(i)
    moved = demo.wait(lambda s: abs(s["values"][i] - end) <= tol, f"{demo.label(i)} to move to its {key} end")
    where = f"{demo.label(i)} to {moved['readouts'][i]}"

    def changed(state):
        return state["src"] != start["src"] and state["complete"] and state["text"] != start["text"]

    def unchanged(state):
        stale = [part for part, attr in [("figure", "src"), ("readout", "text")] if state[attr] == start[attr]]
        return f"{' and '.join(stale) or 'figure still loading'} did not change"

    demo.wait(changed, f"the figure and the readout to change after moving {where}", unchanged)
    demo.matches_png(f"after moving {where}")
    restore(demo, i, start, "start")


def restore(demo, i, start, snapshot):
    """Step slider ``i`` back to its value in state ``start`` with arrow keys, as from the far end of the
    track; there the readout must read as it did then and the figure be that picture again. (noUiSlider
    keeps values on its step grid: a start value off the grid cannot be reached, only come near.)"""
    slider, value = demo.sliders[i], start["values"][i]
    now = demo.state()["values"][i]
    demo.press(i, "ArrowLeft" if now > value else "ArrowRight", round(abs(now - value) / slider["step"]))
    back = demo.state()["values"][i]  # the keys have been handled when press() returns
    if abs(back - value) <= demo.tolerance(i):
        demo.shows(i, value, start["text"], snapshot, f"moving {demo.label(i)} back to {start['readouts'][i]}")
    else:
        demo.quiet()


def burst(demo, i):
    """From the low end of the track, 20 steps up as fast as the page accepts the keys, then 20 back down.

    Returns the ms from the last key until the figure and the readout are again what they were at the
    low end before the burst (nan if the burst changed nothing). The low end is used because a step
    or epoch slider changes the figure there (past the end of a run it may not).
    """
    slider, tol = demo.sliders[i], demo.tolerance(i)
    demo.press(i, "Home")
    demo.wait(lambda s: abs(s["values"][i] - slider["min"]) <= tol, f"{demo.label(i)} to move to its low end")
    start = demo.quiet()
    demo.snapshot("burst")
    steps = min(BURST_STEPS, round((slider["max"] - slider["min"]) / slider["step"]))
    demo.press(i, "ArrowRight", steps)
    far = slider["min"] + steps * slider["step"]
    demo.wait(lambda s: abs(s["values"][i] - far) <= tol, f"{demo.label(i)} to reach {far:g}")
    demo.quiet()
    first_key = len(demo.log()["inputs"])
    demo.press(i, "ArrowLeft", steps)
    demo.shows(i, slider["min"], start["text"], "burst", f"a burst of {steps} steps on {demo.label(i)}")
    log = demo.log()
    keys = [t for t, kind in log["inputs"][first_key:] if kind == "keydown"]
    changes = [t for t, _ in log["frames"] + log["texts"] if t >= keys[0]]
    if not changes:
        return math.nan
    return max(0.0, max(changes) - keys[-1])


def drag_path(steps):
    """Where each of the DRAG_MOVES moves goes, as fractions of the track, on a slider with ``steps``
    steps within DRAG_SPAN: from its start to its end, and back and forth an odd number of times on a
    slider with fewer than two steps a move, so that every move changes the value and the slider offers
    DRAG_HZ new values per second, more than any server here answers (a one-way drag of a 51-step
    slider in two seconds offers only ≈23 and caps what it can measure; at about a step a move, a move
    now and then lands on the last one's value: 8 of 120 on 05's 126-step η drag, which capped it at 56/s)."""
    lo, hi = DRAG_SPAN
    legs = max(1, math.ceil(2 * DRAG_MOVES / max(steps, 1)))
    legs += 1 - legs % 2  # odd: the last leg ends at the far end
    path = []
    for k in range(1, DRAG_MOVES + 1):
        leg, part = divmod(legs * k / DRAG_MOVES, 1.0)
        if leg == legs:
            leg, part = legs - 1, 1.0
        path.append(lo + (hi - lo) * (part if leg % 2 == 0 else 1.0 - part))
    return path


def drag(demo, i, counted="frames"):
    """Drag slider ``i``'s handle with the mouse for DRAG_SECONDS at DRAG_HZ moves per second (events
    dispatched in the page, see DRAG_MOVES_JS) along :func:`drag_path`; returns the new figures (or,
    with ``counted="texts"``, readout changes) the page showed per second of the drag."""
    page = demo.page
    slider = demo.sliders[i]
    widget = demo.locator.locator(".widget-slider").nth(i)
    widget.scroll_into_view_if_needed()
    handle = widget.element_handle()
    steps = (DRAG_SPAN[1] - DRAG_SPAN[0]) * (slider["max"] - slider["min"]) / slider["step"]
    page.evaluate(DRAG_PRESS_JS, [handle, DRAG_SPAN[0]])
    demo.quiet("the drag's starting point to show")
    before = len(demo.log()["inputs"])
    page.evaluate(DRAG_MOVES_JS, [handle, drag_path(steps), DRAG_HZ])
    state = demo.quiet("the drag to settle")
    reached = (state["values"][i] - slider["min"]) / (slider["max"] - slider["min"])
    assert reached > DRAG_SPAN[1] - 0.1, f"{demo.label(i)}: the drag took the slider only to {reached:.0%} of the track"
    log = demo.log()
    moves = [t for t, kind in log["inputs"][before:] if kind == "pointermove"]
    assert len(moves) == DRAG_MOVES, f"{demo.label(i)}: {len(moves)} of {DRAG_MOVES} mouse moves reached the slider"
    frames = [t for t, _ in log[counted] if moves[0] <= t <= moves[-1]]
    if len(frames) < 2:
        return len(frames) / ((moves[-1] - moves[0]) / 1000.0)
    # Per second of the drag up to its last new figure: past the end of a run a step or epoch slider
    # shows the same picture, and that stretch says nothing about how fast the figure follows the hand.
    return len(frames) / ((frames[-1] - moves[0]) / 1000.0)
