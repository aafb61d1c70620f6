"""The panels' shared drawing: a figure goes into an Output widget's synced state, never through output capture."""

import ipywidgets
import ipywidgets as W
import plotly.graph_objects as go
import pytest

from helpers.ui import widgets as widgets_ui
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


def test_pressed_look_is_green_with_a_tick_and_released_is_not():
    assert widgets_ui.pressed_look(True) == ("success", "check")
    style, icon = widgets_ui.pressed_look(False)
    assert style != "success" and icon != "check"


def test_show_pressed_restyles_a_toggle_now_and_on_every_change():
    toggle = ipywidgets.ToggleButton(value=False, description="permission to cheat")
    widgets_ui.show_pressed(toggle)
    assert (toggle.button_style, toggle.icon) == widgets_ui.pressed_look(False)
    toggle.value = True
    assert (toggle.button_style, toggle.icon) == ("success", "check")
    toggle.value = False
    assert toggle.button_style == ""


def test_a_panel_displays_its_view_with_a_text_fallback_not_the_raw_repr():
    class Demo(widgets_ui.Panel):
        def __init__(self):
            self.widget = ipywidgets.VBox([ipywidgets.Checkbox(description="robot")])

        def summary(self):
            return "Demo panel: robot 0.42"

    bundle = Demo()._repr_mimebundle_()
    assert bundle["text/plain"] == "Demo panel: robot 0.42"
    assert "VBox" not in bundle["text/plain"]
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"]


def test_a_panel_without_words_is_refused():
    with pytest.raises(ValueError, match="summary is empty"):
        widgets_ui.panel_bundle(ipywidgets.VBox([]), "  ")


# ----- each control's label beside it, in full -----

def test_labelled_puts_the_label_and_its_buttons_in_one_row():
    buttons = W.ToggleButtons(options=["gamer", "steward"], description="role model")
    box = widgets_ui.labelled("role model", buttons)
    assert isinstance(box, W.HBox) and isinstance(box.children[0], W.Label) and box.children[1] is buttons
    assert box.children[0].value == "role model" and buttons.description == "", "the label is not shown twice"
    assert widgets_ui.label_of(box, buttons) == "role model"
    assert widgets_ui.label_problems(W.VBox([widgets_ui.row(box, W.IntSlider(description="weight",
                                                                            style=widgets_ui.FULL_LABEL))])) == []


def test_a_row_wraps_instead_of_squeezing_its_controls():
    assert widgets_ui.row(W.Label("a"), W.Dropdown(options=[1])).layout.flex_flow == "row wrap"


def test_label_problems_finds_each_kind_of_misplaced_or_cut_label():
    stacked = W.ToggleButtons(options=["a", "b"], description="recipe")   # drawn on a line above its buttons
    cut = W.IntSlider(description="a long label that gets cut")          # no FULL_LABEL
    unlabelled = W.Dropdown(options=[1, 2])
    alone = W.Label("seed")                                               # its own line, above the dropdown
    problems = widgets_ui.label_problems(W.VBox([stacked, cut, alone, unlabelled]))
    assert any("'recipe'" in p and "above" in p for p in problems)
    assert any("'a long label that gets cut'" in p and "cut off" in p for p in problems)
    assert any("Label 'seed'" in p for p in problems)
    assert any(p.startswith("Dropdown has no label") for p in problems)
    assert widgets_ui.label_of(W.VBox([alone, unlabelled]), unlabelled) is None


def test_buttons_and_text_need_no_label():
    tree = W.VBox([W.Button(description="train live"), W.ToggleButton(description="permission to cheat"),
                   W.Checkbox(description="robot", indent=False), W.HTML("<p>text</p>"), W.Output()])
    assert widgets_ui.label_problems(tree) == []


def test_selected_icons_tick_only_the_chosen_option():
    assert widgets_ui.selected_icons(3, 1) == ["", "check", ""]
    assert widgets_ui.selected_icons(2, None) == ["", ""]


def test_show_selected_moves_the_tick_with_the_choice():
    choice = W.ToggleButtons(options=["steward", "gamer"], value="gamer")
    widgets_ui.show_selected(choice)
    assert list(choice.icons) == ["", "check"]
    choice.value = "steward"
    assert list(choice.icons) == ["check", ""], "the tick follows the reader's choice"
