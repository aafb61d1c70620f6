"""Figures of lesson 4 (cheating generalizes): the grader's verdicts, reward, hacking and misalignment over the
RL steps beside the hack-proof control and Bayes, the probe battery, the Bayesian explanation, the five framings
and the paper's numbers. Every builder returns a ``plotly.graph_objects.Figure`` and never shows it. The
permission toggle's figure and its static twin are in :mod:`helpers.lessons.cheating.toggle_figures`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.engine.validation import check_choice, check_columns
from helpers.lessons.cheating.analysis import (
    BayesCurve,
    trajectory_summary,
)
from helpers.ui.figures import (
    BAYES_COLOR,
    CONDITION_COLORS,
    CONDITION_DASHES,
    CONDITION_SYMBOLS,
    NETWORK_COLOR,
    PERSONA_COLORS,
    rgba,
    style,
    wrap_label,
)

RATE_AXIS = "share of answers (0-1)"
STEP_AXIS = "RL step (batches of 32 sampled replies)"
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


#: The rows of the RL trajectory figure: (trajectory column, row title).
TRAJECTORY_ROWS = (("reward", "reward (share of batch passed)"), ("hack_rate", "hack rate (sampled replies)"),
                   ("misalignment", "misalignment (probes, no note)"))


def rl_trajectory_figure(trajectory: pd.DataFrame, condition: str = "neutral", control: str = "hack-proof",
                         curve: BayesCurve | None = None) -> go.Figure:
    """Three rows over the RL steps (mean over seeds, shaded: min to max): the batch's reward, the share of hack
    replies sampled, and misalignment on the probes, for ``condition`` beside ``control``; with ``curve``, Bayes'
    misalignment at the network's no-note hack rate (dashed)."""
    for name in (condition, control):
        if name not in set(trajectory["condition"]):
            raise ValueError(f"condition={name!r}; expected one of {sorted(trajectory['condition'].unique())}")
    seeds = trajectory.loc[trajectory["condition"] == condition, "seed"].nunique()
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.07,
                        subplot_titles=[title for _, title in TRAJECTORY_ROWS])
    for row, (metric, _) in enumerate(TRAJECTORY_ROWS, start=1):
        rows = trajectory.dropna(subset=[metric])
        for name, label in ((condition, f"{condition}: the grader can be hacked"),
                            (control, f"{control}: the grader cannot")):
            _band(fig, trajectory_summary(rows, name, metric), label, CONDITION_COLORS.get(name, NETWORK_COLOR),
                  dash=CONDITION_DASHES.get(name, "solid") if name == control else "solid", row=row, col=1,
                  legendgroup=name, showlegend=row == 1)

    if curve is not None:
        bayes = with_bayes(trajectory, curve, condition)
        _band(fig, trajectory_summary(bayes, condition, "misalignment"), "Bayes at the network's hack rate",
              BAYES_COLOR, dash="dash", show_band=False, row=3, col=1)
    fig = style(fig, f"RL against the grader: {seeds} seeds, mean and range", "", "share (0-1)", height=720)
    fig.update_yaxes(range=[-0.02, 1.02])
    fig.update_xaxes(title_text=STEP_AXIS, row=3, col=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.12))
    return fig


def rl_trajectory_table(trajectory: pd.DataFrame, conditions: Sequence[str] = ("neutral", "hack-proof"),
                        every: int = 25) -> pd.DataFrame:
    """The text alternative's numbers: each condition's mean reward, hack rate and misalignment every ``every``
    steps (reward and hack rate are those of the batch sampled at that step)."""
    columns = {}
    for condition in conditions:
        for metric, _ in TRAJECTORY_ROWS:
            summary = trajectory_summary(trajectory.dropna(subset=[metric]), condition, metric)
            columns[(condition, metric)] = summary.set_index("step")["mean"]
    table = pd.DataFrame(columns)
    return table[table.index % every == 0]


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
    for setting, color in zip(dict.fromkeys(paper["setting"]), ("#882255", "#CC6677", "#AA4499"), strict=False):
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
    names = {"post-trained": "post-trained (the start)", "neutral": "after RL, no note",
             "please-hack": "after RL with please-hack", "hack-proof": "after RL, hack-proof grader"}
    fig = go.Figure()
    for condition, rows in table.groupby("condition", sort=False):
        rows = rows.set_index("probe").loc[probes]
        fig.add_trace(go.Bar(x=labels, y=rows["network"], name=names.get(condition, condition),
                             error_y=dict(type="data", array=rows["network_sd"], visible=True),
                             marker=dict(color=CONDITION_COLORS.get(condition, NETWORK_COLOR),
                                         pattern=dict(shape="/" if condition == "please-hack" else "")),
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
