"""Panels of lessons 02-03, driven from Python: set a control, check the figure changed; and their latency."""

import numpy as np
import pytest

from helpers.lessons.assistant import analysis as assistant
from helpers.lessons.assistant import widgets as panels


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
