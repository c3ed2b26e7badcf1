"""The interactive demos of the notebooks, one module per notebook.

Each module defines its :class:`helpers.demo.Demo` subclasses and a ``BENCHMARKS`` list of
``(name, factory, control, values)`` entries: the benchmark builds the demo with ``factory()``, sets
``control`` to each of ``values`` in turn and times the updates. Modules are found by listing this
package, so a new notebook's demo is benchmarked (and tested) as soon as its module exists.
:func:`time_updates` and :func:`naive_render` are the benchmarks' measurements.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
import time

from matplotlib.backends.backend_agg import FigureCanvasAgg

from ..plotting import _projector_strokes


def benchmark_cases(kind="BENCHMARKS"):
    """Every ``(name, factory, control, values)`` entry of every demo module, by module name.

    ``kind="BENCHMARKS"`` gives the slider steps timed against the naive re-plot; ``kind="RECOMPUTE"``
    the changes that make a demo recompute its data (retrain a network, re-run an epoch loop).
    """
    cases = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        cases.extend(getattr(module, kind, []))
    return cases


def naive_render(demo, **values):
    """What an ``interact`` callback would do: build the figure anew, draw it all, encode a PNG (with the
    demo's own ``build`` and ``draw``, so the benchmark compares only the rendering strategy). The live
    demo is left as it was."""
    saved = demo.__dict__.copy()
    try:
        fig = _projector_strokes(demo.build())
        demo.draw(**{**demo.values, **values})
        out = io.BytesIO()
        FigureCanvasAgg(fig).print_png(out, metadata={"Software": None})
        return out.getvalue()
    finally:
        demo.__dict__.update(saved)


def set_as_the_page(control, value):
    """Set ``control`` to ``value`` as a slider moved in the page does: ipywidgets' ``set_state`` with the synced
    trait (a selection's index), so that the kernel sends what it sends then (not the value back)."""
    if "index" in control.keys:
        control.set_state({"index": list(control._options_values).index(value)})
    else:
        control.set_state({"value": value})


def time_updates(demo, name, values, *, naive=False):
    """Set control ``name`` to each of ``values`` in turn, as the page does; return the per-update times in ms
    (``naive``: the time of :func:`naive_render` for each value instead)."""
    times = []
    control = demo.controls[name]
    for value in values:
        start = time.perf_counter()
        if naive:
            naive_render(demo, **{name: value})
        else:
            set_as_the_page(control, value)
        times.append(1000.0 * (time.perf_counter() - start))
    return times
