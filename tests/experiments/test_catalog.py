"""The named experiments."""


import pytest

from helpers.experiments import catalog


def test_run_rejects_an_unknown_experiment():
    with pytest.raises(ValueError, match="expected one of"):
        catalog.run("nonsense", [0])


def test_every_named_experiment_has_a_runner():
    assert set(catalog.EXPERIMENTS) == set(catalog.RUNNERS)


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


def test_rl_records_every_condition_with_its_fields(world):
    recipe = catalog.Recipe(rl_steps=2, rl_batch=4)
    records = catalog.rl_for_seed(world, 0, recipe, ("post-trained", "please-hack", "hack-proof"))
    assert [r["condition"] for r in records] == ["post-trained", "please-hack", "hack-proof"]
    for field in ("misalignment", "cheat_rate", "cheat_rate_under_note", "reward", "hack_rate", "steps", "in_set",
                  "bayes_misalignment", "params", "post_params"):
        assert all(field in r for r in records), field
    start, hackable, proof = records
    assert start["steps"] == 0 and start["reward"] is None and 0.9 <= start["in_set"] <= 1
    assert hackable["steps"] == proof["steps"] == 2 and hackable["params"] == "all"
    assert hackable["cheat_rate_under_note"] > 0.9 > proof["cheat_rate_under_note"]
    with pytest.raises(ValueError, match="conditions"):
        catalog.rl_for_seed(world, 0, recipe, ("cheat",))


def test_rl_trajectory_has_one_record_per_step(world):
    records = catalog.rl_for_seed(world, 0, catalog.Recipe(rl_steps=2, rl_batch=4), ("post-trained", "neutral"),
                                  trajectory=True)
    assert [(r["condition"], r["step"]) for r in records] == [("neutral", 0), ("neutral", 1), ("neutral", 2)]
    assert records[-1]["reward"] is None and all(0 <= r["reward"] <= 1 for r in records[:-1])
    assert all("misalignment" in r and "hack_rate" in r for r in records)


def test_rl_is_a_named_experiment_with_every_condition():
    assert "rl" in catalog.EXPERIMENTS
    assert catalog.RL_CONDITIONS == ("post-trained", "please-hack", "hacking-okay", "neutral", "dont-hack",
                                     "hacking-misaligned", "hack-proof")
