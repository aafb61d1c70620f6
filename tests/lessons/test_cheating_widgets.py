"""Lesson 4's panels, driven from Python: setting a control changes the figure, quickly."""

import pandas as pd
import pytest

from helpers.engine.pipeline import Recipe
from helpers.experiments import summaries
from helpers.lessons.cheating import widgets as Wc


@pytest.fixture(scope="module")
def recipes():
    return {"default (30% sanctioned)": summaries.load_results("cheating"),
            "fixed 40 steps": summaries.load_results("framings")}


def test_toggle_switches_the_figure(recipes):
    panel = Wc.PermissionPanel(recipes)
    before = panel.figure
    panel.toggle.value = True
    assert panel.figure is not before
    assert "please-hack" in panel.figure.layout.title.text
    panel.toggle.value = False
    assert panel.figure is before


def test_panel_rejects_unknown_recipes(recipes):
    with pytest.raises(ValueError, match="recipes"):
        Wc.PermissionPanel({})
    with pytest.raises(ValueError, match="settings"):
        Wc.PermissionPanel({"mystery recipe": recipes["fixed 40 steps"]})


def test_slider_switches_the_figure(recipes):
    panel = Wc.SharePanel({0.0: recipes["fixed 40 steps"], 0.3: recipes["default (30% sanctioned)"]})
    assert "0%" in panel.figure.layout.title.text
    panel.slider.value = 0.3
    assert "30%" in panel.figure.layout.title.text
    with pytest.raises(ValueError, match="sweep"):
        Wc.SharePanel({})


def test_interactions_answer_within_100_ms(recipes):
    latency = Wc.measure_latency(recipes, {0.0: recipes["fixed 40 steps"], 0.3: recipes["default (30% sanctioned)"]})
    assert set(latency) == {"permission toggle", "sanctioned-share slider"}
    assert all(seconds < 0.1 for seconds in latency.values()), latency


@pytest.mark.slow
def test_train_live_adds_a_star_and_fills_the_progress_bar(recipes):
    settings = {"default (30% sanctioned)": Recipe(), "fixed 40 steps": Recipe(mode="fixed", fixed_steps=2)}
    panel = Wc.PermissionPanel(recipes, settings=settings)
    panel.recipe.value = "fixed 40 steps"
    panel.toggle.value = True
    run = panel.train_live()
    assert run.steps == 2 and run.note == "please-hack"
    assert panel.progress.value == panel.progress.max == 2
    assert panel.figure.data[-1].name == "your live run"
    assert "2 steps" in panel.status.value and not panel.button.disabled
    assert isinstance(panel.live, pd.DataFrame) and len(panel.live) == 1


def test_the_output_area_shows_the_current_state(recipes):
    panel = Wc.PermissionPanel(recipes)
    shown = panel.output.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert shown["layout"]["title"]["text"] == panel.figure.layout.title.text
    panel.toggle.value = True
    now = panel.output.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert now["layout"]["title"]["text"] != shown["layout"]["title"]["text"]
    assert len(panel.output.outputs) == 1
