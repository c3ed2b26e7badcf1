"""The sigmoid network: sigmoid, forward pass, backpropagation, finite differences, training, validation."""

import math

import numpy as np
import pytest

from helpers import data
from helpers import network as nw
from helpers.exercises.backprop import XOR_RUN


# -- an independent reference: the lecture's formulas written with Python floats and loops ----------
def ref_sigmoid(z, lam):
    t = lam * z
    return 1.0 / (1.0 + math.exp(-t)) if t >= 0 else math.exp(t) / (1.0 + math.exp(t))


def ref_outputs(W1, b1, w2, b2, lam, X):
    outputs = []
    for x in X:
        h = [ref_sigmoid(sum(W1[i][j] * x[i] for i in range(len(x))) + b1[j], lam) for j in range(len(b1))]
        outputs.append(ref_sigmoid(sum(w2[j] * h[j] for j in range(len(h))) + b2, lam))
    return outputs


def ref_error(v, n_in, hidden, lam, X, y):
    W1 = [[v[i * hidden + j] for j in range(hidden)] for i in range(n_in)]
    k = n_in * hidden
    b1, w2, b2 = v[k:k + hidden], v[k + hidden:k + 2 * hidden], v[k + 2 * hidden]
    return 0.5 * sum((t - o) ** 2 for t, o in zip(y, ref_outputs(W1, b1, w2, b2, lam, X), strict=True))


def ref_central_gradient(net, X, y, eps=1e-5):
    v = list(net.vector())
    grad = []
    for k in range(len(v)):
        plus, minus = v.copy(), v.copy()
        plus[k] += eps
        minus[k] -= eps
        e_plus = ref_error(plus, net.n_in, net.hidden, net.lam, X, y)
        e_minus = ref_error(minus, net.n_in, net.hidden, net.lam, X, y)
        grad.append((e_plus - e_minus) / (2 * eps))
    return np.array(grad)


def random_problem(seed, n_in, hidden, lam, n=7):
    rng = np.random.default_rng(seed)
    net = nw.Network.random(n_in, hidden, lam=lam, scale=1.0 / lam, rng=rng)
    return net, rng.standard_normal((n, n_in)), rng.uniform(0.0, 1.0, n)


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


# -- forward and backward -----------------------------------------------------------------------
def test_forward_and_error_match_the_reference():
    net, X, y = random_problem(0, 3, 4, 1.7)
    expected = ref_outputs(net.W1.tolist(), net.b1.tolist(), net.w2.tolist(), net.b2, net.lam, X.tolist())
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-13)
    assert net.error(X, y) == pytest.approx(0.5 * sum((t - o) ** 2 for t, o in zip(y, expected, strict=True)))
    f = net.forward(X)
    assert f.h.shape == (7, 4) and f.z_hidden.shape == (7, 4) and f.z_out.shape == (7,)
    np.testing.assert_allclose(f.h, 1 / (1 + np.exp(-net.lam * f.z_hidden)), rtol=1e-13)


def test_a_single_sample_may_be_a_vector():
    net, X, y = random_problem(1, 2, 3, 1.0)
    assert net.predict(X[0]).shape == (1,)
    np.testing.assert_allclose(net.gradient(X[0], y[0]), net.gradient(X[:1], y[:1]))


CASES = [(seed, n_in, hidden, lam) for seed, (n_in, hidden, lam) in enumerate(
    [(1, 1, 1.0), (2, 3, 0.25), (2, 8, 1.0), (3, 5, 2.5), (4, 2, 0.7), (5, 12, 4.0), (1, 20, 1.3), (6, 6, 8.0)])]


@pytest.mark.parametrize("seed, n_in, hidden, lam", CASES)
def test_backprop_agrees_with_independent_central_differences(seed, n_in, hidden, lam):
    net, X, y = random_problem(seed, n_in, hidden, lam)
    g = net.gradient(X, y)
    assert g.shape == (net.n_params,) == (hidden * (n_in + 2) + 1,)
    assert rel(g, ref_central_gradient(net, X.tolist(), y.tolist())) <= 1e-6


@pytest.mark.parametrize("seed, n_in, hidden, lam", CASES)
def test_numerical_gradient_helpers(seed, n_in, hidden, lam):
    net, X, y = random_problem(seed, n_in, hidden, lam)
    g = net.gradient(X, y)
    assert nw.relative_error(g, nw.numerical_gradient(net, X, y)) <= 1e-6
    assert nw.relative_error(g, nw.numerical_gradient(net, X, y, method="central", eps=1e-4)) <= 1e-6
    assert nw.relative_error(g, nw.numerical_gradient(net, X, y, method="forward")) <= 1e-5


def test_forward_difference_is_first_order_and_central_second_order():
    net, X, y = random_problem(3, 2, 4, 1.0)
    g = net.gradient(X, y)
    fwd = [nw.relative_error(g, nw.numerical_gradient(net, X, y, method="forward", eps=e)) for e in (1e-2, 1e-3)]
    cen = [nw.relative_error(g, nw.numerical_gradient(net, X, y, method="central", eps=e)) for e in (1e-2, 1e-3)]
    assert 7 < fwd[0] / fwd[1] < 13  # error ∝ ε
    assert 70 < cen[0] / cen[1] < 130  # error ∝ ε²


def test_a_wrong_backprop_formula_is_caught():
    net, X, y = random_problem(4, 2, 3, 1.0)
    g = net.backward(X, y)
    flipped = np.concatenate([g.W1.ravel(), g.b1, -g.w2, [-g.b2]])  # the sign slip of (y − o)
    assert nw.relative_error(flipped, nw.numerical_gradient(net, X, y)) > 0.1


def test_gradient_of_a_sum_is_the_sum_of_gradients():
    net, X, y = random_problem(5, 3, 4, 1.0)
    total = sum(net.gradient(x, t) for x, t in zip(X, y, strict=True))
    np.testing.assert_allclose(net.gradient(X, y), total, rtol=1e-12, atol=1e-15)


def test_vector_round_trip_and_copy():
    net, X, y = random_problem(6, 2, 5, 2.0)
    v = net.vector()
    back = net.with_vector(v)
    np.testing.assert_array_equal(back.vector(), v)
    assert back.lam == net.lam and repr(back) == "Network(n_in=2, hidden=5, lam=2)"
    twin = net.copy()
    twin.W1[0, 0] += 1.0
    assert net.W1[0, 0] != twin.W1[0, 0]


def test_forward_passes_and_relative_error():
    assert nw.forward_passes(33, "forward") == 34 and nw.forward_passes(33, "central") == 66
    assert nw.relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert nw.relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert nw.relative_error([1.0, 0.0], [0.0, 0.0]) == 1.0
    assert nw.relative_error([3.0, 4.0], [3.0, 3.0]) == pytest.approx(1.0 / 5.0)


def test_accuracy():
    net = nw.Network([[0.0]], [0.0], [1.0], 0.0)  # o = sigmoid(0.5) > ½ for every input
    assert net.accuracy([[1.0], [2.0], [3.0], [4.0]], [1.0, 1.0, 0.0, 0.6]) == 0.75


# -- training --------------------------------------------------------------------------------------
def plain_training(net, X, y, lr, mu, epochs, mode):
    """Gradient descent with momentum written out with the network's own gradient."""
    w, dw = net.vector(), np.zeros(net.n_params)
    for _ in range(epochs):
        batches = [(X, y)] if mode == "batch" else [(x[None], t[None]) for x, t in zip(X, y, strict=True)]
        for xb, yb in batches:
            dw = -lr * net.with_vector(w).gradient(xb, yb) + mu * dw
            w = w + dw
    return w


@pytest.mark.parametrize("mode", ["sample", "batch"])
@pytest.mark.parametrize("mu", [0.0, 0.8])
def test_training_is_gradient_descent_with_momentum(mode, mu):
    rng = np.random.default_rng(8)
    X, y = data.two_moons(12, rng=rng)
    net = nw.Network.random(2, 3, lam=1.5, rng=rng)
    history = nw.train(net, X, y, lr=0.3, momentum=mu, epochs=15, mode=mode)
    np.testing.assert_allclose(history.final.vector(), plain_training(net, X, y, 0.3, mu, 15, mode), rtol=1e-10,
                               atol=1e-12)
    assert history.updates == 15 * (12 if mode == "sample" else 1)


def test_training_record():
    rng = np.random.default_rng(9)
    X, y = data.xor(3, noise=0.1, rng=rng)
    net = nw.Network.random(2, 4, rng=rng)
    before = net.vector()
    history = nw.train(net, X, y, lr=0.5, momentum=0.5, epochs=20)
    np.testing.assert_array_equal(net.vector(), before)  # the start network is not changed
    np.testing.assert_array_equal(history.network(0).vector(), before)
    assert history.W1.shape == (21, 2, 4) and history.b1.shape == history.w2.shape == (21, 4)
    assert history.b2.shape == history.errors.shape == history.accuracy.shape == (21,)
    for t in (0, 7, 20):
        assert history.errors[t] == pytest.approx(history.network(t).error(X, y), rel=1e-12)
        assert history.accuracy[t] == history.network(t).accuracy(X, y)
        np.testing.assert_allclose(history.predict(X, t), history.network(t).predict(X), rtol=1e-13)
    np.testing.assert_array_equal(history.final.vector(), history.network(-1).vector())
    assert (history.lr, history.momentum, history.mode, history.epochs, history.lam) == (0.5, 0.5, "sample", 20, 1.0)


def test_xor_is_learned_from_the_notebook_seed():
    X, y = data.xor()
    net = nw.Network.random(2, XOR_RUN["hidden"], lam=1.0, rng=np.random.default_rng(XOR_RUN["seed"]))
    history = nw.train(net, X, y, lr=XOR_RUN["lr"], momentum=XOR_RUN["momentum"], epochs=XOR_RUN["epochs"],
                       mode=XOR_RUN["mode"])
    o = history.final.predict(X)
    assert np.array_equal(o > 0.5, y > 0.5) and history.accuracy[-1] == 1.0
    assert history.first_epoch_solved() == int(np.flatnonzero(history.accuracy == 1.0)[0])
    assert history.errors[-1] < 0.01 * history.errors[0]
    assert not history.stalled()


def test_saturated_training_stalls():
    X, y = data.xor()
    net = nw.Network.random(2, 4, lam=10.0, rng=np.random.default_rng(0))
    history = nw.train(net, X, y, lr=1.0, momentum=0.9, epochs=300)
    assert history.stalled() and history.first_epoch_solved() is None
    o = history.final.predict(X)
    assert np.max(10.0 * o * (1 - o)) < 1e-3  # every output saturated: the slope is gone


@pytest.mark.parametrize("mode", ["sample", "batch"])
def test_extreme_settings_stay_finite_and_quiet(mode):
    X, y = data.xor()
    for lam, lr, mu in [(1000.0, 1000.0, 0.99), (0.05, 1e-6, 0.0), (50.0, 10.0, 0.99)]:
        net = nw.Network.random(2, 16, lam=lam, rng=np.random.default_rng(1))
        history = nw.train(net, X, y, lr=lr, momentum=mu, epochs=200, mode=mode)
        assert np.all(np.isfinite(history.W1)) and np.all(np.isfinite(history.errors))


# -- validation -----------------------------------------------------------------------------------
GOOD = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "w2": np.zeros(3), "b2": 0.0}


def make(**changes):
    args = {**GOOD, **changes}
    return nw.Network(args["W1"], args["b1"], args["w2"], args["b2"], args.get("lam", 1.0))


NET = make()
X2, Y2 = np.zeros((4, 2)), np.array([0.0, 1.0, 1.0, 0.0])
HISTORY = nw.train(NET, X2, Y2, lr=0.1, epochs=3)


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
        (lambda: make(W1=np.zeros(3)), ValueError, "W1 must have 2 dimension"),
        (lambda: make(W1=[[np.inf, 0.0, 0.0]] * 2), ValueError, "W1 must contain only finite"),
        (lambda: make(b1=np.zeros(2)), ValueError, r"b1 must have shape \(3,\)"),
        (lambda: make(w2=np.zeros(4)), ValueError, r"w2 must have shape \(3,\)"),
        (lambda: make(b2=[0.0, 1.0]), ValueError, "b2 must have 0 dimension"),
        (lambda: make(lam=0.0), ValueError, r"lam must be in \(0, 1000\]"),
        (lambda: nw.Network.random(0, 3, rng=np.random.default_rng(0)), ValueError, r"n_in must be an integer in"),
        (lambda: nw.Network.random(2, 0, rng=np.random.default_rng(0)), ValueError, r"hidden must be an integer in"),
        (lambda: nw.Network.random(2, 2.0, rng=np.random.default_rng(0)), TypeError, "hidden must be an integer"),
        (lambda: nw.Network.random(2, 3, scale=0.0, rng=np.random.default_rng(0)), ValueError, "scale must be in"),
        (lambda: nw.Network.random(2, 3, rng=0), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: NET.predict(np.zeros((4, 3))), ValueError, r"X must have 2 column\(s\)"),
        (lambda: NET.predict(np.zeros((2, 2, 2))), ValueError, "X must have"),
        (lambda: NET.predict([[0.0, np.nan]]), ValueError, "X must contain only finite"),
        (lambda: NET.error(X2, [0.0, 1.0]), ValueError, r"y must hold one target per row of X \(4\), got 2"),
        (lambda: NET.error(X2, [0.0, 1.0, 2.0, 0.0]), ValueError, r"y must hold targets in \[0, 1\]"),
        (lambda: NET.backward(X2, [0.0, -1.0, 1.0, 0.0]), ValueError, r"y must hold targets in \[0, 1\]"),
        (lambda: NET.accuracy(X2, [[0.0, 1.0], [1.0, 0.0]]), ValueError, "y must have"),
        (lambda: NET.with_vector(np.zeros(5)), ValueError, r"v must have shape \(13,\)"),
        (lambda: nw.numerical_gradient("net", X2, Y2), TypeError, "net must be a helpers.network.Network"),
        (lambda: nw.numerical_gradient(NET, X2, Y2, method="backward"), ValueError, "method must be one of"),
        (lambda: nw.numerical_gradient(NET, X2, Y2, eps=0.0), ValueError, r"eps must be in \(0, 1\]"),
        (lambda: nw.numerical_gradient(NET, X2, Y2, eps=2.0), ValueError, r"eps must be in \(0, 1\]"),
        (lambda: nw.forward_passes(0, "central"), ValueError, "n_params must be an integer in"),
        (lambda: nw.forward_passes(3, "sideways"), ValueError, "method must be one of"),
        (lambda: nw.relative_error([1.0, 2.0], [1.0]), ValueError, "a and b must have the same shape"),
        (lambda: nw.relative_error([[1.0]], [1.0]), ValueError, "a must have"),
        (lambda: nw.relative_error([1.0], [np.nan]), ValueError, "b must contain only finite"),
        (lambda: nw.train("net", X2, Y2, lr=0.1), TypeError, "net must be a helpers.network.Network"),
        (lambda: nw.train(NET, X2, Y2, lr=0.0), ValueError, r"lr must be in \(0, 1000\]"),
        (lambda: nw.train(NET, X2, Y2, lr=1e4), ValueError, r"lr must be in \(0, 1000\]"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, momentum=-0.1), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, epochs=0), ValueError, r"epochs must be an integer in \[1, 100000\]"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, epochs=2.5), TypeError, "epochs must be an integer"),
        (lambda: nw.train(NET, X2, Y2, lr=0.1, mode="minibatch"), ValueError, "mode must be one of"),
        (lambda: nw.train(NET, X2, Y2[:3], lr=0.1), ValueError, "y must hold one target per row"),
        (lambda: HISTORY.network(4), ValueError, r"epoch must be an integer in \[-4, 3\]"),
        (lambda: HISTORY.predict(X2, -5), ValueError, r"epoch must be an integer in \[-4, 3\]"),
        (lambda: HISTORY.predict(np.zeros((1, 3)), 0), ValueError, r"X must have 2 column\(s\)"),
        (lambda: HISTORY.stalled(window=0.0), ValueError, r"window must be in \(0, 1\]"),
        (lambda: HISTORY.stalled(tol=-1.0), ValueError, r"tol must be in \(0, inf\)"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_record_of_a_large_network_is_computed_in_chunks_correctly():
    rng = np.random.default_rng(12)
    X, y = data.two_moons(400, rng=rng)
    net = nw.Network.random(2, 3000, scale=0.05, rng=rng)  # 400·2·3000 > 2e6: one snapshot per chunk
    history = nw.train(net, X, y, lr=1e-3, epochs=3, mode="batch")
    for t in range(4):
        assert history.errors[t] == pytest.approx(history.network(t).error(X, y), rel=1e-12)
