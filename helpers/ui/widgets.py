"""Interactive panels for JupyterLab (ipywidgets). Each is a thin layer: a control, a pure function that is
unit-tested on its own, and a figure redrawn from its result. Every panel has a plotly-native twin (buttons or
sliders over precomputed states, built in ``helpers.ui.figures``) so the same view works in the static HTML.

Topic modules: ``helpers.lessons.pretraining.widgets``, ``helpers.lessons.assistant.widgets``,
``helpers.lessons.cheating.widgets``,
``helpers.lessons.role_models.widgets``, ``helpers.lessons.persona_space.widgets``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import plotly.io as pio


def figure_bundle(figure) -> dict:
    """A figure as plotly's mimetype bundle: what a kernel shows for it."""
    return pio.renderers["plotly_mimetype"].to_mimebundle(figure.to_dict())


def redraw(output, figure, bundle: dict | None = None) -> None:
    """Show ``figure`` (or its ready-made ``bundle``) in a panel's Output widget.

    The figure is put into the widget's ``outputs`` (its synced state) instead of being captured with
    ``with output: display(...)``: capture routes messages through nbclient's output hooks, which can stall a
    notebook's execution for the whole cell timeout (jupyter/nbclient#312); a state update cannot.
    """
    output.outputs = ({"output_type": "display_data", "data": bundle or figure_bundle(figure), "metadata": {}},)


def seconds_taken(action: Callable[[], None]) -> float:
    """Wall-clock seconds one call of ``action`` takes (for the panels' ``measure_latency``)."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start
