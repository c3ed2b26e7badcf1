"""Helpers for the gradient-descent notebooks: update rules, one runner, objectives, plotting, widgets, checks.

Import it in a notebook's setup cell (``import helpers``); install it once with ``pip install -e .``.
The unit is the update rule: ``steps`` holds one small function per optimiser, ``runner.run`` iterates
any of them on an objective (one run or a whole grid) and ``epochs.run_epochs`` over a data set, and
both return one record, a ``Run``. Around them, one module per concern: ``objectives`` (x², the quartic,
2-D quadratics), ``outcomes`` (what a run did: converged, cycle, bounded, diverged; outcome maps),
``theory`` (closed forms and stability limits), ``averages`` (moving averages), ``regression`` (the
line fit of notebooks 04–05), ``network`` (the sigmoid network and backpropagation), ``data``
(synthetic data sets), ``plotting`` (house style, palette, lecture mode), ``live`` and ``demo`` (fast
widgets), ``demos`` (one interactive demo per notebook) and ``exercises`` (the self-checks).
``check_version``, called in each notebook's setup cell, says in one line when the installed helpers are
not the version the notebook was written for (``__version__``).
"""

from . import averages, data, network, outcomes, plotting, regression, steps, theory
from ._version import __version__, check_version
from .epochs import run_epochs
from .objectives import Quadratic2D, Quartic, Square
from .outcomes import classify_run, outcome_map
from .plotting import lecture_mode, use_house_style
from .runner import Run, log_grid, run

__all__ = [
    "Quadratic2D",
    "Quartic",
    "Run",
    "Square",
    "__version__",
    "averages",
    "check_version",
    "classify_run",
    "data",
    "lecture_mode",
    "log_grid",
    "network",
    "outcome_map",
    "outcomes",
    "plotting",
    "regression",
    "run",
    "run_epochs",
    "steps",
    "theory",
    "use_house_style",
]
