"""The lecture's small sigmoid network: forward pass, backpropagation, numerical gradients, training.

The network has ``n_in`` inputs, one hidden layer of ``hidden`` sigmoid units and one sigmoid
output; every unit computes z = Σ wᵢxᵢ + b and y = 1 / (1 + e^(−λz)). The error over a data set is
the lecture's E = ½ Σᵢ (yᵢ − oᵢ)², with targets yᵢ and outputs oᵢ.

Backpropagation applies the chain rule ∂E/∂w = ∂E/∂y · ∂y/∂z · ∂z/∂w, with ∂z/∂w = x and
∂y/∂z = λ·y(1 − y):

* output unit: δₒ = (o − y) · λ·o(1 − o), and ∂E/∂w = δₒ · h for the weight from hidden unit h;
* hidden unit j: δⱼ = (Σ over the next layer of δ · weight) · λ·hⱼ(1 − hⱼ) = δₒ·w₂ⱼ · λ·hⱼ(1 − hⱼ),
  and ∂E/∂w = δⱼ · xᵢ for the weight from input i.

Sums over a layer are written as elementwise products followed by ``sum`` rather than as matrix
products: a BLAS product may round differently depending on where an array sits in memory, and the
finite-difference checks print differences of nearly equal errors, which would then change from one
run to the next.

The sigmoid never overflows, so neither the outputs nor the gradients can become infinite: a large
learning rate or a steep λ makes training oscillate or stall, never blow up. Training therefore has
no "diverged" state; the record says how far the error fell and how many samples are classified
correctly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _validate

LAM_MAX = 1000.0
#: Largest |λz| the sigmoid evaluates; e^(−800) is already 0 in double precision, so clipping there
#: changes no result and keeps λ·|z| from overflowing for any finite z.
_EXP_CLIP = 800.0
MODES = ("sample", "batch")


# -- the unit ---------------------------------------------------------------------------------------
def _sigmoid(z, lam):
    e = np.exp(np.minimum(np.abs(z), _EXP_CLIP / lam) * -lam)  # e^(−λ|z|) lies in [0, 1]: no overflow
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid(z, lam=1.0):
    """The logistic function with steepness λ, y = 1 / (1 + e^(−λz)), for any finite z.

    Evaluated as 1 / (1 + e^(−λ|z|)) for z ≥ 0 and e^(−λ|z|) / (1 + e^(−λ|z|)) for z < 0, so the
    exponential is never larger than 1: no overflow and no warning, even at z = ±10⁴ or beyond.

    Parameters
    ----------
    z : float or array_like
        Finite net input(s).
    lam : float, default 1
        Steepness λ, 0 < λ ≤ 1000.

    Returns
    -------
    float or ndarray
        Values in [0, 1] (exactly 0 or 1 only where e^(−λ|z|) underflows).
    """
    z = _validate.finite_array("z", z)
    lam = _validate.positive("lam", lam, high=LAM_MAX)
    y = _sigmoid(z, lam)
    return float(y) if y.ndim == 0 else y


def sigmoid_derivative(y, lam=1.0):
    """dy/dz = λ·y(1 − y), written in terms of the unit's output y (as on the lecture's slide).

    Parameters
    ----------
    y : float or array_like
        Sigmoid outputs, each in [0, 1].
    lam : float, default 1
        Steepness λ, 0 < λ ≤ 1000.
    """
    y = _validate.finite_array("y", y)
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"y must hold sigmoid outputs in [0, 1], got values from {y.min():g} to {y.max():g}")
    lam = _validate.positive("lam", lam, high=LAM_MAX)
    d = lam * y * (1.0 - y)
    return float(d) if d.ndim == 0 else d


# -- the network ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Forward:
    """Everything the forward pass computes for a batch of n samples (kept for the backward pass).

    Attributes
    ----------
    z_hidden, h : ndarray, shape (n, hidden)
        Net inputs and outputs of the hidden units.
    z_out, o : ndarray, shape (n,)
        Net input and output of the output unit.
    """

    z_hidden: np.ndarray
    h: np.ndarray
    z_out: np.ndarray
    o: np.ndarray


@dataclass(frozen=True)
class Gradient:
    """∂E/∂(each parameter), shaped like the network's parameters."""

    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float

    def vector(self):
        """All partial derivatives in the order of :meth:`Network.vector`."""
        return np.concatenate([self.W1.ravel(), self.b1, self.w2, [self.b2]])


class Network:
    """Inputs → one hidden layer of sigmoid units → one sigmoid output, steepness λ everywhere.

    Parameters
    ----------
    W1 : array_like, shape (n_in, hidden)
        W1[i, j] is the weight from input i to hidden unit j.
    b1 : array_like, shape (hidden,)
        Biases of the hidden units (the lecture's w₀ with x₀ = 1).
    w2 : array_like, shape (hidden,)
        Weights from the hidden units to the output.
    b2 : float
        Bias of the output unit.
    lam : float, default 1
        Steepness λ of every sigmoid, 0 < λ ≤ 1000.
    """

    def __init__(self, W1, b1, w2, b2, lam=1.0):
        W1 = _validate.finite_array("W1", W1, ndim=2)
        n_in, hidden = W1.shape
        self.W1 = W1.copy()
        self.b1 = _validate.finite_array("b1", b1, shape=(hidden,)).copy()
        self.w2 = _validate.finite_array("w2", w2, shape=(hidden,)).copy()
        self.b2 = float(_validate.finite_array("b2", b2, ndim=0))
        self.lam = _validate.positive("lam", lam, high=LAM_MAX)

    @classmethod
    def random(cls, n_in, hidden, *, lam=1.0, scale=1.0, rng):
        """A network with every weight and bias drawn from N(0, scale²).

        Parameters
        ----------
        n_in : int
            Number of inputs, 1 … 1000.
        hidden : int
            Number of hidden units, 1 … 10000.
        lam : float, default 1
            Steepness λ.
        scale : float, default 1
            Standard deviation of the initial weights, > 0.
        rng : numpy.random.Generator
        """
        n_in = _validate.integer("n_in", n_in, low=1, high=1000)
        hidden = _validate.integer("hidden", hidden, low=1, high=10_000)
        scale = _validate.positive("scale", scale)
        rng = _validate.rng("rng", rng)
        W1 = scale * rng.standard_normal((n_in, hidden))
        b1 = scale * rng.standard_normal(hidden)
        w2 = scale * rng.standard_normal(hidden)
        b2 = scale * rng.standard_normal()
        return cls(W1, b1, w2, b2, lam)

    # -- shape and parameter vector ----------------------------------------------------------------
    @property
    def n_in(self):
        return self.W1.shape[0]

    @property
    def hidden(self):
        return self.W1.shape[1]

    @property
    def n_params(self):
        """Number of weights and biases: hidden·(n_in + 2) + 1."""
        return self.W1.size + 2 * self.hidden + 1

    def vector(self):
        """All parameters as one vector: W1 row by row, then b1, w2 and b2."""
        return np.concatenate([self.W1.ravel(), self.b1, self.w2, [self.b2]])

    def with_vector(self, v):
        """A new network with the same shape and λ and the parameters ``v`` (as from :meth:`vector`)."""
        v = _validate.finite_array("v", v, shape=(self.n_params,))
        return Network(*_unpack(v, self.n_in, self.hidden), self.lam)

    def copy(self):
        return Network(self.W1, self.b1, self.w2, self.b2, self.lam)

    def __repr__(self):
        return f"Network(n_in={self.n_in}, hidden={self.hidden}, lam={self.lam:g})"

    # -- forward and backward ----------------------------------------------------------------------
    def _check(self, X, y=None):
        X = _validate.finite_array("X", X, ndim=(1, 2))
        if X.ndim == 1:
            X = X[None, :]
        if X.shape[1] != self.n_in:
            raise ValueError(f"X must have {self.n_in} column(s), one per input of the network, got shape {X.shape}")
        if y is None:
            return X
        y = _validate.finite_array("y", y, ndim=(0, 1)).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"y must hold one target per row of X ({X.shape[0]}), got {y.shape[0]}")
        if np.any((y < 0) | (y > 1)):
            raise ValueError(f"y must hold targets in [0, 1] (a sigmoid's range), got values from {y.min():g} "
                             f"to {y.max():g}")
        return X, y

    def forward(self, X):
        """The forward phase for the samples in the rows of ``X`` (shape (n, n_in), or (n_in,))."""
        return _forward(self.W1, self.b1, self.w2, self.b2, self.lam, self._check(X))

    def predict(self, X):
        """The output o for each row of ``X``, shape (n,)."""
        return self.forward(X).o

    def error(self, X, y):
        """E = ½ Σᵢ (yᵢ − oᵢ)² over the rows of ``X`` and the targets ``y`` (each in [0, 1])."""
        X, y = self._check(X, y)
        return _error(self.W1, self.b1, self.w2, self.b2, self.lam, X, y)

    def accuracy(self, X, y):
        """Fraction of samples with o on the same side of ½ as the target."""
        X, y = self._check(X, y)
        o = _forward(self.W1, self.b1, self.w2, self.b2, self.lam, X).o
        return float(np.mean((o >= 0.5) == (y >= 0.5)))

    def backward(self, X, y):
        """∂E/∂(every parameter) by backpropagation: one forward and one backward pass.

        Returns
        -------
        Gradient
        """
        X, y = self._check(X, y)
        return _backward(self.W1, self.b1, self.w2, self.b2, self.lam, X, y)

    def gradient(self, X, y):
        """The backpropagated gradient as one vector (the order of :meth:`vector`)."""
        return self.backward(X, y).vector()


def _unpack(v, n_in, hidden):
    """Views of a parameter vector as (W1, b1, w2, b2)."""
    k = n_in * hidden
    return v[:k].reshape(n_in, hidden), v[k:k + hidden], v[k + hidden:k + 2 * hidden], v[k + 2 * hidden]


def _forward(W1, b1, w2, b2, lam, X):
    z_hidden = (X[:, :, None] * W1).sum(axis=1) + b1
    h = _sigmoid(z_hidden, lam)
    z_out = (h * w2).sum(axis=1) + b2
    return Forward(z_hidden, h, z_out, _sigmoid(z_out, lam))


def _error(W1, b1, w2, b2, lam, X, y):
    r = y - _forward(W1, b1, w2, b2, lam, X).o
    return 0.5 * float(np.sum(r * r))


def _backward(W1, b1, w2, b2, lam, X, y):
    f = _forward(W1, b1, w2, b2, lam, X)
    delta_out = (f.o - y) * lam * f.o * (1.0 - f.o)  # ∂E/∂z_out, shape (n,)
    delta_hidden = delta_out[:, None] * w2 * lam * f.h * (1.0 - f.h)  # ∂E/∂z_hidden, shape (n, hidden)
    return Gradient(
        W1=(X[:, :, None] * delta_hidden[:, None, :]).sum(axis=0),
        b1=delta_hidden.sum(axis=0),
        w2=(delta_out[:, None] * f.h).sum(axis=0),
        b2=float(delta_out.sum()),
    )


# -- numerical gradients ------------------------------------------------------------------------------
DEFAULT_EPS = {"forward": 1e-7, "central": 1e-5}


def numerical_gradient(net, X, y, *, method="central", eps=None):
    """∂E/∂(every parameter) by finite differences, one parameter at a time.

    ``"forward"`` is the lecture's formula (E(w + εeₖ) − E(w)) / ε: n_params + 1 forward passes,
    truncation error of order ε. ``"central"`` is (E(w + εeₖ) − E(w − εeₖ)) / 2ε: 2·n_params forward
    passes, truncation error of order ε². Both lose accuracy to rounding as ε shrinks (≈ ε_mach·E/ε).

    Parameters
    ----------
    net : Network
    X, y : array_like
        Inputs (n, n_in) and targets (n,), as for :meth:`Network.error`.
    method : {"forward", "central"}, default "central"
    eps : float, optional
        Step ε, 0 < ε ≤ 1; default 1e-7 for forward and 1e-5 for central differences (near the
        best trade-off between truncation and rounding: √ε_mach and ∛ε_mach).

    Returns
    -------
    ndarray, shape (n_params,)
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a helpers.network.Network, got {net!r}")
    method = _validate.choice("method", method, set(DEFAULT_EPS))
    eps = DEFAULT_EPS[method] if eps is None else _validate.positive("eps", eps, high=1.0)
    X, y = net._check(X, y)
    p = net.vector()
    n_in, hidden, lam = net.n_in, net.hidden, net.lam

    def E(v):
        return _error(*_unpack(v, n_in, hidden), lam, X, y)

    base = E(p) if method == "forward" else None
    grad = np.empty_like(p)
    for k in range(p.size):
        plus = p.copy()
        plus[k] += eps
        if method == "forward":
            grad[k] = (E(plus) - base) / eps
        else:
            minus = p.copy()
            minus[k] -= eps
            grad[k] = (E(plus) - E(minus)) / (2.0 * eps)
    return grad


def forward_passes(n_params, method):
    """Forward passes a finite-difference gradient needs: n_params + 1 (forward) or 2·n_params (central).

    Backpropagation needs one forward and one backward pass, whatever the number of parameters.
    """
    n_params = _validate.integer("n_params", n_params, low=1)
    method = _validate.choice("method", method, set(DEFAULT_EPS))
    return n_params + 1 if method == "forward" else 2 * n_params


def relative_error(a, b):
    """‖a − b‖ / max(‖a‖, ‖b‖): how far two gradient vectors disagree, relative to their size.

    0 when both are zero. Around 1e−7 or below for double-precision central differences that agree
    with backpropagation; near 1 when a formula is wrong.
    """
    a = _validate.finite_array("a", a, ndim=(0, 1))
    b = _validate.finite_array("b", b, ndim=(0, 1))
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b)) / scale


# -- training -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class History:
    """The record of one training run: the parameters after every epoch and the error and accuracy.

    Attributes
    ----------
    W1, b1, w2, b2 : ndarray
        Parameters after each epoch, stacked: shapes (epochs + 1, n_in, hidden), (epochs + 1, hidden),
        (epochs + 1, hidden), (epochs + 1,). Index 0 is the initial network.
    errors : ndarray, shape (epochs + 1,)
        E = ½ Σ (yᵢ − oᵢ)² on the whole training set after each epoch.
    accuracy : ndarray, shape (epochs + 1,)
        Fraction of training samples on the right side of o = ½ after each epoch.
    lam, lr, momentum : float
    mode : {"sample", "batch"}
    epochs, updates : int
        Number of epochs, and of weight updates in all (n per epoch per-sample, 1 per epoch full-batch).
    """

    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    errors: np.ndarray
    accuracy: np.ndarray
    lam: float
    lr: float
    momentum: float
    mode: str
    epochs: int
    updates: int

    def _epoch(self, epoch):
        epoch = _validate.integer("epoch", epoch, low=-(self.epochs + 1), high=self.epochs)
        return epoch % (self.epochs + 1)

    def network(self, epoch=-1):
        """The network after ``epoch`` epochs (default: the last)."""
        t = self._epoch(epoch)
        return Network(self.W1[t], self.b1[t], self.w2[t], self.b2[t], self.lam)

    @property
    def final(self):
        return self.network(-1)

    def first_epoch_solved(self):
        """The first epoch after which every training sample is classified correctly (None if never)."""
        solved = np.flatnonzero(self.accuracy == 1.0)
        return int(solved[0]) if solved.size else None

    def stalled(self, window=0.25, tol=1e-3):
        """True when some samples are still misclassified and the error moved by less than ``tol``
        (relative) over the last ``window`` (a fraction) of the epochs."""
        window = _validate.real("window", window, low=0.0, high=1.0, low_open=True)
        tol = _validate.positive("tol", tol)
        e = self.errors[int(self.epochs * (1.0 - window)):]
        return bool(self.accuracy[-1] < 1.0 and e.max() - e.min() <= tol * e.max())

    def predict(self, X, epoch=-1):
        """Outputs o of the network after ``epoch`` epochs for the rows of ``X``."""
        t = self._epoch(epoch)
        X = self.network(t)._check(X)
        return _forward(self.W1[t], self.b1[t], self.w2[t], self.b2[t], self.lam, X).o


def _check_training_args(lr, momentum, epochs, mode):
    lr = _validate.positive("lr", lr, high=1000.0)
    momentum = _validate.real("momentum", momentum, low=0.0, high=1.0, high_open=True)
    epochs = _validate.integer("epochs", epochs, low=1, high=100_000)
    mode = _validate.choice("mode", mode, set(MODES))
    return lr, momentum, epochs, mode


def train(net, X, y, *, lr, momentum=0.0, epochs=100, mode="sample"):
    """Train a copy of ``net`` by gradient descent with momentum; ``net`` itself is left unchanged.

    Each update is Δw_t = −η·g + μ·Δw_{t−1}, w ← w + Δw_t (plain gradient descent for μ = 0), where g is

    * ``mode="sample"`` (the lecture's "in each iteration take the i-th input vector"): the gradient
      of Eᵢ = ½(yᵢ − oᵢ)² for one sample; samples are taken in order, n updates per epoch;
    * ``mode="batch"``: the gradient ∂E/∂w of the whole error E = Σᵢ Eᵢ, one update per epoch. It is
      the sum of the n per-sample gradients, so for a small η one full-batch epoch moves the weights
      about as far as one per-sample epoch, and the same η suits both modes.

    Parameters
    ----------
    net : Network
        The starting point (also gives λ).
    X : array_like, shape (n, n_in)
    y : array_like, shape (n,)
        Targets in [0, 1].
    lr : float
        Learning rate η, 0 < η ≤ 1000.
    momentum : float, default 0
        Momentum μ, 0 ≤ μ < 1.
    epochs : int, default 100
        Passes over the data, 1 … 100000.
    mode : {"sample", "batch"}, default "sample"

    Returns
    -------
    History
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a helpers.network.Network, got {net!r}")
    X, y = net._check(X, y)
    lr, momentum, epochs, mode = _check_training_args(lr, momentum, epochs, mode)
    n_in, hidden, lam = net.n_in, net.hidden, net.lam
    n = X.shape[0]

    p = net.vector()
    W1, b1, w2, _ = _unpack(p, n_in, hidden)  # views: updating p updates them
    k = n_in * hidden
    velocity = np.zeros_like(p)
    snapshots = np.empty((epochs + 1, p.size))
    snapshots[0] = p
    for epoch in range(1, epochs + 1):
        if mode == "batch":
            g = _backward(W1, b1, w2, p[-1], lam, X, y)
            velocity *= momentum
            velocity[:k] -= lr * g.W1.ravel()
            velocity[k:k + hidden] -= lr * g.b1
            velocity[k + hidden:-1] -= lr * g.w2
            velocity[-1] -= lr * g.b2
            p += velocity
        else:
            _sample_epoch(p, velocity, X, y, lr, momentum, lam, n_in, hidden)
        snapshots[epoch] = p
    return _history(snapshots, X, y, n_in, hidden, lam, lr, momentum, mode, epochs, n if mode == "sample" else 1)


def _sigmoid_scalar(z, lam):
    """The same sigmoid for one Python float (numpy's per-call overhead dominates at this size)."""
    e = math.exp(-lam * min(abs(z), _EXP_CLIP / lam))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


def _sample_epoch(p, velocity, X, y, lr, momentum, lam, n_in, hidden):
    """One pass of per-sample updates, in place (tiny arrays: the number of numpy calls is the cost)."""
    W1, b1, w2, _ = _unpack(p, n_in, hidden)
    g = np.empty_like(p)
    gW1, gb1, gw2, _ = _unpack(g, n_in, hidden)
    for x, target in zip(X, y, strict=True):
        h = _sigmoid((x[:, None] * W1).sum(axis=0) + b1, lam)
        o = _sigmoid_scalar(float((h * w2).sum()) + p[-1], lam)
        delta_out = (o - target) * lam * o * (1.0 - o)  # ∂Eᵢ/∂z_out
        np.multiply(delta_out, h, out=gw2)
        g[-1] = delta_out
        np.multiply(delta_out * lam * w2, h * (1.0 - h), out=gb1)  # δ_hidden = ∂Eᵢ/∂z_hidden
        np.multiply(x[:, None], gb1, out=gW1)
        velocity *= momentum
        velocity -= lr * g
        p += velocity


def _stacked_forward(S, X, n_in, hidden, lam):
    """Outputs for every snapshot at once: S has shape (epochs + 1, n_params); result (epochs + 1, n)."""
    k = n_in * hidden
    W1 = S[:, :k].reshape(-1, 1, n_in, hidden)
    b1 = S[:, None, k:k + hidden]
    w2 = S[:, None, k + hidden:k + 2 * hidden]
    b2 = S[:, -1:]
    h = _sigmoid((X[None, :, :, None] * W1).sum(axis=2) + b1, lam)
    return _sigmoid((h * w2).sum(axis=2) + b2, lam)


def _history(S, X, y, n_in, hidden, lam, lr, momentum, mode, epochs, updates_per_epoch):
    # in chunks of snapshots, so that the (snapshots, n, n_in, hidden) products stay a few MB
    chunk = max(1, 2_000_000 // (X.shape[0] * n_in * hidden))
    o = np.concatenate([_stacked_forward(S[i:i + chunk], X, n_in, hidden, lam) for i in range(0, len(S), chunk)])
    r = y - o
    errors = 0.5 * np.sum(r * r, axis=1)
    accuracy = np.mean((o >= 0.5) == (y >= 0.5), axis=1)
    k = n_in * hidden
    return History(
        W1=S[:, :k].reshape(-1, n_in, hidden), b1=S[:, k:k + hidden], w2=S[:, k + hidden:k + 2 * hidden],
        b2=S[:, -1], errors=errors, accuracy=accuracy, lam=lam, lr=lr, momentum=momentum, mode=mode,
        epochs=epochs, updates=epochs * updates_per_epoch,
    )
