"""The runner: :func:`run` iterates an update rule (:mod:`helpers.steps`) on an objective, one run or a
whole grid of runs in one vectorised loop, and keeps an honest record, a :class:`Run`.

Every run (also :func:`helpers.epochs.run_epochs`) ends in one of three states: ``"converged"`` (the
gradient is ≤ ``tol`` and so is the next step in units of the η given, ‖x_{k+1} − x_k‖/η: an iterate
racing through a minimum does not count), ``"diverged"`` (an iterate left the bound or stopped being finite;
the run stops there, so no ``inf`` or ``nan`` reaches a record or a plot) or ``"max_steps"`` (the
budget ran out: such a run has *not* found a minimum, whatever its last iterate looks like).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import _validate
from .objectives import Objective
from .steps import START

_STATUSES = ("converged", "diverged", "max_steps")
_DEFAULT_TAIL = 16  # iterates a grid run keeps: enough to see a cycle of period 8 twice


@dataclass(frozen=True, eq=False)
class Run:
    """The record of a run, or of a grid of runs.

    ``iterates``: every point of one run, shape (steps + 1, …); for a grid the last m of every run,
    shape grid + (m, …), a run that stopped early repeating its last point. ``status`` and ``steps``
    (updates made): one each, or an array for a grid. ``losses``: f at every iterate. ``states``: the
    optimiser's state, ``states[k]`` the one that produced ``iterates[k]``. ``settings`` (the
    hyper-parameters and limits) and ``records`` (``epoch_ends``, ``accuracy``, …) read as attributes:
    ``run.lr``.
    """

    iterates: np.ndarray
    status: object
    steps: object
    settings: dict
    losses: np.ndarray | None = None
    states: object = None
    records: dict = field(default_factory=dict)

    def __getattr__(self, name):  # run.lr, run.epoch_ends, …: the settings and records
        for values in (self.__dict__.get("settings", {}), self.__dict__.get("records", {})):
            if name in values:
                return values[name]
        raise AttributeError(f"a Run has no {name!r}")

    @property
    def x(self):
        """The last iterate (a float for a run of one variable); of every run, for a grid."""
        if np.ndim(self.status):
            return np.take(self.iterates, -1, axis=np.ndim(self.status))
        last = self.iterates[-1]
        return float(last) if np.ndim(last) == 0 else last

    @property
    def converged(self):
        return self.status == "converged"

    def outcome(self):
        """One short phrase: 'converged in 23 steps', 'diverged in epoch 3 (after 2,345 updates)', …"""
        def count(k, word):
            return f"{k:,} {word}{'' if k == 1 else 's'}"

        if "epochs" not in self.records:
            done = {"converged": "converged in", "diverged": "diverged after"}.get(self.status, "not converged after")
            return f"{done} {count(self.steps, 'step')}"
        updates, epochs = count(self.steps, "update"), count(self.epochs, "epoch")
        return {"converged": f"converged in {epochs} ({updates})", "diverged": f"diverged in epoch {self.epochs + 1} "
                f"(after {updates})"}.get(self.status, f"not converged after {epochs} ({updates})")


# -- helpers of the loop ------------------------------------------------------------------------------
def _norms(v, point_ndim):
    """‖v‖ of every run's vector (|v| for numbers)."""
    return np.abs(v) if point_ndim == 0 else np.sqrt(np.add.reduce(v * v, axis=-1))


def _take(state, keep):
    """The state of the runs that go on: arrays indexed, numbers and tuples of them kept as they are."""
    if isinstance(state, tuple):
        return tuple(_take(part, keep) for part in state)
    return state[keep] if np.ndim(state) else state


def _keep(mask, x, state, active, hyper):
    """The runs of a grid that go on: their points, states, indices and hyper-parameters."""
    return x[mask], _take(state, mask), active[mask], {a: v[mask] for a, v in hyper.items()}


def _first(state, shape):
    """The state of the first (only) run, numbers broadcast to the shape of a point."""
    if isinstance(state, tuple):
        return tuple(_first(part, shape) for part in state)
    return state if np.shape(state) == shape[1:] else np.broadcast_to(state, shape)[0]  # (most are in shape)


def _stack(states):
    try:
        return np.array(states, dtype=float)
    except (TypeError, ValueError):
        return states  # tuples (several moments) stay a list


# -- iterations on an objective ---------------------------------------------------------------------
def run(objective, step, x0, *, max_steps=1000, tol=1e-6, bound=1e6, tail=None, state=None, **hyper):
    """Run the update rule ``step(x, state, grad, **hyper) -> (x, state)`` on ``objective`` from ``x0``.

    ``x0`` (a number or a point, or an array of them) and the hyper-parameters (``lr=…`` required,
    ``beta=…``, …) broadcast together: ``x0[None, :]`` and ``lr=lr[:, None]`` give a grid of starts ×
    learning rates, each run ending exactly as it would alone, bit for bit on every CPU: one run and a grid
    take the same arithmetic path (+ − × ÷ √, powers by :func:`helpers.steps.power`, never numpy's
    vectorised power/exp/log, whose last bit depends on the CPU; norms by :func:`_norms`). One run keeps every
    iterate and state; a grid (or ``tail=m``) keeps the last m iterates of each run (default 16,
    enough to tell a cycle from chaos). Limits: ``max_steps`` 1 … 10⁷, ``tol`` > 0, the divergence
    bound ‖x‖ ≤ ``bound``; ``state`` is the optimiser's state before the first step (default: 0, or the
    rule's entry in :data:`helpers.steps.START`).
    """
    _check(objective, step, hyper)
    max_steps = _validate.integer("max_steps", max_steps, low=1, high=10**7)
    tol, bound = _validate.positive("tol", tol), _validate.positive("bound", bound)
    hyper = {name: _validate.hyper(name, value) for name, value in hyper.items()}
    x0, point = _starts(objective, x0, bound)
    state = START.get(step, 0.0) if state is None else state
    try:
        grid = np.broadcast_shapes(x0.shape[:x0.ndim - len(point)], *(np.shape(v) for v in hyper.values()))
    except ValueError:
        raise ValueError("x0 and the hyper-parameters must broadcast together, got shapes "
                         f"{[x0.shape] + [np.shape(v) for v in hyper.values()]}") from None
    settings = {**hyper, "tol": tol, "bound": bound, "max_steps": max_steps}
    if grid == () and tail is None:
        status, steps, iterates, states = _one(objective, step, x0.astype(float), state, hyper, max_steps, tol, bound)
        points = np.array(iterates, dtype=float)
        return Run(points, status, steps, settings, np.asarray(objective.f(points), dtype=float),
                   _stack([_first(s, (1,) + point) for s in states]))
    m = min(_validate.integer("tail", _DEFAULT_TAIL if tail is None else tail, low=1, high=10**6), max_steps + 1)
    n = int(np.prod(grid))
    x = np.broadcast_to(x0, grid + point).reshape((n,) + point).astype(float)
    columns = {k: np.broadcast_to(v, grid).reshape((n,) + (1,) * len(point)) for k, v in hyper.items()}
    status, steps, iterates = _iterate(objective, step, x, state, columns, max_steps, tol, bound, m)
    shaped = {k: np.broadcast_to(v, grid) for k, v in hyper.items()}
    return Run(iterates.reshape(grid + (m,) + point), status.reshape(grid), steps.reshape(grid),
               {**settings, **shaped, "x0": np.broadcast_to(x0, grid + point)})


def log_grid(start, stop, num):
    """``np.geomspace(start, stop, num)`` (0 < start, stop) computed with Python floats: the same bits on every CPU
    (numpy's vectorised log10 and power may round the last bit otherwise, and flip a run on an outcome map's edge)."""
    start, stop, num = _validate.positive("start", start), _validate.positive("stop", stop), _validate.integer(
        "num", num, low=2, high=10**7)
    low, step = math.log10(start), (math.log10(stop) - math.log10(start)) / (num - 1)
    return np.array([start] + [10.0 ** (k * step + low) for k in range(1, num - 1)] + [stop])  # as np.logspace


def _check(objective, step, hyper):
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be a helpers Objective (e.g. Square()), got {objective!r}")
    if not callable(step):
        raise TypeError(f"step must be an update rule such as helpers.steps.gradient_descent, got {step!r}")
    if "lr" not in hyper:
        raise TypeError("run() needs the learning rate lr of the update rule")


def _starts(objective, x0, bound):
    point = () if objective.ndim == 1 else (objective.ndim,)
    x0 = _validate.finite_array("x0", x0)
    if point and x0.shape[-1:] != point:
        raise ValueError(f"x0 must have {objective.ndim} coordinates for {objective.name}, got shape {x0.shape}")
    if np.max(_norms(x0, len(point))) > bound:
        raise ValueError(f"x0 must lie inside the divergence bound ‖x0‖ ≤ bound = {bound:g}, "
                         f"got ‖x0‖ = {np.max(_norms(x0, len(point))):g}")
    return x0, point


def _one(objective, step, x, state, hyper, max_steps, tol, bound):
    """The loop of :func:`run` for one run: on the point itself, a Python float for one variable (the
    same arithmetic as :func:`_iterate`'s arrays, bit for bit, without their bookkeeping: five times
    faster). Returns the status, the steps and every iterate and state."""
    if x.ndim == 0:
        x, norm, gradient = float(x), abs, (lambda p: float(objective.grad(p)))
    else:
        norm, gradient = (lambda v: float(_norms(v, 1))), objective.grad
    iterates, states, status, lr = [x], [state], "max_steps", hyper["lr"]
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(max_steps + 1):
            grad = gradient(x)
            x_new, s_new = step(x, state, grad, **hyper)
            if norm(grad) <= tol and norm(x_new - x) <= tol * lr:
                status = "converged"
                break
            if k == max_steps:
                break
            x, state = x_new, s_new
            if not norm(x) <= bound:  # also true for inf and nan
                status = "diverged"
                if np.all(np.isfinite(x)) and np.isfinite(objective.f(x)):
                    iterates.append(x)  # the escaping point: the plot shows the run leaving the view
                    states.append(state)
                break
            iterates.append(x)
            states.append(state)
    return status, len(iterates) - 1, iterates, states


def _iterate(objective, step, x, state, columns, max_steps, tol, bound, m):
    """The loop of :func:`run` for a grid of runs: n runs at once, the last m iterates of each kept."""
    n, dims = len(x), x.ndim - 1
    status, steps = np.full(n, "max_steps", dtype="<U9"), np.full(n, max_steps)
    last, active, xa, sa, ha = x.copy(), np.arange(n), x, state, columns
    tails, first, written = np.empty((n, m) + x.shape[1:]), max_steps + 1 - m, 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(max_steps + 1):
            if k >= first:
                last[active] = xa
                tails[:, k - first] = last
                written += 1
            if not active.size:
                break
            grad = objective.grad(xa)
            x_new, s_new = step(xa, sa, grad, **ha)
            small = _norms(grad, dims) <= tol
            done = small & (_norms(x_new - xa, dims) <= tol * ha["lr"].reshape(-1)) if small.any() else small
            if done.any():
                status[active[done]], steps[active[done]] = "converged", k
                last[active[done]] = xa[done]
            if k == max_steps:
                last[active] = xa
                break
            xa, sa = x_new, s_new
            if done.any():  # (most steps of most runs drop nothing)
                xa, sa, active, ha = _keep(~done, xa, sa, active, ha)
            out = ~(_norms(xa, dims) <= bound)  # also true for inf and nan
            if out.any():
                escaped, xe = active[out], xa[out]
                kept = np.all(np.isfinite(xe.reshape(len(xe), -1)), axis=1) & np.isfinite(objective.f(xe))
                status[escaped], steps[escaped] = "diverged", k + kept
                last[escaped[kept]] = xe[kept]  # the escaping point: the plot shows the run leaving the view
                xa, sa, active, ha = _keep(~out, xa, sa, active, ha)
    if written < m:
        tails[:, written:] = last[:, None]
    return status, steps, tails
