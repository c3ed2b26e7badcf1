"""Time the slider changes that make a demo recompute (retrain a network, re-run the epochs).

Stepping a demo's Play slider only replays stored results (``widget_latency.py`` times that); some
controls must compute anew. For each ``RECOMPUTE`` entry of the demo modules, this sets the control to
each value in turn (every value a new computation) and prints

    recompute demo=<name> control=<control> median_ms=<x> max_ms=<y>

and, for the quartic's outcome map (notebook 02 and its demo), the time of the whole grid of runs:

    recompute outcome_map runs=<n> steps=<m> median_ms=<x>

Run: ``python benchmarks/recompute_latency.py``. Printed, never asserted.
"""

from __future__ import annotations

import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")


from helpers.demos import benchmark_cases, time_updates  # noqa: E402
from helpers.demos.quartic import MAP_SHAPE, MAP_STEPS, default_map  # noqa: E402

MAP_REPEATS = 5


def time_outcome_map():
    """Median time of the 400 × 300 outcome map (300 steps per run) that notebook 02 and its demo draw."""
    n_lr, n_x0 = MAP_SHAPE
    times = []
    for _ in range(MAP_REPEATS):
        start = time.perf_counter()
        default_map.__wrapped__(MAP_SHAPE, MAP_STEPS)  # computed anew, not from the demo's cache
        times.append(1000.0 * (time.perf_counter() - start))
    print(f"recompute outcome_map runs={n_lr * n_x0} steps={MAP_STEPS} median_ms={statistics.median(times):.0f}",
          flush=True)


def main():
    for name, factory, control, values in benchmark_cases("RECOMPUTE"):
        demo = factory()
        times = time_updates(demo, control, values)
        print(f"recompute demo={name.replace(' ', '_')} control={control} median_ms={statistics.median(times):.1f} "
              f"max_ms={max(times):.1f}", flush=True)
    time_outcome_map()
    return 0


if __name__ == "__main__":
    sys.exit(main())
