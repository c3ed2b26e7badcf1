"""Time every interactive demo of the collection against a naive full re-plot, in one run.

For each demo (found in ``helpers.demos``): build it, set its benchmarked slider to each value of a
sweep and time the whole update (compute, blit, PNG encode, widget update); then do the same sweep
the way an ``interact`` callback would (build the figure anew, draw everything, encode a PNG) and
print one line per demo:

    demo=<name> median_ms=<x> naive_median_ms=<y> ratio=<y/x>

Run: ``python benchmarks/widget_latency.py``. Timings are printed, never asserted: the machines are
shared and noisy.
"""

from __future__ import annotations

import statistics
import sys

import matplotlib

matplotlib.use("Agg")

from helpers.demos import benchmark_cases, time_updates  # noqa: E402

NAIVE_SAMPLES = 15  # the naive path is slow; a subset of the sweep gives a stable median


def main():
    for name, factory, control, values in benchmark_cases():
        demo = factory()
        time_updates(demo, control, values[:3])  # warm caches (fonts, text layout) before timing
        fast = statistics.median(time_updates(demo, control, values))
        stride = max(1, len(values) // NAIVE_SAMPLES)
        naive = statistics.median(time_updates(demo, control, values[::stride], naive=True))
        print(f"demo={name} median_ms={fast:.1f} naive_median_ms={naive:.1f} ratio={naive / fast:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
