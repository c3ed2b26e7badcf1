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


def numeric(what):
    """Decorate a check of a numeric answer: a missing or malformed answer gets its feedback (naming
    ``what`` is asked for) before the check runs, which then receives the answer as a float."""
    def decorate(check):
        @functools.wraps(check)
        def checked(answer, *args, **kwargs):
            if answer is ... or answer is None:
                return Feedback(None, f"Replace ... with {what}, then run the cell again.")
            if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or not math.isfinite(answer):
                return wrong(f"The answer should be a finite number ({what}), got {answer!r}.")
            return check(float(answer), *args, **kwargs)
        return checked
    return decorate
