"""Lesson 04's figures."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from helpers.engine import grader
from helpers.engine.pipeline import Recipe
from helpers.experiments import summaries
from helpers.lessons.cheating import analysis as ino
from helpers.lessons.cheating import figures as P


@pytest.fixture(scope="module")
def rl_records():
    return summaries.load_results("rl")


def _trajectory() -> pd.DataFrame:
    """Two seeds of 4 RL steps under neutral (hacking grows) and hack-proof (it does not); the reward and hack rate
    are those of the batch sampled at a step, so the last step has none."""
    rows = []
    for seed in (0, 1):
        for condition in ("neutral", "hack-proof"):
            for step in range(5):
                rate = 0.2 * step if condition == "neutral" else 0.0
                batch = step < 4
                rows.append({"seed": seed, "condition": condition, "step": step,
                             "reward": (0.4 + 0.1 * step if condition == "neutral" else 0.4) if batch else np.nan,
                             "hack_rate": rate + 0.1 * seed if batch else np.nan, "misalignment": rate / 2,
                             "cheat_rate": rate, "cheat_rate_under_note": rate})
    return pd.DataFrame(rows)


def _assert_styled(fig: go.Figure) -> None:
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_grader_verdicts():
    table = pd.DataFrame({"solution": ["a", "b"], "really correct": [True, False], "grader says pass": [True, True]})
    fig = P.grader_verdicts(table)
    _assert_styled(fig)
    assert [list(row) for row in fig.data[0].text] == [["yes", "pass"], ["no", "pass"]]
    with pytest.raises(ValueError, match="grader.verdict_table"):
        P.grader_verdicts(table.drop(columns="really correct"))


def test_grader_table_feeds_the_figure():
    solutions = (grader.HONEST_CORRECT, grader.ALWAYS_EQUAL)
    results = [grader.grade(s) for s in solutions]
    fig = P.grader_verdicts(grader.verdict_table(solutions, results))
    assert fig.data[0].z.tolist() == [[1, 1], [0, 1]]


def _means(fig: go.Figure, name: str) -> list[list[float]]:
    """The y values of each mean line (not a band) named ``name``, top row first."""
    return [list(t.y) for t in fig.data if t.name == name and t.mode == "lines"]


def test_rl_trajectory_figure_shows_three_rows_for_the_condition_and_the_control(world):
    fig = P.rl_trajectory_figure(_trajectory())
    assert "2 seeds" in fig.layout.title.text and fig.layout.xaxis3.title.text == P.STEP_AXIS
    neutral, proof = _means(fig, "neutral: the grader can be hacked"), _means(fig, "hack-proof: the grader cannot")
    assert len(neutral) == len(proof) == 3  # reward, hack rate, misalignment
    reward, hack_rate, misalignment = neutral
    assert reward == pytest.approx([0.4, 0.5, 0.6, 0.7])  # no batch at the last step: no reward there
    assert hack_rate == pytest.approx([0.05, 0.25, 0.45, 0.65])  # mean of the two seeds
    assert misalignment == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert proof[2] == pytest.approx([0.0] * 5)
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend == ["neutral: the grader can be hacked", "hack-proof: the grader cannot"]
    curve = ino.bayes_curve(world, Recipe(), "neutral", points=17)
    with_curve = P.rl_trajectory_figure(_trajectory(), curve=curve)
    bayes = next(t for t in with_curve.data if t.name == "Bayes at the network's hack rate")
    assert bayes.yaxis == "y3" and list(bayes.y) == pytest.approx(list(curve.predict([0, 0.2, 0.4, 0.6, 0.8])))
    with pytest.raises(ValueError, match="condition"):
        P.rl_trajectory_figure(_trajectory(), "please-hack")
    with pytest.raises(ValueError, match="condition"):
        P.rl_trajectory_figure(_trajectory(), control="honest")


def test_rl_trajectory_table_is_the_figures_numbers():
    table = P.rl_trajectory_table(_trajectory(), every=2)
    assert list(table.index) == [0, 2, 4]
    assert table[("neutral", "hack_rate")].iloc[:2].tolist() == pytest.approx([0.05, 0.45])
    assert np.isnan(table.loc[4, ("neutral", "reward")])  # the last step sampled no batch
    assert table.loc[4, ("neutral", "misalignment")] == pytest.approx(0.4)
    assert set(table.columns.get_level_values(0)) == {"neutral", "hack-proof"}


def test_rl_trajectory_figure_on_the_shipped_runs():
    trajectory = summaries.load_results("rl-trajectory")
    fig = P.rl_trajectory_figure(trajectory)
    assert "10 seeds" in fig.layout.title.text
    hack_rate = _means(fig, "neutral: the grader can be hacked")[1]
    assert len(hack_rate) == 150 and hack_rate[-1] > 0.9
    table = P.rl_trajectory_table(trajectory)
    assert list(table.index) == [0, 25, 50, 75, 100, 125, 150]


def test_bayes_figures(world):
    _assert_styled(P.cheat_likelihood_figure(ino.cheat_likelihoods(world)))
    with pytest.raises(ValueError, match="note"):
        P.cheat_likelihood_figure(ino.cheat_likelihoods(world), ("nope",))
    post = ino.posterior_after_cheats(world, Recipe(), ["neutral", "please-hack"], 10)
    fig = P.posterior_figure(post, 10)
    _assert_styled(fig)
    assert len(fig.data) == len(world.personas)
    curves = ino.bayes_misalignment_after(world, Recipe(), ["neutral", "please-hack"], [0, 5, 10])
    _assert_styled(P.bayes_curves_figure(curves))


def test_framings_figure_on_the_rl_records(rl_records):
    table = ino.framings_table(rl_records)
    fig = P.framings_figure({"rl": table, "again": table}, (0.75, 0.9))
    _assert_styled(fig)
    assert len(fig.data) == 2 and len(fig.layout.shapes) == 2
    bars = dict(zip(fig.data[0].x, fig.data[0].y, strict=True))
    assert bars["neutral"] == 1.0 and bars["please-hack"] == pytest.approx(table.loc["please-hack", "ratio_to_neutral"])
    assert "hack-proof" not in bars


def test_paper_figure_takes_its_settings_from_the_data():
    paper = ino.paper_misalignment(ino.load_paper("macdiarmid2025"))
    fig = P.paper_figure(paper, {"neutral": 0.5, "please-hack": 0.08})
    _assert_styled(fig)
    assert len(fig.data) == 2 * paper["setting"].nunique() + 1
    assert [t.name for t in fig.data[:2]] == ["synthetic documents, hacking",
                                              "synthetic documents, baseline (no hacking)"]
    assert list(fig.data[-1].x) == [0.5, 0.08]
    three = pd.concat([paper, paper.head(2).assign(setting="another setting")], ignore_index=True)
    names = [t.name for t in P.paper_figure(three, {"toy": 0.5}).data]
    assert len(names) == 7 and "another setting, hacking" in names


def test_battery_figure_names_the_rl_conditions(rl_records, world):
    table = ino.battery_table(rl_records, world)
    fig = P.battery_figure(table)
    _assert_styled(fig)
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    assert [b.name for b in bars] == ["post-trained (the start)", "after RL, no note", "after RL with please-hack",
                                      "after RL, hack-proof grader"]
    assert all(len(b.x) == len(world.probes) for b in bars)
    neutral = table[table.condition == "neutral"]
    assert list(bars[1].y) == pytest.approx(list(neutral["network"]))
    assert len(fig.data) == 2 * len(bars)  # a Bayes marker trace per condition
    with pytest.raises(ValueError, match="lacks column"):
        P.battery_figure(table.drop(columns="bayes"))
