"""The demos' figures in real JupyterLab: drag frames/s and settle times, against the server's ceiling.

The browser test (``tests/test_browser.py``) checks that every slider of every demo works; this measures.
For a server with the project's TCP_NODELAY tuning (``gd_server``, installed with the package) and one
without it (``GD_NODELAY=0``; the package's other server settings stay), notebook by notebook:

- the ceiling, just before the notebook's demos (the machines are shared: a ceiling measured minutes
  earlier may have seen another load): a generated notebook (in the server's temporary folder, never in
  ``notebooks/``) with a slider that only sets a Label, and one that only swaps in one of 200
  precomputed demo-sized PNGs, each dragged as a demo's slider is;
- every demo's benchmarked slider (its ``BENCHMARKS`` entry, else its first): a burst of 20 arrow-key
  steps and back, then a two-second mouse drag at 60 moves/s dispatched inside the page (see
  ``tests/test_browser.py``), ``repeats`` times.

Each figure is one line:

    browser ceiling kind=<label|png> drag_fps=<y> [png_kb=<kb>] nodelay=<on|off>
    browser demo=<name> settle_ms=<x> drag_fps=<y> ceiling_ratio=<r> nodelay=<on|off>

``ceiling_ratio`` is the demo's ``drag_fps`` over the PNG ceiling's measured on the same server just
before. Needs Chromium and Playwright, as the browser test does. Run:
``python benchmarks/browser_timings.py [repeats]`` (default 1). Printed, never asserted.
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import (  # noqa: E402
    CEILING_READY_JS,
    CHROMIUM_ARGS,
    KERNEL_TRACKER_JS,
    LabServer,
    ceiling_frames,
    find_chromium,
    write_ceiling_notebook,
)

#: The server's environment with the TCP_NODELAY tuning of gd_server on and off.
NODELAY = {"on": {}, "off": {"GD_NODELAY": "0"}}


def new_page(chromium):
    import test_browser

    context = chromium.new_context(viewport=test_browser.VIEWPORT)
    context.set_default_timeout(30_000)
    context.add_init_script(KERNEL_TRACKER_JS)
    return context, context.new_page()


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


def demo_lines(chromium, lab, notebook, ceiling_fps, nodelay, repeats):
    """Open ``notebook``, run it, and time each demo's benchmarked slider ``repeats`` times."""
    import test_browser as tb

    context, page = new_page(chromium)
    try:
        served = lab.served(notebook)
        tb.open_notebook(page, lab, served)
        tb.run_all_cells(page, served)
        for name, locator in tb.find_demos(page, served):
            demo = tb.Demo(page, locator, name)
            enabled = [i for i, slider in enumerate(demo.sliders) if not slider["disabled"]]
            for _ in range(repeats if enabled else 0):
                result = tb.time_demo(demo, enabled)
                ratio = result.drag_fps / ceiling_fps if ceiling_fps else math.nan
                yield (f"browser demo={name} settle_ms={result.settle_ms:.0f} drag_fps={result.drag_fps:.1f} "
                       f"ceiling_ratio={ratio:.2f} nodelay={nodelay}")
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
            for nodelay, env in NODELAY.items():
                with tempfile.TemporaryDirectory() as work, LabServer(ROOT / "notebooks", Path(work), env=env) as lab:
                    for notebook in tb.NOTEBOOKS_WITH_DEMOS:
                        try:  # a figure that cannot be taken is reported; the others are still measured
                            fps = measure_ceiling(chromium, lab, frames)
                            for kind, value in fps.items():
                                size = f" png_kb={png_kb:.0f}" if kind == "png" else ""
                                print(f"browser ceiling kind={kind} drag_fps={value:.1f}{size} nodelay={nodelay}",
                                      flush=True)
                            for line in demo_lines(chromium, lab, notebook, fps["png"], nodelay, repeats):
                                print(line, flush=True)
                                measured += 1
                        except BaseException as err:  # pytest.fail raises a BaseException
                            if isinstance(err, KeyboardInterrupt):
                                raise
                            failed += 1
                            print(f"browser notebook={notebook.name} nodelay={nodelay} not measured: "
                                  f"{str(err).splitlines()[0] if str(err) else type(err).__name__}", flush=True)
        finally:
            chromium.close()
    return 0 if measured or not failed else 1


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:])))
