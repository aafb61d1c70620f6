"""The permission toggle's figure: per seed, the RL run without the note beside the run with it.

Three panels share the seeds as their x axis: how often the Assistant hacks under the note it was trained with,
how often it hacks with no note (the leak), and its misalignment on the probe battery. Each seed's two runs are
joined by a line, so both states are visible at once; the state the toggle selects is drawn in full and the other
faded. Before the reader has seen the note's runs (``revealed=False``) they are left out, so the lesson can ask for
a prediction first. :func:`toggle_twin` puts the same states behind plotly buttons for the static HTML.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.engine.pipeline import PERMISSION_NOTE
from helpers.lessons.cheating.toggle import toggle_verdict
from helpers.ui.figures import CONDITION_COLORS, CONDITION_SYMBOLS, PERSONA_COLORS, style

#: The three panels: (field of a toggle pair, panel title).
PANELS = (("cheat_rate_under_note", "hacks under its training note"), ("cheat_rate", "hacks with no note"),
          ("misalignment", "misalignment (probes, no note)"))
#: How each state is drawn: (legend name, colour, marker symbol).
STATE_LOOKS = {"without the note": ("RL without the note", CONDITION_COLORS["neutral"], CONDITION_SYMBOLS["neutral"]),
               "with the note": (f"RL with '{PERMISSION_NOTE}'", CONDITION_COLORS[PERMISSION_NOTE],
                                 CONDITION_SYMBOLS[PERMISSION_NOTE])}
#: The labels of the twin's buttons (the browser tests find the toggle by the word "permission").
BUTTON_LABELS = ("permission to cheat: off", "permission to cheat: on")


def toggle_title(pairs: pd.DataFrame, note_on: bool, revealed: bool = True) -> str:
    """The figure's title, two short lines: the selected state's misalignment beside the other's, then the budget
    and how often it hacks (means over the seeds)."""
    v = toggle_verdict(pairs)
    budget = f"RL, {v.steps} steps, {v.seeds} seeds"
    if note_on:
        return (f"With '{PERMISSION_NOTE}': misalignment {v.with_note:.2f} (without the note {v.without_note:.2f}, "
                f"start {v.start:.2f})<br>{budget}; hacks {v.hacks_under_note:.0%} under the note, {v.leak:.0%} "
                "with no note")
    hacks = pairs[("without the note", "cheat_rate")].mean()
    if not revealed:
        return (f"Without the note: misalignment {v.without_note:.2f} (start {v.start:.2f}). With it: ?<br>"
                f"{budget}; hacks {hacks:.0%}. Predict, then flip the toggle")
    return (f"Without the note: misalignment {v.without_note:.2f} (with '{PERMISSION_NOTE}' {v.with_note:.2f}, "
            f"start {v.start:.2f})<br>{budget}; hacks {hacks:.0%} of the time")


def toggle_traces(pairs: pd.DataFrame, note_on: bool, revealed: bool = True,
                  live: pd.DataFrame | None = None) -> list[tuple[go.Scatter, int]]:
    """The traces of one state, each with its panel's column: per panel a connector per seed (when revealed), the
    runs without the note, the runs with it (when revealed), and the live runs of this state (stars)."""
    seeds = [int(s) for s in pairs.index]
    shown = ["without the note", "with the note"] if (revealed or note_on) else ["without the note"]
    selected = "with the note" if note_on else "without the note"
    traces = []
    for col, (field, title) in enumerate(PANELS, start=1):
        if len(shown) == 2:
            xs, ys = [], []
            for seed in pairs.index:
                xs += [int(seed), int(seed), None]
                ys += [pairs.loc[seed, ("without the note", field)], pairs.loc[seed, ("with the note", field)], None]
            traces.append((go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#BBBBBB", width=2),
                                      hoverinfo="skip", showlegend=False), col))
        for state in shown:
            name, color, symbol = STATE_LOOKS[state]
            strong = state == selected
            values = pairs[(state, field)]
            traces.append((go.Scatter(
                x=seeds, y=list(values), mode="markers", name=name, legendgroup=state, showlegend=col == 1,
                marker=dict(color=color, symbol=symbol, size=13 if strong else 9, opacity=1.0 if strong else 0.35,
                            line=dict(width=1, color="white")),
                text=[f"seed {s}" for s in seeds],
                hovertemplate=f"%{{text}}, {name}<br>{title}: %{{y:.2f}}<extra></extra>"), col))
        if live is not None and len(live):
            traces.append((go.Scatter(x=list(live["seed"]), y=list(live[field]), mode="markers",
                                      name="your live run", legendgroup="live", showlegend=col == 1,
                                      marker=dict(color=PERSONA_COLORS["assistant"], symbol="star", size=18),
                                      hovertemplate=f"live run, seed %{{x}}<br>{title}: %{{y:.2f}}<extra></extra>"),
                           col))
    return traces


def _layout(fig: go.Figure, pairs: pd.DataFrame, title: str) -> go.Figure:
    start = float(pairs[("start", "misalignment")].mean())
    fig.add_hline(y=start, line=dict(color="black", dash="dot", width=1), row=1, col=3,
                  annotation_text=f"start {start:.2f}", annotation_position="top left")
    seeds = [int(s) for s in pairs.index]
    fig.update_xaxes(tickvals=seeds, range=[min(seeds) - 0.7, max(seeds) + 0.7], title_text="seed")
    fig.update_yaxes(range=[-0.03, 1.03])
    fig = style(fig, title, "seed", "share of answers (0-1)", height=470)
    for col in (2, 3):  # the panels share the first panel's y axis and its title
        fig.update_yaxes(title_text=None, row=1, col=col)
    fig.update_layout(legend=dict(orientation="h", y=-0.22), margin=dict(t=110))
    return fig


def toggle_figure(pairs: pd.DataFrame, note_on: bool, revealed: bool = True,
                  live: pd.DataFrame | None = None) -> go.Figure:
    """One state of the toggle (``note_on``: RL under the permission line selected). ``live`` holds live runs of
    this state (columns seed and the three panel fields), drawn as stars."""
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[title for _, title in PANELS])
    for trace, col in toggle_traces(pairs, note_on, revealed, live):
        fig.add_trace(trace, row=1, col=col)
    return _layout(fig, pairs, toggle_title(pairs, note_on, revealed))


def toggle_twin(pairs: pd.DataFrame) -> go.Figure:
    """The toggle for the static HTML: the unrevealed first state, then two buttons that show each state with
    both runs per seed (the same traces as :func:`toggle_figure`)."""
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[title for _, title in PANELS])
    states: Mapping[str, tuple[bool, bool]] = {"first": (False, False), "off": (False, True), "on": (True, True)}
    spans = {}
    for key, (note_on, revealed) in states.items():
        traces = toggle_traces(pairs, note_on, revealed)
        spans[key] = (len(fig.data), len(fig.data) + len(traces))
        for trace, col in traces:
            trace.visible = key == "first"
            fig.add_trace(trace, row=1, col=col)

    def visible(key: str) -> list[bool]:
        low, high = spans[key]
        return [low <= i < high for i in range(len(fig.data))]

    titles = {key: toggle_title(pairs, *state) for key, state in states.items()}
    fig = _layout(fig, pairs, titles["first"])
    fig.update_layout(margin=dict(t=175), height=530, updatemenus=[dict(
        type="buttons", direction="right", x=1.0, y=1.1, xanchor="right", yanchor="bottom", active=-1,
        showactive=True, buttons=[dict(label=label, method="update",
                                       args=[{"visible": visible(key)}, {"title.text": titles[key]}])
                                  for label, key in zip(BUTTON_LABELS, ("off", "on"), strict=True)])])
    return fig
