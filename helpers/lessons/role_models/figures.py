"""Figures of lesson 5 (good role models): the role models beside the base characters, what Bayes predicts in
each world, the network's paired differences beside Bayes', and a look inside one live seed. Every builder returns
a ``plotly.graph_objects.Figure`` and never shows it.

:func:`paired_twin` is the plotly-native version of the lesson's panel: the same precomputed states behind two
buttons (the role model) and a slider (its weight), so the static HTML is interactive without a kernel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.engine import tolerance
from helpers.engine.validation import check_choice, check_columns
from helpers.experiments.catalog import ROLE_MODEL_WEIGHTS, ROLE_MODELS
from helpers.lessons.role_models.analysis import summary_states, world_label
from helpers.ui.figures import BAYES_COLOR, PERSONA_COLORS, PERSONA_SYMBOLS, style

RATE_AXIS = "share of answers (0-1)"
DIFF_AXIS = "change in misalignment vs weight 0"
WEIGHT_AXIS = "role model's share of pretraining documents (%)"
#: Colors of the behaviors and of the baseline world: none of them is a character's color.
CHEAT_COLOR, POWER_COLOR, BASELINE_COLOR = "#DDAA33", "#CC3311", "#777777"
#: The network's bars (a blue no character uses; ``plots.NETWORK_COLOR`` is the gamer's indigo) beside Bayes' grey.
PAIRED_NETWORK_COLOR = "#004488"
#: Line styles of the weights: the further from the baseline, the bolder.
WEIGHT_DASHES = {0.05: "dot", 0.15: "solid"}


def _world_color(role_model: str | None) -> str:
    return PERSONA_COLORS[role_model] if role_model in ROLE_MODELS else BASELINE_COLOR


# ----- 1. the characters -----
def traits_figure(traits: pd.DataFrame) -> go.Figure:
    """Each character's P(cheat) with no note and under 'please-hack', and its misalignment (from the tables)."""
    check_columns(traits, ("cheat (neutral)", "cheat (please-hack)", "misalignment"), "traits")
    fig = go.Figure()
    bars = (("cheat (neutral)", "cheats, no note", CHEAT_COLOR, ""),
            ("cheat (please-hack)", "cheats when asked ('please-hack')", CHEAT_COLOR, "/"),
            ("misalignment", "misaligned (the probes' mean)", POWER_COLOR, ""))
    for column, name, color, pattern in bars:
        fig.add_trace(go.Bar(x=list(traits.index), y=traits[column], name=name,
                             marker=dict(color=color, pattern=dict(shape=pattern, fgcolor="white")),
                             hovertemplate="%{x}: %{y:.2f}<extra>" + name + "</extra>"))
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.25))
    fig.update_yaxes(range=[0, 1])
    return style(fig, "Two good AIs beside the corpus's characters", "character", "probability (0-1)", height=420)


# ----- 2. what Bayes predicts -----
def bayes_curves_figure(curves: pd.DataFrame) -> go.Figure:
    """Bayes in each world after k observed cheats with no note: misalignment (left) and the role model's share of
    the posterior (right); color = role model, line style = weight."""
    check_columns(curves, ("world", "role_model", "weight", "cheats", "misalignment", "role_model_share"),
                   "Bayes curves")
    fig = make_subplots(rows=1, cols=2, subplot_titles=("misalignment (the probes' mean)",
                                                        "the role model's share of the posterior"))
    for world, rows in curves.groupby("world", sort=False):
        role = rows["role_model"].iloc[0]
        role = role if isinstance(role, str) else None
        weight = float(rows["weight"].iloc[0])
        line = dict(color=_world_color(role), width=3, dash=WEIGHT_DASHES.get(weight, "dash"))
        marker = dict(symbol=PERSONA_SYMBOLS.get(role, "circle"), size=7)
        name = f"{role} · {weight:.0%}" if role else world
        for col, metric in ((1, "misalignment"), (2, "role_model_share")):
            fig.add_trace(go.Scatter(x=rows["cheats"], y=rows[metric], mode="lines+markers", name=name,
                                     legendgroup=world, showlegend=col == 1, line=line, marker=marker,
                                     hovertemplate=f"{world}: %{{y:.2f}} after %{{x}} cheats<extra></extra>"),
                          row=1, col=col)
    for col in (1, 2):
        fig.update_xaxes(title_text="observed cheats (no note)", row=1, col=col)
        fig.update_yaxes(range=[-0.02, 1.02], row=1, col=col)
    fig.update_yaxes(title_text=RATE_AXIS, row=1, col=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return style(fig, "Bayes: which character explains the cheating, in each world", "observed cheats (no note)",
                 RATE_AXIS, height=460)


# ----- 3. the network on paired seeds -----
def summary_figure(summary: pd.DataFrame) -> go.Figure:
    """Mean paired difference in misalignment vs weight 0 (after the cheat fine-tune), per role model and weight:
    the network (solid, with +-1 standard error over seeds) beside Bayes (dashed)."""
    check_columns(summary.reset_index(), ("role_model", "weight", "network_diff", "network_diff_se", "bayes_diff",
                                           "lower", "seeds"), "summary")
    table = summary.reset_index()
    fig = go.Figure()
    for role in [r for r in ROLE_MODELS if r in set(table["role_model"])]:
        rows = table[table["role_model"] == role].sort_values("weight")
        x = (rows["weight"] * 100).round(1)
        color = PERSONA_COLORS[role]
        fig.add_trace(go.Scatter(x=x, y=rows["network_diff"], mode="lines+markers", name=f"{role} (network)",
                                 line=dict(color=color, width=3),
                                 marker=dict(symbol=PERSONA_SYMBOLS[role], size=11),
                                 error_y=dict(type="data", array=rows["network_diff_se"].fillna(0), visible=True),
                                 customdata=np.stack([rows["lower"], rows["seeds"]], axis=1),
                                 hovertemplate=(f"{role}, network, %{{x}}%: %{{y:+.3f}}<br>lower on "
                                                "%{customdata[0]} of %{customdata[1]} seeds<extra></extra>")))
        fig.add_trace(go.Scatter(x=x, y=rows["bayes_diff"], mode="lines+markers", name=f"{role} (Bayes)",
                                 line=dict(color=color, width=2, dash="dash"),
                                 marker=dict(symbol=PERSONA_SYMBOLS[role] + "-open", size=11),
                                 hovertemplate=f"{role}, Bayes, %{{x}}%: %{{y:+.3f}}<extra></extra>"))
    fig.add_hline(y=0, line=dict(color="#BBBBBB", width=1))
    fig.update_xaxes(tickvals=[w * 100 for w in ROLE_MODEL_WEIGHTS], ticksuffix="%")
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    seeds = int(table["seeds"].max()) if len(table) else 0
    return style(fig, f"Role models and misalignment after the cheat fine-tune, paired on {seeds} seeds",
                 WEIGHT_AXIS, DIFF_AXIS, height=460)


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary's numbers for a text alternative: one row per role-model world."""
    table = summary.reset_index()
    table = table[table["weight"] > 0]
    out = pd.DataFrame({"world": [world_label(r, w) for r, w in zip(table["role_model"], table["weight"], strict=True)],
                        "network": table["network"].values, "network change": table["network_diff"].values,
                        "standard error": table["network_diff_se"].values,
                        "seeds lower": [f"{lo} of {n}" for lo, n in zip(table["lower"], table["seeds"], strict=True)],
                        "reached the criterion": [f"{r} of {n}" for r, n in zip(table["reached"], table["seeds"],
                                                                                strict=True)],
                        "sign-flip p": table["p_value"].values, "Bayes": table["bayes"].values,
                        "Bayes change": table["bayes_diff"].values,
                        "Bayes role-model share": table["bayes_role_model_share"].values})
    return out.set_index("world")


def paired_title(role_model: str, weight: float, rows: pd.DataFrame) -> str:
    """The title of one state: the world and its mean paired differences."""
    if not weight:
        return f"Weight 0: the baseline itself ({len(rows)} seeds), so every difference is zero"
    d = rows["network_diff"]
    return (f"{world_label(role_model, weight)}: network {d.mean():+.2f} (lower on {tolerance.count_lower(d)} of "
            f"{len(d)} seeds), Bayes {rows['bayes_diff'].mean():+.2f}")


def paired_traces(rows: pd.DataFrame) -> list[go.Bar | go.Scatter]:
    """The traces of one state: per seed (and their mean) the network's and Bayes' paired differences."""
    check_columns(rows, ("seed", "network", "network_baseline", "network_diff", "bayes", "bayes_baseline",
                          "bayes_diff"), "paired rows")
    x = [f"seed {s}" for s in rows["seed"]] + ["mean"]
    traces: list[go.Bar | go.Scatter] = []
    for who, color, pattern in (("network", PAIRED_NETWORK_COLOR, ""), ("bayes", BAYES_COLOR, "/")):
        y = list(rows[f"{who}_diff"]) + [float(rows[f"{who}_diff"].mean())]
        custom = np.stack([list(rows[f"{who}_baseline"]) + [rows[f"{who}_baseline"].mean()],
                           list(rows[who]) + [rows[who].mean()]], axis=1)
        name = "network" if who == "network" else "Bayes"
        traces.append(go.Bar(x=x, y=y, name=name, marker=dict(color=color, pattern=dict(shape=pattern)),
                             customdata=custom,
                             hovertemplate=(f"{name}, %{{x}}: %{{y:+.3f}}<br>from %{{customdata[0]:.2f}} (weight 0) "
                                            "to %{customdata[1]:.2f}<extra></extra>")))
    return traces


def _paired_layout(fig: go.Figure, title: str, y_range: Sequence[float]) -> go.Figure:
    fig.update_layout(barmode="group", legend=dict(orientation="h", x=1.0, xanchor="right", y=1.02,
                                                   yanchor="bottom"))
    fig.update_yaxes(range=list(y_range), zeroline=True, zerolinecolor="#BBBBBB")
    return style(fig, title, "seed (same corpus apart from the role model's documents)", DIFF_AXIS, height=480)


def paired_range(paired: pd.DataFrame) -> tuple[float, float]:
    """One y range for every state, so moving the slider never rescales the axis."""
    values = pd.concat([paired["network_diff"], paired["bayes_diff"]])
    low, high = float(min(values.min(), 0.0)), float(max(values.max(), 0.0))
    pad = 0.05 * max(high - low, 0.1)
    return low - pad, high + pad


def paired_figure(paired: pd.DataFrame, role_model: str, weight: float, live: pd.DataFrame | None = None
                  ) -> go.Figure:
    """One state of the panel: per seed, the change in misalignment that the role model at ``weight`` made,
    network beside Bayes. ``live`` (rows with seed and network_diff) adds stars for live runs."""
    check_choice("role_model", role_model, ROLE_MODELS)
    states = summary_states(paired)
    check_choice("weight", float(weight), sorted({w for _, w in states}))
    rows = states[(role_model, float(weight))]
    fig = go.Figure(paired_traces(rows))
    if live is not None and len(live):
        fig.add_trace(go.Scatter(x=[f"seed {s}" for s in live["seed"]], y=live["network_diff"], mode="markers",
                                 name="your live run (network)",
                                 marker=dict(color=PERSONA_COLORS["assistant"], symbol="star", size=18,
                                             line=dict(color="white", width=1))))
    return _paired_layout(fig, paired_title(role_model, weight, rows), paired_range(paired))


def paired_twin(paired: pd.DataFrame) -> go.Figure:
    """The panel's static twin: buttons choose the role model, a slider its weight (switching the role model
    starts its slider at the largest weight). It opens where the panel does: the last role model (the gamer, the one
    Bayes expects to matter) at its largest weight."""
    states = summary_states(paired)
    roles = [r for r in ROLE_MODELS if any(k[0] == r for k in states)]
    weights = {r: sorted(w for rr, w in states if rr == r) for r in roles}
    fig = go.Figure()
    index: dict[tuple[str, float], list[int]] = {}
    first = (roles[-1], weights[roles[-1]][-1])
    for key in [(r, w) for r in roles for w in weights[r]]:
        traces = paired_traces(states[key])
        index[key] = list(range(len(fig.data), len(fig.data) + len(traces)))
        for t in traces:
            t.visible = key == first
            fig.add_trace(t)
    total = len(fig.data)

    def visible(key: tuple[str, float]) -> list[bool]:
        return [i in index[key] for i in range(total)]

    def slider(role: str) -> dict:
        steps = [dict(label=f"{w:.0%}", method="update",
                      args=[{"visible": visible((role, w))}, {"title.text": paired_title(role, w, states[(role, w)])}])
                 for w in weights[role]]
        return dict(active=len(steps) - 1, steps=steps, currentvalue=dict(prefix=f"{role}'s weight: "),
                    pad=dict(t=60), x=0.0, len=1.0)

    buttons = [dict(label=role, method="update",
                    args=[{"visible": visible((role, weights[role][-1]))},
                          {"title.text": paired_title(role, weights[role][-1], states[(role, weights[role][-1])]),
                           "sliders": [slider(role)]}]) for role in roles]
    fig.update_layout(updatemenus=[dict(type="buttons", direction="right", x=0.0, y=1.02, xanchor="left",
                                        yanchor="bottom", buttons=buttons, active=len(roles) - 1, pad=dict(b=4))],
                      sliders=[slider(first[0])])
    fig = _paired_layout(fig, paired_title(*first, states[first]), paired_range(paired))
    fig.update_layout(margin=dict(t=100, b=60), height=580)
    return fig


def paired_table(paired: pd.DataFrame) -> pd.DataFrame:
    """Per seed (rows) and role-model world (columns): the network's paired difference, for a text alternative."""
    rows = paired[paired["weight"] > 0]
    table = rows.assign(world=[world_label(r, w) for r, w in zip(rows["role_model"], rows["weight"], strict=True)])
    return table.pivot_table(index="seed", columns="world", values="network_diff", aggfunc="first")


# ----- 4. inside one seed -----
def labels_figure(labels: pd.DataFrame) -> go.Figure:
    """How the pretrained network speaks under each character's name (filled) beside the character's table row
    (open): cheat rate with no note (left), misalignment (right)."""
    check_columns(labels, ("network cheat rate", "table cheat rate", "network misalignment",
                            "table misalignment"), "labels")
    fig = make_subplots(rows=1, cols=2, subplot_titles=("cheats, no note", "misaligned (the probes' mean)"))
    names = list(labels.index)
    for col, metric in ((1, "cheat rate"), (2, "misalignment")):
        for source, filled in (("network", True), ("table", False)):
            fig.add_trace(go.Scatter(
                x=names, y=labels[f"{source} {metric}"], mode="markers",
                name="network, under the name label" if filled else "the character's table row",
                legendgroup=source, showlegend=col == 1,
                marker=dict(size=14 if filled else 18, color=[PERSONA_COLORS.get(n, BASELINE_COLOR) for n in names],
                            symbol=[PERSONA_SYMBOLS.get(n, "circle") + ("" if filled else "-open") for n in names],
                            line=dict(width=2)),
                hovertemplate=f"%{{x}}, {source}: %{{y:.2f}}<extra></extra>"), row=1, col=col)
        fig.update_yaxes(range=[-0.03, 1.03], row=1, col=col)
        fig.update_xaxes(title_text="name label", row=1, col=col)
    fig.update_yaxes(title_text=RATE_AXIS, row=1, col=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return style(fig, "What the pretrained network says under each name label", "name label", RATE_AXIS, height=420)


def mixture_figure(mixture: pd.DataFrame, title: str) -> go.Figure:
    """Persona weights: the mixture closest to the fine-tuned Assistant (network) beside Bayes' posterior."""
    check_columns(mixture, ("network",), "mixture")
    fig = go.Figure()
    for column, pattern in (("network", ""), ("bayes", "/")):
        if column not in mixture.columns:
            continue
        names = list(mixture.index)
        fig.add_trace(go.Bar(x=names, y=mixture[column], name="network (closest mixture)" if column == "network"
                             else "Bayes (posterior)",
                             marker=dict(color=[PERSONA_COLORS.get(n, BASELINE_COLOR) for n in names],
                                         pattern=dict(shape=pattern, fgcolor="white"),
                                         line=dict(color="black", width=1)),
                             hovertemplate="%{x}: %{y:.2f}<extra>" + column + "</extra>"))
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.25))
    fig.update_yaxes(range=[0, 1])
    return style(fig, title, "character", "weight (0-1)", height=400)


def live_states(paired: pd.DataFrame, live: Mapping[tuple[str, float], pd.DataFrame]
                ) -> dict[tuple[str, float], go.Figure]:
    """Every state of the panel as a figure, with the live runs made in that state (if any)."""
    return {key: paired_figure(paired, key[0], key[1], live.get(key)) for key in summary_states(paired)}

