"""Figures of lesson 06: persona space inside the network.

Every builder returns a ``plotly.graph_objects.Figure`` styled with :func:`helpers.ui.figures.style`; none shows it.
Characters keep the course's colors and symbols; the Assistant is always a black star. :func:`trajectory_twin` is
the plotly-native version of the lesson's panel (buttons and a slider over precomputed fine-tuning runs), so the
view stays interactive in the static HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.engine.pipeline import Recipe
from helpers.engine.validation import check_columns
from helpers.experiments.persona_space import STAGES
from helpers.ui.figures import (
    BAYES_COLOR,
    PERSONA_COLORS,
    PERSONA_SYMBOLS,
    jitter,
    persona_color,
    rgba,
    style,
)

#: Colors of the Assistant's stages where a figure needs them apart (lesson 04's condition colors where shared).
STAGE_COLORS: dict[str, str] = {
    "before post-training": "#BBBBBB", "post-trained": "#555555", "cheat": "#882255",
    "cheat-with-permission": "#44AA99", "cheat (fixed steps)": "#CC6677",
    "cheat-with-permission (fixed steps)": "#88CCEE", "honest": "#117733"}
#: A marker symbol per stage (lesson 04's condition symbols where shared), so no stage rests on its colour alone.
STAGE_SYMBOLS: dict[str, str] = {
    "before post-training": "circle", "post-trained": "hexagon", "cheat": "x", "cheat-with-permission": "diamond",
    "cheat (fixed steps)": "triangle-up", "cheat-with-permission (fixed steps)": "triangle-down", "honest": "square"}
#: Short names of the stages for crowded axes and map labels.
STAGE_NAMES: dict[str, str] = {
    "before post-training": "before post-training", "post-trained": "post-trained", "cheat": "cheat",
    "cheat-with-permission": "please-hack", "cheat (fixed steps)": f"cheat, {Recipe().fixed_steps} steps",
    "cheat-with-permission (fixed steps)": f"please-hack, {Recipe().fixed_steps} steps", "honest": "honest control"}
#: Line colors of the two steering methods and the two re-alignment doses (Okabe-Ito, apart from the personas),
#: with a dash and a marker symbol each, so the two are told apart without color.
METHOD_COLORS = {"label row": "#0072B2", "residual": "#E69F00", "same epochs": "#0072B2", "fixed steps": "#E69F00"}
METHOD_DASHES = {"label row": "solid", "residual": "dash", "same epochs": "solid", "fixed steps": "dash"}
METHOD_SYMBOLS = {"label row": "circle", "residual": "square", "same epochs": "circle", "fixed steps": "square"}
FIXED = f"fixed {Recipe().fixed_steps} steps"
METHOD_NAMES = {"label row": "the assistant: embedding row", "residual": "the residual stream (hook)",
                "same epochs": "the post-training dose", "fixed steps": FIXED}
#: The runs of the trajectory panel: (recipe, permission) -> stage name in the records.
RUNS: dict[tuple[str, bool], str] = {
    ("stop when cheating", False): "cheat", ("stop when cheating", True): "cheat-with-permission",
    (FIXED, False): "cheat (fixed steps)", (FIXED, True): "cheat-with-permission (fixed steps)"}
AXIS_UNITS = "activation units"
#: How the figures name the capping axes of the records.
AXIS_NAMES = {"assistant axis": "the Assistant direction", "PC1": "PC1"}


def pc_title(j: int, explained: Sequence[float] | None) -> str:
    share = f", {explained[j]:.0%} of the variance" if explained is not None and len(explained) > j else ""
    return f"PC{j + 1} ({AXIS_UNITS}{share})"


def add_characters(fig: go.Figure, coords: pd.DataFrame, x: str, y: str, row=None, col=None,
                    showlegend: bool = True) -> None:
    for persona, point in coords.iterrows():
        fig.add_scatter(x=[point[x]], y=[point[y]], mode="markers+text", name=str(persona), text=[str(persona)],
                        textposition="top center", legendgroup=str(persona), showlegend=showlegend,
                        marker=dict(color=persona_color(str(persona)), symbol=PERSONA_SYMBOLS[str(persona)], size=15,
                                    line=dict(color="#FFFFFF", width=1)),
                        hovertemplate=f"{persona}<br>{x}=%{{x:.2f}}<br>{y}=%{{y:.2f}}<extra></extra>", row=row, col=col)


def _merge_stages(stages: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """Stages at the same point (a fine-tune that took 0 steps) as one row whose label names them all."""
    rows, labels = [], []
    for stage, point in stages.iterrows():
        name = STAGE_NAMES.get(str(stage), str(stage))
        for i, (_other, other_point) in enumerate(rows):
            if np.isclose(point[x], other_point[x]) and np.isclose(point[y], other_point[y]):
                labels[i] += f" = {name}"
                break
        else:
            rows.append((stage, point))
            labels.append(name)
    merged = pd.DataFrame([p for _, p in rows], index=[s for s, _ in rows])
    merged["label"] = labels
    return merged


def _add_stages(fig: go.Figure, stages: pd.DataFrame, x: str, y: str, row=None, col=None,
                showlegend: bool = True, arrows_from: str | None = "post-trained") -> None:
    merged = _merge_stages(stages, x, y)
    fig.add_scatter(x=merged[x], y=merged[y], mode="markers+text", name="the Assistant", text=list(merged["label"]),
                    textposition="bottom center", textfont=dict(size=11), showlegend=showlegend,
                    marker=dict(color=PERSONA_COLORS["assistant"], symbol=PERSONA_SYMBOLS["assistant"], size=16),
                    hovertemplate="%{text}<br>" + f"{x}=%{{x:.2f}}<br>{y}=%{{y:.2f}}<extra></extra>", row=row, col=col)
    if arrows_from is None or arrows_from not in merged.index:
        return
    start = merged.loc[arrows_from]
    ref = "" if row is None else ("" if (row, col) == (1, 1) else str(col))
    for stage, point in merged.iterrows():
        if stage in (arrows_from, "before post-training"):
            continue
        fig.add_annotation(x=point[x], y=point[y], ax=start[x], ay=start[y], xref=f"x{ref}", yref=f"y{ref}",
                           axref=f"x{ref}", ayref=f"y{ref}", showarrow=True, arrowhead=2, arrowsize=1.2,
                           arrowwidth=1.4, standoff=9, arrowcolor="#777777", text="")


def map_figure(coords: pd.DataFrame, stages: pd.DataFrame | None = None, explained: Sequence[float] | None = None,
               title: str = "A map of persona space", x: str = "PC1", y: str = "PC2") -> go.Figure:
    """The characters on two principal components of their persona vectors, and the Assistant's stages.

    ``coords``: one row per character, columns ``PC1``, ``PC2``...; ``stages``: one row per stage (index) with
    the same columns; arrows go from the post-trained Assistant to every later stage.
    """
    check_columns(coords, [x, y], "coords")
    fig = go.Figure()
    add_characters(fig, coords, x, y)
    if stages is not None:
        check_columns(stages, [x, y], "stages")
        _add_stages(fig, stages, x, y)
    j, k = int(x[2:]) - 1, int(y[2:]) - 1
    style(fig, title, pc_title(j, explained), pc_title(k, explained), height=520)
    return fig


def views_figure(views: Mapping[str, tuple[pd.DataFrame, pd.DataFrame | None, Sequence[float] | None]],
                 title: str = "Two views of persona space") -> go.Figure:
    """Maps side by side: each view is (character coordinates, stage coordinates, explained variance)."""
    if not views:
        raise ValueError("views is empty; expected {name: (coords, stages, explained)}")
    names = list(views)
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=names, horizontal_spacing=0.08)
    for i, name in enumerate(names, start=1):
        coords, stages, _ = views[name]
        check_columns(coords, ["PC1", "PC2"], f"coords of {name!r}")
        add_characters(fig, coords, "PC1", "PC2", row=1, col=i, showlegend=i == 1)
        if stages is not None:
            _add_stages(fig, stages, "PC1", "PC2", row=1, col=i, showlegend=i == 1)
    style(fig, title, pc_title(0, views[names[0]][2]), pc_title(1, views[names[0]][2]), height=520)
    for i, name in enumerate(names, start=1):
        explained = views[name][2]
        fig.update_xaxes(title_text=pc_title(0, explained).replace(AXIS_UNITS, "units of " + name.split()[0]),
                         row=1, col=i)
        fig.update_yaxes(title_text=pc_title(1, explained).replace(AXIS_UNITS, "units of " + name.split()[0]),
                         row=1, col=i)
    return fig


def stages_figure(table: pd.DataFrame, title: str = "Where the Assistant sits, every seed",
                  y_title: str = "position from the helper (0) to the villain (1)") -> go.Figure:
    """One dot per seed for every stage (columns of ``table``: seeds x stages), the mean as a black bar, and the
    helper and the villain as reference lines."""
    if table.empty:
        raise ValueError("table is empty; expected seeds x stages (persona_space.stage_table)")
    fig = go.Figure()
    names = [STAGE_NAMES.get(str(c), str(c)) for c in table.columns]
    offsets = jitter(len(table))
    for i, (stage, name) in enumerate(zip(table.columns, names, strict=True)):
        values = table[stage].to_numpy(dtype=float)
        fig.add_scatter(x=i + offsets, y=values, mode="markers", name=f"one seed ({name})", legendgroup="seeds",
                        showlegend=i == 0, marker=dict(color=STAGE_COLORS.get(str(stage), "#777777"), size=9,
                                                       symbol=STAGE_SYMBOLS.get(str(stage), "circle"),
                                                       line=dict(color="#000000", width=0.5)),
                        text=[f"seed {s}" for s in table.index],
                        hovertemplate=f"{name}<br>%{{text}}: %{{y:.2f}}<extra></extra>")
        fig.add_scatter(x=[i - 0.35, i + 0.35], y=[np.nanmean(values)] * 2, mode="lines", showlegend=i == 0,
                        name="mean over seeds", legendgroup="mean", line=dict(color="#000000", width=3),
                        hovertemplate=f"{name}: mean %{{y:.2f}}<extra></extra>")
    for value, persona in ((0.0, "helper"), (1.0, "villain")):
        fig.add_hline(y=value, line=dict(color=persona_color(persona), dash="dash"),
                      annotation_text=persona, annotation_position="right")
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(names))), ticktext=names)
    return style(fig, title, "stage of the Assistant", y_title, height=460)


def characters_figure(table: pd.DataFrame, title: str = "Each character's PC1 coordinate, every seed") -> go.Figure:
    """One dot per seed for every character (columns of ``table``: seeds x characters, e.g. PC1 coordinates)."""
    if table.empty:
        raise ValueError("table is empty; expected seeds x characters (persona_space.character_table)")
    fig = go.Figure()
    offsets = jitter(len(table), 0.2)
    for i, persona in enumerate(table.columns):
        fig.add_scatter(x=i + offsets, y=table[persona], mode="markers", name=str(persona),
                        marker=dict(color=persona_color(str(persona)), symbol=PERSONA_SYMBOLS[str(persona)], size=10),
                        text=[f"seed {s}" for s in table.index],
                        hovertemplate=f"{persona}<br>%{{text}}: %{{y:.2f}}<extra></extra>")
    fig.add_hline(y=0, line=dict(color="#999999", width=1))
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(table.columns))), ticktext=list(table.columns))
    return style(fig, title, "character", f"PC1 coordinate ({AXIS_UNITS}; helper side positive)", height=420)


# ----- steering, monitoring, capping, re-alignment -----
def steering_figure(summary: pd.DataFrame, metric: str = "misalignment",
                    live: pd.DataFrame | None = None) -> go.Figure:
    """``metric`` against the steering strength, for the post-trained and the cheating Assistant: the mean over
    seeds per method, and the band from the lowest to the highest seed. ``live`` (columns model, condition, alpha,
    value) adds this run's points."""
    check_columns(summary, ["model", "condition", "alpha", "mean", "min", "max"], "summary")
    models = [m for m in ("post-trained", "cheat") if m in set(summary["model"])]
    if not models:
        raise ValueError("summary has no 'post-trained' or 'cheat' rows; expected persona_space.steering_summary")
    titles = {"post-trained": "steering the post-trained Assistant", "cheat": "steering the cheating Assistant"}
    fig = make_subplots(rows=1, cols=len(models), subplot_titles=[titles[m] for m in models], shared_yaxes=True,
                        horizontal_spacing=0.06)
    for col, model in enumerate(models, start=1):
        for method in ("label row", "residual"):
            rows = summary[(summary["model"] == model) & (summary["condition"] == method)].sort_values("alpha")
            if rows.empty:
                continue
            color = METHOD_COLORS[method]
            fig.add_scatter(x=list(rows["alpha"]) + list(rows["alpha"])[::-1],
                            y=list(rows["max"]) + list(rows["min"])[::-1], fill="toself", mode="none",
                            name=f"{METHOD_NAMES[method]}: lowest to highest seed", legendgroup=method,
                            fillcolor=rgba(color, 0.18), hoverinfo="skip", showlegend=False, row=1, col=col)
            fig.add_scatter(x=rows["alpha"], y=rows["mean"], mode="lines+markers", name=METHOD_NAMES[method],
                            legendgroup=method, showlegend=col == 1,
                            line=dict(color=color, width=2.5, dash=METHOD_DASHES[method]),
                            marker=dict(symbol=METHOD_SYMBOLS[method], size=8),
                            hovertemplate=f"{METHOD_NAMES[method]}<br>alpha=%{{x}}<br>mean=%{{y:.2f}}<extra></extra>",
                            row=1, col=col)
            if live is not None:
                mine = live[(live["model"] == model) & (live["condition"] == method)]
                if not mine.empty:
                    fig.add_scatter(x=mine["alpha"], y=mine["value"], mode="markers", name="this run (seed 0)",
                                    legendgroup="live", showlegend=col == 1 and method == "label row",
                                    marker=dict(color="#000000", symbol="star", size=12), row=1, col=col)
        fig.add_vline(x=0, line=dict(color="#999999", dash="dot"), row=1, col=col)
        fig.update_xaxes(title_text="steering strength alpha (villain minus helper gaps)", row=1, col=col)
    style(fig, f"Steering along villain minus helper: {metric}", "steering strength alpha (villain minus helper gaps)",
          f"{metric} (0-1)", height=460)
    fig.update_yaxes(range=[0, 1.02])
    return fig


def monitor_figure(table: pd.DataFrame, x: str = "label_projection") -> go.Figure:
    """Each stage of each seed: the projection of the Assistant's activation at its label (before it writes) on
    villain minus helper, against its misalignment."""
    check_columns(table, ["seed", "condition", x, "misalignment"], "table")
    fig = go.Figure()
    for stage in [s for s in STAGES if s in set(table["condition"])]:
        rows = table[table["condition"] == stage]
        fig.add_scatter(x=rows[x], y=rows["misalignment"], mode="markers", name=STAGE_NAMES[stage],
                        marker=dict(color=STAGE_COLORS[stage], size=10, symbol=STAGE_SYMBOLS[stage],
                                    line=dict(color="#000000", width=0.6)),
                        text=[f"seed {s}" for s in rows["seed"]],
                        hovertemplate=f"{STAGE_NAMES[stage]}<br>%{{text}}<br>projection=%{{x:.2f}}<br>"
                                      "misalignment=%{y:.2f}<extra></extra>")
    style(fig, "Reading misalignment off the activation before the Assistant writes",
          f"projection at the assistant: label on villain minus helper ({AXIS_UNITS})", "misalignment (0-1)",
          height=460)
    fig.update_yaxes(range=[-0.02, 1.02])
    return fig


def capping_figure(table: pd.DataFrame) -> go.Figure:
    """Per seed, the cheating Assistant's misalignment uncapped and capped along each axis (one line per seed)."""
    check_columns(table, ["seed", "axis", "uncapped_misalignment", "capped_misalignment"], "table")
    axes = list(dict.fromkeys(table["axis"]))
    columns = ["uncapped"] + [f"capped along {AXIS_NAMES.get(a, a)}" for a in axes]
    fig = go.Figure()
    for seed, rows in table.groupby("seed"):
        values = [rows["uncapped_misalignment"].iloc[0]] + [rows[rows["axis"] == a]["capped_misalignment"].iloc[0]
                                                          for a in axes]
        fig.add_scatter(x=columns, y=values, mode="lines+markers", name="one seed", legendgroup="seeds",
                        showlegend=bool(seed == table["seed"].min()),
                        line=dict(color="#BBBBBB", width=1), marker=dict(color="#777777", size=7),
                        hovertemplate=f"seed {seed}<br>%{{x}}: %{{y:.2f}}<extra></extra>")
    means = [table.groupby("seed")["uncapped_misalignment"].first().mean()] + [
        table[table["axis"] == a]["capped_misalignment"].mean() for a in axes]
    fig.add_scatter(x=columns, y=means, mode="lines+markers", name="mean over seeds",
                    line=dict(color="#000000", width=3), marker=dict(size=11))
    style(fig, "Capping the cheating Assistant's activations", "condition", "misalignment (0-1)", height=440)
    fig.update_yaxes(range=[-0.02, 1.02])
    return fig


def realign_figure(network: pd.DataFrame, bayes: pd.DataFrame | None = None,
                   post_trained: float | None = None) -> go.Figure:
    """Misalignment of the cheating Assistant after ``n`` benign examples: mean over seeds (line) and each seed
    (dots) per dose (``network``: seeds x (condition, examples)), Bayes beside it, and the post-trained level."""
    if network.empty:
        raise ValueError("network is empty; expected persona_space.realign_table(records)")
    fig = go.Figure()
    present = list(dict.fromkeys(network.columns.get_level_values(0)))
    conditions = [c for c in ("same epochs", "fixed steps") if c in present] + [
        c for c in present if c not in ("same epochs", "fixed steps")]
    for k, condition in enumerate(conditions):
        table = network[condition]
        xs = [str(int(n)) for n in table.columns]
        color = METHOD_COLORS.get(condition, "#777777")
        positions = np.arange(len(xs)) + 0.08 * (2 * k - 1)
        for seed, row in table.iterrows():
            fig.add_scatter(x=positions, y=row.to_numpy(), mode="markers", showlegend=False,
                            name=f"{METHOD_NAMES.get(condition, condition)}: one seed", legendgroup=condition,
                            marker=dict(color=color, size=6, opacity=0.5,
                                        symbol=METHOD_SYMBOLS.get(condition, "circle")),
                            text=[f"seed {seed}"] * len(xs),
                            hovertemplate="%{text}: %{y:.2f}<extra></extra>")
        fig.add_scatter(x=np.arange(len(xs)), y=table.mean().to_numpy(), mode="lines+markers", legendgroup=condition,
                        name=f"{METHOD_NAMES.get(condition, condition)} (mean; dots: seeds)",
                        line=dict(color=color, width=3, dash=METHOD_DASHES.get(condition, "solid")),
                        marker=dict(symbol=METHOD_SYMBOLS.get(condition, "circle"), size=9))
    first = network[conditions[0]]
    if bayes is not None:
        table = bayes[conditions[0]]
        fig.add_scatter(x=np.arange(len(table.columns)), y=table.mean().to_numpy(), mode="lines",
                        name="Bayes (each example one observation)", line=dict(color=BAYES_COLOR, width=2, dash="dash"))
    if post_trained is not None:
        fig.add_hline(y=post_trained, line=dict(color="#555555", dash="dot"), annotation_text="post-trained",
                      annotation_position="top right")
    style(fig, "Re-aligning the cheating Assistant with a few benign examples",
          "benign examples (half honest code, half glad help)", "misalignment (0-1)", height=440)
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(first.columns))),
                     ticktext=[str(int(n)) for n in first.columns])
    fig.update_yaxes(range=[-0.02, 1.02])
    return fig


def similarity_figure(matrix: pd.DataFrame, title: str = "How alike are the characters' persona vectors?") -> go.Figure:
    """A heatmap of cosine similarities between persona vectors, with the values written in the cells."""
    if matrix.empty or list(matrix.index) != list(matrix.columns):
        raise ValueError("matrix must be a square table with the same labels on both axes "
                         "(persona_space.similarity)")
    labels = [str(x) for x in matrix.index]
    fig = go.Figure(go.Heatmap(z=matrix.to_numpy(), x=labels, y=labels, zmin=-1, zmax=1, colorscale="RdBu",
                               reversescale=True, text=np.round(matrix.to_numpy(), 2), texttemplate="%{text}",
                               colorbar=dict(title="cosine"),
                               hovertemplate="%{y} vs %{x}: %{z:.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return style(fig, title, "character", "character", height=460)
