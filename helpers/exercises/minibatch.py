"""Checks for notebook 04 (full-batch, stochastic and mini-batch gradient descent)."""

from __future__ import annotations

import math

from . import numeric, right, wrong


@numeric("a whole number of updates")
def check_updates_per_epoch(value, n=1000, batch_size=64):
    """Exercise 1: how many updates one epoch makes with n points and batches of ``batch_size``."""
    expected = -(-n // batch_size)
    rest = n - (expected - 1) * batch_size
    if value == expected:
        return right(f"⌈{n}/{batch_size}⌉ = {expected}: {expected - 1} full batches of {batch_size} and a last, "
                     f"smaller one of {rest}, so every point is used exactly once per epoch.")
    if value == n // batch_size:
        return wrong(f"{n} = {n // batch_size}·{batch_size} + {n % batch_size}: the {n % batch_size} points "
                     "left over form one more, smaller batch, and every point is used once per epoch.")
    if math.isclose(value, n / batch_size):
        return wrong("An update count is a whole number: the last batch may be smaller, but it is a batch.")
    return wrong(f"Each update uses {batch_size} new points until the {n} points are used up; "
                 f"{value:g} is not that count.")


@numeric("a factor")
def check_slip_factor(value, n=1000):
    """Exercise 2: with L_i = (1/n)(y_i − ŷ_i)² (the lecture's slide), how many times too small is an SGD step?"""
    if math.isclose(value, n):
        return right(f"∇L_i carries the factor 1/n = 1/{n}, so every step is {n} times smaller than with "
                     "(y_i − ŷ_i)², whose gradient is an unbiased estimate of ∇L. It is as if η were divided "
                     f"by {n}.")
    if math.isclose(value, 1.0 / n):
        return wrong("That is the factor the step is multiplied by; the question asks how many times too small "
                     "it is, so give its inverse.")
    if math.isclose(value, math.sqrt(n)):
        return wrong("The 1/n multiplies the loss, and the gradient is linear in the loss: no square root.")
    return wrong("Compare ∇[(1/n)(y_i − ŷ_i)²] with ∇[(y_i − ŷ_i)²], whose average over i is ∇L.")


def variance_ratio(n, batch_size):
    """Var(g_B)/Var(g_1) = (1/b)·(n − b)/(n − 1) for batches drawn without replacement."""
    return (n - batch_size) / (batch_size * (n - 1))


@numeric("a ratio (a number between 0 and 1)")
def check_variance_ratio(value, n=1000, batch_size=100):
    """Exercise 3: the variance of a batch-of-b gradient as a fraction of the single-sample gradient's."""
    expected = variance_ratio(n, batch_size)
    if math.isclose(value, expected, rel_tol=1e-3):
        return right(f"(1/{batch_size})·({n} − {batch_size})/({n} − 1) = {expected:.6f}: the 1/b of averaging, "
                     "times the finite-population factor, because a batch never repeats a point.")
    if math.isclose(value, 1.0 / batch_size, rel_tol=1e-3):
        return wrong(f"1/{batch_size} is right for batches drawn with replacement. A batch of an epoch "
                     f"never repeats a point: multiply by the finite-population factor (n − b)/(n − 1).")
    if math.isclose(value, 1.0 / math.sqrt(batch_size), rel_tol=1e-3):
        return wrong("1/√b is how the standard deviation falls; the question asks for the variance.")
    return wrong(f"Use Var(g_B) = (σ²/b)·(n − b)/(n − 1) with n = {n}, b = {batch_size}, and divide by the "
                 "same formula with b = 1.")
