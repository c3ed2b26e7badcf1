"""Training over a data set in mini-batches (helpers.epochs.run_epochs), for both kinds of model:
a line fit held as a pair of floats (helpers.regression._LineFit) and models with parameters in a vector."""

import numpy as np
import pytest

from helpers import Run, run_epochs, steps
from helpers.regression import _LineFit


def rng(seed=0):
    return np.random.default_rng(seed)


class LeastSquares:
    """A vector model: mean((A·p − y)²) over the rows of A, with its batch gradients."""

    def __init__(self, A, y):
        self.A, self.y, self.n = np.asarray(A, float), np.asarray(y, float), len(y)

    def loss(self, P):
        r = np.atleast_2d(P) @ self.A.T - self.y
        return np.mean(r * r, axis=1)

    def gradient(self, params, idx):
        A, y = self.A[idx], self.y[idx]
        return 2.0 * A.T @ (A @ params - y) / len(y)

    def grad_norm(self, params):
        return float(np.linalg.norm(self.gradient(np.asarray(params), np.arange(self.n))))


class Recorder:
    """A vector model that only records which samples each batch held (its gradient is zero)."""

    def __init__(self, n):
        self.n, self.batches = n, []

    def loss(self, P):
        return np.zeros(len(P))

    def gradient(self, params, idx):
        self.batches.append(np.arange(self.n)[idx].tolist())
        return np.zeros_like(params)

    def grad_norm(self, params):
        return 1.0


def line_data(n=40, seed=3):
    g = rng(seed)
    x = g.uniform(-2.0, 2.0, n)
    return x, 1.5 * x - 0.5 + 0.4 * g.standard_normal(n)


def line_as_vector(x, y):
    """The line fit ŷ = w·x + b as a vector model, without _LineFit's shortcut for pairs."""
    return LeastSquares(np.column_stack([x, np.ones_like(x)]), y)


def vector_problem(n=30, d=3, seed=5):
    g = rng(seed)
    A = g.normal(size=(n, d))
    return LeastSquares(A, A @ np.arange(1.0, d + 1.0) + 0.3 * g.standard_normal(n))


def plain_loop(model, params0, lr, batch_size, epochs, seed, *, shuffle=True, decay=0.0, beta=None, v0=0.0):
    """The textbook loop over a vector model: a fresh permutation per epoch, batches cut in order."""
    g = rng(seed)
    p, v, out = np.array(params0, float), v0, [np.array(params0, float)]
    for e in range(epochs):
        order = g.permutation(model.n) if shuffle and batch_size < model.n else np.arange(model.n)
        for start in range(0, model.n, batch_size):
            grad = model.gradient(p, order[start:start + batch_size])
            if beta is not None:
                v = beta * v + (1 - beta) * grad
                grad = v
            p = p - lr / (1 + decay * e) * grad
            out.append(p)
    return np.array(out)


# -- the batches of an epoch --------------------------------------------------------------------------
@pytest.mark.parametrize("n, size", [(10, 3), (10, 5), (10, 1), (10, 10), (7, 6), (1, 1)])
def test_each_epoch_visits_every_sample_once_with_a_smaller_last_batch(n, size):
    model = Recorder(n)
    result = run_epochs(steps.gradient_descent, model, np.zeros(2), batch_size=size, epochs=3, rng=rng(), lr=0.1)
    per_epoch = -(-n // size)
    expected_sizes = [size] * (n // size) + ([n % size] if n % size else [])
    assert len(model.batches) == 3 * per_epoch == result.updates
    for e in range(3):
        epoch = model.batches[e * per_epoch:(e + 1) * per_epoch]
        assert sorted(i for batch in epoch for i in batch) == list(range(n))
        assert [len(batch) for batch in epoch] == expected_sizes


def test_shuffle_draws_a_fresh_permutation_per_epoch_from_rng():
    model = Recorder(50)
    run_epochs(steps.gradient_descent, model, np.zeros(1), batch_size=7, epochs=3, rng=rng(3), lr=0.1)
    orders = [sum(model.batches[8 * e:8 * e + 8], []) for e in range(3)]
    g = rng(3)
    for order in orders:
        assert order == g.permutation(50).tolist()
    assert orders[0] != orders[1] != orders[2]
    again = Recorder(50)
    run_epochs(steps.gradient_descent, again, np.zeros(1), batch_size=7, epochs=3, rng=rng(3), lr=0.1)
    assert again.batches == model.batches


def test_without_shuffle_the_batches_are_in_order_and_rng_is_left_alone():
    g = rng(5)
    state = g.bit_generator.state
    model = Recorder(7)
    run_epochs(steps.gradient_descent, model, np.zeros(1), batch_size=3, epochs=2, rng=g, shuffle=False, lr=0.1)
    assert model.batches == [[0, 1, 2], [3, 4, 5], [6]] * 2
    assert g.bit_generator.state == state
    run_epochs(steps.gradient_descent, Recorder(7), np.zeros(1), batch_size=3, epochs=2, rng=None, shuffle=False,
               lr=0.1)  # no randomness needed


def test_a_full_batch_takes_the_samples_in_order_and_needs_no_rng():
    g = rng(5)
    state = g.bit_generator.state
    model = Recorder(6)
    run_epochs(steps.gradient_descent, model, np.zeros(1), batch_size=6, epochs=2, rng=g, lr=0.1)
    assert model.batches == [list(range(6))] * 2
    assert g.bit_generator.state == state
    run_epochs(steps.gradient_descent, Recorder(6), np.zeros(1), batch_size=6, epochs=2, rng=None, lr=0.1)


# -- the two kinds of model ---------------------------------------------------------------------------
@pytest.mark.parametrize("step, hyper", [
    pytest.param(steps.gradient_descent, dict(lr=0.05), id="gradient-descent"),
    pytest.param(steps.momentum, dict(lr=0.05, beta=0.8), id="momentum"),
    pytest.param(steps.momentum_sum, dict(lr=0.01, beta=0.8), id="momentum-sum"),
    pytest.param(steps.momentum_delta, dict(lr=0.01, mu=0.8), id="momentum-delta"),
])
@pytest.mark.parametrize("size, shuffle, decay", [(1, True, 0.0), (6, True, 0.5), (6, False, 0.0), (40, True, 0.0)])
def test_a_pair_of_floats_and_a_vector_train_the_same_line(step, hyper, size, shuffle, decay):
    x, y = line_data()
    kw = dict(batch_size=size, epochs=4, shuffle=shuffle, decay=decay, **hyper)
    pair = run_epochs(step, _LineFit(x, y), (0.5, -1.0), rng=rng(8), **kw)
    vector = run_epochs(step, line_as_vector(x, y), np.array([0.5, -1.0]), rng=rng(8), **kw)
    assert pair.iterates.shape == vector.iterates.shape == (4 * -(-40 // size) + 1, 2)
    np.testing.assert_allclose(pair.iterates, vector.iterates, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(pair.losses, vector.losses, rtol=1e-9, atol=1e-12)
    for name in ("status", "steps", "epochs", "updates"):
        assert getattr(pair, name) == getattr(vector, name)
    np.testing.assert_array_equal(pair.epoch_ends, vector.epoch_ends)
    np.testing.assert_array_equal(pair.evals, vector.evals)


@pytest.mark.parametrize("size, shuffle, decay, beta", [(1, True, 0.0, None), (4, True, 0.3, 0.7), (7, False, 0.0, 0.5),
                                                        (30, True, 1.0, 0.9)])
def test_a_vector_model_agrees_with_the_plain_loop(size, shuffle, decay, beta):
    model = vector_problem()
    step, hyper = (steps.gradient_descent, {}) if beta is None else (steps.momentum, {"beta": beta})
    result = run_epochs(step, model, np.zeros(3), batch_size=size, epochs=3, rng=rng(2), shuffle=shuffle, decay=decay,
                        lr=0.02, **hyper)
    expected = plain_loop(model, np.zeros(3), 0.02, size, 3, 2, shuffle=shuffle, decay=decay, beta=beta)
    np.testing.assert_allclose(result.iterates, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.losses, [np.mean((model.A @ p - model.y) ** 2) for p in expected], rtol=1e-10)


@pytest.mark.parametrize("model, params0", [
    pytest.param(_LineFit(*line_data()), (0.0, 0.0), id="pair"),
    pytest.param(line_as_vector(*line_data()), np.zeros(2), id="vector"),
])
def test_an_initial_state_is_the_velocity_of_the_first_step(model, params0):
    kw = dict(batch_size=40, epochs=1, rng=None, lr=0.1, beta=0.5, state=2.0)
    result = run_epochs(steps.momentum, model, params0, **kw)
    x, y = line_data()
    v = 0.5 * 2.0 + 0.5 * np.array([-2.0 * np.mean(y * x), -2.0 * np.mean(y)])  # the gradient at (0, 0)
    np.testing.assert_allclose(result.iterates[1], -0.1 * v, rtol=1e-12)


# -- the record ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["pair", "vector"])
def test_the_record_of_every_update(kind):
    x, y = line_data()
    model = _LineFit(x, y) if kind == "pair" else line_as_vector(x, y)
    result = run_epochs(steps.momentum, model, np.array([0.0, 0.0]), batch_size=15, epochs=3, rng=rng(1), lr=0.05,
                        beta=0.5)
    assert isinstance(result, Run)
    assert result.status == "max_steps" and not result.converged
    assert (result.steps, result.updates, result.epochs) == (9, 9, 3)
    assert (result.n, result.batch_size, result.max_epochs) == (40, 15, 3)
    assert (result.lr, result.beta, result.decay, result.tol, result.shuffle) == (0.05, 0.5, 0.0, 0.0, True)
    assert result.iterates.shape == (10, 2) and result.losses.shape == (10,)
    np.testing.assert_array_equal(result.epoch_ends, [0, 3, 6, 9])
    np.testing.assert_array_equal(result.evals, [0, 15, 30, 40, 55, 70, 80, 95, 110, 120])  # batches 15, 15, 10
    np.testing.assert_allclose(result.losses, [np.mean((y - (p[0] * x + p[1])) ** 2) for p in result.iterates],
                               rtol=1e-10)
    assert result.states is None and "gradients" not in result.records
    assert result.outcome() == "not converged after 3 epochs (9 updates)"


@pytest.mark.parametrize("kind", ["pair", "vector"])
def test_recording_every_epoch_keeps_the_epoch_ends_of_the_same_run(kind):
    x, y = line_data()
    model = _LineFit(x, y) if kind == "pair" else line_as_vector(x, y)
    kw = dict(batch_size=6, epochs=5, lr=0.05, beta=0.7)
    every = run_epochs(steps.momentum, model, np.array([1.0, 1.0]), rng=rng(4), **kw)
    ends = run_epochs(steps.momentum, model, np.array([1.0, 1.0]), rng=rng(4), every="epoch", **kw)
    np.testing.assert_array_equal(ends.iterates, every.iterates[every.epoch_ends])
    np.testing.assert_array_equal(ends.losses, every.losses[every.epoch_ends])
    np.testing.assert_array_equal(ends.epoch_ends, np.arange(6))
    np.testing.assert_array_equal(ends.evals, 40 * np.arange(6))
    assert (ends.steps, ends.updates, ends.epochs) == (every.steps, every.updates, every.epochs) == (35, 35, 5)


def test_trace_keeps_every_state_and_batch_gradient_of_a_pair():
    x, y = line_data()
    result = run_epochs(steps.momentum, _LineFit(x, y), (0.0, 0.0), batch_size=8, epochs=2, rng=rng(), lr=0.05,
                        beta=0.9, trace=True)
    assert result.states.shape == result.iterates.shape == (11, 2)
    assert result.gradients.shape == (10, 2)
    v, expected = np.zeros(2), [np.zeros(2)]
    for g in result.gradients:
        v = 0.9 * v + 0.1 * g
        expected.append(v)
    np.testing.assert_allclose(result.states, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("step, hyper", [
    pytest.param(steps.momentum, dict(beta=0.9), id="momentum"),
    pytest.param(steps.gradient_descent, {}, id="gradient-descent"),
])
def test_trace_keeps_every_state_and_batch_gradient_of_a_vector(step, hyper):
    model = vector_problem()
    result = run_epochs(step, model, np.zeros(3), batch_size=10, epochs=2, rng=rng(), lr=0.01, trace=True, **hyper)
    assert result.gradients.shape == (6, 3)
    g = rng()
    for e in range(2):
        order = g.permutation(30)
        for k in range(3):
            row = 3 * e + k
            np.testing.assert_allclose(result.gradients[row], model.gradient(result.iterates[row],
                                                                              order[10 * k:10 * k + 10]), rtol=1e-12)
    states = np.asarray(result.states, dtype=float)  # one state per recorded row, shaped like the parameters
    assert states.shape == result.iterates.shape
    assert np.all(states[0] == 0.0)


# -- decay --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["pair", "vector"])
def test_decay_divides_the_rate_of_epoch_e_by_one_plus_decay_e(kind):
    x, y = line_data()
    model = _LineFit(x, y) if kind == "pair" else line_as_vector(x, y)
    result = run_epochs(steps.gradient_descent, model, np.zeros(2), batch_size=40, epochs=4, rng=None, lr=0.2,
                        decay=2.0)
    theta, expected = np.zeros(2), [np.zeros(2)]
    for eta in (0.2, 0.2 / 3, 0.2 / 5, 0.2 / 7):
        r = y - (theta[0] * x + theta[1])
        theta = theta - eta * np.array([-2.0 * np.mean(r * x), -2.0 * np.mean(r)])
        expected.append(theta)
    np.testing.assert_allclose(result.iterates, expected, rtol=1e-10, atol=1e-14)


# -- divergence ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["pair", "vector"])
@pytest.mark.parametrize("lr", [5.0, 1e300])
def test_divergence_stops_at_once_and_the_escaping_point_is_not_recorded(kind, lr):
    x, y = line_data()
    model = _LineFit(x, y) if kind == "pair" else line_as_vector(x, y)
    result = run_epochs(steps.momentum, model, np.array([1.0, 1.0]), batch_size=6, epochs=50, rng=rng(), lr=lr,
                        beta=0.5, bound=1e3)
    assert result.status == "diverged" and not result.converged
    assert np.all(np.abs(result.iterates) <= 1e3) and np.all(np.isfinite(result.losses))
    assert len(result.iterates) == len(result.losses) == len(result.evals) == result.steps + 1
    assert result.steps == result.updates < 50 * 7
    assert len(result.epoch_ends) == result.epochs + 1 and result.epoch_ends[-1] <= result.steps
    assert result.outcome() == f"diverged in epoch {result.epochs + 1} (after {result.updates:,} update" + (
        "" if result.updates == 1 else "s") + ")"


def test_divergence_inside_a_later_epoch():
    model = vector_problem()
    result = run_epochs(steps.gradient_descent, model, np.zeros(3), batch_size=4, epochs=50, rng=rng(1), lr=0.95,
                        bound=1e3)
    assert result.status == "diverged" and result.epochs >= 1
    expected = plain_loop(model, np.zeros(3), 0.95, 4, 50, 1)
    escape = int(np.argmax(np.any(np.abs(expected) > 1e3, axis=1)))  # the first update that leaves the bound
    assert result.steps == escape - 1
    np.testing.assert_allclose(result.iterates, expected[:escape], rtol=1e-12)
    assert result.epochs == (escape - 1) // 8


@pytest.mark.parametrize("kind", ["pair", "vector"])
def test_the_update_count_of_a_diverged_run_does_not_depend_on_what_is_recorded(kind):
    x, y = line_data()
    model = _LineFit(x, y) if kind == "pair" else line_as_vector(x, y)
    kw = dict(batch_size=6, epochs=50, lr=3.0, beta=0.5, bound=1e3)
    every = run_epochs(steps.momentum, model, np.array([1.0, 1.0]), rng=rng(), **kw)
    ends = run_epochs(steps.momentum, model, np.array([1.0, 1.0]), rng=rng(), every="epoch", **kw)
    assert every.status == ends.status == "diverged"
    assert every.epoch_ends[-1] < every.steps  # it diverged inside an epoch, after some updates of it
    assert (ends.steps, ends.updates, ends.epochs) == (every.steps, every.updates, every.epochs)
    assert ends.outcome() == every.outcome()


def test_an_overflowing_vector_update_is_caught_quietly():
    model = LeastSquares(np.ones((4, 2)), np.full(4, 100.0))
    result = run_epochs(steps.gradient_descent, model, np.ones(2), batch_size=2, epochs=5, rng=rng(), lr=1e308)
    assert result.status == "diverged" and result.steps == 0
    assert np.all(np.isfinite(result.iterates)) and np.all(np.isfinite(result.losses))


# -- stopping -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["pair", "vector"])
def test_converged_after_the_first_epoch_whose_end_meets_the_tolerance(kind):
    x, y = line_data()
    model = _LineFit(x, y) if kind == "pair" else line_as_vector(x, y)
    result = run_epochs(steps.gradient_descent, model, np.zeros(2), batch_size=40, epochs=500, rng=None, lr=0.3,
                        tol=1e-8)
    assert result.status == "converged" and result.converged
    norms = [np.linalg.norm(line_as_vector(x, y).gradient(p, np.arange(40))) for p in result.iterates]
    assert norms[-1] <= 1e-8 and min(norms[:-1]) > 1e-8
    assert result.epochs == result.steps < 500
    assert result.outcome() == f"converged in {result.epochs} epochs ({result.updates} updates)"


def test_convergence_is_checked_only_at_the_end_of_an_epoch():
    x, y = line_data()
    tol = 0.05
    result = run_epochs(steps.gradient_descent, _LineFit(x, y), np.zeros(2), batch_size=10, epochs=2000, rng=None,
                        shuffle=False, lr=0.1, tol=tol)
    assert result.status == "converged"
    assert result.steps == 4 * result.epochs and result.epoch_ends[-1] == result.steps
    full = line_as_vector(x, y)
    norms = np.array([np.linalg.norm(full.gradient(p, np.arange(40))) for p in result.iterates])
    ends = result.epoch_ends
    assert norms[-1] <= tol and np.all(norms[ends[:-1]] > tol)
    inside = np.setdiff1d(np.arange(len(norms)), ends)
    assert np.any(norms[inside] <= tol)  # an update inside an epoch met the tolerance, and the epoch went on


@pytest.mark.parametrize("kind", ["pair", "vector"])
def test_a_start_that_meets_the_tolerance_makes_no_update(kind):
    x, y = line_data()
    A = np.column_stack([x, np.ones_like(x)])
    best = np.linalg.lstsq(A, y, rcond=None)[0]
    model = _LineFit(x, y) if kind == "pair" else line_as_vector(x, y)
    result = run_epochs(steps.gradient_descent, model, best, batch_size=5, epochs=3, rng=rng(), lr=0.1, tol=1e-9)
    assert result.status == "converged" and (result.steps, result.epochs) == (0, 0)
    assert len(result.iterates) == 1
    assert result.outcome() == "converged in 0 epochs (0 updates)"


def test_tol_zero_runs_every_epoch():
    model = vector_problem()
    result = run_epochs(steps.gradient_descent, model, np.zeros(3), batch_size=30, epochs=300, rng=None, lr=0.1)
    assert result.status == "max_steps" and result.epochs == 300
    assert result.outcome() == "not converged after 300 epochs (300 updates)"


# -- validation ---------------------------------------------------------------------------------------
X, Y = line_data(10)
PAIR, VECTOR = _LineFit(X, Y), line_as_vector(X, Y)
GD = steps.gradient_descent


@pytest.mark.parametrize(
    "model, kwargs, error, match",
    [
        pytest.param(PAIR, dict(batch_size=0), ValueError, r"batch_size must be an integer in \[1, 10\], got 0",
                     id="batch-size-zero"),
        pytest.param(VECTOR, dict(batch_size=11), ValueError, r"batch_size must be an integer in \[1, 10\], got 11",
                     id="batch-size-too-big"),
        pytest.param(PAIR, dict(batch_size=2.0), TypeError, "batch_size must be an integer", id="batch-size-float"),
        pytest.param(PAIR, dict(epochs=0), ValueError, r"epochs must be an integer in \[1, 1000000\], got 0",
                     id="epochs-zero"),
        pytest.param(VECTOR, dict(epochs=1.5), TypeError, "epochs must be an integer", id="epochs-float"),
        pytest.param(PAIR, dict(batch_size=1, epochs=1_000_001), ValueError, r"epochs must be an integer",
                     id="epochs-too-many"),
        pytest.param(Recorder(300), dict(batch_size=1, epochs=40_000), ValueError,
                     r"epochs must be at most 33333 for n = 300 and batch_size = 1 \(at most 1e7 updates\)",
                     id="updates-too-many"),
        pytest.param(PAIR, dict(rng=None), TypeError, "rng must be a numpy.random.Generator", id="rng-none"),
        pytest.param(VECTOR, dict(rng=42), TypeError, "rng must be a numpy.random.Generator", id="rng-seed"),
        pytest.param(PAIR, dict(shuffle="yes"), TypeError, "shuffle must be True or False", id="shuffle-text"),
        pytest.param(VECTOR, dict(shuffle=1), TypeError, "shuffle must be True or False", id="shuffle-int"),
        pytest.param(PAIR, dict(decay=-0.5), ValueError, r"decay must be in \[0, inf\)", id="decay-negative"),
        pytest.param(PAIR, dict(decay=float("nan")), ValueError, "decay must be finite", id="decay-nan"),
        pytest.param(VECTOR, dict(tol=-1.0), ValueError, r"tol must be in \[0, inf\)", id="tol-negative"),
        pytest.param(PAIR, dict(bound=0.0), ValueError, r"bound must be in \(0, inf\)", id="bound-zero"),
        pytest.param(VECTOR, dict(bound=-5.0), ValueError, r"bound must be in \(0, inf\)", id="bound-negative"),
        pytest.param(PAIR, dict(bound=float("nan")), ValueError, "bound must", id="bound-nan"),
        pytest.param(PAIR, dict(every="batch"), ValueError, r"every must be one of \['epoch', 'update'\]",
                     id="every"),
        pytest.param(PAIR, dict(lr=0.0), ValueError, r"lr must be in \(0, inf\), got 0.0", id="lr-zero"),
        pytest.param(VECTOR, dict(lr=float("inf")), ValueError, "lr must .*finite", id="lr-inf"),
        pytest.param(PAIR, dict(lr="0.1"), TypeError, r"lr must be (a real number|numeric)", id="lr-string"),
        pytest.param(PAIR, dict(lr=None), TypeError, "needs the learning rate lr", id="lr-missing"),
        pytest.param(PAIR, dict(lr=np.array([0.1, 0.2])), (TypeError, ValueError), "lr must be a (single|real) number",
                     id="lr-array-pair"),
        pytest.param(VECTOR, dict(lr=np.array([0.1, 0.2])), (TypeError, ValueError),
                     "lr must be a (single|real) number", id="lr-array-vector"),
        pytest.param(PAIR, dict(params0=(1.0, 2.0, 3.0)), ValueError, r"params0 must have shape \(2,\)",
                     id="params0-pair-shape"),
        pytest.param(VECTOR, dict(params0=np.zeros((2, 1))), ValueError, "params0 must have 1 dimension",
                     id="params0-vector-shape"),
        pytest.param(VECTOR, dict(params0=[np.inf, 0.0]), ValueError, "params0 must contain only finite numbers",
                     id="params0-inf"),
        pytest.param(PAIR, dict(params0=(2e6, 0.0)), ValueError, "params0 must lie inside the divergence bound",
                     id="params0-outside-pair"),
        pytest.param(VECTOR, dict(params0=[0.0, 50.0], bound=10.0), ValueError,
                     "params0 must lie inside the divergence bound", id="params0-outside-vector"),
        pytest.param(PAIR, dict(step="gradient_descent"), TypeError, "step must be an update rule", id="step-text"),
        pytest.param(VECTOR, dict(step=None), TypeError, "step must be an update rule", id="step-none"),
    ],
)
def test_run_epochs_validates(model, kwargs, error, match):
    args = dict(step=GD, params0=np.zeros(2), batch_size=3, epochs=2, rng=rng(), lr=0.1) | kwargs
    if args["lr"] is None:
        del args["lr"]
    with pytest.raises(error, match=match):
        run_epochs(args.pop("step"), model, args.pop("params0"), **args)


@pytest.mark.parametrize("model", [PAIR, VECTOR], ids=["pair", "vector"])
def test_the_hyper_parameters_of_the_rule_are_checked(model):
    kw = dict(batch_size=3, epochs=1, rng=rng())
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\), got 1.0"):
        run_epochs(steps.momentum, model, np.zeros(2), lr=0.1, beta=1.0, **kw)
    with pytest.raises(ValueError, match=r"mu must be in \[0, 1\)"):
        run_epochs(steps.momentum_delta, model, np.zeros(2), lr=0.1, mu=-0.1, **kw)
    with pytest.raises(TypeError, match="beta"):
        run_epochs(steps.momentum, model, np.zeros(2), lr=0.1, **kw)
    with pytest.raises(TypeError, match="beta"):  # a hyper-parameter the rule does not have
        run_epochs(steps.gradient_descent, model, np.zeros(2), lr=0.1, beta=0.5, **kw)


# -- every rule, with its own start state and defaults (as helpers.run) ---------------------------------
ALL_RULES = [
    pytest.param(steps.gradient_descent, {}, id="gradient_descent"),
    pytest.param(steps.momentum, {"beta": 0.9}, id="momentum"),
    pytest.param(steps.momentum_sum, {"beta": 0.9}, id="momentum_sum"),
    pytest.param(steps.nesterov, {"beta": 0.9}, id="nesterov"),
    pytest.param(steps.adagrad, {}, id="adagrad"),
    pytest.param(steps.rmsprop, {}, id="rmsprop"),
    pytest.param(steps.adam, {}, id="adam"),
]


def small_network():
    """A 6 → 5 → 3 softmax network on 40 random samples, as helpers.mlp.fit trains it."""
    from helpers import mlp

    g = rng(11)
    X, labels = g.random((40, 6)), g.integers(0, 3, 40)
    return mlp._Training((6, 5, 3), X, labels), mlp.MLP.random((6, 5, 3), rng=g).vector()


def loop_with_start_state(step, model, p0, lr, batch_size, epochs, seed):
    """The plain loop: the state from steps.START (else 0), the rule's own defaults, one update per batch."""
    g, p, s = rng(seed), p0.copy(), steps.START.get(step, 0.0)
    out = [p]
    for _ in range(epochs):
        order = g.permutation(model.n)
        for a in range(0, model.n, batch_size):
            p, s = step(p, s, model.gradient(p, order[a:a + batch_size]), lr)
        out.append(p)
    return np.array(out)


@pytest.mark.parametrize("step, hyper", ALL_RULES)
def test_every_rule_trains_the_network_with_its_start_state_and_defaults(step, hyper):
    model, p0 = small_network()
    result = run_epochs(step, model, p0, batch_size=8, epochs=3, rng=rng(4), every="epoch", lr=0.01, **hyper)
    rule = (lambda p, s, g, lr: step(p, s, g, lr, **hyper)) if hyper else step
    # the same functions called in the same order: the same bits
    np.testing.assert_array_equal(result.iterates, loop_with_start_state(rule, model, p0, 0.01, 8, 3, 4))
    assert result.status == "max_steps" and result.epochs == 3 and np.all(np.isfinite(result.losses))
    assert result.losses[-1] < result.losses[0]


@pytest.mark.parametrize("step, hyper", ALL_RULES)
def test_every_rule_trains_a_pair_with_its_start_state_and_defaults(step, hyper):
    x, y = line_data()
    result = run_epochs(step, _LineFit(x, y), np.zeros(2), batch_size=10, epochs=3, rng=rng(), lr=0.05, **hyper)
    vector = run_epochs(step, line_as_vector(x, y), np.zeros(2), batch_size=10, epochs=3, rng=rng(), lr=0.05,
                        **hyper)
    np.testing.assert_allclose(result.iterates, vector.iterates, rtol=1e-12, atol=1e-14)  # other summation order


def test_the_rules_defaults_are_used_and_recorded():
    model, p0 = small_network()
    kw = dict(batch_size=8, epochs=2, rng=None, shuffle=False, lr=0.01)
    default = run_epochs(steps.adagrad, model, p0, **kw)
    assert default.eps == 1e-10
    np.testing.assert_array_equal(default.iterates, run_epochs(steps.adagrad, model, p0, eps=1e-10, **kw).iterates)
    adam = run_epochs(steps.adam, model, p0, **kw)
    assert (adam.beta1, adam.beta2, adam.eps) == (0.9, 0.999, 1e-8)
    given = run_epochs(steps.adam, model, p0, state=(0.0, 0.0, 0), beta1=0.9, beta2=0.999, eps=1e-8, **kw)
    np.testing.assert_array_equal(adam.iterates, given.iterates)
    assert not np.array_equal(adam.iterates, run_epochs(steps.adam, model, p0, beta2=0.99, **kw).iterates)


def test_a_tuple_state_is_not_broadcast_to_the_parameters():
    model, p0 = small_network()
    result = run_epochs(steps.adam, model, p0, batch_size=20, epochs=2, rng=rng(), lr=0.01, trace=True)
    assert len(result.states) == 5  # the start and four updates
    m, s, t = result.states[-1]
    assert np.shape(m) == np.shape(s) == p0.shape and np.all(t == 4) and np.all(s > 0)
    m0, s0, t0 = result.states[0]
    assert np.all(m0 == 0) and np.all(s0 == 0) and np.all(t0 == 0)


def test_a_missing_or_unknown_hyper_parameter_is_named():
    model, p0 = small_network()
    kw = dict(batch_size=8, epochs=1, rng=rng(), lr=0.01)
    with pytest.raises(TypeError, match=r"\['beta'\] without a default"):
        run_epochs(steps.nesterov, model, p0, **kw)
    with pytest.raises(TypeError, match=r"hyper-parameters \['lr', 'beta1', 'beta2', 'eps'\], not \['beta'\]"):
        run_epochs(steps.adam, model, p0, beta=0.9, **kw)


# -- schedules -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["pair", "vector"])
def test_a_schedule_multiplies_the_rate_of_epoch_e(kind):
    x, y = line_data()
    model = _LineFit(x, y) if kind == "pair" else line_as_vector(x, y)
    factors = [1.0, 0.5, 0.25, 0.0]
    result = run_epochs(steps.gradient_descent, model, np.zeros(2), batch_size=40, epochs=4, rng=None, lr=0.2,
                        schedule=lambda e: factors[e])
    np.testing.assert_array_equal(result.rates, [0.2, 0.1, 0.05, 0.0])
    p = np.zeros(2)
    for e, f in enumerate(factors):
        g = np.array([-2.0 * np.mean((y - p[0] * x - p[1]) * x), -2.0 * np.mean(y - p[0] * x - p[1])])
        p = p - 0.2 * f * g
        np.testing.assert_allclose(result.iterates[e + 1], p, rtol=1e-12, atol=1e-14)  # other summation order
    assert np.array_equal(result.iterates[-1], result.iterates[-2])  # a factor of 0 makes no move


def test_the_rates_of_decay_are_recorded_too():
    x, y = line_data()
    result = run_epochs(steps.gradient_descent, _LineFit(x, y), np.zeros(2), batch_size=40, epochs=3, rng=None,
                        lr=0.3, decay=0.5)
    assert result.rates.tolist() == [0.3 / (1.0 + 0.5 * e) for e in range(3)]


@pytest.mark.parametrize("schedule, error, match", [
    pytest.param(lambda e: -0.5, ValueError, r"schedule must return a learning-rate factor in \[0, inf\) for every "
                 r"epoch 0 … 4, got schedule\(0\) = -0.5", id="negative"),
    pytest.param(lambda e: 1.0 if e < 3 else float("nan"), ValueError, r"got schedule\(3\) = nan", id="nan"),
    pytest.param(lambda e: float("inf"), ValueError, r"schedule\(0\) = inf", id="inf"),
    pytest.param(lambda e: None, ValueError, r"schedule\(0\) = None", id="none"),
    pytest.param(lambda e: "0.1", ValueError, r"schedule\(0\) = '0.1'", id="text"),
    pytest.param(lambda e: True, ValueError, r"schedule\(0\) = True", id="bool"),
    pytest.param(0.5, TypeError, "schedule must be a function of the epoch", id="number"),
])
def test_a_bad_schedule_is_refused_before_any_update(schedule, error, match):
    model = Recorder(10)
    with pytest.raises(error, match=match):
        run_epochs(steps.gradient_descent, model, np.zeros(2), batch_size=5, epochs=5, rng=rng(), lr=0.1,
                   schedule=schedule)
    assert model.batches == []


def test_decay_and_a_schedule_together_are_refused():
    with pytest.raises(ValueError, match="either decay or schedule"):
        run_epochs(steps.gradient_descent, Recorder(10), np.zeros(2), batch_size=5, epochs=2, rng=rng(), lr=0.1,
                   decay=1.0, schedule=lambda e: 1.0)


def test_on_epoch_sees_every_completed_epoch():
    seen = []
    result = run_epochs(steps.gradient_descent, vector_problem(), np.zeros(3), batch_size=10, epochs=4, rng=rng(),
                        lr=0.01, every="epoch", on_epoch=lambda e, p: seen.append((e, p.copy())))
    assert [e for e, _ in seen] == [1, 2, 3, 4]
    np.testing.assert_array_equal(np.array([p for _, p in seen]), result.iterates[1:])
