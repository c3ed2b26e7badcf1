"""Results that do not depend on the CPU: a grid of runs and a single run take the same arithmetic path.

numpy's vectorised ``power``, ``exp`` and ``log`` may round the last bit differently from Python's float
operations, and differently on a CPU with AVX-512 than on one without (``NPY_DISABLE_CPU_FEATURES``
limits numpy's runtime dispatch; ``.ci/run`` runs these tests both ways). A chaotic run turns one ulp
into another picture, so the runner's grid must repeat every single run bit for bit, not to a
tolerance. The inputs here are moved one ulp off round numbers (``np.nextafter``), so the agreement
cannot rest on lucky values.
"""

import math

import numpy as np
import pytest

import helpers
from helpers import Quartic, steps
from helpers.objectives import Quadratic2D, Rosenbrock, Saddle


def one_ulp_up(values):
    return np.nextafter(np.asarray(values, dtype=float), np.inf)


def test_power_rounds_as_pythons_float_power_for_numbers_and_arrays():
    """Adam's bias correction 1 − βᵗ for the βs and step counts of its runs: the array form equals Python's
    ``**`` on each entry (numpy's vectorised power differed in 37 of these 597 pairs on an AVX-512 CPU)."""
    betas = [0.9, 0.99, 0.999, *one_ulp_up([0.9, 0.99, 0.999])]
    for t in range(1, 200):
        column = np.array(betas)[:, None]  # as the runner passes a grid's hyper-parameters
        got = steps.power(column, t)
        assert got.shape == column.shape
        assert got.ravel().tolist() == [b**t for b in betas]
        assert steps.power(betas[0], t) == betas[0] ** t and isinstance(steps.power(betas[0], t), float)
    pairs = steps.power(np.array([0.9, 0.99, 0.9]), np.array([3, 7, 11]))  # a step count per entry
    assert pairs.tolist() == [0.9**3, 0.99**7, 0.9**11]
    assert steps.power(0.9, np.int64(5)) == 0.9**5  # a numpy step count is taken as a Python int


@pytest.mark.parametrize("rule, grid", [
    (steps.gradient_descent, {"lr": [0.001, 0.0015, 0.002]}),
    (steps.momentum, {"lr": [0.002, 0.004], "beta": [0.5, 0.9]}),
    (steps.nesterov, {"lr": [0.0005, 0.001], "beta": [0.8, 0.9]}),
    (steps.adagrad, {"lr": [0.05, 0.2], "eps": [1e-10, 1e-8]}),
    (steps.rmsprop, {"lr": [0.005, 0.02], "beta2": [0.9, 0.99]}),
    (steps.adam, {"lr": [0.02, 0.05], "beta1": [0.5, 0.9], "beta2": [0.99, 0.999]}),
])
def test_a_grid_of_settings_one_ulp_off_repeats_each_single_run_bit_for_bit(rule, grid):
    """Every hyper-parameter varies across the grid (Adam's β₁ and β₂ too: their powers are the path that
    drifted), on Rosenbrock's valley, where a run amplifies any difference."""
    rosenbrock = Rosenbrock()
    start = one_ulp_up([-1.2, 1.0])
    values = {name: one_ulp_up(v) for name, v in grid.items()}
    axes = np.meshgrid(*values.values(), indexing="ij")
    shape = axes[0].shape
    columns = dict(zip(values, axes, strict=True))
    runs = helpers.run(rosenbrock, rule, start, max_steps=400, bound=100.0, tail=401, **columns)
    for index in np.ndindex(shape):
        alone = helpers.run(rosenbrock, rule, start, max_steps=400, bound=100.0,
                            **{name: float(a[index]) for name, a in columns.items()})
        assert (runs.status[index], runs.steps[index]) == (alone.status, alone.steps)
        np.testing.assert_array_equal(runs.iterates[index][: alone.steps + 1], alone.iterates)


@pytest.mark.parametrize("objective, start", [(Quartic(), -2.0), (Saddle(), [-1.8, 0.05]),
                                              (Quadratic2D((1.0, 25.0)), [-9.0, 4.0])])
def test_the_objectives_give_the_same_bits_for_a_point_and_a_batch(objective, start):
    """Gradients and values from products, never powers: a point alone and the same point in a batch agree."""
    points = one_ulp_up(np.asarray(start, dtype=float) * np.linspace(0.5, 1.5, 7)[:, None]).squeeze()
    for p in points:
        k = np.flatnonzero(np.all((points == p).reshape(len(points), -1), axis=1))[0]
        assert np.array_equal(objective.grad(p), objective.grad(points)[k])
        assert np.array_equal(objective.f(p), objective.f(points)[k])


def test_log_grid_is_geomspace_to_the_last_bit_or_one_ulp():
    """The values of ``np.geomspace`` (within an ulp, whatever this CPU's numpy rounds), the ends exact,
    and on every CPU the same bits: Python's float ``**``, value by value."""
    for start, stop, num in [(0.005, 0.3, 300), (0.01, 1.0, 81), (1e-14, 0.1, 53)]:
        grid = helpers.log_grid(start, stop, num)
        np.testing.assert_allclose(grid, np.geomspace(start, stop, num), rtol=4.5e-16, atol=0)  # 2 ulp
        assert (grid[0], grid[-1]) == (start, stop)
        low, step = math.log10(start), (math.log10(stop) - math.log10(start)) / (num - 1)
        assert grid[1:-1].tolist() == [10.0 ** (k * step + low) for k in range(1, num - 1)]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(start=0.0, stop=1.0, num=5), ValueError, r"start must be in \(0, inf\)"),
    (dict(start=0.1, stop=-1.0, num=5), ValueError, r"stop must be in \(0, inf\)"),
    (dict(start=0.1, stop=1.0, num=1), ValueError, r"num must be an integer in \[2, "),
    (dict(start=0.1, stop=1.0, num=2.0), TypeError, r"num must be an integer"),
])
def test_log_grid_names_a_bad_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        helpers.log_grid(**kwargs)
