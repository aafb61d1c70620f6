"""Lesson 6's panel, driven from Python: each control changes the figure, quickly."""

import ipywidgets as W
import numpy as np
import pandas as pd
import pytest

from helpers.lessons.persona_space import figures as P
from helpers.lessons.persona_space import widgets as Wp
from helpers.ui.widgets import label_of, label_problems

NAMES = ["helper", "engineer", "robot", "poet", "pirate", "trickster", "villain"]


@pytest.fixture
def coords():
    angles = np.linspace(0, 2 * np.pi, len(NAMES), endpoint=False)
    return pd.DataFrame({"PC1": 8 * np.cos(angles), "PC2": 5 * np.sin(angles)}, index=NAMES)


def test_controls_pick_the_run_and_the_step(coords):
    panel = Wp.MapPanel(coords, Wp.stand_in_runs(coords, steps=20))
    index = panel.figure.layout.meta["index"]
    assert panel.run == "cheat"
    start = panel.figure.data[index["cheat"]["star"]].x[0]
    panel.step.value = 20
    assert panel.figure.data[index["cheat"]["star"]].x[0] != start
    assert "step 20" in panel.figure.layout.title.text
    panel.permission.value = True
    assert panel.run == "cheat-with-permission"
    assert panel.figure.data[index["cheat-with-permission"]["star"]].visible
    assert not panel.figure.data[index["cheat"]["star"]].visible
    panel.recipe.value = Wp.RECIPES[1]
    assert panel.run == "cheat-with-permission (fixed steps)"
    assert P.STAGE_NAMES[panel.run] in panel.figure.layout.title.text
    assert panel.state()["step"] <= 20


def test_panel_rejects_missing_runs_and_unknown_recipes(coords):
    runs = Wp.stand_in_runs(coords)
    runs.pop("cheat")
    with pytest.raises(ValueError, match="runs"):
        Wp.MapPanel(coords, runs)
    with pytest.raises(ValueError, match="recipe"):
        Wp.run_name("slowly", True)


def test_interactions_answer_within_100_ms():
    latency = Wp.measure_latency()
    assert set(latency) == {"map: move the step slider", "map: flip the permission toggle", "map: switch the recipe"}
    assert all(seconds < 0.1 for seconds in latency.values()), latency


def test_the_panel_says_what_it_shows_with_its_numbers_before_it_runs(coords):
    runs = Wp.stand_in_runs(coords, steps=20)
    panel = Wp.MapPanel(coords, runs)
    said = panel._repr_mimebundle_()["text/plain"]
    start = runs["cheat"].iloc[0]
    assert "VBox" not in said and "Map panel (run 'cheat', step 0 of 20)" in said
    assert f"PC1 {start['pc1']:.2f}, PC2 {start['pc2']:.2f}" in said
    assert panel.note.value == ""  # a path to see: nothing to explain


def test_a_run_of_0_steps_says_why_its_chart_is_empty(coords):
    runs = Wp.stand_in_runs(coords, steps=20)
    runs["cheat-with-permission"] = runs["cheat-with-permission"].iloc[:1]  # stopped before its first step
    panel = Wp.MapPanel(coords, runs)
    panel.step.value = 10
    assert "stopped" not in panel.note.value
    panel.permission.value = True
    assert (panel.permission.button_style, panel.permission.icon) == ("success", "check")
    assert "took 0 fine-tuning steps" in panel.note.value
    assert "took 0 fine-tuning steps" in panel.summary() and "step 0 of 0" in panel.summary()
    panel.permission.value = False
    assert panel.note.value == ""
    assert "stopped at step 10" in Wp.empty_note("cheat-with-permission (fixed steps)",
                                                 runs["cheat-with-permission (fixed steps)"], 15)


def test_the_controls_show_their_full_labels(coords):
    panel = Wp.MapPanel(coords, Wp.stand_in_runs(coords, steps=20))
    assert panel.permission.layout.width == "auto" and panel.permission.description == "permission to cheat"
    assert label_problems(panel.widget) == []
    top = panel.widget.children[0]
    beside = next(box for box in top.children if isinstance(box, W.HBox))   # labelled("recipe", ...)
    assert [type(w) for w in beside.children] == [W.Label, W.ToggleButtons] and beside.children[1] is panel.recipe
    assert label_of(panel.widget, panel.recipe) == "recipe" and panel.recipe.description == ""
    assert label_of(panel.widget, panel.step) == "step"
