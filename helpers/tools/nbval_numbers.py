"""The notebook tests' comparison: committed words exactly, committed numbers within a stated tolerance.

nbval re-runs each lesson and compares every cell's text outputs with the committed ones, as strings. Strings are
too strict for numbers (another CPU changes the last digit of a float) and a blanket mask is too loose (a mask
compares no number at all). This pytest plugin keeps nbval's comparison for everything except numbers, where a
placeholder stands in, then compares the numbers one by one:

============================  ==============  ==========================================================
kind                          example         passes when
============================  ==============  ==========================================================
integer                       ``140``, ``9``  equal
decimal with d places         ``0.412``       ``|new - committed| <= unit + max(REL * |committed|, ABS)``
percentage                    ``21%``         the same rule, in percentage points
scientific notation           ``4.5e-07``     the same rule, the unit taken from the mantissa's places
============================  ==============  ==========================================================

``unit`` is one unit in the last place shown (0.001 for ``0.412``, 1 point for ``21%``): rounding for display
turns a drift of a fraction of a unit into a whole unit, so a last-digit difference passes and anything larger
fails. ``REL`` and ``ABS`` cover numbers printed with many digits (pandas prints six): the largest drift measured
between CPUs is 6e-6 (see :mod:`helpers.engine.tolerance`). An integer a student reads (a count, a rank, a step) must be
equal everywhere; :mod:`helpers.engine.tolerance` is how the lessons compute such integers from floats.

Never compared: timings (``12 s``, ``0.35 s``, ``80 ms``) and memory addresses (``0x7f3a...``), which are masked;
rich outputs (plotly figures, HTML, widget views, images), which the browser tests check instead.

Enabled from the repository's root ``conftest.py``; pytest's ``--nbval`` option (in pyproject.toml) turns nbval on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MethodType

from nbval.plugin import IPyNbCell, transform_streams_for_comparison

#: Relative and absolute slack added to one unit in the last place shown (see the module docstring).
REL = 1e-5
ABS = 1e-5

#: Output types nbval must not compare as text: they carry ids, or the browser tests check them.
SKIP_COMPARE = (
    "text/html",
    "application/javascript",
    "application/vnd.plotly.v1+json",
    "application/vnd.jupyter.widget-view+json",
    "image/png",
    "image/svg+xml",
)

#: Parts of an output that differ on every run and are never compared, in the order they are masked.
MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"0x[0-9a-fA-F]+"), "ADDRESS"),
    (re.compile(r"(?<![\w.])\d+(?:\.\d+)? ?m?s\b"), "SECONDS"),
)

#: A number not glued to a word ("PC1" and "x2" are words) nor part of a dotted version ("2.13.0" is compared
#: exactly, as text): sign, digits, decimals, exponent, percent sign.
NUMBER = re.compile(r"(?<![\w.])(?P<sign>[-+]?)(?P<digits>\d+)(?:\.(?P<places>\d+))?"
                    r"(?:[eE](?P<exponent>[-+]?\d+))?(?P<percent>%?)(?!\d|\.\d)")
PLACEHOLDER = "NUMBER"


@dataclass(frozen=True)
class Number:
    """A number as printed: its value and the size of one unit in the last place shown (0 for an integer)."""

    text: str
    value: float
    unit: float

    @classmethod
    def parse(cls, match: re.Match[str]) -> Number:
        places = match["places"] or ""
        exponent = int(match["exponent"] or 0)
        scale = 0.01 if match["percent"] else 1.0
        value = float(f"{match['sign']}{match['digits']}.{places or 0}e{exponent}") * scale
        exact_integer = not places and not match["exponent"] and not match["percent"]
        unit = 0.0 if exact_integer else 10.0 ** (exponent - len(places)) * scale
        return cls(match[0], value, unit)


def mask(text: str) -> str:
    """``text`` with timings and memory addresses masked."""
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def skeleton(text: str) -> str:
    """``text`` with its masks applied and every number replaced by a placeholder: what must match exactly."""
    return NUMBER.sub(PLACEHOLDER, mask(text))


def numbers(text: str) -> list[Number]:
    """The numbers in ``text`` (after masking), in order."""
    return [Number.parse(m) for m in NUMBER.finditer(mask(text))]


def allowed_difference(committed: Number, new: Number) -> float:
    """How far ``new`` may be from ``committed``: 0 for integers, else the rule in the module docstring."""
    unit = max(committed.unit, new.unit)
    if unit == 0.0:
        return 0.0
    return unit + max(REL * abs(committed.value), ABS)


def _line_of(text: str, needle: str) -> str:
    return next((line.strip() for line in text.splitlines() if needle in line), text.strip()[:120])


def number_differences(committed: str, new: str) -> list[str]:
    """One sentence per number of ``new`` that is further from its committed value than allowed.

    Call it on outputs whose skeletons already match (the same words, the same count of numbers).
    """
    problems = []
    for position, (a, b) in enumerate(zip(numbers(committed), numbers(new), strict=True), start=1):
        allowed = allowed_difference(a, b)
        difference = abs(a.value - b.value)
        if difference > allowed * (1 + 1e-9):  # the factor absorbs the binary rounding of the parsed decimals
            kind = "an integer: must be equal" if allowed == 0 else f"allowed {allowed:.3g}"
            problems.append(f"number {position} ({_line_of(committed, a.text)!r}): committed {a.text}, now {b.text} "
                            f"(differs by {difference:.3g}; {kind})")
    return problems


def _text_outputs(outputs: Iterable[Mapping], skip: Iterable[str]) -> dict[str, list[str]]:
    """nbval's view of a cell's outputs: each output key and data type, with its text values in order."""
    skip = set(skip)
    found: dict[str, list[str]] = defaultdict(list)
    for output in outputs:
        for key, value in output.items():
            if key in skip:
                continue
            items = value.items() if key == "data" else [(key, value)]
            for name, text in items:
                if name not in skip and isinstance(text, str):
                    found[name].append(text)
    return found


def output_differences(committed: Iterable[Mapping], new: Iterable[Mapping], skip: Iterable[str]) -> list[str]:
    """Every number that moved too far, in outputs that nbval found otherwise equal."""
    skip = tuple(skip)
    new_texts = _text_outputs(new, skip)
    problems = []
    for key, texts in _text_outputs(committed, skip).items():
        for a, b in zip(texts, new_texts.get(key, []), strict=True):
            problems += [f"{key}: {p}" for p in number_differences(a, b)]
    return problems


# ----- the pytest hooks -----

def pytest_collectstart(collector) -> None:
    """For each notebook: skip rich outputs, and let nbval compare skeletons (numbers replaced, masks applied)."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += SKIP_COMPARE
        for pattern, replacement in (*MASKS, (NUMBER, PLACEHOLDER)):
            collector.sanitize_patterns[pattern.pattern] = replacement


def _compare_outputs(item, test, ref, skip_compare=None) -> bool:
    """nbval's comparison of the skeletons, then the numbers within their tolerance."""
    if not IPyNbCell.compare_outputs(item, test, ref, skip_compare):
        return False
    skip = skip_compare or item.parent.skip_compare
    problems = output_differences(transform_streams_for_comparison(ref), transform_streams_for_comparison(test), skip)
    if problems:
        item.comparison_traceback.append("numbers differ beyond their tolerance (helpers/tools/nbval_numbers.py):")
        item.comparison_traceback += [f"  {p}" for p in problems]
    return not problems


def pytest_itemcollected(item) -> None:
    """Give each notebook cell the comparison above (nbval's own is kept for the skeleton)."""
    if isinstance(item, IPyNbCell):
        item.compare_outputs = MethodType(_compare_outputs, item)
