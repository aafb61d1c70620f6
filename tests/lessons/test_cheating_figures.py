"""Lesson 04's figures."""

import pandas as pd
import plotly.graph_objects as go
import pytest

from helpers.engine import grader
from helpers.engine.pipeline import Recipe
from helpers.experiments import summaries
from helpers.lessons.cheating import analysis as ino
from helpers.lessons.cheating import figures as P
from helpers.lessons.cheating import share_figures


@pytest.fixture(scope="module")
def cheating():
    return summaries.load_results("cheating")


@pytest.fixture(scope="module")
def framings():
    return summaries.load_results("framings")


def _trajectory() -> pd.DataFrame:
    rows = []
    for seed in (0, 1):
        for condition, steps in (("cheat", 4), ("cheat-with-permission", 0), ("honest", 4)):
            for step in range(steps + 1):
                rate = 0.2 * step if condition == "cheat" else 0.01
                rows.append({"seed": seed, "condition": condition, "step": step, "misalignment": rate / 2,
                             "cheat_rate": rate, "cheat_rate_under_note": 0.95 if condition != "cheat" else rate})
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


def test_trajectory_figure_with_bayes_and_control(world):
    curve = ino.bayes_curve(world, Recipe(), "neutral", points=17)
    fig = P.trajectory_figure(_trajectory(), "cheat", curve)
    _assert_styled(fig)
    names = [t.name for t in fig.data]
    assert "Bayes' misalignment at the network's cheat rate" in names and "misalignment, honest control" in names
    mean = next(t for t in fig.data if t.name == "cheat rate under the training note")
    assert list(mean.y) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8])
    with pytest.raises(ValueError, match="condition"):
        P.trajectory_figure(_trajectory(), "nope")
    table = P.trajectory_table(_trajectory(), "cheat", every=2)
    assert list(table.index) == [0, 2, 4]


def test_permission_figure_states_differ(cheating, framings):
    recipes = {"default": cheating, "fixed": framings}
    off, on = P.permission_figure(recipes, False), P.permission_figure(recipes, True)
    _assert_styled(off)
    assert off.layout.title.text != on.layout.title.text
    assert list(off.data[3].y) != list(on.data[3].y)  # per-seed misalignment
    live = pd.DataFrame([{"recipe": "fixed", "misalignment": 0.5, "cheat_rate_under_note": 0.9}])
    assert P.permission_figure(recipes, True, live).data[-1].name == "your live run"
    with pytest.raises(ValueError, match="recipes"):
        P.permission_figure({}, True)


def test_permission_twin_has_two_buttons_over_both_states(cheating):
    fig = P.permission_twin({"default": cheating})
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["no note", "permission to cheat"]
    off, on = buttons[0].args[0]["visible"], buttons[1].args[0]["visible"]
    assert len(off) == len(on) == len(fig.data) and not any(a and b for a, b in zip(off, on, strict=True))
    assert [t.visible for t in fig.data] == off


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


def test_framings_and_paper_figures(framings):
    table = ino.framings_table(framings)
    fig = P.framings_figure({"criterion": table, "again": table}, (0.75, 0.9))
    _assert_styled(fig)
    assert len(fig.data) == 2 and len(fig.layout.shapes) == 2
    paper = ino.paper_misalignment(ino.load_paper("macdiarmid2025"))
    fig = P.paper_figure(paper, {"cheat": 0.6, "honest": 0.01})
    assert fig.layout.title.text and len(fig.data) == 5
    _assert_styled(P.seeds_figure({"criterion": framings}, ("neutral", "honest")))


def test_grader_table_feeds_the_figure():
    solutions = (grader.HONEST_CORRECT, grader.ALWAYS_EQUAL)
    results = [grader.grade(s) for s in solutions]
    fig = P.grader_verdicts(grader.verdict_table(solutions, results))
    assert fig.data[0].z.tolist() == [[1, 1], [0, 1]]


def test_twins_can_start_in_either_state(cheating, framings):
    on = P.permission_twin({"default": cheating}, permission=True)
    assert on.layout.updatemenus[0].active == 1
    assert [t.visible for t in on.data] == on.layout.updatemenus[0].buttons[1].args[0]["visible"]
    assert "please-hack" in on.layout.title.text
    sweep = {0.0: framings, 0.3: cheating}
    summaries = {s: ino.permission_summary(r) for s, r in sweep.items()}
    twin = share_figures.share_twin(sweep, summaries, active=0.3)
    assert twin.layout.sliders[0].active == 1 and "30%" in twin.layout.title.text
    with pytest.raises(ValueError, match="active"):
        share_figures.share_twin(sweep, summaries, active=0.7)
