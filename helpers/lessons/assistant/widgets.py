"""Interactive panels of lessons 02 and 03 (ipywidgets), thin layers over precomputed states.

- :class:`EvidencePanel` (lesson 02): switch evidence episodes on and off and watch who the Assistant becomes:
  Bayes' posterior, and the network's held-out answers beside Bayes' predictive.
- :class:`TrajectoryPanel` (lesson 03): a slider over post-training steps and a toggle between the two
  post-training modes.

Nothing is computed on interaction: the states come from :func:`helpers.lessons.assistant.analysis.evidence_states` and
:func:`helpers.lessons.assistant.post_training.post_training_run`, and each interaction only picks a state
and redraws its figure. The plotly-native twins of both panels are
:func:`helpers.lessons.assistant.figures.evidence_twin` and :func:`helpers.lessons.assistant.figures.trajectory_twin`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import pandas as pd

from helpers.engine import bayes, evals
from helpers.engine.world import NEUTRAL, World, load_world
from helpers.lessons.assistant.analysis import (
    EVIDENCE,
    HELD_OUT_TASKS,
    EvidenceState,
    evidence_combinations,
    evidence_context,
    find_state,
    held_out_metrics,
)
from helpers.lessons.assistant.figures import (
    evidence_figure,
    trajectory_figure,
    update_evidence_figure,
    update_trajectory_figure,
)
from helpers.lessons.assistant.post_training import TRAJECTORY_METRICS
from helpers.ui.widgets import FULL_LABEL, Panel, labelled, redraw, row, seconds_taken, show_selected


def _pairs(network: Mapping[str, float], bayes_side: Mapping[str, float], names: Sequence[str]) -> str:
    return ", ".join(f"{name.replace('_', '-')} {network[name]:.2f} vs {bayes_side[name]:.2f}" for name in names
                     if name in network and name in bayes_side)


def evidence_summary(personas: Sequence[str], state: EvidenceState) -> str:
    """What the evidence panel shows for one state, in words and numbers (its text before the kernel runs)."""
    top = int(state.posterior.argmax())
    return (f"Evidence panel ({state.label}): who the Assistant becomes. Bayes' posterior puts "
            f"{state.posterior[top]:.2f} on the {personas[top]}. Held-out answers, network vs Bayes: "
            f"{_pairs(state.network, state.bayes, list(state.bayes))}. "
            "Run the notebook to switch evidence episodes on and off.")


def trajectory_summary(runs: Mapping[str, pd.DataFrame], bayes_metrics: Mapping[str, float], mode: str,
                       step: int) -> str:
    """What the trajectory panel shows for one mode and step, in words and numbers."""
    frame = runs[mode]
    row = frame[frame["step"] <= step].iloc[-1] if (frame["step"] <= step).any() else frame.iloc[0]
    shown = [m for m in TRAJECTORY_METRICS if m in bayes_metrics and m in row]
    return (f"Post-training panel (mode {mode}, step {int(row['step'])} of {int(frame['step'].max())}): each "
            f"metric of the network beside the Bayesian Assistant: "
            f"{_pairs(row, bayes_metrics, shown)}. Run the notebook to move the step slider and switch the mode.")


class EvidencePanel(Panel):
    """One checkbox per evidence episode; the figure shows the state of the checked combination."""

    def __init__(self, world: World, states: Sequence[EvidenceState]) -> None:
        if not states:
            raise ValueError("states is empty; expected helpers.lessons.assistant.analysis.evidence_states(...)")
        self.world = world
        self.states = list(states)
        names = [n for n in EVIDENCE if any(n in s.evidence for s in self.states)]
        self.checkboxes = {name: widgets.Checkbox(value=False, description=name, indent=False,
                                                     style=FULL_LABEL) for name in names}
        self.output = widgets.Output()
        self.figure = evidence_figure(world, self.state)
        for box in self.checkboxes.values():
            box.observe(self._changed, names="value")
        self.widget = widgets.VBox([widgets.HBox(list(self.checkboxes.values())), self.output])
        self._draw()

    @property
    def evidence(self) -> tuple[str, ...]:
        return tuple(name for name, box in self.checkboxes.items() if box.value)

    @property
    def state(self) -> EvidenceState:
        return find_state(self.states, self.evidence)

    def select(self, evidence: Sequence[str]) -> None:
        """Check exactly these evidence boxes (as a reader would), redrawing once per change."""
        unknown = [n for n in evidence if n not in self.checkboxes]
        if unknown:
            raise ValueError(f"evidence {unknown}; expected names from {list(self.checkboxes)}")
        for name, box in self.checkboxes.items():
            box.value = name in evidence

    def _changed(self, _change: object = None) -> None:
        update_evidence_figure(self.figure, self.world, self.state)
        redraw(self.output, self.figure)

    def _draw(self) -> None:
        redraw(self.output, self.figure)

    def summary(self) -> str:
        return evidence_summary(self.world.personas, self.state)


class TrajectoryPanel(Panel):
    """A toggle between post-training modes and a slider over the recorded steps."""

    def __init__(self, runs: Mapping[str, pd.DataFrame], bayes_metrics: Mapping[str, float]) -> None:
        if not runs:
            raise ValueError("runs is empty; expected {mode: trajectory DataFrame}")
        self.runs = dict(runs)
        self.bayes = dict(bayes_metrics)
        modes = list(self.runs)
        steps = [int(s) for s in self.runs[modes[0]]["step"]]
        self.mode = widgets.ToggleButtons(options=modes, value=modes[0], layout=widgets.Layout(width="auto"))
        show_selected(self.mode)
        self.step = widgets.SelectionSlider(options=steps, value=steps[-1], description="step",
                                            continuous_update=True, style=FULL_LABEL)
        self.output = widgets.Output()
        self.figure = trajectory_figure(self.runs, self.bayes, self.mode.value, self.step.value)
        self.mode.observe(self._changed, names="value")
        self.step.observe(self._changed, names="value")
        self.widget = widgets.VBox([row(labelled("mode", self.mode), self.step), self.output])
        self._draw()

    def _changed(self, _change: object = None) -> None:
        update_trajectory_figure(self.figure, self.runs, self.mode.value, self.step.value)
        redraw(self.output, self.figure)

    def _draw(self) -> None:
        redraw(self.output, self.figure)

    def summary(self) -> str:
        return trajectory_summary(self.runs, self.bayes, self.mode.value, int(self.step.value))


# ----- latency -----
def stand_in_states(world: World) -> list[EvidenceState]:
    """Bayes-only states (the network's side copied from Bayes): enough to time the panel, no model needed."""
    states = []
    for combo in evidence_combinations():
        post = bayes.posterior(world, evidence_context(world, combo))
        answers = {t: bayes.predictive(world, post, t) for t in HELD_OUT_TASKS}
        metrics = held_out_metrics(world, {(t, NEUTRAL): p for t, p in answers.items()})
        states.append(EvidenceState(combo, post, metrics, dict(metrics), answers, dict(answers)))
    return states


def stand_in_runs(world: World) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """Flat trajectories with the right columns, for timing the trajectory panel without training."""
    profile = evals.bayes_profile(world, world.prior)
    metrics = {**evals.behaviour_metrics(world, profile), "in_set": 1.0}
    frame = pd.DataFrame([{"step": s, **{m: metrics[m] for m in TRAJECTORY_METRICS}} for s in range(0, 101, 5)])
    return {"embedding": frame, "all": frame.copy()}, {m: metrics[m] for m in TRAJECTORY_METRICS}


def measure_latency(evidence_panel: EvidencePanel | None = None,
                    trajectory_panel: TrajectoryPanel | None = None) -> dict[str, float]:
    """Seconds one interaction of each panel takes (checking a box; moving the slider; switching the mode).

    Without panels, builds them from stand-in states (exact Bayes on both sides, flat trajectories): the work an
    interaction does is the same, since nothing is computed beyond picking a state and drawing its figure.
    """
    world = evidence_panel.world if evidence_panel is not None else load_world()
    if evidence_panel is None:
        evidence_panel = EvidencePanel(world, stand_in_states(world))
    if trajectory_panel is None:
        trajectory_panel = TrajectoryPanel(*stand_in_runs(world))
    first = next(iter(evidence_panel.checkboxes.values()))
    steps = list(trajectory_panel.step.options)
    other_mode = [m for m in trajectory_panel.mode.options if m != trajectory_panel.mode.value]

    def interact(panel, control, value) -> None:
        control.value = value
        panel.figure.to_json()  # what drawing the figure costs (a kernel sends this JSON to the browser)

    out = {"evidence: check a box": seconds_taken(lambda: interact(evidence_panel, first, not first.value)),
           "trajectory: move the slider": seconds_taken(lambda: interact(trajectory_panel, trajectory_panel.step,
                                                                 steps[len(steps) // 2]))}
    if other_mode:
        out["trajectory: switch the mode"] = seconds_taken(lambda: interact(trajectory_panel, trajectory_panel.mode,
                                                                    other_mode[0]))
    return out
