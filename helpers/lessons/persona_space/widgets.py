"""Lesson 6's panel: step through fine-tuning and watch the Assistant move on the map of persona space.

A thin layer over precomputed runs (:func:`helpers.experiments.persona_space.seed_models` with a
:func:`helpers.experiments.persona_space.map_snapshot`): the permission toggle and the recipe buttons pick a run, the
slider picks a step, and :func:`helpers.lessons.persona_space.trajectory_figures.update_trajectory_figure` redraws in
place. Nothing trains on interaction. The plotly-native twin is
:func:`helpers.lessons.persona_space.trajectory_figures.trajectory_twin`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import display

from helpers.lessons.persona_space.figures import RUNS
from helpers.lessons.persona_space.trajectory_figures import trajectory_figure, update_trajectory_figure
from helpers.ui.widgets import redraw, seconds_taken

RECIPES = tuple(dict.fromkeys(recipe for recipe, _ in RUNS))


def run_name(recipe: str, permission: bool) -> str:
    """The run the controls select: the stage name of (recipe, permission) in :data:`RUNS`."""
    if (recipe, bool(permission)) not in RUNS:
        raise ValueError(f"recipe={recipe!r}; expected one of {list(RECIPES)}")
    return RUNS[(recipe, bool(permission))]


class MapPanel:
    """Controls: "permission to cheat" (fine-tune under please-hack instead of no note), the recipe (stop when
    cheating, or a fixed 40 steps), and the fine-tuning step."""

    def __init__(self, coords: pd.DataFrame, runs: Mapping[str, pd.DataFrame],
                 explained: Sequence[float] | None = None) -> None:
        missing = [name for name in RUNS.values() if name not in runs]
        if missing:
            raise ValueError(f"runs lacks {missing}; expected a trajectory for each of {list(RUNS.values())}")
        self.coords, self.runs, self.explained = coords, dict(runs), explained
        last = int(max(frame["step"].max() for frame in self.runs.values()))
        self.permission = widgets.ToggleButton(value=False, description="permission to cheat", icon="unlock",
                                               tooltip="fine-tune under the note 'please-hack' instead of no note")
        self.recipe = widgets.ToggleButtons(options=list(RECIPES), value=RECIPES[0], description="recipe")
        self.step = widgets.IntSlider(value=0, min=0, max=last, step=1, description="step", continuous_update=True,
                                      layout=widgets.Layout(width="520px"))
        self.output = widgets.Output()
        self.figure = trajectory_figure(coords, self.runs, self.run, 0, explained)
        for control in (self.permission, self.recipe, self.step):
            control.observe(self._changed, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.permission, self.recipe]), self.step, self.output])
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
        redraw(self.output, self.figure)

    def _ipython_display_(self) -> None:
        display(self.widget)


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
