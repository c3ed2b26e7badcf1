"""Exponentially weighted moving averages and their effective window (helpers.averages)."""

import math

import numpy as np
import pytest

from helpers.averages import effective_window, ewma


def direct_sums(x, beta):
    """V_t = Σ_{i ≤ t} (1 − β)·β^(t−i)·X_i, written out as a double loop."""
    out = []
    for t in range(len(x)):
        out.append(sum((1 - beta) * beta ** (t - i) * x[i] for i in range(t + 1)))
    return np.array(out)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.99])
def test_ewma_equals_the_direct_weighted_sums(beta):
    x = np.random.default_rng(3).normal(5.0, 2.0, 60)
    out = ewma(x, beta)
    assert out.shape == x.shape
    np.testing.assert_allclose(out, direct_sums(x, beta), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
def test_bias_correction_gives_the_weighted_mean_of_the_values_so_far(beta):
    x = np.random.default_rng(4).normal(-2.0, 1.0, 50)
    expected = [np.sum(beta ** np.arange(t, -1, -1) * x[: t + 1]) / np.sum(beta ** np.arange(t + 1))
                for t in range(len(x))]
    np.testing.assert_allclose(ewma(x, beta, bias_correction=True), expected, rtol=1e-12)


def test_constant_series_shows_the_start_up_bias_and_its_removal():
    beta, c = 0.9, 7.0
    x = np.full(30, c)
    t = np.arange(1, 31)
    np.testing.assert_allclose(ewma(x, beta), c * (1 - beta**t), rtol=1e-12)
    np.testing.assert_allclose(ewma(x, beta, bias_correction=True), c, rtol=1e-12)
    assert ewma(x, beta)[0] == pytest.approx(0.7)


def test_beta_zero_is_the_series_itself():
    x = np.random.default_rng(5).normal(size=20)
    assert np.array_equal(ewma(x, 0.0), x)
    assert np.array_equal(ewma(x, 0.0, bias_correction=True), x)


def test_a_single_value_and_a_list_are_accepted():
    np.testing.assert_allclose(ewma([4.0], 0.75), [1.0])
    np.testing.assert_allclose(ewma([4.0], 0.75, bias_correction=True), [4.0])
    np.testing.assert_allclose(ewma([2, 2], 0.5), [1.0, 1.5])  # integers are averaged as floats


def test_the_input_is_left_alone():
    x = np.array([1.0, 2.0, 3.0])
    ewma(x, 0.5, bias_correction=True)
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_long_series_with_beta_near_one_stays_finite_and_quiet():
    x = np.ones(5000)
    out = ewma(x, 0.999, bias_correction=True)
    assert np.all(np.isfinite(out)) and out[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("beta, window", [(0.0, 1.0), (0.5, 2.0), (0.9, 10.0), (0.98, 50.0)])
def test_effective_window(beta, window):
    assert effective_window(beta) == pytest.approx(window)


def test_effective_window_works_elementwise():
    betas = np.array([0.0, 0.5, 0.9, 0.98])
    np.testing.assert_allclose(effective_window(betas), [1.0, 2.0, 10.0, 50.0])


def test_last_window_carries_about_63_percent_of_the_weight():
    beta = 0.999
    n = round(effective_window(beta))
    weights = (1 - beta) * beta ** np.arange(100_000)  # the weights of the values 0, 1, 2, … steps back
    assert weights[:n].sum() / weights.sum() == pytest.approx(1 - math.exp(-1), abs=1e-3)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        pytest.param(([1.0, 2.0], 1.0), {}, ValueError, r"beta must be in \[0, 1\), got 1.0", id="beta-one"),
        pytest.param(([1.0, 2.0], -0.1), {}, ValueError, r"beta must be in \[0, 1\)", id="beta-negative"),
        pytest.param(([1.0, 2.0], float("nan")), {}, ValueError, "beta must .*finite", id="beta-nan"),
        pytest.param(([1.0, 2.0], "0.9"), {}, TypeError, r"beta must be (a real number|numeric)", id="beta-string"),
        pytest.param(([1.0, 2.0], True), {}, TypeError, r"beta must be (a real number|numeric)", id="beta-bool"),
        pytest.param(([1.0, 2.0], None), {}, TypeError, r"beta must be (a real number|numeric)", id="beta-none"),
        pytest.param(([1.0, 2.0], [0.5, 0.5]), {}, (TypeError, ValueError), "beta must be a (single|real) number",
                     id="beta-array"),
        pytest.param(([], 0.5), {}, ValueError, "x must not be empty", id="x-empty"),
        pytest.param(([[1.0, 2.0]], 0.5), {}, ValueError, "x must have 1 dimension", id="x-2d"),
        pytest.param(([1.0, float("nan")], 0.5), {}, ValueError, "x must contain only finite numbers", id="x-nan"),
        pytest.param((["a", "b"], 0.5), {}, TypeError, "x must be numeric", id="x-text"),
        pytest.param(([1.0, 2.0], 0.5), {"bias_correction": "yes"}, TypeError, "bias_correction must be True or False",
                     id="bias-correction-text"),
    ],
)
def test_ewma_validates(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        ewma(*args, **kwargs)


@pytest.mark.parametrize(
    "beta, error, match",
    [
        (1.0, ValueError, r"beta must be in \[0, 1\), got 1.0"),
        (-0.5, ValueError, r"beta must be in \[0, 1\)"),
        (np.array([0.5, 1.5]), ValueError, r"beta must be in \[0, 1\), got 1.5"),
        (float("inf"), ValueError, "beta must .*finite"),
    ],
)
def test_effective_window_validates(beta, error, match):
    with pytest.raises(error, match=match):
        effective_window(beta)
