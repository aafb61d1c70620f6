"""Lesson 4's analysis functions: trajectories, Bayes beside the network, summaries, the live run."""

import numpy as np
import pandas as pd
import pytest

from helpers.engine import evals, pipeline
from helpers.engine.pipeline import Recipe
from helpers.experiments import summaries
from helpers.lessons.cheating import analysis as ino


def _trajectory() -> pd.DataFrame:
    """Two seeds: seed 0 cheats in 3 steps, seed 1 in 1 step; permission stops at 0; honest runs 3 steps."""
    rows = []
    for seed, steps in ((0, 3), (1, 1)):
        for step in range(steps + 1):
            rows.append({"seed": seed, "condition": "cheat", "step": step, "misalignment": 0.1 * step + seed / 100,
                         "cheat_rate": 0.3 * step, "cheat_rate_under_note": 0.3 * step})
        rows.append({"seed": seed, "condition": "cheat-with-permission", "step": 0, "misalignment": seed / 100,
                     "cheat_rate": 0.0, "cheat_rate_under_note": 0.95})
        for step in range(4):
            rows.append({"seed": seed, "condition": "honest", "step": step, "misalignment": 0.0, "cheat_rate": 0.0,
                         "cheat_rate_under_note": 0.0})
    return pd.DataFrame(rows)


def test_trajectory_summary_holds_a_stopped_run_at_its_final_value():
    summary = ino.trajectory_summary(_trajectory(), "cheat", "misalignment")
    assert list(summary["step"]) == [0, 1, 2, 3]
    assert list(summary["running"]) == [2, 2, 1, 1]
    assert summary.loc[3, "mean"] == pytest.approx((0.3 + 0.1 + 0.01) / 2)
    assert summary.loc[3, "max"] == pytest.approx(0.3) and summary.loc[3, "min"] == pytest.approx(0.11)
    assert (summary["min"] <= summary["mean"]).all() and (summary["mean"] <= summary["max"]).all()


def test_trajectory_summary_rejects_unknown_condition_and_columns():
    with pytest.raises(ValueError, match="condition"):
        ino.trajectory_summary(_trajectory(), "nope")
    with pytest.raises(ValueError, match="lacks column"):
        ino.trajectory_summary(_trajectory().drop(columns="step"), "cheat")


def test_final_records_have_the_shape_analysis_expects():
    final = ino.final_records(_trajectory())
    assert set(final["condition"]) == {"post-trained", "cheat", "cheat-with-permission", "honest"}
    assert len(final) == 8
    row = final[(final.seed == 0) & (final.condition == "cheat")].iloc[0]
    assert row["steps"] == 3 and row["misalignment"] == pytest.approx(0.3)
    post = final[(final.seed == 1) & (final.condition == "post-trained")].iloc[0]
    assert post["misalignment"] == pytest.approx(0.01) and post["steps"] == 0
    summary = summaries.cheating_summary(final)  # the shared definitions accept them
    assert summary.lowered.all()


def test_before_fine_tuning():
    series = ino.before_fine_tuning(_trajectory(), "cheat-with-permission")
    assert series.to_dict() == {0: 0.95, 1: 0.95}
    with pytest.raises(ValueError, match="condition"):
        ino.before_fine_tuning(_trajectory(), "nope")


def test_bayes_curve_matches_the_experiments_definition(world):
    recipe = Recipe()
    curve = ino.bayes_curve(world, recipe, "neutral")
    assert np.all(np.diff(curve.cheat_rate) >= -1e-12)  # more observed cheats, more cheating
    for rate in (0.05, 0.4, 0.9):
        assert curve.predict(rate)[0] == pytest.approx(pipeline.bayes_misalignment(world, recipe, "neutral", rate))
    with pytest.raises(ValueError, match="note"):
        ino.bayes_curve(world, recipe, "please-cheat")


def test_permission_makes_cheating_no_evidence_in_bayes(world):
    likelihoods = ino.cheat_likelihoods(world)
    assert likelihoods["please-hack"].min() == pytest.approx(likelihoods["please-hack"].max())
    assert likelihoods["neutral"]["villain"] > 10 * likelihoods["neutral"]["helper"]
    table = ino.bayes_misalignment_after(world, Recipe(), ["neutral", "please-hack", "dont-hack"], [0, 20])
    assert table.loc[0].nunique() == 1  # no evidence yet: the same for every note
    assert table.loc[20, "please-hack"] == pytest.approx(table.loc[0, "please-hack"], abs=1e-3)
    assert table.loc[20, "neutral"] > 0.8 and table.loc[20, "dont-hack"] > 0.8
    post = ino.posterior_after_cheats(world, Recipe(), ["neutral", "please-hack"], 10)
    assert np.allclose(post.sum(axis=1), 1)
    assert post.loc["neutral", "villain"] > post.loc["please-hack", "villain"]
    with pytest.raises(ValueError, match="cheats"):
        ino.posterior_after_cheats(world, Recipe(), ["neutral"], -1)


def test_permission_summary_on_the_shipped_cheating_results():
    records = summaries.load_results("cheating")
    summary = ino.permission_summary(records)
    assert summary["seeds"] == 10
    assert summary["cheat"] > summary["permission"] and summary["cheat"] > summary["honest"]
    assert summary["prevented"] == pytest.approx(summaries.cheating_summary(records).mean_prevented)
    assert 0 <= summary["permission_zero_step_seeds"] <= 10
    framings = ino.permission_summary(summaries.load_results("framings"))  # the same runs under other names
    assert framings["cheat"] == pytest.approx(summary["cheat"])
    table = ino.recipes_table({"a": records, "b": summaries.load_results("framings")})
    assert list(table.index) == ["a", "b"]
    with pytest.raises(ValueError, match="recipes"):
        ino.recipes_table({})


def test_framings_table():
    table = ino.framings_table(summaries.load_results("framings"))
    assert list(table.index) == [*pipeline.FRAMINGS, "honest"]
    assert np.isnan(table.loc["neutral", "ratio_to_neutral"])  # the reference itself has no ratio
    assert table.loc["please-hack", "ratio_to_neutral"] == pytest.approx(
        summaries.framing_ratios(summaries.load_results("framings"))["please-hack"])
    assert table["reached_criterion"].drop("honest").between(0, 1).all()


def test_prevented_share():
    assert ino.prevented_share(0.5, 0.1, 0.0) == pytest.approx(0.8)
    assert ino.prevented_share(0.5, 0.5, 0.1) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="rise"):
        ino.prevented_share(0.1, 0.0, 0.2)


def test_paper_table_has_citations_and_the_misalignment_rates():
    paper = ino.load_paper("macdiarmid2025")
    assert paper["source"].str.contains("MacDiarmid").all() and paper["url"].str.startswith("https://").all()
    rates = ino.paper_misalignment(paper)
    assert len(rates) == 12 and set(rates["setting"]) == {"synthetic documents", "prompted"}
    assert (rates["value"] > rates["baseline"]).all()
    with pytest.raises(ValueError, match="paper table"):
        ino.load_paper("nobody2099")


@pytest.mark.slow
def test_live_run_reproduces_the_experiment(world):
    recipe = Recipe(mode="fixed", fixed_steps=3)
    calls = []
    run = ino.live_run(world, 0, "neutral", recipe, on_step=lambda step, cap, m: calls.append((step, cap)))
    model = pipeline.post_train(world, 0, recipe).model
    tuned, log = pipeline.fine_tune(model, world, 0, "neutral", recipe,
                                    snapshot=lambda m: pipeline.model_metrics(m, world))
    assert run.steps == log.steps == 3
    assert [s for s, _ in run.trajectory] == [s for s, _ in log.trajectory]
    assert run.trajectory[-1][1] == pytest.approx(log.trajectory[-1][1])
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    frame = run.frame()
    assert list(frame["condition"].unique()) == ["cheat"] and len(frame) == 4
    final = evals.behaviour_metrics(world, evals.network_profile(tuned, world))
    assert frame["misalignment"].iloc[-1] == pytest.approx(final["misalignment"])
    with pytest.raises(ValueError, match="note"):
        ino.live_run(world, 0, "please-cheat", recipe)
