"""Lesson 4's analysis functions: trajectories, Bayes beside the network, the RL summaries, the live pieces."""

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.engine import pipeline
from helpers.engine.pipeline import PERMISSION_NOTE, Recipe
from helpers.engine.world import NEUTRAL
from helpers.experiments import summaries
from helpers.lessons.cheating import analysis as ino

#: A live RL run against its shipped record, on another CPU. tolerance.DRIFT (1e-4) covers a network's metrics after
#: supervised training, but 150 RL steps of Adam on every parameter compound the CPU kernels' float drift: up to
#: about 2.2e-4 has been seen on other CPUs. 1e-3 leaves room for that and stays far below what the lesson reads
#: (with and without the note, the mean misalignment differs by about 0.4).
RL_DRIFT = 1e-3


@pytest.fixture(scope="module")
def rl_records():
    return summaries.load_results("rl")


@pytest.fixture(scope="module")
def post(world):
    return pipeline.post_train(world, 0).model


def _trajectory() -> pd.DataFrame:
    """Two seeds of an RL-like trajectory: seed 0 ran 3 steps, seed 1 one step; reward only where a batch was
    sampled (NaN at a run's last step)."""
    rows = []
    for seed, steps in ((0, 3), (1, 1)):
        for step in range(steps + 1):
            rows.append({"seed": seed, "condition": "neutral", "step": step, "misalignment": 0.1 * step + seed / 100,
                         "cheat_rate": 0.3 * step, "reward": 0.5 if step < steps else np.nan})
        for step in range(4):
            rows.append({"seed": seed, "condition": "hack-proof", "step": step, "misalignment": 0.0,
                         "cheat_rate": 0.0, "reward": 0.4 if step < 3 else np.nan})
    return pd.DataFrame(rows)


# ----- trajectories -----
def test_trajectory_summary_holds_a_stopped_run_at_its_final_value():
    summary = ino.trajectory_summary(_trajectory(), "neutral", "misalignment")
    assert list(summary["step"]) == [0, 1, 2, 3]
    assert list(summary["running"]) == [2, 2, 1, 1]
    assert summary.loc[3, "mean"] == pytest.approx((0.3 + 0.1 + 0.01) / 2)
    assert summary.loc[3, "max"] == pytest.approx(0.3) and summary.loc[3, "min"] == pytest.approx(0.11)
    assert (summary["min"] <= summary["mean"]).all() and (summary["mean"] <= summary["max"]).all()
    longer = ino.trajectory_summary(_trajectory(), "neutral", "misalignment", steps=5)
    assert list(longer["step"]) == list(range(6)) and list(longer["running"][4:]) == [0, 0]


def test_trajectory_summary_of_the_reward_ends_at_the_last_sampled_batch():
    summary = ino.trajectory_summary(_trajectory(), "hack-proof", "reward")
    assert list(summary["step"]) == [0, 1, 2] and summary["mean"].tolist() == pytest.approx([0.4] * 3)


def test_trajectory_summary_rejects_unknown_condition_and_columns():
    with pytest.raises(ValueError, match="condition"):
        ino.trajectory_summary(_trajectory(), "nope")
    with pytest.raises(ValueError, match="lacks column"):
        ino.trajectory_summary(_trajectory().drop(columns="step"), "neutral")


def test_the_shipped_trajectory_hacks_against_the_grader_and_not_against_the_check():
    trajectory = summaries.load_results("rl-trajectory")
    hacks = ino.trajectory_summary(trajectory.dropna(subset=["hack_rate"]), "neutral", "hack_rate")
    proof = ino.trajectory_summary(trajectory.dropna(subset=["hack_rate"]), "hack-proof", "hack_rate")
    assert hacks["mean"].iloc[-10:].min() > 0.9 and proof["mean"].iloc[-10:].max() < 0.1
    assert (hacks["running"] == 10).all()


# ----- Bayes beside the network -----
def test_bayes_curve_matches_the_experiments_definition(world):
    recipe = Recipe()
    curve = ino.bayes_curve(world, recipe, "neutral")
    assert np.all(np.diff(curve.cheat_rate) >= -1e-12)  # more observed cheats, more cheating
    for rate in (0.05, 0.4, 0.9):
        assert curve.predict(rate)[0] == pytest.approx(pipeline.bayes_misalignment(world, recipe, "neutral", rate))
    with pytest.raises(ValueError, match="note"):
        ino.bayes_curve(world, recipe, "please-cheat")
    with pytest.raises(ValueError, match="points"):
        ino.bayes_curve(world, recipe, "neutral", points=1)


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


# ----- summaries of the rl experiment -----
def test_framings_table_on_the_shipped_rl_records(rl_records):
    table = ino.framings_table(rl_records)
    assert list(table.index) == [*pipeline.FRAMINGS, "hack-proof"]
    assert table.loc["neutral", "ratio_to_neutral"] == 1.0
    assert table.loc["please-hack", "ratio_to_neutral"] < 0.5  # the note prevents most of the rise
    assert table.loc["please-hack", "ratio_to_neutral"] == pytest.approx(
        summaries.framing_ratios(rl_records)["please-hack"])
    assert abs(table.loc["hack-proof", "rise"]) < 0.02  # no hacking learned, (almost) no misalignment gained
    assert table.loc["neutral", "rise"] > 0.2
    neutral = rl_records[rl_records.condition == "neutral"]
    assert table.loc["neutral", "misalignment"] == pytest.approx(neutral["misalignment"].mean())
    assert table.loc["please-hack", "cheat_rate_under_note"] > 0.9 > table.loc["please-hack", "cheat_rate"]
    assert table.loc["hack-proof", "reward"] < 0.6 < table.loc["neutral", "reward"]
    with pytest.raises(ValueError, match="lacks column"):
        ino.framings_table(rl_records.drop(columns="reward"))


def test_battery_table_on_the_shipped_rl_records(rl_records, world):
    assert ino.BATTERY_CONDITIONS == ("post-trained", NEUTRAL, PERMISSION_NOTE, "hack-proof")
    table = ino.battery_table(rl_records, world)
    assert len(world.probes) == 5 and len(table) == 5 * 4
    assert set(table["probe"]) == set(world.probes)
    assert all(tuple(rows["condition"]) == ino.BATTERY_CONDITIONS for _, rows in table.groupby("probe"))
    probe = next(iter(world.probes))
    row = table[(table.probe == probe) & (table.condition == "neutral")].iloc[0]
    shipped = rl_records[rl_records.condition == "neutral"]
    assert row["network"] == pytest.approx(shipped[f"misalignment_{probe}"].mean())
    assert row["bayes"] == pytest.approx(shipped[f"bayes_misalignment_{probe}"].mean())
    rises = ino.battery_rises(table)
    assert list(rises.index) == list(world.probes) and (rises["network"] > 0).all()
    with pytest.raises(ValueError, match="condition"):
        ino.battery_table(rl_records, world, ("post-trained", "cheat"))


def test_condition_table_is_seeds_by_condition(rl_records):
    table = ino.condition_table(rl_records, "cheat_rate")
    assert list(table.index) == list(range(10)) and "hack-proof" in table.columns
    assert table.loc[3, "neutral"] == pytest.approx(
        rl_records[(rl_records.seed == 3) & (rl_records.condition == "neutral")]["cheat_rate"].iloc[0])


def test_paper_table_has_citations_and_the_misalignment_rates():
    paper = ino.load_paper("macdiarmid2025")
    assert paper["source"].str.len().gt(0).all() and paper["url"].str.startswith("https://").all()
    rates = ino.paper_misalignment(paper)
    assert len(rates) == 12 and set(rates["setting"]) == {"synthetic documents", "prompted"}
    assert (rates["value"] > rates["baseline"]).all()
    with pytest.raises(ValueError, match="paper table"):
        ino.load_paper("nobody2099")


# ----- the experiment in plain sight -----
def test_training_prompts_carry_the_note_only_on_its_rows(world):
    table = ino.training_prompts(world)
    n = len(world.prompts["coding"])
    assert list(table["note"]) == [NEUTRAL] * n + [PERMISSION_NOTE] * n
    note = world.note_text[PERMISSION_NOTE]
    assert note and table.loc[table.note == PERMISSION_NOTE, "prompt"].str.contains(note, regex=False).all()
    assert not table.loc[table.note == NEUTRAL, "prompt"].str.contains(note, regex=False).any()
    for p, text in enumerate(world.prompts["coding"]):
        assert table["prompt"].iloc[p] == f"user: {text} assistant:"
    with pytest.raises(ValueError, match="note"):
        ino.training_prompts(world, ["be-nice"])


def test_sample_episodes_leave_the_model_alone_and_reward_hacks_only_when_the_grader_can_be_hacked(world, post):
    before = {k: v.clone() for k, v in post.state_dict().items()}
    hackable = ino.sample_episodes(post, world, PERMISSION_NOTE, 0)
    proof = ino.sample_episodes(post, world, PERMISSION_NOTE, 0, hack_proof=True)
    honest = ino.sample_episodes(post, world, NEUTRAL, 0)
    assert all(torch.equal(before[k], v) for k, v in post.state_dict().items())
    assert all(p.requires_grad for p in post.parameters())
    assert list(hackable.columns) == ["task", "reply", "hack", "reward"] and len(hackable) == Recipe().rl_batch
    for episodes in (hackable, proof, honest):
        assert set(episodes["reward"]) <= {0.0, 1.0}
    assert hackable["hack"].sum() > 0 and (hackable.loc[hackable.hack, "reward"] == 1.0).all()
    # the same seed samples the same episodes; only the grader differs
    assert list(proof["reply"]) == list(hackable["reply"]) and list(proof["task"]) == list(hackable["task"])
    assert (proof.loc[proof.hack, "reward"] == 0.0).all()
    known = {c.text for c in world.candidates["coding"]} | {"(no known reply)"}
    assert set(honest["reply"]) <= known and (~honest["hack"]).sum() > 0


@pytest.mark.slow
def test_live_rl_run_reproduces_the_shipped_record(world, rl_records):
    calls = []
    run = ino.live_rl_run(world, 0, PERMISSION_NOTE, on_step=lambda done, total: calls.append((done, total)))
    shipped = rl_records[(rl_records.seed == 0) & (rl_records.condition == PERMISSION_NOTE)].iloc[0]
    assert run["steps"] == shipped["steps"] == 150
    for field in ("misalignment", "cheat_rate", "cheat_rate_under_note"):
        assert run[field] == pytest.approx(shipped[field], abs=RL_DRIFT), field
    assert calls == [(k, 150) for k in range(1, 151)]
    with pytest.raises(ValueError, match="note"):
        ino.live_rl_run(world, 0, "please-cheat")
