"""Text labels of a slide figure's points that do not collide (:func:`spread_labels`).

At slide size the labels of a scatter (``mode`` with ``text``, e.g. the characters and the Assistant on lesson 06's
persona map) are 20 px or more, and neighbours that the notebook keeps apart end up on top of each other. Each label
gets its own ``textposition`` (one per point, one of :data:`POSITIONS`): the one, near its point, where its box
overlaps the fewest other labels, markers and the figure's edge, its own position winning a tie. The boxes are
estimated, not measured: a slide figure at 1280x720 is about :data:`FIGURE_BOX` px (a bigger screen scales it and
its text alike), a character about :data:`CHAR_WIDTH` of the font size wide, the axes span the points' range plus
plotly's 5 % padding. The test that the labels do not overlap is measured in the browser (``measure.js``).
"""

from __future__ import annotations

import base64
import copy
import re

import numpy as np

#: The size of a slide figure at 1280x720 in px (width, height), the plot inside it after the margins.
FIGURE_BOX = (1180, 450)
#: An average character's width, as a share of the font size (a little wide, so that estimates err apart).
CHAR_WIDTH = 0.62
#: Where a label may go around its point, in the order a tie is decided after the label's own position.
POSITIONS = ("top center", "bottom center", "middle right", "middle left", "top right", "top left", "bottom right",
             "bottom left")
#: The room the axes and their titles take, in px: left of the plot and below it.
AXES_ROOM = (110, 85)


def values(array: object) -> list:
    """A plotly data array as a list: a list as it is, a typed array (``{"bdata", "dtype"}``) decoded."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array.get("dtype", "f8"))).tolist()
    return list(array) if isinstance(array, (list, tuple)) else []


def _marked(trace: dict) -> bool:
    """A visible scatter trace that draws markers."""
    return (trace.get("type", "scatter") == "scatter" and trace.get("visible", True) is True
            and "markers" in (trace.get("mode") or "markers"))


def _labelled(trace: dict) -> bool:
    """A scatter trace whose markers carry text labels (``mode`` with ``markers`` and ``text``)."""
    return _marked(trace) and "text" in (trace.get("mode") or "") and trace.get("text") is not None


def _box(x: float, y: float, width: float, height: float, radius: float, position: str) -> tuple:
    """The label's box (left, top, right, bottom, in px, y down) at ``position`` around a point at (x, y)."""
    vertical, horizontal = position.split()
    gap = radius + 2
    left = {"center": x - width / 2, "right": x + (gap if vertical == "middle" else radius * 0.7),
            "left": x - width - (gap if vertical == "middle" else radius * 0.7)}[horizontal]
    top = {"top": y - gap - height, "bottom": y + gap, "middle": y - height / 2}[vertical]
    return left, top, left + width, top + height


def _overlap(a: tuple, b: tuple) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _scale(points: list[float], domain: list, length: float, axis: dict) -> tuple[float, float, float]:
    """(low, high, px per unit) of an axis on a slide: its fixed range, or the points' range padded by 5 %."""
    span = axis.get("range") if axis.get("autorange") in (None, False) else None
    low, high = (span if span and len(span) == 2 and None not in span else
                 (min(points), max(points)) if points else (0.0, 1.0))
    if not span:
        pad = (high - low) * 0.05 or 1.0
        low, high = low - pad, high + pad
    return low, high, length * (domain[1] - domain[0]) / ((high - low) or 1.0)


def spread_labels(data: list[dict], layout: dict, font: float = 20.0, side_room: float = 0.0) -> list[dict]:
    """``data`` with a ``textposition`` per point on every labelled scatter trace, chosen so that labels keep apart
    (see the module's docstring); ``side_room`` is the width in px the legend or margin takes right of the plot.
    A figure with fewer than two labels on a pair of axes is left as it is. ``data`` is not changed."""
    data = copy.deepcopy(data)
    pairs: dict[tuple[str, str], list[int]] = {}
    for i, trace in enumerate(data):
        if _marked(trace):
            pairs.setdefault((trace.get("xaxis") or "x", trace.get("yaxis") or "y"), []).append(i)
    for (xref, yref), members in pairs.items():
        axes = (layout.get(f"xaxis{xref[1:]}") or {}, layout.get(f"yaxis{yref[1:]}") or {})
        lines = _segments(data, members, layout.get("annotations") or [], (xref, yref))
        titled = any(a.get("yref") == "paper" and (a.get("y") or 0) >= 1 for a in layout.get("annotations") or [])
        top_room = 0.0 if titled else 40.0  # a label may go above the plot, unless a (subplot) title is there
        for i, positions in _place(data, members, axes, font, side_room, lines, top_room).items():
            data[i]["textposition"] = positions
    return data


def _segments(data: list[dict], members: list[int], annotations: list[dict], refs: tuple[str, str]) -> list[tuple]:
    """The lines drawn on one pair of axes, in data units: the traces' lines and the annotations' arrows that are
    placed in data units at both ends."""
    found = []
    for i in members:
        if "lines" in (data[i].get("mode") or ""):
            xs, ys = values(data[i].get("x")), values(data[i].get("y"))
            found += [(xs[k], ys[k], xs[k + 1], ys[k + 1]) for k in range(len(xs) - 1)
                      if all(isinstance(v, (int, float)) for v in (xs[k], ys[k], xs[k + 1], ys[k + 1]))]
    for a in annotations:
        if a.get("showarrow", True) and (a.get("axref"), a.get("ayref")) == refs == (a.get("xref"), a.get("yref")):
            found.append((a.get("ax"), a.get("ay"), a.get("x"), a.get("y")))
    return [f for f in found if all(isinstance(v, (int, float)) for v in f)]


def _place(data: list[dict], members: list[int], axes: tuple[dict, dict], font: float,
           side_room: float, lines: list[tuple] = (), top_room: float = 40.0) -> dict[int, list[str]]:
    """The text positions of the labelled traces among ``members`` (traces on one pair of axes)."""
    labels = [(i, j) for i in members if _labelled(data[i])
              for j, text in enumerate(_texts(data[i])) if text and _finite(data[i], j)]
    if len(labels) < 2:
        return {}
    width, height = FIGURE_BOX[0] - AXES_ROOM[0] - side_room, FIGURE_BOX[1] - AXES_ROOM[1]
    xs = [v for i in members for v in values(data[i].get("x")) if isinstance(v, (int, float))]
    ys = [v for i in members for v in values(data[i].get("y")) if isinstance(v, (int, float))]
    x0, _, sx = _scale(xs, axes[0].get("domain") or [0, 1], width, axes[0])
    y0, y1, sy = _scale(ys, axes[1].get("domain") or [0, 1], height, axes[1])
    limits = (-AXES_ROOM[0] * 0.5, -top_room, width + side_room, (y1 - y0) * sy + 10)
    points, markers = {}, []
    for i in members:
        size = (data[i].get("marker") or {}).get("size", 6)
        for j in range(len(values(data[i].get("x")))):
            if _finite(data[i], j):
                r = float(size[j] if isinstance(size, list) else size) / 2
                x, y = (values(data[i]["x"])[j] - x0) * sx, (y1 - values(data[i]["y"])[j]) * sy
                points[i, j] = (x, y, r)
                markers.append((x - r, y - r, x + r, y + r))
    crossed = []  # the lines as a string of small boxes, every 8 px
    for ax, ay, bx, by in lines:
        (px, py), (qx, qy) = ((ax - x0) * sx, (y1 - ay) * sy), ((bx - x0) * sx, (y1 - by) * sy)
        steps = max(1, int(((qx - px) ** 2 + (qy - py) ** 2) ** 0.5 / 8))
        crossed += [(px + (qx - px) * k / steps - 2, py + (qy - py) * k / steps - 2,
                     px + (qx - px) * k / steps + 2, py + (qy - py) * k / steps + 2) for k in range(steps + 1)]
    boxes = {}
    for i, j in labels:
        size = max(font, (data[i].get("textfont") or {}).get("size", font))
        lines = [re.sub(r"<[^>]+>", "", line) for line in _texts(data[i])[j].split("<br>")]
        w, h = max(len(line) for line in lines) * CHAR_WIDTH * size + 4, len(lines) * size * 1.4
        x, y, r = points[i, j]
        boxes[i, j] = {position: _box(x, y, w, h, r, position) for position in POSITIONS}
    own = {(i, j): _own(data[i], j) for i, j in labels}
    chosen = dict(own)

    def cost(label: tuple[int, int], position: str) -> float:
        box = boxes[label][position]
        others = sum(_overlap(box, boxes[o][chosen[o]]) for o in labels if o != label)
        hidden = sum(_overlap(box, m) for m in markers) + sum(_overlap(box, c) for c in crossed) / 4
        outside = (box[2] - box[0]) * (box[3] - box[1]) - _overlap(box, limits)
        return 10 * others + 3 * hidden + 5 * outside + (0 if position == own[label] else 1)

    for _ in range(3):  # each label in turn takes its best place, given the others'; three rounds settle it
        for label in labels:
            order = [own[label]] + [p for p in POSITIONS if p != own[label]]
            chosen[label] = min(order, key=lambda p, label=label: cost(label, p))
    placed: dict[int, list[str]] = {}
    for (i, j), position in chosen.items():
        placed.setdefault(i, [_own(data[i], k) for k in range(len(_texts(data[i])))])[j] = position
    return placed


def _texts(trace: dict) -> list[str]:
    text = trace.get("text")
    count = len(values(trace.get("x"))) or len(values(trace.get("y")))
    return [str(t) if t is not None else "" for t in text] if isinstance(text, list) else [str(text)] * count


def _finite(trace: dict, j: int) -> bool:
    x, y = values(trace.get("x")), values(trace.get("y"))
    return j < len(x) and j < len(y) and all(isinstance(v, (int, float)) and np.isfinite(v) for v in (x[j], y[j]))


def _own(trace: dict, j: int) -> str:
    position = trace.get("textposition") or "middle center"
    position = position[j % len(position)] if isinstance(position, list) and position else position
    return position if position in POSITIONS else "top center"
