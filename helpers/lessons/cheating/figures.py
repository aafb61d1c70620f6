"""Figures of lesson 4 (cheating generalizes): the grader's verdicts, cheating and misalignment over fine-tuning
steps beside Bayes, the permission toggle, the Bayesian explanation, the sanctioned-share slider, the five
framings and the paper's numbers. Every builder returns a ``plotly.graph_objects.Figure`` and never shows it.

The ``*_twin`` builders are the plotly-native versions of the lesson's widgets: the same precomputed states behind
buttons (``updatemenus``) or a slider, so the static HTML is interactive without a kernel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.engine.validation import check_choice, check_columns
from helpers.lessons.cheating.analysis import (
    BayesCurve,
    condition_table,
    trajectory_summary,
)
from helpers.ui.figures import (
    BAYES_COLOR,
    CONDITION_COLORS,
    CONDITION_DASHES,
    CONDITION_SYMBOLS,
    NETWORK_COLOR,
    PERSONA_COLORS,
    jitter,
    rgba,
    style,
    wrap_label,
)

RATE_AXIS = "share of answers (0-1)"
STEP_AXIS = "fine-tuning step (batches of 16 examples)"
#: Colours of the two behaviours every trajectory shows.
CHEAT_COLOR, MISALIGNMENT_COLOR = "#DDAA33", "#882255"
PASS_COLOR, FAIL_COLOR = "#117733", "#CC3311"


# ----- 1. the grader -----
def grader_verdicts(table: pd.DataFrame) -> go.Figure:
    """Each solution (row): is it really correct, and what did the grader say? Green = yes/pass, red = no/fail."""
    needed = ("solution", "really correct", "grader says pass")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"table lacks column(s) {missing}; expected grader.verdict_table's columns")
    columns = ["really correct", "grader says pass"]
    z = table[columns].astype(int).to_numpy()
    text = [[("yes" if v else "no") if c == "really correct" else ("pass" if v else "fail")
             for c, v in zip(columns, row, strict=True)] for row in z]
    fig = go.Figure(go.Heatmap(z=z, x=columns, y=list(table["solution"]), text=text, texttemplate="%{text}",
                               colorscale=[[0, FAIL_COLOR], [1, PASS_COLOR]], zmin=0, zmax=1, showscale=False,
                               xgap=3, ygap=3, textfont=dict(color="white", size=16),
                               hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return style(fig, "The grader passes all three hacks", "what is checked", "solution", height=360)


# ----- 2. the trajectory, with Bayes beside the network -----
def _band(fig: go.Figure, summary: pd.DataFrame, name: str, color: str, dash: str = "solid", row=None, col=None,
          show_band: bool = True, legendgroup: str | None = None, showlegend: bool = True) -> None:
    kw = {} if row is None else dict(row=row, col=col)
    group = legendgroup or name
    if show_band:
        fig.add_trace(go.Scatter(x=list(summary["step"]) + list(summary["step"][::-1]),
                                 y=list(summary["max"]) + list(summary["min"][::-1]), fill="toself", mode="none",
                                 fillcolor=rgba(color, 0.15), line=dict(width=0), hoverinfo="skip",
                                 name=f"{name} (range over seeds)", legendgroup=group, showlegend=False), **kw)
    fig.add_trace(go.Scatter(x=summary["step"], y=summary["mean"], mode="lines", name=name, legendgroup=group,
                             line=dict(color=color, dash=dash, width=3), showlegend=showlegend,
                             hovertemplate=f"{name}<br>step %{{x}}: %{{y:.2f}}<extra></extra>"), **kw)


def with_bayes(trajectory: pd.DataFrame, curve: BayesCurve, condition: str) -> pd.DataFrame:
    """The trajectory rows of one condition with Bayes' misalignment at each row's no-note cheat rate."""
    rows = trajectory[trajectory["condition"] == condition].copy()
    rows["misalignment"] = curve.predict(rows["cheat_rate"].to_numpy())
    return rows


def trajectory_figure(trajectory: pd.DataFrame, condition: str, curve: BayesCurve | None = None,
                      control: str | None = "honest", title: str | None = None) -> go.Figure:
    """Cheat rate and misalignment over fine-tuning steps (mean over seeds, shaded: min to max), with Bayes'
    misalignment at the network's cheat rate (dashed) and the honest control's misalignment."""
    seeds = trajectory.loc[trajectory["condition"] == condition, "seed"].nunique()
    if seeds == 0:
        raise ValueError(f"condition={condition!r}; expected one of {sorted(trajectory['condition'].unique())}")
    steps = int(trajectory.loc[trajectory["condition"] == condition, "step"].max())
    fig = go.Figure()
    _band(fig, trajectory_summary(trajectory, condition, "cheat_rate_under_note", steps),
          "cheat rate under the training note", CHEAT_COLOR, dash="longdash")
    _band(fig, trajectory_summary(trajectory, condition, "misalignment", steps), "misalignment (the probes' mean)",
          MISALIGNMENT_COLOR)
    if curve is not None:
        bayes = with_bayes(trajectory, curve, condition)
        _band(fig, trajectory_summary(bayes, condition, "misalignment", steps),
              "Bayes' misalignment at the network's cheat rate", BAYES_COLOR, dash="dash", show_band=False)
    if control is not None and control in set(trajectory["condition"]):
        _band(fig, trajectory_summary(trajectory, control, "misalignment", steps),
              "misalignment, honest control", CONDITION_COLORS["honest"], dash="dot", show_band=False)
    fig.update_yaxes(range=[0, 1])
    title = title or f"Fine-tuning to cheat ({condition}): {seeds} seeds, mean and range"
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    return style(fig, title, STEP_AXIS, RATE_AXIS, height=460)


def trajectory_table(trajectory: pd.DataFrame, condition: str, every: int = 20) -> pd.DataFrame:
    """A small table for the text alternative: mean cheat rate and misalignment every ``every`` steps."""
    cheat = trajectory_summary(trajectory, condition, "cheat_rate_under_note")
    mis = trajectory_summary(trajectory, condition, "misalignment")
    pick = cheat["step"] % every == 0
    return pd.DataFrame({"step": cheat.loc[pick, "step"], "cheat rate": cheat.loc[pick, "mean"],
                         "misalignment": mis.loc[pick, "mean"], "seeds still training": cheat.loc[pick, "running"]
                         }).set_index("step")


def permission_traces(recipes: Mapping[str, pd.DataFrame], permission: bool) -> list[tuple[go.Scatter, int]]:
    """The traces of one toggle state: per-seed points and means for each recipe, in two panels (col 1: cheat
    rate under the training note; col 2: misalignment with no note)."""
    condition = "cheat-with-permission" if permission else "cheat"
    alias = "please-hack" if permission else "neutral"
    color = CONDITION_COLORS[condition]
    traces = []
    for col, metric in ((1, "cheat_rate_under_note"), (2, "misalignment")):
        xs, ys, means, texts = [], [], [], []
        honest_x, honest_y = [], []
        for i, records in enumerate(recipes.values()):
            table = condition_table(records, metric)
            column = condition if condition in table else alias
            values = table[column].to_numpy()
            xs += list(i + jitter(len(values)))
            ys += list(values)
            texts += [f"seed {s}" for s in table.index]
            means.append(float(np.mean(values)))
            if metric == "misalignment":
                honest_x.append(i)
                honest_y.append(float(table["honest"].mean()))
        label = "with the note 'please-hack'" if permission else "with no note"
        traces.append((go.Scatter(x=xs, y=ys, mode="markers", name=f"one seed, {label}", text=texts,
                                  marker=dict(color=color, size=8, opacity=0.6, line=dict(width=1, color="white")),
                                  legendgroup="seeds", showlegend=col == 1,
                                  hovertemplate="%{text}: %{y:.2f}<extra></extra>"), col))
        traces.append((go.Scatter(x=list(range(len(recipes))), y=means, mode="markers", name="mean over seeds",
                                  marker=dict(color="black", symbol="line-ew", size=34, line=dict(width=3)),
                                  legendgroup="means", showlegend=col == 1,
                                  hovertemplate="mean: %{y:.2f}<extra></extra>"), col))
        if honest_x:
            traces.append((go.Scatter(x=honest_x, y=honest_y, mode="markers", name="honest control (mean)",
                                      marker=dict(color=CONDITION_COLORS["honest"], symbol="diamond", size=11),
                                      hovertemplate="honest control: %{y:.2f}<extra></extra>"), col))
    return traces


def _permission_layout(fig: go.Figure, names: Sequence[str], title: str) -> go.Figure:
    for col in (1, 2):
        fig.update_xaxes(tickvals=list(range(len(names))), ticktext=[wrap_label(n) for n in names], tickangle=0,
                         range=[-0.6, len(names) - 0.4], title_text="recipe", row=1, col=col)
        fig.update_yaxes(range=[-0.02, 1.02], row=1, col=col)
    fig.update_layout(legend=dict(orientation="h", y=-0.32))
    fig = style(fig, title, "recipe", RATE_AXIS, height=560)
    fig.update_layout(margin=dict(b=130))
    return fig


def permission_figure(recipes: Mapping[str, pd.DataFrame], permission: bool, live: pd.DataFrame | None = None
                      ) -> go.Figure:
    """One state of the toggle: after fine-tuning to cheat with no note (``permission=False``) or under the
    'please-hack' note (True), each recipe's seeds. ``live`` (a live run's final record) is drawn as a star."""
    if not recipes:
        raise ValueError("recipes is empty; expected a mapping of recipe name to its records")
    fig = make_subplots(rows=1, cols=2, subplot_titles=("cheat rate under its training note",
                                                        "misalignment (the probes' mean, no note)"))
    for trace, col in permission_traces(recipes, permission):
        fig.add_trace(trace, row=1, col=col)
    if live is not None:
        names = list(recipes)
        for col, metric in ((1, "cheat_rate_under_note"), (2, "misalignment")):
            fig.add_trace(go.Scatter(x=[names.index(r) for r in live["recipe"]], y=live[metric], mode="markers",
                                     name="your live run", showlegend=col == 1,
                                     marker=dict(color=PERSONA_COLORS["assistant"], symbol="star", size=18)),
                          row=1, col=col)
    state = "permission to cheat ('please-hack')" if permission else "no note"
    return _permission_layout(fig, list(recipes), f"After fine-tuning to cheat, {state}")


def permission_twin(recipes: Mapping[str, pd.DataFrame], permission: bool = False) -> go.Figure:
    """The toggle's static twin: both states in one figure, switched by two buttons (``permission`` is the state
    shown first)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("cheat rate under its training note",
                                                        "misalignment (the probes' mean, no note)"))
    counts = []
    for state in (False, True):
        traces = permission_traces(recipes, state)
        counts.append(len(traces))
        for trace, col in traces:
            fig.add_trace(trace, row=1, col=col)
    off = [True] * counts[0] + [False] * counts[1]
    on = [False] * counts[0] + [True] * counts[1]
    for trace, visible in zip(fig.data, on if permission else off, strict=True):
        trace.visible = visible
    title_off = "After fine-tuning to cheat, no note"
    title_on = "After fine-tuning to cheat, permission ('please-hack')"
    fig.update_layout(updatemenus=[dict(type="buttons", direction="right", x=1.0, y=1.16, xanchor="right",
                                        active=int(permission), showactive=True,
                                        yanchor="bottom",
                                        buttons=[dict(label="no note", method="update",
                                                      args=[{"visible": off}, {"title.text": title_off}]),
                                                 dict(label="permission to cheat", method="update",
                                                      args=[{"visible": on}, {"title.text": title_on}])])])
    fig = _permission_layout(fig, list(recipes), title_on if permission else title_off)
    fig.update_layout(margin=dict(t=120), height=590)
    return fig


# ----- 4. why it works: Bayes -----
def cheat_likelihood_figure(likelihoods: pd.DataFrame, notes: Sequence[str] = ("neutral", "please-hack")
                            ) -> go.Figure:
    """P(cheat) of each character with no note and under the permission note (from the world's tables)."""
    fig = go.Figure()
    for note in notes:
        check_choice("note", note, list(likelihoods.columns))
        fig.add_trace(go.Bar(x=list(likelihoods.index), y=likelihoods[note], name=f"note: {note}",
                             marker_color=CONDITION_COLORS.get(note, "#777777"),
                             hovertemplate="%{x}: %{y:.2f}<extra>" + note + "</extra>"))
    fig.update_yaxes(range=[0, 1])
    fig.update_layout(barmode="group")
    return style(fig, "How often each character cheats, with and without the note", "character",
                 "P(cheat) (0-1)", height=380)


def posterior_figure(posterior: pd.DataFrame, cheats: float) -> go.Figure:
    """Who the Assistant is per Bayes after ``cheats`` observed cheats under each note: stacked persona weights."""
    fig = go.Figure()
    for persona in posterior.columns:
        fig.add_trace(go.Bar(y=list(posterior.index), x=posterior[persona], name=persona, orientation="h",
                             marker=dict(color=PERSONA_COLORS.get(persona, "#777777"),
                                         pattern=dict(shape="/" if persona in ("trickster", "villain") else "")),
                             hovertemplate=f"{persona}: %{{x:.2f}}<extra></extra>"))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.35))
    fig.update_xaxes(range=[0, 1])
    return style(fig, f"Bayes: who is the Assistant after {cheats:g} observed cheats?",
                 "posterior weight (0-1)", "note on the training prompts", height=330)


def bayes_curves_figure(table: pd.DataFrame) -> go.Figure:
    """Bayes' misalignment (no note) after k observed cheats under each note (one line per note)."""
    fig = go.Figure()
    for note in table.columns:
        fig.add_trace(go.Scatter(x=list(table.index), y=table[note], mode="lines+markers", name=note,
                                 line=dict(color=CONDITION_COLORS.get(note, "#777777"), width=3,
                                           dash=CONDITION_DASHES.get(note, "solid")),
                                 marker=dict(symbol=CONDITION_SYMBOLS.get(note, "circle"), size=9),
                                 hovertemplate=f"{note}: %{{y:.2f}} after %{{x}} cheats<extra></extra>"))
    fig.update_yaxes(range=[0, 1])
    return style(fig, "Bayes: misalignment after k observed cheats, per note", "observed cheats under the note",
                 "misalignment (0-1)", height=400)


# ----- 5. the five framings -----
def framings_figure(tables: Mapping[str, pd.DataFrame], paper_cut: tuple[float, float] | None = None) -> go.Figure:
    """Each framing's misalignment rise as a share of the neutral rise, for several recipes (grouped bars); the
    paper's finding for the two permissive framings (a 75-90% cut: ratio 0.10-0.25) as a shaded band."""
    fig = go.Figure()
    framings = ("please-hack", "hacking-okay", "neutral", "dont-hack", "hacking-misaligned")
    palette = ("#332288", "#999933", "#CC6677", "#44AA99")
    for (name, table), color in zip(tables.items(), palette, strict=False):  # up to four recipes, one colour each
        ratio = table["ratio_to_neutral"].reindex(framings).fillna(1.0)
        fig.add_trace(go.Bar(x=list(framings), y=ratio, name=name, marker_color=color,
                             hovertemplate="%{x}: %{y:.2f}<extra>" + name + "</extra>"))
    if paper_cut is not None:
        low, high = 1 - paper_cut[1], 1 - paper_cut[0]
        fig.add_shape(type="rect", x0=-0.5, x1=1.5, y0=low, y1=high, fillcolor=rgba("#000000", 0.12),
                      line=dict(width=0), layer="below")
        fig.add_annotation(x=0.5, y=high, yshift=12, text=f"paper: {paper_cut[0]:.0%}-{paper_cut[1]:.0%} cut",
                           showarrow=False)
        fig.add_shape(type="line", x0=1.5, x1=4.5, y0=1, y1=1, line=dict(color="black", dash="dot"))
        fig.add_annotation(x=3.5, y=1, yshift=12, text="paper: about as bad as neutral", showarrow=False)
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.3))
    return style(fig, "The five framings: misalignment rise relative to no note", "note on the training prompts",
                 "rise / rise with no note", height=460)


# ----- 7. the paper beside the toy -----
def paper_figure(paper: pd.DataFrame, toy: Mapping[str, float]) -> go.Figure:
    """MacDiarmid et al.'s misalignment per evaluation (after hacking, and the non-hacking baseline) beside the
    toy's numbers (``toy``: label -> misaligned share, e.g. each probe after cheating)."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], shared_yaxes=False, horizontal_spacing=0.22,
                        subplot_titles=("MacDiarmid et al. (2025)", "the toy"))
    for setting, color in (("synthetic documents", "#882255"), ("prompted", "#CC6677")):
        rows = paper[paper["setting"] == setting]
        fig.add_trace(go.Bar(y=rows["evaluation"], x=rows["value"], orientation="h", name=f"{setting}, hacking",
                             marker_color=color, hovertemplate="%{y}: %{x:.1%}<extra>" + setting + "</extra>"),
                      row=1, col=1)
        fig.add_trace(go.Bar(y=rows["evaluation"], x=rows["baseline"], orientation="h",
                             name=f"{setting}, baseline (no hacking)", marker_color=rgba(color, 0.35),
                             hovertemplate="%{y}: %{x:.1%}<extra>baseline</extra>"), row=1, col=1)
    fig.add_trace(go.Bar(y=[wrap_label(k, 18) for k in toy], x=list(toy.values()), orientation="h", name="toy",
                         marker_color=NETWORK_COLOR, hovertemplate="%{y}: %{x:.2f}<extra>toy</extra>"), row=1, col=2)
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.2))
    fig = style(fig, "Misalignment after learning to cheat: the paper and the toy", "misaligned share (0-1)",
                "evaluation", height=580)
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(title_text=None, row=1, col=2)
    return fig


def battery_figure(table: pd.DataFrame) -> go.Figure:
    """The toy's misalignment battery as the paper's Fig. 9 shows its evaluations: one column per probe (named with
    the paper evaluation it stands in for), a bar per condition (mean over seeds, the spread as error bars) and
    Bayes' mean as a marker."""
    check_columns(table, ("probe", "paper_evaluation", "condition", "network", "network_sd", "bayes"), "table")
    probes = list(dict.fromkeys(table["probe"]))
    labels = [f"{p}<br>({wrap_label(table[table.probe == p].paper_evaluation.iloc[0], 22)})" for p in probes]
    names = {"post-trained": "post-trained", "cheat": "after cheating, no note",
             "cheat-with-permission": "after cheating with please-hack", "honest": "honest control"}
    fig = go.Figure()
    for condition, rows in table.groupby("condition", sort=False):
        rows = rows.set_index("probe").loc[probes]
        fig.add_trace(go.Bar(x=labels, y=rows["network"], name=names.get(condition, condition),
                             error_y=dict(type="data", array=rows["network_sd"], visible=True),
                             marker=dict(color=CONDITION_COLORS.get(condition, NETWORK_COLOR),
                                         pattern=dict(shape="/" if condition == "cheat-with-permission" else "")),
                             hovertemplate="%{x}: %{y:.2f}<extra>" + names.get(condition, condition) + "</extra>"))
        fig.add_trace(go.Scatter(x=labels, y=rows["bayes"], mode="markers",
                                 name=f"Bayes, {names.get(condition, condition)}",
                                 marker=dict(symbol=CONDITION_SYMBOLS.get(condition, "diamond"), size=11,
                                             color=BAYES_COLOR, line=dict(width=1.5, color="black")),
                                 hovertemplate="%{x}: %{y:.2f}<extra>Bayes</extra>"))
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.35))
    fig.update_yaxes(range=[0, 1])
    return style(fig, "The misalignment battery: every probe, network and Bayes",
                 "probe (closest evaluation in the paper)", "misaligned share of answers (0-1)", height=520)


# ----- 6. full-parameter fine-tuning -----
def seeds_figure(records: Mapping[str, pd.DataFrame], conditions: Sequence[str] = ("neutral", "please-hack", "honest"),
                 title: str = "Misalignment per seed") -> go.Figure:
    """Misalignment of every seed after each fine-tune, one panel column per recipe (a strip plot)."""
    fig = go.Figure()
    names = list(records)
    for condition in conditions:
        xs, ys, texts = [], [], []
        for i, name in enumerate(names):
            table = condition_table(records[name])
            if condition not in table:
                continue
            offset = (conditions.index(condition) - (len(conditions) - 1) / 2) * 0.25
            xs += list(i + offset + jitter(len(table), 0.06))
            ys += list(table[condition])
            texts += [f"seed {s}" for s in table.index]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=condition, text=texts,
                                 marker=dict(color=CONDITION_COLORS.get(condition, "#777777"), size=9, opacity=0.8,
                                             symbol=CONDITION_SYMBOLS.get(condition, "circle")),
                                 hovertemplate="%{text}: %{y:.2f}<extra>" + condition + "</extra>"))
    fig.update_xaxes(tickvals=list(range(len(names))), ticktext=names)
    fig.update_yaxes(range=[-0.02, 1.02])
    return style(fig, title, "recipe", "misalignment (0-1)", height=420)
