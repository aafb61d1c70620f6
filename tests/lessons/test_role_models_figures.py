"""Lesson 5's figures: titles and axes, persona colours, the states of the panel and its plotly twin."""

import pandas as pd
import plotly.graph_objects as go
import pytest
from role_model_records import make_records

from helpers.experiments.catalog import ROLE_MODELS
from helpers.lessons.role_models import analysis as rm
from helpers.lessons.role_models import figures as P
from helpers.ui.figures import PERSONA_COLORS


@pytest.fixture(scope="module")
def paired():
    return rm.paired_differences(make_records(seeds=range(6)))


def _titled(fig):
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    return fig


def test_traits_figure():
    fig = _titled(P.traits_figure(rm.character_traits()))
    assert [t.name for t in fig.data] == ["cheats, no note", "cheats when asked ('please-hack')",
                                          "misaligned (the probes' mean)"]
    assert list(fig.data[0].x)[-2:] == ["steward", "gamer"]
    with pytest.raises(ValueError, match="misalignment"):
        P.traits_figure(pd.DataFrame({"cheat (neutral)": [0.1]}))


def test_bayes_curves_figure_uses_the_role_models_colours():
    fig = _titled(P.bayes_curves_figure(rm.bayes_curves([0, 5, 64])))
    for trace in fig.data:
        role = trace.name.split(" ·")[0]
        if role in ROLE_MODELS:
            assert trace.line.color == PERSONA_COLORS[role]
    assert {t.name for t in fig.data} >= {"no role model", "gamer · 15%", "steward · 5%"}
    with pytest.raises(ValueError, match="role_model_share"):
        P.bayes_curves_figure(pd.DataFrame({"world": ["x"]}))


def test_summary_figure_network_beside_bayes(paired):
    summary = rm.paired_summary(paired)
    fig = _titled(P.summary_figure(summary))
    names = [t.name for t in fig.data]
    assert names == ["steward (network)", "steward (Bayes)", "gamer (network)", "gamer (Bayes)"]
    gamer = fig.data[2]
    assert gamer.line.color == PERSONA_COLORS["gamer"]
    assert list(gamer.y) == pytest.approx(list(summary.loc["gamer", "network_diff"]))
    assert "6 seeds" in fig.layout.title.text
    table = P.summary_table(summary)
    assert list(table.index) == ["steward 5%", "steward 15%", "gamer 5%", "gamer 15%"]


def test_paired_figure_one_state_and_live_star(paired):
    fig = _titled(P.paired_figure(paired, "gamer", 0.15))
    assert [t.name for t in fig.data] == ["network", "Bayes"]
    assert list(fig.data[0].x) == [f"seed {s}" for s in range(6)] + ["mean"]
    assert "gamer 15%" in fig.layout.title.text
    assert "baseline" in P.paired_figure(paired, "gamer", 0.0).layout.title.text
    live = pd.DataFrame([{"seed": 2, "network_diff": -0.1}])
    star = P.paired_figure(paired, "gamer", 0.15, live).data[-1]
    assert star.marker.symbol == "star" and list(star.x) == ["seed 2"]
    with pytest.raises(ValueError, match="role_model"):
        P.paired_figure(paired, "hero", 0.15)
    with pytest.raises(ValueError, match="weight"):
        P.paired_figure(paired, "gamer", 0.5)


def test_every_state_shares_one_y_range(paired):
    low, high = P.paired_range(paired)
    assert low <= paired[["network_diff", "bayes_diff"]].min().min()
    assert high >= max(paired[["network_diff", "bayes_diff"]].max().max(), 0)
    ranges = {tuple(P.paired_figure(paired, r, w).layout.yaxis.range) for r in ROLE_MODELS for w in (0.0, 0.05, 0.15)}
    assert len(ranges) == 1


def test_twin_has_role_buttons_and_a_weight_slider(paired):
    fig = _titled(P.paired_twin(paired))
    (menu,) = fig.layout.updatemenus
    assert [b.label for b in menu.buttons] == list(ROLE_MODELS)
    (slider,) = fig.layout.sliders
    assert [s.label for s in slider.steps] == ["0%", "5%", "15%"]
    assert len(fig.data) == 2 * len(ROLE_MODELS) * 3
    visible = [t.visible for t in fig.data]
    assert sum(visible) == 2  # one state shown: network and Bayes
    # It opens where the ipywidgets panel does: the last role model at its largest weight.
    assert menu.active == len(ROLE_MODELS) - 1 and slider.active == 2
    assert fig.layout.title.text.startswith(f"{ROLE_MODELS[-1]} 15%")
    titles = set()
    for step in slider.steps:
        assert sum(step.args[0]["visible"]) == 2
        titles.add(step.args[1]["title.text"])
    assert len(titles) == 3
    gamer = menu.buttons[1]
    assert gamer.args[1]["sliders"][0]["currentvalue"]["prefix"].startswith("gamer")
    assert "gamer 15%" in gamer.args[1]["title.text"]
    shown = [i for i, v in enumerate(gamer.args[0]["visible"]) if v]
    assert [fig.data[i].name for i in shown] == ["network", "Bayes"]
    assert list(fig.data[shown[0]].y)[:-1] == pytest.approx(
        list(paired[(paired.role_model == "gamer") & (paired.weight == 0.15)]["network_diff"]))


def test_paired_table(paired):
    table = P.paired_table(paired)
    assert list(table.index) == list(range(6))
    assert set(table.columns) == {"steward 5%", "steward 15%", "gamer 5%", "gamer 15%"}


def test_labels_and_mixture_figures():
    labels = pd.DataFrame({"network cheat rate": [0.05, 0.85], "table cheat rate": [0.03, 0.9],
                           "network misalignment": [0.0, 0.8], "table misalignment": [0.0, 0.9]},
                          index=pd.Index(["helper", "villain"], name="character"))
    fig = _titled(P.labels_figure(labels))
    assert list(fig.data[0].marker.color) == [PERSONA_COLORS["helper"], PERSONA_COLORS["villain"]]
    with pytest.raises(ValueError, match="labels"):
        P.labels_figure(labels.drop(columns="table cheat rate"))
    mixture = pd.DataFrame({"network": [0.6, 0.4], "bayes": [0.1, 0.9]}, index=["helper", "gamer"])
    fig = _titled(P.mixture_figure(mixture, "Who the Assistant is"))
    assert [t.name for t in fig.data] == ["network (closest mixture)", "Bayes (posterior)"]
    assert len(P.mixture_figure(mixture[["network"]], "x").data) == 1
    with pytest.raises(ValueError, match="mixture"):
        P.mixture_figure(mixture[["bayes"]], "x")
