"""Figures of lessons 02-03: titles, labelled axes, persona colours, twins that switch states, clear errors."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from helpers.engine import bayes
from helpers.lessons.assistant import analysis as assistant
from helpers.lessons.assistant import figures as aplots
from helpers.lessons.assistant import post_training
from helpers.lessons.assistant.widgets import stand_in_runs, stand_in_states
from helpers.ui.figures import PERSONA_COLORS


@pytest.fixture(scope="module")
def states(world):
    return stand_in_states(world)


@pytest.fixture(scope="module")
def runs(world):
    frames, bayes_metrics = stand_in_runs(world)
    rising = frames["embedding"].copy()
    rising["helpfulness"] = np.linspace(0.3, 0.95, len(rising))
    return {"embedding": rising, "all": frames["all"]}, bayes_metrics


def assert_labelled(fig: go.Figure) -> None:
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_in_set_figure(world):
    report = pd.DataFrame({"reply:": [0.9, 0.8], "assistant: (pretrained row)": [0.0, 0.1]}, index=["help",
                                                                                                    "all tasks"])
    fig = aplots.in_set_figure(report)
    assert_labelled(fig)
    assert [t.name for t in fig.data] == list(report.columns)
    with pytest.raises(ValueError, match="report is empty"):
        aplots.in_set_figure(pd.DataFrame())


def test_mixture_figure_stacks_persona_colours(world):
    fig = aplots.mixture_figure(world, {"prior": world.prior, "helper": np.eye(len(world.personas))[0]}, "t")
    assert_labelled(fig)
    assert [t.name for t in fig.data] == list(world.personas)
    assert all(t.marker.color == PERSONA_COLORS[t.name] for t in fig.data)
    assert fig.layout.barmode == "stack"
    with pytest.raises(ValueError, match="one per persona"):
        aplots.mixture_figure(world, {"bad": [1.0]}, "t")
    with pytest.raises(ValueError, match="mixtures is empty"):
        aplots.mixture_figure(world, {}, "t")
    labelled = aplots.mixture_figure(world, {"a": world.prior}, "t", distances={"a": 0.25})
    assert [a.text for a in labelled.layout.annotations] == ["distance 0.25"]
    with pytest.raises(ValueError, match="distances has"):
        aplots.mixture_figure(world, {"a": world.prior}, "t", distances={"b": 0.1})


def test_answers_figure_rows_sum_to_one(world):
    answers = {t: bayes.predictive(world, world.prior, t) for t in assistant.HELD_OUT_TASKS}
    fig = aplots.answers_figure(world, {"Bayes": answers})
    assert_labelled(fig)
    totals = np.sum([np.asarray(t.x, dtype=float) for t in fig.data], axis=0)
    assert np.allclose(totals, 1.0, atol=0.02)   # speakers under 0.005 everywhere are left out
    with pytest.raises(ValueError, match="sources is empty"):
        aplots.answers_figure(world, {})


def test_evidence_figure_and_in_place_update(world, states):
    none = assistant.find_state(states, [])
    arr = assistant.find_state(states, ["says arr"])
    fig = aplots.evidence_figure(world, none)
    assert_labelled(fig)
    assert list(fig.data[1].y) == pytest.approx(list(world.prior))
    aplots.update_evidence_figure(fig, world, arr)
    assert fig.data[1].y[world.persona_index("pirate")] == pytest.approx(1.0)
    assert "says arr" in fig.layout.title.text
    with pytest.raises(ValueError, match="4 traces"):
        aplots.update_evidence_figure(go.Figure(), world, arr)


def test_evidence_twin_has_one_menu_entry_per_state(world, states):
    twin = aplots.evidence_twin(world, states)
    buttons = twin.layout.updatemenus[0].buttons
    assert len(buttons) == len(states)
    arr_button = next(b for b in buttons if b.label == "says arr")
    posterior = arr_button.args[0]["y"][1]
    assert posterior[world.persona_index("pirate")] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="states is empty"):
        aplots.evidence_twin(world, [])


def test_seed_spread_and_scatter_figures():
    table = post_training.post_training_table()
    fig = aplots.seed_spread_figure(table, ["human_likeness", "in_set"])
    assert fig.layout.title.text and len(fig.layout.annotations) == 2
    dots = [t for t in fig.data if t.type == "scatter"]
    assert sum(len(t.y) for t in dots) == 2 * len(table)
    with pytest.raises(ValueError, match="metrics"):
        aplots.seed_spread_figure(table.assign(foo=0.0), ["foo"])
    with pytest.raises(ValueError, match="lacks column"):
        aplots.seed_spread_figure(table.drop(columns="seed"), ["in_set"])
    scatter = aplots.trained_vs_held_out_figure(table)
    assert_labelled(scatter)
    assert {t.name for t in scatter.data} == set(post_training.CONDITIONS)


def test_trajectory_figure_and_update(runs):
    frames, bayes_metrics = runs
    fig = aplots.trajectory_figure(frames, bayes_metrics, "embedding", 0)
    assert_labelled(fig)
    index = fig.layout.meta["index"]
    bars = fig.data[index["embedding"]["bars"]]
    first = list(bars.y)
    aplots.update_trajectory_figure(fig, frames, "embedding", 100)
    assert list(fig.data[index["embedding"]["bars"]].y) != first
    assert list(fig.data[index["embedding"]["marker"]].x) == [100, 100]
    aplots.update_trajectory_figure(fig, frames, "all", 50)
    assert fig.data[index["all"]["bars"]].visible and not fig.data[index["embedding"]["bars"]].visible
    with pytest.raises(ValueError, match="step="):
        aplots.trajectory_figure(frames, bayes_metrics, "embedding", 3)
    with pytest.raises(ValueError, match="mode="):
        aplots.trajectory_figure(frames, bayes_metrics, "lora", 0)
    with pytest.raises(ValueError, match="mode="):
        aplots.trajectory_figure({"lora": frames["all"]}, bayes_metrics, "lora", 0)
    with pytest.raises(ValueError, match="trace indices"):
        aplots.update_trajectory_figure(go.Figure(), frames, "all", 0)


def test_trajectory_twin_buttons_and_slider(runs):
    frames, bayes_metrics = runs
    twin = aplots.trajectory_twin(frames, bayes_metrics)
    assert [b.label for b in twin.layout.updatemenus[0].buttons] == ["embedding", "all"]
    steps = twin.layout.sliders[0].steps
    assert [s.label for s in steps] == [str(s) for s in frames["embedding"].step]
    first, last = steps[0].args[0]["y"], steps[-1].args[0]["y"]
    assert first != last   # the embedding bars change along the slider
    index = twin.layout.meta["index"]
    visible = twin.layout.updatemenus[0].buttons[1].args[0]["visible"]
    assert visible[index["all"]["bars"]] and not visible[index["embedding"]["bars"]]
    with pytest.raises(ValueError, match="different steps"):
        aplots.trajectory_twin({"embedding": frames["embedding"], "all": frames["all"].iloc[:3]}, bayes_metrics)


def test_every_held_out_task_has_a_display_name():
    from helpers.lessons.assistant.analysis import HELD_OUT_TASKS
    from helpers.lessons.assistant.figures import TASK_NAMES

    assert set(HELD_OUT_TASKS) <= set(TASK_NAMES)
