"""Helpers for the gradient-descent notebooks: objectives, optimizers, plotting, live widgets, checks.

Import it in a notebook's setup cell (``import helpers``); install it once with ``pip install -e .``.
"""

from .functions import CriticalPoint, Objective, Quadratic2D, Quartic, Square
from .optimizers import Run, closed_form_square, gradient_descent
from .plotting import OKABE_ITO, use_house_style

__all__ = [
    "CriticalPoint",
    "OKABE_ITO",
    "Objective",
    "Quadratic2D",
    "Quartic",
    "Run",
    "Square",
    "closed_form_square",
    "gradient_descent",
    "use_house_style",
]
