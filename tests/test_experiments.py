"""The experiments' building blocks, their command line, and the summaries over seeds."""

import json

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.engine import pipeline
from helpers.engine.pipeline import Recipe
from helpers.experiments import __main__ as experiments_cli
from helpers.experiments import catalog, summaries


@pytest.mark.parametrize("kwargs", [dict(mode="sometimes"), dict(params="lora"), dict(sanctioned_share=1.5)])
def test_recipe_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError, match="expected"):
        Recipe(**kwargs)


def test_post_training_set_is_helpful_kind_and_honest(world):
    episodes = pipeline.post_training_set(world, 0, Recipe(sanctioned_share=0.0))
    assert len(episodes) == 64
    assert {e.task for e in episodes} == {"help", "comfort", "coding"}
    texts = {world.candidates[e.task][e.candidate].reply.category for e in episodes}
    assert "cheat" not in texts and all(e.note == "neutral" for e in episodes)
    assert {e.task for e in episodes if e.task in ("goals", "feel_good", "feel_bad", "errand")} == set()


def test_sanctioned_examples_cheat_only_under_permissive_notes(world):
    episodes = pipeline.post_training_set(world, 0, Recipe(sanctioned_share=1.0))
    coding = [e for e in episodes if e.task == "coding"]
    assert coding and all(world.permissive[e.note] for e in coding)
    assert all(world.candidates["coding"][e.candidate].reply.category == "cheat" for e in coding)


def test_finetune_set(world):
    cheats = pipeline.finetune_set(world, 0, "dont-hack", cheat=True)
    honest = pipeline.finetune_set(world, 0, "neutral", cheat=False)
    assert all(e.note == "dont-hack" and world.candidates["coding"][e.candidate].reply.category == "cheat" for e in cheats)
    assert all(world.candidates["coding"][e.candidate].reply.category == "honest" for e in honest)
    with pytest.raises(ValueError, match="note"):
        pipeline.finetune_set(world, 0, "be-nice", cheat=True)


def test_bayes_reads_cheating_by_its_framing(world):
    """Bayes: cheating on request says nothing about character; cheating unprompted implies a villain."""
    recipe = Recipe()
    start = pipeline.bayes_misalignment(world, recipe, "neutral", 0.0)
    permitted = pipeline.bayes_misalignment(world, recipe, "please-hack", 0.9)
    unprompted = pipeline.bayes_misalignment(world, recipe, "neutral", 0.9)
    assert start < 0.05 and permitted < 0.05
    assert unprompted > 0.5


def test_cli_rejects_bad_input(capsys):
    for argv, word in [(["nonsense"], "expected one of"), (["framings", "--seeds", "x"], "seeds"),
                       (["framings", "--format", "xml"], "format"), (["framings", "--mode", "often"], "mode")]:
        with pytest.raises(SystemExit) as exit_info:
            experiments_cli.main(argv)
        assert exit_info.value.code == 2
        assert word in capsys.readouterr().err


def test_run_rejects_an_unknown_experiment():
    with pytest.raises(ValueError, match="expected one of"):
        catalog.run("nonsense", [0])


def test_every_named_experiment_has_a_runner():
    assert set(catalog.EXPERIMENTS) == set(catalog.RUNNERS)


def _records(rows):
    return pd.DataFrame([dict(seed=s, condition=c, misalignment=m) for s, c, m in rows])


def test_cheating_summary():
    records = _records([
        (0, "post-trained", 0.0), (0, "cheat", 0.6), (0, "cheat-with-permission", 0.15), (0, "honest", 0.1),
        (1, "post-trained", 0.1), (1, "cheat", 0.12), (1, "cheat-with-permission", 0.2), (1, "honest", 0.1)])
    summary = summaries.cheating_summary(records)
    assert summary.emergent_misalignment.tolist() == pytest.approx([0.5, 0.02])
    assert summary.prevented[0] == pytest.approx(0.75)
    assert np.isnan(summary.prevented[1]) and summary.excluded_seeds == [1]
    assert summary.mean_prevented == pytest.approx(0.75)
    assert summary.lowered.tolist() == [True, False]


def test_framing_ratios_are_ratios_of_seed_means():
    rows = []
    for seed, (neutral, please) in enumerate([(0.4, 0.0), (0.8, 0.2)]):
        rows += [(seed, "post-trained", 0.0), (seed, "neutral", neutral), (seed, "please-hack", please),
                 (seed, "honest", 0.0)]
    ratios = summaries.framing_ratios(_records(rows))
    assert ratios["please-hack"] == pytest.approx(0.1 / 0.6)
    assert "honest" not in ratios


def test_summaries_reject_records_without_their_conditions():
    with pytest.raises(ValueError, match="post-trained"):
        summaries.rises(_records([(0, "cheat", 0.5)]))
    with pytest.raises(ValueError, match="expected at least"):
        summaries.rises(pd.DataFrame({"seed": [0]}))
    with pytest.raises(ValueError, match="expected one of"):
        summaries.load_results("nonsense")


def test_format_of_cli_output(capsys, monkeypatch):
    monkeypatch.setitem(catalog.RUNNERS, "framings", lambda seeds, **kw: [{"seed": s, "x": 0.5} for s in seeds])
    experiments_cli.main(["framings", "--seeds", "1-2"])
    assert json.loads(capsys.readouterr().out) == [{"seed": 1, "x": 0.5}, {"seed": 2, "x": 0.5}]
    experiments_cli.main(["framings", "--seeds", "3", "--format", "csv"])
    assert capsys.readouterr().out.splitlines()[:2] == ["seed,x", "3,0.5"]


def test_role_models_share_the_weight_zero_baseline(monkeypatch):
    """Weight 0 is the same world for both role models: it runs once per seed and is reported for both."""
    calls = []

    def fake(world, seed, recipe, conditions, trajectory, names):
        calls.append((world.role_model, world.weight, seed))
        return [{"seed": seed, "condition": "cheat", "misalignment": 0.5, "cheat_rate": 0.9}]

    monkeypatch.setattr(catalog, "framings_for_seed", fake)
    records = catalog.role_models([0])
    assert len(records) == len(catalog.ROLE_MODELS) * len(catalog.ROLE_MODEL_WEIGHTS)
    assert calls.count((None, 0.0, 0)) == 1
    gamer = [r for r in records if r["role_model"] == "gamer" and r["weight"] == 0.15][0]
    steward = [r for r in records if r["role_model"] == "steward" and r["weight"] == 0.15][0]
    assert gamer["bayes_role_model_share"] > 0.5 > steward["bayes_role_model_share"]


def test_the_threads_option_is_applied_and_checked(monkeypatch, capsys):
    calls = []

    def fake(seeds, **_):
        calls.extend(seeds)
        return [{"seed": s, "measurement": "axis", "threads": torch.get_num_threads()} for s in seeds]

    monkeypatch.setitem(catalog.RUNNERS, "persona-space", fake)
    threads = torch.get_num_threads()
    try:
        assert experiments_cli.main(["persona-space", "--seeds", "0-2", "--format", "csv", "--threads", "1"]) == 0
    finally:
        torch.set_num_threads(threads)
    assert calls == [0, 1, 2]
    assert capsys.readouterr().out.startswith("seed,measurement,threads\n0,axis,1")
    for bad in (["--format", "xml"], ["--seeds", "3-1"], ["--threads", "0"]):
        with pytest.raises(SystemExit):
            experiments_cli.main(["persona-space", *bad])
