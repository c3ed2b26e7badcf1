"""A straight line fitted to noisy points: the loss, its gradient, the exact answer, and training in mini-batches.

ŷ = w·x + b with ``params = (w, b)``; L(w, b) = (1/n) Σ (y_i − ŷ_i)², ∇L = (−(2/n) Σ r_i x_i, −(2/n) Σ r_i)
with r_i = y_i − ŷ_i. A mini-batch uses the mean of the per-sample losses (y_i − ŷ_i)² over its points,
so its gradient estimates ∇L without bias (for SGD the per-sample loss has no factor 1/n).
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .epochs import run_epochs


def _data(x, y, *, min_n=1):
    x, y = _validate.finite_array("x", x, ndim=1), _validate.finite_array("y", y, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.shape[0]} and {y.shape[0]}")
    if x.shape[0] < min_n:
        raise ValueError(f"x and y must hold at least {min_n} points, got {x.shape[0]}")
    return x, y


def _residuals(params, x, y):
    """x and the residuals r = y − (w·x + b) of the line ``params = (w, b)``."""
    w, b = _validate.finite_array("params", params, shape=(2,))
    x, y = _data(x, y)
    return x, y - (w * x + b)


def mse_loss(params, x, y):
    """L = mean((y − (w·x + b))²) of the line ``params = (w, b)`` on the data (a float)."""
    r = _residuals(params, x, y)[1]
    return float(np.mean(r * r))


def mse_grad(params, x, y):
    """(∂L/∂w, ∂L/∂b) = (−2·mean(r·x), −2·mean(r)); on a subset ``x[idx], y[idx]``, that batch's gradient."""
    x, r = _residuals(params, x, y)
    return np.array([-2.0 * float(np.mean(r * x)), -2.0 * float(np.mean(r))])


def least_squares(x, y):
    """The exact minimiser (w*, b*): w* = cov(x, y)/var(x), b* = mean(y) − w*·mean(x) (needs two distinct x)."""
    x, y = _data(x, y)
    if np.ptp(x) == 0.0:
        raise ValueError("x must contain at least two distinct values for a unique least-squares line, "
                         f"got all x = {x[0]!r}")
    xm, ym = float(np.mean(x)), float(np.mean(y))
    xc = x - xm
    w = float(np.dot(xc, y - ym)) / float(np.dot(xc, xc))
    return np.array([w, ym - w * xm])


def excess_loss(params, x, y):
    """L(w, b) − L(w*, b*) for one (w, b) or many (rows), never negative: the quadratic form ½(θ − θ*)ᵀH(θ − θ*),
    accurate far below where a difference of two losses is rounding noise."""
    p = _validate.finite_array("params", params, ndim=(1, 2))
    if p.shape[-1] != 2:
        raise ValueError(f"params must have 2 entries (w, b) per row, got shape {p.shape}")
    x, y = _data(x, y, min_n=2)
    opt = least_squares(x, y)
    dw, db = p[..., 0] - opt[0], p[..., 1] - opt[1]
    xm, xx = float(np.mean(x)), float(np.mean(x * x))
    out = np.maximum(xx * dw * dw + 2.0 * xm * dw * db + db * db, 0.0)
    return float(out) if p.ndim == 1 else out


def _sample_grads(params, x, y):
    """Gradients of the per-sample losses (y_i − ŷ_i)², shape (n, 2); their mean is ∇L."""
    x, r = _residuals(params, x, y)
    return np.column_stack([-2.0 * r * x, -2.0 * r])


def predicted_batch_variance(params, x, y, batch_size):
    """E‖g_B − ∇L‖² for a batch of b distinct random points: (σ²/b)·(n − b)/(n − 1), σ² the spread of the
    per-sample gradients; the finite-population factor makes it 0 for b = n."""
    g = _sample_grads(params, x, y)
    n = g.shape[0]
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=n)
    spread = float(np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1)))
    return spread / batch_size * (n - batch_size) / max(n - 1, 1)  # n = 1: no spread, 0


def sample_batch_grads(params, x, y, batch_size, draws, *, rng):
    """``draws`` gradients of random batches at ``params``, shape (draws, 2): the full-size batches of
    successive shuffled epochs, so each is a uniformly random set of ``batch_size`` distinct points."""
    g = _sample_grads(params, x, y)
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


class _LineFit:
    """The data of a line fit, as :func:`helpers.epochs.run_epochs` trains on it.

    The loss is quadratic, so a batch's gradient is affine in (w, b): g = (a·w + c·b − d, c·w + 2·b − f)
    with a = 2·mean x², c = 2·mean x, d = 2·mean xy, f = 2·mean y over the batch; :meth:`affine` gives
    these numbers for all batches of an epoch at once.
    """

    def __init__(self, x, y):
        self.x, self.y = _data(x, y)
        self.n = len(self.x)
        xm, ym = float(np.mean(self.x)), float(np.mean(self.y))
        xc, yc = self.x - xm, self.y - ym
        self._moments = xm, ym, float(np.mean(xc * xc)), float(np.mean(xc * yc)), float(np.mean(yc * yc))

    def affine(self, order, starts):
        """(a, c, d, 2, f) of every batch: the points ``order[starts[k]:starts[k + 1]]``."""
        x, y = self.x[order], self.y[order]
        counts = np.diff(np.append(starts, len(order)))
        sums = [2.0 * np.add.reduceat(v, starts) / counts for v in (x * x, x, x * y, y)]
        return [(a, c, d, 2.0, f) for a, c, d, f in zip(*(s.tolist() for s in sums), strict=True)]

    def grad_norm(self, params):
        r = self.y - (params[0] * self.x + params[1])  # mse_grad's arithmetic, without its checks
        return float(np.hypot(-2.0 * float(np.mean(r * self.x)), -2.0 * float(np.mean(r))))

    def loss(self, params):
        """The MSE at every row (w, b) of ``params``, from centred moments (no loop over the data)."""
        xm, ym, sxx, sxy, syy = self._moments
        w, b = params[:, 0], params[:, 1]
        offset = ym - w * xm - b
        return np.maximum(syy - 2.0 * w * sxy + w * w * sxx, 0.0) + offset * offset


def fit(x, y, step, *, batch_size, epochs=10, rng, shuffle=True, params0=(0.0, 0.0), decay=0.0, tol=1e-9,
        bound=1e6, trace=False, **hyper):
    """Fit the line by mini-batch training with the update rule ``step`` (e.g. ``helpers.steps.gradient_descent``
    with ``lr=…``): ``batch_size = n`` is full-batch gradient descent, 1 is SGD, anything between mini-batch.

    See :func:`helpers.epochs.run_epochs` for the epochs, the stopping rule and the record (plus
    ``records["updates_per_epoch"]``); ``tol`` is on the full gradient, 0 runs all epochs.
    """
    model = _LineFit(x, y)
    result = run_epochs(step, model, params0, batch_size=batch_size, epochs=epochs, rng=rng, shuffle=shuffle,
                        decay=decay, tol=tol, bound=bound, trace=trace, **hyper)
    result.records["updates_per_epoch"] = -(-model.n // result.batch_size)
    return result
