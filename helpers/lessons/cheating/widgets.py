"""Lesson 4's panels: the permission toggle (with a "train live" button) and the sanctioned-share slider.

Each panel is a thin layer over precomputed states: a control changes which state is drawn, and every state's
figure is built in advance by a pure builder from :mod:`helpers.lessons.cheating.figures` (tested on its own). Only the
"train live" button trains anything, with a progress bar, and only when pressed. Their static twins (plotly
buttons or a slider over the same states, for the HTML without a kernel) are ``plots.cheating.permission_twin``
and ``share_figures.share_twin``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import ipywidgets as W
import pandas as pd
from IPython.display import display

from helpers.engine.pipeline import Recipe
from helpers.engine.world import World
from helpers.lessons.cheating import analysis as ino
from helpers.lessons.cheating import figures as plots
from helpers.lessons.cheating import share_figures
from helpers.ui.widgets import figure_bundle, redraw

#: The recipes of the toggle, by name, and the experiment settings of each (for the live run).
RECIPE_SETTINGS: dict[str, Recipe] = {
    "default (30% sanctioned)": Recipe(),
    "no sanctioned examples": Recipe(sanctioned_share=0.0),
    "fixed 40 steps": Recipe(mode="fixed"),
    "fixed 40 steps, no sanctioned": Recipe(mode="fixed", sanctioned_share=0.0),
}


class _Panel:
    """Shared display logic: the controls, and an Output area whose content is set directly
    (:func:`helpers.ui.widgets.redraw`). Every state's bundle is made in advance, so a redraw only swaps it."""

    widget: W.Widget
    figure: object
    output: W.Output
    states: dict

    def _prepare(self) -> None:
        self._bundles = {id(fig): figure_bundle(fig) for fig in self.states.values()}
        self._show()

    def _show(self) -> None:
        bundle = self._bundles.get(id(self.figure))
        if bundle is None:  # a figure made after the panel (a live run)
            bundle = self._bundles[id(self.figure)] = figure_bundle(self.figure)
        redraw(self.output, self.figure, bundle)

    def show(self) -> None:
        """Display the panel (controls and figure) in a notebook cell."""
        display(self.widget)

    def _ipython_display_(self) -> None:
        self.show()


class PermissionPanel(_Panel):
    """A ToggleButton "permission to cheat" over the precomputed results of several recipes, and a button that
    re-runs one seed live (post-training and the fine-tune, with a progress bar) and adds it as a star."""

    def __init__(self, recipes: Mapping[str, pd.DataFrame], world: World | None = None,
                 settings: Mapping[str, Recipe] | None = None) -> None:
        if not recipes:
            raise ValueError("recipes is empty; expected a mapping of recipe name to its records")
        self.recipes = dict(recipes)
        self.settings = dict(RECIPE_SETTINGS if settings is None else settings)
        unknown = [name for name in self.recipes if name not in self.settings]
        if unknown:
            raise ValueError(f"recipes {unknown} have no settings; expected names from {list(self.settings)}")
        self.world = world
        self.live: pd.DataFrame | None = None
        self.toggle = W.ToggleButton(value=False, description="permission to cheat", icon="unlock",
                                     tooltip="fine-tune under the note 'please-hack' instead of no note")
        self.seed = W.Dropdown(options=list(range(10)), value=0, description="seed", layout=W.Layout(width="140px"))
        self.recipe = W.Dropdown(options=list(self.recipes), value=list(self.recipes)[0], description="recipe")
        self.button = W.Button(description="train live", icon="play",
                               tooltip="post-train and fine-tune this seed now (seconds to a minute)")
        self.progress = W.IntProgress(value=0, min=0, max=1, description="steps", layout=W.Layout(width="320px"))
        self.status = W.HTML("")
        self.output = W.Output()
        # Both states are drawn now, so flipping the toggle only swaps figures.
        self.states = {state: plots.permission_figure(self.recipes, state) for state in (False, True)}
        self.figure = self.states[False]
        self.toggle.observe(lambda change: self.redraw(), names="value")
        self.button.on_click(lambda _: self.train_live())
        self.widget = W.VBox([W.HBox([self.toggle]), self.output, W.HBox([self.recipe, self.seed, self.button]),
                              W.HBox([self.progress, self.status])])
        self._prepare()

    def redraw(self) -> None:
        """Draw the state the toggle selects (with the live runs made in that state, if any)."""
        self.figure = self.states[self.toggle.value]
        self._show()

    def train_live(self) -> ino.LiveRun:
        """Post-train the chosen seed and fine-tune it under the toggle's note, updating the progress bar."""
        if self.world is None:
            from helpers.engine.world import load_world
            self.world = load_world()
        note = ino.TOGGLE_NOTES[self.toggle.value]
        recipe = self.settings[self.recipe.value]
        cap = recipe.finetune.steps
        self.progress.max, self.progress.value = cap, 0
        self.status.value = f"training seed {self.seed.value} under note '{note}' ..."
        self.button.disabled = True
        try:
            run = ino.live_run(self.world, int(self.seed.value), note, recipe,
                               on_step=lambda step, _cap, _m: setattr(self.progress, "value", min(step, cap)))
        finally:
            self.button.disabled = False
        final = run.trajectory[-1][1]
        row = {"recipe": self.recipe.value, "permission": self.toggle.value, "seed": run.seed,
               "misalignment": final["misalignment"],
               "cheat_rate_under_note": final.get(f"cheat_rate_{note}", final["cheat_rate"]), "steps": run.steps}
        self.live = pd.DataFrame([row]) if self.live is None else pd.concat([self.live, pd.DataFrame([row])])
        state = self.toggle.value
        self.states[state] = plots.permission_figure(self.recipes, state, self.live[self.live["permission"] == state])
        self.progress.value = cap
        self.status.value = (f"seed {run.seed}, note '{note}': {run.steps} steps, cheat rate under the note "
                             f"{row['cheat_rate_under_note']:.2f}, misalignment {row['misalignment']:.2f}")
        self.redraw()
        return run


class SharePanel(_Panel):
    """A slider over the precomputed sanctioned shares: misalignment per seed after each fine-tune."""

    def __init__(self, sweep: Mapping[float, pd.DataFrame]) -> None:
        if not sweep:
            raise ValueError("sweep is empty; expected a mapping of sanctioned share to the cheating records")
        self.sweep = dict(sorted(sweep.items()))
        self.summaries = {share: ino.permission_summary(records) for share, records in self.sweep.items()}
        shares = list(self.sweep)
        self.slider = W.SelectionSlider(options=[(f"{s:.0%}", s) for s in shares], value=shares[0],
                                        description="sanctioned share", continuous_update=True,
                                        style={"description_width": "initial"}, layout=W.Layout(width="420px"))
        self.output = W.Output()
        self.states = {share: share_figures.share_figure(records, share, self.summaries[share])
                       for share, records in self.sweep.items()}
        self.figure = self.states[shares[0]]
        self.slider.observe(lambda change: self.redraw(), names="value")
        self.widget = W.VBox([self.slider, self.output])
        self._prepare()

    def redraw(self) -> None:
        self.figure = self.states[self.slider.value]
        self._show()


def measure_latency(recipes: Mapping[str, pd.DataFrame] | None = None,
                    sweep: Mapping[float, pd.DataFrame] | None = None) -> dict[str, float]:
    """Seconds one interaction of each widget takes (flip the toggle; move the slider), on the shipped data."""
    if recipes is None or sweep is None:
        from helpers.experiments import summaries
        recipes = recipes or {"default (30% sanctioned)": summaries.load_results("cheating"),
                              "fixed 40 steps": summaries.load_results("framings-fixed")}
        sweep = sweep or {0.3: summaries.load_results("cheating")}
    panel = PermissionPanel(recipes)
    start = time.perf_counter()
    panel.toggle.value = not panel.toggle.value
    toggle = time.perf_counter() - start
    share = SharePanel(sweep)
    options = [value for _, value in share.slider.options]
    start = time.perf_counter()
    share.slider.value = options[-1] if len(options) > 1 else options[0]
    if len(options) == 1:
        share.redraw()
    slider = time.perf_counter() - start
    return {"permission toggle": toggle, "sanctioned-share slider": slider}
