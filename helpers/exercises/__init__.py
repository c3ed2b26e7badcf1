"""Self-check functions for the exercises, one module per notebook.

Every check returns a :class:`Feedback`, which a notebook shows as one line: right (and why), not
yet (and a hint), or "no answer yet" while the placeholder ``...`` is still in place. Checks never
raise on a wrong or malformed answer: telling the student what is wrong is their job.
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """Outcome of a check: ``correct`` is True, False, or None (not answered yet)."""

    correct: bool | None
    message: str

    def __repr__(self):
        # Words, not emoji: they carry the meaning where no emoji font is installed, and screen readers say them.
        mark = {True: "Right.", False: "Not yet.", None: "No answer yet."}[self.correct]
        return f"{mark} {self.message}"


def right(message):
    return Feedback(True, message)


def wrong(message):
    return Feedback(False, message)


def numeric(what, *, answer=None):
    """Decorate a check of a numeric answer: a missing or malformed answer gets its feedback (naming
    ``what`` is asked for) before the check runs, which then receives the answer as a float. ``answer``
    (a function of no arguments): the one expected answer to the notebook's question, kept as the
    check's ``answer`` attribute (``tests/test_transfer.py`` makes sure no cell above prints it); None
    for a question with a range of right answers."""
    expected = answer

    def decorate(check):
        @functools.wraps(check)
        def checked(answer, *args, **kwargs):
            if answer is ... or answer is None:
                return Feedback(None, f"Replace ... with {what}, then run the cell again.")
            if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or not math.isfinite(answer):
                return wrong(f"The answer should be a finite number ({what}), got {answer!r}.")
            return check(float(answer), *args, **kwargs)
        checked.answer = expected
        return checked
    return decorate


def _short(value):
    if _numbers(value) and np.ndim(value) == 0:
        return f"{float(value):.6g}"
    text = np.array2string(np.asarray(value), precision=6, separator=", ") if _numbers(value) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _numbers(value):
    try:
        return np.asarray(value).dtype.kind in "iuf"
    except (TypeError, ValueError):
        return False


def _close(a, b):
    """Equal to rounding, part by part for a tuple (a state of several parts, as Adam's)."""
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(_close(p, q) for p, q in zip(a, b, strict=True)))
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)


def _copy(state):
    return tuple(_copy(part) for part in state) if isinstance(state, tuple) else np.copy(state)


def _parts(value):
    """The arrays of a value: itself, or the parts of a tuple."""
    return list(value) if isinstance(value, tuple) else [value]


def unwritten(student, name, arguments):
    """The feedback for a coding exercise not done yet (``...`` or None) or answered with something that is
    not a function (``def name(arguments)`` is expected); None when ``student`` is a function to check."""
    if student is ... or student is None:
        return Feedback(None, f"Write the function {name}, then run the cell again.")
    if not callable(student):
        return wrong(f"{name} should be a function, def {name}({arguments}), got {_short(student)}.")
    return None


def check_rule(student, reference, cases, *, name, mistakes=(), state="s"):
    """Run a student's update rule ``student(x, state, grad, **hyper) -> (x, state)`` on ``cases`` (tuples
    ``(x, state, grad, hyper)``) against ``reference`` and explain the first difference in words.

    ``mistakes``: ``(wrong_rule, message)`` pairs; a result equal to a typical wrong rule's gets its
    message. A missing function, junk (not a function, a function that raises, returns None, the wrong
    number of things, the wrong shape, NaN) gets a message saying so, never a traceback. Returns a
    :class:`Feedback`; right means every case agreed.
    """
    feedback = unwritten(student, name, f"x, {state}, grad, lr, …")
    if feedback:
        return feedback
    for x, before, grad, hyper in cases:
        where = f"x = {_short(x)}, {state} = {_short(before)}, grad = {_short(grad)}, " + ", ".join(
            f"{k} = {v:g}" for k, v in hyper.items())
        try:
            with np.errstate(all="ignore"):
                got = student(np.copy(x), _copy(before), np.copy(grad), **hyper)
        except Exception as err:  # the student's code: any error is feedback
            return wrong(f"Your {name} raised {type(err).__name__}: {err} (for {where}).")
        if got is None:
            return Feedback(None, f"Your {name} returns None: write its body in place of ... and end it with "
                                  f"`return x, {state}`.")
        if isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], tuple) and isinstance(before, tuple):
            return wrong(f"Your {name} returns the state first: return the new x first, then the state "
                         f"(`return x, {state}`).")
        if not isinstance(got, tuple) or len(got) != 2 or not all(_numbers(p) for p in _parts(got[1]) + [got[0]]) \
                or isinstance(got[1], tuple) != isinstance(before, tuple):
            return wrong(f"{name} must return two arrays of numbers, the new x and the new {state} "
                         f"(`return x, {state}`), got {_short(got)}.")
        want = reference(x, before, grad, **hyper)
        if _close(got[0], want[0]) and _close(got[1], want[1]):
            continue
        for mistake, message in mistakes:
            with np.errstate(all="ignore"):
                typical = mistake(x, before, grad, **hyper)
            if _close(got[0], typical[0]) and _close(got[1], typical[1]):
                part, label = (1, state) if _close(got[0], want[0]) else (0, "x")  # show what differs
                return wrong(f"{message} (For {where}: you get {label} = {_short(got[part])}, expected "
                             f"{_short(want[part])}.)")
        for part, label in ((0, "x"), (1, state)):
            for mine, theirs in zip(_parts(got[part]), _parts(want[part]), strict=False):
                if np.shape(mine) != np.shape(theirs):
                    return wrong(f"Your new {label} has shape {np.shape(mine)}, it should have shape "
                                 f"{np.shape(theirs)}, one value per coordinate (for {where}).")
            if not all(np.all(np.isfinite(p)) for p in _parts(got[part])):
                return wrong(f"Your new {label} contains nan or inf for {where}: a square root of a negative "
                             "number, or a division by zero?")
        if np.sum((np.asarray(got[0]) - x) * grad) > 0:
            return wrong(f"Your step moves uphill, along the gradient: subtract it (for {where}).")
        return wrong(f"For {where} you get x = {_short(got[0])}, {state} = {_short(got[1])}; expected "
                     f"x = {_short(want[0])}, {state} = {_short(want[1])}.")
    return right(f"{name} agrees with the reference on all {len(cases)} inputs.")
