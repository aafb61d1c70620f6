"""Point labels that keep apart on a slide (helpers.publishing.slide_labels). That they do not overlap in the
browser is measured on every slide of the real decks in test_slides.py."""

from __future__ import annotations

import base64
import copy

import numpy as np

from helpers.publishing.slide_labels import POSITIONS, spread_labels, values


def point(name, x, y, position="top center", **extra):
    return {"type": "scatter", "mode": "markers+text", "name": name, "x": [x], "y": [y], "text": [name],
            "textposition": position, "marker": {"size": 15}, **extra}


def positions(data):
    return [t.get("textposition") for t in data]


def test_neighbours_whose_labels_would_collide_are_spread_and_far_points_keep_theirs():
    data = [point("engineer", 8.8, -1.4), point("helper", 10.1, -1.7), point("robot", -1.2, 12.3),
            point("pirate", -11.6, -2.7)]
    before = copy.deepcopy(data)
    spread = spread_labels(data, {})
    assert data == before, "the figure is not changed"
    engineer, helper, robot, pirate = (p[0] for p in positions(spread))
    assert (engineer, helper) != ("top center", "top center") and engineer != helper, (engineer, helper)
    assert robot == "top center" and pirate == "top center", "a label with room keeps its place"
    assert all(p in POSITIONS for p in (engineer, helper))


def test_each_point_of_one_trace_gets_its_own_position():
    stars = {"type": "scatter", "mode": "markers+text", "x": [0.0, 0.2, 9.0], "y": [0.0, 0.0, 5.0],
             "text": ["post-trained", "honest control", "far"], "textposition": "bottom center",
             "marker": {"size": 16}}
    [placed] = spread_labels([stars], {"xaxis": {"range": [-1, 10]}, "yaxis": {"range": [-6, 6]}})
    first, second, far = placed["textposition"]
    assert first != second and far == "bottom center"


def test_labels_avoid_a_line_and_the_figure_edge():
    data = [point("left", 5.0, 0.0), point("right", 5.3, 0.0),
            {"type": "scatter", "mode": "lines", "x": [5.0, 5.3], "y": [-10.0, 10.0]}]
    layout = {"xaxis": {"range": [0, 5.5]}, "yaxis": {"range": [-10, 10]}}
    left, right = (p[0] for p in positions(spread_labels(data, layout)[:2]))
    assert left != right and "right" not in right, "the right one stays inside the figure (no room right of it)"


def test_figures_without_two_labels_and_other_traces_are_left_alone():
    alone = [point("only", 1, 1), {"type": "bar", "x": ["a"], "y": [1], "text": ["1"]},
             {"type": "scatter", "mode": "markers+text", "x": [1], "y": [1], "text": ["hidden"], "visible": False}]
    assert spread_labels(alone, {}) == alone
    text_only = [{"type": "scatter", "mode": "text", "x": [0, 0.1], "y": [0, 0], "text": ["a", "b"]}]
    assert spread_labels(text_only, {}) == text_only, "text that is the point itself is not moved"


def test_typed_arrays_are_read():
    packed = {"bdata": base64.b64encode(np.array([1.5, 2.5]).tobytes()).decode(), "dtype": "f8"}
    assert values(packed) == [1.5, 2.5] and values([1, 2]) == [1, 2] and values(None) == []
    data = [{**point("a", 0, 0), "x": packed, "y": packed, "text": ["first label", "second label"]}]
    data[0]["x"] = {**packed, "bdata": base64.b64encode(np.array([1.0, 1.1]).tobytes()).decode()}
    data[0]["y"] = {**packed, "bdata": base64.b64encode(np.array([0.0, 0.0]).tobytes()).decode()}
    first, second = spread_labels(data, {"xaxis": {"range": [0, 10]}, "yaxis": {"range": [-1, 1]}})[0][
        "textposition"]
    assert first != second
