"""Tests for helpers.lessons.pretraining.widgets: the in-context panel redraws from precomputed states, fast."""

from __future__ import annotations

import pytest

from helpers.engine.checkpoints import pretrained_model
from helpers.engine.runtime import setup
from helpers.lessons.pretraining import analysis as sampling
from helpers.lessons.pretraining import widgets as wp
from helpers.ui.widgets import label_problems


@pytest.fixture(scope="module")
def states(world):
    setup()
    return sampling.incontext_states(pretrained_model(world, 0), world, seed=0)


def test_panel_redraws_when_the_reader_moves_the_controls(world, states):
    panel = wp.IncontextPanel(world, states)
    assert list(panel.persona.options) == list(world.personas)
    assert (panel.k.min, panel.k.max) == (0, 3)
    before = list(panel.figure.data[1].x)
    panel.persona.value = "villain"
    panel.k.value = 3
    assert panel.state is states[("villain", 3)]
    assert list(panel.figure.data[1].x) == pytest.approx(list(states[("villain", 3)].network))
    assert list(panel.figure.data[1].x) != pytest.approx(before)
    assert "villain" in panel.figure.layout.title.text
    panel.persona.value = "robot"
    assert list(panel.figure.data[0].y) == pytest.approx(list(states[("robot", 3)].posterior))


def test_panel_rejects_bad_states(world, states):
    with pytest.raises(ValueError, match="states"):
        wp.IncontextPanel(world, {})
    partial = {key: value for key, value in states.items() if key != ("helper", 2)}
    with pytest.raises(ValueError, match="helper"):
        wp.IncontextPanel(world, partial)


def test_interactions_answer_within_100_ms(world, states):
    panel = wp.IncontextPanel(world, states)
    timings = [wp.measure_latency(panel) for _ in range(3)]
    assert set(timings[0]) == {"in-context: move the k slider", "in-context: choose another character"}
    for key in timings[0]:
        assert min(t[key] for t in timings) < 0.1, key


def test_measure_latency_builds_its_own_panel():
    timings = wp.measure_latency()
    assert len(timings) == 2 and all(t >= 0 for t in timings.values())


def test_the_panel_says_what_it_shows_with_its_numbers_before_it_runs(world, states):
    panel = wp.IncontextPanel(world, states)
    panel.persona.value, panel.k.value = "pirate", 2
    view = states[("pirate", 2)]
    said = panel._repr_mimebundle_()["text/plain"]
    assert "VBox" not in said and "(character pirate, k = 2 earlier episodes)" in said
    assert f"network vs Bayes {view.tv_to_bayes:.3f}" in said and f"{view.network.max():.2f}" in said
    assert said == wp.incontext_summary(view)
    assert panel.persona.style.description_width == "initial"
    assert label_problems(panel.widget) == []
