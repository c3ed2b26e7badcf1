"""The interactive demos of the notebooks, one module per notebook.

Each module defines its :class:`helpers.demo.Demo` subclasses and a ``BENCHMARKS`` list of
``(name, factory, control, values)`` entries: the benchmark builds the demo with ``factory()``, sets
``control`` to each of ``values`` in turn and times the updates. Modules are found by listing this
package, so a new notebook's demo is benchmarked (and tested) as soon as its module exists.
"""

from __future__ import annotations

import importlib
import pkgutil


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
