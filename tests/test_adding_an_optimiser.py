"""CONTRIBUTING.md's claim: a new optimiser is one short update rule, and everything else already works.

The rule below, Nesterov's accelerated gradient in the form PyTorch's ``SGD(nesterov=True)`` uses,
is the whole of the new code. It runs unchanged as one run, a grid of learning rates, an outcome map
and over the epochs of a line fit; each result is checked against the method written out by hand.
"""

import inspect

import numpy as np

import helpers
from helpers import Quadratic2D, Quartic
from helpers.data import linear_regression
from helpers.regression import _LineFit, mse_grad


def nesterov(x, v, grad, lr, beta):
    """v ← β·v + ∇f(x), x ← x − η·(∇f(x) + β·v)."""
    v = beta * v + grad
    return x - lr * (grad + beta * v), v


def by_hand(objective, x0, lr, beta, steps):
    x, v, path = np.asarray(x0, dtype=float), 0.0, [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        g = objective.grad(x)
        v = beta * v + g
        x = x - lr * (g + beta * v)
        path.append(x)
    return np.array(path)


def test_the_new_optimiser_is_a_few_lines():
    assert len(inspect.getsource(nesterov).splitlines()) <= 10


def test_one_run_in_the_plane():
    ravine = Quadratic2D((1.0, 25.0))
    run = helpers.run(ravine, nesterov, [-9.0, 4.0], lr=0.05, beta=0.8, max_steps=40, tol=1e-12)
    assert run.status == "max_steps" and run.steps == 40
    np.testing.assert_array_equal(run.iterates, by_hand(ravine, [-9.0, 4.0], 0.05, 0.8, 40))
    done = helpers.run(ravine, nesterov, [-9.0, 4.0], lr=0.05, beta=0.8)
    assert done.status == "converged" and np.linalg.norm(done.x) < 1e-5


def test_a_grid_of_learning_rates_is_the_same_rule_on_arrays():
    quartic = Quartic()
    lrs = np.array([0.005, 0.02, 0.05, 0.3])
    grid = helpers.run(quartic, nesterov, -2.0, lr=lrs, beta=0.5, max_steps=200, tail=4)
    for i, lr in enumerate(lrs):
        alone = helpers.run(quartic, nesterov, -2.0, lr=lr, beta=0.5, max_steps=200)
        assert (grid.status[i], grid.steps[i]) == (alone.status, alone.steps)
        np.testing.assert_array_equal(grid.iterates[i, -1], alone.iterates[-1])
    assert set(grid.status) >= {"converged", "diverged"}


def test_an_outcome_map_names_every_cell():
    quartic = Quartic()
    lr, beta = np.geomspace(0.01, 0.3, 12), np.linspace(0.0, 0.9, 10)
    omap = helpers.outcome_map(quartic, nesterov, -2.0, lr=lr[None, :], beta=beta[:, None], max_steps=500)
    for i, j in [(0, 0), (5, 3), (9, 11), (9, 0)]:
        alone = helpers.classify_run(helpers.run(quartic, nesterov, -2.0, lr=lr[j], beta=beta[i], max_steps=500),
                                     quartic)
        assert omap.kinds[omap.code[i, j]] == alone.kind


def test_the_epochs_of_a_line_fit():
    x, y = linear_regression(60, rng=np.random.default_rng(3))
    run = helpers.run_epochs(nesterov, _LineFit(x, y), [0.0, 0.0], batch_size=8, epochs=5,
                             rng=np.random.default_rng(4), tol=0, lr=0.05, beta=0.9)
    rng, theta, v, path = np.random.default_rng(4), np.zeros(2), 0.0, [np.zeros(2)]
    for _ in range(5):
        order = rng.permutation(len(x))
        for a in range(0, len(x), 8):
            g = mse_grad(theta, x[order[a:a + 8]], y[order[a:a + 8]])
            v = 0.9 * v + g
            theta = theta - 0.05 * (g + 0.9 * v)
            path.append(theta)
    assert run.status == "max_steps" and run.updates == 5 * 8
    np.testing.assert_allclose(run.iterates, np.array(path), rtol=1e-12, atol=1e-12)
