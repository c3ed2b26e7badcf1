"""The runner: one run or a grid of runs of any update rule, its stopping rule, budgets and record."""

import dataclasses
import math

import numpy as np
import pytest

import helpers
from helpers import Quadratic2D, Quartic, Square, steps
from helpers.runner import _STATUSES, Run, run

SQUARE, QUARTIC = Square(), Quartic()
GD = steps.gradient_descent


def quartic_f(x):
    x2 = x * x
    return x2 * x2 - 5.0 * x2 - 3.0 * x


def quartic_grad(x):
    return 4.0 * x * x * x - 10.0 * x - 3.0


def reference_run(x0, lr, beta=None, *, max_steps=1000, tol=1e-6, bound=1e6):
    """The documented loop on the quartic with Python floats: (iterates, status, steps).

    Before each step: converged when |f'(x)| ≤ tol and the step the rule would take, divided by η, is ≤ tol;
    after each step: diverged when |x| > bound or x is not finite (the escaping point is recorded only if it
    and f there are finite). Plain gradient descent when ``beta`` is None, else momentum in the averaged form.
    """
    x, v, xs = x0, 0.0, [x0]
    for k in range(max_steps + 1):
        g = quartic_grad(x)
        if beta is None:
            x_new = x - lr * g
        else:
            v_new = beta * v + (1 - beta) * g
            x_new = x - lr * v_new
        if abs(g) <= tol and abs(x_new - x) <= tol * lr:
            return xs, "converged", k
        if k == max_steps:
            return xs, "max_steps", k
        if not abs(x_new) <= bound:
            if math.isfinite(x_new) and math.isfinite(quartic_f(x_new)):
                return xs + [x_new], "diverged", k + 1
            return xs, "diverged", k
        x = x_new
        if beta is not None:
            v = v_new
        xs.append(x)
    raise AssertionError("unreachable")


def assert_cell_is_the_run_alone(grid, index, alone):
    """Cell ``index`` of a grid ended exactly as ``alone`` (status, steps, and its kept iterates bit for bit)."""
    assert grid.status[index] == alone.status and grid.steps[index] == alone.steps
    tail = grid.iterates[index]
    first = grid.max_steps + 1 - len(tail)  # the tail holds x_first … x_max_steps, a stopped run repeating its end
    expected = alone.iterates[np.minimum(np.arange(first, grid.max_steps + 1), alone.steps)]
    assert np.array_equal(tail, expected)


# -- one run of gradient descent: the regimes on x² ----------------------------------------------------


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 1.05])
def test_iterates_follow_the_closed_form(lr):
    r = run(SQUARE, GD, 10.0, lr=lr, max_steps=30, tol=1e-300, bound=1e6)
    expected = [10.0 * (1.0 - 2.0 * lr) ** k for k in range(r.steps + 1)]
    np.testing.assert_allclose(r.iterates, expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(r.losses, r.iterates**2)


def steps_to_tolerance(x0, lr, tol):
    """First k with |f'(x_k)| = 2·|x0|·|1 − 2η|^k ≤ tol on x² (closed form)."""
    return math.ceil(math.log(tol / (2.0 * abs(x0))) / math.log(abs(1.0 - 2.0 * lr)))


@pytest.mark.parametrize(
    "lr, status, expected_steps",
    [
        (0.1, "converged", steps_to_tolerance(10.0, 0.1, 1e-6)),  # monotone
        (0.5, "converged", 1),  # one step
        (0.7, "converged", steps_to_tolerance(10.0, 0.7, 1e-6)),  # alternating
        (1.0, "max_steps", 200),  # bouncing forever
        (1.1, "diverged", math.ceil(math.log(1e6 / 10) / math.log(1.2))),  # growing by 1.2 per step
    ],
)
def test_each_regime_is_classified(lr, status, expected_steps):
    r = run(SQUARE, GD, 10.0, lr=lr, max_steps=200, tol=1e-6, bound=1e6)
    assert r.status == status
    assert r.steps == expected_steps == len(r.iterates) - 1


def test_monotone_alternating_and_bouncing_regimes():
    monotone = run(SQUARE, GD, 10.0, lr=0.2, max_steps=20).iterates
    assert np.all(monotone > 0) and np.all(np.diff(monotone) < 0)
    alternating = run(SQUARE, GD, 10.0, lr=0.8, max_steps=20).iterates
    assert np.all(np.sign(alternating[1:]) == -np.sign(alternating[:-1]))
    assert np.all(np.abs(np.diff(np.abs(alternating))) > 0) and abs(alternating[-1]) < abs(alternating[0])
    bouncing = run(SQUARE, GD, 10.0, lr=1.0, max_steps=20).iterates
    assert set(np.abs(bouncing)) == {10.0}


def test_two_dimensional_run():
    bowl = Quadratic2D((1.0, 10.0))
    r = run(bowl, GD, [5.0, 2.0], lr=0.15, max_steps=1000, tol=1e-8)
    assert r.status == "converged"
    assert r.iterates.shape == (r.steps + 1, 2) and r.x.shape == (2,)
    k = np.arange(r.steps + 1)
    np.testing.assert_allclose(r.iterates[:, 0], 5.0 * (1 - 0.15 * 1) ** k, rtol=1e-10)
    np.testing.assert_allclose(r.iterates[:, 1], 2.0 * (1 - 0.15 * 10) ** k, rtol=1e-10)
    np.testing.assert_allclose(r.losses, 0.5 * (r.iterates[:, 0] ** 2 + 10.0 * r.iterates[:, 1] ** 2))
    assert np.linalg.norm(bowl.grad(r.x)) <= 1e-8


# -- one run against the loop written out ----------------------------------------------------------------


def test_gradient_descent_run_is_the_plain_loop_bit_for_bit():
    rng = np.random.default_rng(7)
    statuses = set()
    for _ in range(300):
        x0, lr, budget = rng.uniform(-2.6, 2.6), 10 ** rng.uniform(-3, 0), int(rng.integers(1, 400))
        xs, status, n = reference_run(float(x0), float(lr), max_steps=budget)
        r = run(QUARTIC, GD, x0, lr=lr, max_steps=budget)
        assert (r.status, r.steps) == (status, n)
        assert np.array_equal(r.iterates, xs)
        np.testing.assert_allclose(r.losses, [quartic_f(x) for x in xs], rtol=1e-12, atol=1e-12)
        statuses.add(status)
    assert statuses == set(_STATUSES)


def test_momentum_run_is_the_plain_loop_bit_for_bit():
    rng = np.random.default_rng(8)
    statuses = set()
    for _ in range(200):
        x0, lr, beta = rng.uniform(-2.6, 2.6), 10 ** rng.uniform(-3, 0), rng.uniform(0.0, 0.99)
        budget = int(rng.integers(1, 400))
        xs, status, n = reference_run(float(x0), float(lr), float(beta), max_steps=budget)
        r = run(QUARTIC, steps.momentum, x0, lr=lr, beta=beta, max_steps=budget)
        assert (r.status, r.steps) == (status, n) and np.array_equal(r.iterates, xs)
        statuses.add(status)
    assert statuses == set(_STATUSES)


def test_momentum_with_beta_zero_is_gradient_descent_bit_for_bit():
    for x0, lr in [(0.0, 0.05), (0.0, 0.09), (0.0, 0.25), (-2.0, 0.02)]:
        a = run(QUARTIC, GD, x0, lr=lr, max_steps=300)
        b = run(QUARTIC, steps.momentum, x0, lr=lr, beta=0.0, max_steps=300)
        assert (a.status, a.steps) == (b.status, b.steps) and np.array_equal(a.iterates, b.iterates)


# -- the stopping rule -------------------------------------------------------------------------------


def test_converged_run_meets_the_stopping_rule_and_earlier_iterates_do_not():
    r = run(SQUARE, GD, 3.0, lr=0.15, tol=1e-8)
    grads = np.abs(2.0 * r.iterates)
    assert r.status == "converged"
    assert grads[-1] <= 1e-8 and np.all(grads[:-1] > 1e-8)


def test_a_run_that_starts_at_a_minimum_has_converged_in_zero_steps():
    r = run(SQUARE, GD, 0.0, lr=0.1)
    assert (r.status, r.steps) == ("converged", 0)
    assert np.array_equal(r.iterates, [0.0]) and r.outcome() == "converged in 0 steps"


def test_an_iterate_racing_through_the_minimum_has_not_converged():
    # x₀ = 0 is the minimum of x², but a velocity of 5 carries the iterate on: the next step is not ≤ tol.
    r = run(SQUARE, steps.momentum, 0.0, lr=0.1, beta=0.5, state=5.0, max_steps=5)
    assert r.status == "max_steps" and r.steps == 5
    # v₁ = 0.5·5 + 0.5·0 = 2.5, x₁ = −0.25
    assert r.iterates[1] == -0.25 and r.states[0] == 5.0 and r.states[1] == 2.5


def test_converged_momentum_run_meets_both_parts_of_the_rule_only_at_its_end():
    lr, beta, tol = 0.05, 0.8, 1e-7
    r = run(QUARTIC, steps.momentum, -2.0, lr=lr, beta=beta, tol=tol, max_steps=5000)
    assert r.status == "converged"

    def met(k):
        x, v = float(r.iterates[k]), float(r.states[k])
        g = quartic_grad(x)
        x_next = x - lr * (beta * v + (1 - beta) * g)
        return abs(g) <= tol and abs(x_next - x) <= tol * lr

    assert met(r.steps) and not any(met(k) for k in range(r.steps))
    # somewhere on the way the gradient alone was small enough: the velocity kept the run going
    assert np.any(np.abs(quartic_grad(r.iterates[:-1])) <= 1e-3)


def test_a_run_that_meets_the_rule_on_its_last_allowed_step_has_converged():
    r = run(SQUARE, GD, 10.0, lr=0.5, max_steps=1)
    assert (r.status, r.steps) == ("converged", 1)


# -- divergence ---------------------------------------------------------------------------------------


def test_divergence_is_caught_before_overflow_and_nothing_non_finite_is_recorded():
    r = run(QUARTIC, GD, 0.0, lr=5.0, max_steps=10_000)
    assert r.status == "diverged"
    assert np.all(np.isfinite(r.iterates)) and np.all(np.isfinite(r.losses))
    assert abs(r.iterates[-1]) > r.bound and np.all(np.abs(r.iterates[:-1]) <= r.bound)


def test_huge_learning_rate_never_warns_or_records_inf():
    # RuntimeWarnings are errors in the test suite: an overflow would fail here.
    r = run(QUARTIC, GD, 2.0, lr=1e300, max_steps=50)
    assert r.status == "diverged"
    assert np.all(np.isfinite(r.iterates)) and np.all(np.isfinite(r.losses))
    # x₁ = 2 − 1e300·f'(2) is finite but f(x₁) is not: the escaping point is left out
    assert (r.steps, r.iterates.tolist()) == (0, [2.0])


@pytest.mark.parametrize("lr", [5.0, 1e300])
def test_huge_momentum_steps_never_warn_either(lr):
    r = run(QUARTIC, steps.momentum, 2.0, lr=lr, beta=0.9, max_steps=50)
    assert r.status == "diverged" and np.all(np.isfinite(r.iterates)) and np.all(np.isfinite(r.states))


def test_the_bound_itself_is_inside():
    # η = 1.5 on x²: x is multiplied by −2 each step, 1, −2, 4, −8, …
    r = run(SQUARE, GD, 1.0, lr=1.5, bound=4.0)
    assert (r.status, r.steps, r.iterates.tolist()) == ("diverged", 3, [1.0, -2.0, 4.0, -8.0])
    r = run(SQUARE, GD, 1.0, lr=1.5, bound=3.99)
    assert (r.status, r.steps, r.iterates.tolist()) == ("diverged", 2, [1.0, -2.0, 4.0])
    assert run(SQUARE, GD, 4.0, lr=0.1, bound=4.0).status == "converged"  # a start on the bound is allowed


def test_divergence_in_the_plane_uses_the_euclidean_norm():
    # η = 0.3 on ½(x₁² + 10·x₂²): x₂ is multiplied by −2 per step; x₁ by 0.7.
    r = run(Quadratic2D((1.0, 10.0)), GD, [3.0, 2.0], lr=0.3, bound=5.0)
    norms = np.linalg.norm(r.iterates, axis=1)
    assert r.status == "diverged" and norms[-1] > 5.0 and np.all(norms[:-1] <= 5.0)
    assert r.steps == 2  # |x₂| = 4 after one step (‖x‖ = √(2.1² + 4²) ≈ 4.52), 8 after two


# -- budgets and the status vocabulary ---------------------------------------------------------------


def test_status_vocabulary():
    assert _STATUSES == ("converged", "diverged", "max_steps")
    grid = run(QUARTIC, GD, np.array([0.0, 0.0, 0.0]), lr=np.array([0.05, 0.09, 0.25]), max_steps=300)
    assert grid.status.tolist() == ["converged", "max_steps", "diverged"]


def test_max_steps_run_is_not_reported_as_a_minimum():
    r = run(QUARTIC, GD, 0.0, lr=0.001, max_steps=50)
    assert r.status == "max_steps" and not r.converged
    assert r.steps == 50 and len(r.iterates) == 51
    assert r.outcome() == "not converged after 50 steps"


def test_budget_of_one_step_and_the_default_budget():
    r = run(QUARTIC, GD, 0.0, lr=0.001, max_steps=1)
    assert (r.status, r.steps, len(r.iterates)) == ("max_steps", 1, 2)
    assert r.iterates[1] == 0.0 - 0.001 * -3.0
    r = run(QUARTIC, GD, 0.0, lr=1e-5)
    assert (r.status, r.steps, r.max_steps) == ("max_steps", 1000, 1000)


def test_outcome_phrases():
    assert run(SQUARE, GD, 10.0, lr=0.5).outcome() == "converged in 1 step"
    # x is multiplied by −2: 10, −20, 40, −80, 160 leaves |x| ≤ 100 at the fourth step
    assert run(SQUARE, GD, 10.0, lr=1.5, bound=100).outcome() == "diverged after 4 steps"
    assert run(SQUARE, GD, 10.0, lr=1.0, max_steps=1).outcome() == "not converged after 1 step"


# -- the record ---------------------------------------------------------------------------------------


def test_run_record_of_one_run():
    # η = 0.25 on x² halves x exactly: x_k = 10·2⁻ᵏ, and |f'(x_k)| = 20·2⁻ᵏ ≤ 1e-6 first at k = 25
    r = run(SQUARE, GD, 10.0, lr=0.25, max_steps=100, tol=1e-6, bound=1e3)
    assert isinstance(r, Run)
    assert (r.status, r.steps, r.converged) == ("converged", 25, True)
    assert np.array_equal(r.iterates, 10.0 * 0.5 ** np.arange(26))
    assert np.array_equal(r.losses, r.iterates**2)
    assert np.array_equal(r.states, np.zeros(26))  # gradient descent carries no state
    assert r.x == 10.0 * 0.5**25 and isinstance(r.x, float)
    assert r.settings == {"lr": 0.25, "tol": 1e-6, "bound": 1e3, "max_steps": 100}
    assert (r.lr, r.tol, r.bound, r.max_steps) == (0.25, 1e-6, 1e3, 100)
    assert r.records == {}
    with pytest.raises(AttributeError, match="a Run has no 'beta'"):
        _ = r.beta
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.status = "diverged"


def test_momentum_record_keeps_the_velocities():
    lr, beta = 0.02, 0.9
    r = run(QUARTIC, steps.momentum, -2.0, lr=lr, beta=beta, max_steps=400)
    assert r.beta == beta and r.states.shape == r.iterates.shape
    assert r.states[0] == 0.0
    # states[k] is the velocity that produced iterates[k]
    assert np.array_equal(r.iterates[1:], r.iterates[:-1] - lr * r.states[1:])
    v = beta * r.states[:-1] + (1 - beta) * quartic_grad(r.iterates[:-1])
    assert np.array_equal(r.states[1:], v)


def test_momentum_record_in_the_plane():
    r = run(Quadratic2D((1.0, 10.0)), steps.momentum, [4.0, 1.0], lr=0.1, beta=0.5, max_steps=30)
    assert r.iterates.shape == r.states.shape == (r.steps + 1, 2)
    np.testing.assert_array_equal(r.states[0], [0.0, 0.0])
    np.testing.assert_array_equal(r.iterates[1:], r.iterates[:-1] - 0.1 * r.states[1:])


def test_grid_record():
    x0 = np.linspace(-2, 2, 7)
    lr = np.geomspace(0.01, 0.2, 5)
    grid = run(QUARTIC, GD, x0[None, :], lr=lr[:, None], max_steps=50)
    assert grid.status.shape == grid.steps.shape == (5, 7)
    assert grid.iterates.shape == (5, 7, 16)
    assert grid.losses is None and grid.states is None
    assert np.array_equal(grid.x0, np.broadcast_to(x0[None, :], (5, 7)))
    assert np.array_equal(grid.lr, np.broadcast_to(lr[:, None], (5, 7)))
    assert (grid.tol, grid.bound, grid.max_steps) == (1e-6, 1e6, 50)
    assert set(np.unique(grid.status)) <= set(_STATUSES)
    assert np.array_equal(grid.converged, grid.status == "converged")
    assert_cell_is_the_run_alone(grid, (2, 3), run(QUARTIC, GD, x0[3], lr=lr[2], max_steps=50))


def test_grid_x_is_the_last_iterate_of_every_run():
    x0, lr = np.linspace(-2, 2, 7), np.geomspace(0.01, 0.2, 5)
    grid = run(QUARTIC, GD, x0[None, :], lr=lr[:, None], max_steps=50)
    assert grid.x.shape == (5, 7)
    assert np.array_equal(grid.x, grid.iterates[..., -1])
    batch = run(Quadratic2D(), GD, np.ones((3, 2)), lr=np.array([0.05, 0.1, 0.15]), max_steps=20)
    assert np.array_equal(batch.x, batch.iterates[:, -1, :])


def test_run_record_is_exported():
    assert helpers.Run is Run and helpers.run is run
    assert type(run(SQUARE, GD, 1.0, lr=0.1)) is helpers.Run


# -- grids: every run ends as it would alone ----------------------------------------------------------


@pytest.mark.parametrize("budget", [1, 5, 40, 300])
def test_grid_runs_agree_with_single_runs_bit_for_bit(budget):
    rng = np.random.default_rng(budget)
    x0 = rng.uniform(-2.5, 2.5, 60)
    lr = 10 ** rng.uniform(-2.5, -0.3, 60)
    grid = run(QUARTIC, GD, x0, lr=lr, max_steps=budget)
    assert grid.iterates.shape == (60, min(16, budget + 1))
    for i in range(len(x0)):
        assert_cell_is_the_run_alone(grid, i, run(QUARTIC, GD, x0[i], lr=lr[i], max_steps=budget))


def test_grid_covers_every_status_including_unrecorded_escapes():
    x0 = np.array([0.0, 0.0, 0.0, 2.0])
    lr = np.array([0.05, 0.09, 0.25, 1e300])  # converged, cycle, diverged, escape to a non-finite f
    grid = run(QUARTIC, GD, x0, lr=lr, max_steps=300)
    assert grid.status.tolist() == ["converged", "max_steps", "diverged", "diverged"]
    for i, (a, b) in enumerate(zip(x0, lr, strict=True)):
        assert_cell_is_the_run_alone(grid, i, run(QUARTIC, GD, a, lr=b, max_steps=300))
    assert np.all(np.isfinite(grid.iterates))


def test_grid_where_every_run_stops_before_the_tail():
    points = [p.x for p in QUARTIC.critical_points()]
    grid = run(QUARTIC, GD, points, lr=0.01, max_steps=100)
    assert np.all(grid.steps == 0) and np.all(grid.status == "converged")
    assert np.array_equal(grid.iterates, np.repeat(np.array(points)[:, None], 16, axis=1))


def test_grid_never_warns_even_for_absurd_learning_rates():
    grid = run(QUARTIC, GD, np.linspace(-2.5, 2.5, 11), lr=np.geomspace(1e-3, 1e300, 9)[:, None])
    assert np.all(np.isfinite(grid.iterates))
    grid = run(QUARTIC, steps.momentum, 0.5, lr=np.geomspace(1e-3, 1e300, 9)[:, None],
               beta=np.array([0.0, 0.5, 0.99]))
    assert np.all(np.isfinite(grid.iterates))


def test_tail_length_is_chosen_and_capped_by_the_budget():
    assert run(QUARTIC, GD, [0.0, 1.0], lr=0.09, max_steps=300, tail=4).iterates.shape == (2, 4)
    assert run(QUARTIC, GD, [0.0, 1.0], lr=0.09, max_steps=5, tail=1000).iterates.shape == (2, 6)


def test_a_single_run_with_a_tail_keeps_only_its_last_iterates():
    alone = run(QUARTIC, GD, 0.0, lr=0.09, max_steps=300)
    short = run(QUARTIC, GD, 0.0, lr=0.09, max_steps=300, tail=4)
    assert short.iterates.shape == (4,) and short.status == "max_steps" and short.steps == 300
    assert np.array_equal(short.iterates, alone.iterates[-4:])


def test_momentum_grid_of_lr_and_beta_agrees_with_single_runs():
    lr, beta = np.geomspace(0.02, 1.0, 6), np.array([0.0, 0.5, 0.9, 0.96])
    grid = run(QUARTIC, steps.momentum, -2.0, lr=lr[None, :], beta=beta[:, None], max_steps=500, bound=100.0)
    assert grid.status.shape == (4, 6) and np.array_equal(grid.beta, np.broadcast_to(beta[:, None], (4, 6)))
    assert set(grid.status.flat) == set(_STATUSES)
    for i in range(4):
        for j in range(6):
            alone = run(QUARTIC, steps.momentum, -2.0, lr=lr[j], beta=beta[i], max_steps=500, bound=100.0)
            assert_cell_is_the_run_alone(grid, (i, j), alone)


def rms_momentum(x, state, grad, lr, beta):
    """An optimiser written only for this test, with two moments as its state: Adam without bias correction."""
    m, s = state
    m = beta * m + (1 - beta) * grad
    s = 0.99 * s + 0.01 * grad * grad
    return x - lr * m / (np.sqrt(s) + 1e-8), (m, s)


@pytest.mark.parametrize("rule, hyper, state", [
    (steps.gradient_descent, {}, 0.0),
    (steps.momentum, {"beta": 0.7}, 0.0),
    (steps.momentum_sum, {"beta": 0.7}, 0.0),
    (steps.momentum_delta, {"mu": 0.7}, 0.0),
    (rms_momentum, {"beta": 0.7}, (0.0, 0.0)),
], ids=["gradient_descent", "momentum", "momentum_sum", "momentum_delta", "rms_momentum"])
def test_one_step_function_runs_a_number_a_batch_of_points_and_a_grid_of_settings(rule, hyper, state):
    kw = dict(max_steps=200, bound=100.0, state=state)
    # a number
    one = run(QUARTIC, rule, 1.5, lr=0.01, **hyper, **kw)
    assert one.iterates.ndim == 1 and one.status in _STATUSES
    # a batch of points in the plane: a grid of three runs, each as alone
    bowl, starts = Quadratic2D((1.0, 10.0)), np.array([[4.0, 1.0], [-2.0, 3.0], [0.5, -0.5]])
    batch = run(bowl, rule, starts, lr=0.05, **hyper, **kw)
    assert batch.status.shape == (3,) and batch.iterates.shape == (3, 16, 2)
    for i in range(3):
        assert_cell_is_the_run_alone(batch, i, run(bowl, rule, starts[i], lr=0.05, **hyper, **kw))
    # a grid of learning rates × starts, by broadcasting
    lr, x0 = np.geomspace(0.005, 0.3, 4), np.linspace(-2.0, 2.0, 5)
    grid = run(QUARTIC, rule, x0[None, :], lr=lr[:, None], **hyper, **kw)
    assert grid.status.shape == (4, 5)
    for i in range(4):
        for j in range(5):
            assert_cell_is_the_run_alone(grid, (i, j), run(QUARTIC, rule, x0[j], lr=lr[i], **hyper, **kw))
    # points × settings together: starts in the plane across, learning rates down
    both = run(bowl, rule, starts[None, :, :], lr=np.array([[0.01], [0.1]]), **hyper, **kw)
    assert both.status.shape == (2, 3) and both.iterates.shape == (2, 3, 16, 2)
    assert_cell_is_the_run_alone(both, (1, 2), run(bowl, rule, starts[2], lr=0.1, **hyper, **kw))


# -- validation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr=0.0), ValueError, r"lr must be in \(0, inf\), got 0.0"),
        (dict(lr=-0.1), ValueError, r"lr must be in \(0, inf\)"),
        (dict(lr=float("nan")), ValueError, "lr must contain only finite numbers"),
        (dict(lr=float("inf")), ValueError, "lr must contain only finite numbers"),
        (dict(lr=np.array([0.1, 0.0])), ValueError, r"lr must be in \(0, inf\), got 0.0"),
        pytest.param(dict(lr="0.1"), TypeError, "lr must be", id="lr-string"),
        pytest.param(dict(lr=True), TypeError, "lr must be", id="lr-bool"),
        (dict(max_steps=0), ValueError, r"max_steps must be an integer in \[1, 10000000\], got 0"),
        (dict(max_steps=-5), ValueError, "max_steps"),
        (dict(max_steps=10**7 + 1), ValueError, "max_steps"),
        (dict(max_steps=10.0), TypeError, "max_steps must be an integer"),
        (dict(max_steps=2.5), TypeError, "max_steps must be an integer"),
        (dict(tol=0.0), ValueError, r"tol must be in \(0, inf\)"),
        (dict(tol=-1.0), ValueError, "tol"),
        (dict(tol=float("nan")), ValueError, "tol must be finite"),
        (dict(bound=-1.0), ValueError, r"bound must be in \(0, inf\)"),
        (dict(tail=0), ValueError, r"tail must be an integer in \[1, 1000000\]"),
        (dict(tail=10**6 + 1), ValueError, r"tail must be an integer in \[1, 1000000\]"),
        (dict(tail=2.0), TypeError, "tail must be an integer"),
        (dict(x0=float("nan")), ValueError, "x0 must contain only finite numbers"),
        (dict(x0=[0.0, float("inf")]), ValueError, "x0 must contain only finite numbers"),
        (dict(x0="ten"), TypeError, "x0 must be numeric"),
        (dict(x0=1e7), ValueError, "x0 must lie inside the divergence bound"),
        (dict(x0=[0.0, 2e6]), ValueError, "x0 must lie inside the divergence bound"),
        (dict(x0=[0.0, 1.0], lr=[0.1, 0.2, 0.3]), ValueError, "x0 and the hyper-parameters must broadcast together"),
    ],
)
def test_bad_input_gets_a_clear_error(kwargs, error, match):
    args = dict(objective=SQUARE, step=GD, x0=10.0, lr=0.1) | kwargs
    with pytest.raises(error, match=match):
        run(**args)


@pytest.mark.parametrize(
    "step, kwargs, error, match",
    [
        (steps.momentum, dict(beta=1.0), ValueError, r"beta must be in \[0, 1\), got 1.0"),
        (steps.momentum, dict(beta=-0.1), ValueError, r"beta must be in \[0, 1\)"),
        (steps.momentum, dict(beta=np.array([0.5, 1.0])), ValueError, r"beta must be in \[0, 1\), got 1.0"),
        (steps.momentum, dict(beta=float("nan")), ValueError, "beta must contain only finite numbers"),
        (steps.momentum_delta, dict(mu=1.5), ValueError, r"mu must be in \[0, 1\), got 1.5"),
        (steps.momentum, dict(lr=np.ones(3), beta=np.full(4, 0.5)), ValueError, "must broadcast together"),
    ],
)
def test_bad_hyper_parameters_of_momentum_get_a_clear_error(step, kwargs, error, match):
    args = dict(lr=0.1, beta=0.5) if step is not steps.momentum_delta else dict(lr=0.1)
    with pytest.raises(error, match=match):
        run(QUARTIC, step, 0.0, **(args | kwargs))


def test_the_learning_rate_is_required():
    with pytest.raises(TypeError, match=r"run\(\) needs the learning rate lr"):
        run(SQUARE, GD, 10.0)


def test_step_must_be_an_update_rule():
    with pytest.raises(TypeError, match="step must be an update rule"):
        run(SQUARE, "gradient descent", 10.0, lr=0.1)


@pytest.mark.parametrize("objective", [lambda x: 2 * x, "x**2", None])
def test_objective_must_be_an_objective(objective):
    with pytest.raises(TypeError, match="objective must be a helpers Objective"):
        run(objective, GD, 10.0, lr=0.1)


@pytest.mark.parametrize("x0", [1.0, [1.0, 2.0, 3.0], np.ones((4, 3))])
def test_a_start_in_the_plane_needs_two_coordinates(x0):
    with pytest.raises(ValueError, match="x0 must have 2 coordinates"):
        run(Quadratic2D(), GD, x0, lr=0.1)


def test_several_starts_of_one_variable_are_a_batch():
    batch = run(SQUARE, GD, [1.0, 2.0], lr=0.5)
    assert batch.status.tolist() == ["converged", "converged"] and batch.steps.tolist() == [1, 1]
