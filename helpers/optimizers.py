"""Gradient descent that returns a run record instead of printing.

A run ends in one of three honest states:

``"converged"``
    the gradient norm fell to the tolerance: ‖∇f(x_k)‖ ≤ tol;
``"diverged"``
    an iterate left the ball ‖x‖ ≤ bound (or stopped being a finite number); the run stops there,
    before anything can overflow, so no ``inf`` or ``nan`` reaches a plot;
``"max_steps"``
    the step budget ran out first. Such a run is *not* at a minimum, whatever its last iterate
    looks like: it may still be creeping, bouncing in a cycle or wandering chaotically.

:func:`classify_run` (or ``run.classify()``) says which: converged (to which critical point),
cycle of period p, bounded but not converged, diverged. :func:`gradient_descent_grid` makes many
one-dimensional runs at once (bit for bit the same as single runs), and :func:`outcome_map` names
the outcome of every start × learning rate. :func:`classify_tail` and :func:`classify_outcomes`
only look at numbers, so other iterations (momentum on a grid of η × β) can reuse them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _validate
from .functions import Objective

STATUSES = ("converged", "diverged", "max_steps")


@dataclass(frozen=True)
class Run:
    """The record of one optimisation run.

    Attributes
    ----------
    iterates : ndarray, shape (steps + 1,) or (steps + 1, d)
        x₀, x₁, …, every point visited (all finite).
    losses : ndarray, shape (steps + 1,)
        f at each iterate.
    status : {"converged", "diverged", "max_steps"}
    steps : int
        Number of update steps taken (``len(iterates) - 1``).
    lr, tol, bound : float
        The settings the run used.
    """

    iterates: np.ndarray
    losses: np.ndarray
    status: str
    steps: int
    lr: float
    tol: float
    bound: float

    @property
    def x(self):
        """The last iterate (a float for one-dimensional runs)."""
        last = self.iterates[-1]
        return float(last) if np.ndim(last) == 0 else last

    @property
    def converged(self):
        return self.status == "converged"

    def outcome(self):
        """One short phrase: 'converged in 23 steps', 'diverged after 7 steps', …"""
        if self.status == "converged":
            return f"converged in {self.steps} step{'s' if self.steps != 1 else ''}"
        if self.status == "diverged":
            return f"diverged after {self.steps} step{'s' if self.steps != 1 else ''}"
        return f"not converged after {self.steps} steps"

    def classify(self, objective=None, **kwargs):
        """The run's honest :class:`Outcome` (see :func:`classify_run`): which minimum, cycle, bounded, diverged."""
        return classify_run(self, objective, **kwargs)


def _norm(v):
    """Euclidean norm that cannot overflow (scaled by the largest entry first)."""
    a = np.abs(v)
    m = float(np.max(a))
    if m == 0.0 or not np.isfinite(m):
        return m
    return m * float(np.sqrt(np.sum((a / m) ** 2)))


def start_point(objective, x0, bound):
    """Check that ``objective`` is an Objective and ``x0`` a finite start point of the right size inside
    the (already validated) divergence ``bound``; return ``x0`` as a float array."""
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be a helpers Objective (e.g. Square()), got {objective!r}")
    x = _validate.finite_array("x0", x0, ndim=(0, 1))
    if x.ndim == 1 and x.shape[0] != objective.ndim:
        raise ValueError(f"x0 must have {objective.ndim} coordinate(s) for {objective.name}, got {x.shape[0]}")
    if x.ndim == 0 and objective.ndim != 1:
        raise ValueError(f"x0 must have {objective.ndim} coordinates for {objective.name}, got a single number")
    if _norm(x) > bound:
        raise ValueError(f"x0 must lie inside the divergence bound ‖x0‖ ≤ bound = {bound:g}, got ‖x0‖ = {_norm(x):g}")
    return x


def gradient_descent(objective, x0, lr, *, max_steps=1000, tol=1e-6, bound=1e6):
    """Plain gradient descent, x_{k+1} = x_k − η ∇f(x_k).

    Stopping rule: before each step the gradient at the current iterate is checked; the run has
    *converged* at step k when ‖∇f(x_k)‖ ≤ ``tol``. It has *diverged* as soon as an iterate has
    ‖x‖ > ``bound``, and it *stops at max steps* when ``max_steps`` updates were made without either.

    Parameters
    ----------
    objective : Objective
        Provides ``f`` and ``grad``.
    x0 : float or array_like
        Start point (finite).
    lr : float
        Learning rate η > 0.
    max_steps : int, default 1000
        Largest number of updates, 1 … 10⁷.
    tol : float, default 1e-6
        Gradient-norm tolerance, > 0.
    bound : float, default 1e6
        Divergence radius, > 0 (and larger than ‖x0‖).

    Returns
    -------
    Run
    """
    lr = _validate.positive("lr", lr)
    max_steps = _validate.integer("max_steps", max_steps, low=1, high=10**7)
    tol = _validate.positive("tol", tol)
    bound = _validate.positive("bound", bound)
    x = start_point(objective, x0, bound)

    iterates = [x]
    status = "max_steps"
    for _ in range(max_steps + 1):
        g = objective.grad(x)
        if _norm(g) <= tol:
            status = "converged"
            break
        if len(iterates) > max_steps:
            break
        with np.errstate(over="ignore", invalid="ignore"):
            x = x - lr * g
        if not np.all(np.isfinite(x)) or _norm(x) > bound:
            status = "diverged"
            with np.errstate(over="ignore", invalid="ignore"):
                keep = np.all(np.isfinite(x)) and np.isfinite(objective.f(x))
            if keep:
                iterates.append(x)  # the escaping point: the plot shows the run leaving the view
            break
        iterates.append(x)
    points = np.array(iterates)
    losses = np.asarray(objective.f(points), dtype=float)
    return Run(points, losses, status, len(iterates) - 1, lr, tol, bound)


def closed_form_square(x0, lr, steps):
    """x_k = (1 − 2η)^k · x₀ for f(x) = x², k = 0 … steps (vectorised, no loop)."""
    x0 = float(_validate.finite_array("x0", x0, ndim=0))
    lr = _validate.positive("lr", lr)
    steps = _validate.integer("steps", steps, low=0, high=10**7)
    k = np.arange(steps + 1)
    return (1.0 - 2.0 * lr) ** k * x0


# -- many runs at once, and an honest name for how each one ended --------------------------------
#
# A run that stopped at max steps has *not* found a minimum, but "not converged" covers several
# different behaviours. The functions below tell them apart from the last few iterates, so that an
# outcome map or a readout can say what actually happened:
#
# ``"converged"``  the stopping rule held (‖∇f‖ ≤ tol);
# ``"cycle"``      still bouncing after the step budget, repeating with a period p ≥ 2;
# ``"bounded"``    not converged, not periodic (chaotic wandering, or still creeping), but finite;
# ``"diverged"``   left the divergence bound.

OUTCOMES = ("converged", "cycle", "bounded", "diverged")
#: Integer code of each status name, as stored in :class:`RunGrid.status`.
STATUS_CODES = {name: code for code, name in enumerate(STATUSES)}
DEFAULT_MAX_PERIOD = 8
DEFAULT_PERIOD_ATOL = 1e-9


def tail_length(max_period=DEFAULT_MAX_PERIOD):
    """How many final iterates :func:`classify_tail` needs to see a cycle of period ``max_period`` twice."""
    max_period = _validate.integer("max_period", max_period, low=1, high=1000)
    return 2 * max_period


def classify_tail(tail, *, max_period=DEFAULT_MAX_PERIOD, atol=DEFAULT_PERIOD_ATOL):
    """The smallest period p ≤ ``max_period`` with which the last iterates repeat, 0 if none.

    A sequence is taken to repeat with period p when every entry of the tail equals the one p
    places before it, to ``atol``: ``|tail[i] − tail[i − p]| ≤ atol`` for all i ≥ p. Only periods
    that the tail shows at least twice (``2p ≤ len(tail)``) are tried, so a short tail is never
    called periodic on one coincidence.

    The function only looks at numbers, so any iteration can use it (gradient descent on a grid of
    starts × learning rates, momentum on a grid of learning rates × β, …).

    Parameters
    ----------
    tail : array_like, shape (..., m)
        The last m iterates of each run, time along the last axis (finite numbers).
    max_period : int, default 8
        Largest period looked for.
    atol : float, default 1e-9
        Absolute tolerance of "equal".

    Returns
    -------
    ndarray of int, shape (...)
        1 for a sequence that stands still, p ≥ 2 for a cycle, 0 for no period ≤ max_period.
    """
    tail = _validate.finite_array("tail", tail)
    if tail.ndim == 0:
        raise ValueError("tail must have at least one dimension (time along the last axis), got a single number")
    max_period = _validate.integer("max_period", max_period, low=1, high=1000)
    atol = _validate.real("atol", atol, low=0.0)
    period = np.zeros(tail.shape[:-1], dtype=int)
    m = tail.shape[-1]
    for p in range(1, max_period + 1):
        if 2 * p > m:
            break
        repeats = np.all(np.abs(tail[..., p:] - tail[..., :-p]) <= atol, axis=-1)
        period[(period == 0) & repeats] = p
    return period


def classify_outcomes(status, tail, *, max_period=DEFAULT_MAX_PERIOD, atol=DEFAULT_PERIOD_ATOL):
    """Name how each run ended: an index into :data:`OUTCOMES`, and the period of a cycle.

    Parameters
    ----------
    status : array_like of int or str
        Each run's stopping status: a name from :data:`STATUSES` or its code from :data:`STATUS_CODES`.
    tail : array_like, shape status.shape + (m,)
        The last iterates of each run (only used for runs stopped at max steps).
    max_period, atol
        As in :func:`classify_tail`.

    Returns
    -------
    outcome : ndarray of int
        ``OUTCOMES.index(...)``: converged, cycle (period ≥ 2), bounded (not converged, not
        periodic: chaotic, or still creeping), diverged. A run stopped at max steps is never
        "converged", whatever its last iterate is.
    period : ndarray of int
        1 for converged runs, p for cycles, 0 otherwise.

    Examples
    --------
    Any vectorised iteration can be classified the same way: keep, for each run, its stopping
    status and its last ``tail_length(max_period)`` iterates (a run that stopped early repeats its
    last iterate), then

    >>> status = np.array([STATUS_CODES["converged"], STATUS_CODES["max_steps"], STATUS_CODES["max_steps"]])
    >>> tail = np.array([[1.0] * 16, [1.0, 2.0] * 8, list(range(16))])
    >>> outcome, period = classify_outcomes(status, tail)
    >>> [OUTCOMES[o] for o in outcome], period.tolist()
    (['converged', 'cycle', 'bounded'], [1, 2, 0])
    """
    status = np.asarray(status)
    if status.dtype.kind in "US":
        bad = sorted(set(np.unique(status)) - set(STATUSES))
        if bad:
            raise ValueError(f"status must hold names from {STATUSES!r}, got {bad[0]!r}")
        status = np.vectorize(STATUS_CODES.__getitem__, otypes=[int])(status) if status.size else status.astype(int)
    elif status.dtype.kind not in "iu" or (status.size and (status.min() < 0 or status.max() >= len(STATUSES))):
        raise ValueError(f"status must hold codes 0 … {len(STATUSES) - 1} or names from {STATUSES!r}, got {status!r}")
    tail = _validate.finite_array("tail", tail)
    if tail.shape[:-1] != status.shape or tail.ndim == 0:
        raise ValueError(f"tail must have shape status.shape + (m,) = {status.shape} + (m,), got {tail.shape}")
    return _name_outcomes(status, classify_tail(tail, max_period=max_period, atol=atol))


def _name_outcomes(status, period):
    """Outcome codes and periods from status codes and tail periods (see :func:`classify_outcomes`)."""
    outcome = np.full(status.shape, OUTCOMES.index("bounded"), dtype=int)
    cycle = (status == STATUS_CODES["max_steps"]) & (period >= 2)
    outcome[cycle] = OUTCOMES.index("cycle")
    outcome[status == STATUS_CODES["converged"]] = OUTCOMES.index("converged")
    outcome[status == STATUS_CODES["diverged"]] = OUTCOMES.index("diverged")
    period = np.where(cycle, period, 0)
    period[status == STATUS_CODES["converged"]] = 1
    return outcome, period


def critical_names(objective):
    """The critical points of a 1-D objective and a name for each, left to right.

    Returns ``(points, names)`` with names "global minimum" (the lowest minimum), "local minimum",
    "local maximum" or "saddle point".
    """
    _one_dimensional(objective)
    points = objective.critical_points()
    lowest = min((p.value for p in points if p.kind == "minimum"), default=None)
    names = []
    for p in points:
        if p.kind == "minimum":
            names.append("global minimum" if p.value == lowest else "local minimum")
        elif p.kind == "maximum":
            names.append("local maximum")
        else:
            names.append("saddle point")
    return points, names


@dataclass(frozen=True)
class Outcome:
    """How one run ended, in words a reader can trust.

    Attributes
    ----------
    kind : {"converged", "cycle", "bounded", "diverged"}
    steps : int
        Update steps taken.
    period : int
        p for a cycle, 1 when converged, 0 otherwise.
    point : CriticalPoint or None
        The critical point a converged run reached (one-dimensional objectives), else None.
    point_name : str
        "global minimum", "local minimum", "local maximum", … ("" when ``point`` is None).
    """

    kind: str
    steps: int
    period: int = 0
    point: object = None
    point_name: str = ""

    def phrase(self):
        """'converged to the local minimum x* = -1.401771 in 23 steps', 'cycle of period 2, not converged', …"""
        s = "" if self.steps == 1 else "s"
        if self.kind == "converged":
            where = f" to the {self.point_name} x* = {self.point.x:.6f}" if self.point is not None else ""
            return f"converged{where} in {self.steps} step{s}"
        if self.kind == "cycle":
            return f"cycle of period {self.period}, not converged after {self.steps} step{s}"
        if self.kind == "bounded":
            return f"bounded but not converged after {self.steps} step{s}"
        return f"diverged after {self.steps} step{s}"


def classify_run(run, objective=None, *, max_period=DEFAULT_MAX_PERIOD, atol=DEFAULT_PERIOD_ATOL):
    """The honest :class:`Outcome` of one :class:`Run`.

    A run that stopped at max steps is never reported as a minimum: its last
    ``2·max_period`` iterates decide between a cycle and bounded-but-not-converged. With a
    one-dimensional ``objective``, a converged run is matched to the nearest critical point.
    """
    if not isinstance(run, Run):
        raise TypeError(f"run must be a helpers Run (from gradient_descent), got {run!r}")
    if objective is not None and (not isinstance(objective, Objective) or objective.ndim != 1):
        raise TypeError(f"objective must be a one-dimensional helpers Objective or None, got {objective!r}")
    atol = _validate.real("atol", atol, low=0.0)
    tail = run.iterates[-tail_length(max_period):]
    if tail.ndim == 1:
        period = classify_tail(tail, max_period=max_period, atol=atol)
    else:  # a point in the plane repeats when all its coordinates repeat together
        periods = range(1, min(max_period, len(tail) // 2) + 1)
        period = next((p for p in periods if np.all(np.abs(tail[p:] - tail[:-p]) <= atol)), 0)
    outcome, period = _name_outcomes(np.asarray(STATUS_CODES[run.status]), np.asarray(period))
    outcome, period = int(outcome), int(period)
    kind = OUTCOMES[outcome]
    if kind == "converged" and objective is not None:
        points, names = critical_names(objective)
        i = int(np.argmin([abs(run.x - p.x) for p in points]))
        return Outcome(kind, run.steps, period, points[i], names[i])
    return Outcome(kind, run.steps, period)


@dataclass(frozen=True)
class RunGrid:
    """Many one-dimensional gradient-descent runs made at once by :func:`gradient_descent_grid`.

    Every array has the broadcast shape of the starts and learning rates; run ``i`` is exactly the
    :class:`Run` that ``gradient_descent(objective, x0[i], lr[i], max_steps=…, tol=…, bound=…)``
    returns: the same final iterate (bit for bit), status and step count.

    Attributes
    ----------
    x0, lr : ndarray
        Start and learning rate of each run.
    x : ndarray
        Last recorded iterate of each run (for a diverged run, the escaping point, as in ``Run``).
    status : ndarray of int
        Index into :data:`STATUSES`.
    steps : ndarray of int
        Update steps taken.
    tail : ndarray, shape (..., m)
        The iterates x_{N−m+1} … x_N (N = max_steps), where a run that stopped early keeps its last
        iterate. For a run stopped at max steps these are its last m iterates, ``run.iterates[-m:]``.
    max_steps : int
    tol, bound : float
    """

    x0: np.ndarray
    lr: np.ndarray
    x: np.ndarray
    status: np.ndarray
    steps: np.ndarray
    tail: np.ndarray
    max_steps: int
    tol: float
    bound: float

    def outcomes(self, *, max_period=DEFAULT_MAX_PERIOD, atol=DEFAULT_PERIOD_ATOL):
        """:func:`classify_outcomes` of every run: (outcome codes into :data:`OUTCOMES`, periods)."""
        return classify_outcomes(self.status, self.tail, max_period=max_period, atol=atol)


def _one_dimensional(objective):
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be a helpers Objective (e.g. Quartic()), got {objective!r}")
    if objective.ndim != 1:
        raise ValueError(f"objective must be a function of one variable, got {objective.name} (ndim={objective.ndim})")


def gradient_descent_grid(objective, x0, lr, *, max_steps=300, tol=1e-6, bound=1e6, tail=2 * DEFAULT_MAX_PERIOD):
    """Gradient descent from every start × learning rate at once, vectorised over the whole grid.

    The same update, stopping rule and divergence test as :func:`gradient_descent`, applied to
    arrays: ``x0`` and ``lr`` broadcast against each other (pass ``x0[None, :]`` and ``lr[:, None]``
    for a grid). Runs that have converged or diverged drop out of the computation, so the remaining
    work shrinks as the runs settle, and nothing can overflow.

    Parameters
    ----------
    objective : Objective
        A function of one variable whose ``f`` and ``grad`` work elementwise on arrays.
    x0, lr : array_like
        Starts (finite, ``|x0| ≤ bound``) and learning rates (finite, > 0).
    max_steps : int, default 300
        Step budget of every run, 1 … 10⁶.
    tol, bound : float
        As in :func:`gradient_descent`.
    tail : int, default 16
        How many final iterates to keep for :func:`classify_outcomes` (1 … 1000).

    Returns
    -------
    RunGrid
    """
    _one_dimensional(objective)
    x0 = _validate.finite_array("x0", x0)
    lr = _validate.finite_array("lr", lr)
    if np.any(lr <= 0):
        raise ValueError(f"lr must be > 0 everywhere, got a smallest value of {lr.min()!r}")
    max_steps = _validate.integer("max_steps", max_steps, low=1, high=10**6)
    tol = _validate.positive("tol", tol)
    bound = _validate.positive("bound", bound)
    tail = _validate.integer("tail", tail, low=1, high=1000)
    if np.max(np.abs(x0)) > bound:
        raise ValueError(f"x0 must lie inside the divergence bound |x0| ≤ bound = {bound:g}, "
                         f"got |x0| = {np.max(np.abs(x0)):g}")
    try:
        shape = np.broadcast_shapes(x0.shape, lr.shape)
    except ValueError:
        raise ValueError(f"x0 and lr must broadcast together, got shapes {x0.shape} and {lr.shape}") from None

    x_all = np.broadcast_to(x0, shape).ravel().copy()  # last recorded iterate of every run
    status = np.full(x_all.size, STATUS_CODES["max_steps"], dtype=np.int8)
    steps = np.full(x_all.size, max_steps, dtype=np.int64)
    m = min(tail, max_steps + 1)
    first = max_steps + 1 - m  # iterate index stored in tails[:, 0]
    tails = np.empty((x_all.size, m))
    written = 0
    # The active runs, compressed: indices into the flat grid, current iterates, learning rates.
    idx = np.arange(x_all.size)
    xa = x_all.copy()
    la = np.broadcast_to(lr, shape).ravel().copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(max_steps + 1):
            if k >= first:
                x_all[idx] = xa
                tails[:, k - first] = x_all
                written += 1
            if idx.size == 0:
                break
            g = objective.grad(xa)
            done = np.abs(g) <= tol
            if done.any():
                status[idx[done]] = STATUS_CODES["converged"]
                steps[idx[done]] = k
                x_all[idx[done]] = xa[done]
                live = ~done
                idx, xa, la, g = idx[live], xa[live], la[live], g[live]
            if k == max_steps:
                x_all[idx] = xa
                break
            xn = xa - la * g
            escaped = ~(np.abs(xn) <= bound)  # also true for inf and nan
            if escaped.any():
                out, xe = idx[escaped], xn[escaped]
                kept = np.isfinite(xe) & np.isfinite(objective.f(xe))  # as gradient_descent records it
                status[out] = STATUS_CODES["diverged"]
                steps[out] = k + kept
                x_all[out] = np.where(kept, xe, xa[escaped])
                live = ~escaped
                idx, xn, la = idx[live], xn[live], la[live]
            xa = xn
    if written < m:  # every run stopped before the budget ran out: the rest of the tail repeats their last iterate
        tails[:, written:] = x_all[:, None]
    return RunGrid(
        x0=np.broadcast_to(x0, shape).copy(), lr=np.broadcast_to(lr, shape).copy(), x=x_all.reshape(shape),
        status=status.reshape(shape), steps=steps.reshape(shape), tail=tails.reshape(shape + (m,)),
        max_steps=max_steps, tol=tol, bound=bound,
    )


class LabelledMap:
    """What an outcome map of any method offers: ``code`` (an int array) indexing ``labels``."""

    def present(self):
        """The codes that occur in the map, in label order."""
        return [c for c in range(len(self.labels)) if np.any(self.code == c)]

    def fraction(self, code):
        """Share of the cells whose outcome has this code."""
        return float(np.mean(self.code == code))


@dataclass(frozen=True)
class OutcomeMap(LabelledMap):
    """The outcome of gradient descent for every start x₀ (columns) × learning rate η (rows).

    ``code[i, j]`` indexes ``labels``: first one label per critical point ("converged to the local
    minimum x* = …"), then "cycle", "bounded, not converged" and "diverged". Draw it with
    ``imshow(code, extent=…)``; :meth:`present` lists the labels that occur.

    Attributes
    ----------
    x0 : ndarray, shape (n,)
    lr : ndarray, shape (r,)
    code : ndarray of int, shape (r, n)
    period : ndarray of int, shape (r, n)
        p for cycles, 1 for converged runs, 0 otherwise.
    kinds : tuple of str
        The outcome kind (:data:`OUTCOMES`) behind each label.
    labels : tuple of str
    points : tuple of CriticalPoint
        The critical points, in the order of the first labels.
    point_names : tuple of str
        "local minimum", "local maximum", "global minimum", … for each critical point.
    runs : RunGrid
        The runs themselves (final iterates, statuses, steps, tails).
    """

    x0: np.ndarray
    lr: np.ndarray
    code: np.ndarray
    period: np.ndarray
    kinds: tuple
    labels: tuple
    points: tuple
    point_names: tuple
    runs: RunGrid

    def lookup(self, x0, lr):
        """The code of the grid cell nearest to (x0, lr), nearest in x₀ and in log η."""
        x0 = _validate.real("x0", x0)
        lr = _validate.positive("lr", lr)
        j = int(np.argmin(np.abs(self.x0 - x0)))
        i = int(np.argmin(np.abs(np.log(self.lr) - np.log(lr))))
        return int(self.code[i, j])


def label_outcomes(objective, outcome, final_x, max_period):
    """Codes and labels of an outcome map, shared by every method's map.

    A converged run gets the index of the critical point nearest its final iterate; after the
    critical points come "cycle", "bounded" and "diverged". Returns ``(code, labels, points, names)``.
    """
    points, names = critical_names(objective)
    n = len(points)
    code = np.select(
        [outcome == OUTCOMES.index(kind) for kind in ("cycle", "bounded", "diverged")], [n, n + 1, n + 2], -1
    )
    converged = outcome == OUTCOMES.index("converged")
    if converged.any():
        where = np.array([p.x for p in points])
        code[converged] = np.argmin(np.abs(final_x[converged][:, None] - where[None, :]), axis=1)
    labels = tuple(f"converged to the {name} x* = {p.x:.2f}" for p, name in zip(points, names, strict=True))
    labels += (f"cycle (period 2 … {max_period}), not converged", "bounded but not converged", "diverged")
    return code, labels, tuple(points), tuple(names)


def outcome_map(objective, x0, lr, *, max_steps=300, tol=1e-6, bound=1e6,
                max_period=DEFAULT_MAX_PERIOD, atol=DEFAULT_PERIOD_ATOL):
    """Run gradient descent from every x₀ in ``x0`` with every η in ``lr`` and name each outcome.

    Parameters
    ----------
    objective : Objective
        A function of one variable.
    x0, lr : array_like, one-dimensional
        The starts (columns of the map) and the learning rates (rows), e.g. ``np.geomspace`` for η.
    max_steps, tol, bound
        As in :func:`gradient_descent`.
    max_period, atol
        As in :func:`classify_tail`.

    Returns
    -------
    OutcomeMap
    """
    _one_dimensional(objective)
    x0 = _validate.finite_array("x0", x0, ndim=1)
    lr = _validate.finite_array("lr", lr, ndim=1)
    max_period = _validate.integer("max_period", max_period, low=1, high=1000)
    runs = gradient_descent_grid(objective, x0[None, :], lr[:, None], max_steps=max_steps, tol=tol, bound=bound,
                                 tail=tail_length(max_period))
    outcome, period = runs.outcomes(max_period=max_period, atol=atol)
    code, labels, points, names = label_outcomes(objective, outcome, runs.x, max_period)
    kinds = ("converged",) * len(points) + ("cycle", "bounded", "diverged")
    return OutcomeMap(x0=x0, lr=lr, code=code, period=period, kinds=kinds, labels=labels, points=points,
                      point_names=names, runs=runs)


def gradient_descent_1d(objective, x0, lr, *, max_steps=1000, tol=1e-6, bound=1e6):
    """:func:`gradient_descent` for a function of one variable, stepping with plain Python floats.

    The same update, stopping rule and record, bit for bit (a Python float and a 0-d numpy array
    round every operation the same way), but about ten times faster, because it skips the
    array bookkeeping that points in the plane need. Live demos use it to stay within a frame.
    """
    _one_dimensional(objective)
    x = float(_validate.finite_array("x0", x0, ndim=0))
    lr = _validate.positive("lr", lr)
    max_steps = _validate.integer("max_steps", max_steps, low=1, high=10**7)
    tol = _validate.positive("tol", tol)
    bound = _validate.positive("bound", bound)
    if abs(x) > bound:
        raise ValueError(f"x0 must lie inside the divergence bound |x0| ≤ bound = {bound:g}, got |x0| = {abs(x):g}")
    iterates = [x]
    status = "max_steps"
    grad = objective.grad
    for k in range(max_steps + 1):
        g = float(grad(x))
        if abs(g) <= tol:
            status = "converged"
            break
        if k == max_steps:
            break
        x = x - lr * g
        if not abs(x) <= bound:  # also true for inf and nan
            status = "diverged"
            with np.errstate(over="ignore", invalid="ignore"):
                if math.isfinite(x) and np.isfinite(objective.f(x)):
                    iterates.append(x)
            break
        iterates.append(x)
    points = np.array(iterates)
    losses = np.asarray(objective.f(points), dtype=float)
    return Run(points, losses, status, len(iterates) - 1, lr, tol, bound)
