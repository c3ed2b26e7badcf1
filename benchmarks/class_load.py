"""A class on one JupyterHub: N simulated students, each dragging 01's demo in a kernel of their own.

For each N (5, 10 and 20 by default) a fresh hub from ``hub/jupyterhub_config.py`` (``tests/hub_support.py``:
the dummy authenticator, the simple spawner, the proxy from npm, on loopback) starts N servers at once; each
student opens 01's setup and demo in a kernel of their own, then moves the learning-rate slider through the
widget protocol on the kernel websocket, as a browser does during a drag: a new value at most ``rate`` times
a second, each sent once the previous frame has arrived. Prints one line per N:

    class frames=<data|png> students=<N> spawn_s=<all N ready> pss_mib_per_student=<server + kernel>
          hub_proxy_pss_mib=<x> kernel_cpu_ms_per_update=<x> server_cpu_ms_per_update=<servers, hub and proxy>
          update_ms_median=<x> update_ms_p90=<x> fps_per_student=<x> bytes_per_frame=<x> kbit_s_per_student=<x>

Each N is measured with PNG frames (as before the canvas front end) and with frames as data (the student says
what the canvas front end says when it loads). ``bytes_per_frame`` is what the websocket brought per update (the
frame: a PNG as a base64 data: URL, or the frame's data with the readout; the other widget updates; the kernel's
status messages; in Jupyter's v1 framing); ``kbit_s_per_student`` is that times the
frames a student got per second. PSS counts shared pages once across processes, so N × PSS is what the
students take. Then, from the largest N's figures, the sizing of a class of S = 30, 100 and 300 students
who all drag at ``rate`` frames/s at once (the worst moment of a lecture: "now move η"):

    frames=<data|png> sizing students=<S> ram_gib=<(hub_proxy + S × pss) / 1024>
           cores=<S × rate × (kernel + server ms) / 1000> mbit_s=<S × rate × bytes_per_frame × 8 / 10⁶>
           students_per_core=<x> students_per_gib=<y>

docs/hub.md's sizing table is the frames-as-data lines. Run:
``python benchmarks/class_load.py [N ...] [--seconds S] [--rate R] [--frames data|png|both]``; needs
``python tools/hub_proxy.py``.
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hub_support import Hub, Kernel, cpu_seconds, open_demo, origin_repository, pss  # noqa: E402

#: Learning rates the simulated drag visits, back and forth (each a new frame).
SWEEP = [float(v) for v in np.geomspace(0.02, 1.0, 25)]
SWEEP = SWEEP + SWEEP[-2:0:-1]
CLASS_SIZES = (30, 100, 300)


async def drag(kernel, ids, seconds, rate, offset):
    """Move the slider for ``seconds`` at most ``rate`` times a second; returns [(latency_s, bytes)]. An update
    ends with the readout's message (PNG frames) or the frame's, which carries the readout (frames as data)."""
    results, step = [], 1.0 / rate
    end = time.monotonic() + seconds
    next_at = time.monotonic()
    i = offset
    while time.monotonic() < end:
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        next_at = max(next_at + step, time.monotonic())
        i += 1
        results.append(await kernel.move(ids["lr"], SWEEP[i % len(SWEEP)], until=ids["until"]))
    return results


async def drive(hub, students, seconds, rate, frames):
    kernels = [await Kernel.start(hub, name) for name in students]
    try:
        ids = await asyncio.gather(*(open_demo(k) for k in kernels))
        for demo in ids:
            demo["until"] = demo["view"] if frames == "data" else demo["readout"]
        if frames == "data":  # as the canvas front end does when the demo shows
            await asyncio.gather(*(k.canvas_ready(demo["view"]) for k, demo in zip(kernels, ids, strict=True)))
        await asyncio.gather(*(drag(k, i, 0.5, rate, n) for n, (k, i) in enumerate(zip(kernels, ids, strict=True))))
        processes = {name: hub.processes(name) for name in students}
        memory = [pss([server, *children]) for server, children in processes.values()]
        servers = [server for server, _ in processes.values()]
        kernel_processes = [p for _, children in processes.values() for p in children]
        before = cpu_seconds(kernel_processes), cpu_seconds(servers + hub.hub_processes())
        start = time.monotonic()
        runs = await asyncio.gather(*(drag(k, i, seconds, rate, 7 * n)
                                      for n, (k, i) in enumerate(zip(kernels, ids, strict=True))))
        took = time.monotonic() - start
        after = cpu_seconds(kernel_processes), cpu_seconds(servers + hub.hub_processes())
        return memory, runs, took, (after[0] - before[0], after[1] - before[1])
    finally:
        for kernel in kernels:
            await kernel.close()


def sizing(figures, students, rate):
    """The sizing of a class of ``students`` from one ``class`` line's ``figures`` (a dict of its numbers)."""
    cpu_ms = figures["kernel_cpu_ms_per_update"] + figures["server_cpu_ms_per_update"]
    return {
        "students": students,
        "ram_gib": (figures["hub_proxy_pss_mib"] + students * figures["pss_mib_per_student"]) / 1024,
        "cores": students * rate * cpu_ms / 1000,
        "mbit_s": students * rate * figures["bytes_per_frame"] * 8 / 1e6,
        "students_per_core": 1000 / (rate * cpu_ms),
        "students_per_gib": 1024 / figures["pss_mib_per_student"],
    }


def sizing_line(size):
    return (f"sizing students={size['students']} ram_gib={size['ram_gib']:.1f} cores={size['cores']:.1f} "
            f"mbit_s={size['mbit_s']:.0f} students_per_core={size['students_per_core']:.1f} "
            f"students_per_gib={size['students_per_gib']:.1f}")


def figures_of(line):
    """The numbers of a printed ``class`` line, by name."""
    return {key: float(value) for key, value in (part.split("=") for part in line.split()[1:]) if key != "frames"}


def measure(students, seconds, rate, repository, work, frames="data"):
    names = [f"student{n:02d}" for n in range(1, students + 1)]
    with Hub(work, repository, lecturers=[]) as hub:
        hub_pss = pss(hub.hub_processes())
        hub.add_users(names)
        start = time.monotonic()
        with ThreadPoolExecutor(len(names)) as pool:
            list(pool.map(hub.spawn, names))
        spawn_s = time.monotonic() - start
        memory, runs, took, (kernel_cpu, server_cpu) = asyncio.run(drive(hub, names, seconds, rate, frames))
    updates = [u for run in runs for u in run]
    latencies = sorted(1000.0 * latency for latency, _ in updates)
    bytes_per_frame = statistics.mean(size for _, size in updates)
    fps = len(updates) / took / students
    figures = {
        "spawn_s": f"{spawn_s:.1f}",
        "pss_mib_per_student": f"{statistics.mean(memory) / 2**20:.0f}",
        "hub_proxy_pss_mib": f"{hub_pss / 2**20:.0f}",
        "kernel_cpu_ms_per_update": f"{1000 * kernel_cpu / len(updates):.1f}",
        "server_cpu_ms_per_update": f"{1000 * server_cpu / len(updates):.1f}",
        "update_ms_median": f"{statistics.median(latencies):.0f}",
        "update_ms_p90": f"{latencies[int(0.9 * len(latencies))]:.0f}",
        "fps_per_student": f"{fps:.1f}",
        "bytes_per_frame": f"{bytes_per_frame:.0f}",
        "kbit_s_per_student": f"{8 * bytes_per_frame * fps / 1000:.0f}",
    }
    line = f"class frames={frames} students={students} " + " ".join(f"{k}={v}" for k, v in figures.items())
    print(line, flush=True)
    return line


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("students", nargs="*", type=int, default=[5, 10, 20])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the drag (default 10)")
    parser.add_argument("--rate", type=float, default=10.0, help="slider values per second per student (10)")
    parser.add_argument("--frames", choices=["data", "png", "both"], default="both",
                        help="frames as data (the canvas front end), PNG frames (as before it), or both (default)")
    args = parser.parse_args(argv)
    kinds = ["png", "data"] if args.frames == "both" else [args.frames]
    with tempfile.TemporaryDirectory() as tmp:
        repository = origin_repository(Path(tmp) / "origin")
        lines = {kind: [measure(n, args.seconds, args.rate, repository, Path(tmp) / f"hub-{kind}-{n}", kind)
                        for n in args.students] for kind in kinds}
    for kind in kinds:
        for students in CLASS_SIZES:
            size = sizing(figures_of(lines[kind][-1]), students, args.rate)
            print(f"frames={kind} " + sizing_line(size), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
