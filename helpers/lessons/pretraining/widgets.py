"""Interactive panel of lesson 01 (ipywidgets): pick a character and a number of earlier episodes, and see the
network's next-reply prediction beside exact Bayes.

The panel is a thin layer: every state comes from :func:`helpers.lessons.pretraining.analysis.incontext_states` (one
batched pass, computed before the panel is shown), and an interaction only picks a state and redraws its figure
(:func:`helpers.lessons.pretraining.figures.update_incontext_figure`). The plotly-native twin for the static HTML is
:func:`helpers.lessons.pretraining.figures.incontext_twin`.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets

from helpers.engine.world import World
from helpers.lessons.pretraining.analysis import IncontextView
from helpers.lessons.pretraining.figures import (
    incontext_figure,
    update_incontext_figure,
)
from helpers.ui.widgets import FULL_LABEL, Panel, redraw, seconds_taken


def incontext_summary(view: IncontextView) -> str:
    """What the panel shows for one state, in words and numbers (its text before the kernel runs)."""
    net, bay = int(view.network.argmax()), int(view.bayes.argmax())
    return (f"In-context panel (character {view.persona}, k = {view.k} earlier episodes): the network's next-reply "
            f"probabilities beside exact Bayes. Most likely reply: network '{view.replies[net].strip()}' "
            f"{view.network[net]:.2f}, Bayes '{view.replies[bay].strip()}' {view.bayes[bay]:.2f}; total variation "
            f"network vs Bayes {view.tv_to_bayes:.3f} (a predictor ignoring the episodes: {view.tv_prior:.3f}). "
            "Run the notebook to choose the character and k.")


class IncontextPanel(Panel):
    """A character dropdown and a k slider over precomputed in-context states
    (:class:`helpers.lessons.pretraining.analysis.IncontextView`)."""

    def __init__(self, world: World, states: Mapping[tuple[str, int], IncontextView]) -> None:
        if not states:
            raise ValueError("states is empty; expected helpers.lessons.pretraining.analysis.incontext_states(model, "
                             "world)")
        self.world = world
        self.states = dict(states)
        personas = [p for p in world.personas if any(key[0] == p for key in self.states)]
        ks = sorted({k for _, k in self.states})
        missing = [(p, k) for p in personas for k in ks if (p, k) not in self.states]
        if missing:
            raise ValueError(f"states lack {missing[:3]}; expected every character x k combination")
        self.persona = widgets.Dropdown(options=personas, value=personas[0], description="character",
                                       style=FULL_LABEL)
        self.k = widgets.IntSlider(value=ks[0], min=ks[0], max=ks[-1], step=1, description="episodes k",
                                   continuous_update=True, style=FULL_LABEL)
        self.output = widgets.Output()
        self.figure = incontext_figure(world, self.state)
        self.persona.observe(self._changed, names="value")
        self.k.observe(self._changed, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.persona, self.k]), self.output])
        redraw(self.output, self.figure)

    @property
    def state(self) -> IncontextView:
        return self.states[(self.persona.value, self.k.value)]

    def _changed(self, _change: object = None) -> None:
        update_incontext_figure(self.figure, self.state)
        redraw(self.output, self.figure)

    def summary(self) -> str:
        return incontext_summary(self.state)


def measure_latency(panel: IncontextPanel | None = None) -> dict[str, float]:
    """Seconds one interaction of the panel takes: moving the k slider, and choosing another character.

    Without a panel, builds one from the shipped seed-0 weights (the states take about a second to compute, which
    is not timed: it happens once, before the panel is shown). Each timing includes serialising the figure, the
    work a kernel does to send it to the browser.
    """
    if panel is None:
        from helpers.engine.checkpoints import pretrained_model
        from helpers.engine.world import load_world
        from helpers.lessons.pretraining.analysis import incontext_states

        world = load_world()
        panel = IncontextPanel(world, incontext_states(pretrained_model(world, 0), world, seed=0))
    other = [p for p in panel.persona.options if p != panel.persona.value][0]
    top_k = panel.k.max if panel.k.value != panel.k.max else panel.k.min

    def interact(control: widgets.Widget, value: object) -> None:
        control.value = value
        panel.figure.to_json()

    return {"in-context: move the k slider": seconds_taken(lambda: interact(panel.k, top_k)),
            "in-context: choose another character": seconds_taken(lambda: interact(panel.persona, other))}
