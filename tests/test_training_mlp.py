"""The softmax network of notebook 07 (helpers.mlp), its data (helpers.data.digits) and its training through
helpers.epochs.run_epochs: gradients against central finite differences, the softmax and cross-entropy
against plain formulas, every validation error, and the same bits on every CPU."""

import hashlib
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from helpers import data, mlp, steps


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.fixture(scope="module")
def digits():
    return data.digits(rng=rng(0))


def tiny_data(n=60, seed=2):
    """A data set shaped like the digits' split, small enough for many runs: 6 inputs, 3 classes."""
    g = rng(seed)
    X = g.random((n, 6))
    labels = np.argmax(X[:, :3] + 0.1 * g.standard_normal((n, 3)), axis=1)
    return {"train": (X[:40], labels[:40]), "val": (X[40:], labels[40:])}


# -- e^z, softmax and cross-entropy ------------------------------------------------------------------
def test_exp_is_within_one_ulp_of_pythons_and_never_overflows():
    z = np.concatenate([-np.geomspace(1e-300, 745.0, 5000), [0.0, -0.0, -745.2, -800.0, -1e300]])
    got = mlp._exp(z)
    want = np.array([math.exp(v) for v in z])
    assert np.all(np.abs(got - want) <= np.spacing(want))  # one ulp
    assert got[-1] == 0.0 and got[-2] == 0.0 and mlp._exp(np.zeros(3)).tolist() == [1.0] * 3


def test_exp_takes_only_plus_minus_times_the_same_bits_as_python_floats():
    """Entry by entry the same operations on Python floats give the same bits: nothing in it depends on
    numpy's vector instructions (numpy's own exp does, by CPU)."""
    z = np.nextafter(-np.linspace(0.0, 40.0, 997), -np.inf)
    got = mlp._exp(z)
    for v, g in zip(z.tolist(), got.tolist(), strict=True):
        k = math.floor(v * mlp._LOG2E + 0.5)
        r = (v - k * mlp._LN2_HI) - k * mlp._LN2_LO
        p = mlp._INV_FACTORIALS[13]
        for c in mlp._INV_FACTORIALS[12::-1]:
            p = p * r + c
        assert math.ldexp(p, k) == g


def test_softmax_rows_sum_to_one_and_ignore_a_shift():
    z = rng().standard_normal((5, 10)) * 3
    o = mlp.softmax(z)
    want = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(o, want, rtol=1e-12)  # e^z/Σe^z against e^(z − max)/Σ: z − max rounds (|z| ≲ 10)
    np.testing.assert_allclose(o.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(mlp.softmax(z + 1000.0), o, rtol=1e-10)  # z + 1000 keeps ~43 of z's 53 bits
    big = mlp.softmax(np.array([[1000.0, 0.0, -1000.0]]))
    assert big.tolist() == [[1.0, 0.0, 0.0]]


def test_cross_entropy_is_the_mean_negative_log_probability_of_the_label():
    z, labels = rng(1).standard_normal((7, 4)), np.array([0, 3, 1, 1, 2, 0, 3])
    o = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    want = -np.mean(np.log(o[np.arange(7), labels]))
    assert mlp.cross_entropy(z, labels) == pytest.approx(want, rel=1e-13)
    assert mlp.cross_entropy(np.array([[0.0, 1000.0]]), [0]) == pytest.approx(1000.0, rel=1e-15)  # no log(0)


@pytest.mark.parametrize("labels, match", [
    ([0, 1], r"labels must be 3 integers in \[0, 3\]"),
    ([0, 1, 4], r"labels must be 3 integers in \[0, 3\]"),
    ([0, 1, -1], "labels must be"),
    ([0.0, 1.0, 2.0], "labels must be"),
])
def test_cross_entropy_checks_the_labels(labels, match):
    with pytest.raises(ValueError, match=match):
        mlp.cross_entropy(np.zeros((3, 4)), labels)


# -- the network --------------------------------------------------------------------------------------
def central_differences(net, X, labels, eps=1e-6):
    v = net.vector()
    out = np.empty_like(v)
    for k in range(v.size):
        e = np.zeros_like(v)
        e[k] = eps
        out[k] = (net.with_vector(v + e).loss(X, labels) - net.with_vector(v - e).loss(X, labels)) / (2 * eps)
    return out


@pytest.mark.parametrize("sizes", [(6, 5, 3), (6, 4, 5, 3), (6, 3)])
def test_backpropagation_agrees_with_central_differences(sizes):
    data_ = tiny_data()
    X, labels = data_["train"][0][:9], data_["train"][1][:9]
    net = mlp.MLP.random(sizes, rng=rng(3))
    net = net.with_vector(net.vector() + 0.1 * rng(4).standard_normal(net.n_params))  # biases ≠ 0, no ReLU kink
    got, want = net.gradient(X, labels), central_differences(net, X, labels)
    assert np.linalg.norm(got - want) / np.linalg.norm(want) < 1e-7


def test_the_output_delta_is_o_minus_y_over_n():
    """The last layer's bias gradient is Σ δ = mean(o − y): the softmax's derivative cancels (no λ·o(1 − o))."""
    X, labels = tiny_data()["train"]
    net = mlp.MLP.random((6, 5, 3), rng=rng(5))
    o = mlp.softmax(net.logits(X))
    y = np.eye(3)[labels]
    np.testing.assert_allclose(net.gradient(X, labels)[-3:], np.mean(o - y, axis=0), rtol=1e-12, atol=1e-15)


def test_he_initialisation_and_the_parameter_vector():
    net = mlp.MLP.random((64, 200, 10), rng=rng(6))
    assert net.sizes == (64, 200, 10) and net.n_params == 64 * 200 + 200 + 200 * 10 + 10
    assert net.weights[0].shape == (200, 64) and np.all(net.biases[0] == 0)
    assert np.std(net.weights[0]) == pytest.approx(math.sqrt(2 / 64), rel=0.03)  # 12,800 draws
    assert np.std(net.weights[1]) == pytest.approx(math.sqrt(2 / 200), rel=0.05)  # 2,000 draws
    again = net.with_vector(net.vector())
    np.testing.assert_array_equal(again.vector(), net.vector())
    np.testing.assert_array_equal(mlp.MLP.random((64, 200, 10), rng=rng(6)).vector(), net.vector())
    assert repr(net) == "MLP(64 → 200 → 10)"


def test_the_forward_pass_is_relu_then_logits():
    net = mlp.MLP.random((6, 5, 3), rng=rng(7))
    X = tiny_data()["train"][0][:4]
    hidden = np.maximum(X @ net.weights[0].T + net.biases[0], 0.0)
    np.testing.assert_allclose(net.logits(X), hidden @ net.weights[1].T + net.biases[1], rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(net.predict(X), np.argmax(net.logits(X), axis=1))


@pytest.mark.parametrize("call, error, match", [
    (lambda: mlp.MLP([np.zeros((3, 2))], []), ValueError, "weights and biases must be lists of the same length"),
    (lambda: mlp.MLP([np.zeros((3, 2)), np.zeros((2, 4))], [np.zeros(3), np.zeros(2)]), ValueError,
     r"weights\[1\] must have 3 columns"),
    (lambda: mlp.MLP([np.zeros((3, 2))], [np.zeros(2)]), ValueError, r"biases\[0\] must have shape \(3,\)"),
    (lambda: mlp.MLP.random((6,), rng=rng()), ValueError, "sizes must list at least the inputs and the outputs"),
    (lambda: mlp.MLP.random((6, 0, 3), rng=rng()), ValueError, r"sizes must be an integer in \[1, 10000\], got 0"),
    (lambda: mlp.MLP.random((6, 3), rng=0), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: mlp.MLP.random((6, 3), rng=rng()).logits(np.zeros((2, 5))), ValueError, "X must have 6 columns"),
    (lambda: mlp.MLP.random((6, 3), rng=rng()).with_vector(np.zeros(5)), ValueError, r"v must have shape \(21,\)"),
    (lambda: mlp.softmax([[np.nan, 1.0]]), ValueError, "z must contain only finite numbers"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_evaluate_a_stack_of_networks_row_by_row():
    X, labels = tiny_data()["train"]
    nets = [mlp.MLP.random((6, 5, 3), rng=rng(s)) for s in range(4)]
    P = np.array([net.vector() for net in nets])
    loss, accuracy = mlp.evaluate(P, (6, 5, 3), X, labels)
    for k, net in enumerate(nets):
        assert loss[k] == pytest.approx(net.loss(X, labels), rel=1e-13)  # a stacked einsum may sum in another order
        assert accuracy[k] == np.mean(net.predict(X) == labels)
    assert mlp.evaluate(P[1], (6, 5, 3), X, labels) == (pytest.approx(loss[1], rel=1e-13), accuracy[1])


# -- the data -----------------------------------------------------------------------------------------
def test_digits_split_into_three_disjoint_sets(digits):
    sizes = {name: len(part[0]) for name, part in digits.items()}
    assert sizes == {"train": 1079, "val": 359, "test": 359}
    rows = np.concatenate([part[0] for part in digits.values()])
    assert rows.shape == (1797, 64) and rows.min() == 0.0 and rows.max() == 1.0
    assert len({r.tobytes() for r in rows}) >= 1790  # (a few images occur twice in the data set itself)
    for _, labels in digits.values():
        assert set(np.unique(labels)) == set(range(10)) and labels.dtype.kind == "i"
    again = data.digits(rng=rng(0))
    assert all(np.array_equal(again[k][0], digits[k][0]) for k in digits)
    other = data.digits(rng=rng(1))
    assert not np.array_equal(other["train"][0], digits["train"][0])


def test_the_shipped_digits_are_the_uci_test_file():
    """The file is the UCI test file as scikit-learn ships it: its size, its class counts (UCI's documentation:
    178 182 177 183 181 182 181 179 174 180) and its bytes; the arrays it gives cannot be changed in place."""
    path = pathlib.Path(data.__file__).parent / "datasets" / "digits.csv.gz"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == (
        "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22")
    X, labels = data._digits_file()
    assert X.shape == (1797, 64) and set(np.unique(X)) <= set(range(17)) and X.max() == 16
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    with pytest.raises(ValueError, match="read-only"):
        X[0, 0] = 1.0


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(rng=0), TypeError, "rng must be a numpy.random.Generator"),
    (dict(rng=rng(), val=0.0), ValueError, r"val must be in \(0, 0.4\]"),
    (dict(rng=rng(), test=0.5), ValueError, r"test must be in \(0, 0.4\]"),
])
def test_digits_checks_its_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.digits(**kwargs)


# -- training -----------------------------------------------------------------------------------------
def test_fit_trains_through_run_epochs_with_the_records_of_both_sets():
    d = tiny_data()
    result = mlp.fit(d, "Adam", lr=0.01, batch_size=8, epochs=6, seed=3, hidden=5)
    assert result.status == "max_steps" and result.epochs == 6 and result.updates == 30
    assert result.iterates.shape == (7, 6 * 5 + 5 + 5 * 3 + 3)
    for name in ("losses", "accuracy", "val_loss", "val_accuracy"):
        assert getattr(result, name).shape == (7,)
    assert result.losses[-1] < result.losses[0] and result.accuracy[-1] > result.accuracy[0]
    net = mlp.network_at(result, 3)
    X, labels = d["val"]
    assert result.val_loss[3] == pytest.approx(net.loss(X, labels), rel=1e-13)
    assert result.val_accuracy[3] == np.mean(net.predict(X) == labels)
    # the same as run_epochs with the rule itself, the network drawn first from the same generator
    g = rng(3)
    p0 = mlp.MLP.random((6, 5, 3), rng=g).vector()
    direct = mlp.run_epochs(steps.adam, mlp._Training((6, 5, 3), *d["train"]), p0, batch_size=8, epochs=6, rng=g,
                            every="epoch", bound=mlp.BOUND, lr=0.01)
    np.testing.assert_array_equal(direct.iterates, result.iterates)
    by_rule = mlp.fit(d, steps.adam, lr=0.01, batch_size=8, epochs=6, seed=3, hidden=5)
    np.testing.assert_array_equal(by_rule.iterates, result.iterates)
    assert by_rule.optimiser == "adam" and result.optimiser == "Adam"


def test_each_optimiser_by_name_uses_its_rule_and_settings():
    d = tiny_data()
    for name, (rule, hyper) in mlp.OPTIMISERS.items():
        result = mlp.fit(d, name, lr=0.01, batch_size=10, epochs=2, seed=1, hidden=4)
        direct = mlp.fit(d, rule, lr=0.01, batch_size=10, epochs=2, seed=1, hidden=4, **hyper)
        np.testing.assert_array_equal(result.iterates, direct.iterates)
    beta = mlp.fit(d, "momentum", lr=0.01, batch_size=10, epochs=2, seed=1, hidden=4, beta=0.5)
    assert beta.beta == 0.5


def test_a_schedule_reaches_the_rule_and_a_diverging_run_says_so():
    d = tiny_data()
    scheduled = mlp.fit(d, "SGD", lr=0.5, batch_size=10, epochs=4, hidden=4, schedule=lambda e: 1.0 / (1 + e))
    np.testing.assert_array_equal(scheduled.rates, [0.5, 0.25, 0.5 / 3, 0.125])
    blown = mlp.fit(d, "SGD", lr=1e4, batch_size=10, epochs=4, hidden=4)
    assert blown.status == "diverged" and blown.outcome().startswith("diverged in epoch")
    assert np.all(np.isfinite(blown.iterates)) and np.all(np.abs(blown.iterates) <= mlp.BOUND)
    assert np.all(np.isfinite(blown.val_loss)) and len(blown.val_accuracy) == blown.epochs + 1


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(optimiser="adamw"), ValueError, r"optimiser must be one of \['AdaGrad', 'Adam', .*got 'adamw'"),
    (dict(optimiser=3), ValueError, "optimiser must be one of"),
    (dict(batch_size=0), ValueError, r"batch_size must be an integer in \[1, 40\], got 0"),
    (dict(batch_size=41), ValueError, r"batch_size must be an integer in \[1, 40\], got 41"),
    (dict(lr=-0.1), ValueError, r"lr must be in \(0, inf\)"),
    (dict(epochs=0), ValueError, r"epochs must be an integer in \[1, 1000000\]"),
    (dict(seed=-1), ValueError, r"seed must be an integer in \[0, inf\]"),
    (dict(schedule=lambda e: -1.0), ValueError, r"schedule must return a learning-rate factor in \[0, inf\)"),
    (dict(beta1=0.9), TypeError, r"takes the hyper-parameters \['lr', 'beta'\], not \['beta1'\]"),
])
def test_fit_names_bad_input(kwargs, error, match):
    settings = {"optimiser": "momentum", "lr": 0.1, "batch_size": 10, "epochs": 2, **kwargs}
    with pytest.raises(error, match=match):
        mlp.fit(tiny_data(), settings.pop("optimiser"), **settings)


def test_network_at_needs_a_fit_run():
    with pytest.raises(TypeError, match="result must be a helpers.runner.Run from helpers.mlp.fit"):
        mlp.network_at("run")


TRAIN_AND_HASH = """
import hashlib, numpy as np
from helpers import data, mlp
d = data.digits(rng=np.random.default_rng(0))
d = {k: (X[:200], y[:200]) for k, (X, y) in d.items()}
r = mlp.fit(d, "Adam", lr=0.01, batch_size=16, epochs=3, seed=1)
z = np.random.default_rng(2).standard_normal((300, 10)) * 30
print(hashlib.sha256(r.iterates.tobytes() + mlp.softmax(z).tobytes()).hexdigest())
"""


def test_training_gives_the_same_bits_with_numpys_vector_instructions_limited():
    """Every dispatch level numpy found on this CPU switched off, and another BLAS kernel: the same bits."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    here = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    runs = []
    for env in ({}, {"NPY_DISABLE_CPU_FEATURES": " ".join(here), "OPENBLAS_CORETYPE": "Sandybridge"}):
        out = subprocess.run([sys.executable, "-c", TRAIN_AND_HASH], capture_output=True, text=True, check=True,
                             env={**os.environ, **env})
        runs.append(out.stdout.strip())
    assert runs[0] == runs[1] and len(runs[0]) == len(hashlib.sha256().hexdigest())
