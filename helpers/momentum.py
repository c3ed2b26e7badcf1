"""Exponentially weighted moving averages and gradient descent with momentum.

The moving average of a series X₁, X₂, … is

    V_0 = 0,   V_t = β·V_{t−1} + (1 − β)·X_t,   0 ≤ β < 1,

an average over roughly the last 1/(1 − β) values; dividing by 1 − β^t removes the pull towards the
start value V_0 = 0.

Momentum replaces the gradient in the update by such an average of the gradients. Two conventions
are in common use, and :func:`momentum` implements both:

``"average"`` (the lecture's form, with the learning rate written out)
    v_t = β·v_{t−1} + (1 − β)·∇f(w_{t−1}),   w_t = w_{t−1} − η·v_t;
``"sum"`` (PyTorch's ``SGD(momentum=β)``, many textbooks)
    v_t = β·v_{t−1} + ∇f(w_{t−1}),           w_t = w_{t−1} − η·v_t.

In the second form v is the first one divided by 1 − β, so the two give the same iterates when the
``"sum"`` learning rate is the ``"average"`` one times 1 − β (:func:`equivalent_lr`).

Runs return a :class:`MomentumRun`, the :class:`~helpers.optimizers.Run` record plus β and the
velocities, with the same three statuses (converged / diverged / max_steps) and divergence caught
before anything overflows. Also here: the stability limit and convergence factor on a quadratic
(:func:`stability_limit`, :func:`spectral_radius`, :func:`optimal_parameters`); a whole grid of
(η, β) settings in one vectorised loop (:func:`momentum_grid`, :func:`momentum_outcome_map`); and
momentum with noisy mini-batch gradients (:func:`minibatch_momentum`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate
from .functions import Objective
from .minibatch import batches, mse_grad, mse_loss
from .optimizers import (
    STATUSES,
    LabelledMap,
    Run,
    _norm,
    classify_outcomes,
    label_outcomes,
    start_point,
)

CONVENTIONS = ("average", "sum")


# -- exponentially weighted moving average ------------------------------------------------------
def _beta(beta, name="beta"):
    return _validate.real(name, beta, low=0.0, high=1.0, high_open=True)


def ewma(x, beta, *, bias_correction=False):
    """The exponentially weighted moving average V_1 … V_n of a series X_1 … X_n.

    V_0 = 0 and V_t = β·V_{t−1} + (1 − β)·X_t. With ``bias_correction`` each V_t is divided by
    1 − β^t, the total weight the average has collected by step t, which removes the start-up bias
    of V_0 = 0.

    Parameters
    ----------
    x : array_like, shape (n,)
        The series, finite, n ≥ 1.
    beta : float
        0 ≤ β < 1; β = 0 returns the series itself.
    bias_correction : bool, default False

    Returns
    -------
    ndarray, shape (n,)
    """
    x = _validate.finite_array("x", x, ndim=1)
    beta = _beta(beta)
    if not isinstance(bias_correction, (bool, np.bool_)):
        raise TypeError(f"bias_correction must be True or False, got {bias_correction!r}")
    out = np.empty_like(x)
    v = 0.0
    for t, value in enumerate(x):
        v = beta * v + (1.0 - beta) * value
        out[t] = v
    if bias_correction:
        out /= 1.0 - beta ** np.arange(1, len(x) + 1, dtype=float)
    return out


def effective_window(beta):
    """1/(1 − β): the number of recent values an average with factor β mostly reflects.

    The weights (1 − β)·β^k of the values k steps back sum to 1, and the first 1/(1 − β) of them
    carry about 1 − 1/e ≈ 63 % of the total (exactly so as β → 1).
    """
    return 1.0 / (1.0 - _beta(beta))


# -- momentum -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MomentumRun(Run):
    """A :class:`~helpers.optimizers.Run` of gradient descent with momentum.

    Extra attributes
    ----------------
    beta : float
        The momentum factor β.
    convention : {"average", "sum"}
    velocities : ndarray, same shape as ``iterates``
        v_0 = 0, v_1, …: ``velocities[k]`` is the velocity of the step that produced
        ``iterates[k]`` (so iterates[k] = iterates[k−1] − lr·velocities[k]).
    """

    beta: float
    convention: str
    velocities: np.ndarray


def _outside(x, bound):
    """True when x is not finite or ‖x‖ > bound; decides exactly as ``_norm(x) > bound`` would.

    ‖x‖ ≤ size·max|xᵢ| (also in floating point), so the full norm is needed only near the bound.
    """
    m = float(np.abs(x).max())
    if not np.isfinite(m):
        return True
    if m * x.size <= bound:
        return False
    return _norm(x) > bound


def momentum(objective, x0, lr, beta, *, convention="average", max_steps=1000, tol=1e-6, bound=1e6):
    """Gradient descent with momentum; β = 0 is plain gradient descent, iterate for iterate.

    ``convention="average"``: v_t = β·v_{t−1} + (1 − β)·∇f(x_{t−1}), x_t = x_{t−1} − η·v_t.
    ``convention="sum"``:     v_t = β·v_{t−1} + ∇f(x_{t−1}),         x_t = x_{t−1} − η·v_t.
    Both start from v_0 = 0.

    Stopping rule (the same as :func:`~helpers.optimizers.gradient_descent` when β = 0): the run
    has *converged* at step k when the gradient ‖∇f(x_k)‖ and the velocity of the step it would
    take next, measured in gradient units (v for "average", (1 − β)·v for "sum"), are both ≤ ``tol``
    (a small gradient alone is not enough: a fast iterate crossing the minimum would not stay
    there). It has *diverged* as soon as ‖x_k‖ > ``bound`` or an iterate is not finite, and it stops
    at ``max_steps`` updates otherwise.

    Parameters
    ----------
    objective : Objective
    x0 : float or array_like
        Start point (finite, ‖x0‖ ≤ bound).
    lr : float
        Learning rate η > 0.
    beta : float
        Momentum factor, 0 ≤ β < 1.
    convention : {"average", "sum"}, default "average"
    max_steps : int, default 1000
        1 … 10⁷.
    tol : float, default 1e-6
    bound : float, default 1e6

    Returns
    -------
    MomentumRun
    """
    lr = _validate.positive("lr", lr)
    beta = _beta(beta)
    convention = _validate.choice("convention", convention, CONVENTIONS)
    max_steps = _validate.integer("max_steps", max_steps, low=1, high=10**7)
    tol = _validate.positive("tol", tol)
    bound = _validate.positive("bound", bound)
    x = start_point(objective, x0, bound)

    keep_grad = 1.0 - beta if convention == "average" else 1.0  # weight of the new gradient in v
    to_grad_units = 1.0 if convention == "average" else 1.0 - beta
    v = np.zeros_like(x)
    iterates, velocities = [x], [v]
    status = "max_steps"
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(max_steps + 1):
            g = objective.grad(x)
            v_next = beta * v + keep_grad * g
            # The largest entry is a lower bound of the norm: only a small one needs the full test.
            if float(np.abs(g).max()) <= tol and _norm(g) <= tol and _norm(to_grad_units * v_next) <= tol:
                status = "converged"
                break
            if len(iterates) > max_steps:
                break
            x = x - lr * v_next
            v = v_next
            if _outside(x, bound):
                status = "diverged"
                if np.all(np.isfinite(x)) and np.isfinite(objective.f(x)):
                    iterates.append(x)  # the escaping point: the plot shows the run leaving
                    velocities.append(v)
                break
            iterates.append(x)
            velocities.append(v)
    points = np.array(iterates)
    losses = np.asarray(objective.f(points), dtype=float)
    return MomentumRun(
        points, losses, status, len(iterates) - 1, lr, tol, bound, beta, convention, np.array(velocities)
    )


def equivalent_lr(lr, beta, *, source="average"):
    """The learning rate that gives the same iterates in the other convention.

    "average" → "sum": η·(1 − β);  "sum" → "average": η/(1 − β).
    """
    lr = _validate.positive("lr", lr)
    beta = _beta(beta)
    source = _validate.choice("source", source, CONVENTIONS)
    return lr * (1.0 - beta) if source == "average" else lr / (1.0 - beta)


# -- theory on a quadratic ------------------------------------------------------------------------
def _beta_array(beta):
    b = _validate.finite_array("beta", beta)
    bad = b[(b < 0.0) | (b >= 1.0)]
    if bad.size:
        raise ValueError(f"beta must be in [0, 1), got {float(bad.flat[0])!r}")
    return b


def _positive_array(name, value):
    a = _validate.finite_array(name, value)
    if np.any(a <= 0):
        raise ValueError(f"{name} must be in (0, inf), got {float(a[a <= 0].flat[0])!r}")
    return a


def _heavy_ball_step(lr, beta, curvature, convention):
    """h = the step per unit gradient in the "sum" form times the curvature: η·(1 − β)·λ or η·λ."""
    return lr * (1.0 - beta) * curvature if convention == "average" else lr * curvature


def stability_limit(beta, curvature, *, convention="average"):
    """The largest stable learning rate on f(x) = ½·λ·x² for momentum factor β.

    Momentum on this quadratic is x_{t+1} = (1 + β − h)·x_t − β·x_{t−1} with h = η·(1 − β)·λ
    ("average") or h = η·λ ("sum"). Both roots of z² − (1 + β − h)·z + β lie inside the unit circle
    exactly when 0 < h < 2·(1 + β), that is

        "average":  0 < η·λ < 2·(1 + β)/(1 − β),      "sum":  0 < η·λ < 2·(1 + β).

    At the limit itself one root is −1: the iterates bounce forever. β = 0 gives the plain
    gradient-descent limit η < 2/λ. Works elementwise on an array of β.
    """
    b = _beta_array(beta)
    lam = _validate.positive("curvature", curvature)
    convention = _validate.choice("convention", convention, CONVENTIONS)
    limit = 2.0 * (1.0 + b) / lam
    if convention == "average":
        limit = limit / (1.0 - b)
    return float(limit) if limit.ndim == 0 else limit


def spectral_radius(lr, beta, curvature, *, convention="average"):
    """The factor by which momentum shrinks the error per step (asymptotically) on ½·λ·x².

    The larger modulus of the roots of z² − (1 + β − h)·z + β (see :func:`stability_limit`);
    < 1 means convergence. Broadcasts over arrays of ``lr``, ``beta`` and ``curvature``.
    """
    lr = _positive_array("lr", lr)
    b = _beta_array(beta)
    lam = _positive_array("curvature", curvature)
    convention = _validate.choice("convention", convention, CONVENTIONS)
    lr, b, lam = np.broadcast_arrays(lr, b, lam)
    trace = 1.0 + b - _heavy_ball_step(lr, b, lam, convention)
    disc = trace * trace - 4.0 * b
    root = np.sqrt(np.abs(disc))
    # real roots: (|trace| + √disc)/2; complex pair: both of modulus √β
    radius = np.where(disc >= 0.0, 0.5 * (np.abs(trace) + root), np.sqrt(b))
    return float(radius) if radius.ndim == 0 else radius


def optimal_parameters(curvatures, *, convention="average"):
    """The (η, β) with the smallest worst-case spectral radius on a quadratic with curvatures μ … L.

    The classical heavy-ball choice: β* = ((√κ − 1)/(√κ + 1))² with κ = L/μ, a step
    4/(√L + √μ)² in the "sum" form, that is η* = 4/((√L + √μ)²·(1 − β*)) in the "average" form. Every
    direction then shrinks by √β* = (√κ − 1)/(√κ + 1) per step, against (κ − 1)/(κ + 1) for the best
    plain gradient descent.

    Returns
    -------
    (lr, beta) : tuple of float
    """
    lam = _validate.finite_array("curvatures", curvatures, ndim=1)
    if np.any(lam <= 0):
        raise ValueError(f"curvatures must all be > 0, got {float(lam[lam <= 0][0])!r}")
    convention = _validate.choice("convention", convention, CONVENTIONS)
    mu, big = float(lam.min()), float(lam.max())
    beta = ((np.sqrt(big) - np.sqrt(mu)) / (np.sqrt(big) + np.sqrt(mu))) ** 2
    step = 4.0 / (np.sqrt(big) + np.sqrt(mu)) ** 2
    return (float(step / (1.0 - beta)) if convention == "average" else float(step)), float(beta)


# -- a whole grid of runs at once -----------------------------------------------------------------
@dataclass(frozen=True)
class GridRuns:
    """Outcomes of :func:`momentum_grid`, one entry per (η, β) cell.

    Attributes
    ----------
    lr, beta : ndarray
        The broadcast grids of settings.
    status : ndarray of str
        "converged", "diverged" or "max_steps" per cell.
    steps : ndarray of int
        Update steps taken, as :attr:`Run.steps` would report them.
    x : ndarray
        The last recorded iterate per cell (shape ``lr.shape`` for one-dimensional objectives,
        ``lr.shape + (d,)`` otherwise); always finite.
    tail : ndarray, shape ``lr.shape + (m,)`` (``+ (d,)`` in the plane)
        The iterates x_{N−m+1} … x_N with N = max_steps, where a run that stopped early keeps its
        last iterate: for a run stopped at max steps, its last m iterates.
    """

    lr: np.ndarray
    beta: np.ndarray
    status: np.ndarray
    steps: np.ndarray
    x: np.ndarray
    tail: np.ndarray

    def counts(self):
        """How many cells ended in each status, as a dict."""
        return {s: int(np.sum(self.status == s)) for s in STATUSES}


def _row_norm(v, stacked):
    """:func:`helpers.optimizers._norm` of every point of a stack, rounding identically.

    ``stacked`` is False for numbers (one-dimensional objectives), True for rows of coordinates.
    """
    if not stacked:
        return np.abs(v)
    a = np.abs(v)
    m = np.max(a, axis=-1)
    safe = np.where((m == 0.0) | ~np.isfinite(m), 1.0, m)
    scaled = m * np.sqrt(np.sum((a / safe[:, None]) ** 2, axis=-1))
    return np.where((m == 0.0) | ~np.isfinite(m), m, scaled)


def momentum_grid(objective, x0, lr, beta, *, convention="average", max_steps=1000, tol=1e-6, bound=1e6,
                  tail=16):
    """Run :func:`momentum` for every (η, β) of broadcast arrays at once, with identical results.

    One vectorised loop updates all still-running cells together; a cell stops (and is no longer
    computed) when it converges or diverges, by the same rules as :func:`momentum`, so each cell's
    status, step count and last iterate equal those of the single run, bit for bit.

    Parameters
    ----------
    objective : Objective
        Its ``grad`` and ``f`` must work on a stack of points (all helpers objectives do).
    x0 : float or array_like
        One start point for all cells.
    lr, beta : array_like
        Learning rates (> 0) and momentum factors (in [0, 1)); broadcast against each other, so
        ``lr[None, :]`` and ``beta[:, None]`` give a β × η grid.
    convention, max_steps, tol, bound
        As for :func:`momentum`.
    tail : int, default 16
        How many final iterates to keep per cell (1 … 1000), for telling cycles from chaos.

    Returns
    -------
    GridRuns
    """
    convention = _validate.choice("convention", convention, CONVENTIONS)
    max_steps = _validate.integer("max_steps", max_steps, low=1, high=10**7)
    tol = _validate.positive("tol", tol)
    bound = _validate.positive("bound", bound)
    tail = _validate.integer("tail", tail, low=1, high=1000)
    start = start_point(objective, x0, bound)
    lr_arr = _positive_array("lr", lr)
    beta_arr = _beta_array(beta)
    try:
        lr_grid, beta_grid = (np.array(a) for a in np.broadcast_arrays(lr_arr, beta_arr))
    except ValueError:
        raise ValueError(
            f"lr and beta must broadcast together, got shapes {lr_arr.shape} and {beta_arr.shape}"
        ) from None
    shape, n = lr_grid.shape, lr_grid.size
    stacked = start.ndim == 1
    point_shape = start.shape

    def col(a):  # per-cell factors, shaped to multiply a stack of points
        return a[:, None] if stacked else a

    x = np.broadcast_to(start, (n,) + point_shape).copy()  # last recorded iterate of every cell
    v = np.zeros_like(x)
    status = np.full(n, "max_steps", dtype="<U9")
    steps = np.full(n, max_steps)
    m = min(tail, max_steps + 1)
    first = max_steps + 1 - m  # the iterate index stored in tails[:, 0]
    tails = np.empty((n, m) + point_shape)
    written = 0
    active = np.arange(n)
    lrs, betas = lr_grid.ravel(), beta_grid.ravel()
    keep_grad = (1.0 - betas) if convention == "average" else np.ones(n)
    to_grad_units = np.ones(n) if convention == "average" else 1.0 - betas
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(max_steps + 1):
            if k >= first:
                tails[:, k - first] = x
                written += 1
            if not active.size:
                break
            xa, va = x[active], v[active]
            g = objective.grad(xa)
            v_next = col(betas[active]) * va + col(keep_grad[active]) * g
            units = col(to_grad_units[active]) * v_next
            done = (_row_norm(g, stacked) <= tol) & (_row_norm(units, stacked) <= tol)
            status[active[done]] = "converged"
            steps[active[done]] = k
            if k == max_steps:
                break
            running = ~done
            active, xa, v_next = active[running], xa[running], v_next[running]
            x_new = xa - col(lrs[active]) * v_next
            finite = np.all(np.isfinite(x_new), axis=-1) if stacked else np.isfinite(x_new)
            safe = np.where(col(finite), x_new, 0.0)
            out = ~finite | (_row_norm(safe, stacked) > bound)
            if np.any(out):
                escaped = active[out]
                status[escaped] = "diverged"
                recorded = finite[out] & np.isfinite(objective.f(safe[out]))  # as momentum() records it
                steps[escaped] = k + recorded.astype(int)
                x[escaped[recorded]] = x_new[out][recorded]
            x[active[~out]] = x_new[~out]
            v[active[~out]] = v_next[~out]
            active = active[~out]
    if written < m:  # every cell stopped before the tail began: each keeps its last iterate
        tails[:, written:] = x[:, None]
    return GridRuns(lr_grid, beta_grid, status.reshape(shape), steps.reshape(shape), x.reshape(shape + point_shape),
                    tails.reshape(shape + (m,) + point_shape))


@dataclass(frozen=True)
class MomentumMap(LabelledMap):
    """Where momentum ends on a function of one variable, for every η (columns) × β (rows).

    ``code[i, j]`` indexes ``labels``: first one label per critical point ("converged to the global
    minimum x* = 1.71", …), then "cycle …", "bounded but not converged" and "diverged", as in
    :func:`helpers.optimizers.outcome_map` for plain gradient descent.

    Attributes
    ----------
    lr : ndarray, shape (n,)
    beta : ndarray, shape (r,)
    code : ndarray of int, shape (r, n)
    labels : tuple of str
    points : tuple of CriticalPoint
    runs : GridRuns
    """

    lr: np.ndarray
    beta: np.ndarray
    code: np.ndarray
    labels: tuple
    points: tuple
    runs: GridRuns

    def code_of(self, label_start):
        """The code whose label starts with ``label_start`` (e.g. "converged to the global")."""
        matches = [c for c, text in enumerate(self.labels) if text.startswith(label_start)]
        if len(matches) != 1:
            raise ValueError(f"label_start must match exactly one of {self.labels!r}, got {label_start!r}")
        return matches[0]


def momentum_outcome_map(objective, x0, lr, beta, *, convention="average", max_steps=1000, tol=1e-6, bound=1e6,
                         max_period=8, atol=1e-9):
    """Run momentum from ``x0`` for every η in ``lr`` × β in ``beta`` and name how each run ended.

    Converged runs are matched to the nearest critical point; runs stopped at max steps are named
    with :func:`helpers.optimizers.classify_outcomes` (a cycle, or bounded but not converged), never
    as a minimum.

    Parameters
    ----------
    objective : Objective
        A function of one variable.
    x0 : float
    lr, beta : array_like, one-dimensional
        The columns (η) and rows (β) of the map.
    convention, max_steps, tol, bound
        As for :func:`momentum`.
    max_period, atol
        As for :func:`helpers.optimizers.classify_tail`.

    Returns
    -------
    MomentumMap
    """
    if not isinstance(objective, Objective) or objective.ndim != 1:
        raise TypeError(f"objective must be a helpers Objective of one variable (e.g. Quartic()), got {objective!r}")
    lr = _validate.finite_array("lr", lr, ndim=1)
    beta = _validate.finite_array("beta", beta, ndim=1)
    max_period = _validate.integer("max_period", max_period, low=1, high=1000)
    runs = momentum_grid(objective, x0, lr[None, :], beta[:, None], convention=convention, max_steps=max_steps,
                         tol=tol, bound=bound, tail=2 * max_period)
    outcome, _ = classify_outcomes(runs.status, runs.tail, max_period=max_period, atol=atol)
    code, labels, points, _ = label_outcomes(objective, outcome, runs.x, max_period)
    return MomentumMap(lr, beta, code, labels, points, runs)


# -- momentum with noisy (mini-batch) gradients ---------------------------------------------------
@dataclass(frozen=True)
class NoisyRun:
    """Mini-batch gradient descent with momentum on the one-feature linear regression.

    Attributes
    ----------
    params : ndarray, shape (updates + 1, 2)
        (w, b) before the first and after every update.
    velocities : ndarray, shape (updates + 1, 2)
        v_0 = 0 and the velocity of every update.
    batch_grads : ndarray, shape (updates, 2)
        The mini-batch gradient of every update.
    losses : ndarray, shape (updates + 1,)
        The full-data MSE at every ``params``.
    status : {"max_steps", "diverged"}
        "max_steps" when all epochs ran (noisy gradients never settle to a tolerance).
    lr, beta : float
    convention : str
    """

    params: np.ndarray
    velocities: np.ndarray
    batch_grads: np.ndarray
    losses: np.ndarray
    status: str
    lr: float
    beta: float
    convention: str

    @property
    def updates(self):
        return len(self.params) - 1


def minibatch_momentum(x, y, params0, lr, beta, *, batch_size, epochs, rng, convention="average", bound=1e6):
    """Mini-batch gradient descent with momentum on the MSE of the line ŷ = w·x + b.

    Each epoch visits the data in the batches of :func:`helpers.minibatch.batches`; every batch gives
    a gradient g (:func:`helpers.minibatch.mse_grad`) and one update v ← β·v + (1 − β)·g,
    (w, b) ← (w, b) − η·v (or v ← β·v + g for ``convention="sum"``). β = 0 is plain mini-batch SGD.

    Parameters
    ----------
    x, y : array_like, shape (n,)
    params0 : array_like, shape (2,)
        Start (w, b).
    lr : float
        > 0.
    beta : float
        In [0, 1).
    batch_size : int
        1 … n.
    epochs : int
        1 … 10⁴.
    rng : numpy.random.Generator
        Shuffles every epoch; the same seed gives the same batches for any η and β.
    convention : {"average", "sum"}
    bound : float
        A run whose ‖(w, b)‖ exceeds it has diverged and stops.

    Returns
    -------
    NoisyRun
    """
    x = _validate.finite_array("x", x, ndim=1)
    y = _validate.finite_array("y", y, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.shape[0]} and {y.shape[0]}")
    p = _validate.finite_array("params0", params0, shape=(2,))
    lr = _validate.positive("lr", lr)
    beta = _beta(beta)
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=x.shape[0])
    epochs = _validate.integer("epochs", epochs, low=1, high=10**4)
    rng = _validate.rng("rng", rng)
    convention = _validate.choice("convention", convention, CONVENTIONS)
    bound = _validate.positive("bound", bound)
    if _norm(p) > bound:
        raise ValueError(f"params0 must lie inside the bound ‖params0‖ ≤ {bound:g}, got {_norm(p):g}")

    keep_grad = 1.0 - beta if convention == "average" else 1.0
    v = np.zeros(2)
    params, velocities, grads = [p], [v], []
    status = "max_steps"
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            for idx in batches(x.shape[0], batch_size, rng=rng):
                g = mse_grad(p, x[idx], y[idx])
                v = beta * v + keep_grad * g
                p = p - lr * v
                if not np.all(np.isfinite(p)) or _norm(p) > bound:
                    status = "diverged"
                    break
                params.append(p)
                velocities.append(v)
                grads.append(g)
            if status == "diverged":
                break
    params = np.array(params)
    losses = np.array([mse_loss(q, x, y) for q in params])
    return NoisyRun(params, np.array(velocities), np.array(grads).reshape(-1, 2), losses, status, lr, beta,
                    convention)
