"""Lesson 6's panel: step through fine-tuning and watch the Assistant move on the map of persona space.

A thin layer over precomputed runs (:func:`helpers.experiments.persona_space.seed_models` with a
:func:`helpers.experiments.persona_space.map_snapshot`): the permission toggle and the recipe buttons pick a run, the
slider picks a step, and :func:`helpers.lessons.persona_space.trajectory_figures.update_trajectory_figure` redraws in
place. Nothing trains on interaction. The plotly-native twin is
:func:`helpers.lessons.persona_space.trajectory_figures.trajectory_twin`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np
import pandas as pd

from helpers.lessons.persona_space.figures import RUNS
from helpers.lessons.persona_space.trajectory_figures import trajectory_figure, update_trajectory_figure
from helpers.ui.widgets import FULL_LABEL, Panel, labelled, redraw, row, seconds_taken, show_pressed, show_selected

RECIPES = tuple(dict.fromkeys(recipe for recipe, _ in RUNS))


def run_name(recipe: str, permission: bool) -> str:
    """The run the controls select: the stage name of (recipe, permission) in :data:`RUNS`."""
    if (recipe, bool(permission)) not in RUNS:
        raise ValueError(f"recipe={recipe!r}; expected one of {list(RECIPES)}")
    return RUNS[(recipe, bool(permission))]


def empty_note(run: str, frame: pd.DataFrame, step: int) -> str:
    """Why the map shows no path for ``run`` at ``step`` (a run of 0 steps, or a step past the run's end); empty
    when there is a path to see."""
    last = int(frame["step"].max()) if len(frame) else 0
    if last == 0:
        return (f"The run '{run}' took 0 fine-tuning steps: the post-trained Assistant already met the recipe's stop "
                "rule (it cheats often enough under this note), so training stopped before its first step. The map "
                "shows only where it started, and the step chart has nothing to draw.")
    if step > last:
        return f"The run '{run}' stopped at step {last}: it stays where it stopped."
    return ""


def map_summary(run: str, frame: pd.DataFrame, step: int) -> str:
    """What the map panel shows for one run and step, in words and numbers (its text before the kernel runs)."""
    rows = frame[frame["step"] <= step]
    row = (rows if not rows.empty else frame).iloc[-1]
    text = (f"Map panel (run '{run}', step {int(row['step'])} of {int(frame['step'].max())}): the Assistant on the "
            f"map of persona space at PC1 {row['pc1']:.2f}, PC2 {row['pc2']:.2f}; misalignment "
            f"{row['misalignment']:.2f}, cheat rate {row['cheat_rate']:.2f}.")
    note = empty_note(run, frame, step)
    return f"{text} {note} Run the notebook to move the step slider, flip the permission and switch the recipe." \
        if note else f"{text} Run the notebook to move the step slider, flip the permission and switch the recipe."


class MapPanel(Panel):
    """Controls: "permission to cheat" (fine-tune under please-hack instead of no note), the recipe (stop when
    cheating, or a fixed 40 steps), and the fine-tuning step."""

    def __init__(self, coords: pd.DataFrame, runs: Mapping[str, pd.DataFrame],
                 explained: Sequence[float] | None = None) -> None:
        missing = [name for name in RUNS.values() if name not in runs]
        if missing:
            raise ValueError(f"runs lacks {missing}; expected a trajectory for each of {list(RUNS.values())}")
        self.coords, self.runs, self.explained = coords, dict(runs), explained
        last = int(max(frame["step"].max() for frame in self.runs.values()))
        self.permission = widgets.ToggleButton(value=False, description="permission to cheat",
                                               layout=widgets.Layout(width="auto", min_width="240px"),
                                               tooltip="fine-tune under the note 'please-hack' instead of no note")
        self.recipe = widgets.ToggleButtons(options=list(RECIPES), value=RECIPES[0],
                                            layout=widgets.Layout(width="auto"))
        show_selected(self.recipe)
        self.step = widgets.IntSlider(value=0, min=0, max=last, step=1, description="step", continuous_update=True,
                                      style=FULL_LABEL,
                                      layout=widgets.Layout(width="520px"))
        self.output = widgets.Output()
        self.note = widgets.HTML("", layout=widgets.Layout(max_width="900px"))
        show_pressed(self.permission)
        self.figure = trajectory_figure(coords, self.runs, self.run, 0, explained)
        for control in (self.permission, self.recipe, self.step):
            control.observe(self._changed, names="value")
        self.widget = widgets.VBox([row(self.permission, labelled("recipe", self.recipe)), self.step, self.note,
                                    self.output])
        self._explain()
        redraw(self.output, self.figure)

    @property
    def run(self) -> str:
        return run_name(self.recipe.value, self.permission.value)

    def state(self) -> pd.Series:
        """The snapshot shown: the chosen run at the chosen step (a stopped run keeps its last state)."""
        frame = self.runs[self.run]
        rows = frame[frame["step"] <= self.step.value]
        return (rows if not rows.empty else frame).iloc[-1]

    def _changed(self, _change: object = None) -> None:
        update_trajectory_figure(self.figure, self.runs, self.run, self.step.value)
        self._explain()
        redraw(self.output, self.figure)

    def _explain(self) -> None:
        """Say why the chart is empty or still, when it is (a 0-step run; a step past the run's end)."""
        note = empty_note(self.run, self.runs[self.run], int(self.step.value))
        self.note.value = f"<p role='note'><b>Note:</b> {html.escape(note)}</p>" if note else ""

    def summary(self) -> str:
        return map_summary(self.run, self.runs[self.run], int(self.step.value))


def stand_in_runs(coords: pd.DataFrame, steps: int = 80) -> dict[str, pd.DataFrame]:
    """Straight-line runs from the helper toward the villain (no model needed): enough to time the panel."""
    start, end = coords.loc["helper", ["PC1", "PC2"]].to_numpy(), coords.loc["villain", ["PC1", "PC2"]].to_numpy()
    runs = {}
    for k, name in enumerate(RUNS.values()):
        n = steps if k % 2 == 0 else steps // 2
        t = np.linspace(0, 1, n + 1)
        points = start + t[:, None] * (end - start) * (1.0 if k % 2 == 0 else 0.3)
        runs[name] = pd.DataFrame({"step": np.arange(n + 1), "pc1": points[:, 0], "pc2": points[:, 1],
                                   "misalignment": 0.9 * t, "cheat_rate": t})
    return runs


def measure_latency(panel: MapPanel | None = None) -> dict[str, float]:
    """Seconds one interaction of each control takes (move the slider; flip the toggle; switch the recipe),
    including serializing the figure as a kernel would to draw it. Without a panel, times one over stand-in
    runs on a stand-in map (the work per interaction is the same)."""
    if panel is None:
        names = ["helper", "engineer", "robot", "poet", "pirate", "trickster", "villain"]
        angles = np.linspace(0, 2 * np.pi, len(names), endpoint=False)
        coords = pd.DataFrame({"PC1": 8 * np.cos(angles), "PC2": 5 * np.sin(angles)}, index=names)
        panel = MapPanel(coords, stand_in_runs(coords))

    def interact(control, value) -> None:
        control.value = value
        panel.figure.to_json()

    other_recipe = [r for r in RECIPES if r != panel.recipe.value][0]
    return {"map: move the step slider": seconds_taken(lambda: interact(panel.step, panel.step.max // 2)),
            "map: flip the permission toggle": seconds_taken(lambda: interact(panel.permission,
                                                                              not panel.permission.value)),
            "map: switch the recipe": seconds_taken(lambda: interact(panel.recipe, other_recipe))}
