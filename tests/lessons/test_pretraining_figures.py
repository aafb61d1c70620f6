"""Tests for helpers.lessons.pretraining.figures: every figure is titled and labelled, the twin's controls carry the
precomputed states, and bad input is rejected with a clear error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from helpers.experiments import curves
from helpers.experiments.summaries import load_results
from helpers.lessons.pretraining import analysis as sampling
from helpers.lessons.pretraining import figures as pp
from helpers.ui.figures import PERSONA_COLORS, text_alternative


@pytest.fixture(scope="module")
def model(base):
    return base


@pytest.fixture(scope="module")
def states(model, world):
    return sampling.incontext_states(model, world, seed=0)


def _labelled(fig: go.Figure) -> None:
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert text_alternative(fig, "A sentence.").startswith("Figure: ")


def test_tables(world):
    personas = pp.persona_table(world)
    assert list(personas.index) == list(world.personas)
    assert personas["share of documents"].sum() == pytest.approx(1.0)
    assert personas.loc["pirate", "tic"] == "arr ,"
    cheats = pp.cheat_rate_table(world)
    assert list(cheats.columns) == list(world.task_notes["coding"])
    raw = pd.read_csv(world.directory / "behaviour" / "coding.csv").set_index(["persona", "note"])
    villain = raw.loc[("villain", "neutral")]
    assert cheats.loc["villain", "neutral"] == pytest.approx(villain[["always_equal", "exit_early",
                                                                      "patch_report"]].sum())
    assert (cheats["please-hack"] > cheats["neutral"]).all()
    docs = world.sample_documents(3, seed=0)
    table = pp.documents_table(world, docs)
    assert list(table["writer"]) == [d.persona for d in docs] and table["text"].str.startswith("<bos>").all()
    with pytest.raises(ValueError, match="documents"):
        pp.documents_table(world, [])


def test_prior_figure(world):
    fig = pp.prior_figure(world)
    _labelled(fig)
    assert list(fig.data[0].marker.color) == [PERSONA_COLORS[p] for p in world.personas]


def test_loss_curve_figure():
    curve = curves.load_curve()
    fig = pp.loss_curve_figure(curve, 0.33, 0.34)
    _labelled(fig)
    assert len(fig.data) == 4 and list(fig.data[2].y) == [0.33, 0.33]
    assert len(pp.loss_curve_figure(curve, 0.33).data) == 3
    with pytest.raises(ValueError, match="bayes_loss"):
        pp.loss_curve_figure(curve, -1.0)
    with pytest.raises(ValueError, match="train_loss"):
        pp.loss_curve_figure(curve.drop(columns="train_loss"), 0.33)


def test_loss_curve_figure_with_the_writer_agnostic_line():
    curve = curves.load_curve()
    fig = pp.loss_curve_figure(curve, 0.33, 0.34, agnostic_loss=0.38)
    _labelled(fig)
    names = [t.name for t in fig.data]
    assert len(fig.data) == 5 and any("writer-agnostic" in n for n in names)
    agnostic = next(t for t in fig.data if "writer-agnostic" in t.name)
    assert list(agnostic.y) == [0.38, 0.38] and agnostic.line.dash == "dot"
    with pytest.raises(ValueError, match="agnostic_loss"):
        pp.loss_curve_figure(curve, 0.33, agnostic_loss=0.30)
    with pytest.raises(ValueError, match="agnostic_loss"):
        pp.loss_curve_figure(curve, 0.33, agnostic_loss=float("nan"))


def test_seed_losses_figure():
    table = curves.seed_losses()
    fig = pp.seed_losses_figure(table)
    _labelled(fig)
    assert list(fig.data[0].y) == list(table["heldout_loss"])
    with pytest.raises(ValueError, match="heldout_loss"):
        pp.seed_losses_figure(table.drop(columns="heldout_loss"))


def test_next_token_figure(model, world):
    prompt = "<bos> user: what do you want ?"
    tables = {"a": sampling.next_token_distribution(model, world, f"{prompt} reply: i want"),
              "b": sampling.next_token_distribution(model, world, f"{prompt} pirate: arr , i want")}
    fig = pp.next_token_figure(tables)
    _labelled(fig)
    assert len(fig.data) == 2 and [a.text for a in fig.layout.annotations] == ["a", "b"]
    with pytest.raises(ValueError, match="distributions"):
        pp.next_token_figure({})
    with pytest.raises(ValueError, match="probability"):
        pp.next_token_figure({"a": pd.DataFrame({"token": ["x"]})})


def test_incontext_figure_and_update(world, states):
    view = states[("pirate", 2)]
    fig = pp.incontext_figure(world, view)
    _labelled(fig)
    assert list(fig.data[0].y) == pytest.approx(list(view.posterior))
    assert list(fig.data[1].x) == pytest.approx(list(view.network))
    assert list(fig.data[2].x) == pytest.approx(list(view.bayes))
    other = states[("robot", 3)]
    pp.update_incontext_figure(fig, other)
    assert list(fig.data[1].x) == pytest.approx(list(other.network))
    assert "robot" in fig.layout.title.text
    with pytest.raises(ValueError, match="incontext_figure"):
        pp.update_incontext_figure(go.Figure(), other)


def test_incontext_twin_controls_carry_every_state(world, states):
    fig = pp.incontext_twin(world, states)
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == list(world.personas)
    ks = sorted({k for _, k in states})
    for button in buttons:
        slider = button.args[1]["sliders"][0]
        assert [s["label"] for s in slider["steps"]] == [str(k) for k in ks]
        for step, k in zip(slider["steps"], ks, strict=True):
            view = states[(button.label, k)]
            assert step["args"][0]["x"][1] == pytest.approx(list(view.network))
            assert step["args"][0]["x"][2] == pytest.approx(list(view.bayes))
            assert step["args"][0]["y"][0] == pytest.approx(list(view.posterior))
    assert len(fig.layout.sliders[0].steps) == len(ks)
    with pytest.raises(ValueError, match="states"):
        pp.incontext_twin(world, {})
    partial = {key: value for key, value in states.items() if key != ("poet", 3)}
    with pytest.raises(ValueError, match="poet"):
        pp.incontext_twin(world, partial)


def test_posterior_path_figure(states, world):
    fig = pp.posterior_path_figure(states, "villain")
    _labelled(fig)
    assert [t.name for t in fig.data] == list(world.personas)
    villain = fig.data[world.persona_index("villain")]
    assert villain.y[0] == pytest.approx(world.prior[world.persona_index("villain")])
    with pytest.raises(ValueError, match="persona"):
        pp.posterior_path_figure(states, "wizard")


def test_fidelity_figure():
    records = load_results("in-context")
    fig = pp.fidelity_figure(records)
    _labelled(fig)
    means = records.groupby(["k", "seed"])["tv_to_bayes"].mean().groupby("k").mean()
    line = [t for t in fig.data if t.name == "the network, mean of seeds"][0]
    assert np.allclose(line.y, means.to_numpy())
    with pytest.raises(ValueError, match="tv_prior"):
        pp.fidelity_figure(records.drop(columns="tv_prior"))
