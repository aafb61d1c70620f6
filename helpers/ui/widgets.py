"""Interactive panels for JupyterLab (ipywidgets). Each is a thin layer: a control, a pure function that is
unit-tested on its own, and a figure redrawn from its result. Every panel has a plotly-native twin (buttons or
sliders over precomputed states, built in ``helpers.ui.figures``) so the same view works in the static HTML.

Topic modules: ``helpers.lessons.pretraining.widgets``, ``helpers.lessons.assistant.widgets``,
``helpers.lessons.cheating.widgets``,
``helpers.lessons.role_models.widgets``, ``helpers.lessons.persona_space.widgets``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import ipywidgets as W
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


#: Controls whose ``description`` ipywidgets 8 draws as an inline label followed by a block of buttons, so the
#: label sits on its own line above the buttons: give them a label with :func:`labelled` instead.
STACKED_DESCRIPTION = (W.ToggleButtons, W.RadioButtons)
#: Controls whose ``description`` is their own text (on the button, or beside the box), not a label.
OWN_TEXT = (W.Button, W.ToggleButton, W.Checkbox)
#: Widgets that show text or output and take no input: they need no label.
NOT_CONTROLS = (W.Label, W.HTML, W.HTMLMath, W.Output)


def labelled(text: str, control: W.Widget) -> W.HBox:
    """``control`` with the label ``text`` beside it, in full, on one row (an HBox of a Label and the control).

    For the controls of :data:`STACKED_DESCRIPTION` (a row of buttons), whose own ``description`` would sit on a
    line of its own above them; the control's description is cleared so the label is not shown twice.
    """
    control.description = ""
    label = W.Label(text, layout=W.Layout(width="auto", flex="0 0 auto", margin="0 6px 0 0"))
    return W.HBox([label, control], layout=W.Layout(align_items="center", flex="0 0 auto"))


def row(*children: W.Widget) -> W.HBox:
    """Controls side by side that wrap, each with its label, onto the next line when the notebook is narrow (instead
    of squeezing a label off)."""
    return W.HBox(list(children), layout=W.Layout(flex_flow="row wrap", align_items="center"))


def _walk(widget: W.Widget, parent: W.Widget | None = None) -> Iterator[tuple[W.Widget, W.Widget | None]]:
    """(widget, its parent box) for ``widget`` and everything inside it, depth first."""
    yield widget, parent
    for child in getattr(widget, "children", ()):
        yield from _walk(child, widget)


def label_of(tree: W.Widget, control: W.Widget) -> str | None:
    """The label a reader sees beside ``control`` inside ``tree``: its own ``description`` (drawn on its left), or
    the text of the Label right before it in the same HBox (:func:`labelled`); None when it has none beside it."""
    description = getattr(control, "description", "") or ""
    if description and not isinstance(control, STACKED_DESCRIPTION):
        return description
    for widget, _ in _walk(tree):
        if isinstance(widget, W.HBox) and control in widget.children:
            k = widget.children.index(control)
            before = widget.children[k - 1] if k else None
            return before.value if isinstance(before, W.Label) and before.value.strip() else None
    return None


def label_problems(tree: W.Widget) -> list[str]:
    """Each control in a panel's widget tree whose label a reader does not see beside it, in full:

    - a :data:`STACKED_DESCRIPTION` control with a ``description`` (drawn on its own line above the buttons);
    - a ``description`` without :data:`FULL_LABEL` (ipywidgets cuts a label at about 80 px with "...");
    - a Label that is not in an HBox right before a control (on a line of its own);
    - a control (an input, not :data:`OWN_TEXT`) with no label beside it at all.
    """
    problems = []
    for widget, parent in _walk(tree):
        name = type(widget).__name__
        description = getattr(widget, "description", "") or ""
        if isinstance(widget, STACKED_DESCRIPTION) and description:
            problems.append(f"{name} {description!r}: its description is drawn on a line above its buttons; "
                            "use labelled(text, control)")
        elif description and not isinstance(widget, (*OWN_TEXT, *STACKED_DESCRIPTION)) \
                and getattr(widget.style, "description_width", "") != FULL_LABEL["description_width"]:
            problems.append(f"{name} {description!r}: its label may be cut off; give it style=FULL_LABEL")
        if isinstance(widget, W.Label):
            siblings = list(parent.children) if isinstance(parent, W.HBox) else []
            k = siblings.index(widget) if widget in siblings else -1
            after = siblings[k + 1] if 0 <= k < len(siblings) - 1 else None
            if after is None or isinstance(after, NOT_CONTROLS):
                problems.append(f"Label {widget.value!r} is not right before a control in the same row")
        elif isinstance(widget, W.ValueWidget) and not isinstance(widget, (*OWN_TEXT, *NOT_CONTROLS)) \
                and not label_of(tree, widget):
            problems.append(f"{name} has no label beside it")
    return problems


def pressed_look(value: bool) -> tuple[str, str]:
    """The (button_style, icon) of a toggle button that is ``value`` (pressed or not)."""
    return PRESSED if value else RELEASED


def show_pressed(toggle) -> None:
    """Make a ToggleButton show its state clearly (green with a tick when on), now and on every change."""
    def restyle(_change: object = None) -> None:
        toggle.button_style, toggle.icon = pressed_look(bool(toggle.value))

    restyle()
    toggle.observe(restyle, names="value")


def selected_icons(count: int, index: int | None) -> list[str]:
    """Icons for ``count`` ToggleButtons that mark the chosen one (at ``index``) with a tick, the others with none."""
    return ["check" if k == index else "" for k in range(count)]


def show_selected(choice) -> None:
    """Make ToggleButtons show which option is chosen by more than a grey shade: a tick on it, now and on every
    change."""
    def mark(_change: object = None) -> None:
        choice.icons = selected_icons(len(choice.options), choice.index)

    mark()
    choice.observe(mark, names="index")


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
