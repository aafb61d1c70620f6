"""Lesson 5's panel, driven from Python: the buttons and the slider change the figure, quickly; the live run."""

import ipywidgets as W
import pandas as pd
import pytest
from role_model_records import make_records

from helpers.engine.pipeline import Recipe
from helpers.lessons.role_models import widgets as Wr
from helpers.ui.widgets import label_of, label_problems


@pytest.fixture(scope="module")
def records():
    return make_records(seeds=range(5))


def test_buttons_and_slider_switch_the_figure(records):
    panel = Wr.RoleModelPanel(records)
    assert panel.key == ("gamer", 0.15)
    assert "gamer 15%" in panel.figure.layout.title.text
    panel.role.value = "steward"
    assert "steward 15%" in panel.figure.layout.title.text
    panel.weight.value = 0.05
    assert "steward 5%" in panel.figure.layout.title.text
    panel.weight.value = 0.0
    assert "baseline" in panel.figure.layout.title.text
    panel.role.value = "gamer"
    panel.weight.value = 0.15
    assert panel.figure is panel.states[("gamer", 0.15)]


def test_bars_are_the_seeds_paired_differences(records):
    panel = Wr.RoleModelPanel(records)
    network = panel.figure.data[0]
    expected = panel.paired[(panel.paired.role_model == "gamer") & (panel.paired.weight == 0.15)]["network_diff"]
    assert list(network.y)[:-1] == pytest.approx(list(expected))
    assert network.y[-1] == pytest.approx(expected.mean())


def test_train_live_refuses_the_baseline_and_unshipped_seeds(records):
    panel = Wr.RoleModelPanel(make_records(seeds=[0, 999]))
    panel.weight.value = 0.0
    assert panel.train_live() is None and "baseline" in panel.status.value
    panel.weight.value = 0.15
    panel.seed.value = 999
    assert panel.train_live() is None and "not shipped" in panel.status.value
    assert not panel.live and not panel.button.disabled


def test_interactions_answer_within_100_ms(records):
    latency = Wr.measure_latency(records)
    assert set(latency) == {"role-model buttons", "weight slider"}
    assert all(seconds < 0.1 for seconds in latency.values()), latency


@pytest.mark.slow
def test_train_live_adds_a_star_and_fills_the_progress_bar(records):
    panel = Wr.RoleModelPanel(records, recipe=Recipe(step_cap=2))
    panel.role.value = "steward"
    panel.weight.value = 0.05   # shipped for seed 0
    panel.seed.value = 0
    live = panel.train_live()
    assert live is not None and live.record["steps"] <= 2
    assert panel.progress.value == panel.progress.max == 2
    assert panel.figure.data[-1].name == "your live run (network)"
    assert "steward 5%" in panel.status.value and not panel.button.disabled
    assert isinstance(panel.live[("steward", 0.05)], pd.DataFrame) and len(panel.live[("steward", 0.05)]) == 1


def test_the_seed_offered_first_is_the_opening_worlds_median_seed(records):
    from helpers.lessons.role_models import live as live_seeds

    panel = Wr.RoleModelPanel(records)
    assert panel.seed.value == live_seeds.median_seed(panel.paired, "gamer", 0.15)


def test_the_panel_says_what_it_shows_with_its_numbers_before_it_runs(records):
    panel = Wr.RoleModelPanel(records)
    said = panel._repr_mimebundle_()["text/plain"]
    rows = panel.paired[(panel.paired.role_model == "gamer") & (panel.paired.weight == 0.15)]
    assert "VBox" not in said and said.startswith("Role-model panel (gamer 15%)")
    assert f"over {rows.seed.nunique()} seeds: network {rows.network_diff.mean():+.2f}" in said
    assert f"Bayes {rows.bayes_diff.mean():+.2f}" in said
    assert "baseline" in Wr.role_model_summary(panel.paired, "gamer", 0.0)
    assert "no seeds" in Wr.role_model_summary(panel.paired.iloc[:0], "gamer", 0.15)


def test_each_control_has_its_full_label_beside_it(records):
    panel = Wr.RoleModelPanel(records)
    assert label_problems(panel.widget) == []
    rows = [box for box in panel.widget.children if isinstance(box, W.HBox)]
    beside = next(box for box in rows[0].children if isinstance(box, W.HBox))   # labelled("role model", ...)
    assert [type(w) for w in beside.children] == [W.Label, W.ToggleButtons] and beside.children[1] is panel.role
    assert label_of(panel.widget, panel.role) == "role model" and panel.role.description == ""
    assert {label_of(panel.widget, c) for c in (panel.weight, panel.seed, panel.progress)} == {"weight", "seed",
                                                                                                "steps"}
    assert panel.weight.style.description_width == "initial"
    assert list(panel.role.icons)[panel.role.index] == "check", "the chosen role model carries a tick"
