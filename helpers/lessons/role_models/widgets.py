"""Lesson 5's panel: a role-model selector and a weight slider over the precomputed per-seed results (paired
differences vs weight 0, network beside Bayes), with a "train live" button that re-runs one seed of a shipped
role-model world and adds it as a star.

The panel is a thin layer over precomputed states: the controls pick which figure is drawn (every state is built
once, by :func:`helpers.lessons.role_models.figures.paired_figure`, tested on its own). Only the button trains anything,
with a progress bar, and only when pressed. Its static twin is :func:`helpers.lessons.role_models.figures.paired_twin`.
"""

from __future__ import annotations

import time

import ipywidgets as W
import pandas as pd

from helpers.engine.pipeline import Recipe
from helpers.experiments.catalog import ROLE_MODELS
from helpers.lessons.role_models import analysis as rm
from helpers.lessons.role_models import figures as plots
from helpers.lessons.role_models import live as live_seeds
from helpers.ui.widgets import FULL_LABEL, Panel, labelled, redraw, row, show_selected


def role_model_summary(paired: pd.DataFrame, role: str, weight: float) -> str:
    """What the panel shows for one role model and weight, in words and numbers (its text before the kernel runs):
    the mean paired change in misalignment vs weight 0, network beside Bayes, over the seeds."""
    rows = paired[(paired["role_model"] == role) & (paired["weight"] == float(weight))]
    head = f"Role-model panel ({rm.world_label(role, weight)}): misalignment after the cheat fine-tune, "
    if not float(weight):
        return head + ("weight 0 is the baseline every other world is compared with. Run the notebook to choose a "
                       "weight.")
    if rows.empty:
        return head + "no seeds were run in this world. Run the notebook to choose another."
    lowered = int((rows["network_diff"] < 0).sum())
    return (head + f"change vs weight 0 over {rows['seed'].nunique()} seeds: network "
            f"{rows['network_diff'].mean():+.2f} (mean; lowered on {lowered} seeds), Bayes "
            f"{rows['bayes_diff'].mean():+.2f}."
            " Run the notebook to switch the role model and weight, or train a seed live.")


class RoleModelPanel(Panel):
    """Buttons for the role model, a slider for its weight, and a live run of one seed (a star in the figure)."""

    def __init__(self, records: pd.DataFrame, recipe: Recipe = Recipe()) -> None:
        self.records = records
        self.paired = rm.paired_differences(records)
        self.recipe = recipe
        self.states = plots.live_states(self.paired, {})
        self.live: dict[tuple[str, float], pd.DataFrame] = {}
        roles = [r for r in ROLE_MODELS if any(k[0] == r for k in self.states)]
        weights = sorted({w for _, w in self.states})
        seeds = sorted(int(s) for s in self.paired["seed"].unique())
        self.role = W.ToggleButtons(options=roles, value=roles[-1], layout=W.Layout(width="auto"),
                                    tooltips=[f"a world with the {r} in its pretraining corpus" for r in roles])
        show_selected(self.role)
        self.weight = W.SelectionSlider(options=[(f"{w:.0%}", w) for w in weights], value=weights[-1],
                                        description="weight", continuous_update=True,
                                        style=FULL_LABEL, layout=W.Layout(width="360px"))
        # the seed offered first is lesson 05's live seed: the opening world's median seed (live_seeds.median_seed)
        first = live_seeds.median_seed(self.paired, roles[-1], weights[-1]) if weights[-1] else seeds[0]
        self.seed = W.Dropdown(options=seeds, value=first, description="seed", style=FULL_LABEL,
                                layout=W.Layout(width="auto"))
        self.button = W.Button(description="train live", icon="play",
                               tooltip="post-train and fine-tune this seed of this world now (a few seconds)")
        self.progress = W.IntProgress(value=0, min=0, max=1, description="steps", style=FULL_LABEL,
                                      layout=W.Layout(width="320px"))
        self.status = W.HTML("")
        self.output = W.Output()
        self.figure = self.states[self.key]
        self.role.observe(lambda change: self.redraw(), names="value")
        self.weight.observe(lambda change: self.redraw(), names="value")
        self.button.on_click(lambda _: self.train_live())
        self.widget = W.VBox([row(labelled("role model", self.role), self.weight), self.output,
                              row(self.seed, self.button), row(self.progress, self.status)])
        self._show()

    @property
    def key(self) -> tuple[str, float]:
        return (self.role.value, float(self.weight.value))

    def _show(self) -> None:
        redraw(self.output, self.figure)

    def redraw(self) -> None:
        """Draw the state the controls select (with the live runs made in that state, if any)."""
        self.figure = self.states[self.key]
        self._show()

    def summary(self) -> str:
        return role_model_summary(self.paired, *self.key)

    def train_live(self) -> rm.LiveSeed | None:
        """Post-train the chosen seed in the chosen world and fine-tune it to cheat, updating the progress bar.

        A world whose weights are not shipped is refused with a message (pretraining it takes minutes)."""
        role, weight = self.key
        seed = int(self.seed.value)
        if not weight:
            self.status.value = "weight 0 is the baseline itself: choose 5% or 15% to train a role-model world"
            return None
        if not live_seeds.is_shipped(role, weight, seed):
            self.status.value = (f"seed {seed} of {rm.world_label(role, weight)} is not shipped in data/models/ "
                                 "(pretraining it would take minutes): choose another seed")
            return None
        cap = self.recipe.finetune.steps
        self.progress.max, self.progress.value = cap, 0
        self.status.value = f"post-training and fine-tuning seed {seed} of {rm.world_label(role, weight)} ..."
        self.button.disabled = True
        try:
            live = live_seeds.live_seed(role, weight, seed, self.recipe,
                                      on_step=lambda step, _cap: setattr(self.progress, "value", min(step, cap)))
        finally:
            self.button.disabled = False
        row = pd.DataFrame([live_seeds.live_row(live, self.records)])
        self.live[self.key] = row if self.key not in self.live else pd.concat([self.live[self.key], row])
        self.states[self.key] = plots.paired_figure(self.paired, role, weight, self.live[self.key])
        self.progress.value = cap
        r = row.iloc[0]
        self.status.value = (f"seed {seed}, {rm.world_label(role, weight)}: {int(r['steps'])} steps, misalignment "
                             f"{r['misalignment']:.2f} (weight 0: {r['baseline']:.2f}, change "
                             f"{r['network_diff']:+.2f}; "
                             f"Bayes {r['bayes_diff']:+.2f})")
        self.redraw()
        return live


def measure_latency(records: pd.DataFrame | None = None) -> dict[str, float]:
    """Seconds one interaction of each control takes (switch the role model; move the weight slider)."""
    if records is None:
        from helpers.experiments import summaries
        records = summaries.load_results("role-models")
    panel = RoleModelPanel(records)
    roles = list(panel.role.options)
    start = time.perf_counter()
    panel.role.value = roles[0] if panel.role.value != roles[0] else roles[-1]
    if len(roles) == 1:
        panel.redraw()
    switch = time.perf_counter() - start
    weights = [value for _, value in panel.weight.options]
    start = time.perf_counter()
    panel.weight.value = weights[0] if panel.weight.value != weights[0] else weights[-1]
    if len(weights) == 1:
        panel.redraw()
    slider = time.perf_counter() - start
    return {"role-model buttons": switch, "weight slider": slider}
