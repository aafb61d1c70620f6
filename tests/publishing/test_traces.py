"""Reading plotly traces (helpers.publishing.traces): colours, whose colour, and what else tells traces apart. The
checks built on them are tested in test_accessibility.py."""

from __future__ import annotations

from helpers.publishing import traces
from helpers.ui.figures import PERSONA_COLORS


def test_parse_colour():
    assert traces.parse_colour("#abc") == ((170, 187, 204), 1.0) and traces.parse_colour("blue") is None
    assert traces.parse_colour("#112233") == ((17, 34, 51), 1.0)
    assert traces.parse_colour("rgba(1, 2, 3, 0.5)") == ((1, 2, 3), 0.5) and traces.parse_colour(None) is None


def test_persona_of_names_and_labels():
    assert traces.persona_of("helper") == "helper" and traces.persona_of("<b>Villain</b> (network)") == "villain"
    assert traces.persona_of("helpers") is None and traces.persona_of(3) is None


def test_trace_colour_and_same_colour():
    assert traces.trace_colour({"marker": {"color": "#882255"}}) == "#882255"
    hollow = {"marker": {"color": "rgba(0, 0, 0, 0)", "line": {"color": "#117733"}}}
    assert traces.trace_colour(hollow) == "#117733", "an unfilled marker is known by its outline"
    assert traces.trace_colour({"line": {"color": "#332288"}}) == "#332288" and traces.trace_colour({}) is None
    helper = PERSONA_COLORS["helper"]
    assert traces.same_colour(helper.lower(), helper.upper()) and not traces.same_colour("#000000", helper)


def test_categories_and_shapes():
    bars = {"type": "bar", "orientation": "h", "y": ["helper", "robot"], "x": [1, 2]}
    assert traces.categories(bars, 2) == ["helper", "robot"] and traces.categories(bars, 3) is None
    solid = {"type": "scatter", "mode": "lines", "line": {"dash": "solid"}}
    dotted = {"type": "scatter", "mode": "lines", "line": {"dash": "dot"}}
    assert traces.shape(solid) != traces.shape(dotted)
    assert traces.drawn({"type": "scatter"}) == (True, True) and traces.is_scatter({})
    assert not traces.draws_marks({"type": "scatter", "mode": "none", "fill": "toself"})
    assert traces.has_text_labels({"type": "bar", "text": ["a"]}) and not traces.has_text_labels(solid)
