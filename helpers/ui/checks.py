"""Self-checks for the lessons' exercises: each prints a pass, a hint, or "not attempted yet"; none raises.

A lesson's checks live in ``helpers.lessons.<topic>.checks`` and are called from the notebook as
``check.exercise_4_2(my_answer)``. Every check returns its :class:`Verdict` too, so tests can assert on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

PASS, HINT, TODO = "pass", "hint", "not attempted"
#: How each verdict starts: a mark to tell them apart at a glance and the word a screen reader reads. The marks are
#: text characters that ordinary fonts (DejaVu Sans and Mono, Segoe UI Symbol, Menlo) carry, not emoji, which show
#: as empty boxes on a machine without a colour-emoji font (see helpers.publishing.accessibility.needs_emoji_font).
LABELS = {PASS: "✓ Correct", HINT: "✗ Not yet", TODO: "○ Not attempted yet"}


@dataclass(frozen=True)
class Verdict:
    status: str
    message: str

    def __str__(self) -> str:
        return f"{LABELS[self.status]}: {self.message}"


def verdict(status: str, message: str) -> Verdict:
    """Print and return a verdict."""
    if status not in LABELS:
        raise ValueError(f"status={status!r}; expected one of {list(LABELS)}")
    result = Verdict(status, message)
    print(result)
    return result


def run_check(answer: Any, judge: Callable[[Any], tuple[bool, str, str]], stub_hint: str) -> Verdict:
    """The shared shape of a check: an unattempted stub (None or ...) gets a nudge, not an error.

    ``judge(answer)`` returns (passed, message if passed, hint if not). Any exception inside the judge, such as a
    wrongly shaped answer, becomes a hint that names the problem instead of a traceback.
    """
    if answer is None or answer is Ellipsis:
        return verdict(TODO, stub_hint)
    try:
        passed, good, hint = judge(answer)
    except Exception as err:  # a student's answer may be any shape: explain instead of crashing
        return verdict(HINT, f"your answer could not be checked ({type(err).__name__}: {err}). {stub_hint}")
    return verdict(PASS if passed else HINT, good if passed else hint)


def as_number(answer: Any, name: str = "your answer") -> float:
    """A student's numeric answer as a finite float. A yes/no, a string or NaN raises a ValueError that says so (inside
    a check, :func:`run_check` turns it into a hint)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} is a {type(answer).__name__}; expected a number such as 0.3")
    value = float(answer)
    if not np.isfinite(value):
        raise ValueError(f"{name} is {answer!r}; expected a finite number")
    return value
