"""Lesson 06's trajectory panel: the Assistant's point on the persona map at every step of each fine-tune, and
its plotly twin (a slider over the steps) for the static HTML."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.engine.validation import check_columns
from helpers.lessons.persona_space.figures import STAGE_NAMES, add_characters, pc_title
from helpers.ui.figures import style


# ----- the trajectory panel and its twin -----
def _check_runs(runs: Mapping[str, pd.DataFrame]) -> None:
    if not runs:
        raise ValueError("runs is empty; expected {stage name: trajectory DataFrame}")
    for name, frame in runs.items():
        check_columns(frame, ["step", "pc1", "pc2", "misalignment", "cheat_rate"], f"trajectory {name!r}")
        if frame.empty:
            raise ValueError(f"trajectory {name!r} is empty; expected at least the step-0 snapshot")


def _at(frame: pd.DataFrame, step: int) -> pd.Series:
    """The snapshot at ``step``, or the last one before it (a run that stopped keeps its final state)."""
    rows = frame[frame["step"] <= step]
    return (rows if not rows.empty else frame).iloc[-1]


def _trajectory_base(coords: pd.DataFrame, runs: Mapping[str, pd.DataFrame], run: str, step: int,
                     explained: Sequence[float] | None) -> tuple[go.Figure, dict[str, dict[str, int]]]:
    fig = make_subplots(rows=1, cols=2, column_widths=[0.58, 0.42], horizontal_spacing=0.1,
                        subplot_titles=("the Assistant on the map", "behavior over fine-tuning steps"))
    add_characters(fig, coords, "PC1", "PC2", row=1, col=1)
    index: dict[str, dict[str, int]] = {}
    for name, frame in runs.items():
        visible = name == run
        now = _at(frame, step)
        label = STAGE_NAMES.get(name, name)
        index[name] = {"path": len(fig.data)}
        fig.add_scatter(x=frame["pc1"], y=frame["pc2"], mode="lines", name=f"path ({label})", visible=visible,
                        showlegend=False, line=dict(color="#777777", width=1.5, dash="dot"), hoverinfo="skip",
                        row=1, col=1)
        index[name]["star"] = len(fig.data)
        fig.add_scatter(x=[now["pc1"]], y=[now["pc2"]], mode="markers", name="the Assistant", visible=visible,
                        showlegend=visible, marker=dict(color="#000000", symbol="star", size=20),
                        hovertemplate="the Assistant<br>PC1=%{x:.2f}<br>PC2=%{y:.2f}<extra></extra>", row=1, col=1)
        index[name]["lines"] = len(fig.data)
        fig.add_scatter(x=frame["step"], y=frame["misalignment"], mode="lines", name="misalignment", visible=visible,
                        showlegend=visible, legendgroup="misalignment", line=dict(color="#D55E00", width=2.5),
                        row=1, col=2)
        fig.add_scatter(x=frame["step"], y=frame["cheat_rate"], mode="lines", name="cheat rate (no note)",
                        visible=visible, showlegend=visible, legendgroup="cheat",
                        line=dict(color="#E69F00", width=2.5, dash="dash"), row=1, col=2)
        if "cheat_rate_please-hack" in frame:
            fig.add_scatter(x=frame["step"], y=frame["cheat_rate_please-hack"], mode="lines",
                            name="cheat rate under please-hack", visible=visible, showlegend=visible,
                            legendgroup="cheat-note", line=dict(color="#56B4E9", width=2.5, dash="dot"), row=1, col=2)
        index[name]["marker"] = len(fig.data)
        fig.add_scatter(x=[step, step], y=[0, 1], mode="lines", name="this step", visible=visible, showlegend=False,
                        line=dict(color="#000000", dash="dashdot", width=1), hoverinfo="skip", row=1, col=2)
    fig.update_layout(meta={"index": index})
    style(fig, _trajectory_title(run, step), pc_title(0, explained), pc_title(1, explained), height=520)
    fig.update_xaxes(title_text="fine-tuning step", row=1, col=2)
    fig.update_yaxes(title_text="share of answers (0-1)", range=[0, 1.02], row=1, col=2)
    return fig, index


def _trajectory_title(run: str, step: int | None = None) -> str:
    label = STAGE_NAMES.get(run, run)
    return f"Fine-tuning the Assistant: {label}" + ("" if step is None else f", step {step}")


def trajectory_figure(coords: pd.DataFrame, runs: Mapping[str, pd.DataFrame], run: str, step: int,
                      explained: Sequence[float] | None = None) -> go.Figure:
    """The Assistant's point at ``step`` of fine-tune ``run`` (its whole path dotted), and its behavior over steps."""
    _check_runs(runs)
    if run not in runs:
        raise ValueError(f"run={run!r}; expected one of {list(runs)}")
    return _trajectory_base(coords, runs, run, step, explained)[0]


def _visibility(index: Mapping[str, Mapping[str, int]], n: int, run: str) -> tuple[list[bool], list[bool]]:
    visible, legend = [True] * n, [True] * n
    for name, ids in index.items():
        for i in range(ids["path"], ids["marker"] + 1):
            visible[i] = name == run
            legend[i] = name == run and i not in (ids["path"], ids["marker"])
    return visible, legend


def update_trajectory_figure(fig: go.Figure, runs: Mapping[str, pd.DataFrame], run: str, step: int) -> go.Figure:
    """Show another run or step in a figure made by :func:`trajectory_figure` (in place, fast)."""
    meta = fig.layout.meta
    if not isinstance(meta, dict) or "index" not in meta:
        raise ValueError("a figure without trace indices; expected one made by trajectory_figure")
    if run not in runs:
        raise ValueError(f"run={run!r}; expected one of {list(runs)}")
    index = meta["index"]
    now = _at(runs[run], step)
    visible, legend = _visibility(index, len(fig.data), run)
    with fig.batch_update():
        for trace, v, shown in zip(fig.data, visible, legend, strict=True):
            trace.visible = v
            trace.showlegend = shown
        fig.data[index[run]["star"]].x = [now["pc1"]]
        fig.data[index[run]["star"]].y = [now["pc2"]]
        fig.data[index[run]["marker"]].x = [step, step]
        fig.layout.title.text = _trajectory_title(run, step)
    return fig


def trajectory_twin(coords: pd.DataFrame, runs: Mapping[str, pd.DataFrame],
                    explained: Sequence[float] | None = None, every: int = 2) -> go.Figure:
    """The panel without a kernel: buttons pick the run (recipe and note), a slider moves through the steps
    (every ``every`` steps; a run that stopped stays where it stopped)."""
    _check_runs(runs)
    names = list(runs)
    last = int(max(frame["step"].max() for frame in runs.values()))
    steps = list(range(0, last + 1, every)) + ([last] if last % every else [])
    fig, index = _trajectory_base(coords, runs, names[0], steps[-1], explained)
    n = len(fig.data)
    buttons = []
    for name in names:
        visible, legend = _visibility(index, n, name)
        buttons.append(dict(label=STAGE_NAMES.get(name, name), method="update",
                            args=[{"visible": visible, "showlegend": legend}, {"title.text": _trajectory_title(name)}]))
    slider_steps = []
    ids = [index[name]["star"] for name in names] + [index[name]["marker"] for name in names]
    for step in steps:
        stars = [_at(runs[name], step) for name in names]
        update = {"x": [[s["pc1"]] for s in stars] + [[step, step]] * len(names),
                  "y": [[s["pc2"]] for s in stars] + [[0, 1]] * len(names)}
        slider_steps.append(dict(label=str(step), method="restyle", args=[update, ids]))
    fig.update_layout(
        title_text=_trajectory_title(names[0]),
        updatemenus=[dict(type="buttons", direction="right", buttons=buttons, x=0.0, y=1.22, xanchor="left",
                          yanchor="top", showactive=True)],
        sliders=[dict(active=len(steps) - 1, steps=slider_steps, currentvalue=dict(prefix="step: "),
                      pad=dict(t=110))],
        margin=dict(t=140, b=60), height=640)
    return fig
