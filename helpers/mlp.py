"""A classifier network as practice builds it (notebook 07): ReLU hidden layers, a softmax output and the
cross-entropy loss, trained with any update rule of :mod:`helpers.steps` by :func:`helpers.epochs.run_epochs`.

Layer l maps the activations a before it to z = a·Wᵀ + b (W of shape (units, inputs), as PyTorch's
``nn.Linear`` stores it); a hidden layer passes on max(z, 0), the last one's z are the logits. The output
o = softmax(z) and the loss L = −(1/n) Σᵢ log o_{i,yᵢ} give the output delta δ = ∂L/∂z = (o − y)/n (y one-hot):
the softmax's derivative cancels against the logarithm's, where notebook 03's sigmoid and squared error keep
the factor λ·o(1 − o). Products are ``np.einsum`` sums (numpy's own loops: BLAS sums in an order that depends
on the CPU) and e^z uses + − × only (:func:`_exp`), so training gives the same bits on every CPU.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate, steps
from .epochs import run_epochs
from .runner import Run

#: The optimisers by name: the update rule and the hyper-parameters it is given (its own defaults otherwise).
OPTIMISERS = {"SGD": (steps.gradient_descent, {}), "momentum": (steps.momentum_sum, {"beta": 0.9}),
              "Nesterov": (steps.nesterov, {"beta": 0.9}), "AdaGrad": (steps.adagrad, {}),
              "RMSProp": (steps.rmsprop, {}), "Adam": (steps.adam, {})}
#: A parameter beyond this has diverged: a trained network's weights stay within a few units.
BOUND = 1e3
_INV_FACTORIALS = [1.0 / math.factorial(k) for k in range(14)]
_LOG2E, _LN2_HI, _LN2_LO = 1.4426950408889634, 6.93147180369123816490e-01, 1.90821492927058770002e-10


def _exp(z):
    """e^z for z ≤ 0, within about 1 ulp, with + − × only (numpy's vectorised exp rounds the last bit by CPU):
    z = k·ln 2 + r with |r| ≤ ln 2/2, e^r by its Taylor polynomial of degree 13, times 2^k."""
    z = np.maximum(z, -745.2)  # e^z is 0 below
    k = np.floor(z * _LOG2E + 0.5)
    r = (z - k * _LN2_HI) - k * _LN2_LO  # ln 2 in two parts: k·_LN2_HI is exact
    p = _INV_FACTORIALS[13]
    for c in _INV_FACTORIALS[12::-1]:
        p = p * r + c
    return np.ldexp(p, k.astype(np.int64))


def _softmax(z):
    e = _exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.add.reduce(e, axis=-1, keepdims=True)


def softmax(z):
    """o = e^z / Σ e^z along the last axis (a row of logits per sample), as e^(z − max z): it never overflows."""
    return _softmax(_validate.finite_array("z", z))


def _labels(labels, n, classes):
    labels = np.asarray(labels)
    if labels.shape != (n,) or labels.dtype.kind not in "iu" or np.any((labels < 0) | (labels >= classes)):
        raise ValueError(f"labels must be {n} integers in [0, {classes - 1}], one per row, got {labels!r}")
    return labels


def _cross_entropy(z, labels):
    """The mean cross-entropy of every network of a stack of logits (…, n, classes), and its accuracy."""
    m = np.max(z, axis=-1)
    rows = np.arange(z.shape[-2])
    lse = m + np.log(np.add.reduce(_exp(z - m[..., None]), axis=-1))  # log Σ e^z, never the log of 0
    return np.mean(lse - z[..., rows, labels], axis=-1), np.mean(np.argmax(z, axis=-1) == labels, axis=-1)


def cross_entropy(logits, labels):
    """L = −(1/n) Σᵢ log softmax(zᵢ)_{yᵢ} from the logits (rows) and the labels, as ``torch.nn.CrossEntropyLoss``."""
    z = _validate.finite_array("logits", logits, ndim=2)
    return float(_cross_entropy(z, _labels(labels, *z.shape))[0])


def _layers(v, sizes):
    """Views (W, b) of every layer of a parameter vector, or of a stack of them (the leading axes kept)."""
    out, k, lead = [], 0, v.shape[:-1]
    for m, u in zip(sizes[:-1], sizes[1:], strict=True):
        out.append((v[..., k:k + u * m].reshape(lead + (u, m)), v[..., k + u * m:k + u * m + u]))
        k += u * m + u
    return out


def _forward(layers, X):
    """The activations [X, a₁, …, logits] for the rows of X (for a stack of networks, stacked)."""
    out = [X]
    for k, (W, b) in enumerate(layers):
        z = np.einsum("...ni,...ki->...nk", out[-1], W) + b[..., None, :]
        out.append(z if k == len(layers) - 1 else np.maximum(z, 0.0))
    return out


def _backward(layers, X, labels, grads):
    """∂L/∂(W, b) of every layer for the mean cross-entropy of the rows X, into ``grads`` (arrays shaped as
    ``layers``): one forward, one backward pass."""
    a = _forward(layers, X)
    delta = _softmax(a[-1])
    delta[np.arange(len(labels)), labels] -= 1.0
    delta /= len(labels)  # δ = (o − y)/n at the logits
    for k in range(len(layers) - 1, -1, -1):
        np.einsum("nk,ni->ki", delta, a[k], out=grads[k][0])
        np.add.reduce(delta, axis=0, out=grads[k][1])
        if k:  # back through W, then through the ReLU: its derivative is 1 where a unit is on, else 0
            delta = np.einsum("nk,ki->ni", delta, layers[k][0]) * (a[k] > 0.0)
    return grads


class MLP:
    """Dense layers: ``weights[l]`` of shape (units, inputs), ``biases[l]`` of shape (units,); ReLU between
    layers, logits out."""

    def __init__(self, weights, biases):
        if len(weights) != len(biases) or not weights:
            raise ValueError(f"weights and biases must be lists of the same length ≥ 1, got {len(weights)} "
                             f"and {len(biases)}")
        self.weights = [_validate.finite_array(f"weights[{i}]", W, ndim=2).copy() for i, W in enumerate(weights)]
        self.biases = [_validate.finite_array(f"biases[{i}]", b, shape=(W.shape[0],)).copy()
                       for i, (W, b) in enumerate(zip(self.weights, biases, strict=True))]
        for i in range(1, len(self.weights)):
            if self.weights[i].shape[1] != self.weights[i - 1].shape[0]:
                raise ValueError(f"weights[{i}] must have {self.weights[i - 1].shape[0]} columns, one per unit of "
                                 f"the layer before, got shape {self.weights[i].shape}")

    @classmethod
    def random(cls, sizes, *, rng):
        """A network with ``sizes`` units per layer (inputs first, e.g. (64, 32, 10)): He's initialisation,
        every W drawn from N(0, 2/inputs) layer by layer, every b = 0."""
        sizes = [_validate.integer("sizes", s, low=1, high=10_000) for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least the inputs and the outputs, got {sizes}")
        rng = _validate.rng("rng", rng)
        weights = [rng.standard_normal((u, m)) * math.sqrt(2.0 / m) for m, u in zip(sizes[:-1], sizes[1:], strict=True)]
        return cls(weights, [np.zeros(u) for u in sizes[1:]])

    @property
    def sizes(self):
        return (self.weights[0].shape[1], *(W.shape[0] for W in self.weights))

    @property
    def n_params(self):
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases, strict=True))

    def vector(self):
        """All parameters as one vector: each layer's W row by row, then its b."""
        return np.concatenate([p.ravel() for W, b in zip(self.weights, self.biases, strict=True) for p in (W, b)])

    def with_vector(self, v):
        """A network of the same sizes with the parameters ``v`` (as from :meth:`vector`)."""
        return MLP(*zip(*_layers(_validate.finite_array("v", v, shape=(self.n_params,)), self.sizes), strict=True))

    def __repr__(self):
        return f"MLP({' → '.join(map(str, self.sizes))})"

    def _rows(self, X):
        X = np.atleast_2d(_validate.finite_array("X", X, ndim=(1, 2)))
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} columns, one per input, got shape {X.shape}")
        return X

    def logits(self, X):
        """The last layer's z for every row of X."""
        return _forward(list(zip(self.weights, self.biases, strict=True)), self._rows(X))[-1]

    def predict(self, X):
        """The class of every row of X: the largest logit."""
        return np.argmax(self.logits(X), axis=-1)

    def loss(self, X, labels):
        """The mean cross-entropy over the rows of X."""
        X = self._rows(X)
        return cross_entropy(self.logits(X), _labels(labels, len(X), self.sizes[-1]))

    def gradient(self, X, labels):
        """∂L/∂(every parameter) by backpropagation, one vector in the order of :meth:`vector`."""
        X, g = self._rows(X), np.empty(self.n_params)
        _backward(list(zip(self.weights, self.biases, strict=True)), X, _labels(labels, len(X), self.sizes[-1]),
                  _layers(g, self.sizes))
        return g


def evaluate(params, sizes, X, labels):
    """Mean cross-entropy and accuracy on (X, labels) of the network with each row of ``params`` (a vector, or a
    stack such as a run's ``iterates``), computed in chunks of a few MB. Returns two arrays (or two floats)."""
    P = _validate.finite_array("params", params, ndim=(1, 2))
    X = _validate.finite_array("X", X, ndim=2)
    labels = _labels(labels, len(X), sizes[-1])
    rows = P.reshape(-1, P.shape[-1])
    chunk = max(1, 1_000_000 // (len(X) * max(sizes[1:])))
    parts = [_cross_entropy(_forward(_layers(rows[i:i + chunk], sizes), X)[-1], labels)
             for i in range(0, len(rows), chunk)]
    loss, accuracy = (np.concatenate([p[j] for p in parts]) for j in (0, 1))
    return (float(loss[0]), float(accuracy[0])) if P.ndim == 1 else (loss, accuracy)


class _Training:
    """The training data as :func:`helpers.epochs.run_epochs` trains on it (the accuracy kept with the loss)."""

    def __init__(self, sizes, X, labels):
        self.sizes, self.X, self.labels, self.n = sizes, X, labels, len(X)

    def gradient(self, p, idx):
        g = np.empty_like(p)
        _backward(_layers(p, self.sizes), self.X[idx], self.labels[idx], _layers(g, self.sizes))
        return g

    def loss(self, P):
        loss, self.accuracy = evaluate(P, self.sizes, self.X, self.labels)
        return loss


def fit(data, optimiser, *, lr, batch_size=32, epochs=30, seed=0, hidden=32, schedule=None, on_epoch=None, **hyper):
    """Train a new network inputs → ``hidden`` → classes on ``data["train"]`` (as from
    :func:`helpers.data.digits`) with ``optimiser`` (a name in :data:`OPTIMISERS`, or an update rule), mini-batches
    of ``batch_size`` and the learning rate ``lr`` (times ``schedule(e)`` in epoch e) for ``epochs`` epochs.

    One generator from ``seed`` draws the initial weights, then every epoch's shuffle. Returns the
    :class:`~helpers.runner.Run` of :func:`~helpers.epochs.run_epochs` with the parameters after every epoch,
    ``losses`` and ``accuracy`` on the training set, ``val_loss`` and ``val_accuracy`` on ``data["val"]``;
    diverged (a parameter beyond :data:`BOUND`), it ends at the last whole epoch.
    """
    if isinstance(optimiser, str) or not callable(optimiser):
        rule, defaults = OPTIMISERS[_validate.choice("optimiser", optimiser, set(OPTIMISERS))]
    else:
        rule, defaults = optimiser, {}
    X, labels = data["train"]
    rng = np.random.default_rng(_validate.integer("seed", seed, low=0))
    sizes = (X.shape[1], _validate.integer("hidden", hidden, low=1, high=1000), int(np.max(labels)) + 1)
    model = _Training(sizes, X, _labels(labels, len(X), sizes[-1]))
    result = run_epochs(rule, model, MLP.random(sizes, rng=rng).vector(), batch_size=batch_size, epochs=epochs,
                        rng=rng, schedule=schedule, bound=BOUND, every="epoch", on_epoch=on_epoch,
                        **{**defaults, **hyper, "lr": lr})
    val_loss, val_accuracy = evaluate(result.iterates, sizes, *data["val"])
    result.records.update(accuracy=model.accuracy, val_loss=val_loss, val_accuracy=val_accuracy, sizes=sizes,
                          optimiser=optimiser if isinstance(optimiser, str) else rule.__name__, seed=seed)
    return result


def network_at(result, epoch=-1):
    """The network after ``epoch`` epochs of a :func:`fit` run (default: the last)."""
    if not isinstance(result, Run) or "val_accuracy" not in result.records:
        raise TypeError(f"result must be a helpers.runner.Run from helpers.mlp.fit, got {result!r}")
    epoch = _validate.integer("epoch", epoch, low=-(result.epochs + 1), high=result.epochs)
    return MLP(*zip(*_layers(result.iterates[epoch], result.sizes), strict=True))
