"""Gradient descent with momentum through the runner: both conventions, single runs, grids and the (η, β) plane."""

import numpy as np
import pytest

from helpers import Quadratic2D, Quartic, Run, Square, classify_run, outcome_map, run, steps
from helpers.theory import _CONVENTIONS, equivalent_lr

RAVINE = Quadratic2D((1.0, 25.0))
START = np.array([-9.0, 4.0])
QUARTIC = Quartic()
RULES = {"average": steps.momentum, "sum": steps.momentum_sum}


def moving_average(values, beta):
    """V_t = β·V_{t−1} + (1 − β)·X_t from V_0 = 0, along the first axis, as a plain loop."""
    v, out = np.zeros_like(values[0]), []
    for value in values:
        v = beta * v + (1 - beta) * value
        out.append(v)
    return np.array(out)


# -- momentum runs ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "objective, x0, lr",
    [
        pytest.param(RAVINE, START, 0.07, id="ravine-converges"),
        pytest.param(RAVINE, START, 0.081, id="ravine-diverges-slowly"),
        pytest.param(RAVINE, START, 0.2, id="ravine-diverges-at-once"),
        pytest.param(RAVINE, START, 0.001, id="ravine-max-steps"),
        pytest.param(QUARTIC, -2.0, 0.05, id="quartic-left"),
        pytest.param(QUARTIC, 0.5, 0.3, id="quartic-middle"),
        pytest.param(Square(), 10.0, 1.0, id="square-bounces"),
    ],
)
def test_beta_zero_reproduces_plain_gradient_descent_exactly(objective, x0, lr):
    kw = dict(max_steps=600, tol=1e-6, bound=100.0)
    gd = run(objective, steps.gradient_descent, x0, lr=lr, **kw)
    runs = [run(objective, rule, x0, lr=lr, beta=0.0, **kw) for rule in RULES.values()]
    runs.append(run(objective, steps.momentum_delta, x0, lr=lr, mu=0.0, **kw))
    for result in runs:
        assert np.array_equal(result.iterates, gd.iterates)
        assert np.array_equal(result.losses, gd.losses)
        assert (result.status, result.steps) == (gd.status, gd.steps)


@pytest.mark.parametrize("lr, beta", [(0.2, 0.5), (0.5, 0.9), (1.0, 0.95), (0.2, 4 / 9), (0.3, 0.0), (1.4, 0.9)])
def test_the_two_conventions_give_the_same_iterates_after_rescaling(lr, beta):
    averaged = run(RAVINE, steps.momentum, START, lr=lr, beta=beta, max_steps=2000)
    summed = run(RAVINE, steps.momentum_sum, START, lr=lr * (1 - beta), beta=beta, max_steps=2000)
    k = min(len(averaged.iterates), len(summed.iterates))
    np.testing.assert_allclose(summed.iterates[:k], averaged.iterates[:k], rtol=0, atol=1e-12)
    # the summed velocity is the averaged one divided by 1 − β
    np.testing.assert_allclose(summed.states[:k] * (1 - beta), averaged.states[:k], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("objective, x0, lr, beta", [
    pytest.param(RAVINE, START, 0.2, 0.5, id="ravine-0.2-0.5"),
    pytest.param(RAVINE, START, 0.5, 0.9, id="ravine-0.5-0.9"),
    pytest.param(RAVINE, START, 1.0, 0.95, id="ravine-1.0-0.95"),
    pytest.param(RAVINE, START, 1.4, 0.9, id="ravine-1.4-0.9"),
    pytest.param(QUARTIC, -2.0, 0.05, 0.9, id="quartic-0.05-0.9"),
    pytest.param(QUARTIC, -2.0, 0.3, 0.9, id="quartic-0.3-0.9"),
    pytest.param(QUARTIC, -2.0, 0.15, 0.4, id="quartic-0.15-0.4"),
])
def test_the_two_conventions_follow_one_path_and_stop_by_the_step_they_take(objective, x0, lr, beta):
    """One method in two parametrisations, the same iterates. The runner measures the next step against the η
    it is given (‖Δx‖/η ≤ tol): the summed form, run with η(1 − β), needs its summed velocity ≤ tol, that is
    the averaged velocity ≤ (1 − β)·tol, so it stops at the same step or later, never earlier."""
    averaged = run(objective, steps.momentum, x0, lr=lr, beta=beta, max_steps=3000, bound=100.0)
    summed = run(objective, steps.momentum_sum, x0, lr=equivalent_lr(lr, beta), beta=beta, max_steps=3000,
                 bound=100.0)
    assert averaged.status == summed.status == "converged"
    assert summed.steps >= averaged.steps
    k = averaged.steps + 1
    np.testing.assert_allclose(summed.iterates[:k], averaged.iterates[:k], rtol=0, atol=1e-9)


@pytest.mark.parametrize("lr, beta", [(0.05, 0.9), (0.3, 0.9), (0.15, 0.4)])
def test_conventions_agree_on_the_quartic_too(lr, beta):
    averaged = run(QUARTIC, steps.momentum, -2.0, lr=lr, beta=beta, max_steps=3000, bound=100.0)
    summed = run(QUARTIC, steps.momentum_sum, -2.0, lr=lr * (1 - beta), beta=beta, max_steps=3000, bound=100.0)
    assert averaged.status == summed.status == "converged"
    k = min(len(averaged.iterates), len(summed.iterates))
    np.testing.assert_allclose(summed.iterates[:k], averaged.iterates[:k], rtol=0, atol=1e-12)
    assert abs(summed.x - averaged.x) < 1e-6


@pytest.mark.parametrize("lr, mu", [(0.05, 0.0), (0.05, 0.5), (0.02, 0.9)])
def test_the_delta_form_is_the_summed_form(lr, mu):
    summed = run(RAVINE, steps.momentum_sum, START, lr=lr, beta=mu, max_steps=400)
    delta = run(RAVINE, steps.momentum_delta, START, lr=lr, mu=mu, max_steps=400)
    assert (delta.status, delta.steps) == (summed.status, summed.steps)
    np.testing.assert_allclose(delta.iterates, summed.iterates, rtol=0, atol=1e-12)
    np.testing.assert_allclose(delta.states, -lr * summed.states, rtol=1e-9, atol=1e-14)  # Δw = −η·v
    np.testing.assert_allclose(delta.states[1:], np.diff(delta.iterates, axis=0), rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("convention", _CONVENTIONS)
def test_velocity_is_the_moving_average_of_the_gradients_and_drives_the_step(convention):
    lr, beta = 0.2, 0.7
    result = run(RAVINE, RULES[convention], START, lr=lr, beta=beta, max_steps=50, tol=1e-12)
    assert result.states.shape == result.iterates.shape
    grads = np.array([1.0, 25.0]) * result.iterates[:-1]  # ∇f = (x₁, 25·x₂)
    scale = 1.0 if convention == "average" else 1.0 / (1 - beta)
    np.testing.assert_allclose(result.states[1:], scale * moving_average(grads, beta), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.iterates[1:], result.iterates[:-1] - lr * result.states[1:], rtol=0,
                               atol=1e-14)
    assert np.all(result.states[0] == 0.0)


@pytest.mark.parametrize("convention", _CONVENTIONS)
def test_loop_written_out_agrees(convention):
    beta = 0.5
    lr = 0.2 if convention == "average" else 0.1
    w, v, path = START.copy(), 0.0, [START.copy()]
    for _ in range(40):
        g = np.array([1.0, 25.0]) * w
        v = beta * v + ((1 - beta) * g if convention == "average" else g)
        w = w - lr * v
        path.append(w)
    result = run(RAVINE, RULES[convention], START, lr=lr, beta=beta, max_steps=40, tol=1e-12)
    assert result.status == "max_steps" and result.steps == 40
    assert np.array_equal(np.array(path), result.iterates)


def test_an_initial_velocity_is_used():
    lr, beta = 0.1, 0.5
    x, v, path = 1.0, 3.0, [1.0]
    for _ in range(10):
        v = beta * v + (1 - beta) * 2.0 * x
        x = x - lr * v
        path.append(x)
    result = run(Square(), steps.momentum, 1.0, lr=lr, beta=beta, state=3.0, max_steps=10)
    np.testing.assert_allclose(result.iterates, path, rtol=1e-15)
    assert result.states[0] == 3.0


def test_converged_run_meets_the_stopping_rule_and_earlier_iterates_do_not():
    lr, beta, tol = 0.2, 0.6, 1e-8
    result = run(RAVINE, steps.momentum, START, lr=lr, beta=beta, max_steps=5000, tol=tol)
    assert result.status == "converged" and result.converged
    grads = np.array([1.0, 25.0]) * result.iterates
    next_v = beta * result.states + (1 - beta) * grads  # the velocity of the step each iterate would take
    small = (np.linalg.norm(grads, axis=1) <= tol) & (np.linalg.norm(next_v, axis=1) <= tol)
    assert small[-1] and not np.any(small[:-1])
    assert result.steps == len(result.iterates) - 1


def test_a_fast_iterate_crossing_the_minimum_is_not_converged():
    # On x² with η = 1, β = 0.5 from x = 1: v_1 = 0.5·2 = 1, so x_1 = 0 exactly, where the gradient is 0;
    # but the iterate is still moving (v_2 = 0.5), and x_2 = -0.5. A gradient-only rule would stop at x_1.
    result = run(Square(), steps.momentum, 1.0, lr=1.0, beta=0.5, max_steps=500)
    assert result.iterates[1] == 0.0 and result.iterates[2] == -0.5
    assert result.status == "converged" and result.steps > 2 and abs(result.x) < 1e-6


@pytest.mark.parametrize("convention", _CONVENTIONS)
def test_divergence_is_caught_before_overflow_and_nothing_non_finite_is_recorded(convention):
    for lr in (5.0, 1e300):
        result = run(QUARTIC, RULES[convention], 2.0, lr=lr, beta=0.9, max_steps=100)
        assert result.status == "diverged" and not result.converged
        assert np.all(np.isfinite(result.iterates)) and np.all(np.isfinite(result.losses))
        assert np.all(np.isfinite(result.states))
        assert np.all(np.abs(result.iterates[:-1]) <= result.bound)
        assert len(result.states) == len(result.iterates) == len(result.losses)


def test_escaping_point_is_recorded():
    result = run(RAVINE, steps.momentum, START, lr=0.2, beta=0.0, max_steps=100, bound=100.0)
    assert result.status == "diverged" and np.linalg.norm(result.iterates[-1]) > 100.0
    assert np.all(np.linalg.norm(result.iterates[:-1], axis=1) <= 100.0)
    assert result.steps == len(result.iterates) - 1
    assert result.outcome() == f"diverged after {result.steps} steps"


def test_max_steps_run_is_reported_honestly():
    result = run(RAVINE, steps.momentum, START, lr=0.001, beta=0.5, max_steps=30)
    assert result.status == "max_steps" and result.steps == 30 and not result.converged
    assert len(result.iterates) == 31
    assert result.outcome() == "not converged after 30 steps"


def test_run_record_is_a_run_and_can_be_classified():
    result = run(QUARTIC, steps.momentum, -2.0, lr=0.3, beta=0.9, max_steps=3000, bound=100.0)
    assert isinstance(result, Run)
    assert (result.lr, result.beta, result.max_steps, result.bound) == (0.3, 0.9, 3000, 100.0)
    outcome = classify_run(result, QUARTIC)
    assert outcome.kind == "converged" and outcome.point_name == "global minimum"
    assert outcome.phrase().startswith(f"converged to the global minimum x* = {outcome.point.x:.6f}")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        pytest.param(dict(beta=1.0), ValueError, r"beta must be in \[0, 1\), got 1.0", id="beta-one"),
        pytest.param(dict(beta=-0.5), ValueError, r"beta must be in \[0, 1\)", id="beta-negative"),
        pytest.param(dict(beta=float("nan")), ValueError, "beta must .*finite", id="beta-nan"),
        pytest.param(dict(beta="0.9"), TypeError, r"beta must be (a real number|numeric)", id="beta-string"),
        pytest.param(dict(beta=None), TypeError, r"beta must be (a real number|numeric)", id="beta-none"),
        pytest.param(dict(lr=0.0), ValueError, r"lr must be in \(0, inf\)", id="lr-zero"),
        pytest.param(dict(lr=float("inf")), ValueError, "lr must .*finite", id="lr-inf"),
        pytest.param(dict(lr="0.1"), TypeError, r"lr must be (a real number|numeric)", id="lr-string"),
        pytest.param(dict(lr=True), TypeError, r"lr must be (a real number|numeric)", id="lr-bool"),
        pytest.param(dict(max_steps=0), ValueError, r"max_steps must be an integer in \[1, 10000000\]",
                     id="max-steps-zero"),
        pytest.param(dict(max_steps=2.0), TypeError, "max_steps must be an integer", id="max-steps-float"),
        pytest.param(dict(tol=0.0), ValueError, r"tol must be in \(0, inf\)", id="tol-zero"),
        pytest.param(dict(bound=-1.0), ValueError, r"bound must be in \(0, inf\)", id="bound-negative"),
        pytest.param(dict(x0=[1.0]), ValueError, "x0 must have 2 coordinates", id="x0-one-coordinate"),
        pytest.param(dict(x0=1.0), ValueError, "x0 must have 2 coordinates", id="x0-number"),
        pytest.param(dict(x0=[np.nan, 1.0]), ValueError, "x0 must contain only finite numbers", id="x0-nan"),
        pytest.param(dict(x0=[1e7, 0.0]), ValueError, "x0 must lie inside the divergence bound", id="x0-outside"),
        pytest.param(dict(objective=lambda x: x), TypeError, "objective must be a helpers Objective", id="objective"),
        pytest.param(dict(step="momentum"), TypeError, "step must be an update rule", id="step"),
    ],
)
def test_momentum_run_validates(kwargs, error, match):
    args = dict(objective=RAVINE, step=steps.momentum, x0=START, lr=0.1, beta=0.5) | kwargs
    with pytest.raises(error, match=match):
        run(args.pop("objective"), args.pop("step"), args.pop("x0"), **args)


def test_missing_hyper_parameters_are_named():
    with pytest.raises(TypeError, match="lr"):
        run(RAVINE, steps.momentum, START, beta=0.5)
    with pytest.raises(TypeError, match="beta"):
        run(RAVINE, steps.momentum, START, lr=0.1)
    with pytest.raises(TypeError, match="beta"):  # a hyper-parameter the rule does not have
        run(RAVINE, steps.gradient_descent, START, lr=0.1, beta=0.5)


# -- whole grids at once ------------------------------------------------------------------------------
def padded(iterates, max_steps):
    """The iterates x_0 … x_max_steps of a run, a run that stopped early repeating its last point."""
    extra = max_steps + 1 - len(iterates)
    return np.concatenate([iterates, np.repeat(iterates[-1:], extra, axis=0)]) if extra else iterates


@pytest.mark.parametrize("convention", _CONVENTIONS)
@pytest.mark.parametrize("objective, x0, lrs", [
    pytest.param(RAVINE, START, np.geomspace(0.01, 3.0, 13), id="ravine"),
    pytest.param(QUARTIC, -2.0, np.geomspace(0.01, 1.0, 13), id="quartic"),
])
def test_every_grid_cell_is_exactly_the_single_run(convention, objective, x0, lrs):
    betas = np.linspace(0.0, 0.97, 9)
    rule = RULES[convention]
    grid = run(objective, rule, x0, lr=lrs[None, :], beta=betas[:, None], max_steps=400, bound=100.0, tail=6)
    assert grid.status.shape == (9, 13) and grid.steps.shape == (9, 13)
    assert grid.iterates.shape == (9, 13, 6) + np.shape(x0)
    assert grid.lr.shape == grid.beta.shape == (9, 13)
    assert set(grid.status.ravel()) == {"converged", "diverged", "max_steps"}  # all three paths are exercised
    for i, beta in enumerate(betas):
        for j, lr in enumerate(lrs):
            single = run(objective, rule, x0, lr=lr, beta=beta, max_steps=400, bound=100.0)
            assert (grid.status[i, j], grid.steps[i, j]) == (single.status, single.steps)
            assert np.array_equal(grid.iterates[i, j, -1], single.iterates[-1])
            assert np.array_equal(grid.iterates[i, j], padded(single.iterates, 400)[-6:])
            assert (grid.lr[i, j], grid.beta[i, j]) == (lr, beta)


def test_grid_broadcasts_scalars_and_vectors():
    grid = run(RAVINE, steps.momentum, START, lr=0.2, beta=np.array([0.0, 0.5, 0.9]), max_steps=300, bound=100.0)
    assert grid.status.shape == (3,) and grid.iterates.shape == (3, 16, 2)
    assert list(grid.status) == ["diverged", "converged", "max_steps"]


def test_grid_of_starts_and_settings():
    starts = np.array([-2.0, -1.0, 0.5, 2.0])
    grid = run(QUARTIC, steps.momentum_sum, starts[:, None, None], lr=np.array([0.01, 0.05])[None, :, None],
               beta=np.array([0.0, 0.5, 0.9])[None, None, :], max_steps=500, bound=100.0)
    assert grid.status.shape == (4, 2, 3)
    for i, x0 in enumerate(starts):
        single = run(QUARTIC, steps.momentum_sum, x0, lr=0.05, beta=0.5, max_steps=500, bound=100.0)
        assert (grid.status[i, 1, 1], grid.steps[i, 1, 1]) == (single.status, single.steps)
        assert grid.iterates[i, 1, 1, -1] == single.iterates[-1]


def test_a_tail_turns_a_single_run_into_a_grid_record():
    grid = run(RAVINE, steps.momentum, START, lr=0.1, beta=0.5, max_steps=50, tail=4)
    single = run(RAVINE, steps.momentum, START, lr=0.1, beta=0.5, max_steps=50)
    assert grid.status.shape == () and grid.iterates.shape == (4, 2)
    assert np.array_equal(grid.iterates, single.iterates[-4:])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr=np.array([0.1, 0.0])), ValueError, r"lr must be in \(0, inf\), got 0.0"),
        (dict(beta=np.array([0.5, 1.0])), ValueError, r"beta must be in \[0, 1\), got 1.0"),
        (dict(beta=np.array([0.5, np.nan])), ValueError, "beta must contain only finite numbers"),
        (dict(lr=np.ones(3), beta=np.full(4, 0.5)), ValueError, "the hyper-parameters must broadcast together"),
        (dict(tail=0), ValueError, r"tail must be an integer in \[1, 1000000\]"),
        (dict(tail=10**6 + 1), ValueError, r"tail must be an integer in \[1, 1000000\]"),
        (dict(max_steps=0), ValueError, "max_steps"),
        (dict(x0=[1.0, 2.0, 3.0]), ValueError, "x0 must have 2 coordinates"),
        (dict(x0=np.array([[1.0, 2.0], [3e6, 0.0]])), ValueError, "x0 must lie inside the divergence bound"),
    ],
)
def test_grid_validates(kwargs, error, match):
    args = dict(x0=START, lr=np.array([0.1, 0.2]), beta=0.5) | kwargs
    with pytest.raises(error, match=match):
        run(RAVINE, steps.momentum, args.pop("x0"), **args)


# -- the (η, β) plane ---------------------------------------------------------------------------------
@pytest.mark.parametrize("convention", _CONVENTIONS)
def test_outcome_map_names_each_cell_like_a_single_classified_run(convention):
    lrs = np.geomspace(0.02, 1.0, 9)
    betas = np.array([0.0, 0.5, 0.9, 0.96])
    if convention == "sum":
        lrs = lrs / 4
    rule = RULES[convention]
    qmap = outcome_map(QUARTIC, rule, -2.0, lr=lrs[None, :], beta=betas[:, None], max_steps=3000, bound=100.0)
    assert qmap.code.shape == qmap.period.shape == (4, 9)
    for i, beta in enumerate(betas):
        for j, lr in enumerate(lrs):
            outcome = classify_run(run(QUARTIC, rule, -2.0, lr=lr, beta=beta, max_steps=3000, bound=100.0), QUARTIC)
            label = qmap.labels[qmap.code[i, j]]
            assert qmap.kinds[qmap.code[i, j]] == outcome.kind
            if outcome.kind == "converged":
                assert label == f"converged to the {outcome.point_name} x* = {outcome.point.x:.2f}"
            else:
                assert label.startswith({"cycle": "cycle", "bounded": "bounded", "diverged": "diverged"}[outcome.kind])
    glob = qmap.code_of("converged to the global")
    assert not np.any(qmap.code[0] == glob)  # plain gradient descent never gets over the hump from -2 ...
    assert np.any(qmap.code == glob)  # ... momentum does for some settings
    assert sum(qmap.fraction(c) for c in qmap.present()) == pytest.approx(1.0)


def test_outcome_map_of_the_two_conventions_agree_after_rescaling():
    lrs = np.geomspace(0.02, 0.6, 7)
    betas = np.array([0.0, 0.5, 0.8])
    kw = dict(max_steps=3000, bound=100.0)
    averaged = outcome_map(QUARTIC, steps.momentum, -2.0, lr=lrs[None, :], beta=betas[:, None], **kw)
    summed = outcome_map(QUARTIC, steps.momentum_sum, -2.0, lr=lrs[None, :] * (1 - betas[:, None]),
                         beta=betas[:, None], **kw)
    assert summed.labels == averaged.labels
    assert np.array_equal(summed.code, averaged.code)


def test_outcome_map_validates():
    with pytest.raises(TypeError, match="objective must be a helpers Objective of one variable"):
        outcome_map(RAVINE, steps.momentum, START, lr=0.1, beta=0.5)
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\)"):
        outcome_map(QUARTIC, steps.momentum, -2.0, lr=np.array([0.1]), beta=np.array([0.5, 1.0])[:, None])
    with pytest.raises(ValueError, match=r"max_period must be an integer in \[1, 1000\]"):
        outcome_map(QUARTIC, steps.momentum, -2.0, lr=0.1, beta=0.5, max_period=0)
    qmap = outcome_map(QUARTIC, steps.momentum, -2.0, lr=np.array([0.1]), beta=np.array([0.5])[:, None], max_steps=50)
    with pytest.raises(ValueError, match="label_start must match exactly one"):
        qmap.code_of("converged")
