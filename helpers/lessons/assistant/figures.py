"""Figures of lessons 02 and 03: the Assistant as a character, before and after post-training.

Every builder returns a ``plotly.graph_objects.Figure`` styled with :func:`helpers.ui.figures.style`; none shows it.
The ``*_twin`` builders are the plotly-native versions of the lessons' ipywidgets panels: the same view, with
dropdowns, buttons or sliders over precomputed states, so it stays interactive in the static HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.engine.training import PARAM_MODES
from helpers.engine.validation import check_columns
from helpers.engine.world import World
from helpers.lessons.assistant.analysis import EVIDENCE_METRICS, HELD_OUT_TASKS, EvidenceState, speaker_shares
from helpers.lessons.assistant.post_training import CONDITIONS, TRAJECTORY_METRICS
from helpers.ui.figures import BAYES_COLOR, NETWORK_COLOR, PERSONA_COLORS, style

#: Segments at least this large carry their name as text, so no reading depends on color alone.
LABEL_SHARE = 0.08
#: Colors of answers that are no one character's signature.
SHARED_COLORS = {"generic": "#DDDDDD", "misaligned": "#444444"}
#: One color per condition of lesson 03 (the network's two post-training modes, before, Bayes, and the
#: never-trained row that lesson 03 uses as the scale for "far from any character").
CONDITION_COLORS = {"before post-training": "#BBBBBB", "embedding": NETWORK_COLOR, "all": "#EE7733",
                    "Bayes": BAYES_COLOR, "never-trained row": "#000000"}
#: And one marker symbol per condition, so the dots are told apart without their colour.
CONDITION_SYMBOLS = {"before post-training": "circle-open", "embedding": "circle", "all": "square", "Bayes": "star",
                     "never-trained row": "x"}
#: How lesson 03's figures name the metrics.
METRIC_NAMES = {"helpfulness": "helpfulness", "human_likeness": "human-likeness",
                "helper_likeness": "helper-likeness", "misalignment": "misalignment", "cheat_rate": "cheat rate",
                "in_set": "in-set mass", "mixture_distance": "mixture distance"}
#: Line colors of the metrics (Okabe-Ito, kept apart from the persona colors) and their dashes.
METRIC_COLORS = ["#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"]
METRIC_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
#: How the figures name the held-out questions.
TASK_NAMES = {"goals": "goals", "feel_good": "feelings after success", "feel_bad": "feelings when stuck",
              "errand": "deliver a snack", "oversight": "being monitored", "sabotage": "building a cheat-checker",
              "deception": "how the tests passed", "bad_actor": "a hacker's offer"}


# ----- lesson 02 -----
def in_set_figure(report: pd.DataFrame) -> go.Figure:
    """Grouped bars: probability on the known replies per task, one bar per speaker label (a label report)."""
    if report.empty:
        raise ValueError("report is empty; expected helpers.lessons.assistant.analysis.label_report(...)")
    colors = ["#999999", "#EE7733", PERSONA_COLORS["assistant"]]
    fig = go.Figure()
    for i, column in enumerate(report.columns):
        fig.add_bar(x=list(report.index), y=report[column].to_numpy(), name=column,
                    marker_color=colors[i % len(colors)])
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 1.05])
    return style(fig, "Does the network answer a speaker it never saw?", "task",
                 "probability on the known replies (0-1)")


def mixture_figure(world: World, mixtures: Mapping[str, Sequence[float]], title: str,
                   x_title: str = "speaker", distances: Mapping[str, float] | None = None) -> go.Figure:
    """Stacked bars: each speaker's persona weights (a mixture or posterior) as segments in persona colors.

    ``distances`` (optional, per speaker) are written above the bars: how far the speaker's answers remain from
    the mixture shown (:func:`helpers.engine.evals.persona_mixture`).
    """
    if not mixtures:
        raise ValueError("mixtures is empty; expected {name: persona weights}")
    names = list(mixtures)
    weights = np.array([np.asarray(mixtures[n], dtype=float) for n in names])
    if weights.shape[1] != len(world.personas):
        raise ValueError(f"weights with {weights.shape[1]} entries; expected one per persona {list(world.personas)}")
    fig = go.Figure()
    for j, persona in enumerate(world.personas):
        fig.add_bar(x=names, y=weights[:, j], name=persona, marker_color=PERSONA_COLORS[persona],
                    text=[persona if w >= LABEL_SHARE else "" for w in weights[:, j]], textposition="inside",
                    insidetextanchor="middle", hovertemplate=f"{persona}: %{{y:.2f}}<extra>%{{x}}</extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(range=[0, 1.12 if distances else 1.0])
    for name, distance in (distances or {}).items():
        if name not in mixtures:
            raise ValueError(f"distances has {name!r}; expected names from {names}")
        fig.add_annotation(x=name, y=1.0, yanchor="bottom", showarrow=False, text=f"distance {distance:.2f}")
    return style(fig, title, x_title, "persona weight (sums to 1)")


def answers_figure(world: World, sources: Mapping[str, Mapping[str, Sequence[float]]],
                   tasks: Sequence[str] = HELD_OUT_TASKS) -> go.Figure:
    """Horizontal stacked bars: whose answers each source gives to each held-out question.

    ``sources`` maps a name (say "network", "Bayes") to {task: answer distribution over the task's candidates}.
    """
    if not sources:
        raise ValueError("sources is empty; expected {name: {task: probabilities}}")
    rows = [(f"{TASK_NAMES.get(t, t)} · {name}", speaker_shares(world, t, answers[t]))
            for t in tasks for name, answers in sources.items()]
    speakers = [p for p in world.personas] + list(SHARED_COLORS)
    fig = go.Figure()
    for speaker in speakers:
        values = [shares.get(speaker, 0.0) for _, shares in rows]
        if not any(v > 0.005 for v in values):
            continue
        fig.add_bar(y=[label for label, _ in rows], x=values, name=speaker, orientation="h",
                    marker_color=PERSONA_COLORS.get(speaker, SHARED_COLORS.get(speaker)),
                    text=[speaker if v >= LABEL_SHARE else "" for v in values], textposition="inside",
                    insidetextanchor="middle",
                    hovertemplate=f"{speaker}: %{{x:.2f}}<extra>%{{y}}</extra>")
    fig.update_layout(barmode="stack", legend=dict(traceorder="normal"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(range=[0, 1.0])
    style(fig, "Whose answers does the Assistant give?", "share of the answer (0-1)", "question · who answers",
          height=max(380, 140 + 36 * len(rows)))
    fig.update_yaxes(automargin=True)
    return fig


def _evidence_traces(world: World, state: EvidenceState) -> tuple[list, list, list, list]:
    metrics = list(EVIDENCE_METRICS)
    return (list(world.prior), list(state.posterior), [state.network[m] for m in metrics],
            [state.bayes[m] for m in metrics])


def _evidence_base(world: World, state: EvidenceState, title: str) -> go.Figure:
    prior, post, net, theory = _evidence_traces(world, state)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.12,
                        subplot_titles=("Bayes: who is the Assistant?", "held-out answers: network vs Bayes"))
    personas = list(world.personas)
    fig.add_bar(x=personas, y=prior, name="prior (corpus share)", marker=dict(color="rgba(0,0,0,0)",
                line=dict(color="#555555", width=2)), row=1, col=1)
    fig.add_bar(x=personas, y=post, name="posterior", marker_color=[PERSONA_COLORS[p] for p in personas],
                row=1, col=1)
    labels = list(EVIDENCE_METRICS.values())
    fig.add_bar(x=labels, y=net, name="network", marker_color=NETWORK_COLOR, row=1, col=2)
    fig.add_bar(x=labels, y=theory, name="Bayes", marker_color=BAYES_COLOR, row=1, col=2)
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 1.02])
    style(fig, title, "persona", "probability (0-1)", height=440)
    fig.update_xaxes(title_text="held-out metric", row=1, col=2)
    fig.update_yaxes(title_text="share of answers (0-1)", row=1, col=2)
    return fig


def evidence_figure(world: World, state: EvidenceState) -> go.Figure:
    """Two panels for one evidence combination: Bayes' posterior over characters (prior outlined), and the
    held-out metrics of the network's Assistant beside Bayes' predictive."""
    return _evidence_base(world, state, f"Evidence: {state.label}")


def update_evidence_figure(fig: go.Figure, world: World, state: EvidenceState) -> go.Figure:
    """Show another evidence combination in a figure made by :func:`evidence_figure` (in place, fast)."""
    if len(fig.data) != 4:
        raise ValueError(f"a figure with {len(fig.data)} traces; expected one made by evidence_figure (4 traces)")
    with fig.batch_update():
        for trace, values in zip(fig.data, _evidence_traces(world, state), strict=True):
            trace.y = values
        fig.layout.title.text = f"Evidence: {state.label}"
    return fig


def evidence_twin(world: World, states: Sequence[EvidenceState]) -> go.Figure:
    """The evidence panel without a kernel: a dropdown over every precomputed combination of evidence."""
    if not states:
        raise ValueError("states is empty; expected helpers.lessons.assistant.analysis.evidence_states(...)")
    fig = _evidence_base(world, states[0], f"Evidence: {states[0].label}")
    buttons = []
    for state in states:
        prior, post, net, theory = _evidence_traces(world, state)
        buttons.append(dict(label=state.label, method="update",
                            args=[{"y": [prior, post, net, theory]}, {"title.text": f"Evidence: {state.label}"}]))
    fig.update_layout(updatemenus=[dict(type="dropdown", buttons=buttons, x=0.0, y=1.18, xanchor="left",
                                        yanchor="bottom", showactive=True)],
                      title=dict(y=0.97, yanchor="top"), margin=dict(t=150), height=500)
    return fig


# ----- lesson 03 -----
def seed_spread_figure(table: pd.DataFrame, metrics: Sequence[str],
                       conditions: Sequence[str] = tuple(CONDITIONS)) -> go.Figure:
    """One panel per metric: every seed's value (dots) and the mean (a bar outline) for each condition."""
    check_columns(table, ["condition", "seed", *metrics], "table")
    unknown = [m for m in metrics if m not in METRIC_NAMES]
    if unknown:
        raise ValueError(f"metrics {unknown}; expected names from {list(METRIC_NAMES)}")
    present = [c for c in conditions if c in set(table["condition"])]
    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=[METRIC_NAMES[m] for m in metrics],
                        horizontal_spacing=0.06)
    for j, metric in enumerate(metrics, start=1):
        for condition in present:
            part = table[table["condition"] == condition]
            color = CONDITION_COLORS.get(condition, "#777777")
            fig.add_bar(x=[condition], y=[part[metric].mean()], name=condition, legendgroup=condition,
                        showlegend=j == 1, marker=dict(color="rgba(0,0,0,0)", line=dict(color=color, width=2)),
                        hovertemplate=f"{condition} mean: %{{y:.2f}}<extra></extra>", row=1, col=j)
            fig.add_scatter(x=[condition] * len(part), y=part[metric], mode="markers", name=condition,
                            legendgroup=condition, showlegend=False,
                            marker=dict(color=color, size=7, opacity=0.8,
                                        symbol=CONDITION_SYMBOLS.get(condition, "circle")),
                            text=[f"seed {s}" for s in part["seed"]],
                            hovertemplate="%{text}: %{y:.2f}<extra></extra>", row=1, col=j)
        fig.update_yaxes(range=[0, 1.02], row=1, col=j)
        fig.update_xaxes(showticklabels=False, row=1, col=j)
    style(fig, "Held-out behavior after post-training, seeds 0-9", "condition", "value (0-1)",
          height=440)
    fig.update_xaxes(title_text=None)
    for j in range(2, len(metrics) + 1):
        fig.update_yaxes(title_text=None, row=1, col=j)
    return fig


def trained_vs_held_out_figure(table: pd.DataFrame, conditions: Sequence[str] = tuple(CONDITIONS)) -> go.Figure:
    """Scatter, one dot per seed: helpfulness (a trained behavior) against helper-likeness (held-out)."""
    check_columns(table, ["condition", "seed", "helpfulness", "helper_likeness"], "table")
    fig = go.Figure()
    for condition in [c for c in conditions if c in set(table["condition"])]:
        part = table[table["condition"] == condition]
        fig.add_scatter(x=part["helpfulness"], y=part["helper_likeness"], mode="markers", name=condition,
                        marker=dict(color=CONDITION_COLORS.get(condition, "#777777"), size=10,
                                    symbol=CONDITION_SYMBOLS.get(condition, "circle")),
                        text=[f"seed {s}" for s in part["seed"]],
                        hovertemplate="%{text}: helpfulness %{x:.2f}, helper-likeness %{y:.2f}<extra></extra>")
    fig.update_xaxes(range=[0, 1.05])
    fig.update_yaxes(range=[0, 1.05])
    return style(fig, "Trained behavior vs held-out character", "helpfulness (trained on; 0-1)",
                 "helper-likeness (never trained on; 0-1)")


def _at_step(trajectory: pd.DataFrame, step: int) -> pd.Series:
    rows = trajectory[trajectory["step"] == step]
    if rows.empty:
        raise ValueError(f"step={step}; expected one of the recorded steps {list(trajectory['step'])}")
    return rows.iloc[0]


def _check_runs(runs: Mapping[str, pd.DataFrame]) -> None:
    if not runs:
        raise ValueError("runs is empty; expected {mode: trajectory DataFrame}")
    for mode, frame in runs.items():
        if mode not in PARAM_MODES:
            raise ValueError(f"mode={mode!r}; expected one of {list(PARAM_MODES)}")
        check_columns(frame, ["step", *TRAJECTORY_METRICS], f"trajectory {mode!r}")


def _trajectory_base(runs: Mapping[str, pd.DataFrame], bayes: Mapping[str, float], mode: str, step: int,
                     metrics: Sequence[str]) -> tuple[go.Figure, dict[str, dict[str, int]]]:
    """Both modes' traces (lines, a step marker, bars); only ``mode``'s are visible. Returns trace indices."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.1,
                        subplot_titles=("metrics over post-training steps", "at the chosen step, beside Bayes"))
    labels = [METRIC_NAMES[m] for m in metrics]
    index: dict[str, dict[str, int]] = {}
    line_colors = METRIC_COLORS
    for m_name, traj in runs.items():
        visible = m_name == mode
        index[m_name] = {"lines": len(fig.data)}
        for k, metric in enumerate(metrics):
            fig.add_scatter(x=traj["step"], y=traj[metric], mode="lines", name=METRIC_NAMES[metric],
                            legendgroup=metric, showlegend=visible, visible=visible,
                            line=dict(color=line_colors[k % len(line_colors)], width=2,
                                      dash=METRIC_DASHES[k % len(METRIC_DASHES)]), row=1, col=1)
        index[m_name]["marker"] = len(fig.data)
        fig.add_scatter(x=[step, step], y=[0, 1], mode="lines", name="chosen step", showlegend=visible,
                        visible=visible, line=dict(color="#000000", dash="dot"), row=1, col=1)
        index[m_name]["bars"] = len(fig.data)
        row = _at_step(traj, step)
        fig.add_bar(x=labels, y=[row[m] for m in metrics], name=f"network ({m_name})", visible=visible,
                    marker_color=CONDITION_COLORS[m_name], row=1, col=2)
    index["bayes"] = {"bars": len(fig.data)}
    fig.add_bar(x=labels, y=[bayes[m] for m in metrics], name="Bayes after the evidence", marker_color=BAYES_COLOR,
                row=1, col=2)
    fig.update_layout(barmode="group", meta={"index": index, "metrics": list(metrics)})
    fig.update_yaxes(range=[0, 1.02])
    style(fig, f"Post-training the Assistant ({mode}), step {step}", "post-training step", "value (0-1)",
          height=460)
    fig.update_xaxes(title_text="metric", row=1, col=2)
    return fig, index


def trajectory_figure(runs: Mapping[str, pd.DataFrame], bayes: Mapping[str, float], mode: str, step: int,
                      metrics: Sequence[str] = ("helpfulness", "human_likeness", "helper_likeness", "misalignment",
                                                "in_set")) -> go.Figure:
    """Metrics of one post-training mode over steps, and their values at ``step`` beside Bayes."""
    _check_runs(runs)
    if mode not in runs:
        raise ValueError(f"mode={mode!r}; expected one of {list(runs)}")
    fig, _ = _trajectory_base(runs, bayes, mode, step, metrics)
    return fig


def _visibility(index: Mapping[str, Mapping[str, int]], modes: Sequence[str], mode: str,
                n: int) -> tuple[list[bool], list[bool]]:
    """Which traces are visible, and which show in the legend, when ``mode`` is selected."""
    visible, legend = [True] * n, [False] * n
    for other in modes:
        for i in range(index[other]["lines"], index[other]["bars"] + 1):
            visible[i] = other == mode
            legend[i] = other == mode
    legend[index["bayes"]["bars"]] = True
    return visible, legend


def update_trajectory_figure(fig: go.Figure, runs: Mapping[str, pd.DataFrame], mode: str, step: int) -> go.Figure:
    """Show another mode or step in a figure made by :func:`trajectory_figure` (in place, fast)."""
    meta = fig.layout.meta
    if not isinstance(meta, dict) or "index" not in meta:
        raise ValueError("a figure without trace indices; expected one made by trajectory_figure")
    if mode not in runs:
        raise ValueError(f"mode={mode!r}; expected one of {list(runs)}")
    index, metrics = meta["index"], meta["metrics"]
    row = _at_step(runs[mode], step)
    visible, legend = _visibility(index, list(runs), mode, len(fig.data))
    with fig.batch_update():
        for trace, v, shown in zip(fig.data, visible, legend, strict=True):
            trace.visible = v
            trace.showlegend = shown
        fig.data[index[mode]["marker"]].x = [step, step]
        fig.data[index[mode]["bars"]].y = [row[m] for m in metrics]
        fig.layout.title.text = f"Post-training the Assistant ({mode}), step {step}"
    return fig


def trajectory_twin(runs: Mapping[str, pd.DataFrame], bayes: Mapping[str, float],
                    metrics: Sequence[str] = ("helpfulness", "human_likeness", "helper_likeness", "misalignment",
                                              "in_set")) -> go.Figure:
    """The trajectory panel without a kernel: buttons switch the mode, a slider moves through the steps."""
    _check_runs(runs)
    modes = list(runs)
    first = runs[modes[0]]
    steps = [int(s) for s in first["step"]]
    for mode in modes[1:]:
        if [int(s) for s in runs[mode]["step"]] != steps:
            raise ValueError("the runs recorded different steps; expected trajectories with the same snapshot steps")
    fig, index = _trajectory_base(runs, bayes, modes[0], steps[-1], metrics)
    n = len(fig.data)
    buttons = []
    for mode in modes:
        visible, legend = _visibility(index, modes, mode, n)
        buttons.append(dict(label=mode, method="update",
                            args=[{"visible": visible, "showlegend": legend},
                                  {"title.text": f"Post-training the Assistant ({mode})"}]))
    slider_steps = []
    for step in steps:
        marker_ids = [index[m]["marker"] for m in modes]
        bar_ids = [index[m]["bars"] for m in modes]
        bar_values = [[_at_step(runs[m], step)[k] for k in metrics] for m in modes]
        labels = [METRIC_NAMES[k] for k in metrics]
        update = {"x": [[step, step]] * len(modes) + [labels] * len(modes), "y": [[0, 1]] * len(modes) + bar_values}
        slider_steps.append(dict(label=str(step), method="restyle", args=[update, marker_ids + bar_ids]))
    fig.update_layout(
        title_text=f"Post-training the Assistant ({modes[0]})",
        updatemenus=[dict(type="buttons", direction="right", buttons=buttons, x=0.0, y=1.2, xanchor="left",
                          yanchor="top", showactive=True)],
        sliders=[dict(active=len(steps) - 1, steps=slider_steps, currentvalue=dict(prefix="step: "),
                      pad=dict(t=110))],
        margin=dict(t=130, b=60), height=620)
    return fig
