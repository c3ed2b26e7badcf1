"""The honest outcome of a run (converged to which point, cycle, bounded, diverged) and outcome maps."""

import numpy as np
import pytest

from helpers import Quadratic2D, Quartic, Square, steps
from helpers.outcomes import (
    OUTCOMES,
    Outcome,
    OutcomeMap,
    _classify_tail,
    classify_outcomes,
    classify_run,
    critical_names,
    outcome_map,
)
from helpers.runner import Run, run

QUARTIC = Quartic()
GD = steps.gradient_descent


def plain_quartic_run(x0, lr, n):
    """The update written out with Python floats, no stopping rule (for independent expectations)."""
    xs = [x0]
    for _ in range(n):
        x = xs[-1]
        xs.append(x - lr * (4.0 * x * x * x - 10.0 * x - 3.0))
    return np.array(xs)


def test_outcome_vocabulary():
    assert OUTCOMES == ("converged", "cycle", "bounded", "diverged")


# -- _classify_tail ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("period", [1, 2, 3, 5, 8])
def test_classify_tail_finds_the_smallest_period(period):
    cycle = np.arange(period, dtype=float) ** 2 + 0.5  # distinct values, so no smaller period fits
    tail = np.tile(cycle, 40)[-16:]
    assert _classify_tail(tail) == period


def test_classify_tail_reports_multiples_as_the_base_period():
    tail = np.tile([1.0, 2.0], 8)
    assert _classify_tail(tail, max_period=8) == 2  # 4, 6 and 8 fit too; the smallest is the period


def test_classify_tail_refuses_periods_longer_than_max_or_seen_only_once():
    tail = np.tile(np.arange(9.0), 4)[-18:]
    assert _classify_tail(tail, max_period=8) == 0
    assert _classify_tail(tail, max_period=9) == 9
    # [a, b, a] shows period 2 only once: not enough to call it a cycle
    assert _classify_tail([1.0, 2.0, 1.0], max_period=8) == 0


def test_classify_tail_on_chaos_finds_no_period():
    x, xs = 0.2, []
    for _ in range(200):
        x = 4.0 * x * (1.0 - x)  # the logistic map at r = 4 is chaotic
        xs.append(x)
    assert _classify_tail(xs[-16:]) == 0


def test_classify_tail_tolerance():
    tail = np.tile([1.0, 2.0], 8) + np.tile([0.0, 0.0, 3e-10, 3e-10], 4)
    assert _classify_tail(tail, atol=1e-9) == 2
    assert _classify_tail(tail, atol=1e-10) == 4
    assert _classify_tail(np.tile([1.0, 1.0 + 1e-12], 8), atol=0.0) == 2  # atol = 0: exact repetition only


def test_classify_tail_works_on_batches():
    tails = np.stack([np.full(16, 3.0), np.tile([1.0, -1.0], 8), np.linspace(0, 1, 16)]).reshape(3, 1, 16)
    period = _classify_tail(tails)
    assert period.shape == (3, 1)
    np.testing.assert_array_equal(period, [[1], [2], [0]])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(tail=1.0), ValueError, "tail must have at least one dimension"),
        pytest.param(dict(tail=[1.0, np.nan]), ValueError, "tail must contain only finite numbers", id="tail-nan"),
        pytest.param(dict(tail=[]), ValueError, "tail must not be empty", id="tail-empty"),
        pytest.param(dict(tail=["a", "b"]), TypeError, "tail must be numeric", id="tail-strings"),
        (dict(tail=[1.0, 1.0], max_period=0), ValueError, r"max_period must be an integer in \[1, 1000\]"),
        (dict(tail=[1.0, 1.0], max_period=2.0), TypeError, "max_period must be an integer"),
        (dict(tail=[1.0, 1.0], atol=-1.0), ValueError, r"atol must be in \[0, inf\)"),
        (dict(tail=[1.0, 1.0], atol=float("nan")), ValueError, "atol must be finite"),
    ],
)
def test_classify_tail_validates(kwargs, error, match):
    with pytest.raises(error, match=match):
        _classify_tail(**kwargs)


# -- classify_outcomes ------------------------------------------------------------------------------------


def test_classify_outcomes_names_every_kind():
    status = ["converged", "diverged", "max_steps", "max_steps", "max_steps"]
    tail = np.stack([np.full(16, 1.7), np.full(16, 9.0), np.tile([1.0, 2.0], 8), np.full(16, 0.3),
                     np.linspace(0, 1, 16)])
    outcome, period = classify_outcomes(status, tail)
    assert [OUTCOMES[o] for o in outcome] == ["converged", "diverged", "cycle", "bounded", "bounded"]
    np.testing.assert_array_equal(period, [1, 0, 2, 0, 0])


def test_the_status_decides_before_the_tail():
    # a converged run whose tail still moves is converged; a diverged run whose tail repeats is diverged
    tail = np.stack([np.linspace(0, 1, 16), np.tile([1.0, 2.0], 8)])
    outcome, period = classify_outcomes(["converged", "diverged"], tail)
    assert [OUTCOMES[o] for o in outcome] == ["converged", "diverged"]
    np.testing.assert_array_equal(period, [1, 0])


def test_classify_outcomes_passes_max_period_and_atol_on():
    tail = np.tile([1.0, 2.0, 3.0], 6)[:16][None, :]
    assert OUTCOMES[int(classify_outcomes(["max_steps"], tail)[0][0])] == "cycle"
    assert OUTCOMES[int(classify_outcomes(["max_steps"], tail, max_period=2)[0][0])] == "bounded"
    noisy = (np.tile([1.0, 2.0], 8) + np.tile([0.0, 0.0, 3e-10, 3e-10], 4))[None, :]
    assert classify_outcomes(["max_steps"], noisy, atol=1e-10)[1][0] == 4


def test_a_run_stopped_at_max_steps_is_never_converged_even_when_it_stands_still():
    # Standing still (period 1) without meeting the stopping rule is "bounded, not converged".
    outcome, period = classify_outcomes(np.array("max_steps"), np.full(16, 1.7139394361853717))
    assert OUTCOMES[int(outcome)] == "bounded" and int(period) == 0


def test_classify_outcomes_of_a_grid_of_runs():
    x0 = np.array([0.0, 0.0, 0.0, 2.0])
    lr = np.array([0.05, 0.09, 0.25, 1e300])  # converged, cycle, diverged, escape to a non-finite f
    grid = run(QUARTIC, GD, x0, lr=lr, max_steps=300)
    outcome, period = classify_outcomes(grid.status, grid.iterates)
    assert [OUTCOMES[o] for o in outcome] == ["converged", "cycle", "diverged", "diverged"]
    assert list(period) == [1, 2, 0, 0]


@pytest.mark.parametrize(
    "status, tail, error, match",
    [
        (["finished"], np.zeros((1, 4)), ValueError, "status must hold names from"),
        ([7], np.zeros((1, 4)), ValueError, "status must hold names from"),
        ([0.5], np.zeros((1, 4)), ValueError, "status must hold names from"),
        (["converged", "diverged"], np.zeros((3, 4)), ValueError, "tail must have shape"),
        (["converged"], np.zeros(4), ValueError, "tail must have shape"),
        (["converged"], [[1.0, np.nan]], ValueError, "tail must contain only finite numbers"),
        (["converged"], [["a", "b"]], TypeError, "tail must be numeric"),
    ],
)
def test_classify_outcomes_validates(status, tail, error, match):
    with pytest.raises(error, match=match):
        classify_outcomes(status, tail)


# -- critical points ----------------------------------------------------------------------------------


def test_critical_names():
    points, names = critical_names(QUARTIC)
    assert names == ["local minimum", "local maximum", "global minimum"]
    assert [p.x for p in points] == [p.x for p in QUARTIC.critical_points()]
    assert critical_names(Square())[1] == ["global minimum"]
    with pytest.raises(TypeError, match="objective must be a helpers Objective of one variable"):
        critical_names(Quadratic2D())
    with pytest.raises(TypeError, match="objective must be a helpers Objective of one variable"):
        critical_names("quartic")


# -- classify_run and Outcome ---------------------------------------------------------------------------


def test_classify_run_converged_names_the_minimum():
    left, _, right = QUARTIC.critical_points()
    r = run(QUARTIC, GD, -2.0, lr=0.02)
    out = classify_run(r, QUARTIC)
    assert (out.kind, out.point, out.point_name, out.period, out.steps) == (
        "converged", left, "local minimum", 1, r.steps)
    assert out.phrase() == f"converged to the local minimum x* = {left.x:.6f} in {r.steps} steps"
    out = classify_run(run(QUARTIC, GD, 0.0, lr=0.05), QUARTIC)
    assert (out.kind, out.point, out.point_name) == ("converged", right, "global minimum")
    bare = classify_run(run(QUARTIC, GD, 0.0, lr=0.05))  # no objective, no name
    assert bare.kind == "converged" and bare.point is None and bare.point_name == ""


def test_a_run_started_on_the_local_maximum_converges_to_it_and_says_so():
    peak = QUARTIC.critical_points()[1]
    out = classify_run(run(QUARTIC, GD, peak.x, lr=0.01), QUARTIC)
    assert (out.kind, out.point_name, out.steps) == ("converged", "local maximum", 0)


def test_naive_final_x_after_max_steps_is_not_reported_as_a_minimum():
    r = run(QUARTIC, GD, 0.0, lr=0.12, max_steps=50)
    assert r.status == "max_steps"
    out = classify_run(r, QUARTIC)
    assert out.kind == "bounded" and out.point is None and "minimum" not in out.phrase()
    slow = classify_run(run(QUARTIC, GD, 0.0, lr=0.001, max_steps=50), QUARTIC)
    assert slow.kind == "bounded" and slow.phrase() == "bounded but not converged after 50 steps"


def test_classify_run_finds_the_two_cycle_predicted_by_the_plain_loop():
    xs = plain_quartic_run(0.0, 0.09, 300)
    assert abs(xs[-1] - xs[-3]) < 1e-12 and abs(xs[-1] - xs[-2]) > 0.1  # an independent look at the cycle
    out = classify_run(run(QUARTIC, GD, 0.0, lr=0.09, max_steps=300), QUARTIC)
    assert (out.kind, out.period) == ("cycle", 2)
    assert out.phrase() == "cycle of period 2, not converged after 300 steps"


def test_classify_run_diverged():
    out = classify_run(run(QUARTIC, GD, 0.0, lr=0.25), QUARTIC)
    xs = plain_quartic_run(0.0, 0.25, 10)
    first_out = int(np.argmax(np.abs(xs) > 1e6))
    assert out.kind == "diverged" and out.steps == first_out and out.period == 0
    assert out.phrase() == f"diverged after {first_out} steps"


def test_classify_run_in_the_plane():
    bowl = Quadratic2D((1.0, 10.0))
    # η = 0.2: x₂ is multiplied by 1 − 0.2·10 = −1 every step (a 2-cycle), x₁ by 0.8 (dies out)
    out = classify_run(run(bowl, GD, [1.0, 1.0], lr=0.2, max_steps=300))
    assert (out.kind, out.period) == ("cycle", 2)
    assert classify_run(run(bowl, GD, [1.0, 1.0], lr=0.1)).kind == "converged"


def test_a_cycle_not_looked_for_is_still_never_converged():
    r = run(QUARTIC, GD, 0.0, lr=0.09, max_steps=300)
    assert classify_run(r, QUARTIC, max_period=1).kind == "bounded"  # period 2 not looked for


def test_classify_run_of_momentum():
    # β = 0.96 from −2: the velocity carries the iterate over the hump to the global minimum
    x, v = -2.0, 0.0
    for _ in range(3000):  # an independent look: the averaged momentum written out
        v = 0.96 * v + 0.04 * (4.0 * x * x * x - 10.0 * x - 3.0)
        x = x - 0.2 * v
    right = QUARTIC.critical_points()[2]
    assert abs(x - right.x) < 1e-6
    r = run(QUARTIC, steps.momentum, -2.0, lr=0.2, beta=0.96, max_steps=3000)
    out = classify_run(r, QUARTIC)
    assert (out.kind, out.point, out.point_name) == ("converged", right, "global minimum")
    assert np.any(r.iterates[: r.steps] > QUARTIC.critical_points()[1].x)  # it went over the local maximum
    # plain gradient descent with the same step stays in the left valley
    assert classify_run(run(QUARTIC, GD, -2.0, lr=0.2 * 0.04, max_steps=3000), QUARTIC).point_name == "local minimum"


def test_classify_run_validates():
    with pytest.raises(TypeError, match="result must be the Run of one run"):
        classify_run([0.0, 1.0])
    grid = run(QUARTIC, GD, [0.0, 1.0], lr=0.05)
    assert isinstance(grid, Run)
    with pytest.raises(TypeError, match="result must be the Run of one run"):
        classify_run(grid)
    converged = run(QUARTIC, GD, 0.0, lr=0.05)
    with pytest.raises(TypeError, match="objective must be a helpers Objective of one variable"):
        classify_run(converged, Quadratic2D())
    with pytest.raises(ValueError, match="max_period"):
        classify_run(converged, QUARTIC, max_period=0)


@pytest.mark.parametrize("atol, error, match", [
    pytest.param(-1.0, ValueError, r"atol must be in \[0, inf\)", id="atol-negative"),
    pytest.param(float("nan"), ValueError, "atol must be finite", id="atol-nan"),
    pytest.param("tiny", TypeError, "atol must be a real number", id="atol-string"),
])
def test_classify_run_validates_atol(atol, error, match):
    with pytest.raises(error, match=match):
        classify_run(run(QUARTIC, GD, 0.0, lr=0.05), QUARTIC, atol=atol)


def test_classify_run_checks_the_objective_whatever_the_outcome():
    unfinished = run(QUARTIC, GD, 0.0, lr=0.09, max_steps=300)
    with pytest.raises(TypeError, match="objective must be a helpers Objective of one variable"):
        classify_run(unfinished, Quadratic2D())


@pytest.mark.parametrize(
    "outcome, phrase",
    [
        (Outcome("converged", 1, 1), "converged in 1 step"),
        (Outcome("cycle", 200, 4), "cycle of period 4, not converged after 200 steps"),
        (Outcome("bounded", 1, 0), "bounded but not converged after 1 step"),
        (Outcome("diverged", 7, 0), "diverged after 7 steps"),
    ],
)
def test_outcome_phrases(outcome, phrase):
    assert outcome.phrase() == phrase


# -- the outcome map of gradient descent ------------------------------------------------------------------

X0 = np.linspace(-2.5, 2.5, 80)
LR = np.geomspace(0.005, 0.3, 60)


@pytest.fixture(scope="module")
def omap():
    return outcome_map(QUARTIC, GD, X0[None, :], lr=LR[:, None], max_steps=300)


def test_outcome_map_labels(omap):
    assert isinstance(omap, OutcomeMap) and omap.code.shape == omap.period.shape == (60, 80)
    assert omap.kinds == ("converged",) * 3 + ("cycle", "bounded", "diverged")
    assert omap.point_names == ("local minimum", "local maximum", "global minimum")
    assert omap.points == tuple(QUARTIC.critical_points())
    assert omap.labels[0] == f"converged to the local minimum x* = {omap.points[0].x:.2f}"
    assert omap.labels[3:] == ("cycle (period 2 … 8), not converged", "bounded but not converged", "diverged")
    assert set(np.unique(omap.code)) == set(omap.present())
    assert sum(omap.fraction(c) for c in omap.present()) == pytest.approx(1.0)


def test_outcome_map_keeps_its_runs(omap):
    runs = omap.runs
    assert isinstance(runs, Run) and runs.status.shape == (60, 80)
    assert runs.iterates.shape == (60, 80, 16)  # 2·max_period iterates, enough to see a cycle of 8 twice
    assert np.array_equal(runs.x0, np.broadcast_to(X0[None, :], (60, 80)))
    assert np.array_equal(runs.lr, np.broadcast_to(LR[:, None], (60, 80)))


def test_outcome_map_periods(omap):
    kinds = np.array(omap.kinds)[omap.code]
    assert np.all(omap.period[kinds == "converged"] == 1)
    assert np.all(omap.period[kinds == "cycle"] >= 2)
    assert np.all(omap.period[(kinds == "bounded") | (kinds == "diverged")] == 0)


def test_outcome_map_agrees_with_single_runs(omap):
    rng = np.random.default_rng(3)
    checked = set()
    for code in omap.present():  # a few cells of every outcome
        cells = np.argwhere(omap.code == code)
        picks = cells[rng.choice(len(cells), size=min(4, len(cells)), replace=False)]
        for i, j in picks:
            out = classify_run(run(QUARTIC, GD, X0[j], lr=LR[i], max_steps=300), QUARTIC)
            kind = omap.kinds[code]
            assert out.kind == kind, (X0[j], LR[i])
            if kind == "converged":
                assert out.point == omap.points[code]
            if kind == "cycle":
                assert out.period == omap.period[i, j] >= 2
            checked.add(kind)
    assert checked == {"converged", "cycle", "bounded", "diverged"}


def test_outcome_map_small_learning_rates_split_at_the_local_maximum(omap):
    peak = QUARTIC.critical_points()[1].x
    row = omap.code[0]  # η = 0.005
    assert np.all(row[X0 < peak - 0.1] == 0) and np.all(row[X0 > peak + 0.1] == 2)


def test_outcome_map_cells_and_codes(omap):
    def cell(x0, lr):
        return int(omap.code[np.argmin(np.abs(np.log(LR) - np.log(lr))), np.argmin(np.abs(X0 - x0))])

    assert cell(2.0, 0.01) == 2 and cell(-2.0, 0.01) == 0
    assert omap.kinds[cell(0.0, 0.3)] == "diverged"
    assert omap.code_of("converged to the global") == 2
    assert omap.code_of("converged to the local max") == 1
    assert omap.code_of("diverged") == 5
    with pytest.raises(ValueError, match="label_start must match exactly one"):
        omap.code_of("converged")
    with pytest.raises(ValueError, match="label_start must match exactly one"):
        omap.code_of("escaped")


def test_outcome_map_max_period_sets_the_tail_and_the_label():
    small = outcome_map(QUARTIC, GD, 0.0, lr=np.array([0.05, 0.09]), max_steps=300, max_period=3)
    assert small.runs.iterates.shape == (2, 6)
    assert small.labels[3] == "cycle (period 2 … 3), not converged"
    assert [small.kinds[c] for c in small.code] == ["converged", "cycle"]
    assert small.period.tolist() == [1, 2]


def test_outcome_map_validates():
    with pytest.raises(ValueError, match="max_period"):
        outcome_map(QUARTIC, GD, [0.0], lr=0.1, max_period=0)
    with pytest.raises(TypeError, match="objective must be a helpers Objective of one variable"):
        outcome_map(Quadratic2D(), GD, [0.0, 0.0], lr=0.1)
    with pytest.raises(TypeError, match="lr"):
        outcome_map(QUARTIC, GD, [0.0])
    with pytest.raises(ValueError, match=r"lr must be in \(0, inf\)"):
        outcome_map(QUARTIC, GD, [0.0], lr=np.array([0.1, 0.0]))
    with pytest.raises(ValueError, match="must broadcast together"):
        outcome_map(QUARTIC, GD, np.zeros(2), lr=np.full(3, 0.1))
    with pytest.raises(ValueError, match="atol"):
        outcome_map(QUARTIC, GD, [0.0], lr=0.1, atol=-1.0)


# -- the outcome map of momentum ----------------------------------------------------------------------

LRS = np.geomspace(0.02, 1.0, 9)
BETAS = np.array([0.0, 0.5, 0.9, 0.96])


@pytest.fixture(scope="module")
def mmap():
    return outcome_map(QUARTIC, steps.momentum, -2.0, lr=LRS[None, :], beta=BETAS[:, None], max_steps=3000,
                       bound=100.0)


def test_momentum_map_names_each_cell_like_a_single_classified_run(mmap):
    assert mmap.code.shape == (4, 9)
    kinds = set()
    for i, beta in enumerate(BETAS):
        for j, lr in enumerate(LRS):
            r = run(QUARTIC, steps.momentum, -2.0, lr=lr, beta=beta, max_steps=3000, bound=100.0)
            out = classify_run(r, QUARTIC)
            label = mmap.labels[mmap.code[i, j]]
            if out.kind == "converged":
                assert label == f"converged to the {out.point_name} x* = {out.point.x:.2f}"
            else:
                assert label.startswith({"cycle": "cycle", "bounded": "bounded", "diverged": "diverged"}[out.kind])
            kinds.add(out.kind)
    assert {"converged", "diverged"} <= kinds


def test_momentum_gets_over_the_hump_where_gradient_descent_cannot(mmap):
    glob = mmap.code_of("converged to the global")
    assert not np.any(mmap.code[0] == glob)  # plain gradient descent never gets over the hump from -2 ...
    assert np.any(mmap.code == glob)  # ... momentum does for some settings
    assert sum(mmap.fraction(c) for c in mmap.present()) == pytest.approx(1.0)


def test_momentum_map_with_beta_zero_is_the_gradient_descent_map(mmap):
    plain = outcome_map(QUARTIC, GD, -2.0, lr=LRS, max_steps=3000, bound=100.0)
    assert np.array_equal(mmap.code[0], plain.code) and np.array_equal(mmap.period[0], plain.period)
    assert mmap.labels == plain.labels


def test_momentum_map_settings(mmap):
    assert np.array_equal(mmap.runs.beta, np.broadcast_to(BETAS[:, None], (4, 9)))
    assert np.array_equal(mmap.runs.lr, np.broadcast_to(LRS[None, :], (4, 9)))


def test_momentum_map_validates():
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\), got 1.0"):
        outcome_map(QUARTIC, steps.momentum, -2.0, lr=0.1, beta=np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="must broadcast together"):
        outcome_map(QUARTIC, steps.momentum, -2.0, lr=np.full(3, 0.1), beta=np.full(4, 0.5))
