"""The panels' shared drawing: a figure goes into an Output widget's synced state, never through output capture."""

import ipywidgets as W
import plotly.graph_objects as go

from helpers.ui.widgets import figure_bundle, redraw, seconds_taken

PLOTLY = "application/vnd.plotly.v1+json"


def test_redraw_replaces_the_output_with_one_figure():
    output = W.Output()
    redraw(output, go.Figure(go.Bar(y=[1, 2]), layout=dict(title="first")))
    redraw(output, go.Figure(go.Bar(y=[3]), layout=dict(title="second")))
    assert len(output.outputs) == 1 and output.outputs[0]["output_type"] == "display_data"
    shown = output.outputs[0]["data"][PLOTLY]
    assert shown["layout"]["title"]["text"] == "second" and list(shown["data"][0]["y"]) == [3]


def test_redraw_uses_a_ready_bundle_as_it_is():
    output, figure = W.Output(), go.Figure(go.Bar(y=[1]))
    bundle = figure_bundle(figure)
    redraw(output, figure, bundle)
    assert output.outputs[0]["data"] is bundle


def test_seconds_taken_times_the_action():
    calls = []
    assert seconds_taken(lambda: calls.append(1)) >= 0 and calls == [1]
