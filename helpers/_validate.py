"""Input checks shared by the public functions.

Every check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, outside the
allowed range) with a message that names the parameter, the value and what is allowed, so a student
sees the cause at once instead of a traceback from inside numpy.
"""

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
        left = "-inf" if low is None else f"{low:g}"
        right = "inf" if high is None else f"{high:g}"
        bracket = ("(" if low_open or low is None else "[") + f"{left}, {right}" + (
            ")" if high_open or high is None else "]"
        )
        raise ValueError(f"{name} must be in {bracket}, got {value!r}")
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
        left = "-inf" if low is None else str(low)
        right = "inf" if high is None else str(high)
        raise ValueError(f"{name} must be an integer in [{left}, {right}], got {value}")
    return value


def finite_array(name, value, *, ndim=None, shape=None):
    """Return ``value`` as a float array with only finite entries."""
    try:
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
        raise TypeError(
            f"{name} must be a numpy.random.Generator such as np.random.default_rng(0), got {value!r}"
        )
    return value


def choice(name, value, allowed):
    """``value`` must be one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)!r}, got {value!r}")
    return value
