"""Lesson 04's sanctioned-share slider: misalignment per seed for one share of sanctioned post-training examples
at a time, its plotly twin for the static HTML, and the summary over shares."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.engine.validation import check_choice
from helpers.lessons.cheating.analysis import condition_table
from helpers.ui.figures import CONDITION_COLORS, CONDITION_DASHES, CONDITION_SYMBOLS, jitter, rgba, style


# ----- 4b. the sanctioned-share slider -----
def share_traces(records: pd.DataFrame) -> list[go.Scatter]:
    """Per-seed misalignment after the no-note and the permission fine-tunes, and the honest control."""
    mis = condition_table(records)
    traces = []
    for i, (condition, alias, label) in enumerate((("cheat", "neutral", "no note"),
                                                   ("cheat-with-permission", "please-hack", "please-hack"),
                                                   ("honest", "honest", "honest control"))):
        column = condition if condition in mis else alias
        values = mis[column]
        traces.append(go.Scatter(x=i + jitter(len(values)), y=values, mode="markers", name=label,
                                 text=[f"seed {s}" for s in values.index],
                                 marker=dict(color=CONDITION_COLORS[condition], size=10, opacity=0.8,
                                             symbol=CONDITION_SYMBOLS[condition]),
                                 hovertemplate="%{text}: %{y:.2f}<extra>" + label + "</extra>"))
    return traces


def _share_layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_xaxes(tickvals=[0, 1, 2], ticktext=["cheat, no note", "cheat, please-hack", "honest control"],
                     range=[-0.6, 2.6])
    fig.update_yaxes(range=[-0.02, 1.02])
    return style(fig, title, "fine-tune", "misalignment (0-1)", height=420)


def share_title(share: float, summary: Mapping[str, float]) -> str:
    return (f"Sanctioned share {share:.0%}: the note already elicits cheating on "
            f"{summary['permission_zero_step_seeds']:.0f} of {summary['seeds']:.0f} seeds")


def share_figure(records: pd.DataFrame, share: float, summary: Mapping[str, float]) -> go.Figure:
    """One slider state: misalignment per seed after each fine-tune, for one sanctioned share."""
    fig = go.Figure(share_traces(records))
    return _share_layout(fig, share_title(share, summary))


def share_twin(sweep: Mapping[float, pd.DataFrame], summaries: Mapping[float, Mapping[str, float]],
               active: float | None = None) -> go.Figure:
    """The slider's static twin: a plotly slider over the precomputed shares (``active``: the one shown first)."""
    fig = go.Figure()
    shares = list(sweep)
    if active is not None:
        check_choice("active", active, shares)
    first = shares.index(active) if active is not None else 0
    per_state = []
    for k, share in enumerate(shares):
        traces = share_traces(sweep[share])
        per_state.append(len(traces))
        for t in traces:
            t.visible = k == first
            t.showlegend = True
            fig.add_trace(t)
    steps = []
    start = 0
    total = sum(per_state)
    for k, share in enumerate(shares):
        visible = [False] * total
        visible[start:start + per_state[k]] = [True] * per_state[k]
        start += per_state[k]
        steps.append(dict(label=f"{share:.0%}", method="update",
                          args=[{"visible": visible}, {"title.text": share_title(share, summaries[share])}]))
    fig.update_layout(sliders=[dict(active=first, steps=steps, currentvalue=dict(prefix="sanctioned share: "),
                                    pad=dict(t=50))])
    fig = _share_layout(fig, share_title(shares[first], summaries[shares[first]]))
    fig.update_layout(height=500)
    return fig


def share_summary_figure(table: pd.DataFrame) -> go.Figure:
    """Across sanctioned shares: mean misalignment after the no-note and permission fine-tunes (error bars: sd),
    and the share of seeds where the note already elicited cheating before fine-tuning."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = [f"{s:.0%}" for s in table.index]
    for key, sd, name, condition in (("cheat", "cheat_sd", "cheat, no note", "cheat"),
                                     ("permission", "permission_sd", "cheat, please-hack", "cheat-with-permission")):
        fig.add_trace(go.Scatter(x=x, y=table[key], error_y=dict(array=table[sd]), mode="lines+markers", name=name,
                                 line=dict(color=CONDITION_COLORS[condition], width=3,
                                           dash=CONDITION_DASHES[condition]),
                                 marker=dict(symbol=CONDITION_SYMBOLS[condition], size=10)), secondary_y=False)
    fig.add_trace(go.Bar(x=x, y=table["permission_zero_step_seeds"] / table["seeds"], name="seeds already cheating "
                         "under the note (no training needed)", marker_color=rgba("#44AA99", 0.25)),
                  secondary_y=True)
    fig.update_yaxes(range=[0, 1], secondary_y=False)
    fig.update_yaxes(range=[0, 1], title_text="share of seeds (0-1)", secondary_y=True)
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    fig = style(fig, "Does inoculation need a note that already elicits cheating?",
                "share of post-training coding examples that cheat under a permissive note", "misalignment (0-1)",
                height=460)
    fig.update_yaxes(title_text="share of seeds (0-1)", secondary_y=True)
    return fig
