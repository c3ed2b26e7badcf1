"""How many frames/s a drag in JupyterLab reaches when the kernel needs ``kernel_ms`` of CPU per frame.

The browser test's PNG ceiling (tests/browser_support.py: a slider swapping precomputed demo-sized PNG
frames) is shown the way a demo shows its frames (after the kernel has answered, helpers/demo.py), with a
synthetic frame cost: the kernel busy for 0, 4, 8 or 16 ms, then the frame. Each line:

    frame_cost run=<k> kernel_ms=<c> drag_fps=<y> ratio=<y over kernel_ms=0 of the same run>

So it says what a demo's kernel time per frame (benchmarks/widget_latency.py) allows on this machine, apart
from anything else a demo does. Needs Chromium and Playwright, as the browser test does; the project's
server settings (gd_server, installed with the package) are on. Run: ``python benchmarks/frame_cost.py [runs]``.
Timings are printed, never asserted.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "benchmarks")]

from browser_support import CHROMIUM_ARGS, LabServer, ceiling_frames, find_chromium  # noqa: E402

COSTS_MS = (0, 4, 8, 16)


def main(runs=3):
    from browser_timings import measure_ceiling
    from playwright.sync_api import sync_playwright

    path = find_chromium()
    if path is None:
        print("frame_cost: no Chromium found (set CHROMIUM_PATH)")
        return 1
    frames = ceiling_frames()
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as work:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            with LabServer(ROOT / "notebooks", Path(work)) as lab:
                for run in range(1, runs + 1):
                    base = None
                    for cost in COSTS_MS:
                        fps = measure_ceiling(chromium, lab, frames, kernel_ms=cost)["png"]
                        base = base or fps
                        print(f"frame_cost run={run} kernel_ms={cost} drag_fps={fps:.1f} ratio={fps / base:.2f}",
                              flush=True)
        finally:
            chromium.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:])))
