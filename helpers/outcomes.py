"""How runs ended, in words a reader can trust; and outcome maps, whole grids of runs named cell by cell.

The last iterates tell apart what "not converged" hides: ``"converged"`` (the stopping rule held; to
which critical point, :func:`classify_run` says), ``"cycle"`` (at the budget, repeating with a period
p ≥ 2), ``"bounded"`` (not periodic: chaotic, or still creeping) and ``"diverged"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate
from .objectives import Objective
from .runner import _STATUSES, Run, run

OUTCOMES = ("converged", "cycle", "bounded", "diverged")
_DEFAULT_MAX_PERIOD = 8
_DEFAULT_PERIOD_ATOL = 1e-9


def _classify_tail(tail, *, max_period=_DEFAULT_MAX_PERIOD, atol=_DEFAULT_PERIOD_ATOL):
    """The smallest period p ≤ ``max_period`` with which the last iterates repeat, 0 if none.

    ``tail`` holds numbers with time along its last axis (shape (..., m)). A period counts only when
    the tail shows it twice (2p ≤ m) and every entry equals the one p places before it to ``atol``.
    Returns an int array of shape (...): 1 for a sequence that stands still, p ≥ 2 for a cycle.
    """
    tail = _validate.finite_array("tail", tail)
    if tail.ndim == 0:
        raise ValueError("tail must have at least one dimension (time along the last axis), got a single number")
    max_period = _validate.integer("max_period", max_period, low=1, high=1000)
    atol = _validate.real("atol", atol, low=0.0)
    period = np.zeros(tail.shape[:-1], dtype=int)
    for p in range(1, min(max_period, tail.shape[-1] // 2) + 1):
        period[(period == 0) & np.all(np.abs(tail[..., p:] - tail[..., :-p]) <= atol, axis=-1)] = p
    return period


def classify_outcomes(status, tail, *, max_period=_DEFAULT_MAX_PERIOD, atol=_DEFAULT_PERIOD_ATOL):
    """Outcome codes (indices into :data:`OUTCOMES`) and periods of runs, from their status and last iterates.

    ``status`` holds names from :data:`~helpers.runner._STATUSES`; ``tail`` has shape status.shape + (m,).
    A run stopped at its budget is a cycle (period 2 … max_period) or bounded, never converged.
    """
    status = np.asarray(status)
    bad = set(np.unique(status).tolist()) - set(_STATUSES)
    if bad:
        raise ValueError(f"status must hold names from {_STATUSES!r}, got {sorted(bad)[0]!r}")
    tail = _validate.finite_array("tail", tail)
    if tail.ndim == 0 or tail.shape[:-1] != status.shape:
        raise ValueError(f"tail must have shape status.shape + (m,) = {status.shape} + (m,), got {tail.shape}")
    period = _classify_tail(tail, max_period=max_period, atol=atol)
    cycle = (status == "max_steps") & (period >= 2)
    outcome = np.select([status == "converged", cycle, status == "diverged"], [0, 1, 3], 2)
    return outcome, np.where(status == "converged", 1, np.where(cycle, period, 0))


def critical_names(objective):
    """The critical points of a function of one variable, left to right, and a name for each:
    "global minimum" (the lowest), "local minimum", "local maximum" or "saddle point"."""
    if not isinstance(objective, Objective) or objective.ndim != 1:
        raise TypeError(f"objective must be a helpers Objective of one variable (e.g. Quartic()), got {objective!r}")
    points = objective.critical_points()
    lowest = min((p.value for p in points if p.kind == "minimum"), default=None)
    names = {"maximum": "local maximum", "saddle": "saddle point"}
    return points, [("global minimum" if p.value == lowest else "local minimum") if p.kind == "minimum"
                    else names[p.kind] for p in points]


@dataclass(frozen=True)
class Outcome:
    """How one run ended: ``kind`` from :data:`OUTCOMES`, its ``steps``, the ``period`` of a cycle (1 when
    converged) and, for a converged run of one variable, the critical ``point`` it reached and its name."""

    kind: str
    steps: int
    period: int = 0
    point: object = None
    point_name: str = ""

    def phrase(self):
        """'converged to the local minimum x* = -1.401771 in 23 steps', 'cycle of period 2, not converged …'"""
        where = f" to the {self.point_name} x* = {self.point.x:.6f}" if self.point is not None else ""
        text = {"converged": f"converged{where} in", "cycle": f"cycle of period {self.period}, not converged after",
                "bounded": "bounded but not converged after", "diverged": "diverged after"}[self.kind]
        return f"{text} {self.steps} step{'' if self.steps == 1 else 's'}"


def classify_run(result, objective=None, *, max_period=_DEFAULT_MAX_PERIOD, atol=_DEFAULT_PERIOD_ATOL):
    """The honest :class:`Outcome` of one :class:`~helpers.runner.Run`; with an ``objective`` of one
    variable, a converged run is matched to the nearest critical point."""
    if not isinstance(result, Run) or np.ndim(result.status):
        raise TypeError(f"result must be the Run of one run (helpers.runner.run), got {result!r}")
    max_period = _validate.integer("max_period", max_period, low=1, high=1000)
    atol = _validate.real("atol", atol, low=0.0)
    points, names = critical_names(objective) if objective is not None else (None, None)
    tail = result.iterates[-2 * max_period:]  # a point in the plane repeats when all its coordinates do
    period = next((p for p in range(1, min(max_period, len(tail) // 2) + 1)
                   if np.all(np.abs(tail[p:] - tail[:-p]) <= atol)), 0)
    if result.status == "converged":
        if objective is None:
            return Outcome("converged", result.steps, 1)
        i = int(np.argmin([abs(result.x - p.x) for p in points]))
        return Outcome("converged", result.steps, 1, points[i], names[i])
    if result.status == "diverged":
        return Outcome("diverged", result.steps)
    return Outcome("cycle", result.steps, period) if period >= 2 else Outcome("bounded", result.steps)


@dataclass(frozen=True)
class OutcomeMap:
    """Where every run of a grid ended: ``code[i, j]`` indexes ``labels`` ("converged to the local
    minimum x* = -1.40", …, "cycle …", "bounded but not converged", "diverged"); ``kinds`` gives the
    outcome of each label, ``points`` and ``point_names`` the critical points of the first labels,
    ``period`` the period of each cell, ``runs`` the runs themselves and ``objective`` their function."""

    code: np.ndarray
    period: np.ndarray
    kinds: tuple
    labels: tuple
    points: tuple
    point_names: tuple
    runs: Run
    objective: Objective

    def present(self):
        """The codes that occur in the map, in label order."""
        return [c for c in range(len(self.labels)) if np.any(self.code == c)]

    def fraction(self, code):
        """Share of the cells with this code."""
        return float(np.mean(self.code == code))

    def code_of(self, label_start):
        """The code whose label starts with ``label_start`` (e.g. "converged to the global")."""
        matches = [c for c, text in enumerate(self.labels) if text.startswith(label_start)]
        if len(matches) != 1:
            raise ValueError(f"label_start must match exactly one of {self.labels!r}, got {label_start!r}")
        return matches[0]


def outcome_map(objective, step, x0, *, max_steps=300, tol=1e-6, bound=1e6, max_period=_DEFAULT_MAX_PERIOD,
                atol=_DEFAULT_PERIOD_ATOL, **hyper):
    """Run ``step`` on a function of one variable for a whole grid of settings and name every outcome.

    ``x0`` and the hyper-parameters broadcast as in :func:`helpers.runner.run`, e.g. starts across
    (``x0[None, :]``) and learning rates up (``lr=lr[:, None]``), or one start with ``lr=lr[None, :]``
    and ``beta=beta[:, None]``. A converged run gets the critical point nearest its end.
    """
    points, names = critical_names(objective)
    max_period = _validate.integer("max_period", max_period, low=1, high=1000)
    runs = run(objective, step, x0, max_steps=max_steps, tol=tol, bound=bound, tail=2 * max_period, **hyper)
    outcome, period = classify_outcomes(runs.status, runs.iterates, max_period=max_period, atol=atol)
    n = len(points)
    code = np.select([outcome == 1, outcome == 2, outcome == 3], [n, n + 1, n + 2], -1)
    converged = outcome == 0  # (with none, an empty assignment)
    ends = runs.iterates[..., -1][converged]
    code[converged] = np.argmin(np.abs(ends[:, None] - np.array([p.x for p in points])[None, :]), axis=1)
    labels = tuple(f"converged to the {name} x* = {p.x:.2f}" for p, name in zip(points, names, strict=True))
    labels += (f"cycle (period 2 … {max_period}), not converged", "bounded but not converged", "diverged")
    kinds = ("converged",) * n + ("cycle", "bounded", "diverged")
    return OutcomeMap(code, period, kinds, labels, tuple(points), tuple(names), runs, objective)
