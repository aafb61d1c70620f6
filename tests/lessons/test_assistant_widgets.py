"""Panels of lessons 02-03, driven from Python: set a control, check the figure changed; and their latency."""

import numpy as np
import pytest

from helpers.lessons.assistant import analysis as assistant
from helpers.lessons.assistant import widgets as panels
from helpers.ui.widgets import label_of, label_problems


def ys(fig):
    return [list(np.asarray(t.y, dtype=float)) for t in fig.data if t.y is not None]


def test_evidence_panel_redraws_on_a_checkbox(world):
    panel = panels.EvidencePanel(world, panels.stand_in_states(world))
    assert panel.evidence == ()
    before = ys(panel.figure)
    panel.checkboxes["says arr"].value = True
    assert panel.evidence == ("says arr",)
    assert ys(panel.figure) != before
    assert panel.figure.data[1].y[world.persona_index("pirate")] == pytest.approx(1.0)
    panel.select(["glad to help", "comforts a sad user"])
    assert panel.state is assistant.find_state(panel.states, ["glad to help", "comforts a sad user"])
    assert "glad to help" in panel.figure.layout.title.text
    with pytest.raises(ValueError, match="evidence"):
        panel.select(["shouts"])
    with pytest.raises(ValueError, match="states is empty"):
        panels.EvidencePanel(world, [])


def test_trajectory_panel_redraws_on_slider_and_mode(world):
    frames, bayes_metrics = panels.stand_in_runs(world)
    frames["embedding"] = frames["embedding"].assign(helpfulness=np.linspace(0.3, 0.95, len(frames["embedding"])))
    panel = panels.TrajectoryPanel(frames, bayes_metrics)
    before = ys(panel.figure)
    panel.step.value = 0
    assert ys(panel.figure) != before
    index = panel.figure.layout.meta["index"]
    panel.mode.value = "all"
    assert panel.figure.data[index["all"]["bars"]].visible is True
    assert panel.figure.data[index["embedding"]["bars"]].visible is False
    with pytest.raises(ValueError, match="runs is empty"):
        panels.TrajectoryPanel({}, bayes_metrics)


def test_measure_latency_is_under_100_ms(world):
    latency = panels.measure_latency()
    assert set(latency) == {"evidence: check a box", "trajectory: move the slider", "trajectory: switch the mode"}
    assert max(latency.values()) < 0.1, latency


TEXT = "text/plain"


def test_evidence_panel_says_what_it_shows_with_its_numbers_before_it_runs(world):
    panel = panels.EvidencePanel(world, panels.stand_in_states(world))
    panel.select(["says arr"])
    said = panel._repr_mimebundle_()[TEXT]
    assert "VBox" not in said and "Evidence panel (says arr)" in said
    assert f"{panel.state.posterior.max():.2f} on the pirate" in said
    metric = next(iter(panel.state.bayes))
    assert f"{metric.replace('_', '-')} {panel.state.network[metric]:.2f} vs {panel.state.bayes[metric]:.2f}" in said
    assert panels.evidence_summary(world.personas, panel.state) == said
    assert all(box.style.description_width == "initial" for box in panel.checkboxes.values())
    assert label_problems(panel.widget) == []


def test_trajectory_summary_reads_the_chosen_mode_and_step(world):
    frames, bayes_metrics = panels.stand_in_runs(world)
    frames["all"] = frames["all"].assign(helpfulness=np.linspace(0.1, 0.9, len(frames["all"])))
    said = panels.trajectory_summary(frames, bayes_metrics, "all", 52)  # no row at 52: the last one before it
    row = frames["all"].set_index("step").loc[50]
    assert "mode all, step 50 of 100" in said
    assert f"helpfulness {row['helpfulness']:.2f} vs {bayes_metrics['helpfulness']:.2f}" in said
    panel = panels.TrajectoryPanel(frames, bayes_metrics)
    assert panel._repr_mimebundle_()[TEXT] == panels.trajectory_summary(frames, bayes_metrics, "embedding", 100)


def test_trajectory_panel_labels_sit_beside_their_controls(world):
    frames, bayes_metrics = panels.stand_in_runs(world)
    panel = panels.TrajectoryPanel(frames, bayes_metrics)
    assert label_problems(panel.widget) == []
    assert label_of(panel.widget, panel.mode) == "mode" and label_of(panel.widget, panel.step) == "step"
