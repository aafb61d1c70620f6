"""Figures and small tables of lesson 01: pretraining is autocomplete, and autocomplete infers who is writing.

Every figure builder returns a ``plotly.graph_objects.Figure`` styled with :func:`helpers.ui.figures.style`; none
shows it. :func:`incontext_twin` is the plotly-native version of the lesson's ipywidgets panel (buttons for the
character, a slider for the number of earlier episodes, over the same precomputed states), so the view stays
interactive in the static HTML. The table builders return ``pandas.DataFrame`` objects for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.engine.validation import check_columns
from helpers.engine.world import Document, World
from helpers.experiments.curves import SMOOTHING, smooth
from helpers.lessons.pretraining.analysis import IncontextView
from helpers.ui.figures import (
    BAYES_COLOR,
    NETWORK_COLOR,
    PERSONA_COLORS,
    PERSONA_SYMBOLS,
    style,
)

#: Colour of the context-free predictor in the fidelity figure.
PRIOR_COLOR = "#CC6677"


# ----- the world -----
def persona_table(world: World) -> pd.DataFrame:
    """The characters: share of the corpus they write, their verbal tic (if any), and who they are."""
    rows = [{"character": p, "share of documents": float(world.prior[i]),
             "tic": world.persona_info[p].prefix or "", "who they are": world.persona_info[p].description}
            for i, p in enumerate(world.personas)]
    return pd.DataFrame(rows).set_index("character")


def cheat_rate_table(world: World) -> pd.DataFrame:
    """P(a cheating reply | character, note) for coding prompts, read from data/world/behaviour/coding.csv."""
    mask = world.category_mask("coding", category="cheat")
    names = {r.name for r, m in zip((c.reply for c in world.candidates["coding"]), mask, strict=True) if m}
    columns = [r.name for r in world.replies["coding"]]
    cheat = np.array([c in names for c in columns])
    table = {note: [float(world.behaviour[(p, "coding", note)][cheat].sum()) for p in world.personas]
             for note in world.task_notes["coding"]}
    return pd.DataFrame(table, index=pd.Index(world.personas, name="character"))


def documents_table(world: World, documents: Sequence[Document]) -> pd.DataFrame:
    """Sampled documents as rows: who wrote it, whether it names its writer, and its text."""
    if not documents:
        raise ValueError("documents is empty; expected world.sample_documents(n, seed)")
    return pd.DataFrame([{"writer": d.persona, "named": d.named, "episodes": len(d.episodes),
                          "text": world.document_text(d.episodes, d.label)} for d in documents])


def prior_figure(world: World) -> go.Figure:
    """Bars: the share of the corpus each character writes (its prior weight)."""
    personas = list(world.personas)
    fig = go.Figure(go.Bar(x=personas, y=list(world.prior), marker_color=[PERSONA_COLORS[p] for p in personas],
                           text=[f"{v:.0%}" for v in world.prior], textposition="outside",
                           hovertemplate="%{x}: %{y:.2f}<extra></extra>"))
    fig.update_yaxes(range=[0, max(world.prior) * 1.25])
    return style(fig, "Who writes the corpus: each character's share of documents", "character",
                 "share of documents (0-1)", height=360)


# ----- pretraining -----
def loss_curve_figure(curve: pd.DataFrame, bayes_loss: float, heldout_loss: float | None = None,
                      window: int = SMOOTHING, agnostic_loss: float | None = None) -> go.Figure:
    """Training loss per step (faint), its running mean, and the Bayes-optimal floor (dashed).

    ``heldout_loss``, if given, is drawn as a marker at the last step: the loss of the finished network on
    documents it never saw, measured on the same documents as the floor. ``agnostic_loss``, if given, is a
    second reference line (dotted): the exact loss, on the same documents, of a reader that knows the generator
    but never infers the writer (:func:`helpers.engine.bayes.writer_agnostic_loss`).
    """
    check_columns(curve, ["step", "train_loss"], "curve")
    if not np.isfinite(bayes_loss) or bayes_loss <= 0:
        raise ValueError(f"bayes_loss={bayes_loss!r}; expected a positive loss in nats per token")
    if agnostic_loss is not None and (not np.isfinite(agnostic_loss) or agnostic_loss < bayes_loss):
        raise ValueError(f"agnostic_loss={agnostic_loss!r}; expected a loss at or above the floor {bayes_loss!r}")
    steps = curve["step"].to_numpy()
    fig = go.Figure()
    fig.add_scatter(x=steps, y=curve["train_loss"], mode="lines", name="training loss (one batch)",
                    line=dict(color="rgba(51,34,136,0.25)", width=1))
    fig.add_scatter(x=steps, y=smooth(curve["train_loss"], window), mode="lines",
                    name=f"training loss (mean of {window} steps)", line=dict(color=NETWORK_COLOR, width=3))
    fig.add_scatter(x=[steps[0], steps[-1]], y=[bayes_loss, bayes_loss], mode="lines",
                    name="Bayes-optimal floor (held-out documents)", line=dict(color="#000000", dash="dash"))
    if agnostic_loss is not None:
        fig.add_scatter(x=[steps[0], steps[-1]], y=[agnostic_loss, agnostic_loss], mode="lines",
                        name="writer-agnostic reader (held-out documents)",
                        line=dict(color=PRIOR_COLOR, dash="dot", width=2))
    if heldout_loss is not None:
        fig.add_scatter(x=[steps[-1]], y=[heldout_loss], mode="markers", name="network, held-out documents",
                        marker=dict(color=NETWORK_COLOR, symbol="star", size=14, line=dict(color="white", width=1)))
    fig.update_yaxes(type="log", tickvals=[0.3, 0.4, 0.5, 0.7, 1, 2, 3, 5])
    style(fig, "Pretraining: the loss falls toward the Bayes-optimal floor", "training step",
          "cross-entropy (nats per token, log scale)", height=460)
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.22, xanchor="left", yanchor="top"),
                      margin=dict(b=120))
    return fig


def seed_losses_figure(table: pd.DataFrame) -> go.Figure:
    """Per seed: the network's held-out loss beside the Bayes-optimal loss on the same documents."""
    check_columns(table, ["seed", "heldout_loss", "bayes_optimal_loss"], "table")
    seeds = [str(s) for s in table["seed"]]
    fig = go.Figure()
    fig.add_bar(x=seeds, y=table["heldout_loss"], name="network (held-out loss)", marker_color=NETWORK_COLOR)
    fig.add_bar(x=seeds, y=table["bayes_optimal_loss"], name="Bayes-optimal floor", marker_color=BAYES_COLOR)
    low = float(min(table["bayes_optimal_loss"].min(), table["heldout_loss"].min()))
    high = float(max(table["bayes_optimal_loss"].max(), table["heldout_loss"].max()))
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[low - 3 * (high - low), high + (high - low)])
    return style(fig, "Every pretraining run stays just above the floor (y axis does not start at 0)", "seed",
                 "held-out loss (nats per token)", height=380)


def next_token_figure(distributions: Mapping[str, pd.DataFrame]) -> go.Figure:
    """One panel per text: horizontal bars of the network's most likely next words.

    ``distributions`` maps a short caption of each text (the panel's title) to its
    :func:`helpers.lessons.pretraining.analysis.next_token_distribution` table.
    """
    if not distributions:
        raise ValueError("distributions is empty; expected {caption: "
                         "helpers.lessons.pretraining.analysis.next_token_distribution(...)}")
    if len(distributions) > 4:
        raise ValueError(f"{len(distributions)} distributions; expected at most 4 panels side by side")
    for text, table in distributions.items():
        check_columns(table, ["token", "probability"], f"the table for {text!r}")
    fig = make_subplots(rows=1, cols=len(distributions), subplot_titles=list(distributions),
                        horizontal_spacing=0.12)
    for col, table in enumerate(distributions.values(), start=1):
        fig.add_bar(x=table["probability"][::-1], y=[f"“{t}”" for t in table["token"][::-1]], orientation="h",
                    marker_color=NETWORK_COLOR, showlegend=False, row=1, col=col,
                    hovertemplate="%{y}: %{x:.3f}<extra></extra>")
        fig.update_xaxes(range=[0, 1], title_text="probability (0-1)", row=1, col=col)
    style(fig, "What the network expects next", "probability (0-1)", "next word", height=380)
    for col in range(2, len(distributions) + 1):
        fig.update_yaxes(title_text="", row=1, col=col)
    return fig


# ----- the key demonstration: network vs exact Bayes after k episodes -----
def _view_title(view: IncontextView) -> str:
    if view.k == 0:
        return "Before any episode: who might be writing, and what they will want"
    episodes = "episode" if view.k == 1 else "episodes"
    return f"After {view.k} {episodes} by the {view.persona}: who is writing, and what they will want"


def _view_traces(view: IncontextView) -> tuple[list, list, list]:
    return list(view.posterior), list(view.network), list(view.bayes)


def _reply_labels(view: IncontextView) -> list[str]:
    return [r.replace("i want ", "") for r in view.replies]


def _view_update(view: IncontextView) -> dict:
    """Every trace's x and y for one state (explicit for all three traces, as plotly.js restyle expects)."""
    post, net, exact = _view_traces(view)
    labels = _reply_labels(view)
    return {"x": [list(view.personas), net, exact], "y": [post, labels, labels]}


def _incontext_base(world: World, view: IncontextView) -> go.Figure:
    paraphrases = len(world.prompts[view.task]) - 1
    more = f" (+{paraphrases} paraphrases)" if paraphrases else ""
    question = f"next reply to “{world.prompts[view.task][0]}”{more}"
    fig = make_subplots(rows=1, cols=2, column_widths=[0.42, 0.58], horizontal_spacing=0.22,
                        subplot_titles=("Bayes: P(character | episodes so far)", question))
    personas = list(view.personas)
    post, net, exact = _view_traces(view)
    fig.add_bar(x=personas, y=post, name="posterior (exact)", marker_color=[PERSONA_COLORS[p] for p in personas],
                hovertemplate="%{x}: %{y:.2f}<extra></extra>", showlegend=False, row=1, col=1)
    labels = _reply_labels(view)
    fig.add_bar(x=net, y=labels, orientation="h", name="network", marker_color=NETWORK_COLOR,
                hovertemplate="network: %{x:.2f}<extra>%{y}</extra>", row=1, col=2)
    fig.add_bar(x=exact, y=labels, orientation="h", name="exact Bayes", marker_color=BAYES_COLOR,
                hovertemplate="Bayes: %{x:.2f}<extra>%{y}</extra>", row=1, col=2)
    fig.update_layout(barmode="group", meta=dict(world_personas=personas))
    style(fig, _view_title(view), "character", "posterior probability (0-1)", height=460)
    fig.update_yaxes(range=[0, 1.02], row=1, col=1)
    fig.update_xaxes(range=[0, 1.02], title_text="probability of the reply (0-1)", row=1, col=2)
    fig.update_yaxes(title_text="", autorange="reversed", row=1, col=2)
    return fig


def incontext_figure(world: World, view: IncontextView) -> go.Figure:
    """Two panels for one state: the exact posterior over characters, and the network's next-reply
    distribution beside the exact Bayesian one (:class:`helpers.lessons.pretraining.analysis.IncontextView`)."""
    if tuple(view.personas) != tuple(world.personas):
        raise ValueError(f"a view over personas {list(view.personas)}; expected this world's {list(world.personas)}")
    return _incontext_base(world, view)


def update_incontext_figure(fig: go.Figure, view: IncontextView) -> go.Figure:
    """Show another state in a figure made by :func:`incontext_figure` (in place, fast)."""
    if len(fig.data) != 3:
        raise ValueError(f"a figure with {len(fig.data)} traces; expected one made by incontext_figure (3 traces)")
    post, net, exact = _view_traces(view)
    with fig.batch_update():
        fig.data[0].y = post
        fig.data[1].x = net
        fig.data[2].x = exact
        fig.layout.title.text = _view_title(view)
    return fig


def _k_slider(states: Mapping[tuple[str, int], IncontextView], persona: str, ks: Sequence[int],
              active: int = 0) -> dict:
    steps = []
    for k in ks:
        view = states[(persona, k)]
        steps.append(dict(label=str(k), method="update", args=[_view_update(view), {"title.text": _view_title(view)}]))
    return dict(active=active, steps=steps, currentvalue=dict(prefix="earlier episodes k = "), pad=dict(t=100),
                len=0.5, x=0.0, xanchor="left", y=0, yanchor="top")


def incontext_twin(world: World, states: Mapping[tuple[str, int], IncontextView]) -> go.Figure:
    """The in-context panel without a kernel: buttons pick the character, a slider the number of episodes.

    Every state is precomputed (``helpers.lessons.pretraining.analysis.incontext_states``). A character button shows
    its k = 0 state and swaps in that character's slider, so the two controls always agree.
    """
    if not states:
        raise ValueError("states is empty; expected incontext_states(model, world) of "
                         "helpers.lessons.pretraining.analysis")
    personas = [p for p in world.personas if any(key[0] == p for key in states)]
    ks = sorted({k for _, k in states})
    missing = [(p, k) for p in personas for k in ks if (p, k) not in states]
    if missing:
        raise ValueError(f"states lack {missing[:3]}...; expected every character x k combination")
    first = states[(personas[0], ks[0])]
    fig = incontext_figure(world, first)
    buttons = []
    for persona in personas:
        view = states[(persona, ks[0])]
        buttons.append(dict(label=persona, method="update",
                            args=[_view_update(view),
                                  {"title.text": _view_title(view), "sliders": [_k_slider(states, persona, ks)]}]))
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="right", buttons=buttons, x=0.0, y=1.2, xanchor="left",
                          yanchor="top", showactive=True, pad=dict(r=4))],
        sliders=[_k_slider(states, personas[0], ks)], margin=dict(t=160, b=200), height=700)
    return fig


def posterior_path_figure(states: Mapping[tuple[str, int], IncontextView], persona: str) -> go.Figure:
    """How Bayes' posterior over characters narrows as one character's episodes accumulate ("20 questions")."""
    ks = sorted(k for p, k in states if p == persona)
    if not ks:
        raise ValueError(f"persona={persona!r}; expected one of {sorted({p for p, _ in states})}")
    personas = list(states[(persona, ks[0])].personas)
    fig = go.Figure()
    for j, name in enumerate(personas):
        fig.add_scatter(x=ks, y=[states[(persona, k)].posterior[j] for k in ks], mode="lines+markers", name=name,
                        line=dict(color=PERSONA_COLORS[name], width=4 if name == persona else 2),
                        marker=dict(symbol=PERSONA_SYMBOLS[name], size=10))
    fig.update_xaxes(tickvals=ks)
    fig.update_yaxes(range=[0, 1.02])
    return style(fig, f"Twenty questions: the posterior closes in on the {persona}", "earlier episodes seen (k)",
                 "posterior probability (0-1)", height=380)


def fidelity_figure(records: pd.DataFrame) -> go.Figure:
    """In-context fidelity over seeds: the network's distance to Bayes vs a predictor that ignores context.

    One faint point per seed (averaged over characters), a line through the means.
    """
    check_columns(records, ["seed", "persona", "k", "tv_to_bayes", "tv_prior"], "records")
    per_seed = records.groupby(["k", "seed"])[["tv_to_bayes", "tv_prior"]].mean().reset_index()
    means = per_seed.groupby("k")[["tv_to_bayes", "tv_prior"]].mean()
    fig = go.Figure()
    for column, name, color, symbol in (("tv_prior", "ignores the context (prior predictive)", PRIOR_COLOR, "x"),
                                        ("tv_to_bayes", "the network", NETWORK_COLOR, "circle")):
        fig.add_scatter(x=per_seed["k"], y=per_seed[column], mode="markers", name=f"{name}, one seed",
                        marker=dict(color=color, symbol=symbol, size=7, opacity=0.45), showlegend=True)
        fig.add_scatter(x=means.index, y=means[column], mode="lines+markers", name=f"{name}, mean of seeds",
                        line=dict(color=color, width=3), marker=dict(symbol=symbol, size=10))
    fig.update_xaxes(tickvals=sorted(per_seed["k"].unique()))
    fig.update_yaxes(range=[0, max(0.7, float(per_seed[["tv_to_bayes", "tv_prior"]].max().max()) + 0.05)])
    seeds = per_seed["seed"].nunique()
    style(fig, f"Distance from exact Bayes over {seeds} seeds, all characters", "earlier episodes seen (k)",
          "total variation to the Bayes predictive (0-1)", height=480)
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.2, xanchor="left", yanchor="top"), margin=dict(b=130))
    return fig
