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


# ----- what a panel shows before it runs, and its controls -----
#: The style of a control whose label must show in full (ipywidgets cuts a description at about 90 px).
FULL_LABEL = {"description_width": "initial"}
#: How a panel's toggle looks when pressed and when not: (button_style, icon). Pressed is green with a tick, not
#: only a grey shade.
PRESSED = ("success", "check")
RELEASED = ("", "square-o")


def pressed_look(value: bool) -> tuple[str, str]:
    """The (button_style, icon) of a toggle button that is ``value`` (pressed or not)."""
    return PRESSED if value else RELEASED


def show_pressed(toggle) -> None:
    """Make a ToggleButton show its state clearly (green with a tick when on), now and on every change."""
    def restyle(_change: object = None) -> None:
        toggle.button_style, toggle.icon = pressed_look(bool(toggle.value))

    restyle()
    toggle.observe(restyle, names="value")


def panel_bundle(widget, summary: str) -> dict:
    """A panel's display bundle: the live widget view, and ``summary`` as its text/plain fallback.

    JupyterLab shows the text/plain part of a saved output until the kernel runs (and any viewer without widgets
    shows it always), so it says what the panel shows, with its numbers, instead of the raw ``VBox(children=...``.
    """
    if not summary.strip():
        raise ValueError("summary is empty; expected a sentence saying what the panel shows")
    bundle = dict(widget._repr_mimebundle_())
    bundle["text/plain"] = summary
    return bundle


class Panel:
    """Base of the lessons' panels: ``self.widget`` is the view, :meth:`summary` the text a reader sees before the
    kernel runs. Displaying a panel (``panel`` as a cell's last line, or ``display(panel)``) shows both."""

    widget: object

    def summary(self) -> str:  # pragma: no cover - every panel defines it
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return panel_bundle(self.widget, self.summary())
