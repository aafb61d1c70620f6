"""What a plotly trace looks like, read from a figure's JSON: its colour, whose colour that is, and what else (dash,
width, symbol, size, fill pattern, text labels) tells it apart from the other traces of its plot. The accessibility
checks (:mod:`helpers.publishing.accessibility`) compare traces with these."""

from __future__ import annotations

import re
from typing import Any

from helpers.ui.figures import PERSONA_COLORS


def parse_colour(colour: Any) -> tuple[tuple[int, int, int], float] | None:
    """``#RRGGBB``, ``#RGB``, ``rgb(r, g, b)`` or ``rgba(r, g, b, a)`` -> ((r, g, b), alpha); None otherwise."""
    if not isinstance(colour, str):
        return None
    text = colour.strip().lower()
    if m := re.fullmatch(r"#([0-9a-f]{6})", text):
        value = m.group(1)
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)), 1.0
    if m := re.fullmatch(r"#([0-9a-f]{3})", text):
        return tuple(int(c * 2, 16) for c in m.group(1)), 1.0  # type: ignore[return-value]
    if m := re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)", text):
        r, g, b = (int(round(float(m.group(n)))) for n in (1, 2, 3))
        return (r, g, b), float(m.group(4)) if m.group(4) is not None else 1.0
    return None


def persona_of(label: Any) -> str | None:
    """The character a trace name or category label is named after: ``"helper"`` or ``"helper (network)"``."""
    if not isinstance(label, str):
        return None
    text = re.sub(r"<[^>]+>", "", label).strip().lower()
    for persona in PERSONA_COLORS:
        if text == persona or text.startswith(persona + " (") or text.startswith(persona + " ·"):
            return persona
    return None


def trace_colour(trace: dict) -> Any:
    """The colour that identifies a trace: its marker fill, or its line (or its marker's outline if unfilled)."""
    marker = trace.get("marker") or {}
    fill = marker.get("color")
    if isinstance(fill, str) and (parsed := parse_colour(fill)) is not None and parsed[1] == 0:
        return (marker.get("line") or {}).get("color")
    if fill is not None:
        return fill
    return (trace.get("line") or {}).get("color", (trace.get("fillcolor")))


def same_colour(a: Any, b: str) -> bool:
    """Whether colour ``a`` is colour ``b`` (the same red, green and blue; alpha aside)."""
    pa, pb = parse_colour(a), parse_colour(b)
    if pa is None or pb is None:
        return isinstance(a, str) and a.strip().lower() == b.strip().lower()
    return pa[0] == pb[0]


def categories(trace: dict, n: int) -> list | None:
    """The category labels of a trace's points (x, or y for horizontal bars), if they are strings."""
    for axis in (("y", "x") if trace.get("orientation") == "h" else ("x", "y")):
        values = trace.get(axis)
        if isinstance(values, list) and len(values) == n and all(isinstance(v, str) for v in values):
            return values
    return None


def has_text_labels(trace: dict) -> bool:
    """Whether a trace writes text labels on its bars or points."""
    if trace.get("texttemplate") or trace.get("text") is not None and trace.get("type", "scatter") != "scatter":
        return True
    return "text" in str(trace.get("mode", "")) and trace.get("text") is not None


def drawn(trace: dict) -> tuple[bool, bool]:
    """Whether a scatter trace draws markers and lines (plotly's default mode draws both for short traces)."""
    mode = trace.get("mode")
    if mode is None:
        return True, True
    return "markers" in mode, "lines" in mode


def is_scatter(trace: dict) -> bool:
    """A line or marker trace (``scatter`` or ``scattergl``)."""
    return trace.get("type", "scatter") in ("scatter", "scattergl")


def shape(trace: dict) -> tuple:
    """What tells a trace apart besides colour: its kind and what it draws, the line's dash and width, the markers'
    symbol and size (for bars: the fill pattern)."""
    line, marker = trace.get("line") or {}, trace.get("marker") or {}
    if not is_scatter(trace):
        return trace.get("type"), trace.get("mode"), line.get("dash"), marker.get("symbol"), \
            (marker.get("pattern") or {}).get("shape")
    markers, lines = drawn(trace)
    return ("scatter", markers, lines, line.get("dash") if lines else None, line.get("width") if lines else None,
            marker.get("symbol") if markers else None, marker.get("size") if markers else None)


def draws_marks(trace: dict) -> bool:
    """A scatter trace that draws lines or markers (a fill-only band, mode "none", draws neither)."""
    return is_scatter(trace) and any(drawn(trace))
