"""Full-batch, stochastic and mini-batch gradient descent on a one-feature linear regression.

The model is ŷ = w·x + b with parameters ``params = (w, b)``; the loss is the mean squared error

    L(w, b) = (1/n) Σ (y_i − (w·x_i + b))²,

whose gradient is ∇L = (−(2/n) Σ r_i x_i, −(2/n) Σ r_i) with residuals r_i = y_i − ŷ_i.

Primitives (stable names, also used by the momentum notebook): :func:`mse_loss`, :func:`mse_grad`,
:func:`least_squares`, :func:`batches`. The optimiser :func:`minibatch_gd` covers all three methods
with one code path: ``batch_size = n`` is full-batch gradient descent, ``batch_size = 1`` is
stochastic gradient descent (SGD), anything between is mini-batch gradient descent.

A mini-batch B of size m uses the mean of the per-sample losses (y_i − ŷ_i)² over B, so its
gradient g_B = (1/m) Σ_{i∈B} ∇(y_i − ŷ_i)² estimates ∇L without bias. For SGD (m = 1) the per-sample
loss is (y_i − ŷ_i)² *without* a factor 1/n: with it every step would be n times too small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _validate

STATUSES = ("converged", "diverged", "max_epochs")
MAX_UPDATES = 10**7  # a larger run would not fit a notebook's memory or patience


# -- primitives ---------------------------------------------------------------------------------
def _data(x, y, *, min_n=1):
    x = _validate.finite_array("x", x, ndim=1)
    y = _validate.finite_array("y", y, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.shape[0]} and {y.shape[0]}")
    if x.shape[0] < min_n:
        raise ValueError(f"x and y must hold at least {min_n} points, got {x.shape[0]}")
    return x, y


def _params(params, name="params"):
    return _validate.finite_array(name, params, shape=(2,))


def _grad(w, b, x, y):
    r = y - (w * x + b)
    return np.array([-2.0 * float(np.mean(r * x)), -2.0 * float(np.mean(r))])


def mse_loss(params, x, y):
    """Mean squared error L = mean((y − (w·x + b))²) of the line ``params = (w, b)`` on the data.

    Parameters
    ----------
    params : array_like, shape (2,)
        (w, b), finite.
    x, y : array_like, shape (n,)
        The data, finite, same length n ≥ 1.

    Returns
    -------
    float
    """
    w, b = _params(params)
    x, y = _data(x, y)
    r = y - (w * x + b)
    return float(np.mean(r * r))


def mse_grad(params, x, y):
    """Gradient of :func:`mse_loss`: (∂L/∂w, ∂L/∂b) = (−2·mean(r·x), −2·mean(r)), r = y − (w·x + b).

    Called on a subset ``x[idx], y[idx]`` it is the mini-batch gradient of that subset.

    Returns
    -------
    ndarray, shape (2,)
    """
    w, b = _params(params)
    x, y = _data(x, y)
    return _grad(w, b, x, y)


def least_squares(x, y):
    """The exact minimiser (w*, b*) of the MSE: w* = cov(x, y)/var(x), b* = mean(y) − w*·mean(x).

    Needs at least two distinct x values (otherwise the minimiser is not unique).

    Returns
    -------
    ndarray, shape (2,)
    """
    x, y = _data(x, y)
    if np.ptp(x) == 0.0:
        raise ValueError("x must contain at least two distinct values for a unique least-squares line, "
                         f"got all x = {x[0]!r}")
    xm, ym = float(np.mean(x)), float(np.mean(y))
    xc = x - xm
    w = float(np.dot(xc, y - ym)) / float(np.dot(xc, xc))
    return np.array([w, ym - w * xm])


def _check_shuffle(shuffle):
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r} ({type(shuffle).__name__})")
    return bool(shuffle)


def _epoch_order(n, rng, shuffle):
    # The one place an epoch's order is drawn, so batches() and minibatch_gd() use rng identically.
    return rng.permutation(n) if shuffle else np.arange(n)


def batches(n, batch_size, *, rng, shuffle=True):
    """Index arrays of one epoch: every index 0 … n−1 exactly once, in batches of ``batch_size``.

    With ``shuffle`` the order is a fresh permutation drawn from ``rng`` (one call to
    ``rng.permutation(n)`` per epoch); without it the indices are taken in order and ``rng`` is
    not used. When ``batch_size`` does not divide ``n`` the **last batch is smaller**
    (n mod batch_size indices): every point is seen exactly once per epoch, and an epoch has
    ⌈n / batch_size⌉ updates.

    Parameters
    ----------
    n : int
        Number of samples, 1 … 10⁷.
    batch_size : int
        1 … n.
    rng : numpy.random.Generator
    shuffle : bool, default True

    Returns
    -------
    list of ndarray (int)
    """
    n = _validate.integer("n", n, low=1, high=10**7)
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=n)
    rng = _validate.rng("rng", rng)
    shuffle = _check_shuffle(shuffle)
    order = _epoch_order(n, rng, shuffle)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


# -- the optimiser --------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MinibatchRun:
    """The record of one (mini-)batch gradient-descent run.

    Attributes
    ----------
    params : ndarray, shape (updates + 1, 2)
        (w, b) at the start and after every update (all finite, all inside ``bound``).
    losses : ndarray, shape (updates + 1,)
        The full-data MSE at each row of ``params``.
    evals : ndarray of int, shape (updates + 1,)
        Per-sample gradient evaluations used so far (a batch of m points costs m). The full-data
        checks of the stopping rule are monitoring, not training, and are not counted.
    epoch_ends : ndarray of int, shape (epochs + 1,)
        Row of ``params`` at the end of each completed epoch (entry 0 is the start, row 0).
    status : {"converged", "diverged", "max_epochs"}
    updates, epochs : int
        Updates made and epochs completed. A diverged run stops inside an epoch, which is then not
        counted as completed.
    n, batch_size : int
    lr, decay, tol, bound : float
    shuffle : bool
    """

    params: np.ndarray
    losses: np.ndarray
    evals: np.ndarray
    epoch_ends: np.ndarray
    status: str
    updates: int
    epochs: int
    n: int
    batch_size: int
    lr: float
    decay: float
    tol: float
    bound: float
    shuffle: bool

    @property
    def final(self):
        """The last (w, b)."""
        return self.params[-1]

    @property
    def converged(self):
        return self.status == "converged"

    @property
    def epoch_params(self):
        """(w, b) at the end of each completed epoch, shape (epochs + 1, 2)."""
        return self.params[self.epoch_ends]

    @property
    def epoch_losses(self):
        """Full-data MSE at the end of each completed epoch, shape (epochs + 1,)."""
        return self.losses[self.epoch_ends]

    @property
    def updates_per_epoch(self):
        return -(-self.n // self.batch_size)

    def lr_at(self, epoch):
        """The learning rate used in epoch ``epoch`` (0-based): η / (1 + decay·epoch)."""
        return self.lr / (1.0 + self.decay * epoch)

    def outcome(self):
        """One short phrase: 'converged in 12 epochs (12 updates)', 'diverged in epoch 3 …', …"""
        def plural(k, word):
            return f"{k:,} {word}{'' if k == 1 else 's'}"

        if self.status == "converged":
            return f"converged in {plural(self.epochs, 'epoch')} ({plural(self.updates, 'update')})"
        if self.status == "diverged":
            return f"diverged in epoch {self.epochs + 1} (after {plural(self.updates, 'update')})"
        return f"not converged after {plural(self.epochs, 'epoch')} ({plural(self.updates, 'update')})"


def _loss_curve(params, x, y):
    """The MSE at many points at once, from centred moments (no loop over the data per point).

    L(w, b) = var(y) − 2w·cov(x, y) + w²·var(x) + (mean y − w·mean x − b)²: exact algebra, and
    centring keeps the rounding error at the size of var(y)·1e−16, not of the raw moments.
    """
    xm, ym = float(np.mean(x)), float(np.mean(y))
    xc, yc = x - xm, y - ym
    sxx, sxy, syy = float(np.mean(xc * xc)), float(np.mean(xc * yc)), float(np.mean(yc * yc))
    w, b = params[:, 0], params[:, 1]
    offset = ym - w * xm - b
    return np.maximum(syy - 2.0 * w * sxy + w * w * sxx, 0.0) + offset * offset


def minibatch_gd(x, y, lr, *, batch_size, epochs=10, rng, shuffle=True, params0=(0.0, 0.0), decay=0.0,
                 tol=1e-9, bound=1e6):
    """Mini-batch gradient descent on the MSE of the line ŷ = w·x + b; one code path for every batch size.

    Each epoch draws a fresh order with :func:`batches` (same use of ``rng``), then for each batch B
    of m points makes one update (w, b) ← (w, b) − η_e · (1/m) Σ_{i∈B} ∇(y_i − ŷ_i)².
    ``batch_size = n`` is full-batch gradient descent (the order is then irrelevant: the full
    sums are taken in the data's own order, so the run does not depend on ``rng`` or ``shuffle``),
    ``batch_size = 1`` is SGD.

    The learning rate of epoch e (0-based) is η_e = lr / (1 + decay·e): constant for ``decay = 0``.

    Stopping rule: at the start and after every completed epoch the full gradient is checked; the
    run has *converged* when ‖∇L‖ ≤ ``tol`` (``tol = 0`` runs all epochs). It has *diverged* as soon
    as |w| or |b| exceeds ``bound`` (checked after every update, long before anything overflows; the
    escaping point is not recorded), and it stops with status ``"max_epochs"`` otherwise.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The data, finite, n ≥ 1.
    lr : float
        Learning rate η > 0.
    batch_size : int
        1 … n.
    epochs : int, default 10
        1 … 10⁶ (and epochs·⌈n/batch_size⌉ ≤ 10⁷ updates).
    rng : numpy.random.Generator
        Source of the shuffles; the same seed gives the same run.
    shuffle : bool, default True
        Fresh random order every epoch, or the data's order every epoch.
    params0 : array_like, shape (2,), default (0, 0)
        Start (w₀, b₀), inside the bound.
    decay : float, default 0
        ≥ 0, see above.
    tol : float, default 1e-9
        ≥ 0.
    bound : float, default 1e6
        > 0.

    Returns
    -------
    MinibatchRun

    Notes
    -----
    Speed: the loss is quadratic, so a batch enters an update only through four sums
    (Σx², Σx, Σxy, Σy), computed for all batches of an epoch at once with ``np.add.reduceat``.
    The update loop then does a few float operations per step, which makes SGD with
    batch_size = 1 about twenty times faster than one numpy call per step. The result agrees
    with the plain loop over :func:`batches` and :func:`mse_grad` to rounding.
    """
    x, y = _data(x, y)
    n = x.shape[0]
    lr = _validate.positive("lr", lr)
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=n)
    epochs = _validate.integer("epochs", epochs, low=1, high=10**6)
    per_epoch = -(-n // batch_size)
    if epochs * per_epoch > MAX_UPDATES:
        raise ValueError(f"epochs must be at most {MAX_UPDATES // per_epoch} for n = {n} and batch_size = "
                         f"{batch_size} (at most {MAX_UPDATES:.0e} updates), got {epochs}")
    rng = _validate.rng("rng", rng)
    shuffle = _check_shuffle(shuffle)
    w, b = (float(v) for v in _params(params0, "params0"))
    decay = _validate.real("decay", decay, low=0.0)
    tol = _validate.real("tol", tol, low=0.0)
    bound = _validate.positive("bound", bound)
    if max(abs(w), abs(b)) > bound:
        raise ValueError(f"params0 must lie inside the divergence bound |w|, |b| ≤ bound = {bound:g}, "
                         f"got {(w, b)}")

    starts = np.arange(0, n, batch_size)
    counts = np.diff(np.append(starts, n))
    full = batch_size == n
    if full:
        sums = [np.array([np.sum(x * x)]), np.array([np.sum(x)]), np.array([np.sum(x * y)]), np.array([np.sum(y)])]
    ws, bs = [w], [b]
    ends = [0]
    status = "max_epochs"
    if _norm2(_grad(w, b, x, y)) <= tol:
        status = "converged"
    for epoch in range(epochs):
        if status != "max_epochs":
            break
        order = _epoch_order(n, rng, shuffle)
        if not full:
            xp, yp = x[order], y[order]
            sums = [np.add.reduceat(v, starts) for v in (xp * xp, xp, xp * yp, yp)]
        # Coefficients of the affine update of each batch (m points, learning rate eta):
        #   w ← w − (A w + C b − D),  b ← b − (C w + 2η b − F),  A = 2η/m Σx², C = 2η/m Σx, …
        eta = lr / (1.0 + decay * epoch)
        two_eta = 2.0 * eta
        with np.errstate(over="ignore", invalid="ignore"):  # an absurd η gives inf here; caught as diverged
            scale = two_eta / counts
            coeffs = zip(*((scale * s).tolist() for s in sums), strict=True)
        for a, c, d, f in coeffs:
            w, b = w - (a * w + c * b - d), b - (c * w + two_eta * b - f)
            if not (-bound <= w <= bound and -bound <= b <= bound):  # NaN fails too
                status = "diverged"
                break
            ws.append(w)
            bs.append(b)
        if status == "diverged":
            break
        ends.append(len(ws) - 1)
        if _norm2(_grad(w, b, x, y)) <= tol:
            status = "converged"

    params = np.column_stack([ws, bs])
    updates = len(ws) - 1
    per_update = np.tile(counts, -(-updates // per_epoch) if updates else 0)[:updates]
    evals = np.concatenate([[0], np.cumsum(per_update)]).astype(np.int64)
    return MinibatchRun(
        params=params, losses=_loss_curve(params, x, y), evals=evals, epoch_ends=np.array(ends, dtype=np.int64),
        status=status, updates=updates, epochs=len(ends) - 1, n=n, batch_size=batch_size, lr=lr, decay=decay,
        tol=tol, bound=bound, shuffle=shuffle,
    )


def _norm2(v):
    return math.hypot(float(v[0]), float(v[1]))


# -- why it works: the statistics of the mini-batch gradient ---------------------------------------
def excess_loss(params, x, y):
    """L(w, b) − L(w*, b*) for one point (shape (2,)) or many (shape (k, 2)), never negative.

    Computed as the quadratic form (θ − θ*)ᵀ H (θ − θ*)/2 with H = 2·[[mean x², mean x], [mean x, 1]],
    which stays accurate down to 1e−30 and below, where a difference of two losses is rounding noise.
    """
    p = _validate.finite_array("params", params, ndim=(1, 2))
    if p.shape[-1] != 2:
        raise ValueError(f"params must have 2 entries (w, b) per row, got shape {p.shape}")
    x, y = _data(x, y, min_n=2)
    dw, db = p[..., 0] - (opt := least_squares(x, y))[0], p[..., 1] - opt[1]
    xm, xx = float(np.mean(x)), float(np.mean(x * x))
    out = np.maximum(xx * dw * dw + 2.0 * xm * dw * db + db * db, 0.0)
    return float(out) if p.ndim == 1 else out


def per_sample_grads(params, x, y):
    """Gradients of the per-sample losses (y_i − ŷ_i)² (no 1/n), shape (n, 2); their mean is ∇L."""
    w, b = _params(params)
    x, y = _data(x, y)
    r = y - (w * x + b)
    return np.column_stack([-2.0 * r * x, -2.0 * r])


def predicted_batch_variance(params, x, y, batch_size):
    """Predicted total variance E‖g_B − ∇L‖² of the gradient of a random batch of ``batch_size`` points.

    For a batch drawn uniformly without replacement from n points (as every full-size batch of a
    shuffled epoch is), Var(g_B) = (σ²/b)·(n − b)/(n − 1), where σ² = (1/n) Σ ‖g_i − ∇L‖² is the
    spread of the per-sample gradients. The factor (n − b)/(n − 1) is the finite-population
    correction: it is 1 for b = 1 and 0 for b = n (the full batch has no noise at all).
    """
    g = per_sample_grads(params, x, y)
    n = g.shape[0]
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=n)
    if n == 1:
        return 0.0
    spread = float(np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1)))
    return spread / batch_size * (n - batch_size) / (n - 1)


def sample_batch_grads(params, x, y, batch_size, draws, *, rng):
    """``draws`` mini-batch gradients at ``params``, shape (draws, 2).

    The batches are the full-size batches of successive shuffled epochs: each epoch is a fresh
    random permutation (drawn many at a time with ``rng.permuted``), cut into ⌊n/b⌋ batches, so each
    batch is a uniformly random set of ``batch_size`` distinct points, as in training.
    """
    g = per_sample_grads(params, x, y)
    n = g.shape[0]
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=n)
    draws = _validate.integer("draws", draws, low=1, high=10**6)
    rng = _validate.rng("rng", rng)
    per_epoch = n // batch_size
    epochs = -(-draws // per_epoch)
    chunk = max(1, 2**21 // n)  # epochs per block of permutations, to bound the memory
    out = []
    for start in range(0, epochs, chunk):
        k = min(chunk, epochs - start)
        orders = rng.permuted(np.tile(np.arange(n), (k, 1)), axis=1)[:, : per_epoch * batch_size]
        out.append(g[orders].reshape(k * per_epoch, batch_size, 2).mean(axis=1))
    return np.concatenate(out)[:draws]
