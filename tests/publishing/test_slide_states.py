"""Which state of a figure with buttons a slide draws (helpers.publishing.slide_states)."""

from __future__ import annotations

import copy

import pytest

from helpers.publishing.notebooks import NOTEBOOKS_DIR, find_lessons, for_readers, read_notebook
from helpers.publishing.slide_plan import slide_plan
from helpers.publishing.slide_states import (
    apply_button,
    chosen_button,
    restyle,
    slide_state,
    title_caption,
)


def toggle(active=-1):
    """A held-back toggle like lesson 04's: the first state shows one run, "off" and "on" both runs."""
    def update(visible, title):
        return {"method": "update", "args": [{"visible": visible}, {"title.text": title}]}
    return {"data": [{"name": "without", "y": [1], "visible": True},
                     {"name": "without", "y": [1], "visible": False}, {"name": "with", "y": [2], "visible": False},
                     {"name": "without", "y": [1], "visible": False}, {"name": "with", "y": [2], "visible": False}],
            "layout": {"title": {"text": "Without: 0.5. With it: ?<br>predict first"},
                       "updatemenus": [{"active": active, "buttons": [
                           {"label": "note: off", **update([False, True, True, False, False], "Without: 0.5")},
                           {"label": "note: on", **update([False, False, False, True, True], "With: 0.1<br>x")}]}]}}


def test_a_click_restyles_and_relayouts_a_copy_like_plotly():
    figure = {"data": [{"y": [1], "marker": {"color": "red"}}, {"y": [2]}, {"y": [3]}],
              "layout": {"title": "plain", "xaxis": {"range": [0, 1]}}}
    before = copy.deepcopy(figure)
    clicked = apply_button(figure, {"method": "update", "args": [
        {"y": [[9], [8]], "marker.color": "blue", "name": None}, {"title.text": "new", "xaxis.range[1]": 5}, [0, 2]]})
    assert figure == before, "the saved figure is not changed"
    assert [t["y"] for t in clicked["data"]] == [[9], [2], [8]], "the i-th value to the i-th trace changed"
    assert clicked["data"][0]["marker"] == {"color": "blue"} and clicked["data"][2]["marker"] == {"color": "blue"}
    assert "marker" not in clicked["data"][1]
    assert clicked["layout"]["title"] == {"text": "new"} and clicked["layout"]["xaxis"]["range"] == [0, 5]
    data = [{"visible": True} for _ in range(4)]
    restyle(data, {"visible": [False, True]})
    assert [t["visible"] for t in data] == [False, True, False, True], "a short list cycles, as in plotly.js"
    relaid = apply_button(figure, {"method": "relayout", "args": [{"sliders": [{"active": 2}]}]})
    assert relaid["layout"]["sliders"] == [{"active": 2}] and relaid["data"] == figure["data"]
    assert apply_button(figure, {"method": "animate", "args": ["frame"]}) == figure


def test_a_held_back_figure_is_drawn_revealed_and_its_buttons_still_work():
    figure = toggle()
    before = copy.deepcopy(figure)
    assert chosen_button(figure) == (0, 1), "off and on reveal as many names: the later button, the toggle's on"
    shown, caption = slide_state(figure)
    assert figure == before
    assert [t["visible"] for t in shown["data"]] == [False, False, False, True, True]
    assert shown["layout"]["title"]["text"] == "With: 0.1<br>x" and caption == "Figure: With: 0.1."
    assert shown["layout"]["updatemenus"][0]["active"] == 1, "the on button shows pressed"
    off = apply_button(shown, shown["layout"]["updatemenus"][0]["buttons"][0])
    assert [t["visible"] for t in off["data"]] == [False, True, True, False, False], "the buttons still work"


def test_a_button_that_reveals_more_wins_and_a_figure_in_a_button_state_is_drawn_as_saved():
    figure = toggle()
    figure["layout"]["updatemenus"][0]["buttons"][1]["args"][0]["visible"] = [False, False, False, True, False]
    assert chosen_button(figure) == (0, 0), "off shows both names, on only one"
    for active in (None, 0, 1):
        saved = toggle(active)
        assert chosen_button(saved) is None and slide_state(saved) == (saved, "")
    assert slide_state({"data": [{"y": [1]}], "layout": {}}) == ({"data": [{"y": [1]}], "layout": {}}, "")


def test_the_state_the_text_quotes_is_drawn():
    figure = toggle(None)
    assert chosen_button(figure, 'What to see: with "Note: ON" it drops.') == (0, 1)
    assert chosen_button(figure, "What to see: with `note: off` it stays.") == (0, 0)
    assert chosen_button(figure, "What to see: with “note: on” it drops.") == (0, 1)
    assert chosen_button(figure, "What to see: the note: on it drops.") is None, "only a quoted label counts"
    assert chosen_button(toggle(), 'What to see: "note: off" first.') == (0, 0), "the text beats the reveal rule"
    assert title_caption("A <b>title</b><br>second line") == "Figure: A title." and title_caption({}) == ""
    assert title_caption({"text": "With it: 0.08 (without 0.51, start 0.02)."}) == "Figure: With it: 0.08."


def test_every_twin_of_the_course_is_drawn_in_the_state_its_slide_describes():
    """Lesson 02: the text quotes "says arr"; lesson 04: the toggle is held back, so the slide shows it on; the
    other twins are drawn as saved, the state their caption (text alternative) describes."""
    shown = {}
    for path in find_lessons(NOTEBOOKS_DIR):
        for slide in slide_plan(for_readers(read_notebook(path))):
            menus = (slide.figure or {}).get("layout", {}).get("updatemenus") or []
            if menus:
                active = menus[0].get("active")
                label = menus[0]["buttons"][active or 0]["label"] if active != -1 else None
                shown[path.stem[:2]] = (label, slide.caption)
    if not shown:
        pytest.skip("no lesson has a twin")
    assert all(label is not None for label, _ in shown.values()), "no slide draws a held-back state"
    if "02" in shown:
        assert shown["02"] == ("says arr", "Figure: Evidence: says arr.")
    if "04" in shown:
        assert shown["04"][0] == "permission to cheat: on" and shown["04"][1].startswith("Figure: With ")
