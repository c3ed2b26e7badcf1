"""Helpers for the gradient-descent notebooks: objectives, optimizers, plotting, live widgets, checks.

Import it in a notebook's setup cell (``import helpers``); install it once with ``pip install -e .``.
One module per concern: ``functions`` (objectives), ``optimizers`` (gradient descent, outcome
classification and maps), ``minibatch`` (full-batch / SGD / mini-batch regression), ``momentum``
(moving averages and momentum), ``network`` (the sigmoid network and backpropagation), ``data``
(synthetic data sets), ``plotting`` (house style, lecture mode), ``live`` (fast widgets),
``demos`` (one interactive demo per notebook) and ``exercises`` (the self-checks).
"""

from . import data, minibatch, momentum, network, optimizers, plotting
from .functions import CriticalPoint, Objective, Quadratic2D, Quartic, Square
from .minibatch import least_squares, minibatch_gd
from .momentum import ewma
from .momentum import momentum as momentum_descent
from .network import Network
from .optimizers import Run, classify_run, closed_form_square, gradient_descent, gradient_descent_grid, outcome_map
from .plotting import OKABE_ITO, lecture_mode, use_house_style

__all__ = [
    "CriticalPoint",
    "Network",
    "OKABE_ITO",
    "Objective",
    "Quadratic2D",
    "Quartic",
    "Run",
    "Square",
    "classify_run",
    "closed_form_square",
    "data",
    "ewma",
    "gradient_descent",
    "gradient_descent_grid",
    "lecture_mode",
    "least_squares",
    "minibatch",
    "minibatch_gd",
    "momentum",
    "momentum_descent",
    "network",
    "optimizers",
    "outcome_map",
    "plotting",
    "use_house_style",
]
