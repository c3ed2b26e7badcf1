"""Time the slider changes that make a demo recompute (retrain a network, re-run the epochs).

Stepping a demo's Play slider only replays stored results (``widget_latency.py`` times that); some
controls must compute anew. For each ``RECOMPUTE`` entry of the demo modules, this sets the control to
each value in turn (every value a new computation) and prints

    recompute demo=<name> control=<control> median_ms=<x> max_ms=<y>

Run: ``python benchmarks/recompute_latency.py``. Printed, never asserted.
"""

from __future__ import annotations

import statistics
import sys

import matplotlib

matplotlib.use("Agg")

from helpers.demos import benchmark_cases  # noqa: E402
from helpers.live import time_updates  # noqa: E402


def main():
    for name, factory, control, values in benchmark_cases("RECOMPUTE"):
        demo = factory()
        times = time_updates(demo, control, values)
        print(f"recompute demo={name.replace(' ', '_')} control={control} median_ms={statistics.median(times):.1f} "
              f"max_ms={max(times):.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
