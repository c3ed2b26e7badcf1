"""The lecture's sigmoid network: forward pass, backpropagation, finite differences and training.

Each unit computes y = 1/(1 + e^(−λz)) of z = Σ wᵢxᵢ + b; layer l maps the activations before it to
a_l = σ(a_{l−1}·W_l + b_l), the last one is the output o, and E = ½ Σ (y − o)². Backpropagation:
δ_L = (o − y) ⊙ λ·o(1 − o), δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ λ·a_l(1 − a_l), ∂E/∂W_l = a_{l−1}ᵀ δ_l,
∂E/∂b_l = Σ δ_l. Products are written as elementwise products and sums, not matrix products (a BLAS
product may round differently by memory layout, and the checks print differences of nearly equal
errors). The sigmoid never overflows, so training cannot diverge; it oscillates or stalls.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .epochs import run_epochs
from .runner import Run
from .steps import momentum_delta

LAM_MAX = 1000.0
#: Largest |λz| the sigmoid evaluates; e^(−800) is already 0, so clipping there changes no result.
_EXP_CLIP = 800.0
_DEFAULT_EPS = {"forward": 1e-7, "central": 1e-5}


def _sigmoid(z, lam):
    e = np.exp(np.minimum(np.abs(z), _EXP_CLIP / lam) * -lam)  # e^(−λ|z|) lies in [0, 1]: no overflow
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid(z, lam=1.0):
    """y = 1/(1 + e^(−λz)) for any finite z, evaluated through e^(−λ|z|) ≤ 1 (no overflow, no warning)."""
    z = _validate.finite_array("z", z)
    y = _sigmoid(z, _validate.positive("lam", lam, high=LAM_MAX))
    return float(y) if y.ndim == 0 else y


def sigmoid_derivative(y, lam=1.0):
    """dy/dz = λ·y(1 − y), in terms of the unit's output y in [0, 1] (as on the lecture's slide)."""
    y = _validate.finite_array("y", y)
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"y must hold sigmoid outputs in [0, 1], got values from {y.min():g} to {y.max():g}")
    d = _validate.positive("lam", lam, high=LAM_MAX) * y * (1.0 - y)
    return float(d) if d.ndim == 0 else d


_sum = np.add.reduce  # ndarray.sum without its Python wrapper: these are small arrays, many times over


def _forward(layers, lam, X):
    """The activations [a_0 = X, a_1, …, a_L] of every layer for the samples in the rows of X. With a
    stack of networks (every W of shape (…, inputs, units), b (…, units)) the activations are stacked too."""
    out = [X]
    for W, b in layers:
        out.append(_sigmoid(_sum(out[-1][..., :, :, None] * W[..., None, :, :], axis=-2) + b[..., None, :], lam))
    return out


def _error(layers, lam, X, Y):
    r = Y - _forward(layers, lam, X)[-1]
    return 0.5 * float(np.sum(r * r))


def backward(layers, lam, X, Y):
    """∂E/∂(W_l, b_l) of every layer by backpropagation: one forward and one backward pass.

    ``layers`` is a list of (W, b); X holds samples in rows, Y their targets (one column per output).
    """
    a = _forward(layers, lam, X)
    delta = (a[-1] - Y) * lam * a[-1] * (1.0 - a[-1])  # δ_L = ∂E/∂z of the output layer
    grads = []
    for k in range(len(layers), 0, -1):  # layer k, from the output back
        grads.append((_sum(a[k - 1][:, :, None] * delta[:, None, :], axis=0), _sum(delta, axis=0)))
        if k > 1:  # δ_{k−1} = (δ_k · W_kᵀ) ⊙ λ·a(1 − a): the next layer's deltas passed back along the weights
            delta = _sum(delta[:, None, :] * layers[k - 1][0], axis=2) * lam * a[k - 1] * (1.0 - a[k - 1])
    return grads[::-1]


class Network:
    """Layers of sigmoid units with steepness λ: ``weights[l]`` of shape (inputs, units), ``biases[l]``
    of shape (units,); the last layer is the output."""

    def __init__(self, weights, biases, lam=1.0):
        if len(weights) != len(biases) or not weights:
            raise ValueError(f"weights and biases must be lists of the same length ≥ 1, got {len(weights)} "
                             f"and {len(biases)}")
        self.weights = [_validate.finite_array(f"weights[{i}]", W, ndim=2).copy() for i, W in enumerate(weights)]
        self.biases = [_validate.finite_array(f"biases[{i}]", b, shape=(W.shape[1],)).copy()
                       for i, (W, b) in enumerate(zip(self.weights, biases, strict=True))]
        for i in range(1, len(self.weights)):
            if self.weights[i].shape[0] != self.weights[i - 1].shape[1]:
                raise ValueError(f"weights[{i}] must have {self.weights[i - 1].shape[1]} rows, one per unit of "
                                 f"the layer before, got shape {self.weights[i].shape}")
        self.lam = _validate.positive("lam", lam, high=LAM_MAX)

    @classmethod
    def random(cls, n_in, hidden, *, n_out=1, lam=1.0, scale=1.0, rng):
        """A network n_in → hidden (units per hidden layer, a number or a tuple) → n_out, every weight and
        bias drawn from N(0, scale²), layer by layer."""
        sizes = [_validate.integer("n_in", n_in, low=1, high=1000)]
        sizes += [_validate.integer("hidden", h, low=1, high=10_000) for h in np.atleast_1d(hidden).tolist()]
        sizes.append(_validate.integer("n_out", n_out, low=1, high=1000))
        scale, rng = _validate.positive("scale", scale), _validate.rng("rng", rng)
        layers = [(scale * rng.standard_normal((m, k)), scale * rng.standard_normal(k))  # W, then b: the draws' order
                  for m, k in zip(sizes[:-1], sizes[1:], strict=True)]
        return cls(*zip(*layers, strict=True), lam)

    @property
    def layers(self):
        return list(zip(self.weights, self.biases, strict=True))

    @property
    def n_in(self):
        return self.weights[0].shape[0]

    @property
    def n_params(self):
        """Number of weights and biases."""
        return sum(W.size + b.size for W, b in self.layers)

    def vector(self):
        """All parameters as one vector: each layer's W row by row, then its b."""
        return np.concatenate([part.ravel() for W, b in self.layers for part in (W, b)])

    def with_vector(self, v):
        """A new network of the same shape and λ with the parameters ``v`` (as from :meth:`vector`)."""
        v = _validate.finite_array("v", v, shape=(self.n_params,))
        return Network(*zip(*_unpack(v, self.layers), strict=True), self.lam)

    def __repr__(self):
        sizes = [self.n_in] + [W.shape[1] for W in self.weights]
        return f"Network({'-'.join(map(str, sizes))}, lam={self.lam:g})"

    def _check(self, X, y=None):
        X = np.atleast_2d(_validate.finite_array("X", X, ndim=(1, 2)))  # one sample: a row
        if X.shape[1] != self.n_in:
            raise ValueError(f"X must have {self.n_in} column(s), one per input of the network, got shape {X.shape}")
        if y is None:
            return X
        n, n_out = X.shape[0], self.weights[-1].shape[1]
        Y = _validate.finite_array("y", y, ndim=(0, 1, 2))
        shapes = [(n, n_out)] + ([(n,)] if n_out == 1 else []) + ([()] if n == 1 and n_out == 1 else []) + \
            ([(n_out,)] if n == 1 else [])
        if Y.shape not in shapes:
            raise ValueError(f"y must hold {n_out} target(s) per row of X ({n} rows), shape "
                             f"{' or '.join(map(str, shapes))}, got shape {Y.shape}")
        Y = Y.reshape(n, n_out)
        if np.any((Y < 0) | (Y > 1)):
            raise ValueError(f"y must hold targets in [0, 1] (a sigmoid's range), got values from {Y.min():g} "
                             f"to {Y.max():g}")
        return X, Y

    def predict(self, X):
        """The outputs o for the rows of ``X``: shape (n,) for one output unit, else (n, n_out)."""
        o = _forward(self.layers, self.lam, self._check(X))[-1]
        return o[:, 0] if o.shape[1] == 1 else o

    def error(self, X, y):
        """E = ½ Σ (y − o)² over the rows of ``X`` and their targets ``y`` (each in [0, 1])."""
        return _error(self.layers, self.lam, *self._check(X, y))

    def gradient(self, X, y):
        """∂E/∂(every parameter) by backpropagation, as one vector in the order of :meth:`vector`."""
        return np.concatenate([g.ravel() for pair in backward(self.layers, self.lam, *self._check(X, y)) for g in pair])


def _unpack(v, like):
    """Views of a parameter vector (or of the rows of a stack of them) as [(W, b), …] shaped like ``like``."""
    out, k, lead = [], 0, v.shape[:-1]
    for W, b in like:
        out.append((v[..., k:k + W.size].reshape(lead + W.shape), v[..., k + W.size:k + W.size + b.size]))
        k += W.size + b.size
    return out


def numerical_gradient(net, X, y, *, method="central", eps=None):
    """∂E/∂(every parameter) by finite differences, one parameter at a time: ``"forward"`` (the lecture's
    (E(w + εeₖ) − E(w))/ε, n_params + 1 passes) or ``"central"`` ((E(w + εeₖ) − E(w − εeₖ))/2ε, 2·n_params
    passes). ε defaults to 1e-7 (forward) or 1e-5 (central), near the best trade-off with rounding."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a helpers.network.Network, got {net!r}")
    method = _validate.choice("method", method, set(_DEFAULT_EPS))
    eps = _DEFAULT_EPS[method] if eps is None else _validate.positive("eps", eps, high=1.0)
    X, Y = net._check(X, y)
    p, layers = net.vector(), net.layers

    def E(v):
        return _error(_unpack(v, layers), net.lam, X, Y)

    base = E(p) if method == "forward" else None
    grad = np.empty_like(p)
    for k in range(p.size):
        e = np.zeros_like(p)
        e[k] = eps  # p ± e differs from p in parameter k only
        grad[k] = (E(p + e) - base) / eps if method == "forward" else (E(p + e) - E(p - e)) / (2.0 * eps)
    return grad


def forward_passes(n_params, method):
    """Forward passes a finite-difference gradient needs: n_params + 1 (forward) or 2·n_params (central);
    backpropagation needs one forward and one backward pass, whatever the number of parameters."""
    n_params = _validate.integer("n_params", n_params, low=1)
    return n_params + 1 if _validate.choice("method", method, set(_DEFAULT_EPS)) == "forward" else 2 * n_params


def relative_error(a, b):
    """‖a − b‖ / max(‖a‖, ‖b‖) (0 when both are zero): about 1e−7 or below when a gradient check agrees."""
    a, b = _validate.finite_array("a", a, ndim=(0, 1)), _validate.finite_array("b", b, ndim=(0, 1))
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    return 0.0 if scale == 0.0 else float(np.linalg.norm(a - b)) / scale


class _Samples:
    """A network's training data as :func:`helpers.epochs.run_epochs` trains on it."""

    def __init__(self, net, X, Y):
        self.net, self.X, self.Y, self.n = net, X, Y, len(X)

    def gradient(self, p, idx):
        grads = backward(_unpack(p, self.net.layers), self.net.lam, self.X[idx], self.Y[idx])
        return np.concatenate([g.ravel() for pair in grads for g in pair])

    def loss(self, P):
        """E for every row of a stack of parameter vectors, the outputs computed in chunks of a few MB (and
        kept: train() derives the accuracy from them)."""
        chunk = max(1, 2_000_000 // (self.n * max(W.size for W, _ in self.net.layers)))
        self.last_outputs = np.concatenate([_forward(_unpack(P[i:i + chunk], self.net.layers), self.net.lam, self.X)[-1]
                                            for i in range(0, len(P), chunk)])
        r = self.Y - self.last_outputs
        return 0.5 * _sum(_sum(r * r, axis=-1), axis=-1)


def train(net, X, y, *, lr, momentum=0.0, epochs=100, mode="sample"):
    """Train a copy of ``net`` by gradient descent with momentum (:func:`helpers.steps.momentum_delta`).

    ``mode="sample"`` (the lecture's "in each iteration take the i-th input vector"): one update per
    sample, in order, with the gradient of Eᵢ = ½(yᵢ − oᵢ)²; ``mode="batch"``: one update per epoch with
    the gradient of the whole E = Σᵢ Eᵢ. Returns the :class:`~helpers.runner.Run` with the parameters
    after every epoch; ``losses`` holds E and ``records["accuracy"]`` the share of samples on the right
    side of o = ½ after each epoch.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a helpers.network.Network, got {net!r}")
    X, Y = net._check(X, y)
    lr = _validate.positive("lr", lr, high=1000.0)
    epochs = _validate.integer("epochs", epochs, low=1, high=100_000)
    mode = _validate.choice("mode", mode, {"sample", "batch"})
    momentum = _validate.real("momentum", momentum, low=0.0, high=1.0, high_open=True)
    samples = _Samples(net, X, Y)
    result = run_epochs(momentum_delta, samples, net.vector(), batch_size=1 if mode == "sample" else len(X),
                        epochs=epochs, shuffle=False, every="epoch", bound=np.inf, lr=lr, mu=momentum)
    result.settings.update(lam=net.lam, momentum=momentum, mode=mode, layers=net.layers)
    result.records["accuracy"] = np.mean(np.all((samples.last_outputs >= 0.5) == (Y >= 0.5), axis=-1), axis=-1)
    return result


def network_at(result, epoch=-1):
    """The network after ``epoch`` epochs of a :func:`train` run (default: the last)."""
    _training_run(result)
    epoch = _validate.integer("epoch", epoch, low=-(result.epochs + 1), high=result.epochs)
    return Network(*zip(*_unpack(result.iterates[epoch], result.layers), strict=True), result.lam)


def first_epoch_solved(result):
    """The first epoch after which every training sample is on the right side of o = ½ (None if never)."""
    _training_run(result)
    solved = np.flatnonzero(result.accuracy == 1.0)
    return int(solved[0]) if solved.size else None


def stalled(result, window=0.25, tol=1e-3):
    """True when samples are still wrong and E moved by less than ``tol`` (relative) over the last
    ``window`` of the epochs."""
    _training_run(result)
    window = _validate.real("window", window, low=0.0, high=1.0, low_open=True)
    e = result.losses[int(result.epochs * (1.0 - window)):]
    return bool(result.accuracy[-1] < 1.0 and e.max() - e.min() <= _validate.positive("tol", tol) * e.max())


def _training_run(result):
    if not isinstance(result, Run) or "accuracy" not in result.records:
        raise TypeError(f"result must be a helpers.runner.Run from helpers.network.train, got {result!r}")
