"""Input checks shared by the public functions: a ``TypeError`` (wrong kind) or ``ValueError`` (outside the
allowed range) that names the parameter, the value and what is allowed, never a traceback from numpy."""

from __future__ import annotations

import math
import numbers

import numpy as np


def real(name, value, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a finite float inside the given range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    lo_ok = low is None or (value > low if low_open else value >= low)
    hi_ok = high is None or (value < high if high_open else value <= high)
    if not (lo_ok and hi_ok):
        left, right = ("-inf" if low is None else f"{low:g}"), ("inf" if high is None else f"{high:g}")
        opening, closing = ("(" if low_open or low is None else "["), (")" if high_open or high is None else "]")
        raise ValueError(f"{name} must be in {opening}{left}, {right}{closing}, got {value!r}")
    return value


def positive(name, value, *, high=None):
    """A finite float > 0 (and <= ``high`` when given)."""
    return real(name, value, low=0.0, low_open=True, high=high)


def integer(name, value, *, low=None, high=None):
    """Return ``value`` as an int inside ``[low, high]``; floats such as 3.0 are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        left, right = ("-inf" if low is None else str(low)), ("inf" if high is None else str(high))
        raise ValueError(f"{name} must be an integer in [{left}, {right}], got {value}")
    return value


def finite_array(name, value, *, ndim=None, shape=None):
    """Return ``value`` as a float array with only finite entries."""
    try:
        if value is None or np.asarray(value).dtype.kind in "USb":  # None, "0.1" or True: not numbers
            raise TypeError
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numeric (a number or an array of numbers), got {value!r}") from None
    if ndim is not None and arr.ndim not in ((ndim,) if isinstance(ndim, int) else ndim):
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers, got {value!r}")
    return arr


def rng(name, value):
    """Accept a ``numpy.random.Generator`` only: randomness is always passed in explicitly."""
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator such as np.random.default_rng(0), got {value!r}")
    return value


def choice(name, value, allowed):
    """``value`` must be one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)!r}, got {value!r}")
    return value


_POSITIVE, _FRACTION = (lambda a: a > 0, "(0, inf)"), (lambda a: (a >= 0) & (a < 1), "[0, 1)")
#: The allowed values of the hyper-parameters every update rule and formula shares: (test, range in words).
HYPER = {"lr": _POSITIVE, "curvature": _POSITIVE, "beta": _FRACTION, "mu": _FRACTION, "beta1": _FRACTION,
         "beta2": _FRACTION, "eps": _POSITIVE}


def hyper(name, value):
    """A hyper-parameter (a number or an array of them) checked for its meaning: η and curvatures > 0,
    β, β₁, β₂ and μ in [0, 1), ε > 0, anything else finite. Returns a float for a number, else an array."""
    a = finite_array(name, value)
    ok, allowed = HYPER.get(name, (lambda a: np.ones(a.shape, bool), ""))
    bad = ~ok(a)
    if np.any(bad):
        raise ValueError(f"{name} must be in {allowed}, got {float(a[bad].flat[0])!r}")
    return float(a) if a.ndim == 0 else a
