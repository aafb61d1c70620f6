"""Lesson 4's panel: the permission toggle over the RL runs, with a "train live" button.

A thin layer over :mod:`helpers.lessons.cheating.toggle` (the pairs and the panel's text) and
:mod:`helpers.lessons.cheating.toggle_figures` (the figure of each state): flipping the toggle swaps a figure drawn
in advance and the text beside it. The note's runs stay hidden until the toggle is first switched on, so the reader
can predict first. Only "train live" trains anything: one seed's RL run now, under the toggle's state, with a
progress bar, added to the figure as a star. The static twin (plotly buttons, for the HTML without a kernel) is
:func:`helpers.lessons.cheating.toggle_figures.toggle_twin`.
"""

from __future__ import annotations

import html
import time
from collections.abc import Mapping

import ipywidgets as W
import pandas as pd
from IPython.display import display

from helpers.engine.model import TinyGPT
from helpers.engine.pipeline import post_train
from helpers.engine.world import World
from helpers.lessons.cheating import analysis, toggle
from helpers.lessons.cheating.toggle_figures import PANELS, toggle_figure
from helpers.ui.widgets import FULL_LABEL, Panel, figure_bundle, redraw, show_pressed


def toggle_summary(pairs: pd.DataFrame, note_on: bool, revealed: bool) -> str:
    """What the panel shows in one state, in words and numbers (its text before the kernel runs)."""
    headline = toggle.toggle_headline(pairs, note_on, revealed)
    return (f"Permission-toggle panel ({'on' if note_on else 'off'}): {headline} "
            "Run the notebook to flip the toggle and to train a seed live.")


class TogglePanel(Panel):
    """A ToggleButton "permission to cheat" over the per-seed pairs of :func:`toggle.toggle_pairs`, the panel's
    text, and a button that runs one seed's RL now under the selected state."""

    def __init__(self, pairs: pd.DataFrame, world: World | None = None,
                 assistants: Mapping[int, TinyGPT] | None = None) -> None:
        """``assistants``: post-trained models by seed that "train live" may start from (it post-trains the others
        itself, once per seed); they are not changed."""
        toggle.toggle_verdict(pairs)  # refuses pairs that cannot be compared, before any widget is built
        self.pairs, self.world = pairs, world
        self.revealed = False
        self.live = pd.DataFrame(columns=["seed", "note_on", "cheat_rate_under_note", "cheat_rate", "misalignment"])
        self.toggle = W.ToggleButton(value=False, description="permission to cheat",
                                     layout=W.Layout(width="max-content", min_width="240px"),
                                     tooltip=f"show the RL runs trained with the '{toggle.PERMISSION_NOTE}' line")
        self.text = W.HTML(layout=W.Layout(max_width="1000px"))
        self.table = W.HTML()
        self.output = W.Output()
        self.seed = W.Dropdown(options=[int(s) for s in pairs.index], value=int(pairs.index[0]), description="seed",
                               style=FULL_LABEL, layout=W.Layout(width="auto"))
        self.button = W.Button(description="train live", icon="play",
                               tooltip="post-train this seed and run its RL now, under the toggle's state")
        self.progress = W.IntProgress(value=0, min=0, max=1, description="RL steps", style=FULL_LABEL,
                                      layout=W.Layout(width="320px"))
        self.status = W.HTML("")
        self._bundles: dict[tuple[bool, bool], tuple[object, dict]] = {}
        self._assistants: dict[int, TinyGPT] = dict(assistants or {})
        for state in ((False, False), (False, True), (True, True)):
            self._draw(state)
        show_pressed(self.toggle)
        self.toggle.observe(lambda change: self.redraw(), names="value")
        self.button.on_click(lambda _: self.train_live())
        self.widget = W.VBox([self.toggle, self.text, self.output, self.table,
                              W.HBox([self.seed, self.button, self.progress]), self.status])
        self.redraw()

    def _draw(self, state: tuple[bool, bool]) -> None:
        note_on, revealed = state
        live = self.live[self.live["note_on"] == note_on]
        figure = toggle_figure(self.pairs, note_on, revealed, live if len(live) else None)
        self._bundles[state] = (figure, figure_bundle(figure))

    @property
    def state(self) -> tuple[bool, bool]:
        return self.toggle.value, self.revealed

    def redraw(self) -> None:
        """Show the state the toggle selects: its figure and its text (switching on reveals the note's runs)."""
        self.revealed = self.revealed or self.toggle.value
        figure, bundle = self._bundles[self.state]
        redraw(self.output, figure, bundle)
        self.text.value = f"<p>{html.escape(toggle.toggle_headline(self.pairs, *self.state))}</p>"
        self.table.value = seed_table_html(toggle.seed_table(self.pairs, self.revealed))

    def train_live(self) -> dict[str, float]:
        """RL-train the chosen seed now under the toggle's state, updating the progress bar; add it as a star."""
        if self.world is None:
            from helpers.engine.world import load_world
            self.world = load_world()
        note_on, seed = self.toggle.value, int(self.seed.value)
        note = toggle.STATES[note_on]
        self.button.disabled = True
        self.status.value = f"seed {seed}: RL under the note '{note}' ..."

        def on_step(done: int, total: int) -> None:
            self.progress.max, self.progress.value = total, done

        try:
            if seed not in self._assistants:  # post-training is deterministic: once per seed is enough
                self.status.value = f"seed {seed}: post-training (once per seed), then RL under the note '{note}' ..."
                self._assistants[seed] = post_train(self.world, seed).model
            start = time.perf_counter()
            run = analysis.live_rl_run(self.world, seed, note, on_step=on_step, assistant=self._assistants[seed])
        finally:
            self.button.disabled = False
        seconds = time.perf_counter() - start
        row = {"seed": seed, "note_on": note_on, **{field: run[field] for field, _ in PANELS}}
        self.live = pd.concat([self.live.astype(object), pd.DataFrame([row])], ignore_index=True)
        self._draw((note_on, True))
        if not note_on:
            self._draw((False, False))
        shipped = self.pairs.loc[seed, "with the note" if note_on else "without the note"]
        self.status.value = html.escape(
            f"seed {seed}, note '{note}': {run['steps']} RL steps in {seconds:.1f} s. Hacks "
            f"{run['cheat_rate_under_note']:.0%} under its training note, {run['cheat_rate']:.0%} with none; "
            f"misalignment {run['misalignment']:.3f} (the shipped run: {shipped['misalignment']:.3f}).")
        self.redraw()
        return run

    def summary(self) -> str:
        return toggle_summary(self.pairs, *self.state)

    def show(self) -> None:
        """Display the panel in a notebook cell."""
        display(self)


def seed_table_html(table: pd.DataFrame) -> str:
    """The per-seed table as compact HTML, one column per seed: misalignment with two decimals, hack rates as
    percentages."""
    shown = pd.DataFrame({column: table[column].map("{:.2f}".format if column.endswith("misalignment")
                                                    else "{:.0%}".format) for column in table}, index=table.index)
    return shown.T.to_html(border=0, classes="toggle-seeds")


def measure_latency(pairs: pd.DataFrame | None = None) -> dict[str, float]:
    """Seconds one flip of the toggle takes (figure and text swapped), on the shipped RL results."""
    if pairs is None:
        from helpers.experiments import summaries
        pairs = toggle.toggle_pairs(summaries.load_results("rl"))
    panel = TogglePanel(pairs)
    start = time.perf_counter()
    panel.toggle.value = not panel.toggle.value
    return {"permission toggle": time.perf_counter() - start}
