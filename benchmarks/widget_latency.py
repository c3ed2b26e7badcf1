"""Time every interactive demo of the collection against a naive full re-plot, in one run.

For each demo (found in ``helpers.demos``): build it, set its benchmarked slider to each value of a
sweep and time the whole update (compute, blit, PNG encode, widget update); then do the same sweep
the way an ``interact`` callback would (build the figure anew, draw everything, encode a PNG) and
print one line per demo:

    demo=<name> median_ms=<x> naive_median_ms=<y> ratio=<y/x> bytes_per_frame=… png_bytes=…
        data_median_ms=… data_p90_ms=… data_bytes_per_frame=… data_max_bytes=…

The ``data_`` figures are the same sweep with frames as data (helpers/canvas.py: what the demo sends once the
canvas front end is there): the update's kernel time (median and 90th percentile: a step that draws a text not
drawn before costs about 1 ms more than one that does not) and the bytes of all its messages on the websocket.

Run: ``python benchmarks/widget_latency.py``. Timings are printed, never asserted: the machines are
shared and noisy.
"""

from __future__ import annotations

import os
import statistics
import sys
from unittest import mock

# As in the kernels the project's server starts (gd_server): no echo of the values the page sets; read on import
os.environ.setdefault("JUPYTER_WIDGETS_ECHO", "0")

import comm
import matplotlib
from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

matplotlib.use("Agg")

from helpers.demos import benchmark_cases, set_as_the_page, time_updates  # noqa: E402

NAIVE_SAMPLES = 15  # the naive path is slow; a subset of the sweep gives a stable median


def ws_size(session, parent, msg_type, content, metadata=None, buffers=()):
    """Bytes of one kernel message on the websocket (v1 protocol), with the headers a kernel sends."""
    msg = session.msg(msg_type, content=content, parent=parent, metadata=metadata or {})
    return len(serialize_msg_to_ws_v1([*map(session.pack, (msg["header"], msg["parent_header"], msg["metadata"],
                                                             msg["content"])), *buffers], "iopub"))


def frame_bytes(demo, control, values):
    """Per value: the bytes the update sends to the page (see the module docstring)."""
    session = Session(username="student")
    parent = session.msg("comm_msg", content={})  # the page's message that moves the slider
    sent = []

    def publish(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        content = {"data": data, "comm_id": self.comm_id, **keys}
        sent.append(ws_size(session, parent, msg_type, content, metadata, [bytes(b) for b in buffers or ()]))

    sizes = []
    with mock.patch.object(comm.DummyComm, "publish_msg", publish):
        for value in values:
            sent[:] = [ws_size(session, parent, "status", {"execution_state": state}) for state in ("busy", "idle")]
            set_as_the_page(demo.controls[control], value)
            sizes.append(sum(sent))
    return sizes


def main():
    for name, factory, control, values in benchmark_cases():
        demo = factory()
        time_updates(demo, control, values[:3])  # warm caches (fonts, text layout) before timing
        fast = statistics.median(time_updates(demo, control, values))
        stride = max(1, len(values) // NAIVE_SAMPLES)
        naive = statistics.median(time_updates(demo, control, values[::stride], naive=True))
        sizes = frame_bytes(demo, control, values[1::max(1, len(values) // 15)])  # PNG: a subset is enough
        # frames as data: as when the canvas front end has said it is there (its first background is not timed)
        demo.live._on_view_message(None, {"type": "ready", "deflate": True}, [])
        time_updates(demo, control, values[:3])
        data = time_updates(demo, control, values)
        data_sizes = frame_bytes(demo, control, values)  # the sweep in order, as a drag goes
        print(f"demo={name} median_ms={fast:.1f} naive_median_ms={naive:.1f} ratio={naive / fast:.1f} "
              f"bytes_per_frame={statistics.median(sizes):.0f} png_bytes={len(demo.live.png)} "
              f"data_median_ms={statistics.median(data):.2f} data_p90_ms={statistics.quantiles(data, n=10)[-1]:.2f} "
              f"data_bytes_per_frame={statistics.median(data_sizes):.0f} data_max_bytes={max(data_sizes)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
