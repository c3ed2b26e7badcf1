"""The sigmoid network: sigmoid, forward pass, backpropagation, finite differences, training, validation."""

import math

import numpy as np
import pytest

from helpers import data
from helpers import network as nw
from helpers.runner import Run

#: The notebook's XOR training run (per-sample, seeded start).
XOR_RUN = {"hidden": 4, "lr": 1.0, "momentum": 0.9, "epochs": 300, "mode": "sample", "seed": 0}


# -- an independent reference: the lecture's formulas written with Python floats and loops ----------
def ref_sigmoid(z, lam):
    t = lam * z
    return 1.0 / (1.0 + math.exp(-t)) if t >= 0 else math.exp(t) / (1.0 + math.exp(t))


def ref_layers(net):
    """The network's layers as nested lists [(W, b), …], W[i][j] the weight from unit i to unit j."""
    return [(W.tolist(), b.tolist()) for W, b in zip(net.weights, net.biases, strict=True)]


def ref_shapes(net):
    return [np.shape(W) for W in net.weights]


def ref_unpack(v, shapes):
    """A parameter list in the documented order (each layer's W row by row, then its b) as nested lists."""
    layers, pos = [], 0
    for m, k in shapes:
        W = [[v[pos + i * k + j] for j in range(k)] for i in range(m)]
        pos += m * k
        b = [v[pos + j] for j in range(k)]
        pos += k
        layers.append((W, b))
    assert pos == len(v)
    return layers


def ref_forward(layers, lam, x):
    """Activations of every layer for one sample: [x, a_1, …, a_L]."""
    acts = [list(x)]
    for W, b in layers:
        a = acts[-1]
        acts.append([ref_sigmoid(sum(a[i] * W[i][j] for i in range(len(a))) + b[j], lam) for j in range(len(b))])
    return acts


def ref_outputs(layers, lam, X):
    return [ref_forward(layers, lam, x)[-1] for x in X]


def as_rows(y, n):
    """Targets as a list of n rows (one entry per output unit)."""
    return np.reshape(np.asarray(y, dtype=float), (n, -1)).tolist()


def ref_error(layers, lam, X, Y):
    return 0.5 * sum((t - o) ** 2 for x, ys in zip(X, Y, strict=True)
                     for t, o in zip(ys, ref_forward(layers, lam, x)[-1], strict=True))


def ref_accuracy(layers, lam, X, Y):
    """Share of samples whose every output is on the same side of ½ as its target."""
    right = [all((o >= 0.5) == (t >= 0.5) for o, t in zip(out, ys, strict=True))
             for out, ys in zip(ref_outputs(layers, lam, X), Y, strict=True)]
    return sum(right) / len(right)


def ref_backprop(layers, lam, x, t):
    """∂Eᵢ/∂(every parameter) of one sample, by the chain rule with loops, in the documented order."""
    acts = ref_forward(layers, lam, x)
    o = acts[-1]
    delta = [(o[j] - t[j]) * lam * o[j] * (1.0 - o[j]) for j in range(len(o))]
    per_layer = []
    for k in range(len(layers), 0, -1):
        a, (W, _) = acts[k - 1], layers[k - 1]
        gW = [a[i] * delta[j] for i in range(len(a)) for j in range(len(delta))]
        per_layer.append(gW + list(delta))
        delta = [sum(delta[j] * W[i][j] for j in range(len(delta))) * lam * a[i] * (1.0 - a[i])
                 for i in range(len(a))]
    return [g for part in reversed(per_layer) for g in part]


def ref_batch_gradient(layers, lam, X, Y):
    grads = [ref_backprop(layers, lam, x, t) for x, t in zip(X, Y, strict=True)]
    return [sum(column) for column in zip(*grads, strict=True)]


def ref_central_gradient(net, X, y, eps=1e-5):
    shapes, X = ref_shapes(net), np.asarray(X, dtype=float).reshape(-1, net.n_in).tolist()
    Y = as_rows(y, len(X))
    v = net.vector().tolist()
    grad = []
    for k in range(len(v)):
        plus, minus = v.copy(), v.copy()
        plus[k] += eps
        minus[k] -= eps
        e_plus = ref_error(ref_unpack(plus, shapes), net.lam, X, Y)
        e_minus = ref_error(ref_unpack(minus, shapes), net.lam, X, Y)
        grad.append((e_plus - e_minus) / (2 * eps))
    return np.array(grad)


def ref_train(net, X, y, lr, mu, epochs, mode):
    """Gradient descent with momentum written out: Δw ← −η∇E + μΔw, w ← w + Δw, after every sample
    (``"sample"``) or once per epoch with the whole batch's gradient (``"batch"``). Returns the
    parameters before training and after every epoch."""
    shapes, X = ref_shapes(net), np.asarray(X, dtype=float).tolist()
    Y = as_rows(y, len(X))
    w = net.vector().tolist()
    dw = [0.0] * len(w)
    history = [w]
    batches = [list(range(len(X)))] if mode == "batch" else [[i] for i in range(len(X))]
    for _ in range(epochs):
        for batch in batches:
            g = ref_batch_gradient(ref_unpack(w, shapes), net.lam, [X[i] for i in batch], [Y[i] for i in batch])
            dw = [-lr * gk + mu * dk for gk, dk in zip(g, dw, strict=True)]
            w = [wk + dk for wk, dk in zip(w, dw, strict=True)]
        history.append(w)
    return history


def count_params(n_in, hidden, n_out):
    sizes = [n_in, *np.atleast_1d(hidden).tolist(), n_out]
    return sum(m * k + k for m, k in zip(sizes[:-1], sizes[1:], strict=True))


def random_problem(seed, n_in, hidden, lam, n_out=1, n=7):
    rng = np.random.default_rng(seed)
    net = nw.Network.random(n_in, hidden, n_out=n_out, lam=lam, scale=1.0 / lam, rng=rng)
    X = rng.standard_normal((n, n_in))
    y = rng.uniform(0.0, 1.0, n) if n_out == 1 else rng.uniform(0.0, 1.0, (n, n_out))
    return net, X, y


def rel(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))


# -- sigmoid --------------------------------------------------------------------------------------
@pytest.mark.parametrize("lam", [0.05, 0.5, 1.0, 3.0, 20.0])
def test_sigmoid_matches_the_formula(lam):
    z = np.linspace(-8, 8, 41) / lam
    expected = [1.0 / (1.0 + math.exp(-lam * v)) for v in z]
    np.testing.assert_allclose(nw.sigmoid(z, lam), expected, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(nw.sigmoid(-z, lam), 1.0 - nw.sigmoid(z, lam), atol=1e-15)


@pytest.mark.parametrize("lam", [0.05, 1.0, 50.0, 1000.0])
def test_sigmoid_is_finite_and_quiet_for_huge_inputs(lam):
    z = np.concatenate([np.linspace(-1e4, 1e4, 2001), [-1e308, -1e300, 1e300, 1e308]])
    y = nw.sigmoid(z, lam)  # conftest turns any warning into a failure
    assert np.all(np.isfinite(y)) and np.all((y >= 0) & (y <= 1))
    assert np.all(np.diff(y[:2001]) >= 0)
    for v in (-1e4, -1.0, 1e4):
        assert nw.sigmoid(v, lam) == pytest.approx(ref_sigmoid(v, lam), rel=1e-12, abs=0.0)
    assert np.all(np.isfinite(nw.sigmoid_derivative(y, lam)))


def test_sigmoid_keeps_tiny_values_accurate():
    # the branch for z < 0 returns e^(λz)/(1 + e^(λz)), not 1 − (something close to 1)
    assert nw.sigmoid(-30.0) == pytest.approx(math.exp(-30.0) / (1 + math.exp(-30.0)), rel=1e-14)
    assert nw.sigmoid(-700.0) > 0.0


def test_sigmoid_returns_a_float_for_a_number():
    assert isinstance(nw.sigmoid(0.3), float) and nw.sigmoid(0.0) == 0.5
    assert isinstance(nw.sigmoid_derivative(0.5), float) and nw.sigmoid_derivative(0.5, 2.0) == 0.5


@pytest.mark.parametrize("lam", [0.3, 1.0, 4.0])
def test_sigmoid_derivative_is_the_slope(lam):
    z = np.linspace(-3, 3, 13)
    h = 1e-6
    numeric = (nw.sigmoid(z + h, lam) - nw.sigmoid(z - h, lam)) / (2 * h)
    np.testing.assert_allclose(nw.sigmoid_derivative(nw.sigmoid(z, lam), lam), numeric, rtol=1e-7, atol=1e-9)


# -- the network's structure ------------------------------------------------------------------------
@pytest.mark.parametrize("n_in, hidden, n_out", [(2, 3, 1), (3, (4, 5), 2), (1, (2, 2, 2), 3), (4, [6], 1)])
def test_random_network_has_the_requested_layers(n_in, hidden, n_out):
    net = nw.Network.random(n_in, hidden, n_out=n_out, lam=2.5, rng=np.random.default_rng(0))
    sizes = [n_in, *np.atleast_1d(hidden).tolist(), n_out]
    assert [W.shape for W in net.weights] == list(zip(sizes[:-1], sizes[1:], strict=True))
    assert [b.shape for b in net.biases] == [(k,) for k in sizes[1:]]
    assert net.n_in == n_in and net.lam == 2.5
    assert net.n_params == count_params(n_in, hidden, n_out) == net.vector().shape[0]
    assert len(net.layers) == len(sizes) - 1
    for (W, b), W2, b2 in zip(net.layers, net.weights, net.biases, strict=True):
        assert W is W2 and b is b2
    assert repr(net) == f"Network({'-'.join(map(str, sizes))}, lam=2.5)"


def test_random_network_scale_multiplies_every_draw():
    one = nw.Network.random(3, (4, 2), scale=1.0, rng=np.random.default_rng(5))
    three = nw.Network.random(3, (4, 2), scale=3.0, rng=np.random.default_rng(5))
    np.testing.assert_allclose(three.vector(), 3.0 * one.vector(), rtol=1e-15)
    assert np.std(nw.Network.random(10, 50, rng=np.random.default_rng(1)).vector()) == pytest.approx(1.0, abs=0.1)


def test_vector_order_round_trip_and_copies():
    W1, b1 = np.arange(10.0).reshape(2, 5) / 10, np.arange(5.0) / 7
    W2, b2 = np.arange(5.0).reshape(5, 1) / 3, np.array([-0.5])
    net = nw.Network([W1, W2], [b1, b2], 2.0)
    expected = [W1[i, j] for i in range(2) for j in range(5)] + list(b1) + [W2[j, 0] for j in range(5)] + [-0.5]
    np.testing.assert_array_equal(net.vector(), expected)
    v = net.vector()
    back = net.with_vector(v)
    np.testing.assert_array_equal(back.vector(), v)
    assert back.lam == net.lam and repr(back) == "Network(2-5-1, lam=2)"
    v[0] += 1.0  # the new network does not share memory with the vector …
    assert back.weights[0][0, 0] == W1[0, 0]
    W1[0, 0] += 1.0  # … nor the network with the arrays it was built from
    assert net.weights[0][0, 0] == 0.0
    twin = net.with_vector(net.vector())
    twin.weights[0][0, 0] += 1.0
    assert net.weights[0][0, 0] == 0.0


def test_with_vector_of_a_deep_network():
    net, _, _ = random_problem(2, 3, (4, 5), 1.5, n_out=2)
    v = np.linspace(-1.0, 1.0, net.n_params)
    other = net.with_vector(v)
    assert repr(other) == "Network(3-4-5-2, lam=1.5)"
    for (W, b), (W_ref, b_ref) in zip(other.layers, ref_unpack(v.tolist(), ref_shapes(net)), strict=True):
        np.testing.assert_array_equal(W, W_ref)
        np.testing.assert_array_equal(b, b_ref)


# -- forward and backward -----------------------------------------------------------------------
@pytest.mark.parametrize("hidden, n_out", [(4, 1), ((4, 3), 1), ((5, 2), 3)])
def test_forward_and_error_match_the_reference(hidden, n_out):
    net, X, y = random_problem(0, 3, hidden, 1.7, n_out=n_out)
    expected = ref_outputs(ref_layers(net), net.lam, X.tolist())
    o = net.predict(X)
    assert o.shape == ((7,) if n_out == 1 else (7, n_out))
    np.testing.assert_allclose(np.reshape(o, (7, n_out)), expected, rtol=1e-13)
    assert net.error(X, y) == pytest.approx(ref_error(ref_layers(net), net.lam, X.tolist(), as_rows(y, 7)),
                                            rel=1e-13)


def test_a_single_sample_may_be_a_vector():
    net, X, y = random_problem(1, 2, 3, 1.0)
    assert net.predict(X[0]).shape == (1,)
    np.testing.assert_allclose(net.gradient(X[0], y[0]), net.gradient(X[:1], y[:1]))
    deep, X, Y = random_problem(1, 2, (3, 3), 1.0, n_out=2)
    assert deep.predict(X[0]).shape == (1, 2)
    np.testing.assert_allclose(deep.gradient(X[0], Y[0]), deep.gradient(X[:1], Y[:1]))


CASES = [(seed, n_in, hidden, n_out, lam) for seed, (n_in, hidden, n_out, lam) in enumerate(
    [(1, 1, 1, 1.0), (2, 3, 1, 0.25), (2, 8, 1, 1.0), (3, 5, 1, 2.5), (4, 2, 1, 0.7), (5, 12, 1, 4.0),
     (1, 20, 1, 1.3), (6, 6, 1, 8.0), (3, (4, 5), 2, 1.5), (2, (3, 3, 3), 1, 1.0), (4, (6,), 3, 0.7)])]


@pytest.mark.parametrize("seed, n_in, hidden, n_out, lam", CASES)
def test_backprop_agrees_with_independent_central_differences(seed, n_in, hidden, n_out, lam):
    net, X, y = random_problem(seed, n_in, hidden, lam, n_out=n_out)
    g = net.gradient(X, y)
    assert g.shape == (net.n_params,) == (count_params(n_in, hidden, n_out),)
    assert rel(g, ref_central_gradient(net, X, y)) <= 1e-6


@pytest.mark.parametrize("seed, n_in, hidden, n_out, lam", CASES)
def test_backprop_agrees_with_the_chain_rule_written_out(seed, n_in, hidden, n_out, lam):
    net, X, y = random_problem(seed, n_in, hidden, lam, n_out=n_out)
    expected = ref_batch_gradient(ref_layers(net), lam, X.tolist(), as_rows(y, len(X)))
    np.testing.assert_allclose(net.gradient(X, y), expected, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("seed, n_in, hidden, n_out, lam", CASES)
def test_numerical_gradient_helpers(seed, n_in, hidden, n_out, lam):
    net, X, y = random_problem(seed, n_in, hidden, lam, n_out=n_out)
    g = net.gradient(X, y)
    assert nw.relative_error(g, nw.numerical_gradient(net, X, y)) <= 1e-6
    assert nw.relative_error(g, nw.numerical_gradient(net, X, y, method="central", eps=1e-4)) <= 1e-6
    assert nw.relative_error(g, nw.numerical_gradient(net, X, y, method="forward")) <= 1e-5


def test_backward_of_a_network_with_two_hidden_layers():
    rng = np.random.default_rng(21)
    net = nw.Network.random(3, (4, 5), n_out=2, lam=1.5, scale=1.0 / 1.5, rng=rng)
    X, Y = rng.standard_normal((6, 3)), rng.uniform(0.0, 1.0, (6, 2))
    grads = nw.backward(net.layers, net.lam, X, Y)
    assert len(grads) == 3
    assert [(gW.shape, gb.shape) for gW, gb in grads] == [((3, 4), (4,)), ((4, 5), (5,)), ((5, 2), (2,))]
    flat = np.concatenate([part.ravel() for pair in grads for part in pair])
    assert nw.relative_error(flat, nw.numerical_gradient(net, X, Y)) <= 1e-7
    assert nw.relative_error(flat, ref_central_gradient(net, X, Y)) <= 1e-7
    np.testing.assert_allclose(flat, ref_batch_gradient(ref_layers(net), 1.5, X.tolist(), Y.tolist()),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(flat, net.gradient(X, Y))


def test_backward_of_a_batch_is_the_sum_over_its_samples():
    net, X, Y = random_problem(22, 3, (4, 5), 1.5, n_out=2)
    total = sum(np.concatenate([p.ravel() for pair in nw.backward(net.layers, net.lam, x[None], t[None])
                                for p in pair]) for x, t in zip(X, Y, strict=True))
    whole = np.concatenate([p.ravel() for pair in nw.backward(net.layers, net.lam, X, Y) for p in pair])
    np.testing.assert_allclose(whole, total, rtol=1e-12, atol=1e-15)


def test_forward_difference_is_first_order_and_central_second_order():
    net, X, y = random_problem(3, 2, 4, 1.0)
    g = net.gradient(X, y)
    fwd = [nw.relative_error(g, nw.numerical_gradient(net, X, y, method="forward", eps=e)) for e in (1e-2, 1e-3)]
    cen = [nw.relative_error(g, nw.numerical_gradient(net, X, y, method="central", eps=e)) for e in (1e-2, 1e-3)]
    assert 7 < fwd[0] / fwd[1] < 13  # error ∝ ε
    assert 70 < cen[0] / cen[1] < 130  # error ∝ ε²


def test_a_wrong_backprop_formula_is_caught():
    net, X, y = random_problem(4, 2, 3, 1.0)
    (gW1, gb1), (gW2, gb2) = nw.backward(net.layers, net.lam, X, y[:, None])
    flipped = np.concatenate([gW1.ravel(), gb1, -gW2.ravel(), -gb2])  # the sign slip of (y − o)
    assert nw.relative_error(flipped, nw.numerical_gradient(net, X, y)) > 0.1


@pytest.mark.parametrize("hidden, n_out", [(4, 1), ((4, 3), 2)])
def test_gradient_of_a_sum_is_the_sum_of_gradients(hidden, n_out):
    net, X, y = random_problem(5, 3, hidden, 1.0, n_out=n_out)
    total = sum(net.gradient(x, t) for x, t in zip(X, y, strict=True))
    np.testing.assert_allclose(net.gradient(X, y), total, rtol=1e-12, atol=1e-15)


def test_forward_passes_and_relative_error():
    assert nw.forward_passes(33, "forward") == 34 and nw.forward_passes(33, "central") == 66
    assert nw.relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert nw.relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert nw.relative_error([1.0, 0.0], [0.0, 0.0]) == 1.0
    assert nw.relative_error([3.0, 4.0], [3.0, 3.0]) == pytest.approx(1.0 / 5.0)


# -- training --------------------------------------------------------------------------------------
def test_accuracy():
    net = nw.Network([[[0.0]], [[1.0]]], [[0.0], [0.0]])  # o = σ(1·σ(0) + 0) = σ(½) > ½ for every input
    run = nw.train(net, [[1.0], [2.0], [3.0], [4.0]], [1.0, 1.0, 0.0, 0.6], lr=1e-6, epochs=1)
    assert run.accuracy[0] == 0.75


@pytest.mark.parametrize("mode", ["sample", "batch"])
@pytest.mark.parametrize("mu", [0.0, 0.9])
def test_tiny_network_trains_as_the_written_out_loop(mode, mu):
    X, y = data.xor()
    net = nw.Network([[[0.5, -0.4], [0.3, 0.8]], [[1.2], [-0.7]]], [[0.1, -0.2], [0.05]], 1.0)  # 2-2-1
    run = nw.train(net, X, y, lr=0.5, momentum=mu, epochs=5, mode=mode)
    expected = ref_train(net, X, y, 0.5, mu, 5, mode)
    assert run.iterates.shape == (6, 9)
    np.testing.assert_allclose(run.iterates, expected, rtol=0.0, atol=1e-12)
    assert run.status == "max_steps"
    assert run.steps == 5 * (4 if mode == "sample" else 1)


@pytest.mark.parametrize("mode", ["sample", "batch"])
@pytest.mark.parametrize("mu", [0.0, 0.8])
def test_training_is_gradient_descent_with_momentum(mode, mu):
    rng = np.random.default_rng(8)
    X, y = data.two_moons(12, rng=rng)
    net = nw.Network.random(2, 3, lam=1.5, rng=rng)
    run = nw.train(net, X, y, lr=0.3, momentum=mu, epochs=15, mode=mode)
    np.testing.assert_allclose(run.iterates, ref_train(net, X, y, 0.3, mu, 15, mode), rtol=1e-10, atol=1e-12)
    assert run.steps == run.updates == 15 * (12 if mode == "sample" else 1)
    assert run.status == "max_steps"


@pytest.mark.parametrize("mode", ["sample", "batch"])
def test_deep_network_with_several_outputs_trains_as_the_written_out_loop(mode):
    rng = np.random.default_rng(10)
    net = nw.Network.random(3, (4, 3), n_out=2, lam=1.3, rng=rng)
    X, Y = rng.standard_normal((5, 3)), (rng.uniform(0.0, 1.0, (5, 2)) > 0.5).astype(float)
    run = nw.train(net, X, Y, lr=0.7, momentum=0.6, epochs=6, mode=mode)
    expected = ref_train(net, X, Y, 0.7, 0.6, 6, mode)
    np.testing.assert_allclose(run.iterates, expected, rtol=1e-10, atol=1e-12)
    shapes, rows = ref_shapes(net), Y.tolist()
    for t, w in enumerate(expected):
        assert run.losses[t] == pytest.approx(ref_error(ref_unpack(w, shapes), 1.3, X.tolist(), rows), rel=1e-12)
        assert run.accuracy[t] == ref_accuracy(ref_unpack(w, shapes), 1.3, X.tolist(), rows)
    assert run.status == "max_steps"


def test_training_record():
    rng = np.random.default_rng(9)
    X, y = data.two_moons(12, noise=0.1, rng=rng)
    net = nw.Network.random(2, 4, rng=rng)
    before = net.vector()
    run = nw.train(net, X, y, lr=0.5, momentum=0.5, epochs=20)
    assert isinstance(run, Run)
    np.testing.assert_array_equal(net.vector(), before)  # the start network is not changed
    np.testing.assert_array_equal(run.iterates[0], before)
    np.testing.assert_array_equal(nw.network_at(run, 0).vector(), before)
    assert run.iterates.shape == (21, net.n_params)
    assert run.losses.shape == run.accuracy.shape == (21,)
    shapes, Xl, rows = ref_shapes(net), X.tolist(), as_rows(y, len(X))
    for t in (0, 7, 20):
        layers = ref_unpack(run.iterates[t].tolist(), shapes)
        at = nw.network_at(run, t)
        np.testing.assert_array_equal(at.vector(), run.iterates[t])
        assert at.lam == net.lam and repr(at) == repr(net)
        assert run.losses[t] == pytest.approx(ref_error(layers, 1.0, Xl, rows), rel=1e-12)
        assert run.losses[t] == pytest.approx(at.error(X, y), rel=1e-12)
        assert run.accuracy[t] == ref_accuracy(layers, 1.0, Xl, rows)
        np.testing.assert_allclose(at.predict(X), [o[0] for o in ref_outputs(layers, 1.0, Xl)], rtol=1e-13)
    np.testing.assert_array_equal(nw.network_at(run).vector(), nw.network_at(run, -1).vector())
    np.testing.assert_array_equal(nw.network_at(run).vector(), run.iterates[-1])
    np.testing.assert_array_equal(nw.network_at(run, -21).vector(), before)
    assert (run.lr, run.momentum, run.mode, run.epochs, run.lam) == (0.5, 0.5, "sample", 20, 1.0)
    assert [(W.shape, b.shape) for W, b in run.layers] == [((2, 4), (4,)), ((4, 1), (1,))]
    assert run.status == "max_steps" and run.steps == 20 * 12


def test_xor_is_learned_from_the_notebook_seed():
    X, y = data.xor()
    net = nw.Network.random(2, XOR_RUN["hidden"], lam=1.0, rng=np.random.default_rng(XOR_RUN["seed"]))
    run = nw.train(net, X, y, lr=XOR_RUN["lr"], momentum=XOR_RUN["momentum"], epochs=XOR_RUN["epochs"],
                   mode=XOR_RUN["mode"])
    o = nw.network_at(run).predict(X)
    assert np.array_equal(o > 0.5, y > 0.5) and run.accuracy[-1] == 1.0
    assert nw.first_epoch_solved(run) == next(t for t, a in enumerate(run.accuracy) if a == 1.0)
    assert run.losses[-1] < 0.01 * run.losses[0]
    assert not nw.stalled(run)
    assert run.status == "max_steps" and run.epochs == XOR_RUN["epochs"]


def test_saturated_training_stalls():
    X, y = data.xor()
    net = nw.Network.random(2, 4, lam=10.0, rng=np.random.default_rng(0))
    run = nw.train(net, X, y, lr=1.0, momentum=0.9, epochs=300)
    assert nw.stalled(run) and nw.first_epoch_solved(run) is None
    o = nw.network_at(run).predict(X)
    assert np.max(10.0 * o * (1 - o)) < 1e-3  # every output saturated: the slope is gone


def synthetic_run(losses, accuracy):
    """A Run with only what stalled() and first_epoch_solved() read."""
    losses, accuracy = np.asarray(losses, dtype=float), np.asarray(accuracy, dtype=float)
    return Run(np.zeros((len(losses), 1)), "max_steps", len(losses) - 1, {}, losses, None,
               {"epochs": len(losses) - 1, "accuracy": accuracy, "errors": losses})


def test_first_epoch_solved_and_stalled_on_a_hand_made_record():
    assert nw.first_epoch_solved(synthetic_run([4, 3, 2, 1], [0.5, 1.0, 0.75, 1.0])) == 1
    assert nw.first_epoch_solved(synthetic_run([4, 3, 2, 1], [0.5, 0.75, 0.75, 0.75])) is None
    flat_tail = [9.0, 5.0, 3.0, 2.0, 1.5, 1.2, 1.0, 1.0005, 1.0009]  # 8 epochs: the last quarter is epochs 6 … 8
    wrong, solved = [0.5] * 9, [0.5] * 8 + [1.0]
    assert nw.stalled(synthetic_run(flat_tail, wrong))
    assert not nw.stalled(synthetic_run(flat_tail, solved))  # everything right: not stalled, finished
    assert not nw.stalled(synthetic_run(flat_tail, wrong), tol=1e-4)  # moved by 0.0009/1.0009 > 1e-4
    assert not nw.stalled(synthetic_run(flat_tail, wrong), window=0.5)  # epochs 4 … 8 still moved
    assert nw.stalled(synthetic_run(flat_tail, wrong), window=0.5, tol=0.5)


@pytest.mark.parametrize("mode", ["sample", "batch"])
def test_extreme_settings_stay_finite_and_quiet(mode):
    X, y = data.xor()
    for lam, lr, mu in [(1000.0, 1000.0, 0.99), (0.05, 1e-6, 0.0), (50.0, 10.0, 0.99)]:
        net = nw.Network.random(2, 16, lam=lam, rng=np.random.default_rng(1))
        run = nw.train(net, X, y, lr=lr, momentum=mu, epochs=200, mode=mode)
        assert np.all(np.isfinite(run.iterates)) and np.all(np.isfinite(run.losses))
        assert run.status == "max_steps" and run.iterates.shape == (201, net.n_params)


def test_record_of_a_large_network_is_computed_in_chunks_correctly():
    rng = np.random.default_rng(12)
    X, y = data.two_moons(400, rng=rng)
    net = nw.Network.random(2, 3000, scale=0.05, rng=rng)  # 400·2·3000 > 2e6: one snapshot per chunk
    run = nw.train(net, X, y, lr=1e-3, epochs=3, mode="batch")
    for t in range(4):
        assert run.losses[t] == pytest.approx(nw.network_at(run, t).error(X, y), rel=1e-12)
        o = nw.network_at(run, t).predict(X)
        assert run.accuracy[t] == np.mean((o >= 0.5) == (y >= 0.5))


# -- validation -----------------------------------------------------------------------------------
GOOD = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros((3, 1)), "b2": np.zeros(1)}


def make(**changes):
    args = {**GOOD, **changes}
    return nw.Network([args["W1"], args["W2"]], [args["b1"], args["b2"]], args.get("lam", 1.0))


NET = make()
NET2 = nw.Network.random(2, 3, n_out=2, rng=np.random.default_rng(0))
X2, Y2 = np.zeros((4, 2)), np.array([0.0, 1.0, 1.0, 0.0])
RUN = nw.train(NET, X2, Y2, lr=0.1, epochs=3)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: nw.sigmoid([0.0, np.nan]), ValueError, "z must contain only finite numbers"),
        (lambda: nw.sigmoid("a"), TypeError, "z must be numeric"),
        (lambda: nw.sigmoid(0.0, 0.0), ValueError, r"lam must be in \(0, 1000\]"),
        (lambda: nw.sigmoid(0.0, 2000.0), ValueError, r"lam must be in \(0, 1000\]"),
        (lambda: nw.sigmoid(0.0, True), TypeError, "lam must be a real number"),
        (lambda: nw.sigmoid_derivative(1.5), ValueError, r"y must hold sigmoid outputs in \[0, 1\]"),
        (lambda: nw.sigmoid_derivative(0.5, -1.0), ValueError, r"lam must be in \(0, 1000\]"),
        (lambda: nw.sigmoid_derivative([0.5, np.nan]), ValueError, "y must contain only finite"),
        (lambda: make(W1=np.zeros(3)), ValueError, r"weights\[0\] must have 2 dimension"),
        (lambda: make(W1=[[np.inf, 0.0, 0.0]] * 2), ValueError, r"weights\[0\] must contain only finite"),
        (lambda: make(b1=np.zeros(2)), ValueError, r"biases\[0\] must have shape \(3,\)"),
        (lambda: make(W2=np.zeros((4, 1))), ValueError, r"weights\[1\] must have 3 rows"),
        (lambda: make(b2=np.zeros(2)), ValueError, r"biases\[1\] must have shape \(1,\)"),
        (lambda: make(b2=0.0), ValueError, r"biases\[1\] must have shape \(1,\)"),
        (lambda: make(lam=0.0), ValueError, r"lam must be in \(0, 1000\]"),
        (lambda: make(lam=1e4), ValueError, r"lam must be in \(0, 1000\]"),
        (lambda: nw.Network([np.zeros((2, 3))], [np.zeros(3), np.zeros(1)]), ValueError,
         "weights and biases must be lists of the same length"),
        (lambda: nw.Network([], []), ValueError, "weights and biases must be lists of the same length"),
        (lambda: nw.Network.random(0, 3, rng=np.random.default_rng(0)), ValueError,
         r"n_in must be an integer in \[1, 1000\]"),
        (lambda: nw.Network.random(2, 0, rng=np.random.default_rng(0)), ValueError,
         r"hidden must be an integer in \[1, 10000\]"),
        (lambda: nw.Network.random(2, (3, 0), rng=np.random.default_rng(0)), ValueError,
         r"hidden must be an integer in \[1, 10000\]"),
        (lambda: nw.Network.random(2, 2.0, rng=np.random.default_rng(0)), TypeError, "hidden must be an integer"),
        (lambda: nw.Network.random(2, (3, 2.5), rng=np.random.default_rng(0)), TypeError,
         "hidden must be an integer"),
        (lambda: nw.Network.random(2, 3, n_out=0, rng=np.random.default_rng(0)), ValueError,
         r"n_out must be an integer in \[1, 1000\]"),
        (lambda: nw.Network.random(2, 3, scale=0.0, rng=np.random.default_rng(0)), ValueError,
         r"scale must be in \(0, inf\)"),
        (lambda: nw.Network.random(2, 3, lam=0.0, rng=np.random.default_rng(0)), ValueError,
         r"lam must be in \(0, 1000\]"),
        (lambda: nw.Network.random(2, 3, rng=0), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: NET.predict(np.zeros((4, 3))), ValueError, r"X must have 2 column\(s\)"),
        (lambda: NET.predict(np.zeros((2, 2, 2))), ValueError, r"X must have \(1, 2\) dimension"),
        (lambda: NET.predict([[0.0, np.nan]]), ValueError, "X must contain only finite"),
        (lambda: NET.error(X2, [0.0, 1.0]), ValueError,
         r"y must hold 1 target\(s\) per row of X \(4 rows\), shape \(4, 1\) or \(4,\), got shape \(2,\)"),
        (lambda: NET.error(X2, [0.0, 1.0, 2.0, 0.0]), ValueError, r"y must hold targets in \[0, 1\]"),
        (lambda: NET.gradient(X2, [0.0, -1.0, 1.0, 0.0]), ValueError, r"y must hold targets in \[0, 1\]"),
        (lambda: NET.gradient(X2, [0.0, np.nan, 1.0, 0.0]), ValueError, "y must contain only finite"),
        (lambda: NET.error(X2, [[0.0, 1.0], [1.0, 0.0]]), ValueError, "y must"),  # 4 targets, wrong shape
        (lambda: NET2.error(X2, np.zeros(3)), ValueError, r"y must hold 2 target\(s\) per row of X"),
        (lambda: NET2.error(X2, np.zeros((2, 4))), ValueError, "y must"),  # transposed targets
        (lambda: NET.with_vector(np.zeros(5)), ValueError, r"v must have shape \(13,\)"),
        (lambda: NET.with_vector(np.full(13, np.inf)), ValueError, "v must contain only finite"),
        (lambda: nw.numerical_gradient("net", X2, Y2), TypeError, "net must be a helpers.network.Network"),
        (lambda: nw.numerical_gradient(NET, X2, Y2, method="backward"), ValueError, "method must be one of"),
        (lambda: nw.numerical_gradient(NET, X2, Y2, eps=0.0), ValueError, r"eps must be in \(0, 1\]"),
        (lambda: nw.numerical_gradient(NET, X2, Y2, eps=2.0), ValueError, r"eps must be in \(0, 1\]"),
        (lambda: nw.numerical_gradient(NET, X2, Y2[:3]), ValueError, r"y must hold 1 target\(s\) per row"),
        (lambda: nw.forward_passes(0, "central"), ValueError, r"n_params must be an integer in \[1, inf\]"),
        (lambda: nw.forward_passes(3, "sideways"), ValueError, "method must be one of"),
        (lambda: nw.relative_error([1.0, 2.0], [1.0]), ValueError, "a and b must have the same shape"),
        (lambda: nw.relative_error([[1.0]], [1.0]), ValueError, "a must have"),
        (lambda: nw.relative_error([1.0], [np.nan]), ValueError, "b must contain only finite"),
        (lambda: nw.train("net", X2, Y2, lr=0.1), TypeError, "net must be a helpers.network.Network"),
        (lambda: nw.train(NET, X2, Y2, lr=0.0), ValueError, r"lr must be in \(0, 1000\]"),
        (lambda: nw.train(NET, X2, Y2, lr=1e4), ValueError, r"lr must be in \(0, 1000\]"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, momentum=-0.1), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, momentum=[0.5]), TypeError, "momentum must be a real number"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, epochs=0), ValueError, r"epochs must be an integer in \[1, 100000\]"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, epochs=2.5), TypeError, "epochs must be an integer"),
        (lambda: nw.train(NET, np.zeros((1000, 2)), np.zeros(1000), lr=0.1, epochs=100_000), ValueError,
         "epochs must be at most 10000"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, mode="minibatch"), ValueError, "mode must be one of"),
        (lambda: nw.train(NET, X2, Y2[:3], lr=0.1), ValueError, r"y must hold 1 target\(s\) per row"),
        (lambda: nw.train(NET, np.zeros((4, 3)), Y2, lr=0.1), ValueError, r"X must have 2 column\(s\)"),
        (lambda: nw.network_at(RUN, 4), ValueError, r"epoch must be an integer in \[-4, 3\]"),
        (lambda: nw.network_at(RUN, -5), ValueError, r"epoch must be an integer in \[-4, 3\]"),
        (lambda: nw.network_at(RUN, 1.0), TypeError, "epoch must be an integer"),
        (lambda: nw.network_at(RUN, 0).predict(np.zeros((1, 3))), ValueError, r"X must have 2 column\(s\)"),
        (lambda: nw.stalled(RUN, window=0.0), ValueError, r"window must be in \(0, 1\]"),
        (lambda: nw.stalled(RUN, window=1.5), ValueError, r"window must be in \(0, 1\]"),
        (lambda: nw.stalled(RUN, tol=-1.0), ValueError, r"tol must be in \(0, inf\)"),
        (lambda: nw.network_at("run"), TypeError, r"must be a .*Run"),
        (lambda: nw.first_epoch_solved("run"), TypeError, r"must be a .*Run"),
        (lambda: nw.stalled("run"), TypeError, r"must be a .*Run"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()
