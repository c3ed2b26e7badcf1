"""The demos' figures in real JupyterLab: drag frames/s and settle times, against the server's ceiling.

The browser test (``tests/test_browser.py``) checks that every slider of every demo works; this measures.
For a server whose demos send frames as data (the canvas front end, ``helpers/canvas.py``), one whose demos
send PNG frames as before it (``GD_FRAMES=png``), both with the project's TCP_NODELAY tuning (``gd_server``,
installed with the package), and one with PNG frames without it (``GD_NODELAY=0``; the package's other server
settings stay), notebook by notebook:

- the ceiling, just before the notebook's demos (the machines are shared: a ceiling measured minutes
  earlier may have seen another load): a generated notebook (in the server's temporary folder, never in
  ``notebooks/``) with a slider that only sets a Label, and one that only swaps in one of 200
  precomputed demo-sized PNGs, each dragged as a demo's slider is;
- every demo's benchmarked slider (its ``BENCHMARKS`` entry, else its first): a burst of 20 arrow-key
  steps and back, then a two-second mouse drag at 60 moves/s dispatched inside the page (see
  ``tests/test_browser.py``), ``repeats`` times.

Each figure is one line:

    browser ceiling kind=<label|png> drag_fps=<y> [png_kb=<kb>] nodelay=<on|off>
    browser demo=<name> frames=<data|png> settle_ms=<x> drag_fps=<y> server_ms_per_frame=<s>
        bytes_per_frame=<b> ceiling_ratio=<r> nodelay=<on|off>

``server_ms_per_frame`` is the Jupyter server's CPU time and ``bytes_per_frame`` what the kernel's messages
brought the page, during the drag, per frame shown.

``ceiling_ratio`` is the demo's ``drag_fps`` over the PNG ceiling's measured on the same server just
before. Needs Chromium and Playwright, as the browser test does. Run:
``python benchmarks/browser_timings.py [repeats]`` (default 1). Printed, never asserted.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import (  # noqa: E402
    CEILING_READY_JS,
    CHROMIUM_ARGS,
    LabServer,
    ceiling_frames,
    find_chromium,
    write_ceiling_notebook,
)

#: The servers measured: frames as data (the canvas front end) and PNG frames (``GD_FRAMES=png``, as before it)
#: with the TCP_NODELAY tuning of gd_server, and PNG frames without that tuning (``GD_NODELAY=0``).
SERVERS = [("data", "on", {}), ("png", "on", {"GD_FRAMES": "png"}),
           ("png", "off", {"GD_FRAMES": "png", "GD_NODELAY": "0"})]


def cpu_seconds(pid):
    """User + system CPU seconds of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drag_costs(demo, i, server_pid):
    """:func:`test_browser.drag` of slider ``i``, and what each frame shown during it cost: the Jupyter server's
    CPU ms and the bytes the kernel's messages brought the page (over the whole drag, its settling included)."""
    import test_browser as tb

    received = "() => window.__gdKernel.received"
    frames_before, bytes_before = demo.state()["frames"], demo.page.evaluate(received)
    cpu_before = cpu_seconds(server_pid)
    fps = tb.drag(demo, i)
    frames = max(1, demo.state()["frames"] - frames_before)
    server_ms = 1000 * (cpu_seconds(server_pid) - cpu_before) / frames
    return fps, server_ms, (demo.page.evaluate(received) - bytes_before) / frames


def new_page(chromium):
    import test_browser

    return test_browser.open_page(chromium)


def measure_ceiling(chromium, lab, frames, kernel_ms=None):
    """Write the ceiling notebook into the server's root, run it and drag each of its sliders as a
    demo's is dragged; returns {kind: frames/s} (for the Label echo: readout changes per second).
    ``kernel_ms``: see :func:`browser_support.write_ceiling_notebook`."""
    import test_browser as tb

    notebook = write_ceiling_notebook(lab.root / "ceiling", frames, kernel_ms)
    context, page = new_page(chromium)
    try:
        tb.open_notebook(page, lab, notebook)
        tb.run_all_cells(page, notebook)
        kinds = tb.wait_js(page, CEILING_READY_JS, None, tb.CHANGE_TIMEOUT_S, "the ceiling demos to show").json_value()
        locators = page.locator(".jp-NotebookPanel .gd-demo")
        fps = {}
        for k, kind in enumerate(kinds):
            demo = tb.Demo(page, locators.nth(k), f"ceiling-{kind}")
            demo.quiet()
            fps[kind] = tb.drag(demo, 0, counted="frames" if kind == "png" else "texts")
        tb.assert_log_console_empty(page)
        return fps
    finally:
        context.close()
        lab.shutdown_kernels()


def demo_lines(chromium, lab, notebook, ceiling_fps, frames, nodelay, repeats):
    """Open ``notebook``, run it, and time each demo's benchmarked slider ``repeats`` times."""
    import test_browser as tb

    context, page = new_page(chromium)
    try:
        served = lab.served(notebook)
        tb.open_notebook(page, lab, served)
        tb.run_all_cells(page, served)
        for name, locator in tb.find_demos(page, served, mode="canvas" if frames == "data" else "png"):
            demo = tb.Demo(page, locator, name)
            enabled = [i for i, slider in enumerate(demo.sliders) if not slider["disabled"]]
            labels = [demo.sliders[i]["label"] for i in enabled]
            timed = enabled[labels.index(label)] if (label := tb.benchmarked_label(name)) in labels else enabled[0]
            for _ in range(repeats if enabled else 0):
                initial = demo.quiet()
                demo.snapshot("initial")
                settle_ms = tb.burst(demo, timed)
                fps, server_ms, kb = drag_costs(demo, timed, lab.proc.pid)
                tb.restore(demo, timed, initial, "initial")
                ratio = fps / ceiling_fps if ceiling_fps else math.nan
                yield (f"browser demo={name} frames={frames} settle_ms={settle_ms:.0f} drag_fps={fps:.1f} "
                       f"server_ms_per_frame={server_ms:.2f} bytes_per_frame={kb:.0f} ceiling_ratio={ratio:.2f} "
                       f"nodelay={nodelay}")
    finally:
        context.close()
        lab.shutdown_kernels()


def main(repeats=1):
    import test_browser as tb
    from playwright.sync_api import sync_playwright

    path = find_chromium()
    if path is None:
        print("browser_timings: no Chromium found (set CHROMIUM_PATH)")
        return 1
    frames = ceiling_frames()
    png_kb = sum(map(len, frames)) / len(frames) / 1024
    measured = failed = 0
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            for frames_kind, nodelay, env in SERVERS:
                with tempfile.TemporaryDirectory() as work, LabServer(ROOT / "notebooks", Path(work), env=env) as lab:
                    for notebook in tb.NOTEBOOKS_WITH_DEMOS:
                        try:  # a figure that cannot be taken is reported; the others are still measured
                            fps = measure_ceiling(chromium, lab, frames)
                            for kind, value in fps.items():
                                size = f" png_kb={png_kb:.0f}" if kind == "png" else ""
                                print(f"browser ceiling kind={kind} drag_fps={value:.1f}{size} nodelay={nodelay}",
                                      flush=True)
                            for line in demo_lines(chromium, lab, notebook, fps["png"], frames_kind, nodelay,
                                                   repeats):
                                print(line, flush=True)
                                measured += 1
                        except BaseException as err:  # pytest.fail raises a BaseException
                            if isinstance(err, KeyboardInterrupt):
                                raise
                            failed += 1
                            why = str(err).splitlines()[0] if str(err) else type(err).__name__
                            print(f"browser notebook={notebook.name} frames={frames_kind} nodelay={nodelay} "
                                  f"not measured: {why}", flush=True)
        finally:
            chromium.close()
    return 0 if measured or not failed else 1


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:])))
